//! The web shell in process: headers, languages, sign-in and sign-out, CSRF, errors, health.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{ORIGIN, PASSWORD, TestApp};
use supportweb_web::DemoAccount;

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::new().await;
    for path in [
        "/login",
        "/",
        "/neexistuje",
        "/assets/app.css",
        "/api/v1/me",
        "/healthz",
        "/api/openapi.json",
    ] {
        let reply = app.get(path, None).await;
        let csp = reply.header("content-security-policy");
        assert!(csp.contains("script-src 'self'"), "{path}: {csp}");
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
            "{path}: {csp}"
        );
        assert_eq!(reply.header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(reply.header("referrer-policy"), "same-origin", "{path}");
        assert_eq!(reply.header("x-request-id").len(), 36, "{path}");
    }
    let page = app.get("/login", None).await.text();
    assert!(
        !page.contains("<script>") && !page.contains("onclick"),
        "no inline script"
    );
}

#[tokio::test]
async fn pages_speak_czech_by_default_and_english_on_request() {
    let app = TestApp::new().await;
    let czech = app.get("/login", None).await.text();
    assert!(czech.contains("<html lang=\"cs\">") && czech.contains("Přihlašovací jméno"));

    let english = app
        .get_with("/login", None, &[("accept-language", "en-GB,en;q=0.9")])
        .await
        .text();
    assert!(english.contains("<html lang=\"en\">") && english.contains("Login name"));

    let remembered = app
        .get_with("/login", Some("sw-lang=cs"), &[("accept-language", "en")])
        .await
        .text();
    assert!(
        remembered.contains("Přihlašovací jméno"),
        "a chosen language beats the browser's"
    );
}

#[tokio::test]
async fn unknown_accounts_and_wrong_passwords_get_identical_answers() {
    let app = TestApp::new().await;
    app.staff("jana.mala").await;
    let wrong = app
        .post_form(
            "/login",
            &[("login", "jana.mala"), ("password", "spatne-heslo-123")],
            None,
        )
        .await;
    let unknown = app
        .post_form(
            "/login",
            &[("login", "nikdo.takovy"), ("password", "spatne-heslo-123")],
            None,
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(wrong.status, unknown.status);
    let strip = |text: String, login: &str| text.replace(login, "LOGIN");
    assert_eq!(
        strip(wrong.text(), "jana.mala"),
        strip(unknown.text(), "nikdo.takovy")
    );
    assert!(
        wrong
            .text()
            .contains("Přihlašovací jméno nebo heslo není správné")
    );
    assert!(wrong.session_cookie().is_none() && unknown.session_cookie().is_none());

    let empty = app
        .post_form("/login", &[("login", "jana.mala")], None)
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text().contains("Vyplňte přihlašovací jméno i heslo"));
    assert!(
        empty.text().contains("value=\"jana.mala\""),
        "the form keeps what was typed"
    );
}

#[tokio::test]
async fn sign_in_sets_a_host_only_session_cookie_and_rotates_it() {
    let app = TestApp::new().await;
    app.staff("petr.maly").await;
    let reply = app
        .post_form(
            "/login",
            &[
                ("login", "Petr.Maly"),
                ("password", PASSWORD),
                ("next", "/"),
            ],
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert_eq!(reply.header("location"), "/");
    let set_cookie = reply.header("set-cookie");
    assert!(set_cookie.starts_with("__Host-sw-session="), "{set_cookie}");
    for attribute in ["Path=/", "HttpOnly", "SameSite=Lax", "Secure"] {
        assert!(
            set_cookie.contains(attribute),
            "{attribute} missing: {set_cookie}"
        );
    }
    assert!(!set_cookie.contains("Domain"), "{set_cookie}");
    let first = reply.session_cookie().unwrap();

    let home = app.get("/", Some(&first)).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.text().contains("Dobrý den, Zkušební petr.maly"));
    let account = app.get("/account", Some(&first)).await;
    assert!(
        account.text().contains("Technik"),
        "roles are shown in Czech on the account page"
    );

    // Signing in again while carrying the old cookie replaces the session.
    let again = app
        .post_form(
            "/login",
            &[("login", "petr.maly"), ("password", PASSWORD)],
            Some(&first),
        )
        .await;
    let second = again.session_cookie().unwrap();
    assert_ne!(first, second, "the session id rotates on sign-in");
    assert_eq!(
        app.get("/", Some(&first)).await.status,
        StatusCode::SEE_OTHER,
        "old session ended"
    );
    assert_eq!(app.get("/", Some(&second)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn sign_out_ends_the_session_on_the_server() {
    let app = TestApp::new().await;
    app.staff("eva.mala").await;
    let cookie = app.sign_in("eva.mala").await;
    let out = app.post_form("/logout", &[], Some(&cookie)).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(out.header("location"), "/login");
    assert!(out.header("set-cookie").contains("Max-Age=0"));
    let after = app.get("/", Some(&cookie)).await;
    assert_eq!(
        after.status,
        StatusCode::SEE_OTHER,
        "a replayed cookie is worthless"
    );
    assert!(
        after.header("set-cookie").contains("Max-Age=0"),
        "the stale cookie is cleared"
    );
    let api = app.get("/api/v1/me", Some(&cookie)).await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in_and_back_only_to_local_pages() {
    let app = TestApp::new().await;
    app.staff("karel.maly").await;
    let home = app.get("/", None).await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.header("location"), "/login?next=%2F");

    for (next, expected) in [
        ("/", "/"),
        ("//evil.example/x", "/"),
        ("https://evil.example", "/"),
    ] {
        let reply = app
            .post_form(
                "/login",
                &[
                    ("login", "karel.maly"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
                None,
            )
            .await;
        assert_eq!(reply.header("location"), expected, "next={next}");
    }
}

#[tokio::test]
async fn cross_origin_state_changes_are_refused() {
    let app = TestApp::new().await;
    app.staff("ota.maly").await;
    let form = [("login", "ota.maly"), ("password", PASSWORD)];
    let cross_site = app
        .post_form_with(
            "/login",
            &form,
            None,
            &[
                ("sec-fetch-site", "cross-site"),
                ("origin", "https://evil.example"),
            ],
        )
        .await;
    assert_eq!(cross_site.status, StatusCode::FORBIDDEN);
    assert!(
        cross_site.text().contains("Požadavek odmítnut"),
        "{}",
        cross_site.text()
    );
    assert!(cross_site.session_cookie().is_none(), "nothing happened");

    let old_browser = app
        .post_form_with("/login", &form, None, &[("origin", "https://evil.example")])
        .await;
    assert_eq!(
        old_browser.status,
        StatusCode::FORBIDDEN,
        "Origin/Host mismatch without Sec-Fetch-Site"
    );

    let cookie = app.sign_in("ota.maly").await;
    let logout = app
        .post_form_with(
            "/logout",
            &[],
            Some(&cookie),
            &[("sec-fetch-site", "cross-site")],
        )
        .await;
    assert_eq!(logout.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get("/", Some(&cookie)).await.status,
        StatusCode::OK,
        "still signed in"
    );

    let same = app
        .post_form_with(
            "/login",
            &form,
            None,
            &[("sec-fetch-site", "same-origin"), ("origin", ORIGIN)],
        )
        .await;
    assert_eq!(same.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_chosen_language_is_kept_on_the_account() {
    let app = TestApp::new().await;
    app.staff("lida.mala").await;
    let cookie = app.sign_in("lida.mala").await;
    let chosen = app
        .post_form("/language", &[("lang", "en"), ("next", "/")], Some(&cookie))
        .await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER);
    assert_eq!(chosen.header("location"), "/");
    let home = app.get("/", Some(&cookie)).await.text();
    assert!(home.contains("Hello, Zkušební lida.mala") && home.contains("Sign out"));

    let fresh = app.sign_in("lida.mala").await;
    let home = app
        .get_with("/", Some(&fresh), &[("accept-language", "cs")])
        .await
        .text();
    assert!(
        home.contains("Sign out"),
        "the account's language beats the browser's"
    );

    let bad = app
        .post_form("/language", &[("lang", "xx")], Some(&cookie))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("Invalid input"));
}

#[tokio::test]
async fn anonymous_visitors_can_switch_language_before_signing_in() {
    let app = TestApp::new().await;
    let chosen = app
        .post_form("/language", &[("lang", "en"), ("next", "/login")], None)
        .await;
    assert_eq!(chosen.header("location"), "/login");
    assert!(chosen.header("set-cookie").starts_with("sw-lang=en"));
    let page = app.get("/login", Some("sw-lang=en")).await.text();
    assert!(page.contains("Sign in"));

    // Signing in with that choice keeps it: the account takes the chosen language.
    app.staff("anglicky.mluvici").await;
    let reply = app
        .post_form_with(
            "/login",
            &[("login", "anglicky.mluvici"), ("password", PASSWORD)],
            Some("sw-lang=en"),
            &[("sec-fetch-site", "same-origin")],
        )
        .await;
    let cookie = reply.session_cookie().unwrap();
    let home = app.get("/", Some(&cookie)).await.text();
    assert!(
        home.contains("Sign out"),
        "the language chosen before sign-in stays"
    );
}

#[tokio::test]
async fn health_and_readiness_follow_the_database() {
    let app = TestApp::new().await;
    let health = app.get("/healthz", None).await;
    assert_eq!(
        (health.status, health.text().as_str()),
        (StatusCode::OK, "ok")
    );
    assert_eq!(app.get("/readyz", None).await.status, StatusCode::OK);
    app.db.store.close().await;
    assert_eq!(
        app.get("/readyz", None).await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        app.get("/healthz", None).await.status,
        StatusCode::OK,
        "the process still lives"
    );
}

#[tokio::test]
async fn error_pages_show_the_request_id_and_no_internals() {
    let app = TestApp::new().await;
    app.staff("ivo.maly").await;
    let cookie = app.sign_in("ivo.maly").await;
    app.db.store.close().await;
    let reply = app.get("/", Some(&cookie)).await;
    assert_eq!(reply.status, StatusCode::INTERNAL_SERVER_ERROR);
    let body = reply.text();
    let request_id = reply.header("x-request-id");
    assert!(body.contains(&request_id), "the page names the request id");
    assert!(body.contains("Chyba portálu"));
    for internal in ["sqlx", "pool", "closed", "sqlite", "crates/", "panicked"] {
        assert!(
            !body.to_lowercase().contains(internal),
            "{internal} leaked: {body}"
        );
    }

    let api = app.get("/api/v1/me", Some(&cookie)).await;
    assert_eq!(api.status, StatusCode::INTERNAL_SERVER_ERROR);
    let problem = api.json();
    assert_eq!(problem["code"], "internal");
    assert_eq!(problem["request_id"], api.header("x-request-id"));
    assert!(!api.text().to_lowercase().contains("pool"));
}

#[tokio::test]
async fn missing_pages_and_api_paths_answer_in_their_own_format() {
    let app = TestApp::new().await;
    let page = app
        .get_with("/neexistuje", None, &[("accept-language", "en")])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.header("content-type").starts_with("text/html"));
    assert!(page.text().contains("Page not found"));

    let api = app.get("/api/v1/neexistuje", None).await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.header("content-type"), "application/problem+json");
    let problem = api.json();
    assert_eq!(problem["type"], "urn:supportweb:problem:not_found");
    assert_eq!(problem["status"], 404);
    assert_eq!(problem["title"], "Stránka nenalezena");

    let method = app.post_form("/healthz", &[], None).await;
    assert_eq!(method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(method.text().contains("Nepodporovaná akce"));
}

#[tokio::test]
async fn the_api_answers_401_problems_and_describes_the_user() {
    let app = TestApp::new().await;
    let anonymous = app.get("/api/v1/me", None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert!(
        anonymous
            .header("www-authenticate")
            .starts_with("Bearer realm=\"Supportweb\"")
    );
    assert_eq!(anonymous.header("content-type"), "application/problem+json");
    let problem = anonymous.json();
    assert_eq!(problem["code"], "unauthenticated");
    assert_eq!(problem["request_id"], anonymous.header("x-request-id"));

    app.staff("vera.mala").await;
    let cookie = app.sign_in("vera.mala").await;
    let me = app.get("/api/v1/me", Some(&cookie)).await;
    assert_eq!(me.status, StatusCode::OK);
    let me = me.json();
    assert_eq!(me["login"], "vera.mala");
    assert_eq!(me["kind"], "staff");
    assert_eq!(me["roles"], serde_json::json!(["technician"]));
    assert_eq!(
        me["agendas"],
        serde_json::json!([
            "protocols",
            "customization-orders",
            "support-documents",
            "podpora"
        ]),
        "the same agendas as the navigation: a technician reads protocols and customization orders and works in support documents and podpora"
    );
}

#[tokio::test]
async fn htmx_requests_receive_only_the_page_content() {
    let app = TestApp::new().await;
    let full = app.get("/login", None).await.text();
    assert!(full.starts_with("<!doctype html>") && full.contains("<header"));
    let fragment = app
        .get_with("/login", None, &[("hx-request", "true")])
        .await
        .text();
    assert!(
        !fragment.contains("<html") && !fragment.contains("<header"),
        "{fragment}"
    );
    assert!(fragment.contains("<title>Přihlášení · Supportweb</title>"));
    assert!(fragment.contains("name=\"password\""));
}

#[tokio::test]
async fn demo_mode_lists_the_sample_accounts_on_the_login_page() {
    let plain = TestApp::new().await;
    assert!(
        !plain
            .get("/login", None)
            .await
            .text()
            .contains("demo-accounts")
    );
    let demo = TestApp::with_demo_accounts(vec![DemoAccount {
        login: "admin".into(),
        password: "ukazka-2026".into(),
        role: "administrátor".into(),
        organisation: None,
    }])
    .await;
    let page = demo.get("/login", None).await.text();
    assert!(page.contains("id=\"demo-accounts\""));
    assert!(page.contains("<code>admin</code>") && page.contains("<code>ukazka-2026</code>"));
}

#[tokio::test]
async fn markup_in_names_is_escaped() {
    let app = TestApp::new().await;
    let id = app
        .user("xss.test", supportweb_domain::user::UserKind::Staff, vec![])
        .await;
    let _ = id;
    // The display name is set by staff; make it hostile directly in the store.
    let hostile = "<script>alert('x')</script>";
    let hash = supportweb_app::identity::passwords::hash(PASSWORD).unwrap();
    supportweb_storage::testing::build::account_from(
        &app.db.store,
        &supportweb_storage::users::NewUser {
            display_name: hostile.into(),
            password_hash: Some(hash),
            ..supportweb_storage::testing::build::new_user(
                "xss.name",
                supportweb_domain::user::UserKind::Staff,
                vec![],
            )
        },
    )
    .await;
    let cookie = app.sign_in("xss.name").await;
    let home = app.get("/", Some(&cookie)).await.text();
    assert!(!home.contains(hostile));
    assert!(
        home.contains("&#60;script&#62;") || home.contains("&lt;script&gt;"),
        "{home}"
    );
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_other_sessions() {
    let app = TestApp::new().await;
    app.staff("meni.heslo").await;
    let here = app.sign_in("meni.heslo").await;
    let elsewhere = app.sign_in("meni.heslo").await;

    let wrong = app
        .post_form(
            "/account/password",
            &[
                ("current", "spatne-heslo-1"),
                ("new", "Nove-heslo-2026"),
                ("new_again", "Nove-heslo-2026"),
            ],
            Some(&here),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        wrong
            .text()
            .contains("id=\"current-error\">Současné heslo není správné")
    );
    let mismatch = app
        .post_form(
            "/account/password",
            &[
                ("current", PASSWORD),
                ("new", "Nove-heslo-2026"),
                ("new_again", "Jine-heslo-2026"),
            ],
            Some(&here),
        )
        .await;
    assert!(
        mismatch
            .text()
            .contains("id=\"new-error\">Hesla se neshodují")
    );
    assert_eq!(
        app.get("/", Some(&elsewhere)).await.status,
        StatusCode::OK,
        "nothing changed yet"
    );

    let changed = app
        .post_form(
            "/account/password",
            &[
                ("current", PASSWORD),
                ("new", "Nove-heslo-2026"),
                ("new_again", "Nove-heslo-2026"),
            ],
            Some(&here),
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    assert_eq!(changed.header("location"), "/account/password?changed=1");
    let fresh = changed
        .session_cookie()
        .expect("this browser continues in a new session");
    assert_ne!(fresh, here);
    assert_eq!(
        app.get("/", Some(&elsewhere)).await.status,
        StatusCode::SEE_OTHER,
        "other sessions end"
    );
    assert_eq!(
        app.get("/", Some(&here)).await.status,
        StatusCode::SEE_OTHER,
        "the old id is gone"
    );
    let page = app.get("/account/password?changed=1", Some(&fresh)).await;
    assert!(page.text().contains("Heslo je změněno"));

    let old = app
        .post_form(
            "/login",
            &[("login", "meni.heslo"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(old.status, StatusCode::UNPROCESSABLE_ENTITY);
    let new = app
        .post_form(
            "/login",
            &[("login", "meni.heslo"), ("password", "Nove-heslo-2026")],
            None,
        )
        .await;
    assert_eq!(new.status, StatusCode::SEE_OTHER);
}
