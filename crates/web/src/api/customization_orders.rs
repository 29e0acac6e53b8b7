//! Customization orders through the JSON API: the overview, an order with its quote
//! revisions, answers, reservations, the steps the caller may take, hours (staff) and
//! history; submitting a requirement, issuing quotes, taking steps, logging hours, fixing
//! reservations, invoicing, and converting a support document. The same access layer, rule
//! table and validation as the pages: another organisation's order answers like a missing
//! one.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use supportweb_app::Error;
use supportweb_app::customization_orders::{
    NewQuote, OrderDetail as Detail, OrderInput, OrderParams, OrderRecord, OrderStep, QuoteRecord,
    ReservationState, StepInput,
};
use supportweb_domain::ids::{FileId, OrderId, PatchId};
use supportweb_domain::money::Currency;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::api::files::FileInfo;
use crate::api::json;
use crate::api::support_documents::HistoryEntry;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::error::Problem;
use crate::state::AppState;

/// An order.
#[derive(Debug, Serialize, ToSchema)]
pub struct Order {
    /// Id.
    pub id: Uuid,
    /// `CO-2026-0042`.
    pub number: String,
    /// Organisation.
    pub organisation_id: Uuid,
    /// Organisation name.
    pub organisation_name: String,
    /// Whether the organisation is a public body (contracts register).
    pub is_public_body: bool,
    /// Title.
    pub title: String,
    /// Description (Markdown).
    pub description: String,
    /// Desired date.
    pub desired_on: Option<NaiveDate>,
    /// `submitted`, `in_analysis`, `quoted`, `approved`, `rejected`, `returned_for_requote`,
    /// `in_development`, `delivered`, `accepted`, `invoiced`, `closed` or `cancelled`.
    pub state: String,
    /// `vendor`, `customer`, or absent for a finished order.
    pub waiting_on: Option<String>,
    /// The requesting user.
    pub requested_by: Uuid,
    /// Their name.
    pub requested_by_name: String,
    /// The support document it was converted from.
    pub support_document_id: Option<Uuid>,
    /// The newest quote revision (0: none yet).
    pub quote_revision: i64,
    /// The approved revision.
    pub approved_revision: Option<i64>,
    /// Version or build it was delivered in.
    pub delivered_in: String,
    /// The patch it was delivered in.
    pub delivered_patch_id: Option<Uuid>,
    /// Send back with every change.
    pub version: i64,
    /// Submitted.
    pub created_at: DateTime<Utc>,
    /// Reservations of the acceptance still to be fixed.
    pub open_reservations: i64,
}

impl From<OrderRecord> for Order {
    fn from(o: OrderRecord) -> Self {
        Order {
            id: o.id.0,
            number: o.number,
            organisation_id: o.organisation_id.0,
            organisation_name: o.organisation_name,
            is_public_body: o.is_public_body,
            title: o.title,
            description: o.description,
            desired_on: o.desired_on,
            state: o.state.as_str().to_owned(),
            waiting_on: o.state.waiting_on().map(|s| s.as_str().to_owned()),
            requested_by: o.requested_by.0,
            requested_by_name: o.requested_by_name,
            support_document_id: o.support_document_id.map(|d| d.0),
            quote_revision: o.quote_revision,
            approved_revision: o.approved_revision,
            delivered_in: o.delivered_in,
            delivered_patch_id: o.delivered_patch_id.map(|p| p.0),
            version: o.version,
            created_at: o.created_at,
            open_reservations: o.open_reservations,
        }
    }
}

/// A quote revision; amounts in minor units (haléře, cents).
#[derive(Debug, Serialize, ToSchema)]
pub struct Quote {
    /// 1, 2, …
    pub revision: i64,
    /// Scope / specification (Markdown).
    pub scope: String,
    /// Estimated hours in hundredths (1250 = 12.5 h).
    pub estimated_centi_hours: i64,
    /// Hourly rate.
    pub hourly_rate: i64,
    /// `CZK` or `EUR`.
    pub currency: String,
    /// VAT rate in basis points (2100 = 21 %).
    pub vat_basis_points: u32,
    /// Price without VAT.
    pub net: i64,
    /// VAT.
    pub vat: i64,
    /// Rounding of the amount due (whole crowns for CZK).
    pub rounding: i64,
    /// Amount due.
    pub total: i64,
    /// Proposed delivery date.
    pub delivery_on: NaiveDate,
    /// Last day it may be approved.
    pub valid_until: NaiveDate,
    /// Who issued it.
    pub issued_by: String,
    /// When.
    pub issued_at: DateTime<Utc>,
    /// Its documents.
    pub files: Vec<FileInfo>,
}

impl From<QuoteRecord> for Quote {
    fn from(q: QuoteRecord) -> Self {
        Quote {
            revision: q.revision,
            scope: q.scope,
            estimated_centi_hours: q.estimated_centi_hours,
            hourly_rate: q.hourly_rate,
            currency: q.currency.code().to_owned(),
            vat_basis_points: q.vat_basis_points,
            net: q.totals.net,
            vat: q.totals.vat,
            rounding: q.totals.rounding,
            total: q.totals.total,
            delivery_on: q.delivery_on,
            valid_until: q.valid_until,
            issued_by: q.issued_by_name,
            issued_at: q.issued_at,
            files: q.files.into_iter().map(FileInfo::from).collect(),
        }
    }
}

/// An answer of the customer or a reasoned step.
#[derive(Debug, Serialize, ToSchema)]
pub struct Answer {
    /// The step (`approve`, `reject`, `return_for_requote`, `accept`, …).
    pub step: String,
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
#[derive(Debug, Serialize, ToSchema)]
pub struct Reservation {
    /// Id.
    pub id: Uuid,
    /// What is to be fixed.
    pub text: String,
    /// `open` or `fixed`.
    pub state: String,
    /// Send back with a change.
    pub version: i64,
}

/// Hours logged by staff.
#[derive(Debug, Serialize, ToSchema)]
pub struct Work {
    /// Who.
    pub user_name: String,
    /// Day.
    pub worked_on: NaiveDate,
    /// Hundredths of an hour.
    pub centi_hours: i64,
    /// Note.
    pub note: String,
}

/// A reply or (staff only) an internal note.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderComment {
    /// Id.
    pub id: Uuid,
    /// Who wrote it.
    pub author_name: String,
    /// Whether the author is staff.
    pub by_staff: bool,
    /// Text (Markdown).
    pub body: String,
    /// An internal note.
    pub internal: bool,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Its files (download at `/api/v1/customization-orders/{id}/files/{file}`).
    pub files: Vec<FileInfo>,
}

/// An order with everything the caller may see of it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderDetail {
    /// The order.
    pub order: Order,
    /// Every quote revision, oldest first.
    pub quotes: Vec<Quote>,
    /// Answers and reasoned steps, oldest first.
    pub answers: Vec<Answer>,
    /// Reservations.
    pub reservations: Vec<Reservation>,
    /// The steps the caller may take now.
    pub steps: Vec<String>,
    /// Hours logged (staff only; absent for customers).
    pub work: Option<Vec<Work>>,
    /// Change history, newest first.
    pub history: Vec<HistoryEntry>,
    /// The requirement's files.
    pub files: Vec<FileInfo>,
    /// The conversation, oldest first (customers never get internal notes).
    pub comments: Vec<OrderComment>,
}

/// A page of orders.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrderPage {
    /// Newest first.
    pub items: Vec<Order>,
    /// Pass as `after` for the next page.
    pub next: Option<Uuid>,
}

/// The orders the caller may see.
#[utoipa::path(
    get,
    path = "/api/v1/customization-orders",
    tag = "customization orders",
    params(OrderParams),
    responses(
        (status = 200, description = "A page of orders", body = OrderPage),
        (status = 422, description = "A filter value is not valid", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<OrderParams>,
) -> Result<Json<OrderPage>, AppError> {
    let orders = state.app().customization_orders();
    let (query, problems) = orders.overview_query(&signed.actor, &params)?;
    problems.into_result()?;
    let page = orders.overview(&signed.actor, &query).await?;
    Ok(Json(OrderPage {
        items: page.rows.into_iter().map(Order::from).collect(),
        next: page.next.and_then(|id| id.parse().ok()),
    }))
}

/// A requirement.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderBody {
    /// The customer organisation.
    pub organisation_id: Uuid,
    /// Title.
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub title: String,
    /// Description (Markdown).
    #[schema(min_length = 1, max_length = 20000, pattern = r"\S")]
    pub description: String,
    /// Desired date (YYYY-MM-DD).
    #[serde(default)]
    #[schema(schema_with = supportweb_app::api_schema::day_empty_or_null)]
    pub desired_on: Option<String>,
    /// Staff submitting on a customer's behalf: the requesting user of the organisation.
    #[serde(default)]
    pub requested_by: Option<Uuid>,
    /// Files uploaded by the caller (`POST /api/v1/files`) to attach.
    #[serde(default)]
    pub file_ids: Vec<Uuid>,
}

/// Submits a requirement (customer users with the write right; staff who write orders).
#[utoipa::path(
    post,
    path = "/api/v1/customization-orders",
    tag = "customization orders",
    request_body = OrderBody,
    responses(
        (status = 201, description = "Submitted", body = Order),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    body: Bytes,
) -> Result<(StatusCode, Json<Order>), AppError> {
    supportweb_app::customization_orders::require_reader(&signed.actor)?;
    let body: OrderBody = json(&body)?;
    let input = OrderInput {
        organisation: body.organisation_id.to_string(),
        title: body.title,
        description: body.description,
        desired_on: body.desired_on.unwrap_or_default(),
        requested_by: body.requested_by.map(|u| u.to_string()).unwrap_or_default(),
        files: body.file_ids.into_iter().map(FileId).collect(),
    };
    let created = state
        .app()
        .customization_orders()
        .submit(&signed.actor, &input)
        .await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

async fn detail_of(state: &AppState, signed: &SignedIn, id: &str) -> Result<OrderDetail, AppError> {
    let Detail {
        order,
        steps,
        quotes,
        answers,
        reservations,
        work,
        files,
        comments,
        history,
        ..
    } = state
        .app()
        .customization_orders()
        .detail(&signed.actor, id)
        .await?;
    Ok(OrderDetail {
        quotes: quotes.into_iter().map(Quote::from).collect(),
        answers: answers
            .into_iter()
            .map(|a| Answer {
                step: a.step.as_str().to_owned(),
                quote_revision: a.quote_revision,
                user_name: a.user_name,
                reason: a.reason,
                purchase_order: a.purchase_order,
                answered_at: a.answered_at,
            })
            .collect(),
        reservations: reservations
            .into_iter()
            .map(|r| Reservation {
                id: r.id.0,
                text: r.text,
                state: r.state.as_str().to_owned(),
                version: r.version,
            })
            .collect(),
        steps: steps.into_iter().map(|s| s.as_str().to_owned()).collect(),
        work: work.map(|work| {
            work.into_iter()
                .map(|w| Work {
                    user_name: w.user_name,
                    worked_on: w.worked_on,
                    centi_hours: w.centi_hours,
                    note: w.note,
                })
                .collect()
        }),
        files: files.into_iter().map(FileInfo::from).collect(),
        comments: comments
            .into_iter()
            .map(|c| OrderComment {
                id: c.id,
                author_name: c.author_name,
                by_staff: c.by_staff,
                body: c.body,
                internal: c.internal,
                created_at: c.created_at,
                files: c.files.into_iter().map(FileInfo::from).collect(),
            })
            .collect(),
        history: history.into_iter().map(HistoryEntry::from).collect(),
        order: order.into(),
    })
}

/// One order with its quotes, answers, reservations, steps, hours (staff) and history.
#[utoipa::path(
    get,
    path = "/api/v1/customization-orders/{id}",
    tag = "customization orders",
    params(("id" = Uuid, Path, description = "Order id")),
    responses(
        (status = 200, description = "The order", body = OrderDetail),
        (status = 404, description = "No such order visible to the caller", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn detail(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Json<OrderDetail>, AppError> {
    Ok(Json(detail_of(&state, &signed, &id).await?))
}

/// A quote revision; amounts in minor units.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteBody {
    /// Scope / specification (Markdown).
    #[schema(min_length = 1, max_length = 20000, pattern = r"\S")]
    pub scope: String,
    /// Estimated hours in hundredths (1250 = 12.5 h).
    #[schema(minimum = 1)]
    pub estimated_centi_hours: i64,
    /// Hourly rate in minor units.
    #[schema(minimum = 0)]
    pub hourly_rate: i64,
    /// `CZK` or `EUR`.
    #[schema(schema_with = supportweb_app::api_schema::currency)]
    pub currency: String,
    /// VAT rate in basis points (2100 = 21 %).
    #[schema(maximum = 10000)]
    pub vat_basis_points: u32,
    /// Proposed delivery date.
    pub delivery_on: NaiveDate,
    /// Last day it may be approved.
    pub valid_until: NaiveDate,
    /// Documents uploaded by the caller (`POST /api/v1/files`).
    #[serde(default)]
    pub file_ids: Vec<Uuid>,
    /// The order's `version` read.
    pub version: i64,
}

/// Issues a new quote revision (staff who write orders); it supersedes the previous one.
#[utoipa::path(
    post,
    path = "/api/v1/customization-orders/{id}/quotes",
    tag = "customization orders",
    params(("id" = Uuid, Path, description = "Order id")),
    request_body = QuoteBody,
    responses(
        (status = 201, description = "Issued", body = OrderDetail),
        (status = 403, description = "The caller may not quote now", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale `version`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Invalid fields", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn quote(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<OrderDetail>), AppError> {
    let orders = state.app().customization_orders();
    orders.get(&signed.actor, &id).await?;
    let body: QuoteBody = json(&body)?;
    let currency = Currency::parse(&body.currency)
        .ok_or_else(|| Error::field("currency", "order-error-currency"))?;
    let quote = NewQuote {
        scope: body.scope,
        estimated_centi_hours: body.estimated_centi_hours,
        hourly_rate: body.hourly_rate,
        currency,
        vat_basis_points: body.vat_basis_points,
        delivery_on: body.delivery_on,
        valid_until: body.valid_until,
    };
    let files: Vec<FileId> = body.file_ids.into_iter().map(FileId).collect();
    orders
        .quote(&signed.actor, &id, &quote, &files, body.version)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(detail_of(&state, &signed, &id).await?),
    ))
}

/// A step.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepBody {
    /// `analyse`, `approve`, `reject`, `return_for_requote`, `develop`, `deliver`, `accept`,
    /// `accept_with_reservations`, `not_accept`, `invoice`, `close` or `cancel` (quotes have
    /// their own endpoint).
    #[schema(schema_with = supportweb_app::api_schema::order_step)]
    pub step: String,
    /// Reason (reject, return, not accept, cancel) or the reservations, one a line.
    #[serde(default)]
    #[schema(max_length = 4000)]
    pub reason: String,
    /// The customer's purchase-order number (approve).
    #[serde(default)]
    #[schema(max_length = 100)]
    pub purchase_order: String,
    /// The quote revision the signatory read (approve, reject, return; default: the newest).
    #[serde(default)]
    pub quote_revision: Option<i64>,
    /// The version or build that contains the customization (deliver).
    #[serde(default)]
    #[schema(max_length = 100)]
    pub delivered_in: String,
    /// The published patch that contains it (deliver; optional).
    #[serde(default)]
    pub patch_id: Option<Uuid>,
    /// The order's `version` read.
    pub version: i64,
}

/// Takes a step.
#[utoipa::path(
    post,
    path = "/api/v1/customization-orders/{id}/steps",
    tag = "customization orders",
    params(("id" = Uuid, Path, description = "Order id")),
    request_body = StepBody,
    responses(
        (status = 200, description = "Done", body = OrderDetail),
        (status = 403, description = "The caller may not take this step now", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale `version`", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A missing reason or version, a text too long, a superseded or expired quote, a patch not offered, closing with reservations still open", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn step(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<OrderDetail>, AppError> {
    let orders = state.app().customization_orders();
    orders.get(&signed.actor, &id).await?;
    let body: StepBody = json(&body)?;
    let step = OrderStep::parse(&body.step)
        .filter(|s| *s != OrderStep::Quote)
        .ok_or_else(|| Error::field("step", "order-error-step"))?;
    let input = StepInput {
        reason: body.reason,
        purchase_order: body.purchase_order,
        quote_revision: body.quote_revision,
        delivered_in: body.delivered_in,
        patch: body.patch_id.map(PatchId),
    };
    orders
        .step(&signed.actor, &id, step, &input, body.version)
        .await?;
    Ok(Json(detail_of(&state, &signed, &id).await?))
}

/// Hours worked.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkBody {
    /// Day.
    pub worked_on: NaiveDate,
    /// Hundredths of an hour (1–2400).
    #[schema(minimum = 1, maximum = 2400)]
    pub centi_hours: i64,
    /// What was done.
    #[serde(default)]
    #[schema(max_length = 300)]
    pub note: String,
}

/// Logs hours against the order (staff who write orders).
#[utoipa::path(
    post,
    path = "/api/v1/customization-orders/{id}/work",
    tag = "customization orders",
    params(("id" = Uuid, Path, description = "Order id")),
    request_body = WorkBody,
    responses(
        (status = 201, description = "Logged", body = OrderDetail),
        (status = 403, description = "The caller may not log hours", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Hours out of range, a day still to come, or a note too long", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn work(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<OrderDetail>), AppError> {
    let orders = state.app().customization_orders();
    orders.get(&signed.actor, &id).await?;
    let body: WorkBody = json(&body)?;
    orders
        .log_work(
            &signed.actor,
            &id,
            body.worked_on,
            body.centi_hours,
            &body.note,
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(detail_of(&state, &signed, &id).await?),
    ))
}

/// A reservation's new state.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReservationBody {
    /// `open` or `fixed`.
    #[schema(schema_with = supportweb_app::api_schema::reservation_state)]
    pub state: String,
    /// The reservation's `version` read.
    pub version: i64,
}

/// Marks a reservation fixed or open again (staff who write orders).
#[utoipa::path(
    put,
    path = "/api/v1/customization-orders/{id}/reservations/{reservation}",
    tag = "customization orders",
    params(
        ("id" = Uuid, Path, description = "Order id"),
        ("reservation" = Uuid, Path, description = "Reservation id")
    ),
    request_body = ReservationBody,
    responses(
        (status = 200, description = "Changed", body = OrderDetail),
        (status = 403, description = "The caller may not change reservations", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order or reservation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale `version`", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn reservation(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((id, reservation)): Path<(String, String)>,
    body: Bytes,
) -> Result<Json<OrderDetail>, AppError> {
    let orders = state.app().customization_orders();
    orders.get(&signed.actor, &id).await?;
    let _: uuid::Uuid = reservation.parse().map_err(|_| AppError::NotFound)?;
    let body: ReservationBody = json(&body)?;
    let to = ReservationState::parse(&body.state)
        .ok_or_else(|| Error::field("state", "order-error-step"))?;
    orders
        .set_reservation(&signed.actor, &id, &reservation, to, body.version)
        .await?;
    Ok(Json(detail_of(&state, &signed, &id).await?))
}

/// An accepted order to invoice, with the approved quote's figures (minor units).
#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceLine {
    /// The order.
    pub order: Order,
    /// The approved quote.
    pub quote: Quote,
    /// Hundredths of an hour logged.
    pub worked_centi_hours: i64,
}

/// Accepted orders not yet invoiced (staff who write orders).
#[utoipa::path(
    get,
    path = "/api/v1/customization-orders/invoicing",
    tag = "customization orders",
    responses(
        (status = 200, description = "What is to be invoiced, oldest first", body = [InvoiceLine])
    )
)]
pub async fn invoicing(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Json<Vec<InvoiceLine>>, AppError> {
    let lines = state
        .app()
        .customization_orders()
        .to_invoice(&signed.actor)
        .await?;
    Ok(Json(
        lines
            .into_iter()
            .map(|line| InvoiceLine {
                order: line.order.into(),
                quote: line.quote.into(),
                worked_centi_hours: line.worked_centi_hours,
            })
            .collect(),
    ))
}

/// An order and the version read.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderVersion {
    /// Order id.
    pub id: Uuid,
    /// Its `version` read.
    pub version: i64,
}

/// Marks accepted orders invoiced in one action (all or none).
#[utoipa::path(
    post,
    path = "/api/v1/customization-orders/invoicing",
    tag = "customization orders",
    request_body = [OrderVersion],
    responses(
        (status = 204, description = "All marked invoiced"),
        (status = 403, description = "An order is not accepted", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A stale `version`: nothing was changed", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn mark_invoiced(
    State(state): State<AppState>,
    signed: SignedIn,
    body: Bytes,
) -> Result<StatusCode, AppError> {
    let orders = state.app().customization_orders();
    orders.require_invoicer(&signed.actor)?;
    let body: Vec<OrderVersion> = json(&body)?;
    let chosen: Vec<(OrderId, i64)> = body.iter().map(|o| (OrderId(o.id), o.version)).collect();
    orders.mark_invoiced(&signed.actor, &chosen).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Converts a support document into an order (staff who write orders); once.
#[utoipa::path(
    post,
    path = "/api/v1/support-documents/{id}/convert",
    tag = "customization orders",
    params(("id" = Uuid, Path, description = "Support document id")),
    responses(
        (status = 201, description = "The new order, linked to the document", body = Order),
        (status = 403, description = "The caller may not convert", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such document", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already converted", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn convert(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Order>), AppError> {
    let created = state
        .app()
        .customization_orders()
        .convert(&signed.actor, &id)
        .await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}

/// A reply or an internal note.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentBody {
    /// Text (Markdown).
    #[serde(default)]
    #[schema(min_length = 1, max_length = 20000, pattern = r"\S")]
    pub body: String,
    /// An internal note (staff only).
    #[serde(default)]
    pub internal: bool,
    /// Files uploaded by the caller to attach.
    #[serde(default)]
    pub file_ids: Vec<Uuid>,
}

/// Adds a reply (staff, customer users who may write) or an internal note (staff).
#[utoipa::path(
    post,
    path = "/api/v1/customization-orders/{id}/comments",
    tag = "customization orders",
    params(("id" = Uuid, Path, description = "Order id")),
    request_body = CommentBody,
    responses(
        (status = 201, description = "Added", body = OrderDetail),
        (status = 403, description = "The caller may not write here (or not internal notes)", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such order", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Neither text nor files, a text too long, or a file not the caller's", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn comment(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<OrderDetail>), AppError> {
    let orders = state.app().customization_orders();
    orders.get(&signed.actor, &id).await?;
    let body: CommentBody = json(&body)?;
    let files: Vec<FileId> = body.file_ids.iter().map(|f| FileId(*f)).collect();
    orders
        .comment(&signed.actor, &id, &body.body, body.internal, &files)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(detail_of(&state, &signed, &id).await?),
    ))
}

/// Downloads a file of an order.
#[utoipa::path(
    get,
    path = "/api/v1/customization-orders/{id}/files/{file}",
    tag = "customization orders",
    params(
        ("id" = Uuid, Path, description = "Order id"),
        ("file" = Uuid, Path, description = "File id")
    ),
    responses(
        (status = 200, description = "The content, as an attachment, with the media type the server found in it (any type)", content_type = "*/*"),
        (status = 404, description = "No such order or file visible to the caller", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn download(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((id, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let record = state
        .app()
        .customization_orders()
        .file(&signed.actor, &id, &file)
        .await?;
    crate::downloads::respond(&state, &record, &headers).await
}
