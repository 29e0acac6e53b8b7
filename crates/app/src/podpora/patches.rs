//! Patches: the overview with "applicable to you" and words, the detail with its files and
//! the reader's access, staff's form with kept files, the steps (publish, withdraw with a
//! reason, publish again), downloads with the log, and who a patch reaches.

use chrono::NaiveDate;
use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::ids::{FileId, OrganisationId, PatchId, ProductId};
use supportweb_domain::patch::{
    DownloadAccess, PatchState, PatchStep, PatchVisibility, VersionRange,
};
use supportweb_storage::catalogue::ProductRecord;
use supportweb_storage::history::HistoryRecord;
use supportweb_storage::organisations::TeamMember;
use supportweb_storage::patches::{ENTITY, NewPatch, PatchError, PatchQuery};
use supportweb_storage::support_documents::DocumentRecord;

pub use supportweb_storage::patches::{DownloadRecord, PatchFile, PatchRecord};

use super::{Podpora, may_write, require_reader, require_writer};
use crate::attachments::FileRecord;
use crate::overview::{self, Column, FilterReader, Overview, Page};
use crate::{App, Error, FieldErrors, Result};

/// Parses a patch id from a path; anything else is a missing patch.
pub fn patch_id(text: &str) -> Result<PatchId> {
    text.parse().map_err(|_| Error::NotFound)
}

/// The message id explaining a refused field of a patch.
pub fn patch_error_code(field: &str) -> &'static str {
    match field {
        "product" => "patch-error-product",
        "module" => "patch-error-module",
        "organisations" => "patch-error-organisations",
        "reason" => "patch-error-reason",
        _ => "patch-error-files",
    }
}

impl From<PatchError> for Error {
    fn from(error: PatchError) -> Self {
        match error {
            PatchError::Store(e) => e.into(),
            PatchError::NotAllowed => Error::Forbidden,
            PatchError::WrongState => Error::Conflict,
            PatchError::Invalid(field) => Error::refused(field, patch_error_code(field)),
            PatchError::Closed(DownloadAccess::Withdrawn) => {
                Error::DownloadClosed("patch_withdrawn")
            }
            PatchError::Closed(_) => Error::DownloadClosed("patch_not_covered"),
        }
    }
}

/// The overview's query string, as typed; the page and the API's list read the same.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PatchParams {
    /// Product id.
    #[serde(default)]
    #[param(required = false, format = Uuid)]
    pub product: String,
    /// `draft` (staff), `published` or `withdrawn`.
    #[serde(default)]
    #[param(required = false, schema_with = crate::api_schema::patch_state)]
    pub state: String,
    /// `1`: only patches matching the caller's installation cards (customers).
    #[serde(default)]
    #[param(required = false)]
    pub applicable: String,
    /// Released on or after this day (`YYYY-MM-DD`).
    #[serde(default)]
    #[param(required = false, format = Date)]
    pub from: String,
    /// Released on or before this day.
    #[serde(default)]
    #[param(required = false, format = Date)]
    pub to: String,
    /// Words in the build, title or release notes (case and diacritics do not matter).
    #[serde(default)]
    #[param(required = false)]
    pub q: String,
    /// The `next` of the previous page.
    #[serde(default)]
    #[param(required = false, format = Uuid)]
    pub after: String,
}

impl PatchParams {
    /// The store query; values that do not parse are reported per field and left out.
    pub fn query(&self, errors: &mut FieldErrors) -> PatchQuery {
        let mut read = FilterReader::new(errors, "patch-error-filter");
        PatchQuery {
            product: read.parsed::<ProductId>(&self.product, "product"),
            state: read.value(&self.state, "state", PatchState::parse),
            applicable: matches!(self.applicable.as_str(), "1" | "true" | "on"),
            released_from: read.day(&self.from, "from"),
            released_to: read.day(&self.to, "to"),
            text: Some(self.q.trim().to_owned()).filter(|q| !q.is_empty()),
            after: read.parsed::<PatchId>(&self.after, "after"),
            limit: 50,
        }
    }

    /// The query string without the page position.
    pub fn filters(&self) -> String {
        overview::query_string(&[
            ("product", self.product.as_str()),
            ("state", self.state.as_str()),
            ("applicable", self.applicable.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("q", self.q.as_str()),
        ])
    }
}

/// The patch overview, for the overview kit.
pub struct PatchOverview;

impl Overview for PatchOverview {
    type Query = PatchQuery;
    type Row = PatchRecord;

    fn position(query: &mut PatchQuery, after: Option<&PatchRecord>, limit: i64) {
        query.after = after.map(|p| p.id);
        query.limit = u32::try_from(limit).unwrap_or(50);
    }

    fn limit(query: &PatchQuery) -> i64 {
        i64::from(query.limit)
    }

    fn cursor(row: &PatchRecord) -> String {
        row.id.to_string()
    }

    async fn fetch(app: &App, actor: &Actor, query: &PatchQuery) -> Result<Vec<PatchRecord>> {
        Ok(app.store().patches(actor, query).await?)
    }
}

/// The product and module as one text.
pub fn product_text(p: &PatchRecord) -> String {
    if p.module.is_empty() {
        p.product_name.clone()
    } else {
        format!("{} / {}", p.product_name, p.module)
    }
}

/// The name of a patch state in `t`'s language.
pub fn state_label(t: &supportweb_i18n::Tr, state: PatchState) -> String {
    t.t(format!("patch-state-{}", state.as_str()))
}

/// Whether (and why not) a customer may download, in `t`'s language.
pub fn access_label(t: &supportweb_i18n::Tr, access: DownloadAccess) -> String {
    t.t(format!(
        "patch-access-{}",
        access.as_str().replace('_', "-")
    ))
}

/// The columns of the CSV export; customers also read whether a patch applies to them and
/// whether they may download it.
fn columns(actor: &Actor) -> Vec<Column<PatchRecord>> {
    let mut columns: Vec<Column<PatchRecord>> = vec![
        Column {
            header: "patch-title-field",
            cell: |p, _| p.title.clone(),
        },
        Column {
            header: "patch-product",
            cell: |p, _| product_text(p),
        },
        Column {
            header: "patch-build",
            cell: |p, _| p.build.clone(),
        },
        Column {
            header: "patch-applies",
            cell: |p, c| super::applies_text(&c.t, &p.applies),
        },
        Column {
            header: "patch-released-on",
            cell: |p, _| p.released_on.to_string(),
        },
        Column {
            header: "patch-state",
            cell: |p, c| state_label(&c.t, p.state),
        },
    ];
    if !actor.is_staff() {
        columns.push(Column {
            header: "patch-applicable",
            cell: |p, c| {
                c.t.t(if p.applicable {
                    "patch-yes"
                } else {
                    "patch-no"
                })
            },
        });
        columns.push(Column {
            header: "patch-access",
            cell: |p, c| access_label(&c.t, p.access),
        });
    }
    columns.push(Column {
        header: "patch-files",
        cell: |p, _| {
            p.files
                .iter()
                .map(|f| format!("{} (SHA-256 {})", f.file_name, f.sha256))
                .collect::<Vec<_>>()
                .join(", ")
        },
    });
    columns
}

/// A patch as typed (pages) or sent (API), before checking.
#[derive(Debug, Default, Clone)]
pub struct PatchInput {
    /// Product id.
    pub product: String,
    /// One of the product's modules (empty: the whole product).
    pub module: String,
    /// Version or build.
    pub build: String,
    /// Title.
    pub title: String,
    /// Release notes (Markdown).
    pub release_notes: String,
    /// Oldest version it applies to.
    pub applies_from: String,
    /// Newest version it applies to.
    pub applies_to: String,
    /// Release date (`YYYY-MM-DD`).
    pub released_on: String,
    /// `all` or `chosen`.
    pub visibility: String,
    /// With `chosen`: organisation ids.
    pub organisations: Vec<String>,
    /// Its files: uploads of the actor, or files it already has.
    pub files: Vec<FileId>,
}

impl PatchInput {
    /// Whether `id` is among the chosen organisations (for the form's multiple select).
    pub fn chose(&self, id: &str) -> bool {
        self.organisations.iter().any(|o| o == id)
    }

    /// The form of an existing patch.
    pub fn of(patch: &PatchRecord, chosen: &[(OrganisationId, String)]) -> Self {
        PatchInput {
            product: patch.product_id.to_string(),
            module: patch.module.clone(),
            build: patch.build.clone(),
            title: patch.title.clone(),
            release_notes: patch.release_notes.clone(),
            applies_from: patch.applies.from.clone(),
            applies_to: patch.applies.to.clone(),
            released_on: patch.released_on.to_string(),
            visibility: patch.visibility.as_str().to_owned(),
            organisations: chosen.iter().map(|(o, _)| o.to_string()).collect(),
            files: patch.files.iter().map(|f| f.file_id).collect(),
        }
    }

    /// Checks the typed patch against the catalogue; problems per field.
    fn validate(&self, products: &[ProductRecord]) -> Result<NewPatch> {
        let mut errors = FieldErrors::default();
        let product = self
            .product
            .parse::<ProductId>()
            .ok()
            .and_then(|id| products.iter().find(|p| p.id == id));
        if product.is_none() {
            errors.add_missing("product", "patch-error-product");
        }
        let module = self.module.trim();
        if let Some(product) = product
            && !module.is_empty()
            && !product.modules.iter().any(|m| m == module)
        {
            errors.add("module", "patch-error-module");
        }
        let build = self.build.trim();
        if build.is_empty() || build.chars().count() > 50 {
            errors.add("build", "patch-error-build");
        }
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            errors.add("title", "patch-error-title");
        }
        let notes = self.release_notes.trim();
        if notes.is_empty() || notes.chars().count() > 50_000 {
            errors.add("release_notes", "patch-error-notes");
        }
        let applies = VersionRange {
            from: self.applies_from.trim().to_owned(),
            to: self.applies_to.trim().to_owned(),
        };
        if applies.from.chars().count() > 50 || applies.to.chars().count() > 50 {
            errors.add("applies_from", "patch-error-applies");
        } else if applies.is_backwards() {
            errors.add("applies_to", "patch-error-applies-backwards");
        }
        let released_on = self.released_on.trim().parse::<NaiveDate>().ok();
        if released_on.is_none() {
            errors.add("released_on", "patch-error-released");
        }
        let visibility = PatchVisibility::parse(&self.visibility);
        if visibility.is_none() {
            errors.add("visibility", "patch-error-visibility");
        }
        let organisations: Option<Vec<OrganisationId>> = self
            .organisations
            .iter()
            .filter(|o| !o.is_empty())
            .map(|o| o.parse().ok())
            .collect();
        match (&organisations, visibility) {
            (None, _) => errors.add("organisations", "patch-error-organisations"),
            (Some(list), Some(PatchVisibility::Chosen)) if list.is_empty() => {
                errors.add("organisations", "patch-error-organisations");
            }
            _ => {}
        }
        let (Some(product), Some(released_on), Some(visibility), Some(organisations)) =
            (product, released_on, visibility, organisations)
        else {
            return Err(Error::Invalid(errors));
        };
        errors.into_result()?;
        Ok(NewPatch {
            product_id: product.id,
            module: module.to_owned(),
            build: build.to_owned(),
            title: title.to_owned(),
            release_notes: notes.to_owned(),
            applies,
            released_on,
            visibility,
            organisations: match visibility {
                PatchVisibility::All => Vec::new(),
                PatchVisibility::Chosen => organisations,
            },
            files: self.files.clone(),
        })
    }
}

/// A patch with what its reader may see of it.
#[derive(Debug)]
pub struct PatchDetail {
    /// The patch.
    pub patch: PatchRecord,
    /// Steps the reader may take now (staff who write).
    pub steps: Vec<PatchStep>,
    /// Every change the reader may read, newest first.
    pub history: Vec<HistoryRecord>,
    /// Support documents it solves that the reader may see.
    pub documents: Vec<DocumentRecord>,
}

/// Who a patch reaches (staff): the chosen organisations and the latest downloads.
#[derive(Debug, Default)]
pub struct Distribution {
    /// With visibility `chosen`: the organisations, by name.
    pub organisations: Vec<(OrganisationId, String)>,
    /// The latest 200 downloads, newest first.
    pub downloads: Vec<DownloadRecord>,
}

/// The patch use cases.
pub struct Patches<'a> {
    app: &'a App,
}

impl<'a> Podpora<'a> {
    /// Patches.
    pub fn patches(&self) -> Patches<'a> {
        Patches { app: self.app }
    }
}

impl Patches<'_> {
    /// The store query of an overview's query string, and the problems of its filters.
    pub fn overview_query(
        &self,
        actor: &Actor,
        params: &PatchParams,
    ) -> Result<(PatchQuery, FieldErrors)> {
        require_reader(actor)?;
        let mut errors = FieldErrors::default();
        let query = params.query(&mut errors);
        Ok((query, errors))
    }

    /// One page of the overview.
    pub async fn overview(&self, actor: &Actor, query: &PatchQuery) -> Result<Page<PatchRecord>> {
        require_reader(actor)?;
        overview::page::<PatchOverview>(self.app, actor, query).await
    }

    /// The CSV export of every patch the filters match, in `t`'s language.
    pub fn export(
        &self,
        actor: &Actor,
        params: &PatchParams,
        t: supportweb_i18n::Tr,
    ) -> Result<impl futures_util::Stream<Item = std::io::Result<bytes::Bytes>> + Send + use<>>
    {
        let (query, errors) = self.overview_query(actor, params)?;
        errors.into_result()?;
        Ok(overview::export::<PatchOverview>(
            self.app,
            actor,
            query,
            columns(actor),
            t,
        ))
    }

    /// A patch the actor may see.
    pub async fn get(&self, actor: &Actor, id: &str) -> Result<PatchRecord> {
        require_reader(actor)?;
        Ok(self.app.store().patch(actor, patch_id(id)?).await?)
    }

    /// A patch with its steps, history and the documents it solves.
    pub async fn detail(&self, actor: &Actor, id: &str) -> Result<PatchDetail> {
        let patch = self.get(actor, id).await?;
        let store = self.app.store();
        let steps = if may_write(actor) {
            PatchStep::from(patch.state).into_iter().collect()
        } else {
            Vec::new()
        };
        let history = store.history_for(actor, ENTITY, patch.id.0).await?;
        let documents = store.patch_documents(actor, &patch).await?;
        Ok(PatchDetail {
            patch,
            steps,
            history,
            documents,
        })
    }

    /// The chosen organisations and the download log (staff who read podpora).
    pub async fn distribution(&self, actor: &Actor, id: &str) -> Result<Distribution> {
        if !actor.is_staff() {
            return Err(Error::NotFound);
        }
        let patch = self.get(actor, id).await?;
        let store = self.app.store();
        Ok(Distribution {
            organisations: store.patch_organisations(actor, patch.id).await?,
            downloads: store.patch_downloads(actor, patch.id, 200).await?,
        })
    }

    /// The account teams of the actor's organisations that see podpora: whom a customer
    /// asks when a download is closed to them.
    pub async fn contacts(&self, actor: &Actor) -> Result<Vec<TeamMember>> {
        let mut team: Vec<TeamMember> = Vec::new();
        for m in &actor.memberships {
            if m.rights.podpora.may_enter() {
                for member in self
                    .app
                    .store()
                    .account_team(actor, m.organisation_id)
                    .await?
                {
                    if !team.iter().any(|t| t.user_id == member.user_id) {
                        team.push(member);
                    }
                }
            }
        }
        Ok(team)
    }

    /// What the form offers: the catalogue's offered products and every organisation.
    pub async fn form_choices(&self, actor: &Actor) -> Result<FormChoices> {
        require_writer(actor)?;
        let store = self.app.store();
        Ok(FormChoices {
            products: store.products(false).await?,
            organisations: store
                .organisations(actor, None, 1000)
                .await?
                .into_iter()
                .map(|o| (o.id, o.name))
                .collect(),
        })
    }

    /// A patch to change, with its chosen organisations (staff who write).
    pub async fn editable(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<(PatchRecord, Vec<(OrganisationId, String)>)> {
        require_writer(actor)?;
        let patch = self.app.store().patch(actor, patch_id(id)?).await?;
        let chosen = self
            .app
            .store()
            .patch_organisations(actor, patch.id)
            .await?;
        Ok((patch, chosen))
    }

    /// Checks that the actor prepares patches (before a request is read).
    pub fn require_writer(&self, actor: &Actor) -> Result<()> {
        require_writer(actor)
    }

    /// Creates a draft patch with the actor's uploads.
    pub async fn create(&self, actor: &Actor, input: &PatchInput) -> Result<PatchRecord> {
        require_writer(actor)?;
        let store = self.app.store();
        let new = input.validate(&store.products(true).await?)?;
        let id = store.create_patch(actor, &new).await?;
        Ok(store.patch(actor, id).await?)
    }

    /// Changes a patch read at `version` (else 409): its files become `input.files` — the
    /// ones kept and new uploads.
    pub async fn update(
        &self,
        actor: &Actor,
        id: &str,
        input: &PatchInput,
        version: i64,
    ) -> Result<PatchRecord> {
        let (patch, _) = self.editable(actor, id).await?;
        let store = self.app.store();
        let new = input.validate(&store.products(true).await?)?;
        store.update_patch(actor, patch.id, &new, version).await?;
        Ok(store.patch(actor, patch.id).await?)
    }

    /// Publishes (needs a file), withdraws (needs a reason) or publishes again. The first
    /// publication notifies the entitled organisations' users.
    pub async fn step(
        &self,
        actor: &Actor,
        id: &str,
        step: PatchStep,
        reason: &str,
        version: i64,
    ) -> Result<PatchRecord> {
        let patch = self.get(actor, id).await?;
        require_writer(actor)?;
        let store = self.app.store();
        store
            .patch_step(actor, patch.id, step, reason, version)
            .await?;
        Ok(store.patch(actor, patch.id).await?)
    }

    /// A file of a patch for the actor to download: entitled customers and staff only; a
    /// customer who sees the patch but may not download it learns why.
    pub async fn file(&self, actor: &Actor, id: &str, file: &str) -> Result<FileRecord> {
        require_reader(actor)?;
        let id = patch_id(id)?;
        let file = crate::attachments::file_id(file)?;
        Ok(self.app.store().patch_download(actor, id, file).await?)
    }

    /// Logs that `file` of patch `id` went out to the actor (the `Range` asked for, if any).
    pub async fn log_download(
        &self,
        actor: &Actor,
        record: &FileRecord,
        id: &str,
        range: &str,
        address: &str,
    ) -> Result<()> {
        let id = patch_id(id)?;
        let range: String = range.chars().take(100).collect();
        Ok(self
            .app
            .store()
            .log_patch_download(actor, id, record.id, &range, address)
            .await?)
    }
}

/// What the patch form offers.
#[derive(Debug)]
pub struct FormChoices {
    /// Offered products with modules and versions.
    pub products: Vec<ProductRecord>,
    /// Organisations to choose, by name.
    pub organisations: Vec<(OrganisationId, String)>,
}
