//! What readers of a document do with it: reply (or note), take a workflow step, assign,
//! watch, log time and link patches. The store checks the reader's party again for each.

use chrono::NaiveDate;
use supportweb_domain::Actor;
use supportweb_domain::ids::{FileId, PatchId, UserId};
use supportweb_domain::support_document::{Activity, Transition};
use supportweb_storage::patches::PatchRecord;
use supportweb_storage::support_documents::{
    CommentRecord, DocumentError, DocumentRecord, NewTimeEntry, TimeEntryRecord, WatcherRecord,
};

use super::SupportDocuments;
use crate::{Error, FieldErrors, Result, today};

/// Time to log, as the page or the API sent it.
#[derive(Debug, Default, Clone)]
pub struct TimeInput {
    /// Activity name.
    pub activity: String,
    /// Minutes (1 to 1440); `None` when what was typed is not a duration.
    pub minutes: Option<i64>,
    /// Billable: draws down the contract's prepaid hours.
    pub billable: bool,
    /// Day of the work (default: today).
    pub work_date: Option<NaiveDate>,
    /// Note (at most 500 characters).
    pub note: String,
}

impl TimeInput {
    /// The problems of the typed values (`activity`, `minutes`, `note`).
    pub fn problems(&self) -> FieldErrors {
        let mut errors = FieldErrors::default();
        if Activity::parse(&self.activity).is_none() {
            errors.add("activity", "support-error-activity");
        }
        if !self.minutes.is_some_and(|m| (1..=24 * 60).contains(&m)) {
            errors.add("minutes", "support-error-hours");
        }
        if self.note.chars().count() > 500 {
            errors.add("note", "support-error-note");
        }
        errors
    }
}

impl SupportDocuments<'_> {
    /// Adds a public reply or (staff only) an internal note with the actor's uploads. A
    /// customer's reply to a document waiting for it returns the document to work.
    pub async fn comment(
        &self,
        actor: &Actor,
        id: &str,
        body: &str,
        internal: bool,
        files: &[FileId],
    ) -> Result<CommentRecord> {
        let document = self.document(actor, id).await?;
        let text = body.trim();
        if text.is_empty() || text.chars().count() > 20_000 {
            return Err(Error::field("body", "support-error-reply"));
        }
        let hours = self.app.settings().support.hours;
        let store = self.app.store();
        let added = store
            .add_comment(actor, document.id, text, internal, files, &hours)
            .await
            .map_err(|error| match error {
                DocumentError::Invalid(_) => Error::missing("files", "support-error-files"),
                other => other.into(),
            })?;
        let document = store.document(actor, document.id).await?;
        store
            .conversation(actor, &document)
            .await?
            .into_iter()
            .find(|c| c.id == added)
            .ok_or(Error::NotFound)
    }

    /// Takes a workflow step if the actor's party may take it now and the document is still
    /// at `version` (else 409).
    pub async fn transition(
        &self,
        actor: &Actor,
        id: &str,
        transition: Transition,
        version: i64,
    ) -> Result<DocumentRecord> {
        let document = self.document(actor, id).await?;
        let support = self.app.settings().support;
        let store = self.app.store();
        store
            .transition_document(
                actor,
                document.id,
                transition,
                version,
                &support.hours,
                support.reopen_days,
            )
            .await?;
        Ok(store.document(actor, document.id).await?)
    }

    /// Assigns the document to a staff member who works in the agenda, or to nobody (staff
    /// who manage the agenda).
    pub async fn assign(
        &self,
        actor: &Actor,
        id: &str,
        assignee: Option<UserId>,
        version: i64,
    ) -> Result<DocumentRecord> {
        let document = self.document(actor, id).await?;
        let store = self.app.store();
        store
            .assign_document(actor, document.id, assignee, version)
            .await
            .map_err(|error| match error {
                DocumentError::Invalid(_) => Error::field("assignee", "support-error-invalid"),
                other => other.into(),
            })?;
        Ok(store.document(actor, document.id).await?)
    }

    /// Starts or stops watching: the actor itself, or (managers) anyone who may see the
    /// document. Returns the watchers.
    pub async fn watch(
        &self,
        actor: &Actor,
        id: &str,
        user: Option<UserId>,
        watch: bool,
    ) -> Result<Vec<WatcherRecord>> {
        let document = self.document(actor, id).await?;
        let store = self.app.store();
        store
            .set_watcher(actor, document.id, user.unwrap_or(actor.user_id), watch)
            .await
            .map_err(|error| match error {
                DocumentError::Invalid(_) => Error::field("user", "support-error-invalid"),
                other => other.into(),
            })?;
        Ok(store.watchers(document.id).await?)
    }

    /// Logs staff time on the document. Returns all time logged on it.
    pub async fn log_time(
        &self,
        actor: &Actor,
        id: &str,
        input: &TimeInput,
    ) -> Result<Vec<TimeEntryRecord>> {
        let document = self.document(actor, id).await?;
        input.problems().into_result()?;
        let (Some(activity), Some(minutes)) = (Activity::parse(&input.activity), input.minutes)
        else {
            return Err(Error::Internal("time checked above".into()));
        };
        let entry = NewTimeEntry {
            activity,
            minutes,
            billable: input.billable,
            work_date: input.work_date.unwrap_or_else(today),
            note: input.note.trim().to_owned(),
        };
        let store = self.app.store();
        store
            .log_time(actor, document.id, &entry)
            .await
            .map_err(|error| match error {
                DocumentError::Invalid(_) => Error::field("minutes", "support-error-hours"),
                other => other.into(),
            })?;
        Ok(store.time_entries(actor, &document).await?)
    }

    /// Links a patch that solves the document, or unlinks it (staff). Returns the linked
    /// patches the actor may see.
    pub async fn link_patch(
        &self,
        actor: &Actor,
        id: &str,
        patch: PatchId,
        linked: bool,
    ) -> Result<Vec<PatchRecord>> {
        let document = self.document(actor, id).await?;
        let store = self.app.store();
        store
            .link_patch(actor, document.id, patch, linked)
            .await
            .map_err(|error| match error {
                DocumentError::Invalid(_) => Error::field("patch", "support-error-patch"),
                other => other.into(),
            })?;
        Ok(store.document_patches(actor, &document).await?)
    }
}
