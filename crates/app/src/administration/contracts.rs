//! Support contracts: the form shared by "new contract" on the organisation page, the
//! contract's own page and the API; creating and changing a contract, each audited in its own
//! transaction (the change with the fields it changed, which also enter the history).

use chrono::NaiveDate;
use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::audit::AuditEvent;
use supportweb_domain::contract::{ContractState, ContractTerm};
use supportweb_domain::ids::{ContractId, OrganisationId};
use supportweb_domain::permissions::{Action, AdminArea};
use supportweb_domain::severity::{Severity, SlaTarget, standard_sla_plan};
use supportweb_storage::StoreError;
use supportweb_storage::contracts::NewContract;
use supportweb_storage::history::HistoryRecord;

use super::{Administration, ContractRecord, OrganisationRecord, ProductRecord, id, require};
use crate::audit::{Concerning, entry};
use crate::typed::{hours, hours_to_minutes};
use crate::{Error, FieldErrors, Result};

/// A contract as typed in the form (hours as `1,5`; the API fills the same from minutes).
#[derive(Debug, Clone, Deserialize)]
pub struct ContractForm {
    #[serde(default)]
    pub number: String,
    #[serde(default)]
    pub valid_from: String,
    #[serde(default)]
    pub valid_to: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub covered_scope: String,
    #[serde(default)]
    pub prepaid_hours: String,
    #[serde(default)]
    pub critical_response: String,
    #[serde(default)]
    pub critical_resolution: String,
    #[serde(default)]
    pub high_response: String,
    #[serde(default)]
    pub high_resolution: String,
    #[serde(default)]
    pub medium_response: String,
    #[serde(default)]
    pub medium_resolution: String,
    #[serde(default)]
    pub low_response: String,
    #[serde(default)]
    pub low_resolution: String,
    #[serde(default)]
    pub version: i64,
    #[serde(skip)]
    pub products: Vec<String>,
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
    /// Each severity with its two fields' names and values.
    pub fn sla_fields(&self) -> [(Severity, &'static str, &str, &'static str, &str); 4] {
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

    fn check(
        &self,
        catalogue: &[ProductRecord],
        organisation_id: OrganisationId,
    ) -> Result<NewContract> {
        let mut errors = FieldErrors::default();
        let errors = &mut errors;
        if self.number.trim().is_empty() {
            errors.add("number", "form-error-required");
        }
        let date = |text: &str| NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
        let from = date(&self.valid_from);
        let to = date(&self.valid_to);
        if from.is_none() {
            errors.add("valid_from", "audit-error-date");
        }
        if to.is_none() {
            errors.add("valid_to", "audit-error-date");
        }
        if let (Some(f), Some(u)) = (from, to)
            && f > u
        {
            errors.add("valid_to", "contract-error-order");
        }
        let state = ContractState::parse(&self.state);
        if state.is_none() {
            errors.add("state", "form-error-required");
        }
        let prepaid = if self.prepaid_hours.trim().is_empty() {
            None
        } else {
            let parsed = hours_to_minutes(&self.prepaid_hours);
            if parsed.is_none() {
                errors.add("prepaid_hours", "form-error-hours");
            }
            parsed
        };
        let mut sla = Vec::new();
        for (severity, response_field, response, resolution_field, resolution) in self.sla_fields()
        {
            let response_minutes = hours_to_minutes(response).filter(|m| *m > 0);
            let resolution_minutes = hours_to_minutes(resolution).filter(|m| *m > 0);
            if response_minutes.is_none() {
                errors.add(response_field, "form-error-hours");
            }
            if resolution_minutes.is_none() {
                errors.add(resolution_field, "form-error-hours");
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
                None => errors.add_missing("products", "contract-error-product"),
            }
        }
        let (Some(valid_from), Some(valid_to), Some(state)) = (from, to, state) else {
            return Err(Error::Invalid(std::mem::take(errors)));
        };
        std::mem::take(errors).into_result()?;
        Ok(NewContract {
            products,
            number: self.number.trim().into(),
            organisation_id,
            term: ContractTerm {
                valid_from,
                valid_to,
                state,
            },
            covered_scope: self.covered_scope.trim().into(),
            prepaid_minutes: prepaid,
            sla,
        })
    }

    /// The form of a stored contract.
    pub fn of(c: &ContractRecord) -> Self {
        ContractForm {
            number: c.number.clone(),
            valid_from: c.term.valid_from.to_string(),
            valid_to: c.term.valid_to.to_string(),
            state: c.term.state.as_str().into(),
            covered_scope: c.covered_scope.clone(),
            prepaid_hours: c.prepaid_minutes.map(hours).unwrap_or_default(),
            version: c.version,
            products: c.products.iter().map(|(id, _)| id.to_string()).collect(),
            ..ContractForm::default()
        }
        .with_sla(&c.sla)
    }

    /// The form with each severity's response and resolution in hours from `targets` (the
    /// first target of a severity counts; a severity without one stays empty).
    pub fn with_sla(mut self, targets: &[SlaTarget]) -> Self {
        let fields = [
            (
                Severity::Critical,
                &mut self.critical_response,
                &mut self.critical_resolution,
            ),
            (
                Severity::High,
                &mut self.high_response,
                &mut self.high_resolution,
            ),
            (
                Severity::Medium,
                &mut self.medium_response,
                &mut self.medium_resolution,
            ),
            (
                Severity::Low,
                &mut self.low_response,
                &mut self.low_resolution,
            ),
        ];
        for (severity, response, resolution) in fields {
            let target = targets.iter().find(|t| t.severity == severity);
            *response = target
                .map(|t| hours(t.response_minutes))
                .unwrap_or_default();
            *resolution = target
                .map(|t| hours(t.resolution_minutes))
                .unwrap_or_default();
        }
        self
    }
}

fn taken(error: StoreError) -> Error {
    match error {
        StoreError::Duplicate(_) => Error::conflicting("number", "contract-error-number-taken"),
        other => other.into(),
    }
}

/// A contract with its organisation, the catalogue to choose covered products from, and its
/// history.
#[derive(Debug)]
pub struct ContractDetail {
    /// The contract.
    pub contract: ContractRecord,
    /// Its organisation.
    pub organisation: OrganisationRecord,
    /// Every product of the catalogue.
    pub catalogue: Vec<ProductRecord>,
    /// Its history, newest first.
    pub history: Vec<HistoryRecord>,
}

impl Administration<'_> {
    /// The catalogue a contract form offers (offered products, and retired ones it covers).
    pub async fn contract_catalogue(&self, retired_too: bool) -> Result<Vec<ProductRecord>> {
        Ok(self.app.store().products(retired_too).await?)
    }

    /// A contract staff may read, with what its page shows.
    pub async fn contract(&self, actor: &Actor, id: &str) -> Result<ContractDetail> {
        require(actor, AdminArea::Contracts, Action::Read)?;
        let id: ContractId = super::id(id)?;
        let store = self.app.store();
        let contract = store.contract(actor, id).await?;
        Ok(ContractDetail {
            organisation: store.organisation(actor, contract.organisation_id).await?,
            catalogue: store.products(true).await?,
            history: store.history("contract", contract.id.0).await?,
            contract,
        })
    }

    /// Checks that the actor manages contracts (before a request is read).
    pub fn require_contract_manager(&self, actor: &Actor) -> Result<()> {
        require(actor, AdminArea::Contracts, Action::Manage)
    }

    /// Creates a contract for an organisation; audited in the same transaction.
    pub async fn create_contract(
        &self,
        actor: &Actor,
        organisation: &str,
        form: &ContractForm,
        address: &str,
    ) -> Result<ContractRecord> {
        require(actor, AdminArea::Contracts, Action::Manage)?;
        let organisation: OrganisationId = id(organisation)?;
        let store = self.app.store();
        store.organisation(actor, organisation).await?;
        let new = form.check(&store.products(true).await?, organisation)?;
        let audit = [entry(
            AuditEvent::ContractCreated,
            Concerning::organisation(actor.user_id, organisation),
            address,
            new.number.clone(),
        )];
        let id = store
            .create_contract_audited(&new, &audit)
            .await
            .map_err(taken)?;
        Ok(store.contract(actor, id).await?)
    }

    /// Changes a contract read at `form.version` (else 409); the changed fields enter its
    /// history and the audit log in the same transaction.
    pub async fn update_contract(
        &self,
        actor: &Actor,
        id: &str,
        form: &ContractForm,
        address: &str,
    ) -> Result<ContractRecord> {
        require(actor, AdminArea::Contracts, Action::Manage)?;
        let id: ContractId = super::id(id)?;
        let store = self.app.store();
        let current = store.contract(actor, id).await?;
        let changed = form.check(&store.products(true).await?, current.organisation_id)?;
        let concerning = Concerning::organisation(actor.user_id, current.organisation_id);
        let number = changed.number.clone();
        store
            .update_contract(actor, id, form.version, &changed, |changes| {
                if changes.is_empty() {
                    return Vec::new();
                }
                let fields: Vec<&str> = changes.iter().map(|c| c.field).collect();
                vec![entry(
                    AuditEvent::ContractChanged,
                    concerning,
                    address,
                    format!("{number}: {}", fields.join(", ")),
                )]
            })
            .await
            .map_err(taken)?;
        Ok(store.contract(actor, id).await?)
    }
}
