//! E-mails of the customization orders agenda, rendered in each recipient's language and
//! checked through the access layer as the recipient:
//!
//! | event | recipients |
//! |---|---|
//! | requirement submitted | the organisation's account team |
//! | quote issued | the organisation's users with the approve-orders flag |
//! | approved, rejected, returned for re-quote | the account team |
//! | delivered | the requesting user and the approvers |
//! | accepted (with or without reservations), not accepted | the account team |
//! | cancelled | the account team and the requesting user |
//! | public reply in the conversation | the account team, the requesting user and the approvers |
//! | internal note | the account team (staff only) |
//!
//! Answers that carry text (a reason, the reservations) quote it in the message.

use std::collections::BTreeSet;

use supportweb_domain::customization_order::OrderStep;
use supportweb_domain::ids::{OrderId, UserId};
use supportweb_storage::customization_orders::OrderRecord;
use supportweb_storage::notifications::{EventKind, EventRecord, NewMessage};
use supportweb_storage::{Store, StoreError};

use crate::notify::recipients::recipient;
use supportweb_i18n::Tr;

/// The users an event about `order` is for (before the access check).
async fn audience(
    store: &Store,
    order: &OrderRecord,
    kind: EventKind,
) -> Result<BTreeSet<UserId>, StoreError> {
    let mut out = BTreeSet::new();
    let approvers = || async {
        Ok::<_, StoreError>(
            store
                .members_unscoped(order.organisation_id)
                .await?
                .into_iter()
                .filter(|m| m.rights.may_approve_orders)
                .map(|m| m.user_id)
                .collect::<Vec<_>>(),
        )
    };
    match kind {
        EventKind::OrderSubmitted
        | EventKind::OrderApproved
        | EventKind::OrderRejected
        | EventKind::OrderReturned
        | EventKind::OrderAccepted
        | EventKind::OrderNotAccepted => {
            out.extend(store.account_team_unscoped(order.organisation_id).await?);
        }
        EventKind::OrderCancelled => {
            out.insert(order.requested_by);
            out.extend(store.account_team_unscoped(order.organisation_id).await?);
        }
        EventKind::OrderReply => {
            out.insert(order.requested_by);
            out.extend(approvers().await?);
            out.extend(store.account_team_unscoped(order.organisation_id).await?);
        }
        EventKind::OrderNote => {
            out.extend(store.account_team_unscoped(order.organisation_id).await?);
        }
        EventKind::QuoteIssued => out.extend(approvers().await?),
        EventKind::OrderDelivered => {
            out.insert(order.requested_by);
            out.extend(approvers().await?);
        }
        _ => {}
    }
    Ok(out)
}

/// The answers whose text an event's message quotes.
fn answered_by(kind: EventKind) -> Option<&'static [OrderStep]> {
    match kind {
        EventKind::OrderRejected => Some(&[OrderStep::Reject]),
        EventKind::OrderReturned => Some(&[OrderStep::ReturnForRequote]),
        EventKind::OrderAccepted => Some(&[OrderStep::AcceptWithReservations, OrderStep::Accept]),
        EventKind::OrderNotAccepted => Some(&[OrderStep::NotAccept]),
        EventKind::OrderCancelled => Some(&[OrderStep::Cancel]),
        _ => None,
    }
}

/// The messages of one order event.
pub(crate) async fn messages(
    store: &Store,
    public_url: &str,
    event: &EventRecord,
) -> Result<Vec<NewMessage>, StoreError> {
    let id = OrderId(event.entity_id);
    let order = match store.order_unscoped(id).await {
        Ok(order) => order,
        Err(StoreError::NotFound) => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let actor_name = match event.actor_id {
        Some(actor) => store.user(actor).await?.map(|u| u.display_name),
        None => None,
    };
    let mut messages = Vec::new();
    for user in audience(store, &order, event.kind).await? {
        if Some(user) == event.actor_id {
            continue;
        }
        let Some(recipient) = recipient(store, user, event.kind).await? else {
            continue;
        };
        // The recipient's own view: never another organisation's order.
        let seen = match store.order(&recipient.actor, id).await {
            Ok(seen) => seen,
            Err(StoreError::NotFound) => continue,
            Err(e) => return Err(e),
        };
        // A reply or note is quoted as the recipient may read it: a customer never gets an
        // internal note, whatever the audience said.
        let comment = match event.comment_id {
            Some(comment) => {
                match store
                    .order_comments(&recipient.actor, id)
                    .await?
                    .into_iter()
                    .find(|c| c.id == comment)
                {
                    Some(found) => Some(found),
                    None => continue,
                }
            }
            None => None,
        };
        let tr = Tr::new(recipient.actor.language);
        let kind_key = event.kind.as_str().replace('_', "-");
        let who = actor_name
            .clone()
            .unwrap_or_else(|| tr.t("mail-the-portal"));
        let subject = format!(
            "[{}] {}",
            seen.number,
            tr.t1(&format!("mail-subject-{kind_key}"), "subject", &seen.title)
        );
        let mut body = tr.t1(&format!("mail-intro-{kind_key}"), "name", &who);
        body.push_str("\n\n");
        body.push_str(&format!("{} · {}\n", seen.number, seen.title));
        body.push_str(&format!(
            "{}: {}\n{}: {}\n",
            tr.t("order-organisation"),
            seen.organisation_name,
            tr.t("order-state"),
            tr.t(supportweb_i18n::order_state_key(seen.state))
        ));
        if event.kind == EventKind::OrderDelivered && !seen.delivered_in.is_empty() {
            body.push_str(&format!(
                "{}: {}\n",
                tr.t("order-delivered-in"),
                seen.delivered_in
            ));
        }
        if let Some(comment) = &comment {
            body.push('\n');
            body.push_str(comment.body.trim_end());
            body.push('\n');
            for file in &comment.files {
                body.push_str(&format!("[{}]\n", file.file_name));
            }
        }
        if let Some(steps) = answered_by(event.kind)
            && let Some(answer) = store
                .order_answers(&recipient.actor, id)
                .await?
                .into_iter()
                .rev()
                .find(|a| {
                    // Events from before answers were named in them quote the newest.
                    steps.contains(&a.step)
                        && (event.detail.is_empty() || a.id.to_string() == event.detail)
                })
            && !answer.reason.trim().is_empty()
        {
            body.push('\n');
            if answer.step == OrderStep::AcceptWithReservations {
                body.push_str(&tr.t("mail-order-reservations"));
                body.push('\n');
            }
            body.push_str(answer.reason.trim_end());
            body.push('\n');
        }
        messages.push(recipient.message(
            &tr,
            public_url,
            subject,
            body,
            "mail-open-order",
            &format!("/customization-orders/{}", seen.id),
        ));
    }
    Ok(messages)
}
