//! Procedures (postupy) of the podpora agenda. Staff who write in podpora write them; every
//! save is a new revision, and all revisions are kept. Staff who read podpora see all;
//! customer and partner users with a podpora right see those for all customers and those
//! chosen for one of their organisations — never staff-only ones. Anything else answers
//! [`StoreError::NotFound`]; the chosen organisations are a staff-only read.

use chrono::{DateTime, Utc};
use supportweb_domain::Actor;
use supportweb_domain::agenda::Agenda;
use supportweb_domain::ids::{FileId, OrganisationId, ProcedureId, ProductId, UserId};
use supportweb_domain::permissions::{Action, Area};
use supportweb_domain::procedure::ProcedureVisibility;
use uuid::Uuid;

use crate::attachments::Link;
use crate::files::FileRecord;
use crate::history::{FieldChange, diff};
use crate::patches::PatchFile;
use crate::{Store, StoreError, Tx, now, on_pool, on_tx};

/// History entity name of procedures.
pub const ENTITY: &str = "procedure";

/// A procedure as anyone who may see it sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureRecord {
    /// Id.
    pub id: ProcedureId,
    /// Title.
    pub title: String,
    /// Body (Markdown as typed).
    pub body: String,
    /// Who sees it.
    pub visibility: ProcedureVisibility,
    /// The products it is about: id and name.
    pub products: Vec<(ProductId, String)>,
    /// Its files.
    pub files: Vec<PatchFile>,
    /// The current revision (1 for the first).
    pub revision: i64,
    /// Who saved the current revision.
    pub updated_by_name: String,
    /// When.
    pub updated_at: DateTime<Utc>,
    /// Incremented on every change.
    pub version: i64,
}

/// A procedure as staff write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProcedure {
    /// Title.
    pub title: String,
    /// Body.
    pub body: String,
    /// Visibility.
    pub visibility: ProcedureVisibility,
    /// Products (each must exist).
    pub products: Vec<ProductId>,
    /// With [`ProcedureVisibility::Chosen`]: the organisations (authorised again).
    pub organisations: Vec<OrganisationId>,
    /// Its files: kept ones and the actor's own new uploads.
    pub files: Vec<FileId>,
}

/// One saved revision.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevisionRecord {
    /// Number, from 1.
    pub revision: i64,
    /// Title then.
    pub title: String,
    /// Body then.
    pub body: String,
    /// Who saved it.
    pub changed_by: String,
    /// When.
    pub changed_at: DateTime<Utc>,
}

/// Why a procedure write was refused.
#[derive(Debug, thiserror::Error)]
pub enum ProcedureError {
    /// Storage failed, or the procedure is not visible.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A value that arrived in the request is not acceptable (the field name).
    #[error("invalid {0}")]
    Invalid(&'static str),
}

impl From<sqlx::Error> for ProcedureError {
    fn from(error: sqlx::Error) -> Self {
        ProcedureError::Store(StoreError::Database(error))
    }
}

/// Filters and position of the procedures overview (most recently changed first).
#[derive(Debug, Clone)]
pub struct ProcedureQuery {
    /// Tagged with this product.
    pub product: Option<ProductId>,
    /// Words in the title or body (case and diacritics do not matter).
    pub text: Option<String>,
    /// The last procedure of the previous page.
    pub after: Option<ProcedureId>,
    /// Page size.
    pub limit: u32,
}

impl Default for ProcedureQuery {
    fn default() -> Self {
        ProcedureQuery {
            product: None,
            text: None,
            after: None,
            limit: 50,
        }
    }
}

#[derive(sqlx::FromRow)]
struct ProcedureRow {
    id: Uuid,
    title: String,
    body: String,
    visibility: String,
    revision: i64,
    updated_by_name: String,
    updated_at: DateTime<Utc>,
    version: i64,
}

const PROCEDURE_SELECT: &str = "SELECT p.id, p.title, p.body, p.visibility, p.revision,
     u.display_name AS updated_by_name, p.updated_at, p.version
     FROM procedures p JOIN users u ON u.id = p.updated_by";

/// The scope on `p` for a customer or partner user (`{user}` is its parameter).
pub(crate) fn customer_sees(user: &str) -> String {
    format!(
        "(EXISTS (SELECT 1 FROM organisation_memberships m WHERE m.user_id = {user}
           AND m.right_podpora IN ('read', 'write')
           AND (p.visibility = 'all' OR (p.visibility = 'chosen' AND EXISTS (
                SELECT 1 FROM procedure_organisations po
                WHERE po.procedure_id = p.id AND po.organisation_id = m.organisation_id)))))"
    )
}

fn staff_may(actor: &Actor, action: Action) -> bool {
    actor.staff_may(Area::Agenda(Agenda::Podpora), action)
}

impl NewProcedure {
    fn search_key(&self) -> String {
        supportweb_domain::search::search_key(&format!("{} {}", self.title, self.body))
    }
}

impl Store {
    async fn check_procedure(
        &self,
        actor: &Actor,
        new: &NewProcedure,
    ) -> Result<(), ProcedureError> {
        for product in &new.products {
            match self.product(*product).await {
                Ok(_) => {}
                Err(StoreError::NotFound) => return Err(ProcedureError::Invalid("products")),
                Err(e) => return Err(e.into()),
            }
        }
        for organisation in &new.organisations {
            match self.organisation(actor, *organisation).await {
                Ok(_) => {}
                Err(StoreError::NotFound) => {
                    return Err(ProcedureError::Invalid("organisations"));
                }
                Err(e) => return Err(e.into()),
            }
        }
        if new.visibility == ProcedureVisibility::Chosen && new.organisations.is_empty() {
            return Err(ProcedureError::Invalid("organisations"));
        }
        Ok(())
    }

    /// Writes a new procedure as its first revision (staff who write in podpora).
    pub async fn create_procedure(
        &self,
        actor: &Actor,
        new: &NewProcedure,
    ) -> Result<ProcedureId, ProcedureError> {
        if !staff_may(actor, Action::Write) {
            return Err(StoreError::NotFound.into());
        }
        self.check_procedure(actor, new).await?;
        let id = ProcedureId::generate();
        let at = now();
        let mut tx = self.begin().await?;
        on_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO procedures (id, title, body, visibility, search_key, revision, version,
                 created_by, updated_by, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, 1, 1, $6, $6, $7, $7)",
            )
            .bind(id.0)
            .bind(new.title.as_str())
            .bind(new.body.as_str())
            .bind(new.visibility.as_str())
            .bind(new.search_key())
            .bind(actor.user_id.0)
            .bind(at)
            .execute(conn)
            .await?
            .rows_affected()
        });
        tx.write_procedure_children(actor, id, new).await?;
        tx.insert_revision(id, 1, new, actor.user_id, at).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Saves a new revision of a procedure (staff who write in podpora), guarded by
    /// `version`; changes of visibility, products, organisations and files enter the history.
    pub async fn update_procedure(
        &self,
        actor: &Actor,
        id: ProcedureId,
        new: &NewProcedure,
        version: i64,
    ) -> Result<(), ProcedureError> {
        if !staff_may(actor, Action::Write) {
            return Err(StoreError::NotFound.into());
        }
        let before = self.procedure(actor, id).await?;
        self.check_procedure(actor, new).await?;
        let chosen_before = self.procedure_organisations(actor, id).await?;
        fn names<T>(list: &[(T, String)]) -> String {
            list.iter()
                .map(|(_, n)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        }
        let at = now();
        let revision = before.revision + 1;
        let mut tx = self.begin().await?;
        let updated = on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE procedures SET title = $2, body = $3, visibility = $4, search_key = $5,
                 revision = $6, version = version + 1, updated_by = $7, updated_at = $8
                 WHERE id = $1 AND version = $9",
            )
            .bind(id.0)
            .bind(new.title.as_str())
            .bind(new.body.as_str())
            .bind(new.visibility.as_str())
            .bind(new.search_key())
            .bind(revision)
            .bind(actor.user_id.0)
            .bind(at)
            .bind(version)
            .execute(conn)
            .await?
            .rows_affected()
        });
        if updated != 1 {
            return Err(StoreError::Conflict.into());
        }
        tx.write_procedure_children(actor, id, new).await?;
        tx.insert_revision(id, revision, new, actor.user_id, at)
            .await?;
        let after = tx.procedure_names(id).await?;
        let files_before = before
            .files
            .iter()
            .map(|f| f.file_name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let mut changes = diff(
            &[
                ("visibility", before.visibility.as_str().to_owned()),
                ("products", names(&before.products)),
                ("organisations", names(&chosen_before)),
                ("files", files_before),
            ],
            &[
                ("visibility", new.visibility.as_str().to_owned()),
                ("products", after.0),
                ("organisations", after.1),
                ("files", after.2),
            ],
        );
        changes.push(FieldChange {
            field: "revision",
            old: before.revision.to_string(),
            new: revision.to_string(),
        });
        tx.record_changes(ENTITY, id.0, actor.user_id, &changes)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// One procedure the actor may see, with its products and files.
    pub async fn procedure(
        &self,
        actor: &Actor,
        id: ProcedureId,
    ) -> Result<ProcedureRecord, StoreError> {
        let row: Option<ProcedureRow> = if actor.is_staff() {
            if !staff_may(actor, Action::Read) {
                return Err(StoreError::NotFound);
            }
            let sql = format!("{PROCEDURE_SELECT} WHERE p.id = $1");
            on_pool!(self, pool => {
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(pool).await?
            })
        } else {
            let sql = format!(
                "{PROCEDURE_SELECT} WHERE p.id = $1 AND {}",
                customer_sees("$2")
            );
            on_pool!(self, pool => {
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(id.0)
                    .bind(actor.user_id.0)
                    .fetch_optional(pool)
                    .await?
            })
        };
        self.procedure_record(row.ok_or(StoreError::NotFound)?)
            .await
    }

    async fn procedure_record(&self, row: ProcedureRow) -> Result<ProcedureRecord, StoreError> {
        let id = row.id;
        let products: Vec<(Uuid, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT pr.id, pr.name FROM procedure_products pp JOIN products pr ON pr.id = pp.product_id
                 WHERE pp.procedure_id = $1 ORDER BY pr.name, pr.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?
        });
        let files: Vec<(Uuid, String, i64, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT f.id, f.file_name, f.size_bytes, f.sha256 FROM procedure_files pf
                 JOIN files f ON f.id = pf.file_id WHERE pf.procedure_id = $1 ORDER BY f.file_name, f.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?
        });
        Ok(ProcedureRecord {
            id: ProcedureId(id),
            visibility: ProcedureVisibility::parse(&row.visibility)
                .ok_or_else(|| StoreError::Corrupt(format!("visibility {:?}", row.visibility)))?,
            title: row.title,
            body: row.body,
            products: products
                .into_iter()
                .map(|(id, name)| (ProductId(id), name))
                .collect(),
            files: files
                .into_iter()
                .map(|(id, file_name, size_bytes, sha256)| PatchFile {
                    file_id: FileId(id),
                    file_name,
                    size_bytes,
                    sha256,
                })
                .collect(),
            revision: row.revision,
            updated_by_name: row.updated_by_name,
            updated_at: row.updated_at,
            version: row.version,
        })
    }

    /// A page of the procedures the actor may see, most recently changed first.
    pub async fn procedures(
        &self,
        actor: &Actor,
        query: &ProcedureQuery,
    ) -> Result<Vec<ProcedureRecord>, StoreError> {
        if actor.is_staff() && !staff_may(actor, Action::Read) {
            return Err(StoreError::NotFound);
        }
        enum Arg {
            U(Uuid),
            T(String),
            At(DateTime<Utc>),
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
        if let Some(product) = query.product {
            let n = arg(Arg::U(product.0), &mut args);
            conditions.push(format!(
                "p.id IN (SELECT pp.procedure_id FROM procedure_products pp WHERE pp.product_id = {n})"
            ));
        }
        for pattern in supportweb_domain::search::like_patterns(query.text.as_deref().unwrap_or(""))
        {
            let n = arg(Arg::T(pattern), &mut args);
            conditions.push(format!("p.search_key LIKE {n} ESCAPE '\\'"));
        }
        if let Some(after) = query.after {
            // Read through the actor's scope: a procedure it may not see is no cursor, just
            // like a missing one.
            let at = match self.procedure(actor, after).await {
                Ok(p) => Some(p.updated_at),
                Err(StoreError::NotFound) => None,
                Err(e) => return Err(e),
            };
            if let Some(at) = at {
                let t = arg(Arg::At(at), &mut args);
                let i = arg(Arg::U(after.0), &mut args);
                conditions.push(format!(
                    "(p.updated_at < {t} OR (p.updated_at = {t} AND p.id < {i}))"
                ));
            }
        }
        let mut sql = String::from(PROCEDURE_SELECT);
        if !conditions.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conditions.join(" AND "));
        }
        sql.push_str(&format!(
            " ORDER BY p.updated_at DESC, p.id DESC LIMIT {}",
            query.limit.clamp(1, 500)
        ));
        let rows: Vec<ProcedureRow> = on_pool!(self, pool => {
            let mut q = sqlx::query_as::<_, ProcedureRow>(sqlx::AssertSqlSafe(sql.clone()));
            for a in &args {
                q = match a {
                    Arg::U(v) => q.bind(*v),
                    Arg::T(v) => q.bind(v.clone()),
                    Arg::At(v) => q.bind(*v),
                };
            }
            q.fetch_all(pool).await?
        });
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(self.procedure_record(row).await?);
        }
        Ok(out)
    }

    /// The revisions of a procedure the actor may see, newest first: staff all of them,
    /// customers the current one and those saved while it was for all customers (never a
    /// text saved while it was staff-only or for other organisations).
    pub async fn procedure_revisions(
        &self,
        actor: &Actor,
        id: ProcedureId,
    ) -> Result<Vec<RevisionRecord>, StoreError> {
        let current = self.procedure(actor, id).await?;
        let rows: Vec<(i64, String, String, String, DateTime<Utc>)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT r.revision, r.title, r.body, u.display_name, r.changed_at
                 FROM procedure_revisions r JOIN users u ON u.id = r.changed_by
                 WHERE r.procedure_id = $1 AND ($2 OR r.visibility = $3 OR r.revision = $4)
                 ORDER BY r.revision DESC",
            )
            .bind(id.0)
            .bind(actor.is_staff())
            .bind(ProcedureVisibility::All.as_str())
            .bind(current.revision)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(revision, title, body, changed_by, changed_at)| RevisionRecord {
                    revision,
                    title,
                    body,
                    changed_by,
                    changed_at,
                },
            )
            .collect())
    }

    /// The organisations a procedure was chosen for, by name (staff only).
    pub async fn procedure_organisations(
        &self,
        actor: &Actor,
        id: ProcedureId,
    ) -> Result<Vec<(OrganisationId, String)>, StoreError> {
        if !staff_may(actor, Action::Read) {
            return Err(StoreError::NotFound);
        }
        let rows: Vec<(Uuid, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT o.id, o.name FROM procedure_organisations po
                 JOIN organisations o ON o.id = po.organisation_id
                 WHERE po.procedure_id = $1 ORDER BY o.name, o.id",
            )
            .bind(id.0)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, name)| (OrganisationId(id), name))
            .collect())
    }

    /// A file of a procedure the actor may see; any other answers not found.
    pub async fn procedure_file(
        &self,
        actor: &Actor,
        id: ProcedureId,
        file: FileId,
    ) -> Result<FileRecord, StoreError> {
        let procedure = self.procedure(actor, id).await?;
        if !procedure.files.iter().any(|f| f.file_id == file) {
            return Err(StoreError::NotFound);
        }
        self.file_unscoped(file).await
    }
}

impl Tx {
    async fn write_procedure_children(
        &mut self,
        actor: &Actor,
        id: ProcedureId,
        new: &NewProcedure,
    ) -> Result<(), ProcedureError> {
        for table in ["procedure_products", "procedure_organisations"] {
            let sql = format!("DELETE FROM {table} WHERE procedure_id = $1");
            on_tx!(self, conn => {
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(id.0)
                    .execute(conn)
                    .await?
                    .rows_affected()
            });
        }
        for product in &new.products {
            on_tx!(self, conn => {
                sqlx::query(
                    "INSERT INTO procedure_products (procedure_id, product_id) VALUES ($1, $2)
                     ON CONFLICT DO NOTHING",
                )
                .bind(id.0)
                .bind(product.0)
                .execute(conn)
                .await?
                .rows_affected()
            });
        }
        if new.visibility == ProcedureVisibility::Chosen {
            for organisation in &new.organisations {
                on_tx!(self, conn => {
                    sqlx::query(
                        "INSERT INTO procedure_organisations (procedure_id, organisation_id)
                         VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    )
                    .bind(id.0)
                    .bind(organisation.0)
                    .execute(conn)
                    .await?
                    .rows_affected()
                });
            }
        }
        if !self
            .replace_uploads(actor, Link::Procedure(id), &new.files)
            .await?
        {
            return Err(ProcedureError::Invalid("files"));
        }
        Ok(())
    }

    async fn insert_revision(
        &mut self,
        id: ProcedureId,
        revision: i64,
        new: &NewProcedure,
        by: UserId,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_tx!(self, conn => {
            sqlx::query(
                "INSERT INTO procedure_revisions (procedure_id, revision, title, body, visibility,
                 changed_by, changed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id.0)
            .bind(revision)
            .bind(new.title.as_str())
            .bind(new.body.as_str())
            .bind(new.visibility.as_str())
            .bind(by.0)
            .bind(at)
            .execute(conn)
            .await?
            .rows_affected()
        });
        Ok(())
    }

    /// Product, organisation and file names of a procedure, as the history shows them.
    async fn procedure_names(
        &mut self,
        id: ProcedureId,
    ) -> Result<(String, String, String), StoreError> {
        let mut out = Vec::new();
        for sql in [
            "SELECT pr.name FROM procedure_products x JOIN products pr ON pr.id = x.product_id
             WHERE x.procedure_id = $1 ORDER BY pr.name, pr.id",
            "SELECT o.name FROM procedure_organisations x JOIN organisations o ON o.id = x.organisation_id
             WHERE x.procedure_id = $1 ORDER BY o.name, o.id",
            "SELECT f.file_name FROM procedure_files x JOIN files f ON f.id = x.file_id
             WHERE x.procedure_id = $1 ORDER BY f.file_name, f.id",
        ] {
            let names: Vec<String> = on_tx!(self, conn => {
                sqlx::query_scalar(sql).bind(id.0).fetch_all(conn).await?
            });
            out.push(names.join(", "));
        }
        let files = out.pop().unwrap_or_default();
        let organisations = out.pop().unwrap_or_default();
        let products = out.pop().unwrap_or_default();
        Ok((products, organisations, files))
    }
}
