//! "API tokens": a user's personal tokens for the JSON API — create (read or read-write,
//! with an expiry), see when each was last used, revoke.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Duration;
use serde::Deserialize;
use supportweb_domain::audit::AuditEvent;
use supportweb_domain::calendar::prague_time;

use super::form::FormErrors;
use super::{Layout, render};
use crate::api_tokens;
use crate::audit::{self, Concerning};
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::middleware::KeepBody;
use crate::state::AppState;

/// One token in the list.
pub struct TokenRow {
    id: String,
    name: String,
    scope: String,
    created: String,
    expires: String,
    last_used: String,
    state: String,
    usable: bool,
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    days: String,
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    layout: Layout,
    rows: Vec<TokenRow>,
    form: TokenForm,
    errors: FormErrors,
    created: Option<String>,
}

fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    prague_time(at).format("%Y-%m-%d %H:%M").to_string()
}

async fn page(
    state: &AppState,
    signed: &SignedIn,
    form: TokenForm,
    errors: FormErrors,
    created: Option<String>,
) -> Result<TokensPage, AppError> {
    let layout = Layout::new(&signed.ctx, "tokens-title");
    let t = layout.t;
    let now = supportweb_storage::now();
    let rows = state
        .store()
        .api_tokens_of(signed.actor.user_id)
        .await?
        .into_iter()
        .map(|token| {
            let (state_key, usable) = match (token.revoked_at, token.expires_at <= now) {
                (Some(_), _) => ("token-state-revoked", false),
                (None, true) => ("token-state-expired", false),
                (None, false) => ("token-state-active", true),
            };
            TokenRow {
                id: token.id.to_string(),
                name: token.name,
                scope: t.t(if token.read_write {
                    "token-scope-read-write"
                } else {
                    "token-scope-read"
                }),
                created: when(token.created_at),
                expires: when(token.expires_at),
                last_used: token
                    .last_used_at
                    .map(when)
                    .unwrap_or_else(|| t.t("token-never-used")),
                state: t.t(state_key),
                usable,
            }
        })
        .collect();
    Ok(TokensPage {
        layout,
        rows,
        form,
        errors,
        created,
    })
}

pub(super) async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, AppError> {
    let form = TokenForm {
        scope: "read".into(),
        days: "90".into(),
        ..TokenForm::default()
    };
    render(&page(&state, &signed, form, FormErrors::default(), None).await?)
}

pub(super) async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Form(form): Form<TokenForm>,
) -> Result<Response, AppError> {
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let name = form.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 {
        errors.add_t("name", &t, "token-error-name");
    }
    let read_write = match form.scope.as_str() {
        "read" => false,
        "read_write" => true,
        _ => {
            errors.add_t("scope", &t, "form-error-required");
            false
        }
    };
    let days = form
        .days
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|d| (1..=365).contains(d));
    if days.is_none() {
        errors.add_t("days", &t, "token-error-days");
    }
    let (Some(days), true) = (days, errors.is_empty()) else {
        let page = page(&state, &signed, form, errors, None).await?;
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            axum::Extension(KeepBody),
            render(&page)?,
        )
            .into_response());
    };
    let (token, hash) = api_tokens::new_token()?;
    let expires = supportweb_storage::now() + Duration::days(days);
    let id = state
        .store()
        .create_api_token(signed.actor.user_id, &name, &hash, read_write, expires)
        .await?;
    let detail = format!(
        "{id} {name} {}",
        if read_write { "read_write" } else { "read" }
    );
    audit::record(
        &state,
        AuditEvent::ApiTokenCreated,
        Concerning::own(signed.actor.user_id),
        &address,
        detail,
    )
    .await?;
    let fresh = TokenForm {
        scope: "read".into(),
        days: "90".into(),
        ..TokenForm::default()
    };
    Ok(
        render(&page(&state, &signed, fresh, FormErrors::default(), Some(token)).await?)?
            .into_response(),
    )
}

pub(super) async fn revoke(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id: uuid::Uuid = id.parse().map_err(|_| AppError::NotFound)?;
    state
        .store()
        .revoke_api_token(signed.actor.user_id, id)
        .await?;
    audit::record(
        &state,
        AuditEvent::ApiTokenRevoked,
        Concerning::own(signed.actor.user_id),
        &address,
        id.to_string(),
    )
    .await?;
    Ok(Redirect::to("/account/tokens").into_response())
}
