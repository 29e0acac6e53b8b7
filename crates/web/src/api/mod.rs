//! The JSON API under `/api/v1`. Errors are `application/problem+json`; the OpenAPI document
//! at `/api/openapi.json` is generated from these routes.

pub mod admin;
pub mod canned_replies;
pub mod customization_orders;
pub mod files;
pub mod mail;
pub mod me;
mod openapi;
pub mod patches;
pub mod procedures;
pub mod protocols;
pub mod search;
pub mod support_documents;
pub mod timeline;
pub mod validation_codes;
pub mod work;

use std::sync::OnceLock;

use axum::http::header::CONTENT_TYPE;
use axum::response::IntoResponse;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::error::AppError;
use crate::state::AppState;

/// A JSON request body, or a 400 problem `invalid_json`. A number with a zero fraction
/// (`3.0`) is an integer, as JSON Schema counts it.
pub(crate) fn json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let mut value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| AppError::BadRequest("invalid_json"))?;
    whole_numbers(&mut value);
    serde_json::from_value(value).map_err(|_| AppError::BadRequest("invalid_json"))
}

/// Turns every number with a zero fraction within the range of `i64` into an integer.
fn whole_numbers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(number) if number.is_f64() => {
            if let Some(float) = number.as_f64() {
                // 2^63: `i64::MAX as f64` rounds up to it, which no i64 holds; and a float of
                // -2^63 may stand for a smaller integer that rounded to it.
                let limit = 9_223_372_036_854_775_808.0;
                if float.fract() == 0.0 && float > -limit && float < limit {
                    #[allow(clippy::cast_possible_truncation)]
                    let whole = float as i64;
                    *number = whole.into();
                }
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Supportweb API",
        description = "JSON API of the Supportweb customer support portal. Every request acts \
as a user and sees exactly what that user sees in the pages. Authenticate with a personal API \
token (`Authorization: Bearer swt_…`, created under API tokens in the portal; a read-only token \
may only read) or with the portal's session cookie. Errors are RFC 9457 problem documents \
(`application/problem+json`) with a `request_id`.",
        license(name = "AGPL-3.0-or-later")
    ),
    components(schemas(crate::error::Problem, crate::error::ProblemField)),
    tags(
        (name = "account", description = "The signed-in user"),
        (name = "search", description = "Portal-wide full-text search within what the caller may see"),
        (name = "files", description = "Uploading and downloading files"),
        (name = "administration", description = "Organisations, installation cards, contracts and the product catalogue"),
        (name = "support documents", description = "Support documents: overviews, opening, conversation, workflow, assignment, watchers and time"),
        (name = "customization orders", description = "Customization orders: requirement, versioned quotes, approval by the signatory, delivery, acceptance, hours, invoicing"),
        (name = "protocols", description = "Communication protocols: recording, issuing, verification by the customer, revisions, tasks"),
        (name = "podpora", description = "Podpora: patches with their files, entitlement by release date and the download log; validation codes with audited reveals and CSV import; procedures with revisions")
    )
)]
struct ApiDoc;

/// The API routes with their OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(me::me))
        .routes(routes!(search::search))
        .routes(routes!(timeline::timeline))
        .routes(routes!(work::work))
        .routes(routes!(me::notifications, me::set_notifications))
        .routes(routes!(
            admin::list_organisations,
            admin::create_organisation
        ))
        .routes(routes!(admin::organisation, admin::update_organisation))
        .routes(routes!(admin::create_contract))
        .routes(routes!(admin::update_contract))
        .routes(routes!(admin::products, admin::create_product))
        .routes(routes!(admin::create_installation))
        .routes(routes!(support_documents::list, support_documents::create))
        .routes(routes!(support_documents::detail))
        .routes(routes!(support_documents::comment))
        .routes(routes!(support_documents::transition))
        .routes(routes!(support_documents::assign))
        .routes(routes!(support_documents::watchers))
        .routes(routes!(support_documents::log_time))
        .routes(routes!(support_documents::link_patch))
        .routes(routes!(canned_replies::list, canned_replies::create))
        .routes(routes!(canned_replies::update, canned_replies::delete))
        .routes(routes!(mail::held))
        .routes(routes!(mail::detail))
        .routes(routes!(mail::decide))
        .routes(routes!(patches::list, patches::create))
        .routes(routes!(patches::detail, patches::update))
        .routes(routes!(patches::step))
        .routes(routes!(patches::download))
        .routes(routes!(patches::distribution))
        .routes(routes!(validation_codes::list, validation_codes::create))
        .routes(routes!(validation_codes::detail, validation_codes::update))
        .routes(routes!(validation_codes::reveal))
        .routes(routes!(validation_codes::import))
        .routes(routes!(procedures::list, procedures::create))
        .routes(routes!(procedures::detail, procedures::update))
        .routes(routes!(procedures::download))
        .routes(routes!(protocols::list, protocols::create))
        .routes(routes!(protocols::detail, protocols::update))
        .routes(routes!(protocols::step))
        .routes(routes!(protocols::revision))
        .routes(routes!(protocols::download))
        .routes(routes!(protocols::tasks))
        .routes(routes!(protocols::set_task))
        .routes(routes!(
            customization_orders::list,
            customization_orders::create
        ))
        .routes(routes!(customization_orders::detail))
        .routes(routes!(customization_orders::quote))
        .routes(routes!(customization_orders::step))
        .routes(routes!(customization_orders::work))
        .routes(routes!(customization_orders::reservation))
        .routes(routes!(
            customization_orders::invoicing,
            customization_orders::mark_invoiced
        ))
        .routes(routes!(customization_orders::convert))
        .routes(routes!(customization_orders::comment))
        .routes(routes!(customization_orders::download))
        .routes(files::upload_routes())
        .routes(routes!(files::download))
        .route("/api/openapi.json", axum::routing::get(openapi_json))
}

/// The OpenAPI document, generated once from the routes and completed by [`openapi::complete`].
pub fn openapi_document() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let (_, api) = router().split_for_parts();
        let mut document = serde_json::to_value(&api).unwrap_or_default();
        openapi::complete(&mut document);
        serde_json::to_string_pretty(&document).unwrap_or_default()
    })
}

async fn openapi_json() -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], openapi_document())
}
