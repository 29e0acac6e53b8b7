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
use supportweb_domain::ids::FileId;
use supportweb_storage::procedures::{ENTITY, ProcedureError, ProcedureRecord, RevisionRecord};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::patches::PatchFileJson;
use crate::api::support_documents::HistoryEntry;
use crate::api::{invalid, json};
use crate::context::SignedIn;
use crate::error::{AppError, FieldError};
use crate::i18n::Tr;
use crate::middleware::Problem;
use crate::pages::form::FormErrors;
use crate::pages::podpora::procedure_form::{
    ProcedureInput, parse_procedure, procedure_error_field,
};
use crate::pages::podpora::procedures::{ProcedureParams, download_file, procedure_id};
use crate::pages::podpora::{may_write, require_reader};
use crate::state::AppState;

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

/// Overview filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProcedureListQuery {
    /// Product id.
    pub product: Option<String>,
    /// Words in the title or text (case and diacritics do not matter).
    pub q: Option<String>,
    /// The `next` of the previous page.
    pub after: Option<String>,
}

/// Procedures the caller may see, 50 a page.
#[utoipa::path(
    get,
    path = "/api/v1/procedures",
    tag = "podpora",
    params(ProcedureListQuery),
    responses(
        (status = 200, description = "A page of procedures", body = ProcedurePage),
        (status = 422, description = "A filter value is not valid", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<ProcedureListQuery>,
) -> Result<Json<ProcedurePage>, AppError> {
    require_reader(&signed.actor)?;
    let params = ProcedureParams {
        product: query.product.unwrap_or_default(),
        q: query.q.unwrap_or_default(),
        after: query.after.unwrap_or_default(),
    };
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let procedure_query = params.query(&t, &mut errors);
    if !errors.is_empty() {
        return Err(errors.into_api_error());
    }
    let items = state
        .store()
        .procedures(&signed.actor, &procedure_query)
        .await?;
    let next = (items.len() == procedure_query.limit as usize)
        .then(|| items.last().map(|p| p.id.0))
        .flatten();
    Ok(Json(ProcedurePage {
        items: items.into_iter().map(Procedure::from).collect(),
        next,
    }))
}

/// A procedure as staff send it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProcedureBody {
    /// Title (at most 200 characters).
    pub title: String,
    /// Text in Markdown.
    pub body: String,
    /// `all`, `staff` or `chosen`.
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

fn checked(
    signed: &SignedIn,
    body: &ProcedureBody,
) -> Result<supportweb_storage::procedures::NewProcedure, AppError> {
    let input = ProcedureInput {
        title: body.title.clone(),
        body: body.body.clone(),
        visibility: body.visibility.clone(),
        products: body.product_ids.iter().map(Uuid::to_string).collect(),
        organisations: body.organisation_ids.iter().map(Uuid::to_string).collect(),
    };
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let mut new =
        parse_procedure(&input, &t, &mut errors).ok_or_else(|| errors.into_api_error())?;
    new.files = body.file_ids.iter().map(|f| FileId(*f)).collect();
    Ok(new)
}

fn store_error(error: ProcedureError) -> AppError {
    match error {
        ProcedureError::Store(e) => e.into(),
        ProcedureError::Invalid(field) => {
            let (field, code) = procedure_error_field(field);
            let field = match field {
                "products" => "product_ids",
                "organisations" => "organisation_ids",
                _ => "file_ids",
            };
            AppError::Invalid(vec![FieldError {
                field: field.into(),
                code,
                argument: None,
            }])
        }
    }
}

fn require_writer(signed: &SignedIn) -> Result<(), AppError> {
    if may_write(&signed.actor) {
        Ok(())
    } else {
        Err(AppError::NotFound)
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
    require_writer(&signed)?;
    let body: ProcedureBody = json(&body)?;
    let new = checked(&signed, &body)?;
    let id = state
        .store()
        .create_procedure(&signed.actor, &new)
        .await
        .map_err(store_error)?;
    let created = state.store().procedure(&signed.actor, id).await?;
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
    require_reader(&signed.actor)?;
    let id = procedure_id(&id)?;
    let procedure = state.store().procedure(&signed.actor, id).await?;
    let revisions = state.store().procedure_revisions(&signed.actor, id).await?;
    let history = state
        .store()
        .history_for(&signed.actor, ENTITY, id.0)
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
    require_writer(&signed)?;
    let id = procedure_id(&id)?;
    state.store().procedure(&signed.actor, id).await?;
    let body: ProcedureBody = json(&body)?;
    let version = body
        .version
        .ok_or_else(|| invalid("version", "patch-error-version"))?;
    let new = checked(&signed, &body)?;
    state
        .store()
        .update_procedure(&signed.actor, id, &new, version)
        .await
        .map_err(store_error)?;
    Ok(Json(
        state.store().procedure(&signed.actor, id).await?.into(),
    ))
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
        (status = 200, description = "The content, as an attachment", content_type = "application/octet-stream"),
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
    download_file(&state, &signed, &id, &file, &headers).await
}
