//! A protocol's page, its steps, its revisions compared, the A4 print view and its files.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use serde::Deserialize;
use supportweb_app::Error;
use supportweb_app::protocols::{
    ENTITY, ProtocolDetail, ProtocolRecord, ProtocolStep, RevisionText, TaskRecord, held,
    kind_label, state_label,
};
use supportweb_domain::protocol::ParticipantSide;
use supportweb_domain::text_diff::diff_lines;

use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::markdown::{RecordFile, to_safe_html};
use crate::pages::history::{self, HistoryLine};
use crate::pages::layout::Choice;
use crate::pages::layout::again;
use crate::pages::layout::{Layout, render};
use crate::pages::support_documents::view::when;
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
    pub(crate) fn of(t: &Tr, p: ProtocolRecord, review: Vec<TaskRecord>) -> Self {
        let files: Vec<RecordFile> = p
            .files
            .iter()
            .map(|f| {
                RecordFile::under(
                    &format!("/protocols/{}/files", p.id),
                    f.file_id,
                    &f.file_name,
                )
            })
            .collect();
        Shown {
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
                    summary_html: to_safe_html(&i.summary, &files),
                    decisions_html: to_safe_html(&i.decisions, &files),
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
        }
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
    id: &str,
    comment_error: Option<String>,
) -> Result<DetailPage, AppError> {
    let detail = state.app().protocols().detail(&signed.actor, id).await?;
    let layout = Layout::new(&signed.ctx, "protocol-title");
    let t = layout.t;
    let may_edit = detail.may_edit();
    let may_change_tasks = detail.may_change_tasks();
    let ProtocolDetail {
        protocol,
        steps,
        review,
        revisions,
        history,
        ..
    } = detail;
    Ok(DetailPage {
        may_edit,
        may_change_tasks,
        steps: steps
            .into_iter()
            .map(|s| Choice {
                value: s.as_str().to_owned(),
                label: t.t(format!("protocol-step-{}", s.as_str())),
                selected: false,
            })
            .collect(),
        revisions: revisions
            .into_iter()
            .map(|(n, _, who, at)| (n, who, when(at)))
            .collect(),
        history: history::format(&t, ENTITY, history),
        comment_error,
        s: Shown::of(&t, protocol, review),
        layout,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    render(&detail_page(&state, &signed, &id, None).await?)
}

#[derive(Debug, Deserialize)]
pub(super) struct StepForm {
    step: String,
    #[serde(default)]
    comment: String,
    version: i64,
}

pub(super) async fn step(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    let protocols = state.app().protocols();
    let p = protocols.get(&signed.actor, &id).await?;
    let form: StepForm =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("bad_request"))?;
    let step = ProtocolStep::parse(&form.step).ok_or(AppError::BadRequest("bad_request"))?;
    match protocols
        .step(&signed.actor, &id, step, &form.comment, form.version)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/protocols/{}", p.id)).into_response()),
        Err(Error::Invalid(_)) => {
            let t = Tr::new(signed.ctx.lang);
            let page =
                detail_page(&state, &signed, &id, Some(t.t("protocol-error-comment"))).await?;
            again(StatusCode::UNPROCESSABLE_ENTITY, &page)
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
    let protocols = state.app().protocols();
    let p = protocols.get(&signed.actor, &id).await?;
    let review = protocols.review(&signed.actor, &p).await?;
    let layout = Layout::new(&signed.ctx, "protocol-title");
    let t = layout.t;
    render(&PrintPage {
        s: Shown::of(&t, p, review),
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
    let RevisionText {
        protocol,
        revision,
        text,
        issued_by,
        issued_at,
        before,
    } = state
        .app()
        .protocols()
        .revision(&signed.actor, &id, &number)
        .await?;
    let changes = before
        .as_ref()
        .map(|(_, old)| diff_lines(old, &text))
        .unwrap_or_default()
        .into_iter()
        .map(|(change, line)| (change.as_str(), line))
        .collect();
    render(&RevisionPage {
        layout: Layout::new(&signed.ctx, "protocol-revision-title"),
        revision,
        who: issued_by,
        when: when(issued_at),
        previous: before.map(|(n, _)| n),
        changes,
        text,
        p: protocol,
    })
}

pub(super) async fn download(
    State(state): State<AppState>,
    signed: SignedIn,
    Path((id, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let record = state
        .app()
        .protocols()
        .file(&signed.actor, &id, &file)
        .await?;
    crate::downloads::respond(&state, &record, &headers).await
}
