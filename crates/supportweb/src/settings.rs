//! Configuration: a TOML file plus `SUPPORTWEB__SECTION__KEY` environment variables;
//! `DATABASE_URL` selects the database. Every key has a default, so no configuration at all
//! runs the embedded default (SQLite and a files folder under `./data`).

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

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
    match rest.split_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_owned(),
    }
}

/// `[files]`
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FileSettings {
    /// Folder of the local object store.
    pub root: PathBuf,
    /// Largest accepted upload, in bytes.
    pub max_upload_bytes: u64,
}

impl Default for FileSettings {
    fn default() -> Self {
        FileSettings {
            root: PathBuf::from("data/files"),
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
        if self.files.max_upload_bytes == 0 {
            return bad("files.max_upload_bytes", "must be at least 1".into());
        }
        if !(1..=MAX_IDLE_MINUTES).contains(&self.session.idle_minutes) {
            return bad(
                "session.idle_minutes",
                format!("must be between 1 and {MAX_IDLE_MINUTES} (7 days)"),
            );
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

    /// Web settings derived from these.
    pub fn web_config(&self) -> supportweb_web::WebConfig {
        let mut web = supportweb_web::WebConfig::for_url(&self.public_url());
        web.session_idle = Duration::from_secs(self.session.idle_minutes * 60);
        web.session_absolute = Duration::from_secs(self.session.absolute_hours * 3600);
        web.client_ip_header = self.server.client_ip_header.clone();
        web
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
