//! The application layer of Supportweb: every use case of every agenda and of administration.
//!
//! A use case is a method that takes the acting user ([`supportweb_domain::Actor`]) and typed
//! input, checks the actor's rights, validates, calls the store, records history and audit in
//! the change's transaction and enqueues notifications. The web pages and the JSON API are
//! thin adapters over it: they parse a form or a JSON body into a use case's input, call it,
//! and render HTML or JSON. Neither of them reaches the store.
//!
//! | module | what lives there |
//! |---|---|
//! | [`support_documents`] | opening, the overview, conversation, workflow, assignment, watchers, time, canned replies |
//! | [`customization_orders`] | requirement, quotes, approval, delivery, acceptance, hours, invoicing |
//! | [`protocols`] | recording, issuing, verification, revisions, tasks |
//! | [`podpora`] | patches, validation codes, procedures |
//! | [`administration`] | organisations, contracts, installations, the catalogue, accounts, remote access, audit log, security |
//! | [`identity`] | sign-in, sessions, activation, passwords, two-factor, API tokens, language and notification preferences |
//! | [`work`] | "my work": what the start page and `/api/v1/me/work` say to do next |
//! | [`search`] | portal-wide full-text search |
//! | [`timeline`] | what happened at an organisation, newest first |
//! | [`overview`] | the kit every overview uses: filters from a query string, keyset pages, CSV |
//! | [`attachments`] | the kit every agenda's files use: uploads, kept files, download rules |
//! | [`notify`] | turning recorded events into e-mails in each recipient's language |
//! | [`mail_in`] | e-mail in: replies become comments, new documents, held mail for staff |
//! | [`metrics`] | Prometheus metrics of the instance |

pub mod administration;
pub mod api_schema;
pub mod attachments;
pub mod audit;
pub mod backup;
pub mod check;
pub mod choices;
pub mod customization_orders;
pub mod error;
pub mod identity;
pub mod jobs;
pub mod mail_in;
pub mod metrics;
pub mod notify;
pub mod overview;
pub mod podpora;
pub mod protocols;
pub mod search;
pub mod secrets;
pub mod support_documents;
#[cfg(feature = "testing")]
pub mod testing;
pub mod timeline;
pub mod typed;
pub mod work;

use std::sync::Arc;
use std::time::Duration;

pub use error::{Error, FieldErrors, FieldProblem, Result};
pub use supportweb_domain::Actor;
pub use supportweb_files::FileStore;
pub use supportweb_storage::Store;
pub use supportweb_storage::history::HistoryRecord;

/// Settings of the application layer, taken from the configuration.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The address users open, e.g. `https://podpora.example.cz` (links in e-mails).
    pub public_url: String,
    /// A session ends after this long without a request.
    pub session_idle: Duration,
    /// A session ends this long after sign-in, whatever the activity.
    pub session_absolute: Duration,
    /// The key that seals secrets at rest (remote-access passwords, codes, TOTP secrets).
    pub secret_key: secrets::SecretKey,
    /// Support-document workflow settings.
    pub support: SupportSettings,
    /// E-mail in.
    pub mail_in: mail_in::MailInSettings,
}

impl Settings {
    /// Settings for a portal reachable at `public_url`, with default session lifetimes and a
    /// new random secret key (configuration replaces it with the persistent one).
    pub fn for_url(public_url: &str) -> Self {
        Settings {
            public_url: public_url.trim_end_matches('/').to_owned(),
            session_idle: Duration::from_secs(4 * 3600),
            session_absolute: Duration::from_secs(24 * 3600),
            secret_key: secrets::SecretKey::generate(),
            support: SupportSettings::default(),
            mail_in: mail_in::MailInSettings::default(),
        }
    }
}

/// Settings of the support-document workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SupportSettings {
    /// Resolved documents close automatically after this many days.
    pub auto_close_days: i64,
    /// A closed document may be reopened for this many days.
    pub reopen_days: i64,
    /// The business calendar SLA deadlines are counted in.
    pub hours: supportweb_domain::calendar::BusinessHours,
}

impl Default for SupportSettings {
    fn default() -> Self {
        SupportSettings {
            auto_close_days: 14,
            reopen_days: 30,
            hours: supportweb_domain::calendar::BusinessHours::default(),
        }
    }
}

/// The application: the store, the file store and the settings every use case reads. Cheap
/// to clone; one per process.
#[derive(Clone, Debug)]
pub struct App(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    store: Store,
    files: FileStore,
    settings: Settings,
    metrics: metrics::Metrics,
}

impl App {
    /// The application over `store` and `files`.
    pub fn new(store: Store, files: FileStore, settings: Settings) -> Self {
        App(Arc::new(Inner {
            store,
            files,
            settings,
            metrics: metrics::Metrics::default(),
        }))
    }

    /// The store. Only the application layer, the scheduler and the command line use it;
    /// pages and API handlers call use cases.
    pub fn store(&self) -> &Store {
        &self.0.store
    }

    /// The file store.
    pub fn files(&self) -> &FileStore {
        &self.0.files
    }

    /// The settings.
    pub fn settings(&self) -> &Settings {
        &self.0.settings
    }

    /// Whether the database answers (readiness).
    pub async fn ready(&self) -> Result<()> {
        Ok(self.0.store.ping().await?)
    }
}

/// Whether the actor may enter `agenda`: staff whose roles read it in the permission matrix,
/// customer and partner users with a read or write membership in it.
pub fn reads_agenda(actor: &Actor, agenda: supportweb_domain::Agenda) -> bool {
    use supportweb_domain::permissions::{Action, Area};
    if actor.is_staff() {
        actor.staff_may(Area::Agenda(agenda), Action::Read)
    } else {
        actor.may_enter(agenda)
    }
}

/// Today's date in Prague, the day every "today" of the portal means.
pub fn today() -> chrono::NaiveDate {
    supportweb_domain::calendar::prague_time(chrono::Utc::now()).date()
}
