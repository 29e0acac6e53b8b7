//! E-mails of the protocols agenda, rendered like the others in each recipient's language and
//! checked through the access layer as the recipient:
//!
//! | event | recipients |
//! |---|---|
//! | protocol issued | its verifiers (without any: the organisation's users with the confirm flag) and the organisation's "all notifications" members |
//! | objected, confirmed | the minute-taker and the account team |
//! | task due soon, overdue | the responsible person; without an account, the minute-taker (vendor's task) or the verifiers (customer's task) |

use std::collections::BTreeSet;

use supportweb_domain::ids::{ProtocolId, TaskId, UserId};
use supportweb_storage::notifications::{EventKind, EventRecord, NewMessage};
use supportweb_storage::protocols::ProtocolRecord;
use supportweb_storage::{Store, StoreError};

use crate::notify::recipients::recipient;
use supportweb_i18n::Tr;

/// The users an event about `protocol` is for (before the access check).
async fn audience(
    store: &Store,
    protocol: &ProtocolRecord,
    kind: EventKind,
    task: Option<&supportweb_storage::protocols::TaskRecord>,
) -> Result<BTreeSet<UserId>, StoreError> {
    let mut out = BTreeSet::new();
    match kind {
        EventKind::ProtocolIssued => {
            let members = store.members_unscoped(protocol.organisation_id).await?;
            if protocol.verifiers.is_empty() {
                out.extend(
                    members
                        .iter()
                        .filter(|m| m.rights.may_confirm_protocols)
                        .map(|m| m.user_id),
                );
            } else {
                out.extend(protocol.verifiers.iter().map(|(id, _)| *id));
            }
            out.extend(
                members
                    .iter()
                    .filter(|m| m.rights.all_notifications)
                    .map(|m| m.user_id),
            );
        }
        EventKind::ProtocolObjected | EventKind::ProtocolConfirmed => {
            out.insert(protocol.minute_taker_id);
            out.extend(
                store
                    .account_team_unscoped(protocol.organisation_id)
                    .await?,
            );
        }
        EventKind::TaskDueSoon | EventKind::TaskOverdue => {
            if let Some(task) = task {
                match task.responsible_user_id {
                    Some(user) => {
                        out.insert(user);
                    }
                    None if task.side == supportweb_domain::protocol::Side::Vendor => {
                        out.insert(protocol.minute_taker_id);
                    }
                    None => out.extend(protocol.verifiers.iter().map(|(id, _)| *id)),
                }
            }
        }
        _ => {}
    }
    Ok(out)
}

/// The messages of one protocol or task event.
pub(crate) async fn messages(
    store: &Store,
    public_url: &str,
    event: &EventRecord,
) -> Result<Vec<NewMessage>, StoreError> {
    let task = match event.kind {
        EventKind::TaskDueSoon | EventKind::TaskOverdue => {
            match store.task_unscoped(TaskId(event.entity_id)).await {
                Ok(task) => Some(task),
                Err(StoreError::NotFound) => return Ok(Vec::new()),
                Err(e) => return Err(e),
            }
        }
        _ => None,
    };
    let protocol_id = task
        .as_ref()
        .map_or(ProtocolId(event.entity_id), |t| t.protocol_id);
    let protocol = match store.protocol_unscoped(protocol_id).await {
        Ok(p) => p,
        Err(StoreError::NotFound) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let actor_name = match event.actor_id {
        Some(actor) => store.user(actor).await?.map(|u| u.display_name),
        None => None,
    };
    let mut messages = Vec::new();
    for user in audience(store, &protocol, event.kind, task.as_ref()).await? {
        if Some(user) == event.actor_id {
            continue;
        }
        let Some(recipient) = recipient(store, user, event.kind).await? else {
            continue;
        };
        // The recipient's own view: never a draft, never another organisation's protocol.
        let seen = match store.protocol(&recipient.actor, protocol_id).await {
            Ok(seen) => seen,
            Err(StoreError::NotFound) => continue,
            Err(e) => return Err(e),
        };
        let tr = Tr::new(recipient.actor.language);
        let kind_key = event.kind.as_str().replace('_', "-");
        let who = actor_name
            .clone()
            .unwrap_or_else(|| tr.t("mail-the-portal"));
        let subject = format!(
            "[{}] {}",
            seen.number,
            tr.t1(
                &format!("mail-subject-{kind_key}"),
                "subject",
                &seen.subject
            )
        );
        let mut body = match (&task, event.kind) {
            (Some(task), _) => {
                let mut text = tr.t1(
                    &format!("mail-intro-{kind_key}"),
                    "date",
                    &task.due_on.format("%-d. %-m. %Y").to_string(),
                );
                text.push_str("\n\n");
                text.push_str(&task.description);
                text.push_str(&format!(
                    "\n{}: {}\n",
                    tr.t("protocol-task-responsible"),
                    task.responsible_name
                ));
                text
            }
            (None, _) => tr.t1(&format!("mail-intro-{kind_key}"), "name", &who),
        };
        body.push_str("\n\n");
        body.push_str(&format!("{} · {}\n", seen.number, seen.subject));
        body.push_str(&format!(
            "{}: {}\n{}: {}\n",
            tr.t("protocol-organisation"),
            seen.organisation_name,
            tr.t("protocol-project"),
            seen.project_name
        ));
        if event.kind == EventKind::ProtocolObjected
            && let Some(response) = seen.responses.last()
        {
            body.push('\n');
            body.push_str(response.comment.trim_end());
            body.push('\n');
        }
        messages.push(recipient.message(
            &tr,
            public_url,
            subject,
            body,
            "mail-open-protocol",
            &format!("/protocols/{}", seen.id),
        ));
    }
    Ok(messages)
}
