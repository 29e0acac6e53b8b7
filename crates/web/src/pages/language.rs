//! Choosing the UI language: stored on the account when signed in, remembered in a cookie
//! otherwise.

use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use supportweb_domain::Language;

use super::layout::safe_return_path;
use crate::context::Ctx;
use crate::error::{AppError, FieldError};
use crate::session;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub(super) struct LanguageForm {
    #[serde(default)]
    lang: String,
    #[serde(default)]
    next: Option<String>,
}

pub(super) async fn choose(
    State(state): State<AppState>,
    ctx: Ctx,
    Form(form): Form<LanguageForm>,
) -> Result<Response, AppError> {
    let language = Language::from_tag(&form.lang).ok_or_else(|| {
        AppError::Invalid(vec![FieldError {
            field: "lang".into(),
            code: "language-unknown",
            argument: None,
        }])
    })?;
    if let Some(actor) = &ctx.actor {
        state
            .app()
            .identity()
            .choose_language(actor, language)
            .await?;
    }
    let mut response = Redirect::to(&safe_return_path(form.next.as_deref())).into_response();
    session::append_set_cookie(
        response.headers_mut(),
        session::language_cookie(state.config(), language.tag())?,
    );
    Ok(response)
}
