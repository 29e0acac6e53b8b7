//! "My work" through the JSON API: the same blocks as the start page.

use axum::Json;
use axum::extract::State;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::context::SignedIn;
use crate::error::AppError;
use crate::state::AppState;

/// One record of a block.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyWorkItem {
    /// Its page in the portal.
    pub path: String,
    /// Number (a patch's build).
    pub number: String,
    /// Subject, title or task.
    pub title: String,
    /// Its organisation (empty for a patch).
    pub organisation: String,
    /// The running deadline (SLA).
    pub due_at: Option<DateTime<Utc>>,
    /// The day that matters (a task's due day, a verification deadline, a release day).
    pub due_on: Option<NaiveDate>,
    /// Needs action now: an SLA within four business hours or breached, a day passed.
    pub urgent: bool,
}

/// One block.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyWorkBlock {
    /// `documents-assigned`, `documents-unassigned`, `tasks-mine`, `orders-waiting`,
    /// `protocols-overdue` (staff); `documents-waiting`, `quotes-to-approve`,
    /// `protocols-to-verify`, `tasks-owed`, `patches-new` (customer and partner users).
    pub kind: String,
    /// How many (counted up to 100).
    pub count: usize,
    /// Whether there are more than 100.
    pub more: bool,
    /// The first five.
    pub items: Vec<MyWorkItem>,
    /// The overview with the same filters.
    pub path: String,
}

/// The support situation of an organisation.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContractSituation {
    /// Organisation id.
    pub organisation_id: Uuid,
    /// Its name.
    pub organisation: String,
    /// Whether a support contract covers today.
    pub entitled: bool,
    /// The last covered day, when within 30 days.
    pub ends_on: Option<NaiveDate>,
}

/// What the caller should do next.
#[derive(Debug, Serialize, ToSchema)]
pub struct MyWork {
    /// The blocks the caller's rights give, in the order the start page shows them.
    pub blocks: Vec<MyWorkBlock>,
    /// Customers: each of their organisations; staff: their account teams' organisations
    /// whose support ends within 30 days.
    pub contracts: Vec<ContractSituation>,
}

/// The start page's "my work": for staff their open documents by SLA, unassigned documents
/// of their account teams, their protocol tasks, orders and protocols waiting; for customer
/// and partner users what waits for their answer, approval or verification, the tasks their
/// organisation owes, new patches for their installations and their contract state.
#[utoipa::path(
    get,
    path = "/api/v1/me/work",
    tag = "account",
    responses(
        (status = 200, description = "The caller's work", body = MyWork)
    )
)]
pub async fn work(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Json<MyWork>, AppError> {
    let work = state.app().my_work(&signed.actor).await?;
    Ok(Json(MyWork {
        blocks: work
            .blocks
            .into_iter()
            .map(|b| MyWorkBlock {
                kind: b.kind.as_str().to_owned(),
                count: b.count,
                more: b.more,
                path: b.href,
                items: b
                    .items
                    .into_iter()
                    .map(|i| MyWorkItem {
                        path: i.path,
                        number: i.number,
                        title: i.title,
                        organisation: i.organisation,
                        due_at: i.due,
                        due_on: i.due_day,
                        urgent: i.urgent,
                    })
                    .collect(),
            })
            .collect(),
        contracts: work
            .contracts
            .into_iter()
            .map(|c| ContractSituation {
                organisation_id: c.organisation_id.0,
                organisation: c.organisation,
                entitled: c.entitled,
                ends_on: c.ends_on,
            })
            .collect(),
    }))
}
