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

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{Server, command, free_address, post_form, serve, sign_in};

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

/// Signs in as `login` through the form and creates a read-write API token on the page.
fn token(address: &str, login: &str) -> String {
    let cookie = sign_in(address, login);
    let page = post_form(
        address,
        "/account/tokens",
        Some(&cookie),
        "name=schemathesis&scope=read_write&days=1",
    );
    let start = page.find("swt_").expect("a new token on the page");
    page[start..start + 68].to_owned()
}

fn serve_demo(folder: &Path) -> (Server, String) {
    let address = free_address();
    let mut c = command(folder);
    c.args(["serve", "--demo"])
        .env("RUST_LOG", "error")
        .env("SUPPORTWEB__SERVER__LISTEN", &address)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    (serve(c, &address), address)
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
            report.contains("Selected: 72/72") || report.contains("Tested: 72"),
            "every operation was tried as {login}:\n{report}"
        );
    }
}
