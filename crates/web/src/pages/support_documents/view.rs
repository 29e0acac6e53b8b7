//! How support documents are shown: state, severity and SLA texts in the user's language.

use chrono::{DateTime, Utc};
use supportweb_app::support_documents::{DocumentRecord, row_sla, sla_text};
use supportweb_domain::calendar::{BusinessHours, prague_time};
use supportweb_domain::sla::SlaStatus;

use crate::i18n::Tr;

pub use supportweb_app::support_documents::duration;

/// Prague wall-clock time, `2026-11-25 14:05`.
pub fn when(at: DateTime<Utc>) -> String {
    prague_time(at).format("%Y-%m-%d %H:%M").to_string()
}

/// An SLA deadline as text and a CSS class (`sla-ok`, `sla-breached`, `sla-paused`).
pub fn sla(t: &Tr, status: SlaStatus) -> (String, &'static str) {
    let class = match status {
        SlaStatus::NoTarget => "",
        SlaStatus::Met | SlaStatus::Running { .. } => "sla-ok",
        SlaStatus::Breached => "sla-breached",
        SlaStatus::Paused { .. } => "sla-paused",
    };
    (sla_text(t, status), class)
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
        let (sla, sla_class) = sla(t, row_sla(d, hours, now));
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
