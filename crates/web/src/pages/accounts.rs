//! Account administration for staff: the accounts overview, creating an account (there is no
//! self-registration) with a 72-hour activation link to hand over, deactivating and
//! reactivating, and a new activation link. Who may do what comes from the permission
//! matrix; staff accounts are managed by administrators only.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Duration;
use serde::Deserialize;
use supportweb_domain::agenda::{Agenda, AgendaRight};
use supportweb_domain::ids::{OrganisationId, UserId};
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::permissions::{Action, AdminArea, Area};
use supportweb_domain::user::{Login, StaffRole, UserKind};
use supportweb_domain::{Actor, Language};
use supportweb_storage::StoreError;
use supportweb_storage::history::FieldChange;
use supportweb_storage::organisations::OrganisationRecord;
use supportweb_storage::users::{NewUser, UserRecord};

use super::organisation::RightsView;
use super::rights_form::{Choice, RightsChoices, RightsFields};
use super::{Layout, render};
use crate::audit::{self, Concerning};
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::{Tr, role_key};
use crate::middleware::KeepBody;
use crate::session;
use crate::state::AppState;
use supportweb_domain::audit::AuditEvent;

/// How long an activation link works.
pub const ACTIVATION_HOURS: i64 = 72;
const PAGE_SIZE: u32 = 50;
const ACCOUNTS: Area = Area::Admin(AdminArea::Accounts);

fn require(actor: &Actor, action: Action) -> Result<(), AppError> {
    if actor.staff_may(ACCOUNTS, action) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The account `id` if the actor may manage it: unknown ids answer 404, accounts the actor
/// sees but may not manage (staff, for non-administrators) 403.
async fn managed_account(
    state: &AppState,
    actor: &Actor,
    id: &str,
) -> Result<UserRecord, AppError> {
    require(actor, Action::Manage)?;
    let user_id: UserId = id.parse().map_err(|_| AppError::NotFound)?;
    let account = state
        .store()
        .user(user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if may_manage(actor, &account) {
        Ok(account)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Staff accounts are managed by administrators only.
fn may_manage(actor: &Actor, account: &UserRecord) -> bool {
    actor.staff_may(ACCOUNTS, Action::Manage)
        && (account.kind != UserKind::Staff || actor.has_role(StaffRole::Administrator))
}

/// One row of the overview.
pub struct AccountRow {
    id: UserId,
    display_name: String,
    login: String,
    kind: String,
    detail: String,
    is_active: bool,
    has_password: bool,
}

fn kind_label(t: &Tr, kind: UserKind) -> String {
    t.t(match kind {
        UserKind::Staff => "user-kind-staff",
        UserKind::Customer => "user-kind-customer",
        UserKind::Partner => "user-kind-partner",
    })
}

#[derive(Template)]
#[template(path = "admin_accounts.html")]
struct AccountsPage {
    layout: Layout,
    rows: Vec<AccountRow>,
    next: Option<String>,
    may_create: bool,
}

#[derive(Debug, Deserialize)]
pub(super) struct PageQuery {
    after: Option<String>,
}

pub(super) async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<PageQuery>,
) -> Result<Html<String>, AppError> {
    require(&signed.actor, Action::Read)?;
    let layout = Layout::new(&signed.ctx, "accounts-title");
    let t = layout.t;
    let after = match query.after.as_deref() {
        Some(id) => {
            let id: UserId = id
                .parse()
                .map_err(|_| AppError::BadRequest("bad_request"))?;
            let user = state.store().user(id).await?.ok_or(AppError::NotFound)?;
            Some((user.display_name, id))
        }
        None => None,
    };
    let users = state
        .store()
        .accounts_page(after.as_ref().map(|(n, id)| (n.as_str(), *id)), PAGE_SIZE)
        .await?;
    let next = (users.len() == PAGE_SIZE as usize)
        .then(|| users.last().map(|u| u.id.to_string()))
        .flatten();
    let mut rows = Vec::with_capacity(users.len());
    for user in users {
        let detail = if user.kind == UserKind::Staff {
            user.roles
                .iter()
                .map(|r| t.t(role_key(r.as_str())))
                .collect::<Vec<_>>()
                .join(", ")
        } else {
            organisation_names(&state, &signed.actor, user.id)
                .await?
                .join(", ")
        };
        rows.push(AccountRow {
            id: user.id,
            kind: kind_label(&t, user.kind),
            display_name: user.display_name,
            login: user.login,
            detail,
            is_active: user.is_active,
            has_password: user.password_hash.is_some(),
        });
    }
    render(&AccountsPage {
        may_create: signed.actor.staff_may(ACCOUNTS, Action::Manage),
        layout,
        rows,
        next,
    })
}

async fn organisation_names(
    state: &AppState,
    actor: &Actor,
    user: UserId,
) -> Result<Vec<String>, AppError> {
    let mut names = Vec::new();
    for membership in state.store().memberships_of(user).await? {
        names.push(
            state
                .store()
                .organisation(actor, membership.organisation_id)
                .await?
                .name,
        );
    }
    Ok(names)
}

/// The account form as typed (kept when validation fails).
#[derive(Debug, Default, Deserialize)]
pub(super) struct AccountForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    login: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    organisation: String,
    #[serde(flatten)]
    rights: RightsFields,
    role_administrator: Option<String>,
    role_project_manager: Option<String>,
    role_consultant: Option<String>,
    role_technician: Option<String>,
    role_developer: Option<String>,
}

impl AccountForm {
    fn roles(&self) -> Vec<StaffRole> {
        [
            (&self.role_administrator, StaffRole::Administrator),
            (&self.role_project_manager, StaffRole::ProjectManager),
            (&self.role_consultant, StaffRole::Consultant),
            (&self.role_technician, StaffRole::Technician),
            (&self.role_developer, StaffRole::Developer),
        ]
        .into_iter()
        .filter(|(on, _)| on.is_some())
        .map(|(_, role)| role)
        .collect()
    }
}

#[derive(Template)]
#[template(path = "admin_account_form.html")]
struct AccountFormPage {
    layout: Layout,
    form: AccountForm,
    errors: BTreeMap<&'static str, String>,
    kinds: Vec<Choice>,
    languages: Vec<Choice>,
    roles: Vec<Choice>,
    organisations: Vec<Choice>,
    rights_choices: RightsChoices,
}

impl AccountFormPage {
    fn error(&self, field: &str) -> Option<&String> {
        self.errors.get(field)
    }
}

async fn form_page(
    state: &AppState,
    signed: &SignedIn,
    form: AccountForm,
    errors: BTreeMap<&'static str, String>,
) -> Result<AccountFormPage, AppError> {
    let layout = Layout::new(&signed.ctx, "account-new-title");
    let t = layout.t;
    let organisations: Vec<OrganisationRecord> = state
        .store()
        .organisations(&signed.actor, None, 1000)
        .await?;
    let rights = form.rights.rights();
    let kinds = [UserKind::Customer, UserKind::Partner, UserKind::Staff]
        .into_iter()
        .filter(|k| *k != UserKind::Staff || signed.actor.has_role(StaffRole::Administrator))
        .map(|k| Choice {
            value: k.as_str().into(),
            label: kind_label(&t, k),
            selected: form.kind == k.as_str(),
        })
        .collect();
    let chosen_roles = form.roles();
    Ok(AccountFormPage {
        kinds,
        languages: Language::ALL
            .into_iter()
            .map(|l| Choice {
                value: l.tag().into(),
                label: if l == Language::Cs {
                    "Čeština"
                } else {
                    "English"
                }
                .into(),
                selected: form.language == l.tag(),
            })
            .collect(),
        roles: StaffRole::ALL
            .into_iter()
            .map(|r| Choice {
                value: format!("role_{}", r.as_str()),
                label: t.t(role_key(r.as_str())),
                selected: chosen_roles.contains(&r),
            })
            .collect(),
        organisations: organisations
            .into_iter()
            .map(|o| Choice {
                selected: form.organisation == o.id.to_string(),
                value: o.id.to_string(),
                label: o.name,
            })
            .collect(),
        rights_choices: RightsChoices::new(&t, &rights),
        form,
        errors,
        layout,
    })
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, AppError> {
    require(&signed.actor, Action::Manage)?;
    let form = AccountForm {
        kind: "customer".into(),
        language: "cs".into(),
        rights: RightsFields::from_rights(&MembershipRights {
            support_documents: AgendaRight::Write,
            ..MembershipRights::NONE
        }),
        ..AccountForm::default()
    };
    render(&form_page(&state, &signed, form, BTreeMap::new()).await?)
}

#[derive(Template)]
#[template(path = "admin_account_created.html")]
struct CreatedPage {
    layout: Layout,
    display_name: String,
    login: String,
    link: String,
    account_id: UserId,
}

pub(super) async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Form(form): Form<AccountForm>,
) -> Result<Response, AppError> {
    require(&signed.actor, Action::Manage)?;
    let t = Tr::new(signed.ctx.lang);
    let mut errors: BTreeMap<&'static str, String> = BTreeMap::new();
    let kind = UserKind::parse(&form.kind);
    match kind {
        None => {
            errors.insert("kind", t.t("account-error-kind"));
        }
        Some(UserKind::Staff) if !signed.actor.has_role(StaffRole::Administrator) => {
            errors.insert("kind", t.t("account-error-staff-admin-only"));
        }
        _ => {}
    }
    let login = match Login::parse(&form.login) {
        Ok(login) => Some(login),
        Err(_) => {
            errors.insert("login", t.t("account-error-login"));
            None
        }
    };
    let display_name = form.display_name.trim().to_owned();
    if display_name.is_empty() || display_name.chars().count() > 200 {
        errors.insert("display_name", t.t("account-error-name"));
    }
    let email = form.email.trim().to_owned();
    let email_ok = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !email.contains(char::is_whitespace)
        });
    if !email_ok {
        errors.insert("email", t.t("account-error-email"));
    }
    let language = Language::from_tag(&form.language).unwrap_or_default();
    let roles = form.roles();
    let mut organisation = None;
    match kind {
        Some(UserKind::Staff) if roles.is_empty() => {
            errors.insert("roles", t.t("account-error-roles"));
        }
        Some(UserKind::Customer | UserKind::Partner) => {
            // The organisation id arrives in the request: authorise it again.
            let chosen = form.organisation.parse::<OrganisationId>().ok();
            match chosen {
                Some(id) => match state.store().organisation(&signed.actor, id).await {
                    Ok(found) => organisation = Some(found.id),
                    Err(StoreError::NotFound) => {
                        errors.insert("organisation", t.t("account-error-organisation"));
                    }
                    Err(other) => return Err(other.into()),
                },
                None => {
                    errors.insert("organisation", t.t("account-error-organisation"));
                }
            }
        }
        _ => {}
    }
    let (Some(kind), Some(login), true) = (kind, login, errors.is_empty()) else {
        let page = form_page(&state, &signed, form, errors).await?;
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            axum::Extension(KeepBody),
            render(&page)?,
        )
            .into_response());
    };
    let new = NewUser {
        login: login.clone(),
        display_name: display_name.clone(),
        email,
        kind,
        roles: if kind == UserKind::Staff {
            roles
        } else {
            Vec::new()
        },
        password_hash: None,
        language,
    };
    let mut tx = state.store().begin().await?;
    let created = tx.create_user(&new).await;
    let id = match created {
        Ok(id) => id,
        Err(StoreError::Duplicate(_)) => {
            drop(tx);
            let mut errors = BTreeMap::new();
            errors.insert("login", t.t("account-error-login-taken"));
            let page = form_page(&state, &signed, form, errors).await?;
            return Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                axum::Extension(KeepBody),
                render(&page)?,
            )
                .into_response());
        }
        Err(other) => return Err(other.into()),
    };
    tx.commit().await?;
    let by = Concerning::by(signed.actor.user_id, id);
    audit::record(
        &state,
        AuditEvent::AccountCreated,
        by.clone(),
        &address,
        kind.as_str(),
    )
    .await?;
    if let Some(organisation) = organisation {
        let rights = form.rights.rights();
        state
            .store()
            .set_membership(id, organisation, &rights)
            .await?;
        let concerning = Concerning {
            organisation: Some(organisation),
            ..by.clone()
        };
        audit::record(
            &state,
            AuditEvent::MembershipChanged,
            concerning,
            &address,
            describe(&rights),
        )
        .await?;
    }
    tracing::info!(account = %id, by = %signed.actor.user_id, "account created");
    let link = new_activation(&state, &signed.actor, id).await?;
    audit::record(&state, AuditEvent::ActivationLinkIssued, by, &address, "").await?;
    render(&CreatedPage {
        layout: Layout::new(&signed.ctx, "account-created-title"),
        display_name,
        login: login.to_string(),
        link,
        account_id: id,
    })
    .map(IntoResponse::into_response)
}

/// A membership's rights in the audit log's words: `protocols=read … approve-orders`.
fn describe(rights: &MembershipRights) -> String {
    let mut text = Agenda::ALL
        .into_iter()
        .map(|a| format!("{}={}", a.slug(), rights.right(a).as_str()))
        .collect::<Vec<_>>()
        .join(" ");
    for (on, name) in [
        (rights.may_approve_orders, "approve-orders"),
        (rights.may_confirm_protocols, "confirm-protocols"),
        (rights.may_see_validation_codes, "see-validation-codes"),
        (rights.all_notifications, "all-notifications"),
    ] {
        if on {
            text.push(' ');
            text.push_str(name);
        }
    }
    text
}

/// Creates a new activation link for `account` and returns its full address.
async fn new_activation(
    state: &AppState,
    actor: &Actor,
    account: UserId,
) -> Result<String, AppError> {
    let (token, hash) = session::new_token()?;
    let expires = supportweb_storage::now() + Duration::hours(ACTIVATION_HOURS);
    state
        .store()
        .create_activation(account, &hash, actor.user_id, expires)
        .await?;
    Ok(format!(
        "{}/activate/{token}",
        state.config().app.public_url
    ))
}

#[derive(Template)]
#[template(path = "admin_account.html")]
struct AccountPage {
    layout: Layout,
    account: UserRecord,
    kind: String,
    roles: Vec<String>,
    memberships: Vec<(String, String, RightsView)>,
    may_manage: bool,
    link: Option<String>,
    organisations: Vec<Choice>,
    rights_choices: RightsChoices,
    membership_error: Option<String>,
    two_factor: bool,
    two_factor_reset: bool,
    history: Vec<super::history::HistoryLine>,
}

async fn account_page(
    state: &AppState,
    signed: &SignedIn,
    id: &str,
    link: Option<String>,
) -> Result<AccountPage, AppError> {
    let id: UserId = id.parse().map_err(|_| AppError::NotFound)?;
    let account = state.store().user(id).await?.ok_or(AppError::NotFound)?;
    let layout = Layout::new(&signed.ctx, "account-title");
    let t = layout.t;
    let mut memberships = Vec::new();
    for membership in state.store().memberships_of(id).await? {
        let organisation = state
            .store()
            .organisation(&signed.actor, membership.organisation_id)
            .await?;
        memberships.push((
            organisation.id.to_string(),
            organisation.name,
            RightsView::new(&t, &membership.rights),
        ));
    }
    let organisations = if account.kind == UserKind::Staff {
        Vec::new()
    } else {
        state
            .store()
            .organisations(&signed.actor, None, 1000)
            .await?
            .into_iter()
            .map(|o| Choice {
                value: o.id.to_string(),
                label: o.name,
                selected: false,
            })
            .collect()
    };
    Ok(AccountPage {
        kind: kind_label(&t, account.kind),
        roles: account
            .roles
            .iter()
            .map(|r| t.t(role_key(r.as_str())))
            .collect(),
        may_manage: may_manage(&signed.actor, &account),
        memberships,
        account,
        link,
        organisations,
        rights_choices: RightsChoices::new(&t, &MembershipRights::NONE),
        membership_error: None,
        two_factor: state
            .store()
            .two_factor(id)
            .await?
            .is_some_and(|r| r.is_enabled()),
        two_factor_reset: false,
        history: super::history::lines(state, &t, "account", id.0).await?,
        layout,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    require(&signed.actor, Action::Read)?;
    render(&account_page(&state, &signed, &id, None).await?)
}

/// Resets a user's two-factor sign-in (a lost phone): the next sign-in needs the password only.
pub(super) async fn reset_two_factor(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let account = managed_account(&state, &signed.actor, &id).await?;
    if state.store().remove_two_factor(account.id).await? {
        audit::record(
            &state,
            AuditEvent::TwoFactorReset,
            Concerning::by(signed.actor.user_id, account.id),
            &address,
            "",
        )
        .await?;
    }
    let mut page = account_page(&state, &signed, &id, None).await?;
    page.two_factor_reset = true;
    Ok(render(&page)?.into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct ActiveForm {
    #[serde(default)]
    active: String,
}

pub(super) async fn set_active(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
    Form(form): Form<ActiveForm>,
) -> Result<Response, AppError> {
    let account = managed_account(&state, &signed.actor, &id).await?;
    let user_id = account.id;
    if account.id == signed.actor.user_id {
        return Err(AppError::Forbidden);
    }
    let active = form.active == "true";
    state.store().set_user_active(user_id, active).await?;
    if active != account.is_active {
        state
            .store()
            .record_history(
                "account",
                user_id.0,
                signed.actor.user_id,
                &[FieldChange {
                    field: "active",
                    old: account.is_active.to_string(),
                    new: active.to_string(),
                }],
            )
            .await?;
    }
    let event = if active {
        AuditEvent::AccountReactivated
    } else {
        AuditEvent::AccountDeactivated
    };
    audit::record(
        &state,
        event,
        Concerning::by(signed.actor.user_id, user_id),
        &address,
        "",
    )
    .await?;
    tracing::info!(account = %user_id, active, by = %signed.actor.user_id, "account activity changed");
    Ok(Redirect::to(&format!("/admin/accounts/{user_id}")).into_response())
}

pub(super) async fn new_link(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let account = managed_account(&state, &signed.actor, &id).await?;
    let user_id = account.id;
    let link = new_activation(&state, &signed.actor, user_id).await?;
    let by = Concerning::by(signed.actor.user_id, user_id);
    audit::record(&state, AuditEvent::ActivationLinkIssued, by, &address, "").await?;
    render(&account_page(&state, &signed, &id, Some(link)).await?)
}

#[derive(Debug, Deserialize)]
pub(super) struct MembershipForm {
    #[serde(default)]
    organisation: String,
    #[serde(flatten)]
    rights: RightsFields,
    #[serde(default)]
    remove: Option<String>,
}

/// Grants, changes or ends a membership of a customer or partner account. A customer user
/// belongs to one organisation; a partner user may belong to several. Takes effect on the
/// user's next request.
pub(super) async fn membership(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
    Form(form): Form<MembershipForm>,
) -> Result<Response, AppError> {
    let account = managed_account(&state, &signed.actor, &id).await?;
    let user_id = account.id;
    let t = Tr::new(signed.ctx.lang);
    // The organisation id arrives in the request: authorise it again.
    let organisation = match form.organisation.parse::<OrganisationId>() {
        Ok(id) => match state.store().organisation(&signed.actor, id).await {
            Ok(found) => Some(found),
            Err(StoreError::NotFound) => None,
            Err(other) => return Err(other.into()),
        },
        Err(_) => None,
    };
    let existing = state.store().memberships_of(user_id).await?;
    let problem = match &organisation {
        None => Some(t.t("account-error-organisation")),
        Some(_) if account.kind == UserKind::Staff => Some(t.t("membership-error-staff")),
        Some(o)
            if form.remove.is_none()
                && account.kind == UserKind::Customer
                && existing.iter().any(|m| m.organisation_id != o.id) =>
        {
            Some(t.t("membership-error-one-organisation"))
        }
        _ => None,
    };
    let Some(organisation) = organisation.filter(|_| problem.is_none()) else {
        let mut page = account_page(&state, &signed, &id, None).await?;
        page.membership_error = problem;
        return Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            axum::Extension(KeepBody),
            render(&page)?,
        )
            .into_response());
    };
    let concerning = Concerning {
        organisation: Some(organisation.id),
        ..Concerning::by(signed.actor.user_id, user_id)
    };
    let before = existing
        .iter()
        .find(|m| m.organisation_id == organisation.id)
        .map(|m| format!("{}: {}", organisation.name, describe(&m.rights)))
        .unwrap_or_default();
    let after = if form.remove.is_some() {
        String::new()
    } else {
        format!("{}: {}", organisation.name, describe(&form.rights.rights()))
    };
    if before != after {
        state
            .store()
            .record_history(
                "account",
                user_id.0,
                signed.actor.user_id,
                &[FieldChange {
                    field: "membership",
                    old: before,
                    new: after,
                }],
            )
            .await?;
    }
    if form.remove.is_some() {
        if state
            .store()
            .remove_membership(user_id, organisation.id)
            .await?
        {
            audit::record(
                &state,
                AuditEvent::MembershipChanged,
                concerning,
                &address,
                "removed",
            )
            .await?;
        }
    } else {
        let rights = form.rights.rights();
        state
            .store()
            .set_membership(user_id, organisation.id, &rights)
            .await?;
        audit::record(
            &state,
            AuditEvent::MembershipChanged,
            concerning,
            &address,
            describe(&rights),
        )
        .await?;
    }
    Ok(Redirect::to(&format!("/admin/accounts/{user_id}#memberships")).into_response())
}
