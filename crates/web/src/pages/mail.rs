//! Held e-mails ("Zadržené e-maily", `/mail/held`): staff who manage support documents read
//! what e-mail in did not attach by itself — as text, attachments as downloads — and attach
//! it to a document of the sender's organisation, open a new document for a customer user,
//! or discard it. `/mail/{id}` also shows the original of a comment that came by e-mail.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use serde::Deserialize;
use supportweb_app::Error;
use supportweb_app::choices::Named;
use supportweb_app::mail_in::Reason;
use supportweb_app::mail_in::held::MailMessage;
use supportweb_domain::calendar::prague_time;
use supportweb_domain::ids::OrganisationId;

use super::form::{FormErrors, problems_of};
use super::layout::{Layout, again, render};
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;

/// One held message in the list.
struct HeldRow {
    id: String,
    when: String,
    sender: String,
    subject: String,
    reason: String,
}

#[derive(Template)]
#[template(path = "mail_held.html")]
struct HeldPage {
    layout: Layout,
    rows: Vec<HeldRow>,
    older: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub(crate) struct HeldQuery {
    #[serde(default)]
    before: String,
}

/// Why a message was held (or what became of it), in the reader's language.
pub(crate) fn reason_label(t: &Tr, reason: &str) -> String {
    match Reason::parse(reason) {
        Some(reason) => t.t(reason.label_key()),
        None => reason.to_owned(),
    }
}

pub(crate) async fn held(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<HeldQuery>,
) -> Result<Html<String>, AppError> {
    let page = state
        .app()
        .held_mail(&signed.actor, Some(&query.before))
        .await?;
    let t = Tr::new(signed.ctx.lang);
    let rows = page
        .items
        .into_iter()
        .map(|m| HeldRow {
            id: m.id.to_string(),
            when: prague_time(m.received_at)
                .format("%-d. %-m. %Y %H:%M")
                .to_string(),
            sender: if m.sender_name.is_empty() {
                m.sender.clone()
            } else {
                format!("{} <{}>", m.sender_name, m.sender)
            },
            subject: m.subject,
            reason: reason_label(
                &t,
                if m.reason.is_empty() {
                    Reason::Interrupted.as_str()
                } else {
                    &m.reason
                },
            ),
        })
        .collect();
    render(&HeldPage {
        layout: Layout::new(&signed.ctx, "mail-held-title"),
        rows,
        older: page.next.map(|id| id.to_string()),
    })
}

/// The decision forms as typed.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct DecisionForm {
    #[serde(default)]
    document: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    reporter: String,
}

#[derive(Template)]
#[template(path = "mail_message.html")]
struct MessagePage {
    layout: Layout,
    message: MailMessage,
    when: String,
    outcome: String,
    reason: String,
    open: bool,
    organisations: Vec<Named<OrganisationId>>,
    form: DecisionForm,
    errors: FormErrors,
}

async fn message_page(
    state: &AppState,
    signed: &SignedIn,
    id: &str,
    mut form: DecisionForm,
    errors: FormErrors,
) -> Result<MessagePage, AppError> {
    let app = state.app();
    let message = app.mail_message(&signed.actor, id).await?;
    let t = Tr::new(signed.ctx.lang);
    let open = message.mail.outcome.is_open();
    let organisations = if open {
        app.support_documents()
            .openable_organisations(&signed.actor)
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    if form.reporter.is_empty()
        && let [only] = message.sender_accounts.as_slice()
        && let Some(login) = only
            .name
            .rsplit_once('(')
            .map(|(_, l)| l.trim_end_matches(')'))
    {
        form.reporter = login.to_owned();
    }
    Ok(MessagePage {
        layout: Layout::new(&signed.ctx, "mail-message-title"),
        when: prague_time(message.mail.received_at)
            .format("%-d. %-m. %Y %H:%M")
            .to_string(),
        outcome: t.t(format!("mail-outcome-{}", message.mail.outcome.as_str())),
        reason: if message.mail.reason.is_empty() {
            String::new()
        } else {
            reason_label(&t, &message.mail.reason)
        },
        open,
        organisations,
        message,
        form,
        errors,
    })
}

pub(crate) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    render(
        &message_page(
            &state,
            &signed,
            &id,
            DecisionForm::default(),
            FormErrors::default(),
        )
        .await?,
    )
}

pub(crate) async fn file(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((id, index)): Path<(String, usize)>,
) -> Result<Response, AppError> {
    let file = state.app().mail_file(&signed.actor, &id, index).await?;
    crate::downloads::bytes_attachment(&file.name, file.bytes)
}

fn read_form(body: &[u8]) -> Result<DecisionForm, AppError> {
    serde_urlencoded::from_bytes(body).map_err(|_| AppError::BadRequest("bad_request"))
}

async fn refused(
    state: &AppState,
    signed: &SignedIn,
    id: &str,
    form: DecisionForm,
    error: Error,
    field: &'static str,
) -> Result<Response, AppError> {
    let t = Tr::new(signed.ctx.lang);
    let (status, errors) = problems_of(&t, error, field)?;
    let page = message_page(state, signed, id, form, errors).await?;
    again(status, &page)
}

pub(crate) async fn attach(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = read_form(&body)?;
    match state
        .app()
        .attach_held(&signed.actor, &id, &form.document, &address)
        .await
    {
        Ok(document) => {
            Ok(Redirect::to(&format!("/support-documents/{}", document.id)).into_response())
        }
        Err(error) => refused(&state, &signed, &id, form, error, "document").await,
    }
}

pub(crate) async fn open(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let form = read_form(&body)?;
    match state
        .app()
        .open_from_held(
            &signed.actor,
            &id,
            &form.organisation,
            &form.reporter,
            &address,
        )
        .await
    {
        Ok(document) => {
            Ok(Redirect::to(&format!("/support-documents/{}", document.id)).into_response())
        }
        Err(error) => refused(&state, &signed, &id, form, error, "organisation").await,
    }
}

pub(crate) async fn discard(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    match state.app().discard_held(&signed.actor, &id, &address).await {
        Ok(()) => Ok(Redirect::to("/mail/held").into_response()),
        Err(error) => {
            refused(
                &state,
                &signed,
                &id,
                DecisionForm::default(),
                error,
                "discard",
            )
            .await
        }
    }
}
