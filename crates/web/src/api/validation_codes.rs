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
use supportweb_domain::ids::ValidationCodeId;
use supportweb_domain::validation_code::CodeStatus;
use supportweb_storage::validation_codes::{CodeError, CodeRecord, SealedCode};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::{invalid, json};
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::{AppError, FieldError};
use crate::i18n::Tr;
use crate::middleware::Problem;
use crate::pages::form::FormErrors;
use crate::pages::podpora::code_import;
use crate::pages::podpora::codes::{
    CodeInput, CodeParams, audit_change, audit_issue, code_error_field, code_id, parse_code,
    require_codes, reveal_code, seal,
};
use crate::pages::podpora::may_write;
use crate::pages::today;
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
            status: CodeStatus::on(c.valid_from, c.valid_to, today())
                .as_str()
                .to_owned(),
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

/// Overview filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CodeListQuery {
    /// Organisation id.
    pub organisation: Option<String>,
    /// Product id.
    pub product: Option<String>,
    /// `1`: only codes valid today that end within 30 days.
    pub expiring: Option<String>,
    /// The `next` of the previous page.
    pub after: Option<String>,
}

/// Codes the caller may see, 50 a page.
#[utoipa::path(
    get,
    path = "/api/v1/validation-codes",
    tag = "podpora",
    params(CodeListQuery),
    responses(
        (status = 200, description = "A page of codes", body = ValidationCodePage),
        (status = 404, description = "The caller may see no validation codes", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter value is not valid", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<CodeListQuery>,
) -> Result<Json<ValidationCodePage>, AppError> {
    require_codes(&signed.actor)?;
    let params = CodeParams {
        organisation: query.organisation.unwrap_or_default(),
        product: query.product.unwrap_or_default(),
        expiring: query.expiring.unwrap_or_default(),
        after: query.after.unwrap_or_default(),
        imported: String::new(),
    };
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let code_query = params.query(&t, &mut errors);
    if !errors.is_empty() {
        return Err(errors.into_api_error());
    }
    let items = state
        .store()
        .validation_codes(&signed.actor, &code_query)
        .await?;
    let next = (items.len() == code_query.limit as usize)
        .then(|| items.last().map(|c| c.id.0))
        .flatten();
    Ok(Json(ValidationCodePage {
        items: items.into_iter().map(ValidationCode::from).collect(),
        next,
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
    pub code: String,
    /// First valid day (`YYYY-MM-DD`).
    pub valid_from: String,
    /// Last valid day (absent: no end).
    #[serde(default)]
    pub valid_to: String,
    /// Note.
    #[serde(default)]
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

fn require_issuer(signed: &SignedIn) -> Result<(), AppError> {
    if may_write(&signed.actor) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

fn store_error(error: CodeError) -> AppError {
    match error {
        CodeError::Store(e) => e.into(),
        CodeError::Invalid(field) => {
            let (field, code) = code_error_field(field);
            AppError::Invalid(vec![FieldError {
                field: field.into(),
                code,
                argument: None,
            }])
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
    require_issuer(&signed)?;
    let body: CodeBody = json(&body)?;
    let products = state.store().products(true).await?;
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let Some((code, Some(secret))) = parse_code(&body.input(), &products, true, &t, &mut errors)
    else {
        return Err(errors.into_api_error());
    };
    let id = ValidationCodeId::generate();
    let organisation = code.organisation_id;
    let sealed = seal(&state, id, &secret)?;
    state
        .store()
        .issue_codes(&signed.actor, &[SealedCode { id, code, sealed }])
        .await
        .map_err(store_error)?;
    audit_issue(&state, &signed, organisation, &address, id.to_string()).await?;
    let created = state.store().validation_code(&signed.actor, id).await?;
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
    require_codes(&signed.actor)?;
    Ok(Json(
        state
            .store()
            .validation_code(&signed.actor, code_id(&id)?)
            .await?
            .into(),
    ))
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
    require_codes(&signed.actor)?;
    let id = code_id(&id)?;
    let before = state.store().validation_code(&signed.actor, id).await?;
    require_issuer(&signed)?;
    let body: CodeBody = json(&body)?;
    let version = body
        .version
        .ok_or_else(|| invalid("version", "patch-error-version"))?;
    let products = state.store().products(true).await?;
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let (code, secret) = parse_code(&body.input(), &products, false, &t, &mut errors)
        .ok_or_else(|| errors.into_api_error())?;
    let sealed = secret.map(|s| seal(&state, id, &s)).transpose()?;
    let organisation = code.organisation_id;
    state
        .store()
        .update_code(&signed.actor, id, &code, sealed, version)
        .await
        .map_err(store_error)?;
    audit_change(&state, &signed, &before, organisation, &address).await?;
    Ok(Json(
        state
            .store()
            .validation_code(&signed.actor, id)
            .await?
            .into(),
    ))
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
    require_codes(&signed.actor)?;
    let (_, code) = reveal_code(&state, &signed, &address, code_id(&id)?).await?;
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
    require_issuer(&signed)?;
    let text = String::from_utf8(body.to_vec()).map_err(|_| AppError::BadRequest("bad_request"))?;
    match code_import::prepare(&state, &text).await? {
        Ok(codes) => {
            code_import::import(&state, &signed, &address, &codes).await?;
            Ok((
                StatusCode::CREATED,
                Json(ImportResult {
                    imported: codes.len(),
                }),
            ))
        }
        Err(errors) => Err(AppError::Invalid(
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
