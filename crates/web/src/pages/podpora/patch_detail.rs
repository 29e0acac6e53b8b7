//! A patch's page: release notes, the versions it applies to, its files with SHA-256 and the
//! download links — or, for a customer whose contract did not cover the release date, the
//! plain reason and whom to contact —, its history, and for staff the steps (publish,
//! withdraw with a reason, publish again), the chosen organisations and the download log.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use bytes::Bytes;
use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::ids::FileId;
use supportweb_domain::patch::{DownloadAccess, PatchStep};
use supportweb_storage::organisations::TeamMember;
use supportweb_storage::patches::{DownloadRecord, ENTITY, PatchError, PatchRecord};
use supportweb_storage::support_documents::DocumentRecord;

use super::patches::{access_label, day, product_text, state_label};
use super::{may_write, patch_id, require_reader};
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::markdown::to_safe_html;
use crate::middleware::KeepBody;
use crate::pages::Choice;
use crate::pages::history::{HistoryLine, lines_for};
use crate::pages::{Layout, render};
use crate::state::AppState;
use supportweb_app::podpora::applies_text;

#[derive(Template)]
#[template(path = "podpora_patch.html")]
struct DetailPage {
    layout: Layout,
    p: PatchRecord,
    product: String,
    applies: String,
    released: String,
    state: String,
    access: String,
    /// Why downloading is closed, and whom to contact (customers only).
    closed: Option<String>,
    team: Vec<TeamMember>,
    notes_html: String,
    is_staff: bool,
    may_write: bool,
    steps: Vec<Choice>,
    chosen: Vec<String>,
    downloads: Vec<(String, DownloadRecord)>,
    history: Vec<HistoryLine>,
    reason_error: Option<String>,
    /// Support documents solved by it that the user may see.
    documents: Vec<DocumentRecord>,
}

/// The account teams of the actor's organisations that see the patch: whom to contact.
async fn contacts(state: &AppState, actor: &Actor) -> Result<Vec<TeamMember>, AppError> {
    let mut team: Vec<TeamMember> = Vec::new();
    for m in &actor.memberships {
        if m.rights.podpora.may_enter() {
            for member in state.store().account_team(actor, m.organisation_id).await? {
                if !team.iter().any(|t| t.user_id == member.user_id) {
                    team.push(member);
                }
            }
        }
    }
    Ok(team)
}

/// Why a customer may not download, in the user's language.
pub(crate) fn closed_text(t: &Tr, p: &PatchRecord) -> Option<String> {
    match p.access {
        DownloadAccess::Allowed => None,
        DownloadAccess::Withdrawn => Some(t.t1(
            "patch-closed-withdrawn-reason",
            "reason",
            &p.withdrawal_reason,
        )),
        DownloadAccess::NotCovered => {
            Some(t.t1("patch-closed-not-covered-on", "date", &day(p.released_on)))
        }
    }
}

async fn detail_page(
    state: &AppState,
    signed: &SignedIn,
    p: PatchRecord,
    reason_error: Option<String>,
) -> Result<DetailPage, AppError> {
    let actor = &signed.actor;
    let layout = Layout::new(&signed.ctx, "patch-title");
    let t = layout.t;
    let is_staff = actor.is_staff();
    let closed = if is_staff { None } else { closed_text(&t, &p) };
    let team = if closed.is_some() {
        contacts(state, actor).await?
    } else {
        Vec::new()
    };
    let (chosen, downloads) = if is_staff {
        let chosen = state
            .store()
            .patch_organisations(actor, p.id)
            .await?
            .into_iter()
            .map(|(_, name)| name)
            .collect();
        let downloads = state
            .store()
            .patch_downloads(actor, p.id, 200)
            .await?
            .into_iter()
            .map(|d| {
                (
                    crate::pages::support_documents::view::when(d.downloaded_at),
                    d,
                )
            })
            .collect();
        (chosen, downloads)
    } else {
        (Vec::new(), Vec::new())
    };
    let steps = if may_write(actor) {
        PatchStep::from(p.state)
            .into_iter()
            .map(|s| Choice {
                value: s.as_str().to_owned(),
                label: t.t(format!("patch-step-{}", s.as_str())),
            })
            .collect()
    } else {
        Vec::new()
    };
    let documents = state.store().patch_documents(actor, &p).await?;
    Ok(DetailPage {
        documents,
        product: product_text(&p),
        applies: applies_text(&t, &p.applies),
        released: day(p.released_on),
        state: state_label(&t, p.state),
        access: access_label(&t, p.access),
        notes_html: to_safe_html(&p.release_notes),
        history: lines_for(state, &t, actor, ENTITY, p.id.0).await?,
        closed,
        team,
        is_staff,
        may_write: may_write(actor),
        steps,
        chosen,
        downloads,
        reason_error,
        p,
        layout,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    require_reader(&signed.actor)?;
    let patch = state.store().patch(&signed.actor, patch_id(&id)?).await?;
    render(&detail_page(&state, &signed, patch, None).await?)
}

#[derive(Debug, Deserialize)]
pub(super) struct StepForm {
    step: String,
    #[serde(default)]
    reason: String,
    version: i64,
}

pub(super) async fn step(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Response, AppError> {
    require_reader(&signed.actor)?;
    let id = patch_id(&id)?;
    let patch = state.store().patch(&signed.actor, id).await?;
    if !may_write(&signed.actor) {
        return Err(AppError::NotFound);
    }
    let form: StepForm =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("bad_request"))?;
    let step = PatchStep::parse(&form.step).ok_or(AppError::BadRequest("bad_request"))?;
    match state
        .store()
        .patch_step(&signed.actor, id, step, &form.reason, form.version)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/podpora/patches/{id}")).into_response()),
        Err(PatchError::Invalid(field)) => {
            let t = Tr::new(signed.ctx.lang);
            let message = t.t(crate::error::patch_error_code(field));
            let page = detail_page(&state, &signed, patch, Some(message)).await?;
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

/// Streams a patch file to whoever may download it and logs the download; a customer who may
/// see the patch but not download it gets its page with the reason (403).
pub(crate) async fn download_file(
    state: &AppState,
    signed: &SignedIn,
    method: Method,
    address: &str,
    id: &str,
    file: &str,
    headers: &HeaderMap,
) -> Result<Response, AppError> {
    require_reader(&signed.actor)?;
    let id = patch_id(id)?;
    let file: FileId = file.parse().map_err(|_| AppError::NotFound)?;
    let record = state
        .store()
        .patch_download(&signed.actor, id, file)
        .await?;
    let response = crate::downloads::respond(state, &record, headers).await?;
    // Only content that goes out is a download: not a 304, a refused range, or a HEAD.
    if matches!(
        response.status(),
        StatusCode::OK | StatusCode::PARTIAL_CONTENT
    ) && method != Method::HEAD
    {
        let range = headers
            .get(axum::http::header::RANGE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .chars()
            .take(100)
            .collect::<String>();
        state
            .store()
            .log_patch_download(&signed.actor, id, file, &range, address)
            .await?;
    }
    Ok(response)
}

pub(super) async fn download(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    method: Method,
    Path((id, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    match download_file(&state, &signed, method, &address, &id, &file, &headers).await {
        Err(AppError::DownloadClosed(_)) => {
            let patch = state.store().patch(&signed.actor, patch_id(&id)?).await?;
            let page = detail_page(&state, &signed, patch, None).await?;
            Ok((
                StatusCode::FORBIDDEN,
                axum::Extension(KeepBody),
                render(&page)?,
            )
                .into_response())
        }
        other => other,
    }
}
