//! Who is acting, and what they may enter.
//!
//! Every storage call and every page takes an [`Actor`]; this is the one place that answers
//! which agendas a user may open.

use crate::agenda::{Agenda, AgendaRight};
use crate::ids::{OrganisationId, UserId};
use crate::language::Language;
use crate::membership::Membership;
use crate::permissions::{Action, Area};
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
    /// Memberships in organisations (customer and partner users; empty for staff). Staff
    /// enter every agenda; their actions are limited by role, not by memberships.
    pub memberships: Vec<Membership>,
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

    /// Whether the actor, as staff, may take `action` in `area` (always false for customer
    /// and partner users: their rights come from memberships).
    pub fn staff_may(&self, area: Area, action: Action) -> bool {
        self.is_staff() && crate::permissions::staff_may(&self.roles, area, action)
    }

    /// The highest right the actor holds in an agenda through any membership.
    pub fn right(&self, agenda: Agenda) -> AgendaRight {
        if self.is_staff() {
            return AgendaRight::Write;
        }
        self.memberships
            .iter()
            .map(|m| m.rights.right(agenda))
            .max()
            .unwrap_or(AgendaRight::None)
    }

    /// The actor's membership in an organisation, if any.
    pub fn membership(&self, organisation: OrganisationId) -> Option<&Membership> {
        self.memberships
            .iter()
            .find(|m| m.organisation_id == organisation)
    }

    /// The organisations the actor belongs to (none for staff, who see all).
    pub fn organisation_ids(&self) -> Vec<OrganisationId> {
        self.memberships.iter().map(|m| m.organisation_id).collect()
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

    use crate::membership::MembershipRights;

    fn membership(rights: [AgendaRight; 4]) -> Membership {
        Membership {
            organisation_id: OrganisationId::generate(),
            rights: MembershipRights {
                protocols: rights[0],
                customization_orders: rights[1],
                support_documents: rights[2],
                podpora: rights[3],
                ..MembershipRights::NONE
            },
        }
    }

    fn actor(kind: UserKind, rights: [AgendaRight; 4]) -> Actor {
        Actor {
            user_id: UserId::generate(),
            kind,
            roles: vec![],
            display_name: "Jana Dvořáková".into(),
            language: Language::Cs,
            memberships: vec![membership(rights)],
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

    #[test]
    fn a_partner_holds_the_highest_right_of_its_memberships() {
        let mut partner = actor(
            UserKind::Partner,
            [
                AgendaRight::Read,
                AgendaRight::None,
                AgendaRight::None,
                AgendaRight::None,
            ],
        );
        partner.memberships.push(membership([
            AgendaRight::None,
            AgendaRight::None,
            AgendaRight::Write,
            AgendaRight::None,
        ]));
        assert_eq!(partner.right(Agenda::Protocols), AgendaRight::Read);
        assert_eq!(partner.right(Agenda::SupportDocuments), AgendaRight::Write);
        assert_eq!(partner.right(Agenda::Podpora), AgendaRight::None);
        let second = partner.memberships[1].organisation_id;
        assert_eq!(
            partner
                .membership(second)
                .map(|m| m.rights.support_documents),
            Some(AgendaRight::Write)
        );
        assert!(partner.membership(OrganisationId::generate()).is_none());
        assert_eq!(partner.organisation_ids().len(), 2);
    }
}
