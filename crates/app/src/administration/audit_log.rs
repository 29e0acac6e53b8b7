//! The audit log for administrators: filters by event, account (done by or concerning) and
//! dates; newest first, keyset-paged.

use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::audit::AuditEvent;
use supportweb_domain::permissions::{Action, AdminArea};
use supportweb_storage::audit::AuditFilter;

pub use supportweb_storage::audit::AuditRecord;

use super::{Administration, require};
use crate::overview::{FilterReader, Overview, Page, page};
use crate::{App, FieldErrors, Result};

/// Entries on one page.
const PAGE_SIZE: i64 = 100;

/// The audit log: newest first, keyset-paged by entry id (time-ordered).
pub struct AuditOverview;

/// The audit log's filters, where a page starts and how long it is.
#[derive(Debug, Clone)]
pub struct AuditQuery {
    filter: AuditFilter,
    before: Option<uuid::Uuid>,
    limit: i64,
}

impl Overview for AuditOverview {
    type Query = AuditQuery;
    type Row = AuditRecord;
    const PAGE: i64 = PAGE_SIZE;

    fn position(query: &mut AuditQuery, after: Option<&AuditRecord>, limit: i64) {
        query.before = after.map(|r| r.id);
        query.limit = limit;
    }

    fn limit(query: &AuditQuery) -> i64 {
        query.limit
    }

    fn cursor(row: &AuditRecord) -> String {
        row.id.to_string()
    }

    async fn fetch(app: &App, _actor: &Actor, query: &AuditQuery) -> Result<Vec<AuditRecord>> {
        let limit = u32::try_from(query.limit).unwrap_or(100);
        Ok(app
            .store()
            .audit_page(&query.filter, query.before, limit)
            .await?)
    }
}

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
        let mut dates = FilterReader::new(&mut errors, "audit-error-date");
        filter.from = dates.day_start(&params.from, "from");
        filter.until = dates.day_end(&params.to, "to");
        if !errors.is_empty() {
            return Ok((
                Page {
                    rows: Vec::new(),
                    next: None,
                },
                errors,
            ));
        }
        let query = AuditQuery {
            filter,
            before: params.before.parse().ok(),
            limit: PAGE_SIZE,
        };
        Ok((
            page::<AuditOverview>(self.app, actor, &query).await?,
            errors,
        ))
    }
}
