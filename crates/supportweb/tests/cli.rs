//! The `supportweb` binary as an operator uses it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use supportweb_domain::user::StaffRole;
use supportweb_storage::{Store, testing};

mod common;

use common::{command, free_address, http, serve, sign_in};

fn run(mut command: Command, stdin: &str) -> Output {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn bad_configuration_gives_one_line_naming_the_key_and_exit_code_2() {
    let folder = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &str); 15] = [
        ("SUPPORTWEB__FILES__URL", "ftp://soubory", "files.url"),
        (
            "SUPPORTWEB__FILES__URL",
            "s3://podpora/ostry",
            "files.s3.access_key_id",
        ),
        ("SUPPORTWEB__SERVER__LISTEN", "kdekoli", "server.listen"),
        ("SUPPORTWEB__SERVER__PORT", "8080", "port"),
        (
            "SUPPORTWEB__FILES__MAX_UPLOAD_BYTES",
            "hodne",
            "max_upload_bytes",
        ),
        ("DATABASE_URL", "mysql://db/x", "database.url"),
        ("SUPPORTWEB__LOG__FORMAT", "xml", "log.format"),
        (
            "SUPPORTWEB__SESSION__IDLE_MINUTES",
            "99999999999",
            "session.idle_minutes",
        ),
        (
            "SUPPORTWEB__SESSION__ABSOLUTE_HOURS",
            "0",
            "session.absolute_hours",
        ),
        (
            "SUPPORTWEB__SERVER__SHUTDOWN_GRACE_SECONDS",
            "0",
            "server.shutdown_grace_seconds",
        ),
        (
            "SUPPORTWEB__SERVER__CLIENT_IP_HEADER",
            "X Forwarded",
            "server.client_ip_header",
        ),
        ("SUPPORTWEB__SECRETS__KEY", "kratky", "secrets.key"),
        ("SUPPORTWEB__SMTP__SECURITY", "ssl", "smtp.security"),
        (
            "SUPPORTWEB__SMTP__FROM",
            "podpora bez zavinace",
            "smtp.from",
        ),
        (
            "SUPPORTWEB__SMTP__TIMEOUT_SECONDS",
            "0",
            "smtp.timeout_seconds",
        ),
    ];
    for (key, value, named) in cases {
        let mut command = command(folder.path());
        command.arg("migrate").env(key, value);
        let output = run(command, "");
        let message = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{key}={value}: {message}");
        assert_eq!(message.trim_end().lines().count(), 1, "one line: {message}");
        assert!(
            message.contains(named),
            "{key}={value} should name {named}: {message}"
        );
        assert!(!folder.path().join("data").exists(), "nothing was created");
    }

    let file = folder.path().join("supportweb.toml");
    std::fs::write(&file, "[server]\nlisten = 8080\nunknown = true\n").unwrap();
    let output = run(
        {
            let mut c = command(folder.path());
            c.args(["--config", file.to_str().unwrap(), "migrate"]);
            c
        },
        "",
    );
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let missing = run(
        {
            let mut c = command(folder.path());
            c.args(["--config", "neni.toml", "migrate"]);
            c
        },
        "",
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("neni.toml"));
}

#[test]
fn migrate_creates_the_embedded_default_under_data() {
    let folder = tempfile::tempdir().unwrap();
    let mut c = command(folder.path());
    c.arg("migrate");
    let output = run(c, "");
    assert!(output.status.success(), "{}", stderr(&output));
    let latest = supportweb_storage::migrate::MIGRATIONS
        .last()
        .unwrap()
        .version;
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains(&format!("database is at version {latest}"))
    );
    assert!(folder.path().join("data/supportweb.db").is_file());
}

#[tokio::test]
async fn admin_create_user_reads_the_password_from_stdin_and_creates_an_administrator() {
    let folder = tempfile::tempdir().unwrap();
    let create = |login: &str, password: &str| {
        let mut c = command(folder.path());
        c.args([
            "admin",
            "create-user",
            "--login",
            login,
            "--name",
            "Alena Správcová",
            "--email",
            "alena@dodavatel.cz",
        ]);
        run(c, &format!("{password}\n"))
    };
    let short = create("alena", "kratke");
    assert_eq!(short.status.code(), Some(2));
    assert!(
        stderr(&short).contains("at least 10 characters"),
        "{}",
        stderr(&short)
    );

    let made = create("Alena", "Velmi-tajne-heslo-2026");
    assert!(made.status.success(), "{}", stderr(&made));
    assert!(String::from_utf8_lossy(&made.stdout).contains("administrator alena created"));
    let twice = create("alena", "Velmi-tajne-heslo-2026");
    assert_eq!(twice.status.code(), Some(2));
    assert!(
        stderr(&twice).contains("already taken"),
        "{}",
        stderr(&twice)
    );

    let url = format!(
        "sqlite://{}",
        folder.path().join("data/supportweb.db").display()
    );
    let store = Store::connect(&url, 1).await.unwrap();
    let user = store.user_by_login("alena").await.unwrap().unwrap();
    assert_eq!(user.roles, vec![StaffRole::Administrator]);
    assert_eq!(user.display_name, "Alena Správcová");
    assert!(supportweb_app::identity::passwords::verify(
        "Velmi-tajne-heslo-2026",
        user.password_hash.as_deref()
    ));
}

#[tokio::test]
async fn demo_writes_its_accounts_and_running_it_again_adds_nothing() {
    let folder = tempfile::tempdir().unwrap();
    let json = folder.path().join("ucty.json");
    for _ in 0..2 {
        let mut c = command(folder.path());
        c.args([
            "demo",
            "--organisations",
            "12",
            "--users",
            "40",
            "--documents",
            "3000",
            "--accounts-json",
            json.to_str().unwrap(),
        ]);
        let output = run(c, "");
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let accounts: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(
        accounts.len(),
        50,
        "5 staff, 5 customer and partner users, 40 generated"
    );
    for account in &accounts {
        for key in ["login", "password", "role", "organisation"] {
            assert!(account.get(key).is_some(), "{key} missing in {account}");
        }
    }
    let roles: Vec<&str> = accounts
        .iter()
        .map(|a| a["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles[..5],
        [
            "administrator",
            "project_manager",
            "consultant",
            "technician",
            "developer"
        ],
        "staff of every role, machine-readable"
    );
    assert!(accounts[..5].iter().all(|a| a["organisation"].is_null()));
    let partner = accounts
        .iter()
        .find(|a| a["role"] == "partner")
        .expect("a partner user");
    assert_eq!(
        partner["organisation"]
            .as_str()
            .unwrap()
            .matches(", ")
            .count(),
        2,
        "the partner belongs to several organisations: {partner}"
    );
    assert!(
        roles[5..]
            .iter()
            .all(|r| *r == "customer" || *r == "partner")
    );

    let url = format!(
        "sqlite://{}",
        folder.path().join("data/supportweb.db").display()
    );
    let store = Store::connect(&url, 1).await.unwrap();
    assert_eq!(
        store.count_users().await.unwrap(),
        50,
        "running twice added nothing"
    );
    let admin = store.user_by_login("admin").await.unwrap().unwrap();
    let staff = supportweb_domain::Actor {
        user_id: admin.id,
        kind: admin.kind,
        roles: admin.roles.clone(),
        display_name: admin.display_name.clone(),
        language: admin.language,
        memberships: vec![],
    };
    let organisations = store.organisations(&staff, None, 100).await.unwrap();
    assert_eq!(organisations.len(), 4 + 12);
    let today = supportweb_app::today();
    let mut ending = 0;
    let mut unentitled = 0;
    for organisation in &organisations {
        let terms = store.contract_terms(&staff, organisation.id).await.unwrap();
        if supportweb_domain::contract::ends_soon(&terms, today).is_some() {
            ending += 1;
        }
        if !terms.is_empty() && !supportweb_domain::contract::entitled_on(&terms, today) {
            unentitled += 1;
        }
    }
    assert!(ending >= 1, "a contract ends within 30 days");
    assert!(unentitled >= 1, "a contract has expired");
    let last = accounts.last().unwrap();
    let user = store
        .user_by_login(last["login"].as_str().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(supportweb_app::identity::passwords::verify(
        last["password"].as_str().unwrap(),
        user.password_hash.as_deref()
    ));
    assert_eq!(store.memberships_of(user.id).await.unwrap().len(), 1);

    // Support documents: as many as asked for (the second run added none), with
    // conversations, over two years, mostly closed, the recent ones open, numbered per year.
    assert_eq!(store.count_documents().await.unwrap(), 3000);
    let mut all = Vec::new();
    let mut query = supportweb_storage::support_documents::DocumentQuery {
        view: supportweb_storage::support_documents::DocumentView::All,
        state: None,
        severity: None,
        organisation: None,
        assignee: None,
        product: None,
        created_from: None,
        created_before: None,
        sort: supportweb_storage::support_documents::DocumentSort::Newest,
        grouping: supportweb_storage::support_documents::DocumentGrouping::None,
        after: None,
        limit: 500,
        words: Vec::new(),
        team: false,
    };
    let technician = store.user_by_login("petr.cerny").await.unwrap().unwrap();
    let technician = store.actor_for(&technician).await.unwrap();
    loop {
        let page = store
            .documents(&technician, &query, chrono::Utc::now())
            .await
            .unwrap();
        let Some(last) = page.last() else { break };
        query.after = Some(last.id);
        all.extend(page);
    }
    assert_eq!(all.len(), 3000, "every document is listed once");
    assert!(
        all.windows(2).all(|w| w[0].created_at >= w[1].created_at),
        "newest first follows the opening time"
    );
    let numbers: std::collections::HashSet<&str> = all.iter().map(|d| d.number.as_str()).collect();
    assert_eq!(numbers.len(), 3000, "numbers are unique");
    let oldest = all.last().unwrap();
    assert!(chrono::Utc::now() - oldest.created_at > chrono::Duration::days(600));
    assert!(
        oldest
            .number
            .contains(&format!("-{}-", chrono::Datelike::year(&oldest.created_at)))
    );
    use supportweb_domain::support_document::DocumentState;
    let closed = all
        .iter()
        .filter(|d| d.state == DocumentState::Closed)
        .count();
    let open = all
        .iter()
        .filter(|d| !matches!(d.state, DocumentState::Closed | DocumentState::Cancelled))
        .count();
    assert!(closed > 2000, "{closed} closed");
    assert!(open > 10, "{open} open");
    let closed_one = all
        .iter()
        .find(|d| d.state == DocumentState::Closed)
        .unwrap();
    let conversation = store.conversation(&technician, closed_one).await.unwrap();
    assert!(conversation.len() >= 2, "{conversation:?}");
    assert!(conversation.iter().any(|c| c.author_is_staff));
    assert!(
        closed_one
            .subject
            .chars()
            .any(|c| "ěščřžýáíéůú".contains(c))
    );

    // Patches (the second run added none): published with files stored in the files folder,
    // a draft, a withdrawn one; the expired customer may take old patches but not new ones.
    use supportweb_domain::patch::{DownloadAccess, PatchState};
    use supportweb_storage::patches::PatchQuery;
    let patches = store
        .patches(&technician, &PatchQuery::default())
        .await
        .unwrap();
    assert_eq!(patches.len(), 10, "the sample patches, once");
    for state in [
        PatchState::Draft,
        PatchState::Published,
        PatchState::Withdrawn,
    ] {
        assert!(patches.iter().any(|p| p.state == state), "{state:?}");
    }
    let published = patches
        .iter()
        .find(|p| p.state == PatchState::Published)
        .unwrap();
    let file = store
        .patch_download(&technician, published.id, published.files[0].file_id)
        .await
        .unwrap();
    let stored = folder.path().join("data/files").join(&file.storage_key);
    assert_eq!(
        std::fs::metadata(&stored).unwrap().len(),
        u64::try_from(file.size_bytes).unwrap(),
        "the file is in the files folder"
    );
    let kolin = store.user_by_login("kolin.spravce").await.unwrap().unwrap();
    let kolin = store.actor_for(&kolin).await.unwrap();
    let seen = store.patches(&kolin, &PatchQuery::default()).await.unwrap();
    assert!(seen.iter().any(|p| p.access == DownloadAccess::Allowed));
    assert!(seen.iter().any(|p| p.access == DownloadAccess::NotCovered));
    assert!(seen.iter().all(|p| p.state != PatchState::Draft));

    // Validation codes, sealed with the key in the data folder: Kolín's user sees its own.
    use supportweb_storage::validation_codes::CodeQuery;
    let codes = store
        .validation_codes(&technician, &CodeQuery::default())
        .await
        .unwrap();
    assert_eq!(codes.len(), 5, "the sample codes, once");
    let own = store
        .validation_codes(&kolin, &CodeQuery::default())
        .await
        .unwrap();
    assert_eq!(own.len(), 1);
    assert!(own[0].valid_to.unwrap() < chrono::Utc::now().date_naive());
    let key = std::fs::read_to_string(folder.path().join("data/secret.key")).unwrap();
    let key = supportweb_app::secrets::SecretKey::from_hex(&key).unwrap();
    let sealed = store
        .sealed_validation_code(&kolin, own[0].id)
        .await
        .unwrap();
    assert_eq!(
        key.open(own[0].id.0.as_bytes(), &sealed).unwrap(),
        "EKO-TSK-MAJ-5501"
    );

    // Procedures: all five for staff, one revised; customers never see the staff-only one.
    use supportweb_storage::procedures::ProcedureQuery;
    let procedures = store
        .procedures(&technician, &ProcedureQuery::default())
        .await
        .unwrap();
    assert_eq!(procedures.len(), 5, "the sample procedures, once");
    assert!(procedures.iter().any(|p| p.revision == 2));
    let seen = store
        .procedures(&kolin, &ProcedureQuery::default())
        .await
        .unwrap();
    assert_eq!(seen.len(), 3, "the three for all customers");

    // Protocols: a history per showcase customer; its verifier never sees the drafts.
    use supportweb_domain::protocol::ProtocolState;
    use supportweb_storage::protocols::ProtocolQuery;
    let protocols = store
        .protocols(&technician, &ProtocolQuery::default())
        .await
        .unwrap();
    assert_eq!(protocols.len(), 8, "the sample protocols, once");
    for state in [
        ProtocolState::Draft,
        ProtocolState::Issued,
        ProtocolState::Confirmed,
    ] {
        assert!(protocols.iter().any(|p| p.state == state), "{state:?}");
    }
    assert!(
        protocols
            .iter()
            .any(|p| p.revision == 2 && p.responses.len() == 2)
    );
    let starosta = store
        .user_by_login("lhota.starosta")
        .await
        .unwrap()
        .unwrap();
    let starosta = store.actor_for(&starosta).await.unwrap();
    let own = store
        .protocols(&starosta, &ProtocolQuery::default())
        .await
        .unwrap();
    assert_eq!(own.len(), 3);
    assert!(own.iter().all(|p| p.state != ProtocolState::Draft));

    // Customization orders: one per showcase customer in every state of the lifecycle; the
    // signatory sees only its own organisation's, and never the internal notes.
    use supportweb_domain::customization_order::OrderState;
    use supportweb_storage::customization_orders::OrderQuery;
    let orders = store
        .orders(&technician, &OrderQuery::default())
        .await
        .unwrap();
    assert_eq!(orders.len(), 24, "the sample orders, once");
    for state in OrderState::ALL {
        assert!(orders.iter().any(|o| o.state == state), "{state:?}");
    }
    let own = store
        .orders(&starosta, &OrderQuery::default())
        .await
        .unwrap();
    assert_eq!(own.len(), 12);
    for order in &own {
        let comments = store.order_comments(&starosta, order.id).await.unwrap();
        assert!(comments.iter().all(|c| !c.internal));
    }
    let quoted = own.iter().find(|o| o.state == OrderState::Quoted).unwrap();
    assert_eq!(quoted.quote_revision, 2);
}

#[tokio::test]
async fn sample_data_never_goes_into_a_database_with_real_accounts() {
    let folder = tempfile::tempdir().unwrap();
    let mut c = command(folder.path());
    c.args([
        "admin",
        "create-user",
        "--login",
        "admin",
        "--name",
        "Skutečný Správce",
        "--email",
        "spravce@firma.cz",
    ]);
    assert!(run(c, "Skutecne-heslo-2026\n").status.success());
    for args in [vec!["demo"], vec!["serve", "--demo"]] {
        let mut c = command(folder.path());
        c.args(&args);
        let output = run(c, "");
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&output).contains("not sample data"),
            "{}",
            stderr(&output)
        );
    }
    let url = format!(
        "sqlite://{}",
        folder.path().join("data/supportweb.db").display()
    );
    let store = Store::connect(&url, 1).await.unwrap();
    assert_eq!(store.count_users().await.unwrap(), 1, "nothing was added");
    let admin = store.user_by_login("admin").await.unwrap().unwrap();
    assert!(!supportweb_app::identity::passwords::verify(
        "ukazka-2026",
        admin.password_hash.as_deref()
    ));
}

#[tokio::test]
async fn database_url_selects_postgresql() {
    let Some(empty) = testing::postgres_unmigrated().await else {
        return;
    };
    let folder = tempfile::tempdir().unwrap();
    let mut c = command(folder.path());
    c.arg("migrate").env("DATABASE_URL", &empty.url);
    let output = run(c, "");
    assert!(output.status.success(), "{}", stderr(&output));
    let all: Vec<i64> = supportweb_storage::migrate::MIGRATIONS
        .iter()
        .map(|m| m.version)
        .collect();
    assert_eq!(empty.store.applied_migrations().await.unwrap(), all);
    assert!(
        !folder.path().join("data/supportweb.db").exists(),
        "no SQLite file was made"
    );
}

#[test]
fn serve_demo_answers_and_sigterm_lets_a_request_in_flight_finish() {
    let folder = tempfile::tempdir().unwrap();
    let address = free_address();
    let mut c = command(folder.path());
    c.args(["serve", "--demo"])
        .env("SUPPORTWEB__SERVER__LISTEN", &address)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut server = serve(c, &address);
    let close = format!("Host: {address}\r\nConnection: close\r\n");
    let health = http(
        &address,
        format!("GET /healthz HTTP/1.1\r\n{close}\r\n").as_bytes(),
    );
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    let login_page = http(
        &address,
        format!("GET /login HTTP/1.1\r\n{close}\r\n").as_bytes(),
    );
    assert!(
        login_page.contains("<code>admin</code>"),
        "demo accounts are listed"
    );

    let cookie = sign_in(&address, "admin");

    let boundary = "hranice";
    let content = "a".repeat(100_000);
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"příloha.txt\"\r\n\r\n{content}\r\n--{boundary}--\r\n"
    );
    let mut stream = TcpStream::connect(&address).unwrap();
    stream
        .write_all(
            format!(
                "POST /api/v1/files HTTP/1.1\r\n{close}Cookie: {cookie}\r\nOrigin: http://{address}\r\nContent-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        )
        .unwrap();
    stream.write_all(&body.as_bytes()[..500]).unwrap();
    std::thread::sleep(Duration::from_millis(300));

    let pid = server.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        server.0.try_wait().unwrap().is_none(),
        "still finishing the upload"
    );
    stream.write_all(&body.as_bytes()[500..]).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 201"), "{answer}");

    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            Instant::now() < deadline,
            "the portal did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "clean exit after SIGTERM: {status:?}");
    let mut stdout = String::new();
    server
        .0
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    assert!(
        stdout.contains(&format!("http://{address}")) && stdout.contains("ukazka-2026"),
        "{stdout}"
    );

    // `demo` alone fills the very sample set `serve --demo` filled.
    let alone = tempfile::tempdir().unwrap();
    let output = run(
        {
            let mut c = command(alone.path());
            c.arg("demo");
            c
        },
        "",
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let served = runtime.block_on(sample_set(folder.path()));
    assert_eq!(served[0], ("support_documents", 300), "as README.md says");
    assert_eq!(runtime.block_on(sample_set(alone.path())), served);
}

/// How many rows of each agenda's main table the sample data in `folder` holds.
async fn sample_set(folder: &Path) -> Vec<(&'static str, i64)> {
    let url = format!("sqlite://{}", folder.join("data/supportweb.db").display());
    let store = Store::connect(&url, 1).await.unwrap();
    let mut counts = Vec::new();
    for table in [
        "support_documents",
        "support_document_comments",
        "users",
        "organisations",
        "patches",
        "validation_codes",
        "procedures",
        "protocols",
        "customization_orders",
    ] {
        counts.push((table, testing::count_rows(&store, table).await));
    }
    store.close().await;
    counts
}

#[test]
fn a_stalled_request_cannot_hold_shutdown_beyond_the_grace_period() {
    let folder = tempfile::tempdir().unwrap();
    let address = free_address();
    let mut c = command(folder.path());
    c.arg("serve")
        .env("SUPPORTWEB__SERVER__LISTEN", &address)
        .env("SUPPORTWEB__SERVER__SHUTDOWN_GRACE_SECONDS", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut server = serve(c, &address);
    // A request whose body never arrives.
    let mut stalled = TcpStream::connect(&address).unwrap();
    stalled
        .write_all(
            format!("POST /login HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nlogin=")
                .as_bytes(),
        )
        .unwrap();
    std::thread::sleep(Duration::from_millis(200));
    let pid = server.0.id().to_string();
    assert!(
        Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let signalled = Instant::now();
    let status = loop {
        if let Some(status) = server.0.try_wait().unwrap() {
            break status;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(10),
            "shutdown hangs on a stalled request"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        signalled.elapsed() >= Duration::from_millis(900),
        "the grace period was granted"
    );
    assert!(status.success());
}

/// Signs in with `password`: the session cookie, or `None` when refused.
fn sign_in_with(address: &str, login: &str, password: &str) -> Option<String> {
    let answer = common::post_form(
        address,
        "/login",
        None,
        &format!("login={login}&password={password}"),
    );
    if !answer.starts_with("HTTP/1.1 303") {
        return None;
    }
    answer
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

#[tokio::test]
async fn an_operator_resets_a_password_deactivates_and_lists_administrators() {
    let folder = tempfile::tempdir().unwrap();
    let admin = |args: &[&str], stdin: &str| {
        let mut c = command(folder.path());
        c.arg("admin").args(args);
        run(c, stdin)
    };
    for login in ["alena", "borek"] {
        let made = admin(
            &[
                "create-user",
                "--login",
                login,
                "--name",
                "Správce",
                "--email",
                &format!("{login}@dodavatel.cz"),
            ],
            "Velmi-tajne-heslo-2026\n",
        );
        assert!(made.status.success(), "{}", stderr(&made));
    }
    let listed = admin(&["list"], "");
    assert!(listed.status.success(), "{}", stderr(&listed));
    assert_eq!(
        String::from_utf8_lossy(&listed.stdout),
        "alena\tSprávce\talena@dodavatel.cz\tactive\nborek\tSprávce\tborek@dodavatel.cz\tactive\n"
    );

    let address = free_address();
    let mut serve_command = command(folder.path());
    serve_command
        .env("SUPPORTWEB__SERVER__LISTEN", &address)
        .arg("serve");
    let _server = serve(serve_command, &address);
    let session = sign_in_with(&address, "alena", "Velmi-tajne-heslo-2026").expect("signed in");
    let home = |cookie: &str| {
        http(
            &address,
            format!(
                "GET / HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nCookie: {cookie}\r\n\r\n"
            )
            .as_bytes(),
        )
    };
    assert!(home(&session).starts_with("HTTP/1.1 200"));

    // An API token made before: it must stop working with the reset.
    let made = common::post_form(
        &address,
        "/account/tokens",
        Some(&session),
        "name=skript&scope=read_write&days=30",
    );
    let token = made[made.find("swt_").expect("a token")..][..68].to_owned();
    let me = |token: &str| {
        http(
            &address,
            format!("GET /api/v1/me HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nAuthorization: Bearer {token}\r\n\r\n").as_bytes(),
        )
    };
    assert!(me(&token).starts_with("HTTP/1.1 200"), "{}", me(&token));

    // A lost password: the old one stops working, the session and the token end, a link is
    // printed.
    let reset = admin(&["reset-password", "--login", "alena"], "");
    assert!(reset.status.success(), "{}", stderr(&reset));
    let printed = String::from_utf8_lossy(&reset.stdout).into_owned();
    let link = printed
        .split_whitespace()
        .find(|w| w.contains("/activate/"))
        .unwrap_or_else(|| panic!("no link in {printed}"));
    assert!(
        !home(&session).starts_with("HTTP/1.1 200"),
        "the session ended"
    );
    assert!(
        me(&token).starts_with("HTTP/1.1 401"),
        "the API token ended"
    );
    assert!(sign_in_with(&address, "alena", "Velmi-tajne-heslo-2026").is_none());
    let path = &link[link.find("/activate/").unwrap()..];
    let form = http(
        &address,
        format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    assert!(form.starts_with("HTTP/1.1 200"), "{form}");

    // Deactivation ends borek's session at once.
    let borek = sign_in_with(&address, "borek", "Velmi-tajne-heslo-2026").expect("signed in");
    let deactivated = admin(&["deactivate", "--login", "borek"], "");
    assert!(deactivated.status.success(), "{}", stderr(&deactivated));
    assert!(!home(&borek).starts_with("HTTP/1.1 200"));
    assert!(sign_in_with(&address, "borek", "Velmi-tajne-heslo-2026").is_none());
    let listed = admin(&["list"], "");
    assert!(
        String::from_utf8_lossy(&listed.stdout)
            .contains("borek\tSprávce\tborek@dodavatel.cz\tdeactivated")
    );

    // Bad input: one line naming the option, exit code 2, nothing changed.
    for (args, says) in [
        (
            vec!["deactivate", "--login", "nikdo"],
            "--login: no account is named \"nikdo\"",
        ),
        (
            vec!["deactivate", "--login", "borek"],
            "--login: \"borek\" is already deactivated",
        ),
        (
            vec!["reset-password", "--login", "borek"],
            "--login: \"borek\" is deactivated",
        ),
        (
            vec!["reset-password", "--login", " "],
            "--login: must not be empty",
        ),
    ] {
        let refused = admin(&args, "");
        assert_eq!(
            refused.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&refused)
        );
        let text = stderr(&refused);
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(text.contains(says), "{args:?}: {text}");
    }

    // Both changes are audited as done from the command line.
    let url = format!(
        "sqlite://{}",
        folder.path().join("data/supportweb.db").display()
    );
    let store = Store::connect(&url, 1).await.unwrap();
    let audit = store
        .audit_page(&Default::default(), None, 100)
        .await
        .unwrap();
    for (event, detail) in [
        (
            "activation_link_issued",
            "password reset from the command line",
        ),
        ("account_deactivated", "deactivated from the command line"),
    ] {
        assert!(
            audit.iter().any(|e| e.event == event
                && e.address == "command line"
                && e.detail == detail
                && e.actor_name.is_none()),
            "{event}: {audit:?}"
        );
    }
}

/// Every object under the files folder.
fn objects_under(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut folders = vec![root.to_path_buf()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

#[test]
fn check_finds_missing_damaged_and_orphaned_objects_and_removes_orphans() {
    let folder = tempfile::tempdir().unwrap();
    let mut demo = command(folder.path());
    demo.arg("demo");
    assert!(run(demo, "").status.success());
    let check = |extra: &[&str]| {
        let mut c = command(folder.path());
        c.arg("check").args(extra);
        run(c, "")
    };
    let whole = check(&[]);
    let said = String::from_utf8_lossy(&whole.stdout).into_owned();
    assert!(whole.status.success(), "{said}{}", stderr(&whole));
    let checked: u64 = said.split_whitespace().next().unwrap().parse().unwrap();
    assert!(checked > 5, "the sample files are checked: {said}");
    assert!(
        said.contains("0 missing, 0 damaged, 0 orphaned; database intact"),
        "{said}"
    );

    let objects = folder.path().join("data/files/objects");
    let stored = objects_under(&objects);
    std::fs::remove_file(&stored[0]).unwrap();
    std::fs::write(&stored[1], b"prepsano").unwrap();
    let orphan = objects.join("zz/opusteny");
    let fresh = objects.join("zz/prave-nahravany");
    std::fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    std::fs::write(&orphan, b"nikdo").unwrap();
    std::fs::write(&fresh, b"nahrava se").unwrap();
    let aged = Command::new("touch")
        .args(["-d", "2 hours ago"])
        .arg(&orphan)
        .status()
        .unwrap();
    assert!(aged.success());

    let broken = check(&[]);
    assert_eq!(broken.status.code(), Some(1), "{}", stderr(&broken));
    let said = String::from_utf8_lossy(&broken.stdout).into_owned();
    let key = |path: &Path| {
        path.strip_prefix(folder.path().join("data/files"))
            .unwrap()
            .display()
            .to_string()
    };
    assert!(
        said.contains(&format!("missing object: {}", key(&stored[0]))),
        "{said}"
    );
    assert!(
        said.contains(&format!("damaged object: {}", key(&stored[1]))),
        "{said}"
    );
    assert!(said.contains("8 bytes"), "{said}");
    assert!(
        said.contains("orphaned object: objects/zz/opusteny (remove with --remove-orphans)"),
        "{said}"
    );
    assert!(
        !said.contains("prave-nahravany"),
        "an upload in progress is no orphan: {said}"
    );
    assert!(orphan.exists(), "nothing removed without --remove-orphans");

    // A wrong database address is refused rather than created, and a database without a
    // single file row never makes the objects orphans to remove.
    let nowhere = folder.path().join("jinde/supportweb.db");
    let mut wrong = command(folder.path());
    wrong
        .env("DATABASE_URL", format!("sqlite://{}", nowhere.display()))
        .args(["check", "--remove-orphans"]);
    let wrong = run(wrong, "");
    assert_eq!(wrong.status.code(), Some(2), "{}", stderr(&wrong));
    assert!(
        stderr(&wrong).contains("does not exist"),
        "{}",
        stderr(&wrong)
    );
    assert!(!nowhere.exists());
    let empty = folder.path().join("prazdna.db");
    let mut migrate = command(folder.path());
    migrate
        .env("DATABASE_URL", format!("sqlite://{}", empty.display()))
        .arg("migrate");
    assert!(run(migrate, "").status.success());
    let aged_objects: Vec<_> = objects_under(&objects)
        .into_iter()
        .filter(|o| *o != fresh)
        .collect();
    for object in &aged_objects {
        let aged = Command::new("touch")
            .args(["-d", "2 hours ago"])
            .arg(object)
            .status()
            .unwrap();
        assert!(aged.success());
    }
    let before = objects_under(&objects).len();
    let mut emptied = command(folder.path());
    emptied
        .env("DATABASE_URL", format!("sqlite://{}", empty.display()))
        .args(["check", "--remove-orphans"]);
    let emptied = run(emptied, "");
    assert_eq!(emptied.status.code(), Some(1), "{}", stderr(&emptied));
    assert!(
        stderr(&emptied).contains("refusing to remove"),
        "{}",
        stderr(&emptied)
    );
    assert_eq!(objects_under(&objects).len(), before, "nothing removed");

    let cleaned = check(&["--remove-orphans"]);
    assert_eq!(cleaned.status.code(), Some(1), "missing and damaged remain");
    let said = String::from_utf8_lossy(&cleaned.stdout).into_owned();
    assert!(
        said.contains("orphaned object removed: objects/zz/opusteny"),
        "{said}"
    );
    assert!(!orphan.exists());
    assert!(fresh.exists());
}
