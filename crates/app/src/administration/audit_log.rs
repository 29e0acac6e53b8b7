//! The audit log for administrators: filters by event, account (done by or concerning) and
//! dates; newest first, keyset-paged.

use chrono::NaiveDate;
use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::audit::AuditEvent;
use supportweb_domain::calendar::from_prague_time;
use supportweb_domain::permissions::{Action, AdminArea};
use supportweb_storage::audit::AuditFilter;

pub use supportweb_storage::audit::AuditRecord;

use super::{Administration, require};
use crate::overview::Page;
use crate::{FieldErrors, Result};

/// Entries on one page.
const PAGE_SIZE: u32 = 100;

/// The audit log's query string, as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct AuditParams {
    /// An event name.
    #[serde(default)]
    pub event: String,
    /// A login name: events done by or concerning that account.
    #[serde(default)]
    pub login: String,
    /// From this day (`YYYY-MM-DD`).
    #[serde(default)]
    pub from: String,
    /// To this day.
    #[serde(default)]
    pub to: String,
    /// The last entry of the previous page.
    #[serde(default)]
    pub before: String,
}

impl Administration<'_> {
    /// One page of the audit log; filters that do not parse are reported per field and
    /// nothing is listed.
    pub async fn audit_log(
        &self,
        actor: &Actor,
        params: &AuditParams,
    ) -> Result<(Page<AuditRecord>, FieldErrors)> {
        require(actor, AdminArea::Audit, Action::Read)?;
        let mut errors = FieldErrors::default();
        let mut filter = AuditFilter::default();
        if !params.event.is_empty() {
            match AuditEvent::parse(&params.event) {
                Some(event) => filter.event = Some(event),
                None => errors.add("event", "audit-error-event"),
            }
        }
        if !params.login.trim().is_empty() {
            match self.app.store().user_by_login(&params.login).await? {
                Some(user) => filter.user = Some(user.id),
                None => errors.add("login", "audit-error-login"),
            }
        }
        let day = |text: &str| NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok();
        if !params.from.is_empty() {
            match day(&params.from) {
                Some(d) => {
                    filter.from = Some(from_prague_time(d.and_time(chrono::NaiveTime::MIN)));
                }
                None => errors.add("from", "audit-error-date"),
            }
        }
        if !params.to.is_empty() {
            match day(&params.to).and_then(|d| d.succ_opt()) {
                Some(d) => {
                    filter.until = Some(from_prague_time(d.and_time(chrono::NaiveTime::MIN)));
                }
                None => errors.add("to", "audit-error-date"),
            }
        }
        let before = params.before.parse::<uuid::Uuid>().ok();
        let rows = if errors.is_empty() {
            self.app
                .store()
                .audit_page(&filter, before, PAGE_SIZE)
                .await?
        } else {
            Vec::new()
        };
        let next = (rows.len() == PAGE_SIZE as usize)
            .then(|| rows.last().map(|r| r.id.to_string()))
            .flatten();
        Ok((Page { rows, next }, errors))
    }
}
