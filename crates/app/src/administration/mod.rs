//! Administration: organisations with their installation cards, account teams and remote
//! access, contracts, the product catalogue, accounts and memberships, the audit log and the
//! security settings. Who may do what comes from the permission matrix
//! (`supportweb_domain::permissions`); anything an actor may not reach answers like a missing
//! page.
//!
//! Pages: `crates/web/src/pages/{organisations, contracts, installations, catalogue, accounts,
//! remote_access, audit, security, organisation}.rs`; API: `crates/web/src/api/admin.rs`;
//! strings: `crates/i18n/locales/*/{organisations, accounts, audit}.ftl`.

pub mod accounts;
pub mod audit_log;
pub mod catalogue;
pub mod command_line;
pub mod contracts;
pub mod organisations;
pub mod remote_access;
pub mod security;

use supportweb_domain::Actor;
use supportweb_domain::permissions::{Action, AdminArea, Area};

pub use supportweb_storage::catalogue::{InstallationRecord, ProductRecord};
pub use supportweb_storage::contracts::ContractRecord;
pub use supportweb_storage::organisations::{Member, OrganisationRecord, TeamMember};

use crate::error::reachable;
use crate::{App, Error, Result};

/// The administration use cases.
pub struct Administration<'a> {
    app: &'a App,
}

impl App {
    /// Organisations, contracts, the catalogue, accounts, the audit log and security.
    pub fn administration(&self) -> Administration<'_> {
        Administration { app: self }
    }
}

/// Whether the actor (staff) may take `action` in the administration `area`.
pub fn may(actor: &Actor, area: AdminArea, action: Action) -> bool {
    actor.staff_may(Area::Admin(area), action)
}

/// [`may`], or a missing page.
pub fn require(actor: &Actor, area: AdminArea, action: Action) -> Result<()> {
    reachable(may(actor, area, action))
}

/// Parses an id from a path; anything else is a missing record.
pub fn id<T: std::str::FromStr>(text: &str) -> Result<T> {
    text.parse().map_err(|_| Error::NotFound)
}
