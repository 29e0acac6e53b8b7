//! The web edge of Supportweb: server-rendered pages (askama + htmx), the JSON API under
//! `/api/v1`, and the middleware every response passes (request id, security headers,
//! same-origin protection, sessions, error rendering).
//!
//! Pages and the API are thin adapters over the same use cases (`supportweb_app`): they parse
//! a form or a JSON body, call a use case and render. Neither reaches the store.

pub mod api;
pub mod api_tokens;
mod assets;
pub mod client;
pub mod context;
pub mod downloads;
pub mod error;
mod health;
pub mod markdown;
pub mod metrics;
pub mod middleware;
mod multipart;
pub mod pages;
pub mod session;
pub mod snippet;
pub mod state;

use std::future::Future;

use axum::Router;
use tokio::net::TcpListener;

pub use state::{AppState, DemoAccount, WebConfig};
pub use supportweb_i18n as i18n;

/// The whole application: pages, API, assets, health checks and every middleware layer.
pub fn app(state: AppState) -> Router {
    let (api_router, _) = api::router().split_for_parts();
    let routes = Router::new()
        .merge(pages::router())
        .merge(api_router)
        .merge(downloads::router())
        .merge(assets::router())
        .merge(health::router())
        .fallback(error::not_found_fallback);
    middleware::wrap(routes, state)
}

/// Serves `app` on `listener` until `shutdown` completes; requests in flight at that moment
/// are finished before this returns.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}
