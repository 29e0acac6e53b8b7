//! Submitting a requirement (customer users with the write right, or staff on the customer's
//! behalf naming the requesting user), and converting a support document into an order.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use supportweb_app::Error;
use supportweb_app::attachments::FileRecord;
use supportweb_app::customization_orders::OrderInput;

use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::multipart::MultipartForm;
use crate::pages::form::FormErrors;
use crate::pages::layout::Choice;
use crate::pages::layout::again;
use crate::pages::layout::{Layout, render};
use crate::state::AppState;

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

async fn submittable(state: &AppState, signed: &SignedIn) -> Result<Vec<Choice>, AppError> {
    Ok(state
        .app()
        .customization_orders()
        .submittable(&signed.actor)
        .await?
        .into_iter()
        .map(Choice::from)
        .collect())
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
    let members = state
        .app()
        .customization_orders()
        .requesters(&signed.actor, &form.organisation)
        .await?
        .into_iter()
        .map(Choice::from)
        .collect();
    Ok(FormPage {
        layout: Layout::new(&signed.ctx, "order-new"),
        form,
        organisations,
        members,
        is_staff: signed.actor.is_staff(),
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
    let organisations = submittable(&state, &signed).await?;
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
    let organisations = submittable(&state, &signed).await?;
    let multipart = multipart.map_err(|_| AppError::BadRequest("bad_request"))?;
    let typed = MultipartForm::read(&state, &signed.actor, multipart).await?;
    let form = OrderInput {
        organisation: typed.get("organisation"),
        title: typed.get("title"),
        description: typed.get("description"),
        desired_on: typed.get("desired_on"),
        requested_by: typed.get("requested_by"),
        files: typed.files.iter().map(|f| f.id).collect(),
    };
    let problems = match state
        .app()
        .customization_orders()
        .submit(&signed.actor, &form)
        .await
    {
        Ok(order) => {
            return Ok(Redirect::to(&format!("/customization-orders/{}", order.id)).into_response());
        }
        Err(Error::Invalid(problems)) => problems,
        Err(other) => return Err(other.into()),
    };
    let errors = FormErrors::from_fields(&problems, &Tr::new(signed.ctx.lang));
    let page = page(&state, &signed, organisations, form, typed.files, errors).await?;
    again(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// Converts a support document into an order (staff who write orders) and opens it.
pub(super) async fn convert(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let order = state
        .app()
        .customization_orders()
        .convert(&signed.actor, &id)
        .await?;
    Ok(Redirect::to(&format!("/customization-orders/{}", order.id)).into_response())
}
