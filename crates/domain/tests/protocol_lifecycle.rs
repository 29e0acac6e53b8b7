//! The protocol lifecycle matrix: every party × state × step against a hand-written
//! expectation, so a change of the rule table is a deliberate change of this file too.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use supportweb_domain::protocol::{
    ProtocolParty, ProtocolState, ProtocolStep, available_steps, step_to,
};

use ProtocolParty::{CustomerReader, StaffReader, StaffWriter, Verifier};
use ProtocolState::{Confirmed, Draft, Issued, Objected};
use ProtocolStep::{Confirm, Issue, Object};

fn expected(
    party: ProtocolParty,
    state: ProtocolState,
    step: ProtocolStep,
) -> Option<ProtocolState> {
    match (party, state, step) {
        // Staff who write issue a draft, and issue again what a verifier objected to.
        (StaffWriter, Draft | Objected, Issue) => Some(Issued),
        // Only a verifier (the confirm-protocols flag) answers an issued revision.
        (Verifier, Issued, Confirm) => Some(Confirmed),
        (Verifier, Issued, Object) => Some(Objected),
        // Everything else is refused: staff never confirm for the customer, customers never
        // issue, nobody moves a confirmed (locked) protocol.
        _ => None,
    }
}

#[test]
fn every_party_state_and_step_is_as_expected() {
    let mut checked = 0;
    for party in [StaffWriter, StaffReader, Verifier, CustomerReader] {
        for state in ProtocolState::ALL {
            for step in ProtocolStep::ALL {
                assert_eq!(
                    step_to(party, state, step),
                    expected(party, state, step),
                    "{party:?} {state:?} {step:?}"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 4 * 4 * 3);
}

#[test]
fn a_confirmed_protocol_offers_nobody_a_step() {
    for party in [StaffWriter, StaffReader, Verifier, CustomerReader] {
        assert!(available_steps(party, Confirmed).is_empty(), "{party:?}");
    }
    assert_eq!(available_steps(Verifier, Issued), [Confirm, Object]);
    assert!(!Confirmed.editable() && !Issued.editable());
    assert!(Draft.editable() && Objected.editable());
    assert!(!Draft.customers_see());
}
