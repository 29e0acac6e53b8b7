//! Server-side sessions behind a `__Host-` cookie.
//!
//! The cookie holds the session's token (32 random bytes, hex); the application keeps only
//! its SHA-256 and decides whether it still names someone
//! (`supportweb_app::identity::sessions`). This module is the HTTP side: cookie names,
//! attributes and reading them back.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use supportweb_app::identity::sessions::Session;
use supportweb_domain::Actor;

use crate::error::AppError;
use crate::state::{AppState, WebConfig};

/// Session cookie name on secure contexts (HTTPS or loopback).
pub const SECURE_COOKIE: &str = "__Host-sw-session";
/// Session cookie name on plain HTTP (no `Secure`, so no `__Host-` prefix is possible).
pub const PLAIN_COOKIE: &str = "sw-session";
/// Cookie remembering the language chosen before sign-in.
pub const LANGUAGE_COOKIE: &str = "sw-lang";

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

/// A `Set-Cookie` header carrying a new session's token.
pub fn session_cookie(config: &WebConfig, token: &str) -> Result<HeaderValue, AppError> {
    cookie(config, token, None)
}

/// The session token the request carries, if any.
pub fn session_token(state: &AppState, headers: &HeaderMap) -> Option<String> {
    read_cookie(headers, cookie_name(state.config()))
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

/// Looks up the session named by the request's cookie (the application enforces idle and
/// absolute lifetimes and records activity).
pub async fn resolve(state: &AppState, headers: &HeaderMap) -> Result<Resolved, AppError> {
    let Some(token) = session_token(state, headers) else {
        return Ok(Resolved::Anonymous);
    };
    Ok(match state.app().identity().session(&token).await? {
        Session::Stale => Resolved::Stale,
        Session::Live(actor) => Resolved::SignedIn(actor),
    })
}

/// Append a `Set-Cookie` header to a header map.
pub fn append_set_cookie(headers: &mut HeaderMap, value: HeaderValue) {
    headers.append(SET_COOKIE, value);
}
