//! Writing the audit log from the web layer.

use supportweb_domain::audit::AuditEvent;
use supportweb_domain::ids::{OrganisationId, UserId};
use supportweb_storage::audit::NewAuditEvent;

use crate::error::AppError;
use crate::state::AppState;

/// Who and what an audited event concerns.
#[derive(Debug, Clone, Default)]
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
}

/// Records an audited event; a failure to record fails the request.
pub async fn record(
    state: &AppState,
    event: AuditEvent,
    concerning: Concerning,
    address: &str,
    detail: impl Into<String>,
) -> Result<(), AppError> {
    state
        .store()
        .record_audit(&NewAuditEvent {
            event,
            actor: concerning.actor,
            subject: concerning.subject,
            organisation: concerning.organisation,
            address: address.to_owned(),
            detail: detail.into(),
        })
        .await?;
    Ok(())
}
