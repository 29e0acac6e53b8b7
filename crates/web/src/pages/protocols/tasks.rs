//! The tasks agreed in protocols, across all of them: "what we owe the customer, what it owes
//! us" — filters by side, state, responsible person (case and diacritics do not matter),
//! overdue or due soon, and organisation; earliest due first, keyset-paged. Staff who write
//! protocols mark tasks done or cancelled here.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use serde::Deserialize;
use supportweb_app::protocols::{TaskParams, TaskRecord, TaskState, may_write};

use super::overview::organisation_choices;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::pages::form::FormErrors;
use crate::pages::layout::Choice;
use crate::pages::layout::{Layout, render, safe_return_path, today};
use crate::state::AppState;

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
    let protocols = state.app().protocols();
    let (query, problems) = protocols.task_query(actor, &params)?;
    let page = protocols.tasks(actor, &query).await?;
    let layout = Layout::new(&signed.ctx, "protocol-tasks-title");
    let t = layout.t;
    let today = today();
    render(&TasksPage {
        organisations: organisation_choices(&state, &signed).await?,
        rows: page
            .rows
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
                selected: false,
            })
            .collect(),
        errors: FormErrors::from_fields(&problems, &t),
        next: page.next,
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
    let protocols = state.app().protocols();
    protocols.task(&signed.actor, &id).await?;
    let form: TaskStateForm =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("bad_request"))?;
    let task_state = TaskState::parse(&form.state).ok_or(AppError::BadRequest("bad_request"))?;
    protocols
        .set_task(&signed.actor, &id, task_state, form.version)
        .await?;
    Ok(Redirect::to(&safe_return_path(Some(&form.next))).into_response())
}
