//! Search through the pages and the API: the box in every page's header, results with the
//! matching words marked and everything else escaped, a record number opening the record,
//! filters refused next to the field, and another organisation's canary found nowhere; and a
//! real browser: a customer types into the header box and opens the result.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::browser::{WAIT, click, sign_in, type_into};
use common::{TestApp, api_token, organisation};
use fantoccini::Locator;
use supportweb_app::support_documents::OpenDocument;
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::ids::OrganisationId;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::UserKind;
use supportweb_storage::testing::build;
use tokio::net::TcpListener;

struct Fixture {
    app: TestApp,
    mine: (String, String),
    foreign: (String, String),
    brno: OrganisationId,
    ves: OrganisationId,
}

async fn member(app: &TestApp, login: &str, organisation: OrganisationId) {
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
}

async fn open(
    app: &TestApp,
    login: &str,
    organisation: OrganisationId,
    subject: &str,
    text: &str,
) -> (String, String) {
    let user = app.db.store.user_by_login(login).await.unwrap().unwrap();
    let actor = build::actor(&app.db.store, user.id).await;
    let opened = app
        .state
        .app()
        .support_documents()
        .open(
            &actor,
            &OpenDocument {
                organisation: organisation.to_string(),
                category: "error".into(),
                severity: "high".into(),
                subject: subject.into(),
                description: text.into(),
                contact: "Jana Malá".into(),
                ..OpenDocument::default()
            },
        )
        .await
        .unwrap();
    (opened.id.to_string(), opened.number)
}

async fn fixture() -> Fixture {
    let app = TestApp::new().await;
    let brno = organisation(&app, "Statutární město Brno", true).await;
    let ves = organisation(&app, "Obec Ves", true).await;
    member(&app, "referentka", brno).await;
    member(&app, "starosta", ves).await;
    let mine = open(
        &app,
        "referentka",
        brno,
        "Datová schránka neodesílá",
        "Zpráva do <b>datové schránky</b> skončí chybou <script>alert(1)</script>.",
    )
    .await;
    let foreign = open(
        &app,
        "starosta",
        ves,
        "Datová schránka obce",
        "Kanárek obce: vesnickykanarek.",
    )
    .await;
    Fixture {
        app,
        mine,
        foreign,
        brno,
        ves,
    }
}

#[tokio::test]
async fn the_search_page_and_the_api_find_only_what_the_user_may_see() {
    let Fixture {
        app, mine, foreign, ..
    } = fixture().await;
    let cookie = app.sign_in("referentka").await;

    let overview = app.get("/support-documents", Some(&cookie)).await.text();
    assert!(
        overview.contains("id=\"header-search-q\""),
        "the box is in the header"
    );

    let page = app.get("/search?q=DATOVE+schr", Some(&cookie)).await;
    assert_eq!(page.status, 200);
    let page = page.text();
    assert!(page.contains(&mine.1), "{page}");
    assert!(
        page.contains("<h2 id=\"results-support-documents-heading\">Support dokumenty</h2>"),
        "the group is headed by its agenda's name"
    );
    assert!(page.contains("<option value=\"protocols\">Komunikační protokoly</option>"));
    assert!(!page.contains(&foreign.1));
    assert!(
        page.contains("<mark>datové</mark> <mark>schránky</mark>"),
        "{page}"
    );
    assert!(!page.contains("<script>alert(1)"), "stored text is escaped");
    assert!(!page.contains("<b>datové"), "stored markup is escaped");

    for q in ["vesnickykanarek", foreign.1.as_str()] {
        let hidden = app
            .get(&format!("/search?q={}", q), Some(&cookie))
            .await
            .text();
        assert!(hidden.contains("id=\"no-results\""), "{q}");
        assert!(!hidden.contains(&foreign.1) || q == foreign.1, "{q}");
        assert!(!hidden.contains("Obec Ves"));
    }

    let jump = app
        .get(
            &format!("/search?q={}", mine.1.to_lowercase()),
            Some(&cookie),
        )
        .await;
    assert!(jump.status.is_redirection(), "{}", jump.status);
    assert_eq!(
        jump.header("location"),
        format!("/support-documents/{}", mine.0)
    );

    let refused = app
        .get("/search?q=datove&state=rozbity&from=vcera", Some(&cookie))
        .await;
    assert_eq!(refused.status, 200);
    let refused = refused.text();
    assert!(refused.contains("id=\"state-error\"") && refused.contains("id=\"from-error\""));

    let overview = app
        .get("/support-documents?view=all&q=schranka", Some(&cookie))
        .await
        .text();
    assert!(overview.contains(&mine.1) && !overview.contains(&foreign.1));
    assert!(
        overview.contains("value=\"schranka\""),
        "the words stay in the box"
    );
    assert!(
        overview.contains("export.csv?q=schranka"),
        "the export keeps the words"
    );

    let token = api_token(&app, "referentka").await;
    let api = common::api_call(&app, "GET", "/api/v1/search?q=datova", &token, None).await;
    assert_eq!(api.status, 200);
    let body = api.json();
    let items = body["groups"][0]["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["number"], mine.1.as_str());
    assert_eq!(items[0]["path"], format!("/support-documents/{}", mine.0));
    assert!(
        items[0]["snippet"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["marked"] == true),
        "{body}"
    );
    assert!(!body.to_string().contains("vesnickykanarek"));
    let bad = common::api_call(
        &app,
        "GET",
        "/api/v1/search?q=x&agenda=kuchyne",
        &token,
        None,
    )
    .await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.json()["errors"][0]["field"], "agenda");
}

#[tokio::test]
async fn the_timeline_page_and_the_api_show_one_organisation_to_its_users() {
    let Fixture {
        app,
        mine,
        foreign,
        brno,
        ves,
    } = fixture().await;
    let cookie = app.sign_in("referentka").await;
    let own = app.get("/organisation", Some(&cookie)).await.text();
    assert!(
        own.contains(&format!("href=\"/organisations/{brno}/timeline\"")),
        "my organisation's page leads to its timeline"
    );
    let page = app
        .get(&format!("/organisations/{brno}/timeline"), Some(&cookie))
        .await;
    assert_eq!(page.status, 200);
    let page = page.text();
    assert!(page.contains("Časová osa: Statutární město Brno"), "{page}");
    assert!(page.contains(&format!("href=\"/support-documents/{}\"", mine.0)));
    assert!(page.contains("Založen podpůrný dokument"));
    assert!(!page.contains(&foreign.1) && !page.contains("Obec Ves"));
    let foreign_page = app
        .get(&format!("/organisations/{ves}/timeline"), Some(&cookie))
        .await;
    assert_eq!(foreign_page.status, 404);
    assert!(!foreign_page.text().contains("Obec Ves"));
    let refused = app
        .get(
            &format!("/organisations/{brno}/timeline?agenda=kuchyne"),
            Some(&cookie),
        )
        .await;
    assert_eq!(refused.status, 200);
    let refused = refused.text();
    assert!(refused.contains("id=\"agenda-error\""), "{refused}");
    assert!(refused.contains(&mine.1), "the unfiltered timeline stays");

    let token = api_token(&app, "referentka").await;
    let api = common::api_call(
        &app,
        "GET",
        &format!("/api/v1/organisations/{brno}/timeline?agenda=support_documents"),
        &token,
        None,
    )
    .await;
    assert_eq!(api.status, 200);
    let body = api.json();
    let items = body["items"].as_array().unwrap();
    assert!(
        items.iter().any(|i| i["kind"] == "document_opened"
            && i["path"] == format!("/support-documents/{}", mine.0).as_str()),
        "{body}"
    );
    assert!(!body.to_string().contains(&foreign.1));
    let hidden = common::api_call(
        &app,
        "GET",
        &format!("/api/v1/organisations/{ves}/timeline"),
        &token,
        None,
    )
    .await;
    assert_eq!(hidden.status, 404);
    let bad = common::api_call(
        &app,
        "GET",
        &format!("/api/v1/organisations/{brno}/timeline?after=zitra"),
        &token,
        None,
    )
    .await;
    assert_eq!(bad.status, 422);
    assert_eq!(bad.json()["errors"][0]["field"], "after");
}

#[tokio::test]
async fn the_start_page_and_the_api_say_what_to_do_next_and_the_account_has_its_page() {
    let Fixture {
        app, mine, foreign, ..
    } = fixture().await;
    let cookie = app.sign_in("referentka").await;
    let home = app.get("/", Some(&cookie)).await.text();
    assert!(home.contains("id=\"work-documents-waiting\""), "{home}");
    assert!(home.contains("Dokumenty čekající na mou odpověď"));
    assert!(
        home.contains(
            "href=\"/support-documents?view=mine&#38;state=waiting_for_customer&#38;sort=updated\""
        ),
        "the block links to the overview with its filters: {home}"
    );
    assert!(home.contains("id=\"count-documents-waiting\">0<"));
    assert!(!home.contains(&foreign.1) && !home.contains("Obec Ves"));
    assert!(
        !home.contains("id=\"my-account\""),
        "the account moved to its page"
    );
    assert!(
        home.contains("href=\"/account\""),
        "the header leads to the account"
    );
    let account = app.get("/account", Some(&cookie)).await;
    assert_eq!(account.status, 200);
    let account = account.text();
    assert!(account.contains("id=\"my-account\"") && account.contains("referentka"));

    let token = api_token(&app, "referentka").await;
    let api = common::api_call(&app, "GET", "/api/v1/me/work", &token, None).await;
    assert_eq!(api.status, 200);
    let body = api.json();
    let kinds: Vec<&str> = body["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        vec!["documents-waiting"],
        "a documents-only member: {body}"
    );
    assert_eq!(body["blocks"][0]["count"], 0);
    assert_eq!(
        body["contracts"][0]["organisation"],
        "Statutární město Brno"
    );
    assert!(!body.to_string().contains("Obec Ves"));
    assert!(
        !body.to_string().contains(&mine.1),
        "nothing of mine waits for me"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_types_into_the_header_box_and_opens_the_result() {
    let Some(browser) = common::browser::start().await else {
        return;
    };
    let Fixture { app, mine, .. } = fixture().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(supportweb_web::serve(
        listener,
        app.router.clone(),
        std::future::pending(),
    ));
    let c = &browser.client;
    sign_in(c, &base, "referentka").await;
    type_into(c, "header-search-q", "datova schran").await;
    click(c, "header-search-submit").await;
    let result = c
        .wait()
        .at_most(WAIT)
        .for_element(Locator::Css("#results-support-documents li.result a"))
        .await
        .unwrap();
    assert!(result.text().await.unwrap().contains(&mine.1));
    let marked = c
        .find(Locator::Css("#results-support-documents mark"))
        .await
        .unwrap();
    assert_eq!(marked.text().await.unwrap().to_lowercase(), "datová");
    result.click().await.unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Id("document-state"))
        .await
        .unwrap();
    assert_eq!(
        c.current_url().await.unwrap().as_str(),
        format!("{base}/support-documents/{}", mine.0)
    );
}
