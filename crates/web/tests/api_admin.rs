//! Administration through the JSON API with a personal token: the catalogue, organisations,
//! installation cards and contracts; precise problems for bad input, 409 for stale edits,
//! and a foreign organisation answering exactly like a missing one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Reply, TestApp, api_call as call, api_token as token};
use serde_json::{Value, json};
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::{StaffRole, UserKind};

fn sla() -> Value {
    json!([
        {"severity": "critical", "response_minutes": 120, "resolution_minutes": 480},
        {"severity": "high", "response_minutes": 240, "resolution_minutes": 960},
        {"severity": "medium", "response_minutes": 480, "resolution_minutes": 2400},
        {"severity": "low", "response_minutes": 960, "resolution_minutes": 4800}
    ])
}

#[tokio::test]
async fn staff_administer_organisations_contracts_and_the_catalogue_through_the_api() {
    let app = TestApp::new().await;
    app.user(
        "api.manazer",
        UserKind::Staff,
        vec![StaffRole::ProjectManager],
    )
    .await;
    app.staff("api.technik").await;
    let pm = token(&app, "api.manazer").await;
    let tech = token(&app, "api.technik").await;

    let product = call(
        &app,
        "POST",
        "/api/v1/products",
        &pm,
        Some(json!({
            "code": "SPIS", "name": "Spisová služba",
            "modules": ["Podatelna", "Výpravna"], "versions": ["5.4", "5.3"]
        })),
    )
    .await;
    assert_eq!(product.status, StatusCode::CREATED, "{}", product.text());
    let product_id = product.json()["id"].as_str().unwrap().to_owned();
    let denied = call(&app, "POST", "/api/v1/products", &tech, Some(json!({}))).await;
    assert_eq!(denied.status, StatusCode::NOT_FOUND);
    let listed = call(&app, "GET", "/api/v1/products", &tech, None).await;
    assert_eq!(listed.json()[0]["versions"], json!(["5.4", "5.3"]));

    let organisation = json!({
        "name": "Obec API", "kind": "customer", "ico": "25596641",
        "street": "Náves 1", "city": "Lhota", "postal_code": "100 00", "is_public_body": true
    });
    let mut bad = organisation.clone();
    bad["ico"] = json!("25596642");
    bad["name"] = json!(" ");
    let refused = call(&app, "POST", "/api/v1/organisations", &pm, Some(bad)).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.header("content-type"), "application/problem+json");
    let problem = refused.json();
    let fields: Vec<(&str, &str)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    assert!(
        fields.contains(&("ico", "organisation-error-ico-checksum")),
        "{fields:?}"
    );
    assert!(
        fields.contains(&("name", "form-error-required")),
        "{fields:?}"
    );
    let garbled = app
        .send(
            Request::post("/api/v1/organisations")
                .header("host", "127.0.0.1:8080")
                .header("authorization", format!("Bearer {pm}"))
                .body(Body::from("{nope"))
                .unwrap(),
        )
        .await;
    assert_eq!(garbled.status, StatusCode::BAD_REQUEST);
    assert_eq!(garbled.json()["code"], "invalid_json");
    let created = call(
        &app,
        "POST",
        "/api/v1/organisations",
        &pm,
        Some(organisation.clone()),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let id = created.json()["id"].as_str().unwrap().to_owned();

    let wrong_module = call(&app, "POST", &format!("/api/v1/organisations/{id}/installations"), &pm, Some(json!({
        "product_id": product_id, "label": "Produkce", "product_version": "5.4", "modules": ["Mzdy"]
    }))).await;
    assert_eq!(wrong_module.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong_module.json()["errors"][0]["field"], "modules");
    let installed = call(&app, "POST", &format!("/api/v1/organisations/{id}/installations"), &pm, Some(json!({
        "product_id": product_id, "label": "Produkce", "product_version": "5.4", "modules": ["Podatelna"]
    }))).await;
    assert_eq!(
        installed.status,
        StatusCode::CREATED,
        "{}",
        installed.text()
    );

    let contract = json!({
        "number": "SP-API-1", "valid_from": "2026-01-01", "valid_to": "2026-12-31",
        "state": "active", "product_ids": [product_id], "prepaid_minutes": 600, "sla": sla()
    });
    let made = call(
        &app,
        "POST",
        &format!("/api/v1/organisations/{id}/contracts"),
        &pm,
        Some(contract.clone()),
    )
    .await;
    assert_eq!(made.status, StatusCode::CREATED, "{}", made.text());
    let contract_id = made.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(made.json()["prepaid_minutes"], 600);
    let mut longer = contract.clone();
    longer["valid_to"] = json!("2027-12-31");
    longer["version"] = json!(1);
    let changed = call(
        &app,
        "PUT",
        &format!("/api/v1/contracts/{contract_id}"),
        &pm,
        Some(longer.clone()),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text());
    assert_eq!(changed.json()["valid_to"], "2027-12-31");
    let stale = call(
        &app,
        "PUT",
        &format!("/api/v1/contracts/{contract_id}"),
        &pm,
        Some(longer),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let readonly = call(
        &app,
        "PUT",
        &format!("/api/v1/contracts/{contract_id}"),
        &tech,
        Some(contract),
    )
    .await;
    assert_eq!(
        readonly.status,
        StatusCode::NOT_FOUND,
        "technicians read contracts only"
    );

    let detail = call(
        &app,
        "GET",
        &format!("/api/v1/organisations/{id}"),
        &tech,
        None,
    )
    .await
    .json();
    assert_eq!(detail["installations"][0]["modules"], json!(["Podatelna"]));
    assert_eq!(detail["contracts"][0]["number"], "SP-API-1");

    let mut renamed = organisation.clone();
    renamed["name"] = json!("Obec API-Lhota");
    renamed["version"] = json!(1);
    let updated = call(
        &app,
        "PUT",
        &format!("/api/v1/organisations/{id}"),
        &pm,
        Some(renamed.clone()),
    )
    .await;
    assert_eq!(updated.status, StatusCode::OK);
    let stale = call(
        &app,
        "PUT",
        &format!("/api/v1/organisations/{id}"),
        &pm,
        Some(renamed),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);

    // A customer of another organisation: the organisation answers like a missing one.
    let other = call(&app, "POST", "/api/v1/organisations", &pm, Some(json!({
        "name": "Obec Jiná", "kind": "customer", "street": "1", "city": "Jiná", "postal_code": "1"
    }))).await.json()["id"].as_str().unwrap().to_owned();
    let customer = app.user("api.zakaznik", UserKind::Customer, vec![]).await;
    app.db
        .store
        .set_membership(customer, other.parse().unwrap(), &MembershipRights::NONE)
        .await
        .unwrap();
    let cust = token(&app, "api.zakaznik").await;
    let list = call(&app, "GET", "/api/v1/organisations", &cust, None)
        .await
        .json();
    let names: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Obec Jiná"]);
    let foreign = call(
        &app,
        "GET",
        &format!("/api/v1/organisations/{id}"),
        &cust,
        None,
    )
    .await;
    let missing = call(
        &app,
        "GET",
        &format!("/api/v1/organisations/{}", uuid::Uuid::now_v7()),
        &cust,
        None,
    )
    .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let strip = |r: &Reply| {
        let mut v = r.json();
        v["request_id"] = Value::Null;
        v
    };
    assert_eq!(
        strip(&foreign),
        strip(&missing),
        "foreign = missing, byte for byte but the request id"
    );
    assert!(!foreign.text().contains("Obec API"));
}
