//! A protocol's page, its steps, its revisions compared, the A4 print view and its files.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use serde::Deserialize;
use supportweb_domain::ids::FileId;
use supportweb_domain::protocol::{ParticipantSide, ProtocolParty, ProtocolStep, available_steps};
use supportweb_domain::text_diff::diff_lines;
use supportweb_storage::protocols::{ENTITY, ProtocolError, ProtocolRecord, TaskRecord};

use super::overview::{kind_label, state_label};
use super::{held, protocol_id, require_reader, snapshot};
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::markdown::to_safe_html;
use crate::middleware::KeepBody;
use crate::pages::Choice;
use crate::pages::history::{HistoryLine, lines_for};
use crate::pages::support_documents::view::when;
use crate::pages::{Layout, render};
use crate::state::AppState;

/// An agenda item as shown.
pub(crate) struct ItemView {
    pub title: String,
    pub summary_html: String,
    pub decisions_html: String,
}

/// A participant as shown.
pub(crate) struct ParticipantView {
    pub name: String,
    pub side: String,
    pub present: bool,
}

/// A verifier's answer as shown.
pub(crate) struct ResponseView {
    pub revision: i64,
    pub who: String,
    pub confirmed: bool,
    pub comment: String,
    pub when: String,
}

/// Everything the page and the print view show of a protocol.
pub(crate) struct Shown {
    pub p: ProtocolRecord,
    pub kind: String,
    pub state: String,
    pub held: String,
    pub participants: Vec<ParticipantView>,
    pub verifiers: String,
    pub items: Vec<ItemView>,
    pub review: Vec<TaskRecord>,
    pub responses: Vec<ResponseView>,
}

impl Shown {
    pub(crate) async fn of(
        state: &AppState,
        signed: &SignedIn,
        t: &Tr,
        p: ProtocolRecord,
    ) -> Result<Self, AppError> {
        let review = state.store().protocol_review(&signed.actor, &p).await?;
        Ok(Shown {
            kind: kind_label(t, p.kind),
            state: state_label(t, p.state),
            held: held(&p),
            participants: p
                .participants
                .iter()
                .map(|x| ParticipantView {
                    name: x.name.clone(),
                    side: match x.side {
                        ParticipantSide::Vendor => t.t("protocol-side-vendor"),
                        ParticipantSide::Customer => p.organisation_name.clone(),
                        ParticipantSide::External => x.affiliation.clone(),
                    },
                    present: x.present,
                })
                .collect(),
            verifiers: p
                .verifiers
                .iter()
                .map(|(_, n)| n.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            items: p
                .items
                .iter()
                .map(|i| ItemView {
                    title: i.title.clone(),
                    summary_html: to_safe_html(&i.summary),
                    decisions_html: to_safe_html(&i.decisions),
                })
                .collect(),
            responses: p
                .responses
                .iter()
                .map(|r| ResponseView {
                    revision: r.revision,
                    who: r.user_name.clone(),
                    confirmed: r.confirmed,
                    comment: r.comment.clone(),
                    when: when(r.responded_at),
                })
                .collect(),
            review,
            p,
        })
    }
}

#[derive(Template)]
#[template(path = "protocol.html")]
struct DetailPage {
    layout: Layout,
    s: Shown,
    steps: Vec<Choice>,
    may_edit: bool,
    may_change_tasks: bool,
    revisions: Vec<(i64, String, String)>,
    history: Vec<HistoryLine>,
    comment_error: Option<String>,
}

async fn detail_page(
    state: &AppState,
    signed: &SignedIn,
    p: ProtocolRecord,
    comment_error: Option<String>,
) -> Result<DetailPage, AppError> {
    let layout = Layout::new(&signed.ctx, "protocol-title");
    let t = layout.t;
    let party = ProtocolParty::of(&signed.actor, p.organisation_id).ok_or(AppError::NotFound)?;
    let steps = available_steps(party, p.state)
        .into_iter()
        .map(|s| Choice {
            value: s.as_str().to_owned(),
            label: t.t(format!("protocol-step-{}", s.as_str())),
        })
        .collect();
    let revisions = state
        .store()
        .protocol_revisions(&signed.actor, p.id)
        .await?
        .into_iter()
        .map(|(n, _, who, at)| (n, who, when(at)))
        .collect();
    let history = lines_for(state, &t, &signed.actor, ENTITY, p.id.0).await?;
    let writer = party == ProtocolParty::StaffWriter;
    Ok(DetailPage {
        may_edit: writer && p.state.editable(),
        may_change_tasks: writer,
        steps,
        revisions,
        history,
        comment_error,
        s: Shown::of(state, signed, &t, p).await?,
        layout,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    require_reader(&signed.actor)?;
    let p = state
        .store()
        .protocol(&signed.actor, protocol_id(&id)?)
        .await?;
    render(&detail_page(&state, &signed, p, None).await?)
}

#[derive(Debug, Deserialize)]
pub(super) struct StepForm {
    step: String,
    #[serde(default)]
    comment: String,
    version: i64,
}

/// Takes a step for `signed`; issuing stores the revision's text.
pub(crate) async fn take_step(
    state: &AppState,
    signed: &SignedIn,
    p: &ProtocolRecord,
    step: ProtocolStep,
    comment: &str,
    version: i64,
) -> Result<(), ProtocolError> {
    let text = if step == ProtocolStep::Issue {
        let review = state.store().open_tasks_before(&signed.actor, p).await?;
        snapshot(p, &review)
    } else {
        String::new()
    };
    state
        .store()
        .protocol_step(&signed.actor, p.id, step, comment, &text, version)
        .await
        .map(|_| ())
}

pub(super) async fn step(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    require_reader(&signed.actor)?;
    let id = protocol_id(&id)?;
    let p = state.store().protocol(&signed.actor, id).await?;
    let form: StepForm =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("bad_request"))?;
    let step = ProtocolStep::parse(&form.step).ok_or(AppError::BadRequest("bad_request"))?;
    match take_step(&state, &signed, &p, step, &form.comment, form.version).await {
        Ok(()) => Ok(Redirect::to(&format!("/protocols/{id}")).into_response()),
        Err(ProtocolError::Invalid(_)) => {
            let t = Tr::new(signed.ctx.lang);
            let page = detail_page(&state, &signed, p, Some(t.t("protocol-error-comment"))).await?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                axum::Extension(KeepBody),
                render(&page)?,
            )
                .into_response())
        }
        Err(error) => Err(error.into()),
    }
}

#[derive(Template)]
#[template(path = "protocol_print.html")]
struct PrintPage {
    layout: Layout,
    s: Shown,
}

/// One clean A4 document: the header block, participants, items with decisions, tasks and
/// the confirmation record; no navigation.
pub(super) async fn print(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    require_reader(&signed.actor)?;
    let p = state
        .store()
        .protocol(&signed.actor, protocol_id(&id)?)
        .await?;
    let layout = Layout::new(&signed.ctx, "protocol-title");
    let t = layout.t;
    render(&PrintPage {
        s: Shown::of(&state, &signed, &t, p).await?,
        layout,
    })
}

#[derive(Template)]
#[template(path = "protocol_revision.html")]
struct RevisionPage {
    layout: Layout,
    p: ProtocolRecord,
    revision: i64,
    who: String,
    when: String,
    text: String,
    previous: Option<i64>,
    changes: Vec<(&'static str, String)>,
}

pub(super) async fn revision(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((id, number)): Path<(String, String)>,
) -> Result<Html<String>, AppError> {
    require_reader(&signed.actor)?;
    let id = protocol_id(&id)?;
    let number: i64 = number.parse().map_err(|_| AppError::NotFound)?;
    let p = state.store().protocol(&signed.actor, id).await?;
    let revisions = state.store().protocol_revisions(&signed.actor, id).await?;
    let (_, text, who, at) = revisions
        .iter()
        .find(|(n, ..)| *n == number)
        .cloned()
        .ok_or(AppError::NotFound)?;
    let before = revisions.iter().find(|(n, ..)| *n == number - 1);
    let changes = before
        .map(|(_, old, ..)| diff_lines(old, &text))
        .unwrap_or_default()
        .into_iter()
        .map(|(change, line)| (change.as_str(), line))
        .collect();
    render(&RevisionPage {
        layout: Layout::new(&signed.ctx, "protocol-revision-title"),
        revision: number,
        who,
        when: when(at),
        previous: before.map(|(n, ..)| *n),
        changes,
        text,
        p,
    })
}

/// Streams a file of a protocol the user may see.
pub(crate) async fn download_file(
    state: &AppState,
    signed: &SignedIn,
    id: &str,
    file: &str,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    require_reader(&signed.actor)?;
    let id = protocol_id(id)?;
    let file: FileId = file.parse().map_err(|_| AppError::NotFound)?;
    let record = state.store().protocol_file(&signed.actor, id, file).await?;
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
