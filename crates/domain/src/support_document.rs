//! Support documents (tickets): categories, states and the workflow that moves between them.
//!
//! The workflow is data: [`TRANSITIONS`] lists every transition with the states it starts
//! from, the state it leads to and the parties that may take it. Pages offer only what
//! [`available`] returns for the user; the server checks [`permitted`] before any change.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::access::Actor;
use crate::agenda::{Agenda, AgendaRight};
use crate::ids::OrganisationId;
use crate::permissions::{Action, Area};

/// What kind of help the customer asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Something does not work as it should.
    Error,
    /// How do I…?
    Question,
    /// A request for a service (a setting, an export, an account).
    Request,
    /// Anything else.
    Other,
}

impl Category {
    /// Every category in the order forms offer them.
    pub const ALL: [Category; 4] = [
        Category::Error,
        Category::Question,
        Category::Request,
        Category::Other,
    ];

    /// Database / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Error => "error",
            Category::Question => "question",
            Category::Request => "request",
            Category::Other => "other",
        }
    }

    /// Parses [`Category::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == text)
    }
}

/// Where a support document stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentState {
    /// Opened, nobody at the vendor has taken it yet.
    New,
    /// The vendor has taken it.
    Accepted,
    /// Being worked on.
    InProgress,
    /// The vendor waits for the customer's answer (the SLA clock pauses).
    WaitingForCustomer,
    /// The vendor considers it solved; the customer confirms or reopens.
    Resolved,
    /// Finished.
    Closed,
    /// Withdrawn by the customer before acceptance.
    Cancelled,
}

impl DocumentState {
    /// Every state in workflow order.
    pub const ALL: [DocumentState; 7] = [
        DocumentState::New,
        DocumentState::Accepted,
        DocumentState::InProgress,
        DocumentState::WaitingForCustomer,
        DocumentState::Resolved,
        DocumentState::Closed,
        DocumentState::Cancelled,
    ];

    /// Database / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentState::New => "new",
            DocumentState::Accepted => "accepted",
            DocumentState::InProgress => "in_progress",
            DocumentState::WaitingForCustomer => "waiting_for_customer",
            DocumentState::Resolved => "resolved",
            DocumentState::Closed => "closed",
            DocumentState::Cancelled => "cancelled",
        }
    }

    /// Parses [`DocumentState::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether the vendor still owes work on it (the SLA applies).
    pub fn is_open(self) -> bool {
        matches!(
            self,
            DocumentState::New | DocumentState::Accepted | DocumentState::InProgress
        )
    }

    /// Whether the resolution clock stands still in this state.
    pub fn clock_paused(self) -> bool {
        !self.is_open()
    }
}

/// A step of the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Transition {
    /// The vendor takes the document.
    Accept,
    /// Work starts.
    Start,
    /// The vendor needs the customer's answer.
    AskCustomer,
    /// Work continues after the customer's answer.
    Resume,
    /// The vendor reports a solution.
    Resolve,
    /// The customer confirms the solution.
    ConfirmResolution,
    /// Staff close a resolved document (e.g. confirmed by phone).
    Close,
    /// The solution did not help: back to work.
    Reopen,
    /// The customer withdraws the document before acceptance.
    Cancel,
    /// Closed automatically after the configured number of days in "resolved".
    AutoClose,
}

impl Transition {
    /// Every transition.
    pub const ALL: [Transition; 10] = [
        Transition::Accept,
        Transition::Start,
        Transition::AskCustomer,
        Transition::Resume,
        Transition::Resolve,
        Transition::ConfirmResolution,
        Transition::Close,
        Transition::Reopen,
        Transition::Cancel,
        Transition::AutoClose,
    ];

    /// Database / API / form name.
    pub fn as_str(self) -> &'static str {
        match self {
            Transition::Accept => "accept",
            Transition::Start => "start",
            Transition::AskCustomer => "ask_customer",
            Transition::Resume => "resume",
            Transition::Resolve => "resolve",
            Transition::ConfirmResolution => "confirm_resolution",
            Transition::Close => "close",
            Transition::Reopen => "reopen",
            Transition::Cancel => "cancel",
            Transition::AutoClose => "auto_close",
        }
    }

    /// Parses [`Transition::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == text)
    }
}

/// Who acts on a document, as far as the workflow cares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// A customer or partner user with the read right in the document's organisation.
    CustomerReader,
    /// A customer or partner user with the write right in the document's organisation.
    CustomerWriter,
    /// Staff who may write in support documents (reply, note, log time) but not process.
    StaffWriter,
    /// Staff who process support documents (the `manage` action of the matrix).
    StaffManager,
    /// The portal itself (scheduled work).
    System,
}

impl Party {
    /// Every party.
    pub const ALL: [Party; 5] = [
        Party::CustomerReader,
        Party::CustomerWriter,
        Party::StaffWriter,
        Party::StaffManager,
        Party::System,
    ];

    /// The party `actor` is on a document of `organisation`; `None` when it may not see it.
    pub fn of(actor: &Actor, organisation: OrganisationId) -> Option<Party> {
        let area = Area::Agenda(Agenda::SupportDocuments);
        if actor.is_staff() {
            return if actor.staff_may(area, Action::Manage) {
                Some(Party::StaffManager)
            } else if actor.staff_may(area, Action::Write) {
                Some(Party::StaffWriter)
            } else if actor.staff_may(area, Action::Read) {
                // Reading staff take no transition; for the workflow they count as readers.
                Some(Party::CustomerReader)
            } else {
                None
            };
        }
        match actor
            .membership(organisation)
            .map(|m| m.rights.support_documents)
        {
            Some(AgendaRight::Write) => Some(Party::CustomerWriter),
            Some(AgendaRight::Read) => Some(Party::CustomerReader),
            _ => None,
        }
    }

    /// Whether this party belongs to the vendor.
    pub fn is_staff(self) -> bool {
        matches!(self, Party::StaffWriter | Party::StaffManager)
    }
}

/// One rule of the workflow.
#[derive(Debug, Clone, Copy)]
pub struct TransitionRule {
    /// The step.
    pub transition: Transition,
    /// States it may start from.
    pub from: &'static [DocumentState],
    /// The state it leads to.
    pub to: DocumentState,
    /// Who may take it.
    pub parties: &'static [Party],
}

use DocumentState as S;
use Party as P;

/// The workflow. Reopening a closed document is further limited to the reopen period
/// (see [`permitted`]).
pub const TRANSITIONS: &[TransitionRule] = &[
    TransitionRule {
        transition: Transition::Accept,
        from: &[S::New],
        to: S::Accepted,
        parties: &[P::StaffManager],
    },
    TransitionRule {
        transition: Transition::Start,
        from: &[S::Accepted],
        to: S::InProgress,
        parties: &[P::StaffManager],
    },
    TransitionRule {
        transition: Transition::AskCustomer,
        from: &[S::Accepted, S::InProgress],
        to: S::WaitingForCustomer,
        parties: &[P::StaffManager],
    },
    TransitionRule {
        transition: Transition::Resume,
        from: &[S::WaitingForCustomer],
        to: S::InProgress,
        parties: &[P::StaffManager, P::CustomerWriter],
    },
    TransitionRule {
        transition: Transition::Resolve,
        from: &[S::Accepted, S::InProgress, S::WaitingForCustomer],
        to: S::Resolved,
        parties: &[P::StaffManager],
    },
    TransitionRule {
        transition: Transition::ConfirmResolution,
        from: &[S::Resolved],
        to: S::Closed,
        parties: &[P::CustomerWriter],
    },
    TransitionRule {
        transition: Transition::Close,
        from: &[S::Resolved],
        to: S::Closed,
        parties: &[P::StaffManager],
    },
    TransitionRule {
        transition: Transition::Reopen,
        from: &[S::Resolved, S::Closed],
        to: S::InProgress,
        parties: &[P::StaffManager, P::CustomerWriter],
    },
    TransitionRule {
        transition: Transition::Cancel,
        from: &[S::New],
        to: S::Cancelled,
        parties: &[P::CustomerWriter, P::StaffManager],
    },
    TransitionRule {
        transition: Transition::AutoClose,
        from: &[S::Resolved],
        to: S::Closed,
        parties: &[P::System],
    },
];

/// Facts about one document that decide time-limited transitions.
#[derive(Debug, Clone, Copy)]
pub struct WorkflowClock {
    /// When the document was closed, if it is.
    pub closed_at: Option<DateTime<Utc>>,
    /// Now.
    pub now: DateTime<Utc>,
    /// How many days after closing it may still be reopened.
    pub reopen_days: i64,
}

/// Why a transition is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The party may never take this step.
    #[error("not allowed for this user")]
    NotAllowed,
    /// The step does not start from the document's current state.
    #[error("not possible in this state")]
    WrongState,
    /// The document was closed longer ago than the reopen period.
    #[error("the reopen period is over")]
    ReopenPeriodOver,
}

/// The state `transition` leads to, if `party` may take it from `state`.
pub fn permitted(
    party: Party,
    state: DocumentState,
    transition: Transition,
    clock: &WorkflowClock,
) -> Result<DocumentState, TransitionError> {
    let rule = TRANSITIONS
        .iter()
        .find(|r| r.transition == transition)
        .ok_or(TransitionError::NotAllowed)?;
    if !rule.parties.contains(&party) {
        return Err(TransitionError::NotAllowed);
    }
    if !rule.from.contains(&state) {
        return Err(TransitionError::WrongState);
    }
    if transition == Transition::Reopen && state == DocumentState::Closed {
        let within = clock
            .closed_at
            .is_some_and(|at| clock.now - at <= Duration::days(clock.reopen_days));
        if !within {
            return Err(TransitionError::ReopenPeriodOver);
        }
    }
    Ok(rule.to)
}

/// The transitions `party` may take from `state` now, in [`TRANSITIONS`] order.
pub fn available(party: Party, state: DocumentState, clock: &WorkflowClock) -> Vec<Transition> {
    TRANSITIONS
        .iter()
        .filter(|r| permitted(party, state, r.transition, clock).is_ok())
        .map(|r| r.transition)
        .collect()
}

/// What a member of staff spent time on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    /// Finding out what happens.
    Analysis,
    /// Fixing or configuring.
    Fix,
    /// Advising the customer.
    Consultation,
    /// Work over the customer's remote access.
    RemoteSession,
    /// Testing a fix.
    Testing,
    /// Anything else.
    Other,
}

impl Activity {
    /// Every activity.
    pub const ALL: [Activity; 6] = [
        Activity::Analysis,
        Activity::Fix,
        Activity::Consultation,
        Activity::RemoteSession,
        Activity::Testing,
        Activity::Other,
    ];

    /// Database / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Activity::Analysis => "analysis",
            Activity::Fix => "fix",
            Activity::Consultation => "consultation",
            Activity::RemoteSession => "remote_session",
            Activity::Testing => "testing",
            Activity::Other => "other",
        }
    }

    /// Parses [`Activity::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }
}

/// Prepaid support time of a contract and what has been used of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PrepaidBalance {
    /// Minutes bought.
    pub prepaid_minutes: i64,
    /// Billable minutes logged on the contract's documents.
    pub used_minutes: i64,
}

impl PrepaidBalance {
    /// Minutes still available (never negative).
    pub fn remaining_minutes(&self) -> i64 {
        (self.prepaid_minutes - self.used_minutes).max(0)
    }

    /// Minutes used beyond the prepaid time.
    pub fn overage_minutes(&self) -> i64 {
        (self.used_minutes - self.prepaid_minutes).max(0)
    }
}

/// Text that would start a formula in a spreadsheet (`=`, `+`, `-`, `@`, tab, carriage
/// return) gets a leading apostrophe, so an exported cell is never executed.
pub fn neutralise_csv_cell(text: &str) -> String {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}"),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in DocumentState::ALL {
            assert_eq!(DocumentState::parse(s.as_str()), Some(s));
        }
        for t in Transition::ALL {
            assert_eq!(Transition::parse(t.as_str()), Some(t));
            assert!(
                TRANSITIONS.iter().any(|r| r.transition == t),
                "{t:?} has a rule"
            );
        }
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
        for a in Activity::ALL {
            assert_eq!(Activity::parse(a.as_str()), Some(a));
        }
        assert_eq!(DocumentState::parse("open"), None);
    }

    #[test]
    fn prepaid_balance_shows_remaining_and_overage() {
        let b = PrepaidBalance {
            prepaid_minutes: 600,
            used_minutes: 150,
        };
        assert_eq!((b.remaining_minutes(), b.overage_minutes()), (450, 0));
        let over = PrepaidBalance {
            prepaid_minutes: 600,
            used_minutes: 690,
        };
        assert_eq!((over.remaining_minutes(), over.overage_minutes()), (0, 90));
    }

    #[test]
    fn formula_cells_are_neutralised() {
        assert_eq!(
            neutralise_csv_cell("=HYPERLINK(\"x\")"),
            "'=HYPERLINK(\"x\")"
        );
        assert_eq!(neutralise_csv_cell("+420 123"), "'+420 123");
        assert_eq!(neutralise_csv_cell("-1"), "'-1");
        assert_eq!(neutralise_csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise_csv_cell("Tisk sestav"), "Tisk sestav");
        assert_eq!(neutralise_csv_cell(""), "");
    }
}
