//! E-mail in end to end with real servers on loopback: two `serve` instances on one database
//! send a notification over SMTP and poll a real IMAP mailbox (Dovecot); the customer's reply
//! with an attachment becomes her comment, a forged or foreign message is held, a duplicate
//! and an out-of-office reply change nothing, and each message is taken once. And `mail
//! receive`, the mail server's pipe, with its exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::process::Stdio;
use std::time::{Duration, Instant};

use common::dovecot::{self, Dovecot};
use common::{command, free_address, serve};
use supportweb_domain::calendar::BusinessHours;
use supportweb_domain::support_document::DocumentState;
use supportweb_domain::user::StaffRole;
use supportweb_mail::testing::SmtpServer;
use supportweb_storage::Store;
use supportweb_storage::testing::{build, count_rows};

const SUPPORT: &str = "podpora@example.cz";

/// The configuration of one instance; `done_folder` makes it move processed mail there
/// instead of marking it seen.
fn config(
    folder: &std::path::Path,
    listen: &str,
    smtp: &str,
    imap_port: u16,
    done_folder: &str,
) -> std::path::PathBuf {
    let (host, port) = smtp.rsplit_once(':').unwrap();
    let path = folder.join(format!(
        "supportweb-{}.toml",
        listen.replace([':', '.'], "-")
    ));
    std::fs::write(
        &path,
        format!(
            "[server]\nlisten = \"{listen}\"\npublic_url = \"https://podpora.example.cz\"\n\n\
             [smtp]\nhost = \"{host}\"\nport = {port}\nsecurity = \"none\"\nfrom = \"Podpora <{SUPPORT}>\"\n\n\
             [mail_in]\naddress = \"{SUPPORT}\"\nhost = \"127.0.0.1\"\nport = {imap_port}\ntls = false\n\
             user = \"{}\"\npassword = \"{}\"\npoll_seconds = 5\ndone_folder = \"{done_folder}\"\n",
            dovecot::USER,
            dovecot::PASSWORD
        ),
    )
    .unwrap();
    path
}

async fn imap(port: u16) -> async_imap::Session<tokio::net::TcpStream> {
    let tcp = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    let mut client = async_imap::Client::new(tcp);
    client.read_response().await.unwrap();
    let mut session = client
        .login(dovecot::USER, dovecot::PASSWORD)
        .await
        .map_err(|(e, _)| e)
        .unwrap();
    session.select("INBOX").await.unwrap();
    session
}

fn message(from: &str, to: &str, subject: &str, id: &str, extra: &str, body: &str) -> String {
    format!(
        "From: {from}\r\nTo: {to}\r\nSubject: {subject}\r\nMessage-ID: <{id}@mail.brno.cz>\r\n{extra}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{body}\r\n"
    )
}

async fn wait_for<T>(what: &str, mut check: impl AsyncFnMut() -> Option<T>) -> T {
    let started = Instant::now();
    loop {
        if let Some(value) = check().await {
            return value;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "timed out waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reply_by_email_round_trip_through_smtp_and_imap() {
    let Some(dovecot) = Dovecot::start() else {
        return;
    };
    let smtp = SmtpServer::start().await.unwrap();
    let folder = tempfile::tempdir().unwrap();
    let migrated = command(folder.path()).arg("migrate").output().unwrap();
    assert!(migrated.status.success(), "{migrated:?}");
    let url = format!("sqlite://{}/data/supportweb.db", folder.path().display());
    let store = Store::connect(&url, 2).await.unwrap();

    // Brno's Jana opened a document; a technician asked her for a log (a public reply, so
    // she gets an e-mail). Petr belongs to another organisation.
    let brno = build::entitled_organisation(&store, "Statutární město Brno", None).await;
    let ves = build::entitled_organisation(&store, "Obec Ves", None).await;
    let jana = build::customer(
        &store,
        "jana",
        brno,
        supportweb_domain::agenda::AgendaRight::Write,
    )
    .await;
    build::customer(
        &store,
        "petr",
        ves,
        supportweb_domain::agenda::AgendaRight::Write,
    )
    .await;
    let technician = build::staff(&store, "technik", StaffRole::Technician).await;
    let document = build::document_in(
        &store,
        &jana,
        &technician,
        brno,
        "Nelze uložit zásilku",
        DocumentState::InProgress,
    )
    .await;
    store
        .add_comment(
            &technician,
            document.id,
            "Pošlete prosím výpis chyby.",
            false,
            &[],
            &BusinessHours::default(),
        )
        .await
        .unwrap();

    // Two instances on the same database and mailbox: the first moves processed mail to a
    // folder, the second (started later) marks it seen.
    let start = |listen: &str, done_folder: &str| {
        let mut serve_command = command(folder.path());
        serve_command
            .arg("--config")
            .arg(config(
                folder.path(),
                listen,
                &smtp.address.to_string(),
                dovecot.port,
                done_folder,
            ))
            .arg("serve");
        serve(serve_command, listen)
    };
    let mover = start(&free_address(), "Zpracovano");

    let notification = wait_for("the notification to Jana", async || {
        smtp.received().into_iter().find(|m| {
            m.to == ["jana@example.cz"] && m.body().contains("Pošlete prosím výpis chyby.")
        })
    })
    .await;
    let reply_to = notification.header("Reply-To").unwrap();
    assert!(
        reply_to.starts_with("podpora+r.") && reply_to.ends_with("@example.cz"),
        "{reply_to}"
    );
    let message_id = notification.header("Message-ID").unwrap();
    assert!(
        notification
            .header("Subject")
            .unwrap()
            .contains(&format!("[{}]", document.number))
    );

    // Jana answers from her mailbox with the log attached; and the rest of a day's mail.
    let with_log = format!(
        "From: Jana <jana@example.cz>\r\nTo: {reply_to}\r\nSubject: Re: {}\r\nMessage-ID: <odpoved-1@mail.brno.cz>\r\nIn-Reply-To: {message_id}\r\nReferences: {message_id}\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"hranice\"\r\n\r\n--hranice\r\nContent-Type: text/plain; charset=utf-8; format=flowed\r\nContent-Transfer-Encoding: 8bit\r\n\r\nPosílám výpis \r\nchyby.\r\n\r\nDne 4. 12. 2026 Podpora napsal(a):\r\n> Pošlete prosím výpis chyby.\r\n--hranice\r\nContent-Type: text/plain; name=\"=?utf-8?Q?v=C3=BDpis.log?=\"\r\nContent-Disposition: attachment; filename=\"=?utf-8?Q?v=C3=BDpis.log?=\"\r\nContent-Transfer-Encoding: base64\r\n\r\nRVJST1IgNDI6IHBvZHBpcyBuZXBsYXRueQo=\r\n--hranice--\r\n",
        notification.header("Subject").unwrap()
    );
    let mut inbox = vec![with_log.clone(), with_log];
    inbox.push(message(
        "petr@example.cz",
        &reply_to,
        "Re: zásilka",
        "podvrh",
        "",
        "CANARY-VES podvržená odpověď",
    ));
    inbox.push(message(
        "petr@example.cz",
        SUPPORT,
        &format!("Re: [{}] Nová odpověď", document.number),
        "cislo",
        "",
        "CANARY-VES číslo v předmětu",
    ));
    inbox.push(message(
        "jana@example.cz",
        &reply_to,
        "Automatická odpověď: Nepřítomnost",
        "dovolena",
        "Auto-Submitted: auto-replied\r\n",
        "Jsem na dovolené.",
    ));
    for i in 0..4 {
        inbox.push(message(
            "jana@example.cz",
            &reply_to,
            "Re: výpis",
            &format!("doplneni-{i}"),
            "",
            &format!("Doplnění {i}."),
        ));
    }
    let mut session = imap(dovecot.port).await;
    let taken = async |session: &mut async_imap::Session<tokio::net::TcpStream>, rows: i64| {
        wait_for("every message taken", async || {
            session.select("INBOX").await.unwrap();
            let unseen = session.uid_search("UNSEEN").await.unwrap();
            (unseen.is_empty() && count_rows(&store, "mail_in").await == rows).then_some(())
        })
        .await;
        let inbox = session.uid_search("ALL").await.unwrap().len();
        session.select("Zpracovano").await.unwrap();
        let moved = session.uid_search("ALL").await.unwrap().len();
        (inbox, moved)
    };

    // The first instance alone takes Jana's reply and moves it, once it is stored.
    session
        .append("INBOX", None, None, inbox[0].as_bytes())
        .await
        .unwrap();
    assert_eq!(taken(&mut session, 1).await, (0, 1));

    // With the second instance polling too, each message is taken once; the duplicate
    // (same Message-ID) changes nothing.
    let _marker = start(&free_address(), "");
    for raw in &inbox[1..] {
        session
            .append("INBOX", None, None, raw.as_bytes())
            .await
            .unwrap();
    }
    let (left, moved) = taken(&mut session, 8).await;
    assert_eq!(left + moved, inbox.len(), "nothing lost, nothing copied");

    // The second instance alone marks what it took as seen and leaves it in the folder.
    drop(mover);
    let last = message(
        "jana@example.cz",
        &reply_to,
        "Re: výpis",
        "doplneni-posledni",
        "",
        "Poslední doplnění.",
    );
    session.select("INBOX").await.unwrap();
    session
        .append("INBOX", None, None, last.as_bytes())
        .await
        .unwrap();
    assert_eq!(taken(&mut session, 9).await, (left + 1, moved));

    let mut ids: Vec<_> = smtp
        .received()
        .iter()
        .filter_map(|m| m.header("Message-ID"))
        .collect();
    let sent = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), sent, "each message sent once by two instances");

    let seen = store.document(&jana, document.id).await.unwrap();
    let conversation = store.conversation(&jana, &seen).await.unwrap();
    let from_jana: Vec<_> = conversation
        .iter()
        .filter(|c| c.author_id == jana.user_id)
        .collect();
    assert_eq!(
        from_jana.len(),
        6,
        "the reply once and five additions, each once"
    );
    assert_eq!(from_jana[0].body, "Posílám výpis chyby.");
    assert_eq!(from_jana[0].files.len(), 1);
    assert_eq!(from_jana[0].files[0].file_name, "výpis.log");
    assert!(conversation.iter().all(|c| !c.body.contains("CANARY-VES")));
    let held = store.held_mail(None, 50).await.unwrap();
    let mut reasons: Vec<_> = held.iter().map(|m| m.reason.as_str()).collect();
    reasons.sort_unstable();
    assert_eq!(reasons, ["foreign_token", "number_without_reply"]);
    // Nobody was answered: the forged and foreign mail is held, the out-of-office ignored.
    let answers = smtp
        .received()
        .into_iter()
        .filter(|m| m.header("Auto-Submitted").as_deref() == Some("auto-replied"))
        .count();
    assert_eq!(answers, 0);
    let _ = session.logout().await;
}

#[test]
fn mail_receive_reads_standard_input_and_asks_for_a_retry_when_the_database_is_away() {
    let folder = tempfile::tempdir().unwrap();
    let raw = message(
        "neznamy@jinde.cz",
        SUPPORT,
        "Dotaz",
        "stdin-1",
        "",
        "Dobrý den.",
    );
    let run = |extra: &[(&str, &str)]| {
        let mut receive = command(folder.path());
        receive
            .args(["mail", "receive"])
            .env("SUPPORTWEB__MAIL_IN__ADDRESS", SUPPORT)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (key, value) in extra {
            receive.env(key, value);
        }
        let mut child = receive.spawn().unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(raw.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let first = run(&[]);
    assert_eq!(first.status.code(), Some(0), "{first:?}");
    assert_eq!(
        String::from_utf8_lossy(&first.stdout).trim(),
        "held for staff (unknown_sender)"
    );
    let again = run(&[]);
    assert_eq!(again.status.code(), Some(0), "{again:?}");
    assert_eq!(
        String::from_utf8_lossy(&again.stdout).trim(),
        "already received"
    );
    let away = run(&[("DATABASE_URL", "postgres://postgres@127.0.0.1:1/supportweb")]);
    assert_eq!(away.status.code(), Some(75), "{away:?}");
    assert!(
        String::from_utf8_lossy(&away.stderr).contains("supportweb:"),
        "{away:?}"
    );
}
