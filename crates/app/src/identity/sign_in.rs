//! Signing in and out. Wrong passwords and wrong second-factor codes count against the login
//! name and the client address together; too many within the window block both for a while.
//! A right password of an account with a second factor opens a pending sign-in that the
//! second step completes. Every outcome is audited; a successful sign-in writes its audit
//! entry with the new session.

use chrono::{DateTime, Duration, Utc};
use supportweb_domain::audit::AuditEvent;
use supportweb_domain::throttle::{ThrottlePolicy, login_key};
use supportweb_domain::user::Login;
use supportweb_domain::{Actor, Language};

use super::tokens::{new_token, token_hash};
use super::{Identity, UserRecord, passwords, totp};
use crate::Result;
use crate::audit::{Concerning, entry};

/// How long a sign-in waits for its second factor.
pub const PENDING_MINUTES: i64 = 10;

/// Where a sign-in comes from, and what the browser brings along.
#[derive(Debug, Clone, Copy)]
pub struct Client<'r> {
    /// The client's address, for throttling and the audit log.
    pub address: &'r str,
    /// A language chosen on the sign-in page; it becomes the account's language.
    pub language: Option<Language>,
    /// The session token the browser carried, ended by the new sign-in.
    pub previous_session: Option<&'r str>,
}

/// How a sign-in ended.
#[derive(Debug)]
pub enum SignIn {
    /// Signed in: the new session's token.
    SignedIn(String),
    /// The password was right and the second factor is due: the pending sign-in's token.
    SecondFactor(String),
    /// The login name or the password was left empty.
    Missing,
    /// A wrong login name or password, or a deactivated account (never told apart).
    Invalid,
    /// Too many failures for this login name or address: blocked until then.
    Throttled(DateTime<Utc>),
}

/// How the second step of a sign-in ended.
#[derive(Debug)]
pub enum SecondStep {
    /// No pending sign-in (expired or never started): start again.
    Expired,
    /// Too many failures: blocked until then.
    Throttled(DateTime<Utc>),
    /// Neither a current authenticator code nor an unused recovery code.
    WrongCode,
    /// Signed in: the new session's token.
    SignedIn(String),
}

impl Identity<'_> {
    /// Until when sign-in for this login name or from this address is blocked.
    async fn blocked_until(
        &self,
        key: &str,
        address: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>> {
        let policy = ThrottlePolicy::default();
        let since = now - policy.window;
        let store = self.app.store();
        let by_login = store
            .recent_login_failures(key, since, policy.per_login)
            .await?;
        let by_address = store
            .recent_address_failures(address, since, policy.per_address)
            .await?;
        Ok(policy
            .blocked_until(&by_login, policy.per_login, now)
            .max(policy.blocked_until(&by_address, policy.per_address, now)))
    }

    /// A failure of either step: counted against the login name and address, audited.
    async fn failed(
        &self,
        key: &str,
        event: AuditEvent,
        concerning: Concerning,
        address: &str,
    ) -> Result<()> {
        self.app.metrics().sign_in_failed();
        let mut tx = self.app.store().begin().await?;
        tx.record_login_failure(key, address, supportweb_storage::now())
            .await?;
        tx.record_audit(&[entry(event, concerning, address, key)])
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Signs a user in with login name and password.
    pub async fn sign_in(
        &self,
        login: &str,
        password: String,
        client: Client<'_>,
    ) -> Result<SignIn> {
        if login.trim().is_empty() || password.is_empty() {
            return Ok(SignIn::Missing);
        }
        let key = login_key(login);
        let now = supportweb_storage::now();
        if let Some(until) = self.blocked_until(&key, client.address, now).await? {
            self.app.metrics().sign_in_throttled();
            self.app
                .record_audit(entry(
                    AuditEvent::SignInThrottled,
                    Concerning::default(),
                    client.address,
                    key.as_str(),
                ))
                .await?;
            return Ok(SignIn::Throttled(until));
        }
        let store = self.app.store();
        let user = store.user_by_login(login).await?;
        let stored_hash = user
            .as_ref()
            .filter(|u| u.is_active)
            .and_then(|u| u.password_hash.clone());
        let user = match (
            passwords::verify_blocking(password, stored_hash).await,
            user,
        ) {
            (true, Some(user)) => user,
            _ => {
                // Only a well-formed login name reaches the log, so input cannot forge lines.
                match Login::parse(login) {
                    Ok(login) => tracing::info!(%login, "failed sign-in"),
                    Err(_) => tracing::info!("failed sign-in with a malformed login name"),
                }
                self.failed(
                    &key,
                    AuditEvent::SignInFailed,
                    Concerning::default(),
                    client.address,
                )
                .await?;
                return Ok(SignIn::Invalid);
            }
        };
        let second_factor = store
            .two_factor(user.id)
            .await?
            .is_some_and(|r| r.is_enabled());
        if second_factor {
            // Failures are cleared only when the second factor is right too.
            let (token, hash) = new_token()?;
            store
                .create_pending_sign_in(user.id, &hash, now + Duration::minutes(PENDING_MINUTES))
                .await?;
            return Ok(SignIn::SecondFactor(token));
        }
        store.clear_login_failures(&key).await?;
        match self.complete(&user, client, None).await? {
            Some(token) => Ok(SignIn::SignedIn(token)),
            None => Err(crate::Error::Internal(
                "sign-in without a recovery code refused".into(),
            )),
        }
    }

    /// The account a pending sign-in (its token) waits for, if it is still pending.
    pub async fn pending_sign_in(&self, pending: &str) -> Result<Option<UserRecord>> {
        let Some(hash) = token_hash(pending) else {
            return Ok(None);
        };
        let store = self.app.store();
        match store
            .pending_sign_in(&hash, supportweb_storage::now())
            .await?
        {
            Some(user) => Ok(store.user(user).await?),
            None => Ok(None),
        }
    }

    /// The second step: a code from the authenticator (each accepted once) or an unused
    /// recovery code (spent, and audited).
    pub async fn second_step(
        &self,
        pending: &str,
        code: &str,
        client: Client<'_>,
    ) -> Result<SecondStep> {
        let (Some(hash), Some(user)) = (token_hash(pending), self.pending_sign_in(pending).await?)
        else {
            return Ok(SecondStep::Expired);
        };
        // Wrong codes count against the same limit as wrong passwords.
        let key = login_key(&user.login);
        let now = supportweb_storage::now();
        if let Some(until) = self.blocked_until(&key, client.address, now).await? {
            return Ok(SecondStep::Throttled(until));
        }
        let recovery = if self.accept_code(user.id, code).await? {
            None
        } else {
            Some(totp::recovery_code_hash(user.id, code))
        };
        let Some(token) = self.complete(&user, client, recovery).await? else {
            self.failed(
                &key,
                AuditEvent::SecondFactorFailed,
                Concerning::own(user.id),
                client.address,
            )
            .await?;
            return Ok(SecondStep::WrongCode);
        };
        let store = self.app.store();
        store.end_pending_sign_in(&hash).await?;
        store.clear_login_failures(&key).await?;
        Ok(SecondStep::SignedIn(token))
    }

    /// Signs `user` in after every factor was checked: spends the recovery code given (none
    /// when it is not an unused one of the account), audits the sign-in, starts a fresh
    /// session, and adopts a language chosen before sign-in. Returns the session token.
    async fn complete(
        &self,
        user: &UserRecord,
        client: Client<'_>,
        recovery: Option<[u8; 32]>,
    ) -> Result<Option<String>> {
        let store = self.app.store();
        let own = Concerning::own(user.id);
        let mut tx = store.begin().await?;
        let mut audit = Vec::new();
        if let Some(hash) = recovery {
            if !tx.use_recovery_code(user.id, &hash).await? {
                return Ok(None);
            }
            audit.push(entry(AuditEvent::RecoveryCodeUsed, own, client.address, ""));
        }
        audit.push(entry(AuditEvent::SignIn, own, client.address, ""));
        let token = self
            .start_session(&mut tx, user.id, client.previous_session)
            .await?;
        tx.record_audit(&audit).await?;
        tx.commit().await?;
        if let Some(chosen) = client.language.filter(|l| *l != user.language) {
            store.set_user_language(user.id, chosen).await?;
        }
        tracing::info!(user_id = %user.id, "signed in");
        Ok(Some(token))
    }

    /// Signs out: ends the session and audits it, together.
    pub async fn sign_out(
        &self,
        actor: Option<&Actor>,
        token: Option<&str>,
        address: &str,
    ) -> Result<()> {
        let mut tx = self.app.store().begin().await?;
        if let Some(hash) = token.and_then(token_hash) {
            tx.end_session(&hash).await?;
        }
        if let Some(actor) = actor {
            tx.record_audit(&[entry(
                AuditEvent::SignOut,
                Concerning::own(actor.user_id),
                address,
                "",
            )])
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
