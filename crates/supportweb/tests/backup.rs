//! The backup drill, on both backends: customers keep opening support documents with
//! attachments while `supportweb backup` runs; the backup is restored into an empty database
//! and files store elsewhere, the portal is started on it, and every document acknowledged
//! before the backup began is there with its attachment intact.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use common::{command, free_address, http, serve, sign_in};
use supportweb_app::support_documents::OpenDocument;
use supportweb_app::testing::{TestApp, build};
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::UserKind;

/// One acknowledged write: when it was acknowledged, the document and its attachment.
#[derive(Debug, Clone)]
struct Acknowledged {
    at: Instant,
    document: String,
    subject: String,
    file: String,
    content: String,
}

fn run(mut command: Command) -> Output {
    command.output().unwrap()
}

fn said(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The binary in `folder` on `database_url` and the files folder `files`.
fn on(folder: &Path, database_url: &str, files: &Path) -> Command {
    let mut c = command(folder);
    c.env("DATABASE_URL", database_url)
        .env("SUPPORTWEB__FILES__ROOT", files);
    c
}

async fn drill(test: TestApp, restored_url: String, restored_folder: &Path) {
    let store = test.store();
    let brno = build::entitled_organisation(store, "Statutární město Brno", None).await;
    let mut new = build::new_user("referentka", UserKind::Customer, vec![]);
    new.password_hash = Some(supportweb_app::identity::passwords::hash("ukazka-2026").unwrap());
    let id = build::account_from(store, &new).await;
    store
        .set_membership(
            id,
            brno,
            &MembershipRights {
                support_documents: AgendaRight::Write,
                ..MembershipRights::NONE
            },
        )
        .await
        .unwrap();
    let customer = build::actor(store, id).await;

    let app = test.app.clone();
    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(Mutex::new(Vec::<Acknowledged>::new()));
    let mut writers = Vec::new();
    for writer in 0..3 {
        let (app, customer, stop, acknowledged) = (
            app.clone(),
            customer.clone(),
            stop.clone(),
            acknowledged.clone(),
        );
        writers.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let content = format!("příloha {writer}-{n}: {}", uuid::Uuid::now_v7());
                let body = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from(
                    content.clone(),
                ))]);
                let file = app
                    .attachments()
                    .upload(&customer, &format!("protokol-{writer}-{n}.txt"), body)
                    .await
                    .unwrap();
                let subject = format!("Nelze odeslat zásilku {writer}-{n}");
                let opened = app
                    .support_documents()
                    .open(
                        &customer,
                        &OpenDocument {
                            organisation: brno.to_string(),
                            category: "error".into(),
                            severity: "high".into(),
                            subject: subject.clone(),
                            description: "Po odeslání se zobrazí chyba.".into(),
                            contact: "Jana Malá".into(),
                            files: vec![file.id],
                            ..OpenDocument::default()
                        },
                    )
                    .await
                    .unwrap();
                acknowledged.lock().unwrap().push(Acknowledged {
                    at: Instant::now(),
                    document: opened.id.to_string(),
                    subject,
                    file: file.id.to_string(),
                    content,
                });
            }
        }));
    }
    while acknowledged.lock().unwrap().len() < 20 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    let source_folder = tempfile::tempdir().unwrap();
    let backup_folder = source_folder.path().join("zaloha");
    let began = Instant::now();
    let backup = {
        let mut c = on(source_folder.path(), &test.db.url, test.files_root());
        c.arg("backup").arg("--to").arg(&backup_folder);
        tokio::task::spawn_blocking(move || run(c)).await.unwrap()
    };
    let during = acknowledged
        .lock()
        .unwrap()
        .iter()
        .filter(|w| w.at >= began)
        .count();
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.await.unwrap();
    }
    assert!(backup.status.success(), "{}", said(&backup));
    assert!(
        during > 0,
        "the customers kept writing while the backup ran"
    );
    let before: Vec<Acknowledged> = acknowledged
        .lock()
        .unwrap()
        .iter()
        .filter(|w| w.at < began)
        .cloned()
        .collect();
    assert!(before.len() >= 20);

    // Restored elsewhere: an empty database and an empty files folder.
    let restored_files = restored_folder.join("soubory");
    let restore = {
        let mut c = on(restored_folder, &restored_url, &restored_files);
        c.arg("restore").arg("--from").arg(&backup_folder);
        run(c)
    };
    assert!(restore.status.success(), "{}", said(&restore));
    let again = {
        let mut c = on(restored_folder, &restored_url, &restored_files);
        c.arg("restore").arg("--from").arg(&backup_folder);
        run(c)
    };
    assert_eq!(again.status.code(), Some(2), "{}", said(&again));
    assert!(said(&again).contains("not empty"), "{}", said(&again));
    let check = {
        let mut c = on(restored_folder, &restored_url, &restored_files);
        c.arg("check");
        run(c)
    };
    assert!(check.status.success(), "{}", said(&check));
    assert!(
        said(&check).contains("0 missing, 0 damaged, 0 orphaned; database intact"),
        "{}",
        said(&check)
    );

    // The portal on the restored installation shows every write acknowledged before the
    // backup began, attachment included.
    let address = free_address();
    let mut c = on(restored_folder, &restored_url, &restored_files);
    c.arg("serve").env("SUPPORTWEB__SERVER__LISTEN", &address);
    let _server = serve(c, &address);
    let cookie = sign_in(&address, "referentka");
    for write in &before {
        let page = http(
            &address,
            format!(
                "GET /support-documents/{} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nCookie: {cookie}\r\n\r\n",
                write.document
            )
            .as_bytes(),
        );
        assert!(
            page.starts_with("HTTP/1.1 200"),
            "{}: {page:.300}",
            write.document
        );
        assert!(page.contains(&write.subject), "{}", write.subject);
        let file = http(
            &address,
            format!(
                "GET /files/{} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nCookie: {cookie}\r\n\r\n",
                write.file
            )
            .as_bytes(),
        );
        assert!(file.starts_with("HTTP/1.1 200"), "{file:.300}");
        assert!(file.ends_with(&write.content), "{file:.500}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_backup_taken_under_load_restores_every_acknowledged_write() {
    let test = supportweb_app::testing::sqlite().await;
    let restored = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", restored.path().join("obnovena.db").display());
    drill(test, url, restored.path()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgresql_backup_taken_under_load_restores_every_acknowledged_write() {
    let Some(test) = supportweb_app::testing::postgres().await else {
        return;
    };
    let Some(empty) = supportweb_storage::testing::postgres_unmigrated().await else {
        return;
    };
    let restored = tempfile::tempdir().unwrap();
    drill(test, empty.url.clone(), restored.path()).await;
}

#[test]
fn a_damaged_backup_restores_nothing_and_wrong_targets_are_refused() {
    let folder = tempfile::tempdir().unwrap();
    let mut demo = command(folder.path());
    demo.arg("demo");
    assert!(run(demo).status.success());
    let backup_folder = folder.path().join("zaloha");
    let mut backup = command(folder.path());
    backup.arg("backup").arg("--to").arg(&backup_folder);
    let backup = run(backup);
    assert!(backup.status.success(), "{}", said(&backup));
    assert!(
        said(&backup).contains("backup written to"),
        "{}",
        said(&backup)
    );

    let mut into_full = command(folder.path());
    into_full.arg("backup").arg("--to").arg(&backup_folder);
    let into_full = run(into_full);
    assert_eq!(into_full.status.code(), Some(2), "{}", said(&into_full));
    assert!(
        said(&into_full).contains("is not empty"),
        "{}",
        said(&into_full)
    );

    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(backup_folder.join("manifest.json")).unwrap())
            .unwrap();
    let first = manifest["files"][0]["path"].as_str().unwrap();
    let original = std::fs::read(backup_folder.join("files").join(first)).unwrap();
    std::fs::write(backup_folder.join("files").join(first), b"prepsano").unwrap();

    let elsewhere = tempfile::tempdir().unwrap();
    let database = elsewhere.path().join("obnovena.db");
    let files = elsewhere.path().join("soubory");
    let mut damaged = on(
        elsewhere.path(),
        &format!("sqlite://{}", database.display()),
        &files,
    );
    damaged.arg("restore").arg("--from").arg(&backup_folder);
    let damaged = run(damaged);
    assert_eq!(damaged.status.code(), Some(1), "{}", said(&damaged));
    assert!(
        said(&damaged).contains("damaged, nothing was restored") && said(&damaged).contains(first),
        "{}",
        said(&damaged)
    );
    assert!(!database.exists(), "no database was written");
    assert!(
        std::fs::read_dir(&files).map_or(true, |mut f| f.next().is_none()),
        "no file was written"
    );

    // A journal left by an earlier database at the target would be replayed over the
    // restored one: refused.
    std::fs::write(backup_folder.join("files").join(first), &original).unwrap();
    let stray = elsewhere.path().join("jina.db");
    std::fs::write(elsewhere.path().join("jina.db-wal"), b"stary zurnal").unwrap();
    let mut journal = on(
        elsewhere.path(),
        &format!("sqlite://{}", stray.display()),
        &elsewhere.path().join("prazdne"),
    );
    journal.arg("restore").arg("--from").arg(&backup_folder);
    let journal = run(journal);
    assert_eq!(journal.status.code(), Some(2), "{}", said(&journal));
    assert!(
        said(&journal).contains("jina.db-wal is left from another database"),
        "{}",
        said(&journal)
    );
    assert!(!stray.exists());

    // A manifest naming another file as the database is refused.
    let mut tampered = manifest.clone();
    tampered["database"]["path"] = serde_json::Value::from("/etc/passwd");
    std::fs::write(
        backup_folder.join("manifest.json"),
        serde_json::to_vec(&tampered).unwrap(),
    )
    .unwrap();
    let mut outside = on(
        elsewhere.path(),
        &format!("sqlite://{}", elsewhere.path().join("dalsi.db").display()),
        &elsewhere.path().join("jine"),
    );
    outside.arg("restore").arg("--from").arg(&backup_folder);
    let outside = run(outside);
    assert_eq!(outside.status.code(), Some(2), "{}", said(&outside));
    assert!(
        said(&outside).contains("the database must be database.sqlite"),
        "{}",
        said(&outside)
    );

    let mut other_backend = on(
        elsewhere.path(),
        "postgres://postgres@127.0.0.1:5432/neexistuje",
        &files,
    );
    other_backend
        .arg("restore")
        .arg("--from")
        .arg(&backup_folder);
    let other_backend = run(other_backend);
    assert_eq!(
        other_backend.status.code(),
        Some(2),
        "{}",
        said(&other_backend)
    );
    assert!(
        said(&other_backend).contains("same backend"),
        "{}",
        said(&other_backend)
    );
}
