//! The communication protocols agenda in pages: the overview with filters, grouping and CSV,
//! recording and revising a protocol (one form that works without JavaScript), its page with
//! the review of tasks still open from earlier protocols of the project, the steps (issue,
//! confirm, object with comments), every issued revision compared with the one before, a
//! clean A4 print view, and the tasks overview ("what we owe the customer, what it owes us").

mod detail;
mod form;
mod overview;
mod tasks;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

/// Routes of the agenda.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/protocols",
            get(overview::list)
                .post(form::create)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/protocols/export.csv", get(overview::export))
        .route("/protocols/new", get(form::new_form))
        .route("/protocols/tasks", get(tasks::list))
        .route("/protocols/tasks/{id}", post(tasks::set_state))
        .route(
            "/protocols/{id}",
            get(detail::show)
                .post(form::update)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/protocols/{id}/edit", get(form::edit_form))
        .route("/protocols/{id}/steps", post(detail::step))
        .route("/protocols/{id}/print", get(detail::print))
        .route(
            "/protocols/{id}/revisions/{revision}",
            get(detail::revision),
        )
        .route("/protocols/{id}/files/{file}", get(detail::download))
}
