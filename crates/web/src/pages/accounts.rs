//! Account administration for staff: the accounts overview, creating an account (there is no
//! self-registration) with a 72-hour activation link to hand over, deactivating and
//! reactivating, and a new activation link. The use cases are in
//! `supportweb_app::administration::accounts`; staff accounts are managed by administrators
//! only.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use supportweb_app::Error;
use supportweb_app::administration::accounts::{AccountDetail, NewAccount, UserRecord};
use supportweb_domain::Language;
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::ids::UserId;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::permissions::{Action, AdminArea};
use supportweb_domain::user::{StaffRole, UserKind};

use super::form::FormErrors;
use super::layout::Choice;
use super::layout::{Layout, render};
use super::organisation::RightsView;
use super::rights_form::{RightsChoices, RightsFields};
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::{Tr, role_key};
use crate::pages::layout::again;
use crate::state::AppState;

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
    let page = state
        .app()
        .administration()
        .accounts(&signed.actor, query.after.as_deref())
        .await?;
    let layout = Layout::new(&signed.ctx, "accounts-title");
    let t = layout.t;
    let rows = page
        .rows
        .into_iter()
        .map(|(user, organisations)| AccountRow {
            detail: if user.kind == UserKind::Staff {
                user.roles
                    .iter()
                    .map(|r| t.t(role_key(r.as_str())))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                organisations.join(", ")
            },
            id: user.id,
            kind: kind_label(&t, user.kind),
            display_name: user.display_name,
            login: user.login,
            is_active: user.is_active,
            has_password: user.password_hash.is_some(),
        })
        .collect();
    render(&AccountsPage {
        may_create: supportweb_app::administration::may(
            &signed.actor,
            AdminArea::Accounts,
            Action::Manage,
        ),
        layout,
        rows,
        next: page.next,
    })
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
    errors: FormErrors,
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
    errors: FormErrors,
) -> Result<AccountFormPage, AppError> {
    let layout = Layout::new(&signed.ctx, "account-new-title");
    let t = layout.t;
    let organisations = state
        .app()
        .administration()
        .account_organisations(&signed.actor)
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
    let form = AccountForm {
        kind: "customer".into(),
        language: "cs".into(),
        rights: RightsFields::from_rights(&MembershipRights {
            support_documents: AgendaRight::Write,
            ..MembershipRights::NONE
        }),
        ..AccountForm::default()
    };
    render(&form_page(&state, &signed, form, FormErrors::default()).await?)
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
    let admin = state.app().administration();
    admin.require_account_manager(&signed.actor)?;
    let input = NewAccount {
        kind: form.kind.clone(),
        login: form.login.clone(),
        display_name: form.display_name.clone(),
        email: form.email.clone(),
        language: form.language.clone(),
        organisation: form.organisation.clone(),
        rights: form.rights.rights(),
        roles: form.roles(),
    };
    match admin.create_account(&signed.actor, &input, &address).await {
        Ok(created) => render(&CreatedPage {
            layout: Layout::new(&signed.ctx, "account-created-title"),
            display_name: created.account.display_name,
            login: created.account.login,
            link: created.link,
            account_id: created.account.id,
        })
        .map(IntoResponse::into_response),
        Err(Error::Invalid(problems)) => {
            let errors = FormErrors::from_fields(&problems, &Tr::new(signed.ctx.lang));
            let page = form_page(&state, &signed, form, errors).await?;
            again(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other.into()),
    }
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

/// The account's page; `link` is a new activation link to show once.
async fn account_page(
    state: &AppState,
    signed: &SignedIn,
    id: &str,
    link: Option<String>,
) -> Result<AccountPage, AppError> {
    let AccountDetail {
        account,
        memberships,
        may_manage,
        organisations,
        two_factor,
        history,
    } = state
        .app()
        .administration()
        .account(&signed.actor, id)
        .await?;
    let layout = Layout::new(&signed.ctx, "account-title");
    let t = layout.t;
    Ok(AccountPage {
        kind: kind_label(&t, account.kind),
        roles: account
            .roles
            .iter()
            .map(|r| t.t(role_key(r.as_str())))
            .collect(),
        may_manage,
        memberships: memberships
            .into_iter()
            .map(|(organisation, membership)| {
                (
                    organisation.id.to_string(),
                    organisation.name,
                    RightsView::new(&t, &membership.rights),
                )
            })
            .collect(),
        account,
        link,
        organisations: organisations
            .into_iter()
            .map(|o| Choice {
                value: o.id.to_string(),
                label: o.name,
                selected: false,
            })
            .collect(),
        rights_choices: RightsChoices::new(&t, &MembershipRights::NONE),
        membership_error: None,
        two_factor,
        two_factor_reset: false,
        history: super::history::format(&t, "account", history),
        layout,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    render(&account_page(&state, &signed, &id, None).await?)
}

/// Resets a user's two-factor sign-in (a lost phone): the next sign-in needs the password only.
pub(super) async fn reset_two_factor(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    state
        .app()
        .administration()
        .reset_two_factor(&signed.actor, &id, &address)
        .await?;
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
    state
        .app()
        .administration()
        .set_active(&signed.actor, &id, form.active == "true", &address)
        .await?;
    Ok(Redirect::to(&format!("/admin/accounts/{id}")).into_response())
}

pub(super) async fn new_link(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let link = state
        .app()
        .administration()
        .new_activation_link(&signed.actor, &id, &address)
        .await?;
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
    let rights = form.rights.rights();
    let chosen = form.remove.is_none().then_some(&rights);
    match state
        .app()
        .administration()
        .change_membership(&signed.actor, &id, &form.organisation, chosen, &address)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/admin/accounts/{id}#memberships")).into_response()),
        Err(Error::Invalid(problems)) => {
            let t = Tr::new(signed.ctx.lang);
            let mut page = account_page(&state, &signed, &id, None).await?;
            page.membership_error = FormErrors::from_fields(&problems, &t)
                .get("membership")
                .cloned();
            again(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(other) => Err(other.into()),
    }
}
