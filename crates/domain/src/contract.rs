//! Support contracts: who is entitled to support on which day.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// State of a support contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContractState {
    /// In force within its validity.
    Active,
    /// Temporarily not in force (e.g. unpaid).
    Suspended,
    /// Terminated.
    Ended,
}

impl ContractState {
    /// Every state.
    pub const ALL: [ContractState; 3] = [
        ContractState::Active,
        ContractState::Suspended,
        ContractState::Ended,
    ];

    /// Database / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            ContractState::Active => "active",
            ContractState::Suspended => "suspended",
            ContractState::Ended => "ended",
        }
    }

    /// Parses [`ContractState::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// The part of a contract that decides entitlement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContractTerm {
    /// First covered day.
    pub valid_from: NaiveDate,
    /// Last covered day (inclusive).
    pub valid_to: NaiveDate,
    /// State.
    pub state: ContractState,
}

impl ContractTerm {
    /// Whether this contract covers `day`.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.state == ContractState::Active && self.valid_from <= day && day <= self.valid_to
    }

    /// Days from `today` to the last covered day; `None` once it has ended.
    pub fn days_left(&self, today: NaiveDate) -> Option<i64> {
        (today <= self.valid_to).then(|| (self.valid_to - today).num_days())
    }
}

/// Is an organisation with these contracts entitled to support on `day`? It is when an active
/// contract covers that day.
pub fn entitled_on(contracts: &[ContractTerm], day: NaiveDate) -> bool {
    contracts.iter().any(|c| c.covers(day))
}

/// How many days ahead the customer and its account team are warned that support ends.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// Whether an organisation's support ends within [`EXPIRY_WARNING_DAYS`] of `today` with no
/// active contract continuing it: the day after the last covered day is not covered.
pub fn ends_soon(contracts: &[ContractTerm], today: NaiveDate) -> Option<NaiveDate> {
    if !entitled_on(contracts, today) {
        return None;
    }
    let mut day = today;
    for _ in 0..=EXPIRY_WARNING_DAYS {
        let next = day.succ_opt()?;
        if !entitled_on(contracts, next) {
            return Some(day);
        }
        day = next;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn term(from: NaiveDate, to: NaiveDate, state: ContractState) -> ContractTerm {
        ContractTerm {
            valid_from: from,
            valid_to: to,
            state,
        }
    }

    #[test]
    fn entitlement_holds_on_the_first_and_last_day_only() {
        let c = [term(d(2026, 1, 1), d(2026, 12, 31), ContractState::Active)];
        assert!(!entitled_on(&c, d(2025, 12, 31)));
        assert!(entitled_on(&c, d(2026, 1, 1)), "first day");
        assert!(entitled_on(&c, d(2026, 12, 31)), "last day");
        assert!(!entitled_on(&c, d(2027, 1, 1)));
    }

    #[test]
    fn suspended_or_ended_contracts_do_not_entitle() {
        for state in [ContractState::Suspended, ContractState::Ended] {
            let c = [term(d(2026, 1, 1), d(2026, 12, 31), state)];
            assert!(!entitled_on(&c, d(2026, 6, 1)));
        }
        assert!(!entitled_on(&[], d(2026, 6, 1)));
    }

    #[test]
    fn gaps_between_contracts_are_not_covered() {
        let c = [
            term(d(2025, 1, 1), d(2025, 12, 31), ContractState::Active),
            term(d(2026, 2, 1), d(2026, 12, 31), ContractState::Active),
        ];
        assert!(entitled_on(&c, d(2025, 12, 31)));
        assert!(!entitled_on(&c, d(2026, 1, 15)), "the gap");
        assert!(entitled_on(&c, d(2026, 2, 1)));
    }

    #[test]
    fn expiry_is_announced_thirty_days_ahead_unless_a_contract_follows() {
        let ending = [term(d(2026, 1, 1), d(2026, 12, 31), ContractState::Active)];
        assert_eq!(ends_soon(&ending, d(2026, 11, 30)), None, "31 days before");
        assert_eq!(
            ends_soon(&ending, d(2026, 12, 1)),
            Some(d(2026, 12, 31)),
            "30 days before"
        );
        assert_eq!(ends_soon(&ending, d(2026, 12, 31)), Some(d(2026, 12, 31)));
        assert_eq!(ends_soon(&ending, d(2027, 1, 1)), None, "already ended");
        let renewed = [
            ending[0],
            term(d(2027, 1, 1), d(2027, 12, 31), ContractState::Active),
        ];
        assert_eq!(ends_soon(&renewed, d(2026, 12, 20)), None);
        assert_eq!(ending[0].days_left(d(2026, 12, 1)), Some(30));
    }
}
