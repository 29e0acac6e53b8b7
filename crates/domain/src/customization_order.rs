//! Customization orders (customizační objednávky): a customer's requirement, quoted by the
//! vendor in revisions, approved by the customer's signatory, developed, delivered, accepted
//! and invoiced. Who may take each step is the table [`STEPS`]; which quote revision may be
//! approved is [`approvable`].

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Actor;
use crate::agenda::{Agenda, AgendaRight};
use crate::ids::OrganisationId;
use crate::permissions::{Action, Area};
use crate::protocol::Side;

/// Where an order stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// The customer submitted the requirement.
    Submitted,
    /// The vendor analyses it.
    InAnalysis,
    /// A quote revision waits for the signatory.
    Quoted,
    /// The signatory approved a revision.
    Approved,
    /// The signatory rejected the quote, with a reason.
    Rejected,
    /// The signatory asked for a new quote.
    ReturnedForRequote,
    /// The vendor develops it.
    InDevelopment,
    /// Delivered in a version or patch; waits for the customer's acceptance.
    Delivered,
    /// Accepted (possibly with reservations still to be fixed).
    Accepted,
    /// Invoiced.
    Invoiced,
    /// Finished.
    Closed,
    /// Cancelled with a reason before development.
    Cancelled,
}

impl OrderState {
    /// Every state, in the order of an order's life.
    pub const ALL: [OrderState; 12] = [
        OrderState::Submitted,
        OrderState::InAnalysis,
        OrderState::Quoted,
        OrderState::Approved,
        OrderState::Rejected,
        OrderState::ReturnedForRequote,
        OrderState::InDevelopment,
        OrderState::Delivered,
        OrderState::Accepted,
        OrderState::Invoiced,
        OrderState::Closed,
        OrderState::Cancelled,
    ];

    /// Database / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Submitted => "submitted",
            OrderState::InAnalysis => "in_analysis",
            OrderState::Quoted => "quoted",
            OrderState::Approved => "approved",
            OrderState::Rejected => "rejected",
            OrderState::ReturnedForRequote => "returned_for_requote",
            OrderState::InDevelopment => "in_development",
            OrderState::Delivered => "delivered",
            OrderState::Accepted => "accepted",
            OrderState::Invoiced => "invoiced",
            OrderState::Closed => "closed",
            OrderState::Cancelled => "cancelled",
        }
    }

    /// Parses [`OrderState::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whose move it is: the vendor's, the customer's, or nobody's (a finished order).
    pub fn waiting_on(self) -> Option<Side> {
        match self {
            OrderState::Submitted
            | OrderState::InAnalysis
            | OrderState::ReturnedForRequote
            | OrderState::Approved
            | OrderState::InDevelopment
            | OrderState::Accepted => Some(Side::Vendor),
            OrderState::Quoted | OrderState::Delivered => Some(Side::Customer),
            OrderState::Rejected
            | OrderState::Invoiced
            | OrderState::Closed
            | OrderState::Cancelled => None,
        }
    }
}

/// A step in an order's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStep {
    /// Staff take the requirement into analysis.
    Analyse,
    /// Staff issue a quote revision (a new one supersedes the one before).
    Quote,
    /// The signatory approves the current revision.
    Approve,
    /// The signatory rejects the quote, with a reason.
    Reject,
    /// The signatory asks for a new quote, with a reason.
    ReturnForRequote,
    /// Staff start the development.
    Develop,
    /// Staff deliver it, naming the version or patch.
    Deliver,
    /// The customer accepts it.
    Accept,
    /// The customer accepts it with listed reservations.
    AcceptWithReservations,
    /// The customer does not accept it, with reasons; back to development.
    NotAccept,
    /// Staff mark it invoiced.
    Invoice,
    /// Staff close it.
    Close,
    /// Cancelled with a reason, before development.
    Cancel,
}

impl OrderStep {
    /// Every step.
    pub const ALL: [OrderStep; 13] = [
        OrderStep::Analyse,
        OrderStep::Quote,
        OrderStep::Approve,
        OrderStep::Reject,
        OrderStep::ReturnForRequote,
        OrderStep::Develop,
        OrderStep::Deliver,
        OrderStep::Accept,
        OrderStep::AcceptWithReservations,
        OrderStep::NotAccept,
        OrderStep::Invoice,
        OrderStep::Close,
        OrderStep::Cancel,
    ];

    /// API / form name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrderStep::Analyse => "analyse",
            OrderStep::Quote => "quote",
            OrderStep::Approve => "approve",
            OrderStep::Reject => "reject",
            OrderStep::ReturnForRequote => "return_for_requote",
            OrderStep::Develop => "develop",
            OrderStep::Deliver => "deliver",
            OrderStep::Accept => "accept",
            OrderStep::AcceptWithReservations => "accept_with_reservations",
            OrderStep::NotAccept => "not_accept",
            OrderStep::Invoice => "invoice",
            OrderStep::Close => "close",
            OrderStep::Cancel => "cancel",
        }
    }

    /// Parses [`OrderStep::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the step must carry a reason (or, for reservations, the list of them).
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            OrderStep::Reject
                | OrderStep::ReturnForRequote
                | OrderStep::AcceptWithReservations
                | OrderStep::NotAccept
                | OrderStep::Cancel
        )
    }
}

/// How a user stands towards one order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OrderParty {
    /// Staff who write orders.
    StaffWriter,
    /// Staff who only read them.
    StaffReader,
    /// A user of the organisation with the approve-orders flag (the signatory) and the write
    /// right on orders.
    Signatory,
    /// A signatory with only the read right: answers quotes, nothing else.
    ReadingSignatory,
    /// A user of the organisation with the write right on orders.
    CustomerWriter,
    /// A user of the organisation who may only read its orders.
    CustomerReader,
}

impl OrderParty {
    /// Every party.
    pub const ALL: [OrderParty; 6] = [
        OrderParty::StaffWriter,
        OrderParty::StaffReader,
        OrderParty::Signatory,
        OrderParty::ReadingSignatory,
        OrderParty::CustomerWriter,
        OrderParty::CustomerReader,
    ];

    /// The actor's standing towards an order of `organisation`; `None` when it may not see
    /// the organisation's orders at all.
    pub fn of(actor: &Actor, organisation: OrganisationId) -> Option<Self> {
        let area = Area::Agenda(Agenda::CustomizationOrders);
        if actor.is_staff() {
            return if actor.staff_may(area, Action::Write) {
                Some(OrderParty::StaffWriter)
            } else if actor.staff_may(area, Action::Read) {
                Some(OrderParty::StaffReader)
            } else {
                None
            };
        }
        let membership = actor.membership(organisation)?;
        let right = membership.rights.customization_orders;
        if !right.may_enter() {
            None
        } else if membership.rights.may_approve_orders && right == AgendaRight::Write {
            Some(OrderParty::Signatory)
        } else if membership.rights.may_approve_orders {
            Some(OrderParty::ReadingSignatory)
        } else if right == AgendaRight::Write {
            Some(OrderParty::CustomerWriter)
        } else {
            Some(OrderParty::CustomerReader)
        }
    }

    /// Whether the party may submit requirements and reply in the conversation (`internal`:
    /// write internal notes, staff who write orders only).
    pub fn may_write(self, internal: bool) -> bool {
        match self {
            OrderParty::StaffWriter => true,
            OrderParty::Signatory | OrderParty::CustomerWriter => !internal,
            OrderParty::StaffReader | OrderParty::ReadingSignatory | OrderParty::CustomerReader => {
                false
            }
        }
    }

    /// Whether the party is on the vendor's side.
    pub fn is_staff(self) -> bool {
        matches!(self, OrderParty::StaffWriter | OrderParty::StaffReader)
    }
}

/// Who may take which step from which state, and where it leads. Anything not listed is
/// refused.
pub const STEPS: &[(OrderParty, OrderState, OrderStep, OrderState)] = {
    use OrderParty::{CustomerWriter, ReadingSignatory, Signatory, StaffWriter};
    use OrderState::*;
    use OrderStep::*;
    &[
        (StaffWriter, Submitted, Analyse, InAnalysis),
        (StaffWriter, InAnalysis, Quote, Quoted),
        (StaffWriter, Quoted, Quote, Quoted),
        (StaffWriter, ReturnedForRequote, Quote, Quoted),
        (Signatory, Quoted, Approve, Approved),
        (Signatory, Quoted, Reject, Rejected),
        (Signatory, Quoted, ReturnForRequote, ReturnedForRequote),
        (ReadingSignatory, Quoted, Approve, Approved),
        (ReadingSignatory, Quoted, Reject, Rejected),
        (
            ReadingSignatory,
            Quoted,
            ReturnForRequote,
            ReturnedForRequote,
        ),
        (StaffWriter, Approved, Develop, InDevelopment),
        (StaffWriter, InDevelopment, Deliver, Delivered),
        (Signatory, Delivered, Accept, Accepted),
        (CustomerWriter, Delivered, Accept, Accepted),
        (Signatory, Delivered, AcceptWithReservations, Accepted),
        (CustomerWriter, Delivered, AcceptWithReservations, Accepted),
        (Signatory, Delivered, NotAccept, InDevelopment),
        (CustomerWriter, Delivered, NotAccept, InDevelopment),
        (StaffWriter, Accepted, Invoice, Invoiced),
        (StaffWriter, Invoiced, Close, Closed),
        (StaffWriter, Rejected, Close, Closed),
        (StaffWriter, Submitted, Cancel, Cancelled),
        (StaffWriter, InAnalysis, Cancel, Cancelled),
        (StaffWriter, Quoted, Cancel, Cancelled),
        (StaffWriter, ReturnedForRequote, Cancel, Cancelled),
        (StaffWriter, Approved, Cancel, Cancelled),
        (Signatory, Submitted, Cancel, Cancelled),
        (Signatory, InAnalysis, Cancel, Cancelled),
        (Signatory, Quoted, Cancel, Cancelled),
        (Signatory, ReturnedForRequote, Cancel, Cancelled),
        (Signatory, Approved, Cancel, Cancelled),
        (CustomerWriter, Submitted, Cancel, Cancelled),
        (CustomerWriter, InAnalysis, Cancel, Cancelled),
    ]
};

/// Where `step` leads for `party` from `state`, or `None` when it is refused.
pub fn step_to(party: OrderParty, state: OrderState, step: OrderStep) -> Option<OrderState> {
    STEPS
        .iter()
        .find(|(p, s, st, _)| *p == party && *s == state && *st == step)
        .map(|(_, _, _, to)| *to)
}

/// The steps `party` may take from `state`.
pub fn available_steps(party: OrderParty, state: OrderState) -> Vec<OrderStep> {
    OrderStep::ALL
        .into_iter()
        .filter(|step| step_to(party, state, *step).is_some())
        .collect()
}

/// Why a quote revision cannot be approved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuoteRefusal {
    /// A newer revision supersedes it.
    Superseded,
    /// Its validity ended before today.
    Expired,
}

/// Whether revision `revision` (valid until `valid_until`) may be approved on `today`, when
/// the order's newest revision is `current`.
pub fn approvable(
    revision: u32,
    valid_until: NaiveDate,
    current: u32,
    today: NaiveDate,
) -> Result<(), QuoteRefusal> {
    if revision != current {
        Err(QuoteRefusal::Superseded)
    } else if valid_until < today {
        Err(QuoteRefusal::Expired)
    } else {
        Ok(())
    }
}

/// State of a reservation made at acceptance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReservationState {
    /// Still to be fixed.
    Open,
    /// Fixed.
    Fixed,
}

impl ReservationState {
    /// Every state.
    pub const ALL: [ReservationState; 2] = [ReservationState::Open, ReservationState::Fixed];

    /// Database / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReservationState::Open => "open",
            ReservationState::Fixed => "fixed",
        }
    }

    /// Parses [`ReservationState::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// The longest text an order's field takes, in characters (the forms say the same with
/// `maxlength`): short identifiers such as the purchase-order number, a line for a work
/// note, and room for Markdown in descriptions, scopes, replies and reasons.
pub fn text_limit(field: &str) -> usize {
    match field {
        "purchase_order" | "delivered_in" => 100,
        "title" => 200,
        "note" => 300,
        "reason" => 4_000,
        _ => 20_000,
    }
}

/// The reservations listed in an acceptance, one a line; blank lines are dropped.
pub fn reservations(text: &str) -> Vec<String> {
    text.lines()
        .map(|line| line.trim().trim_start_matches(['-', '*', '•']).trim())
        .filter(|line| !line.is_empty())
        .map(str::to_owned)
        .collect()
}
