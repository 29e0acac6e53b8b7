//! Customization orders end to end in the pages: a customer submits a requirement (field
//! errors next to the fields), staff analyse and quote (a bad figure is refused next to its
//! field), quote again, the signatory sees the contracts-register reminder and approves the
//! current revision with a purchase order, staff develop and deliver, the customer accepts
//! with a reservation, staff fix it, log hours and invoice; the support document converts
//! into an order and both link to each other; another organisation's orders and the staff's
//! hours never reach a customer (pages, CSV).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{TestApp, multipart_form, organisation};
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::ids::OrganisationId;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::{StaffRole, UserKind};

async fn member(
    app: &TestApp,
    login: &str,
    organisation: OrganisationId,
    right: AgendaRight,
    approve: bool,
) -> String {
    let id = app.user(login, UserKind::Customer, vec![]).await;
    app.db
        .store
        .set_membership(
            id,
            organisation,
            &MembershipRights {
                customization_orders: right,
                support_documents: AgendaRight::Write,
                may_approve_orders: approve,
                ..MembershipRights::NONE
            },
        )
        .await
        .unwrap();
    app.sign_in(login).await
}

/// A day that has surely come in Prague too.
fn yesterday() -> String {
    (chrono::Utc::now().date_naive() - chrono::Duration::days(1)).to_string()
}

fn version(page: &str) -> String {
    page.split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("1")
        .to_owned()
}

async fn step(app: &TestApp, path: &str, cookie: &str, fields: &[(&str, &str)]) -> StatusCode {
    let page = app.get(path, Some(cookie)).await.text();
    let version = version(&page);
    let mut form = fields.to_vec();
    form.push(("version", &version));
    app.post_form(&format!("{path}/steps"), &form, Some(cookie))
        .await
        .status
}

#[tokio::test]
async fn an_order_goes_from_requirement_to_invoice() {
    life_of_an_order(TestApp::new().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_order_goes_from_requirement_to_invoice_on_postgres() {
    if let Some(db) = supportweb_storage::testing::postgres().await {
        life_of_an_order(TestApp::on(db).await).await;
    }
}

async fn life_of_an_order(app: TestApp) {
    let lhota = organisation(&app, "Obec Lhota", true).await;
    let brno = organisation(&app, "Město Brno", true).await;
    let manager_id = app
        .user("vedouci", UserKind::Staff, vec![StaffRole::ProjectManager])
        .await;
    app.db
        .store
        .add_to_account_team(lhota, manager_id)
        .await
        .unwrap();
    // A colleague in the account team reads the manager's internal notes by e-mail.
    let colleague = app
        .user(
            "obchodnik",
            UserKind::Staff,
            vec![StaffRole::ProjectManager],
        )
        .await;
    app.db
        .store
        .add_to_account_team(lhota, colleague)
        .await
        .unwrap();
    let manager = app.sign_in("vedouci").await;
    let referent = member(&app, "referent", lhota, AgendaRight::Write, false).await;
    let starosta = member(&app, "starosta", lhota, AgendaRight::Read, true).await;
    let brnak = member(&app, "brnak", brno, AgendaRight::Write, true).await;

    // The navigation offers the agenda; an empty title is refused next to its field and
    // what was typed stays.
    let home = app.get("/", Some(&referent)).await.text();
    assert!(home.contains("/customization-orders"), "{home}");
    let form = app
        .get("/customization-orders/new", Some(&referent))
        .await
        .text();
    assert!(form.contains("id=\"order-form\""), "{form}");
    let lhota_id = lhota.to_string();
    let refused = app
        .post_multipart(
            "/customization-orders",
            multipart_form(
                &[
                    ("organisation", &lhota_id),
                    ("title", " "),
                    (
                        "description",
                        "Sestava doručené pošty podle spisových uzlů.",
                    ),
                    ("desired_on", "31. 3. 2027"),
                ],
                &[("files", "vzor-sestavy.txt", b"Vzor sestavy")],
            ),
            &referent,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text();
    assert!(text.contains("id=\"title-error\""), "{text}");
    assert!(text.contains("id=\"desired_on-error\""));
    assert!(text.contains("Sestava doručené pošty podle spisových uzlů."));
    // The upload is kept for the next try.
    assert!(text.contains("vzor-sestavy.txt"));
    let kept = text
        .split("name=\"file_id\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    // A read-only member (the signatory here) cannot submit.
    assert_eq!(
        app.get("/customization-orders/new", Some(&starosta))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let created = app
        .post_multipart(
            "/customization-orders",
            multipart_form(
                &[
                    ("organisation", &lhota_id),
                    ("title", "Sestava doručené pošty"),
                    (
                        "description",
                        "Sestava podle **spisových uzlů**.<script>alert(1)</script>",
                    ),
                    ("desired_on", "2027-03-31"),
                    ("file_id", &kept),
                ],
                &[],
            ),
            &referent,
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
    let path = created.header("location");
    let page = app.get(&path, Some(&referent)).await.text();
    assert!(page.contains("<strong>spisových uzlů</strong>"));
    assert!(!page.contains("<script>alert"));
    assert!(page.contains("Zadaná"));
    // The canary: another organisation's order is nowhere for Lhota's users.
    let canary = app
        .post_multipart(
            "/customization-orders",
            multipart_form(
                &[
                    ("organisation", &brno.to_string()),
                    ("title", "KANÁR brněnská sestava"),
                    ("description", "Tajné."),
                ],
                &[],
            ),
            &brnak,
        )
        .await
        .header("location");
    assert_eq!(
        app.get(&canary, Some(&referent)).await.status,
        StatusCode::NOT_FOUND
    );
    // Staff group the overview by organisation: each organisation heads its orders.
    let grouped = app
        .get(
            "/customization-orders?group=organisation&sort=oldest",
            Some(&manager),
        )
        .await
        .text();
    assert!(
        grouped.contains("<th colspan=\"7\" scope=\"rowgroup\">Obec Lhota</th>"),
        "{grouped}"
    );
    assert!(grouped.contains("<th colspan=\"7\" scope=\"rowgroup\">Město Brno</th>"));
    let bad_sort = app
        .get(
            "/customization-orders/export.csv?sort=cenou",
            Some(&manager),
        )
        .await;
    assert_eq!(bad_sort.status, StatusCode::UNPROCESSABLE_ENTITY);
    for listing in ["/customization-orders", "/customization-orders/export.csv"] {
        let text = app.get(listing, Some(&starosta)).await.text();
        assert!(text.contains("Sestava doručené pošty"), "{listing}");
        assert!(!text.contains("KANÁR"), "{listing}: {text}");
    }

    // The requirement's file downloads for the organisation's users only.
    let file_link = page
        .split("href=\"/customization-orders/")
        .find(|s| s.contains("/files/"))
        .and_then(|s| s.split('"').next())
        .map(|s| format!("/customization-orders/{s}"))
        .unwrap();
    let download = app.get(&file_link, Some(&starosta)).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.text(), "Vzor sestavy");
    assert_eq!(
        app.get(&file_link, Some(&brnak)).await.status,
        StatusCode::NOT_FOUND
    );
    // Conversation: staff's internal note (with a file) never reaches the customer.
    let note = app
        .post_multipart(
            &format!("{path}/comments"),
            multipart_form(
                &[
                    ("body", "KANÁR-INTERNÍ: kalkulace s rezervou"),
                    ("internal", "1"),
                ],
                &[("files", "kalkulace.txt", b"KANAR-SOUBOR")],
            ),
            &manager,
        )
        .await;
    assert_eq!(note.status, StatusCode::SEE_OTHER, "{}", note.text());
    let reply = app
        .post_multipart(
            &format!("{path}/comments"),
            multipart_form(&[("body", "Doplňujeme: i za minulý rok.")], &[]),
            &referent,
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER);
    let empty = app
        .post_multipart(
            &format!("{path}/comments"),
            multipart_form(&[("body", " ")], &[]),
            &referent,
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text().contains("id=\"body-error\""));
    let staff_page = app.get(&path, Some(&manager)).await.text();
    assert!(staff_page.contains("KANÁR-INTERNÍ"));
    let note_file = staff_page
        .split("href=\"/customization-orders/")
        .filter(|s| s.contains("/files/"))
        .nth(1)
        .and_then(|s| s.split('"').next())
        .map(|s| format!("/customization-orders/{s}"))
        .unwrap();
    assert_eq!(
        app.get(&note_file, Some(&manager)).await.text(),
        "KANAR-SOUBOR"
    );
    for customer in [&referent, &starosta] {
        let seen = app.get(&path, Some(customer)).await.text();
        assert!(seen.contains("Doplňujeme: i za minulý rok."));
        assert!(!seen.contains("KANÁR-INTERNÍ"), "{seen}");
        assert!(!seen.contains("kalkulace.txt"));
        assert_eq!(
            app.get(&note_file, Some(customer)).await.status,
            StatusCode::NOT_FOUND
        );
    }

    // Staff analyse and quote; a bad rate is refused next to its field, typed values kept.
    assert_eq!(
        step(&app, &path, &manager, &[("step", "analyse")]).await,
        StatusCode::SEE_OTHER
    );
    // With the quote form on the page too, a bad figure in the work form is shown at the
    // work form's hours, not at the quote's.
    let refused = app
        .post_form(
            &format!("{path}/work"),
            &[("worked_on", &yesterday()), ("hours", "hodně")],
            Some(&manager),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text();
    assert!(text.contains("id=\"work-hours-error\""), "{text}");
    assert!(!text.contains("id=\"hours-error\""));
    let page = app.get(&path, Some(&manager)).await.text();
    // The history names the states in Czech, not by their machine names.
    let history = page.split("id=\"history\"").nth(1).unwrap();
    assert!(
        history.contains("<td>Zadaná</td><td>V analýze</td>"),
        "{history}"
    );
    assert!(!history.contains("in_analysis"));
    let v = version(&page);
    let quote = |hours: &'static str, rate: &'static str, v: String| {
        vec![
            (
                "scope".to_owned(),
                "Nová sestava v modulu Podatelna.".to_owned(),
            ),
            ("hours".to_owned(), hours.to_owned()),
            ("hourly_rate".to_owned(), rate.to_owned()),
            ("currency".to_owned(), "CZK".to_owned()),
            ("vat_rate".to_owned(), "21".to_owned()),
            ("delivery_on".to_owned(), "2099-02-28".to_owned()),
            ("valid_until".to_owned(), "2099-12-31".to_owned()),
            ("version".to_owned(), v),
        ]
    };
    let bad = quote("12,5", "tisíc", v.clone());
    let bad: Vec<(&str, &str)> = bad.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let refused = app
        .post_multipart(
            &format!("{path}/quotes"),
            multipart_form(&bad, &[]),
            &manager,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text();
    assert!(text.contains("id=\"hourly_rate-error\""), "{text}");
    assert!(text.contains("value=\"tisíc\""));
    let good = quote("12,5", "1 450", v);
    let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let issued = app
        .post_multipart(
            &format!("{path}/quotes"),
            multipart_form(
                &good,
                &[("files", "nabidka-specifikace.txt", b"Specifikace")],
            ),
            &manager,
        )
        .await;
    assert_eq!(issued.status, StatusCode::SEE_OTHER, "{}", issued.text());
    // 12,5 h × 1 450 Kč = 18 125 Kč + 21 % DPH = 21 931,25 → 21 931 Kč
    let page = app.get(&path, Some(&starosta)).await.text();
    assert!(page.contains("21\u{a0}931,00\u{a0}Kč"), "{page}");
    assert!(page.contains("-0,25\u{a0}Kč"));
    // The quote's document is listed with its revision and downloads for the signatory.
    let document = page
        .split("href=\"/customization-orders/")
        .find(|s| s.contains("class=\"quote-file\""))
        .and_then(|s| s.split('"').next())
        .map(|s| format!("/customization-orders/{s}"))
        .unwrap();
    assert!(page.contains("nabidka-specifikace.txt"));
    assert_eq!(
        app.get(&document, Some(&starosta)).await.text(),
        "Specifikace"
    );
    // Staff quote again: revision 2 supersedes 1, both shown side by side.
    let v = version(&app.get(&path, Some(&manager)).await.text());
    let second = quote("16", "1450", v);
    let second: Vec<(&str, &str)> = second
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        app.post_multipart(
            &format!("{path}/quotes"),
            multipart_form(&second, &[]),
            &manager
        )
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let page = app.get(&path, Some(&starosta)).await.text();
    assert!(page.contains("id=\"quote-1\"") && page.contains("id=\"quote-2\""));
    assert!(page.contains("nahrazená"));
    // The signatory of a public body is reminded of the contracts register; the writer
    // and staff are not offered the approval.
    assert!(page.contains("id=\"register-reminder\""), "{page}");
    assert!(page.contains("id=\"step-approve\""));
    let writer_page = app.get(&path, Some(&referent)).await.text();
    assert!(!writer_page.contains("id=\"step-approve\""));
    assert_eq!(
        step(
            &app,
            &path,
            &referent,
            &[("step", "approve"), ("quote_revision", "2")]
        )
        .await,
        StatusCode::FORBIDDEN
    );
    // Approving the superseded revision is refused with the reason on the page.
    let old = app
        .post_form(
            &format!("{path}/steps"),
            &[
                ("step", "approve"),
                ("quote_revision", "1"),
                ("version", &version(&page)),
            ],
            Some(&starosta),
        )
        .await;
    assert_eq!(old.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(old.text().contains("id=\"quote_revision-error\""));
    assert_eq!(
        step(
            &app,
            &path,
            &starosta,
            &[
                ("step", "approve"),
                ("quote_revision", "2"),
                ("purchase_order", "OBJ-2026-117")
            ]
        )
        .await,
        StatusCode::SEE_OTHER
    );
    let page = app.get(&path, Some(&referent)).await.text();
    assert!(page.contains("Schválená"));
    assert!(page.contains("OBJ-2026-117"));
    assert!(page.contains("schválil(a) nabídku verze 2"));

    // Development, delivery (the version is required), acceptance with a reservation.
    assert_eq!(
        step(&app, &path, &manager, &[("step", "develop")]).await,
        StatusCode::SEE_OTHER
    );
    let missing = app
        .post_form(
            &format!("{path}/steps"),
            &[
                ("step", "deliver"),
                ("delivered_in", ""),
                (
                    "version",
                    &version(&app.get(&path, Some(&manager)).await.text()),
                ),
            ],
            Some(&manager),
        )
        .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(missing.text().contains("id=\"delivered_in-error\""));
    assert_eq!(
        step(
            &app,
            &path,
            &manager,
            &[("step", "deliver"), ("delivered_in", "5.3.0")]
        )
        .await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        step(
            &app,
            &path,
            &referent,
            &[
                ("step", "accept_with_reservations"),
                ("reason", "Chybí součet za měsíc")
            ]
        )
        .await,
        StatusCode::SEE_OTHER
    );
    let page = app.get(&path, Some(&manager)).await.text();
    assert!(page.contains("Chybí součet za měsíc"));
    // The overview shows what is still to fix, and filters by it.
    let open_list = app
        .get("/customization-orders?reservations=open", Some(&manager))
        .await
        .text();
    assert!(open_list.contains("1 výhrada k opravě"), "{open_list}");
    let reservation = page
        .split("action=\"")
        .find(|s| s.contains("/reservations/"))
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let fixed = app
        .post_form(
            &reservation,
            &[("state", "fixed"), ("version", "1")],
            Some(&manager),
        )
        .await;
    assert_eq!(fixed.status, StatusCode::SEE_OTHER);
    assert!(
        app.get("/customization-orders?reservations=open", Some(&manager))
            .await
            .text()
            .contains("id=\"no-orders\""),
        "nothing left to fix"
    );
    assert!(
        app.get(&path, Some(&referent))
            .await
            .text()
            .contains("reservation-fixed")
    );

    // Hours: staff see them against the estimate; the customer never does. A day still to
    // come and an overlong note are refused next to their fields, and nothing is logged.
    let tomorrow = (chrono::Utc::now().date_naive() + chrono::Duration::days(2)).to_string();
    let refused = app
        .post_form(
            &format!("{path}/work"),
            &[
                ("worked_on", &tomorrow),
                ("hours", "2,5"),
                ("note", "Revize"),
            ],
            Some(&manager),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text();
    assert!(text.contains("id=\"worked_on-error\""));
    // What was typed stays in the form.
    assert!(text.contains(&format!("value=\"{tomorrow}\"")));
    assert!(text.contains("name=\"hours\" value=\"2,5\""), "{text}");
    assert!(text.contains("name=\"note\" value=\"Revize\""));
    let overlong = "x".repeat(301);
    let refused = app
        .post_form(
            &format!("{path}/work"),
            &[
                ("worked_on", &yesterday()),
                ("hours", "2"),
                ("note", &overlong),
            ],
            Some(&manager),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text();
    assert!(
        text.contains(
            "<p class=\"error\" id=\"note-error\">Text je příliš dlouhý: nejvýše 300 znaků.</p>"
        ),
        "{text}"
    );
    let logged = app
        .post_form(
            &format!("{path}/work"),
            &[
                ("worked_on", &yesterday()),
                ("hours", "7,5"),
                ("note", "INTERNÍ poznámka k práci"),
            ],
            Some(&manager),
        )
        .await;
    assert_eq!(logged.status, StatusCode::SEE_OTHER);
    let page = app.get(&path, Some(&manager)).await.text();
    assert!(
        page.contains("Odhad hodin: 16 h · Odpracováno: 7,5 h"),
        "{page}"
    );
    let customer_page = app.get(&path, Some(&referent)).await.text();
    assert!(!customer_page.contains("INTERNÍ"));
    assert!(!customer_page.contains("id=\"work\""));

    // E-mails: the account team hears of the requirement and the approval, the signatory of
    // each quote, the requester and the signatory of the delivery; Brno hears nothing of
    // Lhota's order.
    common::drain_events(&app).await;
    let outbox = app.db.store.outbox_entries().await.unwrap();
    let to = |email: &str| {
        outbox
            .iter()
            .filter(|m| m.recipient_email == email && m.subject.contains("Sestava doručené pošty"))
            .map(|m| m.subject.clone())
            .collect::<Vec<_>>()
    };
    let manager_mail = to("vedouci@example.cz");
    assert!(
        manager_mail.iter().any(|s| s.contains("Nový požadavek")),
        "{outbox:?}"
    );
    assert!(manager_mail.iter().any(|s| s.contains("Nabídka schválena")));
    // The customer's reply reaches the account team and the signatory with its text; the
    // internal note reaches no customer, in any part of any message.
    for reader in ["vedouci@example.cz", "starosta@example.cz"] {
        assert!(
            outbox.iter().any(|m| m.recipient_email == reader
                && m.subject.contains("Nová odpověď")
                && m.body.contains("Doplňujeme: i za minulý rok.")),
            "{reader}: {outbox:?}"
        );
    }
    let note = outbox
        .iter()
        .find(|m| {
            m.recipient_email == "obchodnik@example.cz" && m.subject.contains("Interní poznámka")
        })
        .unwrap_or_else(|| panic!("{outbox:?}"));
    assert!(note.body.contains("KANÁR-INTERNÍ") && note.body.contains("[kalkulace.txt]"));
    for customer in [
        "referent@example.cz",
        "starosta@example.cz",
        "brnak@example.cz",
    ] {
        assert!(
            !outbox.iter().any(|m| m.recipient_email == customer
                && (m.body.contains("KANÁR") || m.body.contains("kalkulace"))),
            "{customer}: {outbox:?}"
        );
    }
    assert!(
        to("referent@example.cz")
            .iter()
            .all(|s| !s.contains("Nová odpověď")),
        "nobody hears of their own reply"
    );
    // The acceptance reaches the account team with the reservations quoted.
    let accepted = outbox
        .iter()
        .find(|m| {
            m.recipient_email == "vedouci@example.cz" && m.subject.contains("Customizace převzata")
        })
        .unwrap_or_else(|| panic!("{outbox:?}"));
    assert!(
        accepted
            .body
            .contains("Převzato s těmito výhradami:\nChybí součet za měsíc"),
        "{}",
        accepted.body
    );
    assert!(
        // Only the vendor hears of it: the signatory, a customer user, does not.
        to("starosta@example.cz")
            .iter()
            .all(|s| !s.contains("převzata"))
    );
    assert_eq!(
        to("starosta@example.cz")
            .iter()
            .filter(|s| s.contains("Nabídka ke schválení"))
            .count(),
        2,
        "{outbox:?}"
    );
    assert!(
        to("starosta@example.cz")
            .iter()
            .any(|s| s.contains("Customizace dodána"))
    );
    assert!(
        to("referent@example.cz")
            .iter()
            .any(|s| s.contains("Customizace dodána"))
    );
    assert!(
        !outbox
            .iter()
            .any(|m| m.recipient_email == "brnak@example.cz"
                && m.subject.contains("Sestava doručené pošty")),
        "{outbox:?}"
    );
    assert!(
        !outbox
            .iter()
            .any(|m| m.recipient_email != "brnak@example.cz"
                && m.recipient_email != "vedouci@example.cz"
                && m.subject.contains("KANÁR"))
    );

    // Invoicing: the CSV lists the accepted order with its figures; one action invoices.
    assert_eq!(
        app.get("/customization-orders/invoicing", Some(&referent))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let csv = app
        .get("/customization-orders/invoicing.csv", Some(&manager))
        .await
        .text();
    assert!(csv.contains("Sestava doručené pošty"), "{csv}");
    assert!(csv.contains("7,5"));
    // Plain figures for spreadsheets (16 h × 1 450 Kč + 21 %) and the purchase order.
    assert!(csv.contains("\"23200,00\""), "{csv}");
    assert!(csv.contains("\"28072,00\""));
    assert!(csv.contains("\"OBJ-2026-117\""));
    assert!(!csv.contains("KANÁR"));
    // What the invoice needs: the customer's IČO and DIČ, the day of acceptance (the date
    // of the taxable supply) and the VAT rate next to the figures.
    let header = csv.lines().next().unwrap();
    for column in ["IČO", "DIČ", "Převzato dne", "Sazba DPH"] {
        assert!(header.contains(&format!("\"{column}\"")), "{header}");
    }
    let accepted_on = supportweb_domain::calendar::prague_time(chrono::Utc::now())
        .date()
        .to_string();
    assert!(csv.contains(&format!("\"{accepted_on}\"")), "{csv}");
    assert!(csv.contains("\"23200,00\";\"21\";\"4872,00\""), "{csv}");
    let invoicing = app
        .get("/customization-orders/invoicing", Some(&manager))
        .await
        .text();
    let choice = invoicing
        .split("name=\"order\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    let marked = app
        .post_form(
            "/customization-orders/invoicing",
            &[("order", &choice)],
            Some(&manager),
        )
        .await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER);
    assert!(
        app.get(&path, Some(&referent))
            .await
            .text()
            .contains("Vyfakturovaná")
    );
    assert!(
        app.get("/customization-orders/invoicing", Some(&manager))
            .await
            .text()
            .contains("id=\"nothing-to-invoice\"")
    );
}

#[tokio::test]
async fn a_support_document_converts_into_an_order_and_both_link() {
    let app = TestApp::new().await;
    let lhota = organisation(&app, "Obec Lhota", true).await;
    app.user("vedouci", UserKind::Staff, vec![StaffRole::ProjectManager])
        .await;
    let manager = app.sign_in("vedouci").await;
    let referent = member(&app, "referent", lhota, AgendaRight::Write, false).await;
    let created = app
        .post_multipart(
            "/support-documents/new",
            multipart_form(
                &[
                    ("organisation", &lhota.to_string()),
                    ("category", "request"),
                    ("severity", "low"),
                    ("installation", ""),
                    ("module", "Podatelna"),
                    ("product_version", "5.2.3"),
                    ("subject", "Chtěli bychom sestavu podle uzlů"),
                    ("description", "Měsíční přehled doručené pošty."),
                    ("contact", "Jana Malá, 604 111 222"),
                ],
                &[],
            ),
            &referent,
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
    let document = created.header("location");
    let page = app.get(&document, Some(&manager)).await.text();
    assert!(page.contains("id=\"convert-to-order\""), "{page}");
    // The customer is not offered the conversion and cannot force it.
    assert!(
        !app.get(&document, Some(&referent))
            .await
            .text()
            .contains("id=\"convert-to-order\"")
    );
    assert_eq!(
        app.post_form(&format!("{document}/convert"), &[], Some(&referent))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let converted = app
        .post_form(&format!("{document}/convert"), &[], Some(&manager))
        .await;
    assert_eq!(converted.status, StatusCode::SEE_OTHER);
    let order = converted.header("location");
    let page = app.get(&order, Some(&referent)).await.text();
    assert!(page.contains("Chtěli bychom sestavu podle uzlů"));
    assert!(page.contains("id=\"order-document\""), "{page}");
    let back = app.get(&document, Some(&referent)).await.text();
    assert!(back.contains("id=\"converted-order\""), "{back}");
    // The API shows the link from the document too.
    let token = common::api_token(&app, "referent").await;
    let document_id = document.rsplit('/').next().unwrap();
    let detail = common::api_call(
        &app,
        "GET",
        &format!("/api/v1/support-documents/{document_id}"),
        &token,
        None,
    )
    .await
    .json();
    assert_eq!(
        detail["customization_order_id"],
        order.rsplit('/').next().unwrap()
    );
    // Converting again is refused.
    assert_eq!(
        app.post_form(&format!("{document}/convert"), &[], Some(&manager))
            .await
            .status,
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn the_api_runs_an_order_like_the_pages() {
    api_flow(TestApp::new().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_api_runs_an_order_like_the_pages_on_postgres() {
    if let Some(db) = supportweb_storage::testing::postgres().await {
        api_flow(TestApp::on(db).await).await;
    }
}

async fn api_flow(app: TestApp) {
    use common::{api_call, api_token};
    use serde_json::json;

    let lhota = organisation(&app, "Obec Lhota", true).await;
    let brno = organisation(&app, "Město Brno", true).await;
    let manager_id = app
        .user("vedouci", UserKind::Staff, vec![StaffRole::ProjectManager])
        .await;
    app.db
        .store
        .add_to_account_team(lhota, manager_id)
        .await
        .unwrap();
    member(&app, "referent", lhota, AgendaRight::Write, false).await;
    member(&app, "starosta", lhota, AgendaRight::Read, true).await;
    member(&app, "brnak", brno, AgendaRight::Write, true).await;
    let manager = api_token(&app, "vedouci").await;
    let referent = api_token(&app, "referent").await;
    let starosta = api_token(&app, "starosta").await;
    let brnak = api_token(&app, "brnak").await;

    let missing_title = api_call(
        &app,
        "POST",
        "/api/v1/customization-orders",
        &referent,
        Some(json!({"organisation_id": lhota.0, "title": "", "description": "Popis."})),
    )
    .await;
    assert_eq!(missing_title.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        missing_title.header("content-type"),
        "application/problem+json"
    );
    assert!(missing_title.text().contains("\"title\""));
    let foreign = api_call(
        &app,
        "POST",
        "/api/v1/customization-orders",
        &referent,
        Some(json!({"organisation_id": brno.0, "title": "Cizí", "description": "Popis."})),
    )
    .await;
    assert_eq!(
        foreign.status,
        StatusCode::NOT_FOUND,
        "another organisation answers like a missing one"
    );
    let created = api_call(
        &app,
        "POST",
        "/api/v1/customization-orders",
        &referent,
        Some(json!({
            "organisation_id": lhota.0,
            "title": "Napojení na ISDS",
            "description": "Odesílání do datových schránek.",
            "desired_on": "2027-06-30"
        })),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let order = created.json();
    assert_eq!(order["state"], "submitted");
    assert_eq!(order["waiting_on"], "vendor");
    let path = format!(
        "/api/v1/customization-orders/{}",
        order["id"].as_str().unwrap()
    );

    // Another organisation's user gets exactly what a missing order gets.
    let missing = api_call(
        &app,
        "GET",
        "/api/v1/customization-orders/00000000-0000-7000-8000-000000000000",
        &brnak,
        None,
    )
    .await;
    let hidden = api_call(&app, "GET", &path, &brnak, None).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);
    assert_eq!(
        hidden.json()["code"],
        missing.json()["code"],
        "{}",
        hidden.text()
    );
    assert!(!hidden.text().contains("ISDS"));
    let listed = api_call(&app, "GET", "/api/v1/customization-orders", &brnak, None).await;
    assert!(!listed.text().contains("ISDS"));

    let noted = api_call(
        &app,
        "POST",
        &format!("{path}/comments"),
        &manager,
        Some(json!({"body": "KANÁR-API interní", "internal": true})),
    )
    .await;
    assert_eq!(noted.status, StatusCode::CREATED, "{}", noted.text());
    assert_eq!(noted.json()["comments"][0]["internal"], true);
    let forced = api_call(
        &app,
        "POST",
        &format!("{path}/comments"),
        &referent,
        Some(json!({"body": "Interní?", "internal": true})),
    )
    .await;
    assert_eq!(forced.status, StatusCode::FORBIDDEN);
    let customer_view = api_call(&app, "GET", &path, &starosta, None).await;
    assert!(
        !customer_view.text().contains("KANÁR-API"),
        "{}",
        customer_view.text()
    );
    assert_eq!(customer_view.json()["comments"], json!([]));
    let version = |detail: &serde_json::Value| detail["order"]["version"].as_i64().unwrap();
    let detail = api_call(&app, "GET", &path, &manager, None).await.json();
    assert_eq!(detail["steps"], json!(["analyse", "cancel"]));
    let analysed = api_call(
        &app,
        "POST",
        &format!("{path}/steps"),
        &manager,
        Some(json!({"step": "analyse", "version": version(&detail)})),
    )
    .await;
    assert_eq!(analysed.status, StatusCode::OK, "{}", analysed.text());
    let quote = |version: i64| {
        json!({
            "scope": "Odesílání z modulu Výpravna.",
            "estimated_centi_hours": 2000,
            "hourly_rate": 120_000,
            "currency": "CZK",
            "vat_basis_points": 2100,
            "delivery_on": "2099-05-31",
            "valid_until": "2099-12-31",
            "version": version
        })
    };
    let stale = api_call(
        &app,
        "POST",
        &format!("{path}/quotes"),
        &manager,
        Some(quote(1)),
    )
    .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let quoted = api_call(
        &app,
        "POST",
        &format!("{path}/quotes"),
        &manager,
        Some(quote(version(&analysed.json()))),
    )
    .await;
    assert_eq!(quoted.status, StatusCode::CREATED, "{}", quoted.text());
    // 20 h × 1 200 Kč = 24 000 Kč; VAT 5 040 Kč; due 29 040 Kč.
    let q = &quoted.json()["quotes"][0];
    assert_eq!(
        (q["net"].as_i64(), q["vat"].as_i64(), q["total"].as_i64()),
        (Some(2_400_000), Some(504_000), Some(2_904_000))
    );
    // Staff cannot approve for the customer; the signatory does, naming the revision.
    let detail = api_call(&app, "GET", &path, &starosta, None).await.json();
    assert!(detail["work"].is_null(), "customers get no hours");
    // A signatory with only the read right answers the quote and does nothing else.
    assert_eq!(
        detail["steps"],
        json!(["approve", "reject", "return_for_requote"])
    );
    let by_staff = api_call(
        &app,
        "POST",
        &format!("{path}/steps"),
        &manager,
        Some(json!({"step": "approve", "version": version(&detail)})),
    )
    .await;
    assert_eq!(by_staff.status, StatusCode::FORBIDDEN);
    let approved = api_call(
        &app,
        "POST",
        &format!("{path}/steps"),
        &starosta,
        Some(json!({
            "step": "approve",
            "quote_revision": 1,
            "purchase_order": "OBJ-77",
            "version": version(&detail)
        })),
    )
    .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text());
    let approved = approved.json();
    assert_eq!(approved["order"]["state"], "approved");
    assert_eq!(approved["answers"][0]["purchase_order"], "OBJ-77");
    assert_eq!(approved["answers"][0]["quote_revision"], 1);

    for (step, extra) in [
        ("develop", json!({})),
        ("deliver", json!({"delivered_in": "5.4.0"})),
    ] {
        let detail = api_call(&app, "GET", &path, &manager, None).await.json();
        let mut body = extra;
        body["step"] = json!(step);
        body["version"] = json!(version(&detail));
        let done = api_call(&app, "POST", &format!("{path}/steps"), &manager, Some(body)).await;
        assert_eq!(done.status, StatusCode::OK, "{step}: {}", done.text());
    }
    let detail = api_call(&app, "GET", &path, &referent, None).await.json();
    let no_reason = api_call(
        &app,
        "POST",
        &format!("{path}/steps"),
        &referent,
        Some(json!({"step": "not_accept", "version": version(&detail)})),
    )
    .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_reason.text().contains("\"reason\""));
    // Not accepted twice before the worker runs: back to development each time, and the
    // account team reads each reason in its own message.
    let deliver =
        |version: i64| json!({"step": "deliver", "delivered_in": "5.4.1", "version": version});
    for (n, reason) in ["Tisk padá na prázdném dni.", "Chybí stránkování."]
        .into_iter()
        .enumerate()
    {
        if n > 0 {
            let detail = api_call(&app, "GET", &path, &manager, None).await.json();
            let redelivered = api_call(
                &app,
                "POST",
                &format!("{path}/steps"),
                &manager,
                Some(deliver(version(&detail))),
            )
            .await;
            assert_eq!(redelivered.status, StatusCode::OK, "{}", redelivered.text());
        }
        let detail = api_call(&app, "GET", &path, &referent, None).await.json();
        let refused = api_call(
            &app,
            "POST",
            &format!("{path}/steps"),
            &referent,
            Some(json!({"step": "not_accept", "reason": reason, "version": version(&detail)})),
        )
        .await;
        assert_eq!(refused.status, StatusCode::OK, "{}", refused.text());
        assert_eq!(refused.json()["order"]["state"], "in_development");
    }
    common::drain_events(&app).await;
    let outbox = app.db.store.outbox_entries().await.unwrap();
    let refusals: Vec<&str> = outbox
        .iter()
        .filter(|m| {
            m.recipient_email == "vedouci@example.cz"
                && m.subject.contains("Customizace nepřevzata")
        })
        .map(|m| m.body.as_str())
        .collect();
    assert_eq!(refusals.len(), 2, "{outbox:?}");
    assert!(refusals[0].contains("Tisk padá") && !refusals[0].contains("stránkování"));
    assert!(refusals[1].contains("Chybí stránkování.") && !refusals[1].contains("Tisk"));
    let detail = api_call(&app, "GET", &path, &manager, None).await.json();
    let redelivered = api_call(
        &app,
        "POST",
        &format!("{path}/steps"),
        &manager,
        Some(deliver(version(&detail))),
    )
    .await;
    assert_eq!(redelivered.status, StatusCode::OK, "{}", redelivered.text());
    let detail = api_call(&app, "GET", &path, &referent, None).await.json();
    let accepted = api_call(
        &app,
        "POST",
        &format!("{path}/steps"),
        &referent,
        Some(json!({"step": "accept", "version": version(&detail)})),
    )
    .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.text());

    let logged = api_call(
        &app,
        "POST",
        &format!("{path}/work"),
        &manager,
        Some(json!({"worked_on": yesterday(), "centi_hours": 1800, "note": "Výpravna"})),
    )
    .await;
    assert_eq!(logged.status, StatusCode::CREATED, "{}", logged.text());
    assert_eq!(logged.json()["work"][0]["centi_hours"], 1800);
    let by_customer = api_call(
        &app,
        "POST",
        &format!("{path}/work"),
        &referent,
        Some(json!({"worked_on": yesterday(), "centi_hours": 100})),
    )
    .await;
    assert_eq!(by_customer.status, StatusCode::FORBIDDEN);
    let long_answer = api_call(
        &app,
        "POST",
        &format!("{path}/comments"),
        &referent,
        Some(json!({"body": "a".repeat(20_001)})),
    )
    .await;
    assert_eq!(long_answer.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problem = long_answer.json();
    assert_eq!(problem["errors"][0]["field"], "body", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "order-error-too-long");
    let message = problem["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("Text je příliš dlouhý: nejvýše 20"),
        "{message}"
    );
    assert!(!message.contains('{'), "{message}");

    let lines = api_call(
        &app,
        "GET",
        "/api/v1/customization-orders/invoicing",
        &manager,
        None,
    )
    .await
    .json();
    assert_eq!(lines.as_array().unwrap().len(), 1);
    assert_eq!(lines[0]["worked_centi_hours"], 1800);
    assert_eq!(lines[0]["quote"]["total"], 2_904_000);
    assert_eq!(
        api_call(
            &app,
            "GET",
            "/api/v1/customization-orders/invoicing",
            &referent,
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let marked = api_call(
        &app,
        "POST",
        "/api/v1/customization-orders/invoicing",
        &manager,
        Some(json!([{"id": lines[0]["order"]["id"], "version": lines[0]["order"]["version"]}])),
    )
    .await;
    assert_eq!(marked.status, StatusCode::NO_CONTENT, "{}", marked.text());
    assert_eq!(
        api_call(&app, "GET", &path, &referent, None).await.json()["order"]["state"],
        "invoiced"
    );
}
