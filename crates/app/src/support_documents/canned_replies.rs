//! Canned replies: staff who write in support documents use them from the reply form; staff
//! who process documents add, change and delete them.

use supportweb_domain::Actor;
use supportweb_domain::agenda::Agenda;
use supportweb_domain::ids::CannedReplyId;
use supportweb_domain::permissions::{Action, Area};
use supportweb_storage::StoreError;

pub use supportweb_storage::canned_replies::CannedReply;

use crate::error::reachable;
use crate::{App, Error, FieldErrors, Result};

const AREA: Area = Area::Agenda(Agenda::SupportDocuments);

/// A canned reply as typed.
#[derive(Debug, Default, Clone)]
pub struct CannedInput {
    /// Short title (at most 100 characters, unique).
    pub title: String,
    /// Text in Markdown (at most 20,000 characters).
    pub body: String,
    /// On a change: the version read.
    pub version: i64,
}

impl CannedInput {
    /// The problems of the typed values.
    pub fn problems(&self) -> FieldErrors {
        let mut errors = FieldErrors::default();
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > 100 {
            errors.add("title", "support-canned-error-title");
        }
        if self.body.trim().is_empty() || self.body.chars().count() > 20_000 {
            errors.add("body", "support-canned-error-body");
        }
        errors
    }
}

/// The canned-reply use cases.
pub struct CannedReplies<'a> {
    app: &'a App,
}

impl App {
    /// Canned replies.
    pub fn canned_replies(&self) -> CannedReplies<'_> {
        CannedReplies { app: self }
    }
}

fn require(actor: &Actor, action: Action) -> Result<()> {
    reachable(actor.staff_may(AREA, action))
}

/// Whether the actor maintains canned replies.
pub fn may_manage(actor: &Actor) -> bool {
    actor.staff_may(AREA, Action::Manage)
}

fn duplicate(error: StoreError) -> Error {
    match error {
        StoreError::Duplicate(_) => Error::conflicting("title", "support-canned-error-duplicate"),
        other => other.into(),
    }
}

impl CannedReplies<'_> {
    /// Every canned reply by title (staff who write in the agenda).
    pub async fn list(&self, actor: &Actor) -> Result<Vec<CannedReply>> {
        require(actor, Action::Write)?;
        Ok(self.app.store().canned_replies().await?)
    }

    /// Checks that the actor maintains canned replies (before a request is read).
    pub fn require_manager(&self, actor: &Actor) -> Result<()> {
        require(actor, Action::Manage)
    }

    /// Adds a canned reply.
    pub async fn create(&self, actor: &Actor, input: &CannedInput) -> Result<CannedReply> {
        require(actor, Action::Manage)?;
        input.problems().into_result()?;
        let store = self.app.store();
        let id = store
            .create_canned_reply(actor.user_id, input.title.trim(), input.body.trim())
            .await
            .map_err(duplicate)?;
        Ok(store.canned_reply(id).await?)
    }

    /// The canned reply `id` (managers, before they change or delete it).
    pub async fn get(&self, actor: &Actor, id: &str) -> Result<CannedReply> {
        require(actor, Action::Manage)?;
        let id: CannedReplyId = id.parse().map_err(|_| Error::NotFound)?;
        Ok(self.app.store().canned_reply(id).await?)
    }

    /// Changes a canned reply read at `input.version` (else 409).
    pub async fn update(
        &self,
        actor: &Actor,
        id: &str,
        input: &CannedInput,
    ) -> Result<CannedReply> {
        let current = self.get(actor, id).await?;
        input.problems().into_result()?;
        let store = self.app.store();
        store
            .update_canned_reply(
                current.id,
                input.title.trim(),
                input.body.trim(),
                input.version,
            )
            .await
            .map_err(duplicate)?;
        Ok(store.canned_reply(current.id).await?)
    }

    /// Deletes a canned reply.
    pub async fn delete(&self, actor: &Actor, id: &str) -> Result<()> {
        let current = self.get(actor, id).await?;
        Ok(self.app.store().delete_canned_reply(current.id).await?)
    }
}
