//! The customer timeline (`/organisations/{id}/timeline`, `GET /api/v1/organisations/{id}/timeline`):
//! what happened in one organisation — documents opened, their states and replies, orders
//! and their steps, protocols issued and confirmed, tasks due and done, patches published
//! for it, contract changes — newest first, each item linked to its record and to the
//! record it relates to, for staff and for that organisation's users as far as each may see.

use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::ids::OrganisationId;
pub use supportweb_storage::timeline::{TimelineAgenda, TimelineEvent};

use crate::App;
use crate::error::{Error, FieldErrors, Result};
use crate::overview::FilterReader;

/// Events per page.
pub const PAGE_SIZE: i64 = 50;

/// The timeline's query string.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimelineParams {
    /// Only this part: `support_documents`, `customization_orders`, `protocols`, `podpora`,
    /// `contracts`; empty: everything the caller may see.
    #[serde(default)]
    #[param(required = false, schema_with = crate::api_schema::timeline_agenda)]
    pub agenda: String,
    /// The `next` of the previous page.
    #[serde(default)]
    #[param(required = false, value_type = Option<i64>)]
    pub after: String,
}

/// One event with where it leads.
#[derive(Debug, Clone)]
pub struct TimelineItem {
    /// What happened.
    pub event: TimelineEvent,
    /// The record's page.
    pub path: String,
    /// The related record's page, when there is one the reader may open.
    pub link_path: Option<String>,
}

/// A page of an organisation's timeline.
#[derive(Debug, Clone)]
pub struct Timeline {
    /// The organisation.
    pub organisation_id: OrganisationId,
    /// Its name.
    pub organisation_name: String,
    /// The parts the reader may see (the filter's choices).
    pub agendas: Vec<TimelineAgenda>,
    /// Newest first.
    pub items: Vec<TimelineItem>,
    /// The cursor of the next page, if there is one.
    pub next: Option<i64>,
}

/// The message id of a part's name.
pub fn agenda_label_key(agenda: TimelineAgenda) -> &'static str {
    match agenda {
        TimelineAgenda::SupportDocuments => "agenda-support-documents",
        TimelineAgenda::CustomizationOrders => "agenda-customization-orders",
        TimelineAgenda::Protocols => "agenda-protocols",
        TimelineAgenda::Podpora => "agenda-podpora",
        TimelineAgenda::Contracts => "timeline-contracts",
    }
}

/// The page of a record of `agenda` (a contract's: the administration's for staff, the
/// organisation's own page for its users).
fn record_path(actor: &Actor, agenda: &str, id: uuid::Uuid) -> String {
    match agenda {
        "support_documents" => format!("/support-documents/{id}"),
        "customization_orders" => format!("/customization-orders/{id}"),
        "protocols" => format!("/protocols/{id}"),
        "podpora" | "patches" => format!("/podpora/patches/{id}"),
        _ if actor.is_staff() => format!("/admin/contracts/{id}"),
        _ => "/organisation".to_owned(),
    }
}

impl App {
    /// A page of `organisation`'s timeline as `actor` may see it. Another organisation's
    /// (for a customer) is not found.
    pub async fn timeline(
        &self,
        actor: &Actor,
        organisation: &str,
        params: &TimelineParams,
    ) -> Result<Timeline> {
        let organisation: OrganisationId = organisation.parse().map_err(|_| Error::NotFound)?;
        let mut errors = FieldErrors::default();
        let mut read = FilterReader::new(&mut errors, "timeline-error-filter");
        let only = read.value(&params.agenda, "agenda", TimelineAgenda::parse);
        let after = read.parsed::<i64>(&params.after, "after");
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        let store = self.store();
        let agendas = store.timeline_agendas(actor, organisation).await?;
        let record = store.organisation(actor, organisation).await?;
        let wanted: Vec<TimelineAgenda> = agendas
            .iter()
            .copied()
            .filter(|a| only.is_none_or(|o| o == *a))
            .collect();
        let mut events = store
            .timeline(
                actor,
                organisation,
                &wanted,
                after,
                PAGE_SIZE + 1,
                chrono::Utc::now(),
            )
            .await?;
        let more = events.len() > PAGE_SIZE as usize;
        events.truncate(PAGE_SIZE as usize);
        let next = if more {
            events.last().map(|e| e.id)
        } else {
            None
        };
        Ok(Timeline {
            organisation_id: organisation,
            organisation_name: record.name,
            agendas,
            items: events
                .into_iter()
                .map(|event| TimelineItem {
                    path: record_path(actor, &event.agenda, event.record_id),
                    link_path: event
                        .link_id
                        .map(|id| record_path(actor, &event.link_agenda, id)),
                    event,
                })
                .collect(),
            next,
        })
    }
}
