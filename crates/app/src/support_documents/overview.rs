//! The overview of support documents and its CSV export: views, filters, order, grouping and
//! keyset paging, all through the actor's scope.

use chrono::Utc;
use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::calendar::prague_time;
use supportweb_domain::ids::{DocumentId, OrganisationId, ProductId, UserId};
use supportweb_domain::severity::Severity;
use supportweb_domain::sla::SlaStatus;
use supportweb_domain::support_document::DocumentState;
use supportweb_storage::support_documents::{
    DocumentGrouping, DocumentQuery, DocumentRecord, DocumentSort, DocumentView, StateFilter,
};

use super::SupportDocuments;
use crate::overview::{self, Column, FilterReader, Overview, Page};
use crate::{App, FieldErrors, Result};

/// The overview's query string, as typed; the page and the API's list read the same.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OverviewParams {
    /// Words to find in the number, subject, description and conversation (case and
    /// diacritics ignored, the last word as a prefix); combined with the other filters.
    #[serde(default)]
    #[param(required = false)]
    pub q: String,
    /// Staff: `unassigned`, `assigned`, `breached`, `all` (default). Customers: `mine`
    /// (default), `all` (the organisations where they may read documents).
    #[serde(default)]
    #[param(required = false)]
    pub view: String,
    /// Staff: `mine` — only organisations on whose account team the caller is.
    #[serde(default)]
    #[param(required = false, schema_with = crate::api_schema::team_filter)]
    pub team: String,
    /// A state, or `unfinished`.
    #[serde(default)]
    #[param(required = false, schema_with = crate::api_schema::document_state_filter)]
    pub state: String,
    /// A severity.
    #[serde(default)]
    #[param(required = false, schema_with = crate::api_schema::severity)]
    pub severity: String,
    /// Organisation id.
    #[serde(default)]
    #[param(required = false, format = Uuid)]
    pub organisation: String,
    /// Assignee id.
    #[serde(default)]
    #[param(required = false, format = Uuid)]
    pub assignee: String,
    /// Product id.
    #[serde(default)]
    #[param(required = false, format = Uuid)]
    pub product: String,
    /// Opened on or after this day (`YYYY-MM-DD`).
    #[serde(default)]
    #[param(required = false, format = Date)]
    pub from: String,
    /// Opened on or before this day.
    #[serde(default)]
    #[param(required = false, format = Date)]
    pub to: String,
    /// `newest` (default), `oldest`, `updated`, `severity`, `due`.
    #[serde(default)]
    #[param(required = false)]
    pub sort: String,
    /// `state` or `organisation`: keeps each group together.
    #[serde(default)]
    #[param(required = false)]
    pub group: String,
    /// The `next` of the previous page.
    #[serde(default)]
    #[param(required = false, format = Uuid)]
    pub after: String,
}

/// The views a user is offered: staff the work queues, customers their own and their
/// organisations' documents.
pub fn views_for(actor: &Actor) -> Vec<DocumentView> {
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

impl OverviewParams {
    /// The store query; values that do not parse are reported per field and left out.
    pub fn query(&self, actor: &Actor, errors: &mut FieldErrors) -> DocumentQuery {
        let views = views_for(actor);
        let view = DocumentView::parse(&self.view)
            .filter(|v| views.contains(v))
            .unwrap_or(if actor.is_staff() {
                DocumentView::All
            } else {
                DocumentView::Mine
            });
        let mut read = FilterReader::new(errors, "support-error-filter");
        let state = read.value(&self.state, "state", |text| match text {
            "unfinished" => Some(StateFilter::Unfinished),
            other => DocumentState::parse(other).map(StateFilter::Is),
        });
        let severity = read.value(&self.severity, "severity", Severity::parse);
        let from = read.day_start(&self.from, "from");
        let to = read.day_end(&self.to, "to");
        let organisation = read.parsed::<OrganisationId>(&self.organisation, "organisation");
        let assignee = read.parsed::<UserId>(&self.assignee, "assignee");
        let product = read.parsed::<ProductId>(&self.product, "product");
        let after = read.parsed::<DocumentId>(&self.after, "after");
        DocumentQuery {
            view,
            state,
            severity,
            organisation,
            assignee,
            product,
            created_from: from,
            created_before: to,
            sort: DocumentSort::parse(&self.sort).unwrap_or(DocumentSort::Newest),
            grouping: DocumentGrouping::parse(&self.group).unwrap_or(DocumentGrouping::None),
            after,
            limit: 50,
            words: supportweb_domain::search::query_words(&self.q),
            team: read.value(&self.team, "team", |t| (t == "mine").then_some(true)) == Some(true),
        }
    }

    /// The query string without the page position (for links to other pages and the export).
    pub fn filters(&self) -> String {
        overview::query_string(&[
            ("q", self.q.as_str()),
            ("view", self.view.as_str()),
            ("team", self.team.as_str()),
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
    }
}

/// The support-document overview, for the overview kit.
pub struct DocumentOverview;

impl Overview for DocumentOverview {
    type Query = DocumentQuery;
    type Row = DocumentRecord;

    fn position(query: &mut DocumentQuery, after: Option<&DocumentRecord>, limit: i64) {
        query.after = after.map(|d| d.id);
        query.limit = u32::try_from(limit).unwrap_or(50);
    }

    fn limit(query: &DocumentQuery) -> i64 {
        i64::from(query.limit)
    }

    fn cursor(row: &DocumentRecord) -> String {
        row.id.to_string()
    }

    async fn fetch(app: &App, actor: &Actor, query: &DocumentQuery) -> Result<Vec<DocumentRecord>> {
        Ok(app.store().documents(actor, query, Utc::now()).await?)
    }
}

/// The SLA deadline of a row that matters now: the first response while it runs or was
/// missed, otherwise the resolution.
pub fn row_sla(
    d: &DocumentRecord,
    hours: &supportweb_domain::calendar::BusinessHours,
    now: chrono::DateTime<Utc>,
) -> SlaStatus {
    let response = d.clock.response_status(hours, now);
    match response {
        SlaStatus::Running { .. } | SlaStatus::Breached => response,
        _ => d.clock.resolution_status(hours, d.state, now),
    }
}

/// The columns of the CSV export.
fn columns() -> Vec<Column<DocumentRecord>> {
    vec![
        Column {
            header: "support-csv-number",
            cell: |d, _| d.number.clone(),
        },
        Column {
            header: "support-csv-subject",
            cell: |d, _| d.subject.clone(),
        },
        Column {
            header: "support-csv-organisation",
            cell: |d, _| d.organisation_name.clone(),
        },
        Column {
            header: "support-csv-state",
            cell: |d, c| c.t.t(supportweb_i18n::document_state_key(d.state)),
        },
        Column {
            header: "support-csv-severity",
            cell: |d, c| c.t.t(format!("severity-{}", d.severity.as_str())),
        },
        Column {
            header: "support-csv-category",
            cell: |d, c| c.t.t(format!("support-category-{}", d.category.as_str())),
        },
        Column {
            header: "support-csv-product",
            cell: |d, _| d.product_name.clone().unwrap_or_default(),
        },
        Column {
            header: "support-csv-reporter",
            cell: |d, _| d.reporter_name.clone(),
        },
        Column {
            header: "support-csv-assignee",
            cell: |d, _| d.assignee_name.clone().unwrap_or_default(),
        },
        Column {
            header: "support-csv-created",
            cell: |d, _| {
                prague_time(d.created_at)
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            },
        },
        Column {
            header: "support-csv-sla",
            cell: |d, c| sla_text(&c.t, row_sla(d, &c.hours, c.now)),
        },
    ]
}

/// An SLA status as the overview and the export say it.
pub fn sla_text(t: &supportweb_i18n::Tr, status: SlaStatus) -> String {
    match status {
        SlaStatus::NoTarget => "—".to_owned(),
        SlaStatus::Met => t.t("support-sla-met"),
        SlaStatus::Breached => t.t("support-sla-breached"),
        SlaStatus::Running {
            due_at,
            minutes_left,
        } => format!(
            "{} ({})",
            t.t1("support-sla-left", "time", &duration(minutes_left)),
            prague_time(due_at).format("%Y-%m-%d %H:%M")
        ),
        SlaStatus::Paused { minutes_left } => {
            t.t1("support-sla-paused", "time", &duration(minutes_left))
        }
    }
}

/// `2 h 30 min` (business time).
pub fn duration(minutes: i64) -> String {
    let minutes = minutes.max(0);
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

impl SupportDocuments<'_> {
    /// The store query of an overview's query string, and the problems of its filters.
    pub fn overview_query(
        &self,
        actor: &Actor,
        params: &OverviewParams,
    ) -> Result<(DocumentQuery, FieldErrors)> {
        super::require_reader(actor)?;
        let mut errors = FieldErrors::default();
        let query = params.query(actor, &mut errors);
        Ok((query, errors))
    }

    /// One page of the overview.
    pub async fn overview(
        &self,
        actor: &Actor,
        query: &DocumentQuery,
    ) -> Result<Page<DocumentRecord>> {
        super::require_reader(actor)?;
        overview::page::<DocumentOverview>(self.app, actor, query).await
    }

    /// The CSV export of everything the filters match (up to 100 000 documents), in `t`'s
    /// language; a filter that does not parse refuses the export.
    pub fn export(
        &self,
        actor: &Actor,
        params: &OverviewParams,
        t: supportweb_i18n::Tr,
    ) -> Result<impl futures_util::Stream<Item = std::io::Result<bytes::Bytes>> + Send + use<>>
    {
        let (query, errors) = self.overview_query(actor, params)?;
        errors.into_result()?;
        Ok(overview::export::<DocumentOverview>(
            self.app,
            actor,
            query,
            columns(),
            t,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(45), "45 min");
        assert_eq!(duration(120), "2 h");
        assert_eq!(duration(150), "2 h 30 min");
        assert_eq!(duration(-5), "0 min");
    }
}
