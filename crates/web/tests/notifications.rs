//! Notification e-mails end to end on both backends: who receives what, in which language,
//! with per-user preferences, and the e-mail canary sweep — internal notes and other
//! organisations never reach a customer's mailbox. Messages go through the outbox and a real
//! SMTP conversation with a loopback server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use common::{ORIGIN, TestApp, organisation};
use supportweb_domain::Actor;
use supportweb_domain::Language;
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::calendar::BusinessHours;
use supportweb_domain::ids::{OrganisationId, UserId};
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::support_document::Transition;
use supportweb_domain::user::UserKind;
use supportweb_mail::testing::SmtpServer;
use supportweb_mail::{Mailer, send_due};
use supportweb_storage::notifications::OutboxEntry;
use supportweb_storage::support_documents::NewDocument;
use supportweb_storage::testing;

const CANARY_NOTE: &str = "INTERNÍ-KANÁREK-7731";
const CANARY_OTHER: &str = "LHOTA-KANÁREK-5120";

async fn actor(app: &TestApp, id: UserId) -> Actor {
    let user = app.db.store.user(id).await.unwrap().unwrap();
    app.db.store.actor_for(&user).await.unwrap()
}

async fn member(
    app: &TestApp,
    login: &str,
    organisation: OrganisationId,
    right: AgendaRight,
    all_notifications: bool,
) -> UserId {
    let id = app.user(login, UserKind::Customer, vec![]).await;
    set_rights(app, id, organisation, right, all_notifications).await;
    id
}

async fn set_rights(
    app: &TestApp,
    user: UserId,
    organisation: OrganisationId,
    right: AgendaRight,
    all_notifications: bool,
) {
    app.db
        .store
        .set_membership(
            user,
            organisation,
            &MembershipRights {
                support_documents: right,
                all_notifications,
                ..MembershipRights::NONE
            },
        )
        .await
        .unwrap();
}

fn document(organisation: OrganisationId, subject: &str, description: &str) -> NewDocument {
    NewDocument {
        description: description.into(),
        ..supportweb_storage::testing::build::new_document(organisation, subject)
    }
}

/// Processes pending events and returns the outbox rows they produced.
async fn new_messages(app: &TestApp, seen: &mut usize) -> Vec<OutboxEntry> {
    app.state.app().process_events(100).await.unwrap();
    let all = app.db.store.outbox_entries().await.unwrap();
    let fresh = all[*seen..].to_vec();
    *seen = all.len();
    fresh
}

fn recipients(messages: &[OutboxEntry]) -> BTreeSet<String> {
    messages.iter().map(|m| m.recipient_email.clone()).collect()
}

fn set(addresses: &[&str]) -> BTreeSet<String> {
    addresses.iter().map(|a| (*a).to_owned()).collect()
}

fn to<'a>(messages: &'a [OutboxEntry], address: &str) -> &'a OutboxEntry {
    messages
        .iter()
        .find(|m| m.recipient_email == address)
        .unwrap_or_else(|| panic!("no message to {address}: {messages:?}"))
}

async fn who_hears_what(app: TestApp) {
    let store = app.db.store.clone();
    let hours = BusinessHours::default();
    let today = supportweb_domain::calendar::prague_time(chrono::Utc::now()).date();
    let jihlava = organisation(&app, "Statutární město Jihlava", true).await;
    let lhota = organisation(&app, CANARY_OTHER, true).await;

    let reporter = member(&app, "referentka", jihlava, AgendaRight::Write, false).await;
    let secretary = member(&app, "tajemnik", jihlava, AgendaRight::Read, true).await;
    // Receives all notifications of the organisation but may not see support documents.
    member(&app, "archivarka", jihlava, AgendaRight::None, true).await;
    // Another organisation's user who receives all of its notifications.
    let stranger = member(&app, "starosta.lhota", lhota, AgendaRight::Write, true).await;
    let manager = app.staff("spravce").await;
    store
        .set_user_language(manager, Language::En)
        .await
        .unwrap();
    store.add_to_account_team(jihlava, manager).await.unwrap();
    let technician = app.staff("technik").await;
    let lhota_manager = app.staff("obchodnik").await;
    store
        .add_to_account_team(lhota, lhota_manager)
        .await
        .unwrap();

    let reporter_actor = actor(&app, reporter).await;
    let technician_actor = actor(&app, technician).await;
    let manager_actor = actor(&app, manager).await;
    let mut seen = 0;

    // Another organisation's document, with the canary in its subject, goes to its own people.
    let stranger_actor = actor(&app, stranger).await;
    store
        .create_document(
            &stranger_actor,
            &document(lhota, CANARY_OTHER, CANARY_OTHER),
            &hours,
            today,
        )
        .await
        .unwrap();
    let messages = new_messages(&app, &mut seen).await;
    assert_eq!(recipients(&messages), set(&["obchodnik@example.cz"]));

    // A new document: the account team (in English, its language) and the organisation's
    // "all notifications" member (in Czech), not the reporter who opened it.
    let opened = store
        .create_document(
            &reporter_actor,
            &document(
                jihlava,
                "Nelze uložit doručenou zásilku",
                "Po kliknutí na Uložit se objeví chyba.",
            ),
            &hours,
            today,
        )
        .await
        .unwrap();
    let messages = new_messages(&app, &mut seen).await;
    assert_eq!(
        recipients(&messages),
        set(&["spravce@example.cz", "tajemnik@example.cz"])
    );
    let english = to(&messages, "spravce@example.cz");
    assert_eq!(
        english.subject,
        format!(
            "[{}] New support document: Nelze uložit doručenou zásilku",
            opened.number
        )
    );
    assert!(english.body.contains("opened a new support document"));
    assert!(
        english
            .body
            .contains("Po kliknutí na Uložit se objeví chyba.")
    );
    assert!(
        english
            .body
            .contains(&format!("{ORIGIN}/support-documents/{}", opened.id))
    );
    let czech = to(&messages, "tajemnik@example.cz");
    assert!(
        czech.subject.contains("Nový support dokument"),
        "{}",
        czech.subject
    );
    assert!(czech.body.contains("otevřel(a) nový support dokument"));

    // The manager assigns the technician and watches; the secretary is added as a watcher.
    store
        .assign_document(&manager_actor, opened.id, Some(technician), opened.version)
        .await
        .unwrap();
    store
        .set_watcher(&manager_actor, opened.id, manager, true)
        .await
        .unwrap();
    store
        .set_watcher(&manager_actor, opened.id, secretary, true)
        .await
        .unwrap();
    new_messages(&app, &mut seen).await;

    // An internal note reaches staff only (the watching manager), never a customer.
    store
        .add_comment(
            &technician_actor,
            opened.id,
            &format!("Zákazník má starou verzi. {CANARY_NOTE}"),
            true,
            &[],
            &hours,
        )
        .await
        .unwrap();
    let messages = new_messages(&app, &mut seen).await;
    assert_eq!(recipients(&messages), set(&["spravce@example.cz"]));
    assert!(messages[0].body.contains(CANARY_NOTE));
    assert!(messages[0].subject.contains("Internal note"));

    // A public reply: reporter, watchers (secretary, manager); not the technician who wrote it.
    store
        .add_comment(
            &technician_actor,
            opened.id,
            "Oprava je v záplatě 5.2.4.",
            false,
            &[],
            &hours,
        )
        .await
        .unwrap();
    let messages = new_messages(&app, &mut seen).await;
    assert_eq!(
        recipients(&messages),
        set(&[
            "referentka@example.cz",
            "spravce@example.cz",
            "tajemnik@example.cz"
        ])
    );
    let reply = to(&messages, "referentka@example.cz");
    assert!(reply.subject.contains("Nová odpověď"), "{}", reply.subject);
    assert!(reply.body.contains("Zkušební technik odpověděl(a):"));
    assert!(reply.body.contains("Oprava je v záplatě 5.2.4."));

    // The secretary switches replies off on the preferences page.
    let cookie = app.sign_in("tajemnik").await;
    let page = app
        .get("/account/notifications", Some(&cookie))
        .await
        .text();
    assert!(page.contains("name=\"document_reply\""));
    assert!(
        !page.contains("name=\"document_note\""),
        "customers cannot choose staff-only kinds"
    );
    let saved = app
        .post_form(
            "/account/notifications",
            &[("document_created", "on"), ("document_state", "on")],
            Some(&cookie),
        )
        .await;
    assert_eq!(saved.status, axum::http::StatusCode::SEE_OTHER);
    let page = app
        .get("/account/notifications?saved=1", Some(&cookie))
        .await
        .text();
    assert!(page.contains("id=\"notifications-saved\""));
    assert!(!page.contains("name=\"document_reply\" value=\"on\" checked"));
    assert!(page.contains("name=\"document_state\" value=\"on\" checked"));
    store
        .add_comment(
            &technician_actor,
            opened.id,
            "Prosím o potvrzení.",
            false,
            &[],
            &hours,
        )
        .await
        .unwrap();
    let messages = new_messages(&app, &mut seen).await;
    assert_eq!(
        recipients(&messages),
        set(&["referentka@example.cz", "spravce@example.cz"])
    );

    // A state change reaches the secretary (still switched on) with both states named.
    let current = store.document(&technician_actor, opened.id).await.unwrap();
    store
        .transition_document(
            &technician_actor,
            opened.id,
            Transition::Accept,
            current.version,
            &hours,
            30,
        )
        .await
        .unwrap();
    let messages = new_messages(&app, &mut seen).await;
    assert!(recipients(&messages).contains("tajemnik@example.cz"));
    let state = to(&messages, "tajemnik@example.cz");
    assert!(state.body.contains("Nový → Přijatý"), "{}", state.body);

    // The reporter's right is withdrawn: no more messages about the organisation's documents.
    set_rights(&app, reporter, jihlava, AgendaRight::None, false).await;
    store
        .add_comment(&technician_actor, opened.id, "Hotovo.", false, &[], &hours)
        .await
        .unwrap();
    let messages = new_messages(&app, &mut seen).await;
    assert!(
        !recipients(&messages).contains("referentka@example.cz"),
        "{messages:?}"
    );

    // An SLA breach reaches the account team and the assignee, not the customers.
    testing::backdate_document(&store, opened.id, chrono::Duration::days(60)).await;
    assert_eq!(store.check_sla_breaches().await.unwrap(), 1);
    let messages = new_messages(&app, &mut seen).await;
    assert_eq!(
        recipients(&messages),
        set(&["spravce@example.cz", "technik@example.cz"])
    );
    let breach = to(&messages, "spravce@example.cz");
    assert!(
        breach.subject.contains("SLA deadline missed"),
        "{}",
        breach.subject
    );
    assert!(
        breach.body.contains("missed its SLA deadline: Resolution"),
        "{}",
        breach.body
    );

    // Everything goes out over SMTP; the canary sweep runs on what the server received.
    let server = SmtpServer::start().await.unwrap();
    let mailer = Mailer::new(&server.settings(), "127.0.0.1").unwrap();
    let delivery = send_due(&store, &mailer, "test", 500).await.unwrap();
    assert_eq!(delivery.failed, 0);
    let received = server.received();
    assert_eq!(received.len(), seen);
    let customers = [
        "referentka@example.cz",
        "tajemnik@example.cz",
        "archivarka@example.cz",
    ];
    for message in &received {
        let text = format!("{}\n{}", message.data, message.body());
        if message.to.iter().any(|to| customers.contains(&to.as_str())) {
            assert!(!text.contains(CANARY_NOTE), "internal note mailed: {text}");
            assert!(
                !text.contains(CANARY_OTHER),
                "another organisation mailed: {text}"
            );
        }
        assert!(!message.to.contains(&"archivarka@example.cz".to_owned()));
        if message.to.contains(&"starosta.lhota@example.cz".to_owned()) {
            assert!(!text.contains("Jihlava"), "{text}");
        }
    }
    assert!(
        received
            .iter()
            .any(|m| m.to == ["spravce@example.cz"] && m.body().contains(CANARY_NOTE)),
        "staff receive internal notes"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_hears_what_sqlite() {
    who_hears_what(TestApp::new().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn who_hears_what_postgres() {
    if let Some(db) = testing::postgres().await {
        who_hears_what(TestApp::on(db).await).await;
    }
}
