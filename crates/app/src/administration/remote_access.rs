//! Remote-access entries of an organisation: staff list them and — with the reveal
//! permission — reveal a secret (audited); staff who manage organisations and the
//! organisation's users with the write right in support documents maintain them, but a secret
//! never comes back to them. Saving writes the entry, its history and its audit entry in one
//! transaction; the secret is sealed under the entry's id first.

use supportweb_domain::Actor;
use supportweb_domain::agenda::{Agenda, AgendaRight};
use supportweb_domain::audit::AuditEvent;
use supportweb_domain::ids::OrganisationId;
use supportweb_domain::permissions::{Action, AdminArea, Area};
use supportweb_domain::remote_access::RemoteAccessMethod;
use supportweb_storage::StoreError;
use supportweb_storage::history::FieldChange;
use supportweb_storage::remote_access::RemoteAccessFields;
use uuid::Uuid;

pub use supportweb_storage::remote_access::RemoteAccessEntry;

use super::Administration;
use crate::audit::{Concerning, entry};
use crate::{Error, FieldErrors, Result};

/// Whether the actor may add and replace the organisation's entries.
pub fn may_maintain(actor: &Actor, organisation: OrganisationId) -> bool {
    if actor.is_staff() {
        return actor.staff_may(Area::Admin(AdminArea::Organisations), Action::Manage);
    }
    actor
        .membership(organisation)
        .is_some_and(|m| m.rights.right(Agenda::SupportDocuments) == AgendaRight::Write)
}

/// Whether the actor may reveal secrets.
pub fn may_reveal(actor: &Actor) -> bool {
    actor.staff_may(Area::Admin(AdminArea::RemoteAccessSecrets), Action::Read)
}

/// An entry as typed.
#[derive(Debug, Default, Clone, serde::Deserialize)]
pub struct EntryForm {
    /// The entry replaced (empty: a new one).
    #[serde(default)]
    pub entry: String,
    /// Method name.
    #[serde(default)]
    pub method: String,
    /// Host.
    #[serde(default)]
    pub host: String,
    /// Account.
    #[serde(default)]
    pub account: String,
    /// The secret (empty on a replacement: the stored one stays).
    #[serde(default)]
    pub secret: String,
    /// Instructions.
    #[serde(default)]
    pub instructions: String,
}

/// An entry revealed: its host and secret.
#[derive(Debug)]
pub struct Revealed {
    /// The organisation's name.
    pub organisation: String,
    /// The entry's host.
    pub host: String,
    /// The secret.
    pub secret: String,
}

fn describe(method: RemoteAccessMethod, host: &str, account: &str) -> String {
    format!("{} {host} {account}", method.as_str())
}

impl Administration<'_> {
    /// The organisation's entries (without secrets), for those who may see the organisation.
    pub async fn remote_access(
        &self,
        actor: &Actor,
        organisation: OrganisationId,
    ) -> Result<Vec<RemoteAccessEntry>> {
        Ok(self
            .app
            .store()
            .remote_access_entries(actor, organisation)
            .await?)
    }

    /// Adds or replaces an entry; staff save through the administration, customers through
    /// "My organisation" (`as_staff` says which route the request came by).
    pub async fn save_remote_access(
        &self,
        actor: &Actor,
        organisation: &str,
        form: &EntryForm,
        as_staff: bool,
        address: &str,
    ) -> Result<()> {
        if actor.is_staff() != as_staff {
            return Err(Error::NotFound);
        }
        let organisation: OrganisationId = super::id(organisation)?;
        let store = self.app.store();
        // Seeing the organisation comes first, so a foreign one answers like a missing one.
        store.organisation(actor, organisation).await?;
        if !may_maintain(actor, organisation) {
            return Err(Error::NotFound);
        }
        let mut errors = FieldErrors::default();
        let method = RemoteAccessMethod::parse(&form.method);
        if method.is_none() {
            errors.add("method", "form-error-required");
        }
        if form.host.trim().is_empty() || form.host.chars().count() > 500 {
            errors.add("host", "form-error-required");
        }
        let Some(method) = method else {
            return Err(Error::Invalid(errors));
        };
        errors.into_result()?;
        let entry_id = if form.entry.is_empty() {
            None
        } else {
            Some(form.entry.parse::<Uuid>().map_err(|_| Error::NotFound)?)
        };
        let fields = RemoteAccessFields {
            method,
            host: form.host.trim().into(),
            account: form.account.trim().into(),
            instructions: form.instructions.trim().into(),
        };
        let before = match entry_id {
            Some(id) => store
                .remote_access_entries(actor, organisation)
                .await?
                .into_iter()
                .find(|e| e.id == id)
                .map(|e| describe(e.method, &e.host, &e.account))
                .unwrap_or_default(),
            None => String::new(),
        };
        let mut after = describe(fields.method, &fields.host, &fields.account);
        if !form.secret.is_empty() {
            // That the password changed is history; the password itself never is.
            after.push_str(" (heslo změněno / password replaced)");
        }
        let changes = if before == after {
            Vec::new()
        } else {
            vec![FieldChange {
                field: "remote_access",
                old: before,
                new: after,
            }]
        };
        let key = &self.app.settings().secret_key;
        let mut tx = store.begin().await?;
        let saved = tx
            .save_remote_access(actor.user_id, organisation, entry_id, &fields, |id| {
                if form.secret.is_empty() {
                    return Ok(None);
                }
                key.seal(id.as_bytes(), &form.secret)
                    .map(Some)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))
            })
            .await?;
        tx.record_changes("organisation", organisation.0, actor.user_id, &changes)
            .await?;
        tx.record_audit(&[entry(
            AuditEvent::RemoteAccessChanged,
            Concerning::organisation(actor.user_id, organisation),
            address,
            format!("{saved} {}", fields.host),
        )])
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Reveals an entry's secret to staff with the permission; audited before it is shown.
    pub async fn reveal_remote_access(
        &self,
        actor: &Actor,
        organisation: &str,
        entry_id: &str,
        address: &str,
    ) -> Result<Revealed> {
        if !may_reveal(actor) {
            return Err(Error::NotFound);
        }
        let organisation_id: OrganisationId = super::id(organisation)?;
        let entry_id: Uuid = super::id(entry_id)?;
        let store = self.app.store();
        let organisation = store.organisation(actor, organisation_id).await?;
        let sealed = store
            .sealed_remote_access_secret(actor, organisation_id, entry_id)
            .await?;
        let secret = self
            .app
            .settings()
            .secret_key
            .open(entry_id.as_bytes(), &sealed)
            .map_err(|e| Error::Internal(e.to_string()))?;
        let host = store
            .remote_access_entries(actor, organisation_id)
            .await?
            .into_iter()
            .find(|e| e.id == entry_id)
            .map(|e| e.host)
            .unwrap_or_default();
        self.app
            .record_audit(entry(
                AuditEvent::SecretRevealed,
                Concerning::organisation(actor.user_id, organisation_id),
                address,
                format!("{entry_id} {host}"),
            ))
            .await?;
        Ok(Revealed {
            organisation: organisation.name,
            host,
            secret,
        })
    }
}
