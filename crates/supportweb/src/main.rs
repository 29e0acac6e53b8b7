//! `supportweb`: the portal (`serve`), migrations, administration and sample data.

mod admin;
mod demo;
mod demo_documents;
mod demo_error;
mod demo_orders;
mod demo_podpora;
mod demo_protocols;
mod settings;

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use supportweb_storage::Store;
use supportweb_web::AppState;
use tokio::net::TcpListener;

use crate::settings::{Settings, SettingsError};

/// Supportweb — the customer support portal.
#[derive(Debug, Parser)]
#[command(name = "supportweb", version, about)]
struct Cli {
    /// Configuration file (TOML). Without it, `supportweb.toml` in the working folder is read
    /// if present. Environment variables `SUPPORTWEB__SECTION__KEY` override it;
    /// `DATABASE_URL` selects the database.
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the portal (applies pending migrations first).
    Serve {
        /// Fill sample data (if not there yet) and list the sample accounts on the login page.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending database migrations and exit.
    Migrate,
    /// Check a running installation: the database's integrity, every file row with its
    /// object of the recorded size and SHA-256, and objects no row names. Exit 0 when whole,
    /// 1 when something is wrong (one line per problem).
    Check {
        /// Delete the orphaned objects found (older than an hour).
        #[arg(long)]
        remove_orphans: bool,
    },
    /// Back the installation up while it runs: a consistent snapshot of the database
    /// (SQLite `VACUUM INTO`, PostgreSQL `pg_dump -Fc`), every file object its rows name, and
    /// a manifest of SHA-256 sums. The folder must be new or empty.
    Backup {
        /// The folder to write.
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
    },
    /// Restore a backup into the configured database and files store, both of which must be
    /// empty. Every SHA-256 is verified before anything is written.
    Restore {
        /// The backup folder.
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
    },
    /// Copy a whole installation's database from SQLite into an empty PostgreSQL database
    /// (every table and the numbering counters; files stay where they are), verifying row
    /// counts and a checksum per table before committing. Stop the portal first.
    CopyData {
        /// The SQLite database, e.g. sqlite://data/supportweb.db.
        #[arg(long, value_name = "URL")]
        from: String,
        /// The PostgreSQL database, empty (or only migrated), e.g. postgres://supportweb@db/supportweb
        /// (without a password: PGPASSWORD gives it).
        #[arg(long, value_name = "URL")]
        to: String,
    },
    /// E-mail in.
    Mail {
        #[command(subcommand)]
        command: MailCommand,
    },
    /// Administration tasks.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
    /// Fill realistic Czech sample data.
    Demo {
        /// Additional customer organisations with contracts to generate (for benchmarks).
        #[arg(long, default_value_t = 0)]
        organisations: u32,
        /// Additional customer users to generate, spread over the organisations.
        #[arg(long, default_value_t = 0)]
        users: u32,
        /// Support documents to have in total, generated with conversations (for benchmarks:
        /// a million take a few minutes). Running again with the same number adds nothing.
        #[arg(long, default_value_t = demo::SAMPLE_DOCUMENTS)]
        documents: u64,
        /// Write the sample accounts (login, password, role, organisation) to this JSON file.
        #[arg(long, value_name = "FILE")]
        accounts_json: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum MailCommand {
    /// Receive one e-mail (RFC 5322) from standard input, as a mail server's pipe delivers
    /// it. Exit 0 when it was stored, held or deliberately ignored; 75 (EX_TEMPFAIL) when
    /// the database cannot be reached, so the mail server tries again later.
    Receive,
}

/// Exit status asking the mail server to deliver again later (sysexits.h).
const EX_TEMPFAIL: u8 = 75;

#[derive(Debug, Subcommand)]
enum AdminCommand {
    /// Create an administrator. The password is asked for on the terminal, or read as one
    /// line from standard input when it is not a terminal — never from the command line.
    CreateUser {
        /// Login name (3–64 characters: a–z, digits, . _ - @).
        #[arg(long)]
        login: String,
        /// Full name.
        #[arg(long)]
        name: String,
        /// E-mail address.
        #[arg(long)]
        email: String,
    },
    /// Reset a password: the old one stops working, every session of the account ends, and
    /// a one-time activation link (valid 72 hours) is printed to hand over. Audited.
    ResetPassword {
        /// Login name of the account.
        #[arg(long)]
        login: String,
    },
    /// Deactivate an account at once (its sessions end). Audited.
    Deactivate {
        /// Login name of the account.
        #[arg(long)]
        login: String,
    },
    /// List the administrators (login, name, e-mail, active or not).
    List,
}

/// A failure that ends the program with one line on standard error.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error(transparent)]
    Settings(#[from] SettingsError),
    #[error("{0}")]
    Other(String),
    #[error("{0}")]
    TryLater(String),
    #[error("{0}")]
    Refused(String),
}

impl Failure {
    fn other(error: impl std::fmt::Display) -> Self {
        Failure::Other(error.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::load(cli.config.as_deref()) {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("supportweb: {error}");
            return ExitCode::from(2);
        }
    };
    init_logging(&settings);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("supportweb: cannot start the runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Settings(error)) => {
            eprintln!("supportweb: {error}");
            ExitCode::from(2)
        }
        Err(Failure::Refused(error)) => {
            eprintln!("supportweb: {error}");
            ExitCode::from(2)
        }
        Err(Failure::TryLater(error)) => {
            eprintln!("supportweb: {error}");
            ExitCode::from(EX_TEMPFAIL)
        }
        Err(error) => {
            eprintln!("supportweb: {error}");
            ExitCode::FAILURE
        }
    }
}

fn init_logging(settings: &Settings) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .or_else(|_| tracing_subscriber::EnvFilter::try_new(&settings.log.filter))
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    if settings.log.format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

async fn open_store(settings: &Settings) -> Result<Store, Failure> {
    let store = Store::connect(&settings.database.url, settings.database.max_connections)
        .await
        .map_err(Failure::other)?;
    store.migrate().await.map_err(Failure::other)?;
    Ok(store)
}

async fn run(command: Command, settings: Settings) -> Result<(), Failure> {
    match command {
        Command::Serve { demo } => serve(settings, demo).await,
        Command::Migrate => {
            let store = open_store(&settings).await?;
            let applied = store.applied_migrations().await.map_err(Failure::other)?;
            println!(
                "database is at version {}",
                applied.last().copied().unwrap_or_default()
            );
            store.close().await;
            Ok(())
        }
        Command::Mail {
            command: MailCommand::Receive,
        } => receive_mail(settings).await,
        Command::Admin { command } => administer(settings, command).await,
        Command::Check { remove_orphans } => check(settings, remove_orphans).await,
        Command::Backup { to } => backup(settings, &to).await,
        Command::Restore { from } => restore(settings, &from).await,
        Command::CopyData { from, to } => copy_data(&from, &to).await,
        Command::Demo {
            organisations,
            users,
            documents,
            accounts_json,
        } => {
            let store = open_store(&settings).await?;
            let scale = demo::Scale {
                organisations,
                users,
                documents,
            };
            let files = settings.file_store().map_err(Failure::other)?;
            let key = settings.secrets.load_key()?;
            let accounts = demo::fill(&store, &files, &key, scale, supportweb_app::today())
                .await
                .map_err(Failure::other)?;
            if let Some(path) = accounts_json {
                let json = serde_json::to_vec_pretty(&accounts).map_err(Failure::other)?;
                std::fs::write(&path, json)
                    .map_err(|e| Failure::Other(format!("cannot write {}: {e}", path.display())))?;
            }
            println!(
                "sample data ready: {} accounts, password {}",
                accounts.len(),
                demo::DEMO_PASSWORD
            );
            store.close().await;
            Ok(())
        }
    }
}

/// `admin …`: account administration from the command line. Bad input is one line and
/// exit code 2.
async fn administer(settings: Settings, command: AdminCommand) -> Result<(), Failure> {
    let refused = command_failure;
    let store = open_store(&settings).await?;
    if let AdminCommand::CreateUser { login, name, email } = &command {
        // Before the first start: nothing but the account is created (no key, no folders).
        let password = admin::read_password().map_err(Failure::other)?;
        let created = admin::create_administrator(&store, login, name, email, &password)
            .await
            .map(|created| println!("administrator {created} created"))
            .map_err(Failure::Refused);
        store.close().await;
        return created;
    }
    let app = command_line_app(&settings, &store)?;
    let accounts = app.administration();
    let result = match command {
        AdminCommand::CreateUser { .. } => Ok(()),
        AdminCommand::ResetPassword { login } => accounts
            .reset_password_from_command_line(&login)
            .await
            .map(|link| {
                println!("password of {login} reset; every session ended");
                println!("one-time activation link (valid 72 hours): {link}");
            })
            .map_err(refused),
        AdminCommand::Deactivate { login } => accounts
            .deactivate_from_command_line(&login)
            .await
            .map(|login| println!("{login} deactivated; every session ended"))
            .map_err(refused),
        AdminCommand::List => accounts
            .administrators_for_command_line()
            .await
            .map(|list| {
                for user in list {
                    println!(
                        "{}\t{}\t{}\t{}",
                        user.login,
                        user.display_name,
                        user.email,
                        if user.is_active {
                            "active"
                        } else {
                            "deactivated"
                        }
                    );
                }
            })
            .map_err(refused),
    };
    store.close().await;
    result
}

/// The application for a command-line use case on `store`.
fn command_line_app(settings: &Settings, store: &Store) -> Result<supportweb_app::App, Failure> {
    let files = settings.file_store().map_err(Failure::other)?;
    let key = settings.secrets.load_key()?;
    Ok(supportweb_app::App::new(
        store.clone(),
        files,
        settings.web_config(key).app,
    ))
}

/// The command-line failure of a use case: refusals exit 2.
fn command_failure(error: supportweb_app::administration::command_line::CommandError) -> Failure {
    use supportweb_app::administration::command_line::CommandError;
    match error {
        CommandError::Refused(refused) => Failure::Refused(refused.to_string()),
        CommandError::Failed(failed) => Failure::other(failed),
    }
}

/// `backup --to DIR`.
async fn backup(settings: Settings, folder: &std::path::Path) -> Result<(), Failure> {
    let store = open_existing(&settings).await?;
    let app = command_line_app(&settings, &store)?;
    let started = std::time::Instant::now();
    let report = app.backup(&settings.database.url, folder).await;
    store.close().await;
    let report = report.map_err(command_failure)?;
    println!(
        "backup written to {}: database {} bytes, {} files ({} bytes), in {:.1} s",
        folder.display(),
        report.database_bytes,
        report.files,
        report.file_bytes,
        started.elapsed().as_secs_f64()
    );
    println!(
        "the secret key ({}) is not in the backup: keep a copy of it apart, a restore needs it for remote-access secrets and second factors",
        settings.secrets.key_file.display()
    );
    Ok(())
}

/// `restore --from DIR`.
async fn restore(settings: Settings, folder: &std::path::Path) -> Result<(), Failure> {
    let files = settings.file_store().map_err(Failure::other)?;
    let started = std::time::Instant::now();
    let report = supportweb_app::backup::restore(&settings.database.url, &files, folder)
        .await
        .map_err(command_failure)?;
    println!(
        "restored {} files and the database at version {} in {:.1} s; `supportweb serve` migrates it when this build is newer",
        report.files,
        report.schema_version,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Opens the configured database as it is — never creating or migrating one — and refuses
/// one that is missing or not at this build's version.
async fn open_existing(settings: &Settings) -> Result<Store, Failure> {
    open_existing_url(&settings.database.url, settings.database.max_connections).await
}

/// [`open_existing`] for the database at `url`.
async fn open_existing_url(url: &str, max_connections: u32) -> Result<Store, Failure> {
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or(rest))
        && !std::path::Path::new(path).is_file()
    {
        return Err(Failure::Refused(format!(
            "database.url: {path} does not exist"
        )));
    }
    let store = Store::connect(url, max_connections)
        .await
        .map_err(Failure::other)?;
    let applied = store.applied_migrations().await.map_err(Failure::other)?;
    let expected = supportweb_storage::migrate::MIGRATIONS
        .last()
        .map(|m| m.version)
        .unwrap_or_default();
    if applied.last().copied() != Some(expected) {
        store.close().await;
        return Err(Failure::Refused(format!(
            "the database is at version {}, this build expects {expected}: run `supportweb migrate` first",
            applied.last().copied().unwrap_or_default()
        )));
    }
    Ok(store)
}

/// `copy-data --from sqlite://… --to postgres://…`.
async fn copy_data(from: &str, to: &str) -> Result<(), Failure> {
    use supportweb_storage::copy::CopyError;
    if !from.starts_with("sqlite:")
        || !(to.starts_with("postgres:") || to.starts_with("postgresql:"))
    {
        return Err(Failure::Refused(
            "copy-data copies from --from sqlite://… to --to postgres://…".into(),
        ));
    }
    if settings::redact_url(to) != to || settings::redact_url(from) != from {
        return Err(Failure::Refused(
            "a password in a URL on the command line is visible to every user of this machine: leave it out and set PGPASSWORD".into(),
        ));
    }
    let source = open_existing_url(from, 2).await?;
    let target = Store::connect(to, 2).await.map_err(Failure::other)?;
    let tables = target.user_tables().await.map_err(Failure::other)?;
    if !tables.is_empty() && !tables.iter().any(|t| t == "schema_migrations") {
        source.close().await;
        target.close().await;
        return Err(Failure::Refused(format!(
            "the target database holds other tables ({}): copy only into an empty one",
            tables
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    target.migrate().await.map_err(Failure::other)?;
    let started = std::time::Instant::now();
    let copied = supportweb_storage::copy::copy_data(&source, &target).await;
    source.close().await;
    target.close().await;
    let copied = copied.map_err(|error| match error {
        CopyError::Refused(why) => Failure::Refused(why),
        other => Failure::other(other),
    })?;
    for table in &copied {
        println!("{}\t{} rows\t{}", table.table, table.rows, table.checksum);
    }
    println!(
        "copied {} tables, {} rows, in {:.1} s; every table's rows and checksum verified. Point database.url at {} (files.root stays the same)",
        copied.len(),
        copied.iter().map(|t| t.rows).sum::<u64>(),
        started.elapsed().as_secs_f64(),
        settings::redact_url(to)
    );
    Ok(())
}

/// `check`: prints what is wrong, one line each, and a summary. It opens the database as it
/// is — never creating or migrating one — so a wrong address can never make every file look
/// orphaned.
async fn check(settings: Settings, remove_orphans: bool) -> Result<(), Failure> {
    let store = open_existing(&settings).await?;
    let app = command_line_app(&settings, &store)?;
    let report = app.check(remove_orphans).await.map_err(Failure::other)?;
    store.close().await;
    for problem in &report.database {
        println!("database: {problem}");
    }
    for missing in &report.missing {
        println!("missing object: {missing}");
    }
    for damaged in &report.damaged {
        println!("damaged object: {damaged}");
    }
    for orphan in &report.orphans {
        if remove_orphans {
            println!("orphaned object removed: {orphan}");
        } else {
            println!("orphaned object: {orphan} (remove with --remove-orphans)");
        }
    }
    println!(
        "{} files checked: {} missing, {} damaged, {} orphaned{}",
        report.files_checked,
        report.missing.len(),
        report.damaged.len(),
        report.orphans.len(),
        if report.database.is_empty() {
            "; database intact".to_owned()
        } else {
            format!("; {} database problems", report.database.len())
        }
    );
    if report.is_whole() {
        Ok(())
    } else {
        Err(Failure::Other("the installation is not whole".into()))
    }
}

/// `mail receive`: one message from standard input through the e-mail in pipeline.
async fn receive_mail(settings: Settings) -> Result<(), Failure> {
    use std::io::Read;
    // Read at most one byte over what e-mail in takes whole; the rest is drained (the mail
    // server's pipe must not break) and the message is held as too large.
    let limit = supportweb_app::mail_in::max_message_bytes(settings.files.max_upload_bytes);
    let mut raw = Vec::new();
    let mut stdin = std::io::stdin();
    (&mut stdin)
        .take(u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1))
        .read_to_end(&mut raw)
        .and_then(|_| std::io::copy(&mut stdin, &mut std::io::sink()))
        .map_err(|e| Failure::TryLater(format!("cannot read the message: {e}")))?;
    let store = open_store(&settings)
        .await
        .map_err(|e| Failure::TryLater(e.to_string()))?;
    let files = settings
        .file_store()
        .map_err(|e| Failure::TryLater(e.to_string()))?;
    let key = settings.secrets.load_key()?;
    let app = supportweb_app::App::new(store.clone(), files, settings.web_config(key).app);
    let received = app
        .receive_mail(&raw)
        .await
        .map_err(|e| Failure::TryLater(format!("message not stored, try again: {e}")))?;
    if received == supportweb_app::mail_in::Received::Busy {
        store.close().await;
        return Err(Failure::TryLater(
            "the same message is being received right now; try again".into(),
        ));
    }
    println!("{}", describe(&received));
    store.close().await;
    Ok(())
}

/// One line saying what became of a received message.
fn describe(received: &supportweb_app::mail_in::Received) -> String {
    use supportweb_app::mail_in::Received;
    match received {
        Received::Comment(record) => {
            format!("comment added to {} {}", record.agenda.slug(), record.id)
        }
        Received::Document(number) => format!("support document {number} opened"),
        Received::Answered(reason) => format!("answered ({})", reason.as_str()),
        Received::Held(reason) => format!("held for staff ({})", reason.as_str()),
        Received::Ignored(reason) => format!("ignored ({})", reason.as_str()),
        Received::Duplicate => "already received".to_owned(),
        Received::Busy => "being received by another delivery".to_owned(),
    }
}

async fn serve(settings: Settings, demo: bool) -> Result<(), Failure> {
    let store = open_store(&settings).await?;
    let files = settings.file_store().map_err(Failure::other)?;
    let secret_key = settings.secrets.load_key()?;
    let demo_accounts = if demo {
        demo::fill(
            &store,
            &files,
            &secret_key,
            demo::Scale::default(),
            supportweb_app::today(),
        )
        .await
        .map_err(Failure::other)?
    } else {
        Vec::new()
    };
    let listener = TcpListener::bind(&settings.server.listen)
        .await
        .map_err(|e| Failure::Other(format!("cannot listen on {}: {e}", settings.server.listen)))?;
    let state = AppState::new(
        store.clone(),
        files,
        settings.web_config(secret_key),
        demo_accounts,
    );
    let public_url = settings.public_url();
    println!("Supportweb listens on {public_url}");
    if demo {
        println!(
            "Sample data: sign in as \"admin\" (or any account listed on the login page) with password \"{}\"",
            demo::DEMO_PASSWORD
        );
    }
    tracing::info!(url = %public_url, database = %settings::redact_url(&settings.database.url), "serving");

    let app = state.app().clone();
    let housekeeping = tokio::spawn(purge_expired_sessions(app.clone()));
    let support_jobs = tokio::spawn(minute_jobs(app.clone()));
    let mailer = match settings.smtp.mailer() {
        Some(smtp) => Some(
            supportweb_mail::Mailer::new(&smtp, &supportweb_app::mail_in::host_of(&public_url))
                .map_err(Failure::other)?,
        ),
        None => {
            tracing::warn!(
                "no [smtp] host configured: notification e-mails wait in the outbox until one is"
            );
            None
        }
    };
    let mail_in = settings.mail_in.imap().map(|imap| {
        tokio::spawn(poll_mail(
            app.clone(),
            imap,
            Duration::from_secs(settings.mail_in.poll_seconds),
        ))
    });
    let metrics = if settings.metrics.listen.is_empty() {
        None
    } else {
        let listener = TcpListener::bind(&settings.metrics.listen)
            .await
            .map_err(|e| {
                Failure::Other(format!("cannot listen on {}: {e}", settings.metrics.listen))
            })?;
        println!("Metrics at http://{}/metrics", settings.metrics.listen);
        let router = supportweb_web::metrics::router(app.clone());
        Some(tokio::spawn(async move {
            if let Err(error) =
                supportweb_web::serve(listener, router, std::future::pending()).await
            {
                tracing::warn!(%error, "the metrics listener stopped");
            }
        }))
    };
    let notifications = tokio::spawn(notification_jobs(app, store.clone(), mailer));
    let stopping = std::sync::Arc::new(tokio::sync::Notify::new());
    let signal = {
        let stopping = stopping.clone();
        async move {
            shutdown_signal().await;
            stopping.notify_one();
        }
    };
    let grace = Duration::from_secs(settings.server.shutdown_grace_seconds);
    let server = supportweb_web::serve(listener, supportweb_web::app(state), signal);
    tokio::select! {
        result = server => result.map_err(Failure::other)?,
        () = async { stopping.notified().await; tokio::time::sleep(grace).await } => {
            tracing::warn!(
                seconds = grace.as_secs(),
                "requests still running after the shutdown grace period; stopping anyway"
            );
        }
    }
    housekeeping.abort();
    support_jobs.abort();
    notifications.abort();
    if let Some(mail_in) = mail_in {
        mail_in.abort();
    }
    if let Some(metrics) = metrics {
        metrics.abort();
    }
    store.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Scheduled work every minute (see `supportweb_app::jobs`): SLA breach checks, closing
/// support documents resolved longer than `auto_close_days` ago, reminders of protocol tasks.
async fn minute_jobs(app: supportweb_app::App) {
    let holder = uuid::Uuid::now_v7().to_string();
    let mut tick = tokio::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        let done = app.minute_jobs(&holder).await;
        app.metrics().job("minute_jobs", done.is_ok());
        match done {
            Ok(report) => {
                if report.breaches > 0 {
                    tracing::info!(found = report.breaches, "SLA breaches recorded");
                }
                if report.closed > 0 {
                    tracing::info!(
                        closed = report.closed,
                        "resolved support documents closed automatically"
                    );
                }
                if report.reminders > 0 {
                    tracing::info!(sent = report.reminders, "protocol task reminders recorded");
                }
            }
            Err(error) => tracing::warn!(%error, "could not take the scheduled-work lease"),
        }
    }
}

/// Every few seconds: turns notification events into outbox messages (each recipient's
/// language, checked by the access layer), then sends due messages. Both steps claim rows, so
/// several instances share the work and each message goes out once.
async fn notification_jobs(
    app: supportweb_app::App,
    store: Store,
    mailer: Option<supportweb_mail::Mailer>,
) {
    let holder = uuid::Uuid::now_v7().to_string();
    let mut tick = tokio::time::interval(Duration::from_secs(5));
    loop {
        tick.tick().await;
        let processed = app.process_events(100).await;
        app.metrics().job("notifications", processed.is_ok());
        if let Err(error) = processed {
            tracing::warn!(%error, "could not process notification events");
        }
        if let Some(mailer) = &mailer {
            let sent = supportweb_mail::send_due(&store, mailer, &holder, 50).await;
            app.metrics().job("outbox", sent.is_ok());
            match sent {
                Ok(delivery) if delivery.sent > 0 => {
                    tracing::info!(sent = delivery.sent, "e-mails sent")
                }
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "could not send the outbox"),
            }
        }
    }
}

/// Every `every`: one round of the IMAP mailbox through the e-mail in pipeline. A message
/// is moved or marked only after its result is committed; when the database is down the
/// round stops and the message waits on the server.
async fn poll_mail(
    app: supportweb_app::App,
    imap: supportweb_mail::imap::ImapSettings,
    every: Duration,
) {
    use supportweb_mail::imap::{Handled, poll_once};
    let mut tick = tokio::time::interval(every);
    loop {
        tick.tick().await;
        let round = poll_once(&imap, 100, |raw| {
            let app = app.clone();
            async move {
                match app.receive_mail(&raw).await {
                    Ok(supportweb_app::mail_in::Received::Busy) => Handled::Skip,
                    Ok(_) => Handled::Done,
                    Err(error) => {
                        tracing::warn!(%error, "incoming e-mail not stored; will retry");
                        Handled::Retry
                    }
                }
            }
        })
        .await;
        app.metrics().job("mail_in", round.is_ok());
        match round {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "e-mails received"),
            Err(error) => tracing::warn!(%error, "could not poll the IMAP mailbox"),
        }
    }
}

/// Removes expired sessions and day-old sign-in failures every hour (harmless when several
/// instances do it).
async fn purge_expired_sessions(app: supportweb_app::App) {
    let mut tick = tokio::time::interval(Duration::from_secs(3600));
    loop {
        tick.tick().await;
        if let Err(error) = app.purge_expired().await {
            tracing::warn!(%error, "could not purge expired sessions and sign-in failures");
        }
    }
}

/// Completes on SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing requests in flight");
}
