//! Prometheus metrics: `serve` with `metrics.listen` answers `/metrics` on that listener only,
//! and the figures move with what the portal does — requests by route template, sign-in
//! failures, bytes uploaded and downloaded, scheduled work, the pool and the outbox.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::process::Stdio;

use common::{command, free_address, http, post_form, serve};

fn scrape(address: &str) -> String {
    let answer = http(
        address,
        format!("GET /metrics HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.contains("application/openmetrics-text"), "{answer}");
    answer
}

/// The value of the sample whose name and labels are `series`, 0 when absent.
fn value(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.strip_prefix(' '))
        .map_or(0.0, |v| v.trim().parse().unwrap())
}

fn get(address: &str, path: &str, cookie: &str) -> String {
    http(
        address,
        format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nCookie: {cookie}\r\n\r\n")
            .as_bytes(),
    )
}

#[test]
fn metrics_are_scraped_on_their_own_listener_and_the_figures_move() {
    let folder = tempfile::tempdir().unwrap();
    let mut create = command(folder.path());
    create
        .args([
            "admin",
            "create-user",
            "--login",
            "alena",
            "--name",
            "Alena",
            "--email",
            "alena@dodavatel.cz",
        ])
        .stdin(Stdio::piped());
    let mut child = create.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"Velmi-tajne-heslo-2026\n")
        .unwrap();
    assert!(child.wait().unwrap().success());

    let address = free_address();
    let metrics = free_address();
    let mut serve_command = command(folder.path());
    serve_command
        .env("SUPPORTWEB__SERVER__LISTEN", &address)
        .env("SUPPORTWEB__METRICS__LISTEN", &metrics)
        .arg("serve");
    let _server = serve(serve_command, &address);
    while std::net::TcpStream::connect(&metrics).is_err() {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    // Never through the public address.
    let public = get(&address, "/metrics", "");
    assert!(public.starts_with("HTTP/1.1 404"), "{public}");

    let before = scrape(&metrics);
    for series in [
        "supportweb_db_connections{state=\"in_use\"}",
        "supportweb_db_connections{state=\"idle\"}",
        "supportweb_db_connections_max",
        "supportweb_db_transactions_waiting",
        "supportweb_outbox_messages",
        "supportweb_outbox_oldest_message_age_seconds",
    ] {
        assert!(
            before.lines().any(|l| l.starts_with(&format!("{series} "))),
            "{series} in\n{before}"
        );
    }
    assert_eq!(value(&before, "supportweb_db_connections_max"), 8.0);
    assert!(
        value(&before, "supportweb_job_runs_total{job=\"notifications\"}") >= 1.0,
        "{before}"
    );
    assert!(
        value(&before, "supportweb_job_runs_total{job=\"minute_jobs\"}") >= 1.0,
        "{before}"
    );

    for _ in 0..3 {
        assert!(get(&address, "/healthz", "").starts_with("HTTP/1.1 200"));
    }
    let refused = post_form(
        &address,
        "/login",
        None,
        "login=alena&password=spatne-heslo-2026",
    );
    assert!(!refused.starts_with("HTTP/1.1 303"), "{refused}");
    let signed = post_form(
        &address,
        "/login",
        None,
        "login=alena&password=Velmi-tajne-heslo-2026",
    );
    let cookie = signed
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned();
    let content = "Výpis chyby. ".repeat(70);
    let body = format!(
        "--hranice\r\nContent-Disposition: form-data; name=\"file\"; filename=\"vypis.txt\"\r\nContent-Type: text/plain\r\n\r\n{content}\r\n--hranice--\r\n"
    );
    let uploaded = http(
        &address,
        format!(
            "POST /api/v1/files HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nOrigin: http://{address}\r\nCookie: {cookie}\r\nContent-Type: multipart/form-data; boundary=hranice\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    );
    assert!(uploaded.starts_with("HTTP/1.1 201"), "{uploaded}");
    let id = uploaded
        .split("\"id\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    let downloaded = get(&address, &format!("/files/{id}"), &cookie);
    assert!(downloaded.starts_with("HTTP/1.1 200"), "{downloaded}");

    let after = scrape(&metrics);
    let moved = |series: &str| value(&after, series) - value(&before, series);
    let healthz = "{route=\"/healthz\",method=\"GET\",status=\"200\"}";
    assert_eq!(
        moved(&format!("supportweb_http_requests_total{healthz}")),
        3.0,
        "{after}"
    );
    assert_eq!(
        moved("supportweb_http_request_duration_seconds_count{route=\"/healthz\",method=\"GET\"}"),
        3.0
    );
    assert_eq!(
        moved(
            "supportweb_http_requests_total{route=\"/files/{id}\",method=\"GET\",status=\"200\"}"
        ),
        1.0,
        "counted under the route template, not the id"
    );
    assert!(!after.contains(id), "no file id in a label");
    assert_eq!(moved("supportweb_sign_in_failures_total"), 1.0);
    let size = content.len() as f64;
    assert_eq!(moved("supportweb_upload_bytes_total"), size);
    assert_eq!(moved("supportweb_download_bytes_total"), size);

    // Five failures of one name (counted afresh after the successful sign-in) block the
    // next attempt: counted as a throttle, not as a failure.
    for _ in 0..6 {
        post_form(
            &address,
            "/login",
            None,
            "login=alena&password=zase-spatne-2026",
        );
    }
    let throttled = scrape(&metrics);
    assert_eq!(value(&throttled, "supportweb_sign_in_failures_total"), 6.0);
    assert_eq!(value(&throttled, "supportweb_sign_in_throttled_total"), 1.0);
}
