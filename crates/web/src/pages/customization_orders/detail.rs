//! An order's page: the requirement, its quote revisions side by side, the customer's
//! answers, reservations, the staff's hours against the estimate, the history, and the forms
//! for the steps the user may take.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use chrono::NaiveDate;
use serde::Deserialize;
use supportweb_app::Error;
use supportweb_app::attachments::FileRecord;
use supportweb_app::customization_orders::{
    ENTITY, OrderCommentRecord, OrderDetail, OrderParty, OrderRecord, OrderStep, Orders,
    QuoteInput, QuoteRecord, ReservationState, StepInput, state_label, waiting_label,
};
use supportweb_domain::money::{format_amount, format_hours, parse_hours};

use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::markdown::{RecordFile, to_safe_html};
use crate::multipart::MultipartForm;
use crate::pages::form::FormErrors;
use crate::pages::history::{self, HistoryLine};
use crate::pages::layout::Choice;
use crate::pages::layout::again;
use crate::pages::layout::{Layout, render, today};
use crate::pages::support_documents::view::when;
use crate::state::AppState;

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
    fn new(
        t: &Tr,
        q: &QuoteRecord,
        o: &OrderRecord,
        today: NaiveDate,
        record_files: &[RecordFile],
    ) -> Self {
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
            scope_html: to_safe_html(&q.scope, record_files),
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
    /// The received e-mail it came from (staff who read held mail).
    pub mail: Option<String>,
}

/// A step the user may take, with what its form asks for.
pub(crate) struct StepView {
    pub value: &'static str,
    pub label: String,
    pub reason: bool,
}

/// The step form as sent.
#[derive(Debug, Default, Clone, Deserialize)]
struct StepFormInput {
    #[serde(default)]
    step: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    purchase_order: String,
    #[serde(default)]
    quote_revision: Option<i64>,
    #[serde(default)]
    delivered_in: String,
    #[serde(default)]
    patch: String,
    #[serde(default)]
    version: i64,
}

/// What the user typed into the one form of the page that came back with errors (the
/// others start afresh).
#[derive(Debug, Default)]
struct Typed {
    quote: Option<QuoteInput>,
    /// Files came with a refused quote: they must be chosen again.
    quote_files_again: bool,
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

async fn detail_page(
    state: &AppState,
    signed: &SignedIn,
    id: &str,
    errors: FormErrors,
    typed: Typed,
) -> Result<DetailPage, AppError> {
    let Typed {
        quote: quote_form,
        step: step_form,
        reply: typed_comment,
        work: mut work_form,
        ..
    } = typed;
    let orders = state.app().customization_orders();
    let actor = &signed.actor;
    let detail = orders.detail(actor, id).await?;
    let layout = Layout::new(&signed.ctx, "order-title");
    let t = layout.t;
    let today = today();
    if work_form.worked_on.is_empty() {
        work_form.worked_on = today.to_string();
    }
    let quote_form = if detail.may_quote() {
        Some(quote_form.unwrap_or_else(|| QuoteInput::prefilled(detail.quotes.last(), today)))
    } else {
        None
    };
    let steps: Vec<StepView> = detail
        .steps
        .iter()
        .filter(|s| **s != OrderStep::Quote)
        .map(|s| StepView {
            value: s.as_str(),
            label: t.t(format!("order-step-{}", s.as_str().replace('_', "-"))),
            reason: s.needs_reason(),
        })
        .collect();
    let estimate = detail
        .estimate()
        .map(|q| format_hours(q.estimated_centi_hours))
        .unwrap_or_default();
    let may_comment = detail.may_comment();
    let delivers = steps.iter().any(|s| s.value == OrderStep::Deliver.as_str());
    let patch_choices = if delivers {
        orders
            .delivery_patches(actor, &detail.order)
            .await?
            .into_iter()
            .map(|p| Choice {
                value: p.id.to_string(),
                label: format!("{} · {} {}", p.title, p.product_name, p.build),
                selected: false,
            })
            .collect()
    } else {
        Vec::new()
    };
    let OrderDetail {
        order: o,
        party,
        quotes,
        answers,
        reservations,
        work,
        files,
        comments,
        history,
        document,
        delivered_patch,
        from_mail,
        ..
    } = detail;
    let record_files: Vec<RecordFile> = files
        .iter()
        .chain(quotes.iter().flat_map(|q| q.files.iter()))
        .chain(comments.iter().flat_map(|c| c.files.iter()))
        .map(|f| {
            RecordFile::under(
                &format!("/customization-orders/{}/files", o.id),
                f.id,
                &f.file_name,
            )
        })
        .collect();
    let answers = answers
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
    let reservations = reservations
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
    let (work, worked) = match work {
        Some(work) => {
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
        }
        None => (Vec::new(), String::new()),
    };
    let comments = comments
        .into_iter()
        .map(|c| CommentView {
            body_html: to_safe_html(&c.body, &record_files),
            when: when(c.created_at),
            mail: from_mail
                .iter()
                .find(|(comment, _)| *comment == c.id)
                .map(|(_, mail)| mail.to_string()),
            c,
        })
        .collect();
    Ok(DetailPage {
        files,
        comments,
        may_comment,
        typed_comment,
        work_form,
        patch_choices,
        state: state_label(&t, o.state),
        waiting: waiting_label(&t, o.state),
        description_html: to_safe_html(&o.description, &record_files),
        quotes: quotes
            .iter()
            .map(|q| QuoteView::new(&t, q, &o, today, &record_files))
            .collect(),
        answers,
        reservations,
        steps,
        quote_form,
        step_form,
        may_fix: party == OrderParty::StaffWriter,
        is_staff: signed.actor.is_staff(),
        work,
        estimate,
        worked,
        delivered_patch: delivered_patch
            .map(|p| format!("{} {}", p.title, p.build))
            .unwrap_or_default(),
        document: document.map(|d| format!("{}|{}", d.id, d.number)),
        history: history::format(&t, ENTITY, history),
        errors,
        today: today.to_string(),
        o,
        layout,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    render(
        &detail_page(
            &state,
            &signed,
            &id,
            FormErrors::default(),
            Typed::default(),
        )
        .await?,
    )
}

/// The page again with the errors next to the fields and what was typed kept (422); an
/// error that is not about fields is answered as such.
async fn refused(
    state: &AppState,
    signed: &SignedIn,
    id: &str,
    error: Error,
    names: &[(&str, &str)],
    typed: Typed,
) -> Result<Response, AppError> {
    let Error::Invalid(problems) = error else {
        return Err(error.into());
    };
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::from_fields_renamed(problems, &t, names);
    if typed.quote_files_again {
        errors.add_t("quote_files", &t, "order-error-files-again");
    }
    let page = detail_page(state, signed, id, errors, typed).await?;
    again(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

fn back(o: &OrderRecord, anchor: &str) -> Response {
    Redirect::to(&format!("/customization-orders/{}{anchor}", o.id)).into_response()
}

pub(super) async fn step(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let orders = state.app().customization_orders();
    orders.get(&signed.actor, &id).await?;
    let form: StepFormInput =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("bad_request"))?;
    let step = OrderStep::parse(&form.step).ok_or(AppError::BadRequest("bad_request"))?;
    let done = match Orders::patch_id(&form.patch) {
        Ok(patch) => {
            let input = StepInput {
                reason: form.reason.clone(),
                purchase_order: form.purchase_order.clone(),
                quote_revision: form.quote_revision,
                delivered_in: form.delivered_in.clone(),
                patch,
            };
            orders
                .step(&signed.actor, &id, step, &input, form.version)
                .await
        }
        Err(error) => Err(error),
    };
    match done {
        Ok(o) => Ok(back(&o, "")),
        Err(error) => {
            let typed = Typed {
                step: form,
                ..Typed::default()
            };
            refused(&state, &signed, &id, error, &[], typed).await
        }
    }
}

pub(super) async fn quote(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let orders = state.app().customization_orders();
    orders.get(&signed.actor, &id).await?;
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
    let files: Vec<_> = typed.files.iter().map(|f| f.id).collect();
    let done = match form.check() {
        Ok(quote) => {
            orders
                .quote(&signed.actor, &id, &quote, &files, form.version)
                .await
        }
        Err(error) => Err(error),
    };
    match done {
        Ok(o) => Ok(back(&o, "")),
        Err(error) => {
            let typed = Typed {
                quote: Some(form),
                quote_files_again: !typed.files.is_empty(),
                ..Typed::default()
            };
            refused(&state, &signed, &id, error, &[], typed).await
        }
    }
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
    let orders = state.app().customization_orders();
    orders.get(&signed.actor, &id).await?;
    let form: WorkForm =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("bad_request"))?;
    let mut problems = supportweb_app::FieldErrors::default();
    let worked_on = form.worked_on.trim().parse::<NaiveDate>().ok();
    if worked_on.is_none() {
        problems.add("worked_on", "order-error-date");
    }
    let hours = parse_hours(&form.hours);
    if hours.is_none() {
        problems.add("hours", "order-error-hours");
    }
    let done = match (worked_on, hours) {
        (Some(worked_on), Some(hours)) => {
            orders
                .log_work(&signed.actor, &id, worked_on, hours, &form.note)
                .await
        }
        _ => Err(Error::Invalid(problems)),
    };
    match done {
        Ok(o) => Ok(back(&o, "#work")),
        Err(error) => {
            let typed = Typed {
                work: form,
                ..Typed::default()
            };
            // "work_hours": the quote form on the same page has its own "hours".
            refused(
                &state,
                &signed,
                &id,
                error,
                &[("hours", "work_hours")],
                typed,
            )
            .await
        }
    }
}

pub(super) async fn comment(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let orders = state.app().customization_orders();
    orders.get(&signed.actor, &id).await?;
    let multipart = multipart.map_err(|_| AppError::BadRequest("bad_request"))?;
    let typed = MultipartForm::read(&state, &signed.actor, multipart).await?;
    let body = typed.get("body");
    let internal = signed.actor.is_staff() && typed.get("internal") == "1";
    let files: Vec<_> = typed.files.iter().map(|f| f.id).collect();
    match orders
        .comment(&signed.actor, &id, &body, internal, &files)
        .await
    {
        Ok((o, _)) => Ok(back(&o, "#conversation")),
        Err(error) => {
            let typed = Typed {
                reply: body,
                ..Typed::default()
            };
            refused(&state, &signed, &id, error, &[], typed).await
        }
    }
}

pub(super) async fn download(
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
    let orders = state.app().customization_orders();
    orders.get(&signed.actor, &id).await?;
    let form: ReservationForm =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("bad_request"))?;
    let to = ReservationState::parse(&form.state).ok_or(AppError::BadRequest("bad_request"))?;
    let o = orders
        .set_reservation(&signed.actor, &id, &reservation, to, form.version)
        .await?;
    Ok(back(&o, "#reservations"))
}
