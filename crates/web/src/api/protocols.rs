//! Communication protocols through the JSON API: the overview, a protocol with the review of
//! open tasks, revisions, steps and history, every issued revision's text, files, the tasks
//! overview, and for staff who write protocols recording, revising and marking tasks. The
//! same access layer, lifecycle table and validation as the pages: a draft, or another
//! organisation's protocol, answers like a missing one.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use supportweb_app::Error;
use supportweb_app::protocols::{
    ExternalInput, ItemInput, ProtocolDetail as Detail, ProtocolInput, ProtocolParams,
    ProtocolRecord, ProtocolStep, RevisionText as Revision, TaskInput, TaskParams, TaskRecord,
    TaskState, presence_of,
};
use supportweb_domain::ids::FileId;
use supportweb_domain::protocol::ParticipantSide;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::json;
use crate::api::support_documents::HistoryEntry;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::error::Problem;
use crate::state::AppState;

/// A participant.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ParticipantJson {
    /// `vendor`, `customer` or `external`.
    #[schema(schema_with = supportweb_app::api_schema::participant_side)]
    pub side: String,
    /// The account (vendor staff, or a user of the organisation).
    #[serde(default)]
    pub user_id: Option<Uuid>,
    /// Name (externals; for accounts it is the account's name).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub name: String,
    /// Organisation or role (externals).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub affiliation: String,
    /// Present (else excused).
    pub present: bool,
}

/// An agenda item.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemJson {
    /// Title.
    #[schema(min_length = 1, max_length = 300, pattern = r"\S")]
    pub title: String,
    /// Summary (Markdown).
    #[serde(default)]
    #[schema(max_length = 50000)]
    pub summary: String,
    /// Decisions (Markdown).
    #[serde(default)]
    #[schema(max_length = 50000)]
    pub decisions: String,
}

/// An agreed task.
#[derive(Debug, Serialize, ToSchema)]
pub struct Task {
    /// Id.
    pub id: Uuid,
    /// The protocol it was agreed in.
    pub protocol_id: Uuid,
    /// Its number.
    pub protocol_number: String,
    /// Organisation name.
    pub organisation_name: String,
    /// Project.
    pub project: String,
    /// What is to be done.
    pub description: String,
    /// Who owes it: `vendor` or `customer`.
    pub side: String,
    /// The responsible person's account.
    pub responsible_user_id: Option<Uuid>,
    /// The responsible person.
    pub responsible_name: String,
    /// Due.
    pub due_on: NaiveDate,
    /// `open`, `done` or `cancelled`.
    pub state: String,
    /// Send back with a change.
    pub version: i64,
}

impl From<TaskRecord> for Task {
    fn from(t: TaskRecord) -> Self {
        Task {
            id: t.id.0,
            protocol_id: t.protocol_id.0,
            protocol_number: t.protocol_number,
            organisation_name: t.organisation_name,
            project: t.project_name,
            description: t.description,
            side: t.side.as_str().to_owned(),
            responsible_user_id: t.responsible_user_id.map(|u| u.0),
            responsible_name: t.responsible_name,
            due_on: t.due_on,
            state: t.state.as_str().to_owned(),
            version: t.version,
        }
    }
}

/// A verifier's answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct VerifierAnswer {
    /// The revision answered.
    pub revision: i64,
    /// Who.
    pub user_name: String,
    /// Confirmed (else objected).
    pub confirmed: bool,
    /// Comments.
    pub comment: String,
    /// When.
    pub responded_at: DateTime<Utc>,
}

/// A protocol.
#[derive(Debug, Serialize, ToSchema)]
pub struct Protocol {
    /// Id.
    pub id: Uuid,
    /// `KP-2026-0007`.
    pub number: String,
    /// Organisation.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// Project (filter the overview by its id).
    pub project_id: Uuid,
    /// Project name.
    pub project: String,
    /// `meeting`, `workshop`, `training`, `call`, `video_call` or `email`.
    pub kind: String,
    /// When.
    pub held_at: DateTime<Utc>,
    /// Where.
    pub place: String,
    /// Minute-taker.
    pub minute_taker_id: Uuid,
    /// Their name.
    pub minute_taker_name: String,
    /// Verification deadline.
    pub verification_due: Option<NaiveDate>,
    /// Subject.
    pub subject: String,
    /// `draft` (staff only), `issued`, `objected` or `confirmed`.
    pub state: String,
    /// The last issued revision (0 before the first).
    pub revision: i64,
    /// Participants.
    pub participants: Vec<ParticipantJson>,
    /// Verifiers.
    pub verifier_ids: Vec<Uuid>,
    /// Agenda items.
    pub items: Vec<ItemJson>,
    /// Tasks agreed.
    pub tasks: Vec<Task>,
    /// Files (`download_url` each).
    pub files: Vec<crate::api::patches::PatchFileJson>,
    /// Confirmations and objections, oldest first.
    pub responses: Vec<VerifierAnswer>,
    /// Send back with a change; a stale value gives 409.
    pub version: i64,
}

impl From<ProtocolRecord> for Protocol {
    fn from(p: ProtocolRecord) -> Self {
        let id = p.id;
        Protocol {
            id: p.id.0,
            number: p.number,
            organisation_id: p.organisation_id.0,
            organisation_name: p.organisation_name,
            project_id: p.project_id.0,
            project: p.project_name,
            kind: p.kind.as_str().to_owned(),
            held_at: p.held_at,
            place: p.place,
            minute_taker_id: p.minute_taker_id.0,
            minute_taker_name: p.minute_taker_name,
            verification_due: p.verification_due,
            subject: p.subject,
            state: p.state.as_str().to_owned(),
            revision: p.revision,
            participants: p
                .participants
                .into_iter()
                .map(|x| ParticipantJson {
                    side: x.side.as_str().to_owned(),
                    user_id: x.user_id.map(|u| u.0),
                    name: x.name,
                    affiliation: x.affiliation,
                    present: x.present,
                })
                .collect(),
            verifier_ids: p.verifiers.into_iter().map(|(u, _)| u.0).collect(),
            items: p
                .items
                .into_iter()
                .map(|i| ItemJson {
                    title: i.title,
                    summary: i.summary,
                    decisions: i.decisions,
                })
                .collect(),
            tasks: p.tasks.into_iter().map(Task::from).collect(),
            files: p
                .files
                .into_iter()
                .map(|f| crate::api::patches::PatchFileJson {
                    download_url: format!("/api/v1/protocols/{id}/files/{}", f.file_id),
                    file_id: f.file_id.0,
                    file_name: f.file_name,
                    size_bytes: f.size_bytes,
                    sha256: f.sha256,
                })
                .collect(),
            responses: p
                .responses
                .into_iter()
                .map(|r| VerifierAnswer {
                    revision: r.revision,
                    user_name: r.user_name,
                    confirmed: r.confirmed,
                    comment: r.comment,
                    responded_at: r.responded_at,
                })
                .collect(),
            version: p.version,
        }
    }
}

/// One page of protocols.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProtocolPage {
    /// Latest first (or by organisation).
    pub items: Vec<Protocol>,
    /// Pass as `after` for the next page; absent on the last.
    pub next: Option<Uuid>,
}

/// Protocols the caller may see, 50 a page.
#[utoipa::path(
    get,
    path = "/api/v1/protocols",
    tag = "protocols",
    params(ProtocolParams),
    responses(
        (status = 200, description = "A page of protocols", body = ProtocolPage),
        (status = 422, description = "A filter value is not valid", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<ProtocolParams>,
) -> Result<Json<ProtocolPage>, AppError> {
    let protocols = state.app().protocols();
    let (query, problems) = protocols.overview_query(&signed.actor, &params)?;
    problems.into_result()?;
    let page = protocols.overview(&signed.actor, &query).await?;
    Ok(Json(ProtocolPage {
        items: page.rows.into_iter().map(Protocol::from).collect(),
        next: page.next.and_then(|id| id.parse().ok()),
    }))
}

/// A task as staff send it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskBody {
    /// An existing task of this protocol (keeps its identity).
    #[serde(default)]
    pub id: Option<Uuid>,
    /// What is to be done.
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub description: String,
    /// `vendor` or `customer`.
    #[schema(schema_with = supportweb_app::api_schema::side)]
    pub side: String,
    /// The responsible person's account.
    #[serde(default)]
    pub responsible_user_id: Option<Uuid>,
    /// The responsible person's name (without an account).
    #[serde(default)]
    pub responsible_name: String,
    /// Due (`YYYY-MM-DD`).
    #[schema(value_type = String, format = Date)]
    pub due_on: String,
    /// `open` (default), `done` or `cancelled`.
    #[serde(default)]
    #[schema(value_type = Option<String>, schema_with = supportweb_app::api_schema::task_state)]
    pub state: Option<String>,
}

/// A protocol as staff send it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProtocolBody {
    /// The organisation.
    pub organisation_id: Uuid,
    /// The project's name (created when new).
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub project: String,
    /// Kind.
    #[schema(schema_with = supportweb_app::api_schema::protocol_kind)]
    pub kind: String,
    /// When, Prague time: `YYYY-MM-DDTHH:MM`.
    #[schema(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}$")]
    pub held_at: String,
    /// Where.
    #[serde(default)]
    #[schema(max_length = 300)]
    pub place: String,
    /// The minute-taker (staff).
    pub minute_taker_id: Uuid,
    /// Verification deadline.
    #[serde(default)]
    #[schema(schema_with = supportweb_app::api_schema::day_empty_or_null)]
    pub verification_due: Option<String>,
    /// Subject.
    #[schema(min_length = 1, max_length = 300, pattern = r"\S")]
    pub subject: String,
    /// Participants.
    #[serde(default)]
    pub participants: Vec<ParticipantJson>,
    /// Verifiers (users of the organisation with the confirm-protocols flag).
    #[serde(default)]
    pub verifier_ids: Vec<Uuid>,
    /// Agenda items.
    #[serde(default)]
    pub items: Vec<ItemJson>,
    /// Tasks.
    #[serde(default)]
    pub tasks: Vec<TaskBody>,
    /// Files uploaded by the caller through `POST /api/v1/files`, or files it already has.
    #[serde(default)]
    pub file_ids: Vec<Uuid>,
    /// For a change: the `version` read.
    #[serde(default)]
    pub version: Option<i64>,
}

impl ProtocolBody {
    fn input(&self) -> ProtocolInput {
        let ids = |side: &str, present: bool| {
            self.participants
                .iter()
                .filter(|p| p.side == side && p.present == present)
                .map(|p| {
                    p.user_id
                        .map(|u| u.to_string())
                        .unwrap_or_else(|| "?".into())
                })
                .collect()
        };
        ProtocolInput {
            organisation: self.organisation_id.to_string(),
            project: self.project.clone(),
            kind: self.kind.clone(),
            held_at: self.held_at.clone(),
            place: self.place.clone(),
            minute_taker: self.minute_taker_id.to_string(),
            verification_due: self.verification_due.clone().unwrap_or_default(),
            subject: self.subject.clone(),
            vendor_present: ids(ParticipantSide::Vendor.as_str(), true),
            vendor_excused: ids(ParticipantSide::Vendor.as_str(), false),
            customer_present: ids(ParticipantSide::Customer.as_str(), true),
            customer_excused: ids(ParticipantSide::Customer.as_str(), false),
            externals: self
                .participants
                .iter()
                .filter(|p| p.side == ParticipantSide::External.as_str())
                .map(|p| ExternalInput {
                    name: p.name.clone(),
                    affiliation: p.affiliation.clone(),
                    presence: presence_of(p.present).to_owned(),
                })
                .collect(),
            verifiers: self.verifier_ids.iter().map(Uuid::to_string).collect(),
            items: self
                .items
                .iter()
                .map(|i| ItemInput {
                    title: i.title.clone(),
                    summary: i.summary.clone(),
                    decisions: i.decisions.clone(),
                })
                .collect(),
            tasks: self
                .tasks
                .iter()
                .map(|t| TaskInput {
                    id: t.id.map(|i| i.to_string()).unwrap_or_default(),
                    description: t.description.clone(),
                    side: t.side.clone(),
                    responsible: t
                        .responsible_user_id
                        .map(|u| u.to_string())
                        .unwrap_or_default(),
                    responsible_name: t.responsible_name.clone(),
                    due: t.due_on.clone(),
                    state: t
                        .state
                        .clone()
                        .unwrap_or_else(|| TaskState::Open.as_str().to_owned()),
                })
                .collect(),
            files: self.file_ids.iter().map(|f| FileId(*f)).collect(),
        }
    }
}

impl ProtocolBody {
    /// The protocol as the use case reads it; a participant of an unknown side is refused.
    fn checked(&self) -> Result<ProtocolInput, AppError> {
        if self
            .participants
            .iter()
            .any(|p| ParticipantSide::parse(&p.side).is_none())
        {
            return Err(Error::field("participants", "protocol-error-participants").into());
        }
        Ok(self.input())
    }
}

/// Records a draft protocol (staff who write protocols).
#[utoipa::path(
    post,
    path = "/api/v1/protocols",
    tag = "protocols",
    request_body = ProtocolBody,
    responses(
        (status = 201, description = "Recorded as a draft", body = Protocol),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    body: Bytes,
) -> Result<(StatusCode, Json<Protocol>), AppError> {
    let protocols = state.app().protocols();
    protocols.require_writer(&signed.actor)?;
    let body: ProtocolBody = json(&body)?;
    let created = protocols.create(&signed.actor, &body.checked()?).await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// A protocol with everything around it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProtocolDetail {
    /// The protocol.
    pub protocol: Protocol,
    /// Tasks still open from earlier protocols of the project.
    pub review: Vec<Task>,
    /// Steps the caller may take now (`issue`, `confirm`, `object`).
    pub steps: Vec<String>,
    /// Issued revisions, newest first: number, who, when.
    pub revisions: Vec<RevisionSummary>,
    /// Every change, newest first.
    pub history: Vec<HistoryEntry>,
}

/// An issued revision.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionSummary {
    /// Number.
    pub revision: i64,
    /// Who issued it.
    pub issued_by: String,
    /// When.
    pub issued_at: DateTime<Utc>,
}

/// One protocol.
#[utoipa::path(
    get,
    path = "/api/v1/protocols/{id}",
    tag = "protocols",
    params(("id" = Uuid, Path, description = "Protocol id")),
    responses(
        (status = 200, description = "The protocol", body = ProtocolDetail),
        (status = 404, description = "No such protocol visible to the caller", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn detail(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<ProtocolDetail>, AppError> {
    let Detail {
        protocol,
        steps,
        review,
        revisions,
        history,
        ..
    } = state.app().protocols().detail(&signed.actor, &id).await?;
    Ok(Json(ProtocolDetail {
        steps: steps.into_iter().map(|s| s.as_str().to_owned()).collect(),
        review: review.into_iter().map(Task::from).collect(),
        revisions: revisions
            .into_iter()
            .map(|(revision, _, issued_by, issued_at)| RevisionSummary {
                revision,
                issued_by,
                issued_at,
            })
            .collect(),
        history: history.into_iter().map(HistoryEntry::from).collect(),
        protocol: protocol.into(),
    }))
}

/// Revises a draft or a protocol objected to (staff who write protocols); `version` is
/// required.
#[utoipa::path(
    put,
    path = "/api/v1/protocols/{id}",
    tag = "protocols",
    params(("id" = Uuid, Path, description = "Protocol id")),
    request_body = ProtocolBody,
    responses(
        (status = 200, description = "Changed", body = Protocol),
        (status = 404, description = "No such protocol", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale `version`, or the protocol is issued or confirmed (locked)", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn update(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Protocol>, AppError> {
    let protocols = state.app().protocols();
    protocols.editable(&signed.actor, &id).await?;
    let body: ProtocolBody = json(&body)?;
    let version = body
        .version
        .ok_or_else(|| Error::field("version", "patch-error-version"))?;
    let changed = protocols
        .update(&signed.actor, &id, &body.checked()?, version)
        .await?;
    Ok(Json(changed.into()))
}

/// A step.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProtocolStepBody {
    /// `issue` (staff), `confirm` or `object` (a verifier).
    #[schema(schema_with = supportweb_app::api_schema::protocol_step)]
    pub step: String,
    /// Objections (required with `object`).
    #[serde(default)]
    pub comment: String,
    /// The `version` read: an answer names the revision it read.
    pub version: i64,
}

/// Issues, confirms or objects.
#[utoipa::path(
    post,
    path = "/api/v1/protocols/{id}/steps",
    tag = "protocols",
    params(("id" = Uuid, Path, description = "Protocol id")),
    request_body = ProtocolStepBody,
    responses(
        (status = 200, description = "Done", body = Protocol),
        (status = 403, description = "The caller may not take this step", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such protocol", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale `version`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Objections without comments", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn step(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Protocol>, AppError> {
    let protocols = state.app().protocols();
    protocols.get(&signed.actor, &id).await?;
    let body: ProtocolStepBody = json(&body)?;
    let step = ProtocolStep::parse(&body.step)
        .ok_or_else(|| Error::field("step", "protocol-error-step"))?;
    let protocol = protocols
        .step(&signed.actor, &id, step, &body.comment, body.version)
        .await?;
    Ok(Json(protocol.into()))
}

/// An issued revision's text.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevisionText {
    /// Number.
    pub revision: i64,
    /// The protocol as issued.
    pub text: String,
    /// Who issued it.
    pub issued_by: String,
    /// When.
    pub issued_at: DateTime<Utc>,
}

/// The text of one issued revision.
#[utoipa::path(
    get,
    path = "/api/v1/protocols/{id}/revisions/{revision}",
    tag = "protocols",
    params(
        ("id" = Uuid, Path, description = "Protocol id"),
        ("revision" = i64, Path, description = "Revision number")
    ),
    responses(
        (status = 200, description = "The revision", body = RevisionText),
        (status = 404, description = "No such protocol or revision", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn revision(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((id, number)): Path<(String, String)>,
) -> Result<Json<RevisionText>, AppError> {
    let Revision {
        revision,
        text,
        issued_by,
        issued_at,
        ..
    } = state
        .app()
        .protocols()
        .revision(&signed.actor, &id, &number)
        .await?;
    Ok(Json(RevisionText {
        revision,
        text,
        issued_by,
        issued_at,
    }))
}

/// Downloads a file of a protocol.
#[utoipa::path(
    get,
    path = "/api/v1/protocols/{id}/files/{file}",
    tag = "protocols",
    params(
        ("id" = Uuid, Path, description = "Protocol id"),
        ("file" = Uuid, Path, description = "File id")
    ),
    responses(
        (status = 200, description = "The content, as an attachment, with the media type the server found in it (any type)", content_type = "*/*"),
        (status = 404, description = "No such protocol or file visible to the caller", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn download(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((id, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let record = state
        .app()
        .protocols()
        .file(&signed.actor, &id, &file)
        .await?;
    crate::downloads::respond(&state, &record, &headers).await
}

/// One page of tasks.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskPage {
    /// Earliest due first.
    pub items: Vec<Task>,
    /// Pass as `after` for the next page; absent on the last.
    pub next: Option<Uuid>,
}

/// Tasks agreed in the protocols the caller may see, 50 a page.
#[utoipa::path(
    get,
    path = "/api/v1/protocol-tasks",
    tag = "protocols",
    params(TaskParams),
    responses(
        (status = 200, description = "A page of tasks", body = TaskPage),
        (status = 422, description = "A filter value is not valid", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn tasks(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<TaskParams>,
) -> Result<Json<TaskPage>, AppError> {
    let protocols = state.app().protocols();
    let (query, problems) = protocols.task_query(&signed.actor, &params)?;
    problems.into_result()?;
    let page = protocols.tasks(&signed.actor, &query).await?;
    Ok(Json(TaskPage {
        items: page.rows.into_iter().map(Task::from).collect(),
        next: page.next.and_then(|id| id.parse().ok()),
    }))
}

/// A task's new state.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskStateBody {
    /// `open`, `done` or `cancelled`.
    #[schema(schema_with = supportweb_app::api_schema::task_state)]
    pub state: String,
    /// The `version` read.
    pub version: i64,
}

/// Marks a task done, cancelled or open again (staff who write protocols).
#[utoipa::path(
    put,
    path = "/api/v1/protocol-tasks/{id}",
    tag = "protocols",
    params(("id" = Uuid, Path, description = "Task id")),
    request_body = TaskStateBody,
    responses(
        (status = 200, description = "Changed", body = Task),
        (status = 403, description = "Only staff who write protocols change tasks", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such task visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale `version`", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn set_task(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Task>, AppError> {
    let protocols = state.app().protocols();
    protocols.task(&signed.actor, &id).await?;
    let body: TaskStateBody = json(&body)?;
    let task_state = TaskState::parse(&body.state)
        .ok_or_else(|| Error::field("state", "protocol-error-task"))?;
    let task = protocols
        .set_task(&signed.actor, &id, task_state, body.version)
        .await?;
    Ok(Json(task.into()))
}
