//! Organisation administration for staff: overview, creating and editing organisations (IČO
//! validated, stale edits refused), the account team, support contracts with their SLA plan,
//! members, and the change history. The use cases are in
//! `supportweb_app::administration::organisations`.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use serde::Deserialize;
use supportweb_app::administration::organisations::{OrganisationDetail, OrganisationForm};
use supportweb_app::administration::{
    self, InstallationRecord, Member, OrganisationRecord, TeamMember,
};
use supportweb_domain::permissions::{Action, AdminArea};

use super::contracts::ContractFields;
use super::form::{FormErrors, problems_of};
use super::layout::{Layout, render};
use super::organisation::{ContractView, SupportStatus};
use super::remote_access::RemoteSection;
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::pages::layout::again;
use crate::state::AppState;

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
    let page = state
        .app()
        .administration()
        .organisation_overview(actor, query.after.as_deref())
        .await?;
    let layout = Layout::new(&signed.ctx, "organisations-title");
    let t = layout.t;
    let today = supportweb_app::today();
    let rows = page
        .rows
        .into_iter()
        .map(|(organisation, contracts)| {
            let status = SupportStatus::new(&t, &contracts, today);
            let text = match (status.entitled, status.ending) {
                (false, _) => t.t("organisation-support-none"),
                (true, Some(ending)) => ending,
                (true, None) => t.t("support-entitled"),
            };
            (organisation, text)
        })
        .collect();
    render(&ListPage {
        may_create: administration::may(actor, AdminArea::Organisations, Action::Manage),
        layout,
        rows,
        next: page.next,
    })
}

#[derive(Template)]
#[template(path = "admin_organisation_new.html")]
struct NewPage {
    layout: Layout,
    form: OrganisationForm,
    errors: FormErrors,
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, AppError> {
    state
        .app()
        .administration()
        .require_organisation_manager(&signed.actor)?;
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
    let error = match state
        .app()
        .administration()
        .create_organisation(&signed.actor, &form)
        .await
    {
        Ok(organisation) => {
            return Ok(
                Redirect::to(&format!("/admin/organisations/{}", organisation.id)).into_response(),
            );
        }
        Err(error) => error,
    };
    let layout = Layout::new(&signed.ctx, "organisation-new-title");
    let (status, errors) = problems_of(&layout.t, error, "version")?;
    again(
        status,
        &NewPage {
            layout,
            form,
            errors,
        },
    )
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

/// The organisation's page; `form` and `contract` carry what was typed into its forms.
async fn detail_page(
    state: &AppState,
    signed: &SignedIn,
    id: &str,
    form: Option<OrganisationForm>,
    errors: FormErrors,
    contract: Option<ContractFields>,
) -> Result<DetailPage, AppError> {
    let actor = &signed.actor;
    let admin = state.app().administration();
    let OrganisationDetail {
        organisation,
        contracts,
        installations,
        team,
        members,
        staff,
        history,
    } = admin.organisation_detail(actor, id).await?;
    let layout = Layout::new(&signed.ctx, "organisation-admin-title");
    let t = layout.t;
    let today = supportweb_app::today();
    let contract = match contract {
        Some(fields) => fields,
        None => ContractFields::new(
            &t,
            Default::default(),
            FormErrors::default(),
            &admin.contract_catalogue(false).await?,
        ),
    };
    Ok(DetailPage {
        remote: RemoteSection::load(state, actor, &t, organisation.id).await?,
        form: form.unwrap_or_else(|| OrganisationForm::of(&organisation)),
        contracts: contracts
            .iter()
            .map(|c| ContractView::new(&t, c, today))
            .collect(),
        installations,
        team,
        members,
        may_manage: administration::may(actor, AdminArea::Organisations, Action::Manage),
        may_manage_contracts: administration::may(actor, AdminArea::Contracts, Action::Manage),
        staff: staff
            .into_iter()
            .map(|s| (s.id.to_string(), s.name))
            .collect(),
        history: super::history::format(&t, "organisation", history),
        organisation,
        errors,
        contract,
        layout,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    render(&detail_page(&state, &signed, &id, None, FormErrors::default(), None).await?)
}

pub(super) async fn update(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<OrganisationForm>,
) -> Result<Response, AppError> {
    let error = match state
        .app()
        .administration()
        .update_organisation(&signed.actor, &id, &form)
        .await
    {
        Ok(organisation) => {
            return Ok(
                Redirect::to(&format!("/admin/organisations/{}", organisation.id)).into_response(),
            );
        }
        Err(error) => error,
    };
    let (status, errors) = problems_of(&Tr::new(signed.ctx.lang), error, "version")?;
    let page = detail_page(&state, &signed, &id, Some(form), errors, None).await?;
    again(status, &page)
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
    state
        .app()
        .administration()
        .change_team(&signed.actor, &id, &form.user, form.remove.is_none())
        .await?;
    Ok(Redirect::to(&format!("/admin/organisations/{id}#team")).into_response())
}

/// Adds a contract to an organisation (the form on the organisation's page).
pub(super) async fn create_contract(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let admin = state.app().administration();
    admin.require_contract_manager(&signed.actor)?;
    let form = super::contracts::read_form(&body)?;
    let error = match admin
        .create_contract(&signed.actor, &id, &form, &address)
        .await
    {
        Ok(contract) => {
            return Ok(Redirect::to(&format!(
                "/admin/organisations/{}#contracts",
                contract.organisation_id
            ))
            .into_response());
        }
        Err(error) => error,
    };
    let t = Tr::new(signed.ctx.lang);
    let (_, errors) = problems_of(&t, error, "version")?;
    let catalogue = admin.contract_catalogue(true).await?;
    let fields = ContractFields::new(&t, form, errors, &catalogue);
    contract_form_again(&state, &signed, &id, fields).await
}

/// The organisation page again with the new-contract form as typed and its errors (422).
pub(super) async fn contract_form_again(
    state: &AppState,
    signed: &SignedIn,
    id: &str,
    fields: ContractFields,
) -> Result<Response, AppError> {
    let page = detail_page(state, signed, id, None, FormErrors::default(), Some(fields)).await?;
    again(StatusCode::UNPROCESSABLE_ENTITY, &page)
}
