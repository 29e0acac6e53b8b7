//! Liveness (`/healthz`: the process answers) and readiness (`/readyz`: the database answers).

use axum::Router;
use axum::extract::State;
use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::error::AppError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/healthz",
            get(|| async { ([(CONTENT_TYPE, "text/plain")], "ok") }),
        )
        .route("/readyz", get(ready))
}

async fn ready(State(state): State<AppState>) -> Result<impl IntoResponse, AppError> {
    match state.app().ready().await {
        Ok(()) => Ok(([(CONTENT_TYPE, "text/plain")], "ready")),
        Err(error) => {
            tracing::warn!(%error, "readiness check failed");
            Err(AppError::Unavailable)
        }
    }
}
