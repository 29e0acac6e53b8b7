//! The overview of support documents and its CSV export: views, filters, order, grouping and
//! keyset paging, all through the actor's scope.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Html, Response};
use chrono::{Duration, NaiveDate, Utc};
use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::agenda::{Agenda, AgendaRight};
use supportweb_domain::calendar::from_prague_time;
use supportweb_domain::ids::{OrganisationId, ProductId, UserId};
use supportweb_domain::severity::Severity;
use supportweb_domain::support_document::DocumentState;
use supportweb_storage::support_documents::{
    DocumentGrouping, DocumentQuery, DocumentSort, DocumentView, StateFilter,
};

use super::view::{OverviewRow, when};
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::pages::csv::{csv_response, push_record};
use crate::pages::form::FormErrors;
use crate::pages::{Layout, render};
use crate::state::AppState;

/// The overview's query string, as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub(crate) struct OverviewParams {
    #[serde(default)]
    pub view: String,
    #[serde(default)]
    pub state: String,
    #[serde(default)]
    pub severity: String,
    #[serde(default)]
    pub organisation: String,
    #[serde(default)]
    pub assignee: String,
    #[serde(default)]
    pub product: String,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub to: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub after: String,
}

/// The views a user is offered: staff the work queues, customers their own and their
/// organisations' documents.
pub(crate) fn views_for(actor: &Actor) -> Vec<DocumentView> {
    if actor.is_staff() {
        vec![
            DocumentView::Unassigned,
            DocumentView::AssignedToMe,
            DocumentView::Breached,
            DocumentView::All,
        ]
    } else {
        vec![DocumentView::Mine, DocumentView::All]
    }
}

fn optional<T: std::str::FromStr>(
    text: &str,
    field: &'static str,
    t: &Tr,
    errors: &mut FormErrors,
) -> Option<T> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let parsed = text.parse().ok();
    if parsed.is_none() {
        errors.add_t(field, t, "support-error-filter");
    }
    parsed
}

impl OverviewParams {
    /// The store query; bad values are reported per field and left out.
    pub(crate) fn query(&self, actor: &Actor, t: &Tr, errors: &mut FormErrors) -> DocumentQuery {
        let views = views_for(actor);
        let view = DocumentView::parse(&self.view)
            .filter(|v| views.contains(v))
            .unwrap_or(if actor.is_staff() {
                DocumentView::All
            } else {
                DocumentView::Mine
            });
        let state = match self.state.as_str() {
            "" => None,
            "unfinished" => Some(StateFilter::Unfinished),
            other => match DocumentState::parse(other) {
                Some(s) => Some(StateFilter::Is(s)),
                None => {
                    errors.add_t("state", t, "support-error-filter");
                    None
                }
            },
        };
        let severity = match self.severity.as_str() {
            "" => None,
            other => {
                let parsed = Severity::parse(other);
                if parsed.is_none() {
                    errors.add_t("severity", t, "support-error-filter");
                }
                parsed
            }
        };
        let date = |text: &str, field: &'static str, errors: &mut FormErrors| {
            optional::<NaiveDate>(text, field, t, errors)
        };
        let from = date(&self.from, "from", errors);
        let to = date(&self.to, "to", errors);
        DocumentQuery {
            view,
            state,
            severity,
            organisation: optional::<OrganisationId>(&self.organisation, "organisation", t, errors),
            assignee: optional::<UserId>(&self.assignee, "assignee", t, errors),
            product: optional::<ProductId>(&self.product, "product", t, errors),
            created_from: from.map(|d| from_prague_time(d.and_time(chrono::NaiveTime::MIN))),
            created_before: to.map(|d| {
                from_prague_time((d + Duration::days(1)).and_time(chrono::NaiveTime::MIN))
            }),
            sort: DocumentSort::parse(&self.sort).unwrap_or(DocumentSort::Newest),
            grouping: DocumentGrouping::parse(&self.group).unwrap_or(DocumentGrouping::None),
            after: optional(&self.after, "after", t, errors),
            limit: 50,
        }
    }

    /// The query string without the page position (for links to other pages and the export).
    pub(crate) fn filters(&self) -> String {
        serde_urlencoded::to_string([
            ("view", self.view.as_str()),
            ("state", self.state.as_str()),
            ("severity", self.severity.as_str()),
            ("organisation", self.organisation.as_str()),
            ("assignee", self.assignee.as_str()),
            ("product", self.product.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("sort", self.sort.as_str()),
            ("group", self.group.as_str()),
        ])
        .unwrap_or_default()
    }
}

/// A choice in a select.
pub(crate) struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "support_documents.html")]
struct OverviewPage {
    layout: Layout,
    params: OverviewParams,
    view: &'static str,
    views: Vec<Choice>,
    states: Vec<Choice>,
    severities: Vec<Choice>,
    organisations: Vec<Choice>,
    assignees: Vec<Choice>,
    products: Vec<Choice>,
    sorts: Vec<Choice>,
    groups: Vec<Choice>,
    rows: Vec<OverviewRow>,
    errors: FormErrors,
    next: Option<String>,
    filters: String,
    may_create: bool,
    is_staff: bool,
}

/// Whether the actor may open documents for at least one organisation.
pub(crate) fn may_create(actor: &Actor) -> bool {
    use supportweb_domain::permissions::{Action, Area};
    actor.staff_may(Area::Agenda(Agenda::SupportDocuments), Action::Write)
        || actor
            .memberships
            .iter()
            .any(|m| m.rights.support_documents == AgendaRight::Write)
}

pub(crate) fn require_reader(actor: &Actor) -> Result<(), AppError> {
    use supportweb_domain::permissions::{Action, Area};
    let reads = if actor.is_staff() {
        actor.staff_may(Area::Agenda(Agenda::SupportDocuments), Action::Read)
    } else {
        actor.may_enter(Agenda::SupportDocuments)
    };
    if reads {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

pub(super) async fn list(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<OverviewParams>,
) -> Result<Html<String>, AppError> {
    let actor = &signed.actor;
    require_reader(actor)?;
    let layout = Layout::new(&signed.ctx, "support-title");
    let t = layout.t;
    let mut errors = FormErrors::default();
    let query = params.query(actor, &t, &mut errors);
    let now = Utc::now();
    let hours = state.config().app.support.hours;
    let documents = state.store().documents(actor, &query, now).await?;
    let next = (documents.len() == query.limit as usize)
        .then(|| documents.last().map(|d| d.id.to_string()))
        .flatten();
    let mut rows = Vec::with_capacity(documents.len());
    let mut last_group: Option<String> = None;
    for d in &documents {
        let mut row = OverviewRow::new(&t, &hours, d, now);
        let group = match query.grouping {
            DocumentGrouping::None => None,
            DocumentGrouping::State => Some(row.state.clone()),
            DocumentGrouping::Organisation => Some(row.organisation.clone()),
        };
        if group.is_some() && group != last_group {
            row.group.clone_from(&group);
            last_group = group;
        }
        rows.push(row);
    }
    let choice = |value: &str, key: String| Choice {
        value: value.to_owned(),
        label: t.t(key),
    };
    let mut states = vec![choice("unfinished", "support-state-unfinished".into())];
    states.extend(
        DocumentState::ALL
            .iter()
            .map(|s| choice(s.as_str(), crate::i18n::document_state_key(*s))),
    );
    let organisations =
        crate::pages::organisation_choices::organisation_choices(&state, actor, |r| {
            r.support_documents.may_enter()
        })
        .await?;
    let assignees = if actor.is_staff() {
        state
            .store()
            .support_staff()
            .await?
            .into_iter()
            .map(|(id, name)| Choice {
                value: id.to_string(),
                label: name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let products = state
        .store()
        .products(false)
        .await?
        .into_iter()
        .map(|p| Choice {
            value: p.id.to_string(),
            label: p.name,
        })
        .collect();
    render(&OverviewPage {
        view: query.view.as_str(),
        views: views_for(actor)
            .into_iter()
            .map(|v| choice(v.as_str(), format!("support-view-{}", v.as_str())))
            .collect(),
        states,
        severities: Severity::ALL
            .iter()
            .map(|s| choice(s.as_str(), format!("severity-{}", s.as_str())))
            .collect(),
        organisations,
        assignees,
        products,
        sorts: DocumentSort::ALL
            .iter()
            .map(|s| choice(s.as_str(), format!("support-sort-{}", s.as_str())))
            .collect(),
        groups: DocumentGrouping::ALL
            .iter()
            .map(|g| choice(g.as_str(), format!("support-group-{}", g.as_str())))
            .collect(),
        rows,
        errors,
        next,
        filters: params.filters(),
        may_create: may_create(actor),
        is_staff: actor.is_staff(),
        params,
        layout,
    })
}

/// The CSV export of everything the filters match (up to 100 000 documents), in the
/// user's language, with every cell that would start a formula neutralised.
pub(super) async fn export(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(params): Query<OverviewParams>,
) -> Result<Response, AppError> {
    let actor = &signed.actor;
    require_reader(actor)?;
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let mut query = params.query(actor, &t, &mut errors);
    if !errors.is_empty() {
        return Err(errors.into_api_error());
    }
    query.limit = 500;
    query.after = None;
    let hours = state.config().app.support.hours;
    let now = Utc::now();
    let mut out = String::from(crate::pages::csv::BOM);
    let header = [
        "support-csv-number",
        "support-csv-subject",
        "support-csv-organisation",
        "support-csv-state",
        "support-csv-severity",
        "support-csv-category",
        "support-csv-product",
        "support-csv-reporter",
        "support-csv-assignee",
        "support-csv-created",
        "support-csv-sla",
    ];
    push_record(&mut out, header.iter().map(|k| t.t(k)));
    let mut total = 0;
    loop {
        let page = state.store().documents(actor, &query, now).await?;
        for d in &page {
            let row = OverviewRow::new(&t, &hours, d, now);
            push_record(
                &mut out,
                [
                    d.number.clone(),
                    d.subject.clone(),
                    d.organisation_name.clone(),
                    row.state,
                    row.severity,
                    t.t(format!("support-category-{}", d.category.as_str())),
                    d.product_name.clone().unwrap_or_default(),
                    d.reporter_name.clone(),
                    row.assignee,
                    when(d.created_at),
                    row.sla,
                ]
                .into_iter(),
            );
        }
        total += page.len();
        if page.len() < query.limit as usize || total >= 100_000 {
            break;
        }
        query.after = page.last().map(|d| d.id);
    }
    Ok(csv_response("support-documents.csv", out))
}
