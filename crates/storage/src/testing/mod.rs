//! Temporary stores for tests, on both backends.
//!
//! SQLite: a fresh file in a temporary folder. PostgreSQL: a fresh database on the server named
//! by `TEST_DATABASE_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`), so tests run
//! in parallel. When PostgreSQL is unreachable the PostgreSQL half of a test is skipped with a
//! message — except with `CI=true`, where it fails.

use std::path::PathBuf;
use std::str::FromStr;

use sqlx::postgres::PgConnectOptions;
use sqlx::{ConnectOptions, Connection};

use crate::Store;

pub mod build;

/// A migrated store that lives as long as this value.
pub struct TestStore {
    /// The store.
    pub store: Store,
    /// The URL it was opened with (for tests that open a second pool).
    pub url: String,
    folder: Option<tempfile::TempDir>,
}

impl TestStore {
    /// A folder that lives as long as the store (for files belonging to the test).
    pub fn folder(&self) -> Option<PathBuf> {
        self.folder.as_ref().map(|f| f.path().to_path_buf())
    }
}

/// Whether the run is CI, where nothing may be skipped.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// A migrated SQLite store in a new temporary folder.
pub async fn sqlite() -> TestStore {
    let folder = tempfile::tempdir().unwrap_or_else(|e| panic!("temporary folder: {e}"));
    let url = format!("sqlite://{}", folder.path().join("test.db").display());
    let store = Store::connect(&url, 8)
        .await
        .unwrap_or_else(|e| panic!("open {url}: {e}"));
    store
        .migrate()
        .await
        .unwrap_or_else(|e| panic!("migrate: {e}"));
    TestStore {
        store,
        url,
        folder: Some(folder),
    }
}

/// The server for PostgreSQL tests.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A migrated store in a new PostgreSQL database, or `None` (with a message) when no server is
/// reachable outside CI.
pub async fn postgres() -> Option<TestStore> {
    let test = postgres_unmigrated().await?;
    test.store
        .migrate()
        .await
        .unwrap_or_else(|e| panic!("migrate: {e}"));
    Some(test)
}

/// Like [`postgres`], but the new database is left empty (for migration tests).
pub async fn postgres_unmigrated() -> Option<TestStore> {
    let admin_url = postgres_admin_url();
    let options = match PgConnectOptions::from_str(&admin_url) {
        Ok(o) => o,
        Err(e) => panic!("TEST_DATABASE_URL is not a PostgreSQL URL: {e}"),
    };
    let mut admin = match options.connect().await {
        Ok(conn) => conn,
        Err(e) if !in_ci() => {
            eprintln!("skipping the PostgreSQL half: cannot reach {admin_url}: {e}");
            return None;
        }
        Err(e) => panic!("CI=true but PostgreSQL at {admin_url} is unreachable: {e}"),
    };
    sweep_stale_databases(&mut admin).await;
    let id = uuid::Uuid::now_v7().simple().to_string();
    let name = format!("sw_test_{id}");
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut admin)
        .await
        .unwrap_or_else(|e| panic!("create test database: {e}"));
    let _ = admin.close().await;
    let url = options.database(&name).to_url_lossy().to_string();
    let store = Store::connect(&url, 8)
        .await
        .unwrap_or_else(|e| panic!("open {url}: {e}"));
    Some(TestStore {
        store,
        url,
        folder: None,
    })
}

/// Drops test databases left behind by runs that ended more than two hours ago (the name
/// carries a UUIDv7, whose first 48 bits are the creation time in milliseconds).
async fn sweep_stale_databases(admin: &mut sqlx::PgConnection) {
    let names: Vec<String> = match sqlx::query_scalar(
        "SELECT datname FROM pg_database WHERE datname LIKE 'sw\\_test\\_%'",
    )
    .fetch_all(&mut *admin)
    .await
    {
        Ok(names) => names,
        Err(_) => return,
    };
    let now_ms = chrono::Utc::now().timestamp_millis();
    for name in names {
        let Some(hex) = name.strip_prefix("sw_test_") else {
            continue;
        };
        let Some(millis) = hex.get(..12).and_then(|h| i64::from_str_radix(h, 16).ok()) else {
            continue;
        };
        if now_ms - millis > 2 * 3600 * 1000 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut *admin)
            .await;
        }
    }
}

/// Declares one `#[tokio::test]` per backend for an `async fn(Store)` test body:
/// `both_backends!(my_test);` creates `my_test::sqlite` and `my_test::postgres`.
#[macro_export]
macro_rules! both_backends {
    ($($name:ident),+ $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    let test = $crate::testing::sqlite().await;
                    super::$name(test.store.clone()).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(test) = $crate::testing::postgres().await {
                        super::$name(test.store.clone()).await;
                    }
                }
            }
        )+
    };
}

/// The pragmas of one pooled SQLite connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqlitePragmas {
    /// `PRAGMA journal_mode`.
    pub journal_mode: String,
    /// `PRAGMA synchronous` (2 = FULL).
    pub synchronous: i64,
    /// `PRAGMA foreign_keys`.
    pub foreign_keys: i64,
    /// `PRAGMA busy_timeout` in milliseconds.
    pub busy_timeout_ms: i64,
}

/// Holds `count` connections of a SQLite store's pool at once and reads each one's pragmas.
pub async fn sqlite_connection_pragmas(store: &Store, count: usize) -> Vec<SqlitePragmas> {
    let crate::Pool::Sqlite(pool) = &store.pool else {
        panic!("not a SQLite store");
    };
    let mut held = Vec::new();
    for _ in 0..count {
        held.push(
            pool.acquire()
                .await
                .unwrap_or_else(|e| panic!("acquire: {e}")),
        );
    }
    let mut out = Vec::new();
    for conn in &mut held {
        let conn = &mut **conn;
        let journal_mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut *conn)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
            .fetch_one(&mut *conn)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
            .fetch_one(&mut *conn)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let busy_timeout_ms: i64 = sqlx::query_scalar("PRAGMA busy_timeout")
            .fetch_one(&mut *conn)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        out.push(SqlitePragmas {
            journal_mode,
            synchronous,
            foreign_keys,
            busy_timeout_ms,
        });
    }
    out
}

/// Every application table's columns as `(table, column, not null)`, sorted; the migration
/// ledger is left out.
pub async fn schema_columns(store: &Store) -> Vec<(String, String, bool)> {
    let mut columns: Vec<(String, String, bool)> = match &store.pool {
        crate::Pool::Sqlite(pool) => {
            sqlx::query_as(
                "SELECT m.name, p.name, p.\"notnull\" OR p.pk > 0
             FROM sqlite_schema m JOIN pragma_table_info(m.name) p
             WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
            )
            .fetch_all(pool)
            .await
        }
        crate::Pool::Postgres(pool) => {
            sqlx::query_as(
                "SELECT table_name::text, column_name::text, is_nullable = 'NO'
             FROM information_schema.columns WHERE table_schema = current_schema()",
            )
            .fetch_all(pool)
            .await
        }
    }
    .unwrap_or_else(|e| panic!("read schema: {e}"));
    // SQLite's full-text index lives in FTS5 tables of its own (PostgreSQL indexes
    // search_items with GIN instead); search_items itself is the same on both.
    columns
        .retain(|(table, _, _)| table != "schema_migrations" && !table.starts_with("search_fts"));
    columns.sort();
    columns
}

/// Moves a support document back in time by `by`: every timestamp of it (opened, deadlines,
/// pause, resolution, closing) shifts, as if the time had passed. For tests of deadlines,
/// breaches and auto-closing.
pub async fn backdate_document(
    store: &Store,
    id: supportweb_domain::ids::DocumentId,
    by: chrono::Duration,
) {
    let d = store
        .document_unscoped(id)
        .await
        .unwrap_or_else(|e| panic!("document: {e}"));
    let shift = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| t - by);
    let due_sort = crate::support_documents::due_sort(&d.clock) - by;
    crate::on_pool!(store, pool => {
        sqlx::query(
            "UPDATE support_documents SET created_at = $1, response_due_at = $2,
             first_response_at = $3, paused_since = $4, resolution_due_at = $5,
             resolved_at = $6, closed_at = $7, due_sort = $8 WHERE id = $9",
        )
        .bind(d.created_at - by)
        .bind(shift(d.clock.response_due_at))
        .bind(shift(d.clock.first_response_at))
        .bind(shift(d.clock.paused_since))
        .bind(shift(d.clock.resolution_due_at))
        .bind(shift(d.resolved_at))
        .bind(shift(d.closed_at))
        .bind(due_sort)
        .bind(id.0)
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("backdate: {e}"))
        .rows_affected()
    });
}

/// Writes `read` back in `state` with its clock as read, as a transition that read the
/// document before some other change does (tests of races with the scheduled SLA checks).
pub async fn write_as_read_earlier(
    store: &Store,
    read: &crate::support_documents::DocumentRecord,
    state: supportweb_domain::support_document::DocumentState,
) {
    let mut tx = store.begin().await.unwrap_or_else(|e| panic!("begin: {e}"));
    tx.write_document_state(read, state, &read.clock, chrono::Utc::now(), None)
        .await
        .unwrap_or_else(|e| panic!("write: {e}"));
    tx.commit().await.unwrap_or_else(|e| panic!("commit: {e}"));
}

/// Lets every claim on the outbox run out, as if its holder had been slow for longer than
/// the claim lasts.
pub async fn expire_outbox_claims(store: &Store) {
    let past = chrono::Utc::now() - chrono::Duration::hours(1);
    crate::on_pool!(store, pool => {
        sqlx::query("UPDATE outbox SET claimed_until = $1 WHERE claimed_until IS NOT NULL")
            .bind(past)
            .execute(pool)
            .await
            .unwrap_or_else(|e| panic!("expire claims: {e}"))
            .rows_affected()
    });
}

/// Sets a document's deadlines (tests of the SLA checks), keeping its "due" order in step.
pub async fn set_deadlines(
    store: &Store,
    id: supportweb_domain::ids::DocumentId,
    response_due_at: Option<chrono::DateTime<chrono::Utc>>,
    resolution_due_at: Option<chrono::DateTime<chrono::Utc>>,
) {
    let d = store
        .document_unscoped(id)
        .await
        .unwrap_or_else(|e| panic!("document: {e}"));
    let clock = supportweb_domain::sla::SlaClock {
        response_due_at,
        resolution_due_at,
        ..d.clock
    };
    crate::on_pool!(store, pool => {
        sqlx::query(
            "UPDATE support_documents SET response_due_at = $1, resolution_due_at = $2,
             due_sort = $3 WHERE id = $4",
        )
        .bind(response_due_at)
        .bind(resolution_due_at)
        .bind(crate::support_documents::due_sort(&clock))
        .bind(id.0)
        .execute(pool)
        .await
        .unwrap_or_else(|e| panic!("deadlines: {e}"))
        .rows_affected()
    });
}

/// Makes every insert into `table` fail from now on, as a write that breaks between the
/// change and its audit entry or history row would (tests of atomicity). `table` is one of
/// the application's own tables.
pub async fn fail_inserts_into(store: &Store, table: &str) {
    assert!(
        table.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
        "a table name: {table}"
    );
    let statements = match &store.pool {
        crate::Pool::Sqlite(_) => vec![format!(
            "CREATE TRIGGER injected_failure_{table} BEFORE INSERT ON {table}
             BEGIN SELECT RAISE(ABORT, 'injected failure'); END"
        )],
        crate::Pool::Postgres(_) => vec![
            "CREATE OR REPLACE FUNCTION injected_failure() RETURNS trigger AS $$
             BEGIN RAISE EXCEPTION 'injected failure'; END $$ LANGUAGE plpgsql"
                .to_owned(),
            format!(
                "CREATE TRIGGER injected_failure_{table} BEFORE INSERT ON {table}
                 FOR EACH ROW EXECUTE FUNCTION injected_failure()"
            ),
        ],
    };
    for statement in statements {
        crate::on_pool!(store, pool => {
            sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
                .execute(pool)
                .await
                .unwrap_or_else(|e| panic!("inject failure: {e}"))
                .rows_affected()
        });
    }
}

/// Lets inserts into `table` succeed again after [`fail_inserts_into`].
pub async fn allow_inserts_into(store: &Store, table: &str) {
    assert!(
        table.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
        "a table name: {table}"
    );
    let statement = match &store.pool {
        crate::Pool::Sqlite(_) => format!("DROP TRIGGER injected_failure_{table}"),
        crate::Pool::Postgres(_) => format!("DROP TRIGGER injected_failure_{table} ON {table}"),
    };
    crate::on_pool!(store, pool => {
        sqlx::raw_sql(sqlx::AssertSqlSafe(statement))
            .execute(pool)
            .await
            .unwrap_or_else(|e| panic!("allow inserts: {e}"))
            .rows_affected()
    });
}

/// How many rows `table` holds.
pub async fn count_rows(store: &Store, table: &str) -> i64 {
    assert!(
        table.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
        "a table name: {table}"
    );
    let sql = format!("SELECT COUNT(*) FROM {table}");
    crate::on_pool!(store, pool => {
        sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .fetch_one(pool)
            .await
            .unwrap_or_else(|e| panic!("count {table}: {e}"))
    })
}

/// Removes `version` from the migration ledger, so the next `migrate` applies it again to the
/// rows written since (how a test shows what a migration does to older data).
pub async fn forget_migration(store: &Store, version: i64) {
    crate::on_pool!(store, pool => {
        sqlx::query("DELETE FROM schema_migrations WHERE version = $1")
            .bind(version)
            .execute(pool)
            .await
            .unwrap_or_else(|e| panic!("forget migration {version}: {e}"))
            .rows_affected()
    });
}

/// Opens a write transaction and runs each `(statement, id)` in it (the id bound as `$1`),
/// without committing: another writer that checks now reads what was committed before, and
/// its own write waits for this transaction. Commit it to let that writer go on — how a test
/// puts a change exactly between another writer's check and its write.
pub async fn hold_write(store: &Store, statements: &[(&str, uuid::Uuid)]) -> crate::Tx {
    let mut tx = store.begin().await.unwrap_or_else(|e| panic!("begin: {e}"));
    for (statement, id) in statements {
        crate::on_tx!(tx, conn => {
            sqlx::query(sqlx::AssertSqlSafe(*statement))
                .bind(*id)
                .execute(&mut *conn)
                .await
                .unwrap_or_else(|e| panic!("{statement}: {e}"))
                .rows_affected()
        });
    }
    tx
}

/// Makes every outbox message `days` older (reply tokens expire by the last message).
pub async fn backdate_outbox(store: &Store, days: i64) {
    let by = chrono::Duration::days(days);
    let rows: Vec<(uuid::Uuid, chrono::DateTime<chrono::Utc>)> = crate::on_pool!(store, pool => {
        sqlx::query_as("SELECT id, created_at FROM outbox")
            .fetch_all(pool)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    });
    for (id, at) in rows {
        crate::on_pool!(store, pool => {
            sqlx::query("UPDATE outbox SET created_at = $1 WHERE id = $2")
                .bind(at - by)
                .bind(id)
                .execute(pool)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .rows_affected()
        });
    }
}

/// Gives a support document a new subject, as an edit by staff would (for tests of the
/// search index, which must forget the old words and know the new ones).
pub async fn retitle_document(
    store: &Store,
    id: supportweb_domain::ids::DocumentId,
    subject: &str,
) {
    crate::on_pool!(store, pool => {
        sqlx::query("UPDATE support_documents SET subject = $1 WHERE id = $2")
            .bind(subject)
            .bind(id.0)
            .execute(pool)
            .await
            .unwrap_or_else(|e| panic!("retitle: {e}"));
    });
}
