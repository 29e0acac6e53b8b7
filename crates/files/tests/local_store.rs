//! The local file store: durable, hashed, size-limited, range-readable.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use bytes::Bytes;
use futures_util::stream;
use sha2::{Digest, Sha256};
use supportweb_domain::ids::FileId;
use supportweb_files::testing::{chunks, read_all};
use supportweb_files::{FileError, FileStore};

fn files_under(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                out.push(entry.path().display().to_string());
            }
        }
    }
    out
}

#[tokio::test]
async fn stores_streamed_content_with_hash_and_reads_ranges() {
    let root = tempfile::tempdir().unwrap();
    let store = FileStore::local(root.path(), 20 * 1024 * 1024).unwrap();
    let mut data = b"%PDF-1.7\n".to_vec();
    data.extend((0..10_000_000u32).map(|i| (i % 251) as u8));
    let stored = store
        .store(FileId::generate(), chunks(&data, 64 * 1024))
        .await
        .unwrap();
    assert_eq!(stored.size, data.len() as u64);
    assert_eq!(stored.sha256, hex::encode(Sha256::digest(&data)));
    assert_eq!(stored.content_type, "application/pdf");
    assert_eq!(read_all(&store, &stored.key, None).await, data);
    assert_eq!(
        read_all(&store, &stored.key, Some(5..1005)).await,
        data[5..1005].to_vec()
    );
    let on_disk = files_under(root.path());
    assert_eq!(
        on_disk.len(),
        1,
        "exactly the stored object, no staging leftovers: {on_disk:?}"
    );
}

#[tokio::test]
async fn an_upload_over_the_limit_leaves_nothing_behind() {
    let root = tempfile::tempdir().unwrap();
    let store = FileStore::local(root.path(), 1000).unwrap();
    let result = store
        .store(FileId::generate(), chunks(&[7u8; 5000], 300))
        .await;
    assert!(
        matches!(result, Err(FileError::TooLarge { limit: 1000 })),
        "{result:?}"
    );
    assert!(
        files_under(root.path()).is_empty(),
        "{:?}",
        files_under(root.path())
    );

    let exact = store
        .store(FileId::generate(), chunks(&[7u8; 1000], 300))
        .await;
    assert!(exact.is_ok(), "a file of exactly the limit is accepted");
}

#[tokio::test]
async fn a_broken_body_leaves_nothing_behind() {
    let root = tempfile::tempdir().unwrap();
    let store = FileStore::local(root.path(), 1_000_000).unwrap();
    let parts: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from_static(b"first part")),
        Err(std::io::Error::other("connection reset")),
    ];
    let result = store.store(FileId::generate(), stream::iter(parts)).await;
    assert!(matches!(result, Err(FileError::Body(_))), "{result:?}");
    assert!(files_under(root.path()).is_empty());
}
