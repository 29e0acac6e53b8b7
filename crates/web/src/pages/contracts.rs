//! Support contracts for staff: the form shared by "new contract" on the organisation page and
//! the contract's own page, where it is edited (stale edits refused) with its change history.
//! The use cases (`supportweb_app::administration::contracts`) audit every change.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use supportweb_app::administration::contracts::{ContractDetail, ContractForm};
use supportweb_app::administration::{self, ProductRecord};
use supportweb_domain::ids::OrganisationId;
use supportweb_domain::permissions::{Action, AdminArea};

use super::form::{FormErrors, form_values, problems_of};
use super::history::{self, HistoryLine};
use super::layout::{Layout, render};
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::pages::layout::again;
use crate::state::AppState;

/// Reads the contract form from a form body (the products are a checkbox group).
pub(super) fn read_form(body: &Bytes) -> Result<ContractForm, AppError> {
    let mut form: ContractForm =
        serde_urlencoded::from_bytes(body).map_err(|_| AppError::BadRequest("bad_request"))?;
    form.products = form_values(body, "product");
    Ok(form)
}

/// One product checkbox of the contract form.
pub struct ProductChoice {
    /// Product id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Ticked.
    pub checked: bool,
}

/// Everything the contract fields partial (`contract_fields.html`) shows.
pub struct ContractFields {
    /// Values as typed.
    pub form: ContractForm,
    /// Errors per field.
    pub errors: FormErrors,
    /// Severity label, response field, value, resolution field, value.
    pub severities: Vec<(String, &'static str, String, &'static str, String)>,
    /// Products of the catalogue to tick.
    pub products: Vec<ProductChoice>,
}

impl ContractFields {
    /// The fields for `form`, offering the active products and any the contract already has.
    pub fn new(
        t: &Tr,
        form: ContractForm,
        errors: FormErrors,
        catalogue: &[ProductRecord],
    ) -> Self {
        let severities = form
            .sla_fields()
            .into_iter()
            .map(|(s, rf, r, sf, v)| {
                (
                    t.t(format!("severity-{}", s.as_str())),
                    rf,
                    r.to_owned(),
                    sf,
                    v.to_owned(),
                )
            })
            .collect();
        let products = catalogue
            .iter()
            .filter(|p| p.is_active || form.products.contains(&p.id.to_string()))
            .map(|p| ProductChoice {
                id: p.id.to_string(),
                name: p.name.clone(),
                checked: form.products.contains(&p.id.to_string()),
            })
            .collect();
        ContractFields {
            form,
            errors,
            severities,
            products,
        }
    }
}

#[derive(Template)]
#[template(path = "admin_contract.html")]
struct ContractPage {
    layout: Layout,
    id: String,
    organisation_id: OrganisationId,
    organisation_name: String,
    contract: ContractFields,
    may_manage: bool,
    history: Vec<HistoryLine>,
}

fn contract_page(
    signed: &SignedIn,
    detail: ContractDetail,
    form: Option<ContractForm>,
    errors: FormErrors,
) -> ContractPage {
    let layout = Layout::new(&signed.ctx, "contract-title");
    let form = form.unwrap_or_else(|| ContractForm::of(&detail.contract));
    ContractPage {
        id: detail.contract.id.to_string(),
        organisation_id: detail.organisation.id,
        organisation_name: detail.organisation.name,
        contract: ContractFields::new(&layout.t, form, errors, &detail.catalogue),
        may_manage: administration::may(&signed.actor, AdminArea::Contracts, Action::Manage),
        history: history::format(&layout.t, "contract", detail.history),
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
        .contract(&signed.actor, &id)
        .await?;
    render(&contract_page(&signed, detail, None, FormErrors::default()))
}

pub(super) async fn update(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let admin = state.app().administration();
    admin.require_contract_manager(&signed.actor)?;
    let form = read_form(&body)?;
    let error = match admin
        .update_contract(&signed.actor, &id, &form, &address)
        .await
    {
        Ok(contract) => {
            return Ok(Redirect::to(&format!("/admin/contracts/{}", contract.id)).into_response());
        }
        Err(error) => error,
    };
    let (status, errors) = problems_of(&Tr::new(signed.ctx.lang), error, "version")?;
    let detail = admin.contract(&signed.actor, &id).await?;
    let page = contract_page(&signed, detail, Some(form), errors);
    again(status, &page)
}
