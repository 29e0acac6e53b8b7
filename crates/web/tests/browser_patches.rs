//! A real browser through a patch's release: staff prepare it with a file and publish it; an
//! entitled customer downloads it and the file's SHA-256 matches the one shown; a customer
//! whose contract ended before the release date is told why it cannot download it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::browser::{WAIT, sign_in, sign_out};

use std::time::Duration;

use common::{TestApp, organisation};
use fantoccini::{Client, Locator};
use sha2::{Digest, Sha256};
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::contract::ContractState;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::{StaffRole, UserKind};
use supportweb_storage::catalogue::NewProduct;
use supportweb_storage::testing::build;
use tokio::net::TcpListener;

async fn text_of(c: &Client, css: &str) -> String {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Css(css))
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

async fn member(app: &TestApp, login: &str, organisation: supportweb_domain::ids::OrganisationId) {
    let id = app.user(login, UserKind::Customer, vec![]).await;
    app.db
        .store
        .set_membership(
            id,
            organisation,
            &MembershipRights {
                podpora: AgendaRight::Read,
                ..MembershipRights::NONE
            },
        )
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_publish_a_patch_an_entitled_customer_downloads_it_a_former_one_is_refused() {
    let Some(browser) = common::browser::start().await else {
        return;
    };
    let app = TestApp::new().await;
    let store = &app.db.store;
    let admin = app
        .user("spravce", UserKind::Staff, vec![StaffRole::Administrator])
        .await;
    let admin = store
        .actor_for(&store.user(admin).await.unwrap().unwrap())
        .await
        .unwrap();
    let product = store
        .create_product(
            &admin,
            &NewProduct {
                code: "SPIS".into(),
                name: "Spisová služba".into(),
                modules: vec!["Podatelna".into()],
                versions: vec!["5.2.3".into()],
                is_active: true,
            },
        )
        .await
        .unwrap();
    let jihlava = organisation(&app, "Statutární město Jihlava", true).await;
    let lhota = organisation(&app, "Obec Lhota", false).await;
    let mut ended = build::new_contract(lhota, build::d(2023, 1, 1), build::d(2025, 12, 31));
    ended.number = "SML-LHOTA".into();
    ended.term.state = ContractState::Ended;
    build::contract_from(store, &ended).await;
    let manager = app
        .user(
            "obchodnik",
            UserKind::Staff,
            vec![StaffRole::ProjectManager],
        )
        .await;
    store.add_to_account_team(lhota, manager).await.unwrap();
    member(&app, "referentka", jihlava).await;
    member(&app, "starosta.lhota", lhota).await;
    app.user("vyvojar", UserKind::Staff, vec![StaffRole::Developer])
        .await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(supportweb_web::serve(
        listener,
        app.router.clone(),
        std::future::pending(),
    ));
    let folder = tempfile::tempdir().unwrap();
    let file = folder.path().join("oprava-podatelny-5.2.3.1.zip");
    let content: Vec<u8> = (0..200_000u32).flat_map(|i| i.to_le_bytes()).collect();
    std::fs::write(&file, &content).unwrap();
    let expected = hex::encode(Sha256::digest(&content));
    let c = &browser.client;

    // Staff prepare the patch with its file and publish it.
    sign_in(c, &base, "vyvojar").await;
    c.goto(&format!("{base}/podpora/patches/new"))
        .await
        .unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Id("patch-form"))
        .await
        .unwrap();
    c.find(Locator::Id("product"))
        .await
        .unwrap()
        .select_by_value(&product.to_string())
        .await
        .unwrap();
    c.find(Locator::Id("module"))
        .await
        .unwrap()
        .select_by_value("Podatelna")
        .await
        .unwrap();
    for (id, text) in [
        ("build", "5.2.3.1"),
        ("title", "Oprava evidence doručené pošty"),
        (
            "release_notes",
            "Opravuje **ukládání** zásilek z datové schránky.",
        ),
        ("applies_from", "5.2.0"),
        ("applies_to", "5.2.3"),
    ] {
        c.find(Locator::Id(id))
            .await
            .unwrap()
            .send_keys(text)
            .await
            .unwrap();
    }
    c.execute(
        "document.getElementById('released_on').value = arguments[0];",
        vec![serde_json::json!("2026-03-01")],
    )
    .await
    .unwrap();
    c.find(Locator::Id("files"))
        .await
        .unwrap()
        .send_keys(&file.display().to_string())
        .await
        .unwrap();
    c.find(Locator::Id("save-patch"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    assert_eq!(
        text_of(c, "#patch-title").await,
        "Oprava evidence doručené pošty"
    );
    assert!(text_of(c, "#patch-state").await.contains("Koncept"));
    c.find(Locator::Id("step-publish"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(
            "//*[@id='patch-state' and contains(., 'Publikován')]",
        ))
        .await
        .unwrap();
    let patch_url = c.current_url().await.unwrap().to_string();
    sign_out(c).await;

    // The entitled customer finds it, downloads it, and the SHA-256 matches.
    sign_in(c, &base, "referentka").await;
    c.goto(&format!("{base}/podpora/patches")).await.unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::LinkText("Oprava evidence doručené pošty"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let shown = text_of(c, "code.sha256").await;
    assert_eq!(shown, expected, "the page shows the file's SHA-256");
    c.find(Locator::Css("a.download"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let saved = browser.downloads.join("oprava-podatelny-5.2.3.1.zip");
    let mut downloaded = None;
    for _ in 0..100 {
        if let Ok(bytes) = std::fs::read(&saved)
            && bytes.len() == content.len()
        {
            downloaded = Some(bytes);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let downloaded = downloaded.expect("the browser saved the download");
    assert_eq!(hex::encode(Sha256::digest(&downloaded)), shown);
    sign_out(c).await;

    // The former customer sees the patch but is told why it cannot take it, and whom to ask.
    sign_in(c, &base, "starosta.lhota").await;
    c.goto(&patch_url).await.unwrap();
    let closed = text_of(c, "#download-closed").await;
    assert!(closed.contains("1. 3. 2026"), "{closed}");
    assert!(closed.contains("obchodnik@example.cz"), "{closed}");
    assert!(
        c.find(Locator::Css("a.download")).await.is_err(),
        "no download link"
    );
    browser.client.clone().close().await.unwrap();
}
