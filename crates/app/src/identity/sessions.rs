//! Server-side sessions. The browser holds a random token; the database holds only its
//! SHA-256. A session ends after a while without requests (idle) and at the latest some hours
//! after sign-in (absolute); every sign-in starts a new one (the id rotates). Activity is
//! written at most once a minute.

use chrono::Duration;
use supportweb_domain::Actor;
use supportweb_domain::ids::UserId;

use super::Identity;
use super::tokens::{new_token, token_hash};
use crate::{Error, Result};

/// Session activity is written at most this often.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// What a session token names.
#[derive(Debug)]
pub enum Session {
    /// Nothing live (unknown, expired, ended, or the account is deactivated): the browser
    /// should forget the token.
    Stale,
    /// A live session of an active account, with its current memberships.
    Live(Actor),
}

fn lifetime(duration: std::time::Duration) -> Result<Duration> {
    Duration::from_std(duration).map_err(|e| Error::Internal(e.to_string()))
}

impl Identity<'_> {
    /// The acting user of a session token, recording activity; a right removed by staff
    /// takes effect on the user's next request.
    pub async fn session(&self, token: &str) -> Result<Session> {
        let Some(hash) = token_hash(token) else {
            return Ok(Session::Stale);
        };
        let store = self.app.store();
        let settings = self.app.settings();
        let now = supportweb_storage::now();
        let Some(session) = store.live_session(&hash, now).await? else {
            return Ok(Session::Stale);
        };
        if session.created_at + lifetime(settings.session_absolute)? <= now {
            store.end_session(&hash).await?;
            return Ok(Session::Stale);
        }
        if (now - session.last_seen_at).num_seconds() >= TOUCH_EVERY_SECONDS {
            store
                .touch_session(session.id, now, now + lifetime(settings.session_idle)?)
                .await?;
        }
        match store.user(session.user_id).await? {
            Some(user) if user.is_active => Ok(Session::Live(store.actor_for(&user).await?)),
            _ => Ok(Session::Stale),
        }
    }

    /// Starts a session for `user`, ending the one the browser carried (`previous`). Returns
    /// the new token for the cookie.
    pub(crate) async fn start_session(
        &self,
        tx: &mut supportweb_storage::Tx,
        user: UserId,
        previous: Option<&str>,
    ) -> Result<String> {
        if let Some(hash) = previous.and_then(token_hash) {
            tx.end_session(&hash).await?;
        }
        let (token, hash) = new_token()?;
        let expires = supportweb_storage::now() + lifetime(self.app.settings().session_idle)?;
        tx.create_session(user, &hash, expires).await?;
        Ok(token)
    }

    /// Ends the session of a token, if it names one.
    pub async fn end_session(&self, token: &str) -> Result<()> {
        if let Some(hash) = token_hash(token) {
            self.app.store().end_session(&hash).await?;
        }
        Ok(())
    }

    /// Whether administrators require a second factor of staff and this staff user has
    /// none yet (it may then only set one up).
    pub async fn must_set_up_two_factor(&self, actor: &Actor) -> Result<bool> {
        let store = self.app.store();
        if !actor.is_staff() || !store.staff_two_factor_required().await? {
            return Ok(false);
        }
        let enabled = store
            .two_factor(actor.user_id)
            .await?
            .is_some_and(|r| r.is_enabled());
        Ok(!enabled)
    }
}
