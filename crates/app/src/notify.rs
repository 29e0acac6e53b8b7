//! Turning notification events into e-mails: the dispatcher that claims recorded events and
//! hands each to the agenda that caused it, and the rules every agenda's e-mails share. Who
//! hears about what is written next to each agenda's use cases:
//!
//! - support documents: [`crate::support_documents::notify`]
//! - patches: [`crate::podpora::notify`]
//! - protocols and their tasks: [`crate::protocols::notify`]
//! - customization orders: [`crate::customization_orders::notify`]
//!
//! Nobody hears about their own change. Each recipient is rebuilt as an actor and reads the
//! document (and the comment) through the access layer: an account deactivated, a right
//! withdrawn or a comment that is internal means no message. Switched-off kinds (per-user
//! preferences) are skipped.

use supportweb_domain::Actor;
use supportweb_domain::agenda::Agenda;
use supportweb_domain::ids::UserId;
use supportweb_i18n::notification_kind_key;
use supportweb_storage::notifications::{EventKind, EventRecord, NewMessage};
use supportweb_storage::{Store, StoreError};

use crate::{App, Result};

/// The kinds a user of this kind can receive (and switch off).
pub fn kinds_for(is_staff: bool) -> Vec<EventKind> {
    EventKind::ALL
        .into_iter()
        .filter(|kind| {
            if is_staff {
                !customer_only(*kind)
            } else {
                !staff_only(*kind)
            }
        })
        .collect()
}

/// Kinds only customer and partner users receive.
fn customer_only(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::PatchPublished | EventKind::QuoteIssued | EventKind::OrderDelivered
    )
}

/// Kinds whose messages only staff may receive.
fn staff_only(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::DocumentNote
            | EventKind::SlaBreach
            | EventKind::ProtocolObjected
            | EventKind::ProtocolConfirmed
            | EventKind::OrderSubmitted
            | EventKind::OrderApproved
            | EventKind::OrderRejected
            | EventKind::OrderReturned
            | EventKind::OrderAccepted
            | EventKind::OrderNotAccepted
            | EventKind::OrderNote
    )
}

impl App {
    /// Claims up to `batch` pending events and writes their messages to the outbox, in one
    /// transaction per event; returns how many events were processed. Several instances
    /// may run this at once: each event is claimed by one.
    pub async fn process_events(&self, batch: i64) -> Result<usize> {
        let store = self.store();
        let public_url = self.settings().public_url.as_str();
        let events = store.claim_events(batch).await?;
        let count = events.len();
        for event in events {
            let messages = messages_for(store, public_url, &event).await?;
            store.finish_event(event.id, &messages).await?;
        }
        Ok(count)
    }
}

/// The messages of one event.
async fn messages_for(
    store: &Store,
    public_url: &str,
    event: &EventRecord,
) -> std::result::Result<Vec<NewMessage>, StoreError> {
    match event.kind.agenda() {
        Agenda::Podpora => crate::podpora::notify::messages(store, public_url, event).await,
        Agenda::Protocols => crate::protocols::notify::messages(store, public_url, event).await,
        Agenda::CustomizationOrders => {
            crate::customization_orders::notify::messages(store, public_url, event).await
        }
        Agenda::SupportDocuments => {
            crate::support_documents::notify::messages(store, public_url, event).await
        }
    }
}

/// A recipient as an actor, with the address to write to.
pub(crate) struct Recipient {
    pub actor: Actor,
    pub email: String,
}

/// The account as an actor, if it is active, may receive `kind` and has not switched it off.
pub(crate) async fn recipient(
    store: &Store,
    user_id: UserId,
    kind: EventKind,
) -> std::result::Result<Option<Recipient>, StoreError> {
    let Some(user) = store.user(user_id).await? else {
        return Ok(None);
    };
    if !user.is_active || user.email.is_empty() {
        return Ok(None);
    }
    let actor = store.actor_for(&user).await?;
    if staff_only(kind) && !actor.is_staff() {
        return Ok(None);
    }
    if store
        .disabled_notifications(user_id)
        .await?
        .iter()
        .any(|k| k == kind.as_str())
    {
        return Ok(None);
    }
    Ok(Some(Recipient {
        actor,
        email: user.email,
    }))
}

/// Fluent id of the name of a notification kind, for the preferences page.
pub fn kind_label_key(kind: EventKind) -> String {
    notification_kind_key(kind.as_str())
}
