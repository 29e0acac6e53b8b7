//! Failed sign-ins are throttled per login name and per client address, in the database.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{PASSWORD, TestApp};
use supportweb_files::FileStore;
use supportweb_storage::Store;
use supportweb_web::{AppState, WebConfig};

#[tokio::test]
async fn five_failures_block_a_login_name_even_with_the_right_password() {
    let app = TestApp::new().await;
    app.staff("blokovany").await;
    for attempt in 1..=5 {
        let reply = app
            .sign_in_from("blokovany", "spatne-heslo-1", "192.0.2.10")
            .await;
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "attempt {attempt}"
        );
    }
    let blocked = app.sign_in_from("blokovany", PASSWORD, "192.0.2.11").await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(blocked.session_cookie().is_none());
    assert!(
        blocked.text().contains("Příliš mnoho neúspěšných pokusů"),
        "{}",
        blocked.text()
    );
    assert!(blocked.text().contains("za 15 minut"), "{}", blocked.text());
    let retry: i64 = blocked.header("retry-after").parse().unwrap();
    assert!((840..=900).contains(&retry), "{retry}");

    // Other login names from the same address still work.
    app.staff("jiny.uzivatel").await;
    let other = app
        .sign_in_from("jiny.uzivatel", PASSWORD, "192.0.2.10")
        .await;
    assert_eq!(other.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn unknown_and_existing_login_names_are_throttled_alike() {
    let app = TestApp::new().await;
    app.staff("existuje").await;
    for _ in 0..5 {
        app.sign_in_from("existuje", "spatne-heslo-1", "192.0.2.20")
            .await;
        app.sign_in_from("neexistuje", "spatne-heslo-1", "192.0.2.21")
            .await;
    }
    let existing = app
        .sign_in_from("existuje", "spatne-heslo-1", "192.0.2.22")
        .await;
    let unknown = app
        .sign_in_from("neexistuje", "spatne-heslo-1", "192.0.2.22")
        .await;
    assert_eq!(existing.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(existing.status, unknown.status);
    let normalise = |text: String, login: &str| {
        text.replace(login, "LOGIN")
            .replace("za 14 minut", "za 15 minut")
    };
    assert_eq!(
        normalise(existing.text(), "existuje"),
        normalise(unknown.text(), "neexistuje")
    );
}

#[tokio::test]
async fn twenty_failures_block_an_address_for_every_login_name() {
    let app = TestApp::new().await;
    app.staff("obet").await;
    for attempt in 0..20 {
        let login = format!("zkousi-{attempt}");
        app.sign_in_from(&login, "hadam-heslo-1", "198.51.100.5")
            .await;
    }
    let from_attacker = app.sign_in_from("obet", PASSWORD, "198.51.100.5").await;
    assert_eq!(from_attacker.status, StatusCode::TOO_MANY_REQUESTS);
    let from_elsewhere = app.sign_in_from("obet", PASSWORD, "198.51.100.6").await;
    assert_eq!(
        from_elsewhere.status,
        StatusCode::SEE_OTHER,
        "the real user is not locked out"
    );
}

#[tokio::test]
async fn a_successful_sign_in_resets_the_count_for_its_login_name() {
    let app = TestApp::new().await;
    app.staff("zapomnetlivy").await;
    for _ in 0..4 {
        app.sign_in_from("zapomnetlivy", "spatne-heslo-1", "192.0.2.30")
            .await;
    }
    assert_eq!(
        app.sign_in_from("zapomnetlivy", PASSWORD, "192.0.2.30")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    for _ in 0..4 {
        app.sign_in_from("zapomnetlivy", "spatne-heslo-1", "192.0.2.30")
            .await;
    }
    assert_eq!(
        app.sign_in_from("zapomnetlivy", PASSWORD, "192.0.2.30")
            .await
            .status,
        StatusCode::SEE_OTHER,
        "four new failures after a success do not block"
    );
}

#[tokio::test]
async fn throttling_holds_across_instances_sharing_the_database() {
    let first = TestApp::new().await;
    first.staff("sdileny").await;
    // A second instance: its own pool, state and router on the same database.
    let store = Store::connect(&first.db.url, 2).await.unwrap();
    let folder = tempfile::tempdir().unwrap();
    let state = AppState::new(
        store,
        FileStore::local(folder.path(), 1024).unwrap(),
        WebConfig::for_url(common::ORIGIN),
        Vec::new(),
    );
    let second = supportweb_web::app(state);
    for _ in 0..5 {
        first
            .sign_in_from("sdileny", "spatne-heslo-1", "192.0.2.40")
            .await;
    }
    let body = serde_urlencoded::to_string([("login", "sdileny"), ("password", PASSWORD)]).unwrap();
    let request = axum::http::Request::post("/login")
        .header("host", "127.0.0.1:8080")
        .header("sec-fetch-site", "same-origin")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(axum::body::Body::from(body))
        .unwrap();
    let response = tower::ServiceExt::oneshot(second, request).await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn behind_a_proxy_the_configured_header_names_the_client() {
    let db = supportweb_storage::testing::sqlite().await;
    let folder = tempfile::tempdir().unwrap();
    let mut config = WebConfig::for_url(common::ORIGIN);
    config.client_ip_header = Some("x-forwarded-for".into());
    let app = supportweb_web::app(AppState::new(
        db.store.clone(),
        FileStore::local(folder.path(), 1024).unwrap(),
        config,
        Vec::new(),
    ));
    let attempt = |forwarded: &'static str, login: String| {
        let body =
            serde_urlencoded::to_string([("login", login.as_str()), ("password", "x-heslo-123")])
                .unwrap();
        axum::http::Request::post("/login")
            .header("host", "127.0.0.1:8080")
            .header("sec-fetch-site", "same-origin")
            .header("x-forwarded-for", forwarded)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(body))
            .unwrap()
    };
    for n in 0..20 {
        // The client can prepend anything; only the entry the proxy appended counts.
        let forwarded = if n % 2 == 0 {
            "10.0.0.1, 203.0.113.9"
        } else {
            "10.9.9.9, 203.0.113.9"
        };
        tower::ServiceExt::oneshot(app.clone(), attempt(forwarded, format!("login-{n}")))
            .await
            .unwrap();
    }
    let blocked = tower::ServiceExt::oneshot(app.clone(), attempt("203.0.113.9", "kdokoli".into()))
        .await
        .unwrap();
    assert_eq!(blocked.status(), StatusCode::TOO_MANY_REQUESTS);
    let other =
        tower::ServiceExt::oneshot(app, attempt("10.0.0.1, 203.0.113.10", "kdokoli".into()))
            .await
            .unwrap();
    assert_eq!(other.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_forged_header_line_of_the_client_never_names_it() {
    let db = supportweb_storage::testing::sqlite().await;
    let folder = tempfile::tempdir().unwrap();
    let mut config = WebConfig::for_url(common::ORIGIN);
    config.client_ip_header = Some("x-forwarded-for".into());
    let app = supportweb_web::app(AppState::new(
        db.store.clone(),
        FileStore::local(folder.path(), 1024).unwrap(),
        config,
        Vec::new(),
    ));
    // HAProxy's `option forwardfor` adds a line of its own after the client's: the client's
    // forged line comes first and must not count.
    let attempt = |forged: String, login: String| {
        let body =
            serde_urlencoded::to_string([("login", login.as_str()), ("password", "x-heslo-123")])
                .unwrap();
        axum::http::Request::post("/login")
            .header("host", "127.0.0.1:8080")
            .header("sec-fetch-site", "same-origin")
            .header("x-forwarded-for", forged)
            .header("x-forwarded-for", "203.0.113.77")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from(body))
            .unwrap()
    };
    for n in 0..20 {
        tower::ServiceExt::oneshot(
            app.clone(),
            attempt(format!("10.1.1.{n}"), format!("ucet-{n}")),
        )
        .await
        .unwrap();
    }
    let blocked = tower::ServiceExt::oneshot(app, attempt("10.2.2.2".into(), "kdokoli".into()))
        .await
        .unwrap();
    assert_eq!(
        blocked.status(),
        StatusCode::TOO_MANY_REQUESTS,
        "twenty failures from the proxy-named address block it, whatever the client wrote"
    );
}
