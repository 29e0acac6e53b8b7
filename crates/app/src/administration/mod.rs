//! Administration: organisations with their installation cards, account teams and remote
//! access, contracts, the product catalogue, accounts and memberships, the audit log and the
//! security settings.

pub use supportweb_storage::catalogue::{InstallationRecord, ProductRecord};
pub use supportweb_storage::organisations::TeamMember;
