//! Audit entries. An entry that describes a change is written in the change's transaction —
//! the store's audited writes take their entries — so a change is never without its entry and
//! an entry never without its change. An entry that is itself the whole write (a sign-in, a
//! reveal) is recorded on its own.

use supportweb_domain::audit::AuditEvent;
use supportweb_domain::ids::{OrganisationId, UserId};

pub use supportweb_storage::audit::{AuditFilter, AuditRecord, NewAuditEvent};

use crate::{App, Result};

/// Who and what an audited event concerns.
#[derive(Debug, Clone, Copy, Default)]
pub struct Concerning {
    /// Who did it.
    pub actor: Option<UserId>,
    /// Whose account.
    pub subject: Option<UserId>,
    /// Which organisation.
    pub organisation: Option<OrganisationId>,
}

impl Concerning {
    /// An event a user did to its own account.
    pub fn own(user: UserId) -> Self {
        Concerning {
            actor: Some(user),
            subject: Some(user),
            organisation: None,
        }
    }

    /// An event `actor` did to `subject`'s account.
    pub fn by(actor: UserId, subject: UserId) -> Self {
        Concerning {
            actor: Some(actor),
            subject: Some(subject),
            organisation: None,
        }
    }

    /// An event `actor` did concerning `organisation`.
    pub fn organisation(actor: UserId, organisation: OrganisationId) -> Self {
        Concerning {
            actor: Some(actor),
            subject: None,
            organisation: Some(organisation),
        }
    }
}

/// An audit entry from the client `address`.
pub fn entry(
    event: AuditEvent,
    concerning: Concerning,
    address: &str,
    detail: impl Into<String>,
) -> NewAuditEvent {
    NewAuditEvent {
        event,
        actor: concerning.actor,
        subject: concerning.subject,
        organisation: concerning.organisation,
        address: address.to_owned(),
        detail: detail.into(),
    }
}

impl App {
    /// Records an entry that is the whole write (nothing else changes with it); a failure to
    /// record fails the use case.
    pub(crate) async fn record_audit(&self, entry: NewAuditEvent) -> Result<()> {
        Ok(self.store().record_audit(&entry).await?)
    }
}
