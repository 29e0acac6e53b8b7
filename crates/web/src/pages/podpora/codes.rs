//! Validation codes in pages: the overview (flagging codes that end within 30 days) with its
//! CSV export (never the codes themselves), a code's page with its history, the audited
//! reveal, and for staff issuing and changing a code. The CSV import is in [`super::code_import`].

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use chrono::NaiveDate;
use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::audit::AuditEvent;
use supportweb_domain::ids::{OrganisationId, ProductId, ValidationCodeId};
use supportweb_domain::validation_code::CodeStatus;
use supportweb_storage::StoreError;
use supportweb_storage::catalogue::ProductRecord;
use supportweb_storage::validation_codes::{
    CodeError, CodeQuery, CodeRecord, ENTITY, NewCode, SealedCode, may_see_codes,
};

use super::patches::day;
use super::{Tabs, may_write};
use crate::audit::{self, Concerning};
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::middleware::KeepBody;
use crate::pages::Choice;
use crate::pages::csv::{BOM, csv_response, push_record};
use crate::pages::form::{FormErrors, form_values};
use crate::pages::history::{HistoryLine, lines_for};
use crate::pages::{Layout, render, today};
use crate::state::AppState;

pub(crate) fn require_codes(actor: &Actor) -> Result<(), AppError> {
    if may_see_codes(actor) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

fn require_issuer(actor: &Actor) -> Result<(), AppError> {
    if may_write(actor) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

pub(crate) fn code_id(text: &str) -> Result<ValidationCodeId, AppError> {
    text.parse().map_err(|_| AppError::NotFound)
}

/// A code's validity in the user's language, and a CSS class.
pub(crate) fn status_text(t: &Tr, c: &CodeRecord) -> (String, &'static str) {
    match CodeStatus::on(c.valid_from, c.valid_to, today()) {
        CodeStatus::NotYetValid => (t.t("code-status-not-yet-valid"), "code-not-yet-valid"),
        CodeStatus::Valid => (t.t("code-status-valid"), "code-valid"),
        CodeStatus::ExpiresSoon(days) => (
            t.tn("code-status-expires-soon", "days", days),
            "code-expires-soon",
        ),
        CodeStatus::Expired => (t.t("code-status-expired"), "code-expired"),
    }
}

/// The validity period as a person reads it.
pub(crate) fn validity(t: &Tr, c: &CodeRecord) -> String {
    match c.valid_to {
        Some(to) => format!("{} – {}", day(c.valid_from), day(to)),
        None => t.t1("code-valid-from-open", "date", &day(c.valid_from)),
    }
}

/// The overview's query string, as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct CodeParams {
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub product: String,
    #[serde(default)]
    pub expiring: String,
    #[serde(default)]
    pub after: String,
    #[serde(default)]
    pub imported: String,
}

impl CodeParams {
    pub(crate) fn query(&self, t: &Tr, errors: &mut FormErrors) -> CodeQuery {
        let mut parsed = |text: &str, field: &'static str| -> Option<uuid::Uuid> {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            let value = text.parse().ok();
            if value.is_none() {
                errors.add_t(field, t, "patch-error-filter");
            }
            value
        };
        CodeQuery {
            organisation: parsed(&self.organisation, "organisation").map(OrganisationId),
            product: parsed(&self.product, "product").map(ProductId),
            after: parsed(&self.after, "after").map(ValidationCodeId),
            expiring_on: matches!(self.expiring.as_str(), "1" | "true" | "on").then(today),
            limit: 50,
        }
    }

    fn filters(&self) -> String {
        serde_urlencoded::to_string([
            ("organisation", self.organisation.as_str()),
            ("product", self.product.as_str()),
            ("expiring", self.expiring.as_str()),
        ])
        .unwrap_or_default()
    }
}

pub(crate) struct CodeRow {
    pub id: String,
    pub organisation: String,
    pub product: String,
    pub validity: String,
    pub status: (String, &'static str),
    pub note: String,
}

impl CodeRow {
    fn new(t: &Tr, c: &CodeRecord) -> Self {
        CodeRow {
            id: c.id.to_string(),
            organisation: c.organisation_name.clone(),
            product: if c.module.is_empty() {
                c.product_name.clone()
            } else {
                format!("{} / {}", c.product_name, c.module)
            },
            validity: validity(t, c),
            status: status_text(t, c),
            note: c.note.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "podpora_codes.html")]
struct OverviewPage {
    layout: Layout,
    tabs: Tabs,
    params: CodeParams,
    organisations: Vec<Choice>,
    products: Vec<Choice>,
    rows: Vec<CodeRow>,
    errors: FormErrors,
    next: Option<String>,
    filters: String,
    may_write: bool,
}

/// The organisations whose codes the actor may filter by.
async fn organisation_choices(state: &AppState, actor: &Actor) -> Result<Vec<Choice>, AppError> {
    crate::pages::organisation_choices::organisation_choices(state, actor, |r| {
        r.may_see_validation_codes && r.podpora.may_enter()
    })
    .await
}

pub(super) async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<CodeParams>,
) -> Result<Html<String>, AppError> {
    let actor = &signed.actor;
    require_codes(actor)?;
    let layout = Layout::new(&signed.ctx, "code-title");
    let t = layout.t;
    let mut errors = FormErrors::default();
    let query = params.query(&t, &mut errors);
    let codes = state.store().validation_codes(actor, &query).await?;
    let next = (codes.len() == query.limit as usize)
        .then(|| codes.last().map(|c| c.id.to_string()))
        .flatten();
    render(&OverviewPage {
        tabs: Tabs::new(actor, "codes"),
        organisations: organisation_choices(&state, actor).await?,
        products: super::patches::product_choices(&state).await?,
        rows: codes.iter().map(|c| CodeRow::new(&t, c)).collect(),
        errors,
        next,
        filters: params.filters(),
        may_write: may_write(actor),
        params,
        layout,
    })
}

/// Every code the filters match, as CSV — without the codes themselves, which are only ever
/// revealed one at a time.
pub(super) async fn export(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<CodeParams>,
) -> Result<Response, AppError> {
    let actor = &signed.actor;
    require_codes(actor)?;
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let mut query = params.query(&t, &mut errors);
    if !errors.is_empty() {
        return Err(errors.into_api_error());
    }
    query.limit = 500;
    query.after = None;
    let mut out = String::from(BOM);
    push_record(
        &mut out,
        [
            "code-organisation",
            "patch-product",
            "patch-module",
            "code-valid-from",
            "code-valid-to",
            "code-status",
            "code-note",
            "code-issued-by",
        ]
        .iter()
        .map(|k| t.t(k)),
    );
    loop {
        let page = state.store().validation_codes(actor, &query).await?;
        for c in &page {
            push_record(
                &mut out,
                [
                    c.organisation_name.clone(),
                    c.product_name.clone(),
                    c.module.clone(),
                    c.valid_from.to_string(),
                    c.valid_to.map(|d| d.to_string()).unwrap_or_default(),
                    status_text(&t, c).0,
                    c.note.clone(),
                    c.issued_by_name.clone(),
                ]
                .into_iter(),
            );
        }
        if page.len() < query.limit as usize {
            break;
        }
        query.after = page.last().map(|c| c.id);
    }
    Ok(csv_response("validation-codes.csv", out))
}

/// A code as typed (pages) or sent (API), before checking.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct CodeInput {
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub product: String,
    #[serde(default)]
    pub module: String,
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_to: String,
    #[serde(default)]
    pub note: String,
}

/// Checks a typed code; `code_required` for a new one (a change may leave it empty to keep
/// it). Returns the fields and the code, if one was typed.
pub(crate) fn parse_code(
    input: &CodeInput,
    products: &[ProductRecord],
    code_required: bool,
    t: &Tr,
    errors: &mut FormErrors,
) -> Option<(NewCode, Option<String>)> {
    let organisation = input.organisation.parse::<OrganisationId>().ok();
    if organisation.is_none() {
        errors.add_t("organisation", t, "code-error-organisation");
    }
    let product = input
        .product
        .parse::<ProductId>()
        .ok()
        .and_then(|id| products.iter().find(|p| p.id == id));
    if product.is_none() {
        errors.add_t("product", t, "patch-error-product");
    }
    let module = input.module.trim();
    if let Some(p) = product
        && !module.is_empty()
        && !p.modules.iter().any(|m| m == module)
    {
        errors.add_t("module", t, "patch-error-module");
    }
    let code = input.code.trim();
    if (code_required && code.is_empty()) || code.chars().count() > 500 {
        errors.add_t("code", t, "code-error-code");
    }
    let valid_from = supportweb_domain::validation_code::parse_day(&input.valid_from);
    if valid_from.is_none() {
        errors.add_t("valid_from", t, "code-error-valid-from");
    }
    let valid_to: Option<Option<NaiveDate>> = if input.valid_to.trim().is_empty() {
        Some(None)
    } else {
        supportweb_domain::validation_code::parse_day(&input.valid_to).map(Some)
    };
    match (valid_from, valid_to) {
        (_, None) => errors.add_t("valid_to", t, "code-error-valid-to"),
        (Some(from), Some(Some(to))) if to < from => {
            errors.add_t("valid_to", t, "code-error-valid-to");
        }
        _ => {}
    }
    if input.note.chars().count() > 1000 {
        errors.add_t("note", t, "code-error-note");
    }
    if !errors.is_empty() {
        return None;
    }
    Some((
        NewCode {
            organisation_id: organisation?,
            product_id: product?.id,
            module: module.to_owned(),
            valid_from: valid_from?,
            valid_to: valid_to?,
            note: input.note.trim().to_owned(),
        },
        (!code.is_empty()).then(|| code.to_owned()),
    ))
}

/// Seals a code under its id with the portal's key.
pub(crate) fn seal(
    state: &AppState,
    id: ValidationCodeId,
    code: &str,
) -> Result<Vec<u8>, AppError> {
    state
        .config()
        .app
        .secret_key
        .seal(id.0.as_bytes(), code)
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// The field a refused code write concerns, and its message.
pub(crate) fn code_error_field(field: &'static str) -> (&'static str, &'static str) {
    match field {
        "organisation" => ("organisation", "code-error-organisation"),
        "product" => ("product", "patch-error-product"),
        "module" => ("module", "patch-error-module"),
        _ => ("valid_to", "code-error-valid-to"),
    }
}

#[derive(Template)]
#[template(path = "podpora_code_form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    editing: Option<i64>,
    organisations: Vec<Choice>,
    products: Vec<ProductRecord>,
    form: CodeInput,
    errors: FormErrors,
}

async fn form_page(
    state: &AppState,
    signed: &SignedIn,
    action: String,
    editing: Option<i64>,
    form: CodeInput,
    errors: FormErrors,
) -> Result<FormPage, AppError> {
    Ok(FormPage {
        layout: Layout::new(
            &signed.ctx,
            if editing.is_some() {
                "code-edit"
            } else {
                "code-new"
            },
        ),
        action,
        editing,
        organisations: organisation_choices(state, &signed.actor).await?,
        products: state.store().products(false).await?,
        form,
        errors,
    })
}

fn shown_again(page: &FormPage, status: StatusCode) -> Result<Response, AppError> {
    Ok((status, axum::Extension(KeepBody), render(page)?).into_response())
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, AppError> {
    require_issuer(&signed.actor)?;
    let form = CodeInput {
        valid_from: today().to_string(),
        ..CodeInput::default()
    };
    render(
        &form_page(
            &state,
            &signed,
            "/podpora/codes".into(),
            None,
            form,
            FormErrors::default(),
        )
        .await?,
    )
}

pub(super) async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    body: Bytes,
) -> Result<Response, AppError> {
    require_issuer(&signed.actor)?;
    let input: CodeInput =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("bad_request"))?;
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let products = state.store().products(true).await?;
    if let Some((code, Some(secret))) = parse_code(&input, &products, true, &t, &mut errors) {
        let id = ValidationCodeId::generate();
        let sealed = seal(&state, id, &secret)?;
        let organisation = code.organisation_id;
        match state
            .store()
            .issue_codes(&signed.actor, &[SealedCode { id, code, sealed }])
            .await
        {
            Ok(()) => {
                audit_issue(&state, &signed, organisation, &address, format!("{id}")).await?;
                return Ok(Redirect::to(&format!("/podpora/codes/{id}")).into_response());
            }
            Err(CodeError::Invalid(field)) => {
                let (field, key) = code_error_field(field);
                errors.add_t(field, &t, key);
            }
            Err(CodeError::Store(e)) => return Err(e.into()),
        }
    }
    let page = form_page(
        &state,
        &signed,
        "/podpora/codes".into(),
        None,
        input,
        errors,
    )
    .await?;
    shown_again(&page, StatusCode::UNPROCESSABLE_ENTITY)
}

/// Audits staff issuing or changing codes of an organisation.
pub(crate) async fn audit_issue(
    state: &AppState,
    signed: &SignedIn,
    organisation: OrganisationId,
    address: &str,
    detail: String,
) -> Result<(), AppError> {
    audit::record(
        state,
        AuditEvent::ValidationCodesIssued,
        Concerning {
            actor: Some(signed.actor.user_id),
            subject: None,
            organisation: Some(organisation),
        },
        address,
        detail,
    )
    .await
}

/// Audits a changed code under its organisation, and under the one it came from when it was
/// moved (each organisation's audit trail then shows the code leaving or arriving).
pub(crate) async fn audit_change(
    state: &AppState,
    signed: &SignedIn,
    before: &CodeRecord,
    organisation: OrganisationId,
    address: &str,
) -> Result<(), AppError> {
    let detail = before.id.to_string();
    audit_issue(state, signed, organisation, address, detail.clone()).await?;
    if before.organisation_id != organisation {
        audit_issue(state, signed, before.organisation_id, address, detail).await?;
    }
    Ok(())
}

#[derive(Template)]
#[template(path = "podpora_code.html")]
struct DetailPage {
    layout: Layout,
    c: CodeRecord,
    validity: String,
    status: (String, &'static str),
    revealed: Option<String>,
    may_write: bool,
    history: Vec<HistoryLine>,
    form: CodeInput,
    organisations: Vec<Choice>,
    products: Vec<ProductRecord>,
    errors: FormErrors,
}

async fn detail_page(
    state: &AppState,
    signed: &SignedIn,
    c: CodeRecord,
    revealed: Option<String>,
    form: Option<CodeInput>,
    errors: FormErrors,
) -> Result<DetailPage, AppError> {
    let layout = Layout::new(&signed.ctx, "code-detail-title");
    let t = layout.t;
    let may_write = may_write(&signed.actor);
    let (organisations, products) = if may_write {
        (
            organisation_choices(state, &signed.actor).await?,
            state.store().products(false).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(DetailPage {
        validity: validity(&t, &c),
        status: status_text(&t, &c),
        history: lines_for(state, &t, &signed.actor, ENTITY, c.id.0).await?,
        form: form.unwrap_or_else(|| CodeInput {
            organisation: c.organisation_id.to_string(),
            product: c.product_id.to_string(),
            module: c.module.clone(),
            code: String::new(),
            valid_from: c.valid_from.to_string(),
            valid_to: c.valid_to.map(|d| d.to_string()).unwrap_or_default(),
            note: c.note.clone(),
        }),
        revealed,
        may_write,
        organisations,
        products,
        errors,
        c,
        layout,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    require_codes(&signed.actor)?;
    let c = state
        .store()
        .validation_code(&signed.actor, code_id(&id)?)
        .await?;
    render(&detail_page(&state, &signed, c, None, None, FormErrors::default()).await?)
}

/// Opens a code for `signed` and audits the reveal.
pub(crate) async fn reveal_code(
    state: &AppState,
    signed: &SignedIn,
    address: &str,
    id: ValidationCodeId,
) -> Result<(CodeRecord, String), AppError> {
    let c = state.store().validation_code(&signed.actor, id).await?;
    let sealed = state
        .store()
        .sealed_validation_code(&signed.actor, id)
        .await?;
    let code = state
        .config()
        .app
        .secret_key
        .open(id.0.as_bytes(), &sealed)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    audit::record(
        state,
        AuditEvent::ValidationCodeRevealed,
        Concerning {
            actor: Some(signed.actor.user_id),
            subject: None,
            organisation: Some(c.organisation_id),
        },
        address,
        format!("{id} {} {}", c.product_name, c.module)
            .trim_end()
            .to_owned(),
    )
    .await?;
    Ok((c, code))
}

pub(super) async fn reveal(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    require_codes(&signed.actor)?;
    let (c, code) = reveal_code(&state, &signed, &address, code_id(&id)?).await?;
    render(&detail_page(&state, &signed, c, Some(code), None, FormErrors::default()).await?)
}

pub(super) async fn update(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    require_codes(&signed.actor)?;
    let id = code_id(&id)?;
    let before = state.store().validation_code(&signed.actor, id).await?;
    require_issuer(&signed.actor)?;
    let input: CodeInput =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("bad_request"))?;
    let version: i64 = form_values(&body, "version")
        .first()
        .and_then(|v| v.parse().ok())
        .ok_or(AppError::BadRequest("bad_request"))?;
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let products = state.store().products(true).await?;
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if let Some((code, secret)) = parse_code(&input, &products, false, &t, &mut errors) {
        let sealed = secret.map(|s| seal(&state, id, &s)).transpose()?;
        let organisation = code.organisation_id;
        match state
            .store()
            .update_code(&signed.actor, id, &code, sealed, version)
            .await
        {
            Ok(()) => {
                audit_change(&state, &signed, &before, organisation, &address).await?;
                return Ok(Redirect::to(&format!("/podpora/codes/{id}")).into_response());
            }
            Err(CodeError::Invalid(field)) => {
                let (field, key) = code_error_field(field);
                errors.add_t(field, &t, key);
            }
            Err(CodeError::Store(StoreError::Conflict)) => {
                errors.add_t("note", &t, "error-conflict-detail");
                status = StatusCode::CONFLICT;
            }
            Err(CodeError::Store(e)) => return Err(e.into()),
        }
    }
    let page = detail_page(&state, &signed, before, None, Some(input), errors).await?;
    Ok((status, axum::Extension(KeepBody), render(&page)?).into_response())
}
