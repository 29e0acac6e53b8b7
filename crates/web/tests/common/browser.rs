//! A headless Chromium driven over WebDriver (Debian `chromium` + `chromium-driver`).
//! Outside CI a missing browser skips the test with a message; with `CI=true` it fails.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use supportweb_storage::testing::in_ci;

/// The running driver; killed when dropped.
pub struct Browser {
    pub client: Client,
    /// Where the browser saves downloads.
    pub downloads: PathBuf,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn find(env: &str, candidates: &[&str]) -> Option<PathBuf> {
    if let Ok(path) = std::env::var(env) {
        return Some(PathBuf::from(path));
    }
    candidates
        .iter()
        .map(Path::new)
        .find(|p| p.exists())
        .map(Path::to_path_buf)
}

/// Starts chromedriver and a headless Chromium session, or `None` (outside CI) when they are
/// not installed.
pub async fn start() -> Option<Browser> {
    let driver_path = find("CHROMEDRIVER", &["/usr/bin/chromedriver"]);
    let chromium_path = find(
        "CHROMIUM",
        &["/usr/bin/chromium", "/usr/bin/chromium-browser"],
    );
    let (Some(driver_path), Some(chromium_path)) = (driver_path, chromium_path) else {
        if in_ci() {
            panic!(
                "CI=true but chromium / chromedriver are not installed (apt-get install chromium chromium-driver)"
            );
        }
        eprintln!("skipping the browser test: chromium and chromium-driver are not installed");
        return None;
    };
    let port = StdListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let driver = Command::new(&driver_path)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver_path.display()));
    let profile = tempfile::tempdir().unwrap();
    let downloads = profile.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let mut capabilities = serde_json::Map::new();
    capabilities.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium_path.display().to_string(),
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900",
                "--lang=cs-CZ",
                format!("--user-data-dir={}", profile.path().display()),
            ],
            "prefs": {
                "intl.accept_languages": "cs-CZ,cs",
                "download.default_directory": downloads.display().to_string(),
                "download.prompt_for_download": false,
            },
        }),
    );
    let url = format!("http://127.0.0.1:{port}");
    let mut last_error = String::new();
    for _ in 0..100 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(capabilities.clone())
            .connect(&url)
            .await
        {
            Ok(client) => {
                return Some(Browser {
                    client,
                    downloads,
                    driver,
                    _profile: profile,
                });
            }
            Err(error) => {
                last_error = error.to_string();
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    panic!("chromedriver did not start a session: {last_error}");
}

/// Longest wait for a page element.
pub const WAIT: Duration = Duration::from_secs(10);

/// Signs `login` in through the login page.
pub async fn sign_in(c: &Client, base: &str, login: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Id("login"))
        .await
        .unwrap()
        .send_keys(login)
        .await
        .unwrap();
    c.find(Locator::Id("password"))
        .await
        .unwrap()
        .send_keys(super::PASSWORD)
        .await
        .unwrap();
    c.find(Locator::Id("login-submit"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Id("signed-in-user"))
        .await
        .unwrap();
}

/// Signs out through the header's button.
pub async fn sign_out(c: &Client) {
    c.find(Locator::Id("logout"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Id("login-submit"))
        .await
        .unwrap();
}

/// Clicks the element `id` once it is there.
pub async fn click(c: &Client, id: &str) {
    c.wait()
        .at_most(WAIT)
        .for_element(Locator::Id(id))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
}

/// Types `text` into the field `id`.
pub async fn type_into(c: &Client, id: &str, text: &str) {
    c.find(Locator::Id(id))
        .await
        .unwrap()
        .send_keys(text)
        .await
        .unwrap();
}
