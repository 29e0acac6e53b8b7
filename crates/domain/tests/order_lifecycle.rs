//! The customization order lifecycle matrix: every party × state × step against a
//! hand-written expectation, and the rule for which quote revision may be approved.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;
use supportweb_domain::customization_order::{
    OrderParty, OrderState, OrderStep, QuoteRefusal, approvable, available_steps, reservations,
    step_to,
};
use supportweb_domain::protocol::Side;

use OrderParty::{
    CustomerReader, CustomerWriter, ReadingSignatory, Signatory, StaffReader, StaffWriter,
};
use OrderState::*;
use OrderStep::*;

fn expected(party: OrderParty, state: OrderState, step: OrderStep) -> Option<OrderState> {
    let customer = matches!(party, Signatory | CustomerWriter);
    match (party, state, step) {
        // The vendor's work: analysis, quotes (a new revision while one waits), development,
        // delivery, invoicing and closing.
        (StaffWriter, Submitted, Analyse) => Some(InAnalysis),
        (StaffWriter, InAnalysis | Quoted | ReturnedForRequote, Quote) => Some(Quoted),
        (StaffWriter, Approved, Develop) => Some(InDevelopment),
        (StaffWriter, InDevelopment, Deliver) => Some(Delivered),
        (StaffWriter, Accepted, Invoice) => Some(Invoiced),
        (StaffWriter, Invoiced | Rejected, Close) => Some(Closed),
        // Only the signatory answers a quote (with the read right only, it does nothing else).
        (Signatory | ReadingSignatory, Quoted, Approve) => Some(Approved),
        (Signatory | ReadingSignatory, Quoted, Reject) => Some(Rejected),
        (Signatory | ReadingSignatory, Quoted, ReturnForRequote) => Some(ReturnedForRequote),
        // Whoever may write for the customer accepts, with reservations, or not.
        (_, Delivered, Accept | AcceptWithReservations) if customer => Some(Accepted),
        (_, Delivered, NotAccept) if customer => Some(InDevelopment),
        // Cancelling before development: staff and the signatory while nothing is built;
        // a customer writer only before a quote exists (a quote is the signatory's).
        (
            StaffWriter | Signatory,
            Submitted | InAnalysis | Quoted | ReturnedForRequote | Approved,
            Cancel,
        ) => Some(Cancelled),
        (CustomerWriter, Submitted | InAnalysis, Cancel) => Some(Cancelled),
        // Readers never move anything; nothing leaves a finished order.
        _ => None,
    }
}

#[test]
fn every_party_state_and_step_is_as_expected() {
    let mut checked = 0;
    for party in OrderParty::ALL {
        for state in OrderState::ALL {
            for step in OrderStep::ALL {
                assert_eq!(
                    step_to(party, state, step),
                    expected(party, state, step),
                    "{party:?} {state:?} {step:?}"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 6 * 12 * 13);
}

#[test]
fn finished_orders_offer_nobody_a_step_and_readers_never_get_one() {
    for party in OrderParty::ALL {
        for state in [Closed, Cancelled] {
            assert!(
                available_steps(party, state).is_empty(),
                "{party:?} {state:?}"
            );
        }
    }
    for state in OrderState::ALL {
        assert!(available_steps(StaffReader, state).is_empty());
        assert!(available_steps(CustomerReader, state).is_empty());
    }
    assert_eq!(
        available_steps(Signatory, Quoted),
        [Approve, Reject, ReturnForRequote, Cancel]
    );
    assert!(!available_steps(StaffWriter, Quoted).contains(&Approve));
    assert!(!available_steps(StaffWriter, Delivered).contains(&Accept));
}

#[test]
fn no_order_can_be_cancelled_once_development_started() {
    for party in OrderParty::ALL {
        for state in [InDevelopment, Delivered, Accepted, Invoiced] {
            assert_eq!(step_to(party, state, Cancel), None, "{party:?} {state:?}");
        }
    }
}

#[test]
fn every_state_says_whose_move_it_is() {
    assert_eq!(Quoted.waiting_on(), Some(Side::Customer));
    assert_eq!(Delivered.waiting_on(), Some(Side::Customer));
    assert_eq!(Submitted.waiting_on(), Some(Side::Vendor));
    assert_eq!(Accepted.waiting_on(), Some(Side::Vendor));
    assert_eq!(Closed.waiting_on(), None);
    for state in OrderState::ALL {
        assert_eq!(OrderState::parse(state.as_str()), Some(state));
    }
    for step in OrderStep::ALL {
        assert_eq!(OrderStep::parse(step.as_str()), Some(step));
    }
    assert!(Reject.needs_reason() && Cancel.needs_reason() && NotAccept.needs_reason());
    assert!(!Approve.needs_reason() && !Accept.needs_reason());
}

#[test]
fn only_the_current_revision_within_its_validity_is_approvable() {
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    assert_eq!(approvable(2, day(30), 2, day(30)), Ok(()));
    assert_eq!(approvable(2, day(30), 2, day(10)), Ok(()));
    assert_eq!(
        approvable(1, day(30), 2, day(10)),
        Err(QuoteRefusal::Superseded)
    );
    assert_eq!(
        approvable(2, day(29), 2, day(30)),
        Err(QuoteRefusal::Expired)
    );
}

#[test]
fn reservations_are_read_one_a_line() {
    assert_eq!(
        reservations("- Chybí export do PDF\n\n * Překlep v nápovědě  \n"),
        ["Chybí export do PDF", "Překlep v nápovědě"]
    );
    assert!(reservations("  \n ").is_empty());
}
