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

pub mod recipients;

pub use recipients::{kind_label_key, kinds_for};

use supportweb_domain::agenda::Agenda;
use supportweb_storage::notifications::{EventRecord, NewMessage, RecordRef};
use supportweb_storage::{Store, StoreError};

use crate::{App, Result};

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
            let mut messages = messages_for(store, public_url, &event).await?;
            let record = RecordRef {
                agenda: event.kind.agenda(),
                id: event.entity_id,
            };
            for message in &mut messages {
                message.record = Some(record);
                self.add_reply_address(message);
            }
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
