//! The orders overview and its CSV export.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use supportweb_app::customization_orders::{
    OrderParams, OrderRecord, desired, staff_writes, state_label, submitted, waiting_label,
};
use supportweb_app::overview::group_headings;
use supportweb_domain::customization_order::OrderState;

use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::pages::csv::csv_stream;
use crate::pages::form::FormErrors;
use crate::pages::layout::Choice;
use crate::pages::layout::{Layout, render};
use crate::state::AppState;

/// An order as a row of the overview or the export.
pub(crate) struct OrderRow {
    pub id: String,
    pub number: String,
    pub title: String,
    pub organisation: String,
    pub submitted: String,
    pub desired: String,
    pub state_key: &'static str,
    pub state: String,
    pub waiting: String,
    /// Reservations still to be fixed (0: none).
    pub open_reservations: i64,
    /// The group heading this row starts, if any.
    pub group: Option<String>,
}

impl OrderRow {
    fn new(t: &Tr, o: &OrderRecord) -> Self {
        OrderRow {
            id: o.id.to_string(),
            number: o.number.clone(),
            title: o.title.clone(),
            organisation: o.organisation_name.clone(),
            submitted: submitted(o),
            desired: desired(o),
            state_key: o.state.as_str(),
            state: state_label(t, o.state),
            waiting: waiting_label(t, o.state),
            open_reservations: o.open_reservations,
            group: None,
        }
    }
}

#[derive(Template)]
#[template(path = "orders.html")]
struct OverviewPage {
    layout: Layout,
    params: OrderParams,
    states: Vec<Choice>,
    organisations: Vec<Choice>,
    rows: Vec<OrderRow>,
    errors: FormErrors,
    next: Option<String>,
    filters: String,
    may_submit: bool,
    may_invoice: bool,
}

pub(super) async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<OrderParams>,
) -> Result<Html<String>, AppError> {
    let actor = &signed.actor;
    let orders = state.app().customization_orders();
    let (query, problems) = orders.overview_query(actor, &params)?;
    let page = orders.overview(actor, &query).await?;
    let layout = Layout::new(&signed.ctx, "order-title");
    let t = layout.t;
    let mut rows: Vec<OrderRow> = page.rows.iter().map(|o| OrderRow::new(&t, o)).collect();
    let headings = group_headings(&rows, |row| match query.group {
        Some(supportweb_app::customization_orders::OrderGroup::Organisation) => {
            Some(row.organisation.clone())
        }
        Some(supportweb_app::customization_orders::OrderGroup::State) => Some(row.state.clone()),
        None => None,
    });
    for (row, heading) in rows.iter_mut().zip(headings) {
        row.group = heading;
    }
    render(&OverviewPage {
        states: OrderState::ALL
            .into_iter()
            .map(|s| Choice {
                value: s.as_str().to_owned(),
                label: state_label(&t, s),
                selected: false,
            })
            .collect(),
        organisations: orders
            .organisations(actor, false)
            .await?
            .into_iter()
            .map(Choice::from)
            .collect(),
        rows,
        errors: FormErrors::from_fields(&problems, &t),
        next: page.next,
        filters: params.filters(),
        may_submit: orders.may_submit(actor).await?,
        may_invoice: actor.is_staff() && staff_writes(actor),
        params,
        layout,
    })
}

pub(super) async fn export(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<OrderParams>,
) -> Result<Response, AppError> {
    let body = state.app().customization_orders().export(
        &signed.actor,
        &params,
        Tr::new(signed.ctx.lang),
    )?;
    Ok(csv_stream("customization-orders.csv", body))
}
