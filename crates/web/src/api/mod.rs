//! The JSON API under `/api/v1`. Errors are `application/problem+json`; the OpenAPI document
//! at `/api/openapi.json` is generated from these routes.

pub mod admin;
pub mod canned_replies;
pub mod customization_orders;
pub mod files;
pub mod me;
pub mod patches;
pub mod procedures;
pub mod protocols;
pub mod support_documents;
pub mod validation_codes;

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

/// The OpenAPI document, generated once from the routes, with the answers every operation
/// may give (see [`complete_responses`]).
pub fn openapi_document() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| {
        let (_, api) = router().split_for_parts();
        let mut document = serde_json::to_value(&api).unwrap_or_default();
        complete_responses(&mut document);
        precise_formats(&mut document);
        empty_filters(&mut document);
        changes_name_their_version(&mut document);
        serde_json::to_string_pretty(&document).unwrap_or_default()
    })
}

/// Operations every signed-in user has.
const NEVER_MISSING: &[&str] = &["/api/v1/me", "/api/v1/me/notifications", "/api/v1/files"];

/// The pattern of an id as the API writes and reads it.
const UUID_PATTERN: &str =
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/// Every id is written `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` and every day `YYYY-MM-DD`: a
/// `pattern` says so beside each `format: uuid` and `format: date`, for clients and fuzzers
/// that do not know the formats.
fn precise_formats(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(fields) => {
            let pattern = match fields.get("format").and_then(serde_json::Value::as_str) {
                Some("uuid") => Some(UUID_PATTERN),
                Some("date") => Some("^[0-9]{4}-[0-9]{2}-[0-9]{2}$"),
                _ => None,
            };
            if let Some(pattern) = pattern {
                fields.entry("pattern").or_insert_with(|| pattern.into());
            }
            fields.values_mut().for_each(precise_formats);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(precise_formats),
        _ => {}
    }
}

/// An overview's filter left empty (`?state=&from=`, as a form sends it) means no filter:
/// each query parameter with a format or a list of words also takes the empty string.
fn empty_filters(document: &mut serde_json::Value) {
    let Some(paths) = document
        .get_mut("paths")
        .and_then(serde_json::Value::as_object_mut)
    else {
        return;
    };
    for operation in paths
        .values_mut()
        .filter_map(serde_json::Value::as_object_mut)
        .flat_map(|operations| operations.values_mut())
    {
        let Some(parameters) = operation
            .get_mut("parameters")
            .and_then(serde_json::Value::as_array_mut)
        else {
            continue;
        };
        for parameter in parameters {
            if parameter.get("in").and_then(serde_json::Value::as_str) != Some("query") {
                continue;
            }
            let Some(schema) = parameter.get_mut("schema") else {
                continue;
            };
            if schema.get("format").is_some() || schema.get("enum").is_some() {
                let precise = schema.take();
                *schema = serde_json::json!({
                    "anyOf": [precise, {"type": "string", "maxLength": 0}]
                });
            }
        }
    }
}

/// A change (`PUT`) must send the `version` it read, so that a stale edit is refused (409);
/// creating with the same body needs none. Each `PUT` body whose schema has an optional
/// `version` gets a `…Change` schema that requires it.
fn changes_name_their_version(document: &mut serde_json::Value) {
    let optional_version = |document: &serde_json::Value, name: &str| {
        let Some(schema) = document.pointer(&format!("/components/schemas/{name}")) else {
            return false;
        };
        let required = schema
            .get("required")
            .and_then(serde_json::Value::as_array)
            .is_some_and(|r| r.iter().any(|f| f == "version"));
        schema.pointer("/properties/version").is_some() && !required
    };
    let pointer = "/requestBody/content/application~1json/schema/$ref";
    let mut names = Vec::new();
    if let Some(paths) = document.get("paths").and_then(serde_json::Value::as_object) {
        for (path, operations) in paths {
            let name = operations
                .get("put")
                .and_then(|put| put.pointer(pointer))
                .and_then(serde_json::Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"));
            if let Some(name) = name.filter(|n| optional_version(document, n)) {
                names.push((path.clone(), name.to_owned()));
            }
        }
    }
    for (path, name) in names {
        let change = format!("{name}Change");
        if let Some(reference) = document
            .get_mut("paths")
            .and_then(|paths| paths.get_mut(&path))
            .and_then(|operations| operations.get_mut("put"))
            .and_then(|put| put.pointer_mut(pointer))
        {
            *reference = format!("#/components/schemas/{change}").into();
        }
        if let Some(schemas) = document
            .pointer_mut("/components/schemas")
            .and_then(serde_json::Value::as_object_mut)
        {
            schemas.insert(
                change,
                serde_json::json!({
                    "description": "The same body as for creating, with the `version` read.",
                    "allOf": [
                        {"$ref": format!("#/components/schemas/{name}")},
                        {
                            "type": "object",
                            "required": ["version"],
                            "properties": {"version": {"type": "integer", "format": "int64"}}
                        }
                    ]
                }),
            );
        }
    }
}

/// Answers the shared layers give before or around any operation's own, added to each
/// operation that does not describe them itself: 400 for a malformed path, query or body,
/// 401 without a valid token or session, 403 for a read-only token on a change or a staff
/// account that lacks the required second factor, 404 for a record the caller may not see
/// (operations with a path parameter), 413 for an upload over the limit.
fn complete_responses(document: &mut serde_json::Value) {
    let problem = |description: &str| {
        serde_json::json!({
            "description": description,
            "content": {"application/problem+json": {
                "schema": {"$ref": "#/components/schemas/Problem"}
            }}
        })
    };
    let Some(paths) = document
        .get_mut("paths")
        .and_then(serde_json::Value::as_object_mut)
    else {
        return;
    };
    for (path, operations) in paths.iter_mut() {
        let Some(operations) = operations.as_object_mut() else {
            continue;
        };
        for (method, operation) in operations.iter_mut() {
            let reads = method == "get";
            let has_body = operation.get("requestBody").is_some();
            let Some(responses) = operation
                .get_mut("responses")
                .and_then(serde_json::Value::as_object_mut)
            else {
                continue;
            };
            let mut add = |status: &str, description: &str| {
                responses
                    .entry(status)
                    .or_insert_with(|| problem(description));
            };
            add(
                "400",
                if has_body {
                    "The body is not the JSON this operation takes (`invalid_json`: a missing \
or unknown field, a wrong type), or a path or query parameter is malformed (`bad_request`)"
                } else {
                    "A path or query parameter is malformed (`bad_request`)"
                },
            );
            add(
                "401",
                "No valid API token or session (`unauthenticated`); `WWW-Authenticate` names \
the sign-in",
            );
            add(
                "403",
                if reads {
                    "A staff account without the second factor the portal requires \
(`two_factor_required`), or the caller may not use this agenda (`forbidden`)"
                } else {
                    "A read-only token (`forbidden`), a staff account without the second \
factor the portal requires (`two_factor_required`), or the caller may not do this (`forbidden`)"
                },
            );
            if path.contains('{') {
                add("404", "No such record visible to the caller (`not_found`)");
            } else if !NEVER_MISSING.contains(&path.as_str()) {
                add(
                    "404",
                    "Not found (`not_found`): the caller's kind of account has no such \
operation (staff-only operations answer customer and partner users as if they did not exist), \
or a list's `after` names a record the caller no longer sees",
                );
            }
            if !reads {
                add(
                    "409",
                    "A value another record already holds (a number, code or title that must \
be unique), the organisation has no valid support contract, or the record changed since the \
`version` read (`conflict`)",
                );
            }
            if path == "/api/v1/files" && !reads {
                add(
                    "413",
                    "The upload is larger than `files.max_upload_bytes` (`payload_too_large`)",
                );
            }
        }
    }
}

async fn openapi_json() -> impl IntoResponse {
    ([(CONTENT_TYPE, "application/json")], openapi_document())
}
