//! Streaming downloads of stored files: always as attachments with RFC 6266 names, `nosniff`
//! and a sandbox CSP; ETag, conditional requests and single byte ranges for resuming.

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::header::{
    ACCEPT_RANGES, CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_RANGE,
    CONTENT_SECURITY_POLICY, CONTENT_TYPE, ETAG, IF_NONE_MATCH, IF_RANGE, RANGE,
    X_CONTENT_TYPE_OPTIONS,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::get;
use supportweb_app::attachments::{FileRecord, parse_range};
use supportweb_files::disposition;

use crate::context::SignedIn;
use crate::error::AppError;
use crate::state::AppState;

/// The policy for downloads: the content runs nothing even if a browser renders it.
pub const DOWNLOAD_CSP: &str = "sandbox; default-src 'none'; frame-ancestors 'none'";

/// The page route for downloads (the API has its own path with the same behaviour).
pub fn router() -> Router<AppState> {
    Router::new().route("/files/{id}", get(download_page))
}

async fn download_page(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    download(&state, &signed, &id, &headers).await
}

/// Answers a download of file `id` for the signed-in user. An id that is malformed, missing
/// or not visible to the user gives the same 404.
pub async fn download(
    state: &AppState,
    signed: &SignedIn,
    id: &str,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    let record = state.app().attachments().file(&signed.actor, id).await?;
    respond(state, &record, headers).await
}

/// Streams a patch file to whoever may download it and logs the download. Only content that
/// goes out is a download: not a 304, a refused range, or a HEAD.
pub async fn patch_file(
    state: &AppState,
    signed: &SignedIn,
    method: axum::http::Method,
    address: &str,
    id: &str,
    file: &str,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    let patches = state.app().podpora().patches();
    let record = patches.file(&signed.actor, id, file).await?;
    let response = respond(state, &record, headers).await?;
    if matches!(
        response.status(),
        StatusCode::OK | StatusCode::PARTIAL_CONTENT
    ) && method != axum::http::Method::HEAD
    {
        let range = headers
            .get(RANGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default();
        patches
            .log_download(&signed.actor, &record, id, range, address)
            .await?;
    }
    Ok(response)
}

fn header(value: &str) -> Result<HeaderValue, AppError> {
    HeaderValue::from_str(value).map_err(|e| AppError::Internal(e.to_string()))
}

/// Streams `record` honouring `Range`, `If-Range` and `If-None-Match`.
pub async fn respond(
    state: &AppState,
    record: &FileRecord,
    request: &HeaderMap,
) -> Result<Response, AppError> {
    let size = u64::try_from(record.size_bytes).map_err(|e| AppError::Internal(e.to_string()))?;
    let etag = format!("\"{}\"", record.sha256);
    let text = |name: HeaderName| request.get(name).and_then(|v| v.to_str().ok());

    // RFC 9110 §13.1.2: weak comparison; a match answers 304 and any Range is ignored.
    let not_modified = text(IF_NONE_MATCH).is_some_and(|v| {
        v.split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == etag)
    });
    let range = match text(RANGE) {
        _ if not_modified => None,
        Some(value) if text(IF_RANGE).is_none_or(|tag| tag.trim() == etag) => {
            parse_range(value, size).map_err(|_| AppError::RangeNotSatisfiable { size })?
        }
        _ => None,
    };

    let mut response = if not_modified {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        let body = state
            .app()
            .attachments()
            .open(record, range.clone())
            .await?;
        let mut r = Response::new(Body::from_stream(body));
        match &range {
            Some(r_range) => {
                *r.status_mut() = StatusCode::PARTIAL_CONTENT;
                r.headers_mut().insert(
                    CONTENT_RANGE,
                    header(&format!(
                        "bytes {}-{}/{size}",
                        r_range.start,
                        r_range.end - 1
                    ))?,
                );
                r.headers_mut().insert(
                    CONTENT_LENGTH,
                    header(&(r_range.end - r_range.start).to_string())?,
                );
            }
            None => {
                r.headers_mut()
                    .insert(CONTENT_LENGTH, header(&size.to_string())?);
            }
        }
        r.headers_mut()
            .insert(CONTENT_TYPE, header(&record.content_type)?);
        r.headers_mut().insert(
            CONTENT_DISPOSITION,
            header(&disposition::attachment(&record.file_name))?,
        );
        r
    };
    let headers = response.headers_mut();
    headers.insert(ETAG, header(&etag)?);
    headers.insert(ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DOWNLOAD_CSP),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    Ok(response)
}

/// A file held only in memory (an attachment of a held e-mail), always as a download of
/// opaque bytes: never shown inline, never sniffed into something that runs.
pub fn bytes_attachment(name: &str, bytes: Vec<u8>) -> Result<Response, AppError> {
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert(CONTENT_DISPOSITION, header(&disposition::attachment(name))?);
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(DOWNLOAD_CSP),
    );
    headers.insert(CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    Ok(response)
}
