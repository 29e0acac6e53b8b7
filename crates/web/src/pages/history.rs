//! The change history shown at the bottom of every record's page: who, when, field, old → new.

use supportweb_domain::Actor;
use uuid::Uuid;

use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;

/// One history line as shown.
pub struct HistoryLine {
    /// When, Prague time.
    pub when: String,
    /// Who.
    pub who: String,
    /// The field's name in the user's language.
    pub field: String,
    /// Before.
    pub old: String,
    /// After.
    pub new: String,
}

fn line(t: &Tr, entity: &str, h: supportweb_storage::history::HistoryRecord) -> HistoryLine {
    HistoryLine {
        when: supportweb_domain::calendar::prague_time(h.changed_at)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        who: h.changed_by.unwrap_or_default(),
        field: t.t(format!("{entity}-field-{}", h.field.replace('_', "-"))),
        old: h.old_value,
        new: h.new_value,
    }
}

/// The history of `entity` `id`, newest first, for pages only staff open. Field names are
/// translated by the message `{entity}-field-{field}`. The caller has checked the user may
/// see the record.
pub async fn lines(
    state: &AppState,
    t: &Tr,
    entity: &str,
    id: Uuid,
) -> Result<Vec<HistoryLine>, AppError> {
    Ok(state
        .store()
        .history(entity, id)
        .await?
        .into_iter()
        .map(|h| line(t, entity, h))
        .collect())
}

/// The history of `entity` `id` as `actor` may read it (customers never see the fields that
/// name other organisations), for pages customers open too.
pub async fn lines_for(
    state: &AppState,
    t: &Tr,
    actor: &Actor,
    entity: &str,
    id: Uuid,
) -> Result<Vec<HistoryLine>, AppError> {
    Ok(state
        .store()
        .history_for(actor, entity, id)
        .await?
        .into_iter()
        .map(|h| line(t, entity, h))
        .collect())
}
