//! E-mail in: one pipeline for a message piped in by the mail server (`supportweb mail
//! receive`) and for one fetched from an IMAP mailbox.
//!
//! Every message is recorded once by its Message-ID (a second delivery does nothing) and
//! becomes exactly one of:
//!
//! - a **public comment** of a support document or a customization order — only when its
//!   reply token (the `Reply-To` sub-address of a notification) or its `In-Reply-To` /
//!   `References` point to a message we sent about that record *to that sender*, and the
//!   sender's active account may comment on the record now (rights, membership and contract
//!   read as on the page). A record number in the subject never suffices;
//! - a **new support document**, from an active customer user of exactly one organisation who
//!   may open documents there under a valid contract (answered with its number);
//! - an **answer** explaining how to open the document in the portal (a user of several
//!   organisations, or without a contract or right); nothing is created;
//! - **held** for staff (`/mail/held`, see [`held`]): anything else — never guessed;
//! - **ignored**: automatic mail (out of office, delivery reports, bulk), never answered.

pub mod held;
pub mod parse;
pub mod text;
pub mod token;

use bytes::Bytes;
use chrono::Duration;
use supportweb_domain::Actor;
use supportweb_domain::agenda::Agenda;
use supportweb_domain::ids::{FileId, OrganisationId};
use supportweb_i18n::Tr;
use supportweb_storage::mail_in::{NewMail, Settled};
use supportweb_storage::notifications::{NewMessage, RecordRef};
use supportweb_storage::users::UserRecord;

use crate::support_documents::OpenDocument;
use crate::{App, Error, Result, today};

pub use parse::{Incoming, IncomingFile};
pub use supportweb_storage::mail_in::{MailOutcome, MailRecord};

/// Settings of e-mail in (`[mail_in]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailInSettings {
    /// The support address mail comes to (`podpora@example.cz`); replies go to its
    /// sub-addresses. None: e-mail in is off and notifications carry no reply address.
    pub address: Option<String>,
    /// A reply token is accepted this many days after the last message that carried it.
    pub token_days: i64,
    /// The `authserv-id` of the mail server's `Authentication-Results`: when set, a new
    /// document by e-mail needs its verdict that the sender's domain is authentic (DMARC, or
    /// DKIM of that domain); otherwise the message is held. None: the `From` is trusted as
    /// delivered.
    pub authserv_id: Option<String>,
}

impl Default for MailInSettings {
    fn default() -> Self {
        MailInSettings {
            address: None,
            token_days: 180,
            authserv_id: None,
        }
    }
}

/// Why a message was held, answered or ignored (stored; `mail-reason-…` names it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Not a readable message.
    Unreadable,
    /// No active account has the sender's address.
    UnknownSender,
    /// Several active accounts share the sender's address.
    AmbiguousSender,
    /// A staff member's message to the support address that is no reply.
    StaffSender,
    /// The reply token is not one we issued.
    InvalidToken,
    /// The reply token is older than `token_days`.
    ExpiredToken,
    /// The reply token was issued to someone else than the sender.
    ForeignToken,
    /// The references point to mail we sent to someone else.
    ForeignThread,
    /// The subject names a record, but nothing shows the sender received mail about it.
    NumberWithoutReply,
    /// The record takes no comments by e-mail (a protocol, a patch).
    NotCommentable,
    /// The sender may not comment on the record now (right, membership, closed record).
    NotAllowed,
    /// An attachment is over the upload limit or was refused.
    AttachmentRefused,
    /// Neither text nor attachments.
    Empty,
    /// The text or subject was refused (too long, …).
    Refused,
    /// The sender belongs to several organisations (answered).
    SeveralOrganisations,
    /// The sender's organisation has no valid contract (answered).
    NoContract,
    /// The sender may not open support documents (answered).
    NoRight,
    /// Automatic mail (`Auto-Submitted`).
    AutoSubmitted,
    /// Bulk or list mail.
    Bulk,
    /// A delivery status notification.
    DeliveryReport,
    /// An out-of-office reply.
    OutOfOffice,
    /// Processing broke off (shown for claims staff must look at).
    Interrupted,
    /// Larger than the portal takes; only its beginning is kept.
    TooLarge,
    /// The mail server did not vouch for the sender's address (a new document).
    Unauthenticated,
}

impl Reason {
    /// Every reason.
    pub const ALL: [Reason; 24] = [
        Reason::Unreadable,
        Reason::UnknownSender,
        Reason::AmbiguousSender,
        Reason::StaffSender,
        Reason::InvalidToken,
        Reason::ExpiredToken,
        Reason::ForeignToken,
        Reason::ForeignThread,
        Reason::NumberWithoutReply,
        Reason::NotCommentable,
        Reason::NotAllowed,
        Reason::AttachmentRefused,
        Reason::Empty,
        Reason::Refused,
        Reason::SeveralOrganisations,
        Reason::NoContract,
        Reason::NoRight,
        Reason::AutoSubmitted,
        Reason::Bulk,
        Reason::DeliveryReport,
        Reason::OutOfOffice,
        Reason::Interrupted,
        Reason::TooLarge,
        Reason::Unauthenticated,
    ];

    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Unreadable => "unreadable",
            Reason::UnknownSender => "unknown_sender",
            Reason::AmbiguousSender => "ambiguous_sender",
            Reason::StaffSender => "staff_sender",
            Reason::InvalidToken => "invalid_token",
            Reason::ExpiredToken => "expired_token",
            Reason::ForeignToken => "foreign_token",
            Reason::ForeignThread => "foreign_thread",
            Reason::NumberWithoutReply => "number_without_reply",
            Reason::NotCommentable => "not_commentable",
            Reason::NotAllowed => "not_allowed",
            Reason::AttachmentRefused => "attachment_refused",
            Reason::Empty => "empty",
            Reason::Refused => "refused",
            Reason::SeveralOrganisations => "several_organisations",
            Reason::NoContract => "no_contract",
            Reason::NoRight => "no_right",
            Reason::AutoSubmitted => "auto_submitted",
            Reason::Bulk => "bulk",
            Reason::DeliveryReport => "delivery_report",
            Reason::OutOfOffice => "out_of_office",
            Reason::Interrupted => "interrupted",
            Reason::TooLarge => "too_large",
            Reason::Unauthenticated => "unauthenticated",
        }
    }

    /// Parses [`Reason::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    /// Fluent id of the reason's explanation.
    pub fn label_key(self) -> String {
        format!("mail-reason-{}", self.as_str().replace('_', "-"))
    }
}

/// What became of one incoming message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Received {
    /// A public comment of this record.
    Comment(RecordRef),
    /// A new support document with this number.
    Document(String),
    /// Answered with how to use the portal.
    Answered(Reason),
    /// Held for staff.
    Held(Reason),
    /// Automatic mail, recorded only.
    Ignored(Reason),
    /// Already received (same Message-ID): nothing done.
    Duplicate,
    /// Another delivery of the same message is being processed right now: leave this one
    /// for later (it will be a duplicate then).
    Busy,
}

/// What processing decided, before it is recorded.
struct Decision {
    received: Received,
    organisation: Option<OrganisationId>,
    record: Option<RecordRef>,
    comment: Option<uuid::Uuid>,
}

impl Decision {
    fn held(reason: Reason, record: Option<RecordRef>) -> Self {
        Decision {
            received: Received::Held(reason),
            organisation: None,
            record,
            comment: None,
        }
    }

    fn settled(&self) -> Settled {
        let (outcome, reason) = match &self.received {
            Received::Comment(_) => (MailOutcome::Comment, ""),
            Received::Document(_) => (MailOutcome::Document, ""),
            Received::Answered(r) => (MailOutcome::Answered, r.as_str()),
            Received::Held(r) => (MailOutcome::Held, r.as_str()),
            Received::Ignored(r) => (MailOutcome::Ignored, r.as_str()),
            Received::Duplicate | Received::Busy => (MailOutcome::Ignored, ""),
        };
        Settled {
            outcome,
            reason: reason.to_owned(),
            organisation: self.organisation,
            record: self.record,
            comment: self.comment,
        }
    }
}

/// How much of a message over the size limit is kept for staff.
const KEPT_OF_LARGE: usize = 256 * 1024;

/// Most attachments one message may bring.
const MAX_FILES: usize = 20;

/// Most answers (explanations, confirmations) one address gets in a day: a program that
/// answers every message without marking itself automatic cannot loop with us for long.
const ANSWERS_PER_DAY: i64 = 5;

/// A record number in a subject (`SD-2026-000123`, `CO-2026-0042`, `KP-2026-0007`).
pub fn names_record_number(subject: &str) -> bool {
    let upper = subject.to_ascii_uppercase();
    let bytes = upper.as_bytes();
    ["SD-", "CO-", "KP-"].iter().any(|prefix| {
        upper.match_indices(prefix).any(|(at, _)| {
            let before_ok = at == 0 || !bytes[at - 1].is_ascii_alphanumeric();
            let rest = &bytes[at + 3..];
            before_ok
                && rest.len() >= 6
                && rest[..4].iter().all(u8::is_ascii_digit)
                && rest[4] == b'-'
                && rest[5].is_ascii_digit()
        })
    })
}

/// The reply target a message points to: the record and the account we wrote to.
struct Target {
    record: RecordRef,
    user: UserRecord,
}

impl App {
    /// Receives one message as the mail server delivered it. A database failure is an
    /// error (the caller lets the mail server retry, and the message is not recorded);
    /// everything else is recorded with its outcome.
    pub async fn receive_mail(&self, raw: &[u8]) -> Result<Received> {
        let store = self.store();
        let limit = self.max_message_bytes();
        let too_large = raw.len() > limit;
        // A message over the limit is kept only in part (its headers and beginning), held.
        let kept = if too_large {
            &raw[..KEPT_OF_LARGE.min(raw.len())]
        } else {
            raw
        };
        let Some(incoming) = parse::parse(kept) else {
            let mail = NewMail {
                message_id: parse::digest_id(raw),
                raw: kept.to_vec(),
                ..NewMail::default()
            };
            return self.record_only(&mail, Reason::Unreadable).await;
        };
        let body = text::reply_part(&incoming.text);
        let mail = NewMail {
            message_id: incoming.message_id.clone(),
            sender: incoming.sender.clone(),
            sender_name: incoming.sender_name.clone(),
            subject: incoming.subject.clone(),
            body: body.clone(),
            original: incoming.text.clone(),
            raw: kept.to_vec(),
        };
        if too_large {
            return self.record_only(&mail, Reason::TooLarge).await;
        }
        let Some(id) = store.claim_mail(&mail).await? else {
            return self.already_there(&mail.message_id).await;
        };
        let wrote = std::sync::atomic::AtomicBool::new(false);
        let decision = match self.decide(&incoming, &body, &wrote).await {
            Ok(decision) => decision,
            Err(Error::Internal(detail)) if !wrote.load(std::sync::atomic::Ordering::SeqCst) => {
                // A passing failure (the database went away) before anything was written:
                // forget the claim so that the next delivery is processed; the mail server
                // keeps the message meanwhile.
                if let Err(error) = store.release_mail(id).await {
                    tracing::warn!(%error, "incoming e-mail claim not released; staff will see it held");
                }
                return Err(Error::Internal(detail));
            }
            Err(Error::Internal(detail)) => {
                // The comment or document may exist: never process the message again; staff
                // see it among the held ones and check.
                let interrupted = Decision::held(Reason::Interrupted, None);
                if let Err(error) = store.settle_mail(id, &interrupted.settled()).await {
                    tracing::warn!(%error, "interrupted incoming e-mail stays claimed; staff will see it held");
                }
                return Err(Error::Internal(detail));
            }
            Err(other) => {
                tracing::info!(error = %other, message = %incoming.message_id, "incoming e-mail refused; held for staff");
                Decision::held(Reason::Refused, None)
            }
        };
        store.settle_mail(id, &decision.settled()).await?;
        tracing::info!(message = %incoming.message_id, outcome = ?decision.received, "e-mail received");
        Ok(decision.received)
    }

    /// The largest message taken whole (see [`max_message_bytes`]).
    pub fn max_message_bytes(&self) -> usize {
        max_message_bytes(self.attachments().max_upload_bytes())
    }

    /// Records a message that is only held (unreadable, too large).
    async fn record_only(&self, mail: &NewMail, reason: Reason) -> Result<Received> {
        let store = self.store();
        let Some(id) = store.claim_mail(mail).await? else {
            return self.already_there(&mail.message_id).await;
        };
        let decision = Decision::held(reason, None);
        store.settle_mail(id, &decision.settled()).await?;
        Ok(decision.received)
    }

    /// A message recorded before: a duplicate, or still being processed by another
    /// delivery (then it must not be marked done yet).
    async fn already_there(&self, message_id: &str) -> Result<Received> {
        match self.store().mail_by_message_id(message_id).await? {
            Some(mail)
                if mail.outcome == supportweb_storage::mail_in::MailOutcome::Processing
                    && mail.received_at
                        > chrono::Utc::now() - supportweb_storage::mail_in::STALE =>
            {
                Ok(Received::Busy)
            }
            _ => Ok(Received::Duplicate),
        }
    }

    /// What to make of a message.
    async fn decide(
        &self,
        incoming: &Incoming,
        body: &str,
        wrote: &std::sync::atomic::AtomicBool,
    ) -> Result<Decision> {
        if let Some(reason) = incoming.automatic {
            let reason = Reason::parse(reason).unwrap_or(Reason::AutoSubmitted);
            // Marked by its headers: ignored. Only its subject looks like an out-of-office
            // reply: held for staff (never answered, never a comment), as it may be real.
            if incoming.automatic_by_subject_only {
                return Ok(Decision::held(reason, None));
            }
            return Ok(Decision {
                received: Received::Ignored(reason),
                organisation: None,
                record: None,
                comment: None,
            });
        }
        if incoming.sender.is_empty() {
            return Ok(Decision::held(Reason::UnknownSender, None));
        }
        match self.reply_target(incoming).await? {
            Some(Ok(target)) => self.comment_from_mail(incoming, body, target, wrote).await,
            Some(Err(decision)) => Ok(decision),
            None if names_record_number(&incoming.subject) => {
                Ok(Decision::held(Reason::NumberWithoutReply, None))
            }
            None => self.document_from_mail(incoming, body, wrote).await,
        }
    }

    /// The record a reply is about, from its token or its references; `None` when the
    /// message is no reply to our mail; `Some(Err(held))` when it points to mail that was
    /// not the sender's.
    async fn reply_target(
        &self,
        incoming: &Incoming,
    ) -> Result<Option<std::result::Result<Target, Decision>>> {
        let store = self.store();
        let settings = &self.settings().mail_in;
        let token = settings.address.as_deref().and_then(|address| {
            incoming
                .recipients
                .iter()
                .find_map(|r| token::token_in(r, address))
        });
        let sent = if let Some(token) = token {
            let Some(sent) = store.sent_with_token(&token).await?.into_iter().next() else {
                return Ok(Some(Err(Decision::held(Reason::InvalidToken, None))));
            };
            let (Some(user), Some(record)) = (sent.recipient_id, sent.record) else {
                return Ok(Some(Err(Decision::held(Reason::InvalidToken, None))));
            };
            if !token::verify(&self.settings().secret_key, &token, user, record) {
                return Ok(Some(Err(Decision::held(Reason::InvalidToken, None))));
            }
            if sent.created_at < chrono::Utc::now() - Duration::days(settings.token_days) {
                return Ok(Some(Err(Decision::held(
                    Reason::ExpiredToken,
                    Some(record),
                ))));
            }
            if !sent.recipient_email.eq_ignore_ascii_case(&incoming.sender) {
                return Ok(Some(Err(Decision::held(
                    Reason::ForeignToken,
                    Some(record),
                ))));
            }
            sent
        } else {
            // Only the Message-IDs of messages we sent count: each went to one recipient. The
            // record's thread id is in every notification about it (and guessable from its
            // address), so it threads mail programs but never identifies a sender.
            let domain = self.mail_domain();
            let ids: Vec<uuid::Uuid> = incoming
                .references
                .iter()
                .filter_map(|reference| {
                    let (local, host) = reference.rsplit_once('@')?;
                    if !host.eq_ignore_ascii_case(&domain) {
                        return None;
                    }
                    local.parse().ok()
                })
                .collect();
            let sent_mail = store.sent_with_ids(&ids).await?;
            if sent_mail.is_empty() {
                return Ok(None);
            }
            let first_record = sent_mail.iter().find_map(|s| s.record);
            match sent_mail.into_iter().find(|s| {
                s.recipient_email.eq_ignore_ascii_case(&incoming.sender)
                    && s.record.is_some()
                    && s.recipient_id.is_some()
            }) {
                Some(sent) => sent,
                None => {
                    return Ok(Some(Err(Decision::held(
                        Reason::ForeignThread,
                        first_record,
                    ))));
                }
            }
        };
        let (Some(user_id), Some(record)) = (sent.recipient_id, sent.record) else {
            return Ok(Some(Err(Decision::held(Reason::ForeignThread, None))));
        };
        let user = match store.user(user_id).await? {
            Some(user) if user.is_active && user.email.eq_ignore_ascii_case(&incoming.sender) => {
                user
            }
            _ => return Ok(Some(Err(Decision::held(Reason::NotAllowed, Some(record))))),
        };
        Ok(Some(Ok(Target { record, user })))
    }

    /// A reply that passed the matching: a public comment as its sender, if the sender may
    /// comment on the record now.
    async fn comment_from_mail(
        &self,
        incoming: &Incoming,
        body: &str,
        target: Target,
        wrote: &std::sync::atomic::AtomicBool,
    ) -> Result<Decision> {
        let record = target.record;
        if !matches!(
            record.agenda,
            Agenda::SupportDocuments | Agenda::CustomizationOrders
        ) {
            return Ok(Decision::held(Reason::NotCommentable, Some(record)));
        }
        let actor = self.store().actor_for(&target.user).await?;
        let id = record.id.to_string();
        // The record as the sender sees it now: membership and rights read at this moment.
        let organisation = match record.agenda {
            Agenda::SupportDocuments => self
                .support_documents()
                .document(&actor, &id)
                .await
                .map(|d| d.organisation_id),
            _ => self
                .customization_orders()
                .get(&actor, &id)
                .await
                .map(|o| o.organisation_id),
        };
        let organisation = match organisation {
            Ok(organisation) => organisation,
            Err(Error::Internal(detail)) => return Err(Error::Internal(detail)),
            Err(_) => return Ok(Decision::held(Reason::NotAllowed, Some(record))),
        };
        let held = |reason| Decision {
            organisation: Some(organisation),
            ..Decision::held(reason, Some(record))
        };
        if body.trim().is_empty() && incoming.files.is_empty() {
            return Ok(held(Reason::Empty));
        }
        let files = match self.upload_mail_files(&actor, incoming).await? {
            Some(files) => files,
            None => return Ok(held(Reason::AttachmentRefused)),
        };
        let text = if body.trim().is_empty() {
            "📎".to_owned()
        } else {
            body.to_owned()
        };
        wrote.store(true, std::sync::atomic::Ordering::SeqCst);
        let result = match record.agenda {
            Agenda::SupportDocuments => self
                .support_documents()
                .comment(&actor, &id, &text, false, &files)
                .await
                .map(|c| Some(c.id.0)),
            _ => self
                .customization_orders()
                .comment(&actor, &id, &text, false, &files)
                .await
                .map(|(_, comment)| Some(comment)),
        };
        match result {
            Ok(comment) => Ok(Decision {
                received: Received::Comment(record),
                organisation: Some(organisation),
                record: Some(record),
                comment,
            }),
            Err(Error::Internal(detail)) => Err(Error::Internal(detail)),
            Err(Error::Invalid(_)) => Ok(held(Reason::Refused)),
            Err(_) => Ok(held(Reason::NotAllowed)),
        }
    }

    /// A message that is no reply: a new support document when its sender is an active
    /// customer user of exactly one organisation who may open one there now.
    async fn document_from_mail(
        &self,
        incoming: &Incoming,
        body: &str,
        wrote: &std::sync::atomic::AtomicBool,
    ) -> Result<Decision> {
        let store = self.store();
        if let Some(authserv_id) = self.settings().mail_in.authserv_id.as_deref()
            && !incoming.sender_authenticated(authserv_id)
        {
            return Ok(Decision::held(Reason::Unauthenticated, None));
        }
        let mut users = store.active_users_by_email(&incoming.sender).await?;
        let user = match users.len() {
            0 => return Ok(Decision::held(Reason::UnknownSender, None)),
            1 => users.remove(0),
            _ => return Ok(Decision::held(Reason::AmbiguousSender, None)),
        };
        let actor = store.actor_for(&user).await?;
        if actor.is_staff() {
            return Ok(Decision::held(Reason::StaffSender, None));
        }
        let organisations = match self
            .support_documents()
            .openable_organisations(&actor)
            .await
        {
            Ok(organisations) => organisations,
            Err(Error::Internal(detail)) => return Err(Error::Internal(detail)),
            Err(_) => Vec::new(),
        };
        let answered = |reason, organisation| Decision {
            received: Received::Answered(reason),
            organisation,
            record: None,
            comment: None,
        };
        if actor.memberships.len() > 1 {
            self.answer(&user, incoming, Reason::SeveralOrganisations)
                .await?;
            return Ok(answered(Reason::SeveralOrganisations, None));
        }
        let organisation = match organisations.as_slice() {
            [] => {
                self.answer(&user, incoming, Reason::NoRight).await?;
                return Ok(answered(Reason::NoRight, None));
            }
            [only] => only.id,
            _ => {
                self.answer(&user, incoming, Reason::SeveralOrganisations)
                    .await?;
                return Ok(answered(Reason::SeveralOrganisations, None));
            }
        };
        if store
            .covering_contract(organisation, None, today())
            .await?
            .is_none()
        {
            self.answer(&user, incoming, Reason::NoContract).await?;
            return Ok(answered(Reason::NoContract, Some(organisation)));
        }
        let held = |reason| Decision {
            organisation: Some(organisation),
            ..Decision::held(reason, None)
        };
        if body.trim().is_empty() && incoming.subject.trim().is_empty() {
            return Ok(held(Reason::Empty));
        }
        let Some(files) = self.upload_mail_files(&actor, incoming).await? else {
            return Ok(held(Reason::AttachmentRefused));
        };
        let tr = Tr::new(actor.language);
        let subject: String = if incoming.subject.trim().is_empty() {
            tr.t("mail-in-no-subject")
        } else {
            strip_reply_prefixes(&incoming.subject)
                .chars()
                .take(200)
                .collect()
        };
        let form = OpenDocument {
            organisation: organisation.to_string(),
            category: "question".to_owned(),
            severity: "medium".to_owned(),
            subject,
            description: if body.trim().is_empty() {
                tr.t("mail-in-no-text")
            } else {
                body.to_owned()
            },
            files,
            ..OpenDocument::default()
        };
        wrote.store(true, std::sync::atomic::Ordering::SeqCst);
        let document = match self.support_documents().open(&actor, &form).await {
            Ok(document) => document,
            Err(Error::Internal(detail)) => return Err(Error::Internal(detail)),
            Err(_) => return Ok(held(Reason::Refused)),
        };
        let record = RecordRef {
            agenda: Agenda::SupportDocuments,
            id: document.id.0,
        };
        let subject = format!(
            "[{}] {}",
            document.number,
            tr.t1("mail-in-opened-subject", "subject", &document.subject)
        );
        let body = format!(
            "{}\n\n{}\n",
            tr.t1("mail-in-opened", "number", &document.number),
            tr.t1(
                "mail-open",
                "url",
                &format!(
                    "{}/support-documents/{}",
                    self.settings().public_url,
                    document.id
                )
            )
        );
        // The document exists: a confirmation that cannot be written now is not worth
        // processing the message again (a second document).
        if let Err(error) = self.queue_reply(&user, subject, body, Some(record)).await {
            tracing::warn!(%error, number = %document.number, "confirmation of a document opened by e-mail not written");
        }
        Ok(Decision {
            received: Received::Document(document.number),
            organisation: Some(organisation),
            record: Some(record),
            comment: None,
        })
    }

    /// Stores the attachments of a message as `actor`'s uploads; `None` when one is over
    /// the upload limit (nothing kept then).
    async fn upload_mail_files(
        &self,
        actor: &Actor,
        incoming: &Incoming,
    ) -> Result<Option<Vec<FileId>>> {
        let attachments = self.attachments();
        let limit = attachments.max_upload_bytes();
        if incoming.files.len() > MAX_FILES
            || incoming
                .files
                .iter()
                .any(|f| u64::try_from(f.bytes.len()).unwrap_or(u64::MAX) > limit)
        {
            return Ok(None);
        }
        let mut ids = Vec::with_capacity(incoming.files.len());
        for file in &incoming.files {
            let body = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from(
                file.bytes.clone(),
            ))]);
            match attachments.upload(actor, &file.name, body).await {
                Ok(record) => ids.push(record.id),
                Err(Error::Internal(detail)) => return Err(Error::Internal(detail)),
                Err(_) => return Ok(None),
            }
        }
        Ok(Some(ids))
    }

    /// Answers a message that created nothing, in the sender's language.
    async fn answer(&self, user: &UserRecord, incoming: &Incoming, reason: Reason) -> Result<()> {
        let since = chrono::Utc::now() - Duration::days(1);
        if self.store().answers_since(user.id, since).await? >= ANSWERS_PER_DAY {
            tracing::info!(
                reason = reason.as_str(),
                "no answer: this address got enough today"
            );
            return Ok(());
        }
        let tr = Tr::new(user.language);
        let subject = format!(
            "{} {}",
            tr.t("mail-in-answer-prefix"),
            strip_reply_prefixes(&incoming.subject)
        );
        let body = format!(
            "{}\n\n{}\n\n{}\n",
            tr.t(reason.label_key()),
            tr.t("mail-in-answer-portal"),
            tr.t1(
                "mail-in-answer-open",
                "url",
                &format!("{}/support-documents/new", self.settings().public_url)
            )
        );
        self.queue_reply(user, subject, body, None).await
    }

    /// Writes an answer to the outbox, marked as one (`Auto-Submitted: auto-replied`); about
    /// a record it carries the user's reply address, so answering it continues there.
    async fn queue_reply(
        &self,
        user: &UserRecord,
        subject: String,
        body: String,
        record: Option<RecordRef>,
    ) -> Result<()> {
        let mut message = NewMessage {
            recipient_id: Some(user.id),
            recipient_email: user.email.clone(),
            subject,
            body,
            record,
            auto_reply: true,
            ..NewMessage::default()
        };
        self.add_reply_address(&mut message);
        self.store().queue_answer(&message).await?;
        Ok(())
    }

    /// Gives a message about a support document or an order its recipient's reply token and
    /// reply address, when e-mail in is configured.
    pub(crate) fn add_reply_address(&self, message: &mut NewMessage) {
        let settings = self.settings();
        let (Some(address), Some(record), Some(user)) = (
            settings.mail_in.address.as_deref(),
            message.record,
            message.recipient_id,
        ) else {
            return;
        };
        if !matches!(
            record.agenda,
            Agenda::SupportDocuments | Agenda::CustomizationOrders
        ) {
            return;
        }
        let token = token::reply_token(&settings.secret_key, user, record);
        message.reply_to = token::reply_address(address, &token);
        message.reply_token = Some(token);
    }

    /// The host our Message-IDs name (the host of the public address).
    pub fn mail_domain(&self) -> String {
        host_of(&self.settings().public_url)
    }
}

/// The largest message taken whole with uploads of at most `max_upload` bytes: a full-size
/// attachment in base64 and its text.
pub fn max_message_bytes(max_upload: u64) -> usize {
    usize::try_from(max_upload)
        .unwrap_or(usize::MAX)
        .saturating_mul(2)
        .saturating_add(1 << 20)
}

/// The subject without leading `Re:`, `Odp:`, `Fwd:`, `Fw:`, `AW:`.
fn strip_reply_prefixes(subject: &str) -> &str {
    let mut rest = subject.trim();
    loop {
        let lower = rest.to_lowercase();
        let Some(prefix) = ["re:", "odp:", "fwd:", "fw:", "aw:", "vs:"]
            .iter()
            .find(|p| lower.starts_with(*p))
        else {
            return rest;
        };
        rest = rest[prefix.len()..].trim_start();
    }
}

/// The host of a public address (`https://podpora.example.cz/` → `podpora.example.cz`).
pub fn host_of(public_url: &str) -> String {
    let rest = public_url
        .split_once("://")
        .map_or(public_url, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or(rest);
    let host = if authority.starts_with('[') {
        authority
            .split(']')
            .next()
            .unwrap_or(authority)
            .trim_start_matches('[')
    } else {
        authority.split(':').next().unwrap_or(authority)
    };
    if host.is_empty() {
        "localhost".to_owned()
    } else {
        host.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_numbers_are_recognised_in_subjects() {
        assert!(names_record_number("Re: [SD-2026-000123] Nová odpověď"));
        assert!(names_record_number("co-2026-0042 schválení"));
        assert!(names_record_number("KP-2026-0007"));
        assert!(!names_record_number("Tiskárna ASD-2026-1"));
        assert!(!names_record_number("SD-26-1 nic"));
        assert!(!names_record_number("Dotaz k datové schránce"));
    }

    #[test]
    fn the_host_of_the_public_address_names_the_portal_in_mail() {
        assert_eq!(host_of("https://podpora.example.cz"), "podpora.example.cz");
        assert_eq!(host_of("http://127.0.0.1:8080/"), "127.0.0.1");
        assert_eq!(host_of("http://[::1]:8080"), "::1");
        assert_eq!(
            host_of("https://podpora.example.cz/portal"),
            "podpora.example.cz"
        );
    }

    #[test]
    fn reply_prefixes_are_stripped() {
        assert_eq!(
            strip_reply_prefixes("RE: Odp: Fwd:  Chyba tisku"),
            "Chyba tisku"
        );
        assert_eq!(strip_reply_prefixes("Rekonstrukce"), "Rekonstrukce");
    }
}
