//! "My work": what the start page (and `GET /api/v1/me/work`) says the user should do next.
//! Each block is a filtered overview the user may open — the same parameters give the
//! block's items, its count and its link, so the block and the overview always agree.
//!
//! Staff: my open documents with the SLA nearest to breach first, unassigned documents of my
//! account teams' organisations, protocol tasks I am responsible for (overdue first), orders
//! waiting for the vendor, protocols waiting for the customer past their deadline, and the
//! contracts of my account teams ending within 30 days. Customer and partner users:
//! documents waiting for my answer, quotes waiting for my approval, protocols waiting for my
//! verification, tasks my organisation owes, patches published since my last visit that
//! apply to our installations, and the contract state of each of my organisations.

use chrono::{DateTime, NaiveDate, Utc};
use supportweb_domain::Actor;
use supportweb_domain::agenda::Agenda;
use supportweb_domain::contract::{ContractTerm, ends_soon, entitled_on};
use supportweb_domain::ids::OrganisationId;
use supportweb_domain::permissions::{Action, Area};
use supportweb_domain::sla::SlaStatus;

use crate::customization_orders::OrderParams;
use crate::podpora::patches::PatchParams;
use crate::protocols::{ProtocolParams, TaskParams};
use crate::support_documents::OverviewParams;
use crate::{App, Result, today};

/// Items a block shows.
pub const SHOWN: usize = 5;
/// A block counts up to this many; more shows as "100+".
pub const COUNTED: u32 = 100;
/// A running SLA deadline this close (in business minutes) makes a document urgent.
pub const URGENT_MINUTES: i64 = 4 * 60;

/// What a block lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WorkKind {
    /// Staff: open documents assigned to me, nearest deadline first.
    DocumentsAssigned,
    /// Staff: open unassigned documents of my account teams' organisations.
    DocumentsUnassigned,
    /// Staff: open protocol tasks I am responsible for, overdue first.
    TasksMine,
    /// Staff: orders waiting for the vendor (analysis, quote, development, delivery, fixes).
    OrdersWaiting,
    /// Staff: issued protocols whose verification deadline has passed.
    ProtocolsOverdue,
    /// Customers: my documents waiting for my answer.
    DocumentsWaiting,
    /// Customers (signatories): quotes waiting for my approval.
    QuotesToApprove,
    /// Customers: protocols waiting for my verification.
    ProtocolsToVerify,
    /// Customers: open tasks my organisation owes.
    TasksOwed,
    /// Customers: patches for our installations published since my last visit.
    PatchesNew,
}

impl WorkKind {
    /// Its name in the API and the page (`documents-assigned`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            WorkKind::DocumentsAssigned => "documents-assigned",
            WorkKind::DocumentsUnassigned => "documents-unassigned",
            WorkKind::TasksMine => "tasks-mine",
            WorkKind::OrdersWaiting => "orders-waiting",
            WorkKind::ProtocolsOverdue => "protocols-overdue",
            WorkKind::DocumentsWaiting => "documents-waiting",
            WorkKind::QuotesToApprove => "quotes-to-approve",
            WorkKind::ProtocolsToVerify => "protocols-to-verify",
            WorkKind::TasksOwed => "tasks-owed",
            WorkKind::PatchesNew => "patches-new",
        }
    }
}

/// One record a block lists.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkItem {
    /// Its page.
    pub path: String,
    /// Number (a patch's build).
    pub number: String,
    /// Subject, title or task.
    pub title: String,
    /// Its organisation (empty for a patch).
    pub organisation: String,
    /// The deadline that matters (SLA, verification, task, release day).
    pub due: Option<DateTime<Utc>>,
    /// A day rather than a moment (tasks, verification, release).
    pub due_day: Option<NaiveDate>,
    /// Needs action now: an SLA within four business hours or breached, a day passed.
    pub urgent: bool,
}

/// One block of the start page.
#[derive(Debug, Clone)]
pub struct WorkBlock {
    /// What it lists.
    pub kind: WorkKind,
    /// How many (up to [`COUNTED`]).
    pub count: usize,
    /// Whether there are more than [`COUNTED`].
    pub more: bool,
    /// The first [`SHOWN`].
    pub items: Vec<WorkItem>,
    /// The overview with the same filters.
    pub href: String,
}

/// The support situation of one organisation.
#[derive(Debug, Clone)]
pub struct ContractNote {
    /// The organisation.
    pub organisation_id: OrganisationId,
    /// Its name.
    pub organisation: String,
    /// Whether a contract covers today.
    pub entitled: bool,
    /// The last covered day when it is within 30 days.
    pub ends_on: Option<NaiveDate>,
}

/// The start page's work.
#[derive(Debug, Clone)]
pub struct MyWork {
    /// The blocks the user's rights give, in the order shown.
    pub blocks: Vec<WorkBlock>,
    /// Customers: each of my organisations; staff: my account teams' organisations whose
    /// support ends within 30 days.
    pub contracts: Vec<ContractNote>,
}

/// The link to the overview `path` with the filters `query`, without the empty ones.
fn link(path: &str, query: &str) -> String {
    let set: Vec<&str> = query
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.ends_with('='))
        .collect();
    format!("{path}?{}", set.join("&"))
}

fn block(kind: WorkKind, href: String, mut items: Vec<WorkItem>) -> WorkBlock {
    let counted = COUNTED as usize;
    let more = items.len() > counted;
    items.truncate(counted);
    let count = items.len();
    items.truncate(SHOWN);
    WorkBlock {
        kind,
        count,
        more,
        items,
        href,
    }
}

impl App {
    /// What `actor` should do next.
    pub async fn my_work(&self, actor: &Actor) -> Result<MyWork> {
        let now = Utc::now();
        let mut blocks = Vec::new();
        if actor.is_staff() {
            let reads = |agenda| actor.staff_may(Area::Agenda(agenda), Action::Read);
            if reads(Agenda::SupportDocuments) {
                for (kind, params) in [
                    (
                        WorkKind::DocumentsAssigned,
                        OverviewParams {
                            view: "assigned".into(),
                            state: "unfinished".into(),
                            sort: "due".into(),
                            ..OverviewParams::default()
                        },
                    ),
                    (
                        WorkKind::DocumentsUnassigned,
                        OverviewParams {
                            view: "unassigned".into(),
                            team: "mine".into(),
                            sort: "due".into(),
                            ..OverviewParams::default()
                        },
                    ),
                ] {
                    blocks.push(self.document_block(actor, kind, params, now).await?);
                }
            }
            if reads(Agenda::Protocols) {
                let params = TaskParams {
                    mine: "1".into(),
                    ..TaskParams::default()
                };
                blocks.push(self.task_block(actor, WorkKind::TasksMine, params).await?);
            }
            if reads(Agenda::CustomizationOrders) {
                let params = OrderParams {
                    waiting: "vendor".into(),
                    sort: "oldest".into(),
                    ..OrderParams::default()
                };
                blocks.push(
                    self.order_block(actor, WorkKind::OrdersWaiting, params)
                        .await?,
                );
            }
            if reads(Agenda::Protocols) {
                let params = ProtocolParams {
                    waiting: "overdue".into(),
                    ..ProtocolParams::default()
                };
                blocks.push(
                    self.protocol_block(actor, WorkKind::ProtocolsOverdue, params)
                        .await?,
                );
            }
        } else {
            let member = |flag: fn(&supportweb_domain::membership::MembershipRights) -> bool| {
                actor.memberships.iter().any(|m| flag(&m.rights))
            };
            if actor.may_enter(Agenda::SupportDocuments) {
                let params = OverviewParams {
                    view: "mine".into(),
                    state: "waiting_for_customer".into(),
                    sort: "updated".into(),
                    ..OverviewParams::default()
                };
                blocks.push(
                    self.document_block(actor, WorkKind::DocumentsWaiting, params, now)
                        .await?,
                );
            }
            if actor.may_enter(Agenda::CustomizationOrders) && member(|r| r.may_approve_orders) {
                let params = OrderParams {
                    state: "quoted".into(),
                    signatory: "me".into(),
                    sort: "oldest".into(),
                    ..OrderParams::default()
                };
                blocks.push(
                    self.order_block(actor, WorkKind::QuotesToApprove, params)
                        .await?,
                );
            }
            if actor.may_enter(Agenda::Protocols) {
                if member(|r| r.may_confirm_protocols) {
                    let params = ProtocolParams {
                        waiting: "me".into(),
                        ..ProtocolParams::default()
                    };
                    blocks.push(
                        self.protocol_block(actor, WorkKind::ProtocolsToVerify, params)
                            .await?,
                    );
                }
                let params = TaskParams {
                    side: "customer".into(),
                    ..TaskParams::default()
                };
                blocks.push(self.task_block(actor, WorkKind::TasksOwed, params).await?);
            }
            if actor.may_enter(Agenda::Podpora) {
                let since = self
                    .store()
                    .start_visit(actor.user_id, now)
                    .await?
                    .unwrap_or(now - chrono::Duration::days(30));
                let params = PatchParams {
                    applicable: "1".into(),
                    from: supportweb_domain::calendar::prague_time(since)
                        .date()
                        .to_string(),
                    ..PatchParams::default()
                };
                blocks.push(self.patch_block(actor, params).await?);
            }
        }
        Ok(MyWork {
            blocks,
            contracts: self.contract_notes(actor).await?,
        })
    }

    async fn document_block(
        &self,
        actor: &Actor,
        kind: WorkKind,
        params: OverviewParams,
        now: DateTime<Utc>,
    ) -> Result<WorkBlock> {
        let documents = self.support_documents();
        let (mut query, _) = documents.overview_query(actor, &params)?;
        query.limit = COUNTED + 1;
        let hours = &self.settings().support.hours;
        let items = documents
            .overview(actor, &query)
            .await?
            .rows
            .into_iter()
            .map(|d| {
                let status = if d.clock.first_response_at.is_none() {
                    d.clock.response_status(hours, now)
                } else {
                    d.clock.resolution_status(hours, d.state, now)
                };
                let (due, urgent) = match status {
                    SlaStatus::Running {
                        due_at,
                        minutes_left,
                    } => (Some(due_at), minutes_left <= URGENT_MINUTES),
                    SlaStatus::Breached => {
                        (d.clock.resolution_due_at.or(d.clock.response_due_at), true)
                    }
                    _ => (None, false),
                };
                WorkItem {
                    path: format!("/support-documents/{}", d.id),
                    number: d.number,
                    title: d.subject,
                    organisation: d.organisation_name,
                    due,
                    due_day: None,
                    urgent,
                }
            })
            .collect();
        Ok(block(
            kind,
            link("/support-documents", &params.filters()),
            items,
        ))
    }

    async fn task_block(
        &self,
        actor: &Actor,
        kind: WorkKind,
        params: TaskParams,
    ) -> Result<WorkBlock> {
        let protocols = self.protocols();
        let (mut query, _) = protocols.task_query(actor, &params)?;
        query.limit = COUNTED + 1;
        let today = today();
        let items = protocols
            .tasks(actor, &query)
            .await?
            .rows
            .into_iter()
            .map(|t| WorkItem {
                path: format!("/protocols/{}", t.protocol_id),
                number: t.protocol_number,
                title: t.description,
                organisation: t.organisation_name,
                due: None,
                due_day: Some(t.due_on),
                urgent: t.due_on < today,
            })
            .collect();
        Ok(block(
            kind,
            link("/protocols/tasks", &params.filters()),
            items,
        ))
    }

    async fn order_block(
        &self,
        actor: &Actor,
        kind: WorkKind,
        params: OrderParams,
    ) -> Result<WorkBlock> {
        let orders = self.customization_orders();
        let (mut query, _) = orders.overview_query(actor, &params)?;
        query.limit = COUNTED + 1;
        let items = orders
            .overview(actor, &query)
            .await?
            .rows
            .into_iter()
            .map(|o| WorkItem {
                path: format!("/customization-orders/{}", o.id),
                number: o.number,
                title: o.title,
                organisation: o.organisation_name,
                due: None,
                due_day: None,
                urgent: false,
            })
            .collect();
        Ok(block(
            kind,
            link("/customization-orders", &params.filters()),
            items,
        ))
    }

    async fn protocol_block(
        &self,
        actor: &Actor,
        kind: WorkKind,
        params: ProtocolParams,
    ) -> Result<WorkBlock> {
        let protocols = self.protocols();
        let (mut query, _) = protocols.overview_query(actor, &params)?;
        query.limit = COUNTED + 1;
        let today = today();
        let items = protocols
            .overview(actor, &query)
            .await?
            .rows
            .into_iter()
            .map(|p| WorkItem {
                path: format!("/protocols/{}", p.id),
                number: p.number,
                title: p.subject,
                organisation: p.organisation_name,
                due: None,
                urgent: p.verification_due.is_some_and(|d| d < today),
                due_day: p.verification_due,
            })
            .collect();
        Ok(block(kind, link("/protocols", &params.filters()), items))
    }

    async fn patch_block(&self, actor: &Actor, params: PatchParams) -> Result<WorkBlock> {
        let patches = self.podpora().patches();
        let (mut query, _) = patches.overview_query(actor, &params)?;
        query.limit = COUNTED + 1;
        let items = patches
            .overview(actor, &query)
            .await?
            .rows
            .into_iter()
            .map(|p| WorkItem {
                path: format!("/podpora/patches/{}", p.id),
                number: p.build,
                title: p.title,
                organisation: String::new(),
                due: None,
                due_day: Some(p.released_on),
                urgent: false,
            })
            .collect();
        Ok(block(
            WorkKind::PatchesNew,
            link("/podpora/patches", &params.filters()),
            items,
        ))
    }

    /// Customers: the support situation of each of their organisations; staff: their
    /// account teams' organisations whose support ends within 30 days.
    async fn contract_notes(&self, actor: &Actor) -> Result<Vec<ContractNote>> {
        let store = self.store();
        let today = today();
        let organisations = if actor.is_staff() {
            store.team_organisations(actor).await?
        } else {
            let mut mine = Vec::with_capacity(actor.memberships.len());
            for membership in &actor.memberships {
                mine.push(
                    store
                        .organisation(actor, membership.organisation_id)
                        .await?,
                );
            }
            mine
        };
        let mut notes = Vec::with_capacity(organisations.len());
        for organisation in organisations {
            let terms: Vec<ContractTerm> = store
                .contracts(actor, organisation.id)
                .await?
                .into_iter()
                .map(|c| c.term)
                .collect();
            let note = ContractNote {
                organisation_id: organisation.id,
                organisation: organisation.name,
                entitled: entitled_on(&terms, today),
                ends_on: ends_soon(&terms, today),
            };
            if !actor.is_staff() || note.ends_on.is_some() {
                notes.push(note);
            }
        }
        Ok(notes)
    }
}
