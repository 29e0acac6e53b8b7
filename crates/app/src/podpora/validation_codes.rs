//! Validation codes: the overview (codes ending within 30 days flagged) and its export, which
//! never carries a code; a code's page without its value; the audited reveal; staff issuing and
//! changing codes; the all-or-nothing CSV import. Every issue and change is audited in its own
//! transaction; the code itself is sealed with the portal's key before it is stored.

use chrono::NaiveDate;
use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::audit::AuditEvent;
use supportweb_domain::ids::{OrganisationId, ProductId, ValidationCodeId};
use supportweb_domain::organisation::Ico;
use supportweb_domain::validation_code::{CodeStatus, parse_rows};
use supportweb_storage::catalogue::ProductRecord;
use supportweb_storage::history::HistoryRecord;
use supportweb_storage::validation_codes::{CodeError, CodeQuery, ENTITY, NewCode, SealedCode};

pub use supportweb_domain::validation_code::RowError;
pub use supportweb_storage::validation_codes::CodeRecord;

use super::{Podpora, may_see_codes, require_writer};
use crate::audit::{Concerning, NewAuditEvent, entry};
use crate::choices::Named;
use crate::error::reachable;
use crate::overview::{self, Column, FilterReader, Overview, Page};
use crate::{App, Error, FieldErrors, Result, today};

/// The largest import accepted, in bytes.
pub const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;

/// Parses a code id from a path; anything else is a missing code.
pub fn code_id(text: &str) -> Result<ValidationCodeId> {
    text.parse().map_err(|_| Error::NotFound)
}

/// The field a refused code write concerns, and its message.
fn code_error_field(field: &'static str) -> (&'static str, &'static str) {
    match field {
        "organisation" => ("organisation", "code-error-organisation"),
        "product" => ("product", "patch-error-product"),
        "module" => ("module", "patch-error-module"),
        _ => ("valid_to", "code-error-valid-to"),
    }
}

impl From<CodeError> for Error {
    fn from(error: CodeError) -> Self {
        match error {
            CodeError::Store(e) => e.into(),
            CodeError::Invalid(field) => {
                let (field, code) = code_error_field(field);
                Error::refused(field, code)
            }
        }
    }
}

/// A code's validity today.
pub fn status(c: &CodeRecord) -> CodeStatus {
    CodeStatus::on(c.valid_from, c.valid_to, today())
}

/// A code's validity in `t`'s language, and a CSS class.
pub fn status_text(t: &supportweb_i18n::Tr, c: &CodeRecord) -> (String, &'static str) {
    match status(c) {
        CodeStatus::NotYetValid => (t.t("code-status-not-yet-valid"), "code-not-yet-valid"),
        CodeStatus::Valid => (t.t("code-status-valid"), "code-valid"),
        CodeStatus::ExpiresSoon(days) => (
            t.tn("code-status-expires-soon", "days", days),
            "code-expires-soon",
        ),
        CodeStatus::Expired => (t.t("code-status-expired"), "code-expired"),
    }
}

/// The overview's query string, as typed; the page and the API's list read the same.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CodeParams {
    /// Organisation id.
    #[serde(default)]
    #[param(required = false, format = Uuid)]
    pub organisation: String,
    /// Product id.
    #[serde(default)]
    #[param(required = false, format = Uuid)]
    pub product: String,
    /// `1`: only codes valid today that end within 30 days.
    #[serde(default)]
    #[param(required = false)]
    pub expiring: String,
    /// The `next` of the previous page.
    #[serde(default)]
    #[param(required = false, format = Uuid)]
    pub after: String,
}

impl CodeParams {
    /// The store query; values that do not parse are reported per field and left out.
    pub fn query(&self, errors: &mut FieldErrors) -> CodeQuery {
        let mut read = FilterReader::new(errors, "patch-error-filter");
        CodeQuery {
            organisation: read.parsed::<OrganisationId>(&self.organisation, "organisation"),
            product: read.parsed::<ProductId>(&self.product, "product"),
            after: read.parsed::<ValidationCodeId>(&self.after, "after"),
            expiring_on: matches!(self.expiring.as_str(), "1" | "true" | "on").then(today),
            limit: 50,
        }
    }

    /// The query string without the page position.
    pub fn filters(&self) -> String {
        overview::query_string(&[
            ("organisation", self.organisation.as_str()),
            ("product", self.product.as_str()),
            ("expiring", self.expiring.as_str()),
        ])
    }
}

/// The validation-code overview, for the overview kit.
pub struct CodeOverview;

impl Overview for CodeOverview {
    type Query = CodeQuery;
    type Row = CodeRecord;

    fn position(query: &mut CodeQuery, after: Option<&CodeRecord>, limit: i64) {
        query.after = after.map(|c| c.id);
        query.limit = u32::try_from(limit).unwrap_or(50);
    }

    fn limit(query: &CodeQuery) -> i64 {
        i64::from(query.limit)
    }

    fn cursor(row: &CodeRecord) -> String {
        row.id.to_string()
    }

    async fn fetch(app: &App, actor: &Actor, query: &CodeQuery) -> Result<Vec<CodeRecord>> {
        Ok(app.store().validation_codes(actor, query).await?)
    }
}

/// The columns of the export: never the code itself, which is only revealed one at a time.
fn columns() -> Vec<Column<CodeRecord>> {
    vec![
        Column {
            header: "code-organisation",
            cell: |c, _| c.organisation_name.clone(),
        },
        Column {
            header: "patch-product",
            cell: |c, _| c.product_name.clone(),
        },
        Column {
            header: "patch-module",
            cell: |c, _| c.module.clone(),
        },
        Column {
            header: "code-valid-from",
            cell: |c, _| c.valid_from.to_string(),
        },
        Column {
            header: "code-valid-to",
            cell: |c, _| c.valid_to.map(|d| d.to_string()).unwrap_or_default(),
        },
        Column {
            header: "code-status",
            cell: |c, ctx| status_text(&ctx.t, c).0,
        },
        Column {
            header: "code-note",
            cell: |c, _| c.note.clone(),
        },
        Column {
            header: "code-issued-by",
            cell: |c, _| c.issued_by_name.clone(),
        },
    ]
}

/// A code as typed (pages) or sent (API), before checking.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct CodeInput {
    /// Organisation id.
    #[serde(default)]
    pub organisation: String,
    /// Product id.
    #[serde(default)]
    pub product: String,
    /// Module (empty: the whole product).
    #[serde(default)]
    pub module: String,
    /// The code; on a change, empty keeps the stored one.
    #[serde(default)]
    pub code: String,
    /// Valid from (`YYYY-MM-DD` or `d. m. yyyy`).
    #[serde(default)]
    pub valid_from: String,
    /// Valid to (empty: open-ended).
    #[serde(default)]
    pub valid_to: String,
    /// Note.
    #[serde(default)]
    pub note: String,
}

impl CodeInput {
    /// The form of an existing code (its value is never shown back).
    pub fn of(c: &CodeRecord) -> Self {
        CodeInput {
            organisation: c.organisation_id.to_string(),
            product: c.product_id.to_string(),
            module: c.module.clone(),
            code: String::new(),
            valid_from: c.valid_from.to_string(),
            valid_to: c.valid_to.map(|d| d.to_string()).unwrap_or_default(),
            note: c.note.clone(),
        }
    }

    /// Checks a typed code; `code_required` for a new one. Returns the fields and the code,
    /// if one was typed.
    fn validate(
        &self,
        products: &[ProductRecord],
        code_required: bool,
    ) -> Result<(NewCode, Option<String>)> {
        let mut errors = FieldErrors::default();
        let organisation = self.organisation.parse::<OrganisationId>().ok();
        if organisation.is_none() {
            errors.add("organisation", "code-error-organisation");
        }
        let product = self
            .product
            .parse::<ProductId>()
            .ok()
            .and_then(|id| products.iter().find(|p| p.id == id));
        if product.is_none() {
            errors.add_missing("product", "patch-error-product");
        }
        let module = self.module.trim();
        if let Some(p) = product
            && !module.is_empty()
            && !p.modules.iter().any(|m| m == module)
        {
            errors.add("module", "patch-error-module");
        }
        let code = self.code.trim();
        if (code_required && code.is_empty()) || code.chars().count() > 500 {
            errors.add("code", "code-error-code");
        }
        let valid_from = supportweb_domain::validation_code::parse_day(&self.valid_from);
        if valid_from.is_none() {
            errors.add("valid_from", "code-error-valid-from");
        }
        let valid_to: Option<Option<NaiveDate>> = if self.valid_to.trim().is_empty() {
            Some(None)
        } else {
            supportweb_domain::validation_code::parse_day(&self.valid_to).map(Some)
        };
        match (valid_from, valid_to) {
            (_, None) => errors.add("valid_to", "code-error-valid-to"),
            (Some(from), Some(Some(to))) if to < from => {
                errors.add("valid_to", "code-error-valid-to");
            }
            _ => {}
        }
        if self.note.chars().count() > 1000 {
            errors.add("note", "code-error-note");
        }
        let (Some(organisation), Some(product), Some(valid_from), Some(valid_to)) =
            (organisation, product, valid_from, valid_to)
        else {
            return Err(Error::Invalid(errors));
        };
        errors.into_result()?;
        Ok((
            NewCode {
                organisation_id: organisation,
                product_id: product.id,
                module: module.to_owned(),
                valid_from,
                valid_to,
                note: self.note.trim().to_owned(),
            },
            (!code.is_empty()).then(|| code.to_owned()),
        ))
    }
}

/// What an import found.
#[derive(Debug)]
pub enum ImportOutcome {
    /// Every row was valid and all were written.
    Imported(usize),
    /// Nothing was written; every problem with its line.
    Refused(Vec<RowError>),
}

/// The validation-code use cases.
pub struct ValidationCodes<'a> {
    app: &'a App,
}

impl<'a> Podpora<'a> {
    /// Validation codes.
    pub fn validation_codes(&self) -> ValidationCodes<'a> {
        ValidationCodes { app: self.app }
    }
}

fn require_codes(actor: &Actor) -> Result<()> {
    reachable(may_see_codes(actor))
}

/// The audit entry of issuing or changing codes of `organisation`.
fn issued(
    actor: &Actor,
    organisation: OrganisationId,
    address: &str,
    detail: String,
) -> NewAuditEvent {
    entry(
        AuditEvent::ValidationCodesIssued,
        Concerning::organisation(actor.user_id, organisation),
        address,
        detail,
    )
}

impl ValidationCodes<'_> {
    /// The store query of an overview's query string, and the problems of its filters.
    pub fn overview_query(
        &self,
        actor: &Actor,
        params: &CodeParams,
    ) -> Result<(CodeQuery, FieldErrors)> {
        require_codes(actor)?;
        let mut errors = FieldErrors::default();
        let query = params.query(&mut errors);
        Ok((query, errors))
    }

    /// One page of the overview.
    pub async fn overview(&self, actor: &Actor, query: &CodeQuery) -> Result<Page<CodeRecord>> {
        require_codes(actor)?;
        overview::page::<CodeOverview>(self.app, actor, query).await
    }

    /// The CSV export (without the codes), in `t`'s language.
    pub fn export(
        &self,
        actor: &Actor,
        params: &CodeParams,
        t: supportweb_i18n::Tr,
    ) -> Result<impl futures_util::Stream<Item = std::io::Result<bytes::Bytes>> + Send + use<>>
    {
        let (query, errors) = self.overview_query(actor, params)?;
        errors.into_result()?;
        Ok(overview::export::<CodeOverview>(
            self.app,
            actor,
            query,
            columns(),
            t,
        ))
    }

    /// The organisations whose codes the actor may filter by or issue for.
    pub async fn organisations(&self, actor: &Actor) -> Result<Vec<Named<OrganisationId>>> {
        self.app
            .organisation_choices(actor, |r| {
                r.may_see_validation_codes && r.podpora.may_enter()
            })
            .await
    }

    /// Offered products with their modules (the form).
    pub async fn products(&self, actor: &Actor) -> Result<Vec<ProductRecord>> {
        require_writer(actor)?;
        Ok(self.app.store().products(false).await?)
    }

    /// A code without its value.
    pub async fn get(&self, actor: &Actor, id: &str) -> Result<CodeRecord> {
        require_codes(actor)?;
        Ok(self
            .app
            .store()
            .validation_code(actor, code_id(id)?)
            .await?)
    }

    /// A code's history as the actor may read it (the code itself is never in it).
    pub async fn history(&self, actor: &Actor, code: &CodeRecord) -> Result<Vec<HistoryRecord>> {
        Ok(self
            .app
            .store()
            .history_for(actor, ENTITY, code.id.0)
            .await?)
    }

    /// Checks that the actor issues codes (before a request is read).
    pub fn require_issuer(&self, actor: &Actor) -> Result<()> {
        require_writer(actor)
    }

    fn seal(&self, id: ValidationCodeId, code: &str) -> Result<Vec<u8>> {
        self.app
            .settings()
            .secret_key
            .seal(id.0.as_bytes(), code)
            .map_err(|e| Error::Internal(e.to_string()))
    }

    /// Issues a code; the issue is audited in the same transaction.
    pub async fn issue(
        &self,
        actor: &Actor,
        input: &CodeInput,
        address: &str,
    ) -> Result<CodeRecord> {
        require_writer(actor)?;
        let store = self.app.store();
        let (code, secret) = input.validate(&store.products(true).await?, true)?;
        let secret = secret.ok_or_else(|| Error::field("code", "code-error-code"))?;
        let id = ValidationCodeId::generate();
        let audit = [issued(actor, code.organisation_id, address, id.to_string())];
        let sealed = self.seal(id, &secret)?;
        store
            .issue_codes(actor, &[SealedCode { id, code, sealed }], &audit)
            .await?;
        Ok(store.validation_code(actor, id).await?)
    }

    /// Changes a code read at `version` (else 409); an empty code keeps the stored one. The
    /// change is audited under the code's organisation, and under the one it came from when
    /// it was moved, in the same transaction.
    pub async fn update(
        &self,
        actor: &Actor,
        id: &str,
        input: &CodeInput,
        version: i64,
        address: &str,
    ) -> Result<CodeRecord> {
        let before = self.get(actor, id).await?;
        require_writer(actor)?;
        let store = self.app.store();
        let (code, secret) = input.validate(&store.products(true).await?, false)?;
        let sealed = secret.map(|s| self.seal(before.id, &s)).transpose()?;
        let detail = before.id.to_string();
        let mut audit = vec![issued(actor, code.organisation_id, address, detail.clone())];
        if before.organisation_id != code.organisation_id {
            audit.push(issued(actor, before.organisation_id, address, detail));
        }
        store
            .update_code(actor, before.id, &code, sealed, version, &audit)
            .await?;
        Ok(store.validation_code(actor, before.id).await?)
    }

    /// Opens a code for the actor; the reveal is audited before the code is returned.
    pub async fn reveal(
        &self,
        actor: &Actor,
        id: &str,
        address: &str,
    ) -> Result<(CodeRecord, String)> {
        let code = self.get(actor, id).await?;
        let sealed = self
            .app
            .store()
            .sealed_validation_code(actor, code.id)
            .await?;
        let value = self
            .app
            .settings()
            .secret_key
            .open(code.id.0.as_bytes(), &sealed)
            .map_err(|e| Error::Internal(e.to_string()))?;
        self.app
            .record_audit(entry(
                AuditEvent::ValidationCodeRevealed,
                Concerning::organisation(actor.user_id, code.organisation_id),
                address,
                format!("{} {} {}", code.id, code.product_name, code.module)
                    .trim_end()
                    .to_owned(),
            ))
            .await?;
        Ok((code, value))
    }

    /// Imports codes from CSV (`ico;product;module;code;valid_from;valid_to;note`): every row
    /// is checked first — its shape, the organisation by IČO, the product by its catalogue
    /// code, the module — and nothing is written unless all are valid; then all are written in
    /// one transaction, with one audit entry per organisation.
    pub async fn import(&self, actor: &Actor, text: &str, address: &str) -> Result<ImportOutcome> {
        require_writer(actor)?;
        let store = self.app.store();
        // Every row that could be read is checked against the organisations and the catalogue
        // too, so the file comes back once with all its problems.
        let (rows, mut errors) = parse_rows(text);
        let shape_problem = |line: usize, column: &str, errors: &[RowError]| {
            errors.iter().any(|e| e.line == line && e.column == column)
        };
        let products = store.products(true).await?;
        let mut codes = Vec::new();
        for row in rows {
            let organisation = match Ico::parse(&row.ico) {
                Ok(ico) => store.organisation_id_by_ico(&ico).await?,
                Err(_) => None,
            };
            let product = products
                .iter()
                .find(|p| p.code.eq_ignore_ascii_case(&row.product));
            if organisation.is_none() && !shape_problem(row.line, "ico", &errors) {
                errors.push(RowError {
                    line: row.line,
                    column: "ico",
                    code: "code-import-organisation",
                });
            }
            match product {
                None if shape_problem(row.line, "product", &errors) => {}
                None => errors.push(RowError {
                    line: row.line,
                    column: "product",
                    code: "code-import-product",
                }),
                Some(p) if !row.module.is_empty() && !p.modules.contains(&row.module) => {
                    errors.push(RowError {
                        line: row.line,
                        column: "module",
                        code: "patch-error-module",
                    });
                }
                Some(_) => {}
            }
            if let (Some(organisation), Some(product)) = (organisation, product) {
                let id = ValidationCodeId::generate();
                codes.push(SealedCode {
                    id,
                    sealed: self.seal(id, &row.code)?,
                    code: NewCode {
                        organisation_id: organisation,
                        product_id: product.id,
                        module: row.module,
                        valid_from: row.valid_from,
                        valid_to: row.valid_to,
                        note: row.note,
                    },
                });
            }
        }
        if !errors.is_empty() {
            errors.sort_by_key(|e| e.line);
            return Ok(ImportOutcome::Refused(errors));
        }
        let mut organisations: Vec<_> = codes.iter().map(|c| c.code.organisation_id).collect();
        organisations.sort();
        organisations.dedup();
        let audit: Vec<NewAuditEvent> = organisations
            .into_iter()
            .map(|organisation| {
                let count = codes
                    .iter()
                    .filter(|c| c.code.organisation_id == organisation)
                    .count();
                issued(actor, organisation, address, format!("import: {count}"))
            })
            .collect();
        store
            .issue_codes(actor, &codes, &audit)
            .await
            .map_err(|error| match error {
                CodeError::Store(e) => e.into(),
                CodeError::Invalid(_) => Error::BadRequest("bad_request"),
            })?;
        Ok(ImportOutcome::Imported(codes.len()))
    }
}
