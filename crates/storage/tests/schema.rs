//! The two migration folders describe one schema.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;
use std::path::Path;

use supportweb_storage::migrate::MIGRATIONS;
use supportweb_storage::testing;

fn versions_in(folder: &str) -> BTreeSet<(i64, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(folder);
    std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| {
            let name = entry.unwrap().file_name().to_string_lossy().into_owned();
            let (version, rest) = name.split_once('_').expect("NNNN_name.sql");
            let name = rest.strip_suffix(".sql").expect(".sql file").to_owned();
            (version.parse().expect("numeric version"), name)
        })
        .collect()
}

#[test]
fn both_folders_hold_the_same_versions_and_all_are_embedded() {
    let sqlite = versions_in("sqlite");
    let postgres = versions_in("postgres");
    assert_eq!(sqlite, postgres, "migration folders differ");
    let embedded: BTreeSet<(i64, String)> = MIGRATIONS
        .iter()
        .map(|m| (m.version, m.name.to_owned()))
        .collect();
    assert_eq!(
        sqlite, embedded,
        "a migration file is not listed in MIGRATIONS"
    );
    let ordered: Vec<i64> = MIGRATIONS.iter().map(|m| m.version).collect();
    let mut sorted = ordered.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ordered, sorted, "MIGRATIONS must be strictly increasing");
}

#[tokio::test]
async fn both_backends_yield_the_same_tables_and_columns() {
    let sqlite = testing::sqlite().await;
    let Some(postgres) = testing::postgres().await else {
        return;
    };
    let left = testing::schema_columns(&sqlite.store).await;
    let right = testing::schema_columns(&postgres.store).await;
    assert!(left.iter().any(|(t, c, _)| t == "users" && c == "login"));
    assert_eq!(left, right, "SQLite and PostgreSQL schemas differ");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_pooled_sqlite_connection_has_the_durability_pragmas() {
    let test = testing::sqlite().await;
    let pragmas = testing::sqlite_connection_pragmas(&test.store, 8).await;
    assert_eq!(pragmas.len(), 8);
    for p in pragmas {
        assert_eq!(p.journal_mode, "wal");
        assert_eq!(p.synchronous, 2, "synchronous=FULL");
        assert_eq!(p.foreign_keys, 1);
        assert!(
            p.busy_timeout_ms >= 5000,
            "busy timeout {} ms",
            p.busy_timeout_ms
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instances_migrating_at_once_on_postgres_apply_each_version_once() {
    let Some(empty) = testing::postgres_unmigrated().await else {
        return;
    };
    let a = supportweb_storage::Store::connect(&empty.url, 2)
        .await
        .unwrap();
    let b = supportweb_storage::Store::connect(&empty.url, 2)
        .await
        .unwrap();
    let (ra, rb) = tokio::join!(a.migrate(), b.migrate());
    let mut applied = ra.unwrap();
    applied.extend(rb.unwrap());
    applied.sort();
    let all: Vec<i64> = MIGRATIONS.iter().map(|m| m.version).collect();
    assert_eq!(
        applied, all,
        "every version applied exactly once across both instances"
    );
}
