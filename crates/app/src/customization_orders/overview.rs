//! The orders overview and its CSV export: filters by state, organisation, whose move it is,
//! open reservations and dates, newest or oldest first, grouped by organisation or state,
//! keyset-paged, all through the actor's scope.

use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::calendar::prague_time;
use supportweb_domain::customization_order::OrderState;
use supportweb_domain::ids::{OrderId, OrganisationId};
use supportweb_domain::protocol::Side;
use supportweb_i18n::Tr;
use supportweb_storage::customization_orders::{OrderGroup, OrderQuery, OrderRecord};

use super::{Orders, require_reader, state_label};
use crate::choices::Named;
use crate::overview::{self, Column, FilterReader, Overview, Page};
use crate::{App, FieldErrors, Result};

/// The overview's query string, as typed; the page and the API's list read the same.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrderParams {
    /// Words to find in the number, title, requirement, quotes and conversation (case and
    /// diacritics ignored, the last word as a prefix); combined with the other filters.
    #[serde(default)]
    #[param(required = false)]
    pub q: String,
    /// State.
    #[serde(default)]
    #[param(required = false, schema_with = crate::api_schema::order_state)]
    pub state: String,
    /// Organisation id.
    #[serde(default)]
    #[param(required = false, format = Uuid)]
    pub organisation: String,
    /// Whose move it is: `vendor` or `customer`.
    #[serde(default)]
    #[param(required = false, schema_with = crate::api_schema::side)]
    pub waiting: String,
    /// `me`: only orders of organisations where the caller signs (approves quotes).
    #[serde(default)]
    #[param(required = false, schema_with = crate::api_schema::signatory_filter)]
    pub signatory: String,
    /// `open`: only orders with reservations still to be fixed.
    #[serde(default)]
    #[param(required = false, schema_with = crate::api_schema::open_reservations)]
    pub reservations: String,
    /// Submitted on or after (YYYY-MM-DD).
    #[serde(default)]
    #[param(required = false, format = Date)]
    pub from: String,
    /// Submitted on or before (YYYY-MM-DD).
    #[serde(default)]
    #[param(required = false, format = Date)]
    pub to: String,
    /// `organisation` or `state`: orders of one group follow each other.
    #[serde(default)]
    #[param(required = false, schema_with = crate::api_schema::order_group)]
    pub group: String,
    /// `newest` (default) or `oldest` first.
    #[serde(default)]
    #[param(required = false, schema_with = crate::api_schema::order_sort)]
    pub sort: String,
    /// The last order of the previous page.
    #[serde(default)]
    #[param(required = false, format = Uuid)]
    pub after: String,
}

impl OrderParams {
    /// The store query; values that do not parse are reported per field and left out.
    pub fn query(&self, errors: &mut FieldErrors) -> OrderQuery {
        let mut read = FilterReader::new(errors, "patch-error-filter");
        let organisation = read
            .uuid(&self.organisation, "organisation")
            .map(OrganisationId);
        let after = read.uuid(&self.after, "after").map(OrderId);
        let state = read.value(&self.state, "state", OrderState::parse);
        let waiting_on = read.value(&self.waiting, "waiting", Side::parse);
        let open_reservations = read.value(&self.reservations, "reservations", |r| {
            (r == "open").then_some(true)
        }) == Some(true);
        let from = read.day_start(&self.from, "from");
        let to = read.day_end(&self.to, "to");
        let group = read.value(&self.group, "group", |g| match g {
            "organisation" => Some(OrderGroup::Organisation),
            "state" => Some(OrderGroup::State),
            _ => None,
        });
        let signatory = read.value(&self.signatory, "signatory", |s| {
            (s == "me").then_some(true)
        }) == Some(true);
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
            signatory,
            group,
            oldest_first,
            from,
            before: to,
            after,
            limit: 50,
            words: supportweb_domain::search::query_words(&self.q),
        }
    }

    /// The query string without the page position.
    pub fn filters(&self) -> String {
        overview::query_string(&[
            ("q", self.q.as_str()),
            ("signatory", self.signatory.as_str()),
            ("state", self.state.as_str()),
            ("organisation", self.organisation.as_str()),
            ("waiting", self.waiting.as_str()),
            ("reservations", self.reservations.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("group", self.group.as_str()),
            ("sort", self.sort.as_str()),
        ])
    }
}

/// Whose move it is, in the user's language (empty for a finished order).
pub fn waiting_label(t: &Tr, state: OrderState) -> String {
    state
        .waiting_on()
        .map(|side| t.t(format!("order-waiting-{}", side.as_str())))
        .unwrap_or_default()
}

/// The orders overview, for the overview kit.
pub struct OrderOverview;

impl Overview for OrderOverview {
    type Query = OrderQuery;
    type Row = OrderRecord;

    fn position(query: &mut OrderQuery, after: Option<&OrderRecord>, limit: i64) {
        query.after = after.map(|o| o.id);
        query.limit = u32::try_from(limit).unwrap_or(50);
    }

    fn limit(query: &OrderQuery) -> i64 {
        i64::from(query.limit)
    }

    fn cursor(row: &OrderRecord) -> String {
        row.id.to_string()
    }

    async fn fetch(app: &App, actor: &Actor, query: &OrderQuery) -> Result<Vec<OrderRecord>> {
        Ok(app.store().orders(actor, query).await?)
    }
}

/// The day an order was submitted, as a person reads it.
pub fn submitted(o: &OrderRecord) -> String {
    prague_time(o.created_at).format("%-d. %-m. %Y").to_string()
}

/// The day the customer would like it, as a person reads it.
pub fn desired(o: &OrderRecord) -> String {
    o.desired_on
        .map(|d| d.format("%-d. %-m. %Y").to_string())
        .unwrap_or_default()
}

fn columns() -> Vec<Column<OrderRecord>> {
    vec![
        Column {
            header: "order-number",
            cell: |o, _| o.number.clone(),
        },
        Column {
            header: "order-title-field",
            cell: |o, _| o.title.clone(),
        },
        Column {
            header: "order-organisation",
            cell: |o, _| o.organisation_name.clone(),
        },
        Column {
            header: "order-requested-by",
            cell: |o, _| o.requested_by_name.clone(),
        },
        Column {
            header: "order-submitted",
            cell: |o, _| submitted(o),
        },
        Column {
            header: "order-desired",
            cell: |o, _| desired(o),
        },
        Column {
            header: "order-state",
            cell: |o, c| state_label(&c.t, o.state),
        },
        Column {
            header: "order-waiting",
            cell: |o, c| waiting_label(&c.t, o.state),
        },
        Column {
            header: "order-open-reservations-column",
            cell: |o, _| o.open_reservations.to_string(),
        },
    ]
}

impl Orders<'_> {
    /// The store query of an overview's query string, and the problems of its filters.
    pub fn overview_query(
        &self,
        actor: &Actor,
        params: &OrderParams,
    ) -> Result<(OrderQuery, FieldErrors)> {
        require_reader(actor)?;
        let mut errors = FieldErrors::default();
        let query = params.query(&mut errors);
        Ok((query, errors))
    }

    /// One page of the overview.
    pub async fn overview(&self, actor: &Actor, query: &OrderQuery) -> Result<Page<OrderRecord>> {
        require_reader(actor)?;
        overview::page::<OrderOverview>(self.app, actor, query).await
    }

    /// The CSV export, in `t`'s language.
    pub fn export(
        &self,
        actor: &Actor,
        params: &OrderParams,
        t: Tr,
    ) -> Result<impl futures_util::Stream<Item = std::io::Result<bytes::Bytes>> + Send + use<>>
    {
        let (query, errors) = self.overview_query(actor, params)?;
        errors.into_result()?;
        Ok(overview::export::<OrderOverview>(
            self.app,
            actor,
            query,
            columns(),
            t,
        ))
    }

    /// The organisations whose orders the actor may filter by, or (with `write`) submit for.
    pub async fn organisations(
        &self,
        actor: &Actor,
        write: bool,
    ) -> Result<Vec<Named<OrganisationId>>> {
        self.app
            .organisation_choices(actor, |r| {
                let right = r.customization_orders;
                if write {
                    right == supportweb_domain::AgendaRight::Write
                } else {
                    right.may_enter()
                }
            })
            .await
    }

    /// Whether the actor may submit a requirement for at least one organisation.
    pub async fn may_submit(&self, actor: &Actor) -> Result<bool> {
        if actor.is_staff() {
            Ok(super::staff_writes(actor))
        } else {
            Ok(!self.organisations(actor, true).await?.is_empty())
        }
    }
}
