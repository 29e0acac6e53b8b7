//! Sending e-mail from the durable outbox over SMTP (lettre).
//!
//! Messages are rendered and written to the `outbox` table in the same transaction that marks
//! their notification event processed (see `supportweb_storage::notifications`). This crate
//! only delivers them: [`send_due`] claims due rows (each row is claimed by exactly one
//! instance), speaks SMTP, and marks each row sent or failed. A failed row waits for its next
//! attempt with a growing back-off, so nothing is lost while the mail server is down and
//! sending resumes by itself when it returns.

use std::time::Duration;

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, Message};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};
use supportweb_storage::notifications::OutboxMessage;
use supportweb_storage::{Store, StoreError};

/// How the connection to the SMTP server is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain SMTP (a relay on the same host or network, usually port 25).
    None,
    /// STARTTLS, required (usually port 587).
    StartTls,
    /// TLS from the first byte (usually port 465).
    Tls,
}

impl Security {
    /// Parses the configuration value (`none`, `starttls`, `tls`).
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "none" => Some(Security::None),
            "starttls" => Some(Security::StartTls),
            "tls" => Some(Security::Tls),
            _ => None,
        }
    }
}

/// Where and as whom to send.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    /// Server host name.
    pub host: String,
    /// Server port.
    pub port: u16,
    /// Connection protection.
    pub security: Security,
    /// User name for authentication (none: no authentication).
    pub username: Option<String>,
    /// Password for authentication.
    pub password: Option<String>,
    /// The sender, e.g. `Supportweb <podpora@example.cz>`.
    pub from: String,
    /// How long one SMTP conversation may take.
    pub timeout: Duration,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SmtpSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("security", &self.security)
            .field("username", &self.username)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("from", &self.from)
            .field("timeout", &self.timeout)
            .finish()
    }
}

/// Whether `text` is a usable sender or recipient, like `Podpora <podpora@example.cz>`.
pub fn is_valid_mailbox(text: &str) -> bool {
    text.parse::<Mailbox>().is_ok()
}

/// Why a message could not be built or sent.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// A setting is not usable.
    #[error("invalid e-mail setting {0}: {1}")]
    Setting(&'static str, String),
    /// The recipient address is not valid.
    #[error("invalid recipient address: {0}")]
    Recipient(String),
    /// The message could not be built.
    #[error("message could not be built: {0}")]
    Build(String),
    /// The server answered with a refusal of this message.
    #[error("SMTP: {0}")]
    Refused(String),
    /// The server could not be reached or the conversation broke off (down, timed out,
    /// TLS failure).
    #[error("SMTP server unreachable: {0}")]
    Unreachable(String),
}

/// An SMTP client for the configured server.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    domain: String,
    /// The longest one message may take, whole conversation included.
    limit: Duration,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("domain", &self.domain)
            .finish()
    }
}

impl Mailer {
    /// A client for `settings`; `domain` names this portal in the SMTP greeting and in
    /// Message-IDs (the host of its public address).
    pub fn new(settings: &SmtpSettings, domain: &str) -> Result<Self, MailError> {
        let from: Mailbox = settings
            .from
            .parse()
            .map_err(|e| MailError::Setting("smtp.from", format!("{e}")))?;
        let tls = match settings.security {
            Security::None => Tls::None,
            Security::StartTls | Security::Tls => {
                let parameters = TlsParameters::new(settings.host.clone())
                    .map_err(|e| MailError::Setting("smtp.host", e.to_string()))?;
                if settings.security == Security::Tls {
                    Tls::Wrapper(parameters)
                } else {
                    Tls::Required(parameters)
                }
            }
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&settings.host)
            .port(settings.port)
            .tls(tls)
            .timeout(Some(settings.timeout))
            .hello_name(ClientId::Domain(domain.to_owned()));
        if let Some(username) = &settings.username {
            builder = builder.credentials(Credentials::new(
                username.clone(),
                settings.password.clone().unwrap_or_default(),
            ));
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
            domain: domain.to_owned(),
            // The timeout bounds each step of the conversation (connect, greeting, TLS, AUTH,
            // MAIL, RCPT, DATA, the body, QUIT); the whole of it gets twelve, so a slow server
            // that is still answering is never cut off after it took the message.
            limit: settings.timeout.saturating_mul(12),
        })
    }

    /// Builds the e-mail of an outbox row: plain text, UTF-8, with a Message-ID derived from
    /// the row so a resend can be recognised by the recipient's mail system (and a reply
    /// traced back to it). A message about a record refers to the record's thread id
    /// (`In-Reply-To`, `References`) so mail programs keep one conversation per record, and
    /// carries the recipient's reply address when the row has one. Every message is marked
    /// automatic (RFC 3834), so out-of-office programs do not answer it.
    pub fn compose(&self, message: &OutboxMessage) -> Result<Message, MailError> {
        let to: Mailbox = message
            .recipient_email
            .parse()
            .map_err(|e| MailError::Recipient(format!("{e}")))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.as_str())
            .message_id(Some(format!("<{}@{}>", message.id, self.domain)));
        if let Some(record) = message.record {
            let thread = record.thread_id(&self.domain);
            builder = builder.in_reply_to(thread.clone()).references(thread);
        }
        if let Some(reply_to) = &message.reply_to {
            let address: Mailbox = reply_to
                .parse()
                .map_err(|e| MailError::Build(format!("reply address: {e}")))?;
            builder = builder.reply_to(address);
        }
        let automatic = if message.auto_reply {
            "auto-replied"
        } else {
            "auto-generated"
        };
        builder
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                automatic.to_owned(),
            ))
            .header(ContentType::TEXT_PLAIN)
            .body(message.body.clone())
            .map_err(|e| MailError::Build(e.to_string()))
    }

    /// Sends one message.
    pub async fn send(&self, message: &OutboxMessage) -> Result<(), MailError> {
        let email = self.compose(message)?;
        self.transport.send(email).await.map(|_| ()).map_err(|e| {
            if e.is_response() {
                MailError::Refused(e.to_string())
            } else {
                MailError::Unreachable(e.to_string())
            }
        })
    }
}

/// What one round of sending did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivery {
    /// Messages the server accepted.
    pub sent: usize,
    /// Messages that wait for another attempt.
    pub failed: usize,
}

/// Claims up to `batch` due outbox messages for instance `holder` and sends them, as
/// [`send_claimed`] does.
pub async fn send_due(
    store: &Store,
    mailer: &Mailer,
    holder: &str,
    batch: i64,
) -> Result<Delivery, StoreError> {
    let due = store.claim_outbox(holder, batch).await?;
    send_claimed(store, mailer, holder, due).await
}

/// Sends messages `holder` claimed. Right before each, the claim is held for as long as one
/// message may take; a message whose claim ran out and went to another instance is left to
/// it, so each goes out once however slow the batch. A message the server refuses or cannot
/// take (down, timeout) is recorded as failed and tried again later; once the server refuses
/// the connection, the rest of the batch waits too, so a mail server outage costs one
/// connection attempt per round.
pub async fn send_claimed(
    store: &Store,
    mailer: &Mailer,
    holder: &str,
    claimed: Vec<OutboxMessage>,
) -> Result<Delivery, StoreError> {
    let mut delivery = Delivery::default();
    let mut outage: Option<String> = None;
    let hold = mailer.limit.saturating_add(Duration::from_secs(60));
    for message in claimed {
        if !store.hold_outbox_message(message.id, holder, hold).await? {
            tracing::info!(message = %message.id, "claim taken over by another instance; not sent here");
            continue;
        }
        let result = match &outage {
            Some(error) => Err(MailError::Unreachable(error.clone())),
            None => match tokio::time::timeout(mailer.limit, mailer.send(&message)).await {
                Ok(result) => result,
                Err(_) => Err(MailError::Unreachable(format!(
                    "no answer within {} s",
                    mailer.limit.as_secs()
                ))),
            },
        };
        match result {
            Ok(()) => {
                store.outbox_sent(message.id).await?;
                delivery.sent += 1;
            }
            Err(error) => {
                if let MailError::Unreachable(text) = &error {
                    outage = Some(text.clone());
                }
                tracing::warn!(message = %message.id, attempts = message.attempts + 1, %error, "e-mail not sent; will retry");
                store
                    .outbox_failed(message.id, message.attempts, &error.to_string())
                    .await?;
                delivery.failed += 1;
            }
        }
    }
    Ok(delivery)
}

pub mod imap;

#[cfg(feature = "testing")]
pub mod testing;
