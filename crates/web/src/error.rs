//! One error type at the edge. Handlers return [`AppError`]; it becomes a response carrying an
//! [`ErrorInfo`] extension and no body. The error-rendering middleware then writes the body —
//! an HTML page in the user's language or `application/problem+json` under `/api/` — with
//! the request id. Error responses produced elsewhere (extractor rejections, 405, the CSRF
//! layer) are rendered the same way. Internals are logged, never sent.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::i18n::Tr;
use supportweb_files::FileError;

/// A problem with one input field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    /// The field's name, as in the form or JSON body.
    pub field: String,
    /// Machine-readable code; also the Fluent message id of its text.
    pub code: &'static str,
    /// A number the message names, e.g. `("max", 200)`.
    #[serde(skip)]
    pub argument: Option<(&'static str, i64)>,
}

impl FieldError {
    /// The text of the error in `t`'s language, with the figures its message names (the
    /// most characters a text of customization orders takes).
    pub fn message(&self, t: &Tr) -> String {
        if let Some((name, value)) = self.argument {
            t.tn(self.code, name, value)
        } else if self.code == "order-error-too-long" {
            let max = supportweb_domain::customization_order::text_limit(&self.field);
            t.tn(self.code, "max", i64::try_from(max).unwrap_or(i64::MAX))
        } else {
            t.t(self.code)
        }
    }
}

/// Marks a non-2xx response whose body the handler rendered itself (a form shown again with
/// its errors); the error renderer leaves it alone.
#[derive(Debug, Clone, Copy)]
pub struct KeepBody;

/// An RFC 9457 problem document, the body of every API error.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Problem {
    /// `urn:supportweb:problem:<code>`.
    #[serde(rename = "type")]
    pub problem_type: String,
    /// Short title in the user's language.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// Explanation in the user's language.
    pub detail: String,
    /// Machine-readable code (the last part of `type`).
    pub code: String,
    /// The request id, also in the `X-Request-Id` header and the server log.
    pub request_id: String,
    /// Field problems of `invalid_input`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
}

/// One invalid field in a [`Problem`].
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct ProblemField {
    /// Field name.
    pub field: String,
    /// Machine-readable code.
    pub code: String,
    /// Explanation in the user's language.
    pub message: String,
}

/// Errors a handler can answer with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request needs a signed-in user.
    #[error("not signed in")]
    Unauthenticated,
    /// The user may not take this action on something it may see.
    #[error("forbidden")]
    Forbidden,
    /// Missing — or belonging to someone the user may not see; the two are indistinguishable.
    #[error("not found")]
    NotFound,
    /// Staff must set up two-factor sign-in before doing anything else.
    #[error("two-factor sign-in required")]
    TwoFactorRequired,
    /// A stale or conflicting write.
    #[error("conflict")]
    Conflict,
    /// Input failed validation.
    #[error("invalid input")]
    Invalid(Vec<FieldError>),
    /// Every refused field names a record that does not exist or that the user may not see.
    #[error("referenced record not found")]
    MissingReference(Vec<FieldError>),
    /// Every refused field conflicts with other records as they are now (a value another
    /// record holds, an organisation without a valid contract).
    #[error("conflicting field")]
    FieldConflict(Vec<FieldError>),
    /// A malformed request; the code names what is wrong.
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// An upload over the limit.
    #[error("payload too large")]
    PayloadTooLarge,
    /// A `Range` outside the content of `size` bytes.
    #[error("range not satisfiable")]
    RangeNotSatisfiable {
        /// Size of the content.
        size: u64,
    },
    /// A dependency (the database) is down.
    #[error("service unavailable")]
    Unavailable,
    /// The user sees a patch but may not download it; the code says why
    /// (`patch_not_covered`, `patch_withdrawn`).
    #[error("download closed: {0}")]
    DownloadClosed(&'static str),
    /// A bug or an infrastructure failure; the text is logged only.
    #[error("internal error: {0}")]
    Internal(String),
}

/// What the renderer needs to write an error body.
#[derive(Debug, Clone)]
pub struct ErrorInfo {
    /// Machine-readable code (`not_found`, `invalid_input`, …), part of the problem type.
    pub code: &'static str,
    /// Field problems, for `invalid_input`.
    pub fields: Vec<FieldError>,
}

impl ErrorInfo {
    /// The generic info for an error status that carries none.
    pub fn for_status(status: StatusCode) -> Self {
        let code = match status.as_u16() {
            401 => "unauthenticated",
            403 => "forbidden",
            404 => "not_found",
            405 => "method_not_allowed",
            409 => "conflict",
            413 => "payload_too_large",
            415 => "unsupported_media_type",
            416 => "range_not_satisfiable",
            422 => "invalid_input",
            503 => "unavailable",
            400..=499 => "bad_request",
            _ => "internal",
        };
        ErrorInfo {
            code,
            fields: Vec::new(),
        }
    }

    /// Fluent id of the title for this code.
    pub fn title_key(&self) -> &'static str {
        match self.code {
            "unauthenticated" => "error-unauthenticated-title",
            "forbidden" | "two_factor_required" | "patch_not_covered" | "patch_withdrawn" => {
                "error-forbidden-title"
            }
            "cross_origin" => "error-cross-origin-title",
            "not_found" => "error-not-found-title",
            "method_not_allowed" => "error-method-title",
            "conflict" => "error-conflict-title",
            "invalid_input" => "error-invalid-title",
            "payload_too_large" => "error-too-large-title",
            "unsupported_media_type" => "error-media-type-title",
            "range_not_satisfiable" => "error-range-title",
            "unavailable" => "error-unavailable-title",
            "internal" => "error-internal-title",
            _ => "error-bad-request-title",
        }
    }

    /// Fluent id of the explanation for this code.
    pub fn detail_key(&self) -> &'static str {
        match self.code {
            "unauthenticated" => "error-unauthenticated-detail",
            "forbidden" => "error-forbidden-detail",
            "two_factor_required" => "two-factor-required-api",
            "cross_origin" => "error-cross-origin-detail",
            "not_found" => "error-not-found-detail",
            "method_not_allowed" => "error-method-detail",
            "conflict" => "error-conflict-detail",
            "invalid_input" => "error-invalid-detail",
            "payload_too_large" => "error-too-large-detail",
            "unsupported_media_type" => "error-media-type-detail",
            "range_not_satisfiable" => "error-range-detail",
            "unavailable" => "error-unavailable-detail",
            "internal" => "error-internal-detail",
            "upload_interrupted" => "error-upload-interrupted-detail",
            "missing_file" => "error-missing-file-detail",
            "invalid_json" => "error-invalid-json-detail",
            "patch_not_covered" => "patch-closed-not-covered",
            "patch_withdrawn" => "patch-closed-withdrawn",
            _ => "error-bad-request-detail",
        }
    }
}

impl AppError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            AppError::Unauthenticated => (StatusCode::UNAUTHORIZED, "unauthenticated"),
            AppError::Forbidden => (StatusCode::FORBIDDEN, "forbidden"),
            AppError::NotFound => (StatusCode::NOT_FOUND, "not_found"),
            AppError::Conflict => (StatusCode::CONFLICT, "conflict"),
            AppError::TwoFactorRequired => (StatusCode::FORBIDDEN, "two_factor_required"),
            AppError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input"),
            AppError::MissingReference(_) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::FieldConflict(_) => (StatusCode::CONFLICT, "conflict"),
            AppError::BadRequest(code) => (StatusCode::BAD_REQUEST, code),
            AppError::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large"),
            AppError::RangeNotSatisfiable { .. } => {
                (StatusCode::RANGE_NOT_SATISFIABLE, "range_not_satisfiable")
            }
            AppError::Unavailable => (StatusCode::SERVICE_UNAVAILABLE, "unavailable"),
            AppError::DownloadClosed(code) => (StatusCode::FORBIDDEN, code),
            AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(detail) = &self {
            tracing::error!(%detail, "internal error");
        }
        let (status, code) = self.status_and_code();
        let fields = match &self {
            AppError::Invalid(fields)
            | AppError::MissingReference(fields)
            | AppError::FieldConflict(fields) => fields.clone(),
            _ => Vec::new(),
        };
        let mut response = status.into_response();
        if let AppError::RangeNotSatisfiable { size } = self
            && let Ok(value) = format!("bytes */{size}").parse()
        {
            response
                .headers_mut()
                .insert(axum::http::header::CONTENT_RANGE, value);
        }
        response.extensions_mut().insert(ErrorInfo { code, fields });
        response
    }
}

impl From<supportweb_app::Error> for AppError {
    fn from(error: supportweb_app::Error) -> Self {
        use supportweb_app::Error;
        match error {
            Error::Unauthenticated => AppError::Unauthenticated,
            Error::NotFound => AppError::NotFound,
            Error::Forbidden => AppError::Forbidden,
            Error::Conflict | Error::Locked => AppError::Conflict,
            Error::Invalid(fields) => {
                let (missing, conflicting) = (fields.all_missing(), fields.all_conflicting());
                let fields = fields
                    .iter()
                    .map(|(field, problem)| FieldError {
                        field: field.to_owned(),
                        code: problem.code,
                        argument: problem.argument,
                    })
                    .collect();
                if missing {
                    AppError::MissingReference(fields)
                } else if conflicting {
                    AppError::FieldConflict(fields)
                } else {
                    AppError::Invalid(fields)
                }
            }
            Error::BadRequest(code) => AppError::BadRequest(code),
            Error::PayloadTooLarge => AppError::PayloadTooLarge,
            Error::DownloadClosed(code) => AppError::DownloadClosed(code),
            Error::TwoFactorRequired => AppError::TwoFactorRequired,
            Error::Internal(detail) => AppError::Internal(detail),
        }
    }
}

impl From<FileError> for AppError {
    fn from(error: FileError) -> Self {
        match error {
            FileError::TooLarge { .. } => AppError::PayloadTooLarge,
            FileError::Body(_) => AppError::BadRequest("upload_interrupted"),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl From<askama::Error> for AppError {
    fn from(error: askama::Error) -> Self {
        AppError::Internal(format!("template: {error}"))
    }
}

/// The answer for any path no route claims.
pub async fn not_found_fallback() -> AppError {
    AppError::NotFound
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Tr;
    use supportweb_domain::Language;

    /// Every code an error response can carry.
    const CODES: &[&str] = &[
        "unauthenticated",
        "forbidden",
        "cross_origin",
        "not_found",
        "method_not_allowed",
        "conflict",
        "invalid_input",
        "payload_too_large",
        "unsupported_media_type",
        "range_not_satisfiable",
        "unavailable",
        "internal",
        "bad_request",
        "upload_interrupted",
        "missing_file",
        "two_factor_required",
        "invalid_json",
        "patch_not_covered",
        "patch_withdrawn",
    ];

    #[test]
    fn every_error_code_has_a_title_and_an_explanation_in_both_languages() {
        for code in CODES {
            let info = ErrorInfo {
                code,
                fields: Vec::new(),
            };
            for lang in Language::ALL {
                assert!(
                    Tr::has(lang, info.title_key()),
                    "{code}: {} in {lang:?}",
                    info.title_key()
                );
                assert!(
                    Tr::has(lang, info.detail_key()),
                    "{code}: {} in {lang:?}",
                    info.detail_key()
                );
            }
        }
        for status in 400..600u16 {
            let Ok(status) = StatusCode::from_u16(status) else {
                continue;
            };
            let code = ErrorInfo::for_status(status).code;
            assert!(
                CODES.contains(&code),
                "status {status} maps to unlisted code {code}"
            );
        }
    }
}
