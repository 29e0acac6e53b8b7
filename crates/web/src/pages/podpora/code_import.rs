//! Importing validation codes from CSV (staff who write in podpora): every row is checked
//! first — its shape, the organisation by IČO, the product by its catalogue code, the module —
//! and every problem is reported with its line; nothing is imported unless all rows are
//! valid, and then all are written in one transaction.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use supportweb_domain::ids::ValidationCodeId;
use supportweb_domain::organisation::Ico;
use supportweb_domain::validation_code::{RowError, parse_rows};
use supportweb_storage::validation_codes::{CodeError, NewCode, SealedCode};

use super::codes::{audit_issue, seal};
use super::may_write;
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::middleware::KeepBody;
use crate::multipart::multipart_error;
use crate::multipart::read_capped;
use crate::pages::{Layout, render};
use crate::state::AppState;

/// The largest import accepted.
const MAX_IMPORT_BYTES: usize = 5 * 1024 * 1024;

/// Checks a parsed file against the organisations and the catalogue and seals every code;
/// returns the codes to write, or every problem with its line.
pub(crate) async fn prepare(
    state: &AppState,
    text: &str,
) -> Result<Result<Vec<SealedCode>, Vec<RowError>>, AppError> {
    // Every row that could be read is checked against the organisations and the catalogue
    // too, so the file comes back once with all its problems.
    let (rows, mut errors) = parse_rows(text);
    let shape_problem = |line: usize, column: &str, errors: &[RowError]| {
        errors.iter().any(|e| e.line == line && e.column == column)
    };
    let products = state.store().products(true).await?;
    let mut codes = Vec::new();
    for row in rows {
        let organisation = match Ico::parse(&row.ico) {
            Ok(ico) => state.store().organisation_id_by_ico(&ico).await?,
            Err(_) => None,
        };
        let product = products
            .iter()
            .find(|p| p.code.eq_ignore_ascii_case(&row.product));
        if organisation.is_none() && !shape_problem(row.line, "ico", &errors) {
            errors.push(RowError {
                line: row.line,
                column: "ico",
                code: "code-import-organisation",
            });
        }
        match product {
            None if shape_problem(row.line, "product", &errors) => {}
            None => errors.push(RowError {
                line: row.line,
                column: "product",
                code: "code-import-product",
            }),
            Some(p) if !row.module.is_empty() && !p.modules.contains(&row.module) => {
                errors.push(RowError {
                    line: row.line,
                    column: "module",
                    code: "patch-error-module",
                });
            }
            Some(_) => {}
        }
        if let (Some(organisation), Some(product)) = (organisation, product) {
            let id = ValidationCodeId::generate();
            codes.push(SealedCode {
                id,
                sealed: seal(state, id, &row.code)?,
                code: NewCode {
                    organisation_id: organisation,
                    product_id: product.id,
                    module: row.module,
                    valid_from: row.valid_from,
                    valid_to: row.valid_to,
                    note: row.note,
                },
            });
        }
    }
    errors.sort_by_key(|e| e.line);
    Ok(if errors.is_empty() {
        Ok(codes)
    } else {
        Err(errors)
    })
}

/// Writes prepared codes and audits the import per organisation.
pub(crate) async fn import(
    state: &AppState,
    signed: &SignedIn,
    address: &str,
    codes: &[SealedCode],
) -> Result<(), AppError> {
    state
        .store()
        .issue_codes(&signed.actor, codes)
        .await
        .map_err(|error| match error {
            CodeError::Store(e) => e.into(),
            CodeError::Invalid(_) => AppError::BadRequest("bad_request"),
        })?;
    let mut organisations: Vec<_> = codes.iter().map(|c| c.code.organisation_id).collect();
    organisations.sort();
    organisations.dedup();
    for organisation in organisations {
        let count = codes
            .iter()
            .filter(|c| c.code.organisation_id == organisation)
            .count();
        audit_issue(
            state,
            signed,
            organisation,
            address,
            format!("import: {count}"),
        )
        .await?;
    }
    Ok(())
}

/// One problem as shown.
pub(crate) struct Problem {
    pub line: usize,
    pub column: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "podpora_code_import.html")]
struct ImportPage {
    layout: Layout,
    csv: String,
    problems: Vec<Problem>,
}

fn require(signed: &SignedIn) -> Result<(), AppError> {
    if may_write(&signed.actor) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

pub(super) async fn form(signed: SignedIn) -> Result<Html<String>, AppError> {
    require(&signed)?;
    render(&ImportPage {
        layout: Layout::new(&signed.ctx, "code-import-title"),
        csv: String::new(),
        problems: Vec::new(),
    })
}

/// The CSV of a submitted import form: the uploaded file, else the pasted text.
async fn read_csv(multipart: Multipart) -> Result<String, AppError> {
    let mut multipart = multipart;
    let mut pasted = String::new();
    let mut uploaded: Option<String> = None;
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        let text = read_capped(field, MAX_IMPORT_BYTES).await?;
        match name.as_str() {
            "file" if !text.is_empty() => uploaded = Some(text),
            "csv" => pasted = text,
            _ => {}
        }
    }
    Ok(uploaded.unwrap_or(pasted))
}

pub(super) async fn submit(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    require(&signed)?;
    let multipart = multipart.map_err(|_| AppError::BadRequest("bad_request"))?;
    let csv = read_csv(multipart).await?;
    match prepare(&state, &csv).await? {
        Ok(codes) => {
            import(&state, &signed, &address, &codes).await?;
            Ok(Redirect::to(&format!("/podpora/codes?imported={}", codes.len())).into_response())
        }
        Err(errors) => {
            let t = Tr::new(signed.ctx.lang);
            let page = ImportPage {
                layout: Layout::new(&signed.ctx, "code-import-title"),
                problems: errors
                    .into_iter()
                    .map(|e| Problem {
                        line: e.line,
                        column: e.column.to_owned(),
                        message: t.t(e.code),
                    })
                    .collect(),
                csv,
            };
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                axum::Extension(KeepBody),
                render(&page)?,
            )
                .into_response())
        }
    }
}
