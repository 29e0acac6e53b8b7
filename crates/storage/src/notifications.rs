//! The durable notification pipeline, shared safely by several application instances:
//!
//! 1. A change writes a notification *event* in its own transaction, so an event exists
//!    exactly when the change does.
//! 2. A worker claims pending events (a lease, taken by a guarded update that only one
//!    instance can win), works out recipients and renders each message in the recipient's
//!    language, and writes the *outbox* rows and marks the event processed in one
//!    transaction.
//! 3. A sender claims outbox rows the same way, speaks SMTP, and marks each row sent. When
//!    the mail server is down a row waits for its next attempt; nothing is lost.
//!
//! Scheduled work (auto-close, SLA checks) takes a named [`Store::take_lease`] so that only
//! one instance runs it at a time.

use chrono::{DateTime, Duration, Utc};
use supportweb_domain::ids::UserId;
use uuid::Uuid;

use crate::{Store, StoreError, Tx, now, on_pool, on_tx};

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    /// A support document was opened.
    DocumentCreated,
    /// A public reply on a support document.
    DocumentReply,
    /// An internal note on a support document.
    DocumentNote,
    /// A support document changed state (detail `from>to`).
    DocumentState,
    /// A support document missed an SLA deadline.
    SlaBreach,
    /// A patch was published.
    PatchPublished,
    /// A protocol was issued (detail: the revision).
    ProtocolIssued,
    /// A verifier objected to a protocol.
    ProtocolObjected,
    /// A verifier confirmed a protocol.
    ProtocolConfirmed,
    /// An agreed task is due within days.
    TaskDueSoon,
    /// An agreed task is overdue.
    TaskOverdue,
    /// A customer submitted a customization requirement.
    OrderSubmitted,
    /// Staff issued a quote revision (detail: the revision).
    QuoteIssued,
    /// The signatory approved a quote.
    OrderApproved,
    /// The signatory rejected a quote.
    OrderRejected,
    /// Staff delivered an order.
    OrderDelivered,
    /// The signatory returned a quote for a new revision.
    OrderReturned,
    /// The customer accepted a delivery (with or without reservations).
    OrderAccepted,
    /// The customer did not accept a delivery: back to development.
    OrderNotAccepted,
    /// An order was cancelled before development.
    OrderCancelled,
    /// A public reply in an order's conversation.
    OrderReply,
    /// An internal note in an order's conversation.
    OrderNote,
}

impl EventKind {
    /// Every kind.
    pub const ALL: [EventKind; 22] = [
        EventKind::DocumentCreated,
        EventKind::DocumentReply,
        EventKind::DocumentNote,
        EventKind::DocumentState,
        EventKind::SlaBreach,
        EventKind::PatchPublished,
        EventKind::ProtocolIssued,
        EventKind::ProtocolObjected,
        EventKind::ProtocolConfirmed,
        EventKind::TaskDueSoon,
        EventKind::TaskOverdue,
        EventKind::OrderSubmitted,
        EventKind::QuoteIssued,
        EventKind::OrderApproved,
        EventKind::OrderRejected,
        EventKind::OrderDelivered,
        EventKind::OrderReturned,
        EventKind::OrderAccepted,
        EventKind::OrderNotAccepted,
        EventKind::OrderCancelled,
        EventKind::OrderReply,
        EventKind::OrderNote,
    ];

    /// Database name, also the preference key.
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::DocumentCreated => "document_created",
            EventKind::DocumentReply => "document_reply",
            EventKind::DocumentNote => "document_note",
            EventKind::DocumentState => "document_state",
            EventKind::SlaBreach => "sla_breach",
            EventKind::PatchPublished => "patch_published",
            EventKind::ProtocolIssued => "protocol_issued",
            EventKind::ProtocolObjected => "protocol_objected",
            EventKind::ProtocolConfirmed => "protocol_confirmed",
            EventKind::TaskDueSoon => "task_due_soon",
            EventKind::TaskOverdue => "task_overdue",
            EventKind::OrderSubmitted => "order_submitted",
            EventKind::QuoteIssued => "quote_issued",
            EventKind::OrderApproved => "order_approved",
            EventKind::OrderRejected => "order_rejected",
            EventKind::OrderDelivered => "order_delivered",
            EventKind::OrderReturned => "order_returned",
            EventKind::OrderAccepted => "order_accepted",
            EventKind::OrderNotAccepted => "order_not_accepted",
            EventKind::OrderCancelled => "order_cancelled",
            EventKind::OrderReply => "order_reply",
            EventKind::OrderNote => "order_note",
        }
    }

    /// The agenda whose record the event is about (which notifier renders it).
    pub fn agenda(self) -> supportweb_domain::agenda::Agenda {
        use supportweb_domain::agenda::Agenda;
        match self {
            EventKind::DocumentCreated
            | EventKind::DocumentReply
            | EventKind::DocumentNote
            | EventKind::DocumentState
            | EventKind::SlaBreach => Agenda::SupportDocuments,
            EventKind::PatchPublished => Agenda::Podpora,
            EventKind::ProtocolIssued
            | EventKind::ProtocolObjected
            | EventKind::ProtocolConfirmed
            | EventKind::TaskDueSoon
            | EventKind::TaskOverdue => Agenda::Protocols,
            EventKind::OrderSubmitted
            | EventKind::QuoteIssued
            | EventKind::OrderApproved
            | EventKind::OrderRejected
            | EventKind::OrderDelivered
            | EventKind::OrderReturned
            | EventKind::OrderAccepted
            | EventKind::OrderNotAccepted
            | EventKind::OrderCancelled
            | EventKind::OrderReply
            | EventKind::OrderNote => Agenda::CustomizationOrders,
        }
    }

    /// Parses [`EventKind::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

/// A claimed event to turn into messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRecord {
    /// Id.
    pub id: Uuid,
    /// Kind.
    pub kind: EventKind,
    /// The record it is about.
    pub entity_id: Uuid,
    /// Who caused it (none: the portal itself).
    pub actor_id: Option<UserId>,
    /// The comment it is about, if any.
    pub comment_id: Option<Uuid>,
    /// Kind-specific detail (e.g. `in_progress>resolved`).
    pub detail: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A rendered message for one recipient.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NewMessage {
    /// The account (for preferences and the recipient's own view of sent mail).
    pub recipient_id: Option<UserId>,
    /// Address.
    pub recipient_email: String,
    /// Subject.
    pub subject: String,
    /// Plain-text body.
    pub body: String,
    /// The record the message is about (threading, replies); filled from the event.
    pub record: Option<RecordRef>,
    /// The recipient's reply token for that record (see `supportweb_app::mail_in`).
    pub reply_token: Option<String>,
    /// The address replies go to (carries the reply token).
    pub reply_to: Option<String>,
    /// An answer to an incoming e-mail (`Auto-Submitted: auto-replied`), not a notification.
    pub auto_reply: bool,
}

/// A record a message is about: its agenda and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordRef {
    /// The agenda.
    pub agenda: supportweb_domain::agenda::Agenda,
    /// The record's id.
    pub id: Uuid,
}

impl RecordRef {
    /// The Message-ID every message about this record refers to, so mail programs thread
    /// them: `<support-documents.{id}@{domain}>`.
    pub fn thread_id(&self, domain: &str) -> String {
        format!("<{}.{}@{}>", self.agenda.slug(), self.id, domain)
    }
}

/// A claimed outbox row to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// Id (also the Message-ID's local part).
    pub id: Uuid,
    /// Address.
    pub recipient_email: String,
    /// Subject.
    pub subject: String,
    /// Body.
    pub body: String,
    /// Attempts so far.
    pub attempts: i64,
    /// The record it is about.
    pub record: Option<RecordRef>,
    /// The address replies go to.
    pub reply_to: Option<String>,
    /// An answer to an incoming e-mail rather than a notification.
    pub auto_reply: bool,
}

/// The state of one outbox row, for tests and the operator.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OutboxEntry {
    /// Id (the local part of its Message-ID).
    pub id: Uuid,
    /// The address replies go to.
    pub reply_to: Option<String>,
    /// Address.
    pub recipient_email: String,
    /// Subject.
    pub subject: String,
    /// Body.
    pub body: String,
    /// Attempts.
    pub attempts: i64,
    /// When it was sent.
    pub sent_at: Option<DateTime<Utc>>,
    /// The last failure.
    pub last_error: Option<String>,
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: Uuid,
    kind: String,
    entity_id: Uuid,
    actor_id: Option<Uuid>,
    comment_id: Option<Uuid>,
    detail: String,
    created_at: DateTime<Utc>,
}

/// How long a claim lasts before another instance may take the row over.
const CLAIM: Duration = Duration::minutes(5);

impl Tx {
    /// Records an event in the transaction of the change it describes.
    pub async fn record_event(
        &mut self,
        kind: EventKind,
        entity_id: Uuid,
        actor: Option<UserId>,
        comment: Option<Uuid>,
        detail: &str,
    ) -> Result<(), StoreError> {
        on_tx!(self, conn => {
            sqlx::query(
                "INSERT INTO notification_events (id, kind, entity_id, actor_id, comment_id, detail,
                 created_at, claimed_until, processed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, NULL)",
            )
            .bind(Uuid::now_v7())
            .bind(kind.as_str())
            .bind(entity_id)
            .bind(actor.map(|a| a.0))
            .bind(comment)
            .bind(detail)
            .bind(now())
            .execute(conn)
            .await?
            .rows_affected()
        });
        Ok(())
    }
}

impl Tx {
    /// Writes one message to the outbox (of event `event`, or none for an answer to an
    /// incoming e-mail); returns its id, which is also its Message-ID.
    pub async fn queue_message(
        &mut self,
        event: Option<Uuid>,
        message: &NewMessage,
        at: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        let id = Uuid::now_v7();
        on_tx!(self, conn => {
            sqlx::query(
                "INSERT INTO outbox (id, event_id, recipient_id, recipient_email, subject, body,
                 created_at, next_attempt_at, attempts, claimed_by, claimed_until, sent_at, last_error,
                 record_agenda, record_id, reply_token, reply_to, auto_reply)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $7, 0, NULL, NULL, NULL, NULL, $8, $9, $10, $11, $12)",
            )
            .bind(id)
            .bind(event)
            .bind(message.recipient_id.map(|r| r.0))
            .bind(message.recipient_email.as_str())
            .bind(message.subject.as_str())
            .bind(message.body.as_str())
            .bind(at)
            .bind(message.record.map(|r| r.agenda.slug()))
            .bind(message.record.map(|r| r.id))
            .bind(message.reply_token.as_deref())
            .bind(message.reply_to.as_deref())
            .bind(message.auto_reply)
            .execute(conn)
            .await?
            .rows_affected()
        });
        Ok(id)
    }
}

/// A claimed outbox row as read.
#[derive(sqlx::FromRow)]
struct OutboxRow {
    id: Uuid,
    recipient_email: String,
    subject: String,
    body: String,
    attempts: i64,
    record_agenda: Option<String>,
    record_id: Option<Uuid>,
    reply_to: Option<String>,
    auto_reply: bool,
}

impl OutboxRow {
    fn into_message(self) -> OutboxMessage {
        let record = match (self.record_agenda, self.record_id) {
            (Some(agenda), Some(id)) => supportweb_domain::agenda::Agenda::from_slug(&agenda)
                .map(|agenda| RecordRef { agenda, id }),
            _ => None,
        };
        OutboxMessage {
            id: self.id,
            recipient_email: self.recipient_email,
            subject: self.subject,
            body: self.body,
            attempts: self.attempts,
            record,
            reply_to: self.reply_to,
            auto_reply: self.auto_reply,
        }
    }
}

impl Store {
    /// The e-mails not sent yet: how many, and when the oldest was written.
    pub async fn outbox_backlog(&self) -> Result<(i64, Option<DateTime<Utc>>), StoreError> {
        // The unsent rows are few and found through `outbox_pending_idx`.
        Ok(on_pool!(self, pool => {
            sqlx::query_as("SELECT COUNT(*), MIN(created_at) FROM outbox WHERE sent_at IS NULL")
                .fetch_one(pool)
                .await?
        }))
    }

    /// Claims up to `limit` pending events for this instance. A claim is taken by a guarded
    /// update, so of several instances exactly one wins each event; an instance that dies
    /// leaves its claim to expire.
    pub async fn claim_events(&self, limit: i64) -> Result<Vec<EventRecord>, StoreError> {
        let at = now();
        let candidates: Vec<EventRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, kind, entity_id, actor_id, comment_id, detail, created_at
                 FROM notification_events WHERE processed_at IS NULL
                 AND (claimed_until IS NULL OR claimed_until < $1) ORDER BY id LIMIT $2",
            )
            .bind(at)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        let mut claimed = Vec::new();
        for row in candidates {
            let won = on_pool!(self, pool => {
                sqlx::query(
                    "UPDATE notification_events SET claimed_until = $1 WHERE id = $2
                     AND processed_at IS NULL AND (claimed_until IS NULL OR claimed_until < $3)",
                )
                .bind(at + CLAIM)
                .bind(row.id)
                .bind(at)
                .execute(pool)
                .await?
                .rows_affected()
            });
            if won != 1 {
                continue;
            }
            let Some(kind) = EventKind::parse(&row.kind) else {
                // An event of a kind this build does not know: leave it processed, never sent.
                self.finish_event(row.id, &[]).await?;
                continue;
            };
            claimed.push(EventRecord {
                id: row.id,
                kind,
                entity_id: row.entity_id,
                actor_id: row.actor_id.map(UserId),
                comment_id: row.comment_id,
                detail: row.detail,
                created_at: row.created_at,
            });
        }
        Ok(claimed)
    }

    /// Writes the messages of a claimed event to the outbox and marks it processed, in one
    /// transaction; if the event was already processed (a claim that expired and was taken
    /// over), nothing is written.
    pub async fn finish_event(
        &self,
        event: Uuid,
        messages: &[NewMessage],
    ) -> Result<(), StoreError> {
        let at = now();
        let mut tx = self.begin().await?;
        let marked = on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE notification_events SET processed_at = $1 WHERE id = $2 AND processed_at IS NULL",
            )
            .bind(at)
            .bind(event)
            .execute(conn)
            .await?
            .rows_affected()
        });
        if marked != 1 {
            return Ok(());
        }
        for message in messages {
            tx.queue_message(Some(event), message, at).await?;
        }
        tx.commit().await
    }

    /// Claims up to `limit` messages due for sending for instance `holder`, exactly like
    /// [`Store::claim_events`].
    pub async fn claim_outbox(
        &self,
        holder: &str,
        limit: i64,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        let at = now();
        let candidates: Vec<OutboxRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, recipient_email, subject, body, attempts, record_agenda, record_id,
                 reply_to, auto_reply FROM outbox
                 WHERE sent_at IS NULL AND next_attempt_at <= $1
                 AND (claimed_until IS NULL OR claimed_until < $1) ORDER BY next_attempt_at, id LIMIT $2",
            )
            .bind(at)
            .bind(limit)
            .fetch_all(pool)
            .await?
        });
        let mut claimed = Vec::new();
        for row in candidates {
            let id = row.id;
            let won = on_pool!(self, pool => {
                sqlx::query(
                    "UPDATE outbox SET claimed_by = $1, claimed_until = $2 WHERE id = $3
                     AND sent_at IS NULL AND (claimed_until IS NULL OR claimed_until < $4)",
                )
                .bind(holder)
                .bind(at + CLAIM)
                .bind(id)
                .bind(at)
                .execute(pool)
                .await?
                .rows_affected()
            });
            if won == 1 {
                claimed.push(row.into_message());
            }
        }
        Ok(claimed)
    }

    /// Holds a message claimed by `holder` for `span` more, right before it is sent: true
    /// when `holder` still has it unsent. A claim that ran out and went to another instance
    /// stays with that one, so a slow batch never sends a message the other instance sends.
    pub async fn hold_outbox_message(
        &self,
        id: Uuid,
        holder: &str,
        span: std::time::Duration,
    ) -> Result<bool, StoreError> {
        let span = Duration::from_std(span).unwrap_or(CLAIM).max(CLAIM);
        let held = on_pool!(self, pool => {
            sqlx::query(
                "UPDATE outbox SET claimed_until = $1 WHERE id = $2 AND claimed_by = $3
                 AND sent_at IS NULL",
            )
            .bind(now() + span)
            .bind(id)
            .bind(holder)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(held == 1)
    }

    /// Marks a claimed message sent.
    pub async fn outbox_sent(&self, id: Uuid) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE outbox SET sent_at = $1, attempts = attempts + 1, claimed_until = NULL WHERE id = $2")
                .bind(now())
                .bind(id)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Records a failed attempt; the message is tried again after a back-off that grows with
    /// the attempts (30 s, 1 min, 2 min, … at most 1 h).
    pub async fn outbox_failed(
        &self,
        id: Uuid,
        attempts_before: i64,
        error: &str,
    ) -> Result<(), StoreError> {
        let shift = u32::try_from(attempts_before.clamp(0, 7)).unwrap_or(7);
        let wait = Duration::seconds((30_i64 << shift).min(3600));
        let error: String = error.chars().take(500).collect();
        on_pool!(self, pool => {
            sqlx::query(
                "UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2,
                 claimed_until = NULL WHERE id = $3",
            )
            .bind(error.as_str())
            .bind(now() + wait)
            .bind(id)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(())
    }

    /// Makes every waiting message due now (the operator's "retry now", and tests).
    pub async fn outbox_retry_now(&self) -> Result<u64, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query("UPDATE outbox SET next_attempt_at = $1 WHERE sent_at IS NULL")
                .bind(now())
                .execute(pool)
                .await?
                .rows_affected()
        }))
    }

    /// Every outbox row, oldest first.
    pub async fn outbox_entries(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, reply_to, recipient_email, subject, body, attempts, sent_at, last_error
                 FROM outbox ORDER BY id",
            )
            .fetch_all(pool)
            .await?
        }))
    }

    /// Takes (or renews) the named lease for `holder` until `for_how_long` from now, if
    /// nobody else holds it. Only the holder runs the scheduled work it guards.
    pub async fn take_lease(
        &self,
        name: &str,
        holder: &str,
        for_how_long: Duration,
    ) -> Result<bool, StoreError> {
        let at = now();
        let taken = on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO job_leases (name, holder, lease_until) VALUES ($1, $2, $3)
                 ON CONFLICT (name) DO UPDATE SET holder = $2, lease_until = $3
                 WHERE job_leases.lease_until < $4 OR job_leases.holder = $2",
            )
            .bind(name)
            .bind(holder)
            .bind(at + for_how_long)
            .bind(at)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(taken == 1)
    }

    /// The notification kinds a user switched off.
    pub async fn disabled_notifications(&self, user: UserId) -> Result<Vec<String>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT kind FROM notification_preferences WHERE user_id = $1 AND enabled = $2 ORDER BY kind",
            )
            .bind(user.0)
            .bind(false)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Switches one notification kind on or off for a user.
    pub async fn set_notification(
        &self,
        user: UserId,
        kind: EventKind,
        enabled: bool,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO notification_preferences (user_id, kind, enabled) VALUES ($1, $2, $3)
                 ON CONFLICT (user_id, kind) DO UPDATE SET enabled = $3",
            )
            .bind(user.0)
            .bind(kind.as_str())
            .bind(enabled)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(())
    }
}

/// Why someone may hear about a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AudienceRole {
    /// A member of the organisation's account team.
    AccountTeam,
    /// The assigned staff member.
    Assignee,
    /// The reporter.
    Reporter,
    /// A watcher.
    Watcher,
    /// A member of the organisation who receives all its notifications.
    AllNotifications,
}

impl Store {
    /// Active accounts that may hear about a document, each with every role it holds
    /// (sorted). Whether each may still see the document is for the caller to check with
    /// the access layer.
    pub async fn document_audience(
        &self,
        document: supportweb_domain::ids::DocumentId,
    ) -> Result<Vec<(UserId, Vec<AudienceRole>)>, StoreError> {
        let rows: Vec<(Uuid, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT x.user_id, x.role FROM (
                   SELECT t.user_id, 'team' AS role FROM account_team t
                     JOIN support_documents d ON d.organisation_id = t.organisation_id WHERE d.id = $1
                   UNION ALL SELECT d.assignee_id, 'assignee' FROM support_documents d
                     WHERE d.id = $1 AND d.assignee_id IS NOT NULL
                   UNION ALL SELECT d.reporter_id, 'reporter' FROM support_documents d WHERE d.id = $1
                   UNION ALL SELECT w.user_id, 'watcher' FROM support_document_watchers w WHERE w.document_id = $1
                   UNION ALL SELECT m.user_id, 'all' FROM organisation_memberships m
                     JOIN support_documents d ON d.organisation_id = m.organisation_id
                     WHERE d.id = $1 AND m.all_notifications = $2
                 ) x JOIN users u ON u.id = x.user_id
                 WHERE u.is_active = $2 ORDER BY x.user_id",
            )
            .bind(document.0)
            .bind(true)
            .fetch_all(pool)
            .await?
        });
        let mut audience: Vec<(UserId, Vec<AudienceRole>)> = Vec::new();
        for (user, role) in rows {
            let role = match role.as_str() {
                "team" => AudienceRole::AccountTeam,
                "assignee" => AudienceRole::Assignee,
                "reporter" => AudienceRole::Reporter,
                "watcher" => AudienceRole::Watcher,
                _ => AudienceRole::AllNotifications,
            };
            match audience.last_mut() {
                Some((last, roles)) if last.0 == user => {
                    if !roles.contains(&role) {
                        roles.push(role);
                        roles.sort();
                    }
                }
                _ => audience.push((UserId(user), vec![role])),
            }
        }
        Ok(audience)
    }
}
