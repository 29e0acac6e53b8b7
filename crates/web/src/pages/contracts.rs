//! Support contracts for staff: the form shared by "new contract" on the organisation page and
//! the contract's own page, where it is edited (stale edits refused) with its change history.
//! Creating and changing a contract are audited.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use chrono::NaiveDate;
use serde::Deserialize;
use supportweb_domain::audit::AuditEvent;
use supportweb_domain::contract::{ContractState, ContractTerm};
use supportweb_domain::ids::{ContractId, OrganisationId};
use supportweb_domain::permissions::{Action, AdminArea, Area};
use supportweb_domain::severity::{Severity, SlaTarget, standard_sla_plan};
use supportweb_storage::StoreError;
use supportweb_storage::catalogue::ProductRecord;
use supportweb_storage::contracts::{ContractRecord, NewContract};

use super::form::{FormErrors, form_values, hours_to_minutes};
use super::history::{self, HistoryLine};
use super::{Layout, render};
use crate::audit::{self, Concerning};
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::middleware::KeepBody;
use crate::state::AppState;

const CONTRACTS: Area = Area::Admin(AdminArea::Contracts);

/// The contract form as typed.
#[derive(Debug, Deserialize)]
pub(crate) struct ContractForm {
    #[serde(default)]
    pub(crate) number: String,
    #[serde(default)]
    pub(crate) valid_from: String,
    #[serde(default)]
    pub(crate) valid_to: String,
    #[serde(default)]
    pub(crate) state: String,
    #[serde(default)]
    pub(crate) covered_scope: String,
    #[serde(default)]
    pub(crate) prepaid_hours: String,
    #[serde(default)]
    pub(crate) critical_response: String,
    #[serde(default)]
    pub(crate) critical_resolution: String,
    #[serde(default)]
    pub(crate) high_response: String,
    #[serde(default)]
    pub(crate) high_resolution: String,
    #[serde(default)]
    pub(crate) medium_response: String,
    #[serde(default)]
    pub(crate) medium_resolution: String,
    #[serde(default)]
    pub(crate) low_response: String,
    #[serde(default)]
    pub(crate) low_resolution: String,
    #[serde(default)]
    pub(crate) version: i64,
    #[serde(skip)]
    pub(crate) products: Vec<String>,
}

pub(crate) fn hours(minutes: i64) -> String {
    let h = minutes as f64 / 60.0;
    if h.fract() == 0.0 {
        format!("{h:.0}")
    } else {
        format!("{h}").replace('.', ",")
    }
}

impl Default for ContractForm {
    fn default() -> Self {
        let plan = standard_sla_plan();
        let target = |s: Severity| plan.iter().find(|t| t.severity == s).copied();
        let pair = |s| {
            target(s)
                .map(|t| (hours(t.response_minutes), hours(t.resolution_minutes)))
                .unwrap_or_default()
        };
        let (critical_response, critical_resolution) = pair(Severity::Critical);
        let (high_response, high_resolution) = pair(Severity::High);
        let (medium_response, medium_resolution) = pair(Severity::Medium);
        let (low_response, low_resolution) = pair(Severity::Low);
        ContractForm {
            number: String::new(),
            valid_from: String::new(),
            valid_to: String::new(),
            state: "active".into(),
            covered_scope: String::new(),
            prepaid_hours: String::new(),
            critical_response,
            critical_resolution,
            high_response,
            high_resolution,
            medium_response,
            medium_resolution,
            low_response,
            low_resolution,
            version: 0,
            products: Vec::new(),
        }
    }
}

impl ContractForm {
    fn sla_fields(&self) -> [(Severity, &'static str, &str, &'static str, &str); 4] {
        [
            (
                Severity::Critical,
                "critical_response",
                &self.critical_response,
                "critical_resolution",
                &self.critical_resolution,
            ),
            (
                Severity::High,
                "high_response",
                &self.high_response,
                "high_resolution",
                &self.high_resolution,
            ),
            (
                Severity::Medium,
                "medium_response",
                &self.medium_response,
                "medium_resolution",
                &self.medium_resolution,
            ),
            (
                Severity::Low,
                "low_response",
                &self.low_response,
                "low_resolution",
                &self.low_resolution,
            ),
        ]
    }

    pub(crate) fn parse(
        &self,
        t: &Tr,
        catalogue: &[ProductRecord],
        organisation_id: OrganisationId,
        errors: &mut FormErrors,
    ) -> Option<NewContract> {
        if self.number.trim().is_empty() {
            errors.add_t("number", t, "form-error-required");
        }
        let date = |text: &str| NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
        let from = date(&self.valid_from);
        let to = date(&self.valid_to);
        if from.is_none() {
            errors.add_t("valid_from", t, "audit-error-date");
        }
        if to.is_none() {
            errors.add_t("valid_to", t, "audit-error-date");
        }
        if let (Some(f), Some(u)) = (from, to)
            && f > u
        {
            errors.add_t("valid_to", t, "contract-error-order");
        }
        let state = ContractState::parse(&self.state);
        if state.is_none() {
            errors.add_t("state", t, "form-error-required");
        }
        let prepaid = if self.prepaid_hours.trim().is_empty() {
            None
        } else {
            let parsed = hours_to_minutes(&self.prepaid_hours);
            if parsed.is_none() {
                errors.add_t("prepaid_hours", t, "form-error-hours");
            }
            parsed
        };
        let mut sla = Vec::new();
        for (severity, response_field, response, resolution_field, resolution) in self.sla_fields()
        {
            let response_minutes = hours_to_minutes(response).filter(|m| *m > 0);
            let resolution_minutes = hours_to_minutes(resolution).filter(|m| *m > 0);
            if response_minutes.is_none() {
                errors.add_t(response_field, t, "form-error-hours");
            }
            if resolution_minutes.is_none() {
                errors.add_t(resolution_field, t, "form-error-hours");
            }
            if let (Some(response_minutes), Some(resolution_minutes)) =
                (response_minutes, resolution_minutes)
            {
                sla.push(SlaTarget {
                    severity,
                    response_minutes,
                    resolution_minutes,
                });
            }
        }
        let mut products = Vec::with_capacity(self.products.len());
        for typed in &self.products {
            match catalogue.iter().find(|p| p.id.to_string() == *typed) {
                Some(product) => products.push(product.id),
                None => errors.add_t("products", t, "contract-error-product"),
            }
        }
        if !errors.is_empty() {
            return None;
        }
        Some(NewContract {
            products,
            number: self.number.trim().into(),
            organisation_id,
            term: ContractTerm {
                valid_from: from?,
                valid_to: to?,
                state: state?,
            },
            covered_scope: self.covered_scope.trim().into(),
            prepaid_minutes: prepaid,
            sla,
        })
    }
}

impl ContractForm {
    fn from_body(body: &Bytes) -> Result<Self, AppError> {
        let mut form: ContractForm =
            serde_urlencoded::from_bytes(body).map_err(|_| AppError::BadRequest("bad_request"))?;
        form.products = form_values(body, "product");
        Ok(form)
    }

    fn from_record(c: &ContractRecord) -> Self {
        let mut form = ContractForm {
            number: c.number.clone(),
            valid_from: c.term.valid_from.to_string(),
            valid_to: c.term.valid_to.to_string(),
            state: c.term.state.as_str().into(),
            covered_scope: c.covered_scope.clone(),
            prepaid_hours: c.prepaid_minutes.map(hours).unwrap_or_default(),
            version: c.version,
            products: c.products.iter().map(|(id, _)| id.to_string()).collect(),
            ..ContractForm::default()
        };
        for target in &c.sla {
            let (response, resolution) = match target.severity {
                Severity::Critical => (&mut form.critical_response, &mut form.critical_resolution),
                Severity::High => (&mut form.high_response, &mut form.high_resolution),
                Severity::Medium => (&mut form.medium_response, &mut form.medium_resolution),
                Severity::Low => (&mut form.low_response, &mut form.low_resolution),
            };
            *response = hours(target.response_minutes);
            *resolution = hours(target.resolution_minutes);
        }
        form
    }
}

/// One product checkbox of the contract form.
pub struct ProductChoice {
    /// Product id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Ticked.
    pub checked: bool,
}

/// Everything the contract fields partial (`contract_fields.html`) shows.
pub struct ContractFields {
    /// Values as typed.
    pub form: ContractForm,
    /// Errors per field.
    pub errors: FormErrors,
    /// Severity label, response field, value, resolution field, value.
    pub severities: Vec<(String, &'static str, String, &'static str, String)>,
    /// Products of the catalogue to tick.
    pub products: Vec<ProductChoice>,
}

impl ContractFields {
    /// The fields for `form`, offering the active products and any the contract already has.
    pub fn new(
        t: &Tr,
        form: ContractForm,
        errors: FormErrors,
        catalogue: &[ProductRecord],
    ) -> Self {
        let severities = form
            .sla_fields()
            .into_iter()
            .map(|(s, rf, r, sf, v)| {
                (
                    t.t(format!("severity-{}", s.as_str())),
                    rf,
                    r.to_owned(),
                    sf,
                    v.to_owned(),
                )
            })
            .collect();
        let products = catalogue
            .iter()
            .filter(|p| p.is_active || form.products.contains(&p.id.to_string()))
            .map(|p| ProductChoice {
                id: p.id.to_string(),
                name: p.name.clone(),
                checked: form.products.contains(&p.id.to_string()),
            })
            .collect();
        ContractFields {
            form,
            errors,
            severities,
            products,
        }
    }
}

#[derive(Template)]
#[template(path = "admin_contract.html")]
struct ContractPage {
    layout: Layout,
    id: ContractId,
    organisation_id: OrganisationId,
    organisation_name: String,
    contract: ContractFields,
    may_manage: bool,
    history: Vec<HistoryLine>,
}

fn contract_id(id: &str) -> Result<ContractId, AppError> {
    id.parse().map_err(|_| AppError::NotFound)
}

async fn contract_page(
    state: &AppState,
    signed: &SignedIn,
    record: &ContractRecord,
    form: Option<ContractForm>,
    errors: FormErrors,
) -> Result<ContractPage, AppError> {
    let organisation = state
        .store()
        .organisation(&signed.actor, record.organisation_id)
        .await?;
    let layout = Layout::new(&signed.ctx, "contract-title");
    let catalogue = state.store().products(true).await?;
    let form = form.unwrap_or_else(|| ContractForm::from_record(record));
    Ok(ContractPage {
        id: record.id,
        organisation_id: organisation.id,
        organisation_name: organisation.name,
        contract: ContractFields::new(&layout.t, form, errors, &catalogue),
        may_manage: signed.actor.staff_may(CONTRACTS, Action::Manage),
        history: history::lines(state, &layout.t, "contract", record.id.0).await?,
        layout,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    if !signed.actor.staff_may(CONTRACTS, Action::Read) {
        return Err(AppError::NotFound);
    }
    let record = state
        .store()
        .contract(&signed.actor, contract_id(&id)?)
        .await?;
    render(&contract_page(&state, &signed, &record, None, FormErrors::default()).await?)
}

pub(super) async fn update(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    if !signed.actor.staff_may(CONTRACTS, Action::Manage) {
        return Err(AppError::NotFound);
    }
    let record = state
        .store()
        .contract(&signed.actor, contract_id(&id)?)
        .await?;
    let form = ContractForm::from_body(&body)?;
    let t = Tr::new(signed.ctx.lang);
    let catalogue = state.store().products(true).await?;
    let mut errors = FormErrors::default();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if let Some(changed) = form.parse(&t, &catalogue, record.organisation_id, &mut errors) {
        match state
            .store()
            .update_contract(&signed.actor, record.id, form.version, &changed)
            .await
        {
            Ok(changes) => {
                if !changes.is_empty() {
                    let fields: Vec<&str> = changes.iter().map(|c| c.field).collect();
                    audit::record(
                        &state,
                        AuditEvent::ContractChanged,
                        Concerning {
                            actor: Some(signed.actor.user_id),
                            subject: None,
                            organisation: Some(record.organisation_id),
                        },
                        &address,
                        format!("{}: {}", changed.number, fields.join(", ")),
                    )
                    .await?;
                }
                return Ok(Redirect::to(&format!("/admin/contracts/{}", record.id)).into_response());
            }
            Err(StoreError::Conflict) => {
                status = StatusCode::CONFLICT;
                errors.add_t("version", &t, "error-conflict-detail");
            }
            Err(StoreError::Duplicate(_)) => {
                errors.add_t("number", &t, "contract-error-number-taken");
            }
            Err(other) => return Err(other.into()),
        }
    }
    let page = contract_page(&state, &signed, &record, Some(form), errors).await?;
    Ok((status, axum::Extension(KeepBody), render(&page)?).into_response())
}

/// Adds a contract to an organisation (the form on the organisation's page).
pub(super) async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    if !signed.actor.staff_may(CONTRACTS, Action::Manage) {
        return Err(AppError::NotFound);
    }
    let id: OrganisationId = id.parse().map_err(|_| AppError::NotFound)?;
    state.store().organisation(&signed.actor, id).await?;
    let form = ContractForm::from_body(&body)?;
    let t = Tr::new(signed.ctx.lang);
    let catalogue = state.store().products(true).await?;
    let mut errors = FormErrors::default();
    if let Some(contract) = form.parse(&t, &catalogue, id, &mut errors) {
        match state.store().create_contract(&contract).await {
            Ok(_) => {
                audit::record(
                    &state,
                    AuditEvent::ContractCreated,
                    Concerning {
                        actor: Some(signed.actor.user_id),
                        subject: None,
                        organisation: Some(id),
                    },
                    &address,
                    contract.number.clone(),
                )
                .await?;
                return Ok(
                    Redirect::to(&format!("/admin/organisations/{id}#contracts")).into_response(),
                );
            }
            Err(StoreError::Duplicate(_)) => {
                errors.add_t("number", &t, "contract-error-number-taken");
            }
            Err(other) => return Err(other.into()),
        }
    }
    let fields = ContractFields::new(&t, form, errors, &catalogue);
    super::organisations::contract_form_again(&state, &signed, id, fields).await
}
