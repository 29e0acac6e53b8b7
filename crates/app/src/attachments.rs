//! The kit every agenda's files use.
//!
//! - **Uploads**: a file arrives as a stream, goes into the object store (fsynced and renamed
//!   into place), then its row is committed as the actor's upload; a failed row removes the
//!   object again. Over the size limit nothing is kept.
//! - **Kept files**: a form shown again with errors names its earlier uploads by id; they are
//!   taken back only when the actor may still see them.
//! - **Ids inside writes**: the store accepts an id only when it is the actor's own upload
//!   attached to no record yet (one rule for every agenda, in the store's attachments module).
//! - **Downloads**: a file is found through the rules of the record it belongs to — the
//!   general route ([`Attachments::file`]) serves uploads and support-document files; patches,
//!   procedures, protocols and orders answer through their own use cases — and is then
//!   streamed by [`Attachments::open`], whole or one byte range.

use std::ops::Range;

use bytes::Bytes;
use futures_util::Stream;
use futures_util::stream::BoxStream;
use supportweb_domain::Actor;
use supportweb_domain::ids::FileId;
use supportweb_files::name::clean_file_name;
use supportweb_storage::files::NewFile;

pub use supportweb_files::FileError;
pub use supportweb_files::range::parse as parse_range;
pub use supportweb_storage::files::FileRecord;
/// A file as a record (patch, procedure, protocol) lists it.
pub use supportweb_storage::patches::PatchFile as RecordFile;

use crate::{App, Error, Result};

/// The content of a file as it is read from the object store.
pub type Content = BoxStream<'static, std::result::Result<Bytes, FileError>>;

/// Room for multipart boundaries and headers around the file itself.
pub const MULTIPART_OVERHEAD: u64 = 64 * 1024;

/// The files an edit form holds: each file the record has, with whether the form keeps it,
/// and the files uploaded with the form — shown again as they were when the form is refused.
#[derive(Debug, Default, Clone)]
pub struct FormFiles {
    /// The record's files, each with whether it stays.
    pub kept: Vec<(RecordFile, bool)>,
    /// New uploads.
    pub uploaded: Vec<FileRecord>,
}

impl FormFiles {
    /// A new record's form: uploads only.
    pub fn new_record(uploaded: Vec<FileRecord>) -> Self {
        FormFiles {
            kept: Vec::new(),
            uploaded,
        }
    }

    /// An edit form as first shown: every file of the record stays.
    pub fn unchanged(existing: Vec<RecordFile>) -> Self {
        FormFiles {
            kept: existing.into_iter().map(|f| (f, true)).collect(),
            uploaded: Vec::new(),
        }
    }

    /// A submitted edit form: the record's files that `keep` names (file ids as sent) stay.
    pub fn edited(existing: Vec<RecordFile>, keep: &[String], uploaded: Vec<FileRecord>) -> Self {
        FormFiles {
            kept: existing
                .into_iter()
                .map(|f| {
                    let stays = keep.contains(&f.file_id.to_string());
                    (f, stays)
                })
                .collect(),
            uploaded,
        }
    }

    /// The record's files after the save: the kept ones and the new uploads.
    pub fn ids(&self) -> Vec<FileId> {
        self.kept
            .iter()
            .filter(|(_, stays)| *stays)
            .map(|(f, _)| f.file_id)
            .chain(self.uploaded.iter().map(|f| f.id))
            .collect()
    }
}

/// The files use cases.
pub struct Attachments<'a> {
    app: &'a App,
}

impl App {
    /// Uploads, kept files and downloads.
    pub fn attachments(&self) -> Attachments<'_> {
        Attachments { app: self }
    }
}

/// Content stored by [`Attachments::store`] that is not yet a file.
#[derive(Debug)]
pub struct StoredUpload {
    id: FileId,
    object: supportweb_files::StoredObject,
}

/// Parses a file id from a path or a form; anything else is a missing file.
pub fn file_id(text: &str) -> Result<FileId> {
    text.parse().map_err(|_| Error::NotFound)
}

impl Attachments<'_> {
    /// The largest file accepted, in bytes.
    pub fn max_upload_bytes(&self) -> u64 {
        self.app.files().max_upload_bytes()
    }

    /// Whether a request body of `declared` bytes is over the limit before it is read.
    pub fn too_large(&self, declared: Option<u64>) -> bool {
        declared.is_some_and(|len| len > self.max_upload_bytes() + MULTIPART_OVERHEAD)
    }

    /// Streams one file into the object store and records it as the actor's upload, named
    /// `file_name` cleaned of any path. If the row cannot be written, the object is removed.
    pub async fn upload<S, E>(&self, actor: &Actor, file_name: &str, body: S) -> Result<FileRecord>
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Unpin + Send,
        E: std::fmt::Display,
    {
        let stored = self.store(body).await?;
        self.record(actor, file_name, stored).await
    }

    /// The first half of [`Attachments::upload`]: the content in the object store, durably,
    /// not yet anyone's file. Follow with [`Attachments::record`] or [`Attachments::discard`].
    pub async fn store<S, E>(&self, body: S) -> Result<StoredUpload>
    where
        S: Stream<Item = std::result::Result<Bytes, E>> + Unpin + Send,
        E: std::fmt::Display,
    {
        let id = FileId::generate();
        let object = self.app.files().store(id, body).await?;
        Ok(StoredUpload { id, object })
    }

    /// Removes stored content that will not become a file (the request turned out bad).
    pub async fn discard(&self, stored: StoredUpload) {
        if let Err(cleanup) = self.app.files().delete(&stored.object.key).await {
            tracing::warn!(%cleanup, key = stored.object.key, "orphaned file object");
        }
    }

    /// The second half of [`Attachments::upload`]: records stored content as the actor's
    /// upload named `file_name` (cleaned of any path). If the row cannot be written, the
    /// object is removed.
    pub async fn record(
        &self,
        actor: &Actor,
        file_name: &str,
        stored: StoredUpload,
    ) -> Result<FileRecord> {
        let file_name = clean_file_name(file_name);
        let StoredUpload { id, object: stored } = stored;
        let new = NewFile {
            id,
            storage_key: stored.key.clone(),
            file_name,
            content_type: stored.content_type.to_owned(),
            size_bytes: i64::try_from(stored.size).map_err(|e| Error::Internal(e.to_string()))?,
            sha256: stored.sha256,
        };
        match self.app.store().insert_file(actor, &new).await {
            Ok(record) => {
                self.app.metrics().uploaded(stored.size);
                Ok(record)
            }
            Err(error) => {
                if let Err(cleanup) = self.app.files().delete(&stored.key).await {
                    tracing::warn!(%cleanup, key = stored.key, "orphaned file object");
                }
                Err(error.into())
            }
        }
    }

    /// A file a form names again after it was shown with errors: the actor must still be
    /// allowed to see it.
    pub async fn kept(&self, actor: &Actor, id: &str) -> Result<FileRecord> {
        let id: FileId = id.parse().map_err(|_| Error::BadRequest("bad_request"))?;
        Ok(self.app.store().file_for(actor, id).await?)
    }

    /// A file through the general download route: the actor's own upload (until it became a
    /// patch's, procedure's, protocol's or order's file) or a file of a support document the
    /// actor may see (one of an internal note only for staff). Anything else answers exactly
    /// like a missing file.
    pub async fn file(&self, actor: &Actor, id: &str) -> Result<FileRecord> {
        let id = file_id(id)?;
        Ok(self.app.store().file_for(actor, id).await?)
    }

    /// The content of a file found through its record's rules, whole or one range.
    pub async fn open(&self, record: &FileRecord, range: Option<Range<u64>>) -> Result<Content> {
        let bytes = match &range {
            Some(range) => range.end.saturating_sub(range.start),
            None => u64::try_from(record.size_bytes).unwrap_or_default(),
        };
        let content = self.app.files().open(&record.storage_key, range).await?;
        self.app.metrics().downloaded(bytes);
        Ok(content)
    }
}
