//! Patches of the podpora agenda: the vendor's version scheme, a patch's state and
//! visibility, which versions it applies to, and who may download it.
//!
//! A customer may download a patch when one of its organisations had a contract covering the
//! patch's release date: support that ended later keeps the patches released while it was
//! covered; patches released in a gap or after the end stay closed.

use std::cmp::Ordering;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::contract::{ContractState, ContractTerm};

/// One piece of a version: a number, or a word (`rc`, `build`, `beta`).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece<'a> {
    Number(u64),
    Word(&'a str),
}

/// Splits a version into numbers and words; `.`, `-`, `_`, `+` and spaces only separate.
fn pieces(version: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let bytes = version.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        let c = bytes[start];
        if matches!(c, b'.' | b'-' | b'_' | b'+' | b' ') {
            start += 1;
            continue;
        }
        let digit = c.is_ascii_digit();
        let mut end = start;
        while end < bytes.len() {
            let d = bytes[end];
            if matches!(d, b'.' | b'-' | b'_' | b'+' | b' ') || d.is_ascii_digit() != digit {
                break;
            }
            end += 1;
        }
        let text = &version[start..end];
        out.push(if digit {
            // Longer than u64: compare as the largest number (still ordered after shorter).
            Piece::Number(text.parse().unwrap_or(u64::MAX))
        } else {
            Piece::Word(text)
        });
        start = end;
    }
    out
}

/// Compares two versions of the vendor's scheme: `5.2.3` < `5.2.3.1` < `5.2.4` < `5.10`,
/// numbers by value (`5.2.10` after `5.2.9`), a word after the numbers marks a pre-release
/// (`5.3-rc1` < `5.3`), and build numbers compare by value (`build 987` < `build 1204`).
/// Case does not matter in words; trailing zeros do not matter (`5.2` = `5.2.0`).
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let (a, b) = (pieces(a.trim()), pieces(b.trim()));
    let len = a.len().max(b.len());
    for i in 0..len {
        let ordering = match (a.get(i), b.get(i)) {
            (Some(Piece::Number(x)), Some(Piece::Number(y))) => x.cmp(y),
            (Some(Piece::Word(x)), Some(Piece::Word(y))) => {
                x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase())
            }
            (Some(Piece::Number(_)), Some(Piece::Word(_))) => Ordering::Greater,
            (Some(Piece::Word(_)), Some(Piece::Number(_))) => Ordering::Less,
            // A missing piece: zeros are equal to nothing, more numbers are later, a word is
            // a pre-release of what it follows.
            (Some(Piece::Number(x)), None) => x.cmp(&0),
            (None, Some(Piece::Number(y))) => 0.cmp(y),
            (Some(Piece::Word(_)), None) => Ordering::Less,
            (None, Some(Piece::Word(_))) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        if ordering != Ordering::Equal {
            return ordering;
        }
    }
    Ordering::Equal
}

/// The versions a patch applies to: from and to, both inclusive; an empty end is open.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VersionRange {
    /// The oldest version it applies to (empty: any older one).
    pub from: String,
    /// The newest version it applies to (empty: any newer one).
    pub to: String,
}

impl VersionRange {
    /// Whether `version` lies within the range.
    pub fn contains(&self, version: &str) -> bool {
        let version = version.trim();
        if version.is_empty() {
            return false;
        }
        (self.from.trim().is_empty() || compare_versions(version, &self.from) != Ordering::Less)
            && (self.to.trim().is_empty()
                || compare_versions(version, &self.to) != Ordering::Greater)
    }

    /// Whether the range is backwards (its start after its end).
    pub fn is_backwards(&self) -> bool {
        !self.from.trim().is_empty()
            && !self.to.trim().is_empty()
            && compare_versions(&self.from, &self.to) == Ordering::Greater
    }
}

/// State of a patch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatchState {
    /// Being prepared; staff only.
    Draft,
    /// Offered to entitled customers.
    Published,
    /// No longer offered; customers see it with the reason, but cannot download it.
    Withdrawn,
}

impl PatchState {
    /// Every state.
    pub const ALL: [PatchState; 3] = [
        PatchState::Draft,
        PatchState::Published,
        PatchState::Withdrawn,
    ];

    /// Database / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            PatchState::Draft => "draft",
            PatchState::Published => "published",
            PatchState::Withdrawn => "withdrawn",
        }
    }

    /// Parses [`PatchState::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// Whether customers see patches in this state at all.
    pub fn customers_see(self) -> bool {
        self != PatchState::Draft
    }
}

/// A step in a patch's life, taken by staff who manage the podpora agenda (or write in it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatchStep {
    /// Draft → published (it needs at least one file).
    Publish,
    /// Published → withdrawn (with a reason).
    Withdraw,
    /// Withdrawn → published again.
    Republish,
}

impl PatchStep {
    /// Every step.
    pub const ALL: [PatchStep; 3] = [
        PatchStep::Publish,
        PatchStep::Withdraw,
        PatchStep::Republish,
    ];

    /// API / form name.
    pub fn as_str(self) -> &'static str {
        match self {
            PatchStep::Publish => "publish",
            PatchStep::Withdraw => "withdraw",
            PatchStep::Republish => "republish",
        }
    }

    /// Parses [`PatchStep::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// The state this step starts from and the one it leads to.
    pub fn states(self) -> (PatchState, PatchState) {
        match self {
            PatchStep::Publish => (PatchState::Draft, PatchState::Published),
            PatchStep::Withdraw => (PatchState::Published, PatchState::Withdrawn),
            PatchStep::Republish => (PatchState::Withdrawn, PatchState::Published),
        }
    }

    /// The steps possible from `state`.
    pub fn from(state: PatchState) -> Vec<PatchStep> {
        Self::ALL
            .into_iter()
            .filter(|s| s.states().0 == state)
            .collect()
    }
}

/// Who sees a patch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PatchVisibility {
    /// Every customer organisation (downloads still need a covering contract).
    All,
    /// Only the organisations chosen for it.
    Chosen,
}

impl PatchVisibility {
    /// Every visibility.
    pub const ALL: [PatchVisibility; 2] = [PatchVisibility::All, PatchVisibility::Chosen];

    /// Database / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            PatchVisibility::All => "all",
            PatchVisibility::Chosen => "chosen",
        }
    }

    /// Parses [`PatchVisibility::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Whether contracts cover a patch released on `release`: an active contract, or one that
/// has ended since, whose validity includes that day. A suspended contract covers nothing.
pub fn covers_release(contracts: &[ContractTerm], release: NaiveDate) -> bool {
    contracts.iter().any(|c| {
        matches!(c.state, ContractState::Active | ContractState::Ended)
            && c.valid_from <= release
            && release <= c.valid_to
    })
}

/// Why a customer may or may not download a patch it sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DownloadAccess {
    /// It may.
    Allowed,
    /// The patch was withdrawn.
    Withdrawn,
    /// No contract of the organisation covered the release date.
    NotCovered,
}

impl DownloadAccess {
    /// API name, and the suffix of the message that explains it.
    pub fn as_str(self) -> &'static str {
        match self {
            DownloadAccess::Allowed => "allowed",
            DownloadAccess::Withdrawn => "withdrawn",
            DownloadAccess::NotCovered => "not_covered",
        }
    }
}

/// Decides a customer's download: `contracts` are those of the organisations through which
/// the customer sees the patch.
pub fn download_access(
    state: PatchState,
    release: NaiveDate,
    contracts: &[ContractTerm],
) -> DownloadAccess {
    if state == PatchState::Withdrawn {
        DownloadAccess::Withdrawn
    } else if covers_release(contracts, release) {
        DownloadAccess::Allowed
    } else {
        DownloadAccess::NotCovered
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn versions_compare_by_number_not_by_text() {
        use Ordering::*;
        let cases = [
            ("5.2.3", "5.2.3.1", Less),
            ("5.2.3.1", "5.2.4", Less),
            ("5.2.9", "5.2.10", Less),
            ("5.10", "5.9.9", Greater),
            ("5.2", "5.2.0", Equal),
            ("5.3-rc1", "5.3", Less),
            ("5.3-rc1", "5.3-rc2", Less),
            ("5.3-RC2", "5.3-rc2", Equal),
            ("5.3-rc2", "5.3.0.1", Less),
            ("2024.1 build 987", "2024.1 build 1204", Less),
            ("5.2.3+1204", "5.2.3+987", Greater),
            ("6", "5.99.99", Greater),
            (" 5.2.3 ", "5.2.3", Equal),
        ];
        for (a, b, expected) in cases {
            assert_eq!(compare_versions(a, b), expected, "{a} vs {b}");
            assert_eq!(compare_versions(b, a), expected.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn sorting_follows_the_scheme() {
        let mut versions = vec![
            "5.10", "5.2.3.1", "5.2.10", "5.2.3", "5.3-rc1", "5.3", "5.2.9",
        ];
        versions.sort_by(|a, b| compare_versions(a, b));
        assert_eq!(
            versions,
            [
                "5.2.3", "5.2.3.1", "5.2.9", "5.2.10", "5.3-rc1", "5.3", "5.10"
            ]
        );
    }

    #[test]
    fn ranges_are_inclusive_and_open_where_empty() {
        let range = VersionRange {
            from: "5.2.0".into(),
            to: "5.2.3".into(),
        };
        assert!(range.contains("5.2.0"), "first");
        assert!(range.contains("5.2.3"), "last");
        assert!(range.contains("5.2.2.7"));
        assert!(!range.contains("5.2.3.1"));
        assert!(!range.contains("5.1.9"));
        assert!(!range.contains(""), "an unknown version is not matched");
        let open = VersionRange {
            from: "5.2".into(),
            to: String::new(),
        };
        assert!(open.contains("7.0"));
        assert!(!open.contains("5.1"));
        assert!(VersionRange::default().contains("1.0"));
        assert!(
            VersionRange {
                from: "5.3".into(),
                to: "5.2.9".into()
            }
            .is_backwards()
        );
        assert!(!range.is_backwards());
    }

    #[test]
    fn steps_lead_from_one_state_to_the_next() {
        assert_eq!(PatchStep::from(PatchState::Draft), [PatchStep::Publish]);
        assert_eq!(
            PatchStep::from(PatchState::Published),
            [PatchStep::Withdraw]
        );
        assert_eq!(
            PatchStep::from(PatchState::Withdrawn),
            [PatchStep::Republish]
        );
        assert!(!PatchState::Draft.customers_see());
        assert!(PatchState::Withdrawn.customers_see());
    }

    fn term(from: NaiveDate, to: NaiveDate, state: ContractState) -> ContractTerm {
        ContractTerm {
            valid_from: from,
            valid_to: to,
            state,
        }
    }

    #[test]
    fn downloads_follow_the_contract_that_covered_the_release_date() {
        let contracts = [
            term(d(2025, 1, 1), d(2025, 12, 31), ContractState::Ended),
            term(d(2026, 3, 1), d(2026, 6, 30), ContractState::Active),
        ];
        let access = |day| download_access(PatchState::Published, day, &contracts);
        assert_eq!(access(d(2025, 1, 1)), DownloadAccess::Allowed, "first day");
        assert_eq!(
            access(d(2025, 12, 31)),
            DownloadAccess::Allowed,
            "last day of an ended contract"
        );
        assert_eq!(access(d(2026, 1, 15)), DownloadAccess::NotCovered, "gap");
        assert_eq!(access(d(2026, 3, 1)), DownloadAccess::Allowed);
        assert_eq!(access(d(2026, 7, 1)), DownloadAccess::NotCovered, "after");
        assert_eq!(
            download_access(PatchState::Withdrawn, d(2025, 6, 1), &contracts),
            DownloadAccess::Withdrawn
        );
        let suspended = [term(
            d(2025, 1, 1),
            d(2025, 12, 31),
            ContractState::Suspended,
        )];
        assert_eq!(
            download_access(PatchState::Published, d(2025, 6, 1), &suspended),
            DownloadAccess::NotCovered
        );
    }
}
