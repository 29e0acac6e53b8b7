//! Invoicing (staff who work on orders): the accepted orders not yet invoiced with their
//! figures and what a Czech invoice needs (IČO, DIČ, purchase order, the day of acceptance),
//! the CSV for the accounting system, and marking them invoiced in one action.

use supportweb_domain::Actor;
use supportweb_domain::calendar::prague_time;
use supportweb_domain::customization_order::OrderStep;
use supportweb_domain::ids::OrderId;
use supportweb_domain::money::{format_hours, format_plain};
use supportweb_i18n::Tr;
use supportweb_storage::customization_orders::{OrderRecord, QuoteRecord};

use super::{Orders, require_reader, staff_writes};
use crate::Result;
use crate::error::reachable;
use crate::overview::{BOM, push_record};

/// What an invoice needs besides the order and its quote: from the approval, the acceptance
/// and the organisation.
#[derive(Debug, Clone, Default)]
pub struct InvoiceFacts {
    /// The customer's purchase-order number from the approval.
    pub purchase_order: String,
    /// The day the customer accepted the delivery (the date of the taxable supply), ISO.
    pub accepted_on: String,
    /// The customer's IČO.
    pub ico: String,
    /// The customer's DIČ.
    pub dic: String,
}

/// An accepted order to invoice, with the approved quote and the hours worked.
#[derive(Debug)]
pub struct InvoiceLine {
    /// The order.
    pub order: OrderRecord,
    /// Its approved quote.
    pub quote: QuoteRecord,
    /// Hours worked, in hundredths.
    pub worked_centi_hours: i64,
    /// What the invoice needs besides.
    pub facts: InvoiceFacts,
}

fn require_invoicer(actor: &Actor) -> Result<()> {
    require_reader(actor)?;
    reachable(actor.is_staff() && staff_writes(actor))
}

impl Orders<'_> {
    /// Accepted orders not yet invoiced, with what their invoices need.
    pub async fn to_invoice(&self, actor: &Actor) -> Result<Vec<InvoiceLine>> {
        require_invoicer(actor)?;
        let store = self.app.store();
        let mut lines = Vec::new();
        for (order, quote, worked) in store.orders_to_invoice(actor).await? {
            let answers = store.order_answers(actor, order.id).await?;
            let newest =
                |steps: &[OrderStep]| answers.iter().rev().find(|a| steps.contains(&a.step));
            let organisation = store.organisation(actor, order.organisation_id).await?;
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
            lines.push(InvoiceLine {
                order,
                quote,
                worked_centi_hours: worked,
                facts,
            });
        }
        Ok(lines)
    }

    /// The orders to invoice as CSV for the accounting system, in `t`'s language: plain
    /// figures a spreadsheet reads as numbers.
    pub async fn invoicing_csv(&self, actor: &Actor, t: &Tr) -> Result<String> {
        let lines = self.to_invoice(actor).await?;
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
        for line in lines {
            let (o, q) = (&line.order, &line.quote);
            push_record(
                &mut out,
                [
                    o.number.clone(),
                    o.title.clone(),
                    o.organisation_name.clone(),
                    line.facts.ico,
                    line.facts.dic,
                    line.facts.purchase_order,
                    line.facts.accepted_on,
                    q.revision.to_string(),
                    format_hours(q.estimated_centi_hours),
                    format_hours(line.worked_centi_hours),
                    format_plain(q.hourly_rate),
                    format_plain(q.totals.net),
                    format_hours(i64::from(q.vat_basis_points)),
                    format_plain(q.totals.vat),
                    format_plain(q.totals.rounding),
                    format_plain(q.totals.total),
                    q.currency.code().to_owned(),
                ]
                .into_iter(),
            );
        }
        Ok(out)
    }

    /// Marks the chosen orders (each at the version read) invoiced: all or none.
    pub async fn mark_invoiced(&self, actor: &Actor, chosen: &[(OrderId, i64)]) -> Result<()> {
        require_invoicer(actor)?;
        if chosen.is_empty() {
            return Ok(());
        }
        Ok(self.app.store().mark_invoiced(actor, chosen).await?)
    }

    /// Checks that the actor invoices (before a request is read).
    pub fn require_invoicer(&self, actor: &Actor) -> Result<()> {
        require_invoicer(actor)
    }
}
