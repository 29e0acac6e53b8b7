//! The installation card of an organisation, edited by staff who manage organisations: which
//! product, version and modules it runs, one line per installation.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::ids::{InstallationId, OrganisationId, ProductId};
use supportweb_domain::permissions::{Action, AdminArea, Area};
use supportweb_storage::StoreError;
use supportweb_storage::catalogue::{InstallationRecord, NewInstallation, ProductRecord};

use super::form::{FormErrors, form_values};
use super::history::{self, HistoryLine};
use super::{Layout, render};
use crate::context::SignedIn;
use crate::error::AppError;
use crate::middleware::KeepBody;
use crate::state::AppState;

const ORGANISATIONS: Area = Area::Admin(AdminArea::Organisations);

fn require(actor: &Actor, action: Action) -> Result<(), AppError> {
    if actor.staff_may(ORGANISATIONS, action) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The installation form as typed; modules arrive as repeated `module` fields.
#[derive(Debug, Default, Deserialize)]
struct InstallationForm {
    #[serde(default)]
    product: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    product_version: String,
    #[serde(default)]
    notes: String,
    #[serde(default)]
    version: i64,
    #[serde(skip)]
    modules: Vec<String>,
}

impl InstallationForm {
    fn from_body(body: &Bytes) -> Result<Self, AppError> {
        let mut form: InstallationForm =
            serde_urlencoded::from_bytes(body).map_err(|_| AppError::BadRequest("bad_request"))?;
        form.modules = form_values(body, "module");
        Ok(form)
    }

    fn from_record(i: &InstallationRecord) -> Self {
        InstallationForm {
            product: i.product_id.to_string(),
            label: i.label.clone(),
            product_version: i.product_version.clone(),
            notes: i.notes.clone(),
            version: i.version,
            modules: i.modules.clone(),
        }
    }

    fn parse(
        &self,
        layout: &Layout,
        product: &ProductRecord,
        errors: &mut FormErrors,
    ) -> Option<NewInstallation> {
        let t = &layout.t;
        if self.label.trim().is_empty() || self.label.chars().count() > 100 {
            errors.add_t("label", t, "form-error-required");
        }
        let new = NewInstallation {
            product_id: product.id,
            label: self.label.trim().into(),
            product_version: self.product_version.trim().into(),
            modules: self.modules.clone(),
            notes: self.notes.trim().into(),
        };
        if !product.versions.contains(&new.product_version) {
            errors.add_t("product_version", t, "installation-error-version");
        }
        if !new.fits(product) && errors.get("product_version").is_none() {
            errors.add_t("modules", t, "installation-error-modules");
        }
        errors.is_empty().then_some(new)
    }
}

#[derive(Template)]
#[template(path = "admin_installation.html")]
struct InstallationPage {
    layout: Layout,
    organisation_id: OrganisationId,
    organisation_name: String,
    id: Option<InstallationId>,
    products: Vec<ProductRecord>,
    product: Option<ProductRecord>,
    form: InstallationForm,
    errors: FormErrors,
    may_manage: bool,
    history: Vec<HistoryLine>,
}

impl InstallationPage {
    fn checked(&self, module: &str) -> bool {
        self.form.modules.iter().any(|m| m == module)
    }
}

fn unprocessable(status: StatusCode, page: &InstallationPage) -> Result<Response, AppError> {
    Ok((status, axum::Extension(KeepBody), render(page)?).into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct ProductQuery {
    product: Option<String>,
}

async fn chosen_product(state: &AppState, text: &str) -> Result<Option<ProductRecord>, AppError> {
    let Ok(id) = text.parse::<ProductId>() else {
        return Ok(None);
    };
    match state.store().product(id).await {
        Ok(product) => Ok(Some(product)),
        Err(StoreError::NotFound) => Ok(None),
        Err(other) => Err(other.into()),
    }
}

fn organisation_id(id: &str) -> Result<OrganisationId, AppError> {
    id.parse().map_err(|_| AppError::NotFound)
}

fn installation_id(id: &str) -> Result<InstallationId, AppError> {
    id.parse().map_err(|_| AppError::NotFound)
}

/// Step one chooses the product (a list of links), step two fills in version and modules.
pub(super) async fn new_form(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    Query(query): Query<ProductQuery>,
) -> Result<Html<String>, AppError> {
    require(&signed.actor, Action::Manage)?;
    let organisation = state
        .store()
        .organisation(&signed.actor, organisation_id(&id)?)
        .await?;
    let product = match query.product.as_deref() {
        Some(text) => chosen_product(&state, text).await?.filter(|p| p.is_active),
        None => None,
    };
    let form = InstallationForm {
        product: product
            .as_ref()
            .map(|p| p.id.to_string())
            .unwrap_or_default(),
        product_version: product
            .as_ref()
            .and_then(|p| p.versions.first().cloned())
            .unwrap_or_default(),
        ..InstallationForm::default()
    };
    render(&InstallationPage {
        layout: Layout::new(&signed.ctx, "installation-new-title"),
        organisation_id: organisation.id,
        organisation_name: organisation.name,
        id: None,
        products: state.store().products(false).await?,
        product,
        form,
        errors: FormErrors::default(),
        may_manage: true,
        history: Vec::new(),
    })
}

pub(super) async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    require(&signed.actor, Action::Manage)?;
    let organisation = state
        .store()
        .organisation(&signed.actor, organisation_id(&id)?)
        .await?;
    let form = InstallationForm::from_body(&body)?;
    let layout = Layout::new(&signed.ctx, "installation-new-title");
    let mut errors = FormErrors::default();
    let product = chosen_product(&state, &form.product)
        .await?
        .filter(|p| p.is_active);
    let parsed = match &product {
        Some(product) => form.parse(&layout, product, &mut errors),
        None => {
            errors.add_t("product", &layout.t, "installation-error-product");
            None
        }
    };
    if let Some(new) = parsed {
        state
            .store()
            .create_installation(&signed.actor, organisation.id, &new)
            .await?;
        return Ok(Redirect::to(&format!(
            "/admin/organisations/{}#installations",
            organisation.id
        ))
        .into_response());
    }
    let page = InstallationPage {
        layout,
        organisation_id: organisation.id,
        organisation_name: organisation.name,
        id: None,
        products: state.store().products(false).await?,
        product,
        form,
        errors,
        may_manage: true,
        history: Vec::new(),
    };
    unprocessable(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

async fn edit_page(
    state: &AppState,
    signed: &SignedIn,
    installation: InstallationRecord,
    form: Option<InstallationForm>,
    errors: FormErrors,
) -> Result<InstallationPage, AppError> {
    let organisation = state
        .store()
        .organisation(&signed.actor, installation.organisation_id)
        .await?;
    let layout = Layout::new(&signed.ctx, "installation-title");
    let history = history::lines(state, &layout.t, "installation", installation.id.0).await?;
    Ok(InstallationPage {
        organisation_id: organisation.id,
        organisation_name: organisation.name,
        id: Some(installation.id),
        products: Vec::new(),
        product: Some(state.store().product(installation.product_id).await?),
        form: form.unwrap_or_else(|| InstallationForm::from_record(&installation)),
        errors,
        may_manage: signed.actor.staff_may(ORGANISATIONS, Action::Manage),
        history,
        layout,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    require(&signed.actor, Action::Read)?;
    let installation = state
        .store()
        .installation(&signed.actor, installation_id(&id)?)
        .await?;
    render(&edit_page(&state, &signed, installation, None, FormErrors::default()).await?)
}

pub(super) async fn update(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    require(&signed.actor, Action::Manage)?;
    let installation = state
        .store()
        .installation(&signed.actor, installation_id(&id)?)
        .await?;
    let form = InstallationForm::from_body(&body)?;
    let layout = Layout::new(&signed.ctx, "installation-title");
    let product = state.store().product(installation.product_id).await?;
    let mut errors = FormErrors::default();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if let Some(changed) = form.parse(&layout, &product, &mut errors) {
        match state
            .store()
            .update_installation(&signed.actor, installation.id, form.version, &changed)
            .await
        {
            Ok(()) => {
                return Ok(
                    Redirect::to(&format!("/admin/installations/{}", installation.id))
                        .into_response(),
                );
            }
            Err(StoreError::Conflict) => {
                status = StatusCode::CONFLICT;
                errors.add_t("version", &layout.t, "error-conflict-detail");
            }
            Err(other) => return Err(other.into()),
        }
    }
    let page = edit_page(&state, &signed, installation, Some(form), errors).await?;
    unprocessable(status, &page)
}

pub(super) async fn remove(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    require(&signed.actor, Action::Manage)?;
    let organisation = state
        .store()
        .remove_installation(&signed.actor, installation_id(&id)?)
        .await?;
    Ok(Redirect::to(&format!(
        "/admin/organisations/{organisation}#installations"
    ))
    .into_response())
}
