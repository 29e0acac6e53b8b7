//! The orders overview and its CSV export: filters by state, organisation, whose move it is
//! and dates, newest first, keyset-paged, all through the actor's scope.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use chrono::{Duration, NaiveTime};
use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::calendar::{from_prague_time, prague_time};
use supportweb_domain::customization_order::OrderState;
use supportweb_domain::ids::{OrderId, OrganisationId};
use supportweb_domain::protocol::Side;
use supportweb_storage::customization_orders::{OrderGroup, OrderQuery, OrderRecord};

use super::{require_reader, state_label};
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::pages::Choice;
use crate::pages::csv::{BOM, csv_response, push_record};
use crate::pages::form::{FilterReader, FormErrors};
use crate::pages::{Layout, render};
use crate::state::AppState;

/// The overview's query string, as typed; the API's list takes the same.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderParams {
    /// State.
    #[serde(default)]
    #[param(required = false)]
    pub state: String,
    /// Organisation id.
    #[serde(default)]
    #[param(required = false)]
    pub organisation: String,
    /// Whose move it is: `vendor` or `customer`.
    #[serde(default)]
    #[param(required = false)]
    pub waiting: String,
    /// `open`: only orders with reservations still to be fixed.
    #[serde(default)]
    #[param(required = false)]
    pub reservations: String,
    /// Submitted on or after (YYYY-MM-DD).
    #[serde(default)]
    #[param(required = false)]
    pub from: String,
    /// Submitted on or before (YYYY-MM-DD).
    #[serde(default)]
    #[param(required = false)]
    pub to: String,
    /// `organisation` or `state`: orders of one group follow each other.
    #[serde(default)]
    #[param(required = false)]
    pub group: String,
    /// `newest` (default) or `oldest` first.
    #[serde(default)]
    #[param(required = false)]
    pub sort: String,
    /// The last order of the previous page.
    #[serde(default)]
    #[param(required = false)]
    pub after: String,
}

impl OrderParams {
    pub(crate) fn query(&self, t: &Tr, errors: &mut FormErrors) -> OrderQuery {
        let mut read = FilterReader::new(t, errors);
        let organisation = read
            .uuid(&self.organisation, "organisation")
            .map(OrganisationId);
        let after = read.uuid(&self.after, "after").map(OrderId);
        let state = read.value(&self.state, "state", OrderState::parse);
        let waiting_on = read.value(&self.waiting, "waiting", Side::parse);
        let open_reservations = read.value(&self.reservations, "reservations", |r| {
            (r == "open").then_some(true)
        }) == Some(true);
        let from = read.day(&self.from, "from");
        let to = read.day(&self.to, "to");
        let group = read.value(&self.group, "group", |g| match g {
            "organisation" => Some(OrderGroup::Organisation),
            "state" => Some(OrderGroup::State),
            _ => None,
        });
        let oldest_first = read.value(&self.sort, "sort", |s| match s {
            "oldest" => Some(true),
            "newest" => Some(false),
            _ => None,
        }) == Some(true);
        OrderQuery {
            state,
            organisation,
            waiting_on,
            open_reservations,
            group,
            oldest_first,
            from: from.map(|d| from_prague_time(d.and_time(NaiveTime::MIN))),
            before: to.map(|d| from_prague_time((d + Duration::days(1)).and_time(NaiveTime::MIN))),
            after,
            limit: 50,
        }
    }

    fn filters(&self) -> String {
        serde_urlencoded::to_string([
            ("state", self.state.as_str()),
            ("organisation", self.organisation.as_str()),
            ("waiting", self.waiting.as_str()),
            ("reservations", self.reservations.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("group", self.group.as_str()),
            ("sort", self.sort.as_str()),
        ])
        .unwrap_or_default()
    }
}

/// An order as a row of the overview or the export.
pub(crate) struct OrderRow {
    pub id: String,
    pub number: String,
    pub title: String,
    pub organisation: String,
    pub requested_by: String,
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

/// Whose move it is, in the user's language (empty for a finished order).
pub(crate) fn waiting_label(t: &Tr, state: OrderState) -> String {
    state
        .waiting_on()
        .map(|side| t.t(format!("order-waiting-{}", side.as_str())))
        .unwrap_or_default()
}

impl OrderRow {
    pub(crate) fn new(t: &Tr, o: &OrderRecord) -> Self {
        OrderRow {
            id: o.id.to_string(),
            number: o.number.clone(),
            title: o.title.clone(),
            organisation: o.organisation_name.clone(),
            requested_by: o.requested_by_name.clone(),
            submitted: prague_time(o.created_at).format("%-d. %-m. %Y").to_string(),
            desired: o
                .desired_on
                .map(|d| d.format("%-d. %-m. %Y").to_string())
                .unwrap_or_default(),
            state_key: o.state.as_str(),
            state: state_label(t, o.state),
            waiting: waiting_label(t, o.state),
            open_reservations: o.open_reservations,
            group: None,
        }
    }
}

/// The rows, each first one of a group carrying its heading.
fn grouped(t: &Tr, orders: &[OrderRecord], group: Option<OrderGroup>) -> Vec<OrderRow> {
    let mut last: Option<String> = None;
    orders
        .iter()
        .map(|o| {
            let mut row = OrderRow::new(t, o);
            let heading = match group {
                Some(OrderGroup::Organisation) => Some(row.organisation.clone()),
                Some(OrderGroup::State) => Some(row.state.clone()),
                None => None,
            };
            if heading.is_some() && heading != last {
                row.group = heading.clone();
                last = heading;
            }
            row
        })
        .collect()
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

/// The organisations whose orders the actor may filter by (or submit for, with `write`).
pub(crate) async fn organisation_choices(
    state: &AppState,
    actor: &Actor,
    write: bool,
) -> Result<Vec<Choice>, AppError> {
    crate::pages::organisation_choices::organisation_choices(state, actor, |r| {
        let right = r.customization_orders;
        if write {
            right == supportweb_domain::AgendaRight::Write
        } else {
            right.may_enter()
        }
    })
    .await
}

pub(super) async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<OrderParams>,
) -> Result<Html<String>, AppError> {
    let actor = &signed.actor;
    require_reader(actor)?;
    let layout = Layout::new(&signed.ctx, "order-title");
    let t = layout.t;
    let mut errors = FormErrors::default();
    let query = params.query(&t, &mut errors);
    let orders = state.store().orders(actor, &query).await?;
    let next = (orders.len() == query.limit as usize)
        .then(|| orders.last().map(|o| o.id.to_string()))
        .flatten();
    let may_submit = if actor.is_staff() {
        super::staff_writes(actor)
    } else {
        !organisation_choices(&state, actor, true).await?.is_empty()
    };
    render(&OverviewPage {
        states: OrderState::ALL
            .into_iter()
            .map(|s| Choice {
                value: s.as_str().to_owned(),
                label: state_label(&t, s),
            })
            .collect(),
        organisations: organisation_choices(&state, actor, false).await?,
        rows: grouped(&t, &orders, query.group),
        errors,
        next,
        filters: params.filters(),
        may_submit,
        may_invoice: actor.is_staff() && super::staff_writes(actor),
        params,
        layout,
    })
}

pub(super) async fn export(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<OrderParams>,
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
    let mut out = String::from(BOM);
    push_record(
        &mut out,
        [
            "order-number",
            "order-title-field",
            "order-organisation",
            "order-requested-by",
            "order-submitted",
            "order-desired",
            "order-state",
            "order-waiting",
            "order-open-reservations-column",
        ]
        .iter()
        .map(|k| t.t(k)),
    );
    loop {
        let page = state.store().orders(actor, &query).await?;
        for o in &page {
            let row = OrderRow::new(&t, o);
            push_record(
                &mut out,
                [
                    row.number,
                    row.title,
                    row.organisation,
                    row.requested_by,
                    row.submitted,
                    row.desired,
                    row.state,
                    row.waiting,
                    row.open_reservations.to_string(),
                ]
                .into_iter(),
            );
        }
        if page.len() < query.limit as usize {
            break;
        }
        query.after = page.last().map(|o| o.id);
    }
    Ok(csv_response("customization-orders.csv", out))
}
