//! Support documents: opening behind the entitlement gate, the overview and its export, the
//! detail with its conversation, every step of the workflow, assignment, watchers, logged
//! time, linked patches, canned replies and the e-mails they cause.
//!
//! The workflow's rules are the domain's (`supportweb_domain::support_document`), the SQL is
//! the store's (`supportweb_storage::support_documents`); pages live in
//! `crates/web/src/pages/support_documents/`, the API in `crates/web/src/api/support_documents.rs`,
//! templates in `crates/web/templates/support_document*.html`, strings in
//! `crates/i18n/locales/*/support_documents.ftl`.

pub mod canned_replies;
mod detail;
pub(crate) mod notify;
mod open;
mod overview;
mod steps;

use supportweb_domain::Actor;
use supportweb_domain::agenda::{Agenda, AgendaRight};
use supportweb_domain::ids::DocumentId;
use supportweb_domain::permissions::{Action, Area};
use supportweb_storage::support_documents::DocumentError;

pub use detail::{DocumentDetail, ReplyChoices};
pub use open::{NewDocumentChoices, OpenDocument};
pub use overview::{DocumentOverview, OverviewParams, duration, row_sla, sla_text, views_for};
pub use steps::TimeInput;
pub use supportweb_domain::support_document::{
    Activity, Category, DocumentState, Party, PrepaidBalance, Transition,
};
pub use supportweb_storage::history::HistoryRecord;
pub use supportweb_storage::support_documents::{
    AttachmentRecord, CommentRecord, DocumentGrouping, DocumentQuery, DocumentRecord, DocumentSort,
    DocumentView, StateFilter, TimeEntryRecord, WatcherRecord,
};

use crate::error::reachable;
use crate::{App, Error};

/// History entity name of support documents.
pub const ENTITY: &str = supportweb_storage::support_documents::ENTITY;

/// The support-document use cases.
pub struct SupportDocuments<'a> {
    app: &'a App,
}

impl App {
    /// Support documents.
    pub fn support_documents(&self) -> SupportDocuments<'_> {
        SupportDocuments { app: self }
    }
}

/// Parses a document id from a path; anything else is a missing document.
pub fn document_id(text: &str) -> Result<DocumentId, Error> {
    text.parse().map_err(|_| Error::NotFound)
}

/// Whether the actor may enter the agenda at all: staff with the read right in the
/// permission matrix, customer and partner users with a read or write membership.
pub fn may_read(actor: &Actor) -> bool {
    crate::reads_agenda(actor, Agenda::SupportDocuments)
}

/// [`may_read`], or a missing page.
pub fn require_reader(actor: &Actor) -> Result<(), Error> {
    reachable(may_read(actor))
}

/// Whether the actor may open documents for at least one organisation.
pub fn may_open(actor: &Actor) -> bool {
    actor.staff_may(Area::Agenda(Agenda::SupportDocuments), Action::Write)
        || actor
            .memberships
            .iter()
            .any(|m| m.rights.support_documents == AgendaRight::Write)
}

/// [`may_open`], or a missing page.
pub fn require_opener(actor: &Actor) -> Result<(), Error> {
    reachable(may_open(actor))
}

impl From<DocumentError> for Error {
    fn from(error: DocumentError) -> Self {
        use supportweb_domain::support_document::TransitionError;
        match error {
            DocumentError::Store(e) => e.into(),
            DocumentError::NotAllowed | DocumentError::Transition(TransitionError::NotAllowed) => {
                Error::Forbidden
            }
            DocumentError::Transition(_) => Error::Conflict,
            DocumentError::NotEntitled => {
                Error::conflicting("organisation", "support-not-entitled")
            }
            DocumentError::Invalid(field) => Error::refused(field, "support-error-invalid"),
        }
    }
}
