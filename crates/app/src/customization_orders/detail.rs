//! An order with what its reader may see of it — quote revisions, answers, reservations, the
//! steps the reader may take, hours (staff), files, the conversation, history — and what
//! readers do with it: quote, take steps, log hours, reply, fix reservations.

use chrono::NaiveDate;
use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::customization_order::{
    OrderParty, OrderStep, ReservationState, available_steps,
};
use supportweb_domain::ids::{FileId, PatchId, ReservationId};
use supportweb_domain::money::{Currency, format_hours, format_plain, parse_amount, parse_hours};
use supportweb_domain::patch::{PatchState, PatchVisibility};
use supportweb_storage::StoreError;
use supportweb_storage::customization_orders::{
    AnswerRecord, NewQuote, OrderCommentRecord, OrderRecord, QuoteRecord, ReservationRecord,
    StepInput, WorkRecord,
};
use supportweb_storage::history::HistoryRecord;
use supportweb_storage::patches::{PatchQuery, PatchRecord};
use supportweb_storage::support_documents::DocumentRecord;

use super::{ENTITY, Orders, order_id, require_reader};
use crate::attachments::FileRecord;
use crate::{Error, FieldErrors, Result, today};

/// An order with everything its reader may see of it.
#[derive(Debug)]
pub struct OrderDetail {
    /// The order.
    pub order: OrderRecord,
    /// The reader's party.
    pub party: OrderParty,
    /// Steps the reader may take now (issuing a quote among them).
    pub steps: Vec<OrderStep>,
    /// Quote revisions, oldest first.
    pub quotes: Vec<QuoteRecord>,
    /// The customer's answers and the reasoned steps.
    pub answers: Vec<AnswerRecord>,
    /// Reservations of an acceptance.
    pub reservations: Vec<ReservationRecord>,
    /// Hours logged (staff only).
    pub work: Option<Vec<WorkRecord>>,
    /// Files of the requirement and the replies the reader may see.
    pub files: Vec<FileRecord>,
    /// Replies (and for staff internal notes), oldest first.
    pub comments: Vec<OrderCommentRecord>,
    /// Comments that came by e-mail, each with its received message (staff who read held
    /// mail; `/mail/{id}` shows the whole original).
    pub from_mail: Vec<(uuid::Uuid, uuid::Uuid)>,
    /// Every change the reader may read, newest first.
    pub history: Vec<HistoryRecord>,
    /// The support document it came from, when the reader may see it.
    pub document: Option<DocumentRecord>,
    /// The patch it was delivered in, when the reader may see it.
    pub delivered_patch: Option<PatchRecord>,
}

impl OrderDetail {
    /// Whether the reader may issue a quote now.
    pub fn may_quote(&self) -> bool {
        self.steps.contains(&OrderStep::Quote)
    }

    /// Whether the reader may reply (or write a note).
    pub fn may_comment(&self) -> bool {
        self.party.may_write(false)
    }

    /// The estimate of the approved quote, or of the current one.
    pub fn estimate(&self) -> Option<&QuoteRecord> {
        let o = &self.order;
        o.approved_revision
            .or((o.quote_revision > 0).then_some(o.quote_revision))
            .and_then(|r| self.quotes.iter().find(|q| q.revision == r))
    }
}

/// The quote form as typed in the page (hours `1,5`, amounts `1 200,50`).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct QuoteInput {
    /// Scope and specification (Markdown).
    #[serde(default)]
    pub scope: String,
    /// Estimated hours.
    #[serde(default)]
    pub hours: String,
    /// Hourly rate.
    #[serde(default)]
    pub hourly_rate: String,
    /// Currency code.
    #[serde(default)]
    pub currency: String,
    /// VAT rate in per cent.
    #[serde(default)]
    pub vat_rate: String,
    /// Proposed delivery.
    #[serde(default)]
    pub delivery_on: String,
    /// Valid until.
    #[serde(default)]
    pub valid_until: String,
    /// The order's version read.
    #[serde(default)]
    pub version: i64,
}

impl QuoteInput {
    /// The figures of what was typed; problems per field.
    pub fn check(&self) -> Result<NewQuote> {
        let mut errors = FieldErrors::default();
        if self.scope.trim().is_empty() {
            errors.add("scope", "order-error-scope");
        }
        let hours = parse_hours(&self.hours);
        if hours.is_none() {
            errors.add("hours", "order-error-hours");
        }
        let rate = parse_amount(&self.hourly_rate);
        if rate.is_none() {
            errors.add("hourly_rate", "order-error-price");
        }
        let currency = Currency::parse(self.currency.trim());
        if currency.is_none() {
            errors.add("currency", "order-error-currency");
        }
        let vat = parse_amount(&self.vat_rate)
            .and_then(|v| u32::try_from(v).ok())
            .filter(|v| *v <= 10_000);
        if vat.is_none() {
            errors.add("vat_rate", "order-error-vat-rate");
        }
        let date = |text: &str| text.trim().parse::<NaiveDate>().ok();
        let delivery_on = date(&self.delivery_on);
        if delivery_on.is_none() {
            errors.add("delivery_on", "order-error-delivery-on");
        }
        let valid_until = date(&self.valid_until);
        if valid_until.is_none() {
            errors.add("valid_until", "order-error-valid-until");
        }
        match (hours, rate, currency, vat, delivery_on, valid_until) {
            (
                Some(estimated_centi_hours),
                Some(hourly_rate),
                Some(currency),
                Some(vat_basis_points),
                Some(delivery_on),
                Some(valid_until),
            ) if errors.is_empty() => Ok(NewQuote {
                scope: self.scope.clone(),
                estimated_centi_hours,
                hourly_rate,
                currency,
                vat_basis_points,
                delivery_on,
                valid_until,
            }),
            _ => Err(Error::Invalid(errors)),
        }
    }

    /// The form of the next revision: the last one's figures, valid for 30 days from today.
    pub fn prefilled(last: Option<&QuoteRecord>, today: NaiveDate) -> Self {
        match last {
            Some(q) => QuoteInput {
                scope: q.scope.clone(),
                hours: format_hours(q.estimated_centi_hours),
                hourly_rate: format_plain(q.hourly_rate),
                currency: q.currency.code().to_owned(),
                vat_rate: format_hours(i64::from(q.vat_basis_points)),
                delivery_on: q.delivery_on.max(today).to_string(),
                valid_until: (today + chrono::Duration::days(30)).to_string(),
                version: 0,
            },
            None => QuoteInput {
                currency: "CZK".into(),
                vat_rate: "21".into(),
                valid_until: (today + chrono::Duration::days(30)).to_string(),
                ..QuoteInput::default()
            },
        }
    }
}

/// Whether a lookup answered "missing" (the reader may not see it): then it is left out.
fn seen<T>(found: std::result::Result<T, StoreError>) -> Result<Option<T>> {
    match found {
        Ok(value) => Ok(Some(value)),
        Err(StoreError::NotFound) => Ok(None),
        Err(error) => Err(error.into()),
    }
}

impl Orders<'_> {
    /// An order the actor may see.
    pub async fn get(&self, actor: &Actor, id: &str) -> Result<OrderRecord> {
        require_reader(actor)?;
        Ok(self.app.store().order(actor, order_id(id)?).await?)
    }

    /// An order with everything the actor may see of it.
    pub async fn detail(&self, actor: &Actor, id: &str) -> Result<OrderDetail> {
        let order = self.get(actor, id).await?;
        let party = OrderParty::of(actor, order.organisation_id).ok_or(Error::NotFound)?;
        let store = self.app.store();
        let work = if actor.is_staff() {
            Some(store.order_work(actor, order.id).await?)
        } else {
            None
        };
        let document = match order.support_document_id {
            Some(id) => seen(store.document(actor, id).await)?,
            None => None,
        };
        let delivered_patch = match order.delivered_patch_id {
            Some(id) => seen(store.patch(actor, id).await)?,
            None => None,
        };
        let from_mail = if self.app.sees_held_mail(actor) {
            store.mails_of_record(order.id.0).await?
        } else {
            Vec::new()
        };
        Ok(OrderDetail {
            from_mail,
            steps: available_steps(party, order.state),
            quotes: store.order_quotes(actor, order.id).await?,
            answers: store.order_answers(actor, order.id).await?,
            reservations: store.order_reservations(actor, order.id).await?,
            files: store.order_files(actor, order.id).await?,
            comments: store.order_comments(actor, order.id).await?,
            history: store.history_for(actor, ENTITY, order.id.0).await?,
            work,
            document,
            delivered_patch,
            party,
            order,
        })
    }

    /// The patches an order may be delivered in: published and offered to its organisation
    /// (for staff who deliver and read podpora).
    pub async fn delivery_patches(
        &self,
        actor: &Actor,
        order: &OrderRecord,
    ) -> Result<Vec<PatchRecord>> {
        if !crate::podpora::may_read(actor) {
            return Ok(Vec::new());
        }
        let store = self.app.store();
        let patches = store
            .patches(
                actor,
                &PatchQuery {
                    state: Some(PatchState::Published),
                    limit: 200,
                    ..Default::default()
                },
            )
            .await?;
        let mut out = Vec::new();
        for p in patches {
            let offered = p.visibility == PatchVisibility::All
                || store
                    .patch_organisations(actor, p.id)
                    .await?
                    .iter()
                    .any(|(id, _)| *id == order.organisation_id);
            if offered {
                out.push(p);
            }
        }
        Ok(out)
    }

    /// Issues a new quote revision with the actor's uploads (staff who write orders); it
    /// supersedes the previous one.
    pub async fn quote(
        &self,
        actor: &Actor,
        id: &str,
        quote: &NewQuote,
        files: &[FileId],
        version: i64,
    ) -> Result<OrderRecord> {
        let order = self.get(actor, id).await?;
        if quote.estimated_centi_hours < 0 {
            return Err(Error::field("hours", "order-error-hours"));
        }
        let store = self.app.store();
        store
            .issue_quote(actor, order.id, quote, files, today(), version)
            .await?;
        Ok(store.order(actor, order.id).await?)
    }

    /// Takes a step (approve, reject, return for re-quote, start, deliver, accept…).
    pub async fn step(
        &self,
        actor: &Actor,
        id: &str,
        step: OrderStep,
        input: &StepInput,
        version: i64,
    ) -> Result<OrderRecord> {
        let order = self.get(actor, id).await?;
        let store = self.app.store();
        store
            .order_step(actor, order.id, step, input, today(), version)
            .await?;
        Ok(store.order(actor, order.id).await?)
    }

    /// Logs hours against the order (staff who write orders).
    pub async fn log_work(
        &self,
        actor: &Actor,
        id: &str,
        worked_on: NaiveDate,
        centi_hours: i64,
        note: &str,
    ) -> Result<OrderRecord> {
        let order = self.get(actor, id).await?;
        let store = self.app.store();
        store
            .log_order_work(actor, order.id, worked_on, centi_hours, note, today())
            .await?;
        Ok(store.order(actor, order.id).await?)
    }

    /// Adds a reply (staff, customer users who may write) or an internal note (staff); the
    /// order after it and the comment's id.
    pub async fn comment(
        &self,
        actor: &Actor,
        id: &str,
        body: &str,
        internal: bool,
        files: &[FileId],
    ) -> Result<(OrderRecord, uuid::Uuid)> {
        let order = self.get(actor, id).await?;
        let store = self.app.store();
        let comment = store
            .add_order_comment(actor, order.id, body, internal, files)
            .await?;
        Ok((store.order(actor, order.id).await?, comment))
    }

    /// Marks a reservation fixed or open again (staff who write orders).
    pub async fn set_reservation(
        &self,
        actor: &Actor,
        id: &str,
        reservation: &str,
        to: ReservationState,
        version: i64,
    ) -> Result<OrderRecord> {
        let order = self.get(actor, id).await?;
        let reservation: ReservationId = reservation.parse().map_err(|_| Error::NotFound)?;
        let store = self.app.store();
        store
            .set_reservation_state(actor, order.id, reservation, to, version)
            .await?;
        Ok(store.order(actor, order.id).await?)
    }

    /// A file of an order the actor may see (internal notes' files only for staff).
    pub async fn file(&self, actor: &Actor, id: &str, file: &str) -> Result<FileRecord> {
        require_reader(actor)?;
        let id = order_id(id)?;
        let file = crate::attachments::file_id(file)?;
        Ok(self.app.store().order_file(actor, id, file).await?)
    }

    /// A patch id as typed in the delivery form.
    pub fn patch_id(text: &str) -> Result<Option<PatchId>> {
        match text.trim() {
            "" => Ok(None),
            text => text
                .parse()
                .map(|id| Some(PatchId(id)))
                .map_err(|_| Error::missing("patch", "order-error-patch")),
        }
    }
}
