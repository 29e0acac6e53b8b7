//! E-mail in without a mail server, on both backends: a reply to a notification becomes the
//! sender's comment only when its token or references point to mail we sent that sender;
//! everything else is held, answered or ignored — and held mail is what staff decide about.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use supportweb_app::Error;
use supportweb_app::mail_in::parse::parse;
use supportweb_app::mail_in::{MailOutcome, Reason, Received};
use supportweb_app::support_documents::{OpenDocument, Transition};
use supportweb_app::testing::{SUPPORT_ADDRESS, TestApp, build};
use supportweb_domain::Actor;
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::ids::OrganisationId;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::{StaffRole, UserKind};
use supportweb_storage::notifications::OutboxEntry;

fn writer() -> MembershipRights {
    MembershipRights {
        support_documents: AgendaRight::Write,
        ..MembershipRights::NONE
    }
}

/// A plain reply from `from` to `to` with optional threading headers.
fn reply(from: &str, to: &str, subject: &str, in_reply_to: Option<&str>, text: &str) -> Vec<u8> {
    let mut raw = format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{}@mail.example.cz>\r\nDate: Fri, 4 Dec 2026 09:00:00 +0100\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n",
        uuid::Uuid::now_v7()
    );
    if let Some(id) = in_reply_to {
        raw.push_str(&format!("In-Reply-To: {id}\r\nReferences: {id}\r\n"));
    }
    raw.push_str("\r\n");
    raw.push_str(&text.replace('\n', "\r\n"));
    raw.push_str("\r\n");
    raw.into_bytes()
}

/// A reply with one attachment, as mail programs write it (multipart, base64).
fn reply_with_file(
    from: &str,
    to: &str,
    in_reply_to: &str,
    text: &str,
    name: &str,
    content: &[u8],
) -> Vec<u8> {
    let encoded = base64(content);
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: Re: odpověď\r\nMessage-ID: <{}@mail.example.cz>\r\nIn-Reply-To: {in_reply_to}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n--b1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n--b1\r\nContent-Type: text/plain; name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{encoded}\r\n--b1--\r\n",
        uuid::Uuid::now_v7(),
        text.replace('\n', "\r\n"),
    )
    .into_bytes()
}

fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(A[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

struct Scene {
    staff: Actor,
    jana: Actor,
    petr: Actor,
    brno: OrganisationId,
    document: String,
    number: String,
}

/// Brno with Jana (who opened a document) and Ves with Petr, both entitled; a technician
/// answered Jana publicly and the notification is in the outbox.
async fn scene(test: &TestApp) -> Scene {
    let store = test.store();
    let brno = build::entitled_organisation(store, "Statutární město Brno", None).await;
    let ves = build::entitled_organisation(store, "Obec Ves", None).await;
    let jana = build::member(store, "jana", brno, writer()).await;
    let petr = build::member(store, "petr", ves, writer()).await;
    let staff = build::staff(store, "technik", StaffRole::Technician).await;
    let documents = test.app.support_documents();
    let opened = documents
        .open(
            &jana,
            &OpenDocument {
                organisation: brno.to_string(),
                category: "error".into(),
                severity: "high".into(),
                subject: "Nelze uložit zásilku".into(),
                description: "Po uložení se zobrazí chyba.".into(),
                ..OpenDocument::default()
            },
        )
        .await
        .unwrap();
    let id = opened.id.to_string();
    documents
        .transition(&staff, &id, Transition::Accept, opened.version)
        .await
        .unwrap();
    let d = documents.document(&staff, &id).await.unwrap();
    documents
        .transition(&staff, &id, Transition::Start, d.version)
        .await
        .unwrap();
    let d = documents.document(&staff, &id).await.unwrap();
    documents
        .transition(&staff, &id, Transition::AskCustomer, d.version)
        .await
        .unwrap();
    documents
        .comment(&staff, &id, "Pošlete prosím výpis chyby.", false, &[])
        .await
        .unwrap();
    test.app.process_events(100).await.unwrap();
    Scene {
        staff,
        jana,
        petr,
        brno,
        document: id,
        number: opened.number,
    }
}

/// The newest message the outbox holds for `email` whose subject contains `about`.
async fn mail_to(test: &TestApp, email: &str, about: &str) -> OutboxEntry {
    test.store()
        .outbox_entries()
        .await
        .unwrap()
        .into_iter()
        .rev()
        .find(|m| m.recipient_email == email && m.subject.contains(about))
        .unwrap_or_else(|| panic!("no mail to {email} about {about}"))
}

async fn comments(
    test: &TestApp,
    actor: &Actor,
    document: &str,
) -> Vec<(String, String, Vec<String>)> {
    test.app
        .support_documents()
        .detail(actor, document)
        .await
        .unwrap()
        .conversation
        .into_iter()
        .map(|c| {
            (
                c.author_name,
                c.body,
                c.files.into_iter().map(|f| f.file_name).collect(),
            )
        })
        .collect()
}

async fn a_reply_to_a_notification_becomes_the_senders_comment(test: TestApp) {
    let s = scene(&test).await;
    let notification = mail_to(&test, "jana@example.cz", &s.number).await;
    let reply_to = notification
        .reply_to
        .clone()
        .expect("notifications carry a reply address");
    assert!(
        reply_to.starts_with("podpora+r.") && reply_to.ends_with("@example.cz"),
        "{reply_to}"
    );

    let raw = reply_with_file(
        "Jana <JANA@example.cz>",
        &reply_to,
        &format!("<{}@127.0.0.1>", notification.id),
        "Posílám výpis.\n\nJana\n\nDne 4. 12. 2026 Podpora <podpora@example.cz> napsal(a):\n> Pošlete prosím výpis chyby.",
        "chyba.log",
        b"ERROR 42: podpis neplatny\n",
    );
    let received = test.app.receive_mail(&raw).await.unwrap();
    assert_eq!(
        received,
        Received::Comment(supportweb_storage::notifications::RecordRef {
            agenda: supportweb_domain::agenda::Agenda::SupportDocuments,
            id: s.document.parse().unwrap(),
        })
    );
    let conversation = comments(&test, &s.jana, &s.document).await;
    let last = conversation.last().unwrap();
    assert_eq!(last.0, "Uživatel jana");
    assert_eq!(last.1, "Posílám výpis.\n\nJana", "the quote is cut off");
    assert_eq!(last.2, vec!["chyba.log".to_owned()]);
    let document = test
        .app
        .support_documents()
        .document(&s.staff, &s.document)
        .await
        .unwrap();
    assert_eq!(
        document.state.as_str(),
        "in_progress",
        "a customer's answer returns it to work"
    );

    // The same message delivered again is stored once.
    assert_eq!(
        test.app.receive_mail(&raw).await.unwrap(),
        Received::Duplicate
    );
    assert_eq!(
        comments(&test, &s.jana, &s.document).await.len(),
        conversation.len()
    );

    // Staff reach the whole original, quote included; the customer sees no such link.
    let page = test.app.held_mail(&s.staff, None).await.unwrap();
    assert!(page.items.is_empty(), "nothing was held");
    let staff_view = test
        .app
        .support_documents()
        .detail(&s.staff, &s.document)
        .await
        .unwrap();
    let (_, mail) = staff_view
        .from_mail
        .first()
        .copied()
        .expect("the comment names its e-mail");
    let original = test
        .app
        .mail_message(&s.staff, &mail.to_string())
        .await
        .unwrap();
    assert!(
        original
            .mail
            .original
            .contains("> Pošlete prosím výpis chyby.")
    );
    let jana_view = test
        .app
        .support_documents()
        .detail(&s.jana, &s.document)
        .await
        .unwrap();
    assert!(jana_view.from_mail.is_empty());
}

async fn a_spoofed_sender_with_a_real_token_is_held(test: TestApp) {
    let s = scene(&test).await;
    let notification = mail_to(&test, "jana@example.cz", &s.number).await;
    let before = comments(&test, &s.jana, &s.document).await.len();
    let reply_to = notification.reply_to.clone().unwrap();
    // Petr of another organisation writes to Jana's reply address (a forwarded mail or a
    // forged one): his text must never land in Brno's document.
    let raw = reply(
        "petr@example.cz",
        &reply_to,
        &format!("Re: [{}]", s.number),
        None,
        "CANARY-PETR cizí text",
    );
    assert_eq!(
        test.app.receive_mail(&raw).await.unwrap(),
        Received::Held(Reason::ForeignToken)
    );
    // Petr answering a message we sent to Jana (its Message-ID in In-Reply-To) is held too.
    let thread = reply(
        "petr@example.cz",
        SUPPORT_ADDRESS,
        "Re: odpověď",
        Some(&format!("<{}@127.0.0.1>", notification.id)),
        "CANARY-THREAD",
    );
    assert_eq!(
        test.app.receive_mail(&thread).await.unwrap(),
        Received::Held(Reason::ForeignThread)
    );
    assert_eq!(comments(&test, &s.jana, &s.document).await.len(), before);
    let held = test.app.held_mail(&s.staff, None).await.unwrap();
    assert!(
        held.items
            .iter()
            .any(|m| m.body.contains("CANARY-PETR") && m.reason == "foreign_token")
    );
    // A token that was never issued.
    let forged = reply(
        "jana@example.cz",
        "podpora+r.aaaaaaaaaaaaaaaaaaaaaaaa@example.cz",
        "Re: x",
        None,
        "CANARY-FORGED",
    );
    assert_eq!(
        test.app.receive_mail(&forged).await.unwrap(),
        Received::Held(Reason::InvalidToken)
    );
    assert_eq!(comments(&test, &s.jana, &s.document).await.len(), before);
}

async fn a_record_number_alone_never_suffices(test: TestApp) {
    let s = scene(&test).await;
    let before = comments(&test, &s.jana, &s.document).await.len();
    let documents =
        supportweb_storage::testing::count_rows(test.store(), "support_documents").await;
    // Petr's mail names Brno's document number in the subject, without any reference.
    let raw = reply(
        "petr@example.cz",
        SUPPORT_ADDRESS,
        &format!("Re: [{}] Nová odpověď", s.number),
        None,
        "CANARY-NUMBER",
    );
    assert_eq!(
        test.app.receive_mail(&raw).await.unwrap(),
        Received::Held(Reason::NumberWithoutReply)
    );
    assert_eq!(comments(&test, &s.jana, &s.document).await.len(), before);
    // Nor did it open a document for Petr's organisation.
    assert_eq!(
        supportweb_storage::testing::count_rows(test.store(), "support_documents").await,
        documents
    );
}

async fn automatic_mail_is_recorded_and_never_answered(test: TestApp) {
    let s = scene(&test).await;
    let notification = mail_to(&test, "jana@example.cz", &s.number).await;
    let before = comments(&test, &s.jana, &s.document).await.len();
    let outbox = test.store().outbox_entries().await.unwrap().len();
    let mut raw = String::from_utf8(reply(
        "jana@example.cz",
        notification.reply_to.as_deref().unwrap(),
        "Automatická odpověď: Nepřítomnost",
        None,
        "Jsem na dovolené do 10. 12.",
    ))
    .unwrap();
    raw = raw.replacen("\r\n\r\n", "\r\nAuto-Submitted: auto-replied\r\n\r\n", 1);
    assert_eq!(
        test.app.receive_mail(raw.as_bytes()).await.unwrap(),
        Received::Ignored(Reason::AutoSubmitted)
    );
    let office = reply(
        "jana@example.cz",
        SUPPORT_ADDRESS,
        "Out of Office: Nelze uložit",
        None,
        "Away.",
    );
    // Only its subject says "out of office": it may be real mail, so staff see it — still
    // never answered and never a comment.
    assert_eq!(
        test.app.receive_mail(&office).await.unwrap(),
        Received::Held(Reason::OutOfOffice)
    );
    let precedence = String::from_utf8(reply(
        "jana@example.cz",
        SUPPORT_ADDRESS,
        "Re: x",
        None,
        "Pryč.",
    ))
    .unwrap()
    .replacen("\r\n\r\n", "\r\nPrecedence: auto_reply\r\n\r\n", 1);
    assert_eq!(
        test.app.receive_mail(precedence.as_bytes()).await.unwrap(),
        Received::Ignored(Reason::OutOfOffice)
    );
    let bounce = "From: MAILER-DAEMON@example.cz\r\nTo: podpora@example.cz\r\nSubject: Undelivered\r\nMessage-ID: <bounce-1@example.cz>\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=x\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--x--\r\n";
    assert_eq!(
        test.app.receive_mail(bounce.as_bytes()).await.unwrap(),
        Received::Ignored(Reason::DeliveryReport)
    );
    assert_eq!(comments(&test, &s.jana, &s.document).await.len(), before);
    assert_eq!(
        test.store().outbox_entries().await.unwrap().len(),
        outbox,
        "no answer to automatic mail"
    );
}

async fn an_expired_token_is_held(test: TestApp) {
    let s = scene(&test).await;
    let notification = mail_to(&test, "jana@example.cz", &s.number).await;
    supportweb_storage::testing::backdate_outbox(test.store(), 181).await;
    let raw = reply(
        "jana@example.cz",
        notification.reply_to.as_deref().unwrap(),
        "Re: stará věc",
        None,
        "Po půl roce.",
    );
    assert_eq!(
        test.app.receive_mail(&raw).await.unwrap(),
        Received::Held(Reason::ExpiredToken)
    );
}

async fn a_new_document_arrives_by_mail(test: TestApp) {
    let s = scene(&test).await;
    // Czech mail as older programs send it: windows-1250, quoted-printable, RFC 2047 subject.
    let raw = b"From: =?windows-1250?Q?Jana_Mal=E1?= <jana@example.cz>\r\nTo: podpora@example.cz\r\nSubject: =?windows-1250?Q?Nefunguje_tisk_p=F8=EDlohy?=\r\nMessage-ID: <cp1250-1@mail.example.cz>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=windows-1250\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nP=F8i tisku p=F8=EDlohy se zobraz=ED chyba =9A=ED=F8ky str=E1nky.\r\n";
    let received = test.app.receive_mail(raw).await.unwrap();
    let Received::Document(number) = received else {
        panic!("expected a new document, got {received:?}");
    };
    let id = test
        .store()
        .document_id_by_number(&number)
        .await
        .unwrap()
        .unwrap();
    let detail = test
        .app
        .support_documents()
        .detail(&s.jana, &id.to_string())
        .await
        .unwrap();
    let opened = &detail.document;
    assert_eq!(opened.subject, "Nefunguje tisk přílohy");
    assert_eq!(opened.severity.as_str(), "medium");
    assert_eq!(opened.reporter_id, s.jana.user_id);
    assert_eq!(
        detail.document.description,
        "Při tisku přílohy se zobrazí chyba šířky stránky."
    );
    let confirmation = mail_to(&test, "jana@example.cz", &number).await;
    assert!(confirmation.body.contains(&number), "{}", confirmation.body);
    assert!(
        confirmation.reply_to.is_some(),
        "answering the confirmation continues the document"
    );

    // A partner of two organisations gets an explanation and nothing is created.
    let store = test.store();
    let partner = build::account(store, "partner", UserKind::Partner, vec![]).await;
    store
        .set_membership(partner, s.brno, &writer())
        .await
        .unwrap();
    let ves = build::entitled_organisation(store, "Město Ves 2", None).await;
    store.set_membership(partner, ves, &writer()).await.unwrap();
    let several = reply(
        "partner@example.cz",
        SUPPORT_ADDRESS,
        "Dotaz",
        None,
        "Jak na to?",
    );
    assert_eq!(
        test.app.receive_mail(&several).await.unwrap(),
        Received::Answered(Reason::SeveralOrganisations)
    );
    let answer = mail_to(&test, "partner@example.cz", "Dotaz").await;
    assert!(answer.body.contains("více organizací"), "{}", answer.body);

    // A user of an organisation without a contract is answered too.
    let bez = build::organisation(store, "Obec Bez").await;
    build::member(store, "starosta", bez, writer()).await;
    let uncovered = reply(
        "starosta@example.cz",
        SUPPORT_ADDRESS,
        "Prosba",
        None,
        "Pomoc.",
    );
    assert_eq!(
        test.app.receive_mail(&uncovered).await.unwrap(),
        Received::Answered(Reason::NoContract)
    );
    // An unknown sender is held, never answered.
    let outbox = store.outbox_entries().await.unwrap().len();
    let unknown = reply(
        "neznamy@jinde.cz",
        SUPPORT_ADDRESS,
        "Ahoj",
        None,
        "Kdo jsem?",
    );
    assert_eq!(
        test.app.receive_mail(&unknown).await.unwrap(),
        Received::Held(Reason::UnknownSender)
    );
    assert_eq!(store.outbox_entries().await.unwrap().len(), outbox);
}

async fn staff_decide_about_held_mail(test: TestApp) {
    let s = scene(&test).await;
    let store = test.store();
    // Jana writes about her document without replying to our mail: held.
    let raw = reply_with_file(
        "jana@example.cz",
        SUPPORT_ADDRESS,
        "<unknown@elsewhere.cz>",
        "Doplňuji screenshot.",
        "obrazovka.txt",
        b"screen",
    );
    let raw = String::from_utf8(raw).unwrap().replace(
        "Subject: Re: odpověď",
        &format!("Subject: [{}] doplnění", s.number),
    );
    assert_eq!(
        test.app.receive_mail(raw.as_bytes()).await.unwrap(),
        Received::Held(Reason::NumberWithoutReply)
    );
    let held = test.app.held_mail(&s.staff, None).await.unwrap();
    let mail = held.items.first().unwrap().clone();
    // Only staff who manage support documents see held mail.
    let developer = build::staff(store, "vyvojar", StaffRole::Developer).await;
    assert!(matches!(
        test.app.held_mail(&developer, None).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        test.app.held_mail(&s.jana, None).await,
        Err(Error::NotFound)
    ));
    assert!(matches!(
        test.app.mail_message(&s.jana, &mail.id.to_string()).await,
        Err(Error::NotFound)
    ));

    let message = test
        .app
        .mail_message(&s.staff, &mail.id.to_string())
        .await
        .unwrap();
    assert_eq!(message.files, vec![(0, "obrazovka.txt".to_owned(), 6)]);
    let file = test
        .app
        .mail_file(&s.staff, &mail.id.to_string(), 0)
        .await
        .unwrap();
    assert_eq!(file.bytes, b"screen");

    // A document the sender cannot reach is refused next to the field; the mail stays held.
    let ves_doc = build::document_in(
        store,
        &s.petr,
        &s.staff,
        s.petr.memberships[0].organisation_id,
        "Cizí",
        supportweb_domain::support_document::DocumentState::New,
    )
    .await;
    let foreign = test
        .app
        .attach_held(&s.staff, &mail.id.to_string(), &ves_doc.number, "127.0.0.1")
        .await
        .unwrap_err();
    assert_eq!(
        supportweb_app::testing::field_codes(foreign),
        vec![("document".into(), "mail-error-not-allowed")]
    );
    let missing = test
        .app
        .attach_held(
            &s.staff,
            &mail.id.to_string(),
            "SD-1999-000001",
            "127.0.0.1",
        )
        .await
        .unwrap_err();
    assert!(matches!(missing, Error::Invalid(_)), "{missing:?}");

    let attached = test
        .app
        .attach_held(&s.staff, &mail.id.to_string(), &s.number, "127.0.0.1")
        .await
        .unwrap();
    assert_eq!(attached.number, s.number);
    let conversation = comments(&test, &s.jana, &s.document).await;
    let last = conversation.last().unwrap();
    assert_eq!(
        (last.0.as_str(), last.1.as_str()),
        ("Uživatel jana", "Doplňuji screenshot.")
    );
    assert_eq!(last.2, vec!["obrazovka.txt".to_owned()]);
    assert!(
        test.app
            .held_mail(&s.staff, None)
            .await
            .unwrap()
            .items
            .is_empty()
    );
    let decided = store.mail(mail.id).await.unwrap().unwrap();
    assert_eq!(decided.outcome, MailOutcome::Attached);
    assert_eq!(decided.decided_by, Some(s.staff.user_id));
    // A second decision about the same mail is a conflict.
    assert!(matches!(
        test.app
            .discard_held(&s.staff, &mail.id.to_string(), "127.0.0.1")
            .await,
        Err(Error::Conflict)
    ));
    let audit = store
        .audit_page(&Default::default(), None, 50)
        .await
        .unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.event.as_str() == "held_mail_decided" && e.detail.contains(&s.number))
    );

    // An unknown sender's mail becomes a new document for a customer user staff name.
    let unknown = reply(
        "nova.kolegyne@brno.cz",
        SUPPORT_ADDRESS,
        "Nový dotaz",
        None,
        "Jak se přihlásím?",
    );
    test.app.receive_mail(&unknown).await.unwrap();
    let mail = test.app.held_mail(&s.staff, None).await.unwrap().items[0].clone();
    let wrong = test
        .app
        .open_from_held(
            &s.staff,
            &mail.id.to_string(),
            &s.brno.to_string(),
            "petr",
            "127.0.0.1",
        )
        .await
        .unwrap_err();
    assert_eq!(
        supportweb_app::testing::field_codes(wrong),
        vec![("reporter".into(), "support-error-reporter")]
    );
    let opened = test
        .app
        .open_from_held(
            &s.staff,
            &mail.id.to_string(),
            &s.brno.to_string(),
            "jana",
            "127.0.0.1",
        )
        .await
        .unwrap();
    assert_eq!(opened.subject, "Nový dotaz");
    assert_eq!(opened.reporter_id, s.jana.user_id);
    assert_eq!(
        store.mail(mail.id).await.unwrap().unwrap().outcome,
        MailOutcome::Opened
    );

    // Discarding.
    let spam = reply(
        "spam@jinde.cz",
        SUPPORT_ADDRESS,
        "Výhra",
        None,
        "Vyhrál jste.",
    );
    test.app.receive_mail(&spam).await.unwrap();
    let mail = test.app.held_mail(&s.staff, None).await.unwrap().items[0].clone();
    test.app
        .discard_held(&s.staff, &mail.id.to_string(), "127.0.0.1")
        .await
        .unwrap();
    assert_eq!(
        store.mail(mail.id).await.unwrap().unwrap().outcome,
        MailOutcome::Discarded
    );
}

async fn a_reply_about_an_order_joins_its_conversation(test: TestApp) {
    let store = test.store();
    let brno = build::organisation(store, "Brno").await;
    let rights = MembershipRights {
        customization_orders: AgendaRight::Write,
        ..MembershipRights::NONE
    };
    let clerk = build::member(store, "referentka", brno, rights).await;
    let developer = build::staff(store, "vyvojar", StaffRole::Developer).await;
    let orders = test.app.customization_orders();
    let order = orders
        .submit(
            &clerk,
            &supportweb_app::customization_orders::OrderInput {
                organisation: brno.to_string(),
                title: "Nová sestava podání".into(),
                description: "Sestava podání po odborech.".into(),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let id = order.id.to_string();
    orders
        .comment(&developer, &id, "Jaké odbory přesně?", false, &[])
        .await
        .unwrap();
    test.app.process_events(100).await.unwrap();
    let notification = mail_to(&test, "referentka@example.cz", &order.number).await;
    let raw = reply(
        "referentka@example.cz",
        notification.reply_to.as_deref().unwrap(),
        &format!("Re: {}", notification.subject),
        None,
        "Odbor dopravy a odbor školství.",
    );
    assert!(matches!(
        test.app.receive_mail(&raw).await.unwrap(),
        Received::Comment(_)
    ));
    let detail = orders.detail(&clerk, &id).await.unwrap();
    let last = detail.comments.last().unwrap();
    assert_eq!(last.body, "Odbor dopravy a odbor školství.");
    assert!(!last.by_staff && !last.internal);
    assert!(
        detail.from_mail.is_empty(),
        "customers see no link to the received e-mail"
    );
    // Staff who read held mail reach the original from the comment.
    let technician = build::staff(store, "technik", StaffRole::Technician).await;
    let seen = orders.detail(&technician, &id).await.unwrap();
    assert_eq!(seen.from_mail.len(), 1);
    assert_eq!(seen.from_mail[0].0, last.id);
}

async fn the_records_thread_id_never_identifies_a_sender(test: TestApp) {
    let s = scene(&test).await;
    let before = comments(&test, &s.jana, &s.document).await.len();
    // Every notification about the document names its thread id, and it is guessable from
    // the document's address: a forged "From: Jana" that only names it is no reply of hers.
    let thread = format!("<support-documents.{}@127.0.0.1>", s.document);
    let forged = reply(
        "jana@example.cz",
        SUPPORT_ADDRESS,
        &format!("Re: [{}] Nová odpověď", s.number),
        Some(&thread),
        "CANARY-FORGED-THREAD",
    );
    assert_eq!(
        test.app.receive_mail(&forged).await.unwrap(),
        Received::Held(Reason::NumberWithoutReply)
    );
    assert_eq!(comments(&test, &s.jana, &s.document).await.len(), before);
}

async fn a_message_being_received_is_not_taken_twice(test: TestApp) {
    let s = scene(&test).await;
    let notification = mail_to(&test, "jana@example.cz", &s.number).await;
    let raw = reply(
        "jana@example.cz",
        notification.reply_to.as_deref().unwrap(),
        "Re: x",
        None,
        "Souběžně.",
    );
    let incoming = parse(&raw).unwrap();
    let before = comments(&test, &s.jana, &s.document).await.len();
    // Another delivery has claimed it and is still working on it.
    let store = test.store();
    store
        .claim_mail(&supportweb_storage::mail_in::NewMail {
            message_id: incoming.message_id.clone(),
            sender: incoming.sender.clone(),
            raw: raw.clone(),
            ..Default::default()
        })
        .await
        .unwrap()
        .unwrap();
    assert_eq!(test.app.receive_mail(&raw).await.unwrap(), Received::Busy);
    assert_eq!(comments(&test, &s.jana, &s.document).await.len(), before);
    assert!(
        test.app
            .held_mail(&s.staff, None)
            .await
            .unwrap()
            .items
            .is_empty()
    );
}

async fn control_characters_and_oversized_mail_are_held_not_stuck(test: TestApp) {
    let s = scene(&test).await;
    // A NUL in the subject and the text (which PostgreSQL refuses) is dropped.
    let nul = b"From: jana@example.cz\r\nTo: podpora@example.cz\r\nSubject: =?utf-8?B?QQBC?=\r\nMessage-ID: <nul@brno.cz>\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\nWgBa\r\n";
    let received = test.app.receive_mail(nul).await.unwrap();
    assert!(matches!(received, Received::Document(_)), "{received:?}");
    // A message over the limit is held with its beginning kept, never half-processed.
    let limit = test.app.max_message_bytes();
    let mut big = reply(
        "jana@example.cz",
        SUPPORT_ADDRESS,
        "Obří příloha",
        None,
        "Text.",
    );
    big.extend(std::iter::repeat_n(b'A', limit));
    assert_eq!(
        test.app.receive_mail(&big).await.unwrap(),
        Received::Held(Reason::TooLarge)
    );
    let held = test.app.held_mail(&s.staff, None).await.unwrap();
    assert_eq!(held.items[0].subject, "Obří příloha");
    assert!(
        test.store()
            .mail_raw(held.items[0].id)
            .await
            .unwrap()
            .unwrap()
            .len()
            <= 256 * 1024
    );
}

async fn with_an_authserv_id_new_documents_need_the_mail_servers_word(test: TestApp) {
    let test = test.configured(|settings| {
        settings.mail_in.authserv_id = Some("mx.example.cz".into());
    });
    let s = scene(&test).await;
    let documents =
        supportweb_storage::testing::count_rows(test.store(), "support_documents").await;
    let with = |results: &str, id: &str| {
        String::from_utf8(reply(
            "jana@example.cz",
            SUPPORT_ADDRESS,
            "Nový dotaz",
            None,
            "Text.",
        ))
        .unwrap()
        .replacen(
            "Message-ID: <",
            &format!("Authentication-Results: {results}\r\nMessage-ID: <{id}"),
            1,
        )
    };
    // Anyone can write "From: jana@example.cz"; without the server's verdict it is held.
    let forged = reply(
        "jana@example.cz",
        SUPPORT_ADDRESS,
        "Nový dotaz",
        None,
        "CANARY-FORGED-FROM",
    );
    assert_eq!(
        test.app.receive_mail(&forged).await.unwrap(),
        Received::Held(Reason::Unauthenticated)
    );
    // A verdict of another server (the sender can write any header) does not count, nor a
    // failed or foreign-domain one.
    for (results, id) in [
        ("mx.attacker.cz; dmarc=pass header.from=example.cz", "a"),
        ("mx.example.cz; dmarc=fail header.from=example.cz", "b"),
        ("mx.example.cz; dkim=pass header.d=attacker.cz", "c"),
    ] {
        let raw = with(results, id);
        assert_eq!(
            test.app.receive_mail(raw.as_bytes()).await.unwrap(),
            Received::Held(Reason::Unauthenticated),
            "{results}"
        );
    }
    assert_eq!(
        supportweb_storage::testing::count_rows(test.store(), "support_documents").await,
        documents
    );
    let dmarc = with(
        "mx.example.cz 1; spf=pass smtp.mailfrom=example.cz;\r\n dmarc=pass (p=none) header.from=example.cz",
        "d",
    );
    assert!(matches!(
        test.app.receive_mail(dmarc.as_bytes()).await.unwrap(),
        Received::Document(_)
    ));
    let dkim = with(
        "MX.example.cz; dkim=pass header.d=example.cz header.s=sel",
        "e",
    );
    assert!(matches!(
        test.app.receive_mail(dkim.as_bytes()).await.unwrap(),
        Received::Document(_)
    ));
    // Replies are bound to the person by their token and are not affected.
    let notification = mail_to(&test, "jana@example.cz", &s.number).await;
    let answer = reply(
        "jana@example.cz",
        notification.reply_to.as_deref().unwrap(),
        "Re: x",
        None,
        "Odpověď.",
    );
    assert!(matches!(
        test.app.receive_mail(&answer).await.unwrap(),
        Received::Comment(_)
    ));
}

async fn an_oversized_attachment_is_explained_when_staff_decide(test: TestApp) {
    let s = scene(&test).await;
    // 11 MiB against the test's 10 MiB upload limit: held, never half-attached.
    let big = vec![b'x'; 11 * 1024 * 1024];
    let raw = reply_with_file(
        "jana@example.cz",
        SUPPORT_ADDRESS,
        "<x@elsewhere.cz>",
        "Velký log.",
        "velky.log",
        &big,
    );
    let raw = String::from_utf8(raw)
        .unwrap()
        .replace("Subject: Re: odpověď", "Subject: Velký log");
    assert_eq!(
        test.app.receive_mail(raw.as_bytes()).await.unwrap(),
        Received::Held(Reason::AttachmentRefused)
    );
    let mail = test.app.held_mail(&s.staff, None).await.unwrap().items[0].clone();
    let id = mail.id.to_string();
    let refused = test
        .app
        .attach_held(&s.staff, &id, &s.number, "127.0.0.1")
        .await
        .unwrap_err();
    assert_eq!(
        supportweb_app::testing::field_codes(refused),
        vec![("document".into(), "mail-error-too-large")]
    );
    let refused = test
        .app
        .open_from_held(&s.staff, &id, &s.brno.to_string(), "jana", "127.0.0.1")
        .await
        .unwrap_err();
    assert_eq!(
        supportweb_app::testing::field_codes(refused),
        vec![("organisation".into(), "mail-error-too-large")]
    );
    // Still held, for discarding or another decision.
    assert_eq!(
        test.store().mail(mail.id).await.unwrap().unwrap().outcome,
        MailOutcome::Held
    );
}

#[test]
fn czech_mail_is_decoded() {
    // iso-8859-2 in base64, an RFC 2047 attachment name, format=flowed.
    let raw: &[u8] = b"From: a@b.cz\r\nSubject: =?iso-8859-2?B?2GVsZW79IGtvZPo=?=\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=q\r\n\r\n--q\r\nContent-Type: text/plain; charset=utf-8; format=flowed\r\n\r\nDlouh\xc3\xbd \r\n\xc5\x99\xc3\xa1dek.\r\n--q\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"=?utf-8?Q?p=C5=99=C3=ADloha.pdf?=\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--q--\r\n";
    let incoming = parse(raw).unwrap();
    assert_eq!(incoming.subject, "Řelený kodú");
    assert_eq!(incoming.text, "Dlouhý řádek.");
    assert_eq!(incoming.files.len(), 1);
    assert_eq!(incoming.files[0].name, "příloha.pdf");
    assert_eq!(incoming.files[0].bytes, b"%PDF-");
    let latin2: &[u8] = b"From: a@b.cz\r\nSubject: x\r\nContent-Type: text/plain; charset=iso-8859-2\r\nContent-Transfer-Encoding: base64\r\n\r\n2GW5ZW7tIHW+IGZ1bmd1amUu\r\n";
    assert_eq!(parse(latin2).unwrap().text, "Řešení už funguje.");
    // HTML-only mail becomes text.
    let html: &[u8] = b"From: a@b.cz\r\nSubject: x\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>Dobr\xc3\xbd den,</p><p>nejde <b>tisk</b>.</p><script>alert(1)</script>\r\n";
    let incoming = parse(html).unwrap();
    assert!(incoming.text.contains("Dobrý den,"), "{}", incoming.text);
    assert!(incoming.text.contains("nejde tisk."), "{}", incoming.text);
    assert!(!incoming.text.contains('<'), "{}", incoming.text);
}

supportweb_app::both_backends!(
    a_reply_to_a_notification_becomes_the_senders_comment,
    a_spoofed_sender_with_a_real_token_is_held,
    a_record_number_alone_never_suffices,
    automatic_mail_is_recorded_and_never_answered,
    an_expired_token_is_held,
    a_new_document_arrives_by_mail,
    staff_decide_about_held_mail,
    a_reply_about_an_order_joins_its_conversation,
    the_records_thread_id_never_identifies_a_sender,
    a_message_being_received_is_not_taken_twice,
    control_characters_and_oversized_mail_are_held_not_stuck,
    with_an_authserv_id_new_documents_need_the_mail_servers_word,
    an_oversized_attachment_is_explained_when_staff_decide,
);
