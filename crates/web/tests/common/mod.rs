//! In-process test application on a temporary SQLite store and files folder.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod browser;

use std::path::{Path, PathBuf};

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use http_body_util::BodyExt;
use supportweb_domain::ids::UserId;
use supportweb_domain::user::{StaffRole, UserKind};
use supportweb_files::FileStore;
use supportweb_storage::contracts::NewContract;
use supportweb_storage::testing::{self, TestStore, build};
use supportweb_storage::users::NewUser;
use supportweb_web::{AppState, DemoAccount, WebConfig};
use tower::ServiceExt;

pub const PASSWORD: &str = "heslo-pro-testy-2026";
pub const ORIGIN: &str = "http://127.0.0.1:8080";

/// Turns every pending notification event into outbox messages, as the worker does.
pub async fn drain_events(app: &TestApp) {
    while app.state.app().process_events(50).await.unwrap() > 0 {}
}

pub struct TestApp {
    pub router: Router,
    pub state: AppState,
    pub db: TestStore,
    pub files_root: PathBuf,
    _files_dir: tempfile::TempDir,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub bytes: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.bytes).into_owned()
    }

    pub fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.bytes)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    /// `name=value` of the session cookie this reply sets.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap())
            .find(|v| v.starts_with("__Host-sw-session=") || v.starts_with("sw-session="))
            .map(|v| v.split(';').next().unwrap().to_owned())
            .filter(|pair| !pair.ends_with('='))
    }
}

impl TestApp {
    pub async fn new() -> Self {
        Self::build(10 * 1024 * 1024, Vec::new()).await
    }

    pub async fn with_upload_limit(limit: u64) -> Self {
        Self::build(limit, Vec::new()).await
    }

    pub async fn with_demo_accounts(accounts: Vec<DemoAccount>) -> Self {
        Self::build(10 * 1024 * 1024, accounts).await
    }

    /// The application on a given store (e.g. PostgreSQL).
    pub async fn on(db: TestStore) -> Self {
        Self::build_on(db, 10 * 1024 * 1024, Vec::new()).await
    }

    async fn build(limit: u64, demo: Vec<DemoAccount>) -> Self {
        Self::build_on(testing::sqlite().await, limit, demo).await
    }

    async fn build_on(db: TestStore, limit: u64, demo: Vec<DemoAccount>) -> Self {
        let files_dir = tempfile::tempdir().unwrap();
        let files_root = files_dir.path().to_path_buf();
        let files = FileStore::local(&files_root, limit).unwrap();
        let state = AppState::new(db.store.clone(), files, WebConfig::for_url(ORIGIN), demo);
        let router = supportweb_web::app(state.clone());
        TestApp {
            router,
            state,
            db,
            files_root,
            _files_dir: files_dir,
        }
    }

    /// An account that signs in with [`PASSWORD`].
    pub async fn user(&self, login: &str, kind: UserKind, roles: Vec<StaffRole>) -> UserId {
        let hash = supportweb_app::identity::passwords::hash(PASSWORD).unwrap();
        build::account_from(
            &self.db.store,
            &NewUser {
                display_name: format!("Zkušební {login}"),
                password_hash: Some(hash),
                ..build::new_user(login, kind, roles)
            },
        )
        .await
    }

    pub async fn staff(&self, login: &str) -> UserId {
        self.user(login, UserKind::Staff, vec![StaffRole::Technician])
            .await
    }

    pub async fn send(&self, request: Request<Body>) -> Reply {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Reply {
            status,
            headers,
            bytes,
        }
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Reply {
        self.get_with(path, cookie, &[]).await
    }

    pub async fn get_with(
        &self,
        path: &str,
        cookie: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = Request::get(path).header("host", "127.0.0.1:8080");
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::empty()).unwrap()).await
    }

    /// A same-origin form post, as a browser sends it from one of our pages.
    pub async fn post_form(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
    ) -> Reply {
        self.post_form_with(
            path,
            form,
            cookie,
            &[("sec-fetch-site", "same-origin"), ("origin", ORIGIN)],
        )
        .await
    }

    pub async fn post_form_with(
        &self,
        path: &str,
        form: &[(&str, &str)],
        cookie: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let body = serde_urlencoded::to_string(form).unwrap();
        let mut request = Request::post(path)
            .header("host", "127.0.0.1:8080")
            .header("content-type", "application/x-www-form-urlencoded");
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        self.send(request.body(Body::from(body)).unwrap()).await
    }

    /// A same-origin sign-in attempt from client address `address`.
    pub async fn sign_in_from(&self, login: &str, password: &str, address: &str) -> Reply {
        let body = serde_urlencoded::to_string([("login", login), ("password", password)]).unwrap();
        let peer: std::net::SocketAddr = format!("{address}:40000").parse().unwrap();
        let mut request = Request::post("/login")
            .header("host", "127.0.0.1:8080")
            .header("sec-fetch-site", "same-origin")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap();
        request
            .extensions_mut()
            .insert(axum::extract::ConnectInfo(peer));
        self.send(request).await
    }

    /// Signs in and returns the session cookie (`name=value`).
    pub async fn sign_in(&self, login: &str) -> String {
        let reply = self
            .post_form("/login", &[("login", login), ("password", PASSWORD)], None)
            .await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "sign-in failed: {}",
            reply.text()
        );
        reply.session_cookie().expect("a session cookie")
    }
}

/// Every regular file below `root`.
pub fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out
}

/// A multipart/form-data body with one file field.
pub fn multipart(field: &str, file_name: &str, content: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----supportweb-test-boundary-7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
    body.extend_from_slice(
        format!(
            "Content-Disposition: form-data; name=\"{field}\"; filename=\"{file_name}\"\r\nContent-Type: text/html\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A multipart/form-data body with text fields and files (`(field, file name, content)`).
pub fn multipart_form(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----supportweb-form-boundary-Xq3pL9";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, file_name, content) in files {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl TestApp {
    /// A same-origin multipart post.
    pub async fn post_multipart(
        &self,
        path: &str,
        (content_type, body): (String, Vec<u8>),
        cookie: &str,
    ) -> Reply {
        let request = Request::post(path)
            .header("host", "127.0.0.1:8080")
            .header("sec-fetch-site", "same-origin")
            .header("origin", ORIGIN)
            .header("content-type", content_type)
            .header("cookie", cookie)
            .body(Body::from(body))
            .unwrap();
        self.send(request).await
    }
}

/// A customer organisation, with a contract covering today when `with_contract`.
pub async fn organisation(
    app: &TestApp,
    name: &str,
    with_contract: bool,
) -> supportweb_domain::ids::OrganisationId {
    let store = &app.db.store;
    let id = build::organisation(store, name).await;
    if with_contract {
        build::contract_from(
            store,
            &NewContract {
                number: format!("SML-{name}"),
                prepaid_minutes: Some(600),
                ..build::new_contract(id, build::d(2020, 1, 1), build::d(2099, 12, 31))
            },
        )
        .await;
    }
    id
}

/// A JSON API request with a bearer token.
pub async fn api_call(
    app: &TestApp,
    method: &str,
    path: &str,
    token: &str,
    body: Option<serde_json::Value>,
) -> Reply {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header("host", "127.0.0.1:8080")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json");
    let body = body.map(|b| Body::from(b.to_string())).unwrap_or_default();
    app.send(request.body(body).unwrap()).await
}

/// A new read-write API token of `login`.
pub async fn api_token(app: &TestApp, login: &str) -> String {
    let cookie = app.sign_in(login).await;
    let reply = app
        .post_form(
            "/account/tokens",
            &[("name", "api"), ("scope", "read_write"), ("days", "30")],
            Some(&cookie),
        )
        .await;
    let text = reply.text();
    let start = text.find("swt_").expect("a token");
    text[start..start + 68].to_owned()
}
