//! Personal API tokens: created once-visible, scoped, expiring, revocable, audited.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{Reply, TestApp, multipart};
use supportweb_domain::user::{StaffRole, UserKind};

async fn with_token(app: &TestApp, method: &str, path: &str, token: &str) -> Reply {
    let mut request = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "127.0.0.1:8080")
        .header("authorization", format!("Bearer {token}"));
    let body = if method == "POST" {
        let (content_type, body) = multipart("file", "export.csv", b"a;b\n1;2\n");
        request = request.header("content-type", content_type);
        Body::from(body)
    } else {
        Body::empty()
    };
    app.send(request.body(body).unwrap()).await
}

async fn create(app: &TestApp, cookie: &str, name: &str, scope: &str, days: &str) -> Reply {
    app.post_form(
        "/account/tokens",
        &[("name", name), ("scope", scope), ("days", days)],
        Some(cookie),
    )
    .await
}

fn token_in(reply: &Reply) -> String {
    let text = reply.text();
    let at = text
        .find("id=\"new-token\" readonly value=\"")
        .expect("the new token")
        + 31;
    text[at..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn tokens_act_as_their_owner_within_their_scope_until_revoked() {
    let app = TestApp::new().await;
    app.user("integrace", UserKind::Staff, vec![StaffRole::Developer])
        .await;
    app.user("spravce", UserKind::Staff, vec![StaffRole::Administrator])
        .await;
    let cookie = app.sign_in("integrace").await;

    let bad = create(&app, &cookie, "", "read", "0").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("id=\"name-error\">") && bad.text().contains("id=\"days-error\">"));

    let reader = create(&app, &cookie, "Export do Excelu", "read", "30").await;
    assert_eq!(reader.status, StatusCode::OK);
    let read_token = token_in(&reader);
    assert!(read_token.starts_with("swt_") && read_token.len() == 68);
    let list = app.get("/account/tokens", Some(&cookie)).await.text();
    assert!(
        list.contains("Export do Excelu") && list.contains("nikdy") && !list.contains(&read_token),
        "shown once"
    );

    let me = with_token(&app, "GET", "/api/v1/me", &read_token).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["login"], "integrace");
    assert!(
        !app.get("/account/tokens", Some(&cookie))
            .await
            .text()
            .contains("nikdy"),
        "last use is shown"
    );

    let refused = with_token(&app, "POST", "/api/v1/files", &read_token).await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "a read-only token cannot write"
    );
    assert_eq!(refused.json()["code"], "forbidden");

    let writer = token_in(&create(&app, &cookie, "Nahrávání", "read_write", "1").await);
    let uploaded = with_token(&app, "POST", "/api/v1/files", &writer).await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.text());

    // Pages do not take tokens: only the API does.
    let page = with_token(&app, "GET", "/", &read_token).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);

    let list = app.get("/account/tokens", Some(&cookie)).await.text();
    let form = list.find("/revoke\"").unwrap();
    let id = list[..form]
        .rsplit("/account/tokens/")
        .next()
        .unwrap()
        .to_owned();
    let revoked = app
        .post_form(&format!("/account/tokens/{id}/revoke"), &[], Some(&cookie))
        .await;
    assert_eq!(revoked.status, StatusCode::SEE_OTHER);
    // The list is newest first, so the first revoke button is the writer's.
    let after = with_token(&app, "GET", "/api/v1/me", &writer).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        after.header("www-authenticate"),
        "Bearer realm=\"Supportweb\""
    );
    assert!(
        app.get("/account/tokens", Some(&cookie))
            .await
            .text()
            .contains("zneplatněn")
    );

    // Someone else cannot revoke it.
    let admin = app.sign_in("spravce").await;
    let foreign = app
        .post_form(&format!("/account/tokens/{id}/revoke"), &[], Some(&admin))
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);

    let audit = app
        .get("/admin/audit?login=integrace", Some(&admin))
        .await
        .text();
    for event in [
        "vytvoření API tokenu",
        "použití API tokenu",
        "zneplatnění API tokenu",
    ] {
        assert!(audit.contains(event), "{event} missing");
    }
    assert!(
        !audit.contains(&read_token) && !audit.contains(&writer),
        "tokens never reach the audit log"
    );
}

#[tokio::test]
async fn expired_unknown_and_deactivated_tokens_are_refused() {
    let app = TestApp::new().await;
    let owner = app
        .user("odchazejici", UserKind::Staff, vec![StaffRole::Technician])
        .await;
    let (token, hash) = supportweb_app::identity::api_tokens::new_api_token().unwrap();
    let past = supportweb_storage::now() - chrono::Duration::minutes(1);
    app.db
        .store
        .create_api_token(owner, "starý", &hash, true, past)
        .await
        .unwrap();
    assert_eq!(
        with_token(&app, "GET", "/api/v1/me", &token).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        with_token(&app, "GET", "/api/v1/me", "swt_nesmysl")
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );

    let (valid, hash) = supportweb_app::identity::api_tokens::new_api_token().unwrap();
    let future = supportweb_storage::now() + chrono::Duration::days(1);
    app.db
        .store
        .create_api_token(owner, "platný", &hash, false, future)
        .await
        .unwrap();
    assert_eq!(
        with_token(&app, "GET", "/api/v1/me", &valid).await.status,
        StatusCode::OK
    );
    app.db.store.set_user_active(owner, false).await.unwrap();
    assert_eq!(
        with_token(&app, "GET", "/api/v1/me", &valid).await.status,
        StatusCode::UNAUTHORIZED,
        "deactivation stops tokens too"
    );
}
