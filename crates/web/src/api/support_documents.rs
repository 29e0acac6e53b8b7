//! Support documents through the JSON API: the overviews with filters and keyset paging,
//! opening a document (attachments uploaded first through `POST /api/v1/files`), the detail
//! with conversation, attachments, watchers, time and history, and every action of the
//! detail page. The same access layer, workflow rules and validation as the pages: a foreign
//! document answers like a missing one, internal notes and logged time reach staff only, a
//! stale `version` gives 409, a step the caller may not take gives 403.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use bytes::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use supportweb_app::HistoryRecord;
use supportweb_app::podpora::PatchRecord;
use supportweb_app::support_documents::{
    AttachmentRecord, CommentRecord, DocumentDetail, DocumentRecord, OpenDocument, OverviewParams,
    TimeEntryRecord, TimeInput, Transition, WatcherRecord,
};
use supportweb_domain::ids::{FileId, PatchId, UserId};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::json;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::error::Problem;
use crate::state::AppState;

/// Where the API names a field otherwise than the form the use cases speak of.
const FIELD_NAMES: &[(&str, &str)] = &[
    ("organisation", "organisation_id"),
    ("installation", "installation_id"),
    ("reporter", "reporter_id"),
    ("files", "file_ids"),
    ("assignee", "assignee_id"),
    ("user", "user_id"),
    ("patch", "patch_id"),
];

fn api_error(error: supportweb_app::Error) -> AppError {
    error.renamed(FIELD_NAMES).into()
}

/// SLA deadlines and their state.
#[derive(Debug, Serialize, ToSchema)]
pub struct Sla {
    /// First response due (none: no target).
    pub response_due_at: Option<DateTime<Utc>>,
    /// When staff first replied publicly.
    pub first_response_at: Option<DateTime<Utc>>,
    /// Resolution due, moved by pauses (none: no target).
    pub resolution_due_at: Option<DateTime<Utc>>,
    /// The clock is paused (waiting for the customer).
    pub paused: bool,
    /// The first response came late or is overdue.
    pub response_breached: bool,
    /// The resolution came late or is overdue.
    pub resolution_breached: bool,
}

/// A support document.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupportDocument {
    /// Id.
    pub id: Uuid,
    /// Number, e.g. `SD-2026-000123`.
    pub number: String,
    /// Organisation.
    pub organisation_id: Uuid,
    /// Organisation name.
    pub organisation_name: String,
    /// Reporter.
    pub reporter_id: Uuid,
    /// Reporter's name.
    pub reporter_name: String,
    /// Contact person and phone.
    pub contact: String,
    /// `error`, `question`, `request` or `other`.
    pub category: String,
    /// `critical`, `high`, `medium` or `low`.
    pub severity: String,
    /// Product of the catalogue.
    pub product_id: Option<Uuid>,
    /// Product name.
    pub product_name: Option<String>,
    /// Module.
    pub module: String,
    /// Product version.
    pub product_version: String,
    /// Subject.
    pub subject: String,
    /// Description (Markdown).
    pub description: String,
    /// `new`, `accepted`, `in_progress`, `waiting_for_customer`, `resolved`, `closed` or
    /// `cancelled`.
    pub state: String,
    /// Assigned staff member.
    pub assignee_id: Option<Uuid>,
    /// Assignee's name.
    pub assignee_name: Option<String>,
    /// SLA.
    pub sla: Sla,
    /// Opened.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// Send back with a change; a stale value gives 409.
    pub version: i64,
}

impl From<DocumentRecord> for SupportDocument {
    fn from(d: DocumentRecord) -> Self {
        SupportDocument {
            id: d.id.0,
            number: d.number,
            organisation_id: d.organisation_id.0,
            organisation_name: d.organisation_name,
            reporter_id: d.reporter_id.0,
            reporter_name: d.reporter_name,
            contact: d.contact,
            category: d.category.as_str().to_owned(),
            severity: d.severity.as_str().to_owned(),
            product_id: d.product_id.map(|p| p.0),
            product_name: d.product_name,
            module: d.module,
            product_version: d.product_version,
            subject: d.subject,
            description: d.description,
            state: d.state.as_str().to_owned(),
            assignee_id: d.assignee_id.map(|a| a.0),
            assignee_name: d.assignee_name,
            sla: Sla {
                response_due_at: d.clock.response_due_at,
                first_response_at: d.clock.first_response_at,
                resolution_due_at: d.clock.resolution_due_at,
                paused: d.clock.paused_since.is_some(),
                response_breached: d.clock.response_breached,
                resolution_breached: d.clock.resolution_breached,
            },
            created_at: d.created_at,
            updated_at: d.updated_at,
            version: d.version,
        }
    }
}

/// One page of an overview.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupportDocumentPage {
    /// Documents in the requested order.
    pub items: Vec<SupportDocument>,
    /// Pass as `after` for the next page; absent on the last.
    pub next: Option<Uuid>,
}

/// Documents the caller may see, one page of 50.
#[utoipa::path(
    get,
    path = "/api/v1/support-documents",
    tag = "support documents",
    params(OverviewParams),
    responses(
        (status = 200, description = "A page of documents", body = SupportDocumentPage),
        (status = 422, description = "A filter value is not valid", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<OverviewParams>,
) -> Result<Json<SupportDocumentPage>, AppError> {
    let documents = state.app().support_documents();
    let (query, problems) = documents.overview_query(&signed.actor, &params)?;
    problems.into_result()?;
    let page = documents.overview(&signed.actor, &query).await?;
    Ok(Json(SupportDocumentPage {
        items: page.rows.into_iter().map(SupportDocument::from).collect(),
        next: page.next.and_then(|id| id.parse().ok()),
    }))
}

/// A document to open.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewSupportDocument {
    /// The organisation (one where the caller may write support documents).
    pub organisation_id: Uuid,
    /// `error`, `question`, `request` or `other`.
    #[schema(schema_with = supportweb_app::api_schema::category)]
    pub category: String,
    /// `critical`, `high`, `medium` or `low`.
    #[schema(schema_with = supportweb_app::api_schema::severity)]
    pub severity: String,
    /// A line of the organisation's installation card: fills product and version.
    #[serde(default)]
    pub installation_id: Option<Uuid>,
    /// Module.
    #[serde(default)]
    #[schema(max_length = 100)]
    pub module: String,
    /// Version (default: the installation's).
    #[serde(default)]
    #[schema(max_length = 50)]
    pub product_version: String,
    /// Subject (at most 200 characters).
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub subject: String,
    /// Description in Markdown (at most 20,000 characters).
    #[schema(min_length = 1, max_length = 20000, pattern = r"\S")]
    pub description: String,
    /// Contact person and phone.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub contact: String,
    /// Files uploaded by the caller through `POST /api/v1/files`.
    #[serde(default)]
    pub file_ids: Vec<Uuid>,
    /// Staff opening a document on a customer's behalf: the customer user who reports it
    /// (an active member of the organisation who may read its support documents).
    #[serde(default)]
    pub reporter_id: Option<Uuid>,
}

/// Opens a support document. An organisation without a support contract covering today
/// gets 422 with `support-not-entitled` on `organisation_id`; nothing is created.
#[utoipa::path(
    post,
    path = "/api/v1/support-documents",
    tag = "support documents",
    request_body = NewSupportDocument,
    responses(
        (status = 201, description = "Opened", body = SupportDocument),
        (status = 404, description = "No such organisation, or the caller may not open documents for it", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields, or no valid support contract", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    body: Bytes,
) -> Result<(StatusCode, Json<SupportDocument>), AppError> {
    supportweb_app::support_documents::require_opener(&signed.actor)?;
    let body: NewSupportDocument = json(&body)?;
    let form = OpenDocument {
        organisation: body.organisation_id.to_string(),
        category: body.category,
        severity: body.severity,
        installation: body
            .installation_id
            .map(|i| i.to_string())
            .unwrap_or_default(),
        module: body.module,
        product_version: body.product_version,
        subject: body.subject,
        description: body.description,
        contact: body.contact,
        reporter: body.reporter_id.map(|r| r.to_string()).unwrap_or_default(),
        files: body.file_ids.into_iter().map(FileId).collect(),
    };
    let created = state
        .app()
        .support_documents()
        .open(&signed.actor, &form)
        .await
        .map_err(api_error)?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// A file attached to a document or a comment.
#[derive(Debug, Serialize, ToSchema)]
pub struct Attachment {
    /// File id.
    pub file_id: Uuid,
    /// Name.
    pub file_name: String,
    /// Size.
    pub size_bytes: i64,
    /// SHA-256, lower-case hex.
    pub sha256: String,
    /// Where to download it.
    pub download_url: String,
}

impl From<AttachmentRecord> for Attachment {
    fn from(a: AttachmentRecord) -> Self {
        Attachment {
            download_url: format!("/api/v1/files/{}", a.file_id),
            file_id: a.file_id.0,
            file_name: a.file_name,
            size_bytes: a.size_bytes,
            sha256: a.sha256,
        }
    }
}

/// A public reply or (staff only) an internal note.
#[derive(Debug, Serialize, ToSchema)]
pub struct Comment {
    /// Id.
    pub id: Uuid,
    /// Author.
    pub author_id: Uuid,
    /// Author's name.
    pub author_name: String,
    /// Written by the vendor's staff.
    pub author_is_staff: bool,
    /// An internal note (only ever returned to staff).
    pub internal: bool,
    /// Text (Markdown).
    pub body: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Files that came with it.
    pub files: Vec<Attachment>,
}

impl From<CommentRecord> for Comment {
    fn from(c: CommentRecord) -> Self {
        Comment {
            id: c.id.0,
            author_id: c.author_id.0,
            author_name: c.author_name,
            author_is_staff: c.author_is_staff,
            internal: c.is_internal,
            body: c.body,
            created_at: c.created_at,
            files: c.files.into_iter().map(Attachment::from).collect(),
        }
    }
}

/// A watcher.
#[derive(Debug, Serialize, ToSchema)]
pub struct Watcher {
    /// Account.
    pub user_id: Uuid,
    /// Name.
    pub display_name: String,
    /// Staff?
    pub is_staff: bool,
}

impl From<WatcherRecord> for Watcher {
    fn from(w: WatcherRecord) -> Self {
        Watcher {
            user_id: w.user_id.0,
            display_name: w.display_name,
            is_staff: w.is_staff,
        }
    }
}

/// Logged staff time.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimeEntry {
    /// Id.
    pub id: Uuid,
    /// Who worked.
    pub user_name: String,
    /// `analysis`, `fix`, `consultation`, `remote_session`, `testing`, `other`.
    pub activity: String,
    /// Minutes.
    pub minutes: i64,
    /// Billable (draws down prepaid hours).
    pub billable: bool,
    /// Day of the work.
    pub work_date: NaiveDate,
    /// Note.
    pub note: String,
}

impl From<TimeEntryRecord> for TimeEntry {
    fn from(e: TimeEntryRecord) -> Self {
        TimeEntry {
            id: e.id.0,
            user_name: e.user_name,
            activity: e.activity.as_str().to_owned(),
            minutes: e.minutes,
            billable: e.billable,
            work_date: e.work_date,
            note: e.note,
        }
    }
}

/// One changed field.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryEntry {
    /// When.
    pub changed_at: DateTime<Utc>,
    /// Who (absent: the portal itself).
    pub changed_by: Option<String>,
    /// Field.
    pub field: String,
    /// Before.
    pub old_value: String,
    /// After.
    pub new_value: String,
}

/// A document with everything the caller may see of it.
#[derive(Debug, Serialize, ToSchema)]
pub struct SupportDocumentDetail {
    /// The document.
    pub document: SupportDocument,
    /// Workflow steps the caller may take now (`accept`, `start`, `ask_customer`, `resume`,
    /// `resolve`, `confirm_resolution`, `close`, `reopen`, `cancel`).
    pub actions: Vec<String>,
    /// The conversation, oldest first (internal notes only for staff).
    pub comments: Vec<Comment>,
    /// Files attached when the document was opened.
    pub attachments: Vec<Attachment>,
    /// Watchers.
    pub watchers: Vec<Watcher>,
    /// Logged time (staff only; empty for customers).
    pub time_entries: Vec<TimeEntry>,
    /// Every change, newest first.
    pub history: Vec<HistoryEntry>,
    /// Patches that solve it, those the caller may see.
    pub patches: Vec<LinkedPatch>,
    /// The customization order it was converted into
    /// (`/api/v1/customization-orders/{id}`), when the caller may see it.
    pub customization_order_id: Option<Uuid>,
}

/// A patch linked to a support document.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkedPatch {
    /// Patch id (`/api/v1/patches/{id}`).
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Product name.
    pub product_name: String,
    /// Version or build.
    pub build: String,
}

impl From<PatchRecord> for LinkedPatch {
    fn from(p: PatchRecord) -> Self {
        LinkedPatch {
            id: p.id.0,
            title: p.title,
            product_name: p.product_name,
            build: p.build,
        }
    }
}

impl From<HistoryRecord> for HistoryEntry {
    fn from(h: HistoryRecord) -> Self {
        HistoryEntry {
            changed_at: h.changed_at,
            changed_by: h.changed_by,
            field: h.field,
            old_value: h.old_value,
            new_value: h.new_value,
        }
    }
}

/// One document with its conversation, attachments, watchers, time and history.
#[utoipa::path(
    get,
    path = "/api/v1/support-documents/{id}",
    tag = "support documents",
    params(("id" = Uuid, Path, description = "Document id")),
    responses(
        (status = 200, description = "The document", body = SupportDocumentDetail),
        (status = 404, description = "No such document visible to the caller", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn detail(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<SupportDocumentDetail>, AppError> {
    let DocumentDetail {
        document,
        actions,
        conversation,
        attachments,
        watchers,
        time_entries,
        history,
        patches,
        order,
        ..
    } = state
        .app()
        .support_documents()
        .detail(&signed.actor, &id)
        .await?;
    Ok(Json(SupportDocumentDetail {
        customization_order_id: order.map(|(id, _, _)| id.0),
        patches: patches.into_iter().map(LinkedPatch::from).collect(),
        document: document.into(),
        actions: actions.into_iter().map(|t| t.as_str().to_owned()).collect(),
        comments: conversation.into_iter().map(Comment::from).collect(),
        attachments: attachments.into_iter().map(Attachment::from).collect(),
        watchers: watchers.into_iter().map(Watcher::from).collect(),
        time_entries: time_entries.into_iter().map(TimeEntry::from).collect(),
        history: history.into_iter().map(HistoryEntry::from).collect(),
    }))
}

/// A reply or note to add.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewComment {
    /// Text in Markdown (at most 20,000 characters).
    #[schema(min_length = 1, max_length = 20000, pattern = r"\S")]
    pub body: String,
    /// An internal note the customer never sees (staff only).
    #[serde(default)]
    pub internal: bool,
    /// Files uploaded by the caller through `POST /api/v1/files`.
    #[serde(default)]
    pub file_ids: Vec<Uuid>,
    /// Staff opening a document on a customer's behalf: the customer user who reports it
    /// (an active member of the organisation who may read its support documents).
    #[serde(default)]
    pub reporter_id: Option<Uuid>,
}

/// Adds a public reply or (staff) an internal note. A customer's reply to a document
/// waiting for them returns it to work.
#[utoipa::path(
    post,
    path = "/api/v1/support-documents/{id}/comments",
    tag = "support documents",
    params(("id" = Uuid, Path, description = "Document id")),
    request_body = NewComment,
    responses(
        (status = 201, description = "Added", body = Comment),
        (status = 403, description = "The caller may only read, or a customer asked for an internal note", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The document is closed or cancelled", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty or too long", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn comment(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Comment>), AppError> {
    let documents = state.app().support_documents();
    documents.document(&signed.actor, &id).await?;
    let body: NewComment = json(&body)?;
    let files: Vec<FileId> = body.file_ids.into_iter().map(FileId).collect();
    let comment = documents
        .comment(&signed.actor, &id, &body.body, body.internal, &files)
        .await
        .map_err(api_error)?;
    Ok((StatusCode::CREATED, Json(comment.into())))
}

/// A workflow step.
#[derive(Debug, Deserialize, ToSchema)]
pub struct TransitionBody {
    /// One of the detail's `actions`.
    #[schema(schema_with = supportweb_app::api_schema::transition)]
    pub transition: String,
    /// The document's version as read.
    pub version: i64,
}

/// Takes a workflow step.
#[utoipa::path(
    post,
    path = "/api/v1/support-documents/{id}/transitions",
    tag = "support documents",
    params(("id" = Uuid, Path, description = "Document id")),
    request_body = TransitionBody,
    responses(
        (status = 200, description = "Taken; the document as it is now", body = SupportDocument),
        (status = 403, description = "The caller may not take this step", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since `version`, or the step does not apply in this state", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown step", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn transition(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<SupportDocument>, AppError> {
    let documents = state.app().support_documents();
    documents.document(&signed.actor, &id).await?;
    let body: TransitionBody = json(&body)?;
    let transition = Transition::parse(&body.transition)
        .filter(|t| *t != Transition::AutoClose)
        .ok_or_else(|| supportweb_app::Error::field("transition", "support-error-invalid"))?;
    let document = documents
        .transition(&signed.actor, &id, transition, body.version)
        .await?;
    Ok(Json(document.into()))
}

/// Assignment.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AssigneeBody {
    /// A staff member working in the agenda; absent or null: unassigned.
    #[serde(default)]
    pub assignee_id: Option<Uuid>,
    /// The document's version as read.
    pub version: i64,
}

/// Assigns the document (staff who manage the agenda).
#[utoipa::path(
    put,
    path = "/api/v1/support-documents/{id}/assignee",
    tag = "support documents",
    params(("id" = Uuid, Path, description = "Document id")),
    request_body = AssigneeBody,
    responses(
        (status = 200, description = "Assigned; the document as it is now", body = SupportDocument),
        (status = 403, description = "The caller may not assign", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed since `version`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Not a staff member who works in the agenda", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn assign(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<SupportDocument>, AppError> {
    let documents = state.app().support_documents();
    documents.document(&signed.actor, &id).await?;
    let body: AssigneeBody = json(&body)?;
    let document = documents
        .assign(
            &signed.actor,
            &id,
            body.assignee_id.map(UserId),
            body.version,
        )
        .await
        .map_err(api_error)?;
    Ok(Json(document.into()))
}

/// Watching.
#[derive(Debug, Deserialize, ToSchema)]
pub struct WatcherBody {
    /// Whom (absent: the caller). Staff may add anyone allowed to see the document.
    #[serde(default)]
    pub user_id: Option<Uuid>,
    /// Start (true) or stop (false) watching.
    pub watch: bool,
}

/// Starts or stops watching; returns the watchers.
#[utoipa::path(
    post,
    path = "/api/v1/support-documents/{id}/watchers",
    tag = "support documents",
    params(("id" = Uuid, Path, description = "Document id")),
    request_body = WatcherBody,
    responses(
        (status = 200, description = "The watchers now", body = [Watcher]),
        (status = 403, description = "The caller may not change others' watching", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "That account may not see the document", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn watchers(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Vec<Watcher>>, AppError> {
    let documents = state.app().support_documents();
    documents.document(&signed.actor, &id).await?;
    let body: WatcherBody = json(&body)?;
    let watchers = documents
        .watch(&signed.actor, &id, body.user_id.map(UserId), body.watch)
        .await
        .map_err(api_error)?;
    Ok(Json(watchers.into_iter().map(Watcher::from).collect()))
}

/// Time to log.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewTime {
    /// `analysis`, `fix`, `consultation`, `remote_session`, `testing`, `other`.
    #[schema(schema_with = supportweb_app::api_schema::activity)]
    pub activity: String,
    /// Minutes (1 to 1440).
    #[schema(minimum = 1, maximum = 1440)]
    pub minutes: i64,
    /// Billable: draws down the contract's prepaid hours.
    #[serde(default)]
    pub billable: bool,
    /// Day of the work (default: today).
    #[serde(default)]
    pub work_date: Option<NaiveDate>,
    /// Note (at most 500 characters).
    #[serde(default)]
    #[schema(max_length = 500)]
    pub note: String,
}

/// Logs staff time on the document.
#[utoipa::path(
    post,
    path = "/api/v1/support-documents/{id}/time",
    tag = "support documents",
    params(("id" = Uuid, Path, description = "Document id")),
    request_body = NewTime,
    responses(
        (status = 201, description = "Logged; all time on the document", body = [TimeEntry]),
        (status = 403, description = "Only staff who work in the agenda log time", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn log_time(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<Vec<TimeEntry>>), AppError> {
    let documents = state.app().support_documents();
    documents.document(&signed.actor, &id).await?;
    let body: NewTime = json(&body)?;
    let input = TimeInput {
        activity: body.activity,
        minutes: Some(body.minutes),
        billable: body.billable,
        work_date: body.work_date,
        note: body.note,
    };
    let entries = documents.log_time(&signed.actor, &id, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(entries.into_iter().map(TimeEntry::from).collect()),
    ))
}

/// Linking a patch.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchLinkBody {
    /// The patch.
    pub patch_id: Uuid,
    /// Link (true) or unlink (false).
    pub linked: bool,
}

/// Links a patch that solves the document, or unlinks it (staff); returns the linked patches.
#[utoipa::path(
    post,
    path = "/api/v1/support-documents/{id}/patches",
    tag = "support documents",
    params(("id" = Uuid, Path, description = "Document id")),
    request_body = PatchLinkBody,
    responses(
        (status = 200, description = "The linked patches now", body = [LinkedPatch]),
        (status = 403, description = "Only staff link patches", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No such patch visible to the caller", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn link_patch(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Vec<LinkedPatch>>, AppError> {
    let documents = state.app().support_documents();
    documents.document(&signed.actor, &id).await?;
    let body: PatchLinkBody = json(&body)?;
    let patches = documents
        .link_patch(&signed.actor, &id, PatchId(body.patch_id), body.linked)
        .await
        .map_err(api_error)?;
    Ok(Json(patches.into_iter().map(LinkedPatch::from).collect()))
}
