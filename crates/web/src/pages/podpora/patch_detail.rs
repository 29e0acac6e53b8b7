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
use supportweb_app::Error;
use supportweb_app::administration::TeamMember;
use supportweb_app::podpora::patches::{
    DownloadRecord, PatchDetail, access_label, product_text, state_label,
};
use supportweb_app::podpora::{PatchRecord, applies_text, may_write};
use supportweb_app::support_documents::DocumentRecord;
use supportweb_domain::patch::{DownloadAccess, PatchStep};

use super::patches::day;
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::markdown::{RecordFile, to_safe_html};
use crate::pages::history::{self, HistoryLine};
use crate::pages::layout::Choice;
use crate::pages::layout::again;
use crate::pages::layout::{Layout, render};
use crate::state::AppState;

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
    id: &str,
    reason_error: Option<String>,
) -> Result<DetailPage, AppError> {
    let actor = &signed.actor;
    let patches = state.app().podpora().patches();
    let PatchDetail {
        patch: p,
        steps,
        history,
        documents,
    } = patches.detail(actor, id).await?;
    let layout = Layout::new(&signed.ctx, "patch-title");
    let t = layout.t;
    let is_staff = actor.is_staff();
    let closed = if is_staff { None } else { closed_text(&t, &p) };
    let team = if closed.is_some() {
        patches.contacts(actor).await?
    } else {
        Vec::new()
    };
    let (chosen, downloads) = if is_staff {
        let distribution = patches.distribution(actor, id).await?;
        let chosen = distribution
            .organisations
            .into_iter()
            .map(|(_, name)| name)
            .collect();
        let downloads = distribution
            .downloads
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
    let steps = steps
        .into_iter()
        .map(|s| Choice {
            value: s.as_str().to_owned(),
            label: t.t(format!("patch-step-{}", s.as_str())),
            selected: false,
        })
        .collect();
    // Its pictures show only to those who may download its files.
    let record_files: Vec<RecordFile> = if p.access == DownloadAccess::Allowed {
        p.files
            .iter()
            .map(|f| {
                RecordFile::under(
                    &format!("/podpora/patches/{}/files", p.id),
                    f.file_id,
                    &f.file_name,
                )
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(DetailPage {
        documents,
        product: product_text(&p),
        applies: applies_text(&t, &p.applies),
        released: day(p.released_on),
        state: state_label(&t, p.state),
        access: access_label(&t, p.access),
        notes_html: to_safe_html(&p.release_notes, &record_files),
        history: history::format(&t, "patch", history),
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
    render(&detail_page(&state, &signed, &id, None).await?)
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
    let patches = state.app().podpora().patches();
    let patch = patches.get(&signed.actor, &id).await?;
    if !may_write(&signed.actor) {
        return Err(AppError::NotFound);
    }
    let form: StepForm =
        serde_urlencoded::from_bytes(&body).map_err(|_| AppError::BadRequest("bad_request"))?;
    let step = PatchStep::parse(&form.step).ok_or(AppError::BadRequest("bad_request"))?;
    match patches
        .step(&signed.actor, &id, step, &form.reason, form.version)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/podpora/patches/{}", patch.id)).into_response()),
        Err(Error::Invalid(problems)) => {
            let t = Tr::new(signed.ctx.lang);
            let message = problems.iter().next().map(|(_, p)| t.t(p.code));
            let page = detail_page(&state, &signed, &id, message).await?;
            again(StatusCode::UNPROCESSABLE_ENTITY, &page)
        }
        Err(error) => Err(error.into()),
    }
}

/// Streams a patch file to whoever may download it and logs the download; a customer who may
/// see the patch but not download it gets its page with the reason (403).
pub(super) async fn download(
    State(state): State<AppState>,
    signed: SignedIn,
    ClientAddress(address): ClientAddress,
    method: Method,
    Path((id, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    match crate::downloads::patch_file(&state, &signed, method, &address, &id, &file, &headers)
        .await
    {
        Err(AppError::DownloadClosed(_)) => {
            let page = detail_page(&state, &signed, &id, None).await?;
            again(StatusCode::FORBIDDEN, &page)
        }
        other => other,
    }
}
