//! Patches end to end, in the pages and the API: staff prepare (field errors keep what was
//! typed and uploaded), publish and withdraw; an entitled customer downloads (SHA-256 and
//! ranges), a customer whose contract ended before the release is refused with the reason,
//! the download log shows who took what; a patch chosen for another organisation never
//! reaches anyone else (pages, CSV, API, e-mail); a new patch is announced to those who may
//! download it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{TestApp, api_call, api_token, multipart_form, organisation};
use sha2::{Digest, Sha256};
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::contract::ContractState;
use supportweb_domain::ids::{OrganisationId, ProductId};
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::{StaffRole, UserKind};
use supportweb_storage::catalogue::NewProduct;
use supportweb_storage::testing::build;

const CONTENT: &[u8] = b"PK\x03\x04 oprava podatelny 5.2.3.1";

async fn member(
    app: &TestApp,
    login: &str,
    organisation: OrganisationId,
    podpora: AgendaRight,
) -> String {
    let id = app.user(login, UserKind::Customer, vec![]).await;
    app.db
        .store
        .set_membership(
            id,
            organisation,
            &MembershipRights {
                podpora,
                ..MembershipRights::NONE
            },
        )
        .await
        .unwrap();
    app.sign_in(login).await
}

/// An organisation whose only contract ended on the last day of 2025.
async fn former_customer(app: &TestApp, name: &str) -> OrganisationId {
    let id = organisation(app, name, false).await;
    let mut ended = build::new_contract(id, build::d(2023, 1, 1), build::d(2025, 12, 31));
    ended.number = format!("SML-{name}");
    ended.term.state = ContractState::Ended;
    build::contract_from(&app.db.store, &ended).await;
    id
}

async fn product(app: &TestApp) -> ProductId {
    let admin = app
        .user(
            "spravce.katalogu",
            UserKind::Staff,
            vec![StaffRole::Administrator],
        )
        .await;
    let actor = app
        .db
        .store
        .actor_for(&app.db.store.user(admin).await.unwrap().unwrap())
        .await
        .unwrap();
    app.db
        .store
        .create_product(
            &actor,
            &NewProduct {
                code: "SPIS".into(),
                name: "Spisová služba".into(),
                modules: vec!["Podatelna".into(), "Výpravna".into()],
                versions: vec!["5.2.3".into(), "5.2.2".into()],
                is_active: true,
            },
        )
        .await
        .unwrap()
}

fn value_of(page: &str, marker: &str) -> String {
    page.split(marker)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("{marker} not in page"))
        .to_owned()
}

fn fields<'a>(product: &'a str, title: &'a str, released: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("product", product),
        ("module", "Podatelna"),
        ("build", "5.2.3.1"),
        ("title", title),
        (
            "release_notes",
            "Opravuje **ukládání** doručené pošty.<script>alert(1)</script>",
        ),
        ("applies_from", "5.2.0"),
        ("applies_to", "5.2.3"),
        ("released_on", released),
        ("visibility", "all"),
    ]
}

/// Creates and publishes a patch through the pages; returns its path.
async fn publish(
    app: &TestApp,
    staff: &str,
    fields: &[(&str, &str)],
    file: (&str, &[u8]),
) -> String {
    let reply = app
        .post_multipart(
            "/podpora/patches",
            multipart_form(fields, &[("files", file.0, file.1)]),
            staff,
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let path = reply.header("location");
    let page = app.get(&path, Some(staff)).await.text();
    let version = value_of(&page, "name=\"version\" value=\"");
    let published = app
        .post_form(
            &format!("{path}/steps"),
            &[("step", "publish"), ("version", &version)],
            Some(staff),
        )
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.text()
    );
    path
}

#[tokio::test]
async fn staff_publish_an_entitled_customer_downloads_and_a_former_one_is_told_why_not() {
    publish_download_refuse(TestApp::new().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_publish_an_entitled_customer_downloads_and_a_former_one_is_told_why_not_on_postgres()
{
    if let Some(db) = supportweb_storage::testing::postgres().await {
        publish_download_refuse(TestApp::on(db).await).await;
    }
}

async fn publish_download_refuse(app: TestApp) {
    let product = product(&app).await.to_string();
    let jihlava = organisation(&app, "Statutární město Jihlava", true).await;
    let lhota = former_customer(&app, "Obec Lhota").await;
    let brno = organisation(&app, "Město Brno", true).await;
    app.db
        .store
        .add_to_account_team(
            lhota,
            app.user(
                "obchodnik",
                UserKind::Staff,
                vec![StaffRole::ProjectManager],
            )
            .await,
        )
        .await
        .unwrap();
    app.user("vyvojar", UserKind::Staff, vec![StaffRole::Developer])
        .await;
    let staff = app.sign_in("vyvojar").await;
    let customer = member(&app, "referentka", jihlava, AgendaRight::Read).await;
    let former = member(&app, "starosta.lhota", lhota, AgendaRight::Read).await;
    let stranger = member(&app, "brno.it", brno, AgendaRight::Read).await;
    let no_right = member(&app, "bez.podpory", jihlava, AgendaRight::None).await;

    assert_eq!(
        app.get("/podpora/patches/new", Some(&staff)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.get("/podpora/patches/new", Some(&customer))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Field errors: each next to its field, the upload kept, nothing created.
    let mut bad = fields(&product, "", "2026-03-01");
    bad.retain(|(k, _)| *k != "applies_to");
    bad.push(("applies_to", "5.1"));
    let refused = app
        .post_multipart(
            "/podpora/patches",
            multipart_form(&bad, &[("files", "oprava.zip", CONTENT)]),
            &staff,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text();
    assert!(text.contains("id=\"title-error\""), "{text}");
    assert!(text.contains("id=\"applies_to-error\""));
    assert!(text.contains("name=\"file_id\""), "the upload is kept");
    assert!(text.contains("Opravuje **ukládání**"), "typed text is kept");
    assert!(
        app.get("/podpora/patches", Some(&staff))
            .await
            .text()
            .contains("id=\"no-patches\"")
    );

    let path = publish(
        &app,
        &staff,
        &fields(&product, "Oprava podatelny", "2026-03-01"),
        ("oprava-5.2.3.1.zip", CONTENT),
    )
    .await;

    // The entitled customer downloads; the SHA-256 shown is the file's.
    let page = app.get(&path, Some(&customer)).await;
    assert_eq!(page.status, StatusCode::OK);
    let page = page.text();
    assert!(
        page.contains("<strong>ukládání</strong>"),
        "release notes rendered"
    );
    assert!(!page.contains("<script>alert"), "script never survives");
    let sha = hex::encode(Sha256::digest(CONTENT));
    assert!(page.contains(&sha), "SHA-256 shown");
    let download = value_of(&page, "class=\"download\" id=\"download-").to_owned();
    let link = format!("{path}/files/{download}");
    let reply = app.get(&link, Some(&customer)).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(hex::encode(Sha256::digest(&reply.bytes)), sha);
    assert!(
        reply
            .header("content-disposition")
            .starts_with("attachment")
    );
    let part = app
        .get_with(&link, Some(&customer), &[("range", "bytes=4-9")])
        .await;
    assert_eq!(part.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(part.bytes, &CONTENT[4..10]);
    let invalid = app
        .get_with(&link, Some(&customer), &[("range", "bytes=9999-")])
        .await;
    assert_eq!(invalid.status, StatusCode::RANGE_NOT_SATISFIABLE);
    let unchanged = app
        .get_with(
            &link,
            Some(&customer),
            &[("if-none-match", &reply.header("etag"))],
        )
        .await;
    assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);
    // The staff member who uploaded it cannot bypass the log through the plain file route.
    assert_eq!(
        app.get(&format!("/files/{download}"), Some(&staff))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // The former customer sees it, with the reason and whom to contact, and cannot download.
    let page = app.get(&path, Some(&former)).await.text();
    assert!(page.contains("id=\"download-closed\""));
    assert!(page.contains("1. 3. 2026"), "names the release date");
    assert!(
        page.contains("obchodnik@example.cz"),
        "names the account team"
    );
    assert!(!page.contains("class=\"download\""));
    let refused = app.get(&link, Some(&former)).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.text().contains("id=\"download-closed\""));
    assert!(
        app.get("/podpora/patches", Some(&former))
            .await
            .text()
            .contains("access-not_covered")
    );

    // A user without the podpora right does not enter the agenda.
    assert_eq!(
        app.get("/podpora/patches", Some(&no_right)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&link, Some(&no_right)).await.status,
        StatusCode::NOT_FOUND
    );

    // The download log: who, which file, the range.
    let staff_page = app.get(&path, Some(&staff)).await.text();
    let log = staff_page.split("id=\"download-log\"").nth(1).unwrap();
    let log = log.split("</section>").next().unwrap();
    assert_eq!(
        log.matches("<tr><td>").count(),
        2,
        "the whole file and one range; not the 416, the 304 or the refused ones"
    );
    assert!(log.contains("Zkušební referentka"));
    assert!(log.contains("Statutární město Jihlava"));
    assert!(log.contains("bytes=4-9"));
    assert!(
        !log.contains("Zkušební starosta.lhota"),
        "refused downloads are not downloads"
    );

    // A chosen patch for Brno only: a canary nobody else ever sees.
    let mut chosen = fields(&product, "KANÁREK-BRNO", "2026-04-01");
    chosen.retain(|(k, _)| *k != "visibility");
    let brno_id = brno.to_string();
    chosen.push(("visibility", "chosen"));
    chosen.push(("organisations", &brno_id));
    let canary = publish(&app, &staff, &chosen, ("brno.zip", b"brno")).await;
    assert!(
        app.get("/podpora/patches", Some(&stranger))
            .await
            .text()
            .contains("KANÁREK-BRNO")
    );
    let canary_page = app.get(&canary, Some(&stranger)).await.text();
    let canary_file = value_of(&canary_page, "class=\"download\" id=\"download-");
    let missing_path = format!("/podpora/patches/{}", uuid::Uuid::now_v7());
    for cookie in [&customer, &former] {
        for listing in [
            "/podpora/patches",
            "/podpora/patches/export.csv",
            "/podpora/patches?state=draft",
            "/podpora/patches?q=kanarek",
        ] {
            let reply = app.get(listing, Some(cookie)).await;
            assert_eq!(reply.status, StatusCode::OK);
            assert!(!reply.text().contains("KANÁREK"), "{listing}");
        }
        let foreign = app.get(&canary, Some(cookie)).await;
        let missing = app.get(&missing_path, Some(cookie)).await;
        assert_eq!(foreign.status, StatusCode::NOT_FOUND);
        assert!(!foreign.text().contains("KANÁREK"));
        assert_eq!(
            foreign
                .text()
                .replace(&foreign.header("x-request-id"), "")
                .replace(&canary, "/x"),
            missing
                .text()
                .replace(&missing.header("x-request-id"), "")
                .replace(&missing_path, "/x"),
            "a foreign patch answers exactly like a missing one"
        );
        let file = app
            .get(&format!("{canary}/files/{canary_file}"), Some(cookie))
            .await;
        assert_eq!(file.status, StatusCode::NOT_FOUND);
        assert!(!String::from_utf8_lossy(&file.bytes).contains("brno"));
        // The API, reached with the same session, keeps it just as well: lists, search,
        // the record and its file answer as if it did not exist.
        let api = canary.replace("/podpora/patches", "/api/v1/patches");
        for listing in ["/api/v1/patches", "/api/v1/patches?q=kanarek"] {
            let reply = app.get(listing, Some(cookie)).await;
            assert_eq!(reply.status, StatusCode::OK, "{listing}");
            assert!(!reply.text().contains("KANÁREK"), "{listing}");
        }
        let missing_api = missing_path.replace("/podpora/patches", "/api/v1/patches");
        let (foreign, missing) = (
            app.get(&api, Some(cookie)).await,
            app.get(&missing_api, Some(cookie)).await,
        );
        assert_eq!(foreign.status, StatusCode::NOT_FOUND);
        assert_eq!(
            foreign.json()["code"],
            missing.json()["code"],
            "a foreign patch answers like a missing one"
        );
        assert!(!foreign.text().contains("KANÁREK"));
        let file = app
            .get(&format!("{api}/files/{canary_file}"), Some(cookie))
            .await;
        assert_eq!(file.status, StatusCode::NOT_FOUND);
        assert!(!String::from_utf8_lossy(&file.bytes).contains("brno"));
    }

    // Choosing Jihlava too: Jihlava's users see the patch, but its history never names the
    // other organisations it is for.
    let edit = app
        .get(&format!("{canary}/edit"), Some(&staff))
        .await
        .text();
    let canary_version = value_of(&edit, "name=\"version\" value=\"");
    let jihlava_id = jihlava.to_string();
    let mut both = chosen.clone();
    both.push(("organisations", &jihlava_id));
    both.push(("version", &canary_version));
    both.push(("keep_file", &canary_file));
    let changed = app
        .post_multipart(&canary, multipart_form(&both, &[]), &staff)
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER, "{}", changed.text());
    let shared = app.get(&canary, Some(&customer)).await.text();
    assert!(shared.contains("KANÁREK-BRNO"));
    assert!(
        !shared.contains("Město Brno"),
        "no other organisation's name"
    );
    assert!(
        app.get(&canary, Some(&staff))
            .await
            .text()
            .contains("Město Brno")
    );

    // Withdrawing needs a reason, which customers then see; a stale form is refused.
    let staff_page = app.get(&path, Some(&staff)).await.text();
    let version = value_of(&staff_page, "name=\"version\" value=\"");
    let no_reason = app
        .post_form(
            &format!("{path}/steps"),
            &[("step", "withdraw"), ("reason", " "), ("version", &version)],
            Some(&staff),
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.text().contains("id=\"reason-error\""));
    let withdrawn = app
        .post_form(
            &format!("{path}/steps"),
            &[
                ("step", "withdraw"),
                ("reason", "Chyba při upgradu z 5.1"),
                ("version", &version),
            ],
            Some(&staff),
        )
        .await;
    assert_eq!(withdrawn.status, StatusCode::SEE_OTHER);
    let stale = app
        .post_form(
            &format!("{path}/steps"),
            &[("step", "republish"), ("version", &version)],
            Some(&staff),
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let page = app.get(&path, Some(&customer)).await.text();
    assert!(page.contains("Chyba při upgradu z 5.1"));
    assert_eq!(
        app.get(&link, Some(&customer)).await.status,
        StatusCode::FORBIDDEN
    );

    // Customers cannot take steps.
    assert_eq!(
        app.post_form(
            &format!("{path}/steps"),
            &[("step", "republish"), ("version", "9")],
            Some(&customer)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn patches_for_the_organisations_installation_are_marked_applicable() {
    let app = TestApp::new().await;
    let product_id = product(&app).await;
    let product = product_id.to_string();
    let jihlava = organisation(&app, "Statutární město Jihlava", true).await;
    let brno = organisation(&app, "Město Brno", true).await;
    let developer = app
        .user("vyvojar", UserKind::Staff, vec![StaffRole::Developer])
        .await;
    let staff = app.sign_in("vyvojar").await;
    // Jihlava runs 5.2.2 with the Podatelna module; Brno has no installation on its card.
    let actor = app
        .db
        .store
        .actor_for(&app.db.store.user(developer).await.unwrap().unwrap())
        .await
        .unwrap();
    app.db
        .store
        .create_installation(
            &actor,
            jihlava,
            &supportweb_storage::catalogue::NewInstallation {
                product_id,
                label: "Produkce".into(),
                product_version: "5.2.2".into(),
                modules: vec!["Podatelna".into()],
                notes: String::new(),
            },
        )
        .await
        .unwrap();
    let with_card = member(&app, "referentka", jihlava, AgendaRight::Read).await;
    let without = member(&app, "brno.it", brno, AgendaRight::Read).await;
    let path = publish(
        &app,
        &staff,
        &fields(&product, "Oprava ukládání pošty", "2026-04-01"),
        ("oprava.zip", b"oprava"),
    )
    .await;
    let id = path.rsplit('/').next().unwrap();

    let badge = "<span class=\"badge applicable\">";
    let listed = app.get("/podpora/patches", Some(&with_card)).await.text();
    assert!(listed.contains(badge), "{listed}");
    let only = app
        .get("/podpora/patches?applicable=1", Some(&with_card))
        .await
        .text();
    assert!(only.contains("Oprava ukládání pošty"));
    assert!(
        app.get(&path, Some(&with_card))
            .await
            .text()
            .contains(badge)
    );
    let api = app.get("/api/v1/patches", Some(&with_card)).await.json();
    let item = api["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap_or_else(|| panic!("{api}"));
    assert_eq!(item["applicable"], true);

    // Brno may download it too, but nothing on its card matches.
    let listed = app.get("/podpora/patches", Some(&without)).await.text();
    assert!(listed.contains("Oprava ukládání pošty") && !listed.contains(badge));
    let only = app
        .get("/podpora/patches?applicable=1", Some(&without))
        .await
        .text();
    assert!(!only.contains("Oprava ukládání pošty"));
    let api = app
        .get("/api/v1/patches?applicable=true", Some(&without))
        .await
        .json();
    assert_eq!(api["items"].as_array().map(Vec::len), Some(0), "{api}");
}

#[tokio::test]
async fn an_edit_from_a_stale_form_is_refused_and_files_can_be_replaced() {
    let app = TestApp::new().await;
    let product = product(&app).await.to_string();
    app.user("vyvojar", UserKind::Staff, vec![StaffRole::Developer])
        .await;
    let staff = app.sign_in("vyvojar").await;
    let path = publish(
        &app,
        &staff,
        &fields(&product, "Oprava", "2026-03-01"),
        ("stary.zip", b"old"),
    )
    .await;
    let edit = app.get(&format!("{path}/edit"), Some(&staff)).await.text();
    let version = value_of(&edit, "name=\"version\" value=\"");
    let mut changed = fields(&product, "Oprava výpravny", "2026-03-02");
    changed.push(("version", &version));
    // No file kept and none added: a published patch needs one.
    let empty = app
        .post_multipart(&path, multipart_form(&changed, &[]), &staff)
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text().contains("id=\"files-error\""));
    let replaced = app
        .post_multipart(
            &path,
            multipart_form(&changed, &[("files", "novy.zip", b"new")]),
            &staff,
        )
        .await;
    assert_eq!(
        replaced.status,
        StatusCode::SEE_OTHER,
        "{}",
        replaced.text()
    );
    let stale = app
        .post_multipart(
            &path,
            multipart_form(&changed, &[("files", "jiny.zip", b"x")]),
            &staff,
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(
        stale.text().contains("Oprava výpravny"),
        "typed values are kept"
    );
    let page = app.get(&path, Some(&staff)).await.text();
    assert!(page.contains("novy.zip"));
    let files = page
        .split("id=\"patch-files\"")
        .nth(1)
        .unwrap()
        .split("</section>")
        .next()
        .unwrap();
    assert!(files.contains("novy.zip") && !files.contains("stary.zip"));
    let history = page.split("id=\"history\"").nth(1).unwrap();
    assert!(history.contains("<td>Oprava</td><td>Oprava výpravny</td>"));
    assert!(history.contains("<td>stary.zip</td><td>novy.zip</td>"));
}

#[tokio::test]
async fn the_api_serves_patches_with_the_same_rules() {
    let app = TestApp::new().await;
    let product = product(&app).await;
    let jihlava = organisation(&app, "Statutární město Jihlava", true).await;
    let lhota = former_customer(&app, "Obec Lhota").await;
    app.user("vyvojar", UserKind::Staff, vec![StaffRole::Developer])
        .await;
    let staff = api_token(&app, "vyvojar").await;
    member(&app, "referentka", jihlava, AgendaRight::Read).await;
    member(&app, "starosta.lhota", lhota, AgendaRight::Read).await;
    let customer = api_token(&app, "referentka").await;
    let former = api_token(&app, "starosta.lhota").await;

    let upload = app
        .send(
            axum::http::Request::post("/api/v1/files")
                .header("host", "127.0.0.1:8080")
                .header("authorization", format!("Bearer {staff}"))
                .header(
                    "content-type",
                    common::multipart("file", "api.zip", CONTENT).0,
                )
                .body(axum::body::Body::from(
                    common::multipart("file", "api.zip", CONTENT).1,
                ))
                .unwrap(),
        )
        .await;
    assert_eq!(upload.status, StatusCode::CREATED, "{}", upload.text());
    let file = upload.json()["id"].as_str().unwrap().to_owned();
    let body = |title: &str, files: Vec<String>| {
        serde_json::json!({
            "product_id": product.0,
            "module": "Podatelna",
            "build": "5.2.3.1",
            "title": title,
            "release_notes": "Opravuje podatelnu.",
            "applies_from": "5.2.0",
            "released_on": "2026-03-01",
            "visibility": "all",
            "file_ids": files,
        })
    };
    let bad = api_call(&app, "POST", "/api/v1/patches", &staff, Some(serde_json::json!({"product_id": product.0, "build": "", "title": "x", "release_notes": "y", "released_on": "březen", "visibility": "all"}))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let codes: Vec<String> = bad.json()["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_owned())
        .collect();
    assert!(codes.contains(&"patch-error-build".to_owned()), "{codes:?}");
    assert!(
        codes.contains(&"patch-error-released".to_owned()),
        "{codes:?}"
    );
    let unknown = api_call(&app, "POST", "/api/v1/patches", &staff, Some(serde_json::json!({"product_id": product.0, "build": "1", "title": "x", "release_notes": "y", "released_on": "2026-03-01", "visibility": "all", "state": "published"}))).await;
    assert_eq!(
        unknown.status,
        StatusCode::BAD_REQUEST,
        "unknown fields are refused"
    );

    let created = api_call(
        &app,
        "POST",
        "/api/v1/patches",
        &staff,
        Some(body("API patch", vec![file.clone()])),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let patch = created.json();
    let id = patch["id"].as_str().unwrap().to_owned();
    assert_eq!(patch["state"], "draft");
    assert_eq!(
        api_call(
            &app,
            "GET",
            &format!("/api/v1/patches/{id}"),
            &customer,
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND,
        "drafts are staff-only"
    );
    let published = api_call(
        &app,
        "POST",
        &format!("/api/v1/patches/{id}/steps"),
        &staff,
        Some(serde_json::json!({"step": "publish", "version": patch["version"]})),
    )
    .await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.text());
    let stale = api_call(&app, "PUT", &format!("/api/v1/patches/{id}"), &staff, Some(serde_json::json!({"version": patch["version"], "product_id": product.0, "build": "5.2.3.1", "title": "Přepsáno", "release_notes": "x", "released_on": "2026-03-01", "visibility": "all", "file_ids": [file]}))).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);

    let list = api_call(&app, "GET", "/api/v1/patches", &customer, None)
        .await
        .json();
    let item = &list["items"][0];
    assert_eq!(item["title"], "API patch");
    assert_eq!(item["access"], "allowed");
    let url = item["files"][0]["download_url"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        item["files"][0]["sha256"],
        hex::encode(Sha256::digest(CONTENT))
    );
    let got = api_call(&app, "GET", &url, &customer, None).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.bytes, CONTENT);
    let closed = api_call(&app, "GET", &url, &former, None).await;
    assert_eq!(closed.status, StatusCode::FORBIDDEN);
    assert_eq!(closed.json()["code"], "patch_not_covered");
    assert_eq!(
        api_call(&app, "GET", "/api/v1/patches", &former, None)
            .await
            .json()["items"][0]["access"],
        "not_covered"
    );

    let distribution = api_call(
        &app,
        "GET",
        &format!("/api/v1/patches/{id}/distribution"),
        &staff,
        None,
    )
    .await;
    assert_eq!(distribution.status, StatusCode::OK);
    assert_eq!(
        distribution.json()["downloads"].as_array().unwrap().len(),
        1,
        "the refused download is not logged"
    );
    assert_eq!(
        api_call(
            &app,
            "GET",
            &format!("/api/v1/patches/{id}/distribution"),
            &customer,
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let bad_filter = api_call(&app, "GET", "/api/v1/patches?from=včera", &customer, None).await;
    assert_eq!(bad_filter.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_new_patch_is_announced_to_those_who_may_download_it() {
    let app = TestApp::new().await;
    let product = product(&app).await.to_string();
    let jihlava = organisation(&app, "Statutární město Jihlava", true).await;
    let lhota = former_customer(&app, "Obec Lhota").await;
    let brno = organisation(&app, "Město Brno", true).await;
    app.user("vyvojar", UserKind::Staff, vec![StaffRole::Developer])
        .await;
    let staff = app.sign_in("vyvojar").await;
    member(&app, "referentka", jihlava, AgendaRight::Read).await;
    let switched_off = member(&app, "nechce", jihlava, AgendaRight::Read).await;
    member(&app, "starosta.lhota", lhota, AgendaRight::Read).await;
    member(&app, "brno.it", brno, AgendaRight::Read).await;
    member(&app, "bez.podpory", jihlava, AgendaRight::None).await;
    let off = app
        .post_form(
            "/account/notifications",
            &[("document_reply", "on")],
            Some(&switched_off),
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER, "{}", off.text());

    let jihlava_id = jihlava.to_string();
    let mut chosen = fields(&product, "KANÁREK jen pro Jihlavu", "2026-03-01");
    chosen.retain(|(k, _)| *k != "visibility");
    chosen.push(("visibility", "chosen"));
    chosen.push(("organisations", &jihlava_id));
    publish(&app, &staff, &chosen, ("j.zip", b"j")).await;
    publish(
        &app,
        &staff,
        &fields(&product, "Pro všechny", "2026-03-02"),
        ("v.zip", b"v"),
    )
    .await;
    common::drain_events(&app).await;
    let outbox = app.db.store.outbox_entries().await.unwrap();
    let to = |title: &str| {
        let mut list: Vec<String> = outbox
            .iter()
            .filter(|m| m.subject.contains(title))
            .map(|m| m.recipient_email.clone())
            .collect();
        list.sort();
        list
    };
    assert_eq!(to("KANÁREK"), ["referentka@example.cz"]);
    assert_eq!(
        to("Pro všechny"),
        ["brno.it@example.cz", "referentka@example.cz"]
    );
    let message = outbox
        .iter()
        .find(|m| m.subject.contains("Pro všechny"))
        .unwrap();
    assert!(
        message.subject.contains("Nový patch"),
        "Czech: {}",
        message.subject
    );
    assert!(message.body.contains("/podpora/patches/"));
    assert!(message.body.contains("Opravuje **ukládání**"));
    assert!(
        outbox
            .iter()
            .all(|m| !(m.recipient_email.starts_with("brno") && m.body.contains("KANÁREK")))
    );
}

#[tokio::test]
async fn a_support_document_links_the_patch_that_solves_it() {
    let app = TestApp::new().await;
    let product = product(&app).await.to_string();
    let jihlava = organisation(&app, "Statutární město Jihlava", true).await;
    let id = app.user("referentka", UserKind::Customer, vec![]).await;
    app.db
        .store
        .set_membership(
            id,
            jihlava,
            &MembershipRights {
                podpora: AgendaRight::Read,
                support_documents: AgendaRight::Write,
                ..MembershipRights::NONE
            },
        )
        .await
        .unwrap();
    let customer = app.sign_in("referentka").await;
    app.user("vyvojar", UserKind::Staff, vec![StaffRole::Developer])
        .await;
    let staff = app.sign_in("vyvojar").await;
    let patch = publish(
        &app,
        &staff,
        &fields(&product, "Oprava podatelny", "2026-03-01"),
        ("o.zip", b"o"),
    )
    .await;
    let patch_id = patch.rsplit('/').next().unwrap().to_owned();
    let opened = app
        .post_multipart(
            "/support-documents/new",
            multipart_form(
                &[
                    ("organisation", &jihlava.to_string()),
                    ("category", "error"),
                    ("severity", "medium"),
                    ("installation", ""),
                    ("subject", "Padá podatelna"),
                    ("description", "Chyba při uložení."),
                ],
                &[],
            ),
            &customer,
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text());
    let document = opened.header("location");
    let staff_page = app.get(&document, Some(&staff)).await.text();
    assert!(staff_page.contains("id=\"link-patch-form\""));
    assert!(
        !app.get(&document, Some(&customer))
            .await
            .text()
            .contains("id=\"link-patch-form\""),
        "customers do not link"
    );
    let linked = app
        .post_form(
            &format!("{document}/patches"),
            &[("patch", &patch_id), ("linked", "1")],
            Some(&staff),
        )
        .await;
    assert_eq!(linked.status, StatusCode::SEE_OTHER);
    let refused = app
        .post_form(
            &format!("{document}/patches"),
            &[("patch", &patch_id), ("linked", "0")],
            Some(&customer),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let page = app.get(&document, Some(&customer)).await.text();
    assert!(page.contains(&format!("href=\"/podpora/patches/{patch_id}\"")));
    let patch_page = app.get(&patch, Some(&customer)).await.text();
    assert!(
        patch_page.contains("Padá podatelna"),
        "the patch names the document it solves"
    );
}
