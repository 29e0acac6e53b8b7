//! Organisation administration: validated forms, stale edits refused, history, teams,
//! contracts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::TestApp;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::{StaffRole, UserKind};

const FORM: &[(&str, &str)] = &[
    ("kind", "customer"),
    ("street", "Náměstí 1"),
    ("city", "Lhota"),
    ("postal_code", "261 01"),
    ("email", "podatelna@lhota.example.cz"),
    ("phone", "+420 318 000 000"),
    ("is_public_body", "on"),
];

fn form<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut all: Vec<(&str, &str)> = FORM.to_vec();
    all.extend_from_slice(extra);
    all
}

async fn create(app: &TestApp, cookie: &str, name: &str, ico: &str) -> String {
    let reply = app
        .post_form(
            "/admin/organisations",
            &form(&[("name", name), ("ico", ico)]),
            Some(cookie),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    reply
        .header("location")
        .trim_start_matches("/admin/organisations/")
        .to_owned()
}

fn version_in(page: &str) -> String {
    let at = page.find("name=\"version\" value=\"").unwrap() + 22;
    page[at..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn organisations_are_created_and_edited_with_checked_ico_history_and_conflicts() {
    let app = TestApp::new().await;
    app.user("manazer", UserKind::Staff, vec![StaffRole::ProjectManager])
        .await;
    let pm = app.sign_in("manazer").await;

    let bad = app
        .post_form(
            "/admin/organisations",
            &[
                ("kind", "customer"),
                ("name", ""),
                ("ico", "12345678"),
                ("street", "Náměstí 1"),
                ("city", "Lhota"),
                ("postal_code", "261 01"),
                ("email", "x"),
            ],
            Some(&pm),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = bad.text();
    assert!(
        text.contains("id=\"ico-error\">IČO nemá platnou kontrolní číslici"),
        "{text}"
    );
    assert!(text.contains("id=\"name-error\">Vyplňte toto pole"));
    assert!(text.contains("id=\"email-error\">"));
    assert!(text.contains("value=\"12345678\""), "typed values are kept");
    let list = app.get("/admin/organisations", Some(&pm)).await.text();
    assert!(
        !list.contains("<td><a href=\"/admin/organisations/"),
        "nothing was created"
    );

    let id = create(&app, &pm, "Obec Lhota", "00234567").await;
    let duplicate = app
        .post_form(
            "/admin/organisations",
            &form(&[("name", "Jiná Lhota"), ("ico", "00234567")]),
            Some(&pm),
        )
        .await;
    assert!(
        duplicate
            .text()
            .contains("Organizace s tímto IČO už existuje")
    );

    let path = format!("/admin/organisations/{id}");
    let page = app.get(&path, Some(&pm)).await.text();
    assert!(page.contains("Obec Lhota") && page.contains("Záznam zatím nebyl změněn"));
    let version = version_in(&page);

    let saved = app
        .post_form(
            &path,
            &form(&[
                ("name", "Obec Lhota u Příbramě"),
                ("ico", "00234567"),
                ("notes", "starosta volá ráno"),
                ("version", &version),
            ]),
            Some(&pm),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let page = app.get(&path, Some(&pm)).await.text();
    assert!(
        page.contains("<td>Název</td><td>Obec Lhota</td><td>Obec Lhota u Příbramě</td>"),
        "history shows old → new"
    );
    assert!(page.contains("starosta volá ráno"));

    // A colleague saving the form they opened before that change is refused.
    let stale = app
        .post_form(
            &path,
            &form(&[
                ("name", "Přepsáno"),
                ("ico", "00234567"),
                ("version", &version),
            ]),
            Some(&pm),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(
        stale
            .text()
            .contains("id=\"version-error\">Někdo jiný záznam mezitím upravil")
    );
    assert!(
        stale.text().contains("value=\"Přepsáno\""),
        "their input is kept to redo the change"
    );
    assert!(
        app.get(&path, Some(&pm))
            .await
            .text()
            .contains("<h1>Obec Lhota u Příbramě</h1>")
    );
}

#[tokio::test]
async fn contracts_and_the_account_team_reach_the_customer() {
    let app = TestApp::new().await;
    app.user("manazer", UserKind::Staff, vec![StaffRole::ProjectManager])
        .await;
    let technician = app
        .user("technik", UserKind::Staff, vec![StaffRole::Technician])
        .await;
    let customer = app.user("zakaznice", UserKind::Customer, vec![]).await;
    let pm = app.sign_in("manazer").await;
    let id = create(&app, &pm, "Obec Smluvní", "00006947").await;
    app.db
        .store
        .set_membership(customer, id.parse().unwrap(), &MembershipRights::NONE)
        .await
        .unwrap();
    let path = format!("/admin/organisations/{id}");

    let invalid = app
        .post_form(
            &format!("{path}/contracts"),
            &[
                ("number", ""),
                ("valid_from", "2026-12-31"),
                ("valid_to", "2026-01-01"),
                ("state", "active"),
                ("critical_response", "nic"),
            ],
            Some(&pm),
        )
        .await;
    assert_eq!(invalid.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = invalid.text();
    assert!(text.contains("id=\"number-error\">Vyplňte toto pole"));
    assert!(text.contains("id=\"valid_to-error\">Konec platnosti nesmí předcházet začátku"));
    assert!(text.contains("id=\"critical_response-error\">Zadejte počet hodin"));

    let today = supportweb_app::today();
    let from = (today - chrono::Duration::days(10))
        .format("%Y-%m-%d")
        .to_string();
    let to = (today + chrono::Duration::days(300))
        .format("%Y-%m-%d")
        .to_string();
    let added = app
        .post_form(
            &format!("{path}/contracts"),
            &[
                ("number", "SP-2026-100"),
                ("valid_from", &from),
                ("valid_to", &to),
                ("state", "active"),
                ("covered_scope", "Spisová služba"),
                ("prepaid_hours", "12,5"),
                ("critical_response", "1,5"),
                ("critical_resolution", "8"),
                ("high_response", "4"),
                ("high_resolution", "24"),
                ("medium_response", "8"),
                ("medium_resolution", "80"),
                ("low_response", "16"),
                ("low_resolution", "160"),
            ],
            Some(&pm),
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
    let staff_actor = supportweb_domain::Actor {
        user_id: technician,
        kind: UserKind::Staff,
        roles: vec![StaffRole::Technician],
        display_name: String::new(),
        language: supportweb_domain::Language::Cs,
        memberships: vec![],
    };
    let stored = app
        .db
        .store
        .contracts(&staff_actor, id.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(stored[0].prepaid_minutes, Some(750));
    assert_eq!(
        stored[0].sla[0].response_minutes, 90,
        "1,5 h of business time"
    );

    let team = app
        .post_form(
            &format!("{path}/team"),
            &[("user", &technician.to_string())],
            Some(&pm),
        )
        .await;
    assert_eq!(team.status, StatusCode::SEE_OTHER);
    let forged = app
        .post_form(
            &format!("{path}/team"),
            &[("user", &customer.to_string())],
            Some(&pm),
        )
        .await;
    assert_eq!(
        forged.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a customer cannot join the vendor's team"
    );

    let cookie = app.sign_in("zakaznice").await;
    let mine = app.get("/organisation", Some(&cookie)).await.text();
    assert!(
        mine.contains("SP-2026-100")
            && mine.contains("Zkušební technik")
            && mine.contains("12 hodin")
    );

    app.post_form(
        &format!("{path}/team"),
        &[("user", &technician.to_string()), ("remove", "1")],
        Some(&pm),
    )
    .await;
    assert!(
        !app.get("/organisation", Some(&cookie))
            .await
            .text()
            .contains("Zkušební technik")
    );
}

#[tokio::test]
async fn technicians_read_organisations_but_do_not_change_them() {
    let app = TestApp::new().await;
    app.user("manazer", UserKind::Staff, vec![StaffRole::ProjectManager])
        .await;
    app.user("technik", UserKind::Staff, vec![StaffRole::Technician])
        .await;
    let pm = app.sign_in("manazer").await;
    let id = create(&app, &pm, "Obec Čtená", "").await;
    let technician = app.sign_in("technik").await;
    let page = app
        .get(&format!("/admin/organisations/{id}"), Some(&technician))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text().contains("save-organisation") && !page.text().contains("create-contract"));
    let attempt = app
        .post_form(
            &format!("/admin/organisations/{id}"),
            &form(&[("name", "Změna"), ("version", "1")]),
            Some(&technician),
        )
        .await;
    assert_eq!(attempt.status, StatusCode::NOT_FOUND);
    assert!(
        app.get(&format!("/admin/organisations/{id}"), Some(&pm))
            .await
            .text()
            .contains("<h1>Obec Čtená</h1>")
    );
}
