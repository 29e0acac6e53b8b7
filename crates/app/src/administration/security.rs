//! Portal-wide security settings for administrators: whether every staff user must sign in
//! with a second factor. A change is audited with it.

use supportweb_domain::Actor;
use supportweb_domain::audit::AuditEvent;
use supportweb_domain::permissions::{Action, AdminArea};
use supportweb_storage::two_factor::STAFF_TWO_FACTOR_REQUIRED;

use super::{Administration, require};
use crate::Result;
use crate::audit::{Concerning, entry};

impl Administration<'_> {
    /// Whether staff must sign in with a second factor (administrators read it).
    pub async fn staff_two_factor_required(&self, actor: &Actor) -> Result<bool> {
        require(actor, AdminArea::Security, Action::Manage)?;
        Ok(self.app.store().staff_two_factor_required().await?)
    }

    /// Requires (or stops requiring) a second factor of every staff user.
    pub async fn require_staff_two_factor(
        &self,
        actor: &Actor,
        required: bool,
        address: &str,
    ) -> Result<()> {
        if required == self.staff_two_factor_required(actor).await? {
            return Ok(());
        }
        let mut tx = self.app.store().begin().await?;
        tx.set_setting(
            STAFF_TWO_FACTOR_REQUIRED,
            if required { "true" } else { "false" },
        )
        .await?;
        tx.record_audit(&[entry(
            AuditEvent::SecuritySettingsChanged,
            Concerning {
                actor: Some(actor.user_id),
                ..Concerning::default()
            },
            address,
            format!("{STAFF_TWO_FACTOR_REQUIRED}={required}"),
        )])
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
