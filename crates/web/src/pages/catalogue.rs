//! The product catalogue for staff: products with their modules and versions, which
//! installation cards and contracts choose from. Project managers, developers and
//! administrators maintain it; consultants and technicians read it.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::ids::ProductId;
use supportweb_domain::permissions::{Action, AdminArea, Area};
use supportweb_storage::StoreError;
use supportweb_storage::catalogue::{NewProduct, ProductRecord};

use super::form::FormErrors;
use super::history::{self, HistoryLine};
use super::{Layout, render};
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::middleware::KeepBody;
use crate::state::AppState;

const CATALOGUE: Area = Area::Admin(AdminArea::Catalogue);

fn require(actor: &Actor, action: Action) -> Result<(), AppError> {
    if actor.staff_may(CATALOGUE, action) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

#[derive(Template)]
#[template(path = "admin_products.html")]
struct ListPage {
    layout: Layout,
    products: Vec<ProductRecord>,
    may_manage: bool,
}

pub(super) async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, AppError> {
    require(&signed.actor, Action::Read)?;
    render(&ListPage {
        layout: Layout::new(&signed.ctx, "products-title"),
        products: state.store().products(true).await?,
        may_manage: signed.actor.staff_may(CATALOGUE, Action::Manage),
    })
}

/// The product form as typed.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct ProductForm {
    #[serde(default)]
    pub(crate) code: String,
    #[serde(default)]
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) modules: String,
    #[serde(default)]
    pub(crate) versions: String,
    pub(crate) is_active: Option<String>,
    #[serde(default)]
    pub(crate) version: i64,
}

/// Non-empty trimmed lines, each once.
fn lines(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.iter().any(|o| o == line) {
            out.push(line.to_owned());
        }
    }
    out
}

impl ProductForm {
    fn from_record(p: &ProductRecord) -> Self {
        ProductForm {
            code: p.code.clone(),
            name: p.name.clone(),
            modules: p.modules.join("\n"),
            versions: p.versions.join("\n"),
            is_active: p.is_active.then(|| "on".into()),
            version: p.version,
        }
    }

    pub(crate) fn parse(&self, t: &Tr, errors: &mut FormErrors) -> Option<NewProduct> {
        let code = self.code.trim();
        if code.is_empty()
            || code.len() > 30
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            errors.add_t("code", t, "product-error-code");
        }
        if self.name.trim().is_empty() || self.name.chars().count() > 200 {
            errors.add_t("name", t, "form-error-required");
        }
        let versions = lines(&self.versions);
        if versions.is_empty() {
            errors.add_t("versions", t, "product-error-versions");
        }
        let modules = lines(&self.modules);
        if modules
            .iter()
            .chain(&versions)
            .any(|l| l.chars().count() > 100)
        {
            errors.add_t("modules", t, "product-error-line");
        }
        if !errors.is_empty() {
            return None;
        }
        Some(NewProduct {
            code: code.to_uppercase(),
            name: self.name.trim().into(),
            modules,
            versions,
            is_active: self.is_active.is_some(),
        })
    }
}

#[derive(Template)]
#[template(path = "admin_product.html")]
struct ProductPage {
    layout: Layout,
    id: Option<ProductId>,
    form: ProductForm,
    errors: FormErrors,
    may_manage: bool,
    history: Vec<HistoryLine>,
}

fn invalid(status: StatusCode, page: &ProductPage) -> Result<Response, AppError> {
    Ok((status, axum::Extension(KeepBody), render(page)?).into_response())
}

pub(super) async fn new_form(signed: SignedIn) -> Result<Html<String>, AppError> {
    require(&signed.actor, Action::Manage)?;
    render(&ProductPage {
        layout: Layout::new(&signed.ctx, "product-new-title"),
        id: None,
        form: ProductForm {
            is_active: Some("on".into()),
            ..ProductForm::default()
        },
        errors: FormErrors::default(),
        may_manage: true,
        history: Vec::new(),
    })
}

pub(super) async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    Form(form): Form<ProductForm>,
) -> Result<Response, AppError> {
    require(&signed.actor, Action::Manage)?;
    let layout = Layout::new(&signed.ctx, "product-new-title");
    let mut errors = FormErrors::default();
    let outcome = match form.parse(&layout.t, &mut errors) {
        Some(product) => state.store().create_product(&signed.actor, &product).await,
        None => Err(StoreError::NotFound),
    };
    match outcome {
        Ok(id) => return Ok(Redirect::to(&format!("/admin/products/{id}")).into_response()),
        Err(StoreError::Duplicate(_)) => {
            errors.add_t("code", &layout.t, "product-error-code-taken")
        }
        Err(StoreError::NotFound) => {}
        Err(other) => return Err(other.into()),
    }
    let page = ProductPage {
        layout,
        id: None,
        form,
        errors,
        may_manage: true,
        history: Vec::new(),
    };
    invalid(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

async fn product_page(
    state: &AppState,
    signed: &SignedIn,
    id: ProductId,
    form: Option<ProductForm>,
    errors: FormErrors,
) -> Result<ProductPage, AppError> {
    let product = state.store().product(id).await?;
    let layout = Layout::new(&signed.ctx, "product-title");
    let history = history::lines(state, &layout.t, "product", id.0).await?;
    Ok(ProductPage {
        id: Some(id),
        form: form.unwrap_or_else(|| ProductForm::from_record(&product)),
        errors,
        may_manage: signed.actor.staff_may(CATALOGUE, Action::Manage),
        history,
        layout,
    })
}

fn product_id(id: &str) -> Result<ProductId, AppError> {
    id.parse().map_err(|_| AppError::NotFound)
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    require(&signed.actor, Action::Read)?;
    let id = product_id(&id)?;
    render(&product_page(&state, &signed, id, None, FormErrors::default()).await?)
}

pub(super) async fn update(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ProductForm>,
) -> Result<Response, AppError> {
    require(&signed.actor, Action::Manage)?;
    let id = product_id(&id)?;
    state.store().product(id).await?;
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if let Some(product) = form.parse(&t, &mut errors) {
        match state
            .store()
            .update_product(&signed.actor, id, form.version, &product)
            .await
        {
            Ok(()) => return Ok(Redirect::to(&format!("/admin/products/{id}")).into_response()),
            Err(StoreError::Conflict) => {
                status = StatusCode::CONFLICT;
                errors.add_t("version", &t, "error-conflict-detail");
            }
            Err(StoreError::Duplicate(_)) => errors.add_t("code", &t, "product-error-code-taken"),
            Err(other) => return Err(other.into()),
        }
    }
    let page = product_page(&state, &signed, id, Some(form), errors).await?;
    invalid(status, &page)
}
