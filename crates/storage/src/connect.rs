//! Opening the database named by a URL: `sqlite://path` or `postgres://…`.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::{Pool, Store};

/// The two supported database backends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite, the default.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// The database URL could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// Neither `sqlite:` nor `postgres:`/`postgresql:`.
    #[error("unsupported database URL scheme (use sqlite:// or postgres://)")]
    Scheme,
    /// The URL is malformed.
    #[error("invalid database URL: {0}")]
    Url(String),
    /// The folder for the SQLite file could not be created.
    #[error("cannot create the database folder {path}: {source}")]
    Folder {
        /// The folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The database refused or is unreachable.
    #[error("cannot open the database: {0}")]
    Open(#[source] sqlx::Error),
}

/// How long a SQLite writer waits for the write lock before giving up.
pub const SQLITE_BUSY_TIMEOUT: Duration = Duration::from_secs(10);

impl Store {
    /// Opens a pool for `url` with at most `max_connections` connections. A SQLite file and
    /// its folder are created when missing.
    pub async fn connect(url: &str, max_connections: u32) -> Result<Store, ConnectError> {
        let max_connections = max_connections.max(1);
        if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)
                .map_err(|e| ConnectError::Url(e.to_string()))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(SQLITE_BUSY_TIMEOUT);
            if let Some(folder) = Path::new(options.get_filename()).parent()
                && !folder.as_os_str().is_empty()
            {
                std::fs::create_dir_all(folder).map_err(|source| ConnectError::Folder {
                    path: folder.display().to_string(),
                    source,
                })?;
            }
            let pool = SqlitePoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(options)
                .await
                .map_err(ConnectError::Open)?;
            Ok(Store {
                waiting: Default::default(),
                pool: Pool::Sqlite(pool),
            })
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options =
                PgConnectOptions::from_str(url).map_err(|e| ConnectError::Url(e.to_string()))?;
            let pool = PgPoolOptions::new()
                .max_connections(max_connections)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(options)
                .await
                .map_err(ConnectError::Open)?;
            Ok(Store {
                waiting: Default::default(),
                pool: Pool::Postgres(pool),
            })
        } else {
            Err(ConnectError::Scheme)
        }
    }
}
