//! A real browser through a support document's life: a customer opens it with an attachment,
//! staff accept it and reply, the customer sees the reply and confirms the resolution.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::browser::{WAIT, sign_in, sign_out};

use common::{TestApp, organisation};
use fantoccini::{Client, Locator};
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::UserKind;
use tokio::net::TcpListener;

async fn text_of(c: &Client, id: &str) -> String {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Id(id))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Clicks a workflow button and waits for the state to show the new value.
async fn take_action(c: &Client, action: &str, expected_state: &str) {
    c.find(Locator::Id(&format!("action-{action}")))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(&format!(
            "//*[@id='document-state' and contains(., '{expected_state}')]"
        )))
        .await
        .unwrap_or_else(|e| panic!("state {expected_state} after {action}: {e}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_opens_a_document_staff_reply_and_the_customer_confirms() {
    let Some(browser) = common::browser::start().await else {
        return;
    };
    let app = TestApp::new().await;
    let jihlava = organisation(&app, "Statutární město Jihlava", true).await;
    let customer = app.user("referentka", UserKind::Customer, vec![]).await;
    app.db
        .store
        .set_membership(
            customer,
            jihlava,
            &MembershipRights {
                support_documents: AgendaRight::Write,
                ..MembershipRights::NONE
            },
        )
        .await
        .unwrap();
    app.staff("technik").await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(supportweb_web::serve(
        listener,
        app.router.clone(),
        std::future::pending(),
    ));
    let folder = tempfile::tempdir().unwrap();
    let attachment = folder.path().join("snimek-chyby.txt");
    std::fs::write(&attachment, "Chyba 0x80004005 při ukládání zásilky").unwrap();
    let c = &browser.client;

    // The customer opens a document with an attachment.
    sign_in(c, &base, "referentka").await;
    c.goto(&format!(
        "{base}/support-documents/new?organisation={jihlava}"
    ))
    .await
    .unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Id("document-form"))
        .await
        .unwrap();
    c.find(Locator::Id("category"))
        .await
        .unwrap()
        .select_by_value("error")
        .await
        .unwrap();
    c.find(Locator::Id("severity-high"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    for (id, text) in [
        ("module", "Podatelna"),
        ("subject", "Nelze uložit doručenou zásilku"),
        (
            "description",
            "Po kliknutí na **Uložit** se objeví chyba 0x80004005.",
        ),
        ("contact", "Jana Malá, 604 111 222"),
    ] {
        c.find(Locator::Id(id))
            .await
            .unwrap()
            .send_keys(text)
            .await
            .unwrap();
    }
    c.find(Locator::Id("files"))
        .await
        .unwrap()
        .send_keys(&attachment.display().to_string())
        .await
        .unwrap();
    c.find(Locator::Id("create-document"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let number = text_of(c, "document-number").await;
    assert!(number.starts_with("SD-"), "{number}");
    let detail_url = c.current_url().await.unwrap().to_string();
    assert!(text_of(c, "document-state").await.contains("Nový"));
    assert!(text_of(c, "attachments").await.contains("snimek-chyby.txt"));
    let bold = c
        .find(Locator::Css("#description strong"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(bold, "Uložit", "Markdown is rendered");
    sign_out(c).await;

    // Staff accept, start, reply publicly and resolve.
    sign_in(c, &base, "technik").await;
    c.goto(&detail_url).await.unwrap();
    assert_eq!(text_of(c, "document-number").await, number);
    take_action(c, "accept", "Přijatý").await;
    take_action(c, "start", "V řešení").await;
    c.find(Locator::Id("reply-body"))
        .await
        .unwrap()
        .send_keys("Oprava je v záplatě 5.2.4, prosíme o ověření.")
        .await
        .unwrap();
    c.find(Locator::Id("send-reply"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(
            "//*[@id='conversation']//*[contains(., 'Oprava je v záplatě 5.2.4')]",
        ))
        .await
        .unwrap();
    take_action(c, "resolve", "Vyřešený").await;
    sign_out(c).await;

    // The customer sees the reply and confirms the resolution.
    sign_in(c, &base, "referentka").await;
    c.goto(&detail_url).await.unwrap();
    let conversation = text_of(c, "conversation").await;
    assert!(
        conversation.contains("Oprava je v záplatě 5.2.4, prosíme o ověření."),
        "{conversation}"
    );
    assert!(conversation.contains("Zkušební technik"));
    take_action(c, "confirm_resolution", "Uzavřený").await;
    assert!(
        c.find(Locator::Id("action-confirm_resolution"))
            .await
            .is_err(),
        "no confirmation once closed"
    );
    browser.client.clone().close().await.unwrap();
}
