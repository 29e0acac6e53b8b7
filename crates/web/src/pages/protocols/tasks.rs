//! The tasks agreed in protocols, across all of them: "what we owe the customer, what it owes
//! us" — filters by side, state, responsible person (case and diacritics do not matter),
//! overdue or due soon, and organisation; earliest due first, keyset-paged. Staff who write
//! protocols mark tasks done or cancelled here.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use serde::Deserialize;
use supportweb_domain::ids::{OrganisationId, TaskId};
use supportweb_domain::protocol::{Side, TaskState};
use supportweb_storage::protocols::{DueFilter, TaskQuery, TaskRecord};

use super::overview::organisation_choices;
use super::{may_write, require_reader};
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::pages::Choice;
use crate::pages::form::FormErrors;
use crate::pages::{Layout, render, safe_return_path, today};
use crate::state::AppState;

/// The overview's query string, as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct TaskParams {
    #[serde(default)]
    pub side: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub responsible: String,
    #[serde(default)]
    pub due: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub after: String,
}

impl TaskParams {
    pub(crate) fn query(&self, t: &Tr, errors: &mut FormErrors) -> TaskQuery {
        let mut check = |text: &str, field: &'static str, ok: bool| {
            if !text.is_empty() && !ok {
                errors.add_t(field, t, "patch-error-filter");
            }
        };
        let side = Side::parse(&self.side);
        check(&self.side, "side", side.is_some());
        let state = TaskState::parse(&self.state);
        check(&self.state, "state", state.is_some());
        let due = match self.due.as_str() {
            "overdue" => Some(DueFilter::Overdue),
            "soon" => Some(DueFilter::Soon),
            _ => None,
        };
        check(&self.due, "due", due.is_some());
        let organisation = self.organisation.parse::<OrganisationId>().ok();
        check(&self.organisation, "organisation", organisation.is_some());
        let after = self.after.parse::<TaskId>().ok();
        check(&self.after, "after", after.is_some());
        TaskQuery {
            side,
            state,
            responsible: Some(self.responsible.trim().to_owned()).filter(|r| !r.is_empty()),
            due,
            today: today(),
            organisation,
            after,
            limit: 50,
        }
    }

    fn filters(&self) -> String {
        serde_urlencoded::to_string([
            ("side", self.side.as_str()),
            ("state", self.state.as_str()),
            ("responsible", self.responsible.as_str()),
            ("due", self.due.as_str()),
            ("organisation", self.organisation.as_str()),
        ])
        .unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "protocol_tasks.html")]
struct TasksPage {
    layout: Layout,
    params: TaskParams,
    organisations: Vec<Choice>,
    rows: Vec<(TaskRecord, String, bool)>,
    states: Vec<Choice>,
    errors: FormErrors,
    next: Option<String>,
    filters: String,
    may_write: bool,
    return_to: String,
}

pub(super) async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<TaskParams>,
) -> Result<Html<String>, AppError> {
    let actor = &signed.actor;
    require_reader(actor)?;
    let layout = Layout::new(&signed.ctx, "protocol-tasks-title");
    let t = layout.t;
    let mut errors = FormErrors::default();
    let query = params.query(&t, &mut errors);
    let tasks = state.store().protocol_tasks(actor, &query).await?;
    let next = (tasks.len() == query.limit as usize)
        .then(|| tasks.last().map(|x| x.id.to_string()))
        .flatten();
    let today = today();
    render(&TasksPage {
        organisations: organisation_choices(&state, actor).await?,
        rows: tasks
            .into_iter()
            .map(|task| {
                let due = task.due_on.format("%-d. %-m. %Y").to_string();
                let overdue = task.state == TaskState::Open && task.due_on < today;
                (task, due, overdue)
            })
            .collect(),
        states: TaskState::ALL
            .into_iter()
            .map(|s| Choice {
                value: s.as_str().to_owned(),
                label: t.t(format!("protocol-task-state-{}", s.as_str())),
            })
            .collect(),
        errors,
        next,
        filters: params.filters(),
        may_write: may_write(actor),
        return_to: signed.ctx.path.clone(),
        params,
        layout,
    })
}

#[derive(Debug, Deserialize)]
pub(super) struct TaskStateForm {
    state: String,
    version: i64,
    #[serde(default)]
    next: String,
}

pub(super) async fn set_state(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    require_reader(&signed.actor)?;
    let id: TaskId = id.parse().map_err(|_| AppError::NotFound)?;
    state.store().protocol_task(&signed.actor, id).await?;
    let form: TaskStateForm =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("bad_request"))?;
    let task_state = TaskState::parse(&form.state).ok_or(AppError::BadRequest("bad_request"))?;
    state
        .store()
        .set_task_state(&signed.actor, id, task_state, form.version)
        .await?;
    Ok(Redirect::to(&safe_return_path(Some(&form.next))).into_response())
}
