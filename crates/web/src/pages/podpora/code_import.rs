//! Importing validation codes from CSV (staff who write in podpora): a file or pasted text;
//! every problem comes back with its line, and nothing is imported unless all rows are valid.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use supportweb_app::podpora::validation_codes::{ImportOutcome, MAX_IMPORT_BYTES};

use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::multipart::{multipart_error, read_capped};
use crate::pages::layout::again;
use crate::pages::layout::{Layout, render};
use crate::state::AppState;

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

pub(super) async fn form(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, AppError> {
    state
        .app()
        .podpora()
        .validation_codes()
        .require_issuer(&signed.actor)?;
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
    let codes = state.app().podpora().validation_codes();
    codes.require_issuer(&signed.actor)?;
    let multipart = multipart.map_err(|_| AppError::BadRequest("bad_request"))?;
    let csv = read_csv(multipart).await?;
    match codes.import(&signed.actor, &csv, &address).await? {
        ImportOutcome::Imported(count) => {
            Ok(Redirect::to(&format!("/podpora/codes?imported={count}")).into_response())
        }
        ImportOutcome::Refused(errors) => {
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
            again(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
    }
}
