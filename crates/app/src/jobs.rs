//! Scheduled work: SLA breach checks, closing support documents resolved long enough ago,
//! reminders of protocol tasks, and clearing expired sessions. The binary runs them on a
//! timer; several instances may: a lease in the database lets one instance at a time do the
//! minute's work, and each change is guarded on its own (a document's version, a task's
//! reminder flag), so nothing happens twice even if a lease runs out mid-run.

use crate::{App, Result, today};

/// What one run of the minute's work did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MinuteReport {
    /// Whether this instance held the lease (else it did nothing).
    pub ran: bool,
    /// SLA breaches recorded.
    pub breaches: u64,
    /// Resolved documents closed automatically.
    pub closed: u64,
    /// Task reminders recorded.
    pub reminders: u64,
}

impl App {
    /// The minute's work, if this instance (`holder`) gets the lease. A failing step is
    /// logged and the others still run.
    pub async fn minute_jobs(&self, holder: &str) -> Result<MinuteReport> {
        let store = self.store();
        if !store
            .take_lease(
                "support_document_jobs",
                holder,
                chrono::Duration::minutes(2),
            )
            .await?
        {
            return Ok(MinuteReport::default());
        }
        let mut report = MinuteReport {
            ran: true,
            ..MinuteReport::default()
        };
        match store.check_sla_breaches().await.map_err(crate::Error::from) {
            Ok(found) => report.breaches = found,
            Err(error) => tracing::warn!(%error, "SLA breach check failed"),
        }
        let support = self.settings().support;
        match store
            .auto_close_documents(support.auto_close_days, &support.hours)
            .await
            .map_err(crate::Error::from)
        {
            Ok(closed) => report.closed = closed,
            Err(error) => tracing::warn!(%error, "auto-close failed"),
        }
        match store.remind_tasks(today()).await {
            Ok(sent) => report.reminders = sent,
            Err(error) => tracing::warn!(%error, "task reminders failed"),
        }
        Ok(report)
    }

    /// Removes expired sessions, day-old sign-in failures and expired two-factor steps
    /// (harmless when several instances do it).
    pub async fn purge_expired(&self) -> Result<()> {
        let store = self.store();
        let now = supportweb_storage::now();
        store.purge_expired_sessions(now).await?;
        store
            .purge_login_failures(now - chrono::Duration::days(1))
            .await?;
        store.purge_pending_sign_ins(now).await?;
        Ok(())
    }
}
