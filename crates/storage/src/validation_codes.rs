//! Validation codes of the podpora agenda. Staff who read podpora see every organisation's
//! codes and those who write in it issue, change and import them; customer and partner users
//! see only the codes of organisations where they hold a podpora right *and* the
//! see-validation-codes flag. Anything else answers [`StoreError::NotFound`].
//!
//! The code is stored sealed: [`CodeRecord`] never carries it, and the sealed bytes come only
//! from [`Store::sealed_validation_code`], which the web layer calls to reveal (and audit).

use chrono::{DateTime, NaiveDate, Utc};
use supportweb_domain::Actor;
use supportweb_domain::agenda::Agenda;
use supportweb_domain::ids::{OrganisationId, ProductId, ValidationCodeId};
use supportweb_domain::permissions::{Action, Area};
use uuid::Uuid;

use crate::audit::NewAuditEvent;
use crate::history::{FieldChange, diff};
use crate::{Store, StoreError, Tx, now, on_pool, on_tx};

/// History entity name of validation codes.
pub const ENTITY: &str = "validation_code";

/// A validation code as its readers see it: everything but the code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRecord {
    /// Id.
    pub id: ValidationCodeId,
    /// The organisation it was issued to.
    pub organisation_id: OrganisationId,
    /// Its name.
    pub organisation_name: String,
    /// Product.
    pub product_id: ProductId,
    /// Product name.
    pub product_name: String,
    /// Module (empty: the whole product).
    pub module: String,
    /// First valid day.
    pub valid_from: NaiveDate,
    /// Last valid day (none: no end).
    pub valid_to: Option<NaiveDate>,
    /// Who issued it.
    pub issued_by_name: String,
    /// Note.
    pub note: String,
    /// Incremented on every change.
    pub version: i64,
    /// Issued at.
    pub created_at: DateTime<Utc>,
}

/// A code as staff type it (the code itself travels sealed, beside it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCode {
    /// The organisation (authorised again).
    pub organisation_id: OrganisationId,
    /// Product (must exist).
    pub product_id: ProductId,
    /// One of the product's modules, or empty.
    pub module: String,
    /// First valid day.
    pub valid_from: NaiveDate,
    /// Last valid day.
    pub valid_to: Option<NaiveDate>,
    /// Note.
    pub note: String,
}

impl NewCode {
    fn fields(&self, organisation: &str, product: &str) -> Vec<(&'static str, String)> {
        vec![
            ("organisation", organisation.to_owned()),
            ("product", product.to_owned()),
            ("module", self.module.clone()),
            ("valid_from", self.valid_from.to_string()),
            (
                "valid_to",
                self.valid_to.map(|d| d.to_string()).unwrap_or_default(),
            ),
            ("note", self.note.clone()),
        ]
    }
}

/// A code to write: its id (the sealing's associated data), the fields and the sealed code.
#[derive(Debug, Clone)]
pub struct SealedCode {
    /// Id chosen by the caller.
    pub id: ValidationCodeId,
    /// Fields.
    pub code: NewCode,
    /// The code, sealed under the id.
    pub sealed: Vec<u8>,
}

/// Why a write of codes was refused.
#[derive(Debug, thiserror::Error)]
pub enum CodeError {
    /// Storage failed, or the code is not visible.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A value that arrived in the request is not acceptable (the field name).
    #[error("invalid {0}")]
    Invalid(&'static str),
}

impl From<sqlx::Error> for CodeError {
    fn from(error: sqlx::Error) -> Self {
        CodeError::Store(StoreError::Database(error))
    }
}

/// Filters and position of a codes overview (newest first).
#[derive(Debug, Clone)]
pub struct CodeQuery {
    /// Organisation.
    pub organisation: Option<OrganisationId>,
    /// Product.
    pub product: Option<ProductId>,
    /// Only codes valid on this day whose last day is within 30 days of it.
    pub expiring_on: Option<NaiveDate>,
    /// The last code of the previous page.
    pub after: Option<ValidationCodeId>,
    /// Page size.
    pub limit: u32,
}

impl Default for CodeQuery {
    fn default() -> Self {
        CodeQuery {
            organisation: None,
            product: None,
            expiring_on: None,
            after: None,
            limit: 50,
        }
    }
}

#[derive(sqlx::FromRow)]
struct CodeRow {
    id: Uuid,
    organisation_id: Uuid,
    organisation_name: String,
    product_id: Uuid,
    product_name: String,
    module: String,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    issued_by_name: String,
    note: String,
    version: i64,
    created_at: DateTime<Utc>,
}

impl From<CodeRow> for CodeRecord {
    fn from(r: CodeRow) -> Self {
        CodeRecord {
            id: ValidationCodeId(r.id),
            organisation_id: OrganisationId(r.organisation_id),
            organisation_name: r.organisation_name,
            product_id: ProductId(r.product_id),
            product_name: r.product_name,
            module: r.module,
            valid_from: r.valid_from,
            valid_to: r.valid_to,
            issued_by_name: r.issued_by_name,
            note: r.note,
            version: r.version,
            created_at: r.created_at,
        }
    }
}

const CODE_SELECT: &str = "SELECT c.id, c.organisation_id, o.name AS organisation_name,
     c.product_id, p.name AS product_name, c.module, c.valid_from, c.valid_to,
     u.display_name AS issued_by_name, c.note, c.version, c.created_at
     FROM validation_codes c JOIN organisations o ON o.id = c.organisation_id
     JOIN products p ON p.id = c.product_id JOIN users u ON u.id = c.issued_by";

/// The scope on `c` for a customer or partner user (`{user}` is its parameter).
fn customer_sees(user: &str) -> String {
    format!(
        "c.organisation_id IN (SELECT m.organisation_id FROM organisation_memberships m
         WHERE m.user_id = {user} AND m.may_see_validation_codes = TRUE
         AND m.right_podpora IN ('read', 'write'))"
    )
}

fn staff_may(actor: &Actor, action: Action) -> bool {
    actor.staff_may(Area::Agenda(Agenda::Podpora), action)
}

/// Whether the actor may see any validation code at all.
pub fn may_see_codes(actor: &Actor) -> bool {
    if actor.is_staff() {
        staff_may(actor, Action::Read)
    } else {
        actor
            .memberships
            .iter()
            .any(|m| m.rights.may_see_validation_codes && m.rights.podpora.may_enter())
    }
}

impl Store {
    /// Checks a code to write against the catalogue and the organisations; returns the names
    /// for the history.
    async fn check_code(
        &self,
        actor: &Actor,
        code: &NewCode,
    ) -> Result<(String, String), CodeError> {
        let organisation = match self.organisation(actor, code.organisation_id).await {
            Ok(o) => o,
            Err(StoreError::NotFound) => return Err(CodeError::Invalid("organisation")),
            Err(e) => return Err(e.into()),
        };
        let product = match self.product(code.product_id).await {
            Ok(p) => p,
            Err(StoreError::NotFound) => return Err(CodeError::Invalid("product")),
            Err(e) => return Err(e.into()),
        };
        if !code.module.is_empty() && !product.modules.contains(&code.module) {
            return Err(CodeError::Invalid("module"));
        }
        if code.valid_to.is_some_and(|to| to < code.valid_from) {
            return Err(CodeError::Invalid("valid_to"));
        }
        Ok((organisation.name, product.name))
    }

    /// Issues codes (one, or a whole import) in one transaction with their `audit` entries:
    /// every code is checked first and nothing is written unless all are acceptable. Staff
    /// who write in podpora.
    pub async fn issue_codes(
        &self,
        actor: &Actor,
        codes: &[SealedCode],
        audit: &[NewAuditEvent],
    ) -> Result<(), CodeError> {
        if !staff_may(actor, Action::Write) {
            return Err(StoreError::NotFound.into());
        }
        let mut names = Vec::with_capacity(codes.len());
        for code in codes {
            names.push(self.check_code(actor, &code.code).await?);
        }
        let at = now();
        let mut tx = self.begin().await?;
        for (code, (organisation, product)) in codes.iter().zip(&names) {
            tx.insert_code(actor, code, at).await?;
            let changes: Vec<FieldChange> = code
                .code
                .fields(organisation, product)
                .into_iter()
                .filter(|(_, value)| !value.is_empty())
                .map(|(field, new)| FieldChange {
                    field,
                    old: String::new(),
                    new,
                })
                .chain(std::iter::once(FieldChange {
                    field: "code",
                    old: String::new(),
                    new: "•••".to_owned(),
                }))
                .collect();
            tx.record_changes(ENTITY, code.id.0, actor.user_id, &changes)
                .await?;
        }
        tx.record_audit(audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Changes a code (staff who write in podpora), guarded by `version`, with its `audit`
    /// entries; `sealed` replaces the code itself when given.
    pub async fn update_code(
        &self,
        actor: &Actor,
        id: ValidationCodeId,
        code: &NewCode,
        sealed: Option<Vec<u8>>,
        version: i64,
        audit: &[NewAuditEvent],
    ) -> Result<(), CodeError> {
        if !staff_may(actor, Action::Write) {
            return Err(StoreError::NotFound.into());
        }
        let before = self.validation_code(actor, id).await?;
        let (organisation, product) = self.check_code(actor, code).await?;
        let old = NewCode {
            organisation_id: before.organisation_id,
            product_id: before.product_id,
            module: before.module.clone(),
            valid_from: before.valid_from,
            valid_to: before.valid_to,
            note: before.note.clone(),
        };
        let mut changes = diff(
            &old.fields(&before.organisation_name, &before.product_name),
            &code.fields(&organisation, &product),
        );
        if sealed.is_some() {
            changes.push(FieldChange {
                field: "code",
                old: "•••".to_owned(),
                new: "•••".to_owned(),
            });
        }
        let mut tx = self.begin().await?;
        let updated = on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE validation_codes SET organisation_id = $2, product_id = $3, module = $4,
                 valid_from = $5, valid_to = $6, note = $7,
                 sealed_code = COALESCE($8, sealed_code), version = version + 1, updated_at = $9
                 WHERE id = $1 AND version = $10",
            )
            .bind(id.0)
            .bind(code.organisation_id.0)
            .bind(code.product_id.0)
            .bind(code.module.as_str())
            .bind(code.valid_from)
            .bind(code.valid_to)
            .bind(code.note.as_str())
            .bind(sealed.as_deref())
            .bind(now())
            .bind(version)
            .execute(conn)
            .await?
            .rows_affected()
        });
        if updated != 1 {
            return Err(StoreError::Conflict.into());
        }
        tx.record_changes(ENTITY, id.0, actor.user_id, &changes)
            .await?;
        tx.record_audit(audit).await?;
        tx.commit().await?;
        Ok(())
    }

    /// One code the actor may see (without the code).
    pub async fn validation_code(
        &self,
        actor: &Actor,
        id: ValidationCodeId,
    ) -> Result<CodeRecord, StoreError> {
        if !may_see_codes(actor) {
            return Err(StoreError::NotFound);
        }
        let row: Option<CodeRow> = if actor.is_staff() {
            let sql = format!("{CODE_SELECT} WHERE c.id = $1");
            on_pool!(self, pool => {
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(pool).await?
            })
        } else {
            let sql = format!("{CODE_SELECT} WHERE c.id = $1 AND {}", customer_sees("$2"));
            on_pool!(self, pool => {
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(id.0)
                    .bind(actor.user_id.0)
                    .fetch_optional(pool)
                    .await?
            })
        };
        row.map(CodeRecord::from).ok_or(StoreError::NotFound)
    }

    /// The sealed code of one the actor may see. Call only to reveal it, and audit that.
    pub async fn sealed_validation_code(
        &self,
        actor: &Actor,
        id: ValidationCodeId,
    ) -> Result<Vec<u8>, StoreError> {
        self.validation_code(actor, id).await?;
        let sealed: Option<Vec<u8>> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT sealed_code FROM validation_codes WHERE id = $1")
                .bind(id.0)
                .fetch_optional(pool)
                .await?
        });
        sealed.ok_or(StoreError::NotFound)
    }

    /// A page of the codes the actor may see, newest first.
    pub async fn validation_codes(
        &self,
        actor: &Actor,
        query: &CodeQuery,
    ) -> Result<Vec<CodeRecord>, StoreError> {
        if !may_see_codes(actor) {
            return Err(StoreError::NotFound);
        }
        enum Arg {
            U(Uuid),
            D(NaiveDate),
        }
        let mut args: Vec<Arg> = Vec::new();
        let mut conditions: Vec<String> = Vec::new();
        let arg = |a: Arg, args: &mut Vec<Arg>| {
            args.push(a);
            format!("${}", args.len())
        };
        if !actor.is_staff() {
            let n = arg(Arg::U(actor.user_id.0), &mut args);
            conditions.push(customer_sees(&n));
        }
        if let Some(o) = query.organisation {
            let n = arg(Arg::U(o.0), &mut args);
            conditions.push(format!("c.organisation_id = {n}"));
        }
        if let Some(p) = query.product {
            let n = arg(Arg::U(p.0), &mut args);
            conditions.push(format!("c.product_id = {n}"));
        }
        if let Some(day) = query.expiring_on {
            let today = arg(Arg::D(day), &mut args);
            let limit = arg(
                Arg::D(
                    day + chrono::Duration::days(
                        supportweb_domain::validation_code::EXPIRY_WARNING_DAYS,
                    ),
                ),
                &mut args,
            );
            conditions.push(format!(
                "c.valid_from <= {today} AND c.valid_to >= {today} AND c.valid_to <= {limit}"
            ));
        }
        if let Some(after) = query.after {
            let n = arg(Arg::U(after.0), &mut args);
            conditions.push(format!("c.id < {n}"));
        }
        let mut sql = String::from(CODE_SELECT);
        if !conditions.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conditions.join(" AND "));
        }
        sql.push_str(&format!(
            " ORDER BY c.id DESC LIMIT {}",
            query.limit.clamp(1, 500)
        ));
        let rows: Vec<CodeRow> = on_pool!(self, pool => {
            let mut q = sqlx::query_as::<_, CodeRow>(sqlx::AssertSqlSafe(sql.clone()));
            for a in &args {
                q = match a {
                    Arg::U(v) => q.bind(*v),
                    Arg::D(v) => q.bind(*v),
                };
            }
            q.fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(CodeRecord::from).collect())
    }
}

impl Tx {
    async fn insert_code(
        &mut self,
        actor: &Actor,
        code: &SealedCode,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_tx!(self, conn => {
            sqlx::query(
                "INSERT INTO validation_codes (id, organisation_id, product_id, module, sealed_code,
                 valid_from, valid_to, issued_by, note, version, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10)",
            )
            .bind(code.id.0)
            .bind(code.code.organisation_id.0)
            .bind(code.code.product_id.0)
            .bind(code.code.module.as_str())
            .bind(code.sealed.as_slice())
            .bind(code.code.valid_from)
            .bind(code.code.valid_to)
            .bind(actor.user_id.0)
            .bind(code.code.note.as_str())
            .bind(at)
            .execute(conn)
            .await?
            .rows_affected()
        });
        Ok(())
    }
}
