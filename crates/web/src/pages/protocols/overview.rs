//! The protocols overview and its CSV export: filters by state, organisation, project, kind
//! and dates, latest first or grouped by organisation, keyset-paged, all through the actor's
//! scope (customers never see drafts).

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use chrono::{Duration, NaiveTime};
use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::calendar::from_prague_time;
use supportweb_domain::ids::{OrganisationId, ProjectId, ProtocolId};
use supportweb_domain::protocol::{ProtocolKind, ProtocolState};
use supportweb_storage::protocols::{ProtocolQuery, ProtocolRecord};

use super::{held, may_write, require_reader};
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::pages::Choice;
use crate::pages::csv::{BOM, csv_response, push_record};
use crate::pages::form::{FilterReader, FormErrors};
use crate::pages::{Layout, render};
use crate::state::AppState;

/// The overview's query string, as typed; the API's list takes the same.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProtocolParams {
    /// State.
    #[serde(default)]
    #[param(required = false)]
    pub state: String,
    /// Organisation id.
    #[serde(default)]
    #[param(required = false)]
    pub organisation: String,
    /// Project id.
    #[serde(default)]
    #[param(required = false)]
    pub project: String,
    /// Kind.
    #[serde(default)]
    #[param(required = false)]
    pub kind: String,
    /// Held on or after this day.
    #[serde(default)]
    #[param(required = false)]
    pub from: String,
    /// Held on or before this day.
    #[serde(default)]
    #[param(required = false)]
    pub to: String,
    /// `organisation`: keeps each organisation's protocols together.
    #[serde(default)]
    #[param(required = false)]
    pub group: String,
    /// The `next` of the previous page.
    #[serde(default)]
    #[param(required = false)]
    pub after: String,
}

impl ProtocolParams {
    pub(crate) fn query(&self, t: &Tr, errors: &mut FormErrors) -> ProtocolQuery {
        let mut read = FilterReader::new(t, errors);
        let organisation = read
            .uuid(&self.organisation, "organisation")
            .map(OrganisationId);
        let project = read.uuid(&self.project, "project").map(ProjectId);
        let after = read.uuid(&self.after, "after").map(ProtocolId);
        let state = read.value(&self.state, "state", ProtocolState::parse);
        let kind = read.value(&self.kind, "kind", ProtocolKind::parse);
        let from = read.day(&self.from, "from");
        let to = read.day(&self.to, "to");
        ProtocolQuery {
            state,
            organisation,
            project,
            kind,
            from: from.map(|d| from_prague_time(d.and_time(NaiveTime::MIN))),
            before: to.map(|d| from_prague_time((d + Duration::days(1)).and_time(NaiveTime::MIN))),
            by_organisation: self.group == "organisation",
            after,
            limit: 50,
        }
    }

    fn filters(&self) -> String {
        serde_urlencoded::to_string([
            ("state", self.state.as_str()),
            ("organisation", self.organisation.as_str()),
            ("project", self.project.as_str()),
            ("kind", self.kind.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("group", self.group.as_str()),
        ])
        .unwrap_or_default()
    }
}

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

/// The name of a protocol state in the user's language.
pub(crate) fn state_label(t: &Tr, state: ProtocolState) -> String {
    t.t(format!("protocol-state-{}", state.as_str()))
}

/// The name of a protocol kind in the user's language.
pub(crate) fn kind_label(t: &Tr, kind: ProtocolKind) -> String {
    t.t(format!("protocol-kind-{}", kind.as_str().replace('_', "-")))
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
pub(crate) async fn organisation_choices(
    state: &AppState,
    actor: &Actor,
) -> Result<Vec<Choice>, AppError> {
    crate::pages::organisation_choices::organisation_choices(state, actor, |r| {
        r.protocols.may_enter()
    })
    .await
}

pub(super) async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<ProtocolParams>,
) -> Result<Html<String>, AppError> {
    let actor = &signed.actor;
    require_reader(actor)?;
    let layout = Layout::new(&signed.ctx, "protocol-title");
    let t = layout.t;
    let mut errors = FormErrors::default();
    let query = params.query(&t, &mut errors);
    let protocols = state.store().protocols(actor, &query).await?;
    let next = (protocols.len() == query.limit as usize)
        .then(|| protocols.last().map(|p| p.id.to_string()))
        .flatten();
    let mut rows = Vec::with_capacity(protocols.len());
    let mut last: Option<String> = None;
    for p in &protocols {
        let mut row = ProtocolRow::new(&t, p);
        if query.by_organisation && last.as_deref() != Some(&row.organisation) {
            row.group = Some(row.organisation.clone());
            last = Some(row.organisation.clone());
        }
        rows.push(row);
    }
    let projects = match query.organisation {
        Some(organisation) => match state.store().projects(actor, organisation).await {
            Ok(list) => list
                .into_iter()
                .map(|(id, name)| Choice {
                    value: id.to_string(),
                    label: name,
                })
                .collect(),
            Err(supportweb_storage::StoreError::NotFound) => Vec::new(),
            Err(error) => return Err(error.into()),
        },
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
            })
            .collect(),
        kinds: ProtocolKind::ALL
            .into_iter()
            .map(|k| Choice {
                value: k.as_str().to_owned(),
                label: kind_label(&t, k),
            })
            .collect(),
        organisations: organisation_choices(&state, actor).await?,
        rows,
        errors,
        next,
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
    let mut out = String::from(BOM);
    push_record(
        &mut out,
        [
            "protocol-number",
            "protocol-subject",
            "protocol-organisation",
            "protocol-project",
            "protocol-kind",
            "protocol-held-at",
            "protocol-state",
            "protocol-revision",
        ]
        .iter()
        .map(|k| t.t(k)),
    );
    loop {
        let page = state.store().protocols(actor, &query).await?;
        for p in &page {
            let row = ProtocolRow::new(&t, p);
            push_record(
                &mut out,
                [
                    row.number,
                    row.subject,
                    row.organisation,
                    row.project,
                    row.kind,
                    row.held,
                    row.state,
                    p.revision.to_string(),
                ]
                .into_iter(),
            );
        }
        if page.len() < query.limit as usize {
            break;
        }
        query.after = page.last().map(|p| p.id);
    }
    Ok(csv_response("protocols.csv", out))
}
