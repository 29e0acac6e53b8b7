//! A support document with everything its reader may see of it: the steps the reader may
//! take now, the conversation (internal notes only for staff), the files, watchers, logged
//! time (staff), history, linked patches and the order it became.

use chrono::Utc;
use supportweb_domain::Actor;
use supportweb_domain::customization_order::OrderParty;
use supportweb_domain::ids::{CannedReplyId, OrderId, UserId};
use supportweb_domain::support_document::{
    DocumentState, Party, PrepaidBalance, Transition, WorkflowClock, available,
};
use supportweb_storage::canned_replies::CannedReply;
use supportweb_storage::history::HistoryRecord;
use supportweb_storage::patches::{PatchQuery, PatchRecord};
use supportweb_storage::support_documents::{
    AttachmentRecord, CommentRecord, DocumentRecord, TimeEntryRecord, WatcherRecord,
};

use super::{ENTITY, SupportDocuments};
use crate::choices::Named;
use crate::{Error, Result};

/// A document as its reader sees it.
#[derive(Debug)]
pub struct DocumentDetail {
    /// The document.
    pub document: DocumentRecord,
    /// The reader's party in the workflow.
    pub party: Party,
    /// Workflow steps the reader may take now.
    pub actions: Vec<Transition>,
    /// The conversation, oldest first (internal notes only for staff).
    pub conversation: Vec<CommentRecord>,
    /// Files attached when the document was opened.
    pub attachments: Vec<AttachmentRecord>,
    /// Watchers.
    pub watchers: Vec<WatcherRecord>,
    /// Logged time (staff only; empty for customers).
    pub time_entries: Vec<TimeEntryRecord>,
    /// Every change the reader may read, newest first.
    pub history: Vec<HistoryRecord>,
    /// Linked patches the reader may see.
    pub patches: Vec<PatchRecord>,
    /// The customization order it was converted into, when the reader may see it.
    pub order: Option<(OrderId, String, String)>,
    /// Prepaid hours of the contract it was opened under.
    pub balance: Option<PrepaidBalance>,
    /// Comments that came by e-mail, each with its received message (staff who read held
    /// mail; `/mail/{id}` shows the whole original).
    pub from_mail: Vec<(uuid::Uuid, uuid::Uuid)>,
}

impl DocumentDetail {
    /// Whether the reader may reply (or, as staff, write a note).
    pub fn may_reply(&self) -> bool {
        matches!(
            self.party,
            Party::CustomerWriter | Party::StaffWriter | Party::StaffManager
        ) && self.document.state != DocumentState::Cancelled
    }

    /// Whether the reader manages the agenda (assigns, adds others as watchers).
    pub fn may_manage(&self) -> bool {
        self.party == Party::StaffManager
    }

    /// Whether the reader watches the document.
    pub fn watching(&self, actor: &Actor) -> bool {
        self.watchers.iter().any(|w| w.user_id == actor.user_id)
    }

    /// Whether the reader may turn the document into a customization order (staff who
    /// write orders, while it has none).
    pub fn may_convert(&self, actor: &Actor) -> bool {
        self.order.is_none()
            && OrderParty::of(actor, self.document.organisation_id) == Some(OrderParty::StaffWriter)
    }
}

/// What the detail page offers staff besides the document: assignees, canned replies and
/// patches to link.
#[derive(Debug, Default)]
pub struct ReplyChoices {
    /// Staff who work in the agenda (for managers who assign).
    pub assignees: Vec<Named<UserId>>,
    /// Canned replies (staff).
    pub canned: Vec<CannedReply>,
    /// Recent patches the reader may link, not linked yet (staff who read podpora).
    pub patches: Vec<PatchRecord>,
}

impl SupportDocuments<'_> {
    /// The document `id` with everything the actor may see of it.
    pub async fn detail(&self, actor: &Actor, id: &str) -> Result<DocumentDetail> {
        let store = self.app.store();
        let document = self.document(actor, id).await?;
        let party = Party::of(actor, document.organisation_id).ok_or(Error::NotFound)?;
        let clock = WorkflowClock {
            closed_at: document.closed_at,
            now: Utc::now(),
            reopen_days: self.app.settings().support.reopen_days,
        };
        let actions = available(party, document.state, &clock);
        let conversation = store.conversation(actor, &document).await?;
        let attachments = store
            .attachments(actor, &document)
            .await?
            .into_iter()
            .filter(|a| a.comment_id.is_none())
            .collect();
        let watchers = store.watchers(document.id).await?;
        let time_entries = store.time_entries(actor, &document).await?;
        let history = store.history_for(actor, ENTITY, document.id.0).await?;
        let patches = store.document_patches(actor, &document).await?;
        let order = if crate::customization_orders::may_read(actor) {
            store
                .order_of_document(actor, document.id)
                .await?
                .map(|o| (o.id, o.number, o.title))
        } else {
            None
        };
        let balance = store.prepaid_balance(&document).await?;
        let from_mail = if self.app.sees_held_mail(actor) {
            store.mails_of_record(document.id.0).await?
        } else {
            Vec::new()
        };
        Ok(DocumentDetail {
            from_mail,
            document,
            party,
            actions,
            conversation,
            attachments,
            watchers,
            time_entries,
            history,
            patches,
            order,
            balance,
        })
    }

    /// What the detail page offers the actor to pick from.
    pub async fn reply_choices(
        &self,
        actor: &Actor,
        detail: &DocumentDetail,
    ) -> Result<ReplyChoices> {
        if !detail.party.is_staff() {
            return Ok(ReplyChoices::default());
        }
        let store = self.app.store();
        let assignees = if detail.may_manage() {
            self.app.support_staff_choices(actor).await?
        } else {
            Vec::new()
        };
        let patches = if crate::podpora::may_read(actor) {
            store
                .patches(
                    actor,
                    &PatchQuery {
                        limit: 200,
                        ..Default::default()
                    },
                )
                .await?
                .into_iter()
                .filter(|p| !detail.patches.iter().any(|linked| linked.id == p.id))
                .collect()
        } else {
            Vec::new()
        };
        Ok(ReplyChoices {
            assignees,
            canned: store.canned_replies().await?,
            patches,
        })
    }

    /// The text of canned reply `id`, to start a staff member's reply with.
    pub async fn canned_text(&self, actor: &Actor, id: &str) -> Result<String> {
        if !actor.is_staff() {
            return Ok(String::new());
        }
        let id: CannedReplyId = id.parse().map_err(|_| Error::NotFound)?;
        Ok(self.app.store().canned_reply(id).await?.body)
    }
}
