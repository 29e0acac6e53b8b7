//! Personal API tokens: a user creates them (read or read-write, for 1–365 days), sees when
//! each was last used, and revokes them. A token is `swt_` and 64 hex characters, shown once;
//! only its SHA-256 is stored. Every use is recorded on the token (at most once a minute) and
//! in the audit log (at most once an hour per token).

use chrono::Duration;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use supportweb_domain::Actor;
use supportweb_domain::audit::AuditEvent;
use uuid::Uuid;

pub use supportweb_storage::api_tokens::ApiTokenRecord;

use super::Identity;
use super::tokens::new_token;
use crate::audit::{Concerning, entry};
use crate::{Error, FieldErrors, Result};

/// The prefix of every token, so that leaked tokens are recognisable.
pub const PREFIX: &str = "swt_";

/// A token as asked for.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct TokenForm {
    /// What it is for.
    #[serde(default)]
    pub name: String,
    /// `read` or `read_write`.
    #[serde(default)]
    pub scope: String,
    /// Valid for this many days (1–365).
    #[serde(default)]
    pub days: String,
}

impl TokenForm {
    /// The form as first offered: read-only, 90 days.
    pub fn offered() -> Self {
        TokenForm {
            scope: "read".into(),
            days: "90".into(),
            ..TokenForm::default()
        }
    }
}

/// A token presented with a request.
#[derive(Debug)]
pub enum TokenUse {
    /// Unknown, malformed, expired or revoked.
    Invalid,
    /// A usable token of an active account.
    Valid {
        /// The token's owner.
        actor: Actor,
        /// Whether it may write.
        read_write: bool,
    },
}

fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// A new token (`swt_` and 64 hex characters) and the hash that is stored.
pub fn new_api_token() -> Result<(String, [u8; 32])> {
    let (random, _) = new_token()?;
    let token = format!("{PREFIX}{random}");
    let hash = hash(&token);
    Ok((token, hash))
}

impl Identity<'_> {
    /// The actor's tokens, newest first.
    pub async fn api_tokens(&self, actor: &Actor) -> Result<Vec<ApiTokenRecord>> {
        Ok(self.app.store().api_tokens_of(actor.user_id).await?)
    }

    /// Creates a token; returns it (shown this once). Audited with it.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        form: &TokenForm,
        address: &str,
    ) -> Result<String> {
        let mut errors = FieldErrors::default();
        let name = form.name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            errors.add("name", "token-error-name");
        }
        let read_write = match form.scope.as_str() {
            "read" => false,
            "read_write" => true,
            _ => {
                errors.add("scope", "form-error-required");
                false
            }
        };
        let days = form
            .days
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|d| (1..=365).contains(d));
        let Some(days) = days else {
            errors.add("days", "token-error-days");
            return Err(Error::Invalid(errors));
        };
        errors.into_result()?;
        let (token, token_hash) = new_api_token()?;
        let expires = supportweb_storage::now() + Duration::days(days);
        let mut tx = self.app.store().begin().await?;
        let id = tx
            .create_api_token(actor.user_id, name, &token_hash, read_write, expires)
            .await?;
        let scope = if read_write { "read_write" } else { "read" };
        tx.record_audit(&[entry(
            AuditEvent::ApiTokenCreated,
            Concerning::own(actor.user_id),
            address,
            format!("{id} {name} {scope}"),
        )])
        .await?;
        tx.commit().await?;
        Ok(token)
    }

    /// Revokes one of the actor's tokens (another user's answers like a missing one).
    pub async fn revoke_api_token(&self, actor: &Actor, id: &str, address: &str) -> Result<()> {
        let id: Uuid = id.parse().map_err(|_| Error::NotFound)?;
        let mut tx = self.app.store().begin().await?;
        tx.revoke_api_token(actor.user_id, id).await?;
        tx.record_audit(&[entry(
            AuditEvent::ApiTokenRevoked,
            Concerning::own(actor.user_id),
            address,
            id.to_string(),
        )])
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Authenticates a bearer token and records its use.
    pub async fn use_api_token(&self, token: &str, address: &str) -> Result<TokenUse> {
        if !token.starts_with(PREFIX) || token.len() != PREFIX.len() + 64 {
            return Ok(TokenUse::Invalid);
        }
        let store = self.app.store();
        let now = supportweb_storage::now();
        let Some(usable) = store.usable_api_token(&hash(token), now).await? else {
            return Ok(TokenUse::Invalid);
        };
        let Some(user) = store.user(usable.user_id).await? else {
            return Ok(TokenUse::Invalid);
        };
        let stale = |minutes| {
            usable
                .last_used_at
                .is_none_or(|at| now - at >= Duration::minutes(minutes))
        };
        if stale(60) {
            self.app
                .record_audit(entry(
                    AuditEvent::ApiTokenUsed,
                    Concerning::own(user.id),
                    address,
                    usable.id.to_string(),
                ))
                .await?;
        }
        if stale(1) {
            store.touch_api_token(usable.id, now).await?;
        }
        Ok(TokenUse::Valid {
            actor: store.actor_for(&user).await?,
            read_write: usable.read_write,
        })
    }
}
