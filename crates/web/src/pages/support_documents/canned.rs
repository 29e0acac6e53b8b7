//! Canned replies: staff who write in support documents use them from the reply form; staff
//! who process documents add, change and delete them here.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::agenda::Agenda;
use supportweb_domain::ids::CannedReplyId;
use supportweb_domain::permissions::{Action, Area};
use supportweb_storage::StoreError;
use supportweb_storage::canned_replies::CannedReply;

use crate::context::SignedIn;
use crate::error::AppError;
use crate::middleware::KeepBody;
use crate::pages::form::FormErrors;
use crate::pages::{Layout, render};
use crate::state::AppState;

const AREA: Area = Area::Agenda(Agenda::SupportDocuments);

pub(crate) fn require(actor: &Actor, action: Action) -> Result<(), AppError> {
    if actor.staff_may(AREA, action) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct CannedForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub version: i64,
    #[serde(default)]
    pub delete: Option<String>,
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

pub(crate) fn check(form: &CannedForm, t: &crate::i18n::Tr, errors: &mut FormErrors) {
    let title = form.title.trim();
    if title.is_empty() || title.chars().count() > 100 {
        errors.add_t("title", t, "support-canned-error-title");
    }
    if form.body.trim().is_empty() || form.body.chars().count() > 20_000 {
        errors.add_t("body", t, "support-canned-error-body");
    }
}

async fn page(
    state: &AppState,
    signed: &SignedIn,
    form: CannedForm,
    errors: FormErrors,
) -> Result<CannedPage, AppError> {
    Ok(CannedPage {
        layout: Layout::new(&signed.ctx, "support-canned-title"),
        replies: state.store().canned_replies().await?,
        may_manage: signed.actor.staff_may(AREA, Action::Manage),
        form,
        errors,
    })
}

pub(super) async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, AppError> {
    require(&signed.actor, Action::Write)?;
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

async fn refused(
    state: &AppState,
    signed: &SignedIn,
    form: CannedForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let page = page(state, signed, form, errors).await?;
    Ok((status, axum::Extension(KeepBody), render(&page)?).into_response())
}

pub(super) async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    body: Bytes,
) -> Result<Response, AppError> {
    require(&signed.actor, Action::Manage)?;
    let form: CannedForm =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("bad_request"))?;
    let t = crate::i18n::Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    check(&form, &t, &mut errors);
    if errors.is_empty() {
        match state
            .store()
            .create_canned_reply(signed.actor.user_id, form.title.trim(), form.body.trim())
            .await
        {
            Ok(_) => return Ok(Redirect::to("/support-documents/canned-replies").into_response()),
            Err(StoreError::Duplicate(_)) => {
                errors.add_t("title", &t, "support-canned-error-duplicate");
            }
            Err(other) => return Err(other.into()),
        }
    }
    refused(
        &state,
        &signed,
        form,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}

pub(super) async fn update(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    require(&signed.actor, Action::Manage)?;
    let id: CannedReplyId = id.parse().map_err(|_| AppError::NotFound)?;
    state.store().canned_reply(id).await?;
    let form: CannedForm =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("bad_request"))?;
    if form.delete.is_some() {
        state.store().delete_canned_reply(id).await?;
        return Ok(Redirect::to("/support-documents/canned-replies").into_response());
    }
    let t = crate::i18n::Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    check(&form, &t, &mut errors);
    if errors.is_empty() {
        match state
            .store()
            .update_canned_reply(id, form.title.trim(), form.body.trim(), form.version)
            .await
        {
            Ok(()) => return Ok(Redirect::to("/support-documents/canned-replies").into_response()),
            Err(StoreError::Duplicate(_)) => {
                errors.add_t("title", &t, "support-canned-error-duplicate");
            }
            Err(StoreError::Conflict) => {
                errors.add_t("title", &t, "error-conflict-detail");
                return refused(&state, &signed, form, errors, StatusCode::CONFLICT).await;
            }
            Err(other) => return Err(other.into()),
        }
    }
    refused(
        &state,
        &signed,
        form,
        errors,
        StatusCode::UNPROCESSABLE_ENTITY,
    )
    .await
}
