//! `GET /api/v1/me`: the signed-in user.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::context::SignedIn;
use crate::error::AppError;
use crate::error::Problem;
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
    let user = state.app().identity().own_account(&signed.actor).await?;
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

/// One kind of notification e-mail and whether the user receives it.
#[derive(Debug, Serialize, serde::Deserialize, ToSchema)]
pub struct NotificationSetting {
    /// `document_created`, `document_reply`, `document_state`; staff also `document_note`
    /// and `sla_breach`.
    #[schema(schema_with = supportweb_app::api_schema::notification_kind)]
    pub kind: String,
    /// Whether e-mails of this kind are sent.
    pub enabled: bool,
}

async fn notification_settings(
    state: &AppState,
    signed: &SignedIn,
) -> Result<Vec<NotificationSetting>, AppError> {
    Ok(state
        .app()
        .identity()
        .notifications(&signed.actor)
        .await?
        .into_iter()
        .map(|(kind, enabled)| NotificationSetting {
            kind: kind.as_str().to_owned(),
            enabled,
        })
        .collect())
}

/// The user's notification e-mail preferences.
#[utoipa::path(
    get,
    path = "/api/v1/me/notifications",
    tag = "account",
    responses(
        (status = 200, description = "Every kind the user can receive", body = [NotificationSetting])
    )
)]
pub async fn notifications(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Json<Vec<NotificationSetting>>, AppError> {
    Ok(Json(notification_settings(&state, &signed).await?))
}

/// Switches notification kinds on or off; kinds not listed stay as they are.
#[utoipa::path(
    put,
    path = "/api/v1/me/notifications",
    tag = "account",
    request_body = [NotificationSetting],
    responses(
        (status = 200, description = "The preferences now", body = [NotificationSetting]),
        (status = 422, description = "A kind the user cannot receive", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn set_notifications(
    State(state): State<AppState>,
    signed: SignedIn,
    body: bytes::Bytes,
) -> Result<Json<Vec<NotificationSetting>>, AppError> {
    let settings: Vec<NotificationSetting> =
        serde_json::from_slice(&body).map_err(|_| AppError::BadRequest("invalid_json"))?;
    let settings: Vec<(&str, bool)> = settings
        .iter()
        .map(|s| (s.kind.as_str(), s.enabled))
        .collect();
    state
        .app()
        .identity()
        .set_notifications(&signed.actor, &settings)
        .await?;
    Ok(Json(notification_settings(&state, &signed).await?))
}
