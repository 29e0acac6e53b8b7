//! Who may receive a notification e-mail: the kinds each kind of user can receive, and an
//! account rebuilt as an actor when it is active, may receive the kind and has not switched
//! it off. Every agenda's notifications ask here.

use supportweb_domain::Actor;
use supportweb_domain::ids::UserId;
use supportweb_i18n::{Tr, notification_kind_key};
use supportweb_storage::notifications::{EventKind, NewMessage};
use supportweb_storage::{Store, StoreError};

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

/// A recipient as an actor, with the address to write to.
pub(crate) struct Recipient {
    pub actor: Actor,
    pub email: String,
}

impl Recipient {
    /// The message to this recipient: `body`, then a line opening `path` (message
    /// `open_key`, in `tr`'s language) and the footer that points to the preferences.
    pub fn message(
        self,
        tr: &Tr,
        public_url: &str,
        subject: String,
        mut body: String,
        open_key: &str,
        path: &str,
    ) -> NewMessage {
        body.push('\n');
        body.push_str(&tr.t1(open_key, "url", &format!("{public_url}{path}")));
        body.push_str("\n\n-- \n");
        body.push_str(&tr.t1(
            "mail-footer",
            "url",
            &format!("{public_url}/account/notifications"),
        ));
        body.push('\n');
        NewMessage {
            recipient_id: Some(self.actor.user_id),
            recipient_email: self.email,
            subject,
            body,
            ..NewMessage::default()
        }
    }
}

/// The account as an actor, if it is active, may receive `kind` and has not switched it off.
pub(crate) async fn recipient(
    store: &Store,
    user_id: UserId,
    kind: EventKind,
) -> std::result::Result<Option<Recipient>, StoreError> {
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

/// Fluent id of the name of a notification kind, for the preferences page.
pub fn kind_label_key(kind: EventKind) -> String {
    notification_kind_key(kind.as_str())
}
