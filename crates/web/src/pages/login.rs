//! Sign-in and sign-out.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use supportweb_app::identity::sign_in::SignIn;

use super::layout::{Layout, render, safe_return_path};
use crate::client::ClientAddress;
use crate::context::Ctx;
use crate::error::AppError;
use crate::error::KeepBody;
use crate::session;
use crate::state::{AppState, DemoAccount};

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    login: String,
    next: String,
    error: Option<String>,
    demo_accounts: Vec<DemoAccount>,
    activated: bool,
}

#[derive(Debug, Deserialize)]
pub(super) struct NextQuery {
    next: Option<String>,
    activated: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct LoginForm {
    #[serde(default)]
    login: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: Option<String>,
}

fn page(
    state: &AppState,
    ctx: &Ctx,
    login: String,
    next: String,
    error: Option<String>,
) -> LoginPage {
    LoginPage {
        layout: Layout::new(ctx, "login-title"),
        login,
        next,
        error,
        demo_accounts: state.demo_accounts().to_vec(),
        activated: false,
    }
}

pub(super) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Query(query): Query<NextQuery>,
) -> Result<Response, AppError> {
    let next = safe_return_path(query.next.as_deref());
    if ctx.actor.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    let mut login_page = page(&state, &ctx, String::new(), next, None);
    login_page.activated = query.activated.is_some();
    Ok(render(&login_page)?.into_response())
}

pub(super) async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let next = safe_return_path(form.next.as_deref());
    let t = crate::i18n::Tr::new(ctx.lang);
    let previous = session::session_token(&state, &headers);
    let client = session::sign_in_client(&headers, &address, previous.as_deref());
    let outcome = state
        .app()
        .identity()
        .sign_in(&form.login, form.password, client)
        .await?;
    let (status, message) = match outcome {
        SignIn::SignedIn(token) => return session::signed_in(state.config(), &token, &next),
        SignIn::SecondFactor(pending) => {
            return session::second_step(state.config(), &pending, &next);
        }
        SignIn::Throttled(until) => return throttled(&state, &ctx, form.login, next, until),
        SignIn::Missing => (StatusCode::UNPROCESSABLE_ENTITY, "login-error-missing"),
        SignIn::Invalid => (StatusCode::UNPROCESSABLE_ENTITY, "login-error-invalid"),
    };
    let body = render(&page(&state, &ctx, form.login, next, Some(t.t(message))))?;
    Ok((status, keep_body(), body).into_response())
}

/// 429 with `Retry-After` and the minutes to wait in the user's language.
pub(super) fn throttled(
    state: &AppState,
    ctx: &Ctx,
    login: String,
    next: String,
    until: DateTime<Utc>,
) -> Result<Response, AppError> {
    let now = Utc::now();
    let t = crate::i18n::Tr::new(ctx.lang);
    let minutes = (until - now).num_minutes() + 1;
    let message = t.tn("login-error-throttled", "minutes", minutes);
    let body = render(&page(state, ctx, login, next, Some(message)))?;
    let retry_after = (until - now).num_seconds().max(1).to_string();
    Ok((
        StatusCode::TOO_MANY_REQUESTS,
        [(RETRY_AFTER, retry_after)],
        keep_body(),
        body,
    )
        .into_response())
}

pub(super) async fn logout(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let token = session::session_token(&state, &headers);
    state
        .app()
        .identity()
        .sign_out(ctx.actor.as_ref(), token.as_deref(), &address)
        .await?;
    let mut response = Redirect::to("/login").into_response();
    session::append_set_cookie(
        response.headers_mut(),
        session::clearing_cookie(state.config())?,
    );
    Ok(response)
}

fn keep_body() -> axum::Extension<KeepBody> {
    axum::Extension(KeepBody)
}
