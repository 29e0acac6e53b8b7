//! Held e-mails through the JSON API: the same list, reading and decisions as `/mail/held`
//! (staff who manage support documents).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use supportweb_app::mail_in::MailRecord;
use supportweb_app::mail_in::held::MailMessage;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::api::json;
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::{AppError, Problem};
use crate::state::AppState;

/// A received e-mail.
#[derive(Debug, Serialize, ToSchema)]
pub struct Mail {
    /// Id.
    pub id: Uuid,
    /// Its Message-ID.
    pub message_id: String,
    /// When it arrived.
    pub received_at: DateTime<Utc>,
    /// The sender's address.
    pub sender: String,
    /// The sender's name.
    pub sender_name: String,
    /// Subject.
    pub subject: String,
    /// The new text (quoted message and signature cut off).
    pub body: String,
    /// What became of it.
    #[schema(example = "held")]
    pub outcome: String,
    /// Why it was held, answered or ignored (`unknown_sender`, `foreign_token`, …).
    pub reason: String,
    /// The record it was about or became (agenda slug and id).
    pub record_agenda: Option<String>,
    /// The record's id.
    pub record_id: Option<Uuid>,
}

impl From<&MailRecord> for Mail {
    fn from(m: &MailRecord) -> Self {
        Mail {
            id: m.id,
            message_id: m.message_id.clone(),
            received_at: m.received_at,
            sender: m.sender.clone(),
            sender_name: m.sender_name.clone(),
            subject: m.subject.clone(),
            body: m.body.clone(),
            outcome: m.outcome.as_str().to_owned(),
            reason: m.reason.clone(),
            record_agenda: m.record.map(|r| r.agenda.slug().to_owned()),
            record_id: m.record.map(|r| r.id),
        }
    }
}

/// One page of held e-mails.
#[derive(Debug, Serialize, ToSchema)]
pub struct HeldMailPage {
    /// Newest first.
    pub items: Vec<Mail>,
    /// Pass as `before` for the next page.
    pub next: Option<Uuid>,
}

/// A received e-mail with its whole text and attachments.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailDetail {
    /// The e-mail.
    #[serde(flatten)]
    pub mail: Mail,
    /// The whole text as received (with the quoted message).
    pub original: String,
    /// Attachments: download them from `/mail/{id}/files/{index}`.
    pub files: Vec<MailFile>,
}

/// An attachment of a received e-mail.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailFile {
    /// Position.
    pub index: usize,
    /// File name.
    pub name: String,
    /// Size in bytes.
    pub size: usize,
}

impl From<MailMessage> for MailDetail {
    fn from(m: MailMessage) -> Self {
        MailDetail {
            mail: Mail::from(&m.mail),
            original: m.mail.original.clone(),
            files: m
                .files
                .into_iter()
                .map(|(index, name, size)| MailFile { index, name, size })
                .collect(),
        }
    }
}

/// Paging of held e-mails.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HeldQuery {
    /// The `next` of the previous page.
    #[param(format = Uuid)]
    pub before: Option<String>,
}

/// Held e-mails, newest first (staff who manage support documents).
#[utoipa::path(
    get,
    path = "/api/v1/mail/held",
    tag = "support documents",
    params(HeldQuery),
    responses(
        (status = 200, description = "Held e-mails", body = HeldMailPage),
        (status = 400, description = "`before` is not an e-mail id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "Not staff who manage support documents", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn held(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<HeldQuery>,
) -> Result<Json<HeldMailPage>, AppError> {
    let page = state
        .app()
        .held_mail(&signed.actor, query.before.as_deref())
        .await?;
    Ok(Json(HeldMailPage {
        items: page.items.iter().map(Mail::from).collect(),
        next: page.next,
    }))
}

/// A received e-mail (staff who manage support documents).
#[utoipa::path(
    get,
    path = "/api/v1/mail/{id}",
    tag = "support documents",
    params(("id" = Uuid, Path, description = "E-mail id")),
    responses(
        (status = 200, description = "The e-mail", body = MailDetail),
        (status = 404, description = "No such e-mail", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn detail(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<Uuid>,
) -> Result<Json<MailDetail>, AppError> {
    let message = state
        .app()
        .mail_message(&signed.actor, &id.to_string())
        .await?;
    Ok(Json(message.into()))
}

/// A decision about a held e-mail.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "decision", rename_all = "snake_case", deny_unknown_fields)]
pub enum MailDecision {
    /// Attach it to this support document as the sender's public reply.
    Attach {
        /// Document number, e.g. `SD-2026-000123`.
        #[schema(min_length = 1, max_length = 40)]
        document: String,
    },
    /// Open a new support document for a customer user of an organisation.
    Open {
        /// Organisation id.
        organisation: Uuid,
        /// The reporter's login name.
        #[schema(min_length = 1, max_length = 64)]
        reporter: String,
    },
    /// Discard it.
    Discard,
}

/// What a decision did.
#[derive(Debug, Serialize, ToSchema)]
pub struct MailDecided {
    /// The support document it went to (none when discarded).
    pub document_id: Option<Uuid>,
    /// Its number.
    pub document_number: Option<String>,
}

/// Decides about a held e-mail: attach, open a document, or discard (audited).
#[utoipa::path(
    post,
    path = "/api/v1/mail/{id}/decision",
    tag = "support documents",
    params(("id" = Uuid, Path, description = "E-mail id")),
    request_body = MailDecision,
    responses(
        (status = 200, description = "Decided", body = MailDecided),
        (status = 404, description = "No such e-mail, document or organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already decided", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The sender cannot reply there, or the reporter is not a member", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn decide(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    Path(id): Path<Uuid>,
    body: Bytes,
) -> Result<(StatusCode, Json<MailDecided>), AppError> {
    let app = state.app();
    let id = id.to_string();
    // Who may decide, and about what, before the body is read.
    app.mail_message(&signed.actor, &id).await?;
    let decision: MailDecision = json(&body)?;
    let document = match decision {
        MailDecision::Attach { document } => Some(
            app.attach_held(&signed.actor, &id, &document, &address)
                .await?,
        ),
        MailDecision::Open {
            organisation,
            reporter,
        } => Some(
            app.open_from_held(
                &signed.actor,
                &id,
                &organisation.to_string(),
                &reporter,
                &address,
            )
            .await?,
        ),
        MailDecision::Discard => {
            app.discard_held(&signed.actor, &id, &address).await?;
            None
        }
    };
    Ok((
        StatusCode::OK,
        Json(MailDecided {
            document_id: document.as_ref().map(|d| d.id.0),
            document_number: document.map(|d| d.number),
        }),
    ))
}
