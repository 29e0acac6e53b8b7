//! Customization orders in the store. A customer user with the write right (or staff on its
//! behalf) submits a requirement; staff who write orders analyse it and issue quote
//! revisions; the organisation's signatory (approve-orders flag) approves the current, valid
//! revision, rejects it or returns it for a new quote; staff develop and deliver it; the
//! customer accepts it (possibly with reservations tracked until fixed) or not; staff log
//! hours, export what is to be invoiced and mark it invoiced. Every step goes through the
//! rule table in `supportweb_domain::customization_order`; anything the actor may not see
//! answers [`StoreError::NotFound`].

use chrono::{DateTime, NaiveDate, Utc};
use supportweb_domain::Actor;
use supportweb_domain::customization_order::{
    OrderParty, OrderState, OrderStep, QuoteRefusal, ReservationState, approvable, reservations,
    step_to, text_limit,
};
use supportweb_domain::ids::{
    DocumentId, FileId, OrderId, OrganisationId, PatchId, ReservationId, UserId,
};
use supportweb_domain::money::{Currency, MoneyError, QuoteTotals, price_of_hours, totals};
use supportweb_domain::numbering::NumberedAgenda;
use supportweb_domain::patch::{PatchState, PatchVisibility};
use uuid::Uuid;

use crate::attachments::Link;
use crate::files::FileRecord;
use crate::history::FieldChange;
use crate::notifications::EventKind;
use crate::{Store, StoreError, Tx, now, on_pool, on_tx};

/// History entity name of customization orders.
pub const ENTITY: &str = "customization_order";

/// Why an order operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum OrderError {
    /// Storage failed, or the order is not visible.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The actor may see the order but not take this step.
    #[error("not allowed")]
    NotAllowed,
    /// A value that arrived in the request is not acceptable (the field name).
    #[error("invalid {0}")]
    Invalid(&'static str),
    /// A text is longer than [`text_limit`] of its field (the field name).
    #[error("{0} too long")]
    TooLong(&'static str),
    /// The quote revision cannot be approved.
    #[error("quote {0:?}")]
    Quote(QuoteRefusal),
}

impl From<sqlx::Error> for OrderError {
    fn from(error: sqlx::Error) -> Self {
        OrderError::Store(StoreError::Database(error))
    }
}

impl From<MoneyError> for OrderError {
    fn from(_: MoneyError) -> Self {
        OrderError::Invalid("price")
    }
}

/// A requirement as submitted or edited.
#[derive(Debug, Clone)]
pub struct NewOrder {
    /// The customer organisation.
    pub organisation_id: OrganisationId,
    /// Title.
    pub title: String,
    /// Description (Markdown).
    pub description: String,
    /// When the customer would like it.
    pub desired_on: Option<NaiveDate>,
    /// The requesting user when staff submit on the customer's behalf (else the actor).
    pub requested_by: Option<UserId>,
    /// Files uploaded by the actor to attach to the requirement.
    pub files: Vec<FileId>,
}

/// A quote revision as issued by staff.
#[derive(Debug, Clone)]
pub struct NewQuote {
    /// Scope / specification (Markdown).
    pub scope: String,
    /// Estimated hours in hundredths (12.5 h is 1250).
    pub estimated_centi_hours: i64,
    /// Hourly rate in minor units.
    pub hourly_rate: i64,
    /// Currency.
    pub currency: Currency,
    /// VAT rate in basis points (21 % is 2100).
    pub vat_basis_points: u32,
    /// Proposed delivery date.
    pub delivery_on: NaiveDate,
    /// Last day the quote may be approved.
    pub valid_until: NaiveDate,
}

/// A quote revision as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteRecord {
    /// 1, 2, …
    pub revision: i64,
    /// Scope / specification (Markdown).
    pub scope: String,
    /// Estimated hours in hundredths.
    pub estimated_centi_hours: i64,
    /// Hourly rate in minor units.
    pub hourly_rate: i64,
    /// Currency.
    pub currency: Currency,
    /// VAT rate in basis points.
    pub vat_basis_points: u32,
    /// The figures (net, VAT, rounding, total).
    pub totals: QuoteTotals,
    /// Proposed delivery date.
    pub delivery_on: NaiveDate,
    /// Last day it may be approved.
    pub valid_until: NaiveDate,
    /// Who issued it.
    pub issued_by_name: String,
    /// When.
    pub issued_at: DateTime<Utc>,
    /// Its documents (specification, offer letter).
    pub files: Vec<FileRecord>,
}

/// What a step carries besides the step itself.
#[derive(Debug, Clone, Default)]
pub struct StepInput {
    /// Reason (reject, return, cancel, not accept) or the reservations, one a line.
    pub reason: String,
    /// The customer's purchase-order number (approve; optional).
    pub purchase_order: String,
    /// The quote revision the signatory read (approve, reject, return).
    pub quote_revision: Option<i64>,
    /// The version or build that contains the customization (deliver).
    pub delivered_in: String,
    /// The patch that contains it (deliver; optional).
    pub patch: Option<PatchId>,
}

/// A customer's answer, or a step with a reason, as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRecord {
    /// Id (the detail of the notification event it caused).
    pub id: Uuid,
    /// The step.
    pub step: OrderStep,
    /// The quote revision it answered.
    pub quote_revision: Option<i64>,
    /// Who.
    pub user_name: String,
    /// Reason or reservations.
    pub reason: String,
    /// Purchase-order number (approvals).
    pub purchase_order: String,
    /// When.
    pub answered_at: DateTime<Utc>,
}

/// A reservation made at acceptance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReservationRecord {
    /// Id.
    pub id: ReservationId,
    /// What is to be fixed.
    pub text: String,
    /// Open or fixed.
    pub state: ReservationState,
    /// Incremented on every change.
    pub version: i64,
}

/// Hours a member of staff logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkRecord {
    /// Who.
    pub user_name: String,
    /// Day.
    pub worked_on: NaiveDate,
    /// Hundredths of an hour.
    pub centi_hours: i64,
    /// What was done.
    pub note: String,
}

/// An order as the actor may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderRecord {
    /// Id.
    pub id: OrderId,
    /// `CO-2026-0042`.
    pub number: String,
    /// Organisation.
    pub organisation_id: OrganisationId,
    /// Its name.
    pub organisation_name: String,
    /// Whether it is a public body (the approval reminds of the contracts register).
    pub is_public_body: bool,
    /// Title.
    pub title: String,
    /// Description (Markdown).
    pub description: String,
    /// Desired date.
    pub desired_on: Option<NaiveDate>,
    /// State.
    pub state: OrderState,
    /// Who asked for it.
    pub requested_by: UserId,
    /// Their name.
    pub requested_by_name: String,
    /// The support document it was converted from.
    pub support_document_id: Option<DocumentId>,
    /// The newest quote revision (0 before the first).
    pub quote_revision: i64,
    /// The approved revision.
    pub approved_revision: Option<i64>,
    /// Version or build it was delivered in.
    pub delivered_in: String,
    /// The patch it was delivered in.
    pub delivered_patch_id: Option<PatchId>,
    /// Incremented on every change.
    pub version: i64,
    /// Submitted.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// How many reservations of the acceptance are still to be fixed.
    pub open_reservations: i64,
}

/// A reply or an internal note in an order's conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderCommentRecord {
    /// Id.
    pub id: Uuid,
    /// Who wrote it.
    pub author_name: String,
    /// Whether the author is staff.
    pub by_staff: bool,
    /// Text (Markdown).
    pub body: String,
    /// An internal note (staff only).
    pub internal: bool,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Its files.
    pub files: Vec<FileRecord>,
}

/// Filters and position of the overview (newest first).
#[derive(Debug, Clone)]
pub struct OrderQuery {
    /// State.
    pub state: Option<OrderState>,
    /// Organisation.
    pub organisation: Option<OrganisationId>,
    /// Submitted on or after.
    pub from: Option<DateTime<Utc>>,
    /// Submitted before.
    pub before: Option<DateTime<Utc>>,
    /// Whose move it is.
    pub waiting_on: Option<supportweb_domain::protocol::Side>,
    /// Only orders with reservations still to be fixed.
    pub open_reservations: bool,
    /// Only orders of organisations where the actor signs (approves quotes).
    pub signatory: bool,
    /// Grouping: orders of one organisation, or in one state, follow each other.
    pub group: Option<OrderGroup>,
    /// Oldest first (else newest first).
    pub oldest_first: bool,
    /// The last order of the previous page.
    pub after: Option<OrderId>,
    /// Page size (1–500).
    pub limit: u32,
    /// Full-text words (see [`supportweb_domain::search::query_words`]): every one must occur
    /// in the number, title, requirement, a quote's scope or the conversation (internal notes
    /// for staff).
    pub words: Vec<String>,
}

impl Default for OrderQuery {
    fn default() -> Self {
        OrderQuery {
            state: None,
            organisation: None,
            from: None,
            before: None,
            waiting_on: None,
            open_reservations: false,
            signatory: false,
            group: None,
            oldest_first: false,
            after: None,
            limit: 50,
            words: Vec::new(),
        }
    }
}

/// How the overview groups orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrderGroup {
    /// By organisation.
    Organisation,
    /// By state.
    State,
}

impl OrderGroup {
    /// The columns that order the groups: organisations by name (the id separates
    /// namesakes), states in the order of the lifecycle.
    fn columns(self) -> Vec<String> {
        match self {
            OrderGroup::Organisation => vec!["o.name".into(), "c.organisation_id".into()],
            OrderGroup::State => vec![state_rank_sql()],
        }
    }
}

/// The position of a state in the lifecycle ([`OrderState::ALL`]).
fn state_rank(state: OrderState) -> i64 {
    OrderState::ALL
        .iter()
        .position(|s| *s == state)
        .and_then(|p| i64::try_from(p).ok())
        .unwrap_or(i64::MAX)
}

/// [`state_rank`] of `c.state` in SQL (only the fixed state names, never input).
fn state_rank_sql() -> String {
    let cases: String = OrderState::ALL
        .iter()
        .map(|s| format!(" WHEN '{}' THEN {}", s.as_str(), state_rank(*s)))
        .collect();
    format!("(CASE c.state{cases} END)")
}

#[derive(sqlx::FromRow)]
struct OrderRow {
    id: Uuid,
    number: String,
    organisation_id: Uuid,
    organisation_name: String,
    is_public_body: bool,
    title: String,
    description: String,
    desired_on: Option<NaiveDate>,
    state: String,
    requested_by: Uuid,
    requested_by_name: String,
    support_document_id: Option<Uuid>,
    quote_revision: i64,
    approved_revision: Option<i64>,
    delivered_in: String,
    delivered_patch_id: Option<Uuid>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    open_reservations: i64,
}

impl TryFrom<OrderRow> for OrderRecord {
    type Error = StoreError;

    fn try_from(r: OrderRow) -> Result<Self, StoreError> {
        Ok(OrderRecord {
            id: OrderId(r.id),
            number: r.number,
            organisation_id: OrganisationId(r.organisation_id),
            organisation_name: r.organisation_name,
            is_public_body: r.is_public_body,
            title: r.title,
            description: r.description,
            desired_on: r.desired_on,
            state: OrderState::parse(&r.state)
                .ok_or_else(|| StoreError::Corrupt(r.state.clone()))?,
            requested_by: UserId(r.requested_by),
            requested_by_name: r.requested_by_name,
            support_document_id: r.support_document_id.map(DocumentId),
            quote_revision: r.quote_revision,
            approved_revision: r.approved_revision,
            delivered_in: r.delivered_in,
            delivered_patch_id: r.delivered_patch_id.map(PatchId),
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
            open_reservations: r.open_reservations,
        })
    }
}

const ORDER_SELECT: &str = "SELECT c.id, c.number, c.organisation_id, o.name AS organisation_name,
     o.is_public_body, c.title, c.description, c.desired_on, c.state, c.requested_by,
     r.display_name AS requested_by_name, c.support_document_id, c.quote_revision,
     c.approved_revision, c.delivered_in, c.delivered_patch_id, c.version, c.created_at,
     c.updated_at, (SELECT COUNT(*) FROM order_reservations r
       WHERE r.order_id = c.id AND r.state = 'open') AS open_reservations
     FROM customization_orders c JOIN organisations o ON o.id = c.organisation_id
     JOIN users r ON r.id = c.requested_by";

/// The scope on `c` for a customer or partner user (`{user}` is its parameter): orders of
/// organisations where it holds an orders right.
fn customer_sees(user: &str) -> String {
    format!(
        "c.organisation_id IN (SELECT m.organisation_id FROM organisation_memberships m
         WHERE m.user_id = {user} AND m.right_orders IN ('read', 'write'))"
    )
}

/// Whether a staff actor may read orders at all.
fn staff_reads(actor: &Actor) -> bool {
    actor.staff_may(
        supportweb_domain::permissions::Area::Agenda(
            supportweb_domain::Agenda::CustomizationOrders,
        ),
        supportweb_domain::permissions::Action::Read,
    )
}

/// Whether the party may submit requirements for the organisation.
fn may_submit(actor: &Actor, organisation: OrganisationId) -> bool {
    OrderParty::of(actor, organisation).is_some_and(|p| p.may_write(false))
}

/// Refuses an empty text, and one longer than its field takes.
fn required(text: &str, field: &'static str) -> Result<(), OrderError> {
    present(text, field)?;
    limited(text, field)
}

/// Refuses an empty text.
fn present(text: &str, field: &'static str) -> Result<(), OrderError> {
    if text.trim().is_empty() {
        Err(OrderError::Invalid(field))
    } else {
        Ok(())
    }
}

/// Refuses a text longer than its field takes, before anything is written. A line break
/// counts once, as the browser's `maxlength` counts it, though it arrives as CR LF.
fn limited(text: &str, field: &'static str) -> Result<(), OrderError> {
    if text.trim().chars().filter(|c| *c != '\r').count() > text_limit(field) {
        Err(OrderError::TooLong(field))
    } else {
        Ok(())
    }
}

/// A query under construction: arguments numbered in order.
enum Arg {
    U(Uuid),
    T(String),
    At(DateTime<Utc>),
    I(i64),
}

fn push(args: &mut Vec<Arg>, arg: Arg) -> String {
    args.push(arg);
    format!("${}", args.len())
}

impl Store {
    /// Submits a requirement (customer users with the write right, or staff who write
    /// orders on the customer's behalf, naming the requesting user). Numbers come per year.
    pub async fn create_order(&self, actor: &Actor, new: &NewOrder) -> Result<OrderId, OrderError> {
        required(&new.title, "title")?;
        required(&new.description, "description")?;
        self.insert_order(actor, new, None).await
    }

    /// Converts a support document into an order (staff who write orders and may read the
    /// document): the requirement takes the document's subject, description and reporter;
    /// both keep the link. A document converts once. The texts come from the document as
    /// they are, whatever their length.
    pub async fn convert_document(
        &self,
        actor: &Actor,
        document: DocumentId,
    ) -> Result<OrderId, OrderError> {
        let record = self.document(actor, document).await?;
        if OrderParty::of(actor, record.organisation_id) != Some(OrderParty::StaffWriter) {
            return Err(OrderError::NotAllowed);
        }
        if self.order_of_document(actor, document).await?.is_some() {
            return Err(StoreError::Conflict.into());
        }
        // The reporter requests it when it may see the organisation's orders; otherwise (a
        // staff reporter, or no orders right) the converting member of staff does.
        let requested_by = if self
            .may_request(record.organisation_id, record.reporter_id)
            .await?
        {
            Some(record.reporter_id)
        } else {
            None
        };
        let new = NewOrder {
            organisation_id: record.organisation_id,
            title: record.subject.clone(),
            description: format!("{}\n\n({})", record.description, record.number),
            desired_on: None,
            requested_by,
            files: Vec::new(),
        };
        self.insert_order(actor, &new, Some(document)).await
    }

    async fn insert_order(
        &self,
        actor: &Actor,
        new: &NewOrder,
        document: Option<DocumentId>,
    ) -> Result<OrderId, OrderError> {
        match self.organisation(actor, new.organisation_id).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => return Err(OrderError::Invalid("organisation")),
            Err(e) => return Err(e.into()),
        }
        if !may_submit(actor, new.organisation_id) {
            return Err(OrderError::NotAllowed);
        }
        present(&new.title, "title")?;
        present(&new.description, "description")?;
        let requested_by = match (actor.is_staff(), new.requested_by) {
            (false, _) | (true, None) => actor.user_id,
            (true, Some(user)) => {
                if !self.may_request(new.organisation_id, user).await? {
                    return Err(OrderError::Invalid("requested_by"));
                }
                user
            }
        };
        let id = OrderId::generate();
        let at = now();
        let mut tx = self.begin().await?;
        let year = chrono::Datelike::year(&supportweb_domain::calendar::prague_time(at));
        let number = tx
            .next_number(NumberedAgenda::CustomizationOrder, year)
            .await?;
        on_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO customization_orders (id, number, organisation_id, title, description,
                 desired_on, state, requested_by, support_document_id, quote_revision,
                 approved_revision, delivered_in, delivered_patch_id, version, created_by,
                 created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, 'submitted', $7, $8, 0, NULL, '', NULL, 1, $9, $10, $10)",
            )
            .bind(id.0)
            .bind(number.to_string())
            .bind(new.organisation_id.0)
            .bind(new.title.trim())
            .bind(new.description.as_str())
            .bind(new.desired_on)
            .bind(requested_by.0)
            .bind(document.map(|d| d.0))
            .bind(actor.user_id.0)
            .bind(at)
            .execute(conn)
            .await
            // Two conversions of one document at once: the second is a conflict.
            .map_err(|e| StoreError::unique(e, "support_document"))?
            .rows_affected()
        });
        tx.record_state(
            ENTITY,
            id.0,
            actor.user_id,
            "",
            OrderState::Submitted.as_str().to_owned(),
        )
        .await?;
        tx.attach_order_files(actor, id, None, false, &new.files)
            .await?;
        tx.record_event(
            EventKind::OrderSubmitted,
            id.0,
            Some(actor.user_id),
            None,
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Whether `user` may be named as requester: an active member of the organisation who
    /// may read its orders.
    async fn may_request(
        &self,
        organisation: OrganisationId,
        user: UserId,
    ) -> Result<bool, StoreError> {
        Ok(self
            .members_unscoped(organisation)
            .await?
            .iter()
            .any(|m| m.user_id == user && m.is_active && m.rights.customization_orders.may_enter()))
    }

    /// One order the actor may see.
    pub async fn order(&self, actor: &Actor, id: OrderId) -> Result<OrderRecord, StoreError> {
        let row: Option<OrderRow> = if actor.is_staff() {
            if !staff_reads(actor) {
                return Err(StoreError::NotFound);
            }
            let sql = format!("{ORDER_SELECT} WHERE c.id = $1");
            on_pool!(self, pool => {
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(pool).await?
            })
        } else {
            let sql = format!("{ORDER_SELECT} WHERE c.id = $1 AND {}", customer_sees("$2"));
            on_pool!(self, pool => {
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(id.0)
                    .bind(actor.user_id.0)
                    .fetch_optional(pool)
                    .await?
            })
        };
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    /// The order a support document was converted into, if the actor may see it.
    pub async fn order_of_document(
        &self,
        actor: &Actor,
        document: DocumentId,
    ) -> Result<Option<OrderRecord>, StoreError> {
        let id: Option<Uuid> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM customization_orders WHERE support_document_id = $1")
                .bind(document.0)
                .fetch_optional(pool)
                .await?
        });
        match id {
            None => Ok(None),
            Some(id) => match self.order(actor, OrderId(id)).await {
                Ok(order) => Ok(Some(order)),
                Err(StoreError::NotFound) => Ok(None),
                Err(e) => Err(e),
            },
        }
    }

    /// The overview: orders the actor may see, newest first, keyset-paged.
    pub async fn orders(
        &self,
        actor: &Actor,
        query: &OrderQuery,
    ) -> Result<Vec<OrderRecord>, StoreError> {
        if actor.is_staff() && !staff_reads(actor) {
            return Err(StoreError::NotFound);
        }
        let mut args = Vec::new();
        let mut conditions: Vec<String> = Vec::new();
        if !actor.is_staff() {
            let n = push(&mut args, Arg::U(actor.user_id.0));
            conditions.push(customer_sees(&n));
        }
        if let Some(state) = query.state {
            let n = push(&mut args, Arg::T(state.as_str().to_owned()));
            conditions.push(format!("c.state = {n}"));
        }
        if let Some(side) = query.waiting_on {
            let states: Vec<String> = OrderState::ALL
                .into_iter()
                .filter(|s| s.waiting_on() == Some(side))
                .map(|s| push(&mut args, Arg::T(s.as_str().to_owned())))
                .collect();
            conditions.push(format!("c.state IN ({})", states.join(", ")));
        }
        if let Some(o) = query.organisation {
            let n = push(&mut args, Arg::U(o.0));
            conditions.push(format!("c.organisation_id = {n}"));
        }
        if query.signatory {
            let n = push(&mut args, Arg::U(actor.user_id.0));
            conditions.push(format!(
                "c.organisation_id IN (SELECT s.organisation_id FROM organisation_memberships s
                 WHERE s.user_id = {n} AND s.may_approve_orders = TRUE)"
            ));
        }
        if query.open_reservations {
            conditions.push(
                "EXISTS (SELECT 1 FROM order_reservations r WHERE r.order_id = c.id
                 AND r.state = 'open')"
                    .to_owned(),
            );
        }
        if !query.words.is_empty() {
            let backend = self.backend();
            let n = push(
                &mut args,
                Arg::T(crate::search::match_query(backend, &query.words)),
            );
            let staff = if actor.is_staff() { "TRUE" } else { "FALSE" };
            conditions.push(format!(
                "c.id IN (SELECT m.record_id FROM ({}) m)",
                crate::search::matches(
                    backend,
                    crate::search::Indexed::CustomizationOrders,
                    &n,
                    staff
                )
            ));
        }
        if let Some(from) = query.from {
            let n = push(&mut args, Arg::At(from));
            conditions.push(format!("c.created_at >= {n}"));
        }
        if let Some(before) = query.before {
            let n = push(&mut args, Arg::At(before));
            conditions.push(format!("c.created_at < {n}"));
        }
        let (cmp, dir) = if query.oldest_first {
            (">", "ASC")
        } else {
            ("<", "DESC")
        };
        if let Some(after) = query.after {
            // Read through the actor's scope: another organisation's order is no cursor, just
            // like a missing one.
            let last = match self.order(actor, after).await {
                Ok(o) => Some((
                    o.created_at,
                    o.organisation_name,
                    o.organisation_id.0,
                    o.state,
                )),
                Err(StoreError::NotFound) => None,
                Err(e) => return Err(e),
            };
            if let Some((created, name, organisation, state)) = last {
                let c = push(&mut args, Arg::At(created));
                let i = push(&mut args, Arg::U(after.0));
                let mut next =
                    format!("(c.created_at {cmp} {c} OR (c.created_at = {c} AND c.id {cmp} {i}))");
                if let Some(group) = query.group {
                    let values = match group {
                        OrderGroup::Organisation => vec![Arg::T(name), Arg::U(organisation)],
                        OrderGroup::State => vec![Arg::I(state_rank(state))],
                    };
                    // Innermost the last group column: (a > x OR (a = x AND (b > y OR …))).
                    for (column, value) in group.columns().into_iter().zip(values).rev() {
                        let g = push(&mut args, value);
                        next = format!("({column} > {g} OR ({column} = {g} AND {next}))");
                    }
                }
                conditions.push(next);
            }
        }
        let mut sql = String::from(ORDER_SELECT);
        if !conditions.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conditions.join(" AND "));
        }
        sql.push_str(" ORDER BY ");
        if let Some(group) = query.group {
            for column in group.columns() {
                sql.push_str(&column);
                sql.push_str(", ");
            }
        }
        sql.push_str(&format!("c.created_at {dir}, c.id {dir}"));
        sql.push_str(&format!(" LIMIT {}", query.limit.clamp(1, 500)));
        let rows: Vec<OrderRow> = on_pool!(self, pool => {
            let mut q = sqlx::query_as::<_, OrderRow>(sqlx::AssertSqlSafe(sql.clone()));
            for a in &args {
                q = match a {
                    Arg::U(v) => q.bind(*v),
                    Arg::T(v) => q.bind(v.clone()),
                    Arg::At(v) => q.bind(*v),
                    Arg::I(v) => q.bind(*v),
                };
            }
            q.fetch_all(pool).await?
        });
        rows.into_iter().map(OrderRecord::try_from).collect()
    }

    /// Issues a new quote revision (staff who write orders, while the order is in analysis,
    /// quoted or returned for re-quote); it supersedes the one before.
    pub async fn issue_quote(
        &self,
        actor: &Actor,
        id: OrderId,
        quote: &NewQuote,
        files: &[FileId],
        today: NaiveDate,
        version: i64,
    ) -> Result<i64, OrderError> {
        let order = self.order(actor, id).await?;
        let party = OrderParty::of(actor, order.organisation_id).ok_or(StoreError::NotFound)?;
        let to = step_to(party, order.state, OrderStep::Quote).ok_or(OrderError::NotAllowed)?;
        required(&quote.scope, "scope")?;
        if quote.valid_until < today {
            return Err(OrderError::Invalid("valid_until"));
        }
        if quote.delivery_on < today {
            return Err(OrderError::Invalid("delivery_on"));
        }
        if quote.vat_basis_points > 10_000 {
            return Err(OrderError::Invalid("vat_rate"));
        }
        let net = price_of_hours(quote.estimated_centi_hours, quote.hourly_rate)?;
        let figures = totals(net, quote.vat_basis_points, quote.currency)?;
        let revision = order.quote_revision + 1;
        let at = now();
        let mut tx = self.begin().await?;
        tx.move_order(&order, to, version).await?;
        on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE customization_orders SET quote_revision = $2 WHERE id = $1",
            )
            .bind(id.0)
            .bind(revision)
            .execute(conn)
            .await?
            .rows_affected()
        });
        on_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO order_quotes (order_id, revision, scope, estimated_centi_hours,
                 hourly_rate, currency, vat_basis_points, net, vat, rounding, total, delivery_on,
                 valid_until, issued_by, issued_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
            )
            .bind(id.0)
            .bind(revision)
            .bind(quote.scope.as_str())
            .bind(quote.estimated_centi_hours)
            .bind(quote.hourly_rate)
            .bind(quote.currency.code())
            .bind(i64::from(quote.vat_basis_points))
            .bind(figures.net)
            .bind(figures.vat)
            .bind(figures.rounding)
            .bind(figures.total)
            .bind(quote.delivery_on)
            .bind(quote.valid_until)
            .bind(actor.user_id.0)
            .bind(at)
            .execute(conn)
            .await?
            .rows_affected()
        });
        tx.record_state(
            ENTITY,
            id.0,
            actor.user_id,
            order.state.as_str(),
            format!("{} ({revision})", to.as_str()),
        )
        .await?;
        tx.attach_order_files_to(actor, id, None, Some(revision), false, files)
            .await?;
        tx.record_event(
            EventKind::QuoteIssued,
            id.0,
            Some(actor.user_id),
            None,
            &revision.to_string(),
        )
        .await?;
        tx.commit().await?;
        Ok(revision)
    }

    /// The quote revisions of an order the actor may see, oldest first.
    pub async fn order_quotes(
        &self,
        actor: &Actor,
        id: OrderId,
    ) -> Result<Vec<QuoteRecord>, StoreError> {
        self.order(actor, id).await?;
        let rows: Vec<QuoteRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT q.revision, q.scope, q.estimated_centi_hours, q.hourly_rate, q.currency,
                 q.vat_basis_points, q.net, q.vat, q.rounding, q.total, q.delivery_on,
                 q.valid_until, u.display_name AS issued_by_name, q.issued_at
                 FROM order_quotes q JOIN users u ON u.id = q.issued_by
                 WHERE q.order_id = $1 ORDER BY q.revision",
            )
            .bind(id.0)
            .fetch_all(pool)
            .await?
        });
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut quote = QuoteRecord::try_from(row)?;
            quote.files = self
                .order_files_where(id, None, Some(quote.revision))
                .await?;
            out.push(quote);
        }
        Ok(out)
    }

    /// Takes a step other than issuing a quote: the signatory answers the current quote
    /// revision (approval records who, when, which revision and the purchase order); staff
    /// start development, deliver (naming the version, and the patch when there is one),
    /// invoice and close; the customer accepts (reservations one a line), or not; a reason
    /// is required where the domain says so. Guarded by `version`.
    pub async fn order_step(
        &self,
        actor: &Actor,
        id: OrderId,
        step: OrderStep,
        input: &StepInput,
        today: NaiveDate,
        version: i64,
    ) -> Result<OrderState, OrderError> {
        if step == OrderStep::Quote {
            return Err(OrderError::Invalid("step"));
        }
        let order = self.order(actor, id).await?;
        let party = OrderParty::of(actor, order.organisation_id).ok_or(StoreError::NotFound)?;
        let to = step_to(party, order.state, step).ok_or(OrderError::NotAllowed)?;
        let reason = input.reason.trim();
        if step.needs_reason() && reason.is_empty() {
            return Err(OrderError::Invalid("reason"));
        }
        limited(reason, "reason")?;
        limited(&input.purchase_order, "purchase_order")?;
        let listed = reservations(reason);
        if step == OrderStep::AcceptWithReservations && listed.is_empty() {
            return Err(OrderError::Invalid("reason"));
        }
        let answers_quote = matches!(
            step,
            OrderStep::Approve | OrderStep::Reject | OrderStep::ReturnForRequote
        );
        if answers_quote {
            let revision = input.quote_revision.unwrap_or(order.quote_revision);
            let quotes = self.order_quotes(actor, id).await?;
            let read = quotes
                .iter()
                .find(|q| q.revision == revision)
                .ok_or(OrderError::Invalid("quote_revision"))?;
            if step == OrderStep::Approve {
                approvable(
                    u32::try_from(read.revision).unwrap_or(0),
                    read.valid_until,
                    u32::try_from(order.quote_revision).unwrap_or(0),
                    today,
                )
                .map_err(OrderError::Quote)?;
            } else if read.revision != order.quote_revision {
                return Err(OrderError::Quote(QuoteRefusal::Superseded));
            }
        }
        if step == OrderStep::Close
            && self
                .order_reservations(actor, id)
                .await?
                .iter()
                .any(|r| r.state == ReservationState::Open)
        {
            return Err(OrderError::Invalid("reservations"));
        }
        let mut delivered_patch = None;
        if step == OrderStep::Deliver {
            required(&input.delivered_in, "delivered_in")?;
            if let Some(patch) = input.patch {
                let record = match self.patch(actor, patch).await {
                    Ok(record) => record,
                    Err(StoreError::NotFound) => return Err(OrderError::Invalid("patch")),
                    Err(e) => return Err(e.into()),
                };
                let offered = record.visibility == PatchVisibility::All
                    || self
                        .patch_organisations(actor, patch)
                        .await?
                        .iter()
                        .any(|(o, _)| *o == order.organisation_id);
                if record.state != PatchState::Published || !offered {
                    return Err(OrderError::Invalid("patch"));
                }
                delivered_patch = Some(patch);
            }
        }
        let at = now();
        let mut tx = self.begin().await?;
        tx.move_order(&order, to, version).await?;
        // Checked again after the order's row is taken: a reservation reopened meanwhile
        // cannot slip past the check above.
        if step == OrderStep::Close && tx.open_reservations(id).await? > 0 {
            return Err(OrderError::Invalid("reservations"));
        }
        // Likewise the delivered patch: still published and offered to the organisation.
        if let Some(patch) = delivered_patch
            && !tx
                .patch_offered(patch, order.organisation_id, false)
                .await?
        {
            return Err(OrderError::Invalid("patch"));
        }
        match step {
            OrderStep::Approve => {
                on_tx!(tx, conn => {
                    sqlx::query("UPDATE customization_orders SET approved_revision = quote_revision WHERE id = $1")
                        .bind(id.0)
                        .execute(conn)
                        .await?
                        .rows_affected()
                });
            }
            OrderStep::Deliver => {
                on_tx!(tx, conn => {
                    sqlx::query("UPDATE customization_orders SET delivered_in = $2, delivered_patch_id = $3 WHERE id = $1")
                        .bind(id.0)
                        .bind(input.delivered_in.trim())
                        .bind(delivered_patch.map(|p| p.0))
                        .execute(conn)
                        .await?
                        .rows_affected()
                });
            }
            OrderStep::AcceptWithReservations => {
                for (position, text) in listed.iter().enumerate() {
                    on_tx!(tx, conn => {
                        sqlx::query(
                            "INSERT INTO order_reservations (id, order_id, position, text, state, fixed_at, version)
                             VALUES ($1, $2, $3, $4, 'open', NULL, 1)",
                        )
                        .bind(Uuid::now_v7())
                        .bind(id.0)
                        .bind(i64::try_from(position).unwrap_or(i64::MAX))
                        .bind(text.as_str())
                        .execute(conn)
                        .await?
                        .rows_affected()
                    });
                }
            }
            _ => {}
        }
        let recorded = answers_quote || step.needs_reason() || step == OrderStep::Accept;
        let answer = Uuid::now_v7();
        if recorded {
            let revision = answers_quote.then_some(order.quote_revision);
            let purchase_order = if step == OrderStep::Approve {
                input.purchase_order.trim()
            } else {
                ""
            };
            on_tx!(tx, conn => {
                sqlx::query(
                    "INSERT INTO order_answers (id, order_id, step, quote_revision, user_id, reason,
                     purchase_order, answered_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(answer)
                .bind(id.0)
                .bind(step.as_str())
                .bind(revision)
                .bind(actor.user_id.0)
                .bind(reason)
                .bind(purchase_order)
                .bind(at)
                .execute(conn)
                .await?
                .rows_affected()
            });
        }
        tx.record_state(
            ENTITY,
            id.0,
            actor.user_id,
            order.state.as_str(),
            to.as_str().to_owned(),
        )
        .await?;
        let event = match step {
            OrderStep::Approve => Some(EventKind::OrderApproved),
            OrderStep::Reject => Some(EventKind::OrderRejected),
            OrderStep::Deliver => Some(EventKind::OrderDelivered),
            OrderStep::ReturnForRequote => Some(EventKind::OrderReturned),
            OrderStep::Accept | OrderStep::AcceptWithReservations => Some(EventKind::OrderAccepted),
            OrderStep::NotAccept => Some(EventKind::OrderNotAccepted),
            OrderStep::Cancel => Some(EventKind::OrderCancelled),
            _ => None,
        };
        if let Some(event) = event {
            // The answer's id tells the message which reason or reservations to quote.
            let detail = if recorded {
                answer.to_string()
            } else {
                String::new()
            };
            tx.record_event(event, id.0, Some(actor.user_id), None, &detail)
                .await?;
        }
        tx.commit().await?;
        Ok(to)
    }

    /// One order whoever it belongs to (the notification worker; it checks each recipient
    /// through [`Store::order`]).
    pub async fn order_unscoped(&self, id: OrderId) -> Result<OrderRecord, StoreError> {
        let sql = format!("{ORDER_SELECT} WHERE c.id = $1");
        let row: Option<OrderRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(pool).await?
        });
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    /// The answers and reasoned steps of an order the actor may see, oldest first.
    pub async fn order_answers(
        &self,
        actor: &Actor,
        id: OrderId,
    ) -> Result<Vec<AnswerRecord>, StoreError> {
        self.order(actor, id).await?;
        type AnswerRow = (
            Uuid,
            String,
            Option<i64>,
            String,
            String,
            String,
            DateTime<Utc>,
        );
        let rows: Vec<AnswerRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT a.id, a.step, a.quote_revision, u.display_name, a.reason, a.purchase_order,
                 a.answered_at FROM order_answers a JOIN users u ON u.id = a.user_id
                 WHERE a.order_id = $1 ORDER BY a.answered_at, a.id",
            )
            .bind(id.0)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(
                |(id, step, quote_revision, user_name, reason, purchase_order, answered_at)| {
                    Ok(AnswerRecord {
                        id,
                        step: OrderStep::parse(&step).ok_or(StoreError::Corrupt(step))?,
                        quote_revision,
                        user_name,
                        reason,
                        purchase_order,
                        answered_at,
                    })
                },
            )
            .collect()
    }

    /// The reservations of an order the actor may see, in the order they were listed.
    pub async fn order_reservations(
        &self,
        actor: &Actor,
        id: OrderId,
    ) -> Result<Vec<ReservationRecord>, StoreError> {
        self.order(actor, id).await?;
        let rows: Vec<(Uuid, String, String, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, text, state, version FROM order_reservations WHERE order_id = $1
                 ORDER BY position, id",
            )
            .bind(id.0)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|(id, text, state, version)| {
                Ok(ReservationRecord {
                    id: ReservationId(id),
                    text,
                    state: ReservationState::parse(&state).ok_or(StoreError::Corrupt(state))?,
                    version,
                })
            })
            .collect()
    }

    /// Marks a reservation fixed or open again (staff who write orders), guarded by
    /// `version`, while the order is accepted or invoiced. The order's version moves too, so
    /// a step decided on the reservations as they were (closing) is refused as stale.
    pub async fn set_reservation_state(
        &self,
        actor: &Actor,
        order: OrderId,
        reservation: ReservationId,
        state: ReservationState,
        version: i64,
    ) -> Result<(), OrderError> {
        let record = self.order(actor, order).await?;
        if OrderParty::of(actor, record.organisation_id) != Some(OrderParty::StaffWriter) {
            return Err(OrderError::NotAllowed);
        }
        let listed = self.order_reservations(actor, order).await?;
        let before = listed
            .iter()
            .find(|r| r.id == reservation)
            .ok_or(StoreError::NotFound)?;
        let mut tx = self.begin().await?;
        // First the order's row: two writers of one order queue here on both backends.
        let order_moved = on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE customization_orders SET version = version + 1, updated_at = $2
                 WHERE id = $1 AND state IN ('accepted', 'invoiced')",
            )
            .bind(order.0)
            .bind(now())
            .execute(conn)
            .await?
            .rows_affected()
        });
        if order_moved != 1 {
            return Err(StoreError::Conflict.into());
        }
        let updated = on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE order_reservations SET state = $3, fixed_at = $4, version = version + 1
                 WHERE id = $1 AND order_id = $2 AND version = $5",
            )
            .bind(reservation.0)
            .bind(order.0)
            .bind(state.as_str())
            .bind((state == ReservationState::Fixed).then(now))
            .bind(version)
            .execute(conn)
            .await?
            .rows_affected()
        });
        if updated != 1 {
            return Err(StoreError::Conflict.into());
        }
        tx.record_changes(
            ENTITY,
            order.0,
            actor.user_id,
            &[FieldChange {
                field: "reservation",
                old: format!("{}: {}", before.text, before.state.as_str()),
                new: format!("{}: {}", before.text, state.as_str()),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Logs hours worked on an order (staff who write orders), on a day up to `today`.
    pub async fn log_order_work(
        &self,
        actor: &Actor,
        id: OrderId,
        worked_on: NaiveDate,
        centi_hours: i64,
        note: &str,
        today: NaiveDate,
    ) -> Result<(), OrderError> {
        let order = self.order(actor, id).await?;
        if OrderParty::of(actor, order.organisation_id) != Some(OrderParty::StaffWriter) {
            return Err(OrderError::NotAllowed);
        }
        if centi_hours <= 0 || centi_hours > 2400 {
            return Err(OrderError::Invalid("hours"));
        }
        if worked_on > today {
            return Err(OrderError::Invalid("worked_on"));
        }
        limited(note, "note")?;
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO order_work (id, order_id, user_id, worked_on, centi_hours, note, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(Uuid::now_v7())
            .bind(id.0)
            .bind(actor.user_id.0)
            .bind(worked_on)
            .bind(centi_hours)
            .bind(note.trim())
            .bind(now())
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(())
    }

    /// The hours logged on an order (staff only: customers get [`StoreError::NotFound`]).
    pub async fn order_work(
        &self,
        actor: &Actor,
        id: OrderId,
    ) -> Result<Vec<WorkRecord>, StoreError> {
        if !actor.is_staff() {
            return Err(StoreError::NotFound);
        }
        self.order(actor, id).await?;
        let rows: Vec<(String, NaiveDate, i64, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT u.display_name, w.worked_on, w.centi_hours, w.note
                 FROM order_work w JOIN users u ON u.id = w.user_id
                 WHERE w.order_id = $1 ORDER BY w.worked_on, w.id",
            )
            .bind(id.0)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(user_name, worked_on, centi_hours, note)| WorkRecord {
                user_name,
                worked_on,
                centi_hours,
                note,
            })
            .collect())
    }

    /// What is to be invoiced: accepted orders (staff who read orders), oldest first, each
    /// with its approved quote and the hours logged.
    pub async fn orders_to_invoice(
        &self,
        actor: &Actor,
    ) -> Result<Vec<(OrderRecord, QuoteRecord, i64)>, StoreError> {
        if !actor.is_staff() || !staff_reads(actor) {
            return Err(StoreError::NotFound);
        }
        let sql = format!("{ORDER_SELECT} WHERE c.state = 'accepted' ORDER BY c.created_at, c.id");
        let rows: Vec<OrderRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(pool).await?
        });
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let order = OrderRecord::try_from(row)?;
            let approved = order.approved_revision.unwrap_or(order.quote_revision);
            let quote = self
                .order_quotes(actor, order.id)
                .await?
                .into_iter()
                .find(|q| q.revision == approved)
                .ok_or_else(|| StoreError::Corrupt(format!("{} has no quote", order.number)))?;
            let hours = self
                .order_work(actor, order.id)
                .await?
                .iter()
                .map(|w| w.centi_hours)
                .sum();
            out.push((order, quote, hours));
        }
        Ok(out)
    }

    /// Marks accepted orders invoiced in one action (staff who write orders); each must be
    /// accepted at the version the caller read, or nothing is changed.
    pub async fn mark_invoiced(
        &self,
        actor: &Actor,
        orders: &[(OrderId, i64)],
    ) -> Result<(), OrderError> {
        let mut read = Vec::with_capacity(orders.len());
        for (id, version) in orders {
            let order = self.order(actor, *id).await?;
            let party = OrderParty::of(actor, order.organisation_id).ok_or(StoreError::NotFound)?;
            let to =
                step_to(party, order.state, OrderStep::Invoice).ok_or(OrderError::NotAllowed)?;
            read.push((order, to, *version));
        }
        let mut tx = self.begin().await?;
        for (order, to, version) in &read {
            tx.move_order(order, *to, *version).await?;
            tx.record_state(
                ENTITY,
                order.id.0,
                actor.user_id,
                order.state.as_str(),
                to.as_str().to_owned(),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

impl Store {
    /// Adds a public reply (staff, or customer users who may write for the organisation) or,
    /// staff only, an internal note, with files the actor uploaded. Text or a file is needed.
    pub async fn add_order_comment(
        &self,
        actor: &Actor,
        id: OrderId,
        body: &str,
        internal: bool,
        files: &[FileId],
    ) -> Result<Uuid, OrderError> {
        let order = self.order(actor, id).await?;
        let party = OrderParty::of(actor, order.organisation_id).ok_or(StoreError::NotFound)?;
        if !party.may_write(internal) {
            return Err(OrderError::NotAllowed);
        }
        if body.trim().is_empty() && files.is_empty() {
            return Err(OrderError::Invalid("body"));
        }
        limited(body, "body")?;
        let comment = Uuid::now_v7();
        let mut tx = self.begin().await?;
        on_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO order_comments (id, order_id, author_id, body, is_internal, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(comment)
            .bind(id.0)
            .bind(actor.user_id.0)
            .bind(body.trim_end())
            .bind(internal)
            .bind(now())
            .execute(conn)
            .await?
            .rows_affected()
        });
        tx.attach_order_files(actor, id, Some(comment), internal, files)
            .await?;
        let event = if internal {
            EventKind::OrderNote
        } else {
            EventKind::OrderReply
        };
        tx.record_event(event, id.0, Some(actor.user_id), Some(comment), "")
            .await?;
        tx.commit().await?;
        Ok(comment)
    }

    /// The conversation of an order the actor may see, oldest first; customers never get
    /// internal notes.
    pub async fn order_comments(
        &self,
        actor: &Actor,
        id: OrderId,
    ) -> Result<Vec<OrderCommentRecord>, StoreError> {
        self.order(actor, id).await?;
        type CommentRow = (Uuid, String, String, String, bool, DateTime<Utc>);
        let rows: Vec<CommentRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT c.id, u.display_name, u.kind, c.body, c.is_internal, c.created_at
                 FROM order_comments c JOIN users u ON u.id = c.author_id
                 WHERE c.order_id = $1 AND (c.is_internal = $2 OR $3)
                 ORDER BY c.created_at, c.id",
            )
            .bind(id.0)
            .bind(false)
            .bind(actor.is_staff())
            .fetch_all(pool)
            .await?
        });
        let mut out = Vec::with_capacity(rows.len());
        for (comment, author_name, kind, body, internal, created_at) in rows {
            out.push(OrderCommentRecord {
                id: comment,
                author_name,
                by_staff: kind == "staff",
                body,
                internal,
                created_at,
                files: self.order_files_where(id, Some(comment), None).await?,
            });
        }
        Ok(out)
    }

    /// The files attached to the requirement itself.
    pub async fn order_files(
        &self,
        actor: &Actor,
        id: OrderId,
    ) -> Result<Vec<FileRecord>, StoreError> {
        self.order(actor, id).await?;
        self.order_files_where(id, None, None).await
    }

    /// The files of a reply (`comment`), of a quote revision (`quote`), or of the
    /// requirement itself (neither).
    async fn order_files_where(
        &self,
        id: OrderId,
        comment: Option<Uuid>,
        quote: Option<i64>,
    ) -> Result<Vec<FileRecord>, StoreError> {
        let ids: Vec<Uuid> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT a.file_id FROM order_files a JOIN files f ON f.id = a.file_id
                 WHERE a.order_id = $1
                 AND (a.comment_id = $2 OR (a.comment_id IS NULL AND $3))
                 AND (a.quote_revision = $4 OR (a.quote_revision IS NULL AND $5))
                 ORDER BY f.created_at, f.id",
            )
            .bind(id.0)
            .bind(comment)
            .bind(comment.is_none())
            .bind(quote)
            .bind(quote.is_none())
            .fetch_all(pool)
            .await?
        });
        let mut out = Vec::with_capacity(ids.len());
        for file in ids {
            out.push(self.file_unscoped(FileId(file)).await?);
        }
        Ok(out)
    }

    /// A file of an order the actor may see (one of an internal note only for staff);
    /// anything else is [`StoreError::NotFound`].
    pub async fn order_file(
        &self,
        actor: &Actor,
        id: OrderId,
        file: FileId,
    ) -> Result<FileRecord, StoreError> {
        self.order(actor, id).await?;
        let internal: Option<bool> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT is_internal FROM order_files WHERE file_id = $1 AND order_id = $2")
                .bind(file.0)
                .bind(id.0)
                .fetch_optional(pool)
                .await?
        });
        match internal {
            Some(internal) if !internal || actor.is_staff() => self.file_unscoped(file).await,
            _ => Err(StoreError::NotFound),
        }
    }
}

#[derive(sqlx::FromRow)]
struct QuoteRow {
    revision: i64,
    scope: String,
    estimated_centi_hours: i64,
    hourly_rate: i64,
    currency: String,
    vat_basis_points: i64,
    net: i64,
    vat: i64,
    rounding: i64,
    total: i64,
    delivery_on: NaiveDate,
    valid_until: NaiveDate,
    issued_by_name: String,
    issued_at: DateTime<Utc>,
}

impl TryFrom<QuoteRow> for QuoteRecord {
    type Error = StoreError;

    fn try_from(r: QuoteRow) -> Result<Self, StoreError> {
        Ok(QuoteRecord {
            revision: r.revision,
            scope: r.scope,
            estimated_centi_hours: r.estimated_centi_hours,
            hourly_rate: r.hourly_rate,
            currency: Currency::parse(&r.currency)
                .ok_or_else(|| StoreError::Corrupt(r.currency.clone()))?,
            vat_basis_points: u32::try_from(r.vat_basis_points)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            totals: QuoteTotals {
                net: r.net,
                vat: r.vat,
                rounding: r.rounding,
                total: r.total,
            },
            delivery_on: r.delivery_on,
            valid_until: r.valid_until,
            issued_by_name: r.issued_by_name,
            issued_at: r.issued_at,
            files: Vec::new(),
        })
    }
}

impl Tx {
    /// Attaches files the actor uploaded and that belong to no record yet.
    async fn attach_order_files(
        &mut self,
        actor: &Actor,
        id: OrderId,
        comment: Option<Uuid>,
        internal: bool,
        files: &[FileId],
    ) -> Result<(), OrderError> {
        self.attach_order_files_to(actor, id, comment, None, internal, files)
            .await
    }

    /// Attaches files to a reply, a quote revision or the requirement.
    async fn attach_order_files_to(
        &mut self,
        actor: &Actor,
        id: OrderId,
        comment: Option<Uuid>,
        quote: Option<i64>,
        internal: bool,
        files: &[FileId],
    ) -> Result<(), OrderError> {
        let link = Link::Order {
            order: id,
            comment,
            quote,
            internal,
        };
        if self.attach_uploads(actor, link, files).await? {
            Ok(())
        } else {
            Err(OrderError::Invalid("files"))
        }
    }

    /// How many reservations of order `id` are still open, read in this transaction.
    async fn open_reservations(&mut self, id: OrderId) -> Result<i64, StoreError> {
        Ok(on_tx!(self, conn => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM order_reservations WHERE order_id = $1 AND state = 'open'",
            )
            .bind(id.0)
            .fetch_one(conn)
            .await?
        }))
    }

    /// Moves an order to `to`, guarded by the version and state the caller read.
    async fn move_order(
        &mut self,
        order: &OrderRecord,
        to: OrderState,
        version: i64,
    ) -> Result<(), StoreError> {
        let updated = on_tx!(self, conn => {
            sqlx::query(
                "UPDATE customization_orders SET state = $2, version = version + 1, updated_at = $3
                 WHERE id = $1 AND version = $4 AND state = $5",
            )
            .bind(order.id.0)
            .bind(to.as_str())
            .bind(now())
            .bind(version)
            .bind(order.state.as_str())
            .execute(conn)
            .await?
            .rows_affected()
        });
        if updated == 1 {
            Ok(())
        } else {
            Err(StoreError::Conflict)
        }
    }
}

impl Store {
    /// The id of the order with this number (`CO-2026-0042`), unscoped: callers read it
    /// through the access layer afterwards.
    pub async fn order_id_by_number(&self, number: &str) -> Result<Option<Uuid>, StoreError> {
        let id: Option<(Uuid,)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id FROM customization_orders WHERE number = $1")
                .bind(number.trim().to_ascii_uppercase())
                .fetch_optional(pool)
                .await?
        });
        Ok(id.map(|(id,)| id))
    }
}
