//! Held e-mails in the pages and the API: a technician finds a held message under the header
//! link, reads it and attaches it to the customer's document in a real browser; the API lists,
//! reads and decides; a customer user reaches none of it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::browser::{WAIT, click, sign_in, type_into};
use common::{TestApp, api_call, api_token, organisation};
use fantoccini::Locator;
use http::StatusCode;
use supportweb_app::mail_in::{Reason, Received};
use supportweb_app::support_documents::OpenDocument;
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::UserKind;
use supportweb_storage::testing::build;
use tokio::net::TcpListener;

/// Jihlava's clerk with a document, and a technician; the clerk's e-mail naming the
/// document's number without replying to our mail is held. Returns the document number.
async fn held_scene(app: &TestApp) -> String {
    let jihlava = organisation(app, "Statutární město Jihlava", true).await;
    let clerk = app.user("referentka", UserKind::Customer, vec![]).await;
    let store = &app.db.store;
    store
        .set_membership(
            clerk,
            jihlava,
            &MembershipRights {
                support_documents: AgendaRight::Write,
                ..MembershipRights::NONE
            },
        )
        .await
        .unwrap();
    app.staff("technik").await;
    let actor = build::actor(store, clerk).await;
    let document = app
        .state
        .app()
        .support_documents()
        .open(
            &actor,
            &OpenDocument {
                organisation: jihlava.to_string(),
                category: "error".into(),
                severity: "high".into(),
                subject: "Nelze uložit zásilku".into(),
                description: "Chyba při uložení.".into(),
                ..OpenDocument::default()
            },
        )
        .await
        .unwrap();
    let raw = format!(
        "From: Referentka <referentka@example.cz>\r\nTo: podpora@example.cz\r\nSubject: [{}] doplnění\r\nMessage-ID: <doplneni@jihlava.cz>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nDoplňuji <b>výpis</b> chyby.\r\n--b\r\nContent-Type: text/html; name=vypis.html\r\nContent-Disposition: attachment; filename=vypis.html\r\n\r\n<script>alert(1)</script>\r\n--b--\r\n",
        document.number
    );
    assert_eq!(
        app.state.app().receive_mail(raw.as_bytes()).await.unwrap(),
        Received::Held(Reason::NumberWithoutReply)
    );
    document.number
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_technician_attaches_a_held_email_to_the_document() {
    let Some(browser) = common::browser::start().await else {
        return;
    };
    let app = TestApp::new().await;
    let number = held_scene(&app).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(supportweb_web::serve(
        listener,
        app.router.clone(),
        std::future::pending(),
    ));
    let c = &browser.client;
    sign_in(c, &base, "technik").await;
    click(c, "held-mail-link").await;
    let table = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Id("held-mail"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(table.contains("referentka@example.cz"), "{table}");
    assert!(
        table.contains("číslo záznamu"),
        "the reason is explained: {table}"
    );
    c.find(Locator::LinkText(&format!("[{number}] doplnění")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let original = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Id("mail-original"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(
        original, "Doplňuji <b>výpis</b> chyby.",
        "shown as text, never as HTML"
    );
    let files = c
        .find(Locator::Id("mail-files"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(files.contains("vypis.html"), "{files}");

    // A number that is no document is explained next to the field.
    type_into(c, "document", "SD-1999-000999").await;
    click(c, "attach-mail").await;
    let error = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Id("document-error"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(error.contains("neexistuje"), "{error}");

    c.find(Locator::Id("document"))
        .await
        .unwrap()
        .clear()
        .await
        .unwrap();
    type_into(c, "document", &number).await;
    click(c, "attach-mail").await;
    let conversation = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(
            "//*[contains(., 'Doplňuji') and contains(., 'vypis.html')]",
        ))
        .await;
    assert!(
        conversation.is_ok(),
        "the reply with its file is on the document"
    );
    let url = c.current_url().await.unwrap();
    assert!(url.path().starts_with("/support-documents/"), "{url}");
    // Staff reach the whole original from the comment.
    c.find(Locator::LinkText("původní e-mail"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let outcome = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Id("mail-outcome"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(outcome.contains("připojeno k dokumentu"), "{outcome}");

    c.goto(&format!("{base}/mail/held")).await.unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Id("no-held-mail"))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn held_email_through_the_api_and_never_for_a_customer() {
    let app = TestApp::new().await;
    held_scene(&app).await;
    let staff = api_token(&app, "technik").await;
    let customer = api_token(&app, "referentka").await;

    let list = api_call(&app, "GET", "/api/v1/mail/held", &staff, None).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.text());
    let items = list.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["reason"], "number_without_reply");
    assert_eq!(items[0]["sender"], "referentka@example.cz");
    let id = items[0]["id"].as_str().unwrap().to_owned();
    let detail = api_call(&app, "GET", &format!("/api/v1/mail/{id}"), &staff, None).await;
    assert_eq!(detail.status, StatusCode::OK);
    assert_eq!(detail.json()["files"][0]["name"], "vypis.html");

    // The attachment downloads as opaque bytes, never shown inline.
    let cookie = app.sign_in("technik").await;
    let file = app.get(&format!("/mail/{id}/files/0"), Some(&cookie)).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.header("content-type"), "application/octet-stream");
    assert!(file.header("content-disposition").starts_with("attachment"));
    assert!(file.header("content-security-policy").contains("sandbox"));

    // A customer user reaches nothing of it: pages, files and API answer as for nothing.
    let clerk = app.sign_in("referentka").await;
    for path in [
        "/mail/held".to_owned(),
        format!("/mail/{id}"),
        format!("/mail/{id}/files/0"),
    ] {
        let reply = app.get(&path, Some(&clerk)).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!reply.text().contains("Doplňuji"), "{path}");
    }
    for path in ["/api/v1/mail/held".to_owned(), format!("/api/v1/mail/{id}")] {
        let reply = api_call(&app, "GET", &path, &customer, None).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{path}");
    }
    let refused = api_call(
        &app,
        "POST",
        &format!("/api/v1/mail/{id}/decision"),
        &customer,
        Some(serde_json::json!({"decision": "discard"})),
    )
    .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);

    let discarded = api_call(
        &app,
        "POST",
        &format!("/api/v1/mail/{id}/decision"),
        &staff,
        Some(serde_json::json!({"decision": "discard"})),
    )
    .await;
    assert_eq!(discarded.status, StatusCode::OK, "{}", discarded.text());
    let again = api_call(
        &app,
        "POST",
        &format!("/api/v1/mail/{id}/decision"),
        &staff,
        Some(serde_json::json!({"decision": "discard"})),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let list = api_call(&app, "GET", "/api/v1/mail/held", &staff, None).await;
    assert!(list.json()["items"].as_array().unwrap().is_empty());
}
