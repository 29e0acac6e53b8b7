//! Customization orders: the requirement, versioned quotes, approval by the signatory (with
//! the contracts-register reminder for public bodies), delivery with its version and patch,
//! acceptance with reservations, the staff's hours against the estimate, the conversation,
//! invoicing, and converting a support document into an order.
//!
//! Domain rules: `supportweb_domain::{customization_order, money}`; SQL:
//! `supportweb_storage::customization_orders`; pages:
//! `crates/web/src/pages/customization_orders/`; API:
//! `crates/web/src/api/customization_orders.rs`; templates `crates/web/templates/order*.html`;
//! strings `crates/i18n/locales/*/customization_orders.ftl`.

mod detail;
mod invoicing;
pub(crate) mod notify;
mod overview;
mod requirement;

use supportweb_domain::Actor;
use supportweb_domain::agenda::Agenda;
use supportweb_domain::customization_order::{OrderState, QuoteRefusal, text_limit};
use supportweb_domain::ids::OrderId;
use supportweb_domain::permissions::{Action, Area};
use supportweb_i18n::Tr;
use supportweb_storage::customization_orders::OrderError;

pub use detail::{OrderDetail, QuoteInput};
pub use invoicing::{InvoiceFacts, InvoiceLine};
pub use overview::{OrderOverview, OrderParams, desired, submitted, waiting_label};
pub use requirement::OrderInput;
pub use supportweb_domain::customization_order::{OrderParty, OrderStep, ReservationState};
pub use supportweb_storage::customization_orders::{
    AnswerRecord, NewQuote, OrderCommentRecord, OrderGroup, OrderRecord, QuoteRecord,
    ReservationRecord, StepInput, WorkRecord,
};

use crate::error::reachable;
use crate::{App, Error, FieldErrors, Result};

/// History entity name of customization orders.
pub const ENTITY: &str = supportweb_storage::customization_orders::ENTITY;

/// The customization-order use cases.
pub struct Orders<'a> {
    app: &'a App,
}

impl App {
    /// Customization orders.
    pub fn customization_orders(&self) -> Orders<'_> {
        Orders { app: self }
    }
}

/// Staff who read orders, or customer and partner users with an orders right.
pub fn may_read(actor: &Actor) -> bool {
    crate::reads_agenda(actor, Agenda::CustomizationOrders)
}

/// [`may_read`], or a missing page.
pub fn require_reader(actor: &Actor) -> Result<()> {
    reachable(may_read(actor))
}

/// Staff who work on orders (quote, deliver, log hours, invoice).
pub fn staff_writes(actor: &Actor) -> bool {
    actor.staff_may(Area::Agenda(Agenda::CustomizationOrders), Action::Write)
}

/// Parses an order id from a path; anything else is a missing order.
pub fn order_id(text: &str) -> Result<OrderId> {
    text.parse().map_err(|_| Error::NotFound)
}

/// The name of an order state in `t`'s language.
pub fn state_label(t: &Tr, state: OrderState) -> String {
    t.t(supportweb_i18n::order_state_key(state))
}

/// The form field and message of a refused order field.
pub fn order_error_field(field: &str) -> (&'static str, &'static str) {
    match field {
        "organisation" => ("organisation", "order-error-organisation"),
        "title" => ("title", "order-error-title"),
        "description" => ("description", "order-error-description"),
        "requested_by" => ("requested_by", "order-error-requested-by"),
        "scope" => ("scope", "order-error-scope"),
        "valid_until" => ("valid_until", "order-error-valid-until"),
        "delivery_on" => ("delivery_on", "order-error-delivery-on"),
        "vat_rate" => ("vat_rate", "order-error-vat-rate"),
        "price" => ("hourly_rate", "order-error-price"),
        "hours" => ("hours", "order-error-hours"),
        "delivered_in" => ("delivered_in", "order-error-delivered-in"),
        "purchase_order" => ("purchase_order", "order-error-reason"),
        "note" => ("note", "order-error-reason"),
        "worked_on" => ("worked_on", "order-error-worked-on"),
        "reservations" => ("reservations", "order-error-open-reservations"),
        "patch" => ("patch", "order-error-patch"),
        "quote_revision" => ("quote_revision", "order-error-quote-superseded"),
        "step" => ("step", "order-error-step"),
        "files" => ("files", "order-error-files"),
        "body" => ("body", "order-error-body"),
        _ => ("reason", "order-error-reason"),
    }
}

impl From<OrderError> for Error {
    fn from(error: OrderError) -> Self {
        match error {
            OrderError::Store(e) => e.into(),
            OrderError::NotAllowed => Error::Forbidden,
            OrderError::Invalid(field) => {
                let (field, code) = order_error_field(field);
                Error::refused(field, code)
            }
            OrderError::TooLong(field) => {
                let mut errors = FieldErrors::default();
                let limit = i64::try_from(text_limit(field)).unwrap_or(i64::MAX);
                errors.add_n(
                    order_error_field(field).0,
                    "order-error-too-long",
                    "max",
                    limit,
                );
                Error::Invalid(errors)
            }
            OrderError::Quote(QuoteRefusal::Superseded) => {
                Error::field("quote_revision", "order-error-quote-superseded")
            }
            OrderError::Quote(QuoteRefusal::Expired) => {
                Error::field("quote_revision", "order-error-quote-expired")
            }
        }
    }
}
