//! What the generated OpenAPI document cannot say by itself: the answers the shared layers
//! give for every operation, the patterns of ids and days, empty filters, and the `version` a
//! change must carry. Applied once to the document `utoipa` builds from the routes.

/// Completes the generated `document`.
pub(super) fn complete(document: &mut serde_json::Value) {
    complete_responses(document);
    precise_formats(document);
    empty_filters(document);
    changes_name_their_version(document);
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
