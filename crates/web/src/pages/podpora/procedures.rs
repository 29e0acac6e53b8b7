//! Procedures in pages: the overview with search and product tags, its CSV export, a
//! procedure's page (Markdown body, files, revisions, history), a past revision compared line
//! by line with the one before, and the file downloads — all within the reader's visibility.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, Response};
use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::ids::{FileId, ProcedureId, ProductId};
use supportweb_domain::text_diff::diff_lines;
use supportweb_storage::procedures::{ENTITY, ProcedureQuery, ProcedureRecord, RevisionRecord};

use super::patches::product_choices;
use super::{Tabs, may_write, require_reader};
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::markdown::to_safe_html;
use crate::pages::Choice;
use crate::pages::csv::{BOM, push_record};
use crate::pages::form::FormErrors;
use crate::pages::history::{HistoryLine, lines_for};
use crate::pages::support_documents::view::when;
use crate::pages::{Layout, render};
use crate::state::AppState;

pub(crate) fn procedure_id(text: &str) -> Result<ProcedureId, AppError> {
    text.parse().map_err(|_| AppError::NotFound)
}

/// The name of a visibility in the user's language.
pub(crate) fn visibility_label(t: &Tr, p: &ProcedureRecord) -> String {
    t.t(format!("procedure-visibility-{}", p.visibility.as_str()))
}

/// The overview's query string, as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct ProcedureParams {
    #[serde(default)]
    pub product: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub after: String,
}

impl ProcedureParams {
    pub(crate) fn query(&self, t: &Tr, errors: &mut FormErrors) -> ProcedureQuery {
        let mut parsed = |text: &str, field: &'static str| -> Option<uuid::Uuid> {
            let text = text.trim();
            if text.is_empty() {
                return None;
            }
            let value = text.parse().ok();
            if value.is_none() {
                errors.add_t(field, t, "patch-error-filter");
            }
            value
        };
        ProcedureQuery {
            product: parsed(&self.product, "product").map(ProductId),
            after: parsed(&self.after, "after").map(ProcedureId),
            text: Some(self.q.trim().to_owned()).filter(|q| !q.is_empty()),
            limit: 50,
        }
    }

    fn filters(&self) -> String {
        serde_urlencoded::to_string([("product", self.product.as_str()), ("q", self.q.as_str())])
            .unwrap_or_default()
    }
}

pub(crate) struct ProcedureRow {
    pub id: String,
    pub title: String,
    pub products: String,
    pub visibility: String,
    pub updated: String,
    pub revision: i64,
}

fn products_text(p: &ProcedureRecord) -> String {
    p.products
        .iter()
        .map(|(_, n)| n.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

impl ProcedureRow {
    fn new(t: &Tr, p: &ProcedureRecord) -> Self {
        ProcedureRow {
            id: p.id.to_string(),
            title: p.title.clone(),
            products: products_text(p),
            visibility: visibility_label(t, p),
            updated: when(p.updated_at),
            revision: p.revision,
        }
    }
}

#[derive(Template)]
#[template(path = "podpora_procedures.html")]
struct OverviewPage {
    layout: Layout,
    tabs: Tabs,
    params: ProcedureParams,
    products: Vec<Choice>,
    rows: Vec<ProcedureRow>,
    errors: FormErrors,
    next: Option<String>,
    filters: String,
    is_staff: bool,
    may_write: bool,
}

pub(super) async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<ProcedureParams>,
) -> Result<Html<String>, AppError> {
    let actor = &signed.actor;
    require_reader(actor)?;
    let layout = Layout::new(&signed.ctx, "procedure-title");
    let t = layout.t;
    let mut errors = FormErrors::default();
    let query = params.query(&t, &mut errors);
    let procedures = state.store().procedures(actor, &query).await?;
    let next = (procedures.len() == query.limit as usize)
        .then(|| procedures.last().map(|p| p.id.to_string()))
        .flatten();
    render(&OverviewPage {
        tabs: Tabs::new(actor, "procedures"),
        products: product_choices(&state).await?,
        rows: procedures
            .iter()
            .map(|p| ProcedureRow::new(&t, p))
            .collect(),
        errors,
        next,
        filters: params.filters(),
        is_staff: actor.is_staff(),
        may_write: may_write(actor),
        params,
        layout,
    })
}

pub(super) async fn export(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<ProcedureParams>,
) -> Result<Response, AppError> {
    let actor = &signed.actor;
    require_reader(actor)?;
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let mut query = params.query(&t, &mut errors);
    if !errors.is_empty() {
        return Err(errors.into_api_error());
    }
    query.limit = 500;
    query.after = None;
    Ok(crate::pages::csv::csv_response(
        "procedures.csv",
        csv(&state, actor, &t, query).await?,
    ))
}

async fn csv(
    state: &AppState,
    actor: &Actor,
    t: &Tr,
    mut query: ProcedureQuery,
) -> Result<String, AppError> {
    let mut out = String::from(BOM);
    let mut header = vec![
        "procedure-title-field",
        "procedure-products",
        "procedure-revision",
        "procedure-updated",
    ];
    if actor.is_staff() {
        header.push("procedure-visibility");
    }
    push_record(&mut out, header.iter().map(|k| t.t(k)));
    loop {
        let page = state.store().procedures(actor, &query).await?;
        for p in &page {
            let row = ProcedureRow::new(t, p);
            let mut cells = vec![
                row.title,
                row.products,
                row.revision.to_string(),
                row.updated,
            ];
            if actor.is_staff() {
                cells.push(row.visibility);
            }
            push_record(&mut out, cells.into_iter());
        }
        if page.len() < query.limit as usize {
            return Ok(out);
        }
        query.after = page.last().map(|p| p.id);
    }
}

/// A revision as listed.
pub(crate) struct RevisionLine {
    pub revision: i64,
    pub title: String,
    pub who: String,
    pub when: String,
}

impl From<&RevisionRecord> for RevisionLine {
    fn from(r: &RevisionRecord) -> Self {
        RevisionLine {
            revision: r.revision,
            title: r.title.clone(),
            who: r.changed_by.clone(),
            when: when(r.changed_at),
        }
    }
}

#[derive(Template)]
#[template(path = "podpora_procedure.html")]
struct DetailPage {
    layout: Layout,
    p: ProcedureRecord,
    body_html: String,
    products: String,
    visibility: String,
    updated: String,
    is_staff: bool,
    may_write: bool,
    chosen: Vec<String>,
    revisions: Vec<RevisionLine>,
    history: Vec<HistoryLine>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let actor = &signed.actor;
    require_reader(actor)?;
    let id = procedure_id(&id)?;
    let p = state.store().procedure(actor, id).await?;
    let layout = Layout::new(&signed.ctx, "procedure-title");
    let t = layout.t;
    let chosen = if actor.is_staff() {
        state
            .store()
            .procedure_organisations(actor, id)
            .await?
            .into_iter()
            .map(|(_, name)| name)
            .collect()
    } else {
        Vec::new()
    };
    let revisions = state.store().procedure_revisions(actor, id).await?;
    render(&DetailPage {
        body_html: to_safe_html(&p.body),
        products: products_text(&p),
        visibility: visibility_label(&t, &p),
        updated: when(p.updated_at),
        is_staff: actor.is_staff(),
        may_write: may_write(actor),
        chosen,
        revisions: revisions.iter().map(RevisionLine::from).collect(),
        history: lines_for(&state, &t, actor, ENTITY, id.0).await?,
        p,
        layout,
    })
}

#[derive(Template)]
#[template(path = "podpora_procedure_revision.html")]
struct RevisionPage {
    layout: Layout,
    p: ProcedureRecord,
    shown: RevisionLine,
    body_html: String,
    /// Compared with the revision before it (none for the first).
    previous: Option<i64>,
    changes: Vec<(&'static str, String)>,
}

pub(super) async fn revision(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((id, number)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    let actor = &signed.actor;
    require_reader(actor)?;
    let id = procedure_id(&id)?;
    let number: i64 = number.parse().map_err(|_| AppError::NotFound)?;
    let p = state.store().procedure(actor, id).await?;
    let revisions = state.store().procedure_revisions(actor, id).await?;
    let shown = revisions
        .iter()
        .find(|r| r.revision == number)
        .ok_or(AppError::NotFound)?;
    let before = revisions.iter().find(|r| r.revision == number - 1);
    let changes = before
        .map(|b| {
            diff_lines(
                &format!("# {}\n{}", b.title, b.body),
                &format!("# {}\n{}", shown.title, shown.body),
            )
        })
        .unwrap_or_default()
        .into_iter()
        .map(|(change, line)| (change.as_str(), line))
        .collect::<Vec<_>>();
    render(&RevisionPage {
        layout: Layout::new(&signed.ctx, "procedure-revision-title"),
        body_html: to_safe_html(&shown.body),
        previous: before.map(|b| b.revision),
        shown: RevisionLine::from(shown),
        changes,
        p,
    })
}

/// Streams a file of a procedure the user may see.
pub(crate) async fn download_file(
    state: &AppState,
    signed: &SignedIn,
    id: &str,
    file: &str,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    require_reader(&signed.actor)?;
    let id = procedure_id(id)?;
    let file: FileId = file.parse().map_err(|_| AppError::NotFound)?;
    let record = state
        .store()
        .procedure_file(&signed.actor, id, file)
        .await?;
    crate::downloads::respond(state, &record, headers).await
}

pub(super) async fn download(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((id, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    download_file(&state, &signed, &id, &file, &headers).await
}
