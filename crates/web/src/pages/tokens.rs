//! "API tokens": a user's personal tokens for the JSON API — create (read or read-write,
//! with an expiry), see when each was last used, revoke.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use supportweb_app::Error;
use supportweb_app::identity::api_tokens::TokenForm;
use supportweb_domain::calendar::prague_time;

use super::form::FormErrors;
use super::layout::{Layout, render};
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::pages::layout::again;
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
    let now = chrono::Utc::now();
    let rows = state
        .app()
        .identity()
        .api_tokens(&signed.actor)
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
    render(
        &page(
            &state,
            &signed,
            TokenForm::offered(),
            FormErrors::default(),
            None,
        )
        .await?,
    )
}

pub(super) async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Form(form): Form<TokenForm>,
) -> Result<Response, AppError> {
    match state
        .app()
        .identity()
        .create_api_token(&signed.actor, &form, &address)
        .await
    {
        Ok(token) => Ok(render(
            &page(
                &state,
                &signed,
                TokenForm::offered(),
                FormErrors::default(),
                Some(token),
            )
            .await?,
        )?
        .into_response()),
        Err(Error::Invalid(problems)) => {
            let errors = FormErrors::from_fields(&problems, &Tr::new(signed.ctx.lang));
            let page = page(&state, &signed, form, errors, None).await?;
            again(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other.into()),
    }
}

pub(super) async fn revoke(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    state
        .app()
        .identity()
        .revoke_api_token(&signed.actor, &id, &address)
        .await?;
    Ok(Redirect::to("/account/tokens").into_response())
}
