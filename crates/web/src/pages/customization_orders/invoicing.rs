//! Invoicing (staff who work on orders): the accepted orders not yet invoiced with their
//! figures, exported as CSV, and marked invoiced in one action.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use supportweb_domain::calendar::prague_time;
use supportweb_domain::customization_order::OrderStep;
use supportweb_domain::money::{format_amount, format_hours, format_plain};
use supportweb_storage::customization_orders::{OrderRecord, QuoteRecord};

use super::{require_reader, staff_writes};
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::pages::csv::{BOM, csv_response, push_record};
use crate::pages::form::form_values;
use crate::pages::{Layout, render};
use crate::state::AppState;

/// An order to invoice as shown and exported.
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
    pub currency: &'static str,
    /// The customer's purchase-order number from the approval.
    pub purchase_order: String,
    /// The customer's IČO and DIČ, as the invoice names them.
    pub ico: String,
    pub dic: String,
    /// The day the customer accepted the delivery (the date of the taxable supply), ISO.
    pub accepted_on: String,
    /// VAT rate in per cent, plain (`21`, `12`).
    pub vat_rate: String,
    /// Plain figures for spreadsheets: rate, net, VAT, rounding, total.
    pub plain: [String; 5],
}

/// What an invoice needs besides the order and its quote: from the approval, the
/// acceptance and the organisation.
struct InvoiceFacts {
    purchase_order: String,
    accepted_on: String,
    ico: String,
    dic: String,
}

impl InvoiceRow {
    fn new(o: &OrderRecord, q: &QuoteRecord, worked: i64, facts: InvoiceFacts) -> Self {
        InvoiceRow {
            id: o.id.to_string(),
            version: o.version,
            number: o.number.clone(),
            title: o.title.clone(),
            organisation: o.organisation_name.clone(),
            revision: q.revision,
            estimated: format_hours(q.estimated_centi_hours),
            worked: format_hours(worked),
            net: format_amount(q.totals.net, q.currency),
            vat: format_amount(q.totals.vat, q.currency),
            total: format_amount(q.totals.total, q.currency),
            currency: q.currency.code(),
            purchase_order: facts.purchase_order,
            ico: facts.ico,
            dic: facts.dic,
            accepted_on: facts.accepted_on,
            vat_rate: format_hours(i64::from(q.vat_basis_points)),
            plain: [
                format_plain(q.hourly_rate),
                format_plain(q.totals.net),
                format_plain(q.totals.vat),
                format_plain(q.totals.rounding),
                format_plain(q.totals.total),
            ],
        }
    }
}

fn require_invoicer(signed: &SignedIn) -> Result<(), AppError> {
    require_reader(&signed.actor)?;
    if signed.actor.is_staff() && staff_writes(&signed.actor) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

async fn rows(state: &AppState, signed: &SignedIn) -> Result<Vec<InvoiceRow>, AppError> {
    let store = state.store();
    let mut rows = Vec::new();
    for (o, q, worked) in store.orders_to_invoice(&signed.actor).await? {
        let answers = store.order_answers(&signed.actor, o.id).await?;
        let newest = |steps: &[OrderStep]| answers.iter().rev().find(|a| steps.contains(&a.step));
        let organisation = store.organisation(&signed.actor, o.organisation_id).await?;
        let facts = InvoiceFacts {
            purchase_order: newest(&[OrderStep::Approve])
                .map(|a| a.purchase_order.clone())
                .unwrap_or_default(),
            accepted_on: newest(&[OrderStep::Accept, OrderStep::AcceptWithReservations])
                .map(|a| prague_time(a.answered_at).date().to_string())
                .unwrap_or_default(),
            ico: organisation.ico.unwrap_or_default(),
            dic: organisation.dic.unwrap_or_default(),
        };
        rows.push(InvoiceRow::new(&o, &q, worked, facts));
    }
    Ok(rows)
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
    require_invoicer(&signed)?;
    render(&InvoicingPage {
        rows: rows(&state, &signed).await?,
        layout: Layout::new(&signed.ctx, "order-invoicing"),
    })
}

pub(super) async fn export(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Response, AppError> {
    require_invoicer(&signed)?;
    let t = Tr::new(signed.ctx.lang);
    let mut out = String::from(BOM);
    push_record(
        &mut out,
        [
            "order-number",
            "order-title-field",
            "order-organisation",
            "organisation-ico",
            "organisation-dic",
            "order-purchase-order",
            "order-accepted-on",
            "order-quote-revision",
            "order-estimate",
            "order-worked",
            "order-hourly-rate",
            "order-net",
            "order-vat-rate",
            "order-vat",
            "order-rounding",
            "order-total",
            "order-currency",
        ]
        .iter()
        .map(|k| t.t(k)),
    );
    for row in rows(&state, &signed).await? {
        let [rate, net, vat, rounding, total] = row.plain;
        push_record(
            &mut out,
            [
                row.number,
                row.title,
                row.organisation,
                row.ico,
                row.dic,
                row.purchase_order,
                row.accepted_on,
                row.revision.to_string(),
                row.estimated,
                row.worked,
                rate,
                net,
                row.vat_rate,
                vat,
                rounding,
                total,
                row.currency.to_owned(),
            ]
            .into_iter(),
        );
    }
    Ok(csv_response("invoicing.csv", out))
}

/// Marks the chosen orders (`order` = `id:version`) invoiced; all or none.
pub(super) async fn mark(
    State(state): State<AppState>,
    signed: SignedIn,
    body: Bytes,
) -> Result<Response, AppError> {
    require_invoicer(&signed)?;
    let mut chosen = Vec::new();
    for value in form_values(&body, "order") {
        let (id, version) = value
            .split_once(':')
            .ok_or(AppError::BadRequest("bad_request"))?;
        let id = super::order_id(id)?;
        let version: i64 = version
            .parse()
            .map_err(|_| AppError::BadRequest("bad_request"))?;
        chosen.push((id, version));
    }
    if !chosen.is_empty() {
        state.store().mark_invoiced(&signed.actor, &chosen).await?;
    }
    Ok(Redirect::to("/customization-orders/invoicing").into_response())
}
