//! The SLA clock of a support document: first-response and resolution deadlines counted in
//! business hours, with the resolution clock standing still while the document waits for the
//! customer (and while it is resolved, until reopened).

use chrono::{DateTime, Utc};

use crate::calendar::BusinessHours;
use crate::severity::SlaTarget;
use crate::support_document::DocumentState;

/// The persistent part of a document's SLA clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlaClock {
    /// When the clock started (the document was opened).
    pub started_at: DateTime<Utc>,
    /// First response due (none without a target).
    pub response_due_at: Option<DateTime<Utc>>,
    /// When the vendor first responded (acceptance or a public reply).
    pub first_response_at: Option<DateTime<Utc>>,
    /// Resolution target in business minutes (none without a target).
    pub resolution_minutes: Option<i64>,
    /// Business minutes of finished pauses.
    pub paused_minutes: i64,
    /// Since when the clock stands still, if it does.
    pub paused_since: Option<DateTime<Utc>>,
    /// Resolution due while the clock runs (none when paused or without a target).
    pub resolution_due_at: Option<DateTime<Utc>>,
    /// The response deadline was missed (sticky).
    pub response_breached: bool,
    /// The resolution deadline was missed (sticky).
    pub resolution_breached: bool,
}

/// What an overview shows about one deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SlaStatus {
    /// The contract sets no target.
    NoTarget,
    /// Done in time.
    Met,
    /// Missed.
    Breached,
    /// Running: business minutes left until the deadline.
    Running {
        /// The deadline.
        due_at: DateTime<Utc>,
        /// Business minutes left.
        minutes_left: i64,
    },
    /// Standing still with this many business minutes left.
    Paused {
        /// Business minutes left when the clock stopped.
        minutes_left: i64,
    },
}

impl SlaClock {
    /// A clock started at `at` with the contract's target for the document's severity.
    pub fn start(hours: &BusinessHours, at: DateTime<Utc>, target: Option<SlaTarget>) -> Self {
        SlaClock {
            started_at: at,
            response_due_at: target.map(|t| hours.add_business_minutes(at, t.response_minutes)),
            first_response_at: None,
            resolution_minutes: target.map(|t| t.resolution_minutes),
            paused_minutes: 0,
            paused_since: None,
            resolution_due_at: target.map(|t| hours.add_business_minutes(at, t.resolution_minutes)),
            response_breached: false,
            resolution_breached: false,
        }
    }

    /// The resolution deadline as if the clock ran from now on (counting finished pauses).
    fn running_due(&self, hours: &BusinessHours) -> Option<DateTime<Utc>> {
        self.resolution_minutes
            .map(|m| hours.add_business_minutes(self.started_at, m + self.paused_minutes))
    }

    /// Records the vendor's first response (later responses change nothing).
    pub fn respond(&mut self, at: DateTime<Utc>) {
        if self.first_response_at.is_none() {
            self.first_response_at = Some(at);
            if self.response_due_at.is_some_and(|due| at > due) {
                self.response_breached = true;
            }
        }
    }

    /// Moves the clock along a state change at `at`: it stops when the document leaves the
    /// open states and runs again, extended by the pause, when it returns.
    pub fn change_state(
        &mut self,
        hours: &BusinessHours,
        from: DocumentState,
        to: DocumentState,
        at: DateTime<Utc>,
    ) {
        if to == DocumentState::Cancelled && self.first_response_at.is_none() {
            // Withdrawn before anyone answered: no response is owed any more, but a deadline
            // already missed stays missed.
            if self.response_due_at.is_some_and(|due| at > due) {
                self.response_breached = true;
            }
            self.response_due_at = None;
        }
        if !from.clock_paused() && to.clock_paused() {
            if self.resolution_due_at.is_some_and(|due| at > due) {
                self.resolution_breached = true;
            }
            self.paused_since = Some(at);
            self.resolution_due_at = None;
        } else if from.clock_paused() && !to.clock_paused() {
            if let Some(since) = self.paused_since.take() {
                self.paused_minutes += hours.business_minutes_between(since, at);
            }
            self.resolution_due_at = self.running_due(hours);
        }
    }

    /// Marks deadlines that have passed by `now` as breached; true when this call found a
    /// new breach (the moment to notify).
    pub fn check_breach(&mut self, now: DateTime<Utc>) -> bool {
        let mut found = false;
        if self.first_response_at.is_none()
            && !self.response_breached
            && self.response_due_at.is_some_and(|due| now > due)
        {
            self.response_breached = true;
            found = true;
        }
        if !self.resolution_breached && self.resolution_due_at.is_some_and(|due| now > due) {
            self.resolution_breached = true;
            found = true;
        }
        found
    }

    /// Whether a deadline has been missed (or is past now).
    pub fn is_breached(&self, now: DateTime<Utc>) -> bool {
        self.response_breached
            || self.resolution_breached
            || (self.first_response_at.is_none() && self.response_due_at.is_some_and(|d| now > d))
            || self.resolution_due_at.is_some_and(|d| now > d)
    }

    /// The first-response deadline as shown to users.
    pub fn response_status(&self, hours: &BusinessHours, now: DateTime<Utc>) -> SlaStatus {
        let Some(due) = self.response_due_at else {
            return if self.response_breached {
                SlaStatus::Breached
            } else {
                SlaStatus::NoTarget
            };
        };
        match self.first_response_at {
            Some(at) if at <= due => SlaStatus::Met,
            Some(_) => SlaStatus::Breached,
            None if now > due || self.response_breached => SlaStatus::Breached,
            None => SlaStatus::Running {
                due_at: due,
                minutes_left: hours.business_minutes_between(now, due),
            },
        }
    }

    /// The resolution deadline as shown to users, for a document in `state`.
    pub fn resolution_status(
        &self,
        hours: &BusinessHours,
        state: DocumentState,
        now: DateTime<Utc>,
    ) -> SlaStatus {
        if self.resolution_minutes.is_none() {
            return SlaStatus::NoTarget;
        }
        if self.resolution_breached {
            return SlaStatus::Breached;
        }
        if matches!(
            state,
            DocumentState::Resolved | DocumentState::Closed | DocumentState::Cancelled
        ) {
            return SlaStatus::Met;
        }
        match (self.resolution_due_at, self.paused_since) {
            (Some(due), _) if now > due => SlaStatus::Breached,
            (Some(due), _) => SlaStatus::Running {
                due_at: due,
                minutes_left: hours.business_minutes_between(now, due),
            },
            (None, Some(since)) => SlaStatus::Paused {
                minutes_left: self
                    .running_due(hours)
                    .map(|due| hours.business_minutes_between(since, due))
                    .unwrap_or(0),
            },
            (None, None) => SlaStatus::NoTarget,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::from_prague_time;
    use crate::severity::Severity;
    use chrono::NaiveDate;

    fn prague(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        from_prague_time(
            NaiveDate::from_ymd_opt(y, m, d)
                .unwrap()
                .and_hms_opt(h, min, 0)
                .unwrap(),
        )
    }

    fn high() -> SlaTarget {
        SlaTarget {
            severity: Severity::High,
            response_minutes: 240,
            resolution_minutes: 3 * 510,
        }
    }

    #[test]
    fn deadlines_skip_weekends_and_holidays() {
        let hours = BusinessHours::default();
        // Friday 13 November 2026, 15:00: response 4 h → 1.5 h on Friday, Monday 16th is a
        // working day, 17 November is a holiday → Monday 16th 10:30.
        let clock = SlaClock::start(&hours, prague(2026, 11, 13, 15, 0), Some(high()));
        assert_eq!(clock.response_due_at, Some(prague(2026, 11, 16, 10, 30)));
        // Resolution 3 business days = 1530 min: Fri 90, Mon 510, (Tue 17th holiday), Wed 510,
        // Thu 420 → Thursday 19th 15:00.
        assert_eq!(clock.resolution_due_at, Some(prague(2026, 11, 19, 15, 0)));
    }

    #[test]
    fn a_document_cancelled_before_any_answer_owes_no_response() {
        let hours = BusinessHours::default();
        let opened = prague(2026, 11, 23, 8, 0);
        let mut in_time = SlaClock::start(&hours, opened, Some(high()));
        in_time.change_state(
            &hours,
            DocumentState::New,
            DocumentState::Cancelled,
            prague(2026, 11, 23, 9, 0),
        );
        let a_month_later = prague(2026, 12, 23, 9, 0);
        assert_eq!(
            in_time.response_status(&hours, a_month_later),
            SlaStatus::NoTarget,
            "cancelled in time: never breached"
        );
        assert!(!in_time.is_breached(a_month_later));
        let mut late = SlaClock::start(&hours, opened, Some(high()));
        late.change_state(
            &hours,
            DocumentState::New,
            DocumentState::Cancelled,
            prague(2026, 11, 24, 9, 0),
        );
        assert_eq!(
            late.response_status(&hours, a_month_later),
            SlaStatus::Breached,
            "a deadline missed before the cancellation stays missed"
        );
    }

    #[test]
    fn waiting_for_the_customer_pauses_the_resolution_clock() {
        let hours = BusinessHours::default();
        let mut clock = SlaClock::start(&hours, prague(2026, 11, 23, 8, 0), Some(high()));
        // Due Wednesday 25th 16:30 (3 full days from Monday 8:00).
        assert_eq!(clock.resolution_due_at, Some(prague(2026, 11, 25, 16, 30)));
        clock.respond(prague(2026, 11, 23, 9, 0));
        assert_eq!(
            clock.response_status(&hours, prague(2026, 11, 23, 10, 0)),
            SlaStatus::Met
        );
        // Waiting from Monday 12:00 to Wednesday 12:00: two business days paused.
        clock.change_state(
            &hours,
            DocumentState::InProgress,
            DocumentState::WaitingForCustomer,
            prague(2026, 11, 23, 12, 0),
        );
        assert_eq!(clock.resolution_due_at, None);
        assert_eq!(
            clock.resolution_status(
                &hours,
                DocumentState::WaitingForCustomer,
                prague(2026, 11, 30, 12, 0)
            ),
            SlaStatus::Paused {
                minutes_left: 510 + 510 + 270
            },
            "a week later the time left is what it was when the clock stopped"
        );
        clock.change_state(
            &hours,
            DocumentState::WaitingForCustomer,
            DocumentState::InProgress,
            prague(2026, 11, 25, 12, 0),
        );
        assert_eq!(clock.paused_minutes, 1020);
        // Old deadline Wed 25th 16:30 + 1020 business minutes → Friday 27th 16:30.
        assert_eq!(clock.resolution_due_at, Some(prague(2026, 11, 27, 16, 30)));
        assert!(!clock.is_breached(prague(2026, 11, 27, 16, 30)));
        assert!(clock.is_breached(prague(2026, 11, 30, 8, 1)));
    }

    #[test]
    fn pauses_over_weekends_and_holidays_count_only_business_minutes() {
        let hours = BusinessHours::default();
        let mut clock = SlaClock::start(&hours, prague(2026, 12, 21, 8, 0), Some(high()));
        // Waiting from Wednesday 23 December 16:00 to Monday 28 December 9:00: 30 minutes on
        // the 23rd, Christmas and the weekend are off, 60 minutes on the 28th.
        clock.change_state(
            &hours,
            DocumentState::InProgress,
            DocumentState::WaitingForCustomer,
            prague(2026, 12, 23, 16, 0),
        );
        clock.change_state(
            &hours,
            DocumentState::WaitingForCustomer,
            DocumentState::InProgress,
            prague(2026, 12, 28, 9, 0),
        );
        assert_eq!(clock.paused_minutes, 90);
        // Without the pause: due Wednesday 23rd 16:30; 90 minutes more → 28th 9:30.
        assert_eq!(clock.resolution_due_at, Some(prague(2026, 12, 28, 9, 30)));
    }

    #[test]
    fn late_response_and_late_resolution_are_breaches() {
        let hours = BusinessHours::default();
        let start = prague(2026, 11, 23, 8, 0);
        let mut clock = SlaClock::start(&hours, start, Some(high()));
        assert!(!clock.check_breach(prague(2026, 11, 23, 12, 0)));
        assert!(clock.check_breach(prague(2026, 11, 23, 12, 1)), "response");
        assert!(
            !clock.check_breach(prague(2026, 11, 23, 12, 2)),
            "reported once"
        );
        clock.respond(prague(2026, 11, 23, 13, 0));
        assert_eq!(
            clock.response_status(&hours, prague(2026, 11, 23, 13, 0)),
            SlaStatus::Breached
        );
        clock.change_state(
            &hours,
            DocumentState::InProgress,
            DocumentState::Resolved,
            prague(2026, 11, 26, 8, 0),
        );
        assert!(clock.resolution_breached, "resolved after the deadline");
        assert_eq!(
            clock.resolution_status(&hours, DocumentState::Resolved, prague(2026, 11, 26, 9, 0)),
            SlaStatus::Breached
        );
        let none = SlaClock::start(&hours, start, None);
        assert_eq!(
            none.response_status(&hours, start),
            SlaStatus::NoTarget,
            "no plan, no deadline"
        );
        assert!(!none.is_breached(prague(2027, 1, 1, 0, 0)));
    }
}
