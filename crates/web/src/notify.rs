//! Turning notification events into e-mails: who hears about what, checked through the same
//! access layer as the pages, rendered in each recipient's language.
//!
//! | event | recipients |
//! |---|---|
//! | new document | account team, the organisation's "all notifications" members, the reporter when staff opened it for them |
//! | public reply, state change | reporter, watchers, "all notifications" members, assignee (the account team while nobody is assigned) |
//! | internal note | staff only: assignee and staff watchers (the account team while nobody is assigned) |
//! | SLA breach | account team and assignee |
//! | patch published | members with a podpora right of the organisations it is offered to, who may download it |
//! | protocols and their tasks | see [`crate::notify_protocols`] |
//! | customization orders | see [`crate::notify_orders`] |
//!
//! Nobody hears about their own change. Each recipient is rebuilt as an actor and reads the
//! document (and the comment) through the access layer: an account deactivated, a right
//! withdrawn or a comment that is internal means no message. Switched-off kinds (per-user
//! preferences) are skipped.

use supportweb_domain::Actor;
use supportweb_domain::agenda::Agenda;
use supportweb_domain::ids::{CommentId, DocumentId, PatchId, UserId};
use supportweb_domain::patch::{DownloadAccess, PatchState};
use supportweb_domain::support_document::DocumentState;
use supportweb_storage::notifications::{AudienceRole, EventKind, EventRecord, NewMessage};
use supportweb_storage::support_documents::{CommentRecord, DocumentRecord};
use supportweb_storage::{Store, StoreError};

use crate::i18n::{Tr, document_state_key, notification_kind_key};

/// The kinds a user of this kind can receive (and switch off).
pub fn kinds_for(is_staff: bool) -> Vec<EventKind> {
    EventKind::ALL
        .into_iter()
        .filter(|kind| {
            if is_staff {
                !customer_only(*kind)
            } else {
                !staff_only(*kind)
            }
        })
        .collect()
}

/// Kinds only customer and partner users receive.
fn customer_only(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::PatchPublished | EventKind::QuoteIssued | EventKind::OrderDelivered
    )
}

/// Kinds whose messages only staff may receive.
fn staff_only(kind: EventKind) -> bool {
    matches!(
        kind,
        EventKind::DocumentNote
            | EventKind::SlaBreach
            | EventKind::ProtocolObjected
            | EventKind::ProtocolConfirmed
            | EventKind::OrderSubmitted
            | EventKind::OrderApproved
            | EventKind::OrderRejected
            | EventKind::OrderReturned
            | EventKind::OrderAccepted
            | EventKind::OrderNotAccepted
            | EventKind::OrderNote
    )
}

/// Whether someone holding `roles` hears about an event of `kind`.
pub fn addressed(kind: EventKind, roles: &[AudienceRole], assigned: bool) -> bool {
    use AudienceRole::{AccountTeam, AllNotifications, Assignee, Reporter, Watcher};
    roles.iter().any(|role| match kind {
        EventKind::DocumentCreated => matches!(role, AccountTeam | AllNotifications | Reporter),
        EventKind::DocumentReply | EventKind::DocumentState => {
            matches!(role, Reporter | Watcher | AllNotifications | Assignee)
                || (*role == AccountTeam && !assigned)
        }
        EventKind::DocumentNote => {
            matches!(role, Assignee | Watcher) || (*role == AccountTeam && !assigned)
        }
        EventKind::SlaBreach => matches!(role, AccountTeam | Assignee),
        // The other agendas' notifiers choose their own audiences.
        _ => false,
    })
}

/// Claims up to `batch` pending events and writes their messages to the outbox; returns how
/// many events were processed.
pub async fn process_events(
    store: &Store,
    public_url: &str,
    batch: i64,
) -> Result<usize, StoreError> {
    let events = store.claim_events(batch).await?;
    let count = events.len();
    for event in events {
        let messages = messages_for(store, public_url, &event).await?;
        store.finish_event(event.id, &messages).await?;
    }
    Ok(count)
}

/// The messages of one event.
pub async fn messages_for(
    store: &Store,
    public_url: &str,
    event: &EventRecord,
) -> Result<Vec<NewMessage>, StoreError> {
    match event.kind.agenda() {
        Agenda::Podpora => return patch_messages(store, public_url, event).await,
        Agenda::Protocols => {
            return crate::notify_protocols::messages(store, public_url, event).await;
        }
        Agenda::CustomizationOrders => {
            return crate::notify_orders::messages(store, public_url, event).await;
        }
        Agenda::SupportDocuments => {}
    }
    let id = DocumentId(event.entity_id);
    let document = match store.document_unscoped(id).await {
        Ok(document) => document,
        Err(StoreError::NotFound) => return Ok(Vec::new()),
        Err(error) => return Err(error),
    };
    let actor_name = match event.actor_id {
        Some(actor) => store.user(actor).await?.map(|u| u.display_name),
        None => None,
    };
    let mut messages = Vec::new();
    for (user_id, roles) in store.document_audience(id).await? {
        if Some(user_id) == event.actor_id
            || !addressed(event.kind, &roles, document.assignee_id.is_some())
        {
            continue;
        }
        let Some(recipient) = recipient(store, user_id, event.kind).await? else {
            continue;
        };
        // The recipient's own view of the document: nothing they could not open.
        let seen = match store.document(&recipient.actor, id).await {
            Ok(seen) => seen,
            Err(StoreError::NotFound) => continue,
            Err(error) => return Err(error),
        };
        let comment = match event.comment_id {
            Some(comment) => {
                let conversation = store.conversation(&recipient.actor, &seen).await?;
                match conversation
                    .into_iter()
                    .find(|c| c.id == CommentId(comment))
                {
                    Some(found) => Some(found),
                    None => continue,
                }
            }
            None => None,
        };
        let tr = Tr::new(recipient.actor.language);
        let (subject, body) = render(
            &tr,
            &Rendered {
                kind: event.kind,
                document: &seen,
                comment: comment.as_ref(),
                actor_name: actor_name.as_deref(),
                detail: &event.detail,
                public_url,
            },
        );
        messages.push(NewMessage {
            recipient_id: Some(user_id),
            recipient_email: recipient.email,
            subject,
            body,
        });
    }
    Ok(messages)
}

/// A published patch: each member with a podpora right of an organisation it is offered to,
/// reading it as themselves, hears of it only if they may download it.
async fn patch_messages(
    store: &Store,
    public_url: &str,
    event: &EventRecord,
) -> Result<Vec<NewMessage>, StoreError> {
    let id = PatchId(event.entity_id);
    let mut messages = Vec::new();
    for user_id in store.patch_audience(id).await? {
        if Some(user_id) == event.actor_id {
            continue;
        }
        let Some(recipient) = recipient(store, user_id, event.kind).await? else {
            continue;
        };
        let patch = match store.patch(&recipient.actor, id).await {
            Ok(patch) => patch,
            Err(StoreError::NotFound) => continue,
            Err(error) => return Err(error),
        };
        if patch.state != PatchState::Published || patch.access != DownloadAccess::Allowed {
            continue;
        }
        let tr = Tr::new(recipient.actor.language);
        let product = if patch.module.is_empty() {
            patch.product_name.clone()
        } else {
            format!("{} / {}", patch.product_name, patch.module)
        };
        let subject = format!(
            "[{} {}] {}",
            patch.product_name,
            patch.build,
            tr.t1("mail-subject-patch-published", "title", &patch.title)
        );
        let mut body = tr.t("mail-intro-patch-published");
        body.push_str("\n\n");
        body.push_str(&format!("{}\n", patch.title));
        for (label, value) in [
            ("patch-product", product),
            ("patch-build", patch.build.clone()),
            ("patch-applies", applies_text(&tr, &patch.applies)),
            (
                "patch-released-on",
                patch.released_on.format("%-d. %-m. %Y").to_string(),
            ),
        ] {
            body.push_str(&format!("{}: {}\n", tr.t(label), value));
        }
        body.push('\n');
        body.push_str(patch.release_notes.trim_end());
        body.push_str("\n\n");
        body.push_str(&tr.t1(
            "mail-open-patch",
            "url",
            &format!("{public_url}/podpora/patches/{}", patch.id),
        ));
        body.push_str("\n\n-- \n");
        body.push_str(&tr.t1(
            "mail-footer",
            "url",
            &format!("{public_url}/account/notifications"),
        ));
        body.push('\n');
        messages.push(NewMessage {
            recipient_id: Some(user_id),
            recipient_email: recipient.email,
            subject,
            body,
        });
    }
    Ok(messages)
}

/// The versions a patch applies to, as a person reads them.
pub fn applies_text(tr: &Tr, range: &supportweb_domain::patch::VersionRange) -> String {
    match (range.from.trim(), range.to.trim()) {
        ("", "") => tr.t("patch-applies-any"),
        (from, "") => tr.t1("patch-applies-from", "version", from),
        ("", to) => tr.t1("patch-applies-to", "version", to),
        (from, to) if from == to => from.to_owned(),
        (from, to) => format!("{from} – {to}"),
    }
}

/// A recipient as an actor, with the address to write to.
pub(crate) struct Recipient {
    pub actor: Actor,
    pub email: String,
}

/// The account as an actor, if it is active, may receive `kind` and has not switched it off.
pub(crate) async fn recipient(
    store: &Store,
    user_id: UserId,
    kind: EventKind,
) -> Result<Option<Recipient>, StoreError> {
    let Some(user) = store.user(user_id).await? else {
        return Ok(None);
    };
    if !user.is_active || user.email.is_empty() {
        return Ok(None);
    }
    let actor = store.actor_for(&user).await?;
    if staff_only(kind) && !actor.is_staff() {
        return Ok(None);
    }
    if store
        .disabled_notifications(user_id)
        .await?
        .iter()
        .any(|k| k == kind.as_str())
    {
        return Ok(None);
    }
    Ok(Some(Recipient {
        actor,
        email: user.email,
    }))
}

/// What one message is about.
pub struct Rendered<'a> {
    /// The event.
    pub kind: EventKind,
    /// The document as the recipient sees it.
    pub document: &'a DocumentRecord,
    /// The comment, as the recipient sees it.
    pub comment: Option<&'a CommentRecord>,
    /// Who caused it (none: the portal).
    pub actor_name: Option<&'a str>,
    /// Event detail (`from>to` for a state change).
    pub detail: &'a str,
    /// The portal's address.
    pub public_url: &'a str,
}

/// Subject and plain-text body in the translator's language.
pub fn render(tr: &Tr, what: &Rendered<'_>) -> (String, String) {
    let d = what.document;
    let kind_key = what.kind.as_str().replace('_', "-");
    let subject = format!(
        "[{}] {}",
        d.number,
        tr.t1(&format!("mail-subject-{kind_key}"), "subject", &d.subject)
    );
    let who = what
        .actor_name
        .map(str::to_owned)
        .unwrap_or_else(|| tr.t("mail-the-portal"));
    let intro = match what.kind {
        EventKind::DocumentState => {
            let change = what
                .detail
                .split_once('>')
                .and_then(|(from, to)| {
                    Some((DocumentState::parse(from)?, DocumentState::parse(to)?))
                })
                .map(|(from, to)| {
                    format!(
                        "{} → {}",
                        tr.t(document_state_key(from)),
                        tr.t(document_state_key(to))
                    )
                })
                .unwrap_or_else(|| tr.t(document_state_key(d.state)));
            format!(
                "{} {}",
                tr.t1("mail-intro-document-state", "name", &who),
                change
            )
        }
        EventKind::SlaBreach => {
            // The detail names the deadlines this breach missed (`response`, `resolution`).
            let mut missed: Vec<String> = what
                .detail
                .split(',')
                .filter_map(|d| match d {
                    "response" => Some(tr.t("support-sla-response")),
                    "resolution" => Some(tr.t("support-sla-resolution")),
                    _ => None,
                })
                .collect();
            if missed.is_empty() {
                missed.push(tr.t(if d.clock.response_breached {
                    "support-sla-response"
                } else {
                    "support-sla-resolution"
                }));
            }
            let which = missed.join(", ");
            tr.t1("mail-intro-sla-breach", "deadline", &which)
        }
        _ => tr.t1(&format!("mail-intro-{kind_key}"), "name", &who),
    };
    let mut body = String::new();
    body.push_str(&intro);
    body.push_str("\n\n");
    body.push_str(&format!("{} · {}\n", d.number, d.subject));
    for (label, value) in [
        ("support-organisation", d.organisation_name.clone()),
        (
            "support-severity",
            tr.t(format!("severity-{}", d.severity.as_str())),
        ),
        ("support-state", tr.t(document_state_key(d.state))),
        ("support-reporter", d.reporter_name.clone()),
    ] {
        body.push_str(&format!("{}: {}\n", tr.t(label), value));
    }
    let text = match (what.kind, what.comment) {
        (_, Some(comment)) => Some(comment.body.as_str()),
        (EventKind::DocumentCreated, None) => Some(d.description.as_str()),
        _ => None,
    };
    if let Some(text) = text {
        body.push('\n');
        body.push_str(text.trim_end());
        body.push('\n');
    }
    let link = format!("{}/support-documents/{}", what.public_url, d.id);
    body.push('\n');
    body.push_str(&tr.t1("mail-open", "url", &link));
    body.push_str("\n\n-- \n");
    body.push_str(&tr.t1(
        "mail-footer",
        "url",
        &format!("{}/account/notifications", what.public_url),
    ));
    body.push('\n');
    (subject, body)
}

/// Fluent id of the name of a notification kind, for the preferences page.
pub fn kind_label_key(kind: EventKind) -> String {
    notification_kind_key(kind.as_str())
}
