//! The customization orders agenda in pages: the overview with filters and CSV, submitting a
//! requirement, the order's page with its quote revisions side by side, the steps each party
//! may take (the signatory's approval with the contracts-register reminder for public
//! bodies, delivery with its version and patch, acceptance with reservations), the staff's
//! hours against the estimate, and invoicing.

mod detail;
mod form;
mod invoicing;
mod overview;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::state::AppState;

/// Routes of the agenda.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/customization-orders",
            get(overview::list)
                .post(form::create)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/customization-orders/export.csv", get(overview::export))
        .route("/customization-orders/new", get(form::new_form))
        .route(
            "/customization-orders/invoicing",
            get(invoicing::show).post(invoicing::mark),
        )
        .route(
            "/customization-orders/invoicing.csv",
            get(invoicing::export),
        )
        .route("/customization-orders/{id}", get(detail::show))
        .route("/customization-orders/{id}/steps", post(detail::step))
        .route(
            "/customization-orders/{id}/quotes",
            post(detail::quote).layer(DefaultBodyLimit::disable()),
        )
        .route("/customization-orders/{id}/work", post(detail::work))
        .route(
            "/customization-orders/{id}/comments",
            post(detail::comment).layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/customization-orders/{id}/files/{file}",
            get(detail::download),
        )
        .route(
            "/customization-orders/{id}/reservations/{reservation}",
            post(detail::reservation),
        )
        .route("/support-documents/{id}/convert", post(form::convert))
}
