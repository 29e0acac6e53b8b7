//! Patches of the podpora agenda. Staff who write in podpora prepare, publish and withdraw
//! them; customer and partner users with a podpora right see the published and withdrawn
//! patches offered to all organisations or chosen for one of theirs, and may download those
//! whose release date a contract of such an organisation covered. Drafts never reach them,
//! nor do patches chosen only for other organisations: those answer [`StoreError::NotFound`].
//! Every download is logged; the log and the chosen organisations are staff-only reads.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use supportweb_domain::Actor;
use supportweb_domain::agenda::Agenda;
use supportweb_domain::contract::{ContractState, ContractTerm};
use supportweb_domain::ids::{FileId, OrganisationId, PatchId, ProductId, UserId};
use supportweb_domain::patch::{
    DownloadAccess, PatchState, PatchStep, PatchVisibility, VersionRange, download_access,
};
use supportweb_domain::permissions::{Action, Area};
use uuid::Uuid;

use crate::attachments::Link;
use crate::files::FileRecord;
use crate::history::{FieldChange, diff};
use crate::notifications::EventKind;
use crate::{Store, StoreError, Tx, now, on_pool, on_tx};

/// History entity name of patches.
pub const ENTITY: &str = "patch";

/// Why a patch operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum PatchError {
    /// Storage failed, or the patch is not visible ([`StoreError::NotFound`]).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The actor may see the patch but not do this.
    #[error("not allowed")]
    NotAllowed,
    /// The step does not start from the patch's state.
    #[error("the step does not apply to the patch's state")]
    WrongState,
    /// A value that arrived in the request is not acceptable (the field name).
    #[error("invalid {0}")]
    Invalid(&'static str),
    /// The customer sees the patch but may not download it.
    #[error("download closed: {0:?}")]
    Closed(DownloadAccess),
}

impl From<sqlx::Error> for PatchError {
    fn from(error: sqlx::Error) -> Self {
        PatchError::Store(StoreError::Database(error))
    }
}

/// A file of a patch (and of procedures and protocols).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PatchFile {
    /// File id.
    pub file_id: FileId,
    /// Name.
    pub file_name: String,
    /// Size.
    pub size_bytes: i64,
    /// SHA-256 (hex).
    pub sha256: String,
}

/// A patch as anyone who may see it sees it. The organisations it was chosen for and its
/// download log are not part of it (staff-only calls).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchRecord {
    /// Id.
    pub id: PatchId,
    /// Product.
    pub product_id: ProductId,
    /// Product name.
    pub product_name: String,
    /// Module (empty: the whole product).
    pub module: String,
    /// Version or build of the patch itself.
    pub build: String,
    /// Title.
    pub title: String,
    /// Release notes (Markdown as typed).
    pub release_notes: String,
    /// Versions it applies to.
    pub applies: VersionRange,
    /// Release date (decides entitlement).
    pub released_on: NaiveDate,
    /// Who sees it.
    pub visibility: PatchVisibility,
    /// State.
    pub state: PatchState,
    /// Why it was withdrawn (shown to customers).
    pub withdrawal_reason: String,
    /// Who prepared it.
    pub created_by_name: String,
    /// Files.
    pub files: Vec<PatchFile>,
    /// Whether the actor may download it and, if not, why (staff: always allowed).
    pub access: DownloadAccess,
    /// Whether it matches an installation of the actor's organisations (customers only).
    pub applicable: bool,
    /// Incremented on every change.
    pub version: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A patch as staff type it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPatch {
    /// Product (must exist).
    pub product_id: ProductId,
    /// Module (one of the product's, or empty).
    pub module: String,
    /// Version or build.
    pub build: String,
    /// Title.
    pub title: String,
    /// Release notes.
    pub release_notes: String,
    /// Versions it applies to.
    pub applies: VersionRange,
    /// Release date.
    pub released_on: NaiveDate,
    /// Visibility.
    pub visibility: PatchVisibility,
    /// Organisations chosen (with [`PatchVisibility::Chosen`]); each is authorised again.
    pub organisations: Vec<OrganisationId>,
    /// The files it ships: kept ones and the actor's own new uploads.
    pub files: Vec<FileId>,
}

/// One logged download.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DownloadRecord {
    /// When.
    pub downloaded_at: DateTime<Utc>,
    /// Who.
    pub user_name: String,
    /// Their organisations (customer and partner users), by name.
    pub organisations: String,
    /// File name.
    pub file_name: String,
    /// The byte range asked for (empty: the whole file).
    pub byte_range: String,
    /// Client address.
    pub address: String,
}

/// Filters and position of a patch overview (newest release first).
#[derive(Debug, Clone)]
pub struct PatchQuery {
    /// Product.
    pub product: Option<ProductId>,
    /// State (staff; customers see published and withdrawn ones).
    pub state: Option<PatchState>,
    /// Only those matching the actor's installation cards (customers).
    pub applicable: bool,
    /// Released on or after.
    pub released_from: Option<NaiveDate>,
    /// Released on or before.
    pub released_to: Option<NaiveDate>,
    /// Words in the build, title or release notes (case and diacritics do not matter).
    pub text: Option<String>,
    /// The last patch of the previous page.
    pub after: Option<PatchId>,
    /// Page size.
    pub limit: u32,
}

impl Default for PatchQuery {
    fn default() -> Self {
        PatchQuery {
            product: None,
            state: None,
            applicable: false,
            released_from: None,
            released_to: None,
            text: None,
            after: None,
            limit: 50,
        }
    }
}

#[derive(sqlx::FromRow)]
struct PatchRow {
    id: Uuid,
    product_id: Uuid,
    product_name: String,
    module: String,
    build: String,
    title: String,
    release_notes: String,
    applies_from: String,
    applies_to: String,
    released_on: NaiveDate,
    visibility: String,
    state: String,
    withdrawal_reason: String,
    created_by_name: String,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

const PATCH_SELECT: &str = "SELECT p.id, p.product_id, pr.name AS product_name, p.module, p.build,
     p.title, p.release_notes, p.applies_from, p.applies_to, p.released_on, p.visibility,
     p.state, p.withdrawal_reason, u.display_name AS created_by_name, p.version, p.created_at,
     p.updated_at
     FROM patches p JOIN products pr ON pr.id = p.product_id JOIN users u ON u.id = p.created_by";

/// The scope condition on `p` for a customer or partner user ($1): published or withdrawn,
/// offered to all or chosen for one of the organisations where it holds a podpora right.
pub(crate) const CUSTOMER_SEES: &str = "p.state IN ('published', 'withdrawn') AND EXISTS (
     SELECT 1 FROM organisation_memberships m WHERE m.user_id = $1
     AND m.right_podpora IN ('read', 'write')
     AND (p.visibility = 'all' OR EXISTS (SELECT 1 FROM patch_organisations po
          WHERE po.patch_id = p.id AND po.organisation_id = m.organisation_id)))";

/// What decides a customer's access and applicability: the organisations through which it
/// may see patches, their contracts and installations, and the chosen patches among them.
struct CustomerScope {
    /// Organisations with a podpora right.
    organisations: Vec<OrganisationId>,
    /// Contract terms per organisation.
    contracts: BTreeMap<OrganisationId, Vec<ContractTerm>>,
    /// Installations per organisation: product, version, modules.
    installations: BTreeMap<OrganisationId, Vec<(ProductId, String, Vec<String>)>>,
}

impl CustomerScope {
    /// The actor's organisations that see `patch` (chosen ones given).
    fn seeing(
        &self,
        visibility: PatchVisibility,
        chosen: &[OrganisationId],
    ) -> Vec<OrganisationId> {
        self.organisations
            .iter()
            .copied()
            .filter(|o| visibility == PatchVisibility::All || chosen.contains(o))
            .collect()
    }

    fn decide(&self, record: &mut PatchRecord, chosen: &[OrganisationId]) {
        let seeing = self.seeing(record.visibility, chosen);
        let contracts: Vec<ContractTerm> = seeing
            .iter()
            .flat_map(|o| self.contracts.get(o).cloned().unwrap_or_default())
            .collect();
        record.access = download_access(record.state, record.released_on, &contracts);
        record.applicable = seeing.iter().any(|o| {
            self.installations.get(o).is_some_and(|list| {
                list.iter().any(|(product, version, modules)| {
                    *product == record.product_id
                        && (record.module.is_empty() || modules.contains(&record.module))
                        && record.applies.contains(version)
                })
            })
        });
    }
}

fn staff_may(actor: &Actor, action: Action) -> bool {
    actor.staff_may(Area::Agenda(Agenda::Podpora), action)
}

fn record_from(row: PatchRow) -> Result<PatchRecord, StoreError> {
    let corrupt = |what: &str, value: &str| StoreError::Corrupt(format!("{what} {value:?}"));
    Ok(PatchRecord {
        id: PatchId(row.id),
        product_id: ProductId(row.product_id),
        product_name: row.product_name,
        module: row.module,
        build: row.build,
        title: row.title,
        release_notes: row.release_notes,
        applies: VersionRange {
            from: row.applies_from,
            to: row.applies_to,
        },
        released_on: row.released_on,
        visibility: PatchVisibility::parse(&row.visibility)
            .ok_or_else(|| corrupt("visibility", &row.visibility))?,
        state: PatchState::parse(&row.state).ok_or_else(|| corrupt("state", &row.state))?,
        withdrawal_reason: row.withdrawal_reason,
        created_by_name: row.created_by_name,
        files: Vec::new(),
        access: DownloadAccess::Allowed,
        applicable: false,
        version: row.version,
        created_at: row.created_at,
        updated_at: row.updated_at,
    })
}

impl NewPatch {
    /// What text search looks in: build, title and release notes, folded.
    fn search_key(&self) -> String {
        supportweb_domain::search::search_key(&format!(
            "{} {} {}",
            self.build, self.title, self.release_notes
        ))
    }

    fn fields(&self, organisations: &str, files: &str) -> Vec<(&'static str, String)> {
        vec![
            ("module", self.module.clone()),
            ("build", self.build.clone()),
            ("title", self.title.clone()),
            ("release_notes", self.release_notes.clone()),
            ("applies_from", self.applies.from.clone()),
            ("applies_to", self.applies.to.clone()),
            ("released_on", self.released_on.to_string()),
            ("visibility", self.visibility.as_str().to_owned()),
            ("organisations", organisations.to_owned()),
            ("files", files.to_owned()),
        ]
    }
}

impl Store {
    /// Creates a draft patch. The actor must write in podpora; the product must exist and the
    /// module be one of its own; chosen organisations must exist; every file must be the
    /// actor's own upload not attached anywhere yet. Written with its history in one
    /// transaction.
    pub async fn create_patch(&self, actor: &Actor, new: &NewPatch) -> Result<PatchId, PatchError> {
        if !staff_may(actor, Action::Write) {
            return Err(StoreError::NotFound.into());
        }
        self.check_patch(actor, new).await?;
        let id = PatchId::generate();
        let at = now();
        let mut tx = self.begin().await?;
        on_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO patches (id, product_id, module, build, title, release_notes,
                 applies_from, applies_to, released_on, visibility, state, withdrawal_reason,
                 created_by, version, created_at, updated_at, search_key)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, '', $12, 1, $13, $13, $14)",
            )
            .bind(id.0)
            .bind(new.product_id.0)
            .bind(new.module.as_str())
            .bind(new.build.as_str())
            .bind(new.title.as_str())
            .bind(new.release_notes.as_str())
            .bind(new.applies.from.as_str())
            .bind(new.applies.to.as_str())
            .bind(new.released_on)
            .bind(new.visibility.as_str())
            .bind(PatchState::Draft.as_str())
            .bind(actor.user_id.0)
            .bind(at)
            .bind(new.search_key())
            .execute(conn)
            .await?
            .rows_affected()
        });
        tx.set_patch_organisations(id, new).await?;
        tx.set_patch_files(actor, id, &new.files).await?;
        tx.record_state(
            ENTITY,
            id.0,
            actor.user_id,
            "",
            PatchState::Draft.as_str().to_owned(),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes a patch (staff who write in podpora), guarded by `version`: a stale edit gets
    /// [`StoreError::Conflict`] and nothing is written. Files left out are detached (their
    /// download log stays); new ones must be the actor's own unattached uploads.
    pub async fn update_patch(
        &self,
        actor: &Actor,
        id: PatchId,
        new: &NewPatch,
        version: i64,
    ) -> Result<(), PatchError> {
        if !staff_may(actor, Action::Write) {
            return Err(StoreError::NotFound.into());
        }
        let before = self.patch(actor, id).await?;
        self.check_patch(actor, new).await?;
        if before.state != PatchState::Draft && new.files.is_empty() {
            return Err(PatchError::Invalid("files"));
        }
        let chosen_before = self.patch_organisations(actor, id).await?;
        let old = NewPatch {
            product_id: before.product_id,
            module: before.module.clone(),
            build: before.build.clone(),
            title: before.title.clone(),
            release_notes: before.release_notes.clone(),
            applies: before.applies.clone(),
            released_on: before.released_on,
            visibility: before.visibility,
            organisations: chosen_before.iter().map(|(o, _)| *o).collect(),
            files: before.files.iter().map(|f| f.file_id).collect(),
        };
        let names = |list: &[(OrganisationId, String)]| {
            list.iter()
                .map(|(_, n)| n.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut tx = self.begin().await?;
        let updated = on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE patches SET product_id = $2, module = $3, build = $4, title = $5,
                 release_notes = $6, applies_from = $7, applies_to = $8, released_on = $9,
                 visibility = $10, version = version + 1, updated_at = $11, search_key = $13
                 WHERE id = $1 AND version = $12",
            )
            .bind(id.0)
            .bind(new.product_id.0)
            .bind(new.module.as_str())
            .bind(new.build.as_str())
            .bind(new.title.as_str())
            .bind(new.release_notes.as_str())
            .bind(new.applies.from.as_str())
            .bind(new.applies.to.as_str())
            .bind(new.released_on)
            .bind(new.visibility.as_str())
            .bind(now())
            .bind(version)
            .bind(new.search_key())
            .execute(conn)
            .await?
            .rows_affected()
        });
        if updated != 1 {
            return Err(StoreError::Conflict.into());
        }
        tx.set_patch_organisations(id, new).await?;
        tx.set_patch_files(actor, id, &new.files).await?;
        let chosen_after = tx.patch_organisation_names(id).await?;
        let files_after = tx.patch_file_names(id).await?;
        let files_before = before
            .files
            .iter()
            .map(|f| f.file_name.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let mut changes = diff(
            &old.fields(&names(&chosen_before), &files_before),
            &new.fields(&chosen_after, &files_after),
        );
        if before.product_id != new.product_id {
            let product = self.product(new.product_id).await?;
            changes.push(FieldChange {
                field: "product",
                old: before.product_name.clone(),
                new: product.name,
            });
        }
        tx.record_changes(ENTITY, id.0, actor.user_id, &changes)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Validates what arrives in a patch write against the catalogue and organisations.
    async fn check_patch(&self, actor: &Actor, new: &NewPatch) -> Result<(), PatchError> {
        let product = match self.product(new.product_id).await {
            Ok(product) => product,
            Err(StoreError::NotFound) => return Err(PatchError::Invalid("product")),
            Err(e) => return Err(e.into()),
        };
        if !new.module.is_empty() && !product.modules.contains(&new.module) {
            return Err(PatchError::Invalid("module"));
        }
        for organisation in &new.organisations {
            match self.organisation(actor, *organisation).await {
                Ok(_) => {}
                Err(StoreError::NotFound) => return Err(PatchError::Invalid("organisations")),
                Err(e) => return Err(e.into()),
            }
        }
        if new.visibility == PatchVisibility::Chosen && new.organisations.is_empty() {
            return Err(PatchError::Invalid("organisations"));
        }
        Ok(())
    }

    /// Takes a step in a patch's life (staff who write in podpora), guarded by `version`.
    /// Publishing needs a file; withdrawing needs a reason, which customers are shown. The
    /// first publication notifies the entitled organisations' users.
    pub async fn patch_step(
        &self,
        actor: &Actor,
        id: PatchId,
        step: PatchStep,
        reason: &str,
        version: i64,
    ) -> Result<PatchState, PatchError> {
        if !staff_may(actor, Action::Write) {
            return Err(StoreError::NotFound.into());
        }
        let patch = self.patch(actor, id).await?;
        let (from, to) = step.states();
        if patch.state != from {
            return Err(PatchError::WrongState);
        }
        if step == PatchStep::Publish && patch.files.is_empty() {
            return Err(PatchError::Invalid("files"));
        }
        let reason = reason.trim();
        if step == PatchStep::Withdraw && reason.is_empty() {
            return Err(PatchError::Invalid("reason"));
        }
        let reason = if step == PatchStep::Withdraw {
            reason
        } else {
            ""
        };
        let mut tx = self.begin().await?;
        let updated = on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE patches SET state = $2, withdrawal_reason = $3, version = version + 1,
                 updated_at = $4 WHERE id = $1 AND version = $5 AND state = $6",
            )
            .bind(id.0)
            .bind(to.as_str())
            .bind(reason)
            .bind(now())
            .bind(version)
            .bind(from.as_str())
            .execute(conn)
            .await?
            .rows_affected()
        });
        if updated != 1 {
            return Err(StoreError::Conflict.into());
        }
        let mut changes = vec![FieldChange {
            field: "state",
            old: from.as_str().to_owned(),
            new: to.as_str().to_owned(),
        }];
        if patch.withdrawal_reason != reason {
            changes.push(FieldChange {
                field: "withdrawal_reason",
                old: patch.withdrawal_reason.clone(),
                new: reason.to_owned(),
            });
        }
        tx.record_changes(ENTITY, id.0, actor.user_id, &changes)
            .await?;
        if step == PatchStep::Publish {
            tx.record_event(
                EventKind::PatchPublished,
                id.0,
                Some(actor.user_id),
                None,
                "",
            )
            .await?;
        }
        tx.commit().await?;
        Ok(to)
    }

    /// One patch the actor may see, with its files and the actor's access.
    pub async fn patch(&self, actor: &Actor, id: PatchId) -> Result<PatchRecord, StoreError> {
        let row: Option<PatchRow> = if actor.is_staff() {
            if !staff_may(actor, Action::Read) {
                return Err(StoreError::NotFound);
            }
            let sql = format!("{PATCH_SELECT} WHERE p.id = $1");
            on_pool!(self, pool => {
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(id.0)
                    .fetch_optional(pool)
                    .await?
            })
        } else {
            let sql = format!("{PATCH_SELECT} WHERE {CUSTOMER_SEES} AND p.id = $2");
            on_pool!(self, pool => {
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(actor.user_id.0)
                    .bind(id.0)
                    .fetch_optional(pool)
                    .await?
            })
        };
        let mut record = record_from(row.ok_or(StoreError::NotFound)?)?;
        record.files = self.patch_files(id).await?;
        if !actor.is_staff() {
            let scope = self.customer_scope(actor).await?;
            let chosen = self.chosen_among(actor, &[id]).await?;
            scope.decide(&mut record, chosen.get(&id).map_or(&[], Vec::as_slice));
        }
        Ok(record)
    }

    /// A page of the patches the actor may see, newest release first.
    pub async fn patches(
        &self,
        actor: &Actor,
        query: &PatchQuery,
    ) -> Result<Vec<PatchRecord>, StoreError> {
        if actor.is_staff() && !staff_may(actor, Action::Read) {
            return Err(StoreError::NotFound);
        }
        let scope = if actor.is_staff() {
            None
        } else {
            Some(self.customer_scope(actor).await?)
        };
        let limit = query.limit.clamp(1, 500) as usize;
        let mut out: Vec<PatchRecord> = Vec::new();
        let mut after = query.after;
        // "Applicable" is decided in Rust (version ranges): read on until the page is full.
        loop {
            let rows = self.patch_rows(actor, query, after, limit).await?;
            let exhausted = rows.len() < limit;
            after = rows.last().map(|r| PatchId(r.id));
            let ids: Vec<PatchId> = rows.iter().map(|r| PatchId(r.id)).collect();
            let chosen = match scope {
                Some(_) => self.chosen_among(actor, &ids).await?,
                None => BTreeMap::new(),
            };
            for row in rows {
                let mut record = record_from(row)?;
                if let Some(scope) = &scope {
                    let id = record.id;
                    scope.decide(&mut record, chosen.get(&id).map_or(&[], Vec::as_slice));
                    if query.applicable && !record.applicable {
                        continue;
                    }
                }
                record.files = self.patch_files(record.id).await?;
                out.push(record);
                if out.len() == limit {
                    return Ok(out);
                }
            }
            if exhausted || !query.applicable {
                return Ok(out);
            }
        }
    }

    async fn patch_rows(
        &self,
        actor: &Actor,
        query: &PatchQuery,
        after: Option<PatchId>,
        limit: usize,
    ) -> Result<Vec<PatchRow>, StoreError> {
        let mut conditions: Vec<String> = Vec::new();
        // Bound values, numbered `$1…` in the order they are added.
        enum Arg {
            U(Uuid),
            T(String),
            D(NaiveDate),
        }
        let mut args: Vec<Arg> = Vec::new();
        let arg = |a: Arg, args: &mut Vec<Arg>| {
            args.push(a);
            format!("${}", args.len())
        };
        if actor.is_staff() {
            if let Some(state) = query.state {
                let n = arg(Arg::T(state.as_str().to_owned()), &mut args);
                conditions.push(format!("p.state = {n}"));
            }
        } else {
            let n = arg(Arg::U(actor.user_id.0), &mut args);
            conditions.push(CUSTOMER_SEES.replace("$1", &n));
            if let Some(state) = query.state.filter(|s| s.customers_see()) {
                let n = arg(Arg::T(state.as_str().to_owned()), &mut args);
                conditions.push(format!("p.state = {n}"));
            }
        }
        if let Some(product) = query.product {
            let n = arg(Arg::U(product.0), &mut args);
            conditions.push(format!("p.product_id = {n}"));
        }
        if let Some(from) = query.released_from {
            let n = arg(Arg::D(from), &mut args);
            conditions.push(format!("p.released_on >= {n}"));
        }
        if let Some(to) = query.released_to {
            let n = arg(Arg::D(to), &mut args);
            conditions.push(format!("p.released_on <= {n}"));
        }
        for pattern in supportweb_domain::search::like_patterns(query.text.as_deref().unwrap_or(""))
        {
            let n = arg(Arg::T(pattern), &mut args);
            conditions.push(format!("p.search_key LIKE {n} ESCAPE '\\'"));
        }
        if let Some(after) = after {
            // Read through the actor's scope: a patch it may not see is no cursor, just like
            // a missing one.
            let released = match self.patch(actor, after).await {
                Ok(p) => Some(p.released_on),
                Err(StoreError::NotFound) => None,
                Err(e) => return Err(e),
            };
            if let Some(released) = released {
                let d = arg(Arg::D(released), &mut args);
                let i = arg(Arg::U(after.0), &mut args);
                conditions.push(format!(
                    "(p.released_on < {d} OR (p.released_on = {d} AND p.id < {i}))"
                ));
            }
        }
        let mut sql = String::from(PATCH_SELECT);
        if !conditions.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conditions.join(" AND "));
        }
        sql.push_str(&format!(
            " ORDER BY p.released_on DESC, p.id DESC LIMIT {limit}"
        ));
        Ok(on_pool!(self, pool => {
            let mut q = sqlx::query_as::<_, PatchRow>(sqlx::AssertSqlSafe(sql.clone()));
            for a in &args {
                q = match a {
                    Arg::U(v) => q.bind(*v),
                    Arg::T(v) => q.bind(v.clone()),
                    Arg::D(v) => q.bind(*v),
                };
            }
            q.fetch_all(pool).await?
        }))
    }

    async fn customer_scope(&self, actor: &Actor) -> Result<CustomerScope, StoreError> {
        let organisations: Vec<OrganisationId> = actor
            .memberships
            .iter()
            .filter(|m| m.rights.podpora.may_enter())
            .map(|m| m.organisation_id)
            .collect();
        let mut contracts = BTreeMap::new();
        let mut installations = BTreeMap::new();
        for organisation in &organisations {
            let rows: Vec<(NaiveDate, NaiveDate, String)> = on_pool!(self, pool => {
                sqlx::query_as(
                    "SELECT valid_from, valid_to, state FROM contracts WHERE organisation_id = $1",
                )
                .bind(organisation.0)
                .fetch_all(pool)
                .await?
            });
            contracts.insert(
                *organisation,
                rows.into_iter()
                    .filter_map(|(valid_from, valid_to, state)| {
                        ContractState::parse(&state).map(|state| ContractTerm {
                            valid_from,
                            valid_to,
                            state,
                        })
                    })
                    .collect(),
            );
            installations.insert(
                *organisation,
                self.installations(actor, *organisation)
                    .await?
                    .into_iter()
                    .map(|i| (i.product_id, i.product_version, i.modules))
                    .collect(),
            );
        }
        Ok(CustomerScope {
            organisations,
            contracts,
            installations,
        })
    }

    /// For each of `patches`, the actor's organisations it was chosen for.
    async fn chosen_among(
        &self,
        actor: &Actor,
        patches: &[PatchId],
    ) -> Result<BTreeMap<PatchId, Vec<OrganisationId>>, StoreError> {
        let mut out: BTreeMap<PatchId, Vec<OrganisationId>> = BTreeMap::new();
        for patch in patches {
            let rows: Vec<Uuid> = on_pool!(self, pool => {
                sqlx::query_scalar(
                    "SELECT po.organisation_id FROM patch_organisations po
                     JOIN organisation_memberships m ON m.organisation_id = po.organisation_id
                     WHERE po.patch_id = $1 AND m.user_id = $2",
                )
                .bind(patch.0)
                .bind(actor.user_id.0)
                .fetch_all(pool)
                .await?
            });
            if !rows.is_empty() {
                out.insert(*patch, rows.into_iter().map(OrganisationId).collect());
            }
        }
        Ok(out)
    }

    async fn patch_files(&self, id: PatchId) -> Result<Vec<PatchFile>, StoreError> {
        let rows: Vec<(Uuid, String, i64, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT f.id, f.file_name, f.size_bytes, f.sha256 FROM patch_files pf
                 JOIN files f ON f.id = pf.file_id WHERE pf.patch_id = $1 ORDER BY f.file_name, f.id",
            )
            .bind(id.0)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, file_name, size_bytes, sha256)| PatchFile {
                file_id: FileId(id),
                file_name,
                size_bytes,
                sha256,
            })
            .collect())
    }

    /// The organisations a patch was chosen for, by name (staff only).
    pub async fn patch_organisations(
        &self,
        actor: &Actor,
        id: PatchId,
    ) -> Result<Vec<(OrganisationId, String)>, StoreError> {
        if !staff_may(actor, Action::Read) {
            return Err(StoreError::NotFound);
        }
        let rows: Vec<(Uuid, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT o.id, o.name FROM patch_organisations po
                 JOIN organisations o ON o.id = po.organisation_id
                 WHERE po.patch_id = $1 ORDER BY o.name, o.id",
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

    /// The file of a patch the actor may download. Staff who read podpora always may; a
    /// customer only a patch it sees whose release date a contract covered (else
    /// [`PatchError::Closed`] with the reason). A file not of this patch is not found.
    pub async fn patch_download(
        &self,
        actor: &Actor,
        patch: PatchId,
        file: FileId,
    ) -> Result<FileRecord, PatchError> {
        let record = self.patch(actor, patch).await?;
        if !record.files.iter().any(|f| f.file_id == file) {
            return Err(StoreError::NotFound.into());
        }
        if record.access != DownloadAccess::Allowed {
            return Err(PatchError::Closed(record.access));
        }
        Ok(self.file_unscoped(file).await?)
    }

    /// Logs one download (or one resumed part of it).
    pub async fn log_patch_download(
        &self,
        actor: &Actor,
        patch: PatchId,
        file: FileId,
        byte_range: &str,
        address: &str,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO patch_downloads (id, patch_id, file_id, user_id, byte_range, address, downloaded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(Uuid::now_v7())
            .bind(patch.0)
            .bind(file.0)
            .bind(actor.user_id.0)
            .bind(byte_range)
            .bind(address)
            .bind(now())
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(())
    }

    /// The download log of a patch, newest first, at most `limit` entries (staff only).
    pub async fn patch_downloads(
        &self,
        actor: &Actor,
        patch: PatchId,
        limit: i64,
    ) -> Result<Vec<DownloadRecord>, StoreError> {
        if !staff_may(actor, Action::Read) {
            return Err(StoreError::NotFound);
        }
        let rows: Vec<(DateTime<Utc>, String, Uuid, String, String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT d.downloaded_at, u.display_name, u.id, f.file_name, d.byte_range, d.address
                 FROM patch_downloads d JOIN users u ON u.id = d.user_id
                 JOIN files f ON f.id = d.file_id
                 WHERE d.patch_id = $1 ORDER BY d.id DESC LIMIT $2",
            )
            .bind(patch.0)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        let mut out = Vec::with_capacity(rows.len());
        for (downloaded_at, user_name, user, file_name, byte_range, address) in rows {
            let organisations: Vec<String> = on_pool!(self, pool => {
                sqlx::query_scalar(
                    "SELECT o.name FROM organisation_memberships m
                     JOIN organisations o ON o.id = m.organisation_id
                     WHERE m.user_id = $1 ORDER BY o.name",
                )
                .bind(user)
                .fetch_all(pool)
                .await?
            });
            out.push(DownloadRecord {
                downloaded_at,
                user_name,
                organisations: organisations.join(", "),
                file_name,
                byte_range,
                address,
            });
        }
        Ok(out)
    }

    /// Active accounts that may hear of a published patch: members with a podpora right of
    /// the organisations it is offered to. Whether each may download it is for the caller to
    /// check through [`Store::patch`] as that user.
    pub async fn patch_audience(&self, patch: PatchId) -> Result<Vec<UserId>, StoreError> {
        let rows: Vec<Uuid> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT DISTINCT m.user_id FROM organisation_memberships m
                 JOIN users u ON u.id = m.user_id
                 JOIN patches p ON p.id = $1
                 WHERE u.is_active = $2 AND m.right_podpora IN ('read', 'write')
                 AND (p.visibility = 'all' OR EXISTS (SELECT 1 FROM patch_organisations po
                      WHERE po.patch_id = p.id AND po.organisation_id = m.organisation_id))
                 ORDER BY m.user_id",
            )
            .bind(patch.0)
            .bind(true)
            .fetch_all(pool)
            .await?
        });
        Ok(rows.into_iter().map(UserId).collect())
    }
}

impl Tx {
    async fn set_patch_organisations(
        &mut self,
        id: PatchId,
        new: &NewPatch,
    ) -> Result<(), StoreError> {
        on_tx!(self, conn => {
            sqlx::query("DELETE FROM patch_organisations WHERE patch_id = $1")
                .bind(id.0)
                .execute(conn)
                .await?
                .rows_affected()
        });
        if new.visibility == PatchVisibility::All {
            return Ok(());
        }
        for organisation in &new.organisations {
            on_tx!(self, conn => {
                sqlx::query(
                    "INSERT INTO patch_organisations (patch_id, organisation_id) VALUES ($1, $2)
                     ON CONFLICT DO NOTHING",
                )
                .bind(id.0)
                .bind(organisation.0)
                .execute(conn)
                .await?
                .rows_affected()
            });
        }
        Ok(())
    }

    /// Makes `files` the patch's files: kept ones stay, others are detached, new ones must be
    /// the actor's own uploads attached nowhere (else [`PatchError::Invalid`]).
    async fn set_patch_files(
        &mut self,
        actor: &Actor,
        id: PatchId,
        files: &[FileId],
    ) -> Result<(), PatchError> {
        if self.replace_uploads(actor, Link::Patch(id), files).await? {
            Ok(())
        } else {
            Err(PatchError::Invalid("files"))
        }
    }

    async fn patch_organisation_names(&mut self, id: PatchId) -> Result<String, StoreError> {
        let names: Vec<String> = on_tx!(self, conn => {
            sqlx::query_scalar(
                "SELECT o.name FROM patch_organisations po JOIN organisations o ON o.id = po.organisation_id
                 WHERE po.patch_id = $1 ORDER BY o.name, o.id",
            )
            .bind(id.0)
            .fetch_all(conn)
            .await?
        });
        Ok(names.join(", "))
    }

    async fn patch_file_names(&mut self, id: PatchId) -> Result<String, StoreError> {
        let names: Vec<String> = on_tx!(self, conn => {
            sqlx::query_scalar(
                "SELECT f.file_name FROM patch_files pf JOIN files f ON f.id = pf.file_id
                 WHERE pf.patch_id = $1 ORDER BY f.file_name, f.id",
            )
            .bind(id.0)
            .fetch_all(conn)
            .await?
        });
        Ok(names.join(", "))
    }
}

impl crate::Tx {
    /// Whether patch `id` is published (or, with `withdrawn_too`, published once) and offered
    /// to `organisation`, read in this transaction after taking the patch's row: a patch
    /// withdrawn or narrowed to other organisations at the same instant is seen as it is now.
    pub(crate) async fn patch_offered(
        &mut self,
        id: PatchId,
        organisation: OrganisationId,
        withdrawn_too: bool,
    ) -> Result<bool, StoreError> {
        let states: &[&str] = if withdrawn_too {
            &["published", "withdrawn"]
        } else {
            &["published"]
        };
        let mut taken = 0;
        for state in states {
            taken += crate::on_tx!(self, conn => {
                sqlx::query("UPDATE patches SET version = version WHERE id = $1 AND state = $2")
                    .bind(id.0)
                    .bind(*state)
                    .execute(&mut *conn)
                    .await?
                    .rows_affected()
            });
        }
        if taken != 1 {
            return Ok(false);
        }
        let visibility: String = crate::on_tx!(self, conn => {
            sqlx::query_scalar("SELECT visibility FROM patches WHERE id = $1")
                .bind(id.0)
                .fetch_one(&mut *conn)
                .await?
        });
        if visibility == PatchVisibility::All.as_str() {
            return Ok(true);
        }
        let chosen: i64 = crate::on_tx!(self, conn => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM patch_organisations WHERE patch_id = $1 AND organisation_id = $2",
            )
            .bind(id.0)
            .bind(organisation.0)
            .fetch_one(&mut *conn)
            .await?
        });
        Ok(chosen > 0)
    }
}
