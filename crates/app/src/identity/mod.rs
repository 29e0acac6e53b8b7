//! Who is acting: sign-in (throttled, with an optional second step), sessions, activation,
//! passwords, two-factor sign-in, personal API tokens, and each user's own settings (language,
//! notification e-mails). Every audited change is written with its audit entry in one
//! transaction; a sign-in's failures count against the login name and the client address.
//!
//! The web edge keeps what is HTTP: cookies, redirects and `Retry-After`
//! (`crates/web/src/session.rs`, `pages/{login, two_factor, activation, password, tokens,
//! notifications, language}.rs`, `api_tokens.rs`, `api/me.rs`).

pub mod api_tokens;
pub mod credentials;
pub mod passwords;
pub mod preferences;
pub mod sessions;
pub mod sign_in;
pub mod tokens;
pub mod totp;
pub mod two_factor;

pub use supportweb_storage::users::UserRecord;

use supportweb_domain::Actor;

use crate::{App, Error, Result};

/// The identity use cases.
pub struct Identity<'a> {
    app: &'a App,
}

impl App {
    /// Sign-in, sessions, activation, passwords, two-factor sign-in, API tokens, preferences.
    pub fn identity(&self) -> Identity<'_> {
        Identity { app: self }
    }
}

impl Identity<'_> {
    /// The actor's own account (gone: the session no longer names anyone).
    pub async fn own_account(&self, actor: &Actor) -> Result<UserRecord> {
        self.app
            .store()
            .user(actor.user_id)
            .await?
            .ok_or(Error::Unauthenticated)
    }
}
