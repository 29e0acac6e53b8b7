//! Files of records in every agenda. A file name cannot disguise itself:
//! `faktura\u{202e}fdp.exe` (a right-to-left override that shows as `fakturaexe.pdf`) is stored
//! and served as `fakturafdp.exe` by every route that serves a file — the plain file routes and
//! those of each agenda, in the pages and the API. And a Markdown text shows pictures only
//! from the files of its own record that the reader may download.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{TestApp, api_call, api_token, organisation};
use serde_json::json;
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::{StaffRole, UserKind};
use supportweb_storage::testing::build;

const DISGUISED: &str = "faktura\u{202e}fdp.exe";

/// Uploads a file named [`DISGUISED`] as the holder of `token`; its id.
async fn upload(app: &TestApp, token: &str) -> String {
    let id = upload_named(app, token, DISGUISED).await;
    let reply = api_call(app, "GET", &format!("/api/v1/files/{id}"), token, None).await;
    assert!(
        reply
            .header("content-disposition")
            .contains("fakturafdp.exe")
    );
    id
}

/// Uploads a small file named `name` as the holder of `token`; its id.
async fn upload_named(app: &TestApp, token: &str, name: &str) -> String {
    let (content_type, body) = common::multipart("file", name, b"\x89PNG\r\n\x1a\n not really");
    let reply = app
        .send(
            Request::post("/api/v1/files")
                .header("host", "127.0.0.1:8080")
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    let file = reply.json();
    assert!(
        !file["file_name"].as_str().unwrap().contains('\u{202e}'),
        "{file}"
    );
    file["id"].as_str().unwrap().to_owned()
}

/// Downloads `path` through the page (cookie) or the API (token) and checks the name offered.
async fn offers_the_plain_name(app: &TestApp, path: &str, cookie: &str, token: &str) {
    let reply = if path.starts_with("/api/") {
        api_call(app, "GET", path, token, None).await
    } else {
        app.get(path, Some(cookie)).await
    };
    assert_eq!(reply.status, StatusCode::OK, "{path}: {}", reply.text());
    let disposition = reply.header("content-disposition");
    assert!(
        disposition.contains("filename*=UTF-8''fakturafdp.exe")
            && disposition.contains("filename=\"fakturafdp.exe\""),
        "{path}: {disposition}"
    );
    assert!(!disposition.contains("%E2%80%AE"), "{path}: {disposition}");
}

/// A portal with an administrator and a customer user of Obec Lhota (writing support
/// documents and orders), signed in by page and by token, and a product.
struct Portal {
    app: TestApp,
    staff_cookie: String,
    staff: String,
    customer_cookie: String,
    customer: String,
    lhota: supportweb_domain::ids::OrganisationId,
    admin: supportweb_domain::Actor,
    product: supportweb_domain::ids::ProductId,
}

async fn portal() -> Portal {
    let app = TestApp::new().await;
    let store = &app.db.store;
    app.user("spravce", UserKind::Staff, vec![StaffRole::Administrator])
        .await;
    let staff_cookie = app.sign_in("spravce").await;
    let staff = api_token(&app, "spravce").await;
    let lhota = organisation(&app, "Obec Lhota", true).await;
    let customer_id = app.user("starosta", UserKind::Customer, vec![]).await;
    store
        .set_membership(
            customer_id,
            lhota,
            &MembershipRights {
                support_documents: AgendaRight::Write,
                customization_orders: AgendaRight::Write,
                ..MembershipRights::NONE
            },
        )
        .await
        .unwrap();
    let customer_cookie = app.sign_in("starosta").await;
    let customer = api_token(&app, "starosta").await;
    let admin = build::actor(
        store,
        store.user_by_login("spravce").await.unwrap().unwrap().id,
    )
    .await;
    let product = build::product(store, &admin, "SPIS").await;
    Portal {
        staff_cookie,
        staff,
        customer_cookie,
        customer,
        lhota,
        admin,
        product,
        app,
    }
}

#[tokio::test]
async fn every_route_that_serves_a_file_offers_a_name_without_invisible_characters() {
    let Portal {
        app,
        staff_cookie,
        staff,
        customer_cookie,
        customer,
        lhota,
        admin,
        product,
    } = portal().await;

    // The plain file routes, as the uploader.
    let plain = upload(&app, &staff).await;
    for path in [format!("/files/{plain}"), format!("/api/v1/files/{plain}")] {
        offers_the_plain_name(&app, &path, &staff_cookie, &staff).await;
    }

    // A support document's attachment.
    let file = upload(&app, &customer).await;
    let document = api_call(
        &app,
        "POST",
        "/api/v1/support-documents",
        &customer,
        Some(json!({
            "organisation_id": lhota.0, "category": "error", "severity": "low",
            "subject": "Faktura", "description": "V příloze.", "file_ids": [file]
        })),
    )
    .await;
    assert_eq!(document.status, StatusCode::CREATED, "{}", document.text());
    for path in [format!("/files/{file}"), format!("/api/v1/files/{file}")] {
        offers_the_plain_name(&app, &path, &customer_cookie, &customer).await;
    }

    // A patch's file.
    let file = upload(&app, &staff).await;
    let patch = api_call(
        &app,
        "POST",
        "/api/v1/patches",
        &staff,
        Some(json!({
            "product_id": product.0, "module": "Podatelna", "build": "5.4.1",
            "title": "Oprava", "release_notes": "Opravuje.", "released_on": "2026-03-01",
            "visibility": "all", "file_ids": [file]
        })),
    )
    .await;
    assert_eq!(patch.status, StatusCode::CREATED, "{}", patch.text());
    let id = patch.json()["id"].as_str().unwrap().to_owned();
    for path in [
        format!("/podpora/patches/{id}/files/{file}"),
        format!("/api/v1/patches/{id}/files/{file}"),
    ] {
        offers_the_plain_name(&app, &path, &staff_cookie, &staff).await;
    }

    // A procedure's file.
    let file = upload(&app, &staff).await;
    let procedure = api_call(
        &app,
        "POST",
        "/api/v1/procedures",
        &staff,
        Some(json!({
            "title": "Obnova", "body": "Postup.", "visibility": "all", "file_ids": [file]
        })),
    )
    .await;
    assert_eq!(
        procedure.status,
        StatusCode::CREATED,
        "{}",
        procedure.text()
    );
    let id = procedure.json()["id"].as_str().unwrap().to_owned();
    for path in [
        format!("/podpora/procedures/{id}/files/{file}"),
        format!("/api/v1/procedures/{id}/files/{file}"),
    ] {
        offers_the_plain_name(&app, &path, &staff_cookie, &staff).await;
    }

    // A protocol's file.
    let file = upload(&app, &staff).await;
    let protocol = api_call(
        &app,
        "POST",
        "/api/v1/protocols",
        &staff,
        Some(json!({
            "organisation_id": lhota.0, "project": "Spisová služba", "kind": "video_call",
            "held_at": "2026-11-20T10:00", "minute_taker_id": admin.user_id.0,
            "subject": "Porada", "file_ids": [file]
        })),
    )
    .await;
    assert_eq!(protocol.status, StatusCode::CREATED, "{}", protocol.text());
    let id = protocol.json()["id"].as_str().unwrap().to_owned();
    for path in [
        format!("/protocols/{id}/files/{file}"),
        format!("/api/v1/protocols/{id}/files/{file}"),
    ] {
        offers_the_plain_name(&app, &path, &staff_cookie, &staff).await;
    }

    // A customization order's file.
    let file = upload(&app, &customer).await;
    let order = api_call(
        &app,
        "POST",
        "/api/v1/customization-orders",
        &customer,
        Some(json!({
            "organisation_id": lhota.0, "title": "Napojení na ISDS",
            "description": "Viz příloha.", "file_ids": [file]
        })),
    )
    .await;
    assert_eq!(order.status, StatusCode::CREATED, "{}", order.text());
    let id = order.json()["id"].as_str().unwrap().to_owned();
    for path in [
        format!("/customization-orders/{id}/files/{file}"),
        format!("/api/v1/customization-orders/{id}/files/{file}"),
    ] {
        offers_the_plain_name(&app, &path, &customer_cookie, &customer).await;
    }

    // The pages list the plain name too.
    let page = app
        .get(
            &format!("/customization-orders/{id}"),
            Some(&customer_cookie),
        )
        .await;
    assert!(page.text().contains("fakturafdp.exe"));
    assert!(!page.text().contains('\u{202e}'));
}

const MARKDOWN: &str = "Viz ![schéma](schema.png) a ![venku](http://elsewhere.example/p.png).";

/// The page at `path` shows the record's picture from `route` and the outside one only as a
/// link.
fn shows_only_the_portal_picture(page: &str, route: &str) {
    assert!(
        page.contains(&format!("<img src=\"{route}\" alt=\"schéma\"")),
        "{route} not shown: {page}"
    );
    assert!(
        page.contains("<a href=\"http://elsewhere.example/p.png\""),
        "no link: {page}"
    );
    assert!(!page.contains("src=\"http://elsewhere"), "{page}");
}

#[tokio::test]
async fn markdown_shows_pictures_only_from_its_own_records_files_in_every_agenda() {
    let Portal {
        app,
        staff_cookie,
        staff,
        customer_cookie,
        customer,
        lhota,
        admin,
        product,
    } = portal().await;

    // A support document: its description, and a reply pointing at an internal note's
    // picture, which the customer never gets.
    let file = upload_named(&app, &customer, "schema.png").await;
    let created = api_call(
        &app,
        "POST",
        "/api/v1/support-documents",
        &customer,
        Some(json!({
            "organisation_id": lhota.0, "category": "error", "severity": "low",
            "subject": "Obrázky", "description": MARKDOWN, "file_ids": [file]
        })),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let document = created.json()["id"].as_str().unwrap().to_owned();
    let secret = upload_named(&app, &staff, "tajne.png").await;
    for (body, internal, files) in [
        ("Interní snímek.", true, vec![secret.clone()]),
        ("Odpověď ![t](tajne.png)", false, vec![]),
    ] {
        let reply = api_call(
            &app,
            "POST",
            &format!("/api/v1/support-documents/{document}/comments"),
            &staff,
            Some(json!({"body": body, "internal": internal, "file_ids": files})),
        )
        .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    }
    let path = format!("/support-documents/{document}");
    let page = app.get(&path, Some(&customer_cookie)).await.text();
    shows_only_the_portal_picture(&page, &format!("/files/{file}"));
    assert!(
        !page.contains(&secret),
        "an internal note's file reached the customer"
    );
    let page = app.get(&path, Some(&staff_cookie)).await.text();
    assert!(page.contains(&format!("<img src=\"/files/{secret}\" alt=\"t\"")));

    // A customization order's requirement.
    let file = upload_named(&app, &customer, "schema.png").await;
    let created = api_call(
        &app,
        "POST",
        "/api/v1/customization-orders",
        &customer,
        Some(json!({
            "organisation_id": lhota.0, "title": "Obrázky",
            "description": MARKDOWN, "file_ids": [file]
        })),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let order = created.json()["id"].as_str().unwrap().to_owned();
    let page = app
        .get(
            &format!("/customization-orders/{order}"),
            Some(&customer_cookie),
        )
        .await
        .text();
    shows_only_the_portal_picture(
        &page,
        &format!("/customization-orders/{order}/files/{file}"),
    );
    // A reply's own picture.
    let reply_file = upload_named(&app, &customer, "snimek.png").await;
    let replied = api_call(
        &app,
        "POST",
        &format!("/api/v1/customization-orders/{order}/comments"),
        &customer,
        Some(json!({"body": "Viz ![snímek](snimek.png)", "file_ids": [reply_file]})),
    )
    .await;
    assert_eq!(replied.status, StatusCode::CREATED, "{}", replied.text());
    let page = app
        .get(
            &format!("/customization-orders/{order}"),
            Some(&customer_cookie),
        )
        .await
        .text();
    assert!(
        page.contains(&format!(
            "<img src=\"/customization-orders/{order}/files/{reply_file}\" alt=\"snímek\""
        )),
        "a reply's picture: {page}"
    );

    // A patch's release notes.
    let file = upload_named(&app, &staff, "schema.png").await;
    let created = api_call(
        &app,
        "POST",
        "/api/v1/patches",
        &staff,
        Some(json!({
            "product_id": product.0, "module": "Podatelna", "build": "5.4.2",
            "title": "Obrázky", "release_notes": MARKDOWN, "released_on": "2026-03-01",
            "visibility": "all", "file_ids": [file]
        })),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let patch = created.json()["id"].as_str().unwrap().to_owned();
    let page = app
        .get(&format!("/podpora/patches/{patch}"), Some(&staff_cookie))
        .await
        .text();
    shows_only_the_portal_picture(&page, &format!("/podpora/patches/{patch}/files/{file}"));

    // A procedure's text.
    let file = upload_named(&app, &staff, "schema.png").await;
    let created = api_call(
        &app,
        "POST",
        "/api/v1/procedures",
        &staff,
        Some(
            json!({"title": "Obrázky", "body": MARKDOWN, "visibility": "all", "file_ids": [file]}),
        ),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let procedure = created.json()["id"].as_str().unwrap().to_owned();
    let page = app
        .get(
            &format!("/podpora/procedures/{procedure}"),
            Some(&staff_cookie),
        )
        .await
        .text();
    shows_only_the_portal_picture(
        &page,
        &format!("/podpora/procedures/{procedure}/files/{file}"),
    );

    // A protocol's agenda item.
    let file = upload_named(&app, &staff, "schema.png").await;
    let created = api_call(
        &app,
        "POST",
        "/api/v1/protocols",
        &staff,
        Some(json!({
            "organisation_id": lhota.0, "project": "Spisová služba", "kind": "video_call",
            "held_at": "2026-11-20T10:00", "minute_taker_id": admin.user_id.0,
            "subject": "Obrázky", "file_ids": [file],
            "items": [{"title": "Schéma", "summary": MARKDOWN, "decisions": ""}]
        })),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let protocol = created.json()["id"].as_str().unwrap().to_owned();
    let page = app
        .get(&format!("/protocols/{protocol}"), Some(&staff_cookie))
        .await
        .text();
    shows_only_the_portal_picture(&page, &format!("/protocols/{protocol}/files/{file}"));
}
