//! How support documents are shown: state, severity and SLA texts in the user's language.

use chrono::{DateTime, Utc};
use supportweb_domain::calendar::{BusinessHours, prague_time};
use supportweb_domain::sla::SlaStatus;
use supportweb_storage::support_documents::DocumentRecord;

use crate::i18n::Tr;

/// `2 h 30 min` (business time).
pub fn duration(minutes: i64) -> String {
    let minutes = minutes.max(0);
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// Prague wall-clock time, `2026-11-25 14:05`.
pub fn when(at: DateTime<Utc>) -> String {
    prague_time(at).format("%Y-%m-%d %H:%M").to_string()
}

/// An SLA deadline as text and a CSS class (`sla-ok`, `sla-breached`, `sla-paused`).
pub fn sla(t: &Tr, status: SlaStatus) -> (String, &'static str) {
    match status {
        SlaStatus::NoTarget => ("—".to_owned(), ""),
        SlaStatus::Met => (t.t("support-sla-met"), "sla-ok"),
        SlaStatus::Breached => (t.t("support-sla-breached"), "sla-breached"),
        SlaStatus::Running {
            due_at,
            minutes_left,
        } => (
            format!(
                "{} ({})",
                t.t1("support-sla-left", "time", &duration(minutes_left)),
                when(due_at)
            ),
            "sla-ok",
        ),
        SlaStatus::Paused { minutes_left } => (
            t.t1("support-sla-paused", "time", &duration(minutes_left)),
            "sla-paused",
        ),
    }
}

/// One line of an overview.
pub struct OverviewRow {
    /// Id.
    pub id: String,
    /// Number.
    pub number: String,
    /// Subject.
    pub subject: String,
    /// Organisation.
    pub organisation: String,
    /// State label.
    pub state: String,
    /// Machine state (CSS).
    pub state_key: &'static str,
    /// Severity label.
    pub severity: String,
    /// Machine severity (CSS).
    pub severity_key: &'static str,
    /// Assignee.
    pub assignee: String,
    /// SLA text (the nearer of the two deadlines that still matters).
    pub sla: String,
    /// SLA class.
    pub sla_class: &'static str,
    /// Opened.
    pub created: String,
    /// The group heading this row starts, if it starts one.
    pub group: Option<String>,
}

impl OverviewRow {
    /// The row of `d` at `now`.
    pub fn new(t: &Tr, hours: &BusinessHours, d: &DocumentRecord, now: DateTime<Utc>) -> Self {
        let response = d.clock.response_status(hours, now);
        let status = match response {
            SlaStatus::Running { .. } | SlaStatus::Breached => response,
            _ => d.clock.resolution_status(hours, d.state, now),
        };
        let (sla, sla_class) = sla(t, status);
        OverviewRow {
            id: d.id.to_string(),
            number: d.number.clone(),
            subject: d.subject.clone(),
            organisation: d.organisation_name.clone(),
            state: t.t(crate::i18n::document_state_key(d.state)),
            state_key: d.state.as_str(),
            severity: t.t(format!("severity-{}", d.severity.as_str())),
            severity_key: d.severity.as_str(),
            assignee: d.assignee_name.clone().unwrap_or_default(),
            sla,
            sla_class,
            created: when(d.created_at),
            group: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(45), "45 min");
        assert_eq!(duration(120), "2 h");
        assert_eq!(duration(150), "2 h 30 min");
        assert_eq!(duration(-5), "0 min");
    }
}
