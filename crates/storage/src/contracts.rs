//! Support contracts and their SLA plans.

use chrono::{DateTime, NaiveDate, Utc};
use supportweb_domain::Actor;
use supportweb_domain::contract::{ContractState, ContractTerm};
use supportweb_domain::ids::{ContractId, OrganisationId, ProductId};
use supportweb_domain::severity::{Severity, SlaTarget};
use uuid::Uuid;

use crate::audit::NewAuditEvent;
use crate::history::{FieldChange, diff};
use crate::{Store, StoreError, Tx, now, on_pool, on_tx};

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
    /// Products of the catalogue it covers, with their names.
    pub products: Vec<(ProductId, String)>,
    /// What else to know about its scope (modules, exclusions).
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
    /// Covered products of the catalogue.
    pub products: Vec<ProductId>,
    /// Notes on the scope.
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
        self.create_contract_audited(new, &[]).await
    }

    /// Creates a contract with its SLA plan and its `audit` entries in one transaction.
    pub async fn create_contract_audited(
        &self,
        new: &NewContract,
        audit: &[NewAuditEvent],
    ) -> Result<ContractId, StoreError> {
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
        tx.write_sla(id, &new.sla).await?;
        tx.write_contract_products(id, &new.products).await?;
        tx.record_audit(audit).await?;
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
            out.push(self.contract_record(row).await?);
        }
        Ok(out)
    }

    async fn contract_record(&self, row: ContractRow) -> Result<ContractRecord, StoreError> {
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
        let products: Vec<(Uuid, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT p.id, p.name FROM contract_products c JOIN products p ON p.id = c.product_id
                 WHERE c.contract_id = $1 ORDER BY p.name",
            )
            .bind(row.id)
            .fetch_all(pool)
            .await?
        });
        Ok(ContractRecord {
            products: products
                .into_iter()
                .map(|(id, name)| (ProductId(id), name))
                .collect(),
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
        })
    }

    /// One contract, if the actor may see its organisation.
    pub async fn contract(
        &self,
        actor: &Actor,
        id: ContractId,
    ) -> Result<ContractRecord, StoreError> {
        let row: Option<ContractRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, number, organisation_id, valid_from, valid_to, state, covered_scope,
                 prepaid_minutes, version, created_at FROM contracts WHERE id = $1",
            )
            .bind(id.0)
            .fetch_optional(pool)
            .await?
        });
        let row = row.ok_or(StoreError::NotFound)?;
        self.organisation(actor, OrganisationId(row.organisation_id))
            .await?;
        self.contract_record(row).await
    }

    /// Changes a contract read at `expected_version` — terms, products, scope, prepaid time
    /// and SLA plan — recording each changed field in its history and the audit entries
    /// `audit` makes of the changes, in one transaction. A stale version gives `Conflict`
    /// and writes nothing. Returns the changed fields.
    pub async fn update_contract(
        &self,
        actor: &Actor,
        id: ContractId,
        expected_version: i64,
        changed: &NewContract,
        audit: impl FnOnce(&[FieldChange]) -> Vec<NewAuditEvent>,
    ) -> Result<Vec<FieldChange>, StoreError> {
        let current = self.contract(actor, id).await?;
        let mut names = Vec::with_capacity(changed.products.len());
        for product in &changed.products {
            names.push(self.product(*product).await?.name);
        }
        names.sort();
        let mut tx = self.begin().await?;
        let updated = on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE contracts SET number = $1, valid_from = $2, valid_to = $3, state = $4,
                 covered_scope = $5, prepaid_minutes = $6, version = version + 1, updated_at = $7
                 WHERE id = $8 AND version = $9",
            )
            .bind(changed.number.as_str())
            .bind(changed.term.valid_from)
            .bind(changed.term.valid_to)
            .bind(changed.term.state.as_str())
            .bind(changed.covered_scope.as_str())
            .bind(changed.prepaid_minutes)
            .bind(now())
            .bind(id.0)
            .bind(expected_version)
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
        });
        if updated.map_err(|e| StoreError::unique(e, "contract number"))? != 1
            || current.version != expected_version
        {
            return Err(StoreError::Conflict);
        }
        tx.write_sla(id, &changed.sla).await?;
        tx.write_contract_products(id, &changed.products).await?;
        let before_names: Vec<String> = current.products.iter().map(|(_, n)| n.clone()).collect();
        let changes = diff(
            &contract_fields(
                &current.number,
                &current.term,
                &before_names,
                &current.covered_scope,
                current.prepaid_minutes,
                &current.sla,
            ),
            &contract_fields(
                &changed.number,
                &changed.term,
                &names,
                &changed.covered_scope,
                changed.prepaid_minutes,
                &changed.sla,
            ),
        );
        tx.record_changes("contract", id.0, actor.user_id, &changes)
            .await?;
        tx.record_audit(&audit(&changes)).await?;
        tx.commit().await?;
        Ok(changes)
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

/// A contract's fields as its history names them.
fn contract_fields(
    number: &str,
    term: &ContractTerm,
    products: &[String],
    covered_scope: &str,
    prepaid_minutes: Option<i64>,
    sla: &[SlaTarget],
) -> Vec<(&'static str, String)> {
    let mut fields = vec![
        ("number", number.to_owned()),
        ("valid_from", term.valid_from.to_string()),
        ("valid_to", term.valid_to.to_string()),
        ("state", term.state.as_str().to_owned()),
        ("products", products.join(", ")),
        ("covered_scope", covered_scope.to_owned()),
        (
            "prepaid_minutes",
            prepaid_minutes.map(|m| m.to_string()).unwrap_or_default(),
        ),
    ];
    for severity in Severity::ALL {
        let target = sla.iter().find(|t| t.severity == severity);
        let field = match severity {
            Severity::Critical => "sla_critical",
            Severity::High => "sla_high",
            Severity::Medium => "sla_medium",
            Severity::Low => "sla_low",
        };
        fields.push((
            field,
            target
                .map(|t| format!("{} / {} min", t.response_minutes, t.resolution_minutes))
                .unwrap_or_default(),
        ));
    }
    fields
}

impl Tx {
    async fn write_sla(&mut self, id: ContractId, sla: &[SlaTarget]) -> Result<(), StoreError> {
        on_tx!(self, conn => {
            sqlx::query("DELETE FROM contract_sla_targets WHERE contract_id = $1")
                .bind(id.0)
                .execute(conn)
                .await?
                .rows_affected()
        });
        for target in sla {
            on_tx!(self, conn => {
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
        Ok(())
    }

    async fn write_contract_products(
        &mut self,
        id: ContractId,
        products: &[ProductId],
    ) -> Result<(), StoreError> {
        on_tx!(self, conn => {
            sqlx::query("DELETE FROM contract_products WHERE contract_id = $1")
                .bind(id.0)
                .execute(conn)
                .await?
                .rows_affected()
        });
        for product in products {
            on_tx!(self, conn => {
                sqlx::query("INSERT INTO contract_products (contract_id, product_id) VALUES ($1, $2)")
                    .bind(id.0)
                    .bind(product.0)
                    .execute(conn)
                    .await?
                    .rows_affected()
            });
        }
        Ok(())
    }
}
