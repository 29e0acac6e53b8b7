//! The patch overview and its CSV export: filters by product, state (staff), "applicable to
//! you" (customers) and release dates, newest release first, keyset-paged.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::ids::{PatchId, ProductId};
use supportweb_domain::patch::{DownloadAccess, PatchState};
use supportweb_storage::patches::{PatchQuery, PatchRecord};

use super::{may_write, require_reader};
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::pages::Choice;
use crate::pages::csv::{BOM, push_record};
use crate::pages::form::FormErrors;
use crate::pages::{Layout, render};
use crate::state::AppState;
use supportweb_app::podpora::applies_text;

/// The overview's query string, as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct PatchParams {
    #[serde(default)]
    pub product: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub applicable: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub after: String,
}

fn parsed<T: std::str::FromStr>(
    text: &str,
    field: &'static str,
    t: &Tr,
    errors: &mut FormErrors,
) -> Option<T> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let value = text.parse().ok();
    if value.is_none() {
        errors.add_t(field, t, "patch-error-filter");
    }
    value
}

impl PatchParams {
    /// The store query; bad values are reported per field and left out.
    pub(crate) fn query(&self, t: &Tr, errors: &mut FormErrors) -> PatchQuery {
        let state = match self.state.as_str() {
            "" => None,
            text => {
                let state = PatchState::parse(text);
                if state.is_none() {
                    errors.add_t("state", t, "patch-error-filter");
                }
                state
            }
        };
        PatchQuery {
            product: parsed::<ProductId>(&self.product, "product", t, errors),
            state,
            applicable: matches!(self.applicable.as_str(), "1" | "true" | "on"),
            released_from: parsed::<NaiveDate>(&self.from, "from", t, errors),
            released_to: parsed::<NaiveDate>(&self.to, "to", t, errors),
            text: Some(self.q.trim().to_owned()).filter(|q| !q.is_empty()),
            after: parsed::<PatchId>(&self.after, "after", t, errors),
            limit: 50,
        }
    }

    /// The query string without the page position.
    pub(crate) fn filters(&self) -> String {
        serde_urlencoded::to_string([
            ("product", self.product.as_str()),
            ("state", self.state.as_str()),
            ("applicable", self.applicable.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("q", self.q.as_str()),
        ])
        .unwrap_or_default()
    }
}

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

/// The name of a patch state in the user's language.
pub(crate) fn state_label(t: &Tr, state: PatchState) -> String {
    t.t(format!("patch-state-{}", state.as_str()))
}

/// Whether (and why not) a customer may download, in the user's language.
pub(crate) fn access_label(t: &Tr, access: DownloadAccess) -> String {
    t.t(format!(
        "patch-access-{}",
        access.as_str().replace('_', "-")
    ))
}

/// The product and module as one text.
pub(crate) fn product_text(p: &PatchRecord) -> String {
    if p.module.is_empty() {
        p.product_name.clone()
    } else {
        format!("{} / {}", p.product_name, p.module)
    }
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

/// The products to filter by.
pub(crate) async fn product_choices(state: &AppState) -> Result<Vec<Choice>, AppError> {
    Ok(state
        .store()
        .products(true)
        .await?
        .into_iter()
        .map(|p| Choice {
            value: p.id.to_string(),
            label: p.name,
        })
        .collect())
}

pub(super) async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<PatchParams>,
) -> Result<Html<String>, AppError> {
    let actor = &signed.actor;
    require_reader(actor)?;
    let layout = Layout::new(&signed.ctx, "patch-title");
    let t = layout.t;
    let mut errors = FormErrors::default();
    let query = params.query(&t, &mut errors);
    let patches = state.store().patches(actor, &query).await?;
    let next = (patches.len() == query.limit as usize)
        .then(|| patches.last().map(|p| p.id.to_string()))
        .flatten();
    let states = PatchState::ALL
        .into_iter()
        .filter(|s| actor.is_staff() || s.customers_see())
        .map(|s| Choice {
            value: s.as_str().to_owned(),
            label: state_label(&t, s),
        })
        .collect();
    render(&OverviewPage {
        tabs: super::Tabs::new(actor, "patches"),
        products: product_choices(&state).await?,
        states,
        rows: patches.iter().map(|p| PatchRow::new(&t, p)).collect(),
        errors,
        next,
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
    let actor = &signed.actor;
    require_reader(actor)?;
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let mut query = params.query(&t, &mut errors);
    if !errors.is_empty() {
        return Err(errors.into_api_error());
    }
    query.limit = 500;
    query.after = None;
    Ok(crate::pages::csv::csv_response(
        "patches.csv",
        csv(&state, actor, &t, query).await?,
    ))
}

async fn csv(
    state: &AppState,
    actor: &Actor,
    t: &Tr,
    mut query: PatchQuery,
) -> Result<String, AppError> {
    let mut out = String::from(BOM);
    let mut header = vec![
        "patch-title-field",
        "patch-product",
        "patch-build",
        "patch-applies",
        "patch-released-on",
        "patch-state",
    ];
    if !actor.is_staff() {
        header.extend(["patch-applicable", "patch-access"]);
    }
    header.push("patch-files");
    push_record(&mut out, header.iter().map(|k| t.t(k)));
    loop {
        let page = state.store().patches(actor, &query).await?;
        for p in &page {
            let row = PatchRow::new(t, p);
            let mut cells = vec![
                row.title,
                row.product,
                row.build,
                row.applies,
                p.released_on.to_string(),
                row.state,
            ];
            if !actor.is_staff() {
                cells.push(t.t(if row.applicable {
                    "patch-yes"
                } else {
                    "patch-no"
                }));
                cells.push(row.access);
            }
            cells.push(
                p.files
                    .iter()
                    .map(|f| format!("{} (SHA-256 {})", f.file_name, f.sha256))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            push_record(&mut out, cells.into_iter());
        }
        if page.len() < query.limit as usize {
            return Ok(out);
        }
        query.after = page.last().map(|p| p.id);
    }
}
