//! The `supportweb` binary as the tests run it: a fresh working folder without configuration
//! from the environment, a served portal on a free loopback port, and plain HTTP/1.1 to it.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod dovecot;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_supportweb");

/// The binary in a fresh working folder with no configuration from the environment.
pub fn command(folder: &Path) -> Command {
    let mut command = Command::new(BIN);
    command.current_dir(folder).env("RUST_LOG", "warn");
    for (key, _) in std::env::vars() {
        if key.starts_with("SUPPORTWEB__") || key == "DATABASE_URL" {
            command.env_remove(key);
        }
    }
    command
}

/// A running portal, stopped when dropped.
pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A loopback address with a port nobody listens on.
pub fn free_address() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("127.0.0.1:{port}")
}

/// Starts `command` (a `serve` listening on `address`) and waits until it accepts connections.
pub fn serve(mut command: Command, address: &str) -> Server {
    let server = Server(command.spawn().unwrap());
    let started = Instant::now();
    while TcpStream::connect(address).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the portal did not start"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    server
}

/// One HTTP/1.1 exchange (the request should say `Connection: close`); the whole answer.
pub fn http(address: &str, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(address).unwrap();
    stream.write_all(request).unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

/// A same-origin form post; the whole answer.
pub fn post_form(address: &str, path: &str, cookie: Option<&str>, form: &str) -> String {
    let cookie = cookie
        .map(|c| format!("Cookie: {c}\r\n"))
        .unwrap_or_default();
    http(
        address,
        format!(
            "POST {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nOrigin: http://{address}\r\n{cookie}Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{form}",
            form.len()
        )
        .as_bytes(),
    )
}

/// Signs in as a sample account (password `ukazka-2026`); the session cookie `name=value`.
pub fn sign_in(address: &str, login: &str) -> String {
    let signed_in = post_form(
        address,
        "/login",
        None,
        &format!("login={login}&password=ukazka-2026"),
    );
    assert!(signed_in.starts_with("HTTP/1.1 303"), "{signed_in}");
    signed_in
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_owned()
}
