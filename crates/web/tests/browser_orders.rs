//! A real browser through a customization order: a customer submits a requirement, staff
//! analyse it and issue a quote, the signatory (reminded of the contracts register) approves
//! it with a purchase order, staff develop and deliver, the customer accepts with a
//! reservation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::browser::{WAIT, click, sign_in, sign_out, type_into};

use common::{TestApp, organisation};
use fantoccini::{Client, Locator};
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::{StaffRole, UserKind};
use tokio::net::TcpListener;

async fn state_shows(c: &Client, expected: &str) {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::XPath(&format!(
            "//*[@id='order-state' and contains(., '{expected}')]"
        )))
        .await
        .unwrap_or_else(|e| panic!("state {expected}: {e}"));
}

async fn set_value(c: &Client, id: &str, value: &str) {
    c.execute(
        &format!("document.getElementById('{id}').value = '{value}';"),
        vec![],
    )
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_submits_staff_quote_the_signatory_approves_and_the_customer_accepts() {
    let Some(browser) = common::browser::start().await else {
        return;
    };
    let app = TestApp::new().await;
    let lhota = organisation(&app, "Obec Lhota", true).await;
    for (login, right, approve) in [
        ("referent", AgendaRight::Write, false),
        ("starosta", AgendaRight::Read, true),
    ] {
        let id = app.user(login, UserKind::Customer, vec![]).await;
        app.db
            .store
            .set_membership(
                id,
                lhota,
                &MembershipRights {
                    customization_orders: right,
                    may_approve_orders: approve,
                    ..MembershipRights::NONE
                },
            )
            .await
            .unwrap();
    }
    app.user("vedouci", UserKind::Staff, vec![StaffRole::ProjectManager])
        .await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(supportweb_web::serve(
        listener,
        app.router.clone(),
        std::future::pending(),
    ));
    let c = &browser.client;

    // The customer submits the requirement from the navigation.
    sign_in(c, &base, "referent").await;
    c.goto(&format!("{base}/customization-orders"))
        .await
        .unwrap();
    click(c, "new-order").await;
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Id("order-form"))
        .await
        .unwrap();
    type_into(c, "title", "Sestava doručené pošty").await;
    type_into(c, "description", "Měsíční sestava podle spisových uzlů.").await;
    set_value(c, "desired_on", "2027-03-31").await;
    click(c, "submit-order").await;
    state_shows(c, "Zadaná").await;
    let url = c.current_url().await.unwrap().to_string();
    sign_out(c).await;

    // Staff take it into analysis and issue a quote.
    sign_in(c, &base, "vedouci").await;
    c.goto(&url).await.unwrap();
    click(c, "step-analyse").await;
    state_shows(c, "V analýze").await;
    type_into(c, "scope", "Nová sestava v modulu Podatelna.").await;
    type_into(c, "hours", "12,5").await;
    type_into(c, "hourly_rate", "1450").await;
    set_value(c, "delivery_on", "2099-02-28").await;
    set_value(c, "valid_until", "2099-12-31").await;
    click(c, "issue-quote").await;
    state_shows(c, "Nabídnutá").await;
    let total = c
        .find(Locator::Id("quote-1-total"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    // WebDriver gives non-breaking spaces as plain ones.
    assert_eq!(total.replace('\u{a0}', " "), "21 931,00 Kč");
    sign_out(c).await;

    // The signatory is reminded of the contracts register and approves.
    sign_in(c, &base, "starosta").await;
    c.goto(&url).await.unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Id("register-reminder"))
        .await
        .unwrap();
    type_into(c, "purchase_order", "OBJ-2026-117").await;
    click(c, "step-approve").await;
    state_shows(c, "Schválená").await;
    let answers = c
        .find(Locator::Id("answers"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(answers.contains("OBJ-2026-117"), "{answers}");
    sign_out(c).await;

    // Staff develop and deliver.
    sign_in(c, &base, "vedouci").await;
    c.goto(&url).await.unwrap();
    click(c, "step-develop").await;
    state_shows(c, "Ve vývoji").await;
    type_into(c, "delivered_in", "5.3.0").await;
    click(c, "step-deliver").await;
    state_shows(c, "Dodaná").await;
    sign_out(c).await;

    // The customer accepts with a reservation, which the page then lists.
    sign_in(c, &base, "referent").await;
    c.goto(&url).await.unwrap();
    type_into(
        c,
        "reason-accept_with_reservations",
        "Chybí součet za měsíc",
    )
    .await;
    click(c, "step-accept_with_reservations").await;
    state_shows(c, "Převzatá").await;
    let reservations = c
        .find(Locator::Id("reservations"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        reservations.contains("Chybí součet za měsíc"),
        "{reservations}"
    );
}
