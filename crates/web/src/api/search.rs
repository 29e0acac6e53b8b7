//! Portal-wide search through the JSON API: the same search as `/search`, the same scope.

use axum::Json;
use axum::extract::{Query, State};
use chrono::{DateTime, Utc};
use serde::Serialize;
use supportweb_app::search::{SearchAgenda, SearchOutcome, SearchParams};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::context::SignedIn;
use crate::error::{AppError, Problem};
use crate::snippet::parts;
use crate::state::AppState;

/// A piece of a snippet.
#[derive(Debug, Serialize, ToSchema)]
pub struct SnippetPart {
    /// Text (plain, never HTML).
    pub text: String,
    /// Whether it is a word that matched.
    pub marked: bool,
}

/// One record found.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchItem {
    /// Record id.
    pub id: Uuid,
    /// Record number (a patch's build, an organisation's IČO, an account's login; empty for
    /// a procedure).
    #[schema(example = "SD-2026-000123")]
    pub number: String,
    /// Subject or title.
    pub title: String,
    /// Its organisation (none for patches, procedures and accounts).
    pub organisation_id: Option<Uuid>,
    /// The organisation's name.
    pub organisation: Option<String>,
    /// State (the agenda's state name; empty where the agenda has none).
    pub state: String,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// The record's path in the portal.
    pub path: String,
    /// Where the best match is: `record` (number, subject, description) or `conversation`.
    pub found_in: String,
    /// The words around the match.
    pub snippet: Vec<SnippetPart>,
}

/// The records of one agenda.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchGroup {
    /// `support-documents`, `customization-orders`, `protocols`, `patches`, `procedures`,
    /// `organisations`, `accounts`.
    pub agenda: String,
    /// Best first.
    pub items: Vec<SearchItem>,
    /// Whether the next page has more.
    pub more: bool,
}

/// What a search found.
#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResults {
    /// The query was the number of a record the caller may open: its path (and no groups).
    pub record: Option<String>,
    /// Page, from 1.
    pub page: u32,
    /// Agendas with records on this page.
    pub groups: Vec<SearchGroup>,
}

/// Searches every agenda the caller may read: every word must occur (case and diacritics
/// ignored, the last word as a prefix); internal notes only for staff, another
/// organisation's records never.
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    params(SearchParams),
    responses(
        (status = 200, description = "Records found, grouped by agenda, best first", body = SearchResults),
        (status = 422, description = "A filter that does not parse, named in `fields`", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn search(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<SearchParams>,
) -> Result<Json<SearchResults>, AppError> {
    Ok(Json(
        match state.app().search(&signed.actor, &params).await? {
            SearchOutcome::Record(path) => SearchResults {
                record: Some(path),
                page: 1,
                groups: Vec::new(),
            },
            SearchOutcome::Results { page, groups } => SearchResults {
                record: None,
                page,
                groups: groups
                    .into_iter()
                    .map(|group| SearchGroup {
                        agenda: group.agenda.as_str().to_owned(),
                        items: group
                            .hits
                            .into_iter()
                            .map(|hit| SearchItem {
                                path: group.agenda.path(hit.record_id),
                                id: hit.record_id,
                                number: hit.number,
                                title: hit.title,
                                organisation_id: hit.organisation_id,
                                organisation: hit.organisation_name,
                                state: hit.state,
                                updated_at: hit.updated_at,
                                found_in: if SearchAgenda::in_conversation(&hit.source) {
                                    "conversation".to_owned()
                                } else {
                                    "record".to_owned()
                                },
                                snippet: parts(&hit.snippet)
                                    .into_iter()
                                    .map(|p| SnippetPart {
                                        text: p.text,
                                        marked: p.marked,
                                    })
                                    .collect(),
                            })
                            .collect(),
                        more: group.more,
                    })
                    .collect(),
            },
        },
    ))
}
