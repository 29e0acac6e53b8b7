//! Static assets, embedded in the binary (no CDN, nothing fetched at run time).

use axum::Router;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::response::IntoResponse;
use axum::routing::get;

use crate::state::AppState;

const APP_CSS: &str = include_str!("../assets/app.css");
/// The print view of protocols.
const PRINT_CSS: &str = include_str!("../assets/print.css");
/// htmx 2.0.11 (BSD Zero Clause License, see `assets/htmx-LICENSE`).
const HTMX_JS: &str = include_str!("../assets/htmx-2.0.11.min.js");

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/assets/app.css",
            get(|| async { asset("text/css; charset=utf-8", APP_CSS) }),
        )
        .route(
            "/assets/print.css",
            get(|| async { asset("text/css; charset=utf-8", PRINT_CSS) }),
        )
        .route(
            "/assets/htmx.min.js",
            get(|| async { asset("text/javascript; charset=utf-8", HTMX_JS) }),
        )
}

fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (CONTENT_TYPE, content_type),
            (CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}
