//! Portal-wide security settings for administrators: whether every staff user must sign in
//! with a second factor.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use supportweb_domain::audit::AuditEvent;
use supportweb_domain::permissions::{Action, AdminArea, Area};
use supportweb_storage::two_factor::STAFF_TWO_FACTOR_REQUIRED;

use super::{Layout, render};
use crate::audit::{self, Concerning};
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::state::AppState;

const SECURITY: Area = Area::Admin(AdminArea::Security);

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
    if !signed.actor.staff_may(SECURITY, Action::Manage) {
        return Err(AppError::NotFound);
    }
    render(&SecurityPage {
        layout: Layout::new(&signed.ctx, "security-title"),
        staff_required: state.store().staff_two_factor_required().await?,
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
    if !signed.actor.staff_may(SECURITY, Action::Manage) {
        return Err(AppError::NotFound);
    }
    let required = form.staff_two_factor.is_some();
    if required != state.store().staff_two_factor_required().await? {
        state
            .store()
            .set_setting(
                STAFF_TWO_FACTOR_REQUIRED,
                if required { "true" } else { "false" },
            )
            .await?;
        audit::record(
            &state,
            AuditEvent::SecuritySettingsChanged,
            Concerning {
                actor: Some(signed.actor.user_id),
                ..Concerning::default()
            },
            &address,
            format!("{STAFF_TWO_FACTOR_REQUIRED}={required}"),
        )
        .await?;
    }
    Ok(Redirect::to("/admin/security?saved=1").into_response())
}
