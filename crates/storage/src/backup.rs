//! The database half of `supportweb backup` and `supportweb restore`: a consistent online
//! snapshot while the portal keeps writing, the file rows as that snapshot has them, and
//! putting a snapshot back into an empty database.
//!
//! SQLite: `VACUUM INTO` a new file (a read transaction; writers go on). PostgreSQL:
//! `pg_dump -Fc` on a snapshot exported from a repeatable-read transaction, which then reads
//! the file rows — the dump and the list of files to copy are the same moment.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::str::FromStr;

use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

use crate::files::StoredFileRow;
use crate::{Backend, Pool, Store, StoreError};

/// The snapshot file name in a backup folder, by backend.
pub fn snapshot_file_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "database.sqlite",
        Backend::Postgres => "database.pgdump",
    }
}

/// What [`Store::snapshot_into`] wrote.
#[derive(Debug, Clone)]
pub struct DatabaseSnapshot {
    /// The snapshot file.
    pub path: PathBuf,
    /// The schema version the snapshot is at.
    pub schema_version: i64,
    /// Every file row of the snapshot, by id.
    pub files: Vec<StoredFileRow>,
}

/// Why a backup or restore of the database failed.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// `pg_dump` or `pg_restore` could not be run or failed.
    #[error("{tool} failed: {detail}")]
    Tool {
        /// Which program.
        tool: &'static str,
        /// Its exit and last words.
        detail: String,
    },
    /// The target database already holds tables.
    #[error("the database is not empty ({0}): restore only into an empty one")]
    NotEmpty(String),
    /// A file could not be written or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The database URL is malformed.
    #[error("invalid database URL: {0}")]
    Url(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BackupError + '_ {
    move |source| BackupError::Io {
        path: path.display().to_string(),
        source,
    }
}

const FILE_ROWS: &str = "SELECT id, storage_key, size_bytes, sha256 FROM files ORDER BY id";
const SCHEMA_VERSION: &str = "SELECT COALESCE(MAX(version), 0) FROM schema_migrations";

impl Store {
    /// Writes a consistent snapshot of the database into `folder` while the portal runs, and
    /// returns the file rows as of that snapshot. `url` is the URL this store was opened with
    /// (PostgreSQL: `pg_dump` connects with it).
    pub async fn snapshot_into(
        &self,
        url: &str,
        folder: &Path,
    ) -> Result<DatabaseSnapshot, BackupError> {
        let path = folder.join(snapshot_file_name(self.backend()));
        match &self.pool {
            Pool::Sqlite(pool) => {
                let target = path.to_str().ok_or_else(|| BackupError::Io {
                    path: path.display().to_string(),
                    source: std::io::Error::other("the path is not UTF-8"),
                })?;
                sqlx::query("VACUUM INTO $1")
                    .bind(target)
                    .execute(pool)
                    .await
                    .map_err(StoreError::from)?;
                let options = SqliteConnectOptions::new().filename(&path).read_only(true);
                let mut snapshot = SqliteConnection::connect_with(&options)
                    .await
                    .map_err(StoreError::from)?;
                let schema_version: i64 = sqlx::query_scalar(SCHEMA_VERSION)
                    .fetch_one(&mut snapshot)
                    .await
                    .map_err(StoreError::from)?;
                let files = sqlx::query_as(FILE_ROWS)
                    .fetch_all(&mut snapshot)
                    .await
                    .map_err(StoreError::from)?;
                snapshot.close().await.map_err(StoreError::from)?;
                Ok(DatabaseSnapshot {
                    path,
                    schema_version,
                    files,
                })
            }
            Pool::Postgres(pool) => {
                let mut tx = pool.begin().await.map_err(StoreError::from)?;
                sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::from)?;
                let exported: String = sqlx::query_scalar("SELECT pg_export_snapshot()")
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(StoreError::from)?;
                run_tool(
                    "pg_dump",
                    url,
                    &[
                        "--format=custom".to_owned(),
                        "--no-owner".to_owned(),
                        "--no-privileges".to_owned(),
                        format!("--snapshot={exported}"),
                        format!("--file={}", path.display()),
                    ],
                )
                .await?;
                let schema_version: i64 = sqlx::query_scalar(SCHEMA_VERSION)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(StoreError::from)?;
                let files = sqlx::query_as(FILE_ROWS)
                    .fetch_all(&mut *tx)
                    .await
                    .map_err(StoreError::from)?;
                tx.commit().await.map_err(StoreError::from)?;
                Ok(DatabaseSnapshot {
                    path,
                    schema_version,
                    files,
                })
            }
        }
    }
}

/// Refuses a database that is not empty: an SQLite file with content, a PostgreSQL database
/// with any table.
pub async fn ensure_empty(url: &str) -> Result<(), BackupError> {
    if url.starts_with("sqlite:") {
        let target = sqlite_file(url)?;
        if std::fs::metadata(&target).is_ok_and(|m| m.len() > 0) {
            return Err(BackupError::NotEmpty(target.display().to_string()));
        }
        // A journal left by an earlier database would be replayed over the restored one.
        for suffix in ["-wal", "-shm", "-journal"] {
            let mut leftover = target.clone().into_os_string();
            leftover.push(suffix);
            let leftover = PathBuf::from(leftover);
            if leftover.exists() {
                return Err(BackupError::NotEmpty(format!(
                    "{} is left from another database",
                    leftover.display()
                )));
            }
        }
        return Ok(());
    }
    let store = Store::connect(url, 1)
        .await
        .map_err(|e| BackupError::Url(e.to_string()))?;
    let tables = store.user_tables().await;
    store.close().await;
    let tables = tables?;
    if tables.is_empty() {
        Ok(())
    } else {
        Err(BackupError::NotEmpty(format!(
            "{} tables, e.g. {}",
            tables.len(),
            tables
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        )))
    }
}

fn sqlite_file(url: &str) -> Result<PathBuf, BackupError> {
    let options =
        SqliteConnectOptions::from_str(url).map_err(|e| BackupError::Url(e.to_string()))?;
    Ok(options.get_filename().to_path_buf())
}

/// Puts the snapshot `snapshot` (written by [`Store::snapshot_into`] on the same backend)
/// into the empty database named by `url` (see [`ensure_empty`]).
pub async fn restore_snapshot(url: &str, snapshot: &Path) -> Result<(), BackupError> {
    ensure_empty(url).await?;
    if url.starts_with("sqlite:") {
        let target = sqlite_file(url)?;
        if let Some(folder) = target.parent().filter(|f| !f.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(io(folder))?;
        }
        // Copied beside the target, made durable, then renamed into place: a restore that
        // breaks off never leaves a half database under the configured name.
        let staging = target.with_extension("restoring");
        std::fs::copy(snapshot, &staging).map_err(io(&staging))?;
        std::fs::File::open(&staging)
            .and_then(|f| f.sync_all())
            .map_err(io(&staging))?;
        std::fs::rename(&staging, &target).map_err(io(&target))?;
        if let Some(folder) = target.parent().filter(|f| !f.as_os_str().is_empty()) {
            std::fs::File::open(folder)
                .and_then(|f| f.sync_all())
                .map_err(io(folder))?;
        }
        Ok(())
    } else {
        run_tool(
            "pg_restore",
            url,
            &[
                "--no-owner".to_owned(),
                "--no-privileges".to_owned(),
                "--exit-on-error".to_owned(),
                "--single-transaction".to_owned(),
                snapshot.display().to_string(),
            ],
        )
        .await
    }
}

impl Store {
    /// The tables this database holds (outside the system's own schemas), by name.
    pub async fn user_tables(&self) -> Result<Vec<String>, StoreError> {
        Ok(match &self.pool {
            Pool::Sqlite(pool) => {
                sqlx::query_scalar(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
                )
                .fetch_all(pool)
                .await?
            }
            Pool::Postgres(pool) => {
                sqlx::query_scalar(
                    "SELECT table_name::text FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
                )
                .fetch_all(pool)
                .await?
            }
        })
    }
}

/// Runs one of PostgreSQL's client programs on the database `url`; its standard error's last
/// lines on failure. The password goes in the environment, never on the command line where
/// every user of the machine could read it.
async fn run_tool(tool: &'static str, url: &str, args: &[String]) -> Result<(), BackupError> {
    let (url, password) = libpq_url(url);
    let mut command = tokio::process::Command::new(tool);
    if let Some(password) = password {
        command.env("PGPASSWORD", password);
    }
    let output = command
        .args(args)
        .arg(format!("--dbname={url}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .await
        .map_err(|e| BackupError::Tool {
            tool,
            detail: format!("cannot run it ({e}); install PostgreSQL's client programs"),
        })?;
    if output.status.success() {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&output.stderr);
    let tail: Vec<&str> = said.lines().rev().take(3).collect();
    Err(BackupError::Tool {
        tool,
        detail: format!(
            "{}: {}",
            output.status,
            tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
        ),
    })
}

/// Connection parameters PostgreSQL's own programs understand in a URL; the others (sqlx's
/// `statement-cache-capacity`, …) would make them refuse it.
const LIBPQ_PARAMETERS: &[&str] = &[
    "host",
    "hostaddr",
    "port",
    "dbname",
    "user",
    "application_name",
    "options",
    "connect_timeout",
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "target_session_attrs",
];

/// `url` as PostgreSQL's programs take it: without the password of its user part (returned
/// percent-decoded, for the environment) and without parameters only sqlx knows.
fn libpq_url(url: &str) -> (String, Option<String>) {
    let (url, query) = match url.split_once('?') {
        Some((url, query)) => (url, Some(query)),
        None => (url, None),
    };
    let kept: Vec<&str> = query
        .into_iter()
        .flat_map(|q| q.split('&'))
        .filter(|pair| {
            let key = pair.split('=').next().unwrap_or_default();
            LIBPQ_PARAMETERS.contains(&key)
        })
        .collect();
    let query = if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    };
    let unchanged = || (format!("{url}{query}"), None);
    let Some((scheme, rest)) = url.split_once("://") else {
        return unchanged();
    };
    let authority_end = rest.find('/').unwrap_or(rest.len());
    let (authority, path) = rest.split_at(authority_end);
    let Some((user_part, host)) = authority.rsplit_once('@') else {
        return unchanged();
    };
    let Some((user, password)) = user_part.split_once(':') else {
        return unchanged();
    };
    let password = percent_encoding::percent_decode_str(password)
        .decode_utf8_lossy()
        .into_owned();
    (
        format!("{scheme}://{user}@{host}{path}{query}"),
        Some(password),
    )
}

#[cfg(test)]
mod tests {
    use super::libpq_url;

    #[test]
    fn the_password_leaves_the_url_for_the_environment_and_sqlx_parameters_are_dropped() {
        assert_eq!(
            libpq_url(
                "postgres://portal:ta%40jne@db.example.cz:5432/supportweb?statement-cache-capacity=0&sslmode=require"
            ),
            (
                "postgres://portal@db.example.cz:5432/supportweb?sslmode=require".to_owned(),
                Some("ta@jne".to_owned())
            )
        );
        assert_eq!(
            libpq_url("postgres://postgres@127.0.0.1:5432/postgres"),
            (
                "postgres://postgres@127.0.0.1:5432/postgres".to_owned(),
                None
            )
        );
    }
}
