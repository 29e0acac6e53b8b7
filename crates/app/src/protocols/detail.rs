//! A protocol with what its reader may see of it — the review of tasks still open from earlier
//! protocols of the project, the steps the reader may take, the issued revisions, history — and
//! the steps themselves (issue, confirm, object with comments), one issued revision's text,
//! the files, and marking tasks.

use chrono::{DateTime, Utc};
use supportweb_domain::Actor;
use supportweb_domain::ids::TaskId;
use supportweb_domain::protocol::{ProtocolParty, ProtocolStep, TaskState, available_steps};
use supportweb_storage::history::HistoryRecord;
use supportweb_storage::protocols::{ProtocolRecord, TaskRecord};

use super::{ENTITY, Protocols, protocol_id, require_reader, snapshot};
use crate::attachments::FileRecord;
use crate::{Error, Result};

/// A protocol with everything around it that its reader may see.
#[derive(Debug)]
pub struct ProtocolDetail {
    /// The protocol (a customer reads the revision issued to it).
    pub protocol: ProtocolRecord,
    /// The reader's party.
    pub party: ProtocolParty,
    /// Steps the reader may take now.
    pub steps: Vec<ProtocolStep>,
    /// Tasks still open from earlier protocols of the project.
    pub review: Vec<TaskRecord>,
    /// Issued revisions, newest first: number, text, who, when.
    pub revisions: Vec<(i64, String, String, DateTime<Utc>)>,
    /// Every change the reader may read, newest first.
    pub history: Vec<HistoryRecord>,
}

impl ProtocolDetail {
    /// Whether the reader may revise it now (staff who write, while it is a draft or objected).
    pub fn may_edit(&self) -> bool {
        self.party == ProtocolParty::StaffWriter && self.protocol.state.editable()
    }

    /// Whether the reader may mark its tasks.
    pub fn may_change_tasks(&self) -> bool {
        self.party == ProtocolParty::StaffWriter
    }
}

/// One issued revision's text, and the one before it for the comparison.
#[derive(Debug)]
pub struct RevisionText {
    /// The protocol.
    pub protocol: ProtocolRecord,
    /// Number.
    pub revision: i64,
    /// The protocol as issued.
    pub text: String,
    /// Who issued it.
    pub issued_by: String,
    /// When.
    pub issued_at: DateTime<Utc>,
    /// The revision before it: number and text.
    pub before: Option<(i64, String)>,
}

impl Protocols<'_> {
    /// A protocol the actor may see.
    pub async fn get(&self, actor: &Actor, id: &str) -> Result<ProtocolRecord> {
        require_reader(actor)?;
        Ok(self.app.store().protocol(actor, protocol_id(id)?).await?)
    }

    /// The review of tasks still open from earlier protocols of the project (the page and
    /// the print view show it).
    pub async fn review(
        &self,
        actor: &Actor,
        protocol: &ProtocolRecord,
    ) -> Result<Vec<TaskRecord>> {
        Ok(self.app.store().protocol_review(actor, protocol).await?)
    }

    /// A protocol with its review, steps, revisions and history.
    pub async fn detail(&self, actor: &Actor, id: &str) -> Result<ProtocolDetail> {
        let protocol = self.get(actor, id).await?;
        let party = ProtocolParty::of(actor, protocol.organisation_id).ok_or(Error::NotFound)?;
        let store = self.app.store();
        Ok(ProtocolDetail {
            steps: available_steps(party, protocol.state),
            review: store.protocol_review(actor, &protocol).await?,
            revisions: store.protocol_revisions(actor, protocol.id).await?,
            history: store.history_for(actor, ENTITY, protocol.id.0).await?,
            party,
            protocol,
        })
    }

    /// Takes a step: staff issue (the revision's text is kept), a verifier confirms or objects
    /// (comments required). `version` is the one read: an answer names the revision it read.
    pub async fn step(
        &self,
        actor: &Actor,
        id: &str,
        step: ProtocolStep,
        comment: &str,
        version: i64,
    ) -> Result<ProtocolRecord> {
        let protocol = self.get(actor, id).await?;
        let store = self.app.store();
        let review = if step == ProtocolStep::Issue {
            store.open_tasks_before(actor, &protocol).await?
        } else {
            Vec::new()
        };
        let text = if step == ProtocolStep::Issue {
            snapshot(&protocol, &review)
        } else {
            String::new()
        };
        store
            .protocol_step(actor, protocol.id, step, comment, &text, &review, version)
            .await?;
        Ok(store.protocol(actor, protocol.id).await?)
    }

    /// The text of issued revision `number`, with the one before it.
    pub async fn revision(&self, actor: &Actor, id: &str, number: &str) -> Result<RevisionText> {
        require_reader(actor)?;
        let id = protocol_id(id)?;
        let number: i64 = number.parse().map_err(|_| Error::NotFound)?;
        let store = self.app.store();
        let revisions = store.protocol_revisions(actor, id).await?;
        let (revision, text, issued_by, issued_at) = revisions
            .iter()
            .find(|(n, ..)| *n == number)
            .cloned()
            .ok_or(Error::NotFound)?;
        let before = revisions
            .iter()
            .find(|(n, ..)| *n == number - 1)
            .map(|(n, text, ..)| (*n, text.clone()));
        Ok(RevisionText {
            protocol: store.protocol(actor, id).await?,
            revision,
            text,
            issued_by,
            issued_at,
            before,
        })
    }

    /// A file of a protocol the actor may see.
    pub async fn file(&self, actor: &Actor, id: &str, file: &str) -> Result<FileRecord> {
        require_reader(actor)?;
        let id = protocol_id(id)?;
        let file = crate::attachments::file_id(file)?;
        Ok(self.app.store().protocol_file(actor, id, file).await?)
    }

    /// A task the actor may see.
    pub async fn task(&self, actor: &Actor, id: &str) -> Result<TaskRecord> {
        require_reader(actor)?;
        let id: TaskId = id.parse().map_err(|_| Error::NotFound)?;
        Ok(self.app.store().protocol_task(actor, id).await?)
    }

    /// Marks a task done, cancelled or open again (staff who write protocols), read at
    /// `version` (else 409).
    pub async fn set_task(
        &self,
        actor: &Actor,
        id: &str,
        state: TaskState,
        version: i64,
    ) -> Result<TaskRecord> {
        let task = self.task(actor, id).await?;
        let store = self.app.store();
        store.set_task_state(actor, task.id, state, version).await?;
        Ok(store.protocol_task(actor, task.id).await?)
    }
}
