//! Who is acting, and what they may enter.
//!
//! Every storage call and every page takes an [`Actor`]; this is the one place that answers
//! which agendas a user may open.

use crate::agenda::{Agenda, AgendaRight};
use crate::ids::UserId;
use crate::language::Language;
use crate::user::{StaffRole, UserKind};

/// The signed-in user on whose behalf a request runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The account.
    pub user_id: UserId,
    /// Staff or customer.
    pub kind: UserKind,
    /// Staff roles (empty for customer users).
    pub roles: Vec<StaffRole>,
    /// Display name for the page header.
    pub display_name: String,
    /// The user's chosen language.
    pub language: Language,
    /// The highest right per agenda across the user's memberships (customer users).
    /// Staff enter every agenda; their actions are limited by role, not by this field.
    pub agenda_rights: [AgendaRight; 4],
}

impl Actor {
    /// Whether the actor is one of the vendor's staff.
    pub fn is_staff(&self) -> bool {
        self.kind == UserKind::Staff
    }

    /// Whether the actor holds a staff role.
    pub fn has_role(&self, role: StaffRole) -> bool {
        self.is_staff() && self.roles.contains(&role)
    }

    /// The right the actor holds in an agenda.
    pub fn right(&self, agenda: Agenda) -> AgendaRight {
        if self.is_staff() {
            return AgendaRight::Write;
        }
        let index = Agenda::ALL.iter().position(|a| *a == agenda).unwrap_or(0);
        self.agenda_rights[index]
    }

    /// Whether the actor may open an agenda.
    pub fn may_enter(&self, agenda: Agenda) -> bool {
        self.right(agenda).may_enter()
    }

    /// The agendas the navigation shows: those the portal serves, in navigation order,
    /// that the actor may enter.
    pub fn navigation(&self, served: &[Agenda]) -> Vec<Agenda> {
        Agenda::ALL
            .into_iter()
            .filter(|a| served.contains(a) && self.may_enter(*a))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(kind: UserKind, rights: [AgendaRight; 4]) -> Actor {
        Actor {
            user_id: UserId::generate(),
            kind,
            roles: vec![],
            display_name: "Jana Dvořáková".into(),
            language: Language::Cs,
            agenda_rights: rights,
        }
    }

    #[test]
    fn staff_enter_every_served_agenda() {
        let staff = actor(UserKind::Staff, [AgendaRight::None; 4]);
        assert_eq!(staff.navigation(&Agenda::ALL), Agenda::ALL.to_vec());
        assert_eq!(
            staff.navigation(&[Agenda::Podpora, Agenda::Protocols]),
            vec![Agenda::Protocols, Agenda::Podpora],
            "navigation keeps its own order and shows only served agendas"
        );
    }

    #[test]
    fn customers_see_only_agendas_with_a_right() {
        let customer = actor(
            UserKind::Customer,
            [
                AgendaRight::None,
                AgendaRight::Read,
                AgendaRight::Write,
                AgendaRight::None,
            ],
        );
        assert_eq!(
            customer.navigation(&Agenda::ALL),
            vec![Agenda::CustomizationOrders, Agenda::SupportDocuments]
        );
        assert!(!customer.may_enter(Agenda::Protocols));
        assert!(!customer.has_role(StaffRole::Administrator));
        let none = actor(UserKind::Customer, [AgendaRight::None; 4]);
        assert!(none.navigation(&Agenda::ALL).is_empty());
    }
}
