//! A customer or partner user's membership in an organisation: a right per agenda and flags.

use serde::{Deserialize, Serialize};

use crate::agenda::{Agenda, AgendaRight};
use crate::ids::OrganisationId;

/// What one membership allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipRights {
    /// Right in communication protocols.
    pub protocols: AgendaRight,
    /// Right in customization orders.
    pub customization_orders: AgendaRight,
    /// Right in support documents.
    pub support_documents: AgendaRight,
    /// Right in podpora (patches, codes, procedures).
    pub podpora: AgendaRight,
    /// Authorised signatory: may approve customization orders.
    pub may_approve_orders: bool,
    /// May confirm (or object to) protocols.
    pub may_confirm_protocols: bool,
    /// May see the organisation's validation codes.
    pub may_see_validation_codes: bool,
    /// Receives every notification of the organisation.
    pub all_notifications: bool,
}

impl MembershipRights {
    /// No right anywhere, no flag.
    pub const NONE: MembershipRights = MembershipRights {
        protocols: AgendaRight::None,
        customization_orders: AgendaRight::None,
        support_documents: AgendaRight::None,
        podpora: AgendaRight::None,
        may_approve_orders: false,
        may_confirm_protocols: false,
        may_see_validation_codes: false,
        all_notifications: false,
    };

    /// The right in one agenda.
    pub fn right(&self, agenda: Agenda) -> AgendaRight {
        match agenda {
            Agenda::Protocols => self.protocols,
            Agenda::CustomizationOrders => self.customization_orders,
            Agenda::SupportDocuments => self.support_documents,
            Agenda::Podpora => self.podpora,
        }
    }
}

/// A membership of the acting user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    /// The organisation.
    pub organisation_id: OrganisationId,
    /// What it allows.
    pub rights: MembershipRights,
}
