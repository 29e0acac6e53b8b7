//! Polling an IMAP mailbox for e-mail in (async-imap). Each round connects, takes the unseen
//! messages of the folder one by one, hands each to the caller and — only after the caller
//! reports its result committed — moves it to the folder for processed mail or marks it seen.
//! A message the caller could not take (the database is down) stays unseen for the next
//! round. Several instances may poll one mailbox: the caller records a message once by its
//! Message-ID, so the instance that loses the race just marks it too.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures_util::TryStreamExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;

/// Where to fetch mail.
#[derive(Clone, PartialEq, Eq)]
pub struct ImapSettings {
    /// Server host name.
    pub host: String,
    /// Server port (993 with TLS, 143 without).
    pub port: u16,
    /// TLS from the first byte (IMAPS); without it only a server on a trusted network.
    pub tls: bool,
    /// User name.
    pub user: String,
    /// Password.
    pub password: String,
    /// The folder to read (`INBOX`).
    pub folder: String,
    /// Where processed messages go; none: they are marked seen and stay.
    pub done_folder: Option<String>,
    /// How long one step of the conversation may take.
    pub timeout: Duration,
}

impl std::fmt::Debug for ImapSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapSettings")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.user)
            .field("password", &"***")
            .field("folder", &self.folder)
            .field("done_folder", &self.done_folder)
            .finish()
    }
}

/// What the caller made of one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handled {
    /// Recorded (or a duplicate): move it away or mark it seen.
    Done,
    /// Not recorded (a passing failure): leave it for the next round and stop this one.
    Retry,
    /// Being processed elsewhere right now: leave it for the next round, go on with the rest.
    Skip,
}

/// Why a round failed.
#[derive(Debug, thiserror::Error)]
pub enum ImapError {
    /// The server could not be reached or the conversation broke off.
    #[error("IMAP server unreachable: {0}")]
    Unreachable(String),
    /// The server refused a command (login, folder).
    #[error("IMAP: {0}")]
    Refused(String),
}

trait Io: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + std::fmt::Debug> Io for T {}

async fn within<T, E: std::fmt::Display>(
    limit: Duration,
    step: impl Future<Output = Result<T, E>>,
) -> Result<T, ImapError> {
    match tokio::time::timeout(limit, step).await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(error)) => Err(ImapError::Refused(error.to_string())),
        Err(_) => Err(ImapError::Unreachable(format!(
            "no answer within {} s",
            limit.as_secs()
        ))),
    }
}

async fn connect(settings: &ImapSettings) -> Result<Box<dyn Io>, ImapError> {
    let tcp = tokio::time::timeout(
        settings.timeout,
        TcpStream::connect((settings.host.as_str(), settings.port)),
    )
    .await
    .map_err(|_| ImapError::Unreachable("connection timed out".into()))?
    .map_err(|e| ImapError::Unreachable(e.to_string()))?;
    if !settings.tls {
        return Ok(Box::new(tcp));
    }
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let config = rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from(settings.host.clone())
        .map_err(|e| ImapError::Refused(format!("server name: {e}")))?;
    let stream = tokio::time::timeout(
        settings.timeout,
        tokio_rustls::TlsConnector::from(Arc::new(config)).connect(name, tcp),
    )
    .await
    .map_err(|_| ImapError::Unreachable("TLS handshake timed out".into()))?
    .map_err(|e| ImapError::Unreachable(format!("TLS: {e}")))?;
    Ok(Box::new(stream))
}

/// One round: hands each unseen message (at most `batch`) to `handle` and moves or marks
/// it once handled; returns how many were handled.
pub async fn poll_once<F, Fut>(
    settings: &ImapSettings,
    batch: usize,
    mut handle: F,
) -> Result<usize, ImapError>
where
    F: FnMut(Vec<u8>) -> Fut,
    Fut: Future<Output = Handled>,
{
    let limit = settings.timeout;
    let stream = connect(settings).await?;
    let mut client = async_imap::Client::new(stream);
    within(limit, client.read_response()).await?;
    let mut session = within(limit, async {
        client
            .login(&settings.user, &settings.password)
            .await
            .map_err(|(e, _)| e)
    })
    .await?;
    within(limit, session.select(&settings.folder)).await?;
    if let Some(done) = &settings.done_folder {
        // Exists already after the first round; the refusal then is expected.
        let _ = within(limit, session.create(done)).await;
    }
    let mut uids: Vec<u32> = within(limit, session.uid_search("UNSEEN NOT DELETED"))
        .await?
        .into_iter()
        .collect();
    uids.sort_unstable();
    let mut handled = 0;
    for uid in uids.into_iter().take(batch) {
        let set = uid.to_string();
        let fetched: Vec<_> = within(limit, async {
            session
                .uid_fetch(&set, "BODY.PEEK[]")
                .await?
                .try_collect::<Vec<_>>()
                .await
        })
        .await?;
        let Some(body) = fetched.iter().find_map(|f| f.body().map(<[u8]>::to_vec)) else {
            // Moved away by another instance meanwhile.
            continue;
        };
        match handle(body).await {
            Handled::Retry => break,
            Handled::Skip => continue,
            Handled::Done => {}
        }
        match &settings.done_folder {
            Some(done) => within(limit, session.uid_mv(&set, done)).await?,
            None => {
                within(limit, async {
                    session
                        .uid_store(&set, "+FLAGS (\\Seen)")
                        .await?
                        .try_collect::<Vec<_>>()
                        .await
                })
                .await?;
            }
        }
        handled += 1;
    }
    let _ = within(limit, session.logout()).await;
    Ok(handled)
}
