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
use supportweb_domain::ids::{CannedReplyId, UserId};
use supportweb_domain::sla::SlaStatus;
use supportweb_domain::support_document::{
    Activity, Party, PrepaidBalance, Transition, WorkflowClock, available,
};
use supportweb_storage::StoreError;
use supportweb_storage::canned_replies::CannedReply;
use supportweb_storage::support_documents::{
    AttachmentRecord, CommentRecord, DocumentError, DocumentRecord, ENTITY, NewTimeEntry,
    TimeEntryRecord, WatcherRecord,
};

use super::document_id;
use super::overview::Choice;
use super::view::{duration, sla, when};
use crate::context::SignedIn;
use crate::error::AppError;
use crate::markdown::to_safe_html;
use crate::middleware::KeepBody;
use crate::pages::form::{FormErrors, hours_to_minutes};
use crate::pages::history::{self, HistoryLine};
use crate::pages::multipart::MultipartForm;
use crate::pages::{Layout, render, today};
use crate::state::AppState;

/// One entry of the conversation as shown.
struct CommentView {
    id: String,
    author: String,
    author_is_staff: bool,
    is_internal: bool,
    html: String,
    when: String,
    files: Vec<AttachmentRecord>,
}

impl From<CommentRecord> for CommentView {
    fn from(c: CommentRecord) -> Self {
        CommentView {
            id: c.id.to_string(),
            author: c.author_name,
            author_is_staff: c.author_is_staff,
            is_internal: c.is_internal,
            html: to_safe_html(&c.body),
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
    let store = state.store();
    let d = store.document(actor, document_id(id)?).await?;
    let layout = Layout::new(&signed.ctx, "support-detail-title");
    let t = &layout.t;
    let config = state.config().app.support;
    let now = Utc::now();
    let party = Party::of(actor, d.organisation_id).ok_or(AppError::NotFound)?;
    let clock = WorkflowClock {
        closed_at: d.closed_at,
        now,
        reopen_days: config.reopen_days,
    };
    let actions = available(party, d.state, &clock)
        .into_iter()
        .map(|tr| Choice {
            value: tr.as_str().to_owned(),
            label: t.t(format!("support-action-{}", tr.as_str().replace('_', "-"))),
        })
        .collect();
    let is_staff = party.is_staff();
    let may_manage = party == Party::StaffManager;
    let conversation = store.conversation(actor, &d).await?;
    let attachments = store
        .attachments(actor, &d)
        .await?
        .into_iter()
        .filter(|a| a.comment_id.is_none())
        .collect();
    let watchers = store.watchers(d.id).await?;
    let staff_choices = if may_manage {
        store
            .support_staff()
            .await?
            .into_iter()
            .map(|(id, name)| Choice {
                value: id.to_string(),
                label: name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let canned = if is_staff {
        store.canned_replies().await?
    } else {
        Vec::new()
    };
    if typed.time.work_date.is_empty() {
        typed.time.work_date = today().to_string();
    }
    let hours = config.hours;
    let label = |p: &supportweb_storage::patches::PatchRecord| Choice {
        value: p.id.to_string(),
        label: format!("{} · {} {}", p.title, p.product_name, p.build),
    };
    let patches: Vec<Choice> = store
        .document_patches(actor, &d)
        .await?
        .iter()
        .map(label)
        .collect();
    let patch_choices = if is_staff && crate::pages::podpora::require_reader(actor).is_ok() {
        store
            .patches(
                actor,
                &supportweb_storage::patches::PatchQuery {
                    limit: 200,
                    ..Default::default()
                },
            )
            .await?
            .iter()
            .map(label)
            .filter(|c| !patches.iter().any(|p| p.value == c.value))
            .collect()
    } else {
        Vec::new()
    };
    let order = if crate::pages::customization_orders::require_reader(actor).is_ok() {
        store.order_of_document(actor, d.id).await?.map(|o| Choice {
            value: o.id.to_string(),
            label: format!("{} · {}", o.number, o.title),
        })
    } else {
        None
    };
    let may_convert = order.is_none()
        && supportweb_domain::customization_order::OrderParty::of(actor, d.organisation_id)
            == Some(supportweb_domain::customization_order::OrderParty::StaffWriter);
    Ok(DetailPage {
        order,
        may_convert,
        patches,
        patch_choices,
        state_label: t.t(crate::i18n::document_state_key(d.state)),
        severity_label: t.t(format!("severity-{}", d.severity.as_str())),
        category_label: t.t(format!("support-category-{}", d.category.as_str())),
        description_html: to_safe_html(&d.description),
        created: when(d.created_at),
        response_sla: sla(t, d.clock.response_status(&hours, now)),
        resolution_sla: match d.clock.resolution_status(&hours, d.state, now) {
            SlaStatus::NoTarget => ("—".to_owned(), ""),
            other => sla(t, other),
        },
        balance: store.prepaid_balance(&d).await?,
        attachments,
        conversation: conversation.into_iter().map(CommentView::from).collect(),
        actions,
        may_reply: matches!(
            party,
            Party::CustomerWriter | Party::StaffWriter | Party::StaffManager
        ) && d.state != supportweb_domain::support_document::DocumentState::Cancelled,
        is_staff,
        may_manage,
        watching: watchers.iter().any(|w| w.user_id == actor.user_id),
        watchers,
        staff_choices,
        canned,
        time_entries: store.time_entries(actor, &d).await?,
        activities: Activity::ALL
            .iter()
            .map(|a| Choice {
                value: a.as_str().to_owned(),
                label: t.t(format!("support-activity-{}", a.as_str().replace('_', "-"))),
            })
            .collect(),
        typed,
        errors,
        history: history::lines_for(state, t, actor, ENTITY, d.id.0).await?,
        d,
        layout,
    })
}

fn with_errors(page: &DetailPage) -> Result<Response, AppError> {
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        axum::Extension(KeepBody),
        render(page)?,
    )
        .into_response())
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
    if signed.actor.is_staff()
        && let Some(canned) = query.canned.as_deref()
    {
        let canned: CannedReplyId = canned.parse().map_err(|_| AppError::NotFound)?;
        typed.reply = state.store().canned_reply(canned).await?.body;
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
    let doc = state
        .store()
        .document(&signed.actor, document_id(&id)?)
        .await?;
    let form: TransitionForm = parse_form(&body)?;
    let transition =
        Transition::parse(&form.transition).ok_or(AppError::BadRequest("bad_request"))?;
    let config = state.config().app.support;
    state
        .store()
        .transition_document(
            &signed.actor,
            doc.id,
            transition,
            form.version,
            &config.hours,
            config.reopen_days,
        )
        .await?;
    Ok(back(&id, ""))
}

pub(super) async fn comment(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let doc = document_id(&id)?;
    // The document must be visible before anything of the request is read or stored.
    state.store().document(&signed.actor, doc).await?;
    let multipart = multipart.map_err(|_| AppError::BadRequest("bad_request"))?;
    let form = MultipartForm::read(&state, &signed.actor, multipart).await?;
    let body = form.get("body");
    let internal = signed.actor.is_staff() && form.get("internal") == "1";
    let t = crate::i18n::Tr::new(signed.ctx.lang);
    if body.trim().is_empty() || body.chars().count() > 20_000 {
        let mut errors = FormErrors::default();
        errors.add_t("body", &t, "support-error-reply");
        let typed = Typed {
            reply: body,
            internal,
            ..Typed::default()
        };
        return with_errors(&page(&state, &signed, &id, typed, errors).await?);
    }
    let files: Vec<_> = form.files.iter().map(|f| f.id).collect();
    let hours = state.config().app.support.hours;
    let comment = state
        .store()
        .add_comment(&signed.actor, doc, body.trim(), internal, &files, &hours)
        .await?;
    Ok(back(&id, &format!("#comment-{comment}")))
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
    let doc = state
        .store()
        .document(&signed.actor, document_id(&id)?)
        .await?;
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
    state
        .store()
        .assign_document(&signed.actor, doc.id, assignee, form.version)
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
    let doc = state
        .store()
        .document(&signed.actor, document_id(&id)?)
        .await?;
    let form: WatchForm = parse_form(&body)?;
    let user: UserId = if form.user.is_empty() {
        signed.actor.user_id
    } else {
        form.user
            .parse()
            .map_err(|_| AppError::BadRequest("bad_request"))?
    };
    state
        .store()
        .set_watcher(&signed.actor, doc.id, user, form.watch == "1")
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
    let doc = state
        .store()
        .document(&signed.actor, document_id(&id)?)
        .await?;
    let form: PatchLinkForm = parse_form(&body)?;
    let patch = form
        .patch
        .parse()
        .map_err(|_| AppError::BadRequest("bad_request"))?;
    state
        .store()
        .link_patch(&signed.actor, doc.id, patch, form.linked == "1")
        .await?;
    Ok(back(&id, "#patches"))
}

pub(super) async fn log_time(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let doc = state
        .store()
        .document(&signed.actor, document_id(&id)?)
        .await?;
    let form: TimeForm = parse_form(&body)?;
    let t = crate::i18n::Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let activity = Activity::parse(&form.activity);
    if activity.is_none() {
        errors.add_t("activity", &t, "support-error-activity");
    }
    let minutes = hours_to_minutes(&form.hours).filter(|m| (1..=24 * 60).contains(m));
    if minutes.is_none() {
        errors.add_t("hours", &t, "support-error-hours");
    }
    let work_date = form.work_date.parse::<NaiveDate>().ok();
    if work_date.is_none() {
        errors.add_t("work_date", &t, "support-error-date");
    }
    if let (Some(activity), Some(minutes), Some(work_date)) = (activity, minutes, work_date)
        && form.note.chars().count() <= 500
    {
        let entry = NewTimeEntry {
            activity,
            minutes,
            billable: form.billable.is_some(),
            work_date,
            note: form.note.trim().to_owned(),
        };
        match state.store().log_time(&signed.actor, doc.id, &entry).await {
            Ok(_) => return Ok(back(&id, "#time")),
            Err(DocumentError::Invalid(_)) => errors.add_t("hours", &t, "support-error-hours"),
            Err(other) => return Err(other.into()),
        }
    }
    if errors.is_empty() {
        errors.add_t("note", &t, "support-error-note");
    }
    let typed = Typed {
        time: form,
        ..Typed::default()
    };
    match page(&state, &signed, &id, typed, errors).await {
        Ok(page) => with_errors(&page),
        Err(AppError::NotFound) => Err(StoreError::NotFound.into()),
        Err(other) => Err(other),
    }
}
