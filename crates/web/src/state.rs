//! Shared application state.

use std::sync::Arc;

use supportweb_app::Store;
use supportweb_app::{App, Settings};
use supportweb_domain::Agenda;
use supportweb_files::FileStore;

/// Web settings taken from the configuration: what the edge needs, and the application
/// layer's settings.
#[derive(Debug, Clone)]
pub struct WebConfig {
    /// Whether cookies get `Secure` and the `__Host-` prefix: true over TLS and on loopback
    /// addresses (which browsers treat as secure).
    pub secure_cookies: bool,
    /// Behind a reverse proxy: the header in which it passes the client's address (the last
    /// entry counts, the one the proxy added). `None`: the connection's peer address.
    pub client_ip_header: Option<String>,
    /// Settings of the use cases: public address, session lifetimes, secret key, workflow.
    pub app: Settings,
}

impl WebConfig {
    /// Settings for a portal reachable at `public_url`, with default session lifetimes and a
    /// new random secret key (configuration replaces it with the persistent one).
    pub fn for_url(public_url: &str) -> Self {
        WebConfig {
            secure_cookies: secure_context(public_url),
            client_ip_header: None,
            app: Settings::for_url(public_url),
        }
    }
}

/// Whether browsers treat `url` as a secure context: HTTPS, or plain HTTP on loopback.
pub fn secure_context(url: &str) -> bool {
    if url.starts_with("https://") {
        return true;
    }
    let Some(rest) = url.strip_prefix("http://") else {
        return false;
    };
    let authority = rest.split('/').next().unwrap_or("");
    let host = if authority.starts_with('[') {
        authority
            .split(']')
            .next()
            .unwrap_or("")
            .trim_start_matches('[')
    } else {
        authority.split(':').next().unwrap_or("")
    };
    host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A sample account listed on the login page in demo mode.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, PartialEq, Eq)]
pub struct DemoAccount {
    /// Login name.
    pub login: String,
    /// Password.
    pub password: String,
    /// Machine-readable role: a staff role (`administrator`, `project_manager`, …), or
    /// `customer` / `partner` for users of organisations.
    pub role: String,
    /// Organisation, for customer and partner users.
    pub organisation: Option<String>,
}

impl DemoAccount {
    /// Fluent id of the role's name.
    pub fn role_key(&self) -> String {
        crate::i18n::role_key(&self.role)
    }
}

/// Agendas this build serves pages for; an agenda joins the list together with its routes.
/// The navigation shows the intersection with what the signed-in user may enter.
pub const SERVED_AGENDAS: &[Agenda] = &[
    Agenda::Protocols,
    Agenda::CustomizationOrders,
    Agenda::SupportDocuments,
    Agenda::Podpora,
];

/// State shared by every handler.
#[derive(Clone, Debug)]
pub struct AppState(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    app: App,
    config: WebConfig,
    demo_accounts: Vec<DemoAccount>,
    served_agendas: Vec<Agenda>,
}

impl AppState {
    /// Builds the state over the application on `store` and `files`. `demo_accounts` is
    /// non-empty only in demo mode. Handlers reach the store only through the application's
    /// use cases.
    pub fn new(
        store: Store,
        files: FileStore,
        config: WebConfig,
        demo_accounts: Vec<DemoAccount>,
    ) -> Self {
        AppState(Arc::new(Inner {
            app: App::new(store, files, config.app.clone()),
            config,
            demo_accounts,
            served_agendas: SERVED_AGENDAS.to_vec(),
        }))
    }

    /// The application layer: every use case.
    pub fn app(&self) -> &App {
        &self.0.app
    }

    /// Web settings.
    pub fn config(&self) -> &WebConfig {
        &self.0.config
    }

    /// Sample accounts shown on the login page (demo mode only).
    pub fn demo_accounts(&self) -> &[DemoAccount] {
        &self.0.demo_accounts
    }

    /// Agendas this build serves pages for.
    pub fn served_agendas(&self) -> &[Agenda] {
        &self.0.served_agendas
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_and_https_are_secure_contexts() {
        assert!(secure_context("https://podpora.example.cz"));
        assert!(secure_context("http://127.0.0.1:8080"));
        assert!(secure_context("http://localhost:8080/"));
        assert!(secure_context("http://[::1]:8080"));
        assert!(!secure_context("http://podpora.example.cz"));
        assert!(!secure_context("http://127.0.0.1.example.cz"));
    }
}
