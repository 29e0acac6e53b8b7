//! Builders shared by every crate's tests: organisations, contracts, accounts of each kind,
//! the acting users behind them, products, and support documents in a given state. Each
//! panics on failure (a test set-up that fails is a failed test). A `new_*` function gives a
//! typical value to adjust with struct update syntax; the `*_from` function creates it.

use crate::Store;
use crate::contracts::NewContract;
use crate::organisations::NewOrganisation;
use crate::support_documents::{DocumentRecord, NewDocument};
use crate::users::NewUser;
use chrono::NaiveDate;
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::calendar::BusinessHours;
use supportweb_domain::contract::{ContractState, ContractTerm};
use supportweb_domain::ids::{ContractId, OrganisationId, UserId};
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::organisation::OrganisationKind;
use supportweb_domain::severity::{Severity, standard_sla_plan};
use supportweb_domain::support_document::{Category, DocumentState, Transition};
use supportweb_domain::user::{Login, StaffRole, UserKind};
use supportweb_domain::{Actor, Language};

pub fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or_else(|| panic!("no day {y}-{m}-{day}"))
}

/// A customer organisation (a public body in Brno) named `name`, to adjust with struct
/// update syntax before creating it.
pub fn new_organisation(name: &str) -> NewOrganisation {
    NewOrganisation {
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
    }
}

/// Creates `new`.
pub async fn organisation_from(store: &Store, new: &NewOrganisation) -> OrganisationId {
    store
        .create_organisation(new)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// A customer organisation named `name`.
pub async fn organisation(store: &Store, name: &str) -> OrganisationId {
    organisation_from(store, &new_organisation(name)).await
}

/// An active contract of `organisation` from `from` to `to` (both days covered) with the
/// standard SLA plan and no products, to adjust before creating it.
pub fn new_contract(organisation: OrganisationId, from: NaiveDate, to: NaiveDate) -> NewContract {
    NewContract {
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
    }
}

/// Creates `new`.
pub async fn contract_from(store: &Store, new: &NewContract) -> ContractId {
    store
        .create_contract(new)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// An active contract covering the whole of 2020–2099 with the standard SLA plan.
pub async fn contract(
    store: &Store,
    organisation: OrganisationId,
    prepaid: Option<i64>,
) -> ContractId {
    contract_from(
        store,
        &NewContract {
            prepaid_minutes: prepaid,
            ..new_contract(organisation, d(2020, 1, 1), d(2099, 12, 31))
        },
    )
    .await
}

pub async fn staff(store: &Store, login: &str, role: StaffRole) -> Actor {
    let id = account(store, login, UserKind::Staff, vec![role]).await;
    actor(store, id).await
}

/// An account without a password (as staff create it), to adjust before creating it.
pub fn new_user(login: &str, kind: UserKind, roles: Vec<StaffRole>) -> NewUser {
    NewUser {
        login: Login::parse(login).unwrap_or_else(|e| panic!("{e}")),
        display_name: format!("Uživatel {login}"),
        email: format!("{login}@example.cz"),
        kind,
        roles,
        password_hash: None,
        language: Language::Cs,
    }
}

/// Creates `new`.
pub async fn account_from(store: &Store, new: &NewUser) -> UserId {
    store
        .create_user(new)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

pub async fn account(store: &Store, login: &str, kind: UserKind, roles: Vec<StaffRole>) -> UserId {
    account_from(store, &new_user(login, kind, roles)).await
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
    contract_from(store, &new_contract(organisation, from, to)).await
}

/// A support document of `organisation` about `subject`: an error of high severity in the
/// Podatelna module, to adjust before opening it.
pub fn new_document(organisation: OrganisationId, subject: &str) -> NewDocument {
    NewDocument {
        organisation_id: organisation,
        contact: "Jana Malá, 604 111 222".into(),
        category: Category::Error,
        severity: Severity::High,
        product_id: None,
        module: "Podatelna".into(),
        product_version: "5.2.3".into(),
        subject: subject.into(),
        description: "Při evidenci **doručené** pošty padá formulář.".into(),
        files: vec![],
        reporter_id: None,
    }
}

/// The steps that take a new support document to `state`: staff's (accept, start, ask, resolve,
/// close) or, for a cancelled one, the reporter's.
fn steps_to(state: DocumentState) -> &'static [Transition] {
    use Transition::{Accept, AskCustomer, Cancel, Close, Resolve, Start};
    match state {
        DocumentState::New => &[],
        DocumentState::Accepted => &[Accept],
        DocumentState::InProgress => &[Accept, Start],
        DocumentState::WaitingForCustomer => &[Accept, Start, AskCustomer],
        DocumentState::Resolved => &[Accept, Start, Resolve],
        DocumentState::Closed => &[Accept, Start, Resolve, Close],
        DocumentState::Cancelled => &[Cancel],
    }
}

/// A support document about `subject` opened today by `reporter` (a customer user with the
/// write right, or staff) for its entitled `organisation`, and taken by `staff` through the
/// workflow to `state` (a cancelled one is withdrawn by the reporter).
pub async fn document_in(
    store: &Store,
    reporter: &Actor,
    staff: &Actor,
    organisation: OrganisationId,
    subject: &str,
    state: DocumentState,
) -> DocumentRecord {
    let hours = BusinessHours::default();
    let today = supportweb_domain::calendar::prague_time(chrono::Utc::now()).date();
    let mut document = store
        .create_document(
            reporter,
            &new_document(organisation, subject),
            &hours,
            today,
        )
        .await
        .unwrap_or_else(|e| panic!("open {subject}: {e:?}"));
    for step in steps_to(state) {
        let actor = if *step == Transition::Cancel {
            reporter
        } else {
            staff
        };
        store
            .transition_document(actor, document.id, *step, document.version, &hours, 30)
            .await
            .unwrap_or_else(|e| panic!("{step:?} {subject}: {e:?}"));
        document = store
            .document(actor, document.id)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(document.state, state, "{subject}");
    document
}
