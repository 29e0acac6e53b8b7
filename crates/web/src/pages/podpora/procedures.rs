//! Procedures in pages: the overview with search and product tags, its CSV export, a
//! procedure's page (Markdown body, files, revisions, history), a past revision compared line
//! by line with the one before, and the file downloads — all within the reader's visibility.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, Response};
use supportweb_app::podpora::may_write;
use supportweb_app::podpora::procedures::{
    ProcedureDetail, ProcedureParams, ProcedureRecord, RevisionRecord, RevisionView, products_text,
    visibility_label,
};
use supportweb_domain::text_diff::diff_lines;

use super::Tabs;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::markdown::{RecordFile, to_safe_html};

/// The procedure's files, which its text's pictures may show.
fn record_files(p: &ProcedureRecord) -> Vec<RecordFile> {
    p.files
        .iter()
        .map(|f| {
            RecordFile::under(
                &format!("/podpora/procedures/{}/files", p.id),
                f.file_id,
                &f.file_name,
            )
        })
        .collect()
}
use crate::pages::csv::csv_stream;
use crate::pages::form::FormErrors;
use crate::pages::history::{self, HistoryLine};
use crate::pages::layout::Choice;
use crate::pages::layout::{Layout, render};
use crate::pages::support_documents::view::when;
use crate::state::AppState;

pub(crate) struct ProcedureRow {
    pub id: String,
    pub title: String,
    pub products: String,
    pub visibility: String,
    pub updated: String,
    pub revision: i64,
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
    let procedures = state.app().podpora().procedures();
    let (query, problems) = procedures.overview_query(actor, &params)?;
    let page = procedures.overview(actor, &query).await?;
    let layout = Layout::new(&signed.ctx, "procedure-title");
    let t = layout.t;
    render(&OverviewPage {
        tabs: Tabs::new(actor, "procedures"),
        products: super::product_choices(&state).await?,
        rows: page.rows.iter().map(|p| ProcedureRow::new(&t, p)).collect(),
        errors: FormErrors::from_fields(&problems, &t),
        next: page.next,
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
    let body = state.app().podpora().procedures().export(
        &signed.actor,
        &params,
        Tr::new(signed.ctx.lang),
    )?;
    Ok(csv_stream("procedures.csv", body))
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
    let ProcedureDetail {
        procedure: p,
        revisions,
        history,
        chosen,
    } = state
        .app()
        .podpora()
        .procedures()
        .detail(actor, &id)
        .await?;
    let layout = Layout::new(&signed.ctx, "procedure-title");
    let t = layout.t;
    render(&DetailPage {
        body_html: to_safe_html(&p.body, &record_files(&p)),
        products: products_text(&p),
        visibility: visibility_label(&t, &p),
        updated: when(p.updated_at),
        is_staff: actor.is_staff(),
        may_write: may_write(actor),
        chosen: chosen.into_iter().map(|(_, name)| name).collect(),
        revisions: revisions.iter().map(RevisionLine::from).collect(),
        history: history::format(&t, "procedure", history),
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
    let RevisionView {
        procedure: p,
        shown,
        before,
    } = state
        .app()
        .podpora()
        .procedures()
        .revision(&signed.actor, &id, &number)
        .await?;
    let changes = before
        .as_ref()
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
        body_html: to_safe_html(&shown.body, &record_files(&p)),
        previous: before.map(|b| b.revision),
        shown: RevisionLine::from(&shown),
        changes,
        p,
    })
}

pub(super) async fn download(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((id, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let record = state
        .app()
        .podpora()
        .procedures()
        .file(&signed.actor, &id, &file)
        .await?;
    crate::downloads::respond(&state, &record, &headers).await
}
