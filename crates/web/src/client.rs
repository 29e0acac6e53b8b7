//! The client's network address, for throttling and audit.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::request::Parts;

use crate::error::AppError;
use crate::state::AppState;

/// The address a request came from: the configured proxy header's last entry, else the
/// connection's peer, else `unknown` (in-process calls).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientAddress(pub String);

impl<S> FromRequestParts<S> for ClientAddress
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        Ok(client_address(&state, &parts.headers, &parts.extensions))
    }
}

/// The client's address of a request (see [`ClientAddress`]).
pub fn client_address(
    state: &AppState,
    headers: &axum::http::HeaderMap,
    extensions: &axum::http::Extensions,
) -> ClientAddress {
    if let Some(header) = &state.config().client_ip_header
        // The last line, then its last entry: what the proxy added (a proxy may append a
        // line of its own after the client's, or an entry to the client's line).
        && let Some(value) = headers
            .get_all(header.as_str())
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
        && let Some(last) = value
            .rsplit(',')
            .next()
            .map(str::trim)
            .filter(|v| !v.is_empty())
    {
        return ClientAddress(last.chars().take(64).collect());
    }
    ClientAddress(
        extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(address)| address.ip().to_string())
            .unwrap_or_else(|| "unknown".to_owned()),
    )
}
