//! Procedures end to end, in the pages and the API: staff write one with a file and product
//! tags (field errors keep what was typed), save a new revision and compare it with the one
//! before; customers find it by searching without diacritics; a staff-only procedure and one
//! chosen for another organisation never reach a customer (pages, search, CSV, files, API).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{TestApp, api_call, api_token, multipart_form, organisation};
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::ids::OrganisationId;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::{StaffRole, UserKind};

async fn member(app: &TestApp, login: &str, organisation: OrganisationId) -> String {
    let id = app.user(login, UserKind::Customer, vec![]).await;
    app.db
        .store
        .set_membership(
            id,
            organisation,
            &MembershipRights {
                podpora: AgendaRight::Read,
                ..MembershipRights::NONE
            },
        )
        .await
        .unwrap();
    app.sign_in(login).await
}

fn value_of(page: &str, marker: &str) -> String {
    page.split(marker)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("{marker} not in page"))
        .to_owned()
}

async fn write(
    app: &TestApp,
    staff: &str,
    fields: &[(&str, &str)],
    file: Option<(&str, &[u8])>,
) -> String {
    let files: Vec<(&str, &str, &[u8])> = file.map(|(n, c)| ("files", n, c)).into_iter().collect();
    let reply = app
        .post_multipart("/podpora/procedures", multipart_form(fields, &files), staff)
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    reply.header("location")
}

#[tokio::test]
async fn procedures_reach_only_those_they_are_for_and_keep_their_revisions() {
    procedures_and_revisions(TestApp::new().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn procedures_reach_only_those_they_are_for_and_keep_their_revisions_on_postgres() {
    if let Some(db) = supportweb_storage::testing::postgres().await {
        procedures_and_revisions(TestApp::on(db).await).await;
    }
}

async fn procedures_and_revisions(app: TestApp) {
    let lhota = organisation(&app, "Obec Lhota", true).await;
    let brno = organisation(&app, "Město Brno", true).await;
    app.user("konzultant", UserKind::Staff, vec![StaffRole::Consultant])
        .await;
    let staff = app.sign_in("konzultant").await;
    let customer = member(&app, "starosta", lhota).await;
    let brno_user = member(&app, "brno.it", brno).await;

    // Field errors next to their fields; the upload is kept; nothing written.
    let refused = app
        .post_multipart(
            "/podpora/procedures",
            multipart_form(
                &[("title", ""), ("body", "Text"), ("visibility", "chosen")],
                &[("files", "navod.pdf", b"%PDF-1.4")],
            ),
            &staff,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text();
    assert!(text.contains("id=\"title-error\"") && text.contains("id=\"organisations-error\""));
    assert!(text.contains("name=\"file_id\""));
    assert!(
        app.get("/podpora/procedures", Some(&staff))
            .await
            .text()
            .contains("id=\"no-procedures\"")
    );

    let public = write(
        &app,
        &staff,
        &[
            ("title", "Nastavení skartačního řízení"),
            ("body", "## Postup\n\n1. Otevřete **Spisovnu**.\n2. Zvolte skartační návrh.<script>alert(1)</script>"),
            ("visibility", "all"),
        ],
        Some(("skartace.pdf", b"%PDF-1.4 skartace")),
    )
    .await;
    write(
        &app,
        &staff,
        &[
            ("title", "KANÁREK-INTERNÍ know-how"),
            ("body", "Interní."),
            ("visibility", "staff"),
        ],
        None,
    )
    .await;
    let brno_id = brno.to_string();
    let for_brno = write(
        &app,
        &staff,
        &[
            ("title", "KANÁREK-BRNO postup"),
            ("body", "Jen pro Brno."),
            ("visibility", "chosen"),
            ("organisations", &brno_id),
        ],
        Some(("brno.pdf", b"brno")),
    )
    .await;

    // The customer finds the public one by searching without diacritics, and reads it.
    let found = app
        .get(
            "/podpora/procedures?q=SKARTACNIHO%20rizeni",
            Some(&customer),
        )
        .await
        .text();
    assert!(found.contains("Nastavení skartačního řízení"));
    let page = app.get(&public, Some(&customer)).await.text();
    assert!(page.contains("<strong>Spisovnu</strong>"));
    assert!(!page.contains("<script>alert"));
    let file = value_of(&page, &format!("href=\"{public}/files/"));
    let download = app
        .get(&format!("{public}/files/{file}"), Some(&customer))
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.bytes, b"%PDF-1.4 skartace");
    assert!(found.contains("id=\"tab-procedures\""));

    // Canaries: staff-only and Brno's never reach Lhota's user.
    for target in [
        "/podpora/procedures".to_owned(),
        "/podpora/procedures?q=kanarek".to_owned(),
        "/podpora/procedures/export.csv".to_owned(),
    ] {
        let reply = app.get(&target, Some(&customer)).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert!(!reply.text().contains("KANÁREK"), "{target}");
    }
    let brno_page = app.get(&for_brno, Some(&brno_user)).await.text();
    assert!(brno_page.contains("KANÁREK-BRNO"));
    let brno_file = value_of(&brno_page, &format!("href=\"{for_brno}/files/"));
    assert_eq!(
        app.get(&for_brno, Some(&customer)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("{for_brno}/files/{brno_file}"), Some(&customer))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("{public}/files/{brno_file}"), Some(&customer))
            .await
            .status,
        StatusCode::NOT_FOUND,
        "not through another procedure"
    );
    assert_eq!(
        app.get(&format!("{for_brno}/revisions/1"), Some(&customer))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert!(
        app.get("/podpora/procedures?q=kanarek", Some(&brno_user))
            .await
            .text()
            .contains("KANÁREK-BRNO")
    );

    // A new revision; the old one stays readable and the change is shown line by line.
    let edit = app
        .get(&format!("{public}/edit"), Some(&staff))
        .await
        .text();
    let version = value_of(&edit, "name=\"version\" value=\"");
    let fields = [
        ("version", version.as_str()),
        ("title", "Nastavení skartačního řízení"),
        (
            "body",
            "## Postup\n\n1. Otevřete **Spisovnu**.\n2. Zkontrolujte skartační znaky.\n3. Zvolte skartační návrh.",
        ),
        ("visibility", "all"),
        ("keep_file", file.as_str()),
    ];
    let saved = app
        .post_multipart(&public, multipart_form(&fields, &[]), &staff)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let stale = app
        .post_multipart(&public, multipart_form(&fields, &[]), &staff)
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(
        stale.text().contains("Zkontrolujte skartační znaky"),
        "typed text is kept"
    );
    let page = app.get(&public, Some(&customer)).await.text();
    assert!(page.contains("Zkontrolujte skartační znaky"));
    assert!(page.contains("id=\"revision-1\"") && page.contains("id=\"revision-2\""));
    let first = app
        .get(&format!("{public}/revisions/1"), Some(&customer))
        .await
        .text();
    assert!(!first.contains("Zkontrolujte"), "revision 1 as it was");
    let second = app
        .get(&format!("{public}/revisions/2"), Some(&customer))
        .await
        .text();
    assert!(
        second.contains("<span class=\"line-added\">+ 2. Zkontrolujte skartační znaky.</span>"),
        "{second}"
    );
    assert!(second.contains("<span class=\"line-removed\">− 2. Zvolte skartační návrh.&#60;script&#62;alert(1)&#60;/script&#62;</span>"), "escaped: {second}");
}

#[tokio::test]
async fn the_api_writes_revisions_and_keeps_the_same_visibility() {
    let app = TestApp::new().await;
    let lhota = organisation(&app, "Obec Lhota", true).await;
    let brno = organisation(&app, "Město Brno", true).await;
    app.user("vyvojar", UserKind::Staff, vec![StaffRole::Developer])
        .await;
    let staff = api_token(&app, "vyvojar").await;
    member(&app, "starosta", lhota).await;
    let customer = api_token(&app, "starosta").await;
    let created = api_call(
        &app,
        "POST",
        "/api/v1/procedures",
        &staff,
        Some(serde_json::json!({
            "title": "Obnova ze zálohy", "body": "Postup obnovy.", "visibility": "all"
        })),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let id = created.json()["id"].as_str().unwrap().to_owned();
    let canary = api_call(
        &app,
        "POST",
        "/api/v1/procedures",
        &staff,
        Some(serde_json::json!({
            "title": "KANÁREK", "body": "x", "visibility": "chosen", "organisation_ids": [brno.0]
        })),
    )
    .await
    .json();
    let bad = api_call(
        &app,
        "POST",
        "/api/v1/procedures",
        &staff,
        Some(serde_json::json!({
            "title": "", "body": "x", "visibility": "chosen"
        })),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problem = bad.json();
    let codes: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap())
        .collect();
    assert!(
        codes.contains(&"procedure-error-title") && codes.contains(&"patch-error-organisations"),
        "{codes:?}"
    );
    let revised = api_call(&app, "PUT", &format!("/api/v1/procedures/{id}"), &staff, Some(serde_json::json!({
        "title": "Obnova ze zálohy", "body": "Postup obnovy, doplněný.", "visibility": "all", "version": 1
    }))).await;
    assert_eq!(revised.status, StatusCode::OK, "{}", revised.text());
    assert_eq!(revised.json()["revision"], 2);
    let stale = api_call(
        &app,
        "PUT",
        &format!("/api/v1/procedures/{id}"),
        &staff,
        Some(serde_json::json!({
            "title": "x", "body": "y", "visibility": "all", "version": 1
        })),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let detail = api_call(
        &app,
        "GET",
        &format!("/api/v1/procedures/{id}"),
        &customer,
        None,
    )
    .await
    .json();
    assert_eq!(detail["revisions"].as_array().unwrap().len(), 2);
    assert_eq!(detail["revisions"][1]["body"], "Postup obnovy.");
    let list = api_call(&app, "GET", "/api/v1/procedures?q=OBNOVA", &customer, None).await;
    assert_eq!(list.json()["items"].as_array().unwrap().len(), 1);
    assert!(
        !api_call(&app, "GET", "/api/v1/procedures", &customer, None)
            .await
            .text()
            .contains("KANÁREK")
    );
    let foreign = api_call(
        &app,
        "GET",
        &format!("/api/v1/procedures/{}", canary["id"].as_str().unwrap()),
        &customer,
        None,
    )
    .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert!(!foreign.text().contains("KANÁREK"));
}
