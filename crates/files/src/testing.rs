//! A real S3-compatible server for tests: `moto_server` (PyPI `moto[server]`) on a free
//! loopback port, with a fresh bucket. The program is `$MOTO_SERVER`, else `moto_server` on
//! the `PATH`. Without it the S3 half of a test is skipped with a message — except with
//! `CI=true`, where it fails.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::StreamExt;

use crate::{FileStore, S3Location};

/// `data` as an upload body in pieces of `size` bytes.
pub fn chunks(
    data: &[u8],
    size: usize,
) -> impl futures_util::Stream<Item = Result<Bytes, std::io::Error>> + Unpin {
    let parts: Vec<Result<Bytes, std::io::Error>> = data
        .chunks(size)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    futures_util::stream::iter(parts)
}

/// The stored content of `key`, or the given range of it.
pub async fn read_all(
    store: &FileStore,
    key: &str,
    range: Option<std::ops::Range<u64>>,
) -> Vec<u8> {
    let mut body = store
        .open(key, range)
        .await
        .unwrap_or_else(|e| panic!("open {key}: {e}"));
    let mut out = Vec::new();
    while let Some(chunk) = body.next().await {
        out.extend_from_slice(&chunk.unwrap_or_else(|e| panic!("read {key}: {e}")));
    }
    out
}

/// A running S3 server, stopped when dropped.
pub struct S3Server {
    child: Child,
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

/// One plain HTTP/1.1 request to `address`; the status code.
fn request(address: &str, method: &str, path: &str) -> std::io::Result<u16> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {address}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    let mut answer = String::new();
    stream.read_to_string(&mut answer)?;
    Ok(answer
        .split_whitespace()
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or(0))
}

impl S3Server {
    /// Starts a server, or `None` (with a message) when `moto_server` is not installed
    /// outside CI.
    pub fn start() -> Option<S3Server> {
        let program = std::env::var("MOTO_SERVER").unwrap_or_else(|_| "moto_server".into());
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or_else(|e| panic!("free port: {e}"));
        let child = match Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", &port.to_string()])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
        {
            Ok(child) => child,
            Err(e) if !in_ci() => {
                eprintln!(
                    "skipping the S3 part: cannot run {program} ({e}); pip install 'moto[server]' or set MOTO_SERVER"
                );
                return None;
            }
            Err(e) => panic!("CI=true needs an S3 server: cannot run {program}: {e}"),
        };
        let address = format!("127.0.0.1:{port}");
        let server = S3Server {
            child,
            endpoint: format!("http://{address}"),
        };
        let started = Instant::now();
        while request(&address, "GET", "/").is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "{program} did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Some(server)
    }

    /// Creates `bucket` and returns its location under `prefix` (path-style requests,
    /// moto's test credentials).
    pub fn bucket(&self, bucket: &str, prefix: &str) -> S3Location {
        let address = self.endpoint.trim_start_matches("http://");
        let status = request(address, "PUT", &format!("/{bucket}"))
            .unwrap_or_else(|e| panic!("create bucket {bucket}: {e}"));
        assert!(
            status == 200 || status == 409,
            "create bucket {bucket}: {status}"
        );
        S3Location {
            bucket: bucket.to_owned(),
            prefix: prefix.to_owned(),
            endpoint: Some(self.endpoint.clone()),
            region: "us-east-1".into(),
            access_key_id: "testing".into(),
            secret_access_key: "testing".into(),
            path_style: true,
        }
    }
}
