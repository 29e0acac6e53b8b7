//! The layers every request passes, outermost first:
//!
//! 1. request id — a UUIDv7 per request, in the span of every log line and `X-Request-Id`;
//! 2. tracing — one span per request;
//! 3. security headers — CSP without inline script, `nosniff`, `frame-ancestors 'none'`,
//!    referrer policy, no caching of pages;
//! 4. error rendering — error bodies in the user's language, HTML or problem+json;
//! 5. context — session, actor, language, navigation;
//! 6. same-origin protection (`Sec-Fetch-Site` / `Origin`) on every state change.
//!
//! Around them all, every request is counted for the metrics (`crate::metrics`).

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_LENGTH, CONTENT_SECURITY_POLICY, CONTENT_TYPE, LOCATION,
    REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::{Next, from_fn, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use supportweb_domain::Language;
use tower_http::csrf::{CsrfLayer, ProtectionError};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

use crate::api_tokens;
use crate::client::client_address;
use crate::context::{Ctx, RequestId};
use crate::error::AppError;
use crate::error::ErrorInfo;
use crate::error::{KeepBody, Problem, ProblemField};
use crate::i18n::Tr;
use crate::session::{self, Resolved};
use crate::state::AppState;
use supportweb_app::identity::api_tokens::TokenUse;

/// The policy for pages: scripts and styles only from our own origin, no framing.
pub const PAGE_CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; \
frame-ancestors 'none'";

/// Wraps the routes in every layer and binds the state.
pub fn wrap(routes: Router<AppState>, state: AppState) -> Router {
    routes
        .layer(CsrfLayer::new())
        .layer(from_fn_with_state(state.clone(), load_context))
        .layer(from_fn(render_errors))
        .layer(from_fn(security_headers))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let id = request
                        .extensions()
                        .get::<RequestId>()
                        .map(|r| r.0.as_str())
                        .unwrap_or("-");
                    tracing::info_span!(
                        "request",
                        request_id = %id,
                        method = %request.method(),
                        path = %request.uri().path(),
                    )
                })
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(from_fn(request_id))
        .layer(from_fn_with_state(
            state.clone(),
            crate::metrics::count_request,
        ))
        .with_state(state)
}

async fn request_id(mut request: Request, next: Next) -> Response {
    let id = uuid::Uuid::now_v7().to_string();
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response
            .headers_mut()
            .insert(HeaderName::from_static("x-request-id"), value);
    }
    response
}

async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let defaults: [(HeaderName, &'static str); 6] = [
        (CONTENT_SECURITY_POLICY, PAGE_CSP),
        (X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (X_FRAME_OPTIONS, "DENY"),
        (REFERRER_POLICY, "same-origin"),
        (CACHE_CONTROL, "no-store"),
        (
            HeaderName::from_static("cross-origin-opener-policy"),
            "same-origin",
        ),
    ];
    for (name, value) in defaults {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
    response
}

/// Language for a request without a signed-in user: the remembered choice, then
/// `Accept-Language`, then Czech.
pub fn anonymous_language(headers: &HeaderMap) -> Language {
    session::read_cookie(headers, session::LANGUAGE_COOKIE)
        .and_then(|tag| Language::from_tag(&tag))
        .or_else(|| {
            headers
                .get(axum::http::header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(Language::negotiate)
        })
        .unwrap_or_default()
}

async fn load_context(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let resolved = match api_tokens::bearer(request.headers()) {
        Some(token) if is_api => {
            let address = client_address(&state, request.headers(), request.extensions());
            match state
                .app()
                .identity()
                .use_api_token(token, &address.0)
                .await
            {
                Ok(TokenUse::Valid { actor, read_write }) => {
                    let safe = matches!(
                        *request.method(),
                        Method::GET | Method::HEAD | Method::OPTIONS
                    );
                    if !read_write && !safe {
                        return AppError::Forbidden.into_response();
                    }
                    Ok(Resolved::SignedIn(actor))
                }
                Ok(TokenUse::Invalid) => return AppError::Unauthenticated.into_response(),
                Err(error) => Err(error.into()),
            }
        }
        _ => session::resolve(&state, request.headers()).await,
    };
    let resolved = match resolved {
        Ok(resolved) => resolved,
        Err(error) => return error.into_response(),
    };
    let (actor, stale) = match resolved {
        Resolved::Anonymous => (None, false),
        Resolved::Stale => (None, true),
        Resolved::SignedIn(actor) => (Some(actor), false),
    };
    if let Some(actor) = &actor
        && actor.is_staff()
        && !may_skip_two_factor(request.uri().path())
    {
        match state.app().identity().must_set_up_two_factor(actor).await {
            Ok(false) => {}
            Ok(true) if is_api => return AppError::TwoFactorRequired.into_response(),
            Ok(true) => {
                return axum::response::Redirect::to("/account/two-factor").into_response();
            }
            Err(error) => return AppError::from(error).into_response(),
        }
    }
    let headers = request.headers();
    let lang = match &actor {
        Some(actor) => actor.language,
        None => anonymous_language(headers),
    };
    let fragment = headers.contains_key("hx-request") && !headers.contains_key("hx-boosted");
    let nav = actor
        .as_ref()
        .map(|a| a.navigation(state.served_agendas()))
        .unwrap_or_default();
    let ctx = Ctx {
        actor,
        lang,
        request_id: request
            .extensions()
            .get::<RequestId>()
            .map(|r| r.0.clone())
            .unwrap_or_default(),
        fragment,
        path: request
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".to_owned()),
        nav,
    };
    request.extensions_mut().insert(ctx.clone());
    let mut response = next.run(request).await;
    if stale && let Ok(clear) = session::clearing_cookie(state.config()) {
        session::append_set_cookie(response.headers_mut(), clear);
    }
    response.extensions_mut().insert(ctx);
    response
}

/// Paths a staff user who still has to set up two-factor sign-in may use.
fn may_skip_two_factor(path: &str) -> bool {
    path.starts_with("/account/two-factor")
        || path.starts_with("/assets/")
        || matches!(path, "/logout" | "/language" | "/healthz" | "/readyz")
}

async fn render_errors(request: Request, next: Next) -> Response {
    let is_api = request.uri().path().starts_with("/api/");
    let is_get = request.method() == Method::GET || request.method() == Method::HEAD;
    let fallback_lang = anonymous_language(request.headers());
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let path = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let response = next.run(request).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error())
        || response.extensions().get::<KeepBody>().is_some()
    {
        return response;
    }
    let mut info = response
        .extensions()
        .get::<ErrorInfo>()
        .cloned()
        .unwrap_or_else(|| ErrorInfo::for_status(status));
    if response.extensions().get::<ProtectionError>().is_some() {
        info.code = "cross_origin";
    }
    let ctx = response.extensions().get::<Ctx>().cloned();
    let lang = ctx.as_ref().map(|c| c.lang).unwrap_or(fallback_lang);
    let t = Tr::new(lang);
    let (mut parts, _) = response.into_parts();
    parts.headers.remove(CONTENT_LENGTH);

    if is_api {
        let problem = Problem {
            problem_type: format!("urn:supportweb:problem:{}", info.code),
            title: t.t(info.title_key()),
            status: status.as_u16(),
            detail: t.t(info.detail_key()),
            code: info.code.to_owned(),
            request_id,
            errors: info
                .fields
                .iter()
                .map(|f| ProblemField {
                    field: f.field.clone(),
                    code: f.code.to_owned(),
                    message: f.message(&t),
                })
                .collect(),
        };
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        if status == StatusCode::UNAUTHORIZED {
            // The API is reached with the portal's session cookie (obtained at /login).
            parts.headers.insert(
                axum::http::header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"Supportweb\""),
            );
        }
        parts.headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        return Response::from_parts(parts, Body::from(body));
    }

    if status == StatusCode::UNAUTHORIZED {
        let next = if is_get { path } else { "/".to_owned() };
        let location = format!(
            "/login?next={}",
            percent_encoding::utf8_percent_encode(&next, percent_encoding::NON_ALPHANUMERIC)
        );
        parts.status = StatusCode::SEE_OTHER;
        if let Ok(value) = HeaderValue::from_str(&location) {
            parts.headers.insert(LOCATION, value);
        }
        return Response::from_parts(parts, Body::empty());
    }

    let ctx = ctx.unwrap_or_else(|| Ctx {
        actor: None,
        lang,
        request_id: request_id.clone(),
        fragment: false,
        path,
        nav: Vec::new(),
    });
    let html = crate::pages::layout::error_page(&ctx, status, &info);
    parts.headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    Response::from_parts(parts, Body::from(html))
}
