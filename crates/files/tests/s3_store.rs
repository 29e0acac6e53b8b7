//! The S3 file store against a real S3-compatible server (moto) on loopback: uploads in
//! several parts, hashed and size-limited, ranges, listing under the prefix only, and
//! nothing left behind by a refused or broken upload.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bytes::Bytes;
use futures_util::stream;
use sha2::{Digest, Sha256};
use supportweb_domain::ids::FileId;
use supportweb_files::testing::{S3Server, chunks, read_all};
use supportweb_files::{FileError, FileStore};

#[tokio::test]
async fn the_s3_store_keeps_what_the_local_one_keeps() {
    let Some(server) = S3Server::start() else {
        return;
    };
    let store = FileStore::s3(&server.bucket("podpora", "portal/ostry"), 30 * 1024 * 1024).unwrap();
    let neighbour = FileStore::s3(&server.bucket("podpora", "portal/testovaci"), 1024).unwrap();
    let unrelated = neighbour
        .store(FileId::generate(), chunks(b"jinde", 5))
        .await
        .unwrap();

    // 20 MB: three parts of the multipart upload.
    let mut data = b"%PDF-1.7\n".to_vec();
    data.extend((0..20_000_000u32).map(|i| (i % 251) as u8));
    let stored = store
        .store(FileId::generate(), chunks(&data, 64 * 1024))
        .await
        .unwrap();
    assert_eq!(stored.size, data.len() as u64);
    assert_eq!(stored.sha256, hex::encode(Sha256::digest(&data)));
    assert_eq!(stored.content_type, "application/pdf");
    assert_eq!(read_all(&store, &stored.key, None).await, data);
    assert_eq!(
        read_all(&store, &stored.key, Some(9_000_000..9_001_000)).await,
        data[9_000_000..9_001_000].to_vec()
    );
    assert_eq!(
        store.digest(&stored.key).await.unwrap(),
        Some((stored.size, stored.sha256.clone()))
    );
    let listed: Vec<String> = store
        .objects()
        .await
        .unwrap()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert_eq!(
        listed,
        vec![stored.key.clone()],
        "only this prefix's objects"
    );

    let over = store
        .store(
            FileId::generate(),
            chunks(&vec![7u8; 31 * 1024 * 1024], 1024 * 1024),
        )
        .await;
    assert!(matches!(over, Err(FileError::TooLarge { .. })), "{over:?}");
    let parts: Vec<Result<Bytes, std::io::Error>> = vec![
        Ok(Bytes::from_static(b"first part")),
        Err(std::io::Error::other("connection reset")),
    ];
    let broken = store.store(FileId::generate(), stream::iter(parts)).await;
    assert!(matches!(broken, Err(FileError::Body(_))), "{broken:?}");
    assert_eq!(
        store.objects().await.unwrap().len(),
        1,
        "nothing left behind"
    );

    store.delete(&stored.key).await.unwrap();
    assert_eq!(store.digest(&stored.key).await.unwrap(), None);
    assert!(store.objects().await.unwrap().is_empty());
    assert_eq!(
        read_all(&neighbour, &unrelated.key, None).await,
        b"jinde".to_vec(),
        "another prefix is untouched"
    );
}
