//! Severity of a support document; the SLA plan gives deadlines per severity.

use serde::{Deserialize, Serialize};

/// How badly a problem hurts the customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The system or a part of it is unavailable with no workaround.
    Critical,
    /// A function with business impact is unavailable but a workaround exists.
    High,
    /// Limited impact.
    Medium,
    /// Cosmetic, or a question.
    Low,
}

impl Severity {
    /// Every severity, most severe first.
    pub const ALL: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    /// Database / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }

    /// Parses [`Severity::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

/// Response and resolution time for one severity, in business minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaTarget {
    /// The severity.
    pub severity: Severity,
    /// First response within this many business minutes.
    pub response_minutes: i64,
    /// Resolution within this many business minutes.
    pub resolution_minutes: i64,
}

/// A common plan: critical 2 h / 1 day, high 4 h / 3 days, medium 1 day / 10 days,
/// low 2 days / 20 days (a business day being 8.5 hours).
pub fn standard_sla_plan() -> Vec<SlaTarget> {
    const DAY: i64 = 510;
    vec![
        SlaTarget {
            severity: Severity::Critical,
            response_minutes: 120,
            resolution_minutes: DAY,
        },
        SlaTarget {
            severity: Severity::High,
            response_minutes: 240,
            resolution_minutes: 3 * DAY,
        },
        SlaTarget {
            severity: Severity::Medium,
            response_minutes: DAY,
            resolution_minutes: 10 * DAY,
        },
        SlaTarget {
            severity: Severity::Low,
            response_minutes: 2 * DAY,
            resolution_minutes: 20 * DAY,
        },
    ]
}
