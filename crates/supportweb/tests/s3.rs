//! The portal on an S3-compatible object store (moto on loopback): the sample data's files
//! go to the bucket under the configured prefix and nowhere else, uploads through the API
//! (one over several parts) download whole and by range, `check` verifies the bucket, and a
//! backup restores into another prefix.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{command, free_address, http, serve, sign_in};
use supportweb_files::S3Location;
use supportweb_files::testing::S3Server;

fn said(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// The binary in `folder` with its files in `location`.
fn on_s3(folder: &Path, location: &S3Location) -> Command {
    let mut c = command(folder);
    c.env(
        "SUPPORTWEB__FILES__URL",
        format!("s3://{}/{}", location.bucket, location.prefix),
    )
    .env(
        "SUPPORTWEB__FILES__S3__ENDPOINT",
        location.endpoint.as_deref().unwrap(),
    )
    .env("SUPPORTWEB__FILES__S3__REGION", &location.region)
    .env(
        "SUPPORTWEB__FILES__S3__ACCESS_KEY_ID",
        &location.access_key_id,
    )
    .env(
        "SUPPORTWEB__FILES__S3__SECRET_ACCESS_KEY",
        &location.secret_access_key,
    )
    .env("SUPPORTWEB__FILES__S3__PATH_STYLE", "true");
    c
}

fn upload(address: &str, cookie: &str, name: &str, content: &str) -> String {
    let body = format!(
        "--hranice\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/plain\r\n\r\n{content}\r\n--hranice--\r\n"
    );
    let uploaded = http(
        address,
        format!(
            "POST /api/v1/files HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nOrigin: http://{address}\r\nCookie: {cookie}\r\nContent-Type: multipart/form-data; boundary=hranice\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    );
    assert!(uploaded.starts_with("HTTP/1.1 201"), "{uploaded:.500}");
    uploaded
        .split("\"id\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap()
        .to_owned()
}

fn get(address: &str, path: &str, cookie: &str, extra: &str) -> String {
    http(
        address,
        format!(
            "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nCookie: {cookie}\r\n{extra}\r\n"
        )
        .as_bytes(),
    )
}

#[test]
fn the_portal_keeps_its_files_in_an_s3_bucket() {
    let Some(server) = S3Server::start() else {
        return;
    };
    let live = server.bucket("supportweb", "ostry");
    let folder = tempfile::tempdir().unwrap();

    let mut demo = on_s3(folder.path(), &live);
    demo.arg("demo");
    let demo = demo.output().unwrap();
    assert!(demo.status.success(), "{}", said(&demo));
    assert!(
        !folder.path().join("data/files").exists(),
        "no local files folder with S3 configured"
    );
    let mut check = on_s3(folder.path(), &live);
    check.arg("check");
    let check = check.output().unwrap();
    assert!(check.status.success(), "{}", said(&check));
    let checked: u64 = said(&check)
        .split_whitespace()
        .next()
        .unwrap()
        .parse()
        .unwrap();
    assert!(checked > 5, "{}", said(&check));

    let address = free_address();
    let mut c = on_s3(folder.path(), &live);
    c.arg("serve").env("SUPPORTWEB__SERVER__LISTEN", &address);
    let portal = serve(c, &address);
    let cookie = sign_in(&address, "brno.referent");
    let small = "Vypis z podatelny, radek ".repeat(40);
    let small_id = upload(&address, &cookie, "vypis.txt", &small);
    let whole = get(&address, &format!("/files/{small_id}"), &cookie, "");
    assert!(whole.starts_with("HTTP/1.1 200"), "{whole:.300}");
    assert!(whole.ends_with(&small), "{whole:.300}");
    let range = get(
        &address,
        &format!("/files/{small_id}"),
        &cookie,
        "Range: bytes=20-39\r\n",
    );
    assert!(range.starts_with("HTTP/1.1 206"), "{range:.300}");
    assert!(
        range.ends_with(&format!("\r\n\r\n{}", &small[20..40])),
        "{range:.400}"
    );

    // 18 MB: stored as three parts of a multipart upload, streamed back whole.
    let large: String = (0..18_000_000u32)
        .map(|i| char::from(b'a' + (i % 26) as u8))
        .collect();
    let large_id = upload(&address, &cookie, "export.txt", &large);
    let back = get(&address, &format!("/files/{large_id}"), &cookie, "");
    assert!(back.starts_with("HTTP/1.1 200"), "{back:.300}");
    assert!(back.ends_with(&large), "the large file came back whole");
    drop(portal);

    // A backup of the bucket's installation restores into another prefix.
    let backup_folder = folder.path().join("zaloha");
    let mut backup = on_s3(folder.path(), &live);
    backup.arg("backup").arg("--to").arg(&backup_folder);
    let backup = backup.output().unwrap();
    assert!(backup.status.success(), "{}", said(&backup));
    let copy = server.bucket("supportweb", "obnova");
    let elsewhere = tempfile::tempdir().unwrap();
    let mut restore = on_s3(elsewhere.path(), &copy);
    restore
        .arg("restore")
        .arg("--from")
        .arg(&backup_folder)
        .env(
            "DATABASE_URL",
            format!("sqlite://{}", elsewhere.path().join("obnova.db").display()),
        );
    let restore = restore.output().unwrap();
    assert!(restore.status.success(), "{}", said(&restore));
    let mut check = on_s3(elsewhere.path(), &copy);
    check.arg("check").env(
        "DATABASE_URL",
        format!("sqlite://{}", elsewhere.path().join("obnova.db").display()),
    );
    let check = check.output().unwrap();
    assert!(check.status.success(), "{}", said(&check));
    assert!(
        said(&check).starts_with(&format!(
            "{} files checked: 0 missing, 0 damaged, 0 orphaned",
            checked + 2
        )),
        "{}",
        said(&check)
    );
}
