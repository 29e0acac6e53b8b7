//! An order's page: the requirement, its quote revisions side by side, the customer's
//! answers, reservations, the staff's hours against the estimate, the history, and the forms
//! for the steps the user may take.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use supportweb_domain::calendar::prague_time;
use supportweb_domain::customization_order::{
    OrderParty, OrderStep, QuoteRefusal, ReservationState, available_steps, text_limit,
};
use supportweb_domain::ids::{FileId, OrderId, PatchId, ReservationId};
use supportweb_domain::money::{
    Currency, format_amount, format_hours, format_plain, parse_amount, parse_hours,
};
use supportweb_domain::patch::{PatchState, PatchVisibility};
use supportweb_storage::customization_orders::{
    ENTITY, NewQuote, OrderCommentRecord, OrderError, OrderRecord, QuoteRecord, StepInput,
};
use supportweb_storage::files::FileRecord;

use super::form::order_error_field;
use super::overview::waiting_label;
use super::{order_id, require_reader, state_label};
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::markdown::to_safe_html;
use crate::middleware::KeepBody;
use crate::multipart::MultipartForm;
use crate::pages::Choice;
use crate::pages::form::FormErrors;
use crate::pages::history::{HistoryLine, lines_for};
use crate::pages::support_documents::view::when;
use crate::pages::{Layout, render};
use crate::state::AppState;

/// Today in Prague.
pub(crate) fn today() -> NaiveDate {
    prague_time(Utc::now()).date()
}

fn day(d: NaiveDate) -> String {
    d.format("%-d. %-m. %Y").to_string()
}

/// A quote revision as shown in the side-by-side table.
pub(crate) struct QuoteView {
    pub revision: i64,
    pub status: String,
    pub scope_html: String,
    pub hours: String,
    pub rate: String,
    pub net: String,
    pub vat_rate: String,
    pub vat: String,
    pub rounding: String,
    pub total: String,
    pub delivery: String,
    pub valid_until: String,
    pub issued: String,
    pub files: Vec<FileRecord>,
}

impl QuoteView {
    fn new(t: &Tr, q: &QuoteRecord, o: &OrderRecord, today: NaiveDate) -> Self {
        let status = if o.approved_revision == Some(q.revision) {
            "order-quote-approved"
        } else if q.revision != o.quote_revision {
            "order-quote-superseded"
        } else if q.valid_until < today {
            "order-quote-expired"
        } else {
            "order-quote-current"
        };
        QuoteView {
            revision: q.revision,
            status: t.t(status),
            scope_html: to_safe_html(&q.scope),
            hours: format_hours(q.estimated_centi_hours),
            rate: format_amount(q.hourly_rate, q.currency),
            net: format_amount(q.totals.net, q.currency),
            vat_rate: format!("{} %", format_hours(i64::from(q.vat_basis_points))),
            vat: format_amount(q.totals.vat, q.currency),
            rounding: format_amount(q.totals.rounding, q.currency),
            total: format_amount(q.totals.total, q.currency),
            delivery: day(q.delivery_on),
            valid_until: day(q.valid_until),
            issued: format!("{} · {}", q.issued_by_name, when(q.issued_at)),
            files: q.files.clone(),
        }
    }
}

/// A customer's answer or a reasoned step as shown.
pub(crate) struct AnswerView {
    pub what: String,
    pub who: String,
    pub when: String,
    pub reason: String,
    pub purchase_order: String,
}

/// A reply or note as shown.
pub(crate) struct CommentView {
    pub c: OrderCommentRecord,
    pub body_html: String,
    pub when: String,
}

/// A step the user may take, with what its form asks for.
pub(crate) struct StepView {
    pub value: &'static str,
    pub label: String,
    pub reason: bool,
}

/// The quote form as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct QuoteInput {
    #[serde(default)]
    pub scope: String,
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    pub hourly_rate: String,
    #[serde(default)]
    pub currency: String,
    #[serde(default)]
    pub vat_rate: String,
    #[serde(default)]
    pub delivery_on: String,
    #[serde(default)]
    pub valid_until: String,
    #[serde(default)]
    pub version: i64,
}

impl QuoteInput {
    /// Checks what was typed; field errors in `t`'s language.
    pub(crate) fn check(&self, t: &Tr, errors: &mut FormErrors) -> Option<NewQuote> {
        if self.scope.trim().is_empty() {
            errors.add_t("scope", t, "order-error-scope");
        }
        let hours = parse_hours(&self.hours);
        if hours.is_none() {
            errors.add_t("hours", t, "order-error-hours");
        }
        let rate = parse_amount(&self.hourly_rate);
        if rate.is_none() {
            errors.add_t("hourly_rate", t, "order-error-price");
        }
        let currency = Currency::parse(self.currency.trim());
        if currency.is_none() {
            errors.add_t("currency", t, "order-error-currency");
        }
        let vat = parse_amount(&self.vat_rate)
            .and_then(|v| u32::try_from(v).ok())
            .filter(|v| *v <= 10_000);
        if vat.is_none() {
            errors.add_t("vat_rate", t, "order-error-vat-rate");
        }
        let date = |text: &str| text.trim().parse::<NaiveDate>().ok();
        let delivery_on = date(&self.delivery_on);
        if delivery_on.is_none() {
            errors.add_t("delivery_on", t, "order-error-delivery-on");
        }
        let valid_until = date(&self.valid_until);
        if valid_until.is_none() {
            errors.add_t("valid_until", t, "order-error-valid-until");
        }
        Some(NewQuote {
            scope: self.scope.clone(),
            estimated_centi_hours: hours?,
            hourly_rate: rate?,
            currency: currency?,
            vat_basis_points: vat?,
            delivery_on: delivery_on?,
            valid_until: valid_until?,
        })
        .filter(|_| errors.is_empty())
    }

    fn prefilled(last: Option<&QuoteRecord>, today: NaiveDate) -> Self {
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

/// The step form as sent.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct StepFormInput {
    #[serde(default)]
    pub step: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub purchase_order: String,
    #[serde(default)]
    pub quote_revision: Option<i64>,
    #[serde(default)]
    pub delivered_in: String,
    #[serde(default)]
    pub patch: String,
    #[serde(default)]
    pub version: i64,
}

/// What the user typed into the one form of the page that came back with errors (the
/// others start afresh).
#[derive(Debug, Default)]
struct Typed {
    quote: Option<QuoteInput>,
    step: StepFormInput,
    reply: String,
    work: WorkForm,
}

#[derive(Template)]
#[template(path = "order.html")]
struct DetailPage {
    layout: Layout,
    o: OrderRecord,
    state: String,
    waiting: String,
    description_html: String,
    document: Option<String>,
    quotes: Vec<QuoteView>,
    answers: Vec<AnswerView>,
    reservations: Vec<(String, String, &'static str, String, i64)>,
    steps: Vec<StepView>,
    quote_form: Option<QuoteInput>,
    step_form: StepFormInput,
    may_fix: bool,
    is_staff: bool,
    work: Vec<(String, String, String, String)>,
    estimate: String,
    worked: String,
    patch_choices: Vec<Choice>,
    delivered_patch: String,
    history: Vec<HistoryLine>,
    errors: FormErrors,
    today: String,
    files: Vec<FileRecord>,
    comments: Vec<CommentView>,
    may_comment: bool,
    /// A reply shown back with errors.
    typed_comment: String,
    /// The work form as typed (the day defaults to today).
    work_form: WorkForm,
}

/// The patches an order of `o`'s organisation may be delivered in: published and offered to
/// it.
async fn patch_choices(
    state: &AppState,
    signed: &SignedIn,
    o: &OrderRecord,
) -> Result<Vec<Choice>, AppError> {
    if !supportweb_app::podpora::may_read(&signed.actor) {
        return Ok(Vec::new());
    }
    let patches = state
        .store()
        .patches(
            &signed.actor,
            &supportweb_storage::patches::PatchQuery {
                state: Some(PatchState::Published),
                limit: 200,
                ..Default::default()
            },
        )
        .await?;
    let mut out = Vec::new();
    for p in patches {
        let offered = p.visibility == PatchVisibility::All
            || state
                .store()
                .patch_organisations(&signed.actor, p.id)
                .await?
                .iter()
                .any(|(id, _)| *id == o.organisation_id);
        if offered {
            out.push(Choice {
                value: p.id.to_string(),
                label: format!("{} · {} {}", p.title, p.product_name, p.build),
            });
        }
    }
    Ok(out)
}

async fn detail_page(
    state: &AppState,
    signed: &SignedIn,
    o: OrderRecord,
    errors: FormErrors,
    typed: Typed,
) -> Result<DetailPage, AppError> {
    let Typed {
        quote: quote_form,
        step: step_form,
        reply: typed_comment,
        work: mut work_form,
    } = typed;
    let layout = Layout::new(&signed.ctx, "order-title");
    let t = layout.t;
    let actor = &signed.actor;
    let store = state.store();
    let today = today();
    if work_form.worked_on.is_empty() {
        work_form.worked_on = today.to_string();
    }
    let party = OrderParty::of(actor, o.organisation_id).ok_or(AppError::NotFound)?;
    let quotes = store.order_quotes(actor, o.id).await?;
    let steps: Vec<StepView> = available_steps(party, o.state)
        .into_iter()
        .filter(|s| *s != OrderStep::Quote)
        .map(|s| StepView {
            value: s.as_str(),
            label: t.t(format!("order-step-{}", s.as_str().replace('_', "-"))),
            reason: s.needs_reason(),
        })
        .collect();
    let may_quote = available_steps(party, o.state).contains(&OrderStep::Quote);
    let quote_form = if may_quote {
        Some(quote_form.unwrap_or_else(|| QuoteInput::prefilled(quotes.last(), today)))
    } else {
        None
    };
    let answers = store
        .order_answers(actor, o.id)
        .await?
        .into_iter()
        .map(|a| AnswerView {
            what: match a.quote_revision {
                Some(r) => t.t1(
                    &format!("order-answer-{}", a.step.as_str().replace('_', "-")),
                    "revision",
                    &r.to_string(),
                ),
                None => t.t(format!(
                    "order-answer-{}",
                    a.step.as_str().replace('_', "-")
                )),
            },
            who: a.user_name,
            when: when(a.answered_at),
            reason: a.reason,
            purchase_order: a.purchase_order,
        })
        .collect();
    let reservations = store
        .order_reservations(actor, o.id)
        .await?
        .into_iter()
        .map(|r| {
            (
                r.id.to_string(),
                r.text,
                r.state.as_str(),
                t.t(format!("order-reservation-{}", r.state.as_str())),
                r.version,
            )
        })
        .collect();
    let is_staff = actor.is_staff();
    let (work, worked) = if is_staff {
        let work = store.order_work(actor, o.id).await?;
        let total: i64 = work.iter().map(|w| w.centi_hours).sum();
        (
            work.into_iter()
                .map(|w| {
                    (
                        w.user_name,
                        day(w.worked_on),
                        format_hours(w.centi_hours),
                        w.note,
                    )
                })
                .collect(),
            format_hours(total),
        )
    } else {
        (Vec::new(), String::new())
    };
    let estimate = o
        .approved_revision
        .or((o.quote_revision > 0).then_some(o.quote_revision))
        .and_then(|r| quotes.iter().find(|q| q.revision == r))
        .map(|q| format_hours(q.estimated_centi_hours))
        .unwrap_or_default();
    let document = match o.support_document_id {
        Some(id) => match store.document(actor, id).await {
            Ok(d) => Some(format!("{}|{}", d.id, d.number)),
            Err(supportweb_storage::StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        },
        None => None,
    };
    let delivered_patch = match o.delivered_patch_id {
        Some(id) => match store.patch(actor, id).await {
            Ok(p) => format!("{} {}", p.title, p.build),
            Err(supportweb_storage::StoreError::NotFound) => String::new(),
            Err(e) => return Err(e.into()),
        },
        None => String::new(),
    };
    let delivers = steps.iter().any(|s| s.value == OrderStep::Deliver.as_str());
    let may_comment = party.may_write(false);
    let comments = store
        .order_comments(actor, o.id)
        .await?
        .into_iter()
        .map(|c| CommentView {
            body_html: to_safe_html(&c.body),
            when: when(c.created_at),
            c,
        })
        .collect();
    Ok(DetailPage {
        files: store.order_files(actor, o.id).await?,
        comments,
        may_comment,
        typed_comment,
        work_form,
        patch_choices: if delivers {
            patch_choices(state, signed, &o).await?
        } else {
            Vec::new()
        },
        state: state_label(&t, o.state),
        waiting: waiting_label(&t, o.state),
        description_html: to_safe_html(&o.description),
        quotes: quotes
            .iter()
            .map(|q| QuoteView::new(&t, q, &o, today))
            .collect(),
        answers,
        reservations,
        steps,
        quote_form,
        step_form,
        may_fix: party == OrderParty::StaffWriter,
        is_staff,
        work,
        estimate,
        worked,
        delivered_patch,
        document,
        history: lines_for(state, &t, actor, ENTITY, o.id.0).await?,
        errors,
        today: today.to_string(),
        o,
        layout,
    })
}

async fn load(state: &AppState, signed: &SignedIn, id: &str) -> Result<OrderRecord, AppError> {
    require_reader(&signed.actor)?;
    Ok(state.store().order(&signed.actor, order_id(id)?).await?)
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let o = load(&state, &signed, &id).await?;
    render(&detail_page(&state, &signed, o, FormErrors::default(), Typed::default()).await?)
}

/// The page again with the errors next to the fields and what was typed kept (422).
async fn refused(
    state: &AppState,
    signed: &SignedIn,
    id: OrderId,
    errors: FormErrors,
    typed: Typed,
) -> Result<Response, AppError> {
    let o = state.store().order(&signed.actor, id).await?;
    let page = detail_page(state, signed, o, errors, typed).await?;
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        axum::Extension(KeepBody),
        render(&page)?,
    )
        .into_response())
}

/// What a refused step says next to which field.
pub(crate) fn step_errors(t: &Tr, error: &OrderError, errors: &mut FormErrors) -> bool {
    match error {
        OrderError::Invalid(field) => {
            let (field, key) = order_error_field(field);
            errors.add_t(field, t, key);
            true
        }
        OrderError::TooLong(field) => {
            let limit = i64::try_from(text_limit(field)).unwrap_or(i64::MAX);
            errors.add_tn(
                order_error_field(field).0,
                t,
                "order-error-too-long",
                "max",
                limit,
            );
            true
        }
        OrderError::Quote(QuoteRefusal::Superseded) => {
            errors.add_t("quote_revision", t, "order-error-quote-superseded");
            true
        }
        OrderError::Quote(QuoteRefusal::Expired) => {
            errors.add_t("quote_revision", t, "order-error-quote-expired");
            true
        }
        _ => false,
    }
}

pub(super) async fn step(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let o = load(&state, &signed, &id).await?;
    let form: StepFormInput =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("bad_request"))?;
    let step = OrderStep::parse(&form.step).ok_or(AppError::BadRequest("bad_request"))?;
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let patch = match form.patch.trim() {
        "" => None,
        text => match text.parse() {
            Ok(id) => Some(PatchId(id)),
            Err(_) => {
                errors.add_t("patch", &t, "order-error-patch");
                None
            }
        },
    };
    if errors.is_empty() {
        let input = StepInput {
            reason: form.reason.clone(),
            purchase_order: form.purchase_order.clone(),
            quote_revision: form.quote_revision,
            delivered_in: form.delivered_in.clone(),
            patch,
        };
        match state
            .store()
            .order_step(&signed.actor, o.id, step, &input, today(), form.version)
            .await
        {
            Ok(_) => {
                return Ok(Redirect::to(&format!("/customization-orders/{}", o.id)).into_response());
            }
            Err(error) => {
                if !step_errors(&t, &error, &mut errors) {
                    return Err(error.into());
                }
            }
        }
    }
    let typed = Typed {
        step: form,
        ..Typed::default()
    };
    refused(&state, &signed, o.id, errors, typed).await
}

pub(super) async fn quote(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let o = load(&state, &signed, &id).await?;
    let multipart = multipart.map_err(|_| AppError::BadRequest("bad_request"))?;
    let typed = MultipartForm::read(&state, &signed.actor, multipart).await?;
    let form = QuoteInput {
        scope: typed.get("scope"),
        hours: typed.get("hours"),
        hourly_rate: typed.get("hourly_rate"),
        currency: typed.get("currency"),
        vat_rate: typed.get("vat_rate"),
        delivery_on: typed.get("delivery_on"),
        valid_until: typed.get("valid_until"),
        version: typed
            .get("version")
            .parse()
            .map_err(|_| AppError::BadRequest("bad_request"))?,
    };
    let files: Vec<FileId> = typed.files.iter().map(|f| f.id).collect();
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    if let Some(new) = form.check(&t, &mut errors) {
        match state
            .store()
            .issue_quote(&signed.actor, o.id, &new, &files, today(), form.version)
            .await
        {
            Ok(_) => {
                return Ok(Redirect::to(&format!("/customization-orders/{}", o.id)).into_response());
            }
            Err(error) => {
                if !step_errors(&t, &error, &mut errors) {
                    return Err(error.into());
                }
            }
        }
    }
    if !typed.files.is_empty() {
        errors.add_t("quote_files", &t, "order-error-files-again");
    }
    let typed = Typed {
        quote: Some(form),
        ..Typed::default()
    };
    refused(&state, &signed, o.id, errors, typed).await
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct WorkForm {
    #[serde(default)]
    worked_on: String,
    #[serde(default)]
    hours: String,
    #[serde(default)]
    note: String,
}

pub(super) async fn work(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let o = load(&state, &signed, &id).await?;
    let form: WorkForm =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("bad_request"))?;
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let worked_on = form.worked_on.trim().parse::<NaiveDate>().ok();
    if worked_on.is_none() {
        errors.add_t("worked_on", &t, "order-error-date");
    }
    // "work_hours": the quote form on the same page has its own "hours".
    let hours = parse_hours(&form.hours);
    if hours.is_none() {
        errors.add_t("work_hours", &t, "order-error-hours");
    }
    if let (Some(worked_on), Some(hours)) = (worked_on, hours) {
        match state
            .store()
            .log_order_work(&signed.actor, o.id, worked_on, hours, &form.note, today())
            .await
        {
            Ok(()) => {
                return Ok(
                    Redirect::to(&format!("/customization-orders/{}#work", o.id)).into_response(),
                );
            }
            Err(OrderError::Invalid("hours")) => {
                errors.add_t("work_hours", &t, "order-error-hours");
            }
            Err(error) => {
                if !step_errors(&t, &error, &mut errors) {
                    return Err(error.into());
                }
            }
        }
    }
    let typed = Typed {
        work: form,
        ..Typed::default()
    };
    refused(&state, &signed, o.id, errors, typed).await
}

pub(super) async fn comment(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let o = load(&state, &signed, &id).await?;
    let multipart = multipart.map_err(|_| AppError::BadRequest("bad_request"))?;
    let typed = MultipartForm::read(&state, &signed.actor, multipart).await?;
    let body = typed.get("body");
    let internal = signed.actor.is_staff() && typed.get("internal") == "1";
    let files: Vec<FileId> = typed.files.iter().map(|f| f.id).collect();
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    match state
        .store()
        .add_order_comment(&signed.actor, o.id, &body, internal, &files)
        .await
    {
        Ok(()) => {
            return Ok(
                Redirect::to(&format!("/customization-orders/{}#conversation", o.id))
                    .into_response(),
            );
        }
        Err(error) => {
            if !step_errors(&t, &error, &mut errors) {
                return Err(error.into());
            }
        }
    }
    let typed = Typed {
        reply: body,
        ..Typed::default()
    };
    refused(&state, &signed, o.id, errors, typed).await
}

/// Streams a file of an order the user may see.
pub(crate) async fn download_file(
    state: &AppState,
    signed: &SignedIn,
    id: &str,
    file: &str,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    require_reader(&signed.actor)?;
    let id = order_id(id)?;
    let file: FileId = file.parse().map_err(|_| AppError::NotFound)?;
    let record = state.store().order_file(&signed.actor, id, file).await?;
    crate::downloads::respond(state, &record, headers).await
}

pub(super) async fn download(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((id, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    download_file(&state, &signed, &id, &file, &headers).await
}

#[derive(Debug, Deserialize)]
pub(super) struct ReservationForm {
    state: String,
    version: i64,
}

pub(super) async fn reservation(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((id, reservation)): Path<(String, String)>,
    body: Bytes,
) -> Result<Response, AppError> {
    let o = load(&state, &signed, &id).await?;
    let reservation: ReservationId = reservation.parse().map_err(|_| AppError::NotFound)?;
    let form: ReservationForm =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("bad_request"))?;
    let to = ReservationState::parse(&form.state).ok_or(AppError::BadRequest("bad_request"))?;
    state
        .store()
        .set_reservation_state(&signed.actor, o.id, reservation, to, form.version)
        .await?;
    Ok(Redirect::to(&format!("/customization-orders/{}#reservations", o.id)).into_response())
}
