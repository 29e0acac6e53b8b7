//! Uploads and downloads over HTTP: limits, names, ranges, isolation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use common::{ORIGIN, Reply, TestApp, files_under, multipart};
use percent_encoding::percent_decode_str;
use sha2::{Digest, Sha256};

async fn upload(
    app: &TestApp,
    cookie: &str,
    name: &str,
    content: &[u8],
    declare_length: bool,
) -> Reply {
    let (content_type, body) = multipart("file", name, content);
    let mut request = Request::post("/api/v1/files")
        .header("host", "127.0.0.1:8080")
        .header("cookie", cookie)
        .header("origin", ORIGIN)
        .header("sec-fetch-site", "same-origin")
        .header("content-type", content_type);
    if declare_length {
        request = request.header("content-length", body.len().to_string());
    }
    app.send(request.body(Body::from(body)).unwrap()).await
}

fn disposition_name(header: &str) -> String {
    let encoded = header.split("filename*=UTF-8''").nth(1).expect("filename*");
    percent_decode_str(encoded)
        .decode_utf8()
        .unwrap()
        .into_owned()
}

#[tokio::test]
async fn an_upload_comes_back_intact_with_its_czech_name_ranges_and_etag() {
    let app = TestApp::new().await;
    app.staff("jiri.soubor").await;
    let cookie = app.sign_in("jiri.soubor").await;
    let mut content = b"%PDF-1.4\n".to_vec();
    content.extend((0..300_000u32).map(|i| (i % 253) as u8));
    let name = "Zápis z jednání č. 5 – příloha.pdf";

    let created = upload(&app, &cookie, name, &content, true).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let info = created.json();
    let sha = hex::encode(Sha256::digest(&content));
    assert_eq!(info["sha256"], sha);
    assert_eq!(info["size_bytes"], content.len());
    assert_eq!(info["file_name"], name);
    assert_eq!(info["content_type"], "application/pdf");
    let id = info["id"].as_str().unwrap().to_owned();

    for path in [format!("/files/{id}"), format!("/api/v1/files/{id}")] {
        let whole = app.get(&path, Some(&cookie)).await;
        assert_eq!(whole.status, StatusCode::OK);
        assert_eq!(whole.bytes, content);
        assert!(
            whole
                .header("content-disposition")
                .starts_with("attachment;")
        );
        assert_eq!(disposition_name(&whole.header("content-disposition")), name);
        assert_eq!(whole.header("x-content-type-options"), "nosniff");
        assert!(
            whole
                .header("content-security-policy")
                .starts_with("sandbox")
        );
        assert_eq!(whole.header("etag"), format!("\"{sha}\""));
        assert_eq!(whole.header("accept-ranges"), "bytes");

        let part = app
            .get_with(&path, Some(&cookie), &[("range", "bytes=10-19")])
            .await;
        assert_eq!(part.status, StatusCode::PARTIAL_CONTENT);
        assert_eq!(part.bytes, content[10..20].to_vec());
        assert_eq!(
            part.header("content-range"),
            format!("bytes 10-19/{}", content.len())
        );

        let resume = app
            .get_with(
                &path,
                Some(&cookie),
                &[
                    ("range", "bytes=299000-"),
                    ("if-range", &format!("\"{sha}\"")),
                ],
            )
            .await;
        assert_eq!(resume.status, StatusCode::PARTIAL_CONTENT);
        assert_eq!(resume.bytes, content[299_000..].to_vec());

        let changed = app
            .get_with(
                &path,
                Some(&cookie),
                &[("range", "bytes=0-9"), ("if-range", "\"other\"")],
            )
            .await;
        assert_eq!(
            changed.status,
            StatusCode::OK,
            "a stale If-Range gets the whole file"
        );

        for tag in [
            format!("\"{sha}\""),
            format!("W/\"{sha}\""),
            format!("\"x\", \"{sha}\""),
        ] {
            let unchanged = app
                .get_with(
                    &path,
                    Some(&cookie),
                    &[("if-none-match", &tag), ("range", "bytes=0-9")],
                )
                .await;
            assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED, "{tag}");
            assert!(unchanged.bytes.is_empty());
        }

        for invalid in [
            format!("bytes={}-", content.len()),
            "bytes=9-3".to_owned(),
            "bytes=x-y".to_owned(),
        ] {
            let refused = app
                .get_with(&path, Some(&cookie), &[("range", &invalid)])
                .await;
            assert_eq!(
                refused.status,
                StatusCode::RANGE_NOT_SATISFIABLE,
                "{invalid}"
            );
            assert_eq!(
                refused.header("content-range"),
                format!("bytes */{}", content.len())
            );
        }
    }
}

#[tokio::test]
async fn hostile_uploads_come_back_as_safe_downloads() {
    let app = TestApp::new().await;
    app.staff("hana.soubor").await;
    let cookie = app.sign_in("hana.soubor").await;
    for (name, content, clean) in [
        (
            "../../obrázek.svg",
            &b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"[..],
            "obrázek.svg",
        ),
        (
            "stránka.html",
            &b"<html><script>alert(document.cookie)</script>"[..],
            "stránka.html",
        ),
        (
            "C:\\temp\\gif.html",
            &b"GIF89a<script>alert(1)</script>"[..],
            "gif.html",
        ),
    ] {
        let created = upload(&app, &cookie, name, content, true).await;
        assert_eq!(created.status, StatusCode::CREATED);
        let info = created.json();
        assert_eq!(info["file_name"], clean);
        let download = app
            .get(info["download_url"].as_str().unwrap(), Some(&cookie))
            .await;
        assert_ne!(download.header("content-type"), "text/html");
        assert_ne!(download.header("content-type"), "image/svg+xml");
        assert!(
            download
                .header("content-disposition")
                .starts_with("attachment;")
        );
        assert_eq!(download.header("x-content-type-options"), "nosniff");
        assert_eq!(
            download.header("content-security-policy"),
            "sandbox; default-src 'none'; frame-ancestors 'none'"
        );
    }
    let stored = files_under(&app.files_root);
    assert_eq!(stored.len(), 3);
    for path in stored {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.bytes().all(|b| b.is_ascii_hexdigit()),
            "generated names only: {name}"
        );
    }
}

#[tokio::test]
async fn an_upload_over_the_limit_is_refused_and_leaves_nothing() {
    let app = TestApp::with_upload_limit(100_000).await;
    app.staff("olga.soubor").await;
    let cookie = app.sign_in("olga.soubor").await;
    let big = vec![b'x'; 250_000];
    for declare_length in [true, false] {
        let refused = upload(&app, &cookie, "velký.bin", &big, declare_length).await;
        assert_eq!(
            refused.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "declared length: {declare_length}"
        );
        assert_eq!(refused.json()["code"], "payload_too_large");
    }
    assert!(
        files_under(&app.files_root).is_empty(),
        "{:?}",
        files_under(&app.files_root)
    );
    let fits = upload(&app, &cookie, "malý.bin", &big[..100_000], false).await;
    assert_eq!(fits.status, StatusCode::CREATED);
    assert_eq!(files_under(&app.files_root).len(), 1);
}

#[tokio::test]
async fn someone_elses_file_answers_exactly_like_a_missing_one() {
    let app = TestApp::new().await;
    app.staff("owner.soubor").await;
    app.user(
        "cizi.uzivatel",
        supportweb_domain::user::UserKind::Customer,
        vec![],
    )
    .await;
    let owner = app.sign_in("owner.soubor").await;
    let stranger = app.sign_in("cizi.uzivatel").await;
    let info = upload(&app, &owner, "smlouva.pdf", b"%PDF-1.4 tajne", true)
        .await
        .json();
    let id = info["id"].as_str().unwrap();
    let missing = uuid::Uuid::now_v7().to_string();

    let strip = |reply: &Reply| {
        let mut value = reply.json();
        value.as_object_mut().unwrap().remove("request_id");
        (reply.status, value)
    };
    let foreign = app
        .get(&format!("/api/v1/files/{id}"), Some(&stranger))
        .await;
    let absent = app
        .get(&format!("/api/v1/files/{missing}"), Some(&stranger))
        .await;
    let malformed = app.get("/api/v1/files/not-a-uuid", Some(&stranger)).await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(strip(&foreign), strip(&absent));
    assert_eq!(strip(&foreign), strip(&malformed));
    assert!(!foreign.text().contains("smlouva"));

    let page_foreign = app.get(&format!("/files/{id}"), Some(&stranger)).await;
    let page_absent = app.get(&format!("/files/{missing}"), Some(&stranger)).await;
    // The pages differ only in what the request itself carried: its id and its path.
    let normalised = |reply: &Reply, asked: &str| {
        reply
            .text()
            .replace(&reply.header("x-request-id"), "")
            .replace(asked, "ID")
    };
    assert_eq!(page_foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(
        normalised(&page_foreign, id),
        normalised(&page_absent, &missing)
    );
}

#[tokio::test]
async fn uploads_need_a_session_and_a_file_field() {
    let app = TestApp::new().await;
    let anonymous = upload(&app, "sw-x=1", "a.txt", b"abc", true).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert!(files_under(&app.files_root).is_empty());

    app.staff("bez.souboru").await;
    let cookie = app.sign_in("bez.souboru").await;
    let (content_type, body) = multipart("note", "a.txt", b"abc");
    let reply = app
        .send(
            Request::post("/api/v1/files")
                .header("host", "127.0.0.1:8080")
                .header("cookie", cookie)
                .header("content-type", content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    let problem = reply.json();
    assert_eq!(problem["code"], "missing_file");
    assert_eq!(
        problem["detail"],
        "Požadavek neobsahuje soubor (pole „file“)."
    );

    // One part only, as the API document says: a file followed by anything else is refused
    // and its content is not kept.
    let (content_type, body) =
        common::multipart_form(&[], &[("file", "a.txt", b"abc"), ("file", "b.txt", b"def")]);
    let reply = app
        .send(
            Request::post("/api/v1/files")
                .header("host", "127.0.0.1:8080")
                .header("cookie", app.sign_in("bez.souboru").await)
                .header("content-type", content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST);
    assert_eq!(reply.json()["code"], "unexpected_part");
    assert!(files_under(&app.files_root).is_empty(), "nothing kept");
}
