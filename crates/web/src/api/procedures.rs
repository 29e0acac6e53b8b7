//! Procedures through the JSON API: the overview with search, a procedure with its revisions
//! and history, any past revision, the file downloads, and for staff who write in podpora
//! writing new procedures and new revisions. The same visibility as the pages: a staff-only
//! procedure, or one chosen for another organisation, answers like a missing one.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use supportweb_app::podpora::procedures::{
    ProcedureDetail as Detail, ProcedureInput, ProcedureParams, ProcedureRecord, RevisionRecord,
};
use supportweb_domain::ids::FileId;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::json;
use crate::api::patches::PatchFileJson;
use crate::api::support_documents::HistoryEntry;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::error::Problem;
use crate::state::AppState;

/// Where the API names a field otherwise than the form the use cases speak of.
const FIELD_NAMES: &[(&str, &str)] = &[
    ("products", "product_ids"),
    ("organisations", "organisation_ids"),
    ("files", "file_ids"),
];

/// A product a procedure is about.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureProduct {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
}

/// A procedure as the caller sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Procedure {
    /// Id.
    pub id: Uuid,
    /// Title.
    pub title: String,
    /// Body (Markdown).
    pub body: String,
    /// `all`, `staff` or `chosen`.
    pub visibility: String,
    /// Products it is about.
    pub products: Vec<ProcedureProduct>,
    /// Files.
    pub files: Vec<PatchFileJson>,
    /// Current revision (1 for the first).
    pub revision: i64,
    /// Who saved it.
    pub updated_by_name: String,
    /// When.
    pub updated_at: DateTime<Utc>,
    /// Send back with a change; a stale value gives 409.
    pub version: i64,
}

impl From<ProcedureRecord> for Procedure {
    fn from(p: ProcedureRecord) -> Self {
        let id = p.id;
        Procedure {
            id: p.id.0,
            title: p.title,
            body: p.body,
            visibility: p.visibility.as_str().to_owned(),
            products: p
                .products
                .into_iter()
                .map(|(id, name)| ProcedureProduct { id: id.0, name })
                .collect(),
            files: p
                .files
                .into_iter()
                .map(|f| PatchFileJson {
                    download_url: format!("/api/v1/procedures/{id}/files/{}", f.file_id),
                    file_id: f.file_id.0,
                    file_name: f.file_name,
                    size_bytes: f.size_bytes,
                    sha256: f.sha256,
                })
                .collect(),
            revision: p.revision,
            updated_by_name: p.updated_by_name,
            updated_at: p.updated_at,
            version: p.version,
        }
    }
}

/// One page of procedures.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedurePage {
    /// Most recently changed first.
    pub items: Vec<Procedure>,
    /// Pass as `after` for the next page; absent on the last.
    pub next: Option<Uuid>,
}

/// Procedures the caller may see, 50 a page.
#[utoipa::path(
    get,
    path = "/api/v1/procedures",
    tag = "podpora",
    params(ProcedureParams),
    responses(
        (status = 200, description = "A page of procedures", body = ProcedurePage),
        (status = 422, description = "A filter value is not valid", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<ProcedureParams>,
) -> Result<Json<ProcedurePage>, AppError> {
    let procedures = state.app().podpora().procedures();
    let (query, problems) = procedures.overview_query(&signed.actor, &params)?;
    problems.into_result()?;
    let page = procedures.overview(&signed.actor, &query).await?;
    Ok(Json(ProcedurePage {
        items: page.rows.into_iter().map(Procedure::from).collect(),
        next: page.next.and_then(|id| id.parse().ok()),
    }))
}

/// A procedure as staff send it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcedureBody {
    /// Title (at most 200 characters).
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: String,
    /// Text in Markdown.
    #[schema(min_length = 1, max_length = 100000, pattern = r"\S")]
    pub body: String,
    /// `all`, `staff` or `chosen`.
    #[schema(schema_with = supportweb_app::api_schema::procedure_visibility)]
    pub visibility: String,
    /// Products it is about.
    #[serde(default)]
    pub product_ids: Vec<Uuid>,
    /// With `chosen`: the organisations.
    #[serde(default)]
    pub organisation_ids: Vec<Uuid>,
    /// Its files: uploaded by the caller through `POST /api/v1/files`, or files it already has.
    #[serde(default)]
    pub file_ids: Vec<Uuid>,
    /// For a new revision: the `version` read (a stale one gives 409).
    #[serde(default)]
    pub version: Option<i64>,
}

impl ProcedureBody {
    fn input(self) -> ProcedureInput {
        ProcedureInput {
            title: self.title,
            body: self.body,
            visibility: self.visibility,
            products: self.product_ids.iter().map(Uuid::to_string).collect(),
            organisations: self.organisation_ids.iter().map(Uuid::to_string).collect(),
            files: self.file_ids.into_iter().map(FileId).collect(),
        }
    }
}

/// Writes a new procedure (staff who write in podpora).
#[utoipa::path(
    post,
    path = "/api/v1/procedures",
    tag = "podpora",
    request_body = ProcedureBody,
    responses(
        (status = 201, description = "Written as revision 1", body = Procedure),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    body: Bytes,
) -> Result<(StatusCode, Json<Procedure>), AppError> {
    let procedures = state.app().podpora().procedures();
    procedures.require_writer(&signed.actor)?;
    let body: ProcedureBody = json(&body)?;
    let created = procedures
        .create(&signed.actor, &body.input())
        .await
        .map_err(|e| e.renamed(FIELD_NAMES))?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// A saved revision.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureRevision {
    /// Number, from 1.
    pub revision: i64,
    /// Title then.
    pub title: String,
    /// Text then (Markdown).
    pub body: String,
    /// Who saved it.
    pub changed_by: String,
    /// When.
    pub changed_at: DateTime<Utc>,
}

impl From<RevisionRecord> for ProcedureRevision {
    fn from(r: RevisionRecord) -> Self {
        ProcedureRevision {
            revision: r.revision,
            title: r.title,
            body: r.body,
            changed_by: r.changed_by,
            changed_at: r.changed_at,
        }
    }
}

/// A procedure with every revision and its history.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProcedureDetail {
    /// The procedure.
    pub procedure: Procedure,
    /// Every revision, newest first.
    pub revisions: Vec<ProcedureRevision>,
    /// Changes of visibility, products, organisations and files, newest first.
    pub history: Vec<HistoryEntry>,
}

/// One procedure.
#[utoipa::path(
    get,
    path = "/api/v1/procedures/{id}",
    tag = "podpora",
    params(("id" = Uuid, Path, description = "Procedure id")),
    responses(
        (status = 200, description = "The procedure", body = ProcedureDetail),
        (status = 404, description = "No such procedure visible to the caller", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn detail(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<ProcedureDetail>, AppError> {
    let Detail {
        procedure,
        revisions,
        history,
        ..
    } = state
        .app()
        .podpora()
        .procedures()
        .detail(&signed.actor, &id)
        .await?;
    Ok(Json(ProcedureDetail {
        procedure: procedure.into(),
        revisions: revisions.into_iter().map(ProcedureRevision::from).collect(),
        history: history.into_iter().map(HistoryEntry::from).collect(),
    }))
}

/// Saves a new revision (staff who write in podpora); `version` is required.
#[utoipa::path(
    put,
    path = "/api/v1/procedures/{id}",
    tag = "podpora",
    params(("id" = Uuid, Path, description = "Procedure id")),
    request_body = ProcedureBody,
    responses(
        (status = 200, description = "Saved as a new revision", body = Procedure),
        (status = 404, description = "No such procedure", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed by someone else since `version`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn update(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Procedure>, AppError> {
    let procedures = state.app().podpora().procedures();
    procedures.editable(&signed.actor, &id).await?;
    let body: ProcedureBody = json(&body)?;
    let version = body
        .version
        .ok_or_else(|| supportweb_app::Error::field("version", "patch-error-version"))?;
    let changed = procedures
        .update(&signed.actor, &id, &body.input(), version)
        .await
        .map_err(|e| e.renamed(FIELD_NAMES))?;
    Ok(Json(changed.into()))
}

/// Downloads a file of a procedure. Supports `Range`, `If-Range` and `If-None-Match`.
#[utoipa::path(
    get,
    path = "/api/v1/procedures/{id}/files/{file}",
    tag = "podpora",
    params(
        ("id" = Uuid, Path, description = "Procedure id"),
        ("file" = Uuid, Path, description = "File id")
    ),
    responses(
        (status = 200, description = "The content, as an attachment, with the media type the server found in it (any type)", content_type = "*/*"),
        (status = 206, description = "The requested range"),
        (status = 404, description = "No such procedure or file visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "Range not satisfiable", body = Problem, content_type = "application/problem+json")
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
        .podpora()
        .procedures()
        .file(&signed.actor, &id, &file)
        .await?;
    crate::downloads::respond(&state, &record, &headers).await
}
