//! Activation: a new account opens the link staff handed over and chooses its password.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use supportweb_domain::user::check_new_password;
use supportweb_storage::StoreError;

use super::{Layout, render};
use crate::audit::{self, Concerning};
use crate::client::ClientAddress;
use crate::context::Ctx;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::middleware::KeepBody;
use crate::session;
use crate::state::AppState;
use supportweb_app::identity::passwords as password;
use supportweb_domain::audit::AuditEvent;

#[derive(Template)]
#[template(path = "activate.html")]
struct ActivatePage {
    layout: Layout,
    display_name: Option<String>,
    login: String,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(super) struct ActivateForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    password_again: String,
}

fn invalid(ctx: &Ctx) -> Result<Response, AppError> {
    let page = ActivatePage {
        layout: Layout::new(ctx, "activate-title"),
        display_name: None,
        login: String::new(),
        error: None,
    };
    Ok((
        StatusCode::NOT_FOUND,
        axum::Extension(KeepBody),
        render(&page)?,
    )
        .into_response())
}

pub(super) async fn show(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let Some(hash) = session::token_hash(&token) else {
        return invalid(&ctx);
    };
    match state
        .store()
        .activation_account(&hash, supportweb_storage::now())
        .await?
    {
        Some(user) => render(&ActivatePage {
            layout: Layout::new(&ctx, "activate-title"),
            display_name: Some(user.display_name),
            login: user.login,
            error: None,
        })
        .map(IntoResponse::into_response),
        None => invalid(&ctx),
    }
}

pub(super) async fn submit(
    State(state): State<AppState>,
    ctx: Ctx,
    ClientAddress(address): ClientAddress,
    Path(token): Path<String>,
    Form(form): Form<ActivateForm>,
) -> Result<Response, AppError> {
    let Some(hash) = session::token_hash(&token) else {
        return invalid(&ctx);
    };
    let now = supportweb_storage::now();
    let Some(user) = state.store().activation_account(&hash, now).await? else {
        return invalid(&ctx);
    };
    let t = Tr::new(ctx.lang);
    let problem = if let Err(weak) = check_new_password(&form.password) {
        Some(t.t(match weak {
            supportweb_domain::user::WeakPassword::TooShort => "activate-error-short",
            supportweb_domain::user::WeakPassword::TooLong => "activate-error-long",
        }))
    } else if form.password != form.password_again {
        Some(t.t("activate-error-mismatch"))
    } else {
        None
    };
    if let Some(error) = problem {
        let page = ActivatePage {
            layout: Layout::new(&ctx, "activate-title"),
            display_name: Some(user.display_name),
            login: user.login,
            error: Some(error),
        };
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            axum::Extension(KeepBody),
            render(&page)?,
        )
            .into_response());
    }
    let hashed = password::hash_blocking(form.password)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    match state.store().complete_activation(&hash, &hashed, now).await {
        Ok(id) => {
            tracing::info!(account = %id, "account activated");
            audit::record(
                &state,
                AuditEvent::AccountActivated,
                Concerning::own(id),
                &address,
                "",
            )
            .await?;
            Ok(Redirect::to("/login?activated=1").into_response())
        }
        Err(StoreError::NotFound) => invalid(&ctx),
        Err(other) => Err(other.into()),
    }
}
