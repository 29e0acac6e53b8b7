//! Change history: every changed field of a record, with who, when, old → new. Written in
//! the transaction that makes the change.

use chrono::{DateTime, Utc};
use supportweb_domain::Actor;
use supportweb_domain::ids::UserId;
use uuid::Uuid;

use crate::{Store, StoreError, Tx, now, on_pool, on_tx};

/// One changed field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldChange {
    /// Field name (machine name, translated by the UI).
    pub field: &'static str,
    /// Value before.
    pub old: String,
    /// Value after.
    pub new: String,
}

/// A recorded change with the author's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct HistoryRecord {
    /// When.
    pub changed_at: DateTime<Utc>,
    /// Who (none when the account no longer exists).
    pub changed_by: Option<String>,
    /// Field name.
    pub field: String,
    /// Before.
    pub old_value: String,
    /// After.
    pub new_value: String,
}

/// Whether a recorded field is for staff's eyes only: it names other organisations or tells
/// who else sees the record (which organisations a patch or procedure was chosen for, its
/// visibility, the organisation a validation code was moved from), or it records a protocol's
/// drafting and revising (customers read its issued revisions instead; only its state changes
/// are theirs).
pub fn staff_only_field(entity: &str, field: &str) -> bool {
    matches!(
        (entity, field),
        ("patch" | "procedure", "organisations" | "visibility")
            | ("validation_code", "organisation")
    ) || (entity == "protocol" && field != "state")
}

/// Whether a customer may read `record` of a patch's or procedure's history (`records`,
/// newest first, all of it): only what happened after the record was last shown to other
/// people than before — a change of visibility or of the chosen organisations, whose own
/// old values are from before — and, for a patch, from its first publication on (its
/// drafting is the vendor's). Until then it may have been staff-only or for other
/// organisations, and its titles, notes and file names were not theirs.
pub fn customer_may_read(entity: &str, records: &[HistoryRecord], record: &HistoryRecord) -> bool {
    if !matches!(entity, "patch" | "procedure") {
        return true;
    }
    let shown = records
        .iter()
        .find(|h| matches!(h.field.as_str(), "visibility" | "organisations"))
        .map(|h| h.changed_at);
    if shown.is_some_and(|at| record.changed_at <= at) {
        return false;
    }
    if entity == "patch" {
        let published = records
            .iter()
            .rev()
            .find(|h| h.field == "state" && h.new_value == "published")
            .map(|h| h.changed_at);
        return published.is_some_and(|at| record.changed_at >= at);
    }
    true
}

/// The changed fields between two lists of `(field, value)` pairs in the same order.
pub fn diff(
    before: &[(&'static str, String)],
    after: &[(&'static str, String)],
) -> Vec<FieldChange> {
    before
        .iter()
        .zip(after)
        .filter(|((_, old), (_, new))| old != new)
        .map(|((field, old), (_, new))| FieldChange {
            field,
            old: old.clone(),
            new: new.clone(),
        })
        .collect()
}

impl Tx {
    /// Records changed fields of `entity` `entity_id` made by `by`.
    pub async fn record_changes(
        &mut self,
        entity: &str,
        entity_id: Uuid,
        by: UserId,
        changes: &[FieldChange],
    ) -> Result<(), StoreError> {
        self.record_changes_by(entity, entity_id, Some(by), changes)
            .await
    }

    /// Records that `entity` `entity_id` moved from state `old` (empty when it was just
    /// created) to `new`, by `by`.
    pub async fn record_state(
        &mut self,
        entity: &str,
        entity_id: Uuid,
        by: UserId,
        old: &str,
        new: String,
    ) -> Result<(), StoreError> {
        let change = FieldChange {
            field: "state",
            old: old.to_owned(),
            new,
        };
        self.record_changes(entity, entity_id, by, &[change]).await
    }

    /// Records changed fields made by `by`, or by the portal itself (scheduled work) when
    /// `None`.
    pub async fn record_changes_by(
        &mut self,
        entity: &str,
        entity_id: Uuid,
        by: Option<UserId>,
        changes: &[FieldChange],
    ) -> Result<(), StoreError> {
        let at = now();
        for change in changes {
            on_tx!(self, conn => {
                sqlx::query(
                    "INSERT INTO change_history (id, entity, entity_id, changed_by, changed_at, field, old_value, new_value)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(Uuid::now_v7())
                .bind(entity)
                .bind(entity_id)
                .bind(by.map(|b| b.0))
                .bind(at)
                .bind(change.field)
                .bind(change.old.as_str())
                .bind(change.new.as_str())
                .execute(conn)
                .await?
                .rows_affected()
            });
        }
        Ok(())
    }
}

impl Store {
    /// The history of a record as `actor` may read it, newest first: customer and partner
    /// users never get the [`staff_only_field`]s, nor what happened before the record was
    /// shown to them as it is now ([`customer_may_read`]). The caller has checked the actor
    /// may see the record.
    pub async fn history_for(
        &self,
        actor: &Actor,
        entity: &str,
        entity_id: Uuid,
    ) -> Result<Vec<HistoryRecord>, StoreError> {
        let records = self.history(entity, entity_id).await?;
        if actor.is_staff() {
            return Ok(records);
        }
        Ok(records
            .iter()
            .filter(|h| {
                !staff_only_field(entity, &h.field) && customer_may_read(entity, &records, h)
            })
            .cloned()
            .collect())
    }

    /// The history of a record, newest first. The caller has checked the actor may see it.
    pub async fn history(
        &self,
        entity: &str,
        entity_id: Uuid,
    ) -> Result<Vec<HistoryRecord>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT h.changed_at, u.display_name AS changed_by, h.field, h.old_value, h.new_value
                 FROM change_history h LEFT JOIN users u ON u.id = h.changed_by
                 WHERE h.entity = $1 AND h.entity_id = $2 ORDER BY h.id DESC",
            )
            .bind(entity)
            .bind(entity_id)
            .fetch_all(pool)
            .await?
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_lists_only_changed_fields() {
        let before = [("name", "Obec A".to_owned()), ("city", "Brno".to_owned())];
        let after = [("name", "Obec B".to_owned()), ("city", "Brno".to_owned())];
        assert_eq!(
            diff(&before, &after),
            vec![FieldChange {
                field: "name",
                old: "Obec A".into(),
                new: "Obec B".into()
            }]
        );
    }
}
