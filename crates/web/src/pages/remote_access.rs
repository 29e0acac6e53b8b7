//! Remote-access entries: staff list them on the organisation page and — with the reveal
//! permission — reveal a secret, which is audited; customer users with the write right in
//! support documents maintain their organisation's entries but never read a secret back.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use supportweb_app::administration::remote_access::{
    EntryForm, RemoteAccessEntry, may_maintain, may_reveal,
};
use supportweb_domain::Actor;
use supportweb_domain::ids::OrganisationId;
use supportweb_domain::remote_access::RemoteAccessMethod;

use super::layout::Choice;
use super::layout::{Layout, render};
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::AppError;
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
        .map(|m| {
            Choice::translated(
                t,
                m.as_str(),
                format!("remote-method-{}", m.as_str().replace('_', "-")),
            )
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
            .app()
            .administration()
            .remote_access(actor, organisation)
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

/// `POST /organisation/{id}/remote-access`: a customer or partner user maintains its
/// organisation's entries.
pub(super) async fn save_own(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
    Form(form): Form<EntryForm>,
) -> Result<Response, AppError> {
    save(&state, &signed, &address, &id, form, false).await
}

/// `POST /admin/organisations/{id}/remote-access`: staff maintain an organisation's entries.
pub(super) async fn save_admin(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
    Form(form): Form<EntryForm>,
) -> Result<Response, AppError> {
    save(&state, &signed, &address, &id, form, true).await
}

/// Adds or replaces an entry and goes back to the organisation's page.
async fn save(
    state: &AppState,
    signed: &SignedIn,
    address: &str,
    id: &str,
    form: EntryForm,
    as_staff: bool,
) -> Result<Response, AppError> {
    state
        .app()
        .administration()
        .save_remote_access(&signed.actor, id, &form, as_staff, address)
        .await?;
    let back = if as_staff {
        format!("/admin/organisations/{id}#remote-access")
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
    let revealed = state
        .app()
        .administration()
        .reveal_remote_access(&signed.actor, &id, &entry, &address)
        .await?;
    render(&RevealPage {
        layout: Layout::new(&signed.ctx, "remote-reveal-title"),
        organisation: revealed.organisation,
        organisation_id: id,
        host: revealed.host,
        secret: revealed.secret,
    })
}
