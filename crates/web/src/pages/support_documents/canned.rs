//! Canned replies: staff who write in support documents use them from the reply form; staff
//! who process documents add, change and delete them here.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use serde::Deserialize;
use supportweb_app::Error;
use supportweb_app::support_documents::canned_replies::{CannedInput, CannedReply, may_manage};

use crate::context::SignedIn;
use crate::error::AppError;
use crate::pages::form::FormErrors;
use crate::pages::form::problems_of;
use crate::pages::layout::again;
use crate::pages::layout::{Layout, render};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
struct CannedForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    body: String,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    delete: Option<String>,
}

impl CannedForm {
    fn input(&self) -> CannedInput {
        CannedInput {
            title: self.title.clone(),
            body: self.body.clone(),
            version: self.version,
        }
    }
}

#[derive(Template)]
#[template(path = "support_canned_replies.html")]
struct CannedPage {
    layout: Layout,
    replies: Vec<CannedReply>,
    may_manage: bool,
    form: CannedForm,
    errors: FormErrors,
}

async fn page(
    state: &AppState,
    signed: &SignedIn,
    form: CannedForm,
    errors: FormErrors,
) -> Result<CannedPage, AppError> {
    Ok(CannedPage {
        layout: Layout::new(&signed.ctx, "support-canned-title"),
        replies: state.app().canned_replies().list(&signed.actor).await?,
        may_manage: may_manage(&signed.actor),
        form,
        errors,
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
            CannedForm::default(),
            FormErrors::default(),
        )
        .await?,
    )
}

/// The page again with the form as typed and what is wrong with it.
async fn refused(
    state: &AppState,
    signed: &SignedIn,
    form: CannedForm,
    error: Error,
) -> Result<Response, AppError> {
    let t = crate::i18n::Tr::new(signed.ctx.lang);
    let (status, errors) = problems_of(&t, error, "title")?;
    let page = page(state, signed, form, errors).await?;
    again(status, &page)
}

fn read_form(body: &[u8]) -> Result<CannedForm, AppError> {
    serde_urlencoded::from_bytes(body).map_err(|_| AppError::BadRequest("bad_request"))
}

pub(super) async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    body: Bytes,
) -> Result<Response, AppError> {
    let canned = state.app().canned_replies();
    canned.require_manager(&signed.actor)?;
    let form = read_form(&body)?;
    match canned.create(&signed.actor, &form.input()).await {
        Ok(_) => Ok(Redirect::to("/support-documents/canned-replies").into_response()),
        Err(error) => refused(&state, &signed, form, error).await,
    }
}

pub(super) async fn update(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let canned = state.app().canned_replies();
    canned.get(&signed.actor, &id).await?;
    let form = read_form(&body)?;
    let done = if form.delete.is_some() {
        canned.delete(&signed.actor, &id).await
    } else {
        canned
            .update(&signed.actor, &id, &form.input())
            .await
            .map(|_| ())
    };
    match done {
        Ok(()) => Ok(Redirect::to("/support-documents/canned-replies").into_response()),
        Err(error) => refused(&state, &signed, form, error).await,
    }
}
