//! Organisation administration for staff: overview, creating and editing organisations (IČO
//! validated, stale edits refused), the account team, support contracts with their SLA plan,
//! members, and the change history.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::ids::OrganisationId;
use supportweb_domain::organisation::{Ico, InvalidIco, OrganisationKind};
use supportweb_domain::permissions::{Action, AdminArea, Area};
use supportweb_domain::user::UserKind;
use supportweb_storage::StoreError;
use supportweb_storage::catalogue::InstallationRecord;
use supportweb_storage::organisations::{Member, NewOrganisation, OrganisationRecord, TeamMember};

use super::contracts::{ContractFields, ContractForm};
use super::form::{FormErrors, looks_like_email};
use super::organisation::{ContractView, SupportStatus};
use super::remote_access::RemoteSection;
use super::{Layout, render};
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::middleware::KeepBody;
use crate::state::AppState;

const ORGANISATIONS: Area = Area::Admin(AdminArea::Organisations);
const CONTRACTS: Area = Area::Admin(AdminArea::Contracts);
const PAGE_SIZE: u32 = 50;

fn require(actor: &Actor, area: Area, action: Action) -> Result<(), AppError> {
    if actor.staff_may(area, action) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

fn invalid(page: impl Template) -> Result<Response, AppError> {
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        axum::Extension(KeepBody),
        render(&page)?,
    )
        .into_response())
}

#[derive(Template)]
#[template(path = "admin_organisations.html")]
struct ListPage {
    layout: Layout,
    rows: Vec<(OrganisationRecord, String)>,
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
    let actor = &signed.actor;
    require(actor, ORGANISATIONS, Action::Read)?;
    let layout = Layout::new(&signed.ctx, "organisations-title");
    let t = layout.t;
    let after = match query.after.as_deref() {
        Some(id) => {
            let id: OrganisationId = id
                .parse()
                .map_err(|_| AppError::BadRequest("bad_request"))?;
            let last = state.store().organisation(actor, id).await?;
            Some((last.name, id))
        }
        None => None,
    };
    let organisations = state
        .store()
        .organisations(
            actor,
            after.as_ref().map(|(n, id)| (n.as_str(), *id)),
            PAGE_SIZE,
        )
        .await?;
    let next = (organisations.len() == PAGE_SIZE as usize)
        .then(|| organisations.last().map(|o| o.id.to_string()))
        .flatten();
    let today = super::today();
    let mut rows = Vec::with_capacity(organisations.len());
    for organisation in organisations {
        let contracts = state.store().contracts(actor, organisation.id).await?;
        let status = SupportStatus::new(&t, &contracts, today);
        let text = match (status.entitled, status.ending) {
            (false, _) => t.t("organisation-support-none"),
            (true, Some(ending)) => ending,
            (true, None) => t.t("support-entitled"),
        };
        rows.push((organisation, text));
    }
    render(&ListPage {
        may_create: actor.staff_may(ORGANISATIONS, Action::Manage),
        layout,
        rows,
        next,
    })
}

/// The organisation form as typed.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct OrganisationForm {
    #[serde(default)]
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) kind: String,
    #[serde(default)]
    pub(crate) ico: String,
    #[serde(default)]
    pub(crate) dic: String,
    #[serde(default)]
    pub(crate) street: String,
    #[serde(default)]
    pub(crate) city: String,
    #[serde(default)]
    pub(crate) postal_code: String,
    #[serde(default)]
    pub(crate) email: String,
    #[serde(default)]
    pub(crate) phone: String,
    pub(crate) is_public_body: Option<String>,
    #[serde(default)]
    pub(crate) notes: String,
    #[serde(default)]
    pub(crate) version: i64,
}

impl OrganisationForm {
    fn from_record(o: &OrganisationRecord) -> Self {
        OrganisationForm {
            name: o.name.clone(),
            kind: o.kind.as_str().into(),
            ico: o.ico.clone().unwrap_or_default(),
            dic: o.dic.clone().unwrap_or_default(),
            street: o.street.clone(),
            city: o.city.clone(),
            postal_code: o.postal_code.clone(),
            email: o.email.clone(),
            phone: o.phone.clone(),
            is_public_body: o.is_public_body.then(|| "on".into()),
            notes: o.notes.clone(),
            version: o.version,
        }
    }

    /// Validates; errors are recorded per field in the user's language.
    pub(crate) fn parse(&self, t: &Tr, errors: &mut FormErrors) -> Option<NewOrganisation> {
        let required = |value: &str, field: &'static str, errors: &mut FormErrors| {
            if value.trim().is_empty() || value.chars().count() > 300 {
                errors.add_t(field, t, "form-error-required");
            }
        };
        required(&self.name, "name", errors);
        required(&self.street, "street", errors);
        required(&self.city, "city", errors);
        required(&self.postal_code, "postal_code", errors);
        let kind = OrganisationKind::parse(&self.kind);
        if kind.is_none() {
            errors.add_t("kind", t, "form-error-required");
        }
        let ico = if self.ico.trim().is_empty() {
            None
        } else {
            match Ico::parse(&self.ico) {
                Ok(ico) => Some(ico),
                Err(InvalidIco::Format) => {
                    errors.add_t("ico", t, "organisation-error-ico-format");
                    None
                }
                Err(InvalidIco::Checksum) => {
                    errors.add_t("ico", t, "organisation-error-ico-checksum");
                    None
                }
            }
        };
        if !self.email.trim().is_empty() && !looks_like_email(self.email.trim()) {
            errors.add_t("email", t, "account-error-email");
        }
        if !errors.is_empty() {
            return None;
        }
        Some(NewOrganisation {
            name: self.name.trim().into(),
            kind: kind?,
            ico,
            dic: Some(self.dic.trim().to_owned()).filter(|d| !d.is_empty()),
            street: self.street.trim().into(),
            city: self.city.trim().into(),
            postal_code: self.postal_code.trim().into(),
            email: self.email.trim().into(),
            phone: self.phone.trim().into(),
            is_public_body: self.is_public_body.is_some(),
            notes: self.notes.trim().into(),
        })
    }
}

#[derive(Template)]
#[template(path = "admin_organisation_new.html")]
struct NewPage {
    layout: Layout,
    form: OrganisationForm,
    errors: FormErrors,
}

pub(super) async fn new_form(signed: SignedIn) -> Result<Html<String>, AppError> {
    require(&signed.actor, ORGANISATIONS, Action::Manage)?;
    render(&NewPage {
        layout: Layout::new(&signed.ctx, "organisation-new-title"),
        form: OrganisationForm {
            kind: "customer".into(),
            ..OrganisationForm::default()
        },
        errors: FormErrors::default(),
    })
}

pub(super) async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<OrganisationForm>,
) -> Result<Response, AppError> {
    require(&signed.actor, ORGANISATIONS, Action::Manage)?;
    let layout = Layout::new(&signed.ctx, "organisation-new-title");
    let mut errors = FormErrors::default();
    let Some(new) = form.parse(&layout.t, &mut errors) else {
        return invalid(NewPage {
            layout,
            form,
            errors,
        });
    };
    match state.store().create_organisation(&new).await {
        Ok(id) => Ok(Redirect::to(&format!("/admin/organisations/{id}")).into_response()),
        Err(StoreError::Duplicate(_)) => {
            errors.add_t("ico", &layout.t, "organisation-error-ico-taken");
            invalid(NewPage {
                layout,
                form,
                errors,
            })
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "admin_organisation.html")]
struct DetailPage {
    layout: Layout,
    organisation: OrganisationRecord,
    form: OrganisationForm,
    errors: FormErrors,
    contract: ContractFields,
    contracts: Vec<ContractView>,
    installations: Vec<InstallationRecord>,
    team: Vec<TeamMember>,
    staff: Vec<(String, String)>,
    members: Vec<Member>,
    history: Vec<super::history::HistoryLine>,
    may_manage: bool,
    may_manage_contracts: bool,
    remote: RemoteSection,
}

async fn detail_page(
    state: &AppState,
    signed: &SignedIn,
    id: OrganisationId,
    form: Option<OrganisationForm>,
    errors: FormErrors,
    contract: Option<ContractFields>,
) -> Result<DetailPage, AppError> {
    let actor = &signed.actor;
    let store = state.store();
    let organisation = store.organisation(actor, id).await?;
    let layout = Layout::new(&signed.ctx, "organisation-admin-title");
    let t = layout.t;
    let today = super::today();
    let contracts = store.contracts(actor, id).await?;
    let staff = store
        .accounts_page(None, 1000)
        .await?
        .into_iter()
        .filter(|u| u.kind == UserKind::Staff && u.is_active)
        .map(|u| (u.id.to_string(), u.display_name))
        .collect();
    let history = super::history::lines(state, &t, "organisation", id.0).await?;
    let contract = match contract {
        Some(fields) => fields,
        None => ContractFields::new(
            &t,
            ContractForm::default(),
            FormErrors::default(),
            &store.products(false).await?,
        ),
    };
    let remote = RemoteSection::load(state, actor, &t, id).await?;
    Ok(DetailPage {
        remote,
        form: form.unwrap_or_else(|| OrganisationForm::from_record(&organisation)),
        contracts: contracts
            .iter()
            .map(|c| ContractView::new(&t, c, today))
            .collect(),
        installations: store.installations(actor, id).await?,
        team: store.account_team(actor, id).await?,
        members: store.members(actor, id).await?,
        may_manage: actor.staff_may(ORGANISATIONS, Action::Manage),
        may_manage_contracts: actor.staff_may(CONTRACTS, Action::Manage),
        staff,
        history,
        organisation,
        errors,
        contract,
        layout,
    })
}

fn organisation_id(id: &str) -> Result<OrganisationId, AppError> {
    id.parse().map_err(|_| AppError::NotFound)
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    require(&signed.actor, ORGANISATIONS, Action::Read)?;
    let id = organisation_id(&id)?;
    render(&detail_page(&state, &signed, id, None, FormErrors::default(), None).await?)
}

pub(super) async fn update(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<OrganisationForm>,
) -> Result<Response, AppError> {
    require(&signed.actor, ORGANISATIONS, Action::Manage)?;
    let id = organisation_id(&id)?;
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let status = match form.parse(&t, &mut errors) {
        None => StatusCode::UNPROCESSABLE_ENTITY,
        Some(changed) => {
            let (status, field, message) = match state
                .store()
                .update_organisation(&signed.actor, id, form.version, &changed)
                .await
            {
                Ok(()) => {
                    return Ok(Redirect::to(&format!("/admin/organisations/{id}")).into_response());
                }
                Err(StoreError::Conflict) => {
                    (StatusCode::CONFLICT, "version", "error-conflict-detail")
                }
                Err(StoreError::Duplicate(_)) => (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "ico",
                    "organisation-error-ico-taken",
                ),
                Err(other) => return Err(other.into()),
            };
            errors.add_t(field, &t, message);
            status
        }
    };
    let page = detail_page(&state, &signed, id, Some(form), errors, None).await?;
    Ok((status, axum::Extension(KeepBody), render(&page)?).into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct TeamForm {
    #[serde(default)]
    user: String,
    #[serde(default)]
    remove: Option<String>,
}

pub(super) async fn team(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<TeamForm>,
) -> Result<Response, AppError> {
    require(&signed.actor, ORGANISATIONS, Action::Manage)?;
    let id = organisation_id(&id)?;
    state.store().organisation(&signed.actor, id).await?;
    // The user id arrives in the request: it must name an active staff account.
    let user = form.user.parse().ok().map(supportweb_domain::ids::UserId);
    let staff = match user {
        Some(user) => state
            .store()
            .user(user)
            .await?
            .filter(|u| u.kind == UserKind::Staff && u.is_active),
        None => None,
    };
    let Some(staff) = staff else {
        return Err(AppError::Invalid(vec![crate::error::FieldError {
            field: "user".into(),
            code: "team-error-user",
            argument: None,
        }]));
    };
    let was_member = state
        .store()
        .account_team(&signed.actor, id)
        .await?
        .iter()
        .any(|m| m.user_id == staff.id);
    let change = if form.remove.is_some() {
        state.store().remove_from_account_team(id, staff.id).await?;
        was_member.then(|| (staff.display_name.clone(), String::new()))
    } else {
        state.store().add_to_account_team(id, staff.id).await?;
        (!was_member).then(|| (String::new(), staff.display_name.clone()))
    };
    if let Some((old, new)) = change {
        state
            .store()
            .record_history(
                "organisation",
                id.0,
                signed.actor.user_id,
                &[supportweb_storage::history::FieldChange {
                    field: "account_team",
                    old,
                    new,
                }],
            )
            .await?;
    }
    Ok(Redirect::to(&format!("/admin/organisations/{id}#team")).into_response())
}

/// The organisation page again with the new-contract form as typed and its errors (422).
pub(super) async fn contract_form_again(
    state: &AppState,
    signed: &SignedIn,
    id: OrganisationId,
    fields: ContractFields,
) -> Result<Response, AppError> {
    let page = detail_page(state, signed, id, None, FormErrors::default(), Some(fields)).await?;
    invalid(page)
}
