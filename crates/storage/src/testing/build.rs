//! Builders shared by every crate's tests: organisations, contracts, accounts of each kind,
//! and the acting users behind them. Each panics on failure (a test set-up that fails is a
//! failed test).

use crate::Store;
use crate::contracts::NewContract;
use crate::organisations::NewOrganisation;
use crate::users::NewUser;
use chrono::NaiveDate;
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::contract::{ContractState, ContractTerm};
use supportweb_domain::ids::{ContractId, OrganisationId, UserId};
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::organisation::OrganisationKind;
use supportweb_domain::severity::standard_sla_plan;
use supportweb_domain::user::{Login, StaffRole, UserKind};
use supportweb_domain::{Actor, Language};

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_else(|| panic!("no day {y}-{m}-{day}"))
}

pub async fn organisation(store: &Store, name: &str) -> OrganisationId {
    store
        .create_organisation(&NewOrganisation {
            name: name.into(),
            kind: OrganisationKind::Customer,
            ico: None,
            dic: None,
            street: "Náměstí Svobody 1".into(),
            city: "Brno".into(),
            postal_code: "602 00".into(),
            email: "podatelna@example.cz".into(),
            phone: "+420 542 000 000".into(),
            is_public_body: true,
            notes: String::new(),
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// An active contract covering the whole of 2020–2099 with the standard SLA plan.
pub async fn contract(
    store: &Store,
    organisation: OrganisationId,
    prepaid: Option<i64>,
) -> ContractId {
    store
        .create_contract(&NewContract {
            number: format!("SML-{}", OrganisationId::generate()),
            organisation_id: organisation,
            term: ContractTerm {
                valid_from: d(2020, 1, 1),
                valid_to: d(2099, 12, 31),
                state: ContractState::Active,
            },
            products: vec![],
            covered_scope: String::new(),
            prepaid_minutes: prepaid,
            sla: standard_sla_plan(),
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

pub async fn staff(store: &Store, login: &str, role: StaffRole) -> Actor {
    let id = account(store, login, UserKind::Staff, vec![role]).await;
    actor(store, id).await
}

pub async fn account(store: &Store, login: &str, kind: UserKind, roles: Vec<StaffRole>) -> UserId {
    store
        .create_user(&NewUser {
            login: Login::parse(login).unwrap_or_else(|e| panic!("{e}")),
            display_name: format!("Uživatel {login}"),
            email: format!("{login}@example.cz"),
            kind,
            roles,
            password_hash: None,
            language: Language::Cs,
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// A customer user of `organisation` with `right` in support documents.
pub async fn customer(
    store: &Store,
    login: &str,
    organisation: OrganisationId,
    right: AgendaRight,
) -> Actor {
    let id = account(store, login, UserKind::Customer, vec![]).await;
    store
        .set_membership(
            id,
            organisation,
            &MembershipRights {
                support_documents: right,
                ..MembershipRights::NONE
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    actor(store, id).await
}

/// A customer user of `organisation` with `rights`.
pub async fn member(
    store: &Store,
    login: &str,
    organisation: OrganisationId,
    rights: MembershipRights,
) -> Actor {
    let id = account(store, login, UserKind::Customer, vec![]).await;
    store
        .set_membership(id, organisation, &rights)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    actor(store, id).await
}

/// An organisation with an active contract covering 2020–2099 (standard SLA, `prepaid`
/// minutes).
pub async fn entitled_organisation(
    store: &Store,
    name: &str,
    prepaid: Option<i64>,
) -> OrganisationId {
    let id = organisation(store, name).await;
    contract(store, id, prepaid).await;
    id
}

pub async fn actor(store: &Store, id: UserId) -> Actor {
    let record = store
        .user(id)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no user {id}"));
    Actor {
        user_id: id,
        kind: record.kind,
        roles: record.roles,
        display_name: record.display_name,
        language: record.language,
        memberships: store
            .memberships_of(id)
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    }
}

/// A product of the catalogue with modules `Podatelna` and `Výpravna` and versions 5.4 and
/// 5.3, created by `actor` (a staff member who maintains the catalogue).
pub async fn product(
    store: &Store,
    actor: &Actor,
    code: &str,
) -> supportweb_domain::ids::ProductId {
    store
        .create_product(
            actor,
            &crate::catalogue::NewProduct {
                code: code.to_owned(),
                name: format!("Produkt {code}"),
                modules: vec!["Podatelna".into(), "Výpravna".into()],
                versions: vec!["5.4".into(), "5.3".into()],
                is_active: true,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// A contract of `organisation` valid from `from` to `to` (both days covered).
pub async fn contract_between(
    store: &Store,
    organisation: OrganisationId,
    from: NaiveDate,
    to: NaiveDate,
) -> ContractId {
    store
        .create_contract(&NewContract {
            number: format!("SML-{}", ContractId::generate()),
            organisation_id: organisation,
            term: ContractTerm {
                valid_from: from,
                valid_to: to,
                state: ContractState::Active,
            },
            products: vec![],
            covered_scope: String::new(),
            prepaid_minutes: None,
            sla: standard_sla_plan(),
        })
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}
