//! Typed identifiers. Every id is a UUIDv7 generated in Rust, so rows sort by creation time
//! and both database backends store the same value.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new time-ordered (v7) id.
            pub fn generate() -> Self {
                Self(Uuid::now_v7())
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

typed_id!(
    /// A user account (staff or customer user).
    UserId
);
typed_id!(
    /// A server-side login session.
    SessionId
);
typed_id!(
    /// A stored file (attachment, patch file, …).
    FileId
);
typed_id!(
    /// A customer or partner organisation.
    OrganisationId
);
typed_id!(
    /// A support contract.
    ContractId
);
typed_id!(
    /// A product of the catalogue.
    ProductId
);
typed_id!(
    /// One installation of a product at an organisation (a line of its installation card).
    InstallationId
);
typed_id!(
    /// A support document (ticket).
    DocumentId
);
typed_id!(
    /// A reply or internal note on a support document.
    CommentId
);
typed_id!(
    /// A staff member's canned reply.
    CannedReplyId
);
typed_id!(
    /// A time entry logged by staff.
    TimeEntryId
);
typed_id!(
    /// A patch of the podpora agenda.
    PatchId
);
typed_id!(
    /// A validation (licence) code issued to one organisation.
    ValidationCodeId
);
typed_id!(
    /// A procedure (how-to article) of the podpora agenda.
    ProcedureId
);
typed_id!(
    /// A communication protocol.
    ProtocolId
);
typed_id!(
    /// A project of an organisation, which protocols belong to.
    ProjectId
);
typed_id!(
    /// A task agreed in a protocol.
    TaskId
);
typed_id!(
    /// A customization order.
    OrderId
);
typed_id!(
    /// A reservation made when a customization order was accepted.
    ReservationId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_ids_are_version_7_and_increase() {
        let a = UserId::generate();
        let b = UserId::generate();
        assert_eq!(a.0.get_version_num(), 7);
        assert!(a < b, "v7 ids sort by creation time");
    }
}
