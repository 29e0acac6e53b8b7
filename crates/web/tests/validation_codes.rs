//! Validation codes end to end, in the pages and the API: staff issue a code (field errors
//! keep what was typed), only the organisation's users with the codes flag see it, the code
//! shows only on an audited reveal, organisation B's canary never reaches A (pages, CSV, API),
//! a CSV import with one bad row imports nothing and says which rows are wrong, codes ending
//! within 30 days are flagged.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{TestApp, api_call, api_token, organisation};
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::audit::AuditEvent;
use supportweb_domain::ids::{OrganisationId, ProductId};
use supportweb_domain::membership::MembershipRights;

use supportweb_domain::user::{StaffRole, UserKind};
use supportweb_storage::audit::AuditFilter;
use supportweb_storage::catalogue::NewProduct;
use supportweb_storage::organisations::NewOrganisation;
use supportweb_storage::testing::build;

async fn product(app: &TestApp) -> ProductId {
    let admin = app
        .user(
            "spravce.katalogu",
            UserKind::Staff,
            vec![StaffRole::Administrator],
        )
        .await;
    let store = &app.db.store;
    let actor = store
        .actor_for(&store.user(admin).await.unwrap().unwrap())
        .await
        .unwrap();
    store
        .create_product(
            &actor,
            &NewProduct {
                code: "SPIS".into(),
                name: "Spisová služba".into(),
                modules: vec!["Podatelna".into()],
                versions: vec!["5.4".into()],
                is_active: true,
            },
        )
        .await
        .unwrap()
}

async fn with_ico(app: &TestApp, name: &str, ico: &str) -> OrganisationId {
    build::organisation_from(
        &app.db.store,
        &NewOrganisation {
            ico: Some(supportweb_domain::organisation::Ico::parse(ico).unwrap()),
            ..build::new_organisation(name)
        },
    )
    .await
}

async fn member(app: &TestApp, login: &str, organisation: OrganisationId, codes: bool) -> String {
    let id = app.user(login, UserKind::Customer, vec![]).await;
    app.db
        .store
        .set_membership(
            id,
            organisation,
            &MembershipRights {
                podpora: AgendaRight::Read,
                may_see_validation_codes: codes,
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

async fn issue(
    app: &TestApp,
    staff: &str,
    organisation: OrganisationId,
    product: ProductId,
    code: &str,
    to: &str,
    note: &str,
) -> String {
    let reply = app
        .post_form(
            "/podpora/codes",
            &[
                ("organisation", &organisation.to_string()),
                ("product", &product.to_string()),
                ("module", "Podatelna"),
                ("code", code),
                ("valid_from", "2026-01-01"),
                ("valid_to", to),
                ("note", note),
            ],
            Some(staff),
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    reply.header("location")
}

async fn reveals(app: &TestApp) -> Vec<(String, Option<String>)> {
    app.db
        .store
        .audit_page(
            &AuditFilter {
                event: Some(AuditEvent::ValidationCodeRevealed),
                ..AuditFilter::default()
            },
            None,
            100,
        )
        .await
        .unwrap()
        .into_iter()
        .map(|a| (a.actor_name.unwrap_or_default(), a.organisation_name))
        .collect()
}

#[tokio::test]
async fn only_flagged_users_see_their_codes_and_every_reveal_is_audited() {
    codes_and_reveals(TestApp::new().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_flagged_users_see_their_codes_and_every_reveal_is_audited_on_postgres() {
    if let Some(db) = supportweb_storage::testing::postgres().await {
        codes_and_reveals(TestApp::on(db).await).await;
    }
}

async fn codes_and_reveals(app: TestApp) {
    let product = product(&app).await;
    let lhota = with_ico(&app, "Obec Lhota", "00234567").await;
    let brno = organisation(&app, "Město Brno", true).await;
    app.user("technik", UserKind::Staff, vec![StaffRole::Technician])
        .await;
    let staff = app.sign_in("technik").await;
    let flagged = member(&app, "starosta", lhota, true).await;
    let unflagged = member(&app, "referent", lhota, false).await;
    let brno_user = member(&app, "brno.it", brno, true).await;

    // Field errors next to their fields, nothing issued.
    let refused = app
        .post_form(
            "/podpora/codes",
            &[
                ("organisation", &lhota.to_string()),
                ("product", &product.to_string()),
                ("code", ""),
                ("valid_from", "2026-02-01"),
                ("valid_to", "2026-01-01"),
                ("note", "licence pro podatelnu"),
            ],
            Some(&staff),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text();
    assert!(text.contains("id=\"code-error\""));
    assert!(text.contains("id=\"valid_to-error\""));
    assert!(
        text.contains("licence pro podatelnu"),
        "typed values are kept"
    );
    assert!(
        app.get("/podpora/codes", Some(&staff))
            .await
            .text()
            .contains("id=\"no-codes\"")
    );

    let today = supportweb_app::today();
    let soon = (today + chrono::Duration::days(10)).to_string();
    let path = issue(
        &app,
        &staff,
        lhota,
        product,
        "LHOTA-1234-ABCD",
        &soon,
        "5 míst",
    )
    .await;
    let canary = issue(
        &app,
        &staff,
        brno,
        product,
        "KANAREK-BRNO-9999",
        "",
        "KANÁREK-B poznámka",
    )
    .await;

    // The flagged user sees the code's record, the code only after a reveal.
    let list = app.get("/podpora/codes", Some(&flagged)).await.text();
    assert!(list.contains("5 míst"));
    assert!(
        list.contains("končí za 10 dní"),
        "ending within 30 days is flagged"
    );
    assert!(
        !list.contains("LHOTA-1234-ABCD"),
        "lists never carry the code"
    );
    let page = app.get(&path, Some(&flagged)).await.text();
    assert!(!page.contains("LHOTA-1234-ABCD"));
    assert!(reveals(&app).await.is_empty());
    let revealed = app
        .post_form(&format!("{path}/reveal"), &[], Some(&flagged))
        .await;
    assert_eq!(revealed.status, StatusCode::OK);
    assert_eq!(
        value_of(&revealed.text(), "id=\"revealed-code\" readonly value=\""),
        "LHOTA-1234-ABCD"
    );
    assert_eq!(
        reveals(&app).await,
        [(
            "Zkušební starosta".to_owned(),
            Some("Obec Lhota".to_owned())
        )]
    );

    // Without the flag: no tab, no list, no code.
    assert!(
        !app.get("/podpora/patches", Some(&unflagged))
            .await
            .text()
            .contains("id=\"tab-codes\"")
    );
    assert!(
        app.get("/podpora/patches", Some(&flagged))
            .await
            .text()
            .contains("id=\"tab-codes\"")
    );
    for target in ["/podpora/codes".to_owned(), path.clone()] {
        assert_eq!(
            app.get(&target, Some(&unflagged)).await.status,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(
        app.post_form(&format!("{path}/reveal"), &[], Some(&unflagged))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Brno's canary never reaches Lhota's user.
    let missing_path = format!("/podpora/codes/{}", uuid::Uuid::now_v7());
    for target in [
        "/podpora/codes".to_owned(),
        "/podpora/codes/export.csv".to_owned(),
        format!("/podpora/codes?organisation={brno}"),
    ] {
        let reply = app.get(&target, Some(&flagged)).await;
        assert_eq!(reply.status, StatusCode::OK, "{target}");
        assert!(!reply.text().contains("KANÁREK"), "{target}");
    }
    let foreign = app.get(&canary, Some(&flagged)).await;
    let missing = app.get(&missing_path, Some(&flagged)).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(
        foreign
            .text()
            .replace(&foreign.header("x-request-id"), "")
            .replace(&canary, "/x"),
        missing
            .text()
            .replace(&missing.header("x-request-id"), "")
            .replace(&missing_path, "/x"),
    );
    let foreign_reveal = app
        .post_form(&format!("{canary}/reveal"), &[], Some(&flagged))
        .await;
    assert_eq!(foreign_reveal.status, StatusCode::NOT_FOUND);
    assert!(!foreign_reveal.text().contains("KANAREK"));
    assert_eq!(
        reveals(&app).await.len(),
        1,
        "a refused reveal is no reveal"
    );
    assert!(
        app.get("/podpora/codes", Some(&brno_user))
            .await
            .text()
            .contains("KANÁREK-B")
    );
    let csv = app
        .get("/podpora/codes/export.csv", Some(&staff))
        .await
        .text();
    assert!(csv.contains("KANÁREK-B poznámka") && csv.contains("5 míst"));
    assert!(
        !csv.contains("LHOTA-1234") && !csv.contains("KANAREK-BRNO"),
        "exports never carry codes"
    );

    // Staff change the validity; an edit from a stale form is refused.
    let staff_page = app.get(&path, Some(&staff)).await.text();
    let version = value_of(&staff_page, "name=\"version\" value=\"");
    let fields = |to: &'static str| {
        vec![
            ("version", version.clone()),
            ("organisation", lhota.to_string()),
            ("product", product.to_string()),
            ("module", "Podatelna".to_owned()),
            ("code", String::new()),
            ("valid_from", "2026-01-01".to_owned()),
            ("valid_to", to.to_owned()),
            ("note", "5 míst".to_owned()),
        ]
    };
    let borrowed = |f: &Vec<(&'static str, String)>| {
        f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>()
    };
    let first = borrowed(&fields("2027-12-31"));
    let first: Vec<(&str, &str)> = first.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        app.post_form(&path, &first, Some(&staff)).await.status,
        StatusCode::SEE_OTHER
    );
    let stale = borrowed(&fields("2028-12-31"));
    let stale: Vec<(&str, &str)> = stale.iter().map(|(k, v)| (*k, v.as_str())).collect();
    assert_eq!(
        app.post_form(&path, &stale, Some(&staff)).await.status,
        StatusCode::CONFLICT
    );
    let history = app.get(&path, Some(&staff)).await.text();
    assert!(
        history
            .split("id=\"history\"")
            .nth(1)
            .unwrap()
            .contains("31. 12. 2027"),
        "the history names the day as Czech users write it"
    );
    // The kept code is still the code.
    let revealed = app
        .post_form(&format!("{path}/reveal"), &[], Some(&staff))
        .await
        .text();
    assert_eq!(
        value_of(&revealed, "id=\"revealed-code\" readonly value=\""),
        "LHOTA-1234-ABCD"
    );
}

#[tokio::test]
async fn an_import_with_a_bad_row_imports_nothing_and_names_the_rows() {
    let app = TestApp::new().await;
    product(&app).await;
    with_ico(&app, "Obec Lhota", "00234567").await;
    app.user("vyvojar", UserKind::Staff, vec![StaffRole::Developer])
        .await;
    let staff = app.sign_in("vyvojar").await;
    let bad = "ico;product;module;code;valid_from;valid_to;note\n\
               00234567;SPIS;Podatelna;K-1;2026-01-01;2026-12-31;první\n\
               44992785;SPIS;;K-2;2026-01-01;;neznámá obec\n\
               00234567;NEEXISTUJE;;K-3;2026-01-01;;\n\
               00234567;SPIS;;K-4;zítra;;\n\
               00234567;NIC;;K-5;včera;;\n";
    let form = |csv: &str| common::multipart_form(&[("csv", csv)], &[("file", "", b"")]);
    let refused = app
        .post_multipart("/podpora/codes/import", form(bad), &staff)
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text();
    // Every problem at once, in the order of the lines: an unknown organisation, an unknown
    // product, a day that is no date, and both on one row.
    assert_eq!(
        text.matches("class=\"problem\"").count(),
        5,
        "all problems in one pass: {text}"
    );
    assert!(
        text.contains("<td>6</td><td>valid_from</td>")
            && text.contains("<td>6</td><td>product</td>")
    );
    let at = |needle: &str| {
        text.find(needle)
            .unwrap_or_else(|| panic!("{needle}: {text}"))
    };
    assert!(
        at("<td>3</td><td>ico</td>") < at("<td>4</td><td>product</td>")
            && at("<td>4</td><td>product</td>") < at("<td>5</td><td>valid_from</td>")
    );
    assert!(
        text.contains("K-1"),
        "the file is shown again for correcting"
    );
    assert!(
        app.get("/podpora/codes", Some(&staff))
            .await
            .text()
            .contains("id=\"no-codes\""),
        "nothing imported"
    );

    let good = "ico;product;module;code;valid_from;valid_to;note\n\
                00234567;SPIS;Podatelna;K-1;2026-01-01;2026-12-31;první\n\
                00234567;spis;;K-2;1. 1. 2026;;druhý\n";
    let upload = common::multipart_form(&[("csv", "")], &[("file", "kody.csv", good.as_bytes())]);
    let imported = app
        .post_multipart("/podpora/codes/import", upload, &staff)
        .await;
    assert_eq!(
        imported.status,
        StatusCode::SEE_OTHER,
        "{}",
        imported.text()
    );
    let list = app
        .get(&imported.header("location"), Some(&staff))
        .await
        .text();
    assert!(list.contains("Importováno kódů: 2."));
    assert!(list.contains("první") && list.contains("druhý"));
    let audited = app
        .db
        .store
        .audit_page(
            &AuditFilter {
                event: Some(AuditEvent::ValidationCodesIssued),
                ..AuditFilter::default()
            },
            None,
            10,
        )
        .await
        .unwrap();
    assert_eq!(audited[0].detail, "import: 2");
}

#[tokio::test]
async fn the_api_reveals_imports_and_refuses_like_the_pages() {
    let app = TestApp::new().await;
    let product = product(&app).await;
    let lhota = with_ico(&app, "Obec Lhota", "00234567").await;
    let brno = organisation(&app, "Město Brno", true).await;
    app.user("vyvojar", UserKind::Staff, vec![StaffRole::Developer])
        .await;
    let staff = api_token(&app, "vyvojar").await;
    member(&app, "starosta", lhota, true).await;
    member(&app, "referent", lhota, false).await;
    let flagged = api_token(&app, "starosta").await;
    let unflagged = api_token(&app, "referent").await;
    let body = |organisation: OrganisationId, code: &str| {
        serde_json::json!({
            "organisation_id": organisation.0,
            "product_id": product.0,
            "code": code,
            "valid_from": "2026-01-01",
            "note": "API",
        })
    };
    let created = api_call(
        &app,
        "POST",
        "/api/v1/validation-codes",
        &staff,
        Some(body(lhota, "API-LHOTA")),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let code = created.json();
    assert!(code.get("code").is_none(), "the value is never in a record");
    let id = code["id"].as_str().unwrap().to_owned();
    let canary = api_call(
        &app,
        "POST",
        "/api/v1/validation-codes",
        &staff,
        Some(body(brno, "KANAREK")),
    )
    .await
    .json();
    let canary_id = canary["id"].as_str().unwrap().to_owned();
    let bad = api_call(
        &app,
        "POST",
        "/api/v1/validation-codes",
        &staff,
        Some(body(lhota, "")),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["errors"][0]["code"], "code-error-code");

    let list = api_call(&app, "GET", "/api/v1/validation-codes", &flagged, None)
        .await
        .json();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["status"], "valid");
    let revealed = api_call(
        &app,
        "POST",
        &format!("/api/v1/validation-codes/{id}/reveal"),
        &flagged,
        None,
    )
    .await;
    assert_eq!(revealed.json()["code"], "API-LHOTA");
    assert_eq!(reveals(&app).await.len(), 1);
    for (token, target) in [
        (&flagged, format!("/api/v1/validation-codes/{canary_id}")),
        (&unflagged, format!("/api/v1/validation-codes/{id}")),
        (&unflagged, "/api/v1/validation-codes".to_owned()),
    ] {
        let reply = api_call(&app, "GET", &target, token, None).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{target}");
        assert!(!reply.text().contains("KANAREK"));
    }
    let foreign = api_call(
        &app,
        "POST",
        &format!("/api/v1/validation-codes/{canary_id}/reveal"),
        &flagged,
        None,
    )
    .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(reveals(&app).await.len(), 1);

    let stale = api_call(&app, "PUT", &format!("/api/v1/validation-codes/{id}"), &staff, Some(serde_json::json!({
        "organisation_id": lhota.0, "product_id": product.0, "valid_from": "2026-01-01", "valid_to": "2026-06-30", "version": 0
    }))).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);

    let csv = "ico;product;module;code;valid_from;valid_to;note\n00234567;SPIS;;K-1;2026-01-01;;\n00000000;SPIS;;K-2;2026-01-01;;\n";
    let request = axum::http::Request::post("/api/v1/validation-codes/import")
        .header("host", "127.0.0.1:8080")
        .header("authorization", format!("Bearer {staff}"))
        .header("content-type", "text/csv")
        .body(axum::body::Body::from(csv))
        .unwrap();
    let refused = app.send(request).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["errors"][0]["field"], "line 3: ico");
    assert_eq!(
        api_call(&app, "GET", "/api/v1/validation-codes", &staff, None)
            .await
            .json()["items"]
            .as_array()
            .unwrap()
            .len(),
        2,
        "nothing imported"
    );
}
