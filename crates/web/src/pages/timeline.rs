//! An organisation's timeline (`/organisations/{id}/timeline`): what happened in its
//! agendas, newest first, as far as the reader may see, with a filter by agenda and a link
//! to older events.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use supportweb_app::Error;
use supportweb_app::timeline::{TimelineEvent, TimelineItem, TimelineParams, agenda_label_key};
use supportweb_domain::calendar::prague_time;
use supportweb_domain::contract::ContractState;
use supportweb_domain::customization_order::OrderState;
use supportweb_domain::support_document::DocumentState;

use super::form::FormErrors;
use super::layout::{Choice, Layout, render};
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;

/// One event as the page shows it.
struct EventRow {
    /// `2026-12-04T10:15:00Z`, for `<time datetime>`.
    at: String,
    /// `4. 12. 2026 11:15` in Prague time.
    when: String,
    agenda: String,
    what: String,
    href: String,
    title: String,
    detail: String,
    link: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "timeline.html")]
struct TimelinePage {
    layout: Layout,
    organisation_id: String,
    params: TimelineParams,
    agendas: Vec<Choice>,
    events: Vec<EventRow>,
    older: Option<String>,
    errors: FormErrors,
}

/// The event's detail in words: a state's name, a protocol's revision, a task, a day.
pub(crate) fn detail(t: &Tr, event: &TimelineEvent) -> String {
    match event.kind.as_str() {
        "document_opened" | "document_state" => DocumentState::parse(&event.detail)
            .map(|s| t.t(supportweb_i18n::document_state_key(s)))
            .unwrap_or_else(|| event.detail.clone()),
        "order_submitted" | "order_state" => OrderState::parse(&event.detail)
            .map(|s| t.t(supportweb_i18n::order_state_key(s)))
            .unwrap_or_else(|| event.detail.clone()),
        "contract_concluded" | "contract_changed" => ContractState::parse(&event.detail)
            .map(|s| t.t(format!("contract-state-{}", s.as_str())))
            .unwrap_or_else(|| event.detail.clone()),
        "protocol_issued" | "protocol_confirmed" | "protocol_objected" => {
            t.t1("timeline-revision", "revision", &event.detail)
        }
        _ => event.detail.clone(),
    }
}

/// The Fluent id of what happened.
pub(crate) fn kind_key(kind: &str) -> String {
    format!("timeline-{}", kind.replace('_', "-"))
}

fn row(t: &Tr, item: TimelineItem) -> EventRow {
    let event = &item.event;
    let agenda = supportweb_app::timeline::TimelineAgenda::parse(&event.agenda)
        .map(|a| t.t(agenda_label_key(a)))
        .unwrap_or_default();
    EventRow {
        at: event.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        when: prague_time(event.at)
            .format("%-d. %-m. %Y %H:%M")
            .to_string(),
        agenda,
        what: t.t(kind_key(&event.kind)),
        title: event.title.clone(),
        detail: detail(t, event),
        link: item
            .link_path
            .clone()
            .map(|href| (href, event.link_label.clone())),
        href: item.path,
    }
}

pub(crate) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    Query(params): Query<TimelineParams>,
) -> Result<Html<String>, AppError> {
    let mut layout = Layout::new(&signed.ctx, "timeline-link");
    let t = layout.t;
    let app = state.app();
    let (timeline, errors) = match app.timeline(&signed.actor, &id, &params).await {
        Ok(timeline) => (timeline, FormErrors::default()),
        Err(Error::Invalid(fields)) => {
            let errors = FormErrors::from_fields(&fields, &t);
            let unfiltered = app
                .timeline(&signed.actor, &id, &TimelineParams::default())
                .await?;
            (unfiltered, errors)
        }
        Err(other) => return Err(other.into()),
    };
    layout.title = t.t1("timeline-title", "name", &timeline.organisation_name);
    let organisation_id = timeline.organisation_id.to_string();
    let older = timeline.next.map(|next| {
        let mut href = format!("/organisations/{organisation_id}/timeline?after={next}");
        if !params.agenda.is_empty() && errors.is_empty() {
            href.push_str("&agenda=");
            href.push_str(&params.agenda);
        }
        href
    });
    render(&TimelinePage {
        agendas: timeline
            .agendas
            .iter()
            .map(|a| Choice::translated(&t, a.as_str(), agenda_label_key(*a)))
            .collect(),
        events: timeline.items.into_iter().map(|i| row(&t, i)).collect(),
        organisation_id,
        older,
        errors,
        params,
        layout,
    })
}
