//! All SQL of Supportweb, for SQLite (the embedded default) and PostgreSQL (at scale).
//!
//! One SQL text serves both backends: `$1…$N` placeholders, `ON CONFLICT … RETURNING`, ids
//! and UTC timestamps generated in Rust and bound. [`Store`] dispatches each statement to the
//! pool it holds; the same code is compiled once per backend by the [`on_pool!`] and
//! [`on_tx!`] macros.

pub mod accounts;
pub mod api_tokens;
mod attachments;
pub mod audit;
pub mod backup;
pub mod canned_replies;
pub mod catalogue;
mod connect;
pub mod contracts;
pub mod copy;
pub mod customization_orders;
pub mod document_patches;
pub mod files;
pub mod history;
pub mod login_failures;
pub mod mail_in;
pub mod migrate;
pub mod notifications;
pub mod numbering;
pub mod organisations;
pub mod patches;
pub mod procedures;
pub mod protocols;
pub mod remote_access;
pub mod sample_documents;
pub mod search;
pub mod sessions;
pub mod support_documents;
#[cfg(feature = "testing")]
pub mod testing;
pub mod timeline;
pub mod two_factor;
pub mod users;
pub mod validation_codes;
pub mod visits;

use sqlx::{PgPool, Postgres, Sqlite, SqlitePool, Transaction};

pub use connect::{Backend, ConnectError};

/// Runs `$body` with `$pool` bound to the concrete pool of `$store`.
macro_rules! on_pool {
    ($store:expr, $pool:ident => $body:expr) => {
        match &$store.pool {
            $crate::Pool::Sqlite($pool) => $body,
            $crate::Pool::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_pool;

/// Runs `$body` with `$conn` bound to the connection of the open transaction `$tx`.
macro_rules! on_tx {
    ($tx:expr, $conn:ident => $body:expr) => {
        match &mut $tx.inner {
            $crate::TxInner::Sqlite(tx) => {
                let $conn = &mut **tx;
                $body
            }
            $crate::TxInner::Postgres(tx) => {
                let $conn = &mut **tx;
                $body
            }
        }
    };
}
pub(crate) use on_tx;

/// The connection pool of one backend.
#[derive(Clone, Debug)]
pub(crate) enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// The data store: every read and write of the portal goes through it.
#[derive(Clone, Debug)]
pub struct Store {
    pub(crate) pool: Pool,
    /// Transactions waiting for a connection or the write lock right now (metrics).
    pub(crate) waiting: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

/// One transaction counted as waiting to begin until dropped (also when the waiting future is
/// cancelled: a client gone, a timeout, shutdown).
struct Waiting<'a>(&'a std::sync::atomic::AtomicU64);

impl<'a> Waiting<'a> {
    fn start(counter: &'a std::sync::atomic::AtomicU64) -> Self {
        counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Waiting(counter)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// The state of the connection pool, for metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections lent out.
    pub in_use: u64,
    /// Connections open and idle.
    pub idle: u64,
    /// The most connections the pool opens.
    pub max: u64,
    /// Transactions waiting to begin.
    pub waiting: u64,
}

/// An open write transaction. Dropped without [`Tx::commit`], it rolls back.
pub struct Tx {
    pub(crate) inner: TxInner,
}

pub(crate) enum TxInner {
    Sqlite(Transaction<'static, Sqlite>),
    Postgres(Transaction<'static, Postgres>),
}

/// Errors of the storage layer. Messages name no SQL and no internals meant for clients; the
/// web layer logs [`StoreError::Database`] and answers with a generic error.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist, or the actor may not see it (the two are never told apart).
    #[error("not found")]
    NotFound,
    /// A unique value is already taken (e.g. a login name).
    #[error("{0} is already taken")]
    Duplicate(&'static str),
    /// The record changed since the caller read it (a stale edit); nothing was written.
    #[error("the record was changed by someone else")]
    Conflict,
    /// A stored value could not be read back (a bug or a hand-edited database).
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
}

impl StoreError {
    /// Maps a unique-constraint violation to [`StoreError::Duplicate`] naming `what`.
    pub(crate) fn unique(error: sqlx::Error, what: &'static str) -> Self {
        match &error {
            sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate(what),
            _ => StoreError::Database(error),
        }
    }
}

impl Store {
    /// Which backend this store runs on.
    pub fn backend(&self) -> Backend {
        match self.pool {
            Pool::Sqlite(_) => Backend::Sqlite,
            Pool::Postgres(_) => Backend::Postgres,
        }
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`), so concurrent writers queue on the busy timeout instead of failing
    /// when a read lock cannot be upgraded.
    pub async fn begin(&self) -> Result<Tx, StoreError> {
        let waiting = Waiting::start(&self.waiting);
        let inner = match &self.pool {
            Pool::Sqlite(pool) => pool
                .begin_with("BEGIN IMMEDIATE")
                .await
                .map(TxInner::Sqlite),
            Pool::Postgres(pool) => pool.begin().await.map(TxInner::Postgres),
        };
        drop(waiting);
        Ok(Tx { inner: inner? })
    }

    /// The connection pool now: connections in use and idle, the most it opens, and the
    /// transactions waiting to begin.
    pub fn pool_status(&self) -> PoolStatus {
        let (size, idle, max) = on_pool!(self, pool => (
            u64::from(pool.size()),
            u64::try_from(pool.num_idle()).unwrap_or(u64::MAX),
            u64::from(pool.options().get_max_connections()),
        ));
        PoolStatus {
            in_use: size.saturating_sub(idle),
            idle,
            max,
            waiting: self.waiting.load(std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// Checks that the database answers (readiness).
    pub async fn ping(&self) -> Result<(), StoreError> {
        let one: i32 =
            on_pool!(self, pool => sqlx::query_scalar("SELECT 1").fetch_one(pool).await?);
        if one == 1 {
            Ok(())
        } else {
            Err(StoreError::Corrupt("SELECT 1".into()))
        }
    }

    /// Closes every pooled connection (graceful shutdown).
    pub async fn close(&self) {
        on_pool!(self, pool => pool.close().await)
    }
}

impl Tx {
    /// Commits; only after this returns is the write acknowledged.
    pub async fn commit(self) -> Result<(), StoreError> {
        match self.inner {
            TxInner::Sqlite(tx) => tx.commit().await?,
            TxInner::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }
}

/// The current time, truncated to microseconds so that both backends store and return the
/// same value.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    use chrono::{SubsecRound, Utc};
    Utc::now().trunc_subsecs(6)
}
