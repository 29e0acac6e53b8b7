//! The product catalogue for staff: products with their modules and versions, which
//! installation cards and contracts choose from. Project managers, developers and
//! administrators maintain it; consultants and technicians read it. The use cases are in
//! `supportweb_app::administration::catalogue`.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use supportweb_app::administration::catalogue::ProductForm;
use supportweb_app::administration::{self, ProductRecord};
use supportweb_domain::permissions::{Action, AdminArea};

use super::form::{FormErrors, problems_of};
use super::history::{self, HistoryLine};
use super::layout::{Layout, render};
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::pages::layout::again;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin_products.html")]
struct ListPage {
    layout: Layout,
    products: Vec<ProductRecord>,
    may_manage: bool,
}

fn may_manage(signed: &SignedIn) -> bool {
    administration::may(&signed.actor, AdminArea::Catalogue, Action::Manage)
}

pub(super) async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, AppError> {
    render(&ListPage {
        products: state.app().administration().products(&signed.actor).await?,
        layout: Layout::new(&signed.ctx, "products-title"),
        may_manage: may_manage(&signed),
    })
}

#[derive(Template)]
#[template(path = "admin_product.html")]
struct ProductPage {
    layout: Layout,
    id: Option<String>,
    form: ProductForm,
    errors: FormErrors,
    may_manage: bool,
    history: Vec<HistoryLine>,
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, AppError> {
    state
        .app()
        .administration()
        .require_catalogue_manager(&signed.actor)?;
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
    let error = match state
        .app()
        .administration()
        .create_product(&signed.actor, &form)
        .await
    {
        Ok(product) => {
            return Ok(Redirect::to(&format!("/admin/products/{}", product.id)).into_response());
        }
        Err(error) => error,
    };
    let layout = Layout::new(&signed.ctx, "product-new-title");
    let (status, errors) = problems_of(&layout.t, error, "version")?;
    let page = ProductPage {
        layout,
        id: None,
        form,
        errors,
        may_manage: true,
        history: Vec::new(),
    };
    again(status, &page)
}

/// The product's page; `form` carries what was typed.
async fn product_page(
    state: &AppState,
    signed: &SignedIn,
    id: &str,
    form: Option<ProductForm>,
    errors: FormErrors,
) -> Result<ProductPage, AppError> {
    let (product, history) = state
        .app()
        .administration()
        .product(&signed.actor, id)
        .await?;
    let layout = Layout::new(&signed.ctx, "product-title");
    Ok(ProductPage {
        id: Some(product.id.to_string()),
        form: form.unwrap_or_else(|| ProductForm::of(&product)),
        errors,
        may_manage: may_manage(signed),
        history: history::format(&layout.t, "product", history),
        layout,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    render(&product_page(&state, &signed, &id, None, FormErrors::default()).await?)
}

pub(super) async fn update(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ProductForm>,
) -> Result<Response, AppError> {
    let error = match state
        .app()
        .administration()
        .update_product(&signed.actor, &id, &form)
        .await
    {
        Ok(product) => {
            return Ok(Redirect::to(&format!("/admin/products/{}", product.id)).into_response());
        }
        Err(error) => error,
    };
    let (status, errors) = problems_of(&Tr::new(signed.ctx.lang), error, "version")?;
    let page = product_page(&state, &signed, &id, Some(form), errors).await?;
    again(status, &page)
}
