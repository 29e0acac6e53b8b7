//! A user's own settings: the language of pages and e-mails, and which kinds of notification
//! e-mail it receives (customers see only the kinds they can receive).

use supportweb_domain::{Actor, Language};

pub use supportweb_storage::notifications::EventKind;

use super::Identity;
use crate::notify::kinds_for;
use crate::{Error, Result};

impl Identity<'_> {
    /// The language of the actor's pages and e-mails from now on.
    pub async fn choose_language(&self, actor: &Actor, language: Language) -> Result<()> {
        Ok(self
            .app
            .store()
            .set_user_language(actor.user_id, language)
            .await?)
    }

    /// Every kind of notification e-mail the actor can receive, and whether it does.
    pub async fn notifications(&self, actor: &Actor) -> Result<Vec<(EventKind, bool)>> {
        let disabled = self
            .app
            .store()
            .disabled_notifications(actor.user_id)
            .await?;
        Ok(kinds_for(actor.is_staff())
            .into_iter()
            .map(|kind| (kind, !disabled.iter().any(|d| d == kind.as_str())))
            .collect())
    }

    /// Switches kinds (by name) on or off; kinds not named stay as they are. An unknown kind
    /// is a problem of field `kind`, a kind the actor cannot receive is forbidden, and nothing
    /// changes.
    pub async fn set_notifications(&self, actor: &Actor, settings: &[(&str, bool)]) -> Result<()> {
        let allowed = kinds_for(actor.is_staff());
        let mut parsed = Vec::with_capacity(settings.len());
        for (name, enabled) in settings {
            match EventKind::parse(name) {
                Some(kind) if allowed.contains(&kind) => parsed.push((kind, *enabled)),
                // A kind of the other side (staff-only, customer-only): not the actor's to set.
                Some(_) => return Err(Error::Forbidden),
                None => return Err(Error::field("kind", "notify-error-kind")),
            }
        }
        let store = self.app.store();
        for (kind, enabled) in parsed {
            store.set_notification(actor.user_id, kind, enabled).await?;
        }
        Ok(())
    }
}
