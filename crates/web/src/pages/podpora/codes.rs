//! Validation codes in pages: the overview (flagging codes that end within 30 days) with its
//! CSV export (never the codes themselves), a code's page with its history, the audited
//! reveal, and for staff issuing and changing a code. The CSV import is in [`super::code_import`].

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use serde::Deserialize;
use supportweb_app::Error;
use supportweb_app::administration::ProductRecord;
use supportweb_app::podpora::may_write;
use supportweb_app::podpora::validation_codes::{CodeInput, CodeParams, CodeRecord, status_text};

use super::Tabs;
use super::patches::day;
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::pages::csv::csv_stream;
use crate::pages::form::problems_of;
use crate::pages::form::{FormErrors, form_values};
use crate::pages::history::{self, HistoryLine};
use crate::pages::layout::Choice;
use crate::pages::layout::again;
use crate::pages::layout::{Layout, render, today};
use crate::state::AppState;

/// The validity period as a person reads it.
pub(crate) fn validity(t: &Tr, c: &CodeRecord) -> String {
    match c.valid_to {
        Some(to) => format!("{} – {}", day(c.valid_from), day(to)),
        None => t.t1("code-valid-from-open", "date", &day(c.valid_from)),
    }
}

/// How many codes an import has just written (shown once after the redirect).
#[derive(Debug, Default, Deserialize)]
pub(super) struct Imported {
    #[serde(default)]
    imported: String,
}

pub(crate) struct CodeRow {
    pub id: String,
    pub organisation: String,
    pub product: String,
    pub validity: String,
    pub status: (String, &'static str),
    pub note: String,
}

impl CodeRow {
    fn new(t: &Tr, c: &CodeRecord) -> Self {
        CodeRow {
            id: c.id.to_string(),
            organisation: c.organisation_name.clone(),
            product: if c.module.is_empty() {
                c.product_name.clone()
            } else {
                format!("{} / {}", c.product_name, c.module)
            },
            validity: validity(t, c),
            status: status_text(t, c),
            note: c.note.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "podpora_codes.html")]
struct OverviewPage {
    layout: Layout,
    tabs: Tabs,
    params: CodeParams,
    imported: String,
    organisations: Vec<Choice>,
    products: Vec<Choice>,
    rows: Vec<CodeRow>,
    errors: FormErrors,
    next: Option<String>,
    filters: String,
    may_write: bool,
}

/// The organisations whose codes the actor may filter by or issue for.
async fn organisation_choices(
    state: &AppState,
    signed: &SignedIn,
) -> Result<Vec<Choice>, AppError> {
    Ok(state
        .app()
        .podpora()
        .validation_codes()
        .organisations(&signed.actor)
        .await?
        .into_iter()
        .map(Choice::from)
        .collect())
}

pub(super) async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<CodeParams>,
    Query(imported): Query<Imported>,
) -> Result<Html<String>, AppError> {
    let actor = &signed.actor;
    let codes = state.app().podpora().validation_codes();
    let (query, problems) = codes.overview_query(actor, &params)?;
    let page = codes.overview(actor, &query).await?;
    let layout = Layout::new(&signed.ctx, "code-title");
    let t = layout.t;
    render(&OverviewPage {
        tabs: Tabs::new(actor, "codes"),
        organisations: organisation_choices(&state, &signed).await?,
        products: super::product_choices(&state).await?,
        rows: page.rows.iter().map(|c| CodeRow::new(&t, c)).collect(),
        errors: FormErrors::from_fields(&problems, &t),
        next: page.next,
        filters: params.filters(),
        may_write: may_write(actor),
        imported: imported.imported,
        params,
        layout,
    })
}

/// Every code the filters match, as CSV — without the codes themselves, which are only ever
/// revealed one at a time.
pub(super) async fn export(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<CodeParams>,
) -> Result<Response, AppError> {
    let body = state.app().podpora().validation_codes().export(
        &signed.actor,
        &params,
        Tr::new(signed.ctx.lang),
    )?;
    Ok(csv_stream("validation-codes.csv", body))
}

#[derive(Template)]
#[template(path = "podpora_code_form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    editing: Option<i64>,
    organisations: Vec<Choice>,
    products: Vec<ProductRecord>,
    form: CodeInput,
    errors: FormErrors,
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, AppError> {
    let form = CodeInput {
        valid_from: today().to_string(),
        ..CodeInput::default()
    };
    render(&FormPage {
        layout: Layout::new(&signed.ctx, "code-new"),
        action: "/podpora/codes".into(),
        editing: None,
        products: state
            .app()
            .podpora()
            .validation_codes()
            .products(&signed.actor)
            .await?,
        organisations: organisation_choices(&state, &signed).await?,
        form,
        errors: FormErrors::default(),
    })
}

pub(super) async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    body: Bytes,
) -> Result<Response, AppError> {
    let codes = state.app().podpora().validation_codes();
    codes.require_issuer(&signed.actor)?;
    let input: CodeInput =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("bad_request"))?;
    let problems = match codes.issue(&signed.actor, &input, &address).await {
        Ok(code) => {
            return Ok(Redirect::to(&format!("/podpora/codes/{}", code.id)).into_response());
        }
        Err(Error::Invalid(problems)) => problems,
        Err(other) => return Err(other.into()),
    };
    let page = FormPage {
        layout: Layout::new(&signed.ctx, "code-new"),
        action: "/podpora/codes".into(),
        editing: None,
        products: codes.products(&signed.actor).await?,
        organisations: organisation_choices(&state, &signed).await?,
        form: input,
        errors: FormErrors::from_fields(&problems, &Tr::new(signed.ctx.lang)),
    };
    again(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

#[derive(Template)]
#[template(path = "podpora_code.html")]
struct DetailPage {
    layout: Layout,
    c: CodeRecord,
    validity: String,
    status: (String, &'static str),
    revealed: Option<String>,
    may_write: bool,
    history: Vec<HistoryLine>,
    form: CodeInput,
    organisations: Vec<Choice>,
    products: Vec<ProductRecord>,
    errors: FormErrors,
}

async fn detail_page(
    state: &AppState,
    signed: &SignedIn,
    c: CodeRecord,
    revealed: Option<String>,
    form: Option<CodeInput>,
    errors: FormErrors,
) -> Result<DetailPage, AppError> {
    let codes = state.app().podpora().validation_codes();
    let layout = Layout::new(&signed.ctx, "code-detail-title");
    let t = layout.t;
    let may_write = may_write(&signed.actor);
    let (organisations, products) = if may_write {
        (
            organisation_choices(state, signed).await?,
            codes.products(&signed.actor).await?,
        )
    } else {
        (Vec::new(), Vec::new())
    };
    Ok(DetailPage {
        validity: validity(&t, &c),
        status: status_text(&t, &c),
        history: history::format(
            &t,
            "validation_code",
            codes.history(&signed.actor, &c).await?,
        ),
        form: form.unwrap_or_else(|| CodeInput::of(&c)),
        revealed,
        may_write,
        organisations,
        products,
        errors,
        c,
        layout,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let c = state
        .app()
        .podpora()
        .validation_codes()
        .get(&signed.actor, &id)
        .await?;
    render(&detail_page(&state, &signed, c, None, None, FormErrors::default()).await?)
}

pub(super) async fn reveal(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let (c, code) = state
        .app()
        .podpora()
        .validation_codes()
        .reveal(&signed.actor, &id, &address)
        .await?;
    render(&detail_page(&state, &signed, c, Some(code), None, FormErrors::default()).await?)
}

pub(super) async fn update(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let codes = state.app().podpora().validation_codes();
    let before = codes.get(&signed.actor, &id).await?;
    codes.require_issuer(&signed.actor)?;
    let input: CodeInput =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("bad_request"))?;
    let version: i64 = form_values(&body, "version")
        .first()
        .and_then(|v| v.parse().ok())
        .ok_or(AppError::BadRequest("bad_request"))?;
    let t = Tr::new(signed.ctx.lang);
    let (status, errors) = match codes
        .update(&signed.actor, &id, &input, version, &address)
        .await
    {
        Ok(code) => {
            return Ok(Redirect::to(&format!("/podpora/codes/{}", code.id)).into_response());
        }
        Err(error) => problems_of(&t, error, "note")?,
    };
    let page = detail_page(&state, &signed, before, None, Some(input), errors).await?;
    again(status, &page)
}
