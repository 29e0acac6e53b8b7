//! Two `serve` instances on one PostgreSQL database and one S3 bucket behind a real load
//! balancer — HAProxy and nginx, each with the configuration in `deploy/` — work as one
//! portal: a session signed in through one instance works on the other, a file uploaded
//! through one downloads from both, sign-in failures count across both, the scheduled work
//! and the outbox are done once, and stopping one instance with SIGTERM under a load of 16
//! connections fails no request.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::{Server, command, free_address, http, post_form, serve, sign_in};
use supportweb_files::testing::S3Server;
use supportweb_mail::testing::SmtpServer;

#[derive(Debug, Clone, Copy)]
enum Proxy {
    Haproxy,
    Nginx,
}

fn in_ci() -> bool {
    supportweb_storage::testing::in_ci()
}

fn repository() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A running load balancer, stopped when dropped.
struct Balancer(Child);

impl Drop for Balancer {
    fn drop(&mut self) {
        // SIGTERM: the master process stops its workers too (SIGKILL would orphan them).
        let stopped = Command::new("kill")
            .args(["-TERM", &self.0.id().to_string()])
            .status()
            .is_ok_and(|s| s.success());
        if !stopped {
            let _ = self.0.kill();
        }
        let _ = self.0.wait();
    }
}

/// Starts `proxy` on `listen` in front of `a` and `b` with the configuration from
/// `deploy/`; `None` (with a message) when it is not installed outside CI.
fn balancer(proxy: Proxy, folder: &Path, listen: &str, a: &str, b: &str) -> Option<Balancer> {
    let (program, file) = match proxy {
        Proxy::Haproxy => ("/usr/sbin/haproxy", "deploy/haproxy.cfg"),
        Proxy::Nginx => ("/usr/sbin/nginx", "deploy/nginx.conf"),
    };
    if !Path::new(program).exists() {
        assert!(!in_ci(), "CI=true needs {program}");
        eprintln!("skipping: {program} is not installed (apt-get install haproxy nginx)");
        return None;
    }
    let shipped = std::fs::read_to_string(repository().join(file)).unwrap();
    let mut lines = Vec::new();
    for line in shipped.lines() {
        let trimmed = line.trim_start();
        let line = line
            .replace("127.0.0.1:8081", a)
            .replace("127.0.0.1:8082", b);
        match proxy {
            Proxy::Haproxy if trimmed.starts_with("bind :443") => {
                lines.push(format!("    bind {listen}"))
            }
            Proxy::Haproxy
                if trimmed.starts_with("bind :80") || trimmed.contains("redirect scheme") => {}
            Proxy::Nginx if trimmed.starts_with("listen 443") => {
                lines.push(format!("    listen {listen};"))
            }
            Proxy::Nginx if trimmed.starts_with("ssl_") || trimmed.starts_with("http2") => {}
            _ => lines.push(line),
        }
    }
    let configuration = lines.join("\n") + "\n";
    assert!(configuration.contains(a) && configuration.contains(b));
    let child = match proxy {
        Proxy::Haproxy => {
            let path = folder.join("haproxy.cfg");
            std::fs::write(&path, configuration).unwrap();
            Command::new(program)
                .arg("-db")
                .arg("-f")
                .arg(&path)
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(folder.join("balancer.log")).unwrap())
                .spawn()
                .unwrap()
        }
        Proxy::Nginx => {
            let temp = folder.join("nginx");
            std::fs::create_dir_all(&temp).unwrap();
            let site = temp.join("supportweb.conf");
            std::fs::write(&site, configuration).unwrap();
            let t = temp.display();
            let main = format!(
                "daemon off;\nworker_processes 1;\npid {t}/nginx.pid;\nerror_log {t}/error.log;\nevents {{ worker_connections 512; }}\nhttp {{\n  access_log off;\n  client_body_temp_path {t}/body;\n  proxy_temp_path {t}/proxy;\n  fastcgi_temp_path {t}/fastcgi;\n  uwsgi_temp_path {t}/uwsgi;\n  scgi_temp_path {t}/scgi;\n  include {};\n}}\n",
                site.display()
            );
            let path = temp.join("nginx.conf");
            std::fs::write(&path, main).unwrap();
            Command::new(program)
                .arg("-p")
                .arg(&temp)
                .arg("-c")
                .arg(&path)
                .stdout(Stdio::null())
                .stderr(std::fs::File::create(folder.join("balancer.log")).unwrap())
                .spawn()
                .unwrap()
        }
    };
    let balancer = Balancer(child);
    let started = Instant::now();
    loop {
        if std::net::TcpStream::connect(listen).is_ok()
            && http(
                listen,
                format!("GET /healthz HTTP/1.1\r\nHost: {listen}\r\nConnection: close\r\n\r\n")
                    .as_bytes(),
            )
            .starts_with("HTTP/1.1 200")
        {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{program} did not start: {}",
            std::fs::read_to_string(folder.join("balancer.log")).unwrap_or_default()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    Some(balancer)
}

fn get(address: &str, path: &str, cookie: &str) -> String {
    http(
        address,
        format!(
            "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nCookie: {cookie}\r\n\r\n"
        )
        .as_bytes(),
    )
}

/// A Prometheus figure of the instance whose metrics listen on `metrics` (0 when absent).
fn figure(metrics: &str, series: &str) -> f64 {
    let text = http(
        metrics,
        format!("GET /metrics HTTP/1.1\r\nHost: {metrics}\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    text.lines()
        .find_map(|line| line.strip_prefix(series)?.trim().parse().ok())
        .unwrap_or(0.0)
}

/// One instance: the binary on the shared database, bucket and mail server.
struct Instance {
    address: String,
    metrics: String,
    log: PathBuf,
    server: Server,
}

fn instance(base: &Command, folder: &Path, name: &str) -> Instance {
    let address = free_address();
    let metrics = free_address();
    let log = folder.join(format!("{name}.log"));
    let mut c = clone_command(base);
    c.arg("serve")
        .env("RUST_LOG", "info")
        .env("SUPPORTWEB__SERVER__LISTEN", &address)
        .env("SUPPORTWEB__METRICS__LISTEN", &metrics)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log).unwrap());
    let server = serve(c, &address);
    Instance {
        address,
        metrics,
        log,
        server,
    }
}

/// A copy of `base`'s program, folder and environment.
fn clone_command(base: &Command) -> Command {
    let mut c = Command::new(base.get_program());
    if let Some(folder) = base.get_current_dir() {
        c.current_dir(folder);
    }
    for (key, value) in base.get_envs() {
        match value {
            Some(value) => c.env(key, value),
            None => c.env_remove(key),
        };
    }
    c
}

async fn journey(proxy: Proxy) {
    let Some(s3) = S3Server::start() else {
        return;
    };
    let Some(database) = supportweb_storage::testing::postgres_unmigrated().await else {
        return;
    };
    let smtp = SmtpServer::start().await.unwrap();
    let bucket = s3.bucket("supportweb", "sdilene");
    let folder = tempfile::tempdir().unwrap();
    let front = free_address();

    let mut base = command(folder.path());
    base.env("DATABASE_URL", &database.url)
        .env("SUPPORTWEB__FILES__URL", "s3://supportweb/sdilene")
        .env(
            "SUPPORTWEB__FILES__S3__ENDPOINT",
            bucket.endpoint.as_deref().unwrap(),
        )
        .env(
            "SUPPORTWEB__FILES__S3__ACCESS_KEY_ID",
            &bucket.access_key_id,
        )
        .env(
            "SUPPORTWEB__FILES__S3__SECRET_ACCESS_KEY",
            &bucket.secret_access_key,
        )
        .env("SUPPORTWEB__FILES__S3__PATH_STYLE", "true")
        .env("SUPPORTWEB__SMTP__HOST", smtp.address.ip().to_string())
        .env("SUPPORTWEB__SMTP__PORT", smtp.address.port().to_string())
        .env("SUPPORTWEB__SUPPORT__AUTO_CLOSE_DAYS", "1")
        .env("SUPPORTWEB__SERVER__PUBLIC_URL", format!("http://{front}"))
        .env(
            "SUPPORTWEB__SERVER__CLIENT_IP_HEADER",
            match proxy {
                Proxy::Haproxy => "X-Forwarded-For",
                Proxy::Nginx => "X-Real-IP",
            },
        );
    let mut demo = clone_command(&base);
    demo.arg("demo");
    let demo = demo.output().unwrap();
    assert!(
        demo.status.success(),
        "{}",
        String::from_utf8_lossy(&demo.stderr)
    );

    let a = instance(&base, folder.path(), "a");
    let mut b = instance(&base, folder.path(), "b");
    let Some(_balancer) = balancer(proxy, folder.path(), &front, &a.address, &b.address) else {
        return;
    };

    // One session, requests spread over both instances.
    let route = "supportweb_http_requests_total{route=\"/support-documents\",method=\"GET\",status=\"200\"}";
    let cookie = sign_in(&front, "brno.referent");
    for _ in 0..4 {
        let page = get(&front, "/support-documents?view=all", &cookie);
        assert!(page.starts_with("HTTP/1.1 200"), "{page:.300}");
        assert!(page.contains("SD-"), "the session's documents");
    }
    assert!(
        figure(&a.metrics, route) >= 1.0 && figure(&b.metrics, route) >= 1.0,
        "both instances served the signed-in overview"
    );

    // A file uploaded through the front downloads from each instance.
    let content = "Výpis z podatelny: chyba při odeslání. ".repeat(30);
    let body = format!(
        "--hranice\r\nContent-Disposition: form-data; name=\"file\"; filename=\"vypis.txt\"\r\nContent-Type: text/plain\r\n\r\n{content}\r\n--hranice--\r\n"
    );
    let uploaded = http(
        &front,
        format!(
            "POST /api/v1/files HTTP/1.1\r\nHost: {front}\r\nConnection: close\r\nOrigin: http://{front}\r\nCookie: {cookie}\r\nContent-Type: multipart/form-data; boundary=hranice\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .as_bytes(),
    );
    assert!(uploaded.starts_with("HTTP/1.1 201"), "{uploaded:.500}");
    let id = uploaded
        .split("\"id\":\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap();
    for instance in [&a, &b] {
        let file = get(&instance.address, &format!("/files/{id}"), &cookie);
        assert!(file.starts_with("HTTP/1.1 200"), "{file:.300}");
        assert!(file.ends_with(&content));
    }

    // Sign-in failures of one name count on both instances together: the sixth attempt is
    // refused whichever instance it reaches.
    let failures = "supportweb_sign_in_failures_total";
    for _ in 0..5 {
        let failed = post_form(
            &front,
            "/login",
            None,
            "login=lhota.starosta&password=spatne-heslo",
        );
        assert!(failed.starts_with("HTTP/1.1 422"), "{failed:.200}");
    }
    assert!(
        figure(&a.metrics, failures) >= 1.0 && figure(&b.metrics, failures) >= 1.0,
        "the failures reached both instances"
    );
    for _ in 0..2 {
        let throttled = post_form(
            &front,
            "/login",
            None,
            "login=lhota.starosta&password=ukazka-2026",
        );
        assert!(throttled.starts_with("HTTP/1.1 429"), "{throttled:.300}");
    }

    // The outbox drains with every message sent once; the scheduled work ran on one
    // instance only.
    let store = supportweb_storage::Store::connect(&database.url, 1)
        .await
        .unwrap();
    let started = Instant::now();
    let mut stable_since = (0, Instant::now());
    loop {
        let backlog = store.outbox_backlog().await.unwrap();
        let received = smtp.received().len();
        if received != stable_since.0 {
            stable_since = (received, Instant::now());
        }
        if backlog.0 == 0 && received > 0 && stable_since.1.elapsed() > Duration::from_secs(6) {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "the outbox did not drain: {backlog:?}, {received} received"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    store.close().await;
    let received = smtp.received();
    let ids: HashSet<String> = received
        .iter()
        .map(|m| m.header("Message-ID").unwrap())
        .collect();
    // The Message-ID is made from the outbox row: a row sent twice would repeat it.
    assert_eq!(ids.len(), received.len(), "no message was sent twice");
    let logs: Vec<String> = [&a, &b]
        .iter()
        .map(|i| std::fs::read_to_string(&i.log).unwrap())
        .collect();
    for work in [
        "resolved support documents closed automatically",
        "protocol task reminders recorded",
    ] {
        assert_eq!(
            logs.iter().filter(|log| log.contains(work)).count(),
            1,
            "{work}: on exactly one instance"
        );
    }

    // SIGTERM to one instance under 16 connections: every request is answered.
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    for _ in 0..16 {
        let (front, cookie, stop) = (front.clone(), cookie.clone(), stop.clone());
        clients.push(std::thread::spawn(move || {
            let mut statuses = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let page = get(&front, "/support-documents?view=all", &cookie);
                statuses.push(page.lines().next().unwrap_or("no answer").to_owned());
            }
            statuses
        }));
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    let pid = b.server.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let exited = tokio::task::spawn_blocking(move || {
        let status = b.server.0.wait().unwrap();
        (status, b)
    });
    tokio::time::sleep(Duration::from_secs(2)).await;
    stop.store(true, Ordering::Relaxed);
    let mut statuses = Vec::new();
    for client in clients {
        statuses.extend(client.join().unwrap());
    }
    let (status, _stopped) = exited.await.unwrap();
    assert!(
        status.success(),
        "the stopped instance exits cleanly: {status}"
    );
    let failed: Vec<&String> = statuses
        .iter()
        .filter(|s| !s.starts_with("HTTP/1.1 200"))
        .collect();
    assert!(statuses.len() > 32, "{} requests", statuses.len());
    assert!(
        failed.is_empty(),
        "{} of {} failed: {:?}",
        failed.len(),
        statuses.len(),
        &failed[..failed.len().min(5)]
    );
    drop(a);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_behind_haproxy_work_as_one_portal() {
    journey(Proxy::Haproxy).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_behind_nginx_work_as_one_portal() {
    journey(Proxy::Nginx).await;
}
