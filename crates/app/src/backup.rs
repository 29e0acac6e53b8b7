//! `supportweb backup` and `supportweb restore`: a consistent online snapshot of the database
//! with every file object its rows name, a manifest of SHA-256 sums, and putting all of it
//! back into an empty database and an empty files store.
//!
//! The folder holds `database.sqlite` or `database.pgdump`, `files/<key>` for every object,
//! and `manifest.json`, written last: a folder without a manifest is no backup.

use std::path::{Component, Path, PathBuf};

use futures_util::StreamExt;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use supportweb_files::FileStore;
use supportweb_storage::Backend;
use supportweb_storage::backup::{BackupError, restore_snapshot, snapshot_file_name};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::administration::command_line::{CommandError, Refused};
use crate::{App, Error};

/// The manifest's file name.
pub const MANIFEST: &str = "manifest.json";
/// The manifest format this build writes and reads.
const FORMAT: u32 = 1;

/// One file of a backup with its size and SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManifestEntry {
    /// Path inside the backup folder (the database) or object key (a file object).
    pub path: String,
    /// Size in bytes.
    pub bytes: u64,
    /// Lower-case hex SHA-256.
    pub sha256: String,
}

/// What a backup holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Format version of this manifest.
    pub format: u32,
    /// `sqlite` or `postgresql`.
    pub backend: String,
    /// When the snapshot was taken.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// The schema version of the snapshot.
    pub schema_version: i64,
    /// The database snapshot.
    pub database: ManifestEntry,
    /// Every file object, by key (under `files/`).
    pub files: Vec<ManifestEntry>,
}

fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgresql",
    }
}

fn backend_of_url(url: &str) -> Option<Backend> {
    if url.starts_with("sqlite:") {
        Some(Backend::Sqlite)
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Some(Backend::Postgres)
    } else {
        None
    }
}

fn failed(error: impl std::fmt::Display) -> CommandError {
    CommandError::Failed(Error::Internal(error.to_string()))
}

fn refused(message: impl Into<String>) -> CommandError {
    CommandError::Refused(Refused(message.into()))
}

fn from_backup(error: BackupError) -> CommandError {
    match error {
        BackupError::NotEmpty(_) | BackupError::Url(_) => refused(error.to_string()),
        other => failed(other),
    }
}

/// Where the object `key` lives inside a backup folder; `None` for a key that could leave it.
fn object_path(folder: &Path, key: &str) -> Option<PathBuf> {
    let relative = Path::new(key);
    relative
        .components()
        .all(|c| matches!(c, Component::Normal(_)))
        .then(|| folder.join("files").join(relative))
}

/// Size and SHA-256 of a file on disk.
async fn digest_file(path: &Path) -> std::io::Result<(u64, String)> {
    let mut file = tokio::fs::File::open(path).await?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0_u8; 256 * 1024];
    let mut size = 0_u64;
    loop {
        let read = file.read(&mut buffer).await?;
        if read == 0 {
            break;
        }
        size += read as u64;
        hasher.update(&buffer[..read]);
    }
    Ok((size, hex::encode(hasher.finalize())))
}

async fn sync_folder(folder: &Path) -> std::io::Result<()> {
    tokio::fs::File::open(folder).await?.sync_all().await
}

/// What a finished backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    /// File objects copied.
    pub files: usize,
    /// Their bytes together.
    pub file_bytes: u64,
    /// The database snapshot's bytes.
    pub database_bytes: u64,
}

impl App {
    /// Backs the running installation up into `folder` (new or empty): the database named by
    /// `database_url` (this app's store) as one consistent snapshot, then every object its
    /// file rows name, each checked against the row's SHA-256, then the manifest.
    pub async fn backup(
        &self,
        database_url: &str,
        folder: &Path,
    ) -> Result<BackupReport, CommandError> {
        match std::fs::read_dir(folder) {
            Ok(mut entries) => {
                if entries.next().is_some() {
                    return Err(refused(format!(
                        "{} is not empty: back up into a new folder",
                        folder.display()
                    )));
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir_all(folder)
                    .map_err(|e| failed(format!("{}: {e}", folder.display())))?;
            }
            Err(e) => return Err(failed(format!("{}: {e}", folder.display()))),
        }
        let store = self.store();
        let taken_at = chrono::Utc::now();
        let snapshot = store
            .snapshot_into(database_url, folder)
            .await
            .map_err(from_backup)?;
        let mut files = Vec::with_capacity(snapshot.files.len());
        let mut file_bytes = 0_u64;
        for row in &snapshot.files {
            let path = object_path(folder, &row.storage_key).ok_or_else(|| {
                failed(format!(
                    "file {} has an unusable key {:?}",
                    row.id, row.storage_key
                ))
            })?;
            let (bytes, sha256) = self
                .copy_object_out(&row.storage_key, &path)
                .await
                .map_err(|e| {
                    failed(format!("object {} (file {}): {e}", row.storage_key, row.id))
                })?;
            if i64::try_from(bytes).ok() != Some(row.size_bytes) || sha256 != row.sha256 {
                return Err(failed(format!(
                    "object {} (file {}) is damaged: {bytes} bytes, SHA-256 {sha256}; recorded {} bytes, {} (run supportweb check)",
                    row.storage_key, row.id, row.size_bytes, row.sha256
                )));
            }
            file_bytes += bytes;
            files.push(ManifestEntry {
                path: row.storage_key.clone(),
                bytes,
                sha256,
            });
        }
        let (database_bytes, database_sha256) = digest_file(&snapshot.path)
            .await
            .map_err(|e| failed(format!("{}: {e}", snapshot.path.display())))?;
        let manifest = Manifest {
            format: FORMAT,
            backend: backend_name(store.backend()).to_owned(),
            created_at: taken_at,
            schema_version: snapshot.schema_version,
            database: ManifestEntry {
                path: snapshot_file_name(store.backend()).to_owned(),
                bytes: database_bytes,
                sha256: database_sha256,
            },
            files,
        };
        write_manifest(folder, &manifest).await.map_err(failed)?;
        Ok(BackupReport {
            files: manifest.files.len(),
            file_bytes,
            database_bytes,
        })
    }

    /// Streams the object `key` into `path`, made durable; its size and SHA-256.
    async fn copy_object_out(&self, key: &str, path: &Path) -> Result<(u64, String), String> {
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(|e| e.to_string())?;
        }
        let mut stream = self
            .files()
            .open(key, None)
            .await
            .map_err(|e| e.to_string())?;
        let mut file = tokio::fs::File::create(path)
            .await
            .map_err(|e| e.to_string())?;
        let mut hasher = Sha256::new();
        let mut size = 0_u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| e.to_string())?;
            size += chunk.len() as u64;
            hasher.update(&chunk);
            file.write_all(&chunk).await.map_err(|e| e.to_string())?;
        }
        file.sync_all().await.map_err(|e| e.to_string())?;
        Ok((size, hex::encode(hasher.finalize())))
    }
}

async fn write_manifest(folder: &Path, manifest: &Manifest) -> std::io::Result<()> {
    let json = serde_json::to_vec_pretty(manifest).map_err(std::io::Error::other)?;
    let staging = folder.join("manifest.json.writing");
    let mut file = tokio::fs::File::create(&staging).await?;
    file.write_all(&json).await?;
    file.sync_all().await?;
    tokio::fs::rename(&staging, folder.join(MANIFEST)).await?;
    sync_folder(folder).await
}

/// Reads and checks a backup folder's manifest.
pub fn read_manifest(folder: &Path) -> Result<Manifest, CommandError> {
    let path = folder.join(MANIFEST);
    let text = std::fs::read(&path)
        .map_err(|e| refused(format!("{}: {e} (not a finished backup)", path.display())))?;
    let manifest: Manifest =
        serde_json::from_slice(&text).map_err(|e| refused(format!("{}: {e}", path.display())))?;
    if manifest.format != FORMAT {
        return Err(refused(format!(
            "{}: format {} is not one this build reads ({FORMAT})",
            path.display(),
            manifest.format
        )));
    }
    Ok(manifest)
}

/// What a finished restore put back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RestoreReport {
    /// The schema version restored (a newer build migrates it on start).
    pub schema_version: i64,
    /// File objects restored.
    pub files: usize,
}

/// Restores the backup in `folder` into the empty database `database_url` and the empty
/// store `files`. Every SHA-256 of the backup is verified before anything is written; a
/// database with tables or a store with objects is refused.
pub async fn restore(
    database_url: &str,
    files: &FileStore,
    folder: &Path,
) -> Result<RestoreReport, CommandError> {
    let manifest = read_manifest(folder)?;
    let backend = backend_of_url(database_url)
        .ok_or_else(|| refused("database.url: use sqlite:// or postgres://"))?;
    if manifest.backend != backend_name(backend) {
        return Err(refused(format!(
            "the backup is of a {} database and database.url names {}: restore on the same backend (copy-data moves SQLite to PostgreSQL)",
            manifest.backend,
            backend_name(backend)
        )));
    }
    let expected = supportweb_storage::backup::snapshot_file_name(backend);
    if manifest.database.path != expected {
        return Err(refused(format!(
            "{}: the database must be {expected}, not {:?}",
            folder.join(MANIFEST).display(),
            manifest.database.path
        )));
    }
    let database_path = folder.join(expected);
    let mut wrong = Vec::new();
    verify(&database_path, &manifest.database, &mut wrong).await;
    for entry in &manifest.files {
        match object_path(folder, &entry.path) {
            Some(path) => verify(&path, entry, &mut wrong).await,
            None => wrong.push(format!("{}: not a key this portal writes", entry.path)),
        }
    }
    if !wrong.is_empty() {
        return Err(failed(format!(
            "the backup is damaged, nothing was restored: {}",
            wrong.join("; ")
        )));
    }
    if let Some((key, _)) = files.objects().await.map_err(failed)?.first() {
        return Err(refused(format!(
            "the files store is not empty (e.g. {key}): restore only into an empty one"
        )));
    }
    supportweb_storage::backup::ensure_empty(database_url)
        .await
        .map_err(from_backup)?;
    for entry in &manifest.files {
        let path = object_path(folder, &entry.path)
            .ok_or_else(|| failed(format!("{}: not a key this portal writes", entry.path)))?;
        let file = tokio::fs::File::open(&path)
            .await
            .map_err(|e| failed(format!("{}: {e}", path.display())))?;
        let body = tokio_util::io::ReaderStream::with_capacity(file, 256 * 1024);
        let stored = files
            .restore(&entry.path, body)
            .await
            .map_err(|e| failed(format!("object {}: {e}", entry.path)))?;
        if stored.sha256 != entry.sha256 {
            return Err(failed(format!(
                "object {} changed while it was restored",
                entry.path
            )));
        }
    }
    // The database last: an installation with its database has every file its rows name.
    restore_snapshot(database_url, &database_path)
        .await
        .map_err(|error| match from_backup(error) {
            CommandError::Failed(Error::Internal(why)) => failed(format!(
                "{why}; the files store now holds the backup's {} objects: empty it and the database before trying again",
                manifest.files.len()
            )),
            other => other,
        })?;
    Ok(RestoreReport {
        schema_version: manifest.schema_version,
        files: manifest.files.len(),
    })
}

async fn verify(path: &Path, entry: &ManifestEntry, wrong: &mut Vec<String>) {
    match digest_file(path).await {
        Ok((bytes, sha256)) if bytes == entry.bytes && sha256 == entry.sha256 => {}
        Ok((bytes, sha256)) => wrong.push(format!(
            "{}: {bytes} bytes, SHA-256 {sha256}; the manifest says {} bytes, {}",
            path.display(),
            entry.bytes,
            entry.sha256
        )),
        Err(e) => wrong.push(format!("{}: {e}", path.display())),
    }
}
