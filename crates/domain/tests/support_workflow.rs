//! The support-document workflow, party × state × transition, against an expectation written
//! out by hand (not derived from the rule table it checks).

use chrono::{Duration, TimeZone, Utc};
use supportweb_domain::support_document::{
    DocumentState, Party, Transition, TransitionError, WorkflowClock, available, permitted,
};

/// Every allowed (party, from, transition, to), as the product describes it.
const EXPECTED: &[(&str, &str, &str, &str)] = &[
    ("staff_manager", "new", "accept", "accepted"),
    ("staff_manager", "new", "cancel", "cancelled"),
    ("customer_writer", "new", "cancel", "cancelled"),
    ("staff_manager", "accepted", "start", "in_progress"),
    (
        "staff_manager",
        "accepted",
        "ask_customer",
        "waiting_for_customer",
    ),
    ("staff_manager", "accepted", "resolve", "resolved"),
    (
        "staff_manager",
        "in_progress",
        "ask_customer",
        "waiting_for_customer",
    ),
    ("staff_manager", "in_progress", "resolve", "resolved"),
    (
        "staff_manager",
        "waiting_for_customer",
        "resume",
        "in_progress",
    ),
    (
        "customer_writer",
        "waiting_for_customer",
        "resume",
        "in_progress",
    ),
    (
        "staff_manager",
        "waiting_for_customer",
        "resolve",
        "resolved",
    ),
    (
        "customer_writer",
        "resolved",
        "confirm_resolution",
        "closed",
    ),
    ("staff_manager", "resolved", "close", "closed"),
    ("system", "resolved", "auto_close", "closed"),
    ("staff_manager", "resolved", "reopen", "in_progress"),
    ("customer_writer", "resolved", "reopen", "in_progress"),
    ("staff_manager", "closed", "reopen", "in_progress"),
    ("customer_writer", "closed", "reopen", "in_progress"),
];

fn party_name(p: Party) -> &'static str {
    match p {
        Party::CustomerReader => "customer_reader",
        Party::CustomerWriter => "customer_writer",
        Party::StaffWriter => "staff_writer",
        Party::StaffManager => "staff_manager",
        Party::System => "system",
    }
}

fn clock(closed_days_ago: Option<i64>) -> WorkflowClock {
    let now = Utc.with_ymd_and_hms(2026, 11, 25, 10, 0, 0).unwrap();
    WorkflowClock {
        closed_at: closed_days_ago.map(|d| now - Duration::days(d)),
        now,
        reopen_days: 30,
    }
}

#[test]
fn every_party_state_and_transition_matches_the_expectation() {
    let within = clock(Some(3));
    let mut checked = 0;
    for party in Party::ALL {
        for state in DocumentState::ALL {
            for transition in Transition::ALL {
                let expected = EXPECTED
                    .iter()
                    .find(|(p, s, t, _)| {
                        *p == party_name(party) && *s == state.as_str() && *t == transition.as_str()
                    })
                    .map(|(_, _, _, to)| *to);
                let got = permitted(party, state, transition, &within)
                    .ok()
                    .map(DocumentState::as_str);
                assert_eq!(
                    got,
                    expected,
                    "{} in {} taking {}",
                    party_name(party),
                    state.as_str(),
                    transition.as_str()
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 5 * 7 * 10);
}

#[test]
fn available_actions_are_exactly_the_permitted_ones() {
    let within = clock(Some(3));
    assert_eq!(
        available(Party::StaffManager, DocumentState::New, &within),
        vec![Transition::Accept, Transition::Cancel]
    );
    assert_eq!(
        available(Party::CustomerWriter, DocumentState::Resolved, &within),
        vec![Transition::ConfirmResolution, Transition::Reopen]
    );
    assert!(available(Party::CustomerReader, DocumentState::Resolved, &within).is_empty());
    assert!(available(Party::StaffWriter, DocumentState::New, &within).is_empty());
    assert!(available(Party::StaffManager, DocumentState::Cancelled, &within).is_empty());
}

#[test]
fn a_closed_document_reopens_only_within_the_reopen_period() {
    for party in [Party::CustomerWriter, Party::StaffManager] {
        assert_eq!(
            permitted(
                party,
                DocumentState::Closed,
                Transition::Reopen,
                &clock(Some(30))
            ),
            Ok(DocumentState::InProgress),
            "the last day of the period"
        );
        assert_eq!(
            permitted(
                party,
                DocumentState::Closed,
                Transition::Reopen,
                &clock(Some(31))
            ),
            Err(TransitionError::ReopenPeriodOver)
        );
        assert!(available(party, DocumentState::Closed, &clock(Some(31))).is_empty());
    }
    assert_eq!(
        permitted(
            Party::CustomerReader,
            DocumentState::New,
            Transition::Cancel,
            &clock(None)
        ),
        Err(TransitionError::NotAllowed)
    );
    assert_eq!(
        permitted(
            Party::CustomerWriter,
            DocumentState::Accepted,
            Transition::Cancel,
            &clock(None)
        ),
        Err(TransitionError::WrongState),
        "no cancelling after acceptance"
    );
}
