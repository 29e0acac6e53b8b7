//! Server-side sessions behind a `__Host-` cookie.
//!
//! The cookie holds the session's token (32 random bytes, hex); the application keeps only
//! its SHA-256 and decides whether it still names someone
//! (`supportweb_app::identity::sessions`). This module is the HTTP side: cookie names,
//! attributes and reading them back.

use axum::http::header::{COOKIE, LOCATION, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use supportweb_app::identity::sessions::Session;
use supportweb_app::identity::sign_in::{Client, PENDING_MINUTES};
use supportweb_domain::{Actor, Language};

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

/// What the browser brings to a sign-in: its address, a language chosen before signing in,
/// and the session it may still carry.
pub fn sign_in_client<'r>(
    headers: &HeaderMap,
    address: &'r str,
    previous_session: Option<&'r str>,
) -> Client<'r> {
    Client {
        address,
        language: read_cookie(headers, LANGUAGE_COOKIE).and_then(|tag| Language::from_tag(&tag)),
        previous_session,
    }
}

/// Signed in: the new session's cookie and the way on to `next`.
pub fn signed_in(config: &WebConfig, token: &str, next: &str) -> Result<Response, AppError> {
    let mut response = StatusCode::SEE_OTHER.into_response();
    let location = HeaderValue::from_str(next).map_err(|e| AppError::Internal(e.to_string()))?;
    response.headers_mut().insert(LOCATION, location);
    append_set_cookie(response.headers_mut(), session_cookie(config, token)?);
    Ok(response)
}

/// The cookie of a sign-in waiting for its second factor.
pub fn pending_cookie_name(config: &WebConfig) -> &'static str {
    if config.secure_cookies {
        "__Host-sw-pending"
    } else {
        "sw-pending"
    }
}

/// A `Set-Cookie` header for the pending sign-in (`max_age` 0 removes it).
pub fn pending_cookie(
    config: &WebConfig,
    value: &str,
    max_age: i64,
) -> Result<HeaderValue, AppError> {
    let secure = if config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}",
        pending_cookie_name(config)
    ))
    .map_err(|e| AppError::Internal(e.to_string()))
}

/// After a correct password of an account with a second factor: remembers the pending
/// sign-in in a cookie and sends the browser to the second step.
pub fn second_step(config: &WebConfig, pending: &str, next: &str) -> Result<Response, AppError> {
    let location = format!(
        "/login/two-factor?next={}",
        percent_encoding::utf8_percent_encode(next, percent_encoding::NON_ALPHANUMERIC)
    );
    let mut response = Redirect::to(&location).into_response();
    append_set_cookie(
        response.headers_mut(),
        pending_cookie(config, pending, PENDING_MINUTES * 60)?,
    );
    Ok(response)
}
