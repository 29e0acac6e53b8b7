//! The audit log: written on every security-relevant event, read by administrators.

use chrono::{DateTime, Utc};
use supportweb_domain::audit::AuditEvent;
use supportweb_domain::ids::{OrganisationId, UserId};
use uuid::Uuid;

use crate::{Store, StoreError, Tx, now, on_pool, on_tx};

/// An event to record.
#[derive(Debug, Clone)]
pub struct NewAuditEvent {
    /// What happened.
    pub event: AuditEvent,
    /// Who did it (none for anonymous failures).
    pub actor: Option<UserId>,
    /// Whose account it concerned.
    pub subject: Option<UserId>,
    /// Which organisation it concerned.
    pub organisation: Option<OrganisationId>,
    /// The client's address.
    pub address: String,
    /// Details (e.g. the typed login name, the rights granted).
    pub detail: String,
}

/// A recorded event with names resolved.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditRecord {
    /// Id (time-ordered).
    pub id: Uuid,
    /// When.
    pub occurred_at: DateTime<Utc>,
    /// Event name.
    pub event: String,
    /// Actor's name.
    pub actor_name: Option<String>,
    /// Subject's name.
    pub subject_name: Option<String>,
    /// Organisation's name.
    pub organisation_name: Option<String>,
    /// Client address.
    pub address: String,
    /// Details.
    pub detail: String,
}

/// Filters of the audit overview; all optional.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only this event.
    pub event: Option<AuditEvent>,
    /// Only events done by or concerning this account.
    pub user: Option<UserId>,
    /// From this instant.
    pub from: Option<DateTime<Utc>>,
    /// Before this instant.
    pub until: Option<DateTime<Utc>>,
}

/// The statement that records one event.
const INSERT: &str = "INSERT INTO audit_events (id, occurred_at, event, actor_id, subject_user_id,
     organisation_id, address, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

impl Tx {
    /// Records events in the transaction of the change they describe: both are written or
    /// neither.
    pub async fn record_audit(&mut self, events: &[NewAuditEvent]) -> Result<(), StoreError> {
        for new in events {
            on_tx!(self, conn => {
                sqlx::query(INSERT)
                    .bind(Uuid::now_v7())
                    .bind(now())
                    .bind(new.event.as_str())
                    .bind(new.actor.map(|u| u.0))
                    .bind(new.subject.map(|u| u.0))
                    .bind(new.organisation.map(|o| o.0))
                    .bind(new.address.as_str())
                    .bind(new.detail.as_str())
                    .execute(conn)
                    .await?
                    .rows_affected()
            });
        }
        Ok(())
    }
}

impl Store {
    /// Records an event that is the whole write (a sign-in, a reveal); an event describing a
    /// change goes into the change's transaction ([`Tx::record_audit`]).
    pub async fn record_audit(&self, new: &NewAuditEvent) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(INSERT)
            .bind(Uuid::now_v7())
            .bind(now())
            .bind(new.event.as_str())
            .bind(new.actor.map(|u| u.0))
            .bind(new.subject.map(|u| u.0))
            .bind(new.organisation.map(|o| o.0))
            .bind(new.address.as_str())
            .bind(new.detail.as_str())
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(())
    }

    /// Events matching `filter`, newest first, `limit` before the event `before` (keyset).
    /// For administrators; the caller checks the permission.
    pub async fn audit_page(
        &self,
        filter: &AuditFilter,
        before: Option<Uuid>,
        limit: u32,
    ) -> Result<Vec<AuditRecord>, StoreError> {
        let sql = "SELECT a.id, a.occurred_at, a.event, actor.display_name AS actor_name,
                   subject.display_name AS subject_name, o.name AS organisation_name, a.address, a.detail
            FROM audit_events a
            LEFT JOIN users actor ON actor.id = a.actor_id
            LEFT JOIN users subject ON subject.id = a.subject_user_id
            LEFT JOIN organisations o ON o.id = a.organisation_id
            WHERE a.id < $1
              AND ($2 = '' OR a.event = $2)
              AND ($3 = $4 OR a.actor_id = $3 OR a.subject_user_id = $3)
              AND a.occurred_at >= $5 AND a.occurred_at < $6
            ORDER BY a.id DESC LIMIT $7";
        let nobody = Uuid::nil();
        // Bounds both backends store and compare alike (1970-01-01 and 9999-12-31).
        let earliest = DateTime::<Utc>::from_timestamp(0, 0).unwrap_or_default();
        let latest = DateTime::<Utc>::from_timestamp(253_402_214_400, 0).unwrap_or_default();
        Ok(on_pool!(self, pool => {
            sqlx::query_as(sql)
                .bind(before.unwrap_or(Uuid::max()))
                .bind(filter.event.map(|e| e.as_str()).unwrap_or(""))
                .bind(filter.user.map(|u| u.0).unwrap_or(nobody))
                .bind(nobody)
                .bind(filter.from.unwrap_or(earliest))
                .bind(filter.until.unwrap_or(latest))
                .bind(i64::from(limit))
                .fetch_all(pool)
                .await?
        }))
    }
}
