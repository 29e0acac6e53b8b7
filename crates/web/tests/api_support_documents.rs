//! Support documents through the JSON API with personal tokens: opening with an attachment,
//! the entitlement gate, precise problems for bad input, the workflow with stale versions,
//! assignment, watchers, time, and the canary sweep — internal notes, logged time and other
//! organisations' documents never reach a customer's API responses.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{TestApp, api_call as call, api_token as token, multipart, organisation};
use serde_json::{Value, json};
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::ids::OrganisationId;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::{StaffRole, UserKind};

const CANARY: &str = "API-KANÁREK-4242";

async fn member(app: &TestApp, login: &str, organisation: OrganisationId, right: AgendaRight) {
    let id = app.user(login, UserKind::Customer, vec![]).await;
    app.db
        .store
        .set_membership(
            id,
            organisation,
            &MembershipRights {
                support_documents: right,
                ..MembershipRights::NONE
            },
        )
        .await
        .unwrap();
}

async fn upload(app: &TestApp, token: &str, name: &str, content: &[u8]) -> String {
    let (content_type, body) = multipart("file", name, content);
    let request = Request::post("/api/v1/files")
        .header("host", "127.0.0.1:8080")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", content_type)
        .body(Body::from(body))
        .unwrap();
    let reply = app.send(request).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text());
    reply.json()["id"].as_str().unwrap().to_owned()
}

fn codes(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap_or_default().to_owned(),
                e["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn opening(organisation: OrganisationId, files: &[&str]) -> Value {
    json!({
        "organisation_id": organisation.to_string(),
        "category": "error",
        "severity": "high",
        "module": "Podatelna",
        "product_version": "5.2.3",
        "subject": "Nelze uložit doručenou zásilku",
        "description": "Po kliknutí na **Uložit** se objeví chyba.",
        "contact": "Jana Malá, 604 111 222",
        "file_ids": files,
    })
}

#[tokio::test]
async fn the_support_document_agenda_works_through_the_api() {
    agenda_through_the_api(TestApp::new().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_support_document_agenda_works_through_the_api_on_postgres() {
    if let Some(db) = supportweb_storage::testing::postgres().await {
        agenda_through_the_api(TestApp::on(db).await).await;
    }
}

async fn agenda_through_the_api(app: TestApp) {
    let jihlava = organisation(&app, "Statutární město Jihlava", true).await;
    let lhota = organisation(&app, "Obec Lhota", true).await;
    let ves = organisation(&app, "Obec Ves", false).await;
    member(&app, "referentka", jihlava, AgendaRight::Write).await;
    member(&app, "tajemnik", jihlava, AgendaRight::Read).await;
    member(&app, "starosta.lhota", lhota, AgendaRight::Write).await;
    member(&app, "starosta.ves", ves, AgendaRight::Write).await;
    app.user("vedouci", UserKind::Staff, vec![StaffRole::ProjectManager])
        .await;
    let technician_id = app.staff("technik").await;
    app.user("vyvojar", UserKind::Staff, vec![StaffRole::Developer])
        .await;
    let customer = token(&app, "referentka").await;
    let reader = token(&app, "tajemnik").await;
    let stranger = token(&app, "starosta.lhota").await;
    let unentitled = token(&app, "starosta.ves").await;
    let manager = token(&app, "vedouci").await;
    let technician = token(&app, "technik").await;
    let developer = token(&app, "vyvojar").await;

    // Opening with an attachment uploaded first.
    let file = upload(&app, &customer, "chyba.txt", b"Stack trace: NullPointer").await;
    let created = call(
        &app,
        "POST",
        "/api/v1/support-documents",
        &customer,
        Some(opening(jihlava, &[&file])),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let document = created.json();
    let id = document["id"].as_str().unwrap().to_owned();
    assert!(document["number"].as_str().unwrap().starts_with("SD-"));
    assert_eq!(document["state"], "new");
    assert_eq!(document["severity"], "high");
    assert!(document["sla"]["response_due_at"].is_string());
    let path = format!("/api/v1/support-documents/{id}");

    // Bad input: a problem per field, nothing created.
    let bad = call(
        &app,
        "POST",
        "/api/v1/support-documents",
        &customer,
        Some(json!({
            "organisation_id": jihlava.to_string(),
            "category": "stiznost",
            "severity": "high",
            "subject": "",
            "description": "Popis",
        })),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.header("content-type"), "application/problem+json");
    let fields = codes(&bad.json());
    assert!(fields.contains(&("category".into(), "support-error-category".into())));
    assert!(fields.contains(&("subject".into(), "support-error-subject".into())));
    let broken = call(
        &app,
        "POST",
        "/api/v1/support-documents",
        &customer,
        Some(json!({"organisation_id": 5})),
    )
    .await;
    assert_eq!(broken.status, StatusCode::BAD_REQUEST);

    // The entitlement gate, and organisations the caller may not write for.
    let gated = call(
        &app,
        "POST",
        "/api/v1/support-documents",
        &unentitled,
        Some(opening(ves, &[])),
    )
    .await;
    assert_eq!(gated.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        codes(&gated.json()),
        vec![("organisation_id".into(), "support-not-entitled".into())]
    );
    let foreign = call(
        &app,
        "POST",
        "/api/v1/support-documents",
        &stranger,
        Some(opening(jihlava, &[])),
    )
    .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let read_only = call(
        &app,
        "POST",
        "/api/v1/support-documents",
        &reader,
        Some(opening(jihlava, &[])),
    )
    .await;
    assert_eq!(read_only.status, StatusCode::NOT_FOUND);
    let ves_list = call(&app, "GET", "/api/v1/support-documents", &unentitled, None).await;
    assert_eq!(ves_list.json()["items"].as_array().unwrap().len(), 0);

    // Staff: the unassigned queue; an internal note and a public reply.
    let queue = call(
        &app,
        "GET",
        "/api/v1/support-documents?view=unassigned&state=unfinished&sort=due",
        &technician,
        None,
    )
    .await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.text());
    assert_eq!(queue.json()["items"][0]["id"], id.as_str());
    let filter = call(
        &app,
        "GET",
        "/api/v1/support-documents?severity=urgent&from=vcera",
        &technician,
        None,
    )
    .await;
    assert_eq!(filter.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = codes(&filter.json());
    assert!(fields.contains(&("severity".into(), "support-error-filter".into())));
    assert!(fields.contains(&("from".into(), "support-error-filter".into())));

    let note = call(
        &app,
        "POST",
        &format!("{path}/comments"),
        &technician,
        Some(json!({"body": format!("Zákazník má starou verzi. {CANARY}"), "internal": true})),
    )
    .await;
    assert_eq!(note.status, StatusCode::CREATED, "{}", note.text());
    assert_eq!(note.json()["internal"], true);
    let reply = call(
        &app,
        "POST",
        &format!("{path}/comments"),
        &technician,
        Some(json!({"body": "Oprava je v záplatě 5.2.4."})),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    let empty = call(
        &app,
        "POST",
        &format!("{path}/comments"),
        &customer,
        Some(json!({"body": "   "})),
    )
    .await;
    assert_eq!(
        codes(&empty.json()),
        vec![("body".into(), "support-error-reply".into())]
    );
    let customer_note = call(
        &app,
        "POST",
        &format!("{path}/comments"),
        &customer,
        Some(json!({"body": "Tajně", "internal": true})),
    )
    .await;
    assert_eq!(customer_note.status, StatusCode::FORBIDDEN);

    // Assignment by the manager; a stale version is refused.
    let version = call(&app, "GET", &path, &manager, None).await.json()["document"]["version"]
        .as_i64()
        .unwrap();
    let assigned = call(
        &app,
        "PUT",
        &format!("{path}/assignee"),
        &manager,
        Some(json!({"assignee_id": technician_id.to_string(), "version": version})),
    )
    .await;
    assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.text());
    assert_eq!(assigned.json()["assignee_name"], "Zkušební technik");
    let stale = call(
        &app,
        "PUT",
        &format!("{path}/assignee"),
        &manager,
        Some(json!({"assignee_id": null, "version": version})),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let by_developer = call(
        &app,
        "PUT",
        &format!("{path}/assignee"),
        &developer,
        Some(json!({"assignee_id": null, "version": version + 1})),
    )
    .await;
    assert_eq!(by_developer.status, StatusCode::FORBIDDEN);

    // Workflow: accept, start, resolve; a second accept with the old version gets 409; the
    // customer may not resolve.
    let detail = call(&app, "GET", &path, &technician, None).await.json();
    assert!(
        detail["actions"]
            .as_array()
            .unwrap()
            .contains(&json!("accept"))
    );
    let version = detail["document"]["version"].as_i64().unwrap();
    let accepted = call(
        &app,
        "POST",
        &format!("{path}/transitions"),
        &technician,
        Some(json!({"transition": "accept", "version": version})),
    )
    .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());
    assert_eq!(accepted.json()["state"], "accepted");
    let again = call(
        &app,
        "POST",
        &format!("{path}/transitions"),
        &technician,
        Some(json!({"transition": "accept", "version": version})),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let unknown = call(
        &app,
        "POST",
        &format!("{path}/transitions"),
        &technician,
        Some(json!({"transition": "auto_close", "version": version + 1})),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let version = accepted.json()["version"].as_i64().unwrap();
    let by_customer = call(
        &app,
        "POST",
        &format!("{path}/transitions"),
        &customer,
        Some(json!({"transition": "resolve", "version": version})),
    )
    .await;
    assert_eq!(by_customer.status, StatusCode::FORBIDDEN);

    // Time: staff only, validated, hidden from customers.
    let logged = call(
        &app,
        "POST",
        &format!("{path}/time"),
        &technician,
        Some(json!({"activity": "analysis", "minutes": 90, "billable": true, "note": CANARY})),
    )
    .await;
    assert_eq!(logged.status, StatusCode::CREATED, "{}", logged.text());
    assert_eq!(logged.json()[0]["minutes"], 90);
    let bad_time = call(
        &app,
        "POST",
        &format!("{path}/time"),
        &technician,
        Some(json!({"activity": "obed", "minutes": 0})),
    )
    .await;
    let fields = codes(&bad_time.json());
    assert!(fields.contains(&("activity".into(), "support-error-activity".into())));
    assert!(fields.contains(&("minutes".into(), "support-error-hours".into())));
    let customer_time = call(
        &app,
        "POST",
        &format!("{path}/time"),
        &customer,
        Some(json!({"activity": "analysis", "minutes": 30})),
    )
    .await;
    assert_eq!(customer_time.status, StatusCode::FORBIDDEN);

    // Watching.
    let watched = call(
        &app,
        "POST",
        &format!("{path}/watchers"),
        &reader,
        Some(json!({"watch": true})),
    )
    .await;
    assert_eq!(watched.status, StatusCode::OK, "{}", watched.text());
    let names: Vec<Value> = watched
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["display_name"].clone())
        .collect();
    assert!(names.contains(&json!("Zkušební tajemnik")), "{names:?}");

    // What the customer receives: the reply, the attachment, no note, no time.
    let seen = call(&app, "GET", &path, &customer, None).await;
    assert_eq!(seen.status, StatusCode::OK);
    let text = seen.text();
    assert!(text.contains("Oprava je v záplatě 5.2.4."));
    assert!(
        !text.contains(CANARY),
        "internal data reached a customer: {text}"
    );
    let detail = seen.json();
    assert_eq!(detail["time_entries"].as_array().unwrap().len(), 0);
    assert_eq!(detail["attachments"][0]["file_name"], "chyba.txt");
    assert_eq!(detail["comments"].as_array().unwrap().len(), 1);
    let staff_view = call(&app, "GET", &path, &technician, None).await.text();
    assert!(staff_view.contains(CANARY), "staff see notes and time");

    // Another organisation's user: the document is missing everywhere.
    for (method, suffix, body) in [
        ("GET", "", None),
        ("POST", "/comments", Some(json!({"body": "Ahoj"}))),
        (
            "POST",
            "/transitions",
            Some(json!({"transition": "cancel", "version": 1})),
        ),
        ("POST", "/watchers", Some(json!({"watch": true}))),
    ] {
        let reply = call(&app, method, &format!("{path}{suffix}"), &stranger, body).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{method} {suffix}");
        assert!(!reply.text().contains("Jihlava"));
    }
    let list = call(
        &app,
        "GET",
        "/api/v1/support-documents?view=all",
        &stranger,
        None,
    )
    .await;
    assert_eq!(list.json()["items"].as_array().unwrap().len(), 0);
    // Canned replies: staff who process documents maintain them, writers read them,
    // customers never see them.
    let added = call(
        &app,
        "POST",
        "/api/v1/canned-replies",
        &manager,
        Some(json!({"title": "Záplata", "body": "Oprava je v nejbližší záplatě."})),
    )
    .await;
    assert_eq!(added.status, StatusCode::CREATED, "{}", added.text());
    let canned = added.json();
    let twice = call(
        &app,
        "POST",
        "/api/v1/canned-replies",
        &manager,
        Some(json!({"title": "Záplata", "body": "Jinak."})),
    )
    .await;
    assert_eq!(
        twice.status,
        StatusCode::CONFLICT,
        "a title another reply has"
    );
    assert_eq!(
        codes(&twice.json()),
        vec![("title".into(), "support-canned-error-duplicate".into())]
    );
    let canned_path = format!("/api/v1/canned-replies/{}", canned["id"].as_str().unwrap());
    let changed = call(
        &app,
        "PUT",
        &canned_path,
        &manager,
        Some(json!({"title": "Záplata 5.2.4", "body": "Oprava je v záplatě 5.2.4.", "version": canned["version"]})),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text());
    let stale = call(
        &app,
        "PUT",
        &canned_path,
        &manager,
        Some(json!({"title": "Stará", "body": "Stará verze.", "version": canned["version"]})),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let read = call(&app, "GET", "/api/v1/canned-replies", &developer, None).await;
    assert_eq!(read.json()[0]["title"], "Záplata 5.2.4");
    let by_customer = call(&app, "GET", "/api/v1/canned-replies", &customer, None).await;
    assert_eq!(by_customer.status, StatusCode::NOT_FOUND);
    let by_developer = call(&app, "DELETE", &canned_path, &developer, None).await;
    assert_eq!(by_developer.status, StatusCode::NOT_FOUND);
    let deleted = call(&app, "DELETE", &canned_path, &manager, None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        call(&app, "GET", "/api/v1/canned-replies", &manager, None)
            .await
            .json()
            .as_array()
            .unwrap()
            .len(),
        0
    );

    // Notification preferences: customers see and set only the kinds they can receive.
    let kinds = call(&app, "GET", "/api/v1/me/notifications", &customer, None).await;
    let listed: Vec<String> = kinds
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kind"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        listed,
        [
            "document_created",
            "document_reply",
            "document_state",
            "patch_published",
            "protocol_issued",
            "task_due_soon",
            "task_overdue",
            "quote_issued",
            "order_delivered",
            "order_cancelled",
            "order_reply"
        ]
    );
    let off = call(
        &app,
        "PUT",
        "/api/v1/me/notifications",
        &customer,
        Some(json!([{"kind": "document_reply", "enabled": false}])),
    )
    .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.text());
    assert_eq!(
        off.json()[1],
        json!({"kind": "document_reply", "enabled": false})
    );
    assert_eq!(off.json()[0]["enabled"], true);
    let staff_only = call(
        &app,
        "PUT",
        "/api/v1/me/notifications",
        &customer,
        Some(json!([{"kind": "document_note", "enabled": true}])),
    )
    .await;
    assert_eq!(staff_only.status, StatusCode::FORBIDDEN);
    let unknown = call(
        &app,
        "PUT",
        "/api/v1/me/notifications",
        &customer,
        Some(json!([{"kind": "horoscope", "enabled": true}])),
    )
    .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let staff_kinds = call(&app, "GET", "/api/v1/me/notifications", &technician, None).await;
    let staff_listed: Vec<String> = staff_kinds
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["kind"].as_str().unwrap().to_owned())
        .collect();
    assert!(staff_listed.contains(&"document_note".to_owned()));
    assert!(staff_listed.contains(&"protocol_objected".to_owned()));
    assert!(!staff_listed.contains(&"patch_published".to_owned()));
    assert!(staff_listed.contains(&"order_submitted".to_owned()));
    assert!(!staff_listed.contains(&"quote_issued".to_owned()));
    assert!(staff_listed.contains(&"order_not_accepted".to_owned()));
    assert!(staff_listed.contains(&"order_note".to_owned()));
    assert_eq!(staff_listed.len(), 19, "{staff_listed:?}");

    let missing = call(
        &app,
        "GET",
        "/api/v1/support-documents/00000000-0000-0000-0000-000000000000",
        &technician,
        None,
    )
    .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}
