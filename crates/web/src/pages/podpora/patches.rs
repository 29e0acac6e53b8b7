//! The patch overview and its CSV export: filters by product, state (staff), "applicable to
//! you" (customers) and release dates, newest release first, keyset-paged.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use chrono::NaiveDate;
use supportweb_app::podpora::patches::{PatchParams, access_label, product_text, state_label};
use supportweb_app::podpora::{PatchRecord, applies_text, may_write};
use supportweb_domain::patch::PatchState;

use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::pages::csv::csv_stream;
use crate::pages::form::FormErrors;
use crate::pages::layout::{Choice, Layout, render};
use crate::state::AppState;

/// One row of the overview.
pub(crate) struct PatchRow {
    pub id: String,
    pub title: String,
    pub product: String,
    pub build: String,
    pub applies: String,
    pub released: String,
    pub state_key: &'static str,
    pub state: String,
    pub applicable: bool,
    pub access_key: &'static str,
    pub access: String,
}

/// A day as Czech and English readers write it.
pub(crate) fn day(date: NaiveDate) -> String {
    date.format("%-d. %-m. %Y").to_string()
}

impl PatchRow {
    fn new(t: &Tr, p: &PatchRecord) -> Self {
        PatchRow {
            id: p.id.to_string(),
            title: p.title.clone(),
            product: product_text(p),
            build: p.build.clone(),
            applies: applies_text(t, &p.applies),
            released: day(p.released_on),
            state_key: p.state.as_str(),
            state: state_label(t, p.state),
            applicable: p.applicable,
            access_key: p.access.as_str(),
            access: access_label(t, p.access),
        }
    }
}

#[derive(Template)]
#[template(path = "podpora_patches.html")]
struct OverviewPage {
    layout: Layout,
    tabs: super::Tabs,
    params: PatchParams,
    products: Vec<Choice>,
    states: Vec<Choice>,
    rows: Vec<PatchRow>,
    errors: FormErrors,
    next: Option<String>,
    filters: String,
    is_staff: bool,
    may_write: bool,
}

pub(super) async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<PatchParams>,
) -> Result<Html<String>, AppError> {
    let actor = &signed.actor;
    let patches = state.app().podpora().patches();
    let (query, problems) = patches.overview_query(actor, &params)?;
    let page = patches.overview(actor, &query).await?;
    let layout = Layout::new(&signed.ctx, "patch-title");
    let t = layout.t;
    let states = PatchState::ALL
        .into_iter()
        .filter(|s| actor.is_staff() || s.customers_see())
        .map(|s| Choice {
            value: s.as_str().to_owned(),
            label: state_label(&t, s),
            selected: false,
        })
        .collect();
    render(&OverviewPage {
        tabs: super::Tabs::new(actor, "patches"),
        products: super::product_choices(&state).await?,
        states,
        rows: page.rows.iter().map(|p| PatchRow::new(&t, p)).collect(),
        errors: FormErrors::from_fields(&problems, &t),
        next: page.next,
        filters: params.filters(),
        is_staff: actor.is_staff(),
        may_write: may_write(actor),
        params,
        layout,
    })
}

/// Every patch the filters match, as CSV in the user's language.
pub(super) async fn export(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<PatchParams>,
) -> Result<Response, AppError> {
    let body =
        state
            .app()
            .podpora()
            .patches()
            .export(&signed.actor, &params, Tr::new(signed.ctx.lang))?;
    Ok(csv_stream("patches.csv", body))
}
