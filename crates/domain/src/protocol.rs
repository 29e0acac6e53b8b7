//! Communication protocols (komunikační protokoly): the record of a meeting, workshop,
//! training, call or e-mail with its agreed tasks, and its life — a staff-only draft, issued
//! to the customer, confirmed by a verifier or objected to with comments, revised and issued
//! again. Who may take each step is the table [`STEPS`]; a confirmed protocol is locked.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::Actor;
use crate::agenda::Agenda;
use crate::ids::OrganisationId;
use crate::permissions::{Action, Area};

/// What kind of communication a protocol records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProtocolKind {
    /// A meeting in person.
    Meeting,
    /// A workshop.
    Workshop,
    /// A training.
    Training,
    /// A phone call.
    Call,
    /// A video call.
    VideoCall,
    /// An exchange of e-mails.
    Email,
}

impl ProtocolKind {
    /// Every kind.
    pub const ALL: [ProtocolKind; 6] = [
        ProtocolKind::Meeting,
        ProtocolKind::Workshop,
        ProtocolKind::Training,
        ProtocolKind::Call,
        ProtocolKind::VideoCall,
        ProtocolKind::Email,
    ];

    /// Database / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProtocolKind::Meeting => "meeting",
            ProtocolKind::Workshop => "workshop",
            ProtocolKind::Training => "training",
            ProtocolKind::Call => "call",
            ProtocolKind::VideoCall => "video_call",
            ProtocolKind::Email => "email",
        }
    }

    /// Parses [`ProtocolKind::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// Where a protocol stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProtocolState {
    /// Being written; staff only.
    Draft,
    /// Issued to the customer for verification.
    Issued,
    /// A verifier objected; staff revise it and issue it again.
    Objected,
    /// A verifier confirmed the issued revision; locked.
    Confirmed,
}

impl ProtocolState {
    /// Every state.
    pub const ALL: [ProtocolState; 4] = [
        ProtocolState::Draft,
        ProtocolState::Issued,
        ProtocolState::Objected,
        ProtocolState::Confirmed,
    ];

    /// Database / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProtocolState::Draft => "draft",
            ProtocolState::Issued => "issued",
            ProtocolState::Objected => "objected",
            ProtocolState::Confirmed => "confirmed",
        }
    }

    /// Parses [`ProtocolState::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether customers see protocols in this state (never drafts).
    pub fn customers_see(self) -> bool {
        self != ProtocolState::Draft
    }

    /// Whether staff may still change the content (a draft, or a protocol objected to).
    pub fn editable(self) -> bool {
        matches!(self, ProtocolState::Draft | ProtocolState::Objected)
    }
}

/// A step in a protocol's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProtocolStep {
    /// Staff issue the draft, or the revised protocol, as a new revision.
    Issue,
    /// A verifier confirms the issued revision.
    Confirm,
    /// A verifier objects to the issued revision, with comments.
    Object,
}

impl ProtocolStep {
    /// Every step.
    pub const ALL: [ProtocolStep; 3] = [
        ProtocolStep::Issue,
        ProtocolStep::Confirm,
        ProtocolStep::Object,
    ];

    /// API / form name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProtocolStep::Issue => "issue",
            ProtocolStep::Confirm => "confirm",
            ProtocolStep::Object => "object",
        }
    }

    /// Parses [`ProtocolStep::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// How a user stands towards one protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProtocolParty {
    /// Staff who write protocols.
    StaffWriter,
    /// Staff who only read them.
    StaffReader,
    /// A user of the organisation with the confirm-protocols flag.
    Verifier,
    /// Any other user of the organisation who may read its protocols.
    CustomerReader,
}

impl ProtocolParty {
    /// The actor's standing towards a protocol of `organisation`; `None` when it may not see
    /// the organisation's protocols at all.
    pub fn of(actor: &Actor, organisation: OrganisationId) -> Option<Self> {
        if actor.is_staff() {
            let area = Area::Agenda(Agenda::Protocols);
            return if actor.staff_may(area, Action::Write) {
                Some(ProtocolParty::StaffWriter)
            } else if actor.staff_may(area, Action::Read) {
                Some(ProtocolParty::StaffReader)
            } else {
                None
            };
        }
        let membership = actor.membership(organisation)?;
        if !membership.rights.protocols.may_enter() {
            None
        } else if membership.rights.may_confirm_protocols {
            Some(ProtocolParty::Verifier)
        } else {
            Some(ProtocolParty::CustomerReader)
        }
    }
}

/// Who may take which step from which state, and where it leads. Anything not listed is
/// refused.
pub const STEPS: &[(ProtocolParty, ProtocolState, ProtocolStep, ProtocolState)] = &[
    (
        ProtocolParty::StaffWriter,
        ProtocolState::Draft,
        ProtocolStep::Issue,
        ProtocolState::Issued,
    ),
    (
        ProtocolParty::StaffWriter,
        ProtocolState::Objected,
        ProtocolStep::Issue,
        ProtocolState::Issued,
    ),
    (
        ProtocolParty::Verifier,
        ProtocolState::Issued,
        ProtocolStep::Confirm,
        ProtocolState::Confirmed,
    ),
    (
        ProtocolParty::Verifier,
        ProtocolState::Issued,
        ProtocolStep::Object,
        ProtocolState::Objected,
    ),
];

/// Where `step` leads for `party` from `state`, or `None` when it is refused.
pub fn step_to(
    party: ProtocolParty,
    state: ProtocolState,
    step: ProtocolStep,
) -> Option<ProtocolState> {
    STEPS
        .iter()
        .find(|(p, s, st, _)| *p == party && *s == state && *st == step)
        .map(|(_, _, _, to)| *to)
}

/// The steps `party` may take from `state`.
pub fn available_steps(party: ProtocolParty, state: ProtocolState) -> Vec<ProtocolStep> {
    ProtocolStep::ALL
        .into_iter()
        .filter(|step| step_to(party, state, *step).is_some())
        .collect()
}

/// The vendor's or the customer's side: of a participant, or of whoever owes a task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// The vendor (staff).
    Vendor,
    /// The customer.
    Customer,
}

impl Side {
    /// Every side.
    pub const ALL: [Side; 2] = [Side::Vendor, Side::Customer];

    /// Database / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Vendor => "vendor",
            Side::Customer => "customer",
        }
    }

    /// Parses [`Side::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Where a participant comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParticipantSide {
    /// A member of the vendor's staff.
    Vendor,
    /// A user of the customer organisation.
    Customer,
    /// A named person without an account (another supplier, an auditor).
    External,
}

impl ParticipantSide {
    /// Every side.
    pub const ALL: [ParticipantSide; 3] = [
        ParticipantSide::Vendor,
        ParticipantSide::Customer,
        ParticipantSide::External,
    ];

    /// Database / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            ParticipantSide::Vendor => "vendor",
            ParticipantSide::Customer => "customer",
            ParticipantSide::External => "external",
        }
    }

    /// Parses [`ParticipantSide::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// State of an agreed task.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskState {
    /// Still to do.
    Open,
    /// Done.
    Done,
    /// No longer to be done.
    Cancelled,
}

impl TaskState {
    /// Every state.
    pub const ALL: [TaskState; 3] = [TaskState::Open, TaskState::Done, TaskState::Cancelled];

    /// Database / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Open => "open",
            TaskState::Done => "done",
            TaskState::Cancelled => "cancelled",
        }
    }

    /// Parses [`TaskState::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// How many days before its due date an open task is reminded.
pub const REMINDER_DAYS: i64 = 3;

/// Which reminder an open task due on `due` needs on `today`, if any: `Some(false)` the one
/// before the due date (within [`REMINDER_DAYS`]), `Some(true)` the overdue one.
pub fn reminder_due(due: NaiveDate, today: NaiveDate) -> Option<bool> {
    if today > due {
        Some(true)
    } else if (due - today).num_days() <= REMINDER_DAYS {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for k in ProtocolKind::ALL {
            assert_eq!(ProtocolKind::parse(k.as_str()), Some(k));
        }
        for s in ProtocolState::ALL {
            assert_eq!(ProtocolState::parse(s.as_str()), Some(s));
        }
        for s in TaskState::ALL {
            assert_eq!(TaskState::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn reminders_come_three_days_ahead_and_when_overdue() {
        let due = NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
        let day = |d| NaiveDate::from_ymd_opt(2026, 12, d).unwrap();
        assert_eq!(reminder_due(due, day(6)), None);
        assert_eq!(reminder_due(due, day(7)), Some(false));
        assert_eq!(
            reminder_due(due, day(10)),
            Some(false),
            "the due day itself"
        );
        assert_eq!(reminder_due(due, day(11)), Some(true));
    }
}
