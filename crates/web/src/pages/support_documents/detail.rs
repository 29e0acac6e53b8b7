//! The detail page of a support document and its actions: workflow steps, replies and
//! internal notes with attachments, assignment, watchers and logged time. The page offers only
//! what the user may do; every handler checks again through the store.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use bytes::Bytes;
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use supportweb_app::Error;
use supportweb_app::support_documents::canned_replies::CannedReply;
use supportweb_app::support_documents::{
    Activity, AttachmentRecord, CommentRecord, DocumentDetail, DocumentRecord, ENTITY,
    PrepaidBalance, TimeEntryRecord, TimeInput, Transition, WatcherRecord,
};
use supportweb_domain::ids::UserId;
use supportweb_domain::sla::SlaStatus;

use super::view::{duration, sla, when};
use crate::context::SignedIn;
use crate::error::AppError;
use crate::markdown::{RecordFile, to_safe_html};
use crate::multipart::MultipartForm;
use crate::pages::form::FormErrors;
use crate::pages::history::{self, HistoryLine};
use crate::pages::layout::again;
use crate::pages::layout::{Choice, Layout, render, today};
use crate::state::AppState;
use supportweb_app::typed::hours_to_minutes;

/// One entry of the conversation as shown.
struct CommentView {
    id: String,
    author: String,
    author_is_staff: bool,
    is_internal: bool,
    html: String,
    when: String,
    files: Vec<AttachmentRecord>,
    /// The received e-mail it came from (staff who read held mail).
    mail: Option<String>,
}

impl CommentView {
    /// The comment as shown; its images may show `files` of the document; `from_mail` names
    /// the comments that came by e-mail.
    fn new(c: CommentRecord, files: &[RecordFile], from_mail: &[(uuid::Uuid, uuid::Uuid)]) -> Self {
        CommentView {
            mail: from_mail
                .iter()
                .find(|(comment, _)| *comment == c.id.0)
                .map(|(_, mail)| mail.to_string()),
            id: c.id.to_string(),
            author: c.author_name,
            author_is_staff: c.author_is_staff,
            is_internal: c.is_internal,
            html: to_safe_html(&c.body, files),
            when: when(c.created_at),
            files: c.files,
        }
    }
}

/// What the reply and time forms held when shown again with errors.
#[derive(Default)]
struct Typed {
    reply: String,
    internal: bool,
    time: TimeForm,
}

#[derive(Debug, Default, Clone, Deserialize)]
struct TimeForm {
    #[serde(default)]
    activity: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    billable: Option<String>,
    #[serde(default)]
    work_date: String,
    #[serde(default)]
    note: String,
}

#[derive(Template)]
#[template(path = "support_document.html")]
struct DetailPage {
    layout: Layout,
    d: DocumentRecord,
    state_label: String,
    severity_label: String,
    category_label: String,
    created: String,
    description_html: String,
    response_sla: (String, &'static str),
    resolution_sla: (String, &'static str),
    balance: Option<PrepaidBalance>,
    attachments: Vec<AttachmentRecord>,
    conversation: Vec<CommentView>,
    actions: Vec<Choice>,
    may_reply: bool,
    is_staff: bool,
    may_manage: bool,
    watchers: Vec<WatcherRecord>,
    watching: bool,
    staff_choices: Vec<Choice>,
    canned: Vec<CannedReply>,
    time_entries: Vec<TimeEntryRecord>,
    activities: Vec<Choice>,
    typed: Typed,
    errors: FormErrors,
    history: Vec<HistoryLine>,
    /// Linked patches the user may see: id, title and build.
    patches: Vec<Choice>,
    /// Staff: recent patches to link.
    patch_choices: Vec<Choice>,
    /// The customization order it was converted into, if the user may see it (id, number).
    order: Option<Choice>,
    /// Staff who write orders may convert it (no order yet).
    may_convert: bool,
}

impl DetailPage {
    fn minutes(&self, m: i64) -> String {
        duration(m)
    }

    fn total_minutes(&self) -> String {
        duration(self.time_entries.iter().map(|e| e.minutes).sum())
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct DetailQuery {
    canned: Option<String>,
}

async fn page(
    state: &AppState,
    signed: &SignedIn,
    id: &str,
    mut typed: Typed,
    errors: FormErrors,
) -> Result<DetailPage, AppError> {
    let actor = &signed.actor;
    let app = state.app();
    let documents = app.support_documents();
    let detail = documents.detail(actor, id).await?;
    let choices = documents.reply_choices(actor, &detail).await?;
    let layout = Layout::new(&signed.ctx, "support-detail-title");
    let t = &layout.t;
    let hours = app.settings().support.hours;
    let now = Utc::now();
    if typed.time.work_date.is_empty() {
        typed.time.work_date = today().to_string();
    }
    let label = |p: &supportweb_app::podpora::PatchRecord| Choice {
        value: p.id.to_string(),
        label: format!("{} · {} {}", p.title, p.product_name, p.build),
        selected: false,
    };
    let may_reply = detail.may_reply();
    let may_manage = detail.may_manage();
    let may_convert = detail.may_convert(actor);
    let watching = detail.watching(actor);
    let DocumentDetail {
        document: d,
        party,
        actions,
        conversation,
        attachments,
        watchers,
        time_entries,
        history,
        patches,
        order,
        balance,
        from_mail,
    } = detail;
    let files: Vec<RecordFile> = attachments
        .iter()
        .chain(conversation.iter().flat_map(|c| c.files.iter()))
        .map(|a| RecordFile::under("/files", a.file_id, &a.file_name))
        .collect();
    Ok(DetailPage {
        order: order.map(|(id, number, title)| Choice {
            value: id.to_string(),
            label: format!("{number} · {title}"),
            selected: false,
        }),
        may_convert,
        patches: patches.iter().map(label).collect(),
        patch_choices: choices.patches.iter().map(label).collect(),
        state_label: t.t(crate::i18n::document_state_key(d.state)),
        severity_label: t.t(format!("severity-{}", d.severity.as_str())),
        category_label: t.t(format!("support-category-{}", d.category.as_str())),
        description_html: to_safe_html(&d.description, &files),
        created: when(d.created_at),
        response_sla: sla(t, d.clock.response_status(&hours, now)),
        resolution_sla: match d.clock.resolution_status(&hours, d.state, now) {
            SlaStatus::NoTarget => ("—".to_owned(), ""),
            other => sla(t, other),
        },
        balance,
        attachments,
        conversation: conversation
            .into_iter()
            .map(|c| CommentView::new(c, &files, &from_mail))
            .collect(),
        actions: actions
            .into_iter()
            .map(|tr| {
                Choice::translated(
                    t,
                    tr.as_str(),
                    format!("support-action-{}", tr.as_str().replace('_', "-")),
                )
            })
            .collect(),
        may_reply,
        is_staff: party.is_staff(),
        may_manage,
        watching,
        watchers,
        staff_choices: choices.assignees.into_iter().map(Choice::from).collect(),
        canned: choices.canned,
        time_entries,
        activities: Activity::ALL
            .iter()
            .map(|a| {
                Choice::translated(
                    t,
                    a.as_str(),
                    format!("support-activity-{}", a.as_str().replace('_', "-")),
                )
            })
            .collect(),
        typed,
        errors,
        history: history::format(t, ENTITY, history),
        d,
        layout,
    })
}

fn with_errors(page: &DetailPage) -> Result<Response, AppError> {
    again(StatusCode::UNPROCESSABLE_ENTITY, page)
}

fn parse_form<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    serde_urlencoded::from_bytes(body).map_err(|_| AppError::BadRequest("bad_request"))
}

fn back(id: &str, anchor: &str) -> Response {
    Redirect::to(&format!("/support-documents/{id}{anchor}")).into_response()
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    Query(query): Query<DetailQuery>,
) -> Result<Response, AppError> {
    let mut typed = Typed::default();
    if let Some(canned) = query.canned.as_deref() {
        typed.reply = state
            .app()
            .support_documents()
            .canned_text(&signed.actor, canned)
            .await?;
    }
    let page = page(&state, &signed, &id, typed, FormErrors::default()).await?;
    Ok(render(&page)?.into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct TransitionForm {
    transition: String,
    version: i64,
}

pub(super) async fn transition(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let documents = state.app().support_documents();
    documents.document(&signed.actor, &id).await?;
    let form: TransitionForm = parse_form(&body)?;
    let transition =
        Transition::parse(&form.transition).ok_or(AppError::BadRequest("bad_request"))?;
    documents
        .transition(&signed.actor, &id, transition, form.version)
        .await?;
    Ok(back(&id, ""))
}

pub(super) async fn comment(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let documents = state.app().support_documents();
    // The document must be visible before anything of the request is read or stored.
    documents.document(&signed.actor, &id).await?;
    let multipart = multipart.map_err(|_| AppError::BadRequest("bad_request"))?;
    let form = MultipartForm::read(&state, &signed.actor, multipart).await?;
    let body = form.get("body");
    let internal = signed.actor.is_staff() && form.get("internal") == "1";
    let files: Vec<_> = form.files.iter().map(|f| f.id).collect();
    match documents
        .comment(&signed.actor, &id, &body, internal, &files)
        .await
    {
        Ok(comment) => Ok(back(&id, &format!("#comment-{}", comment.id))),
        Err(Error::Invalid(problems)) if problems.has("body") => {
            let t = crate::i18n::Tr::new(signed.ctx.lang);
            let typed = Typed {
                reply: body,
                internal,
                ..Typed::default()
            };
            let errors = FormErrors::from_fields(&problems, &t);
            with_errors(&page(&state, &signed, &id, typed, errors).await?)
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct AssignForm {
    #[serde(default)]
    assignee: String,
    version: i64,
}

pub(super) async fn assign(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let documents = state.app().support_documents();
    documents.document(&signed.actor, &id).await?;
    let form: AssignForm = parse_form(&body)?;
    let assignee: Option<UserId> = if form.assignee.is_empty() {
        None
    } else {
        Some(
            form.assignee
                .parse()
                .map_err(|_| AppError::BadRequest("bad_request"))?,
        )
    };
    documents
        .assign(&signed.actor, &id, assignee, form.version)
        .await?;
    Ok(back(&id, ""))
}

#[derive(Debug, Deserialize)]
pub(super) struct WatchForm {
    #[serde(default)]
    user: String,
    watch: String,
}

pub(super) async fn watchers(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let documents = state.app().support_documents();
    documents.document(&signed.actor, &id).await?;
    let form: WatchForm = parse_form(&body)?;
    let user: Option<UserId> = if form.user.is_empty() {
        None
    } else {
        Some(
            form.user
                .parse()
                .map_err(|_| AppError::BadRequest("bad_request"))?,
        )
    };
    documents
        .watch(&signed.actor, &id, user, form.watch == "1")
        .await?;
    Ok(back(&id, "#watchers"))
}

#[derive(Debug, Deserialize)]
pub(super) struct PatchLinkForm {
    patch: String,
    #[serde(default)]
    linked: String,
}

pub(super) async fn link_patch(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let documents = state.app().support_documents();
    documents.document(&signed.actor, &id).await?;
    let form: PatchLinkForm = parse_form(&body)?;
    let patch = form
        .patch
        .parse()
        .map_err(|_| AppError::BadRequest("bad_request"))?;
    documents
        .link_patch(&signed.actor, &id, patch, form.linked == "1")
        .await?;
    Ok(back(&id, "#patches"))
}

pub(super) async fn log_time(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let documents = state.app().support_documents();
    documents.document(&signed.actor, &id).await?;
    let form: TimeForm = parse_form(&body)?;
    let work_date = form.work_date.parse::<NaiveDate>().ok();
    let input = TimeInput {
        activity: form.activity.clone(),
        minutes: hours_to_minutes(&form.hours),
        billable: form.billable.is_some(),
        work_date,
        note: form.note.clone(),
    };
    // What the page names otherwise than the use case: hours typed, not minutes.
    let names = [("minutes", "hours")];
    let mut problems = input.problems();
    if work_date.is_none() {
        problems.add("work_date", "support-error-date");
    }
    if problems.is_empty() {
        match documents.log_time(&signed.actor, &id, &input).await {
            Ok(_) => return Ok(back(&id, "#time")),
            Err(Error::Invalid(refused)) => problems = refused,
            Err(other) => return Err(other.into()),
        }
    }
    let t = crate::i18n::Tr::new(signed.ctx.lang);
    let errors = FormErrors::from_fields_renamed(problems, &t, &names);
    let typed = Typed {
        time: form,
        ..Typed::default()
    };
    with_errors(&page(&state, &signed, &id, typed, errors).await?)
}
