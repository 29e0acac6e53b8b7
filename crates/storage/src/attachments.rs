//! Attaching uploaded files to records — one rule for every agenda: a file id that arrives in
//! a write is accepted only when it is the actor's own upload and belongs to no record yet
//! (nor was ever downloaded as a patch's file). A file belongs to one support document,
//! customization order, protocol, patch or procedure only.

use supportweb_domain::Actor;
use supportweb_domain::ids::{
    CommentId, DocumentId, FileId, OrderId, PatchId, ProcedureId, ProtocolId,
};
use uuid::Uuid;

use crate::{StoreError, Tx, on_tx};

/// The condition on `files f` that it is attached to no record.
macro_rules! unattached {
    () => {
        " AND NOT EXISTS (SELECT 1 FROM support_document_files a WHERE a.file_id = f.id)
          AND NOT EXISTS (SELECT 1 FROM order_files a WHERE a.file_id = f.id)
          AND NOT EXISTS (SELECT 1 FROM protocol_files a WHERE a.file_id = f.id)
          AND NOT EXISTS (SELECT 1 FROM patch_files a WHERE a.file_id = f.id)
          AND NOT EXISTS (SELECT 1 FROM procedure_files a WHERE a.file_id = f.id)
          AND NOT EXISTS (SELECT 1 FROM patch_downloads d WHERE d.file_id = f.id)"
    };
}

/// The record (and the part of it) a file is attached to.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Link {
    /// A support document, or one comment of it (an internal note's files are staff-only).
    Document {
        document: DocumentId,
        comment: Option<CommentId>,
        internal: bool,
    },
    /// A customization order: its requirement, a comment or a quote revision.
    Order {
        order: OrderId,
        comment: Option<Uuid>,
        quote: Option<i64>,
        internal: bool,
    },
    /// A protocol.
    Protocol(ProtocolId),
    /// A patch.
    Patch(PatchId),
    /// A procedure.
    Procedure(ProcedureId),
}

impl Link {
    /// For records whose files an edit replaces as a whole: the query of their files, the
    /// statement detaching one, and the record's id.
    fn replaceable(self) -> Option<(&'static str, &'static str, Uuid)> {
        match self {
            Link::Protocol(id) => Some((
                "SELECT file_id FROM protocol_files WHERE protocol_id = $1",
                "DELETE FROM protocol_files WHERE file_id = $1",
                id.0,
            )),
            Link::Patch(id) => Some((
                "SELECT file_id FROM patch_files WHERE patch_id = $1",
                "DELETE FROM patch_files WHERE file_id = $1",
                id.0,
            )),
            Link::Procedure(id) => Some((
                "SELECT file_id FROM procedure_files WHERE procedure_id = $1",
                "DELETE FROM procedure_files WHERE file_id = $1",
                id.0,
            )),
            Link::Document { .. } | Link::Order { .. } => None,
        }
    }
}

impl Tx {
    /// Attaches each of `files` to `link`. Returns `false` — and the caller abandons the
    /// transaction — when any id is not the actor's own unattached upload.
    pub(crate) async fn attach_uploads(
        &mut self,
        actor: &Actor,
        link: Link,
        files: &[FileId],
    ) -> Result<bool, StoreError> {
        for file in files {
            if !self.attach_upload(actor, link, *file).await? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Makes `files` the whole set of files of a protocol, patch or procedure: files it keeps
    /// stay, files left out are detached, new ones are attached as by
    /// [`Tx::attach_uploads`]. Returns `false` when a new id is refused.
    pub(crate) async fn replace_uploads(
        &mut self,
        actor: &Actor,
        link: Link,
        files: &[FileId],
    ) -> Result<bool, StoreError> {
        let Some((select, delete, record)) = link.replaceable() else {
            return Err(StoreError::Corrupt(format!("{link:?} keeps its files")));
        };
        let current: Vec<Uuid> = on_tx!(self, conn => {
            sqlx::query_scalar(select).bind(record).fetch_all(conn).await?
        });
        for file in &current {
            if !files.iter().any(|f| f.0 == *file) {
                on_tx!(self, conn => {
                    sqlx::query(delete).bind(*file).execute(conn).await?.rows_affected()
                });
            }
        }
        for file in files {
            if !current.contains(&file.0) && !self.attach_upload(actor, link, *file).await? {
                return Ok(false);
            }
        }
        Ok(true)
    }

    async fn attach_upload(
        &mut self,
        actor: &Actor,
        link: Link,
        file: FileId,
    ) -> Result<bool, StoreError> {
        let user = actor.user_id.0;
        let inserted = match link {
            Link::Document {
                document,
                comment,
                internal,
            } => on_tx!(self, conn => {
                sqlx::query(concat!(
                    "INSERT INTO support_document_files (file_id, document_id, comment_id, is_internal)
                     SELECT f.id, $2, $3, $4 FROM files f WHERE f.id = $1 AND f.uploaded_by = $5",
                    unattached!()
                ))
                .bind(file.0)
                .bind(document.0)
                .bind(comment.map(|c| c.0))
                .bind(internal)
                .bind(user)
                .execute(conn)
                .await?
                .rows_affected()
            }),
            Link::Order {
                order,
                comment,
                quote,
                internal,
            } => on_tx!(self, conn => {
                sqlx::query(concat!(
                    "INSERT INTO order_files (file_id, order_id, comment_id, quote_revision, is_internal)
                     SELECT f.id, $2, $3, $6, $4 FROM files f WHERE f.id = $1 AND f.uploaded_by = $5",
                    unattached!()
                ))
                .bind(file.0)
                .bind(order.0)
                .bind(comment)
                .bind(internal)
                .bind(user)
                .bind(quote)
                .execute(conn)
                .await?
                .rows_affected()
            }),
            Link::Protocol(id) => {
                self.attach_to_record(
                    concat!(
                        "INSERT INTO protocol_files (file_id, protocol_id)
                         SELECT f.id, $2 FROM files f WHERE f.id = $1 AND f.uploaded_by = $3",
                        unattached!()
                    ),
                    file,
                    id.0,
                    user,
                )
                .await?
            }
            Link::Patch(id) => {
                self.attach_to_record(
                    concat!(
                        "INSERT INTO patch_files (file_id, patch_id)
                         SELECT f.id, $2 FROM files f WHERE f.id = $1 AND f.uploaded_by = $3",
                        unattached!()
                    ),
                    file,
                    id.0,
                    user,
                )
                .await?
            }
            Link::Procedure(id) => {
                self.attach_to_record(
                    concat!(
                        "INSERT INTO procedure_files (file_id, procedure_id)
                         SELECT f.id, $2 FROM files f WHERE f.id = $1 AND f.uploaded_by = $3",
                        unattached!()
                    ),
                    file,
                    id.0,
                    user,
                )
                .await?
            }
        };
        Ok(inserted == 1)
    }

    /// Runs `sql`, an insert of the upload `file` of `user` into a file table whose only
    /// other column is the record `owner`; returns the rows written.
    async fn attach_to_record(
        &mut self,
        sql: &'static str,
        file: FileId,
        owner: Uuid,
        user: Uuid,
    ) -> Result<u64, StoreError> {
        Ok(on_tx!(self, conn => {
            sqlx::query(sql)
                .bind(file.0)
                .bind(owner)
                .bind(user)
                .execute(conn)
                .await?
                .rows_affected()
        }))
    }
}
