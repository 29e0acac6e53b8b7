//! Personal API tokens as credentials of the JSON API: `Authorization: Bearer swt_…`. The
//! application checks the token and records its use (`supportweb_app::identity::api_tokens`).

use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;

/// The bearer token of a request, if it carries one.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}
