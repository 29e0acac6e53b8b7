//! The support-documents agenda in pages: the overview with its CSV export, opening a
//! document (no JavaScript needed, attachments included), the detail page with the
//! conversation and every action the user may take, and staff's canned replies.

mod canned;
mod create;
mod detail;
mod overview;
pub(crate) mod view;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

/// Routes of the agenda.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/support-documents", get(overview::list))
        .route("/support-documents/export.csv", get(overview::export))
        .route(
            "/support-documents/new",
            get(create::form)
                .post(create::submit)
                .layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/support-documents/canned-replies",
            get(canned::list).post(canned::create),
        )
        .route(
            "/support-documents/canned-replies/{id}",
            post(canned::update),
        )
        .route("/support-documents/{id}", get(detail::show))
        .route(
            "/support-documents/{id}/transition",
            post(detail::transition),
        )
        .route(
            "/support-documents/{id}/comments",
            post(detail::comment).layer(DefaultBodyLimit::disable()),
        )
        .route("/support-documents/{id}/assignee", post(detail::assign))
        .route("/support-documents/{id}/watchers", post(detail::watchers))
        .route("/support-documents/{id}/time", post(detail::log_time))
        .route("/support-documents/{id}/patches", post(detail::link_patch))
}
