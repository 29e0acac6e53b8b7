//! The customization orders agenda in pages: the overview with filters and CSV, submitting a
//! requirement, the order's page with its quote revisions side by side, the steps each party
//! may take (the signatory's approval with the contracts-register reminder for public
//! bodies, delivery with its version and patch, acceptance with reservations), the staff's
//! hours against the estimate, and invoicing.

pub(crate) mod detail;
pub(crate) mod form;
pub(crate) mod invoicing;
pub(crate) mod overview;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use supportweb_domain::Actor;
use supportweb_domain::agenda::Agenda;
use supportweb_domain::customization_order::OrderState;
use supportweb_domain::ids::OrderId;
use supportweb_domain::permissions::{Action, Area};

use crate::error::AppError;
use crate::i18n::Tr;
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

/// Staff who read orders, or customer and partner users with an orders right.
pub(crate) fn require_reader(actor: &Actor) -> Result<(), AppError> {
    let reads = if actor.is_staff() {
        actor.staff_may(Area::Agenda(Agenda::CustomizationOrders), Action::Read)
    } else {
        actor.may_enter(Agenda::CustomizationOrders)
    };
    if reads {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Staff who work on orders (quote, deliver, log hours, invoice).
pub(crate) fn staff_writes(actor: &Actor) -> bool {
    actor.staff_may(Area::Agenda(Agenda::CustomizationOrders), Action::Write)
}

pub(crate) fn order_id(text: &str) -> Result<OrderId, AppError> {
    text.parse().map_err(|_| AppError::NotFound)
}

/// The name of an order state in the user's language.
pub(crate) fn state_label(t: &Tr, state: OrderState) -> String {
    t.t(format!("order-state-{}", state.as_str().replace('_', "-")))
}
