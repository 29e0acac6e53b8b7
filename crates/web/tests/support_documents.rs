//! The support-documents pages end to end: opening a document with an attachment, the
//! entitlement gate, workflow actions with stale forms, the conversation, and the canary
//! sweep over pages, attachments and the CSV export.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{TestApp, multipart_form, organisation};
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::ids::OrganisationId;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::UserKind;

async fn customer(app: &TestApp, login: &str, organisation: OrganisationId) -> String {
    let id = app.user(login, UserKind::Customer, vec![]).await;
    app.db
        .store
        .set_membership(
            id,
            organisation,
            &MembershipRights {
                support_documents: AgendaRight::Write,
                ..MembershipRights::NONE
            },
        )
        .await
        .unwrap();
    app.sign_in(login).await
}

/// The value of `name="version"` on a detail page.
fn version(page: &str) -> String {
    page.split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned()
}

async fn open_document(
    app: &TestApp,
    cookie: &str,
    organisation: OrganisationId,
) -> (String, String) {
    let reply = app
        .post_multipart(
            "/support-documents/new",
            multipart_form(
                &[
                    ("organisation", &organisation.to_string()),
                    ("category", "error"),
                    ("severity", "high"),
                    ("installation", ""),
                    ("module", "Podatelna"),
                    ("product_version", "5.2.3"),
                    ("subject", "Nelze uložit doručenou zásilku"),
                    (
                        "description",
                        "Po kliknutí na **Uložit** se objeví chyba.<script>alert('xss')</script>",
                    ),
                    ("contact", "Jana Malá, 604 111 222"),
                ],
                &[("files", "chyba-podatelna.txt", b"Stack trace: NullPointer")],
            ),
            cookie,
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let location = reply.header("location");
    let page = app.get(&location, Some(cookie)).await.text();
    let file = page
        .split("href=\"/files/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned();
    (location, file)
}

#[tokio::test]
async fn a_customer_opens_a_document_staff_answer_and_the_customer_confirms() {
    document_life_with_canaries(TestApp::new().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_opens_a_document_staff_answer_and_the_customer_confirms_on_postgres() {
    if let Some(db) = supportweb_storage::testing::postgres().await {
        document_life_with_canaries(TestApp::on(db).await).await;
    }
}

async fn document_life_with_canaries(app: TestApp) {
    let jihlava = organisation(&app, "Statutární město Jihlava", true).await;
    let lhota = organisation(&app, "Obec Lhota", true).await;
    let customer_cookie = customer(&app, "referentka", jihlava).await;
    let stranger = customer(&app, "starosta.lhota", lhota).await;
    app.staff("technik").await;
    let staff = app.sign_in("technik").await;

    let form = app
        .get("/support-documents/new", Some(&customer_cookie))
        .await;
    assert_eq!(form.status, StatusCode::OK);
    let form = form.text();
    assert!(
        form.contains("Statutární město Jihlava"),
        "the only organisation is chosen"
    );
    assert!(
        form.contains("Systém nebo jeho část je nedostupná a neexistuje náhradní řešení."),
        "severity definitions are shown while choosing"
    );

    let (detail, file) = open_document(&app, &customer_cookie, jihlava).await;
    let page = app.get(&detail, Some(&customer_cookie)).await.text();
    assert!(page.contains("SD-"), "the number is shown");
    assert!(
        page.contains("<strong>Uložit</strong>"),
        "Markdown is rendered"
    );
    assert!(!page.contains("<script>alert"), "script never survives");
    assert!(page.contains("chyba-podatelna.txt"));
    assert!(
        page.contains("id=\"action-cancel\""),
        "cancel before acceptance"
    );
    assert!(
        !page.contains("id=\"action-accept\""),
        "customers never accept"
    );
    let download = app
        .get(&format!("/files/{file}"), Some(&customer_cookie))
        .await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(download.bytes, b"Stack trace: NullPointer");

    // Staff accept; the same form sent again is stale.
    let staff_page = app.get(&detail, Some(&staff)).await.text();
    assert!(staff_page.contains("id=\"action-accept\""));
    let v = version(&staff_page);
    let accept = app
        .post_form(
            &format!("{detail}/transition"),
            &[("transition", "accept"), ("version", &v)],
            Some(&staff),
        )
        .await;
    assert_eq!(accept.status, StatusCode::SEE_OTHER);
    let again = app
        .post_form(
            &format!("{detail}/transition"),
            &[("transition", "start"), ("version", &v)],
            Some(&staff),
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::CONFLICT,
        "a stale form is refused"
    );
    let refused = app
        .post_form(
            &format!("{detail}/transition"),
            &[("transition", "resolve"), ("version", &v)],
            Some(&customer_cookie),
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "customers never resolve"
    );

    // An internal note and a public reply.
    for (body, internal) in [
        ("CANARY-INTERNAL-NOTE zákazník má starou verzi", "1"),
        ("Dobrý den, chybu jsme opravili v patchi 5.2.3.1.", "0"),
    ] {
        let reply = app
            .post_multipart(
                &format!("{detail}/comments"),
                multipart_form(
                    &[("body", body), ("internal", internal)],
                    &[("files", "", b"")],
                ),
                &staff,
            )
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    }
    let empty = app
        .post_multipart(
            &format!("{detail}/comments"),
            multipart_form(&[("body", "  ")], &[]),
            &staff,
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text().contains("id=\"body-error\""));

    let staff_page = app.get(&detail, Some(&staff)).await.text();
    assert!(staff_page.contains("CANARY-INTERNAL-NOTE"));
    let customer_page = app.get(&detail, Some(&customer_cookie)).await.text();
    assert!(customer_page.contains("opravili v patchi"));
    assert!(!customer_page.contains("CANARY-INTERNAL-NOTE"));
    for path in [
        "/support-documents".to_owned(),
        "/support-documents?view=all".to_owned(),
        "/support-documents/export.csv?view=all".to_owned(),
    ] {
        let text = app.get(&path, Some(&customer_cookie)).await.text();
        assert!(!text.contains("CANARY-INTERNAL-NOTE"), "{path}");
        let theirs = app.get(&path, Some(&stranger)).await;
        assert_eq!(theirs.status, StatusCode::OK);
        assert!(
            !theirs.text().contains("Nelze uložit doručenou zásilku"),
            "another organisation's document in {path}"
        );
    }
    let csv = app
        .get(
            "/support-documents/export.csv?view=all",
            Some(&customer_cookie),
        )
        .await;
    assert_eq!(csv.header("content-type"), "text/csv; charset=utf-8");
    assert!(csv.text().contains("Nelze uložit doručenou zásilku"));
    assert_eq!(
        app.get(&detail, Some(&stranger)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&format!("/files/{file}"), Some(&stranger))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let foreign_reply = app
        .post_multipart(
            &format!("{detail}/comments"),
            multipart_form(&[("body", "cizí")], &[]),
            &stranger,
        )
        .await;
    assert_eq!(foreign_reply.status, StatusCode::NOT_FOUND);

    // Staff resolve, the customer confirms.
    let v = version(&app.get(&detail, Some(&staff)).await.text());
    let resolve = app
        .post_form(
            &format!("{detail}/transition"),
            &[("transition", "resolve"), ("version", &v)],
            Some(&staff),
        )
        .await;
    assert_eq!(resolve.status, StatusCode::SEE_OTHER);
    let page = app.get(&detail, Some(&customer_cookie)).await.text();
    assert!(page.contains("id=\"action-confirm_resolution\""));
    let confirm = app
        .post_form(
            &format!("{detail}/transition"),
            &[
                ("transition", "confirm_resolution"),
                ("version", &version(&page)),
            ],
            Some(&customer_cookie),
        )
        .await;
    assert_eq!(confirm.status, StatusCode::SEE_OTHER);
    let page = app.get(&detail, Some(&customer_cookie)).await.text();
    assert!(page.contains("Uzavřený"), "closed");
    assert!(
        page.contains("id=\"action-reopen\""),
        "may reopen within the period"
    );
}

#[tokio::test]
async fn without_a_contract_the_customer_learns_whom_to_contact_and_nothing_is_created() {
    let app = TestApp::new().await;
    let lhota = organisation(&app, "Obec Bez Smlouvy", false).await;
    let manager = app.staff("obchodnik").await;
    app.db
        .store
        .add_to_account_team(lhota, manager)
        .await
        .unwrap();
    let cookie = customer(&app, "referent.bez", lhota).await;
    let form = app
        .get("/support-documents/new", Some(&cookie))
        .await
        .text();
    assert!(form.contains("id=\"not-entitled\""));
    assert!(
        form.contains("Uživatel obchodnik") || form.contains("obchodnik@"),
        "{form}"
    );
    assert!(!form.contains("id=\"document-form\""));
    let reply = app
        .post_multipart(
            "/support-documents/new",
            multipart_form(
                &[
                    ("organisation", &lhota.to_string()),
                    ("category", "question"),
                    ("severity", "low"),
                    ("subject", "Dotaz"),
                    ("description", "Jak?"),
                ],
                &[],
            ),
            &cookie,
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let list = app
        .get("/support-documents?view=all", Some(&cookie))
        .await
        .text();
    assert!(list.contains("id=\"no-documents\""), "nothing was created");
    assert!(
        list.contains("nejvýše 100 000 dokumentů"),
        "the export says where it stops"
    );
}

#[tokio::test]
async fn a_form_with_errors_keeps_what_was_typed_and_the_uploaded_files() {
    let app = TestApp::new().await;
    let jihlava = organisation(&app, "Jihlava", true).await;
    let cookie = customer(&app, "referentka", jihlava).await;
    let reply = app
        .post_multipart(
            "/support-documents/new",
            multipart_form(
                &[
                    ("organisation", &jihlava.to_string()),
                    ("category", "error"),
                    ("severity", "urgent"),
                    ("subject", ""),
                    ("description", "Popis, který nesmí zmizet"),
                ],
                &[("files", "snimek.png", b"\x89PNG....")],
            ),
            &cookie,
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = reply.text();
    assert!(page.contains("id=\"subject-error\""));
    assert!(page.contains("id=\"severity-error\""));
    assert!(page.contains("Popis, který nesmí zmizet"));
    assert!(page.contains("snimek.png") && page.contains("name=\"file_id\""));
}

#[tokio::test]
async fn the_chosen_installation_fills_product_version_and_module() {
    use supportweb_storage::catalogue::{NewInstallation, NewProduct};
    let app = TestApp::new().await;
    let jihlava = organisation(&app, "Statutární město Jihlava", true).await;
    let admin = app
        .user(
            "spravce",
            UserKind::Staff,
            vec![supportweb_domain::user::StaffRole::Administrator],
        )
        .await;
    let store = &app.db.store;
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
                modules: vec!["Podatelna".into(), "Výpravna".into()],
                versions: vec!["5.2.3".into(), "5.1.0".into()],
                is_active: true,
            },
        )
        .await
        .unwrap();
    for (label, version, modules) in [
        (
            "Produkce",
            "5.2.3",
            vec!["Podatelna".to_owned(), "Výpravna".to_owned()],
        ),
        ("Test", "5.1.0", vec!["Výpravna".to_owned()]),
    ] {
        store
            .create_installation(
                &admin,
                jihlava,
                &NewInstallation {
                    product_id: product,
                    label: label.into(),
                    product_version: version.into(),
                    modules,
                    notes: String::new(),
                },
            )
            .await
            .unwrap();
    }
    let installations = store.installations(&admin, jihlava).await.unwrap();
    let test = installations.iter().find(|i| i.label == "Test").unwrap();
    let cookie = customer(&app, "referentka", jihlava).await;
    let form = app
        .get("/support-documents/new", Some(&cookie))
        .await
        .text();
    assert!(
        form.contains("id=\"product_version\" name=\"product_version\" value=\"\""),
        "no version is typed in for the user: it comes from the installation sent"
    );
    let reply = app
        .post_multipart(
            "/support-documents/new",
            multipart_form(
                &[
                    ("organisation", &jihlava.to_string()),
                    ("category", "error"),
                    ("severity", "medium"),
                    ("installation", &test.id.to_string()),
                    ("module", ""),
                    ("product_version", ""),
                    ("subject", "Na testu nejde tisk obálek"),
                    ("description", "Tisk obálek končí chybou."),
                    ("contact", ""),
                ],
                &[],
            ),
            &cookie,
        )
        .await;
    assert_eq!(reply.status, StatusCode::SEE_OTHER, "{}", reply.text());
    let page = app
        .get(&reply.header("location"), Some(&cookie))
        .await
        .text();
    assert!(
        page.contains("Spisová služba 5.1.0 · Výpravna"),
        "product, version and the only module of the chosen installation"
    );

    // A subject that a spreadsheet would run as a formula is exported as text.
    let formula = app
        .post_multipart(
            "/support-documents/new",
            multipart_form(
                &[
                    ("organisation", &jihlava.to_string()),
                    ("category", "question"),
                    ("severity", "low"),
                    ("installation", ""),
                    ("subject", "=HYPERLINK(\"http://zlo.example\";\"klik\")"),
                    ("description", "Dotaz."),
                ],
                &[],
            ),
            &cookie,
        )
        .await;
    assert_eq!(formula.status, StatusCode::SEE_OTHER, "{}", formula.text());
    let csv = app
        .get("/support-documents/export.csv?view=all", Some(&cookie))
        .await
        .text();
    assert!(
        csv.contains("\"'=HYPERLINK(\"\"http://zlo.example\"\";\"\"klik\"\")\""),
        "{csv}"
    );
    assert!(!csv.contains(";\"=HYPERLINK"));
}

#[tokio::test]
async fn staff_open_a_document_for_a_customer_who_becomes_its_reporter() {
    let app = TestApp::new().await;
    let jihlava = organisation(&app, "Statutární město Jihlava", true).await;
    let lhota = organisation(&app, "Obec Lhota", true).await;
    let customer_cookie = customer(&app, "referentka", jihlava).await;
    customer(&app, "starosta.lhota", lhota).await;
    let stranger = app
        .db
        .store
        .user_by_login("starosta.lhota")
        .await
        .unwrap()
        .unwrap()
        .id;
    let referentka = app
        .db
        .store
        .user_by_login("referentka")
        .await
        .unwrap()
        .unwrap()
        .id;
    app.staff("technik").await;
    let staff = app.sign_in("technik").await;
    let form = app
        .get(
            &format!("/support-documents/new?organisation={jihlava}"),
            Some(&staff),
        )
        .await
        .text();
    assert!(form.contains("id=\"reporter\""));
    assert!(form.contains("Zkušební referentka"));
    assert!(
        !form.contains("Zkušební starosta.lhota"),
        "only the organisation's own users are offered"
    );
    let fields = |reporter: String| {
        vec![
            ("organisation".to_owned(), jihlava.to_string()),
            ("reporter".to_owned(), reporter),
            ("category".to_owned(), "error".to_owned()),
            ("severity".to_owned(), "high".to_owned()),
            ("installation".to_owned(), String::new()),
            (
                "subject".to_owned(),
                "Telefonát: nejde přihlášení".to_owned(),
            ),
            (
                "description".to_owned(),
                "Volala paní referentka.".to_owned(),
            ),
        ]
    };
    let send = |reporter: String| {
        let fields = fields(reporter);
        let app = &app;
        let staff = &staff;
        async move {
            let borrowed: Vec<(&str, &str)> = fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            app.post_multipart(
                "/support-documents/new",
                multipart_form(&borrowed, &[]),
                staff,
            )
            .await
        }
    };
    // Another organisation's user cannot be smuggled in as the reporter.
    let refused = send(stranger.to_string()).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("id=\"reporter-error\""));
    assert!(
        app.get("/support-documents?view=all", Some(&staff))
            .await
            .text()
            .contains("id=\"no-documents\""),
        "nothing was created"
    );

    let opened = send(referentka.to_string()).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.text());
    let mine = app
        .get("/support-documents?view=mine", Some(&customer_cookie))
        .await
        .text();
    assert!(
        mine.contains("Telefonát: nejde přihlášení"),
        "in the customer's own list"
    );
    common::drain_events(&app).await;
    let outbox = app.db.store.outbox_entries().await.unwrap();
    assert!(
        outbox.iter().any(
            |m| m.recipient_email == "referentka@example.cz" && m.subject.contains("Telefonát")
        ),
        "the reporter hears of the document opened for her: {outbox:?}"
    );
}
