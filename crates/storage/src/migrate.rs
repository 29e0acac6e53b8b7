//! Schema migrations, embedded in the binary.
//!
//! Each version has a SQLite and a PostgreSQL text (`migrations/sqlite/NNNN_name.sql`,
//! `migrations/postgres/NNNN_name.sql`); a test checks that both folders hold the same
//! versions and that they produce the same tables and columns.

use sqlx::Connection;

use crate::{Pool, Store, StoreError, now};

/// One schema version.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    /// Increasing version number (the `NNNN` of the file names).
    pub version: i64,
    /// The `name` part of the file names.
    pub name: &'static str,
    /// SQLite text.
    pub sqlite: &'static str,
    /// PostgreSQL text.
    pub postgres: &'static str,
}

macro_rules! migration {
    ($version:literal, $file:literal, $name:literal) => {
        Migration {
            version: $version,
            name: $name,
            sqlite: include_str!(concat!("../migrations/sqlite/", $file)),
            postgres: include_str!(concat!("../migrations/postgres/", $file)),
        }
    };
}

/// Every migration, oldest first.
pub const MIGRATIONS: &[Migration] = &[
    migration!(1, "0001_foundation.sql", "foundation"),
    migration!(2, "0002_login_failures.sql", "login_failures"),
    migration!(3, "0003_organisations.sql", "organisations"),
    migration!(4, "0004_accounts.sql", "accounts"),
    migration!(5, "0005_audit.sql", "audit"),
    migration!(6, "0006_change_history.sql", "change_history"),
    migration!(7, "0007_remote_access.sql", "remote_access"),
    migration!(8, "0008_api_tokens.sql", "api_tokens"),
    migration!(9, "0009_two_factor.sql", "two_factor"),
    migration!(10, "0010_catalogue.sql", "catalogue"),
    migration!(11, "0011_support_documents.sql", "support_documents"),
    migration!(12, "0012_patches.sql", "patches"),
    migration!(13, "0013_validation_codes.sql", "validation_codes"),
    migration!(14, "0014_procedures.sql", "procedures"),
    migration!(15, "0015_protocols.sql", "protocols"),
    migration!(16, "0016_customization_orders.sql", "customization_orders"),
    migration!(17, "0017_order_conversation.sql", "order_conversation"),
    migration!(
        18,
        "0018_document_state_grouping.sql",
        "document_state_grouping"
    ),
    migration!(19, "0019_protocol_review.sql", "protocol_review"),
    migration!(20, "0020_clean_file_names.sql", "clean_file_names"),
    migration!(21, "0021_mail_in.sql", "mail_in"),
    migration!(22, "0022_search.sql", "search"),
    migration!(23, "0023_search_orders.sql", "search_orders"),
    migration!(24, "0024_search_protocols.sql", "search_protocols"),
    migration!(25, "0025_search_catalogue.sql", "search_catalogue"),
    migration!(26, "0026_timeline.sql", "timeline"),
    migration!(27, "0027_start_visits.sql", "start_visits"),
    migration!(28, "0028_work_indexes.sql", "work_indexes"),
];

const CREATE_LEDGER: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version BIGINT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
)";

/// Arbitrary constant naming the advisory lock that serialises migrating instances.
const PG_MIGRATION_LOCK: i64 = 0x5375_7070_6f72_7477; // "Supportw"

impl Store {
    /// Applies every migration not yet applied, each in its own transaction. Safe when several
    /// instances start at once: PostgreSQL serialises them with an advisory lock, SQLite with
    /// its write lock. Returns the versions applied now.
    pub async fn migrate(&self) -> Result<Vec<i64>, StoreError> {
        let mut applied_now = Vec::new();
        match &self.pool {
            Pool::Sqlite(pool) => {
                let mut conn = pool.acquire().await?;
                sqlx::raw_sql(CREATE_LEDGER).execute(&mut *conn).await?;
                for migration in MIGRATIONS {
                    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
                    let done: Option<i64> = sqlx::query_scalar(
                        "SELECT version FROM schema_migrations WHERE version = $1",
                    )
                    .bind(migration.version)
                    .fetch_optional(&mut *tx)
                    .await?;
                    if done.is_none() {
                        sqlx::raw_sql(migration.sqlite).execute(&mut *tx).await?;
                        record(&mut tx, migration).await?;
                        applied_now.push(migration.version);
                    }
                    tx.commit().await?;
                }
            }
            Pool::Postgres(pool) => {
                let mut conn = pool.acquire().await?;
                sqlx::query("SELECT pg_advisory_lock($1)")
                    .bind(PG_MIGRATION_LOCK)
                    .execute(&mut *conn)
                    .await?;
                let result = async {
                    sqlx::raw_sql(CREATE_LEDGER).execute(&mut *conn).await?;
                    for migration in MIGRATIONS {
                        let mut tx = conn.begin().await?;
                        let done: Option<i64> = sqlx::query_scalar(
                            "SELECT version FROM schema_migrations WHERE version = $1",
                        )
                        .bind(migration.version)
                        .fetch_optional(&mut *tx)
                        .await?;
                        if done.is_none() {
                            sqlx::raw_sql(migration.postgres).execute(&mut *tx).await?;
                            record(&mut tx, migration).await?;
                            applied_now.push(migration.version);
                        }
                        tx.commit().await?;
                    }
                    Ok::<(), sqlx::Error>(())
                }
                .await;
                sqlx::query("SELECT pg_advisory_unlock($1)")
                    .bind(PG_MIGRATION_LOCK)
                    .execute(&mut *conn)
                    .await?;
                result?;
            }
        }
        if !applied_now.is_empty() {
            tracing::info!(versions = ?applied_now, "applied database migrations");
        }
        Ok(applied_now)
    }

    /// The versions recorded as applied, ascending.
    pub async fn applied_migrations(&self) -> Result<Vec<i64>, StoreError> {
        Ok(crate::on_pool!(self, pool => {
            sqlx::query_scalar("SELECT version FROM schema_migrations ORDER BY version")
                .fetch_all(pool)
                .await?
        }))
    }
}

async fn record<DB>(
    tx: &mut sqlx::Transaction<'_, DB>,
    migration: &Migration,
) -> Result<(), sqlx::Error>
where
    DB: sqlx::Database,
    for<'c> &'c mut DB::Connection: sqlx::Executor<'c, Database = DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> String: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> <DB as sqlx::Database>::Arguments: sqlx::IntoArguments<DB>,
{
    sqlx::query("INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)")
        .bind(migration.version)
        .bind(migration.name.to_owned())
        .bind(now().to_rfc3339())
        .execute(&mut **tx)
        .await?;
    Ok(())
}
