//! A real browser signs in, switches the language and signs out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{PASSWORD, TestApp};
use fantoccini::Locator;
use tokio::net::TcpListener;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_user_signs_in_switches_language_and_signs_out() {
    let Some(browser) = common::browser::start().await else {
        return;
    };
    let app = TestApp::new().await;
    app.staff("prohlizec").await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(supportweb_web::serve(
        listener,
        app.router.clone(),
        std::future::pending(),
    ));
    let c = &browser.client;

    c.goto(&format!("{base}/")).await.unwrap();
    let login = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("login"))
        .await
        .unwrap();
    assert!(
        c.current_url().await.unwrap().path().ends_with("/login"),
        "anonymous visitors land on sign-in"
    );
    assert_eq!(
        c.find(Locator::Css("h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "Přihlášení"
    );

    login.send_keys("prohlizec").await.unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Id("login-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let user = c
        .wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("signed-in-user"))
        .await
        .unwrap();
    assert_eq!(user.text().await.unwrap(), "Zkušební prohlizec");
    assert_eq!(
        c.find(Locator::Id("logout"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "Odhlásit"
    );
    assert_eq!(c.current_url().await.unwrap().path(), "/");

    c.find(Locator::Id("language-select"))
        .await
        .unwrap()
        .select_by_value("en")
        .await
        .unwrap();
    c.find(Locator::Id("language-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::XPath(
            "//button[@id='logout' and text()='Sign out']",
        ))
        .await
        .unwrap();
    let heading = c
        .find(Locator::Css("h1"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(heading, "Hello, Zkušební prohlizec");

    c.find(Locator::Id("logout"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("login-submit"))
        .await
        .unwrap();
    assert!(c.current_url().await.unwrap().path().ends_with("/login"));
    assert_eq!(
        c.find(Locator::Css("h1"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap(),
        "Sign in"
    );

    c.goto(&format!("{base}/")).await.unwrap();
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Id("login-submit"))
        .await
        .unwrap();
    assert!(
        c.current_url().await.unwrap().path().ends_with("/login"),
        "the session is gone"
    );
    browser.client.clone().close().await.unwrap();
}
