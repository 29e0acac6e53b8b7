//! The e-mail of a published patch: each member with a podpora right of an organisation it
//! is offered to, reading it as themselves, hears of it only if they may download it.

use supportweb_domain::ids::PatchId;
use supportweb_domain::patch::{DownloadAccess, PatchState};
use supportweb_i18n::Tr;
use supportweb_storage::notifications::{EventRecord, NewMessage};
use supportweb_storage::{Store, StoreError};

use crate::notify::recipients::recipient;

/// A published patch: each member with a podpora right of an organisation it is offered to,
/// reading it as themselves, hears of it only if they may download it.
pub(crate) async fn messages(
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
        body.push('\n');
        messages.push(recipient.message(
            &tr,
            public_url,
            subject,
            body,
            "mail-open-patch",
            &format!("/podpora/patches/{}", patch.id),
        ));
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
