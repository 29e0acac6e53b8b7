//! Submitting a requirement (customer users with the write right, or staff on the customer's
//! behalf naming the requesting user), and converting a support document into an order.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use supportweb_domain::ids::{DocumentId, OrganisationId, UserId};
use supportweb_storage::customization_orders::{NewOrder, OrderError};
use supportweb_storage::files::FileRecord;

use super::detail::step_errors;
use super::overview::organisation_choices;
use super::require_reader;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::middleware::KeepBody;
use crate::multipart::MultipartForm;
use crate::pages::Choice;
use crate::pages::form::FormErrors;
use crate::pages::{Layout, render};
use crate::state::AppState;

/// A requirement as typed (pages) or sent (API), before checking.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct OrderInput {
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub desired_on: String,
    #[serde(default)]
    pub requested_by: String,
}

impl OrderInput {
    /// Checks what was typed; field errors in `t`'s language.
    pub(crate) fn check(&self, t: &Tr, errors: &mut FormErrors) -> Option<NewOrder> {
        let organisation = self.organisation.trim().parse().ok().map(OrganisationId);
        if organisation.is_none() {
            errors.add_t("organisation", t, "order-error-organisation");
        }
        if self.title.trim().is_empty() {
            errors.add_t("title", t, "order-error-title");
        }
        if self.title.chars().count() > 200 {
            errors.add_t("title", t, "order-error-title-long");
        }
        if self.description.trim().is_empty() {
            errors.add_t("description", t, "order-error-description");
        }
        let desired_on = match self.desired_on.trim() {
            "" => None,
            text => match text.parse::<NaiveDate>() {
                Ok(day) => Some(day),
                Err(_) => {
                    errors.add_t("desired_on", t, "order-error-date");
                    None
                }
            },
        };
        let requested_by = match self.requested_by.trim() {
            "" => None,
            text => match text.parse() {
                Ok(id) => Some(UserId(id)),
                Err(_) => {
                    errors.add_t("requested_by", t, "order-error-requested-by");
                    None
                }
            },
        };
        if !errors.is_empty() {
            return None;
        }
        Some(NewOrder {
            organisation_id: organisation?,
            title: self.title.trim().to_owned(),
            description: self.description.clone(),
            desired_on,
            requested_by,
            files: Vec::new(),
        })
    }
}

/// The form field and message of a refused order field.
pub(crate) fn order_error_field(field: &str) -> (&'static str, &'static str) {
    match field {
        "organisation" => ("organisation", "order-error-organisation"),
        "title" => ("title", "order-error-title"),
        "description" => ("description", "order-error-description"),
        "requested_by" => ("requested_by", "order-error-requested-by"),
        "scope" => ("scope", "order-error-scope"),
        "valid_until" => ("valid_until", "order-error-valid-until"),
        "delivery_on" => ("delivery_on", "order-error-delivery-on"),
        "vat_rate" => ("vat_rate", "order-error-vat-rate"),
        "price" => ("hourly_rate", "order-error-price"),
        "hours" => ("hours", "order-error-hours"),
        "delivered_in" => ("delivered_in", "order-error-delivered-in"),
        "purchase_order" => ("purchase_order", "order-error-reason"),
        "note" => ("note", "order-error-reason"),
        "worked_on" => ("worked_on", "order-error-worked-on"),
        "reservations" => ("reservations", "order-error-open-reservations"),
        "patch" => ("patch", "order-error-patch"),
        "quote_revision" => ("quote_revision", "order-error-quote-superseded"),
        "step" => ("step", "order-error-step"),
        "files" => ("files", "order-error-files"),
        "body" => ("body", "order-error-body"),
        _ => ("reason", "order-error-reason"),
    }
}

#[derive(Template)]
#[template(path = "order_form.html")]
struct FormPage {
    layout: Layout,
    form: OrderInput,
    organisations: Vec<Choice>,
    members: Vec<Choice>,
    is_staff: bool,
    /// Files uploaded with a form shown back with errors (sent again as `file_id`).
    uploaded: Vec<FileRecord>,
    errors: FormErrors,
}

/// Whether the actor may submit for at least one organisation.
async fn require_submitter(state: &AppState, signed: &SignedIn) -> Result<Vec<Choice>, AppError> {
    require_reader(&signed.actor)?;
    if signed.actor.is_staff() && !super::staff_writes(&signed.actor) {
        return Err(AppError::NotFound);
    }
    let organisations = organisation_choices(state, &signed.actor, true).await?;
    if organisations.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(organisations)
}

async fn page(
    state: &AppState,
    signed: &SignedIn,
    organisations: Vec<Choice>,
    mut form: OrderInput,
    uploaded: Vec<FileRecord>,
    errors: FormErrors,
) -> Result<FormPage, AppError> {
    if organisations.len() == 1 && form.organisation.is_empty() {
        form.organisation = organisations[0].value.clone();
    }
    let is_staff = signed.actor.is_staff();
    let members = match form.organisation.parse().map(OrganisationId) {
        Ok(organisation) if is_staff => state
            .store()
            .members(&signed.actor, organisation)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|m| m.is_active)
            .map(|m| Choice {
                value: m.user_id.to_string(),
                label: m.display_name,
            })
            .collect(),
        _ => Vec::new(),
    };
    Ok(FormPage {
        layout: Layout::new(&signed.ctx, "order-new"),
        form,
        organisations,
        members,
        is_staff,
        uploaded,
        errors,
    })
}

#[derive(Debug, Deserialize)]
pub(super) struct NewQuery {
    organisation: Option<String>,
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NewQuery>,
) -> Result<Html<String>, AppError> {
    let organisations = require_submitter(&state, &signed).await?;
    let form = OrderInput {
        organisation: query
            .organisation
            .filter(|o| organisations.iter().any(|c| &c.value == o))
            .unwrap_or_default(),
        ..OrderInput::default()
    };
    render(
        &page(
            &state,
            &signed,
            organisations,
            form,
            Vec::new(),
            FormErrors::default(),
        )
        .await?,
    )
}

pub(super) async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let organisations = require_submitter(&state, &signed).await?;
    let multipart = multipart.map_err(|_| AppError::BadRequest("bad_request"))?;
    let typed = MultipartForm::read(&state, &signed.actor, multipart).await?;
    let form = OrderInput {
        organisation: typed.get("organisation"),
        title: typed.get("title"),
        description: typed.get("description"),
        desired_on: typed.get("desired_on"),
        requested_by: typed.get("requested_by"),
    };
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    if let Some(mut new) = form.check(&t, &mut errors) {
        new.files = typed.files.iter().map(|f| f.id).collect();
        match state.store().create_order(&signed.actor, &new).await {
            Ok(id) => {
                return Ok(Redirect::to(&format!("/customization-orders/{id}")).into_response());
            }
            Err(OrderError::NotAllowed) => {
                errors.add_t("organisation", &t, "order-error-organisation")
            }
            Err(error) => {
                if !step_errors(&t, &error, &mut errors) {
                    return Err(error.into());
                }
            }
        }
    }
    let page = page(&state, &signed, organisations, form, typed.files, errors).await?;
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        axum::Extension(KeepBody),
        render(&page)?,
    )
        .into_response())
}

/// Converts a support document into an order (staff who write orders) and opens it.
pub(super) async fn convert(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    require_reader(&signed.actor)?;
    if !signed.actor.is_staff() {
        return Err(AppError::NotFound);
    }
    let document: DocumentId = id.parse().map_err(|_| AppError::NotFound)?;
    let order = state
        .store()
        .convert_document(&signed.actor, document)
        .await?;
    Ok(Redirect::to(&format!("/customization-orders/{order}")).into_response())
}
