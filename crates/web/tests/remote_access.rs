//! Remote-access secrets: encrypted at rest, revealed only to staff with the permission and
//! audited; a canary secret never appears in anything else anyone can fetch.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{Reply, TestApp};
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::{StaffRole, UserKind};
use supportweb_storage::testing::build;

const CANARY: &str = "KANARI-TAJNE-HESLO-4411";

async fn organisation(app: &TestApp, name: &str) -> String {
    build::organisation(&app.db.store, name).await.to_string()
}

fn writer() -> MembershipRights {
    MembershipRights {
        support_documents: AgendaRight::Write,
        ..MembershipRights::NONE
    }
}

/// The id of the first entry offered in the page's "replace" select.
fn first_entry(page: &str) -> String {
    let select = page.find("id=\"remote-entry\"").expect("the entry form");
    page[select..]
        .split("<option value=\"")
        .nth(2)
        .expect("an existing entry")
        .split('"')
        .next()
        .unwrap()
        .to_owned()
}

fn assert_no_canary(reply: &Reply, what: &str) {
    assert!(
        !reply.text().contains(CANARY),
        "the secret leaked into {what}"
    );
}

#[tokio::test]
async fn a_customer_stores_a_secret_that_only_authorised_staff_can_reveal() {
    let app = TestApp::new().await;
    let org = organisation(&app, "Obec Tajná").await;
    let customer = app.user("spravce.it", UserKind::Customer, vec![]).await;
    let reader = app.user("jen.cte", UserKind::Customer, vec![]).await;
    app.db
        .store
        .set_membership(customer, org.parse().unwrap(), &writer())
        .await
        .unwrap();
    app.db
        .store
        .set_membership(
            reader,
            org.parse().unwrap(),
            &MembershipRights {
                support_documents: AgendaRight::Read,
                ..MembershipRights::NONE
            },
        )
        .await
        .unwrap();
    app.user("technik", UserKind::Staff, vec![StaffRole::Technician])
        .await;
    app.user("manazer", UserKind::Staff, vec![StaffRole::ProjectManager])
        .await;
    app.user("spravce", UserKind::Staff, vec![StaffRole::Administrator])
        .await;
    let it = app.sign_in("spravce.it").await;

    let saved = app
        .post_form(
            &format!("/organisation/{org}/remote-access"),
            &[
                ("method", "vpn"),
                ("host", "vpn.obec-tajna.cz"),
                ("account", "dodavatel"),
                ("secret", CANARY),
                ("instructions", "Klient FortiClient"),
            ],
            Some(&it),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let mine = app.get("/organisation", Some(&it)).await;
    assert!(
        mine.text().contains("vpn.obec-tajna.cz") && mine.text().contains("uloženo (šifrovaně)")
    );
    assert_no_canary(&mine, "the customer's own page");

    // Replacing the entry without a new secret keeps it.
    let entry = first_entry(&mine.text());
    let replaced = app
        .post_form(
            &format!("/organisation/{org}/remote-access"),
            &[
                ("entry", &entry),
                ("method", "vpn"),
                ("host", "vpn2.obec-tajna.cz"),
                ("secret", ""),
            ],
            Some(&it),
        )
        .await;
    assert_eq!(replaced.status, StatusCode::SEE_OTHER);

    let reader_cookie = app.sign_in("jen.cte").await;
    let reader_page = app.get("/organisation", Some(&reader_cookie)).await;
    assert!(
        !reader_page.text().contains("vpn2.obec-tajna.cz"),
        "without the write right the section is hidden"
    );
    let refused = app
        .post_form(
            &format!("/organisation/{org}/remote-access"),
            &[("method", "ssh"), ("host", "x")],
            Some(&reader_cookie),
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);

    let pm = app.sign_in("manazer").await;
    let pm_page = app
        .get(&format!("/admin/organisations/{org}"), Some(&pm))
        .await;
    assert!(
        pm_page.text().contains("vpn2.obec-tajna.cz")
            && !pm_page.text().contains("class=\"reveal\"")
    );
    assert_no_canary(&pm_page, "a project manager's page");
    let pm_reveal = app
        .post_form(
            &format!("/admin/organisations/{org}/remote-access/{entry}/reveal"),
            &[],
            Some(&pm),
        )
        .await;
    assert_eq!(pm_reveal.status, StatusCode::NOT_FOUND);
    assert_no_canary(&pm_reveal, "a refused reveal");

    let technician = app.sign_in("technik").await;
    let page = app
        .get(&format!("/admin/organisations/{org}"), Some(&technician))
        .await;
    assert!(page.text().contains("class=\"reveal\""));
    assert_no_canary(&page, "the organisation page before revealing");
    let revealed = app
        .post_form(
            &format!("/admin/organisations/{org}/remote-access/{entry}/reveal"),
            &[],
            Some(&technician),
        )
        .await;
    assert_eq!(revealed.status, StatusCode::OK);
    assert!(
        revealed.text().contains(&format!("value=\"{CANARY}\"")),
        "the replacement kept the secret"
    );
    assert_eq!(revealed.header("cache-control"), "no-store");

    let admin = app.sign_in("spravce").await;
    let audit = app
        .get("/admin/audit?event=secret_revealed", Some(&admin))
        .await
        .text();
    assert!(audit.contains("Zkušební technik") && audit.contains("vpn2.obec-tajna.cz"));
    assert!(!audit.contains(CANARY));
    let changes = app
        .get("/admin/audit?event=remote_access_changed", Some(&admin))
        .await
        .text();
    assert!(changes.contains("Zkušební spravce.it"));

    for (cookie, path) in [
        (&it, "/"),
        (&it, "/api/v1/me"),
        (&it, "/organisation"),
        (&reader_cookie, "/organisation"),
        (&pm, "/admin/audit"),
        (&admin, "/admin/audit"),
        (&admin, &format!("/admin/organisations/{org}") as &str),
    ] {
        assert_no_canary(&app.get(path, Some(cookie)).await, path);
    }
}

#[tokio::test]
async fn another_organisations_entries_answer_like_missing_ones() {
    let app = TestApp::new().await;
    let own = organisation(&app, "Obec Vlastní").await;
    let foreign = organisation(&app, "Obec Cizí").await;
    let customer = app.user("zakaznik", UserKind::Customer, vec![]).await;
    app.db
        .store
        .set_membership(customer, own.parse().unwrap(), &writer())
        .await
        .unwrap();
    let cookie = app.sign_in("zakaznik").await;
    let missing = uuid::Uuid::now_v7();
    let form = [
        ("method", "rdp"),
        ("host", "pc.example.cz"),
        ("secret", "x-heslo"),
    ];
    let at_foreign = app
        .post_form(
            &format!("/organisation/{foreign}/remote-access"),
            &form,
            Some(&cookie),
        )
        .await;
    let at_missing = app
        .post_form(
            &format!("/organisation/{missing}/remote-access"),
            &form,
            Some(&cookie),
        )
        .await;
    assert_eq!(at_foreign.status, StatusCode::NOT_FOUND);
    let normalise = |reply: &Reply, id: &str| {
        reply
            .text()
            .replace(&reply.header("x-request-id"), "")
            .replace(id, "ID")
    };
    assert_eq!(
        normalise(&at_foreign, &foreign),
        normalise(&at_missing, &missing.to_string())
    );

    // An entry id of another organisation, smuggled into a write, changes nothing.
    app.user("spravce", UserKind::Staff, vec![StaffRole::Administrator])
        .await;
    let admin = app.sign_in("spravce").await;
    app.post_form(
        &format!("/admin/organisations/{foreign}/remote-access"),
        &[("method", "ssh"), ("host", "cizi.example.cz")],
        Some(&admin),
    )
    .await;
    let page = app
        .get(&format!("/admin/organisations/{foreign}"), Some(&admin))
        .await
        .text();
    let entry = first_entry(&page);
    let smuggled = app
        .post_form(
            &format!("/organisation/{own}/remote-access"),
            &[
                ("entry", &entry),
                ("method", "ssh"),
                ("host", "prepsano.example.cz"),
            ],
            Some(&cookie),
        )
        .await;
    assert_eq!(smuggled.status, StatusCode::NOT_FOUND);
    assert!(
        app.get(&format!("/admin/organisations/{foreign}"), Some(&admin))
            .await
            .text()
            .contains("cizi.example.cz")
    );
}
