//! Invoicing (staff who work on orders): the accepted orders not yet invoiced with their
//! figures, exported as CSV, and marked invoiced in one action.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use supportweb_app::customization_orders::{InvoiceLine, order_id};
use supportweb_domain::money::{format_amount, format_hours};

use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::pages::csv::csv_response;
use crate::pages::form::form_values;
use crate::pages::layout::{Layout, render};
use crate::state::AppState;

/// An order to invoice as shown.
pub(crate) struct InvoiceRow {
    pub id: String,
    pub version: i64,
    pub number: String,
    pub title: String,
    pub organisation: String,
    pub revision: i64,
    pub estimated: String,
    pub worked: String,
    pub net: String,
    pub vat: String,
    pub total: String,
}

impl From<InvoiceLine> for InvoiceRow {
    fn from(line: InvoiceLine) -> Self {
        let (o, q) = (&line.order, &line.quote);
        InvoiceRow {
            id: o.id.to_string(),
            version: o.version,
            number: o.number.clone(),
            title: o.title.clone(),
            organisation: o.organisation_name.clone(),
            revision: q.revision,
            estimated: format_hours(q.estimated_centi_hours),
            worked: format_hours(line.worked_centi_hours),
            net: format_amount(q.totals.net, q.currency),
            vat: format_amount(q.totals.vat, q.currency),
            total: format_amount(q.totals.total, q.currency),
        }
    }
}

#[derive(Template)]
#[template(path = "order_invoicing.html")]
struct InvoicingPage {
    layout: Layout,
    rows: Vec<InvoiceRow>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, AppError> {
    let lines = state
        .app()
        .customization_orders()
        .to_invoice(&signed.actor)
        .await?;
    render(&InvoicingPage {
        rows: lines.into_iter().map(InvoiceRow::from).collect(),
        layout: Layout::new(&signed.ctx, "order-invoicing"),
    })
}

pub(super) async fn export(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Response, AppError> {
    let csv = state
        .app()
        .customization_orders()
        .invoicing_csv(&signed.actor, &Tr::new(signed.ctx.lang))
        .await?;
    Ok(csv_response("invoicing.csv", csv))
}

/// Marks the chosen orders (`order` = `id:version`) invoiced; all or none.
pub(super) async fn mark(
    State(state): State<AppState>,
    signed: SignedIn,
    body: Bytes,
) -> Result<Response, AppError> {
    let orders = state.app().customization_orders();
    orders.require_invoicer(&signed.actor)?;
    let mut chosen = Vec::new();
    for value in form_values(&body, "order") {
        let (id, version) = value
            .split_once(':')
            .ok_or(AppError::BadRequest("bad_request"))?;
        let id = order_id(id)?;
        let version: i64 = version
            .parse()
            .map_err(|_| AppError::BadRequest("bad_request"))?;
        chosen.push((id, version));
    }
    orders.mark_invoiced(&signed.actor, &chosen).await?;
    Ok(Redirect::to("/customization-orders/invoicing").into_response())
}
