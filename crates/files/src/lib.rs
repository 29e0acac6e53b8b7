//! Stored files: attachments, patch files and other uploads of every agenda.
//!
//! Bytes go through [`object_store`] (the local file system by default). An upload streams
//! into the store's staging file while its size is checked and its SHA-256 computed; the store
//! fsyncs the file and renames it into place before [`FileStore::store`] returns, so the
//! caller commits the database row only for durable content. Over the size limit the staged
//! part is removed and nothing is left behind.

pub mod disposition;
pub mod name;
pub mod range;
pub mod sniff;
#[cfg(feature = "testing")]
pub mod testing;

use std::fmt::Display;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use object_store::aws::AmazonS3Builder;
use object_store::local::LocalFileSystem;
use object_store::path::Path as ObjectPath;
use object_store::prefix::PrefixStore;
use object_store::{GetOptions, GetRange, ObjectStore, ObjectStoreExt, WriteMultipart};
use sha2::{Digest, Sha256};
use supportweb_domain::ids::FileId;

/// Errors of file storage.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The upload exceeded the configured limit; nothing was kept.
    #[error("the file is larger than the limit of {limit} bytes")]
    TooLarge {
        /// The limit in bytes.
        limit: u64,
    },
    /// The client's body broke off or was malformed.
    #[error("the upload was interrupted: {0}")]
    Body(String),
    /// The object store failed.
    #[error("file storage failed: {0}")]
    Storage(#[from] object_store::Error),
    /// The local folder could not be prepared.
    #[error("cannot prepare the files folder {path}: {source}")]
    Folder {
        /// The folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// What [`FileStore::store`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredObject {
    /// The generated object key.
    pub key: String,
    /// Size in bytes.
    pub size: u64,
    /// Lower-case hex SHA-256.
    pub sha256: String,
    /// Media type sniffed from the first bytes.
    pub content_type: &'static str,
}

/// Where an S3 files store lives. The secret never shows in `Debug` output or logs.
#[derive(Clone, PartialEq, Eq)]
pub struct S3Location {
    /// Bucket name.
    pub bucket: String,
    /// Key prefix inside the bucket (no leading or trailing `/`), or empty.
    pub prefix: String,
    /// The service's address (`https://s3.example.cz`); `None`: AWS by region.
    pub endpoint: Option<String>,
    /// Region.
    pub region: String,
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key.
    pub secret_access_key: String,
    /// Path-style requests (`endpoint/bucket/key`, most self-hosted servers) instead of
    /// virtual-hosted (`bucket.endpoint/key`).
    pub path_style: bool,
}

impl std::fmt::Debug for S3Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("S3Location")
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"***")
            .field("path_style", &self.path_style)
            .finish()
    }
}

impl S3Location {
    /// Bucket and prefix from `s3://bucket/prefix`; `None` when `url` is not of that form.
    pub fn parse_url(url: &str) -> Option<(String, String)> {
        let rest = url.strip_prefix("s3://")?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let valid_bucket = (3..=63).contains(&bucket.len())
            && bucket
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
        valid_bucket.then(|| (bucket.to_owned(), prefix.trim_matches('/').to_owned()))
    }
}

/// The portal's file storage.
#[derive(Clone, Debug)]
pub struct FileStore {
    store: Arc<dyn ObjectStore>,
    max_upload_bytes: u64,
}

/// Size of the parts written to the object store.
const PART_BYTES: usize = 8 * 1024 * 1024;

impl FileStore {
    /// File storage in a local folder (created when missing), with fsync on every write.
    pub fn local(root: &Path, max_upload_bytes: u64) -> Result<Self, FileError> {
        std::fs::create_dir_all(root).map_err(|source| FileError::Folder {
            path: root.display().to_string(),
            source,
        })?;
        let store = LocalFileSystem::new_with_prefix(root)?.with_fsync(true);
        Ok(Self::new(Arc::new(store), max_upload_bytes))
    }

    /// File storage in an S3-compatible bucket (AWS S3, MinIO, Ceph, Garage, …): every key
    /// under `location.prefix`, uploads in parts (`put_multipart`), reads streamed.
    pub fn s3(location: &S3Location, max_upload_bytes: u64) -> Result<Self, FileError> {
        // HTTPS through rustls on ring, the one crypto stack of the whole program; a provider
        // installed before (by another part of the program) is kept.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut builder = AmazonS3Builder::new()
            .with_bucket_name(&location.bucket)
            .with_region(&location.region)
            .with_access_key_id(&location.access_key_id)
            .with_secret_access_key(&location.secret_access_key)
            .with_virtual_hosted_style_request(!location.path_style);
        if let Some(endpoint) = &location.endpoint {
            builder = builder
                .with_endpoint(endpoint)
                .with_allow_http(endpoint.starts_with("http://"));
        }
        let store: Arc<dyn ObjectStore> = if location.prefix.is_empty() {
            Arc::new(builder.build()?)
        } else {
            Arc::new(PrefixStore::new(
                builder.build()?,
                ObjectPath::from(location.prefix.as_str()),
            ))
        };
        Ok(Self::new(store, max_upload_bytes))
    }

    /// File storage on any object store.
    pub fn new(store: Arc<dyn ObjectStore>, max_upload_bytes: u64) -> Self {
        FileStore {
            store,
            max_upload_bytes,
        }
    }

    /// The upload size limit in bytes.
    pub fn max_upload_bytes(&self) -> u64 {
        self.max_upload_bytes
    }

    /// The generated key of a file; no user input ever reaches it.
    pub fn key_for(id: FileId) -> String {
        let simple = id.0.simple().to_string();
        let shard = simple.get(simple.len() - 2..).unwrap_or("00");
        format!("objects/{shard}/{simple}")
    }

    /// Streams `body` into the store under the key of `id`. Returns once the content is
    /// durable. Over the size limit, or when the body breaks off, the staged part is removed.
    pub async fn store<S, E>(&self, id: FileId, body: S) -> Result<StoredObject, FileError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: Display,
    {
        self.write(Self::key_for(id), body, self.max_upload_bytes)
            .await
    }

    /// Streams `body` into the store under `key` as it was in a backup (no size limit: the
    /// limit applies to uploads, and a backup holds what was accepted when it was taken).
    pub async fn restore<S, E>(&self, key: &str, body: S) -> Result<StoredObject, FileError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: Display,
    {
        self.write(key.to_owned(), body, u64::MAX).await
    }

    async fn write<S, E>(&self, key: String, body: S, limit: u64) -> Result<StoredObject, FileError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: Display,
    {
        let location = ObjectPath::from(key.as_str());
        let upload = self.store.put_multipart(&location).await?;
        let mut writer = WriteMultipart::new_with_chunk_size(upload, PART_BYTES);
        match copy_body(body, &mut writer, limit).await {
            Ok((size, sha256, content_type)) => {
                writer.finish().await?;
                Ok(StoredObject {
                    key,
                    size,
                    sha256,
                    content_type,
                })
            }
            Err(error) => {
                if let Err(abort) = writer.abort().await {
                    tracing::warn!(%abort, key, "could not remove an abandoned upload");
                }
                Err(error)
            }
        }
    }

    /// Streams the stored content, or the given byte range of it.
    pub async fn open(
        &self,
        key: &str,
        range: Option<Range<u64>>,
    ) -> Result<BoxStream<'static, Result<Bytes, FileError>>, FileError> {
        let options = GetOptions {
            range: range.map(GetRange::Bounded),
            ..GetOptions::default()
        };
        let result = self.store.get_opts(&ObjectPath::from(key), options).await?;
        Ok(result
            .into_stream()
            .map(|r| r.map_err(FileError::from))
            .boxed())
    }

    /// The size and lower-case hex SHA-256 of stored content, read through; `None` when
    /// there is no object under `key`.
    pub async fn digest(&self, key: &str) -> Result<Option<(u64, String)>, FileError> {
        let mut stream = match self.open(key, None).await {
            Ok(stream) => stream,
            Err(FileError::Storage(object_store::Error::NotFound { .. })) => return Ok(None),
            Err(error) => return Err(error),
        };
        let mut hasher = Sha256::new();
        let mut size: u64 = 0;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            size += chunk.len() as u64;
            hasher.update(&chunk);
        }
        Ok(Some((size, hex::encode(hasher.finalize()))))
    }

    /// Every stored object's key with the time it was last written.
    pub async fn objects(&self) -> Result<Vec<(String, chrono::DateTime<chrono::Utc>)>, FileError> {
        let mut listing = self.store.list(Some(&ObjectPath::from("objects")));
        let mut out = Vec::new();
        while let Some(meta) = listing.next().await {
            let meta = meta?;
            out.push((meta.location.to_string(), meta.last_modified));
        }
        Ok(out)
    }

    /// Removes stored content (e.g. when its database row could not be committed).
    pub async fn delete(&self, key: &str) -> Result<(), FileError> {
        self.store.delete(&ObjectPath::from(key)).await?;
        Ok(())
    }
}

/// Copies `body` into `writer` up to `limit` bytes: its size, SHA-256 and sniffed type.
async fn copy_body<S, E>(
    mut body: S,
    writer: &mut WriteMultipart,
    limit: u64,
) -> Result<(u64, String, &'static str), FileError>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: Display,
{
    let mut hasher = Sha256::new();
    let mut size: u64 = 0;
    let mut head: Vec<u8> = Vec::with_capacity(sniff::HEAD_BYTES);
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|e| FileError::Body(e.to_string()))?;
        size += chunk.len() as u64;
        if size > limit {
            return Err(FileError::TooLarge { limit });
        }
        if head.len() < sniff::HEAD_BYTES {
            let take = (sniff::HEAD_BYTES - head.len()).min(chunk.len());
            head.extend_from_slice(&chunk[..take]);
        }
        hasher.update(&chunk);
        writer.wait_for_capacity(2).await?;
        writer.put(chunk);
    }
    Ok((
        size,
        hex::encode(hasher.finalize()),
        sniff::content_type(&head),
    ))
}
