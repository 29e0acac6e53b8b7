//! Passwords: a new account chooses its password through the activation link staff handed
//! over (72 hours, used once); a signed-in user changes its own against the current one,
//! which ends every other session of the account. Each is audited with the change.

use supportweb_domain::Actor;
use supportweb_domain::audit::AuditEvent;
use supportweb_domain::user::{WeakPassword, check_new_password};
use supportweb_storage::StoreError;

use super::tokens::token_hash;
use super::{Identity, UserRecord, passwords};
use crate::audit::{Concerning, entry};
use crate::{Error, FieldErrors, Result};

/// The problem with a new password typed twice, if any.
fn weak(password: &str, again: &str) -> Option<&'static str> {
    match check_new_password(password) {
        Err(WeakPassword::TooShort) => Some("activate-error-short"),
        Err(WeakPassword::TooLong) => Some("activate-error-long"),
        Ok(()) if password != again => Some("activate-error-mismatch"),
        Ok(()) => None,
    }
}

async fn hashed(password: String) -> Result<String> {
    passwords::hash_blocking(password)
        .await
        .map_err(|e| Error::Internal(e.to_string()))
}

impl Identity<'_> {
    /// The account an activation link (its token) opens, while the link works.
    pub async fn activation(&self, token: &str) -> Result<UserRecord> {
        let hash = token_hash(token).ok_or(Error::NotFound)?;
        self.app
            .store()
            .activation_account(&hash, supportweb_storage::now())
            .await?
            .ok_or(Error::NotFound)
    }

    /// Sets the first password through an activation link, which is then spent. A weak or
    /// mistyped password is a problem of field `password`; a dead link is missing.
    pub async fn activate(
        &self,
        token: &str,
        password: String,
        again: &str,
        address: &str,
    ) -> Result<UserRecord> {
        let account = self.activation(token).await?;
        if let Some(problem) = weak(&password, again) {
            return Err(Error::field("password", problem));
        }
        let hash = token_hash(token).ok_or(Error::NotFound)?;
        let password_hash = hashed(password).await?;
        let mut tx = self.app.store().begin().await?;
        let id = match tx
            .complete_activation(&hash, &password_hash, supportweb_storage::now())
            .await
        {
            Ok(id) => id,
            Err(StoreError::NotFound) => return Err(Error::NotFound),
            Err(other) => return Err(other.into()),
        };
        tx.record_audit(&[entry(
            AuditEvent::AccountActivated,
            Concerning::own(id),
            address,
            "",
        )])
        .await?;
        tx.commit().await?;
        tracing::info!(account = %id, "account activated");
        Ok(account)
    }

    /// Changes the actor's password against the current one; every session of the account
    /// ends and a fresh one starts for this browser (its token is returned). Problems are
    /// reported on `current` and `new`.
    pub async fn change_password(
        &self,
        actor: &Actor,
        current: String,
        new: String,
        again: &str,
        address: &str,
    ) -> Result<String> {
        let account = self.own_account(actor).await?;
        let mut errors = FieldErrors::default();
        if !passwords::verify_blocking(current, account.password_hash.clone()).await {
            errors.add("current", "password-error-current");
        }
        if let Some(problem) = weak(&new, again) {
            errors.add("new", problem);
        }
        errors.into_result()?;
        let password_hash = hashed(new).await?;
        let mut tx = self.app.store().begin().await?;
        tx.change_password(account.id, &password_hash).await?;
        let token = self.start_session(&mut tx, account.id, None).await?;
        tx.record_audit(&[entry(
            AuditEvent::PasswordChanged,
            Concerning::own(account.id),
            address,
            "",
        )])
        .await?;
        tx.commit().await?;
        tracing::info!(user_id = %account.id, "password changed; other sessions ended");
        Ok(token)
    }
}
