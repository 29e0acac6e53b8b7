//! The search page (`/search`): the box in every page's header sends its words here; the
//! results come grouped by agenda with highlighted snippets, and a record number opens the
//! record.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use supportweb_app::Error;
use supportweb_app::search::{SearchAgenda, SearchOutcome, SearchParams};
use supportweb_domain::calendar::prague_time;

use super::form::FormErrors;
use super::layout::{Choice, Layout, render};
use crate::context::SignedIn;
use crate::error::AppError;
use crate::snippet::{Part, parts};
use crate::state::AppState;

/// One record found, as the page shows it.
struct HitRow {
    href: String,
    number: String,
    title: String,
    organisation: String,
    state: String,
    changed: String,
    in_conversation: bool,
    snippet: Vec<Part>,
}

/// The records of one agenda.
struct GroupRow {
    agenda: &'static str,
    label: String,
    hits: Vec<HitRow>,
    more: Option<String>,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    layout: Layout,
    params: SearchParams,
    agendas: Vec<Choice>,
    organisations: Vec<Choice>,
    states: Vec<Choice>,
    groups: Vec<GroupRow>,
    searched: bool,
    previous: Option<String>,
    errors: FormErrors,
}

pub(crate) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<SearchParams>,
) -> Result<Response, AppError> {
    let actor = &signed.actor;
    let app = state.app();
    let layout = Layout::new(&signed.ctx, "search-title");
    let t = layout.t;
    let (outcome, errors) = match app.search(actor, &params).await {
        Ok(outcome) => (Some(outcome), FormErrors::default()),
        Err(Error::Invalid(fields)) => (None, FormErrors::from_fields(&fields, &t)),
        Err(other) => return Err(other.into()),
    };
    let (page, found) = match outcome {
        Some(SearchOutcome::Record(path)) => return Ok(Redirect::to(&path).into_response()),
        Some(SearchOutcome::Results { page, groups }) => (page, groups),
        None => (1, Vec::new()),
    };
    let filters = params.filters();
    let groups = found
        .into_iter()
        .map(|group| GroupRow {
            agenda: group.agenda.as_str(),
            label: t.t(group.agenda.label_key()),
            more: group.more.then(|| {
                format!(
                    "/search?{filters}&agenda={}&page={}",
                    group.agenda.as_str(),
                    page + 1
                )
            }),
            hits: group
                .hits
                .into_iter()
                .map(|hit| HitRow {
                    href: group.agenda.path(hit.record_id),
                    number: hit.number,
                    title: hit.title,
                    organisation: hit.organisation_name.unwrap_or_default(),
                    state: group
                        .agenda
                        .state_key(&hit.state)
                        .map(|key| t.t(key))
                        .unwrap_or(hit.state),
                    changed: prague_time(hit.updated_at)
                        .format("%-d. %-m. %Y")
                        .to_string(),
                    in_conversation: SearchAgenda::in_conversation(&hit.source),
                    snippet: parts(&hit.snippet),
                })
                .collect(),
        })
        .collect();
    let choice = |value: &str, key: String| Choice::translated(&t, value, key);
    let organisations = app
        .organisation_choices(actor, |r| {
            r.support_documents.may_enter() || r.customization_orders.may_enter()
        })
        .await?
        .into_iter()
        .map(Choice::from)
        .collect();
    render(&SearchPage {
        agendas: SearchAgenda::ALL
            .iter()
            .filter(|a| actor.is_staff() || !a.staff_only())
            .map(|a| choice(a.as_str(), a.label_key().to_owned()))
            .collect(),
        organisations,
        states: {
            let mut states: Vec<Choice> = Vec::new();
            for agenda in SearchAgenda::ALL {
                for state in agenda.states() {
                    if !states.iter().any(|c| c.value == state)
                        && let Some(key) = agenda.state_key(state)
                    {
                        states.push(choice(state, key));
                    }
                }
            }
            states
        },
        groups,
        searched: !params.q.trim().is_empty() && errors.is_empty(),
        previous: (page > 1).then(|| format!("/search?{filters}&page={}", page - 1)),
        errors,
        params,
        layout,
    })
    .map(IntoResponse::into_response)
}
