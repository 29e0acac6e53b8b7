//! The overview of support documents and its CSV export.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use chrono::Utc;
use supportweb_app::overview::group_headings;
use supportweb_app::support_documents::{
    DocumentGrouping, DocumentSort, DocumentState, OverviewParams, may_open, views_for,
};
use supportweb_domain::severity::Severity;

use super::view::OverviewRow;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::pages::csv::csv_stream;
use crate::pages::form::FormErrors;
use crate::pages::layout::{Choice, Layout, render};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "support_documents.html")]
struct OverviewPage {
    layout: Layout,
    params: OverviewParams,
    view: &'static str,
    views: Vec<Choice>,
    states: Vec<Choice>,
    severities: Vec<Choice>,
    organisations: Vec<Choice>,
    assignees: Vec<Choice>,
    products: Vec<Choice>,
    sorts: Vec<Choice>,
    groups: Vec<Choice>,
    rows: Vec<OverviewRow>,
    errors: FormErrors,
    next: Option<String>,
    filters: String,
    may_create: bool,
    is_staff: bool,
}

pub(super) async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<OverviewParams>,
) -> Result<Html<String>, AppError> {
    let actor = &signed.actor;
    let app = state.app();
    let documents = app.support_documents();
    let (query, problems) = documents.overview_query(actor, &params)?;
    let page = documents.overview(actor, &query).await?;
    let layout = Layout::new(&signed.ctx, "support-title");
    let t = layout.t;
    let now = Utc::now();
    let hours = app.settings().support.hours;
    let mut rows: Vec<OverviewRow> = page
        .rows
        .iter()
        .map(|d| OverviewRow::new(&t, &hours, d, now))
        .collect();
    let headings = group_headings(&rows, |row| match query.grouping {
        DocumentGrouping::None => None,
        DocumentGrouping::State => Some(row.state.clone()),
        DocumentGrouping::Organisation => Some(row.organisation.clone()),
    });
    for (row, heading) in rows.iter_mut().zip(headings) {
        row.group = heading;
    }
    let choice = |value: &str, key: String| Choice::translated(&t, value, key);
    let mut states = vec![choice("unfinished", "support-state-unfinished".into())];
    states.extend(
        DocumentState::ALL
            .iter()
            .map(|s| choice(s.as_str(), crate::i18n::document_state_key(*s))),
    );
    let organisations = app
        .organisation_choices(actor, |r| r.support_documents.may_enter())
        .await?
        .into_iter()
        .map(Choice::from)
        .collect();
    let assignees = app
        .support_staff_choices(actor)
        .await?
        .into_iter()
        .map(Choice::from)
        .collect();
    let products = app
        .product_choices()
        .await?
        .into_iter()
        .map(Choice::from)
        .collect();
    render(&OverviewPage {
        view: query.view.as_str(),
        views: views_for(actor)
            .into_iter()
            .map(|v| choice(v.as_str(), format!("support-view-{}", v.as_str())))
            .collect(),
        states,
        severities: Severity::ALL
            .iter()
            .map(|s| choice(s.as_str(), format!("severity-{}", s.as_str())))
            .collect(),
        organisations,
        assignees,
        products,
        sorts: DocumentSort::ALL
            .iter()
            .map(|s| choice(s.as_str(), format!("support-sort-{}", s.as_str())))
            .collect(),
        groups: DocumentGrouping::ALL
            .iter()
            .map(|g| choice(g.as_str(), format!("support-group-{}", g.as_str())))
            .collect(),
        rows,
        errors: FormErrors::from_fields(&problems, &t),
        next: page.next,
        filters: params.filters(),
        may_create: may_open(actor),
        is_staff: actor.is_staff(),
        params,
        layout,
    })
}

/// The CSV export of everything the filters match (up to 100 000 documents), in the
/// user's language.
pub(super) async fn export(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<OverviewParams>,
) -> Result<Response, AppError> {
    let body =
        state
            .app()
            .support_documents()
            .export(&signed.actor, &params, Tr::new(signed.ctx.lang))?;
    Ok(csv_stream("support-documents.csv", body))
}
