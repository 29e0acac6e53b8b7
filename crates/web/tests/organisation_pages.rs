//! "My organisation" and the support warnings, with another organisation's data planted as a
//! canary that must never reach the customer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::TestApp;
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::contract::ContractState;
use supportweb_domain::ids::OrganisationId;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::{StaffRole, UserKind};
use supportweb_storage::organisations::NewOrganisation;
use supportweb_storage::testing::build;

const CANARY: &str = "KANAR-7731";

async fn organisation(
    app: &TestApp,
    name: &str,
    contract: Option<(&str, i64, i64, ContractState)>,
) -> OrganisationId {
    let store = &app.db.store;
    let id = build::organisation_from(
        store,
        &NewOrganisation {
            street: format!("{name} 1"),
            email: format!("{}@example.cz", name.len()),
            notes: format!("interní poznámka {name}"),
            ..build::new_organisation(name)
        },
    )
    .await;
    if let Some((number, from, to, state)) = contract {
        let today = supportweb_app::today();
        let mut new =
            build::new_contract(id, today + Duration::days(from), today + Duration::days(to));
        new.number = number.into();
        new.term.state = state;
        new.covered_scope = format!("Spisová služba pro {name}");
        new.prepaid_minutes = Some(600);
        build::contract_from(store, &new).await;
    }
    id
}

fn documents_writer() -> MembershipRights {
    MembershipRights {
        support_documents: AgendaRight::Write,
        protocols: AgendaRight::Read,
        may_approve_orders: true,
        ..MembershipRights::NONE
    }
}

#[tokio::test]
async fn a_customer_sees_its_organisation_and_nothing_of_another() {
    let app = TestApp::new().await;
    let own = organisation(
        &app,
        "Statutární město Brno",
        Some(("SP-BRNO-01", -300, 20, ContractState::Active)),
    )
    .await;
    let foreign = organisation(
        &app,
        &format!("Obec {CANARY}"),
        Some((&format!("SP-{CANARY}"), -10, 300, ContractState::Active)),
    )
    .await;

    let clerk = app.user("brno.referent", UserKind::Customer, vec![]).await;
    let colleague = app.user("brno.kolega", UserKind::Customer, vec![]).await;
    let stranger = app
        .user(
            &format!("cizi.{}", CANARY.to_lowercase()),
            UserKind::Customer,
            vec![],
        )
        .await;
    let pm = app
        .user("pm.brno", UserKind::Staff, vec![StaffRole::ProjectManager])
        .await;
    let foreign_pm = app
        .user(
            &format!("pm.{}", CANARY.to_lowercase()),
            UserKind::Staff,
            vec![StaffRole::ProjectManager],
        )
        .await;
    let store = &app.db.store;
    store
        .set_membership(clerk, own, &documents_writer())
        .await
        .unwrap();
    store
        .set_membership(colleague, own, &MembershipRights::NONE)
        .await
        .unwrap();
    store
        .set_membership(stranger, foreign, &documents_writer())
        .await
        .unwrap();
    store.add_to_account_team(own, pm).await.unwrap();
    store
        .add_to_account_team(foreign, foreign_pm)
        .await
        .unwrap();

    let cookie = app.sign_in("brno.referent").await;
    let page = app.get("/organisation", Some(&cookie)).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    for expected in [
        "Statutární město Brno",
        "SP-BRNO-01",
        "Smlouva o poskytování podpory končí",
        "Zbývá 20 dní",
        "Zkušební pm.brno",
        "Zkušební brno.kolega",
        "Support dokumenty",
        "čtení a zápis",
        "schvaluje customizační objednávky",
        "10 hodin",
        "registru smluv",
    ] {
        assert!(text.contains(expected), "{expected:?} missing");
    }
    assert!(
        !text.contains("interní poznámka"),
        "staff notes never reach customers"
    );

    let home = app.get("/", Some(&cookie)).await.text();
    assert!(
        home.contains("id=\"support-notices\"")
            && home.contains("Statutární město Brno: Smlouva o poskytování podpory končí")
    );
    assert!(home.contains("id=\"my-organisation-link\""));

    for path in ["/", "/organisation", "/api/v1/me", "/login", "/neexistuje"] {
        let body = app.get(path, Some(&cookie)).await.text();
        assert!(
            !body.contains(CANARY) && !body.contains(&CANARY.to_lowercase()),
            "{path} leaked the other organisation"
        );
    }
}

#[tokio::test]
async fn without_a_valid_contract_the_customer_is_told_plainly_whom_to_contact() {
    let app = TestApp::new().await;
    let org = organisation(
        &app,
        "Technické služby Kolín s.r.o.",
        Some(("SP-TSK-02", -400, -40, ContractState::Ended)),
    )
    .await;
    let user = app.user("kolin.spravce", UserKind::Customer, vec![]).await;
    let pm = app
        .user("eva.obchod", UserKind::Staff, vec![StaffRole::Consultant])
        .await;
    app.db
        .store
        .set_membership(user, org, &documents_writer())
        .await
        .unwrap();
    app.db.store.add_to_account_team(org, pm).await.unwrap();
    let cookie = app.sign_in("kolin.spravce").await;
    let text = app.get("/organisation", Some(&cookie)).await.text();
    assert!(text.contains("nemá platnou smlouvu o poskytování podpory"));
    assert!(
        text.contains("Zkušební eva.obchod"),
        "names whom to contact"
    );
    assert!(text.contains("ukončená"));
    let home = app.get("/", Some(&cookie)).await.text();
    assert!(home.contains("Technické služby Kolín s.r.o.: bez platné smlouvy"));
}

#[tokio::test]
async fn the_account_team_sees_contracts_ending_within_thirty_days() {
    let app = TestApp::new().await;
    let ending = organisation(
        &app,
        "Obec Končí",
        Some(("SP-K-1", -300, 30, ContractState::Active)),
    )
    .await;
    let later = organisation(
        &app,
        "Obec Později",
        Some(("SP-P-1", -300, 31, ContractState::Active)),
    )
    .await;
    let other_team = organisation(
        &app,
        "Obec Cizí Tým",
        Some(("SP-C-1", -300, 5, ContractState::Active)),
    )
    .await;
    let pm = app
        .user("pm.tym", UserKind::Staff, vec![StaffRole::ProjectManager])
        .await;
    let someone = app
        .user("pm.jiny", UserKind::Staff, vec![StaffRole::ProjectManager])
        .await;
    let store = &app.db.store;
    store.add_to_account_team(ending, pm).await.unwrap();
    store.add_to_account_team(later, pm).await.unwrap();
    store
        .add_to_account_team(other_team, someone)
        .await
        .unwrap();

    let cookie = app.sign_in("pm.tym").await;
    let home = app.get("/", Some(&cookie)).await.text();
    assert!(home.contains("id=\"team-notices\""));
    assert!(home.contains("Obec Končí: Smlouva o poskytování podpory končí"));
    assert!(home.contains("Zbývá 30 dní"));
    assert!(
        !home.contains("Obec Později"),
        "31 days ahead is not yet announced"
    );
    assert!(
        !home.contains("Obec Cizí Tým"),
        "only the user's own account team"
    );
    assert!(
        !home.contains("my-organisation-link"),
        "staff have no 'my organisation'"
    );
    assert_eq!(
        app.get("/organisation", Some(&cookie)).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_partner_sees_each_of_its_organisations_and_english_works() {
    let app = TestApp::new().await;
    let a = organisation(
        &app,
        "Obec Alfa",
        Some(("SP-A", -10, 300, ContractState::Active)),
    )
    .await;
    let b = organisation(&app, "Obec Beta", None).await;
    let partner = app.user("partner.technik", UserKind::Partner, vec![]).await;
    app.db
        .store
        .set_membership(partner, a, &documents_writer())
        .await
        .unwrap();
    app.db
        .store
        .set_membership(partner, b, &MembershipRights::NONE)
        .await
        .unwrap();
    let cookie = app.sign_in("partner.technik").await;
    app.post_form("/language", &[("lang", "en")], Some(&cookie))
        .await;
    let text = app.get("/organisation", Some(&cookie)).await.text();
    assert!(text.contains("Obec Alfa") && text.contains("Obec Beta"));
    assert!(text.contains("Support is active."));
    assert!(text.contains("The organisation has no support contract."));
    assert!(text.contains("read and write") && text.contains("no access"));
    let me = app.get("/api/v1/me", Some(&cookie)).await.json();
    assert_eq!(me["kind"], "partner");
}
