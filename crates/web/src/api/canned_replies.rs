//! Canned replies through the JSON API: staff who write in support documents read them,
//! staff who process documents add, change and delete them — the same rules and validation
//! as `/support-documents/canned-replies`.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use supportweb_app::support_documents::canned_replies::{
    CannedInput, CannedReply as CannedReplyRecord,
};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::json;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::error::Problem;
use crate::state::AppState;

/// A canned reply.
#[derive(Debug, Serialize, ToSchema)]
pub struct CannedReply {
    /// Id.
    pub id: Uuid,
    /// Short title (unique).
    pub title: String,
    /// Text in Markdown.
    pub body: String,
    /// Send back on update; a stale value gives 409.
    pub version: i64,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

impl From<CannedReplyRecord> for CannedReply {
    fn from(c: CannedReplyRecord) -> Self {
        CannedReply {
            id: c.id.0,
            title: c.title,
            body: c.body,
            version: c.version,
            updated_at: c.updated_at,
        }
    }
}

/// A canned reply to add or change.
#[derive(Debug, Deserialize, ToSchema)]
pub struct CannedReplyBody {
    /// Short title (at most 100 characters, unique).
    #[schema(min_length = 1, max_length = 100, pattern = r"\S")]
    pub title: String,
    /// Text in Markdown (at most 20,000 characters).
    #[schema(min_length = 1, max_length = 20000, pattern = r"\S")]
    pub body: String,
    /// On update: the version read.
    #[serde(default)]
    pub version: i64,
}

fn input(body: &[u8]) -> Result<CannedInput, AppError> {
    let body: CannedReplyBody = json(body)?;
    Ok(CannedInput {
        title: body.title,
        body: body.body,
        version: body.version,
    })
}

/// Canned replies by title (staff who write in support documents).
#[utoipa::path(
    get,
    path = "/api/v1/canned-replies",
    tag = "support documents",
    responses(
        (status = 200, description = "Canned replies", body = [CannedReply]),
        (status = 404, description = "Not staff of the agenda", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Json<Vec<CannedReply>>, AppError> {
    let replies = state.app().canned_replies().list(&signed.actor).await?;
    Ok(Json(replies.into_iter().map(CannedReply::from).collect()))
}

/// Adds a canned reply (staff who process support documents).
#[utoipa::path(
    post,
    path = "/api/v1/canned-replies",
    tag = "support documents",
    request_body = CannedReplyBody,
    responses(
        (status = 201, description = "Added", body = CannedReply),
        (status = 422, description = "Invalid or duplicate title, or invalid text", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    body: Bytes,
) -> Result<(StatusCode, Json<CannedReply>), AppError> {
    let canned = state.app().canned_replies();
    canned.require_manager(&signed.actor)?;
    let created = canned.create(&signed.actor, &input(&body)?).await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// Changes a canned reply read at `version` (staff who process support documents).
#[utoipa::path(
    put,
    path = "/api/v1/canned-replies/{id}",
    tag = "support documents",
    params(("id" = Uuid, Path, description = "Canned reply id")),
    request_body = CannedReplyBody,
    responses(
        (status = 200, description = "Changed", body = CannedReply),
        (status = 404, description = "No such canned reply", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed by someone else since `version`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn update(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<CannedReply>, AppError> {
    let canned = state.app().canned_replies();
    canned.get(&signed.actor, &id).await?;
    let changed = canned.update(&signed.actor, &id, &input(&body)?).await?;
    Ok(Json(changed.into()))
}

/// Deletes a canned reply (staff who process support documents).
#[utoipa::path(
    delete,
    path = "/api/v1/canned-replies/{id}",
    tag = "support documents",
    params(("id" = Uuid, Path, description = "Canned reply id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 404, description = "No such canned reply", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn delete(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<StatusCode, AppError> {
    state
        .app()
        .canned_replies()
        .delete(&signed.actor, &id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
