//! Portal-wide security settings for administrators: whether every staff user must sign in
//! with a second factor.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::layout::{Layout, render};
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "admin_security.html")]
struct SecurityPage {
    layout: Layout,
    staff_required: bool,
    saved: bool,
}

#[derive(Debug, Deserialize)]
pub(super) struct SavedQuery {
    saved: Option<String>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<SavedQuery>,
) -> Result<Html<String>, AppError> {
    let staff_required = state
        .app()
        .administration()
        .staff_two_factor_required(&signed.actor)
        .await?;
    render(&SecurityPage {
        layout: Layout::new(&signed.ctx, "security-title"),
        staff_required,
        saved: query.saved.is_some(),
    })
}

#[derive(Debug, Deserialize)]
pub(super) struct SecurityForm {
    staff_two_factor: Option<String>,
}

pub(super) async fn save(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Form(form): Form<SecurityForm>,
) -> Result<Response, AppError> {
    state
        .app()
        .administration()
        .require_staff_two_factor(&signed.actor, form.staff_two_factor.is_some(), &address)
        .await?;
    Ok(Redirect::to("/admin/security?saved=1").into_response())
}
