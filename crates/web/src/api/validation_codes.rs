//! Validation codes through the JSON API: the overview, a code without its value, the
//! audited reveal, and for staff issuing, changing and the all-or-nothing CSV import. The
//! same scope as the pages: only the organisation's users with the codes flag (and staff);
//! anything else answers like a missing code.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use bytes::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use supportweb_app::podpora::validation_codes::{
    CodeInput, CodeParams, CodeRecord, ImportOutcome, status,
};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::json;
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::Problem;
use crate::error::{AppError, FieldError};
use crate::state::AppState;

/// A validation code without its value.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationCode {
    /// Id.
    pub id: Uuid,
    /// The organisation it was issued to.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation_name: String,
    /// Product.
    pub product_id: Uuid,
    /// Product name.
    pub product_name: String,
    /// Module (empty: the whole product).
    pub module: String,
    /// First valid day.
    pub valid_from: NaiveDate,
    /// Last valid day (absent: no end).
    pub valid_to: Option<NaiveDate>,
    /// `not_yet_valid`, `valid`, `expires_soon` (within 30 days) or `expired`.
    pub status: String,
    /// Who issued it.
    pub issued_by_name: String,
    /// Note.
    pub note: String,
    /// Send back with a change; a stale value gives 409.
    pub version: i64,
    /// Issued at.
    pub created_at: DateTime<Utc>,
}

impl From<CodeRecord> for ValidationCode {
    fn from(c: CodeRecord) -> Self {
        ValidationCode {
            status: status(&c).as_str().to_owned(),
            id: c.id.0,
            organisation_id: c.organisation_id.0,
            organisation_name: c.organisation_name,
            product_id: c.product_id.0,
            product_name: c.product_name,
            module: c.module,
            valid_from: c.valid_from,
            valid_to: c.valid_to,
            issued_by_name: c.issued_by_name,
            note: c.note,
            version: c.version,
            created_at: c.created_at,
        }
    }
}

/// One page of codes.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationCodePage {
    /// Newest first.
    pub items: Vec<ValidationCode>,
    /// Pass as `after` for the next page; absent on the last.
    pub next: Option<Uuid>,
}

/// Codes the caller may see, 50 a page.
#[utoipa::path(
    get,
    path = "/api/v1/validation-codes",
    tag = "podpora",
    params(CodeParams),
    responses(
        (status = 200, description = "A page of codes", body = ValidationCodePage),
        (status = 404, description = "The caller may see no validation codes", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter value is not valid", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<CodeParams>,
) -> Result<Json<ValidationCodePage>, AppError> {
    let codes = state.app().podpora().validation_codes();
    let (query, problems) = codes.overview_query(&signed.actor, &params)?;
    problems.into_result()?;
    let page = codes.overview(&signed.actor, &query).await?;
    Ok(Json(ValidationCodePage {
        items: page.rows.into_iter().map(ValidationCode::from).collect(),
        next: page.next.and_then(|id| id.parse().ok()),
    }))
}

/// A code as staff send it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CodeBody {
    /// The organisation.
    pub organisation_id: Uuid,
    /// Product of the catalogue.
    pub product_id: Uuid,
    /// One of the product's modules (empty: the whole product).
    #[serde(default)]
    pub module: String,
    /// The code (required when issuing; on a change, absent keeps it).
    #[serde(default)]
    #[schema(max_length = 500)]
    pub code: String,
    /// First valid day (`YYYY-MM-DD`).
    #[schema(value_type = String, format = Date)]
    pub valid_from: String,
    /// Last valid day (absent: no end).
    #[serde(default)]
    #[schema(schema_with = supportweb_app::api_schema::day_or_empty)]
    pub valid_to: String,
    /// Note.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub note: String,
    /// For a change: the `version` read.
    #[serde(default)]
    pub version: Option<i64>,
}

impl CodeBody {
    fn input(&self) -> CodeInput {
        CodeInput {
            organisation: self.organisation_id.to_string(),
            product: self.product_id.to_string(),
            module: self.module.clone(),
            code: self.code.clone(),
            valid_from: self.valid_from.clone(),
            valid_to: self.valid_to.clone(),
            note: self.note.clone(),
        }
    }
}

/// Issues a code (staff who write in podpora).
#[utoipa::path(
    post,
    path = "/api/v1/validation-codes",
    tag = "podpora",
    request_body = CodeBody,
    responses(
        (status = 201, description = "Issued", body = ValidationCode),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    body: Bytes,
) -> Result<(StatusCode, Json<ValidationCode>), AppError> {
    let codes = state.app().podpora().validation_codes();
    codes.require_issuer(&signed.actor)?;
    let body: CodeBody = json(&body)?;
    let created = codes.issue(&signed.actor, &body.input(), &address).await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// One code, without its value.
#[utoipa::path(
    get,
    path = "/api/v1/validation-codes/{id}",
    tag = "podpora",
    params(("id" = Uuid, Path, description = "Code id")),
    responses(
        (status = 200, description = "The code", body = ValidationCode),
        (status = 404, description = "No such code visible to the caller", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn detail(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<ValidationCode>, AppError> {
    let code = state
        .app()
        .podpora()
        .validation_codes()
        .get(&signed.actor, &id)
        .await?;
    Ok(Json(code.into()))
}

/// Changes a code (staff who write in podpora); `version` is required.
#[utoipa::path(
    put,
    path = "/api/v1/validation-codes/{id}",
    tag = "podpora",
    params(("id" = Uuid, Path, description = "Code id")),
    request_body = CodeBody,
    responses(
        (status = 200, description = "Changed", body = ValidationCode),
        (status = 404, description = "No such code", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Changed by someone else since `version`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn update(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<ValidationCode>, AppError> {
    let codes = state.app().podpora().validation_codes();
    codes.get(&signed.actor, &id).await?;
    codes.require_issuer(&signed.actor)?;
    let body: CodeBody = json(&body)?;
    let version = body
        .version
        .ok_or_else(|| supportweb_app::Error::field("version", "patch-error-version"))?;
    let changed = codes
        .update(&signed.actor, &id, &body.input(), version, &address)
        .await?;
    Ok(Json(changed.into()))
}

/// A revealed code.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevealedCode {
    /// The code.
    pub code: String,
}

/// Reveals a code; the reveal is recorded in the audit log.
#[utoipa::path(
    post,
    path = "/api/v1/validation-codes/{id}/reveal",
    tag = "podpora",
    params(("id" = Uuid, Path, description = "Code id")),
    responses(
        (status = 200, description = "The code", body = RevealedCode),
        (status = 404, description = "No such code visible to the caller", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn reveal(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
) -> Result<Json<RevealedCode>, AppError> {
    let (_, code) = state
        .app()
        .podpora()
        .validation_codes()
        .reveal(&signed.actor, &id, &address)
        .await?;
    Ok(Json(RevealedCode { code }))
}

/// The result of an import.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResult {
    /// How many codes were issued.
    pub imported: usize,
}

/// Imports codes from CSV sent as the body (`text/csv`, UTF-8; the first line names the
/// columns `ico;product;module;code;valid_from;valid_to;note`). Every row is checked first;
/// any problem gives 422 listing each as a field `line N: column` with its code, and nothing
/// is imported.
#[utoipa::path(
    post,
    path = "/api/v1/validation-codes/import",
    tag = "podpora",
    request_body(content = String, content_type = "text/csv"),
    responses(
        (status = 201, description = "Every row imported", body = ImportResult),
        (status = 422, description = "Problems per row; nothing imported", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn import(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    body: Bytes,
) -> Result<(StatusCode, Json<ImportResult>), AppError> {
    let codes = state.app().podpora().validation_codes();
    codes.require_issuer(&signed.actor)?;
    let text = String::from_utf8(body.to_vec()).map_err(|_| AppError::BadRequest("bad_request"))?;
    match codes.import(&signed.actor, &text, &address).await? {
        ImportOutcome::Imported(imported) => {
            Ok((StatusCode::CREATED, Json(ImportResult { imported })))
        }
        ImportOutcome::Refused(errors) => Err(AppError::Invalid(
            errors
                .into_iter()
                .map(|e| FieldError {
                    field: format!("line {}: {}", e.line, e.column),
                    code: e.code,
                    argument: None,
                })
                .collect(),
        )),
    }
}
