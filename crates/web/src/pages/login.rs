//! Sign-in and sign-out.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::header::{LOCATION, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use supportweb_domain::Language;
use supportweb_domain::throttle::{ThrottlePolicy, login_key};
use supportweb_domain::user::Login;
use supportweb_storage::users::UserRecord;

use super::{Layout, render, safe_return_path};
use crate::audit::{self, Concerning};
use crate::client::ClientAddress;
use crate::context::Ctx;
use crate::error::AppError;
use crate::middleware::KeepBody;
use crate::session;
use crate::state::{AppState, DemoAccount};
use supportweb_app::identity::passwords as password;
use supportweb_domain::audit::AuditEvent;

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
    if form.login.trim().is_empty() || form.password.is_empty() {
        let body = render(&page(
            &state,
            &ctx,
            form.login,
            next,
            Some(t.t("login-error-missing")),
        ))?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, keep_body(), body).into_response());
    }
    let key = login_key(&form.login);
    let now = supportweb_storage::now();
    if let Some(until) = blocked_until(&state, &key, &address, now).await? {
        audit::record(
            &state,
            AuditEvent::SignInThrottled,
            Concerning::default(),
            &address,
            key.as_str(),
        )
        .await?;
        let minutes = (until - now).num_minutes() + 1;
        let message = t.tn("login-error-throttled", "minutes", minutes);
        let body = render(&page(&state, &ctx, form.login, next, Some(message)))?;
        let retry_after = (until - now).num_seconds().max(1).to_string();
        return Ok((
            StatusCode::TOO_MANY_REQUESTS,
            [(RETRY_AFTER, retry_after)],
            keep_body(),
            body,
        )
            .into_response());
    }
    let user = state.store().user_by_login(&form.login).await?;
    let stored_hash = user
        .as_ref()
        .filter(|u| u.is_active)
        .and_then(|u| u.password_hash.clone());
    let valid = password::verify_blocking(form.password, stored_hash).await;
    let user = match (valid, user) {
        (true, Some(user)) => user,
        _ => {
            // Only a well-formed login name reaches the log, so input cannot forge log lines.
            match Login::parse(&form.login) {
                Ok(login) => tracing::info!(%login, "failed sign-in"),
                Err(_) => tracing::info!("failed sign-in with a malformed login name"),
            }
            state
                .store()
                .record_login_failure(&key, &address, now)
                .await?;
            audit::record(
                &state,
                AuditEvent::SignInFailed,
                Concerning::default(),
                &address,
                key.as_str(),
            )
            .await?;
            let body = render(&page(
                &state,
                &ctx,
                form.login,
                next,
                Some(t.t("login-error-invalid")),
            ))?;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, keep_body(), body).into_response());
        }
    };
    if let Some(second_step) = super::two_factor::second_step(&state, &user, &next).await? {
        // Failures are cleared only when the second factor is right too.
        return Ok(second_step);
    }
    state.store().clear_login_failures(&key).await?;
    complete_sign_in(&state, &headers, &user, &address, &next).await
}

/// Signs `user` in after every factor was checked: audits it, adopts a language chosen
/// before sign-in, starts a fresh session (the id rotates) and redirects to `next`.
pub(super) async fn complete_sign_in(
    state: &AppState,
    headers: &HeaderMap,
    user: &UserRecord,
    address: &str,
    next: &str,
) -> Result<Response, AppError> {
    audit::record(
        state,
        AuditEvent::SignIn,
        Concerning::own(user.id),
        address,
        "",
    )
    .await?;
    // A language chosen on the sign-in page becomes the account's language.
    if let Some(chosen) = session::read_cookie(headers, session::LANGUAGE_COOKIE)
        .and_then(|tag| Language::from_tag(&tag))
        && chosen != user.language
    {
        state.store().set_user_language(user.id, chosen).await?;
    }
    let cookie = session::start(state, headers, user.id).await?;
    tracing::info!(user_id = %user.id, "signed in");
    let mut response = StatusCode::SEE_OTHER.into_response();
    let location = HeaderValue::from_str(next).map_err(|e| AppError::Internal(e.to_string()))?;
    response.headers_mut().insert(LOCATION, location);
    session::append_set_cookie(response.headers_mut(), cookie);
    Ok(response)
}

pub(super) async fn logout(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    session::end(&state, &headers).await?;
    if let Some(actor) = &ctx.actor {
        audit::record(
            &state,
            AuditEvent::SignOut,
            Concerning::own(actor.user_id),
            &address,
            "",
        )
        .await?;
    }
    let mut response = Redirect::to("/login").into_response();
    session::append_set_cookie(
        response.headers_mut(),
        session::clearing_cookie(state.config())?,
    );
    Ok(response)
}

/// Until when sign-in for this login name or from this address is blocked.
pub(super) async fn blocked_until(
    state: &AppState,
    key: &str,
    address: &str,
    now: DateTime<Utc>,
) -> Result<Option<DateTime<Utc>>, AppError> {
    let policy = ThrottlePolicy::default();
    let since = now - policy.window;
    let store = state.store();
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

fn keep_body() -> axum::Extension<KeepBody> {
    axum::Extension(KeepBody)
}
