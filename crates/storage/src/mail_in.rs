//! E-mail in: every incoming message recorded once by its Message-ID with what became of
//! it, the messages held for staff, and what outgoing mail tells about a reply (the record
//! and the recipient a reply token or a `References` entry points to).
//!
//! A message is *claimed* by inserting its row first: of two deliveries of the same message
//! (an MTA retrying, two pollers) exactly one inserts it and processes it; the other finds
//! it there and does nothing. A claim whose processing broke off stays `processing` and is
//! listed with the held messages after [`STALE`], for staff to decide, never processed twice.

use chrono::{DateTime, Duration, Utc};
use supportweb_domain::agenda::Agenda;
use supportweb_domain::ids::{OrganisationId, UserId};
use uuid::Uuid;

use crate::notifications::RecordRef;
use crate::{Store, StoreError, now, on_pool};

/// How long a claim may be processing before staff see it among the held messages.
pub const STALE: Duration = Duration::minutes(15);

/// What became of an incoming message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MailOutcome {
    /// Claimed, being processed (or processing broke off).
    Processing,
    /// Became a public comment of a support document or a customization order.
    Comment,
    /// Opened a support document.
    Document,
    /// Answered with how to use the portal; nothing created.
    Answered,
    /// Held for staff.
    Held,
    /// Automatic mail (out of office, delivery report, bulk): recorded, never answered.
    Ignored,
    /// Staff attached a held message to a support document.
    Attached,
    /// Staff opened a support document from a held message.
    Opened,
    /// Staff discarded a held message.
    Discarded,
}

impl MailOutcome {
    /// Every outcome.
    pub const ALL: [MailOutcome; 9] = [
        MailOutcome::Processing,
        MailOutcome::Comment,
        MailOutcome::Document,
        MailOutcome::Answered,
        MailOutcome::Held,
        MailOutcome::Ignored,
        MailOutcome::Attached,
        MailOutcome::Opened,
        MailOutcome::Discarded,
    ];

    /// Database name.
    pub fn as_str(self) -> &'static str {
        match self {
            MailOutcome::Processing => "processing",
            MailOutcome::Comment => "comment",
            MailOutcome::Document => "document",
            MailOutcome::Answered => "answered",
            MailOutcome::Held => "held",
            MailOutcome::Ignored => "ignored",
            MailOutcome::Attached => "attached",
            MailOutcome::Opened => "opened",
            MailOutcome::Discarded => "discarded",
        }
    }

    /// Parses [`MailOutcome::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == text)
    }

    /// Whether staff still have to decide about the message.
    pub fn is_open(self) -> bool {
        matches!(self, MailOutcome::Held | MailOutcome::Processing)
    }
}

/// An incoming message to record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewMail {
    /// Its Message-ID (or a digest of the message when it has none).
    pub message_id: String,
    /// The sender's address, lower case.
    pub sender: String,
    /// The sender's name as written.
    pub sender_name: String,
    /// Subject.
    pub subject: String,
    /// The new text: quoted message and signature cut off.
    pub body: String,
    /// The whole text as received.
    pub original: String,
    /// The message as received.
    pub raw: Vec<u8>,
}

/// What processing made of a claimed message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    /// The outcome.
    pub outcome: MailOutcome,
    /// Why (a reason code, see `supportweb_app::mail_in::Reason`), empty for a comment or a
    /// new document.
    pub reason: String,
    /// The sender's organisation when known.
    pub organisation: Option<OrganisationId>,
    /// The record it was about or became.
    pub record: Option<RecordRef>,
    /// The comment it became.
    pub comment: Option<Uuid>,
}

/// A recorded incoming message (without the message as received).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailRecord {
    /// Id.
    pub id: Uuid,
    /// Its Message-ID.
    pub message_id: String,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// Sender's address.
    pub sender: String,
    /// Sender's name.
    pub sender_name: String,
    /// Subject.
    pub subject: String,
    /// The new text.
    pub body: String,
    /// The whole text.
    pub original: String,
    /// What became of it.
    pub outcome: MailOutcome,
    /// Why.
    pub reason: String,
    /// The sender's organisation when known.
    pub organisation_id: Option<OrganisationId>,
    /// The record it was about or became.
    pub record: Option<RecordRef>,
    /// The comment it became.
    pub comment_id: Option<Uuid>,
    /// Who decided about it (held messages).
    pub decided_by: Option<UserId>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct MailRow {
    id: Uuid,
    message_id: String,
    received_at: DateTime<Utc>,
    sender: String,
    sender_name: String,
    subject: String,
    body: String,
    original: String,
    outcome: String,
    reason: String,
    organisation_id: Option<Uuid>,
    record_agenda: Option<String>,
    record_id: Option<Uuid>,
    comment_id: Option<Uuid>,
    decided_by: Option<Uuid>,
    decided_at: Option<DateTime<Utc>>,
}

const MAIL_COLUMNS: &str = "id, message_id, received_at, sender, sender_name, subject, body, \
    original, outcome, reason, organisation_id, record_agenda, record_id, comment_id, \
    decided_by, decided_at";

fn record_ref(agenda: Option<String>, id: Option<Uuid>) -> Option<RecordRef> {
    Some(RecordRef {
        agenda: Agenda::from_slug(&agenda?)?,
        id: id?,
    })
}

impl MailRow {
    fn into_record(self) -> Result<MailRecord, StoreError> {
        Ok(MailRecord {
            id: self.id,
            message_id: self.message_id,
            received_at: self.received_at,
            sender: self.sender,
            sender_name: self.sender_name,
            subject: self.subject,
            body: self.body,
            original: self.original,
            outcome: MailOutcome::parse(&self.outcome)
                .ok_or_else(|| StoreError::Corrupt(format!("mail outcome {}", self.outcome)))?,
            reason: self.reason,
            organisation_id: self.organisation_id.map(OrganisationId),
            record: record_ref(self.record_agenda, self.record_id),
            comment_id: self.comment_id,
            decided_by: self.decided_by.map(UserId),
            decided_at: self.decided_at,
        })
    }
}

/// A message we sent: to whom and about which record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMail {
    /// The recipient's account.
    pub recipient_id: Option<UserId>,
    /// The address it went to.
    pub recipient_email: String,
    /// The record it was about.
    pub record: Option<RecordRef>,
    /// When it was written.
    pub created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct SentRow {
    recipient_id: Option<Uuid>,
    recipient_email: String,
    record_agenda: Option<String>,
    record_id: Option<Uuid>,
    created_at: DateTime<Utc>,
}

impl SentRow {
    fn into_sent(self) -> SentMail {
        SentMail {
            recipient_id: self.recipient_id.map(UserId),
            recipient_email: self.recipient_email,
            record: record_ref(self.record_agenda, self.record_id),
            created_at: self.created_at,
        }
    }
}

const SENT_COLUMNS: &str = "recipient_id, recipient_email, record_agenda, record_id, created_at";

impl Store {
    /// Records an incoming message as being processed: its id, or `None` when a message
    /// with this Message-ID is already recorded (a duplicate delivery).
    pub async fn claim_mail(&self, mail: &NewMail) -> Result<Option<Uuid>, StoreError> {
        let id = Uuid::now_v7();
        let inserted = on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO mail_in (id, message_id, received_at, sender, sender_name, subject,
                 body, original, raw, outcome, reason)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '')
                 ON CONFLICT (message_id) DO NOTHING",
            )
            .bind(id)
            .bind(mail.message_id.as_str())
            .bind(now())
            .bind(mail.sender.as_str())
            .bind(mail.sender_name.as_str())
            .bind(mail.subject.as_str())
            .bind(mail.body.as_str())
            .bind(mail.original.as_str())
            .bind(mail.raw.as_slice())
            .bind(MailOutcome::Processing.as_str())
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok((inserted == 1).then_some(id))
    }

    /// Forgets a claim whose processing failed for a passing reason (the database went
    /// away), so that the next delivery of the message processes it.
    pub async fn release_mail(&self, id: Uuid) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM mail_in WHERE id = $1 AND outcome = $2")
                .bind(id)
                .bind(MailOutcome::Processing.as_str())
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Records what processing made of a claimed message.
    pub async fn settle_mail(&self, id: Uuid, settled: &Settled) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE mail_in SET outcome = $1, reason = $2, organisation_id = $3,
                 record_agenda = $4, record_id = $5, comment_id = $6
                 WHERE id = $7 AND outcome = $8",
            )
            .bind(settled.outcome.as_str())
            .bind(settled.reason.as_str())
            .bind(settled.organisation.map(|o| o.0))
            .bind(settled.record.map(|r| r.agenda.slug()))
            .bind(settled.record.map(|r| r.id))
            .bind(settled.comment)
            .bind(id)
            .bind(MailOutcome::Processing.as_str())
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(())
    }

    /// Records a staff decision about a held message (or one whose processing broke off):
    /// true when it was still undecided.
    pub async fn decide_mail(
        &self,
        id: Uuid,
        decided_by: UserId,
        outcome: MailOutcome,
        record: Option<RecordRef>,
        comment: Option<Uuid>,
    ) -> Result<bool, StoreError> {
        let changed = on_pool!(self, pool => {
            sqlx::query(
                "UPDATE mail_in SET outcome = $1, decided_by = $2, decided_at = $3,
                 record_agenda = COALESCE($4, record_agenda), record_id = COALESCE($5, record_id),
                 comment_id = $6
                 WHERE id = $7 AND outcome IN ($8, $9)",
            )
            .bind(outcome.as_str())
            .bind(decided_by.0)
            .bind(now())
            .bind(record.map(|r| r.agenda.slug()))
            .bind(record.map(|r| r.id))
            .bind(comment)
            .bind(id)
            .bind(MailOutcome::Held.as_str())
            .bind(MailOutcome::Processing.as_str())
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(changed == 1)
    }

    /// One recorded message.
    pub async fn mail(&self, id: Uuid) -> Result<Option<MailRecord>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {MAIL_COLUMNS} FROM mail_in WHERE id = $1"));
        let row: Option<MailRow> = on_pool!(self, pool => {
            sqlx::query_as(sql).bind(id).fetch_optional(pool).await?
        });
        row.map(MailRow::into_record).transpose()
    }

    /// The message as received.
    pub async fn mail_raw(&self, id: Uuid) -> Result<Option<Vec<u8>>, StoreError> {
        let raw: Option<(Vec<u8>,)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT raw FROM mail_in WHERE id = $1")
                .bind(id)
                .fetch_optional(pool)
                .await?
        });
        Ok(raw.map(|(raw,)| raw))
    }

    /// Messages staff still have to decide about, newest first: held ones, and claims whose
    /// processing broke off more than [`STALE`] ago; `before` continues a page.
    pub async fn held_mail(
        &self,
        before: Option<Uuid>,
        limit: i64,
    ) -> Result<Vec<MailRecord>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {MAIL_COLUMNS} FROM mail_in
             WHERE (outcome = $1 OR (outcome = $2 AND received_at < $3)) AND id < $4
             ORDER BY id DESC LIMIT $5"
        ));
        let before = before.unwrap_or(Uuid::max());
        let rows: Vec<MailRow> = on_pool!(self, pool => {
            sqlx::query_as(sql)
                .bind(MailOutcome::Held.as_str())
                .bind(MailOutcome::Processing.as_str())
                .bind(now() - STALE)
                .bind(before)
                .bind(limit)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(MailRow::into_record).collect()
    }

    /// The messages we sent with this reply token, newest first.
    pub async fn sent_with_token(&self, token: &str) -> Result<Vec<SentMail>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {SENT_COLUMNS} FROM outbox WHERE reply_token = $1 ORDER BY id DESC LIMIT 1"
        ));
        let rows: Vec<SentRow> = on_pool!(self, pool => {
            sqlx::query_as(sql).bind(token).fetch_all(pool).await?
        });
        Ok(rows.into_iter().map(SentRow::into_sent).collect())
    }

    /// The messages we sent with one of these ids (the local parts of their Message-IDs).
    pub async fn sent_with_ids(&self, ids: &[Uuid]) -> Result<Vec<SentMail>, StoreError> {
        let mut out = Vec::new();
        let sql = format!("SELECT {SENT_COLUMNS} FROM outbox WHERE id = $1");
        for id in ids.iter().take(50) {
            let row: Option<SentRow> = on_pool!(self, pool => {
                sqlx::query_as(sqlx::AssertSqlSafe(sql.clone()))
                    .bind(id)
                    .fetch_optional(pool)
                    .await?
            });
            out.extend(row.map(SentRow::into_sent));
        }
        Ok(out)
    }

    /// Writes an answer to an incoming e-mail to the outbox.
    pub async fn queue_answer(
        &self,
        message: &crate::notifications::NewMessage,
    ) -> Result<Uuid, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx.queue_message(None, message, now()).await?;
        tx.commit().await?;
        Ok(id)
    }
}

impl Store {
    /// The support document with this number (`SD-2026-000123`), unscoped: callers read it
    /// through the access layer afterwards.
    pub async fn document_id_by_number(
        &self,
        number: &str,
    ) -> Result<Option<supportweb_domain::ids::DocumentId>, StoreError> {
        let id: Option<(Uuid,)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id FROM support_documents WHERE number = $1")
                .bind(number.trim().to_ascii_uppercase())
                .fetch_optional(pool)
                .await?
        });
        Ok(id.map(|(id,)| supportweb_domain::ids::DocumentId(id)))
    }
}

impl Store {
    /// Names the comment a decided message became.
    pub async fn decide_comment(&self, id: Uuid, comment: Uuid) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE mail_in SET comment_id = $1 WHERE id = $2")
                .bind(comment)
                .bind(id)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Names the record (and its organisation) a decided message became.
    pub async fn decide_record(
        &self,
        id: Uuid,
        record: RecordRef,
        organisation: Option<OrganisationId>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE mail_in SET record_agenda = $1, record_id = $2,
                 organisation_id = COALESCE($3, organisation_id) WHERE id = $4",
            )
            .bind(record.agenda.slug())
            .bind(record.id)
            .bind(organisation.map(|o| o.0))
            .bind(id)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(())
    }

    /// Returns a message whose decision could not be carried out to the held ones.
    pub async fn undecide_mail(&self, id: Uuid) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE mail_in SET outcome = $1, decided_by = NULL, decided_at = NULL
                 WHERE id = $2 AND outcome IN ($3, $4)",
            )
            .bind(MailOutcome::Held.as_str())
            .bind(id)
            .bind(MailOutcome::Attached.as_str())
            .bind(MailOutcome::Opened.as_str())
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(())
    }
}

impl Store {
    /// The comments of a record that came by e-mail, each with its recorded message.
    pub async fn mails_of_record(&self, record: Uuid) -> Result<Vec<(Uuid, Uuid)>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT comment_id, id FROM mail_in WHERE record_id = $1 AND comment_id IS NOT NULL",
            )
            .bind(record)
            .fetch_all(pool)
            .await?
        }))
    }
}

impl Store {
    /// The recorded message with this Message-ID.
    pub async fn mail_by_message_id(
        &self,
        message_id: &str,
    ) -> Result<Option<MailRecord>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {MAIL_COLUMNS} FROM mail_in WHERE message_id = $1"
        ));
        let row: Option<MailRow> = on_pool!(self, pool => {
            sqlx::query_as(sql).bind(message_id).fetch_optional(pool).await?
        });
        row.map(MailRow::into_record).transpose()
    }

    /// How many answers to incoming e-mail went to `user` since `since`.
    pub async fn answers_since(
        &self,
        user: UserId,
        since: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let (count,): (i64,) = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT COUNT(*) FROM outbox WHERE recipient_id = $1 AND auto_reply = $2
                 AND created_at > $3",
            )
            .bind(user.0)
            .bind(true)
            .bind(since)
            .fetch_one(pool)
            .await?
        });
        Ok(count)
    }
}
