//! Changing one's own password: the current password is required; every other session of the
//! account ends, and this browser continues in a fresh session.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::header::LOCATION;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use serde::Deserialize;
use supportweb_domain::user::{WeakPassword, check_new_password};

use super::{Layout, render};
use crate::audit::{self, Concerning};
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::middleware::KeepBody;
use crate::session;
use crate::state::AppState;
use supportweb_app::identity::passwords as password;
use supportweb_domain::audit::AuditEvent;

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    layout: Layout,
    current_error: Option<String>,
    new_error: Option<String>,
    changed: bool,
}

#[derive(Debug, Deserialize)]
pub(super) struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    new_again: String,
}

#[derive(Debug, Deserialize)]
pub(super) struct ChangedQuery {
    changed: Option<String>,
}

pub(super) async fn show(
    signed: SignedIn,
    axum::extract::Query(query): axum::extract::Query<ChangedQuery>,
) -> Result<Html<String>, AppError> {
    render(&PasswordPage {
        layout: Layout::new(&signed.ctx, "password-title"),
        current_error: None,
        new_error: None,
        changed: query.changed.is_some(),
    })
}

pub(super) async fn change(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    headers: HeaderMap,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let layout = Layout::new(&signed.ctx, "password-title");
    let t = layout.t;
    let user = state
        .store()
        .user(signed.actor.user_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let current_ok = password::verify_blocking(form.current, user.password_hash.clone()).await;
    let current_error = (!current_ok).then(|| t.t("password-error-current"));
    let new_error = match check_new_password(&form.new) {
        Err(WeakPassword::TooShort) => Some(t.t("activate-error-short")),
        Err(WeakPassword::TooLong) => Some(t.t("activate-error-long")),
        Ok(()) if form.new != form.new_again => Some(t.t("activate-error-mismatch")),
        Ok(()) => None,
    };
    if current_error.is_some() || new_error.is_some() {
        let page = PasswordPage {
            layout,
            current_error,
            new_error,
            changed: false,
        };
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            axum::Extension(KeepBody),
            render(&page)?,
        )
            .into_response());
    }
    let hashed = password::hash_blocking(form.new)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    state.store().change_password(user.id, &hashed).await?;
    audit::record(
        &state,
        AuditEvent::PasswordChanged,
        Concerning::own(user.id),
        &address,
        "",
    )
    .await?;
    tracing::info!(user_id = %user.id, "password changed; other sessions ended");
    let cookie = session::start(&state, &headers, user.id).await?;
    let mut response = StatusCode::SEE_OTHER.into_response();
    response.headers_mut().insert(
        LOCATION,
        HeaderValue::from_static("/account/password?changed=1"),
    );
    session::append_set_cookie(response.headers_mut(), cookie);
    Ok(response)
}
