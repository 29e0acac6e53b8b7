//! `supportweb copy-data`: a whole installation moved from SQLite to PostgreSQL — every table
//! (numbering counters included), read in one read transaction of the source and written in
//! one transaction of the target, which commits only when every table's row count and
//! checksum read back from the target equal the source's.
//!
//! Both schemas come from the same migrations, so the target's column types say how each
//! SQLite value is read: `uuid` from a 16-byte blob, `timestamptz` and `date` from their text,
//! `boolean` from 0/1. The checksum of a table is the sum of the SHA-256 of its rows (so row
//! order does not matter), each row hashed from those typed values — timestamps at the
//! microsecond PostgreSQL keeps.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{Postgres, QueryBuilder, Row};
use uuid::Uuid;

use crate::{Pool, Store, StoreError};

/// Why a copy did not happen; the target is left as it was.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    /// Not SQLite to PostgreSQL, or the target holds data, or the source is at another
    /// schema version.
    #[error("{0}")]
    Refused(String),
    /// A stored value could not be read as its column's type.
    #[error("{table}.{column}: {detail}")]
    Value {
        /// Table.
        table: String,
        /// Column.
        column: String,
        /// What was wrong.
        detail: String,
    },
    /// Read back from the target, a table differs from the source; nothing was committed.
    #[error(
        "{table}: the target has {target_rows} rows (checksum {target_checksum}), the source {source_rows} ({source_checksum}); nothing was committed"
    )]
    Mismatch {
        /// Table.
        table: String,
        /// Source rows.
        source_rows: u64,
        /// Source checksum.
        source_checksum: String,
        /// Target rows.
        target_rows: u64,
        /// Target checksum.
        target_checksum: String,
    },
    /// A database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sqlx::Error> for CopyError {
    fn from(error: sqlx::Error) -> Self {
        CopyError::Store(StoreError::Database(error))
    }
}

/// One copied table with its verified row count and checksum.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCopied {
    /// Table name.
    pub table: String,
    /// Rows.
    pub rows: u64,
    /// Hex checksum (equal on both sides).
    pub checksum: String,
}

/// How a column's values are read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Uuid,
    Bytes,
    BigInt,
    Int,
    Bool,
    Date,
    Timestamp,
    Text,
}

impl Kind {
    fn of(data_type: &str) -> Option<Kind> {
        Some(match data_type {
            "uuid" => Kind::Uuid,
            "bytea" => Kind::Bytes,
            "bigint" => Kind::BigInt,
            "integer" | "smallint" => Kind::Int,
            "boolean" => Kind::Bool,
            "date" => Kind::Date,
            "timestamp with time zone" => Kind::Timestamp,
            "text" | "character varying" => Kind::Text,
            _ => return None,
        })
    }
}

/// One value on its way.
#[derive(Debug, Clone)]
enum Value {
    Null,
    Uuid(Uuid),
    Bytes(Vec<u8>),
    BigInt(i64),
    Int(i32),
    Bool(bool),
    Date(NaiveDate),
    Timestamp(DateTime<Utc>),
    Text(String),
}

impl Value {
    /// Feeds the value's canonical form to `hasher`.
    fn hash_into(&self, hasher: &mut Sha256) {
        let (tag, bytes): (u8, Vec<u8>) = match self {
            Value::Null => (0, Vec::new()),
            Value::Uuid(v) => (1, v.as_bytes().to_vec()),
            Value::Bytes(v) => (2, v.clone()),
            Value::BigInt(v) => (3, v.to_le_bytes().to_vec()),
            Value::Int(v) => (3, i64::from(*v).to_le_bytes().to_vec()),
            Value::Bool(v) => (4, vec![u8::from(*v)]),
            Value::Date(v) => (5, v.to_string().into_bytes()),
            Value::Timestamp(v) => (6, v.timestamp_micros().to_le_bytes().to_vec()),
            Value::Text(v) => (7, v.as_bytes().to_vec()),
        };
        hasher.update([tag]);
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
}

/// An order-independent sum of row hashes.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct Checksum {
    rows: u64,
    sum: [u64; 4],
}

impl Checksum {
    fn add(&mut self, row: &[Value]) {
        let mut hasher = Sha256::new();
        for value in row {
            value.hash_into(&mut hasher);
        }
        let digest = hasher.finalize();
        for (lane, chunk) in self.sum.iter_mut().zip(digest.chunks_exact(8)) {
            let mut word = [0_u8; 8];
            word.copy_from_slice(chunk);
            *lane = lane.wrapping_add(u64::from_le_bytes(word));
        }
        self.rows += 1;
    }

    fn hex(&self) -> String {
        self.sum.iter().map(|lane| format!("{lane:016x}")).collect()
    }
}

fn value_error(table: &str, column: &str, error: sqlx::Error) -> CopyError {
    CopyError::Value {
        table: table.to_owned(),
        column: column.to_owned(),
        detail: error.to_string(),
    }
}

macro_rules! read_value {
    ($row:expr, $index:expr, $kind:expr) => {
        match $kind {
            Kind::Uuid => $row
                .try_get::<Option<Uuid>, _>($index)
                .map(|v| v.map(Value::Uuid)),
            Kind::Bytes => $row
                .try_get::<Option<Vec<u8>>, _>($index)
                .map(|v| v.map(Value::Bytes)),
            Kind::BigInt => $row
                .try_get::<Option<i64>, _>($index)
                .map(|v| v.map(Value::BigInt)),
            Kind::Int => $row
                .try_get::<Option<i32>, _>($index)
                .map(|v| v.map(Value::Int)),
            Kind::Bool => $row
                .try_get::<Option<bool>, _>($index)
                .map(|v| v.map(Value::Bool)),
            Kind::Date => $row
                .try_get::<Option<NaiveDate>, _>($index)
                .map(|v| v.map(Value::Date)),
            Kind::Timestamp => $row
                .try_get::<Option<DateTime<Utc>>, _>($index)
                .map(|v| v.map(Value::Timestamp)),
            Kind::Text => $row
                .try_get::<Option<String>, _>($index)
                .map(|v| v.map(Value::Text)),
        }
        .map(|v| v.unwrap_or(Value::Null))
    };
}

/// A table of the target with its columns, in the order the copy writes them.
#[derive(Debug, Clone)]
struct Table {
    name: String,
    columns: Vec<(String, Kind)>,
}

impl Table {
    fn column_list(&self) -> String {
        self.columns
            .iter()
            .map(|(name, _)| format!("\"{name}\""))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn sqlite_row(&self, row: &SqliteRow) -> Result<Vec<Value>, CopyError> {
        self.columns
            .iter()
            .enumerate()
            .map(|(i, (column, kind))| {
                read_value!(row, i, *kind).map_err(|e| value_error(&self.name, column, e))
            })
            .collect()
    }

    fn postgres_row(&self, row: &PgRow) -> Result<Vec<Value>, CopyError> {
        self.columns
            .iter()
            .enumerate()
            .map(|(i, (column, kind))| {
                read_value!(row, i, *kind).map_err(|e| value_error(&self.name, column, e))
            })
            .collect()
    }
}

/// Rows per INSERT (PostgreSQL takes at most 65 535 parameters per statement).
fn batch_rows(columns: usize) -> usize {
    (60_000 / columns.max(1)).clamp(1, 1_000)
}

async fn insert(
    tx: &mut sqlx::PgConnection,
    table: &Table,
    rows: &mut Vec<Vec<Value>>,
) -> Result<(), CopyError> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut query: QueryBuilder<Postgres> = QueryBuilder::new(format!(
        "INSERT INTO \"{}\" ({}) ",
        table.name,
        table.column_list()
    ));
    query.push_values(rows.drain(..), |mut b, row| {
        for value in row {
            match value {
                Value::Null => b.push("NULL"),
                Value::Uuid(v) => b.push_bind(v),
                Value::Bytes(v) => b.push_bind(v),
                Value::BigInt(v) => b.push_bind(v),
                Value::Int(v) => b.push_bind(v),
                Value::Bool(v) => b.push_bind(v),
                Value::Date(v) => b.push_bind(v),
                Value::Timestamp(v) => b.push_bind(v),
                Value::Text(v) => b.push_bind(v),
            };
        }
    });
    query.build().execute(&mut *tx).await?;
    Ok(())
}

/// The ledger of applied migrations: the target's own migration run fills it.
const LEDGER: &str = "schema_migrations";
/// Derived tables the target's triggers fill as the records arrive (the search index).
const DERIVED: &[&str] = &["search_items"];
/// Tables the target's triggers also fill as the records arrive, but which hold history the
/// records alone do not tell (the timeline's every step): copied last, replacing what the
/// triggers wrote, their numbering continued after the copied rows.
const HISTORY: &[&str] = &["timeline_events"];

/// Copies every table of `source` (SQLite) into `target` (PostgreSQL, migrated to the same
/// version and without a single row yet), verifying each table before committing.
pub async fn copy_data(source: &Store, target: &Store) -> Result<Vec<TableCopied>, CopyError> {
    let (Pool::Sqlite(source_pool), Pool::Postgres(target_pool)) = (&source.pool, &target.pool)
    else {
        return Err(CopyError::Refused(
            "copy-data copies from sqlite:// to postgres://".into(),
        ));
    };
    let source_version = source.applied_migrations().await?;
    let target_version = target.applied_migrations().await?;
    if source_version != target_version {
        return Err(CopyError::Refused(format!(
            "the source is at schema version {}, the target at {}: run `supportweb migrate` on the source first",
            source_version.last().copied().unwrap_or_default(),
            target_version.last().copied().unwrap_or_default()
        )));
    }
    let tables = target_tables(target_pool).await?;
    let mut source_conn = source_pool.acquire().await?;
    // One read transaction: every table as of one moment, even if something still writes.
    sqlx::query("BEGIN").execute(&mut *source_conn).await?;
    let mut tx = target_pool.begin().await?;
    for table in &tables {
        let any: bool = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT EXISTS (SELECT 1 FROM \"{}\")",
            table.name
        )))
        .fetch_one(&mut *tx)
        .await?;
        if any && table.name != LEDGER {
            return Err(CopyError::Refused(format!(
                "the target database is not empty ({} has rows): copy only into an empty one",
                table.name
            )));
        }
    }
    let mut copied = Vec::with_capacity(tables.len());
    let is_history = |table: &&Table| HISTORY.contains(&table.name.as_str());
    let records = tables.iter().filter(|t| !is_history(t));
    for table in records.chain(tables.iter().filter(is_history)) {
        if table.name == LEDGER || DERIVED.contains(&table.name.as_str()) {
            continue;
        }
        if is_history(&table) {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DELETE FROM \"{}\"",
                table.name
            )))
            .execute(&mut *tx)
            .await?;
        }
        let mut source_sum = Checksum::default();
        let mut batch = Vec::new();
        let limit = batch_rows(table.columns.len());
        {
            let sql = format!(
                "SELECT {} FROM \"{}\" ORDER BY rowid",
                table.column_list(),
                table.name
            );
            let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut *source_conn);
            while let Some(row) = rows.try_next().await? {
                let values = table.sqlite_row(&row)?;
                source_sum.add(&values);
                batch.push(values);
                if batch.len() >= limit {
                    insert(&mut tx, table, &mut batch).await?;
                }
            }
        }
        insert(&mut tx, table, &mut batch).await?;
        if is_history(&table) {
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT setval(pg_get_serial_sequence('{0}', 'id'), COALESCE((SELECT MAX(id) FROM \"{0}\"), 0) + 1, false)",
                table.name
            )))
            .execute(&mut *tx)
            .await?;
        }
        let mut target_sum = Checksum::default();
        {
            let sql = format!("SELECT {} FROM \"{}\"", table.column_list(), table.name);
            let mut rows = sqlx::query(sqlx::AssertSqlSafe(sql)).fetch(&mut *tx);
            while let Some(row) = rows.try_next().await? {
                target_sum.add(&table.postgres_row(&row)?);
            }
        }
        if source_sum != target_sum {
            return Err(CopyError::Mismatch {
                table: table.name.clone(),
                source_rows: source_sum.rows,
                source_checksum: source_sum.hex(),
                target_rows: target_sum.rows,
                target_checksum: target_sum.hex(),
            });
        }
        copied.push(TableCopied {
            table: table.name.clone(),
            rows: source_sum.rows,
            checksum: source_sum.hex(),
        });
    }
    tx.commit().await?;
    sqlx::query("COMMIT").execute(&mut *source_conn).await?;
    Ok(copied)
}

/// The target's tables in an order where every table comes after the tables it refers to.
async fn target_tables(pool: &sqlx::PgPool) -> Result<Vec<Table>, CopyError> {
    let columns: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text FROM information_schema.columns
         WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position",
    )
    .fetch_all(pool)
    .await?;
    let mut by_name: BTreeMap<String, Vec<(String, Kind)>> = BTreeMap::new();
    for (table, column, data_type) in columns {
        // Names go into the statements: only plain lower-case identifiers are accepted, so
        // the quoting below is enough.
        if ![&table, &column].iter().all(|name| plain_identifier(name)) {
            return Err(CopyError::Refused(format!(
                "unexpected table or column name {table}.{column}"
            )));
        }
        let kind = Kind::of(&data_type).ok_or_else(|| CopyError::Value {
            table: table.clone(),
            column: column.clone(),
            detail: format!("no copy for the type {data_type}"),
        })?;
        by_name.entry(table).or_default().push((column, kind));
    }
    let references: Vec<(String, String)> = sqlx::query_as(
        "SELECT DISTINCT c.conrelid::regclass::text, c.confrelid::regclass::text FROM pg_constraint c
         JOIN pg_namespace n ON n.oid = c.connamespace
         WHERE c.contype = 'f' AND n.nspname = current_schema()",
    )
    .fetch_all(pool)
    .await?;
    let mut needs: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (table, referenced) in &references {
        if table != referenced {
            needs
                .entry(table.trim_matches('"'))
                .or_default()
                .insert(referenced.trim_matches('"'));
        }
    }
    let mut ordered: Vec<Table> = Vec::with_capacity(by_name.len());
    let mut placed: BTreeSet<String> = BTreeSet::new();
    while placed.len() < by_name.len() {
        let ready: Vec<String> = by_name
            .keys()
            .filter(|name| !placed.contains(*name))
            .filter(|name| {
                needs
                    .get(name.as_str())
                    .is_none_or(|set| set.iter().all(|n| placed.contains(*n)))
            })
            .cloned()
            .collect();
        if ready.is_empty() {
            return Err(CopyError::Refused(
                "the tables refer to each other in a cycle; no order to copy them in".into(),
            ));
        }
        for name in ready {
            if let Some(columns) = by_name.get(&name) {
                ordered.push(Table {
                    name: name.clone(),
                    columns: columns.clone(),
                });
            }
            placed.insert(name);
        }
    }
    Ok(ordered)
}

fn plain_identifier(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}
