//! Remote-access entries: staff list them on the organisation page and — with the reveal
//! permission — reveal a secret, which is audited; customer users with the write right in
//! support documents maintain their organisation's entries but never read a secret back.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::agenda::{Agenda, AgendaRight};
use supportweb_domain::audit::AuditEvent;
use supportweb_domain::ids::OrganisationId;
use supportweb_domain::permissions::{Action, AdminArea, Area};
use supportweb_domain::remote_access::RemoteAccessMethod;
use supportweb_storage::StoreError;
use supportweb_storage::remote_access::{RemoteAccessEntry, RemoteAccessFields};
use uuid::Uuid;

use super::rights_form::Choice;
use super::{Layout, render};
use crate::audit::{self, Concerning};
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::{AppError, FieldError};
use crate::i18n::Tr;
use crate::state::AppState;

/// An entry as shown (never with its secret).
pub struct EntryView {
    /// Id.
    pub id: String,
    /// Method in the user's language.
    pub method: String,
    /// Host or tool id.
    pub host: String,
    /// Account.
    pub account: String,
    /// "stored" or "none" in the user's language.
    pub secret: String,
    /// Whether a secret is stored.
    pub has_secret: bool,
    /// Instructions.
    pub instructions: String,
    /// Last change.
    pub changed: String,
}

/// The views of an organisation's entries.
pub fn views(t: &Tr, entries: Vec<RemoteAccessEntry>) -> Vec<EntryView> {
    entries
        .into_iter()
        .map(|e| EntryView {
            id: e.id.to_string(),
            method: t.t(format!(
                "remote-method-{}",
                e.method.as_str().replace('_', "-")
            )),
            secret: t.t(if e.has_secret {
                "remote-secret-stored"
            } else {
                "remote-secret-none"
            }),
            has_secret: e.has_secret,
            host: e.host,
            account: e.account,
            instructions: e.instructions,
            changed: format!(
                "{} · {}",
                supportweb_domain::calendar::prague_time(e.updated_at).format("%Y-%m-%d %H:%M"),
                e.updated_by.unwrap_or_default()
            ),
        })
        .collect()
}

/// The method choices of the entry form.
pub fn method_choices(t: &Tr) -> Vec<Choice> {
    RemoteAccessMethod::ALL
        .into_iter()
        .map(|m| Choice {
            value: m.as_str().into(),
            label: t.t(format!("remote-method-{}", m.as_str().replace('_', "-"))),
            selected: false,
        })
        .collect()
}

/// The remote-access section of an organisation page.
pub struct RemoteSection {
    /// The entries, without secrets.
    pub entries: Vec<EntryView>,
    /// Reveal buttons?
    pub may_reveal: bool,
    /// The add/replace form?
    pub may_maintain: bool,
    /// Method choices.
    pub methods: Vec<Choice>,
    /// Where the form posts.
    pub action: String,
    /// The organisation.
    pub organisation_id: String,
}

impl RemoteSection {
    /// The section for `organisation` as `actor` may see it.
    pub async fn load(
        state: &AppState,
        actor: &Actor,
        t: &Tr,
        organisation: OrganisationId,
    ) -> Result<Self, AppError> {
        let entries = state
            .store()
            .remote_access_entries(actor, organisation)
            .await?;
        Ok(RemoteSection {
            entries: views(t, entries),
            may_reveal: may_reveal(actor),
            may_maintain: may_maintain(actor, organisation),
            methods: method_choices(t),
            action: if actor.is_staff() {
                format!("/admin/organisations/{organisation}/remote-access")
            } else {
                format!("/organisation/{organisation}/remote-access")
            },
            organisation_id: organisation.to_string(),
        })
    }
}

/// Whether the actor may add or replace entries of an organisation.
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

#[derive(Debug, Deserialize)]
pub(super) struct EntryForm {
    #[serde(default)]
    entry: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    host: String,
    #[serde(default)]
    account: String,
    #[serde(default)]
    secret: String,
    #[serde(default)]
    instructions: String,
}

/// `POST /organisation/{id}/remote-access`: a customer or partner user maintains its
/// organisation's entries.
pub(super) async fn save_own(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
    Form(form): Form<EntryForm>,
) -> Result<Response, AppError> {
    if signed.actor.is_staff() {
        return Err(AppError::NotFound);
    }
    save(&state, &signed, &address, &id, form).await
}

/// `POST /admin/organisations/{id}/remote-access`: staff maintain an organisation's entries.
pub(super) async fn save_admin(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
    Form(form): Form<EntryForm>,
) -> Result<Response, AppError> {
    if !signed.actor.is_staff() {
        return Err(AppError::NotFound);
    }
    save(&state, &signed, &address, &id, form).await
}

/// Adds or replaces an entry.
async fn save(
    state: &AppState,
    signed: &SignedIn,
    address: &str,
    id: &str,
    form: EntryForm,
) -> Result<Response, AppError> {
    let organisation: OrganisationId = id.parse().map_err(|_| AppError::NotFound)?;
    let actor = &signed.actor;
    // Seeing the organisation comes first, so a foreign one answers like a missing one.
    state.store().organisation(actor, organisation).await?;
    if !may_maintain(actor, organisation) {
        return Err(AppError::NotFound);
    }
    let mut problems = Vec::new();
    let method = RemoteAccessMethod::parse(&form.method);
    if method.is_none() {
        problems.push(FieldError {
            field: "method".into(),
            code: "form-error-required",
            argument: None,
        });
    }
    if form.host.trim().is_empty() || form.host.chars().count() > 500 {
        problems.push(FieldError {
            field: "host".into(),
            code: "form-error-required",
            argument: None,
        });
    }
    let (Some(method), true) = (method, problems.is_empty()) else {
        return Err(AppError::Invalid(problems));
    };
    let entry = if form.entry.is_empty() {
        None
    } else {
        Some(form.entry.parse::<Uuid>().map_err(|_| AppError::NotFound)?)
    };
    let fields = RemoteAccessFields {
        method,
        host: form.host.trim().into(),
        account: form.account.trim().into(),
        instructions: form.instructions.trim().into(),
    };
    let before = match entry {
        Some(id) => state
            .store()
            .remote_access_entries(actor, organisation)
            .await?
            .into_iter()
            .find(|e| e.id == id)
            .map(|e| format!("{} {} {}", e.method.as_str(), e.host, e.account))
            .unwrap_or_default(),
        None => String::new(),
    };
    let mut after = format!(
        "{} {} {}",
        fields.method.as_str(),
        fields.host,
        fields.account
    );
    if !form.secret.is_empty() {
        // That the password changed is history; the password itself never is.
        after.push_str(" (heslo změněno / password replaced)");
    }
    let key = state.config().app.secret_key.clone();
    let secret = form.secret;
    let saved = state
        .store()
        .save_remote_access(actor, organisation, entry, &fields, |id| {
            if secret.is_empty() {
                return Ok(None);
            }
            key.seal(id.as_bytes(), &secret)
                .map(Some)
                .map_err(|e| StoreError::Corrupt(e.to_string()))
        })
        .await?;
    if before != after {
        state
            .store()
            .record_history(
                "organisation",
                organisation.0,
                actor.user_id,
                &[supportweb_storage::history::FieldChange {
                    field: "remote_access",
                    old: before,
                    new: after,
                }],
            )
            .await?;
    }
    let concerning = Concerning {
        actor: Some(actor.user_id),
        subject: None,
        organisation: Some(organisation),
    };
    audit::record(
        state,
        AuditEvent::RemoteAccessChanged,
        concerning,
        address,
        format!("{saved} {}", fields.host),
    )
    .await?;
    let back = if actor.is_staff() {
        format!("/admin/organisations/{organisation}#remote-access")
    } else {
        "/organisation#remote-access".to_owned()
    };
    Ok(Redirect::to(&back).into_response())
}

#[derive(Template)]
#[template(path = "remote_secret.html")]
struct RevealPage {
    layout: Layout,
    organisation: String,
    organisation_id: String,
    host: String,
    secret: String,
}

/// Reveals a secret to staff with the permission; every reveal is audited. A POST, because
/// it is recorded.
pub(super) async fn reveal(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path((id, entry)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    let actor = &signed.actor;
    if !may_reveal(actor) {
        return Err(AppError::NotFound);
    }
    let organisation_id: OrganisationId = id.parse().map_err(|_| AppError::NotFound)?;
    let entry: Uuid = entry.parse().map_err(|_| AppError::NotFound)?;
    let organisation = state.store().organisation(actor, organisation_id).await?;
    let sealed = state
        .store()
        .sealed_remote_access_secret(actor, organisation_id, entry)
        .await?;
    let secret = state
        .config()
        .app
        .secret_key
        .open(entry.as_bytes(), &sealed)
        .map_err(|e| AppError::Internal(e.to_string()))?;
    let host = state
        .store()
        .remote_access_entries(actor, organisation_id)
        .await?
        .into_iter()
        .find(|e| e.id == entry)
        .map(|e| e.host)
        .unwrap_or_default();
    let concerning = Concerning {
        actor: Some(actor.user_id),
        subject: None,
        organisation: Some(organisation_id),
    };
    audit::record(
        &state,
        AuditEvent::SecretRevealed,
        concerning,
        &address,
        format!("{entry} {host}"),
    )
    .await?;
    render(&RevealPage {
        layout: Layout::new(&signed.ctx, "remote-reveal-title"),
        organisation: organisation.name,
        organisation_id: organisation_id.to_string(),
        host,
        secret,
    })
}
