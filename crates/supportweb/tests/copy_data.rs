//! `supportweb copy-data`: the sample installation moved from SQLite to PostgreSQL, then the
//! portal run on PostgreSQL shows every account, record and number as it was.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::Output;

use common::{command, free_address, http, serve, sign_in};
use supportweb_domain::NumberedAgenda;
use supportweb_storage::Store;

fn said(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Every record number (`SD-2026-000123`, `CO-2026-0042`, `KP-2026-0007`) in `page`, sorted.
fn numbers(page: &str) -> Vec<String> {
    let mut found = Vec::new();
    for prefix in ["SD-", "CO-", "KP-"] {
        let mut rest = page;
        while let Some(at) = rest.find(prefix) {
            let tail = &rest[at + 3..];
            let digits: String = tail
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == '-')
                .collect();
            if digits.len() > 5 {
                found.push(format!("{prefix}{digits}"));
            }
            rest = &rest[at + 3..];
        }
    }
    found.sort();
    found.dedup();
    found
}

fn get(address: &str, path: &str, cookie: &str) -> String {
    http(
        address,
        format!(
            "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nCookie: {cookie}\r\n\r\n"
        )
        .as_bytes(),
    )
}

/// What the sample customers see of each agenda on the portal at `database_url`.
fn seen(folder: &Path, database_url: &str, logins: &[String]) -> Vec<(String, Vec<String>)> {
    let address = free_address();
    let mut c = command(folder);
    c.arg("serve")
        .env("DATABASE_URL", database_url)
        .env("SUPPORTWEB__SERVER__LISTEN", &address);
    let _server = serve(c, &address);
    let mut out = Vec::new();
    for login in logins {
        let cookie = sign_in(&address, login);
        for path in [
            "/support-documents?view=all",
            "/customization-orders",
            "/protocols",
            "/protocols/tasks",
            "/podpora/patches",
        ] {
            // A customer without a right in an agenda gets the same refusal on both.
            let page = get(&address, path, &cookie);
            let status = page.lines().next().unwrap_or_default().to_owned();
            out.push((format!("{login} {path}: {status}"), numbers(&page)));
        }
    }
    out
}

#[tokio::test]
async fn the_sample_installation_moves_to_postgresql_whole() {
    let Some(empty) = supportweb_storage::testing::postgres_unmigrated().await else {
        return;
    };
    let folder = tempfile::tempdir().unwrap();
    let json = folder.path().join("ucty.json");
    let mut demo = command(folder.path());
    demo.args(["demo", "--accounts-json", json.to_str().unwrap()]);
    let demo = demo.output().unwrap();
    assert!(demo.status.success(), "{}", said(&demo));
    let accounts: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let customers: Vec<String> = accounts
        .iter()
        .filter(|a| matches!(a["role"].as_str(), Some("customer" | "partner")))
        .map(|a| a["login"].as_str().unwrap().to_owned())
        .collect();
    assert!(customers.len() >= 3);
    let source = format!(
        "sqlite://{}",
        folder.path().join("data/supportweb.db").display()
    );

    let mut copy = command(folder.path());
    copy.args(["copy-data", "--from", &source, "--to", &empty.url]);
    let copy = copy.output().unwrap();
    assert!(copy.status.success(), "{}", said(&copy));
    let report = said(&copy);
    assert!(
        report.contains("every table's rows and checksum verified"),
        "{report}"
    );
    assert!(report.contains("support_documents\t300 rows"), "{report}");

    // Every account signs in with its password on PostgreSQL, and each customer sees the
    // same records, by number, in every agenda as on SQLite.
    let before = seen(folder.path(), &source, &customers);
    let after = seen(folder.path(), &empty.url, &customers);
    assert!(
        before.iter().any(|(_, numbers)| numbers.len() > 5),
        "{before:?}"
    );
    assert_eq!(before, after);
    {
        let address = free_address();
        let mut c = command(folder.path());
        c.arg("serve")
            .env("DATABASE_URL", &empty.url)
            .env("SUPPORTWEB__SERVER__LISTEN", &address);
        let _server = serve(c, &address);
        for account in &accounts {
            sign_in(&address, account["login"].as_str().unwrap());
        }
    }

    // The numbering counters came along: each agenda's next number is the same on both.
    let year = chrono::Datelike::year(&chrono::Utc::now());
    for agenda in [
        NumberedAgenda::SupportDocument,
        NumberedAgenda::CustomizationOrder,
        NumberedAgenda::Protocol,
    ] {
        let mut next = Vec::new();
        for url in [&source, &empty.url] {
            let store = Store::connect(url, 1).await.unwrap();
            let mut tx = store.begin().await.unwrap();
            next.push(tx.next_number(agenda, year).await.unwrap().to_string());
            drop(tx);
            store.close().await;
        }
        assert_eq!(next[0], next[1], "{agenda:?}");
    }

    let mut again = command(folder.path());
    again.args(["copy-data", "--from", &source, "--to", &empty.url]);
    let again = again.output().unwrap();
    assert_eq!(again.status.code(), Some(2), "{}", said(&again));
    assert!(said(&again).contains("not empty"), "{}", said(&again));

    let mut exposed = command(folder.path());
    exposed.args([
        "copy-data",
        "--from",
        &source,
        "--to",
        "postgres://postgres:tajne-heslo@127.0.0.1:5432/jina",
    ]);
    let exposed = exposed.output().unwrap();
    assert_eq!(exposed.status.code(), Some(2), "{}", said(&exposed));
    assert!(said(&exposed).contains("PGPASSWORD"), "{}", said(&exposed));
    assert!(!said(&exposed).contains("tajne-heslo"));

    let mut backwards = command(folder.path());
    backwards.args(["copy-data", "--from", &empty.url, "--to", &source]);
    let backwards = backwards.output().unwrap();
    assert_eq!(backwards.status.code(), Some(2), "{}", said(&backwards));
}
