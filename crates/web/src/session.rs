//! Server-side sessions behind a `__Host-` cookie.
//!
//! The cookie holds 32 random bytes (hex); the database holds only their SHA-256. A new
//! session is created on every sign-in (the id rotates) and any previous one is ended.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use chrono::{Duration, Utc};
use rand::TryRngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};
use supportweb_domain::Actor;
use supportweb_domain::ids::UserId;
use supportweb_storage::users::UserRecord;

use crate::error::AppError;
use crate::state::{AppState, WebConfig};

/// Session cookie name on secure contexts (HTTPS or loopback).
pub const SECURE_COOKIE: &str = "__Host-sw-session";
/// Session cookie name on plain HTTP (no `Secure`, so no `__Host-` prefix is possible).
pub const PLAIN_COOKIE: &str = "sw-session";
/// Cookie remembering the language chosen before sign-in.
pub const LANGUAGE_COOKIE: &str = "sw-lang";

/// Session activity is written at most this often.
const TOUCH_EVERY_SECONDS: i64 = 60;

/// The session cookie's name under `config`.
pub fn cookie_name(config: &WebConfig) -> &'static str {
    if config.secure_cookies {
        SECURE_COOKIE
    } else {
        PLAIN_COOKIE
    }
}

/// The value of cookie `name` in the request headers.
pub fn read_cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.trim().to_owned())
}

/// A new random token (64 hex characters) and its SHA-256, which is all the database keeps.
pub fn new_token() -> Result<(String, [u8; 32]), AppError> {
    let mut bytes = [0u8; 32];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| AppError::Internal(format!("random source: {e}")))?;
    let token = hex::encode(bytes);
    let hash = token_hash(&token).ok_or_else(|| AppError::Internal("token".into()))?;
    Ok((token, hash))
}

/// The SHA-256 of a well-formed token; `None` for anything else.
pub fn token_hash(token: &str) -> Option<[u8; 32]> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(Sha256::digest(token.as_bytes()).into())
}

fn cookie(config: &WebConfig, value: &str, max_age: Option<i64>) -> Result<HeaderValue, AppError> {
    let mut text = format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax",
        cookie_name(config)
    );
    if config.secure_cookies {
        text.push_str("; Secure");
    }
    if let Some(seconds) = max_age {
        text.push_str(&format!("; Max-Age={seconds}"));
    }
    HeaderValue::from_str(&text).map_err(|e| AppError::Internal(e.to_string()))
}

/// A `Set-Cookie` header that removes the session cookie.
pub fn clearing_cookie(config: &WebConfig) -> Result<HeaderValue, AppError> {
    cookie(config, "", Some(0))
}

/// A `Set-Cookie` header remembering the chosen language for a year.
pub fn language_cookie(config: &WebConfig, tag: &str) -> Result<HeaderValue, AppError> {
    let secure = if config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{LANGUAGE_COOKIE}={tag}; Path=/; Max-Age=31536000; SameSite=Lax{secure}"
    ))
    .map_err(|e| AppError::Internal(e.to_string()))
}

/// Starts a session for `user_id`, ending the one the request carried (if any). Returns the
/// `Set-Cookie` header.
pub async fn start(
    state: &AppState,
    headers: &HeaderMap,
    user_id: UserId,
) -> Result<HeaderValue, AppError> {
    end(state, headers).await?;
    let (token, hash) = new_token()?;
    let idle = Duration::from_std(state.config().app.session_idle)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    state
        .store()
        .create_session(user_id, &hash, Utc::now() + idle)
        .await?;
    cookie(state.config(), &token, None)
}

/// Ends the session the request carries, if any.
pub async fn end(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    if let Some(hash) =
        read_cookie(headers, cookie_name(state.config())).and_then(|t| token_hash(&t))
    {
        state.store().end_session(&hash).await?;
    }
    Ok(())
}

/// Outcome of looking up the request's session.
pub enum Resolved {
    /// No session cookie.
    Anonymous,
    /// A cookie that no longer names a live session; the response should clear it.
    Stale,
    /// A live session of an active account.
    SignedIn(Actor),
}

/// Looks up the session named by the request's cookie, enforcing idle and absolute lifetimes
/// and recording activity.
pub async fn resolve(state: &AppState, headers: &HeaderMap) -> Result<Resolved, AppError> {
    let Some(token) = read_cookie(headers, cookie_name(state.config())) else {
        return Ok(Resolved::Anonymous);
    };
    let Some(hash) = token_hash(&token) else {
        return Ok(Resolved::Stale);
    };
    let now = supportweb_storage::now();
    let Some(session) = state.store().live_session(&hash, now).await? else {
        return Ok(Resolved::Stale);
    };
    let absolute = Duration::from_std(state.config().app.session_absolute)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    if session.created_at + absolute <= now {
        state.store().end_session(&hash).await?;
        return Ok(Resolved::Stale);
    }
    if (now - session.last_seen_at).num_seconds() >= TOUCH_EVERY_SECONDS {
        let idle = Duration::from_std(state.config().app.session_idle)
            .map_err(|e| AppError::Internal(e.to_string()))?;
        state
            .store()
            .touch_session(session.id, now, now + idle)
            .await?;
    }
    match state.store().user(session.user_id).await? {
        Some(user) if user.is_active => Ok(Resolved::SignedIn(load_actor(state, &user).await?)),
        _ => Ok(Resolved::Stale),
    }
}

/// Append a `Set-Cookie` header to a header map.
pub fn append_set_cookie(headers: &mut HeaderMap, value: HeaderValue) {
    headers.append(SET_COOKIE, value);
}

/// The acting user behind an account, with its current memberships: a right removed by
/// staff takes effect on the user's next request.
pub async fn load_actor(state: &AppState, user: &UserRecord) -> Result<Actor, AppError> {
    Ok(state.store().actor_for(user).await?)
}
