//! Support contracts and their SLA plans.

use chrono::{DateTime, NaiveDate, Utc};
use supportweb_domain::Actor;
use supportweb_domain::contract::{ContractState, ContractTerm};
use supportweb_domain::ids::{ContractId, OrganisationId};
use supportweb_domain::severity::{Severity, SlaTarget};
use uuid::Uuid;

use crate::{Store, StoreError, now, on_pool, on_tx};

/// A stored contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContractRecord {
    /// Id.
    pub id: ContractId,
    /// Contract number (unique).
    pub number: String,
    /// The organisation it covers.
    pub organisation_id: OrganisationId,
    /// Validity and state.
    pub term: ContractTerm,
    /// Which products and modules it covers.
    pub covered_scope: String,
    /// Prepaid support time in minutes, if the contract has any.
    pub prepaid_minutes: Option<i64>,
    /// Response and resolution targets per severity.
    pub sla: Vec<SlaTarget>,
    /// Incremented on every change.
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// A contract to create.
#[derive(Debug, Clone)]
pub struct NewContract {
    /// Contract number.
    pub number: String,
    /// The organisation.
    pub organisation_id: OrganisationId,
    /// Validity and state.
    pub term: ContractTerm,
    /// Covered products and modules.
    pub covered_scope: String,
    /// Prepaid minutes.
    pub prepaid_minutes: Option<i64>,
    /// SLA plan.
    pub sla: Vec<SlaTarget>,
}

#[derive(sqlx::FromRow)]
struct ContractRow {
    id: Uuid,
    number: String,
    organisation_id: Uuid,
    valid_from: NaiveDate,
    valid_to: NaiveDate,
    state: String,
    covered_scope: String,
    prepaid_minutes: Option<i64>,
    version: i64,
    created_at: DateTime<Utc>,
}

impl Store {
    /// Creates a contract with its SLA plan in one transaction.
    pub async fn create_contract(&self, new: &NewContract) -> Result<ContractId, StoreError> {
        let id = ContractId::generate();
        let at = now();
        let mut tx = self.begin().await?;
        let inserted = on_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO contracts (id, number, organisation_id, valid_from, valid_to, state,
                 covered_scope, prepaid_minutes, version, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $9)",
            )
            .bind(id.0)
            .bind(new.number.as_str())
            .bind(new.organisation_id.0)
            .bind(new.term.valid_from)
            .bind(new.term.valid_to)
            .bind(new.term.state.as_str())
            .bind(new.covered_scope.as_str())
            .bind(new.prepaid_minutes)
            .bind(at)
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
        });
        inserted.map_err(|e| StoreError::unique(e, "contract number"))?;
        for target in &new.sla {
            on_tx!(tx, conn => {
                sqlx::query(
                    "INSERT INTO contract_sla_targets (contract_id, severity, response_minutes, resolution_minutes)
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(id.0)
                .bind(target.severity.as_str())
                .bind(target.response_minutes)
                .bind(target.resolution_minutes)
                .execute(conn)
                .await?
                .rows_affected()
            });
        }
        tx.commit().await?;
        Ok(id)
    }

    /// The contracts of an organisation the actor may see, newest validity first.
    pub async fn contracts(
        &self,
        actor: &Actor,
        organisation_id: OrganisationId,
    ) -> Result<Vec<ContractRecord>, StoreError> {
        self.organisation(actor, organisation_id).await?;
        let rows: Vec<ContractRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, number, organisation_id, valid_from, valid_to, state, covered_scope,
                 prepaid_minutes, version, created_at
                 FROM contracts WHERE organisation_id = $1 ORDER BY valid_to DESC, id",
            )
            .bind(organisation_id.0)
            .fetch_all(pool)
            .await?
        });
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let targets: Vec<(String, i64, i64)> = on_pool!(self, pool => {
                sqlx::query_as(
                    "SELECT severity, response_minutes, resolution_minutes
                     FROM contract_sla_targets WHERE contract_id = $1",
                )
                .bind(row.id)
                .fetch_all(pool)
                .await?
            });
            let mut sla = targets
                .into_iter()
                .map(|(severity, response_minutes, resolution_minutes)| {
                    Ok(SlaTarget {
                        severity: Severity::parse(&severity)
                            .ok_or_else(|| StoreError::Corrupt(format!("severity {severity:?}")))?,
                        response_minutes,
                        resolution_minutes,
                    })
                })
                .collect::<Result<Vec<_>, StoreError>>()?;
            sla.sort_by_key(|t| t.severity);
            out.push(ContractRecord {
                id: ContractId(row.id),
                number: row.number,
                organisation_id: OrganisationId(row.organisation_id),
                term: ContractTerm {
                    valid_from: row.valid_from,
                    valid_to: row.valid_to,
                    state: ContractState::parse(&row.state).ok_or_else(|| {
                        StoreError::Corrupt(format!("contract state {:?}", row.state))
                    })?,
                },
                covered_scope: row.covered_scope,
                prepaid_minutes: row.prepaid_minutes,
                sla,
                version: row.version,
                created_at: row.created_at,
            });
        }
        Ok(out)
    }

    /// The validity terms of an organisation's contracts, for one the actor may see.
    pub async fn contract_terms(
        &self,
        actor: &Actor,
        organisation_id: OrganisationId,
    ) -> Result<Vec<ContractTerm>, StoreError> {
        Ok(self
            .contracts(actor, organisation_id)
            .await?
            .into_iter()
            .map(|c| c.term)
            .collect())
    }

    /// Is the organisation entitled to support on `day`: does an active contract cover it?
    pub async fn entitled_on(
        &self,
        organisation_id: OrganisationId,
        day: NaiveDate,
    ) -> Result<bool, StoreError> {
        let count: i64 = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM contracts WHERE organisation_id = $1 AND state = $2
                 AND valid_from <= $3 AND valid_to >= $3",
            )
            .bind(organisation_id.0)
            .bind(ContractState::Active.as_str())
            .bind(day)
            .fetch_one(pool)
            .await?
        });
        Ok(count > 0)
    }
}
