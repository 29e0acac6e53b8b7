//! Held e-mails ("Zadržené e-maily"): what staff who manage support documents read and
//! decide about. A message is read as text only, its attachments as downloads; staff attach
//! it to a document of the sender's organisation (as the sender's comment), open a new
//! document for a customer user, or discard it. Each decision is audited; of two staff
//! deciding at once, one wins and the other gets a conflict.

use bytes::Bytes;
use supportweb_domain::Actor;
use supportweb_domain::agenda::Agenda;
use supportweb_domain::audit::AuditEvent;
use supportweb_domain::ids::{FileId, UserId};
use supportweb_domain::permissions::{Action, Area};
use supportweb_storage::mail_in::{MailOutcome, MailRecord};
use supportweb_storage::notifications::RecordRef;
use supportweb_storage::support_documents::DocumentRecord;
use uuid::Uuid;

use super::parse::{self, IncomingFile};
use crate::audit::{Concerning, entry};
use crate::choices::Named;
use crate::support_documents::OpenDocument;
use crate::{App, Error, Result};

/// Held messages on one page.
pub const PAGE: i64 = 50;

/// One page of held messages.
#[derive(Debug, Clone)]
pub struct HeldPage {
    /// The messages, newest first.
    pub items: Vec<MailRecord>,
    /// The cursor of the next page.
    pub next: Option<Uuid>,
}

/// A recorded message as staff read it.
#[derive(Debug, Clone)]
pub struct MailMessage {
    /// The record.
    pub mail: MailRecord,
    /// Its attachments: position, name, size in bytes.
    pub files: Vec<(usize, String, usize)>,
    /// The active accounts with the sender's address.
    pub sender_accounts: Vec<Named<UserId>>,
    /// The support document it became part of, if any.
    pub document: Option<DocumentRecord>,
}

/// Who may read and decide about held mail: staff who manage support documents.
fn require_mail_staff(actor: &Actor) -> Result<()> {
    if actor.staff_may(Area::Agenda(Agenda::SupportDocuments), Action::Manage) {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

fn mail_id(text: &str) -> Result<Uuid> {
    text.parse().map_err(|_| Error::NotFound)
}

impl App {
    /// Whether the actor sees held mail (the navigation shows the link).
    pub fn sees_held_mail(&self, actor: &Actor) -> bool {
        require_mail_staff(actor).is_ok()
    }

    /// Held messages, newest first, continuing after `before`.
    pub async fn held_mail(&self, actor: &Actor, before: Option<&str>) -> Result<HeldPage> {
        require_mail_staff(actor)?;
        let before = match before.filter(|b| !b.is_empty()) {
            Some(text) => Some(text.parse().map_err(|_| Error::BadRequest("bad_request"))?),
            None => None,
        };
        let mut items = self.store().held_mail(before, PAGE + 1).await?;
        let next = if items.len() > usize::try_from(PAGE).unwrap_or(50) {
            items.pop();
            items.last().map(|m| m.id)
        } else {
            None
        };
        Ok(HeldPage { items, next })
    }

    /// One recorded message (held or not: staff also read the original of a comment that
    /// came by e-mail).
    pub async fn mail_message(&self, actor: &Actor, id: &str) -> Result<MailMessage> {
        require_mail_staff(actor)?;
        let store = self.store();
        let mail = store.mail(mail_id(id)?).await?.ok_or(Error::NotFound)?;
        let files = self
            .mail_files(mail.id)
            .await?
            .into_iter()
            .enumerate()
            .map(|(i, f)| (i, f.name, f.bytes.len()))
            .collect();
        let sender_accounts = if mail.sender.is_empty() {
            Vec::new()
        } else {
            store
                .active_users_by_email(&mail.sender)
                .await?
                .into_iter()
                .map(|u| Named {
                    id: u.id,
                    name: format!("{} ({})", u.display_name, u.login),
                })
                .collect()
        };
        let document = match mail.record {
            Some(RecordRef {
                agenda: Agenda::SupportDocuments,
                id,
            }) => match self
                .support_documents()
                .document(actor, &id.to_string())
                .await
            {
                Ok(document) => Some(document),
                Err(Error::NotFound) => None,
                Err(other) => return Err(other),
            },
            _ => None,
        };
        Ok(MailMessage {
            mail,
            files,
            sender_accounts,
            document,
        })
    }

    /// Attachment `index` of a recorded message.
    pub async fn mail_file(&self, actor: &Actor, id: &str, index: usize) -> Result<IncomingFile> {
        require_mail_staff(actor)?;
        self.mail_files(mail_id(id)?)
            .await?
            .into_iter()
            .nth(index)
            .ok_or(Error::NotFound)
    }

    async fn mail_files(&self, id: Uuid) -> Result<Vec<IncomingFile>> {
        let raw = self.store().mail_raw(id).await?.ok_or(Error::NotFound)?;
        Ok(parse::parse(&raw).map(|m| m.files).unwrap_or_default())
    }

    /// Attaches a held message to the support document `number` as a public comment of its
    /// sender, who must be the one active account with that address and may comment there.
    pub async fn attach_held(
        &self,
        actor: &Actor,
        id: &str,
        number: &str,
        address: &str,
    ) -> Result<DocumentRecord> {
        let message = self.open_held(actor, id).await?;
        let store = self.store();
        let mut senders = store.active_users_by_email(&message.mail.sender).await?;
        if senders.len() != 1 {
            return Err(Error::field("document", "mail-error-sender-unknown"));
        }
        let sender = store.actor_for(&senders.remove(0)).await?;
        let document_id = store
            .document_id_by_number(number)
            .await?
            .ok_or_else(|| Error::missing("document", "mail-error-document"))?;
        let document = self
            .support_documents()
            .document(&sender, &document_id.to_string())
            .await
            .map_err(|_| Error::field("document", "mail-error-not-allowed"))?;
        let record = RecordRef {
            agenda: Agenda::SupportDocuments,
            id: document.id.0,
        };
        self.claim_decision(actor, &message.mail, MailOutcome::Attached, record)
            .await?;
        let result = async {
            let files = self.held_uploads(&sender, message.mail.id).await?;
            self.support_documents()
                .comment(
                    &sender,
                    &document.id.to_string(),
                    &message.mail.body,
                    false,
                    &files,
                )
                .await
        }
        .await;
        match result {
            Ok(comment) => {
                store.decide_comment(message.mail.id, comment.id.0).await?;
                self.audit_decision(
                    actor,
                    &message.mail,
                    "attached",
                    Some(&document.number),
                    address,
                )
                .await?;
                Ok(document)
            }
            Err(error) => {
                store.undecide_mail(message.mail.id).await?;
                Err(match error {
                    Error::Internal(detail) => Error::Internal(detail),
                    Error::PayloadTooLarge => Error::field("document", "mail-error-too-large"),
                    _ => Error::field("document", "mail-error-not-allowed"),
                })
            }
        }
    }

    /// Opens a support document from a held message for the customer user `reporter`
    /// (a login) of `organisation`, as staff opening it on their behalf.
    pub async fn open_from_held(
        &self,
        actor: &Actor,
        id: &str,
        organisation: &str,
        reporter: &str,
        address: &str,
    ) -> Result<DocumentRecord> {
        let message = self.open_held(actor, id).await?;
        let store = self.store();
        let reporter = match store.user_by_login(reporter).await? {
            Some(user)
                if user.is_active && user.kind != supportweb_domain::user::UserKind::Staff =>
            {
                user
            }
            _ => return Err(Error::field("reporter", "support-error-reporter")),
        };
        let mut form = OpenDocument {
            organisation: organisation.to_owned(),
            category: "question".to_owned(),
            severity: "medium".to_owned(),
            subject: if message.mail.subject.trim().is_empty() {
                message.mail.sender.clone()
            } else {
                message.mail.subject.chars().take(200).collect()
            },
            description: if message.mail.body.trim().is_empty() {
                "—".to_owned()
            } else {
                message.mail.body.clone()
            },
            reporter: reporter.id.to_string(),
            ..OpenDocument::default()
        };
        // Validate before the decision is taken, so a refused form leaves the message held.
        let organisation_id: supportweb_domain::ids::OrganisationId = organisation
            .parse()
            .map_err(|_| Error::missing("organisation", "support-error-organisation"))?;
        let choices = self
            .support_documents()
            .new_document_choices(actor, Some(&organisation_id.to_string()))
            .await
            .map_err(|_| Error::missing("organisation", "support-error-organisation"))?;
        if !choices.reporters.iter().any(|r| r.id == reporter.id) {
            return Err(Error::field("reporter", "support-error-reporter"));
        }
        let placeholder = RecordRef {
            agenda: Agenda::SupportDocuments,
            id: Uuid::nil(),
        };
        self.claim_decision(actor, &message.mail, MailOutcome::Opened, placeholder)
            .await?;
        let result = async {
            form.files = self.held_uploads(actor, message.mail.id).await?;
            self.support_documents().open(actor, &form).await
        }
        .await;
        match result {
            Ok(document) => {
                store
                    .decide_record(
                        message.mail.id,
                        RecordRef {
                            agenda: Agenda::SupportDocuments,
                            id: document.id.0,
                        },
                        Some(document.organisation_id),
                    )
                    .await?;
                self.audit_decision(
                    actor,
                    &message.mail,
                    "opened",
                    Some(&document.number),
                    address,
                )
                .await?;
                Ok(document)
            }
            Err(error) => {
                store.undecide_mail(message.mail.id).await?;
                Err(match error {
                    Error::PayloadTooLarge => Error::field("organisation", "mail-error-too-large"),
                    other => other,
                })
            }
        }
    }

    /// Discards a held message (it stays recorded, decided).
    pub async fn discard_held(&self, actor: &Actor, id: &str, address: &str) -> Result<()> {
        let message = self.open_held(actor, id).await?;
        if !self
            .store()
            .decide_mail(
                message.mail.id,
                actor.user_id,
                MailOutcome::Discarded,
                None,
                None,
            )
            .await?
        {
            return Err(Error::Conflict);
        }
        self.audit_decision(actor, &message.mail, "discarded", None, address)
            .await
    }

    /// A message staff may still decide about.
    async fn open_held(&self, actor: &Actor, id: &str) -> Result<MailMessage> {
        let message = self.mail_message(actor, id).await?;
        if !message.mail.outcome.is_open() {
            return Err(Error::Conflict);
        }
        if message.mail.outcome == MailOutcome::Processing
            && message.mail.received_at > chrono::Utc::now() - supportweb_storage::mail_in::STALE
        {
            return Err(Error::Conflict);
        }
        Ok(message)
    }

    /// Takes the decision about a message, so that nobody else decides at the same time.
    async fn claim_decision(
        &self,
        actor: &Actor,
        mail: &MailRecord,
        outcome: MailOutcome,
        record: RecordRef,
    ) -> Result<()> {
        if self
            .store()
            .decide_mail(mail.id, actor.user_id, outcome, Some(record), None)
            .await?
        {
            Ok(())
        } else {
            Err(Error::Conflict)
        }
    }

    /// The attachments of a recorded message as `actor`'s uploads.
    async fn held_uploads(&self, actor: &Actor, id: Uuid) -> Result<Vec<FileId>> {
        let attachments = self.attachments();
        let mut ids = Vec::new();
        for file in self.mail_files(id).await? {
            let body =
                futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from(file.bytes))]);
            ids.push(attachments.upload(actor, &file.name, body).await?.id);
        }
        Ok(ids)
    }

    async fn audit_decision(
        &self,
        actor: &Actor,
        mail: &MailRecord,
        decision: &str,
        number: Option<&str>,
        address: &str,
    ) -> Result<()> {
        let detail = match number {
            Some(number) => format!(
                "{decision} {number}: {} from {}",
                mail.message_id, mail.sender
            ),
            None => format!("{decision}: {} from {}", mail.message_id, mail.sender),
        };
        self.record_audit(entry(
            AuditEvent::HeldMailDecided,
            Concerning {
                actor: Some(actor.user_id),
                subject: None,
                organisation: mail.organisation_id,
            },
            address,
            detail,
        ))
        .await
    }
}
