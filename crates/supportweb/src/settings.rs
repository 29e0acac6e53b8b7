//! Configuration: a TOML file plus `SUPPORTWEB__SECTION__KEY` environment variables;
//! `DATABASE_URL` selects the database. Every key has a default, so no configuration at all
//! runs the embedded default (SQLite and a files folder under `./data`).

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use supportweb_app::secrets::SecretKey;

/// All settings.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// `[server]`
    pub server: ServerSettings,
    /// `[database]`
    pub database: DatabaseSettings,
    /// `[files]`
    pub files: FileSettings,
    /// `[session]`
    pub session: SessionSettings,
    /// `[log]`
    pub log: LogSettings,
    /// `[secrets]`
    pub secrets: SecretsSettings,
    /// `[support]`
    pub support: SupportSettings,
    /// `[smtp]`
    pub smtp: SmtpSettings,
    /// `[mail_in]`
    pub mail_in: MailInSettings,
    /// `[metrics]`
    pub metrics: MetricsSettings,
}

/// `[metrics]`: Prometheus metrics on a listener of their own.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct MetricsSettings {
    /// Address of the metrics listener (`127.0.0.1:9464`); empty: no metrics.
    pub listen: String,
}

/// `[mail_in]`: e-mail in. `address` turns it on (notifications then carry reply addresses
/// under it); `host` adds polling of an IMAP mailbox by `serve` (without it, the mail server
/// pipes messages to `supportweb mail receive`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MailInSettings {
    /// The support address, e.g. `podpora@example.cz`; empty: e-mail in is off.
    pub address: String,
    /// Days a reply address stays valid after the last message that carried it.
    pub token_days: i64,
    /// The mail server's `authserv-id` in `Authentication-Results`; set: new documents by
    /// e-mail need its DMARC (or own-domain DKIM) pass.
    pub authserv_id: String,
    /// IMAP server host; empty: no polling.
    pub host: String,
    /// IMAP port (993 with TLS).
    pub port: u16,
    /// TLS from the first byte (IMAPS).
    pub tls: bool,
    /// IMAP user name.
    pub user: String,
    /// IMAP password.
    pub password: String,
    /// The folder to read.
    pub folder: String,
    /// Where processed messages are moved; empty: they are marked seen.
    pub done_folder: String,
    /// Seconds between two rounds of polling.
    pub poll_seconds: u64,
}

impl Default for MailInSettings {
    fn default() -> Self {
        MailInSettings {
            address: String::new(),
            token_days: 180,
            authserv_id: String::new(),
            host: String::new(),
            port: 993,
            tls: true,
            user: String::new(),
            password: String::new(),
            folder: "INBOX".into(),
            done_folder: String::new(),
            poll_seconds: 60,
        }
    }
}

impl fmt::Debug for MailInSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailInSettings")
            .field("address", &self.address)
            .field("token_days", &self.token_days)
            .field("authserv_id", &self.authserv_id)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.user)
            .field("password", &"***")
            .field("folder", &self.folder)
            .field("done_folder", &self.done_folder)
            .field("poll_seconds", &self.poll_seconds)
            .finish()
    }
}

impl MailInSettings {
    /// The IMAP mailbox to poll, if one is configured.
    pub fn imap(&self) -> Option<supportweb_mail::imap::ImapSettings> {
        if self.host.is_empty() {
            return None;
        }
        Some(supportweb_mail::imap::ImapSettings {
            host: self.host.clone(),
            port: self.port,
            tls: self.tls,
            user: self.user.clone(),
            password: self.password.clone(),
            folder: self.folder.clone(),
            done_folder: (!self.done_folder.is_empty()).then(|| self.done_folder.clone()),
            timeout: Duration::from_secs(60),
        })
    }
}

/// `[smtp]`: the mail server notifications are sent through. Without a host, messages are
/// kept in the outbox and sent once a host is configured.
#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SmtpSettings {
    /// Server host name; empty: do not send.
    pub host: String,
    /// Port (25 plain, 587 STARTTLS, 465 TLS).
    pub port: u16,
    /// `none`, `starttls` or `tls`.
    pub security: String,
    /// User name, when the server wants authentication.
    pub username: Option<String>,
    /// Password.
    pub password: Option<String>,
    /// The sender, e.g. `Podpora <podpora@example.cz>`.
    pub from: String,
    /// How long one SMTP conversation may take.
    pub timeout_seconds: u64,
}

impl Default for SmtpSettings {
    fn default() -> Self {
        SmtpSettings {
            host: String::new(),
            port: 25,
            security: "none".into(),
            username: None,
            password: None,
            from: "Supportweb <supportweb@localhost>".into(),
            timeout_seconds: 30,
        }
    }
}

impl fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("from", &self.from)
            .field("timeout_seconds", &self.timeout_seconds)
            .finish()
    }
}

impl SmtpSettings {
    /// The mailer settings, or `None` when no host is configured.
    pub fn mailer(&self) -> Option<supportweb_mail::SmtpSettings> {
        if self.host.is_empty() {
            return None;
        }
        Some(supportweb_mail::SmtpSettings {
            host: self.host.clone(),
            port: self.port,
            security: supportweb_mail::Security::parse(&self.security)
                .unwrap_or(supportweb_mail::Security::StartTls),
            username: self.username.clone(),
            password: self.password.clone(),
            from: self.from.clone(),
            timeout: Duration::from_secs(self.timeout_seconds),
        })
    }
}

/// `[support]`: the support-document workflow.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SupportSettings {
    /// Resolved documents close automatically after this many days.
    pub auto_close_days: i64,
    /// A closed document may be reopened for this many days.
    pub reopen_days: i64,
}

impl Default for SupportSettings {
    fn default() -> Self {
        SupportSettings {
            auto_close_days: 14,
            reopen_days: 30,
        }
    }
}

/// `[secrets]`: the key that seals secrets at rest (remote-access passwords).
#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SecretsSettings {
    /// 64 hexadecimal characters. When unset, the key is read from `key_file`.
    pub key: Option<String>,
    /// A file holding the key as hex; created with a new random key (mode 0600) when missing.
    pub key_file: PathBuf,
}

impl Default for SecretsSettings {
    fn default() -> Self {
        SecretsSettings {
            key: None,
            key_file: PathBuf::from("data/secret.key"),
        }
    }
}

impl fmt::Debug for SecretsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretsSettings")
            .field("key", &self.key.as_ref().map(|_| "***"))
            .field("key_file", &self.key_file)
            .finish()
    }
}

impl SecretsSettings {
    /// The configured key, or the key file's (created when missing).
    pub fn load_key(&self) -> Result<SecretKey, SettingsError> {
        if let Some(hex) = &self.key {
            return SecretKey::from_hex(hex).ok_or_else(|| {
                SettingsError("secrets.key: must be 64 hexadecimal characters".into())
            });
        }
        let path = &self.key_file;
        match std::fs::read_to_string(path) {
            Ok(text) => SecretKey::from_hex(&text).ok_or_else(|| {
                SettingsError(format!(
                    "secrets.key_file: {} does not hold 64 hexadecimal characters",
                    path.display()
                ))
            }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                let key = SecretKey::generate();
                write_private(path, &key.to_hex()).map_err(|e| {
                    SettingsError(format!(
                        "secrets.key_file: cannot create {}: {e}",
                        path.display()
                    ))
                })?;
                tracing::warn!(file = %path.display(), "created a new secret key; back it up with the database");
                Ok(key)
            }
            Err(error) => Err(SettingsError(format!(
                "secrets.key_file: cannot read {}: {error}",
                path.display()
            ))),
        }
    }
}

/// Writes a file readable by its owner only.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(folder) = path.parent()
        && !folder.as_os_str().is_empty()
    {
        std::fs::create_dir_all(folder)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    file.sync_all()
}

/// `[server]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerSettings {
    /// Address to listen on.
    pub listen: String,
    /// The address users open; defaults to `http://` + `listen`.
    pub public_url: Option<String>,
    /// After SIGTERM, how long requests in flight may take before the process exits anyway.
    pub shutdown_grace_seconds: u64,
    /// Behind a reverse proxy: the header carrying the client's address (e.g.
    /// `X-Forwarded-For`; its last entry counts). Unset: the connection's address.
    pub client_ip_header: Option<String>,
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            listen: "127.0.0.1:8080".into(),
            public_url: None,
            shutdown_grace_seconds: 30,
            client_ip_header: None,
        }
    }
}

/// `[database]`
#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseSettings {
    /// `sqlite://path` or `postgres://user:password@host/db`.
    pub url: String,
    /// Pool size.
    pub max_connections: u32,
}

impl Default for DatabaseSettings {
    fn default() -> Self {
        DatabaseSettings {
            url: "sqlite://data/supportweb.db".into(),
            max_connections: 8,
        }
    }
}

impl fmt::Debug for DatabaseSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DatabaseSettings")
            .field("url", &redact_url(&self.url))
            .field("max_connections", &self.max_connections)
            .finish()
    }
}

/// The URL with any password replaced by `***`, for logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    // The user part ends at the last `@` before the path, so a raw `@` in a password is
    // hidden too.
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    match authority.rsplit_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}{tail}")
        }
        _ => url.to_owned(),
    }
}

/// `[files]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FileSettings {
    /// Folder of the local object store (when `url` is empty).
    pub root: PathBuf,
    /// `s3://bucket/prefix` for an S3-compatible object store; empty: the local folder.
    pub url: String,
    /// The S3 service, with `url`.
    pub s3: S3Settings,
    /// Largest accepted upload, in bytes.
    pub max_upload_bytes: u64,
}

/// `[files.s3]`
#[derive(Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct S3Settings {
    /// The service's address, e.g. `https://s3.example.cz`; empty: AWS by region.
    pub endpoint: String,
    /// Region.
    pub region: String,
    /// Access key id.
    pub access_key_id: String,
    /// Secret access key (never logged).
    pub secret_access_key: String,
    /// Path-style requests (`endpoint/bucket/key`), as most self-hosted servers want.
    pub path_style: bool,
}

impl Default for S3Settings {
    fn default() -> Self {
        S3Settings {
            endpoint: String::new(),
            region: "us-east-1".into(),
            access_key_id: String::new(),
            secret_access_key: String::new(),
            path_style: false,
        }
    }
}

impl fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Settings")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"***")
            .field("path_style", &self.path_style)
            .finish()
    }
}

impl Settings {
    /// The S3 location of `files.url`, when it names one.
    fn s3_location(&self) -> Option<supportweb_files::S3Location> {
        let (bucket, prefix) = supportweb_files::S3Location::parse_url(&self.files.url)?;
        let s3 = &self.files.s3;
        Some(supportweb_files::S3Location {
            bucket,
            prefix,
            endpoint: (!s3.endpoint.is_empty()).then(|| s3.endpoint.clone()),
            region: s3.region.clone(),
            access_key_id: s3.access_key_id.clone(),
            secret_access_key: s3.secret_access_key.clone(),
            path_style: s3.path_style,
        })
    }

    /// The configured files store: the S3 bucket of `files.url`, else the folder `files.root`.
    pub fn file_store(&self) -> Result<supportweb_files::FileStore, supportweb_files::FileError> {
        match self.s3_location() {
            Some(location) => {
                supportweb_files::FileStore::s3(&location, self.files.max_upload_bytes)
            }
            None => {
                supportweb_files::FileStore::local(&self.files.root, self.files.max_upload_bytes)
            }
        }
    }
}

impl Default for FileSettings {
    fn default() -> Self {
        FileSettings {
            root: PathBuf::from("data/files"),
            url: String::new(),
            s3: S3Settings::default(),
            max_upload_bytes: 100 * 1024 * 1024,
        }
    }
}

/// `[session]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SessionSettings {
    /// Minutes without a request after which a session ends.
    pub idle_minutes: u64,
    /// Hours after sign-in after which a session ends regardless of activity.
    pub absolute_hours: u64,
}

impl Default for SessionSettings {
    fn default() -> Self {
        SessionSettings {
            idle_minutes: 240,
            absolute_hours: 24,
        }
    }
}

/// `[log]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogSettings {
    /// `tracing` filter, e.g. `info` or `supportweb=debug,info`.
    pub filter: String,
    /// `text` or `json`.
    pub format: String,
}

impl Default for LogSettings {
    fn default() -> Self {
        LogSettings {
            filter: "info".into(),
            format: "text".into(),
        }
    }
}

fn axum_header_name_is_invalid(name: &str) -> bool {
    name.is_empty()
        || !name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// Longest idle session lifetime accepted.
const MAX_IDLE_MINUTES: u64 = 7 * 24 * 60;
/// Longest absolute session lifetime accepted.
const MAX_ABSOLUTE_HOURS: u64 = 90 * 24;

/// A configuration problem, printed as one line naming the key.
#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct SettingsError(pub String);

impl Settings {
    /// Reads `file` (required when given; otherwise `supportweb.toml` in the working folder
    /// if present), then the environment, then validates.
    pub fn load(file: Option<&Path>) -> Result<Settings, SettingsError> {
        let mut builder = config::Config::builder();
        match file {
            Some(path) => {
                if !path.is_file() {
                    return Err(SettingsError(format!(
                        "configuration file {} does not exist",
                        path.display()
                    )));
                }
                builder = builder.add_source(
                    config::File::from(path)
                        .format(config::FileFormat::Toml)
                        .required(true),
                );
            }
            None => {
                builder = builder.add_source(
                    config::File::from(Path::new("supportweb.toml"))
                        .format(config::FileFormat::Toml)
                        .required(false),
                );
            }
        }
        builder = builder.add_source(
            config::Environment::with_prefix("SUPPORTWEB")
                .prefix_separator("__")
                .separator("__")
                .try_parsing(true),
        );
        if let Ok(url) = std::env::var("DATABASE_URL") {
            builder = builder
                .set_override("database.url", url)
                .map_err(|e| SettingsError(e.to_string()))?;
        }
        let settings: Settings = builder
            .build()
            .and_then(|c| c.try_deserialize())
            .map_err(|e| SettingsError(e.to_string()))?;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), SettingsError> {
        let bad = |key: &str, why: String| Err(SettingsError(format!("{key}: {why}")));
        if self.server.listen.parse::<SocketAddr>().is_err() {
            return bad(
                "server.listen",
                format!(
                    "{:?} is not an address like 127.0.0.1:8080",
                    self.server.listen
                ),
            );
        }
        if let Some(url) = &self.server.public_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return bad(
                "server.public_url",
                format!("{url:?} must start with http:// or https://"),
            );
        }
        let url = &self.database.url;
        if !["sqlite:", "postgres:", "postgresql:"]
            .iter()
            .any(|p| url.starts_with(p))
        {
            return bad(
                "database.url",
                format!(
                    "{:?} must start with sqlite:// or postgres://",
                    redact_url(url)
                ),
            );
        }
        if self.database.max_connections == 0 {
            return bad("database.max_connections", "must be at least 1".into());
        }
        if !self.files.url.is_empty() {
            if self.s3_location().is_none() {
                return bad(
                    "files.url",
                    format!(
                        "{:?} must be empty (the local folder files.root) or s3://bucket/prefix",
                        self.files.url
                    ),
                );
            }
            let s3 = &self.files.s3;
            if s3.access_key_id.is_empty() || s3.secret_access_key.is_empty() {
                return bad(
                    "files.s3.access_key_id",
                    "files.url names S3: set files.s3.access_key_id and files.s3.secret_access_key"
                        .into(),
                );
            }
            if !(s3.endpoint.is_empty()
                || s3.endpoint.starts_with("https://")
                || s3.endpoint.starts_with("http://"))
            {
                return bad(
                    "files.s3.endpoint",
                    format!("{:?} must start with https:// or http://", s3.endpoint),
                );
            }
        }
        if self.files.max_upload_bytes == 0 {
            return bad("files.max_upload_bytes", "must be at least 1".into());
        }
        if !(1..=MAX_IDLE_MINUTES).contains(&self.session.idle_minutes) {
            return bad(
                "session.idle_minutes",
                format!("must be between 1 and {MAX_IDLE_MINUTES} (7 days)"),
            );
        }
        if !(1..=365).contains(&self.support.auto_close_days) {
            return bad(
                "support.auto_close_days",
                "must be between 1 and 365".into(),
            );
        }
        if !(0..=365).contains(&self.support.reopen_days) {
            return bad("support.reopen_days", "must be between 0 and 365".into());
        }
        if supportweb_mail::Security::parse(&self.smtp.security).is_none() {
            return bad(
                "smtp.security",
                format!(
                    "{:?} must be \"none\", \"starttls\" or \"tls\"",
                    self.smtp.security
                ),
            );
        }
        if !supportweb_mail::is_valid_mailbox(&self.smtp.from) {
            return bad(
                "smtp.from",
                format!(
                    "{:?} is not an address like \"Podpora <podpora@example.cz>\"",
                    self.smtp.from
                ),
            );
        }
        if !self.mail_in.address.is_empty()
            && !supportweb_mail::is_valid_mailbox(&self.mail_in.address)
            || self.mail_in.address.contains(['<', '>', ' '])
        {
            return bad(
                "mail_in.address",
                format!(
                    "{:?} is not an address like podpora@example.cz",
                    self.mail_in.address
                ),
            );
        }
        if !(1..=3650).contains(&self.mail_in.token_days) {
            return bad("mail_in.token_days", "must be between 1 and 3650".into());
        }
        if !self.mail_in.host.is_empty() && self.mail_in.address.is_empty() {
            return bad(
                "mail_in.host",
                "polling needs mail_in.address (the support address)".into(),
            );
        }
        if !(5..=3600).contains(&self.mail_in.poll_seconds) {
            return bad("mail_in.poll_seconds", "must be between 5 and 3600".into());
        }
        if !self.metrics.listen.is_empty() && self.metrics.listen.parse::<SocketAddr>().is_err() {
            return bad(
                "metrics.listen",
                format!(
                    "{:?} is not an address like 127.0.0.1:9464",
                    self.metrics.listen
                ),
            );
        }
        if !(1..=600).contains(&self.smtp.timeout_seconds) {
            return bad("smtp.timeout_seconds", "must be between 1 and 600".into());
        }
        if !(1..=MAX_ABSOLUTE_HOURS).contains(&self.session.absolute_hours) {
            return bad(
                "session.absolute_hours",
                format!("must be between 1 and {MAX_ABSOLUTE_HOURS} (90 days)"),
            );
        }
        if let Some(header) = &self.server.client_ip_header
            && axum_header_name_is_invalid(header)
        {
            return bad(
                "server.client_ip_header",
                format!("{header:?} is not a header name"),
            );
        }
        if !(1..=3600).contains(&self.server.shutdown_grace_seconds) {
            return bad(
                "server.shutdown_grace_seconds",
                "must be between 1 and 3600".into(),
            );
        }
        if let Some(key) = &self.secrets.key
            && SecretKey::from_hex(key).is_none()
        {
            return bad("secrets.key", "must be 64 hexadecimal characters".into());
        }
        if !["text", "json"].contains(&self.log.format.as_str()) {
            return bad(
                "log.format",
                format!("{:?} must be \"text\" or \"json\"", self.log.format),
            );
        }
        if tracing_subscriber::EnvFilter::try_new(&self.log.filter).is_err() {
            return bad(
                "log.filter",
                format!("{:?} is not a valid filter", self.log.filter),
            );
        }
        Ok(())
    }

    /// The address users open.
    pub fn public_url(&self) -> String {
        self.server
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{}", self.server.listen))
    }

    /// Web settings derived from these, with the secret key.
    pub fn web_config(&self, secret_key: SecretKey) -> supportweb_web::WebConfig {
        let mut web = supportweb_web::WebConfig::for_url(&self.public_url());
        web.app.secret_key = secret_key;
        web.app.session_idle = Duration::from_secs(self.session.idle_minutes * 60);
        web.app.session_absolute = Duration::from_secs(self.session.absolute_hours * 3600);
        web.app.support.auto_close_days = self.support.auto_close_days;
        web.app.support.reopen_days = self.support.reopen_days;
        web.app.mail_in = supportweb_app::mail_in::MailInSettings {
            address: (!self.mail_in.address.is_empty())
                .then(|| self.mail_in.address.to_ascii_lowercase()),
            token_days: self.mail_in.token_days,
            authserv_id: (!self.mail_in.authserv_id.is_empty())
                .then(|| self.mail_in.authserv_id.clone()),
        };
        web.client_ip_header = self.server.client_ip_header.clone();
        web
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_file_is_created_private_and_reused() {
        let folder = tempfile::tempdir().unwrap();
        let settings = SecretsSettings {
            key: None,
            key_file: folder.path().join("nested/secret.key"),
        };
        let first = settings.load_key().unwrap();
        let second = settings.load_key().unwrap();
        assert_eq!(
            first.to_hex(),
            second.to_hex(),
            "the same key on every start"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&settings.key_file)
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        std::fs::write(&settings.key_file, "nonsense").unwrap();
        let broken = settings.load_key().unwrap_err().to_string();
        assert!(broken.contains("secrets.key_file"), "{broken}");
        let configured = SecretsSettings {
            key: Some("ab".repeat(32)),
            ..SecretsSettings::default()
        };
        assert_eq!(configured.load_key().unwrap().to_hex(), "ab".repeat(32));
        assert!(
            !format!("{configured:?}").contains("abab"),
            "the key never reaches Debug"
        );
    }

    #[test]
    fn passwords_never_reach_debug_output() {
        let settings = DatabaseSettings {
            url: "postgres://supportweb:tajne-heslo@db.example.cz/supportweb".into(),
            max_connections: 4,
        };
        let shown = format!("{settings:?}");
        assert!(!shown.contains("tajne-heslo"), "{shown}");
        assert!(shown.contains("supportweb:***@db.example.cz"), "{shown}");
        assert_eq!(redact_url("sqlite://data/x.db"), "sqlite://data/x.db");
        assert_eq!(
            redact_url("postgres://portal:ta@jne@db.example.cz/supportweb"),
            "postgres://portal:***@db.example.cz/supportweb"
        );
    }

    #[test]
    fn the_s3_secret_never_reaches_debug_output() {
        let settings = FileSettings {
            url: "s3://podpora/ostry".into(),
            s3: S3Settings {
                access_key_id: "AKIAPODPORA".into(),
                secret_access_key: "velmi-tajny-klic".into(),
                ..S3Settings::default()
            },
            ..FileSettings::default()
        };
        let shown = format!("{settings:?}");
        assert!(shown.contains("AKIAPODPORA"), "{shown}");
        assert!(!shown.contains("velmi-tajny-klic"), "{shown}");
    }
}
