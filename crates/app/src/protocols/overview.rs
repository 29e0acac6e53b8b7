//! The protocols overview and its CSV export (filters by state, organisation, project, kind and
//! dates, latest first or grouped by organisation; customers never see drafts) and the tasks
//! overview across all protocols: "what we owe the customer, what it owes us".

use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::ids::{OrganisationId, ProjectId, ProtocolId, TaskId};
use supportweb_domain::protocol::{ProtocolKind, ProtocolState, Side, TaskState};
use supportweb_i18n::Tr;
use supportweb_storage::protocols::{
    DueFilter, ProtocolQuery, ProtocolRecord, ProtocolWaiting, TaskQuery, TaskRecord,
};

use super::{Protocols, held, require_reader};
use crate::choices::Named;
use crate::overview::{self, Column, FilterReader, Overview, Page};
use crate::{App, FieldErrors, Result, today};

/// The overview's query string, as typed; the page and the API's list read the same.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProtocolParams {
    /// State.
    #[serde(default)]
    #[param(required = false, schema_with = crate::api_schema::protocol_state)]
    pub state: String,
    /// Organisation id.
    #[serde(default)]
    #[param(required = false, format = Uuid)]
    pub organisation: String,
    /// Project id.
    #[serde(default)]
    #[param(required = false, format = Uuid)]
    pub project: String,
    /// Kind.
    #[serde(default)]
    #[param(required = false, schema_with = crate::api_schema::protocol_kind)]
    pub kind: String,
    /// Held on or after this day.
    #[serde(default)]
    #[param(required = false, format = Date)]
    pub from: String,
    /// Held on or before this day.
    #[serde(default)]
    #[param(required = false, format = Date)]
    pub to: String,
    /// `overdue`: issued and past the verification deadline; `me`: waiting for the caller's
    /// verification.
    #[serde(default)]
    #[param(required = false, schema_with = crate::api_schema::protocol_waiting)]
    pub waiting: String,
    /// `organisation`: keeps each organisation's protocols together.
    #[serde(default)]
    #[param(required = false)]
    pub group: String,
    /// Words the protocol must hold (subject, items, decisions, tasks; case and diacritics
    /// ignored, the last word as a prefix).
    #[serde(default)]
    #[param(required = false)]
    pub q: String,
    /// The `next` of the previous page.
    #[serde(default)]
    #[param(required = false, format = Uuid)]
    pub after: String,
}

impl ProtocolParams {
    /// The store query; values that do not parse are reported per field and left out.
    pub fn query(&self, errors: &mut FieldErrors) -> ProtocolQuery {
        let mut read = FilterReader::new(errors, "patch-error-filter");
        let organisation = read.parsed::<OrganisationId>(&self.organisation, "organisation");
        let project = read.parsed::<ProjectId>(&self.project, "project");
        let after = read.parsed::<ProtocolId>(&self.after, "after");
        let state = read.value(&self.state, "state", ProtocolState::parse);
        let kind = read.value(&self.kind, "kind", ProtocolKind::parse);
        let from = read.day_start(&self.from, "from");
        let to = read.day_end(&self.to, "to");
        let waiting = read.value(&self.waiting, "waiting", |w| match w {
            "overdue" => Some(ProtocolWaiting::PastDeadline { today: today() }),
            "me" => Some(ProtocolWaiting::Me),
            _ => None,
        });
        ProtocolQuery {
            state,
            organisation,
            project,
            kind,
            from,
            before: to,
            by_organisation: self.group == "organisation",
            waiting,
            words: supportweb_domain::search::query_words(&self.q),
            after,
            limit: 50,
        }
    }

    /// The query string without the page position.
    pub fn filters(&self) -> String {
        overview::query_string(&[
            ("state", self.state.as_str()),
            ("organisation", self.organisation.as_str()),
            ("project", self.project.as_str()),
            ("kind", self.kind.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("group", self.group.as_str()),
            ("waiting", self.waiting.as_str()),
            ("q", self.q.as_str()),
        ])
    }
}

/// The name of a protocol state in `t`'s language.
pub fn state_label(t: &Tr, state: ProtocolState) -> String {
    t.t(format!("protocol-state-{}", state.as_str()))
}

/// The name of a protocol kind in `t`'s language.
pub fn kind_label(t: &Tr, kind: ProtocolKind) -> String {
    t.t(format!("protocol-kind-{}", kind.as_str().replace('_', "-")))
}

/// The protocols overview, for the overview kit.
pub struct ProtocolOverview;

impl Overview for ProtocolOverview {
    type Query = ProtocolQuery;
    type Row = ProtocolRecord;

    fn position(query: &mut ProtocolQuery, after: Option<&ProtocolRecord>, limit: i64) {
        query.after = after.map(|p| p.id);
        query.limit = u32::try_from(limit).unwrap_or(50);
    }

    fn limit(query: &ProtocolQuery) -> i64 {
        i64::from(query.limit)
    }

    fn cursor(row: &ProtocolRecord) -> String {
        row.id.to_string()
    }

    async fn fetch(app: &App, actor: &Actor, query: &ProtocolQuery) -> Result<Vec<ProtocolRecord>> {
        Ok(app.store().protocols(actor, query).await?)
    }
}

fn columns() -> Vec<Column<ProtocolRecord>> {
    vec![
        Column {
            header: "protocol-number",
            cell: |p, _| p.number.clone(),
        },
        Column {
            header: "protocol-subject",
            cell: |p, _| p.subject.clone(),
        },
        Column {
            header: "protocol-organisation",
            cell: |p, _| p.organisation_name.clone(),
        },
        Column {
            header: "protocol-project",
            cell: |p, _| p.project_name.clone(),
        },
        Column {
            header: "protocol-kind",
            cell: |p, c| kind_label(&c.t, p.kind),
        },
        Column {
            header: "protocol-held-at",
            cell: |p, _| held(p),
        },
        Column {
            header: "protocol-state",
            cell: |p, c| state_label(&c.t, p.state),
        },
        Column {
            header: "protocol-revision",
            cell: |p, _| p.revision.to_string(),
        },
    ]
}

/// The tasks overview's query string, as typed; the page and the API's list read the same.
#[derive(Debug, Default, Clone, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskParams {
    /// `vendor` (what we owe) or `customer` (what the customer owes).
    #[serde(default)]
    #[param(required = false, schema_with = crate::api_schema::side)]
    pub side: String,
    /// `open` (default), `done` or `cancelled`.
    #[serde(default)]
    #[param(required = false, schema_with = crate::api_schema::task_state)]
    pub state: String,
    /// `1`: only tasks the caller is responsible for.
    #[serde(default)]
    #[param(required = false)]
    pub mine: String,
    /// Words of the responsible person's name.
    #[serde(default)]
    #[param(required = false)]
    pub responsible: String,
    /// `overdue` or `soon` (within 3 days).
    #[serde(default)]
    #[param(required = false, schema_with = crate::api_schema::task_due)]
    pub due: String,
    /// Organisation id.
    #[serde(default)]
    #[param(required = false, format = Uuid)]
    pub organisation: String,
    /// The `next` of the previous page.
    #[serde(default)]
    #[param(required = false, format = Uuid)]
    pub after: String,
}

impl TaskParams {
    /// The store query; values that do not parse are reported per field and left out.
    pub fn query(&self, errors: &mut FieldErrors) -> TaskQuery {
        let mut read = FilterReader::new(errors, "patch-error-filter");
        let side = read.value(&self.side, "side", Side::parse);
        let state = read.value(&self.state, "state", TaskState::parse);
        let due = read.value(&self.due, "due", |text| match text {
            "overdue" => Some(DueFilter::Overdue),
            "soon" => Some(DueFilter::Soon),
            _ => None,
        });
        let organisation = read.parsed::<OrganisationId>(&self.organisation, "organisation");
        let after = read.parsed::<TaskId>(&self.after, "after");
        TaskQuery {
            side,
            state,
            responsible: Some(self.responsible.trim().to_owned()).filter(|r| !r.is_empty()),
            due,
            mine: matches!(self.mine.as_str(), "1" | "true" | "on"),
            today: today(),
            organisation,
            after,
            limit: 50,
        }
    }

    /// The query string without the page position.
    pub fn filters(&self) -> String {
        overview::query_string(&[
            ("side", self.side.as_str()),
            ("state", self.state.as_str()),
            ("responsible", self.responsible.as_str()),
            ("mine", self.mine.as_str()),
            ("due", self.due.as_str()),
            ("organisation", self.organisation.as_str()),
        ])
    }
}

/// The tasks overview, for the overview kit.
pub struct TaskOverview;

impl Overview for TaskOverview {
    type Query = TaskQuery;
    type Row = TaskRecord;

    fn position(query: &mut TaskQuery, after: Option<&TaskRecord>, limit: i64) {
        query.after = after.map(|t| t.id);
        query.limit = u32::try_from(limit).unwrap_or(50);
    }

    fn limit(query: &TaskQuery) -> i64 {
        i64::from(query.limit)
    }

    fn cursor(row: &TaskRecord) -> String {
        row.id.to_string()
    }

    async fn fetch(app: &App, actor: &Actor, query: &TaskQuery) -> Result<Vec<TaskRecord>> {
        Ok(app.store().protocol_tasks(actor, query).await?)
    }
}

impl Protocols<'_> {
    /// The store query of an overview's query string, and the problems of its filters.
    pub fn overview_query(
        &self,
        actor: &Actor,
        params: &ProtocolParams,
    ) -> Result<(ProtocolQuery, FieldErrors)> {
        require_reader(actor)?;
        let mut errors = FieldErrors::default();
        let query = params.query(&mut errors);
        Ok((query, errors))
    }

    /// One page of the overview.
    pub async fn overview(
        &self,
        actor: &Actor,
        query: &ProtocolQuery,
    ) -> Result<Page<ProtocolRecord>> {
        require_reader(actor)?;
        overview::page::<ProtocolOverview>(self.app, actor, query).await
    }

    /// The CSV export, in `t`'s language.
    pub fn export(
        &self,
        actor: &Actor,
        params: &ProtocolParams,
        t: Tr,
    ) -> Result<impl futures_util::Stream<Item = std::io::Result<bytes::Bytes>> + Send + use<>>
    {
        let (query, errors) = self.overview_query(actor, params)?;
        errors.into_result()?;
        Ok(overview::export::<ProtocolOverview>(
            self.app,
            actor,
            query,
            columns(),
            t,
        ))
    }

    /// The organisations whose protocols the actor may filter by.
    pub async fn organisations(&self, actor: &Actor) -> Result<Vec<Named<OrganisationId>>> {
        self.app
            .organisation_choices(actor, |r| r.protocols.may_enter())
            .await
    }

    /// The projects of an organisation the actor may see (none for one it may not).
    pub async fn projects(
        &self,
        actor: &Actor,
        organisation: OrganisationId,
    ) -> Result<Vec<Named<ProjectId>>> {
        match self.app.store().projects(actor, organisation).await {
            Ok(list) => Ok(list
                .into_iter()
                .map(|(id, name)| Named { id, name })
                .collect()),
            Err(supportweb_storage::StoreError::NotFound) => Ok(Vec::new()),
            Err(error) => Err(error.into()),
        }
    }

    /// The store query of a tasks overview's query string, and the problems of its filters.
    pub fn task_query(
        &self,
        actor: &Actor,
        params: &TaskParams,
    ) -> Result<(TaskQuery, FieldErrors)> {
        require_reader(actor)?;
        let mut errors = FieldErrors::default();
        let query = params.query(&mut errors);
        Ok((query, errors))
    }

    /// One page of the tasks overview.
    pub async fn tasks(&self, actor: &Actor, query: &TaskQuery) -> Result<Page<TaskRecord>> {
        require_reader(actor)?;
        overview::page::<TaskOverview>(self.app, actor, query).await
    }
}
