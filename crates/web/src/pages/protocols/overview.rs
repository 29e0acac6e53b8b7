//! The protocols overview and its CSV export.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use supportweb_app::overview::group_headings;
use supportweb_app::protocols::{
    ProtocolKind, ProtocolParams, ProtocolRecord, ProtocolState, held, kind_label, may_write,
    state_label,
};

use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::pages::csv::csv_stream;
use crate::pages::form::FormErrors;
use crate::pages::layout::Choice;
use crate::pages::layout::{Layout, render};
use crate::state::AppState;

pub(crate) struct ProtocolRow {
    pub id: String,
    pub number: String,
    pub subject: String,
    pub organisation: String,
    pub project: String,
    pub kind: String,
    pub held: String,
    pub state_key: &'static str,
    pub state: String,
    pub group: Option<String>,
}

impl ProtocolRow {
    fn new(t: &Tr, p: &ProtocolRecord) -> Self {
        ProtocolRow {
            id: p.id.to_string(),
            number: p.number.clone(),
            subject: p.subject.clone(),
            organisation: p.organisation_name.clone(),
            project: p.project_name.clone(),
            kind: kind_label(t, p.kind),
            held: held(p),
            state_key: p.state.as_str(),
            state: state_label(t, p.state),
            group: None,
        }
    }
}

#[derive(Template)]
#[template(path = "protocols.html")]
struct OverviewPage {
    layout: Layout,
    params: ProtocolParams,
    states: Vec<Choice>,
    kinds: Vec<Choice>,
    organisations: Vec<Choice>,
    /// The chosen organisation's projects (a project filter needs the organisation first).
    projects: Vec<Choice>,
    rows: Vec<ProtocolRow>,
    errors: FormErrors,
    next: Option<String>,
    filters: String,
    may_write: bool,
}

/// The organisations whose protocols the actor may filter by.
pub(super) async fn organisation_choices(
    state: &AppState,
    signed: &SignedIn,
) -> Result<Vec<Choice>, AppError> {
    Ok(state
        .app()
        .protocols()
        .organisations(&signed.actor)
        .await?
        .into_iter()
        .map(Choice::from)
        .collect())
}

pub(super) async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<ProtocolParams>,
) -> Result<Html<String>, AppError> {
    let actor = &signed.actor;
    let protocols = state.app().protocols();
    let (query, problems) = protocols.overview_query(actor, &params)?;
    let page = protocols.overview(actor, &query).await?;
    let layout = Layout::new(&signed.ctx, "protocol-title");
    let t = layout.t;
    let mut rows: Vec<ProtocolRow> = page.rows.iter().map(|p| ProtocolRow::new(&t, p)).collect();
    let headings = group_headings(&rows, |row| {
        query.by_organisation.then(|| row.organisation.clone())
    });
    for (row, heading) in rows.iter_mut().zip(headings) {
        row.group = heading;
    }
    let projects = match query.organisation {
        Some(organisation) => protocols
            .projects(actor, organisation)
            .await?
            .into_iter()
            .map(Choice::from)
            .collect(),
        None => Vec::new(),
    };
    render(&OverviewPage {
        projects,
        states: ProtocolState::ALL
            .into_iter()
            .filter(|s| actor.is_staff() || s.customers_see())
            .map(|s| Choice {
                value: s.as_str().to_owned(),
                label: state_label(&t, s),
                selected: false,
            })
            .collect(),
        kinds: ProtocolKind::ALL
            .into_iter()
            .map(|k| Choice {
                value: k.as_str().to_owned(),
                label: kind_label(&t, k),
                selected: false,
            })
            .collect(),
        organisations: organisation_choices(&state, &signed).await?,
        rows,
        errors: FormErrors::from_fields(&problems, &t),
        next: page.next,
        filters: params.filters(),
        may_write: may_write(actor),
        params,
        layout,
    })
}

pub(super) async fn export(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<ProtocolParams>,
) -> Result<Response, AppError> {
    let body = state
        .app()
        .protocols()
        .export(&signed.actor, &params, Tr::new(signed.ctx.lang))?;
    Ok(csv_stream("protocols.csv", body))
}
