//! Patches through the JSON API: the overview with its filters and keyset paging, the detail
//! with files, SHA-256, the caller's access and history, the download (streamed, resumable,
//! logged), and for staff who write in podpora creating, changing and the steps, plus the
//! chosen organisations and the download log. The same access layer and validation as the
//! pages: a draft, or a patch chosen only for another organisation, answers like a missing
//! one; a customer outside the covered period gets 403 `patch_not_covered`.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use supportweb_app::podpora::patches::{
    DownloadRecord, PatchDetail as Detail, PatchFile, PatchInput, PatchParams, PatchRecord,
};
use supportweb_domain::ids::{FileId, PatchId};
use supportweb_domain::patch::PatchStep;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::json;
use crate::api::support_documents::HistoryEntry;
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::error::Problem;
use crate::state::AppState;

/// A file of a patch.
#[derive(Debug, Serialize, ToSchema)]
pub struct PatchFileJson {
    /// File id.
    pub file_id: Uuid,
    /// Name.
    pub file_name: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// SHA-256, lower-case hex: compare it with the downloaded file.
    pub sha256: String,
    /// Where to download it (range requests resume).
    pub download_url: String,
}

/// A patch as the caller sees it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Patch {
    /// Id.
    pub id: Uuid,
    /// Product.
    pub product_id: Uuid,
    /// Product name.
    pub product_name: String,
    /// Module (empty: the whole product).
    pub module: String,
    /// Version or build of the patch.
    pub build: String,
    /// Title.
    pub title: String,
    /// Release notes (Markdown).
    pub release_notes: String,
    /// Oldest version it applies to (empty: no limit).
    pub applies_from: String,
    /// Newest version it applies to (empty: no limit).
    pub applies_to: String,
    /// Release date: entitlement needs a contract covering this day.
    pub released_on: NaiveDate,
    /// `all` or `chosen`.
    pub visibility: String,
    /// `draft` (staff only), `published` or `withdrawn`.
    pub state: String,
    /// Why it was withdrawn.
    pub withdrawal_reason: String,
    /// `allowed`, `withdrawn` or `not_covered` (no contract covered the release date).
    pub access: String,
    /// It matches an installation of the caller's organisations (customers).
    pub applicable: bool,
    /// Files.
    pub files: Vec<PatchFileJson>,
    /// Send back with a change; a stale value gives 409.
    pub version: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

fn file_json(patch: PatchId, f: PatchFile) -> PatchFileJson {
    PatchFileJson {
        download_url: format!("/api/v1/patches/{patch}/files/{}", f.file_id),
        file_id: f.file_id.0,
        file_name: f.file_name,
        size_bytes: f.size_bytes,
        sha256: f.sha256,
    }
}

impl From<PatchRecord> for Patch {
    fn from(p: PatchRecord) -> Self {
        let id = p.id;
        Patch {
            id: p.id.0,
            product_id: p.product_id.0,
            product_name: p.product_name,
            module: p.module,
            build: p.build,
            title: p.title,
            release_notes: p.release_notes,
            applies_from: p.applies.from,
            applies_to: p.applies.to,
            released_on: p.released_on,
            visibility: p.visibility.as_str().to_owned(),
            state: p.state.as_str().to_owned(),
            withdrawal_reason: p.withdrawal_reason,
            access: p.access.as_str().to_owned(),
            applicable: p.applicable,
            files: p.files.into_iter().map(|f| file_json(id, f)).collect(),
            version: p.version,
            created_at: p.created_at,
            updated_at: p.updated_at,
        }
    }
}

/// One page of patches.
#[derive(Debug, Serialize, ToSchema)]
pub struct PatchPage {
    /// Newest release first.
    pub items: Vec<Patch>,
    /// Pass as `after` for the next page; absent on the last.
    pub next: Option<Uuid>,
}

/// Patches the caller may see, newest release first, 50 a page.
#[utoipa::path(
    get,
    path = "/api/v1/patches",
    tag = "podpora",
    params(PatchParams),
    responses(
        (status = 200, description = "A page of patches", body = PatchPage),
        (status = 422, description = "A filter value is not valid", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<PatchParams>,
) -> Result<Json<PatchPage>, AppError> {
    let patches = state.app().podpora().patches();
    let (query, problems) = patches.overview_query(&signed.actor, &params)?;
    problems.into_result()?;
    let page = patches.overview(&signed.actor, &query).await?;
    Ok(Json(PatchPage {
        items: page.rows.into_iter().map(Patch::from).collect(),
        next: page.next.and_then(|id| id.parse().ok()),
    }))
}

/// A patch as staff send it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchBody {
    /// Product of the catalogue.
    pub product_id: Uuid,
    /// One of the product's modules (empty: the whole product).
    #[serde(default)]
    pub module: String,
    /// Version or build (at most 50 characters).
    #[schema(min_length = 1, max_length = 50, pattern = r"\S")]
    pub build: String,
    /// Title (at most 200 characters).
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: String,
    /// Release notes in Markdown.
    #[schema(min_length = 1, max_length = 50000, pattern = r"\S")]
    pub release_notes: String,
    /// Oldest version it applies to.
    #[serde(default)]
    #[schema(max_length = 50)]
    pub applies_from: String,
    /// Newest version it applies to.
    #[serde(default)]
    #[schema(max_length = 50)]
    pub applies_to: String,
    /// Release date.
    #[schema(value_type = String, format = Date)]
    pub released_on: String,
    /// `all` or `chosen`.
    #[schema(schema_with = supportweb_app::api_schema::patch_visibility)]
    pub visibility: String,
    /// With `chosen`: the organisations.
    #[serde(default)]
    pub organisation_ids: Vec<Uuid>,
    /// Its files: uploaded by the caller through `POST /api/v1/files`, or files it already has.
    #[serde(default)]
    pub file_ids: Vec<Uuid>,
    /// For a change: the `version` read (a stale one gives 409).
    #[serde(default)]
    pub version: Option<i64>,
}

impl PatchBody {
    fn input(self) -> PatchInput {
        PatchInput {
            product: self.product_id.to_string(),
            module: self.module,
            build: self.build,
            title: self.title,
            release_notes: self.release_notes,
            applies_from: self.applies_from,
            applies_to: self.applies_to,
            released_on: self.released_on,
            visibility: self.visibility,
            organisations: self.organisation_ids.iter().map(Uuid::to_string).collect(),
            files: self.file_ids.into_iter().map(FileId).collect(),
        }
    }
}

/// Creates a draft patch (staff who write in podpora).
#[utoipa::path(
    post,
    path = "/api/v1/patches",
    tag = "podpora",
    request_body = PatchBody,
    responses(
        (status = 201, description = "Created as a draft", body = Patch),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    body: Bytes,
) -> Result<(StatusCode, Json<Patch>), AppError> {
    let patches = state.app().podpora().patches();
    patches.require_writer(&signed.actor)?;
    let body: PatchBody = json(&body)?;
    let created = patches.create(&signed.actor, &body.input()).await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// A patch with its history.
#[derive(Debug, Serialize, ToSchema)]
pub struct PatchDetail {
    /// The patch.
    pub patch: Patch,
    /// Steps the caller may take now (`publish`, `withdraw`, `republish`; staff).
    pub steps: Vec<String>,
    /// Every change, newest first.
    pub history: Vec<HistoryEntry>,
}

/// One patch.
#[utoipa::path(
    get,
    path = "/api/v1/patches/{id}",
    tag = "podpora",
    params(("id" = Uuid, Path, description = "Patch id")),
    responses(
        (status = 200, description = "The patch", body = PatchDetail),
        (status = 404, description = "No such patch visible to the caller", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn detail(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<PatchDetail>, AppError> {
    let Detail {
        patch,
        steps,
        history,
        ..
    } = state
        .app()
        .podpora()
        .patches()
        .detail(&signed.actor, &id)
        .await?;
    Ok(Json(PatchDetail {
        patch: patch.into(),
        steps: steps.into_iter().map(|s| s.as_str().to_owned()).collect(),
        history: history.into_iter().map(HistoryEntry::from).collect(),
    }))
}

/// Changes a patch (staff who write in podpora); `version` is required.
#[utoipa::path(
    put,
    path = "/api/v1/patches/{id}",
    tag = "podpora",
    params(("id" = Uuid, Path, description = "Patch id")),
    request_body = PatchBody,
    responses(
        (status = 200, description = "Changed", body = Patch),
        (status = 404, description = "No such patch", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed by someone else since `version`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn update(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Patch>, AppError> {
    let patches = state.app().podpora().patches();
    patches.editable(&signed.actor, &id).await?;
    let body: PatchBody = json(&body)?;
    let version = body
        .version
        .ok_or_else(|| supportweb_app::Error::field("version", "patch-error-version"))?;
    let changed = patches
        .update(&signed.actor, &id, &body.input(), version)
        .await?;
    Ok(Json(changed.into()))
}

/// A step in a patch's life.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PatchStepBody {
    /// `publish` (needs a file), `withdraw` (needs a reason) or `republish`.
    #[schema(schema_with = supportweb_app::api_schema::patch_step)]
    pub step: String,
    /// Why it is withdrawn; customers see it.
    #[serde(default)]
    pub reason: String,
    /// The `version` read.
    pub version: i64,
}

/// Publishes, withdraws or publishes again (staff who write in podpora). The first
/// publication notifies the entitled organisations' users by e-mail.
#[utoipa::path(
    post,
    path = "/api/v1/patches/{id}/steps",
    tag = "podpora",
    params(("id" = Uuid, Path, description = "Patch id")),
    request_body = PatchStepBody,
    responses(
        (status = 200, description = "Done", body = Patch),
        (status = 404, description = "No such patch", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale `version`, or the step does not apply to the state", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No file to publish, or no reason to withdraw", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn step(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Patch>, AppError> {
    let patches = state.app().podpora().patches();
    patches.get(&signed.actor, &id).await?;
    patches.require_writer(&signed.actor)?;
    let body: PatchStepBody = json(&body)?;
    let step = PatchStep::parse(&body.step)
        .ok_or_else(|| supportweb_app::Error::field("step", "patch-error-step"))?;
    let patch = patches
        .step(&signed.actor, &id, step, &body.reason, body.version)
        .await?;
    Ok(Json(patch.into()))
}

/// Downloads a file of a patch. Supports `Range` (one range; invalid → 416), `If-Range` and
/// `If-None-Match` with the SHA-256 ETag. Every request is logged.
#[utoipa::path(
    get,
    path = "/api/v1/patches/{id}/files/{file}",
    tag = "podpora",
    params(
        ("id" = Uuid, Path, description = "Patch id"),
        ("file" = Uuid, Path, description = "File id")
    ),
    responses(
        (status = 200, description = "The content, as an attachment, with the media type the server found in it (any type)", content_type = "*/*"),
        (status = 206, description = "The requested range"),
        (status = 304, description = "Unchanged (ETag matched)"),
        (status = 403, description = "`patch_not_covered`: no contract covered the release date; `patch_withdrawn`", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such patch or file visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "Range not satisfiable", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn download(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    method: Method,
    Path((id, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    crate::downloads::patch_file(&state, &signed, method, &address, &id, &file, &headers).await
}

/// Who a patch is offered to and who downloaded it (staff).
#[derive(Debug, Serialize, ToSchema)]
pub struct PatchDistribution {
    /// With visibility `chosen`: the organisations, by name.
    pub organisations: Vec<ChosenOrganisation>,
    /// The latest 200 downloads, newest first.
    pub downloads: Vec<PatchDownload>,
}

/// An organisation a patch was chosen for.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChosenOrganisation {
    /// Id.
    pub id: Uuid,
    /// Name.
    pub name: String,
}

/// One logged download.
#[derive(Debug, Serialize, ToSchema)]
pub struct PatchDownload {
    /// When.
    pub downloaded_at: DateTime<Utc>,
    /// Who.
    pub user_name: String,
    /// Their organisations.
    pub organisations: String,
    /// File.
    pub file_name: String,
    /// The `Range` asked for (empty: the whole file).
    pub byte_range: String,
    /// Client address.
    pub address: String,
}

impl From<DownloadRecord> for PatchDownload {
    fn from(d: DownloadRecord) -> Self {
        PatchDownload {
            downloaded_at: d.downloaded_at,
            user_name: d.user_name,
            organisations: d.organisations,
            file_name: d.file_name,
            byte_range: d.byte_range,
            address: d.address,
        }
    }
}

/// The chosen organisations and the download log of a patch (staff who read podpora).
#[utoipa::path(
    get,
    path = "/api/v1/patches/{id}/distribution",
    tag = "podpora",
    params(("id" = Uuid, Path, description = "Patch id")),
    responses(
        (status = 200, description = "Organisations and downloads", body = PatchDistribution),
        (status = 404, description = "No such patch, or the caller is not staff", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn distribution(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<PatchDistribution>, AppError> {
    let distribution = state
        .app()
        .podpora()
        .patches()
        .distribution(&signed.actor, &id)
        .await?;
    Ok(Json(PatchDistribution {
        organisations: distribution
            .organisations
            .into_iter()
            .map(|(id, name)| ChosenOrganisation { id: id.0, name })
            .collect(),
        downloads: distribution
            .downloads
            .into_iter()
            .map(PatchDownload::from)
            .collect(),
    }))
}
