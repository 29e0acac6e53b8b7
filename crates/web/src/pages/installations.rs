//! The installation card of an organisation, edited by staff who manage organisations: which
//! product, version and modules it runs, one line per installation. The use cases are in
//! `supportweb_app::administration::catalogue`.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use serde::Deserialize;
use supportweb_app::administration::catalogue::{InstallationDetail, InstallationForm};
use supportweb_app::administration::{self, ProductRecord};
use supportweb_domain::ids::{InstallationId, OrganisationId};
use supportweb_domain::permissions::{Action, AdminArea};

use super::form::{FormErrors, form_values, problems_of};
use super::history::{self, HistoryLine};
use super::layout::{Layout, render};
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::pages::layout::again;
use crate::state::AppState;

/// Reads the installation form; modules arrive as repeated `module` fields.
fn read_form(body: &Bytes) -> Result<InstallationForm, AppError> {
    let mut form: InstallationForm =
        serde_urlencoded::from_bytes(body).map_err(|_| AppError::BadRequest("bad_request"))?;
    form.modules = form_values(body, "module");
    Ok(form)
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

#[derive(Debug, Deserialize)]
pub(super) struct ProductQuery {
    product: Option<String>,
}

/// Step one chooses the product (a list of links), step two fills in version and modules.
pub(super) async fn new_form(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    Query(query): Query<ProductQuery>,
) -> Result<Html<String>, AppError> {
    let admin = state.app().administration();
    let (organisation, products) = admin.installation_choices(&signed.actor, &id).await?;
    let product = match query.product.as_deref() {
        Some(text) => admin.offered_product(text).await?,
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
        products,
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
    let admin = state.app().administration();
    let (organisation, products) = admin.installation_choices(&signed.actor, &id).await?;
    let form = read_form(&body)?;
    let error = match admin.create_installation(&signed.actor, &id, &form).await {
        Ok(installation) => {
            return Ok(Redirect::to(&format!(
                "/admin/organisations/{}#installations",
                installation.organisation_id
            ))
            .into_response());
        }
        Err(error) => error,
    };
    let layout = Layout::new(&signed.ctx, "installation-new-title");
    let (status, errors) = problems_of(&layout.t, error, "version")?;
    let page = InstallationPage {
        layout,
        organisation_id: organisation.id,
        organisation_name: organisation.name,
        id: None,
        product: admin.offered_product(&form.product).await?,
        products,
        form,
        errors,
        may_manage: true,
        history: Vec::new(),
    };
    again(status, &page)
}

fn edit_page(
    signed: &SignedIn,
    detail: InstallationDetail,
    form: Option<InstallationForm>,
    errors: FormErrors,
) -> InstallationPage {
    let layout = Layout::new(&signed.ctx, "installation-title");
    InstallationPage {
        organisation_id: detail.organisation.id,
        organisation_name: detail.organisation.name,
        id: Some(detail.installation.id),
        products: Vec::new(),
        product: Some(detail.product),
        form: form.unwrap_or_else(|| InstallationForm::of(&detail.installation)),
        errors,
        may_manage: administration::may(&signed.actor, AdminArea::Organisations, Action::Manage),
        history: history::format(&layout.t, "installation", detail.history),
        layout,
    }
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let detail = state
        .app()
        .administration()
        .installation(&signed.actor, &id)
        .await?;
    render(&edit_page(&signed, detail, None, FormErrors::default()))
}

pub(super) async fn update(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let admin = state.app().administration();
    let detail = admin.installation(&signed.actor, &id).await?;
    let form = read_form(&body)?;
    let error = match admin.update_installation(&signed.actor, &id, &form).await {
        Ok(installation) => {
            return Ok(
                Redirect::to(&format!("/admin/installations/{}", installation.id)).into_response(),
            );
        }
        Err(error) => error,
    };
    let (status, errors) = problems_of(&Tr::new(signed.ctx.lang), error, "version")?;
    again(status, &edit_page(&signed, detail, Some(form), errors))
}

pub(super) async fn remove(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let organisation = state
        .app()
        .administration()
        .remove_installation(&signed.actor, &id)
        .await?;
    Ok(Redirect::to(&format!(
        "/admin/organisations/{organisation}#installations"
    ))
    .into_response())
}
