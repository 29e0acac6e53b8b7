//! The per-request context: who is acting, in which language, under which request id.
//! Built once per request by [`crate::middleware`] and read by handlers as an extractor.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use supportweb_domain::{Actor, Agenda, Language};

use crate::error::AppError;

/// The id of one request; in every log line of it, in the `X-Request-Id` response header and
/// on error pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(pub String);

/// Context of the current request.
#[derive(Debug, Clone)]
pub struct Ctx {
    /// The signed-in user, if any.
    pub actor: Option<Actor>,
    /// The language to answer in.
    pub lang: Language,
    /// The request id.
    pub request_id: String,
    /// Whether htmx asked for a fragment (`HX-Request` without `HX-Boosted`).
    pub fragment: bool,
    /// Path and query of the request (to return to after sign-in).
    pub path: String,
    /// Agendas the navigation shows to this user.
    pub nav: Vec<Agenda>,
}

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::Internal("request context missing".into()))
    }
}

/// A request by a signed-in user; anonymous requests are sent to the login page (pages) or
/// answered 401 (API).
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// The user.
    pub actor: Actor,
    /// The whole context.
    pub ctx: Ctx,
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let ctx = Ctx::from_request_parts(parts, state).await?;
        match ctx.actor.clone() {
            Some(actor) => Ok(SignedIn { actor, ctx }),
            None => Err(AppError::Unauthenticated),
        }
    }
}
