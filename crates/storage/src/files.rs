//! Rows describing stored files. The bytes live in the object store (see the `files` crate);
//! a row is committed only after its object is durably written.

use chrono::{DateTime, Utc};
use supportweb_domain::Actor;
use supportweb_domain::ids::{FileId, UserId};
use uuid::Uuid;

use crate::{Store, StoreError, now, on_pool};

/// A stored file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileRecord {
    /// Id.
    pub id: FileId,
    /// Generated object-store key; never derived from user input.
    pub storage_key: String,
    /// The name the uploader gave (shown and used in downloads, never as a path).
    pub file_name: String,
    /// Media type decided by the server from the content.
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Lower-case hex SHA-256 of the content.
    pub sha256: String,
    /// Who uploaded it.
    pub uploaded_by: UserId,
    /// When.
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct FileRow {
    id: Uuid,
    storage_key: String,
    file_name: String,
    content_type: String,
    size_bytes: i64,
    sha256: String,
    uploaded_by: Uuid,
    created_at: DateTime<Utc>,
}

impl From<FileRow> for FileRecord {
    fn from(row: FileRow) -> Self {
        FileRecord {
            id: FileId(row.id),
            storage_key: row.storage_key,
            file_name: row.file_name,
            content_type: row.content_type,
            size_bytes: row.size_bytes,
            sha256: row.sha256,
            uploaded_by: UserId(row.uploaded_by),
            created_at: row.created_at,
        }
    }
}

/// A file row to insert; the object must already be stored.
#[derive(Debug, Clone)]
pub struct NewFile {
    /// Id chosen by the caller (it is part of the storage key).
    pub id: FileId,
    /// Object-store key.
    pub storage_key: String,
    /// Display name.
    pub file_name: String,
    /// Media type.
    pub content_type: String,
    /// Size in bytes.
    pub size_bytes: i64,
    /// Hex SHA-256.
    pub sha256: String,
}

impl Store {
    /// Records a stored file uploaded by `actor`.
    pub async fn insert_file(
        &self,
        actor: &Actor,
        new: &NewFile,
    ) -> Result<FileRecord, StoreError> {
        let record = FileRecord {
            id: new.id,
            storage_key: new.storage_key.clone(),
            file_name: new.file_name.clone(),
            content_type: new.content_type.clone(),
            size_bytes: new.size_bytes,
            sha256: new.sha256.clone(),
            uploaded_by: actor.user_id,
            created_at: now(),
        };
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO files (id, storage_key, file_name, content_type, size_bytes, sha256, uploaded_by, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(record.id.0)
            .bind(record.storage_key.as_str())
            .bind(record.file_name.as_str())
            .bind(record.content_type.as_str())
            .bind(record.size_bytes)
            .bind(record.sha256.as_str())
            .bind(record.uploaded_by.0)
            .bind(record.created_at)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(record)
    }

    /// A stored file by id, for a caller that has already decided the actor may have it
    /// (a patch download checks the patch's entitlement first).
    pub async fn file_unscoped(&self, id: FileId) -> Result<FileRecord, StoreError> {
        let row: Option<FileRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, storage_key, file_name, content_type, size_bytes, sha256, uploaded_by, created_at
                 FROM files WHERE id = $1",
            )
            .bind(id.0)
            .fetch_optional(pool)
            .await?
        });
        row.map(FileRecord::from).ok_or(StoreError::NotFound)
    }

    /// Whether a file belongs to a patch, a procedure, a protocol or a customization order: it downloads only through
    /// that record's route, which applies its rules (entitlement, visibility, the log).
    async fn podpora_file(&self, id: FileId) -> Result<bool, StoreError> {
        let count: i64 = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT (SELECT COUNT(*) FROM patch_files WHERE file_id = $1)
                 + (SELECT COUNT(*) FROM procedure_files WHERE file_id = $1)
                 + (SELECT COUNT(*) FROM protocol_files WHERE file_id = $1)
                 + (SELECT COUNT(*) FROM order_files WHERE file_id = $1)",
            )
            .bind(id.0)
            .fetch_one(pool)
            .await?
        });
        Ok(count > 0)
    }

    /// A file `actor` may download: its own upload (unless it became a patch's or a
    /// procedure's), or a file attached to a support document the actor may see (one of an
    /// internal note only as staff). Anyone else gets [`StoreError::NotFound`], exactly as for
    /// a file that does not exist.
    pub async fn file_for(&self, actor: &Actor, id: FileId) -> Result<FileRecord, StoreError> {
        let record = self.file_unscoped(id).await?;
        let own = record.uploaded_by == actor.user_id && !self.podpora_file(id).await?;
        if own || self.document_file_visible(actor, id).await? {
            Ok(record)
        } else {
            Err(StoreError::NotFound)
        }
    }
}

/// A stored file's row as the consistency check reads it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredFileRow {
    /// Id.
    pub id: Uuid,
    /// Its object's key.
    pub storage_key: String,
    /// Size recorded at upload.
    pub size_bytes: i64,
    /// SHA-256 recorded at upload.
    pub sha256: String,
}

impl Store {
    /// File rows after `after` by id, `limit` of them (the consistency check pages through).
    pub async fn file_rows(
        &self,
        after: Option<Uuid>,
        limit: i64,
    ) -> Result<Vec<StoredFileRow>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, storage_key, size_bytes, sha256 FROM files WHERE id > $1 ORDER BY id LIMIT $2",
            )
            .bind(after.unwrap_or(Uuid::nil()))
            .bind(limit)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Problems the database finds in itself (SQLite `PRAGMA integrity_check` and
    /// `foreign_key_check`; PostgreSQL checks its pages itself and answers or not).
    pub async fn integrity_problems(&self) -> Result<Vec<String>, StoreError> {
        match &self.pool {
            crate::Pool::Sqlite(pool) => {
                let mut problems: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
                    .fetch_all(pool)
                    .await?
                    .into_iter()
                    .filter(|line: &String| line != "ok")
                    .collect();
                let foreign: Vec<(String, Option<i64>, String)> =
                    sqlx::query_as("SELECT \"table\", rowid, parent FROM pragma_foreign_key_check")
                        .fetch_all(pool)
                        .await?;
                problems.extend(foreign.into_iter().map(|(table, row, parent)| {
                    format!(
                        "{table} row {} names a missing {parent} row",
                        row.unwrap_or_default()
                    )
                }));
                Ok(problems)
            }
            crate::Pool::Postgres(pool) => {
                sqlx::query("SELECT 1").execute(pool).await?;
                Ok(Vec::new())
            }
        }
    }
}

impl Store {
    /// Whether a file row names the object `key` (asked again right before an orphan is
    /// removed).
    pub async fn file_key_known(&self, key: &str) -> Result<bool, StoreError> {
        let found: Option<(Uuid,)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id FROM files WHERE storage_key = $1")
                .bind(key)
                .fetch_optional(pool)
                .await?
        });
        Ok(found.is_some())
    }
}
