//! An organisation's timeline through the JSON API: the same events as
//! `/organisations/{id}/timeline`, the same scope.

use axum::Json;
use axum::extract::{Path, Query, State};
use chrono::{DateTime, Utc};
use serde::Serialize;
use supportweb_app::timeline::TimelineParams;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::context::SignedIn;
use crate::error::{AppError, Problem};
use crate::state::AppState;

/// A record an event relates to.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineLink {
    /// `support_documents` or `patches`.
    pub agenda: String,
    /// Its id.
    pub id: Uuid,
    /// Its number or name.
    pub label: String,
    /// Its page in the portal.
    pub path: String,
}

/// One thing that happened.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelineEntry {
    /// Position (pass the last one's as `after` for older events).
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// `support_documents`, `customization_orders`, `protocols`, `podpora`, `contracts`.
    pub agenda: String,
    /// What happened: `document_opened`, `document_state`, `document_reply`, `document_note`
    /// (staff), `document_patch`, `order_submitted`, `order_state`, `order_reply`,
    /// `order_note` (staff), `protocol_issued`, `protocol_confirmed`, `protocol_objected`,
    /// `task_due`, `task_done`, `patch_published`, `contract_concluded`, `contract_changed`.
    pub kind: String,
    /// The record.
    pub record_id: Uuid,
    /// Its number and name at the time.
    pub title: String,
    /// The new state, the protocol's revision, the task, or the patch's release day.
    pub detail: String,
    /// The record's page in the portal.
    pub path: String,
    /// A related record the caller may open.
    pub related: Option<TimelineLink>,
}

/// A page of the timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct TimelinePage {
    /// The organisation's name.
    pub organisation: String,
    /// Newest first.
    pub items: Vec<TimelineEntry>,
    /// Pass as `after` for the next page; absent on the last.
    pub next: Option<i64>,
}

/// What happened at an organisation, newest first, 50 a page: staff see what their roles
/// read, the organisation's users what their rights in it give (never an internal note or
/// a draft protocol); another organisation is not found.
#[utoipa::path(
    get,
    path = "/api/v1/organisations/{id}/timeline",
    tag = "administration",
    params(("id" = Uuid, Path, description = "Organisation id"), TimelineParams),
    responses(
        (status = 200, description = "A page of events", body = TimelinePage),
        (status = 404, description = "No such organisation visible to the caller", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A filter that does not parse, named in `fields`", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn timeline(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    Query(params): Query<TimelineParams>,
) -> Result<Json<TimelinePage>, AppError> {
    let timeline = state.app().timeline(&signed.actor, &id, &params).await?;
    Ok(Json(TimelinePage {
        organisation: timeline.organisation_name,
        next: timeline.next,
        items: timeline
            .items
            .into_iter()
            .map(|item| {
                let event = item.event;
                TimelineEntry {
                    related: match (event.link_id, item.link_path) {
                        (Some(id), Some(path)) => Some(TimelineLink {
                            agenda: event.link_agenda,
                            id,
                            label: event.link_label,
                            path,
                        }),
                        _ => None,
                    },
                    id: event.id,
                    at: event.at,
                    agenda: event.agenda,
                    kind: event.kind,
                    record_id: event.record_id,
                    title: event.title,
                    detail: event.detail,
                    path: item.path,
                }
            })
            .collect(),
    }))
}
