//! Reading an incoming message with `mail-parser` (MIME structure, charsets such as
//! `windows-1250` and `iso-8859-2`, quoted-printable and base64, RFC 2047 words, HTML turned
//! into text) into what the matching needs.

use mail_parser::{MessageParser, MimeHeaders};
use sha2::{Digest, Sha256};

use super::text;

/// An attachment of an incoming message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingFile {
    /// File name as the sender's program named it (decoded).
    pub name: String,
    /// The content.
    pub bytes: Vec<u8>,
}

/// An incoming message, decoded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Incoming {
    /// `Message-ID` without angle brackets, or `sha256:…` of the message when it has none.
    pub message_id: String,
    /// The sender's address (`From`), lower case; empty when it has none.
    pub sender: String,
    /// The sender's name.
    pub sender_name: String,
    /// Every address it was sent to (`To`, `Cc`, `Delivered-To`, `X-Original-To`), lower case.
    pub recipients: Vec<String>,
    /// Subject (decoded).
    pub subject: String,
    /// The message ids of `In-Reply-To` and `References`, without angle brackets.
    pub references: Vec<String>,
    /// Why it is automatic mail (out of office, delivery report, bulk), if it is.
    pub automatic: Option<&'static str>,
    /// Only its subject says it is automatic (no header does): it may be real mail.
    pub automatic_by_subject_only: bool,
    /// The `Authentication-Results` headers (RFC 8601) as received.
    pub authentication_results: Vec<String>,
    /// The whole text (HTML-only mail converted, `format=flowed` joined).
    pub text: String,
    /// Attachments.
    pub files: Vec<IncomingFile>,
}

/// The id of a message without a `Message-ID`: `sha256:` and the digest of its bytes, so the
/// same message delivered twice is still recognised.
pub fn digest_id(raw: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(raw)))
}

/// Decodes `raw`; `None` when it is not a message at all.
pub fn parse(raw: &[u8]) -> Option<Incoming> {
    let message = MessageParser::default().parse(raw)?;
    if message.headers().is_empty() {
        return None;
    }
    let message_id = match message.message_id() {
        Some(id) if !id.trim().is_empty() => id.trim().to_owned(),
        _ => digest_id(raw),
    };
    let (sender, sender_name) = message
        .from()
        .and_then(|from| from.first())
        .map(|addr| {
            (
                addr.address().unwrap_or_default().trim().to_lowercase(),
                clean(addr.name().unwrap_or_default().trim()),
            )
        })
        .unwrap_or_default();
    let mut recipients: Vec<String> = message
        .to()
        .into_iter()
        .chain(message.cc())
        .flat_map(|list| list.iter())
        .filter_map(|addr| addr.address())
        .map(|a| a.trim().to_lowercase())
        .collect();
    for (name, value) in message.headers_raw() {
        if name.eq_ignore_ascii_case("Delivered-To") || name.eq_ignore_ascii_case("X-Original-To") {
            recipients.push(value.trim().trim_matches(['<', '>']).to_lowercase());
        }
    }
    let authentication_results = message
        .headers_raw()
        .filter(|(name, _)| name.eq_ignore_ascii_case("Authentication-Results"))
        .map(|(_, value)| value.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    let mut references = Vec::new();
    for value in [message.in_reply_to(), message.references()] {
        if let Some(list) = value.as_text_list() {
            references.extend(list.iter().map(|id| id.trim().to_owned()));
        } else if let Some(id) = value.as_text() {
            references.push(id.trim().to_owned());
        }
    }
    let subject = clean(message.subject().unwrap_or_default().trim());
    let by_headers = automatic(&message);
    let by_subject = out_of_office_subject(&subject);
    let automatic = by_headers.or(by_subject);
    let mut body = String::new();
    if let Some(part) = message.text_part(0) {
        let flowed = part
            .content_type()
            .and_then(|ct| ct.attribute("format"))
            .is_some_and(|f| f.eq_ignore_ascii_case("flowed"));
        let delsp = part
            .content_type()
            .and_then(|ct| ct.attribute("delsp"))
            .is_some_and(|d| d.eq_ignore_ascii_case("yes"));
        let decoded = message.body_text(0).unwrap_or_default();
        body = if flowed && !part.is_text_html() {
            text::unflow(&decoded, delsp)
        } else {
            decoded.into_owned()
        };
    }
    let files = message
        .attachments()
        .filter(|part| !part.is_message() || part.attachment_name().is_some())
        .map(|part| IncomingFile {
            name: part
                .attachment_name()
                .map(str::to_owned)
                .unwrap_or_else(|| "priloha.bin".to_owned()),
            bytes: part.contents().to_vec(),
        })
        .collect();
    Some(Incoming {
        message_id,
        sender,
        sender_name,
        recipients,
        subject,
        references,
        automatic,
        automatic_by_subject_only: by_headers.is_none() && by_subject.is_some(),
        authentication_results,
        text: clean(&text::normalise(&body)),
        files,
    })
}

/// Text without NUL and other control characters but line ends and tabs (a database refuses
/// NUL; the rest only disguises text).
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || matches!(c, '\n' | '\t'))
        .collect()
}

/// Why a message is automatic by its headers (RFC 3834 `Auto-Submitted`, `Precedence`,
/// delivery status notifications, `X-Autoreply`), so it is never answered nor commented.
fn automatic(message: &mail_parser::Message<'_>) -> Option<&'static str> {
    let header = |name: &str| {
        message
            .headers_raw()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim().to_ascii_lowercase())
    };
    if header("Auto-Submitted").is_some_and(|v| !v.starts_with("no")) {
        return Some("auto_submitted");
    }
    match header("Precedence").as_deref() {
        Some("bulk" | "junk" | "list") => return Some("bulk"),
        Some("auto_reply") => return Some("out_of_office"),
        _ => {}
    }
    if message.is_content_type("multipart", "report")
        || message.is_content_type("message", "delivery-status")
        || message.return_address().is_some_and(str::is_empty)
        || header("Return-Path").is_some_and(|v| v == "<>")
    {
        return Some("delivery_report");
    }
    if header("X-Autoreply").is_some() || header("X-Autorespond").is_some() {
        return Some("out_of_office");
    }
    if header("List-Id").is_some() || header("List-Unsubscribe").is_some() {
        return Some("bulk");
    }
    None
}

/// Whether a subject reads like an out-of-office reply.
fn out_of_office_subject(subject: &str) -> Option<&'static str> {
    let lower = subject.to_lowercase();
    [
        "out of office",
        "automatic reply",
        "autoreply",
        "auto-reply",
        "automatická odpověď",
        "nepřítomnost",
        "mimo kancelář",
    ]
    .iter()
    .any(|mark| lower.starts_with(mark) || lower.contains(&format!(": {mark}")))
    .then_some("out_of_office")
}

impl Incoming {
    /// Whether the mail server `authserv_id` vouches for the sender's domain: DMARC passed,
    /// or a DKIM signature of the sender's own domain verified (RFC 8601 results it added).
    pub fn sender_authenticated(&self, authserv_id: &str) -> bool {
        let domain = self
            .sender
            .rsplit_once('@')
            .map(|(_, d)| d.to_ascii_lowercase())
            .unwrap_or_default();
        let own_signature = [format!("header.d={domain}"), format!("header.i=@{domain}")];
        self.authentication_results.iter().any(|value| {
            let mut parts = value.split(';');
            let id = parts
                .next()
                .and_then(|first| first.split_whitespace().next())
                .unwrap_or_default();
            if !id.eq_ignore_ascii_case(authserv_id) {
                return false;
            }
            parts.any(|result| {
                let result = result.trim().to_ascii_lowercase();
                result.starts_with("dmarc=pass")
                    || (result.starts_with("dkim=pass")
                        && result
                            .split_whitespace()
                            .any(|p| own_signature.iter().any(|own| own == p)))
            })
        })
    }
}
