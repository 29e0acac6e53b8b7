//! The OpenAPI document is generated from the routes; a snapshot shows every change to it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::TestApp;

#[test]
fn the_openapi_document_matches_its_snapshot() {
    let document: serde_json::Value =
        serde_json::from_str(supportweb_web::api::openapi_document()).unwrap();
    insta::assert_json_snapshot!("openapi", document);
}

#[tokio::test]
async fn the_openapi_document_is_served_and_lists_every_api_route() {
    let app = TestApp::new().await;
    let reply = app.get("/api/openapi.json", None).await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-type"), "application/json");
    let document = reply.json();
    assert_eq!(document["info"]["title"], "Supportweb API");
    let paths = document["paths"].as_object().unwrap();
    for path in ["/api/v1/me", "/api/v1/files", "/api/v1/files/{id}"] {
        assert!(paths.contains_key(path), "{path} missing from the document");
    }
    assert!(document["components"]["schemas"]["Problem"].is_object());
}

/// A client generated from the document must send filters in the query string: a parameter
/// documented "in path" has to be a `{placeholder}` of its path, and nothing else is.
#[test]
fn path_parameters_are_placeholders_of_their_path_and_filters_are_in_the_query() {
    let document: serde_json::Value =
        serde_json::from_str(supportweb_web::api::openapi_document()).unwrap();
    let mut checked = 0;
    for (path, operations) in document["paths"].as_object().unwrap() {
        for (method, operation) in operations.as_object().unwrap() {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().unwrap();
                let placeholder = path.contains(&format!("{{{name}}}"));
                let place = parameter["in"].as_str().unwrap();
                assert_eq!(
                    place == "path",
                    placeholder,
                    "{method} {path}: parameter {name} documented in {place}"
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "{checked} parameters");
}
