//! The OpenAPI document tells the truth: Schemathesis (`st run --checks all`) generates
//! requests from `/api/openapi.json` for every operation — valid ones, invalid ones and
//! sequences — against the portal with its sample data, as an administrator and as a customer
//! user, and checks every answer against the document (status codes, content types, response
//! schemas, valid data accepted, invalid data refused). A change that breaks the contract
//! fails here. Bounded: a few examples per operation with a fixed seed.
//!
//! `st` is taken from `SCHEMATHESIS_ST` or the `PATH` (`.ci/run` installs it from PyPI); without
//! it the test is skipped, except with `CI=true`, where it fails. The rules the document cannot
//! state (an IČO's check digit, dates in order, a reason a step needs …) are listed with the
//! operations they concern in `tests/schemathesis.toml`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_supportweb");

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The Schemathesis command line, if installed.
fn schemathesis() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("SCHEMATHESIS_ST") {
        return Some(PathBuf::from(path));
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join("st"))
            .find(|candidate| candidate.is_file())
    })
}

/// One HTTP/1.1 exchange with `Connection: close`; the whole answer as text.
fn http(address: &str, request: &str) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

/// Signs in as `login` through the form and creates a read-write API token on the page.
fn token(address: &str, login: &str) -> String {
    let origin = format!("http://{address}");
    let form = format!("login={login}&password=ukazka-2026");
    let signed_in = http(
        address,
        &format!(
            "POST /login HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nOrigin: {origin}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        ),
    );
    assert!(signed_in.starts_with("HTTP/1.1 303"), "{signed_in}");
    let cookie = signed_in
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned();
    let form = "name=schemathesis&scope=read_write&days=1";
    let page = http(
        address,
        &format!(
            "POST /account/tokens HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nOrigin: {origin}\r\nCookie: {cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        ),
    );
    let start = page.find("swt_").expect("a new token on the page");
    page[start..start + 68].to_owned()
}

fn serve_demo(folder: &Path) -> (Server, String) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let address = format!("127.0.0.1:{port}");
    let mut command = Command::new(BIN);
    command.current_dir(folder).env("RUST_LOG", "error");
    for (key, _) in std::env::vars() {
        if key.starts_with("SUPPORTWEB__") || key == "DATABASE_URL" {
            command.env_remove(key);
        }
    }
    command
        .args(["serve", "--demo"])
        .env("SUPPORTWEB__SERVER__LISTEN", &address)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let server = Server(command.spawn().unwrap());
    let started = Instant::now();
    while TcpStream::connect(&address).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the portal did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    (server, address)
}

#[test]
fn the_api_answers_as_its_openapi_document_says_for_an_administrator_and_a_customer() {
    let Some(st) = schemathesis() else {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true needs Schemathesis: set SCHEMATHESIS_ST or put `st` on the PATH"
        );
        eprintln!("skipped: Schemathesis (`st`) is not installed");
        return;
    };
    let folder = tempfile::tempdir().unwrap();
    let (_server, address) = serve_demo(folder.path());
    let config = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemathesis.toml");
    for login in ["admin", "brno.vedouci"] {
        let token = token(&address, login);
        let output = Command::new(&st)
            .arg("--config-file")
            .arg(&config)
            .args([
                "run",
                &format!("http://{address}/api/openapi.json"),
                "--checks",
                "all",
                "--max-examples",
                "4",
                "--seed",
                "2026",
                "--no-color",
                "-H",
                &format!("Authorization: Bearer {token}"),
            ])
            .current_dir(folder.path())
            .output()
            .unwrap();
        let report = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "as {login}, the API broke its own contract:\n{report}\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            report.contains("Selected: 66/66") || report.contains("Tested: 66"),
            "every operation was tried as {login}:\n{report}"
        );
    }
}
