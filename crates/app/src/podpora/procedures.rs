//! Procedures: the overview with words and product tags, a procedure with its revisions and
//! history, any past revision, the file downloads — all within the reader's visibility — and
//! staff writing new procedures and new revisions.

use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::ids::{FileId, OrganisationId, ProcedureId, ProductId};
use supportweb_domain::procedure::ProcedureVisibility;
use supportweb_storage::catalogue::ProductRecord;
use supportweb_storage::history::HistoryRecord;
use supportweb_storage::procedures::{ENTITY, NewProcedure, ProcedureError, ProcedureQuery};

pub use supportweb_storage::procedures::{ProcedureRecord, RevisionRecord};

use super::{Podpora, require_reader, require_writer};
use crate::attachments::FileRecord;
use crate::overview::{self, Column, FilterReader, Overview, Page};
use crate::{App, Error, FieldErrors, Result};

/// Parses a procedure id from a path; anything else is a missing procedure.
pub fn procedure_id(text: &str) -> Result<ProcedureId> {
    text.parse().map_err(|_| Error::NotFound)
}

impl From<ProcedureError> for Error {
    fn from(error: ProcedureError) -> Self {
        match error {
            ProcedureError::Store(e) => e.into(),
            ProcedureError::Invalid("products") => {
                Error::missing("products", "procedure-error-products")
            }
            ProcedureError::Invalid("organisations") => {
                Error::missing("organisations", "patch-error-organisations")
            }
            ProcedureError::Invalid(_) => Error::missing("files", "patch-error-files"),
        }
    }
}

/// The overview's query string, as typed; the page and the API's list read the same.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProcedureParams {
    /// Product id.
    #[serde(default)]
    #[param(required = false, format = Uuid)]
    pub product: String,
    /// Words in the title or text (case and diacritics do not matter).
    #[serde(default)]
    #[param(required = false)]
    pub q: String,
    /// The `next` of the previous page.
    #[serde(default)]
    #[param(required = false, format = Uuid)]
    pub after: String,
}

impl ProcedureParams {
    /// The store query; values that do not parse are reported per field and left out.
    pub fn query(&self, errors: &mut FieldErrors) -> ProcedureQuery {
        let mut read = FilterReader::new(errors, "patch-error-filter");
        ProcedureQuery {
            product: read.parsed::<ProductId>(&self.product, "product"),
            after: read.parsed::<ProcedureId>(&self.after, "after"),
            text: Some(self.q.trim().to_owned()).filter(|q| !q.is_empty()),
            limit: 50,
        }
    }

    /// The query string without the page position.
    pub fn filters(&self) -> String {
        overview::query_string(&[("product", self.product.as_str()), ("q", self.q.as_str())])
    }
}

/// The procedure overview, for the overview kit.
pub struct ProcedureOverview;

impl Overview for ProcedureOverview {
    type Query = ProcedureQuery;
    type Row = ProcedureRecord;

    fn position(query: &mut ProcedureQuery, after: Option<&ProcedureRecord>, limit: i64) {
        query.after = after.map(|p| p.id);
        query.limit = u32::try_from(limit).unwrap_or(50);
    }

    fn limit(query: &ProcedureQuery) -> i64 {
        i64::from(query.limit)
    }

    fn cursor(row: &ProcedureRecord) -> String {
        row.id.to_string()
    }

    async fn fetch(
        app: &App,
        actor: &Actor,
        query: &ProcedureQuery,
    ) -> Result<Vec<ProcedureRecord>> {
        Ok(app.store().procedures(actor, query).await?)
    }
}

/// The product tags of a procedure as one text.
pub fn products_text(p: &ProcedureRecord) -> String {
    p.products
        .iter()
        .map(|(_, n)| n.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The name of a procedure's visibility in `t`'s language.
pub fn visibility_label(t: &supportweb_i18n::Tr, p: &ProcedureRecord) -> String {
    t.t(format!("procedure-visibility-{}", p.visibility.as_str()))
}

/// The columns of the export; staff also read who sees each procedure.
fn columns(actor: &Actor) -> Vec<Column<ProcedureRecord>> {
    let mut columns: Vec<Column<ProcedureRecord>> = vec![
        Column {
            header: "procedure-title-field",
            cell: |p, _| p.title.clone(),
        },
        Column {
            header: "procedure-products",
            cell: |p, _| products_text(p),
        },
        Column {
            header: "procedure-revision",
            cell: |p, _| p.revision.to_string(),
        },
        Column {
            header: "procedure-updated",
            cell: |p, _| {
                supportweb_domain::calendar::prague_time(p.updated_at)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            },
        },
    ];
    if actor.is_staff() {
        columns.push(Column {
            header: "procedure-visibility",
            cell: |p, c| visibility_label(&c.t, p),
        });
    }
    columns
}

/// A procedure as typed (pages) or sent (API), before checking.
#[derive(Debug, Default, Clone)]
pub struct ProcedureInput {
    /// Title.
    pub title: String,
    /// Text (Markdown).
    pub body: String,
    /// `all`, `staff` or `chosen`.
    pub visibility: String,
    /// Product ids it is about.
    pub products: Vec<String>,
    /// With `chosen`: organisation ids.
    pub organisations: Vec<String>,
    /// Its files: uploads of the actor, or files it already has.
    pub files: Vec<FileId>,
}

impl ProcedureInput {
    /// Whether a product is tagged (for the form).
    pub fn tags(&self, id: &str) -> bool {
        self.products.iter().any(|p| p == id)
    }

    /// Whether an organisation is chosen (for the form).
    pub fn chose(&self, id: &str) -> bool {
        self.organisations.iter().any(|o| o == id)
    }

    /// The form of an existing procedure.
    pub fn of(p: &ProcedureRecord, chosen: &[(OrganisationId, String)]) -> Self {
        ProcedureInput {
            title: p.title.clone(),
            body: p.body.clone(),
            visibility: p.visibility.as_str().to_owned(),
            products: p.products.iter().map(|(id, _)| id.to_string()).collect(),
            organisations: chosen.iter().map(|(id, _)| id.to_string()).collect(),
            files: p.files.iter().map(|f| f.file_id).collect(),
        }
    }

    fn validate(&self) -> Result<NewProcedure> {
        let mut errors = FieldErrors::default();
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > 200 {
            errors.add("title", "procedure-error-title");
        }
        let body = self.body.trim();
        if body.is_empty() || body.chars().count() > 100_000 {
            errors.add("body", "procedure-error-body");
        }
        let visibility = ProcedureVisibility::parse(&self.visibility);
        if visibility.is_none() {
            errors.add("visibility", "patch-error-visibility");
        }
        let products: Option<Vec<ProductId>> = self
            .products
            .iter()
            .filter(|p| !p.is_empty())
            .map(|p| p.parse().ok())
            .collect();
        if products.is_none() {
            errors.add("products", "procedure-error-products");
        }
        let organisations: Option<Vec<OrganisationId>> = self
            .organisations
            .iter()
            .filter(|o| !o.is_empty())
            .map(|o| o.parse().ok())
            .collect();
        match (&organisations, visibility) {
            (None, _) => errors.add("organisations", "patch-error-organisations"),
            (Some(list), Some(ProcedureVisibility::Chosen)) if list.is_empty() => {
                errors.add("organisations", "patch-error-organisations");
            }
            _ => {}
        }
        let (Some(visibility), Some(products), Some(organisations)) =
            (visibility, products, organisations)
        else {
            return Err(Error::Invalid(errors));
        };
        errors.into_result()?;
        Ok(NewProcedure {
            title: title.to_owned(),
            body: body.to_owned(),
            visibility,
            products,
            organisations: if visibility == ProcedureVisibility::Chosen {
                organisations
            } else {
                Vec::new()
            },
            files: self.files.clone(),
        })
    }
}

/// A procedure with its revisions and the history its reader may read.
#[derive(Debug)]
pub struct ProcedureDetail {
    /// The procedure.
    pub procedure: ProcedureRecord,
    /// Every revision the reader may see, newest first.
    pub revisions: Vec<RevisionRecord>,
    /// Changes, newest first.
    pub history: Vec<HistoryRecord>,
    /// Staff: the chosen organisations, by name.
    pub chosen: Vec<(OrganisationId, String)>,
}

/// A past revision and the one before it (for the comparison).
#[derive(Debug)]
pub struct RevisionView {
    /// The procedure as it is now.
    pub procedure: ProcedureRecord,
    /// The revision asked for.
    pub shown: RevisionRecord,
    /// The revision before it, if any.
    pub before: Option<RevisionRecord>,
}

/// The procedure use cases.
pub struct Procedures<'a> {
    app: &'a App,
}

impl<'a> Podpora<'a> {
    /// Procedures.
    pub fn procedures(&self) -> Procedures<'a> {
        Procedures { app: self.app }
    }
}

impl Procedures<'_> {
    /// The store query of an overview's query string, and the problems of its filters.
    pub fn overview_query(
        &self,
        actor: &Actor,
        params: &ProcedureParams,
    ) -> Result<(ProcedureQuery, FieldErrors)> {
        require_reader(actor)?;
        let mut errors = FieldErrors::default();
        let query = params.query(&mut errors);
        Ok((query, errors))
    }

    /// One page of the overview.
    pub async fn overview(
        &self,
        actor: &Actor,
        query: &ProcedureQuery,
    ) -> Result<Page<ProcedureRecord>> {
        require_reader(actor)?;
        overview::page::<ProcedureOverview>(self.app, actor, query).await
    }

    /// The CSV export, in `t`'s language.
    pub fn export(
        &self,
        actor: &Actor,
        params: &ProcedureParams,
        t: supportweb_i18n::Tr,
    ) -> Result<impl futures_util::Stream<Item = std::io::Result<bytes::Bytes>> + Send + use<>>
    {
        let (query, errors) = self.overview_query(actor, params)?;
        errors.into_result()?;
        Ok(overview::export::<ProcedureOverview>(
            self.app,
            actor,
            query,
            columns(actor),
            t,
        ))
    }

    /// A procedure the actor may see.
    pub async fn get(&self, actor: &Actor, id: &str) -> Result<ProcedureRecord> {
        require_reader(actor)?;
        Ok(self.app.store().procedure(actor, procedure_id(id)?).await?)
    }

    /// A procedure with its revisions, history and (staff) chosen organisations.
    pub async fn detail(&self, actor: &Actor, id: &str) -> Result<ProcedureDetail> {
        let procedure = self.get(actor, id).await?;
        let store = self.app.store();
        let chosen = if actor.is_staff() {
            store.procedure_organisations(actor, procedure.id).await?
        } else {
            Vec::new()
        };
        Ok(ProcedureDetail {
            revisions: store.procedure_revisions(actor, procedure.id).await?,
            history: store.history_for(actor, ENTITY, procedure.id.0).await?,
            chosen,
            procedure,
        })
    }

    /// Revision `number` of a procedure, with the one before it.
    pub async fn revision(&self, actor: &Actor, id: &str, number: &str) -> Result<RevisionView> {
        let procedure = self.get(actor, id).await?;
        let number: i64 = number.parse().map_err(|_| Error::NotFound)?;
        let revisions = self
            .app
            .store()
            .procedure_revisions(actor, procedure.id)
            .await?;
        let shown = revisions
            .iter()
            .find(|r| r.revision == number)
            .cloned()
            .ok_or(Error::NotFound)?;
        let before = revisions.iter().find(|r| r.revision == number - 1).cloned();
        Ok(RevisionView {
            procedure,
            shown,
            before,
        })
    }

    /// A file of a procedure the actor may see.
    pub async fn file(&self, actor: &Actor, id: &str, file: &str) -> Result<FileRecord> {
        require_reader(actor)?;
        let id = procedure_id(id)?;
        let file = crate::attachments::file_id(file)?;
        Ok(self.app.store().procedure_file(actor, id, file).await?)
    }

    /// What the form offers: every product with its modules, and every organisation.
    pub async fn form_choices(
        &self,
        actor: &Actor,
    ) -> Result<(Vec<ProductRecord>, Vec<(OrganisationId, String)>)> {
        require_writer(actor)?;
        let store = self.app.store();
        Ok((
            store.products(true).await?,
            store
                .organisations(actor, None, 1000)
                .await?
                .into_iter()
                .map(|o| (o.id, o.name))
                .collect(),
        ))
    }

    /// A procedure to revise, with its chosen organisations (staff who write).
    pub async fn editable(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<(ProcedureRecord, Vec<(OrganisationId, String)>)> {
        require_writer(actor)?;
        let store = self.app.store();
        let procedure = store.procedure(actor, procedure_id(id)?).await?;
        let chosen = store.procedure_organisations(actor, procedure.id).await?;
        Ok((procedure, chosen))
    }

    /// Checks that the actor writes procedures (before a request is read).
    pub fn require_writer(&self, actor: &Actor) -> Result<()> {
        require_writer(actor)
    }

    /// Writes a new procedure (its first revision).
    pub async fn create(&self, actor: &Actor, input: &ProcedureInput) -> Result<ProcedureRecord> {
        require_writer(actor)?;
        let new = input.validate()?;
        let store = self.app.store();
        let id = store.create_procedure(actor, &new).await?;
        Ok(store.procedure(actor, id).await?)
    }

    /// Saves a new revision of a procedure read at `version` (else 409).
    pub async fn update(
        &self,
        actor: &Actor,
        id: &str,
        input: &ProcedureInput,
        version: i64,
    ) -> Result<ProcedureRecord> {
        let (procedure, _) = self.editable(actor, id).await?;
        let new = input.validate()?;
        let store = self.app.store();
        store
            .update_procedure(actor, procedure.id, &new, version)
            .await?;
        Ok(store.procedure(actor, procedure.id).await?)
    }
}
