//! Personal API tokens as credentials of the JSON API: `Authorization: Bearer swt_…`.
//! A read-only token may only read; every use is recorded on the token, and in the audit
//! log at most once an hour per token.

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use chrono::Duration;
use sha2::{Digest, Sha256};
use supportweb_domain::Actor;
use supportweb_domain::audit::AuditEvent;

use crate::audit::{self, Concerning};
use crate::error::AppError;
use crate::session;
use crate::state::AppState;

/// The prefix of every token, so that leaked tokens are recognisable.
pub const PREFIX: &str = "swt_";

/// A new token and its hash.
pub fn new_token() -> Result<(String, [u8; 32]), AppError> {
    let (random, _) = session::new_token()?;
    let token = format!("{PREFIX}{random}");
    let hash = hash(&token);
    Ok((token, hash))
}

fn hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// The bearer token of a request, if it carries one.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// What a bearer token yields.
pub enum TokenAuth {
    /// A usable token: the actor, and whether it may write.
    Valid {
        /// The token's owner.
        actor: Actor,
        /// Read-write token?
        read_write: bool,
    },
    /// Unknown, expired or revoked (401).
    Invalid,
}

/// Authenticates a bearer token and records its use.
pub async fn authenticate(
    state: &AppState,
    token: &str,
    address: &str,
) -> Result<TokenAuth, AppError> {
    if !token.starts_with(PREFIX) || token.len() != PREFIX.len() + 64 {
        return Ok(TokenAuth::Invalid);
    }
    let now = supportweb_storage::now();
    let Some(usable) = state.store().usable_api_token(&hash(token), now).await? else {
        return Ok(TokenAuth::Invalid);
    };
    let Some(user) = state.store().user(usable.user_id).await? else {
        return Ok(TokenAuth::Invalid);
    };
    let stale = |minutes| {
        usable
            .last_used_at
            .is_none_or(|at| now - at >= Duration::minutes(minutes))
    };
    if stale(60) {
        audit::record(
            state,
            AuditEvent::ApiTokenUsed,
            Concerning::own(user.id),
            address,
            usable.id.to_string(),
        )
        .await?;
    }
    if stale(1) {
        state.store().touch_api_token(usable.id, now).await?;
    }
    Ok(TokenAuth::Valid {
        actor: session::load_actor(state, &user).await?,
        read_write: usable.read_write,
    })
}
