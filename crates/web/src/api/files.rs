//! `POST /api/v1/files` (multipart upload) and `GET /api/v1/files/{id}` (download).

use axum::Json;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::header::CONTENT_LENGTH;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Serialize;
use supportweb_app::attachments::FileRecord;
use utoipa::ToSchema;
use utoipa_axum::router::UtoipaMethodRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::context::SignedIn;
use crate::error::AppError;
use crate::error::Problem;
use crate::multipart::multipart_error;
use crate::state::AppState;

/// A stored file.
#[derive(Debug, Serialize, ToSchema)]
pub struct FileInfo {
    /// File id.
    pub id: Uuid,
    /// The name given at upload (cleaned of any path).
    pub file_name: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// SHA-256 of the content, lower-case hex.
    pub sha256: String,
    /// Media type decided by the server from the content.
    pub content_type: String,
    /// Upload time.
    pub created_at: DateTime<Utc>,
    /// Where to download it.
    pub download_url: String,
}

impl From<FileRecord> for FileInfo {
    fn from(record: FileRecord) -> Self {
        FileInfo {
            download_url: format!("/api/v1/files/{}", record.id),
            id: record.id.0,
            file_name: record.file_name,
            size_bytes: record.size_bytes,
            sha256: record.sha256,
            content_type: record.content_type,
            created_at: record.created_at,
        }
    }
}

/// Multipart body of an upload: one part, `file`.
#[derive(ToSchema)]
#[schema(max_properties = 1)]
#[allow(dead_code)]
pub struct UploadForm {
    /// The file.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// The upload route; the size limit is enforced while streaming, not by buffering.
pub fn upload_routes() -> UtoipaMethodRouter<AppState> {
    let (schemas, paths, method_router) = routes!(upload);
    (
        schemas,
        paths,
        method_router.layer(DefaultBodyLimit::disable()),
    )
}

/// Uploads one file (multipart field `file`). The content is stored durably before the
/// answer; over the size limit nothing is kept and the answer is 413.
#[utoipa::path(
    post,
    path = "/api/v1/files",
    tag = "files",
    request_body(content = inline(UploadForm), content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Stored", body = FileInfo),
        (status = 400, description = "No part `file`, a part other than `file`, or a broken upload", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Over the size limit; nothing stored", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn upload(
    State(state): State<AppState>,
    signed: SignedIn,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Result<(StatusCode, Json<FileInfo>), AppError> {
    let declared = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let attachments = state.app().attachments();
    if attachments.too_large(declared) {
        return Err(AppError::PayloadTooLarge);
    }
    // Exactly one part, `file`: anything else is refused and nothing is kept.
    let Some(field) = multipart.next_field().await.map_err(multipart_error)? else {
        return Err(AppError::BadRequest("missing_file"));
    };
    if field.name() != Some("file") {
        return Err(AppError::BadRequest("missing_file"));
    }
    let file_name = field.file_name().unwrap_or_default().to_owned();
    let stored = attachments.store(field).await?;
    match multipart.next_field().await {
        Ok(None) => {}
        Ok(Some(_)) => {
            attachments.discard(stored).await;
            return Err(AppError::BadRequest("unexpected_part"));
        }
        Err(error) => {
            attachments.discard(stored).await;
            return Err(multipart_error(error));
        }
    }
    let record = attachments
        .record(&signed.actor, &file_name, stored)
        .await?;
    Ok((StatusCode::CREATED, Json(record.into())))
}

/// Downloads a file the user may see. Supports `Range` (one range; invalid → 416),
/// `If-Range` and `If-None-Match` with the SHA-256 ETag.
#[utoipa::path(
    get,
    path = "/api/v1/files/{id}",
    tag = "files",
    params(("id" = Uuid, Path, description = "File id")),
    responses(
        (status = 200, description = "The content, as an attachment, with the media type the server found in it (any type)", content_type = "*/*"),
        (status = 206, description = "The requested range"),
        (status = 304, description = "Unchanged (ETag matched)"),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such file, or not visible to you", body = Problem, content_type = "application/problem+json"),
        (status = 416, description = "Range not satisfiable", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn download(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    crate::downloads::download(&state, &signed, &id, &headers).await
}
