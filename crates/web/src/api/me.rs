//! `GET /api/v1/me`: the signed-in user.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::context::SignedIn;
use crate::error::AppError;
use crate::middleware::Problem;
use crate::state::AppState;

/// The signed-in user.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    /// Account id.
    pub id: Uuid,
    /// Login name.
    pub login: String,
    /// Full name.
    pub display_name: String,
    /// E-mail address.
    pub email: String,
    /// `staff` or `customer`.
    pub kind: String,
    /// Staff roles.
    pub roles: Vec<String>,
    /// UI language (`cs`, `en`).
    pub language: String,
    /// Agendas the user may enter (those this portal serves and the user has a right to).
    pub agendas: Vec<String>,
}

/// The signed-in user's account.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "account",
    responses(
        (status = 200, description = "The signed-in user", body = Me),
        (status = 401, description = "Not signed in", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn me(State(state): State<AppState>, signed: SignedIn) -> Result<Json<Me>, AppError> {
    let user = state
        .store()
        .user(signed.actor.user_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    Ok(Json(Me {
        id: user.id.0,
        login: user.login,
        display_name: user.display_name,
        email: user.email,
        kind: user.kind.as_str().to_owned(),
        roles: user.roles.iter().map(|r| r.as_str().to_owned()).collect(),
        language: user.language.tag().to_owned(),
        agendas: signed.ctx.nav.iter().map(|a| a.slug().to_owned()).collect(),
    }))
}
