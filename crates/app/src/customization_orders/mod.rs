//! Customization orders: requirement, versioned quotes, approval by the signatory, delivery,
//! acceptance, hours and invoicing.

pub(crate) mod notify;

use supportweb_domain::Actor;
use supportweb_domain::agenda::Agenda;

/// Staff who read orders, or customer and partner users with an orders right.
pub fn may_read(actor: &Actor) -> bool {
    crate::reads_agenda(actor, Agenda::CustomizationOrders)
}
