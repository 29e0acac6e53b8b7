//! Two-factor sign-in: enrolment with the QR code, the second step of signing in, replayed
//! and wrong codes, recovery codes, throttling, the administrators' "required for staff" and
//! resetting a user's second factor.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{PASSWORD, Reply, TestApp};
use supportweb_app::identity::totp::{code_at, from_base32, step_at};
use supportweb_domain::ids::UserId;
use supportweb_domain::user::{StaffRole, UserKind};
use supportweb_storage::audit::AuditFilter;

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start} in {text}"))
        + start.len();
    let rest = &text[from..];
    &rest[..rest.find(end).unwrap()]
}

/// The code an authenticator shows for `secret`, `offset` steps from now.
fn code(secret: &str, offset: i64) -> String {
    let key = from_base32(secret).unwrap();
    code_at(&key, step_at(chrono::Utc::now().timestamp()) + offset).unwrap()
}

fn pending_cookie(reply: &Reply) -> String {
    reply
        .headers
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap())
        .find(|v| v.contains("sw-pending="))
        .map(|v| v.split(';').next().unwrap().to_owned())
        .expect("a pending sign-in cookie")
}

/// Enrols `login`'s second factor; returns the secret and the recovery codes.
async fn enrol(app: &TestApp, cookie: &str) -> (String, Vec<String>) {
    let started = app
        .post_form("/account/two-factor/setup", &[], Some(cookie))
        .await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let page = app.get("/account/two-factor", Some(cookie)).await.text();
    assert!(page.contains("<svg"), "the QR code is on the page: {page}");
    let secret: String = between(&page, "id=\"two-factor-secret\">", "<")
        .split_whitespace()
        .collect();
    let wrong = app
        .post_form(
            "/account/two-factor/confirm",
            &[("code", "000000")],
            Some(cookie),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.text().contains("id=\"code-error\""));
    let confirmed = app
        .post_form(
            "/account/two-factor/confirm",
            &[("code", &code(&secret, 0))],
            Some(cookie),
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.text());
    let list = between(&confirmed.text(), "id=\"recovery-codes\">", "</ul>").to_owned();
    let codes: Vec<String> = list
        .split("<code>")
        .skip(1)
        .map(|c| c.split('<').next().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10);
    (secret, codes)
}

/// Password step; returns the pending cookie after checking no session was started.
async fn password_step(app: &TestApp, login: &str) -> String {
    let reply = app
        .post_form(
            "/login",
            &[
                ("login", login),
                ("password", PASSWORD),
                ("next", "/organisation"),
            ],
            None,
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    assert!(
        reply
            .header("location")
            .starts_with("/login/two-factor?next="),
        "{}",
        reply.header("location")
    );
    assert_eq!(
        reply.session_cookie(),
        None,
        "no session before the second factor"
    );
    pending_cookie(&reply)
}

async fn second_step(app: &TestApp, pending: &str, typed: &str) -> Reply {
    app.post_form(
        "/login/two-factor",
        &[("code", typed), ("next", "/organisation")],
        Some(pending),
    )
    .await
}

async fn events(app: &TestApp, event: &str, subject: UserId) -> usize {
    let filter = AuditFilter {
        event: supportweb_domain::audit::AuditEvent::parse(event),
        user: Some(subject),
        ..AuditFilter::default()
    };
    assert!(filter.event.is_some(), "{event}");
    app.db
        .store
        .audit_page(&filter, None, 500)
        .await
        .unwrap()
        .len()
}

#[tokio::test]
async fn enrolment_then_sign_in_needs_a_fresh_code() {
    let app = TestApp::new().await;
    let user = app.user("jana.dvoji", UserKind::Customer, vec![]).await;
    let cookie = app.sign_in("jana.dvoji").await;
    let off = app.get("/account/two-factor", Some(&cookie)).await.text();
    assert!(off.contains("id=\"two-factor-setup\""));
    let (secret, _) = enrol(&app, &cookie).await;
    assert_eq!(events(&app, "two_factor_enabled", user).await, 1);
    let on = app.get("/account/two-factor", Some(&cookie)).await.text();
    assert!(on.contains("id=\"recovery-left\""), "{on}");
    assert!(!on.contains(&secret), "the secret is never shown again");

    let pending = password_step(&app, "jana.dvoji").await;
    // The pending sign-in is not a session.
    let home = app.get("/", Some(&pending)).await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert!(home.header("location").starts_with("/login?"));
    // The code used for enrolment is spent.
    let replayed = second_step(&app, &pending, &code(&secret, 0)).await;
    assert_eq!(replayed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(replayed.text().contains("id=\"two-factor-error\""));
    assert_eq!(events(&app, "second_factor_failed", user).await, 1);
    let signed = second_step(&app, &pending, &code(&secret, 1)).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.text());
    assert_eq!(signed.header("location"), "/organisation");
    let session = signed.session_cookie().expect("a session");
    assert_eq!(app.get("/", Some(&session)).await.status, StatusCode::OK);
    // The pending sign-in is used up.
    let again = second_step(&app, &pending, &code(&secret, 1)).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(again.header("location"), "/login");
    assert_eq!(again.session_cookie(), None);
}

#[tokio::test]
async fn recovery_codes_work_once_and_wrong_codes_are_throttled() {
    let app = TestApp::new().await;
    let user = app.user("petr.zaloha", UserKind::Customer, vec![]).await;
    let cookie = app.sign_in("petr.zaloha").await;
    let (_, codes) = enrol(&app, &cookie).await;

    let pending = password_step(&app, "petr.zaloha").await;
    let typed = codes[3].to_uppercase().replace('-', " ");
    let signed = second_step(&app, &pending, &typed).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER);
    assert!(signed.session_cookie().is_some());
    assert_eq!(events(&app, "recovery_code_used", user).await, 1);
    assert_eq!(app.db.store.unused_recovery_codes(user).await.unwrap(), 9);
    let pending = password_step(&app, "petr.zaloha").await;
    let reused = second_step(&app, &pending, &codes[3]).await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Four more wrong codes make five failures: then even a right code is refused.
    for _ in 0..4 {
        let wrong = second_step(&app, &pending, "123456").await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let blocked = second_step(&app, &pending, &codes[4]).await;
    assert_eq!(blocked.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(blocked.session_cookie(), None);
    assert_eq!(
        app.db.store.unused_recovery_codes(user).await.unwrap(),
        9,
        "a blocked attempt uses up nothing"
    );
}

#[tokio::test]
async fn renewing_recovery_codes_and_turning_off_need_proof() {
    let app = TestApp::new().await;
    let user = app.user("eva.obnova", UserKind::Customer, vec![]).await;
    let cookie = app.sign_in("eva.obnova").await;
    let (secret, old_codes) = enrol(&app, &cookie).await;
    let wrong = app
        .post_form(
            "/account/two-factor/recovery-codes",
            &[("code", "999999")],
            Some(&cookie),
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    let renewed = app
        .post_form(
            "/account/two-factor/recovery-codes",
            &[("code", &code(&secret, 1))],
            Some(&cookie),
        )
        .await;
    assert_eq!(renewed.status, StatusCode::OK);
    assert!(renewed.text().contains("id=\"recovery-codes\""));
    assert_eq!(events(&app, "recovery_codes_renewed", user).await, 1);
    let pending = password_step(&app, "eva.obnova").await;
    let stale = second_step(&app, &pending, &old_codes[0]).await;
    assert_eq!(
        stale.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "old codes are gone"
    );

    let refused = app
        .post_form(
            "/account/two-factor/disable",
            &[("password", "spatne-heslo-123")],
            Some(&cookie),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("id=\"password-error\""));
    let off = app
        .post_form(
            "/account/two-factor/disable",
            &[("password", PASSWORD)],
            Some(&cookie),
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    assert_eq!(events(&app, "two_factor_disabled", user).await, 1);
    let plain = app
        .post_form(
            "/login",
            &[("login", "eva.obnova"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert!(plain.session_cookie().is_some(), "password alone again");
}

#[tokio::test]
async fn administrators_require_it_of_staff_and_reset_it() {
    let app = TestApp::new().await;
    app.user(
        "admin.bezpecnost",
        UserKind::Staff,
        vec![StaffRole::Administrator],
    )
    .await;
    let technician = app.staff("technik.dvoji").await;
    let customer = app.user("zakaznik.volny", UserKind::Customer, vec![]).await;
    let admin = app.sign_in("admin.bezpecnost").await;
    let tech = app.sign_in("technik.dvoji").await;
    let cust = app.sign_in("zakaznik.volny").await;
    let (token_reply, token) = {
        let reply = app
            .post_form(
                "/account/tokens",
                &[("name", "skript"), ("scope", "read"), ("days", "30")],
                Some(&tech),
            )
            .await;
        let text = reply.text();
        let token = text
            .split("swt_")
            .nth(1)
            .map(|rest| format!("swt_{}", rest.split(['<', '"']).next().unwrap()));
        (reply, token)
    };
    let token = token.unwrap_or_else(|| panic!("token shown: {}", token_reply.text()));

    // A technician may not change the setting.
    let denied = app
        .post_form(
            "/admin/security",
            &[("staff_two_factor", "on")],
            Some(&tech),
        )
        .await;
    assert_eq!(denied.status, StatusCode::NOT_FOUND);
    assert!(!app.db.store.staff_two_factor_required().await.unwrap());
    let saved = app
        .post_form(
            "/admin/security",
            &[("staff_two_factor", "on")],
            Some(&admin),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(app.db.store.staff_two_factor_required().await.unwrap());
    // The administrator is staff too.
    let own = app.get("/admin/accounts", Some(&admin)).await;
    assert_eq!(own.header("location"), "/account/two-factor");
    enrol(&app, &admin).await;

    // The technician's pages lead to the enrolment, the API refuses with a clear problem.
    let page = app.get("/admin/organisations", Some(&tech)).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.header("location"), "/account/two-factor");
    let api = app
        .get_with(
            "/api/v1/me",
            None,
            &[("authorization", &format!("Bearer {token}"))],
        )
        .await;
    assert_eq!(api.status, StatusCode::FORBIDDEN);
    assert_eq!(api.json()["code"], "two_factor_required");
    let enrol_page = app.get("/account/two-factor", Some(&tech)).await;
    assert_eq!(enrol_page.status, StatusCode::OK);
    assert!(enrol_page.text().contains("id=\"two-factor-required\""));
    // Customers are not affected.
    assert_eq!(app.get("/", Some(&cust)).await.status, StatusCode::OK);
    let _ = customer;

    let (_, _) = enrol(&app, &tech).await;
    assert_eq!(
        app.get("/admin/organisations", Some(&tech)).await.status,
        StatusCode::OK
    );
    let api = app
        .get_with(
            "/api/v1/me",
            None,
            &[("authorization", &format!("Bearer {token}"))],
        )
        .await;
    assert_eq!(api.status, StatusCode::OK);
    let keep = app
        .post_form(
            "/account/two-factor/disable",
            &[("password", PASSWORD)],
            Some(&tech),
        )
        .await;
    assert_eq!(
        keep.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "staff cannot turn it off"
    );

    // A lost phone: the administrator resets it; the password alone signs in again.
    let account = app
        .get(&format!("/admin/accounts/{technician}"), Some(&admin))
        .await
        .text();
    assert!(account.contains("id=\"reset-two-factor\""));
    let reset = app
        .post_form(
            &format!("/admin/accounts/{technician}/two-factor/reset"),
            &[],
            Some(&admin),
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK);
    assert!(reset.text().contains("id=\"two-factor-was-reset\""));
    assert_eq!(events(&app, "two_factor_reset", technician).await, 1);
    let plain = app
        .post_form(
            "/login",
            &[("login", "technik.dvoji"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert!(plain.session_cookie().is_some());
}
