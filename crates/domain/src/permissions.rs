//! The staff permission matrix: which role may take which action in which area. It is data,
//! iterated by tests and rendered for administrators; agenda issues refine the agenda rows.
//!
//! Customer and partner users are not in this matrix: their rights come from memberships
//! (a right per agenda and flags), see [`crate::membership`].

use serde::Serialize;

use crate::agenda::Agenda;
use crate::user::StaffRole;

/// Administration areas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AdminArea {
    /// Staff and customer accounts, memberships and their rights.
    Accounts,
    /// Organisations, installation cards, account teams.
    Organisations,
    /// Support contracts and SLA plans.
    Contracts,
    /// Revealing remote-access secrets.
    RemoteAccessSecrets,
    /// The audit log.
    Audit,
    /// The product catalogue (products, modules, versions) installation cards choose from.
    Catalogue,
    /// Portal-wide security settings (two-factor sign-in required of staff).
    Security,
}

/// Where an action happens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "name")]
pub enum Area {
    /// One of the four agendas.
    Agenda(Agenda),
    /// An administration area.
    Admin(AdminArea),
}

/// What a staff user does in an area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// See the records.
    Read,
    /// Create records and comment.
    Write,
    /// Process, change and configure (transitions, assignment, editing others' records).
    Manage,
}

use AdminArea as A;
use StaffRole as R;

/// Every area in the order the matrix is shown.
pub const AREAS: [Area; 11] = [
    Area::Agenda(Agenda::Protocols),
    Area::Agenda(Agenda::CustomizationOrders),
    Area::Agenda(Agenda::SupportDocuments),
    Area::Agenda(Agenda::Podpora),
    Area::Admin(A::Accounts),
    Area::Admin(A::Organisations),
    Area::Admin(A::Contracts),
    Area::Admin(A::RemoteAccessSecrets),
    Area::Admin(A::Audit),
    Area::Admin(A::Catalogue),
    Area::Admin(A::Security),
];

/// The highest action each role may take in each area (an action implies the lower ones).
/// A missing pair means no access.
pub const STAFF_MATRIX: &[(StaffRole, Area, Action)] = &[
    // Administrator: everything.
    (
        R::Administrator,
        Area::Agenda(Agenda::Protocols),
        Action::Manage,
    ),
    (
        R::Administrator,
        Area::Agenda(Agenda::CustomizationOrders),
        Action::Manage,
    ),
    (
        R::Administrator,
        Area::Agenda(Agenda::SupportDocuments),
        Action::Manage,
    ),
    (
        R::Administrator,
        Area::Agenda(Agenda::Podpora),
        Action::Manage,
    ),
    (R::Administrator, Area::Admin(A::Accounts), Action::Manage),
    (
        R::Administrator,
        Area::Admin(A::Organisations),
        Action::Manage,
    ),
    (R::Administrator, Area::Admin(A::Contracts), Action::Manage),
    (
        R::Administrator,
        Area::Admin(A::RemoteAccessSecrets),
        Action::Read,
    ),
    (R::Administrator, Area::Admin(A::Audit), Action::Read),
    (R::Administrator, Area::Admin(A::Catalogue), Action::Manage),
    (R::Administrator, Area::Admin(A::Security), Action::Manage),
    // Project manager: leads projects, meetings and orders; administers its customers.
    (
        R::ProjectManager,
        Area::Agenda(Agenda::Protocols),
        Action::Manage,
    ),
    (
        R::ProjectManager,
        Area::Agenda(Agenda::CustomizationOrders),
        Action::Manage,
    ),
    (
        R::ProjectManager,
        Area::Agenda(Agenda::SupportDocuments),
        Action::Manage,
    ),
    (
        R::ProjectManager,
        Area::Agenda(Agenda::Podpora),
        Action::Write,
    ),
    (R::ProjectManager, Area::Admin(A::Accounts), Action::Manage),
    (
        R::ProjectManager,
        Area::Admin(A::Organisations),
        Action::Manage,
    ),
    (R::ProjectManager, Area::Admin(A::Contracts), Action::Manage),
    (R::ProjectManager, Area::Admin(A::Catalogue), Action::Manage),
    // Consultant: meetings and support; connects to customers' systems.
    (
        R::Consultant,
        Area::Agenda(Agenda::Protocols),
        Action::Manage,
    ),
    (
        R::Consultant,
        Area::Agenda(Agenda::CustomizationOrders),
        Action::Write,
    ),
    (
        R::Consultant,
        Area::Agenda(Agenda::SupportDocuments),
        Action::Manage,
    ),
    (R::Consultant, Area::Agenda(Agenda::Podpora), Action::Write),
    (R::Consultant, Area::Admin(A::Organisations), Action::Read),
    (R::Consultant, Area::Admin(A::Contracts), Action::Read),
    (R::Consultant, Area::Admin(A::Catalogue), Action::Read),
    (
        R::Consultant,
        Area::Admin(A::RemoteAccessSecrets),
        Action::Read,
    ),
    // Technician: solves support documents; connects to customers' systems.
    (R::Technician, Area::Agenda(Agenda::Protocols), Action::Read),
    (
        R::Technician,
        Area::Agenda(Agenda::CustomizationOrders),
        Action::Read,
    ),
    (
        R::Technician,
        Area::Agenda(Agenda::SupportDocuments),
        Action::Manage,
    ),
    (R::Technician, Area::Agenda(Agenda::Podpora), Action::Write),
    (R::Technician, Area::Admin(A::Organisations), Action::Read),
    (R::Technician, Area::Admin(A::Contracts), Action::Read),
    (R::Technician, Area::Admin(A::Catalogue), Action::Read),
    (
        R::Technician,
        Area::Admin(A::RemoteAccessSecrets),
        Action::Read,
    ),
    // Developer: builds customizations and patches.
    (R::Developer, Area::Agenda(Agenda::Protocols), Action::Read),
    (
        R::Developer,
        Area::Agenda(Agenda::CustomizationOrders),
        Action::Manage,
    ),
    (
        R::Developer,
        Area::Agenda(Agenda::SupportDocuments),
        Action::Write,
    ),
    (R::Developer, Area::Agenda(Agenda::Podpora), Action::Manage),
    (R::Developer, Area::Admin(A::Organisations), Action::Read),
    (R::Developer, Area::Admin(A::Catalogue), Action::Manage),
    (
        R::Developer,
        Area::Admin(A::RemoteAccessSecrets),
        Action::Read,
    ),
];

/// The highest action `role` may take in `area`.
pub fn highest(role: StaffRole, area: Area) -> Option<Action> {
    STAFF_MATRIX
        .iter()
        .find(|(r, a, _)| *r == role && *a == area)
        .map(|(_, _, action)| *action)
}

/// Whether a staff user holding `roles` may take `action` in `area`.
pub fn staff_may(roles: &[StaffRole], area: Area, action: Action) -> bool {
    roles
        .iter()
        .filter_map(|role| highest(*role, area))
        .any(|granted| granted >= action)
}

fn area_name(area: Area) -> &'static str {
    match area {
        Area::Agenda(Agenda::Protocols) => "Protocols",
        Area::Agenda(Agenda::CustomizationOrders) => "Customization orders",
        Area::Agenda(Agenda::SupportDocuments) => "Support documents",
        Area::Agenda(Agenda::Podpora) => "Podpora",
        Area::Admin(A::Accounts) => "Admin: accounts",
        Area::Admin(A::Organisations) => "Admin: organisations",
        Area::Admin(A::Contracts) => "Admin: contracts",
        Area::Admin(A::RemoteAccessSecrets) => "Admin: remote-access secrets",
        Area::Admin(A::Audit) => "Admin: audit log",
        Area::Admin(A::Catalogue) => "Admin: product catalogue",
        Area::Admin(A::Security) => "Admin: security settings",
    }
}

/// The matrix as a Markdown table (areas × roles), as README.md documents it.
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| area | administrator | project manager | consultant | technician | developer |\n\
         |---|---|---|---|---|---|\n",
    );
    for area in AREAS {
        out.push_str("| ");
        out.push_str(area_name(area));
        for role in StaffRole::ALL {
            out.push_str(" | ");
            out.push_str(match highest(role, area) {
                Some(Action::Manage) => "manage",
                Some(Action::Write) => "write",
                Some(Action::Read) => "read",
                None => "—",
            });
        }
        out.push_str(" |\n");
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn readme_documents_the_matrix_as_it_is() {
        let readme =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../README.md"))
                .unwrap_or_default();
        let table = super::markdown_table();
        assert!(
            readme.contains(&table),
            "README.md must contain the permission matrix exactly as the code has it:\n{table}"
        );
    }

    use super::*;
    use std::collections::HashSet;

    #[test]
    fn the_matrix_names_each_role_and_area_at_most_once() {
        let mut seen = HashSet::new();
        for (role, area, _) in STAFF_MATRIX {
            assert!(seen.insert((*role, *area)), "{role:?} × {area:?} twice");
            assert!(AREAS.contains(area));
        }
    }

    #[test]
    fn actions_imply_the_lower_ones_and_roles_add_up() {
        let accounts = Area::Admin(AdminArea::Accounts);
        assert!(staff_may(
            &[StaffRole::Administrator],
            accounts,
            Action::Read
        ));
        assert!(staff_may(
            &[StaffRole::Administrator],
            accounts,
            Action::Manage
        ));
        assert!(!staff_may(&[StaffRole::Technician], accounts, Action::Read));
        assert!(staff_may(
            &[StaffRole::Technician, StaffRole::ProjectManager],
            accounts,
            Action::Manage
        ));
        assert!(!staff_may(&[], accounts, Action::Read));
        let secrets = Area::Admin(AdminArea::RemoteAccessSecrets);
        assert!(staff_may(&[StaffRole::Technician], secrets, Action::Read));
        assert!(!staff_may(
            &[StaffRole::ProjectManager],
            secrets,
            Action::Read
        ));
    }

    #[test]
    fn every_role_reads_every_agenda() {
        for role in StaffRole::ALL {
            for agenda in Agenda::ALL {
                assert!(
                    staff_may(&[role], Area::Agenda(agenda), Action::Read),
                    "{role:?} {agenda:?}"
                );
            }
        }
    }
}
