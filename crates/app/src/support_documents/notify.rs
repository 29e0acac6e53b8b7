//! The e-mails of support documents:
//!
//! | event | recipients |
//! |---|---|
//! | new document | account team, the organisation's "all notifications" members, the reporter when staff opened it for them |
//! | public reply, state change | reporter, watchers, "all notifications" members, assignee (the account team while nobody is assigned) |
//! | internal note | staff only: assignee and staff watchers (the account team while nobody is assigned) |
//! | SLA breach | account team and assignee |
//!
//! Each recipient reads the document (and the comment) as themselves: a right withdrawn or a
//! comment that is internal means no message.

use supportweb_domain::ids::{CommentId, DocumentId};
use supportweb_domain::support_document::DocumentState;
use supportweb_i18n::{Tr, document_state_key};
use supportweb_storage::notifications::{AudienceRole, EventKind, EventRecord, NewMessage};
use supportweb_storage::support_documents::{CommentRecord, DocumentRecord};
use supportweb_storage::{Store, StoreError};

use crate::notify::recipients::recipient;

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

/// The messages of an event about a support document.
pub(crate) async fn messages(
    store: &Store,
    public_url: &str,
    event: &EventRecord,
) -> Result<Vec<NewMessage>, StoreError> {
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
            },
        );
        messages.push(recipient.message(
            &tr,
            public_url,
            subject,
            body,
            "mail-open",
            &format!("/support-documents/{}", seen.id),
        ));
    }
    Ok(messages)
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
}

/// Subject and plain-text body in the translator's language (the link to the document and
/// the footer follow, see [`crate::notify::recipients::Recipient::message`]).
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
    (subject, body)
}
