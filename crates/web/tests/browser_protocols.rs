//! A real browser through a protocol's verification: staff record a draft and issue it, the
//! verifier objects, staff revise and issue it again, the verifier confirms; the print view,
//! printed to PDF by Chromium, holds the protocol's content.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::browser::{WAIT, click, sign_in, sign_out, type_into};

use common::{TestApp, organisation};
use fantoccini::wd::{PrintConfiguration, PrintSize};
use fantoccini::{Client, Locator};
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::{StaffRole, UserKind};
use tokio::net::TcpListener;

async fn state_shows(c: &Client, expected: &str) {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(&format!(
            "//*[@id='protocol-state' and contains(., '{expected}')]"
        )))
        .await
        .unwrap_or_else(|e| panic!("state {expected}: {e}"));
}

/// The text of a PDF, by poppler's `pdftotext`; `None` outside CI when it is not installed.
fn pdf_text(pdf: &[u8]) -> Option<String> {
    let folder = tempfile::tempdir().unwrap();
    let path = folder.path().join("protocol.pdf");
    std::fs::write(&path, pdf).unwrap();
    match std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(output) => {
            assert!(output.status.success(), "pdftotext failed");
            Some(String::from_utf8_lossy(&output.stdout).into_owned())
        }
        Err(_) if supportweb_storage::testing::in_ci() => {
            panic!("CI=true but pdftotext is not installed (apt-get install poppler-utils)")
        }
        Err(_) => {
            eprintln!("skipping the PDF text check: pdftotext (poppler-utils) is not installed");
            None
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_issue_the_verifier_objects_staff_revise_the_verifier_confirms_and_it_prints() {
    let Some(browser) = common::browser::start().await else {
        return;
    };
    let app = TestApp::new().await;
    let lhota = organisation(&app, "Obec Lhota", true).await;
    let verifier = app.user("starosta", UserKind::Customer, vec![]).await;
    app.db
        .store
        .set_membership(
            verifier,
            lhota,
            &MembershipRights {
                protocols: AgendaRight::Read,
                may_confirm_protocols: true,
                ..MembershipRights::NONE
            },
        )
        .await
        .unwrap();
    app.user("konzultant", UserKind::Staff, vec![StaffRole::Consultant])
        .await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(supportweb_web::serve(
        listener,
        app.router.clone(),
        std::future::pending(),
    ));
    let c = &browser.client;

    // Staff record the draft and issue it.
    sign_in(c, &base, "konzultant").await;
    c.goto(&format!("{base}/protocols/new?organisation={lhota}"))
        .await
        .unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Id("protocol-form"))
        .await
        .unwrap();
    type_into(c, "project", "Zavedení spisové služby").await;
    type_into(c, "subject", "Úvodní schůzka k migraci dat").await;
    type_into(c, "place", "Radnice Lhota").await;
    c.find(Locator::Id("customer_present"))
        .await
        .unwrap()
        .select_by_value(&verifier.to_string())
        .await
        .unwrap();
    c.find(Locator::Id("verifiers"))
        .await
        .unwrap()
        .select_by_value(&verifier.to_string())
        .await
        .unwrap();
    type_into(c, "item_title_1", "Migrace dat").await;
    type_into(
        c,
        "item_summary_1",
        "Probrán postup migrace ze starého systému.",
    )
    .await;
    type_into(c, "item_decisions_1", "Migrace proběhne v lednu.").await;
    type_into(c, "task_description_1", "Dodat exportní skript").await;
    type_into(c, "task_responsible_name_1", "Tomáš Procházka").await;
    c.execute(
        "document.getElementById('task_due_1').value = '2026-12-10';",
        vec![],
    )
    .await
    .unwrap();
    click(c, "save-protocol").await;
    let number = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Id("protocol-number"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(number.starts_with("KP-"), "{number}");
    let url = c.current_url().await.unwrap().to_string();
    state_shows(c, "Koncept").await;
    click(c, "step-issue").await;
    state_shows(c, "Vydán").await;
    sign_out(c).await;

    // The verifier objects.
    sign_in(c, &base, "starosta").await;
    c.goto(&url).await.unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Id("comment"))
        .await
        .unwrap()
        .send_keys("Chybí termín školení uživatelů.")
        .await
        .unwrap();
    click(c, "step-object").await;
    state_shows(c, "připomínky").await;
    sign_out(c).await;

    // Staff revise and issue revision 2.
    sign_in(c, &base, "konzultant").await;
    c.goto(&url).await.unwrap();
    click(c, "edit-protocol").await;
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Id("item_title_2"))
        .await
        .unwrap()
        .send_keys("Školení uživatelů")
        .await
        .unwrap();
    type_into(c, "item_decisions_2", "Školení proběhne 15. ledna.").await;
    click(c, "save-protocol").await;
    click(c, "step-issue").await;
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(
            "//*[@id='protocol-state' and contains(., '2')]",
        ))
        .await
        .unwrap();
    sign_out(c).await;

    // The verifier confirms revision 2; the protocol prints with its content.
    sign_in(c, &base, "starosta").await;
    c.goto(&url).await.unwrap();
    click(c, "step-confirm").await;
    state_shows(c, "Potvrzen").await;
    let record = c
        .find(Locator::Id("responses"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(record.contains("potvrdil(a) revizi 2"), "{record}");
    assert!(c.find(Locator::Id("step-object")).await.is_err(), "locked");
    click(c, "print-protocol").await;
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css("body.print"))
        .await
        .unwrap();
    let pdf = c
        .print(
            PrintConfiguration::builder()
                .size(PrintSize::A4)
                .build()
                .unwrap(),
        )
        .await
        .unwrap();
    assert!(pdf.starts_with(b"%PDF"), "a PDF");
    if let Some(text) = pdf_text(&pdf) {
        for expected in [
            number.as_str(),
            "Úvodní schůzka k migraci dat",
            "Migrace proběhne v lednu.",
            "Školení proběhne 15. ledna.",
            "Dodat exportní skript",
            "Zkušební starosta",
        ] {
            assert!(text.contains(expected), "{expected} in the PDF:\n{text}");
        }
    }
    browser.client.clone().close().await.unwrap();
}
