//! Support documents: creation behind the entitlement gate, the workflow, the conversation
//! (public replies and internal notes), attachments, watchers, assignment, logged time, the
//! SLA clock and the overviews. Every read and write takes the actor: staff with a right in
//! the agenda see every document, customer and partner users only those of organisations in
//! which they hold the read or write right; anything else answers [`StoreError::NotFound`].

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use supportweb_domain::Actor;
use supportweb_domain::calendar::BusinessHours;
use supportweb_domain::contract::ContractState;
use supportweb_domain::ids::{
    CommentId, ContractId, DocumentId, FileId, OrganisationId, ProductId, TimeEntryId, UserId,
};
use supportweb_domain::numbering::NumberedAgenda;
use supportweb_domain::severity::{Severity, SlaTarget};
use supportweb_domain::sla::SlaClock;
use supportweb_domain::support_document::{
    Activity, Category, DocumentState, Party, PrepaidBalance, Transition, TransitionError,
    WorkflowClock, permitted,
};
use uuid::Uuid;

use crate::attachments::Link;
use crate::history::FieldChange;
use crate::notifications::EventKind;
use crate::{Store, StoreError, Tx, now, on_pool, on_tx};

/// History entity name of support documents.
pub const ENTITY: &str = "support_document";

/// Why a document operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// Storage failed, or the document is not visible ([`StoreError::NotFound`]).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The organisation has no valid support contract today.
    #[error("the organisation has no valid support contract")]
    NotEntitled,
    /// The user may not do this (but may see the document).
    #[error("not allowed")]
    NotAllowed,
    /// The workflow refuses the step.
    #[error(transparent)]
    Transition(#[from] TransitionError),
    /// A value that arrived in the request is not acceptable (the field name).
    #[error("invalid {0}")]
    Invalid(&'static str),
}

impl From<sqlx::Error> for DocumentError {
    fn from(error: sqlx::Error) -> Self {
        DocumentError::Store(StoreError::Database(error))
    }
}

/// A support document as its readers see it. Internal notes and logged time are never part
/// of it; they come from staff-only calls.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DocumentRecord {
    /// Id.
    pub id: DocumentId,
    /// `SD-2026-000123`.
    pub number: String,
    /// The organisation.
    pub organisation_id: OrganisationId,
    /// Its name.
    pub organisation_name: String,
    /// Who opened it.
    pub reporter_id: UserId,
    /// Reporter's name.
    pub reporter_name: String,
    /// Contact person and phone, as typed.
    pub contact: String,
    /// Category.
    pub category: Category,
    /// Severity.
    pub severity: Severity,
    /// Product of the catalogue.
    pub product_id: Option<ProductId>,
    /// Product name.
    pub product_name: Option<String>,
    /// Module.
    pub module: String,
    /// Version.
    pub product_version: String,
    /// Subject.
    pub subject: String,
    /// Description (Markdown as typed).
    pub description: String,
    /// Workflow state.
    pub state: DocumentState,
    /// Assigned staff member.
    pub assignee_id: Option<UserId>,
    /// Assignee's name.
    pub assignee_name: Option<String>,
    /// The contract it was opened under.
    pub contract_id: Option<ContractId>,
    /// SLA clock.
    pub clock: SlaClock,
    /// When it was resolved (last time).
    pub resolved_at: Option<DateTime<Utc>>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// Incremented on every change (stale edits get 409).
    pub version: i64,
    /// Opened at.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A document to open.
#[derive(Debug, Clone)]
pub struct NewDocument {
    /// The organisation (authorised again).
    pub organisation_id: OrganisationId,
    /// Contact person and phone.
    pub contact: String,
    /// Category.
    pub category: Category,
    /// Severity.
    pub severity: Severity,
    /// Product (must exist).
    pub product_id: Option<ProductId>,
    /// Module.
    pub module: String,
    /// Version.
    pub product_version: String,
    /// Subject.
    pub subject: String,
    /// Description.
    pub description: String,
    /// Files uploaded by the actor to attach.
    pub files: Vec<FileId>,
    /// Who reports it: staff opening a document on a customer's behalf name the customer
    /// user (an active member of the organisation who may read its support documents);
    /// `None` is the actor.
    pub reporter_id: Option<UserId>,
}

/// One entry of the conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommentRecord {
    /// Id.
    pub id: CommentId,
    /// Author.
    pub author_id: UserId,
    /// Author's name.
    pub author_name: String,
    /// Whether the author is staff.
    pub author_is_staff: bool,
    /// An internal note (only ever returned to staff).
    pub is_internal: bool,
    /// Text (Markdown as typed).
    pub body: String,
    /// When.
    pub created_at: DateTime<Utc>,
    /// Files attached to it.
    pub files: Vec<AttachmentRecord>,
}

/// A file attached to a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRecord {
    /// File id (download at `/files/{id}`).
    pub file_id: FileId,
    /// Name.
    pub file_name: String,
    /// Size.
    pub size_bytes: i64,
    /// SHA-256.
    pub sha256: String,
    /// The comment it came with, if any.
    pub comment_id: Option<CommentId>,
    /// Attached to an internal note (staff only).
    pub is_internal: bool,
}

/// A watcher of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatcherRecord {
    /// The account.
    pub user_id: UserId,
    /// Name.
    pub display_name: String,
    /// Staff?
    pub is_staff: bool,
}

/// Staff time logged on a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimeEntryRecord {
    /// Id.
    pub id: TimeEntryId,
    /// Who worked.
    pub user_name: String,
    /// On what.
    pub activity: Activity,
    /// How long.
    pub minutes: i64,
    /// Billable (draws down prepaid hours).
    pub billable: bool,
    /// The day of the work.
    pub work_date: NaiveDate,
    /// Note.
    pub note: String,
}

/// Time to log.
#[derive(Debug, Clone)]
pub struct NewTimeEntry {
    /// Activity.
    pub activity: Activity,
    /// Minutes (positive).
    pub minutes: i64,
    /// Billable?
    pub billable: bool,
    /// Day of the work.
    pub work_date: NaiveDate,
    /// Note.
    pub note: String,
}

/// Which documents an overview lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentView {
    /// Reported or watched by the actor.
    Mine,
    /// Everything the actor may see (a customer: its organisations' documents).
    All,
    /// Open documents nobody is assigned to (staff).
    Unassigned,
    /// Assigned to the actor (staff).
    AssignedToMe,
    /// With a missed or passed deadline.
    Breached,
}

impl DocumentView {
    /// Every view.
    pub const ALL: [DocumentView; 5] = [
        DocumentView::Mine,
        DocumentView::All,
        DocumentView::Unassigned,
        DocumentView::AssignedToMe,
        DocumentView::Breached,
    ];

    /// URL / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentView::Mine => "mine",
            DocumentView::All => "all",
            DocumentView::Unassigned => "unassigned",
            DocumentView::AssignedToMe => "assigned",
            DocumentView::Breached => "breached",
        }
    }

    /// Parses [`DocumentView::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == text)
    }
}

/// Sort order of an overview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentSort {
    /// Newest first.
    Newest,
    /// Oldest first.
    Oldest,
    /// Most recently changed first.
    Updated,
    /// Most severe first, then oldest.
    Severity,
    /// Nearest deadline first.
    Due,
}

impl DocumentSort {
    /// Every order.
    pub const ALL: [DocumentSort; 5] = [
        DocumentSort::Newest,
        DocumentSort::Oldest,
        DocumentSort::Updated,
        DocumentSort::Severity,
        DocumentSort::Due,
    ];

    /// URL / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentSort::Newest => "newest",
            DocumentSort::Oldest => "oldest",
            DocumentSort::Updated => "updated",
            DocumentSort::Severity => "severity",
            DocumentSort::Due => "due",
        }
    }

    /// Parses [`DocumentSort::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == text)
    }

    fn columns(self) -> &'static [(&'static str, bool)] {
        match self {
            DocumentSort::Newest => &[("id", false)],
            DocumentSort::Oldest => &[("id", true)],
            DocumentSort::Updated => &[("updated_at", false), ("id", false)],
            DocumentSort::Severity => &[("severity_rank", true), ("id", true)],
            DocumentSort::Due => &[("due_sort", true), ("id", true)],
        }
    }
}

/// Grouping of an overview: rows of one group come together, groups in a stable order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentGrouping {
    /// No grouping.
    None,
    /// By workflow state.
    State,
    /// By organisation.
    Organisation,
}

impl DocumentGrouping {
    /// Every grouping.
    pub const ALL: [DocumentGrouping; 3] = [
        DocumentGrouping::None,
        DocumentGrouping::State,
        DocumentGrouping::Organisation,
    ];

    /// URL / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentGrouping::None => "none",
            DocumentGrouping::State => "state",
            DocumentGrouping::Organisation => "organisation",
        }
    }

    /// Parses [`DocumentGrouping::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == text)
    }

    fn column(self) -> Option<&'static str> {
        match self {
            DocumentGrouping::None => None,
            DocumentGrouping::State => Some("state_rank"),
            DocumentGrouping::Organisation => Some("organisation_id"),
        }
    }
}

/// Which open or closed documents a state filter keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateFilter {
    /// New, accepted, in progress or waiting for the customer.
    Unfinished,
    /// One state.
    Is(DocumentState),
}

/// Filters, order and position of an overview page.
#[derive(Debug, Clone)]
pub struct DocumentQuery {
    /// Which documents.
    pub view: DocumentView,
    /// State.
    pub state: Option<StateFilter>,
    /// Severity.
    pub severity: Option<Severity>,
    /// Organisation.
    pub organisation: Option<OrganisationId>,
    /// Assignee.
    pub assignee: Option<UserId>,
    /// Product.
    pub product: Option<ProductId>,
    /// Opened at or after.
    pub created_from: Option<DateTime<Utc>>,
    /// Opened before.
    pub created_before: Option<DateTime<Utc>>,
    /// Order.
    pub sort: DocumentSort,
    /// Grouping.
    pub grouping: DocumentGrouping,
    /// The last document of the previous page.
    pub after: Option<DocumentId>,
    /// Page size.
    pub limit: u32,
    /// Full-text words (see [`supportweb_domain::search::query_words`]): every one must occur
    /// in the number, subject, description or conversation (internal notes for staff).
    pub words: Vec<String>,
    /// Only organisations on whose account team the actor is.
    pub team: bool,
}

impl Default for DocumentQuery {
    fn default() -> Self {
        DocumentQuery {
            view: DocumentView::All,
            state: None,
            severity: None,
            organisation: None,
            assignee: None,
            product: None,
            created_from: None,
            created_before: None,
            sort: DocumentSort::Newest,
            grouping: DocumentGrouping::None,
            after: None,
            words: Vec::new(),
            team: false,
            limit: 50,
        }
    }
}

/// The instant every "no deadline" sorts at: after any real deadline.
fn no_deadline() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(9999, 12, 31, 0, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// The nearest pending deadline of a clock, for the "due" order.
pub(crate) fn due_sort(clock: &SlaClock) -> DateTime<Utc> {
    let response = clock
        .first_response_at
        .is_none()
        .then_some(clock.response_due_at)
        .flatten();
    [response, clock.resolution_due_at]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or_else(no_deadline)
}

pub(crate) fn severity_rank(s: Severity) -> i64 {
    match s {
        Severity::Critical => 0,
        Severity::High => 1,
        Severity::Medium => 2,
        Severity::Low => 3,
    }
}

pub(crate) fn state_rank(s: DocumentState) -> i64 {
    DocumentState::ALL
        .iter()
        .position(|x| *x == s)
        .map_or(0, |p| p as i64)
}

const OPEN_STATES: [&str; 4] = ["new", "accepted", "in_progress", "waiting_for_customer"];

#[derive(sqlx::FromRow)]
struct DocumentRow {
    id: Uuid,
    number: String,
    organisation_id: Uuid,
    organisation_name: String,
    reporter_id: Uuid,
    reporter_name: String,
    contact: String,
    category: String,
    severity: String,
    product_id: Option<Uuid>,
    product_name: Option<String>,
    module: String,
    product_version: String,
    subject: String,
    description: String,
    state: String,
    assignee_id: Option<Uuid>,
    assignee_name: Option<String>,
    contract_id: Option<Uuid>,
    response_due_at: Option<DateTime<Utc>>,
    first_response_at: Option<DateTime<Utc>>,
    resolution_minutes: Option<i64>,
    paused_minutes: i64,
    paused_since: Option<DateTime<Utc>>,
    resolution_due_at: Option<DateTime<Utc>>,
    response_breached: bool,
    resolution_breached: bool,
    resolved_at: Option<DateTime<Utc>>,
    closed_at: Option<DateTime<Utc>>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<DocumentRow> for DocumentRecord {
    type Error = StoreError;

    fn try_from(r: DocumentRow) -> Result<Self, StoreError> {
        let corrupt = |what: &str, value: &str| StoreError::Corrupt(format!("{what} {value:?}"));
        Ok(DocumentRecord {
            id: DocumentId(r.id),
            category: Category::parse(&r.category)
                .ok_or_else(|| corrupt("category", &r.category))?,
            severity: Severity::parse(&r.severity)
                .ok_or_else(|| corrupt("severity", &r.severity))?,
            state: DocumentState::parse(&r.state).ok_or_else(|| corrupt("state", &r.state))?,
            number: r.number,
            organisation_id: OrganisationId(r.organisation_id),
            organisation_name: r.organisation_name,
            reporter_id: UserId(r.reporter_id),
            reporter_name: r.reporter_name,
            contact: r.contact,
            product_id: r.product_id.map(ProductId),
            product_name: r.product_name,
            module: r.module,
            product_version: r.product_version,
            subject: r.subject,
            description: r.description,
            assignee_id: r.assignee_id.map(UserId),
            assignee_name: r.assignee_name,
            contract_id: r.contract_id.map(ContractId),
            clock: SlaClock {
                started_at: r.created_at,
                response_due_at: r.response_due_at,
                first_response_at: r.first_response_at,
                resolution_minutes: r.resolution_minutes,
                paused_minutes: r.paused_minutes,
                paused_since: r.paused_since,
                resolution_due_at: r.resolution_due_at,
                response_breached: r.response_breached,
                resolution_breached: r.resolution_breached,
            },
            resolved_at: r.resolved_at,
            closed_at: r.closed_at,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

#[derive(sqlx::FromRow)]
struct CommentRow(Uuid, Uuid, String, String, bool, String, DateTime<Utc>);

macro_rules! document_select {
    () => {
        "SELECT d.id, d.number, d.organisation_id, o.name AS organisation_name, d.reporter_id,
         r.display_name AS reporter_name, d.contact, d.category, d.severity, d.product_id,
         p.name AS product_name, d.module, d.product_version, d.subject, d.description, d.state,
         d.assignee_id, a.display_name AS assignee_name, d.contract_id, d.response_due_at,
         d.first_response_at, d.resolution_minutes, d.paused_minutes, d.paused_since,
         d.resolution_due_at, d.response_breached, d.resolution_breached, d.resolved_at,
         d.closed_at, d.version, d.created_at, d.updated_at
         FROM support_documents d
         JOIN organisations o ON o.id = d.organisation_id
         JOIN users r ON r.id = d.reporter_id
         LEFT JOIN users a ON a.id = d.assignee_id
         LEFT JOIN products p ON p.id = d.product_id"
    };
}

/// The scope condition on `d`: staff ($2 = true) see all, others the documents of
/// organisations where they hold the read or write right ($3 is the user).
macro_rules! visible {
    ($alias:literal, $staff:literal, $user:literal) => {
        concat!(
            "(",
            $staff,
            " OR ",
            $alias,
            ".organisation_id IN (SELECT m.organisation_id FROM organisation_memberships m WHERE m.user_id = ",
            $user,
            " AND m.right_documents IN ('read', 'write')))"
        )
    };
}

/// Whether a staff actor may read the agenda at all.
fn staff_reads(actor: &Actor) -> bool {
    actor.staff_may(
        supportweb_domain::permissions::Area::Agenda(supportweb_domain::Agenda::SupportDocuments),
        supportweb_domain::permissions::Action::Read,
    )
}

/// A bound value of a built query.
enum Arg {
    Uuid(Uuid),
    Text(&'static str),
    String(String),
    Time(DateTime<Utc>),
    Bool(bool),
    Int(i64),
}

macro_rules! bind_all {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for arg in $args {
            q = match arg {
                Arg::Uuid(v) => q.bind(*v),
                Arg::Text(v) => q.bind(*v),
                Arg::String(v) => q.bind(v.as_str()),
                Arg::Time(v) => q.bind(*v),
                Arg::Bool(v) => q.bind(*v),
                Arg::Int(v) => q.bind(*v),
            };
        }
        q
    }};
}

/// A query under construction: conditions joined by AND, arguments numbered in order.
struct Built {
    conditions: Vec<String>,
    args: Vec<Arg>,
}

impl Built {
    fn arg(&mut self, arg: Arg) -> String {
        self.args.push(arg);
        format!("${}", self.args.len())
    }
}

impl Store {
    /// The active contract that covers `day` for the organisation, preferring one that covers
    /// `product`; `None` when the organisation is not entitled.
    pub async fn covering_contract(
        &self,
        organisation_id: OrganisationId,
        product: Option<ProductId>,
        day: NaiveDate,
    ) -> Result<Option<(ContractId, Vec<SlaTarget>)>, StoreError> {
        let candidates: Vec<(Uuid, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT c.id, (SELECT COUNT(*) FROM contract_products cp
                   WHERE cp.contract_id = c.id AND cp.product_id = $4) AS covers
                 FROM contracts c WHERE c.organisation_id = $1 AND c.state = $2
                 AND c.valid_from <= $3 AND c.valid_to >= $3
                 ORDER BY covers DESC, c.valid_to DESC, c.id",
            )
            .bind(organisation_id.0)
            .bind(ContractState::Active.as_str())
            .bind(day)
            .bind(product.map(|p| p.0))
            .fetch_all(pool)
            .await?
        });
        let Some((id, _)) = candidates.first() else {
            return Ok(None);
        };
        let targets: Vec<(String, i64, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT severity, response_minutes, resolution_minutes
                 FROM contract_sla_targets WHERE contract_id = $1",
            )
            .bind(*id)
            .fetch_all(pool)
            .await?
        });
        let sla = targets
            .into_iter()
            .filter_map(|(s, response_minutes, resolution_minutes)| {
                Severity::parse(&s).map(|severity| SlaTarget {
                    severity,
                    response_minutes,
                    resolution_minutes,
                })
            })
            .collect();
        Ok(Some((ContractId(*id), sla)))
    }

    /// Opens a support document: the actor must hold the write right in the organisation
    /// (or be staff who write in the agenda), the organisation must be entitled today, the
    /// product must exist and every file must be the actor's own unattached upload. The
    /// number, the SLA clock, the attachments, the reporter as watcher and the notification
    /// are written in one transaction.
    pub async fn create_document(
        &self,
        actor: &Actor,
        new: &NewDocument,
        hours: &BusinessHours,
        today: NaiveDate,
    ) -> Result<DocumentRecord, DocumentError> {
        self.organisation(actor, new.organisation_id).await?;
        match Party::of(actor, new.organisation_id) {
            Some(Party::CustomerWriter | Party::StaffWriter | Party::StaffManager) => {}
            _ => return Err(DocumentError::NotAllowed),
        }
        if let Some(product) = new.product_id {
            match self.product(product).await {
                Ok(_) => {}
                Err(StoreError::NotFound) => return Err(DocumentError::Invalid("product")),
                Err(e) => return Err(e.into()),
            }
        }
        let Some((contract_id, sla)) = self
            .covering_contract(new.organisation_id, new.product_id, today)
            .await?
        else {
            return Err(DocumentError::NotEntitled);
        };
        let reporter = self.reporter_for(actor, new).await?;
        let at = now();
        let target = sla.into_iter().find(|t| t.severity == new.severity);
        let clock = SlaClock::start(hours, at, target);
        let id = DocumentId::generate();
        let mut tx = self.begin().await?;
        // The contract read above must still cover today when the document is written: a
        // contract ended or suspended at the same instant is seen here (the row is taken).
        let still_covering = on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE contracts SET version = version
                 WHERE id = $1 AND state = $2 AND valid_from <= $3 AND valid_to >= $3",
            )
            .bind(contract_id.0)
            .bind(ContractState::Active.as_str())
            .bind(today)
            .execute(conn)
            .await?
            .rows_affected()
        });
        if still_covering != 1 {
            return Err(DocumentError::NotEntitled);
        }
        let number = tx
            .next_number(NumberedAgenda::SupportDocument, today_year(at))
            .await?;
        on_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO support_documents (id, number, organisation_id, reporter_id, contact,
                 category, severity, severity_rank, product_id, module, product_version, subject,
                 description, state, state_rank, assignee_id, contract_id, response_due_at,
                 first_response_at, resolution_minutes, paused_minutes, paused_since,
                 resolution_due_at, response_breached, resolution_breached, breach_notified,
                 due_sort, resolved_at, closed_at, version, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, NULL,
                 $16, $17, NULL, $18, 0, NULL, $19, $20, $20, $20, $21, NULL, NULL, 1, $22, $22)",
            )
            .bind(id.0)
            .bind(number.to_string())
            .bind(new.organisation_id.0)
            .bind(reporter.0)
            .bind(new.contact.as_str())
            .bind(new.category.as_str())
            .bind(new.severity.as_str())
            .bind(severity_rank(new.severity))
            .bind(new.product_id.map(|p| p.0))
            .bind(new.module.as_str())
            .bind(new.product_version.as_str())
            .bind(new.subject.as_str())
            .bind(new.description.as_str())
            .bind(DocumentState::New.as_str())
            .bind(state_rank(DocumentState::New))
            .bind(contract_id.0)
            .bind(clock.response_due_at)
            .bind(clock.resolution_minutes)
            .bind(clock.resolution_due_at)
            .bind(false)
            .bind(due_sort(&clock))
            .bind(at)
            .execute(conn)
            .await?
            .rows_affected()
        });
        tx.attach_files(actor, id, None, false, &new.files).await?;
        tx.add_watcher_row(id, reporter).await?;
        tx.record_event(
            EventKind::DocumentCreated,
            id.0,
            Some(actor.user_id),
            None,
            "",
        )
        .await?;
        tx.commit().await?;
        Ok(self.document(actor, id).await?)
    }

    /// The reporter of a new document: the actor, or the customer user staff name.
    async fn reporter_for(
        &self,
        actor: &Actor,
        new: &NewDocument,
    ) -> Result<UserId, DocumentError> {
        match new.reporter_id {
            None => Ok(actor.user_id),
            Some(reporter) if reporter == actor.user_id => Ok(reporter),
            Some(reporter) if actor.is_staff() => {
                let member = self
                    .members(actor, new.organisation_id)
                    .await?
                    .into_iter()
                    .any(|m| {
                        m.user_id == reporter
                            && m.is_active
                            && m.rights.support_documents.may_enter()
                    });
                if member {
                    Ok(reporter)
                } else {
                    Err(DocumentError::Invalid("reporter"))
                }
            }
            Some(_) => Err(DocumentError::Invalid("reporter")),
        }
    }

    /// A document the actor may see.
    pub async fn document(
        &self,
        actor: &Actor,
        id: DocumentId,
    ) -> Result<DocumentRecord, StoreError> {
        if actor.is_staff() && !staff_reads(actor) {
            return Err(StoreError::NotFound);
        }
        let row: Option<DocumentRow> = on_pool!(self, pool => {
            sqlx::query_as(concat!(
                document_select!(),
                " WHERE d.id = $1 AND ",
                visible!("d", "$2", "$3")
            ))
            .bind(id.0)
            .bind(actor.is_staff())
            .bind(actor.user_id.0)
            .fetch_optional(pool)
            .await?
        });
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    /// A document by id regardless of the actor: for scheduled work and notifications.
    pub async fn document_unscoped(&self, id: DocumentId) -> Result<DocumentRecord, StoreError> {
        let row: Option<DocumentRow> = on_pool!(self, pool => {
            sqlx::query_as(concat!(document_select!(), " WHERE d.id = $1"))
                .bind(id.0)
                .fetch_optional(pool)
                .await?
        });
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    /// One page of an overview: documents the actor may see, matching the query, in its
    /// order, after its keyset position. A cursor the actor may not see yields an empty page.
    pub async fn documents(
        &self,
        actor: &Actor,
        query: &DocumentQuery,
        at: DateTime<Utc>,
    ) -> Result<Vec<DocumentRecord>, StoreError> {
        if actor.is_staff() && !staff_reads(actor) {
            return Ok(Vec::new());
        }
        let (sql, args) = overview_sql(actor, query, at, self.backend());
        let sql = sqlx::AssertSqlSafe(sql);
        let rows: Vec<DocumentRow> = on_pool!(self, pool => {
            bind_all!(sqlx::query_as(sql), &args).fetch_all(pool).await?
        });
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// The conversation of a document: public replies for everyone, internal notes only for
    /// staff. The caller has the document from [`Store::document`].
    pub async fn conversation(
        &self,
        actor: &Actor,
        document: &DocumentRecord,
    ) -> Result<Vec<CommentRecord>, StoreError> {
        let staff = actor.is_staff();
        let rows: Vec<CommentRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT c.id, c.author_id, u.display_name, u.kind, c.is_internal, c.body, c.created_at
                 FROM support_document_comments c JOIN users u ON u.id = c.author_id
                 WHERE c.document_id = $1 AND ($2 OR c.is_internal = $3) ORDER BY c.id",
            )
            .bind(document.id.0)
            .bind(staff)
            .bind(false)
            .fetch_all(pool)
            .await?
        });
        let files = self.attachments(actor, document).await?;
        Ok(rows
            .into_iter()
            .map(
                |CommentRow(id, author, name, kind, internal, body, at)| CommentRecord {
                    id: CommentId(id),
                    author_id: UserId(author),
                    author_name: name,
                    author_is_staff: kind == "staff",
                    is_internal: internal,
                    body,
                    created_at: at,
                    files: files
                        .iter()
                        .filter(|f| f.comment_id == Some(CommentId(id)))
                        .cloned()
                        .collect(),
                },
            )
            .collect())
    }

    /// Files attached to a document; those of internal notes only for staff.
    pub async fn attachments(
        &self,
        actor: &Actor,
        document: &DocumentRecord,
    ) -> Result<Vec<AttachmentRecord>, StoreError> {
        let rows: Vec<(Uuid, String, i64, String, Option<Uuid>, bool)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT f.id, f.file_name, f.size_bytes, f.sha256, a.comment_id, a.is_internal
                 FROM support_document_files a JOIN files f ON f.id = a.file_id
                 WHERE a.document_id = $1 AND ($2 OR a.is_internal = $3) ORDER BY f.id",
            )
            .bind(document.id.0)
            .bind(actor.is_staff())
            .bind(false)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(
                |(id, file_name, size_bytes, sha256, comment, internal)| AttachmentRecord {
                    file_id: FileId(id),
                    file_name,
                    size_bytes,
                    sha256,
                    comment_id: comment.map(CommentId),
                    is_internal: internal,
                },
            )
            .collect())
    }

    /// Whether the actor may download a file through a support document it may see (the
    /// file of an internal note only as staff).
    pub async fn document_file_visible(
        &self,
        actor: &Actor,
        file: FileId,
    ) -> Result<bool, StoreError> {
        if actor.is_staff() && !staff_reads(actor) {
            return Ok(false);
        }
        let count: i64 = on_pool!(self, pool => {
            sqlx::query_scalar(concat!(
                "SELECT COUNT(*) FROM support_document_files a
                 JOIN support_documents d ON d.id = a.document_id
                 WHERE a.file_id = $1 AND ($2 OR a.is_internal = $4) AND ",
                visible!("d", "$2", "$3")
            ))
            .bind(file.0)
            .bind(actor.is_staff())
            .bind(actor.user_id.0)
            .bind(false)
            .fetch_one(pool)
            .await?
        });
        Ok(count > 0)
    }

    /// Adds a public reply or (staff only) an internal note with files. A customer's reply to
    /// a document waiting for it returns the document to work; a staff public reply is the
    /// first response for the SLA.
    pub async fn add_comment(
        &self,
        actor: &Actor,
        id: DocumentId,
        body: &str,
        internal: bool,
        files: &[FileId],
        hours: &BusinessHours,
    ) -> Result<CommentId, DocumentError> {
        let document = self.document(actor, id).await?;
        let party = Party::of(actor, document.organisation_id).ok_or(StoreError::NotFound)?;
        let may = match party {
            Party::StaffWriter | Party::StaffManager => true,
            Party::CustomerWriter => !internal,
            Party::CustomerReader | Party::System => false,
        };
        if !may {
            return Err(DocumentError::NotAllowed);
        }
        if matches!(document.state, DocumentState::Cancelled)
            || (document.state == DocumentState::Closed && !party.is_staff())
        {
            return Err(TransitionError::WrongState.into());
        }
        let at = now();
        let comment = CommentId::generate();
        let mut tx = self.begin().await?;
        on_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO support_document_comments (id, document_id, author_id, is_internal, body, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(comment.0)
            .bind(id.0)
            .bind(actor.user_id.0)
            .bind(internal)
            .bind(body)
            .bind(at)
            .execute(conn)
            .await?
            .rows_affected()
        });
        tx.attach_files(actor, id, Some(comment), internal, files)
            .await?;
        let mut clock = document.clock;
        let mut state = document.state;
        let mut changes = Vec::new();
        if party.is_staff() && !internal {
            clock.respond(at);
        }
        if party == Party::CustomerWriter && document.state == DocumentState::WaitingForCustomer {
            state = DocumentState::InProgress;
            clock.change_state(hours, document.state, state, at);
            changes.push(FieldChange {
                field: "state",
                old: document.state.as_str().into(),
                new: state.as_str().into(),
            });
        }
        tx.write_document_state(&document, state, &clock, at, None)
            .await?;
        tx.record_changes(ENTITY, id.0, actor.user_id, &changes)
            .await?;
        let kind = if internal {
            EventKind::DocumentNote
        } else {
            EventKind::DocumentReply
        };
        tx.record_event(kind, id.0, Some(actor.user_id), Some(comment.0), "")
            .await?;
        if !changes.is_empty() {
            tx.record_state_event(id, Some(actor.user_id), document.state, state)
                .await?;
        }
        tx.commit().await?;
        Ok(comment)
    }

    /// Takes a workflow step, if the actor's party may take it from the current state and
    /// the document is still at `expected_version` (else [`StoreError::Conflict`]).
    pub async fn transition_document(
        &self,
        actor: &Actor,
        id: DocumentId,
        transition: Transition,
        expected_version: i64,
        hours: &BusinessHours,
        reopen_days: i64,
    ) -> Result<DocumentState, DocumentError> {
        let document = self.document(actor, id).await?;
        let party = Party::of(actor, document.organisation_id).ok_or(StoreError::NotFound)?;
        let at = now();
        let to = permitted(
            party,
            document.state,
            transition,
            &WorkflowClock {
                closed_at: document.closed_at,
                now: at,
                reopen_days,
            },
        )?;
        if document.version != expected_version {
            return Err(StoreError::Conflict.into());
        }
        let mut tx = self.begin().await?;
        self.apply_transition(&mut tx, &document, Some(actor.user_id), to, hours, at)
            .await?;
        tx.commit().await?;
        Ok(to)
    }

    async fn apply_transition(
        &self,
        tx: &mut Tx,
        document: &DocumentRecord,
        by: Option<UserId>,
        to: DocumentState,
        hours: &BusinessHours,
        at: DateTime<Utc>,
    ) -> Result<(), DocumentError> {
        let mut clock = document.clock;
        if document.state == DocumentState::New && to == DocumentState::Accepted {
            clock.respond(at);
        }
        clock.change_state(hours, document.state, to, at);
        let assignee = (to == DocumentState::Accepted && document.assignee_id.is_none())
            .then_some(by)
            .flatten();
        tx.write_document_state(document, to, &clock, at, assignee)
            .await?;
        let mut changes = vec![FieldChange {
            field: "state",
            old: document.state.as_str().into(),
            new: to.as_str().into(),
        }];
        if let Some(a) = assignee {
            changes.push(FieldChange {
                field: "assignee",
                old: String::new(),
                new: a.to_string(),
            });
        }
        tx.record_changes_by(ENTITY, document.id.0, by, &changes)
            .await?;
        tx.record_state_event(document.id, by, document.state, to)
            .await?;
        Ok(())
    }

    /// Assigns the document to an active staff member who writes in the agenda (or to nobody);
    /// staff who process documents only.
    pub async fn assign_document(
        &self,
        actor: &Actor,
        id: DocumentId,
        assignee: Option<UserId>,
        expected_version: i64,
    ) -> Result<(), DocumentError> {
        let document = self.document(actor, id).await?;
        if Party::of(actor, document.organisation_id) != Some(Party::StaffManager) {
            return Err(DocumentError::NotAllowed);
        }
        if let Some(user) = assignee
            && !self.is_support_staff(user).await?
        {
            return Err(DocumentError::Invalid("assignee"));
        }
        let at = now();
        let mut tx = self.begin().await?;
        let updated = on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE support_documents SET assignee_id = $1, version = version + 1, updated_at = $2
                 WHERE id = $3 AND version = $4",
            )
            .bind(assignee.map(|a| a.0))
            .bind(at)
            .bind(id.0)
            .bind(expected_version)
            .execute(conn)
            .await?
            .rows_affected()
        });
        if updated == 0 {
            return Err(StoreError::Conflict.into());
        }
        tx.record_changes(
            ENTITY,
            id.0,
            actor.user_id,
            &[FieldChange {
                field: "assignee",
                old: document
                    .assignee_id
                    .map(|a| a.to_string())
                    .unwrap_or_default(),
                new: assignee.map(|a| a.to_string()).unwrap_or_default(),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Active staff who may write in support documents: assignees and watchers to choose.
    pub async fn support_staff(&self) -> Result<Vec<(UserId, String)>, StoreError> {
        self.staff_who_may(
            supportweb_domain::permissions::Area::Agenda(
                supportweb_domain::Agenda::SupportDocuments,
            ),
            supportweb_domain::permissions::Action::Write,
        )
        .await
    }

    /// Active staff whose roles allow `action` in `area`, by name.
    pub async fn staff_who_may(
        &self,
        area: supportweb_domain::permissions::Area,
        action: supportweb_domain::permissions::Action,
    ) -> Result<Vec<(UserId, String)>, StoreError> {
        let rows: Vec<(Uuid, String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT u.id, u.display_name, r.role FROM users u JOIN user_roles r ON r.user_id = u.id
                 WHERE u.kind = 'staff' AND u.is_active = $1 ORDER BY u.display_name, u.id",
            )
            .bind(true)
            .fetch_all(pool)
            .await?
        });
        let mut out: Vec<(UserId, String)> = Vec::new();
        for (id, name, role) in rows {
            let Some(role) = supportweb_domain::user::StaffRole::parse(&role) else {
                continue;
            };
            let may = supportweb_domain::permissions::staff_may(&[role], area, action);
            if may && !out.iter().any(|(u, _)| u.0 == id) {
                out.push((UserId(id), name));
            }
        }
        Ok(out)
    }

    async fn is_support_staff(&self, user: UserId) -> Result<bool, StoreError> {
        Ok(self.support_staff().await?.iter().any(|(u, _)| *u == user))
    }

    /// The watchers of a document the caller has from [`Store::document`].
    pub async fn watchers(&self, id: DocumentId) -> Result<Vec<WatcherRecord>, StoreError> {
        let rows: Vec<(Uuid, String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT u.id, u.display_name, u.kind FROM support_document_watchers w
                 JOIN users u ON u.id = w.user_id WHERE w.document_id = $1
                 ORDER BY u.display_name, u.id",
            )
            .bind(id.0)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, display_name, kind)| WatcherRecord {
                user_id: UserId(id),
                display_name,
                is_staff: kind == "staff",
            })
            .collect())
    }

    /// Adds or removes a watcher. Anyone who may see the document watches or stops watching
    /// it themselves; staff who process documents add support staff or the organisation's
    /// members with the read right. Anyone else answers [`DocumentError::Invalid`].
    pub async fn set_watcher(
        &self,
        actor: &Actor,
        id: DocumentId,
        user: UserId,
        watch: bool,
    ) -> Result<(), DocumentError> {
        let document = self.document(actor, id).await?;
        let party = Party::of(actor, document.organisation_id).ok_or(StoreError::NotFound)?;
        if user != actor.user_id {
            if party != Party::StaffManager {
                return Err(DocumentError::NotAllowed);
            }
            if watch && !self.may_watch(user, document.organisation_id).await? {
                return Err(DocumentError::Invalid("watcher"));
            }
        }
        let mut tx = self.begin().await?;
        let changed = if watch {
            tx.add_watcher_row(id, user).await?
        } else {
            on_tx!(tx, conn => {
                sqlx::query("DELETE FROM support_document_watchers WHERE document_id = $1 AND user_id = $2")
                    .bind(id.0)
                    .bind(user.0)
                    .execute(conn)
                    .await?
                    .rows_affected()
            })
        };
        if changed > 0 {
            let (old, new) = if watch {
                (String::new(), user.to_string())
            } else {
                (user.to_string(), String::new())
            };
            tx.record_changes(
                ENTITY,
                id.0,
                actor.user_id,
                &[FieldChange {
                    field: "watcher",
                    old,
                    new,
                }],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn may_watch(
        &self,
        user: UserId,
        organisation: OrganisationId,
    ) -> Result<bool, StoreError> {
        if self.is_support_staff(user).await? {
            return Ok(true);
        }
        let count: i64 = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM organisation_memberships m JOIN users u ON u.id = m.user_id
                 WHERE m.user_id = $1 AND m.organisation_id = $2 AND u.is_active = $3
                 AND m.right_documents IN ('read', 'write')",
            )
            .bind(user.0)
            .bind(organisation.0)
            .bind(true)
            .fetch_one(pool)
            .await?
        });
        Ok(count > 0)
    }

    /// Logs staff time on a document (staff who write in the agenda). Billable time under a
    /// contract with prepaid hours draws them down.
    pub async fn log_time(
        &self,
        actor: &Actor,
        id: DocumentId,
        entry: &NewTimeEntry,
    ) -> Result<TimeEntryId, DocumentError> {
        let document = self.document(actor, id).await?;
        if !Party::of(actor, document.organisation_id).is_some_and(Party::is_staff) {
            return Err(DocumentError::NotAllowed);
        }
        if entry.minutes <= 0 || entry.minutes > 24 * 60 {
            return Err(DocumentError::Invalid("minutes"));
        }
        let entry_id = TimeEntryId::generate();
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO support_time_entries (id, document_id, user_id, contract_id, activity,
                 minutes, billable, work_date, note, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            )
            .bind(entry_id.0)
            .bind(id.0)
            .bind(actor.user_id.0)
            .bind(document.contract_id.map(|c| c.0))
            .bind(entry.activity.as_str())
            .bind(entry.minutes)
            .bind(entry.billable)
            .bind(entry.work_date)
            .bind(entry.note.as_str())
            .bind(now())
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(entry_id)
    }

    /// Time logged on a document: staff only (customers see the prepaid balance, not entries).
    pub async fn time_entries(
        &self,
        actor: &Actor,
        document: &DocumentRecord,
    ) -> Result<Vec<TimeEntryRecord>, StoreError> {
        if !actor.is_staff() {
            return Ok(Vec::new());
        }
        let rows: Vec<(Uuid, String, String, i64, bool, NaiveDate, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT t.id, u.display_name, t.activity, t.minutes, t.billable, t.work_date, t.note
                 FROM support_time_entries t JOIN users u ON u.id = t.user_id
                 WHERE t.document_id = $1 ORDER BY t.work_date, t.id",
            )
            .bind(document.id.0)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(
                |(id, user_name, activity, minutes, billable, work_date, note)| {
                    Ok(TimeEntryRecord {
                        id: TimeEntryId(id),
                        user_name,
                        activity: Activity::parse(&activity)
                            .ok_or_else(|| StoreError::Corrupt(format!("activity {activity:?}")))?,
                        minutes,
                        billable,
                        work_date,
                        note,
                    })
                },
            )
            .collect()
    }

    /// Prepaid time of the document's contract and the billable time logged under it;
    /// `None` when the contract has no prepaid hours.
    pub async fn prepaid_balance(
        &self,
        document: &DocumentRecord,
    ) -> Result<Option<PrepaidBalance>, StoreError> {
        let Some(contract) = document.contract_id else {
            return Ok(None);
        };
        let row: Option<(Option<i64>, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT c.prepaid_minutes, COALESCE((SELECT CAST(SUM(t.minutes) AS BIGINT) FROM support_time_entries t
                   WHERE t.contract_id = c.id AND t.billable = $2), 0)
                 FROM contracts c WHERE c.id = $1",
            )
            .bind(contract.0)
            .bind(true)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.and_then(|(prepaid, used)| {
            prepaid.map(|prepaid_minutes| PrepaidBalance {
                prepaid_minutes,
                used_minutes: used,
            })
        }))
    }

    /// Closes resolved documents resolved longer than `days` ago (scheduled work). Each one
    /// closes in its own transaction guarded by its version, so several instances running
    /// this at once close each document once. Returns how many this call closed.
    pub async fn auto_close_documents(
        &self,
        days: i64,
        hours: &BusinessHours,
    ) -> Result<u64, DocumentError> {
        let at = now();
        let before = at - chrono::Duration::days(days);
        let ids: Vec<Uuid> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT id FROM support_documents WHERE state = $1 AND resolved_at <= $2
                 ORDER BY resolved_at LIMIT 500",
            )
            .bind(DocumentState::Resolved.as_str())
            .bind(before)
            .fetch_all(pool)
            .await?
        });
        let mut closed = 0;
        for id in ids {
            let document = self.document_unscoped(DocumentId(id)).await?;
            let Ok(to) = permitted(
                Party::System,
                document.state,
                Transition::AutoClose,
                &WorkflowClock {
                    closed_at: None,
                    now: at,
                    reopen_days: 0,
                },
            ) else {
                continue;
            };
            let mut tx = self.begin().await?;
            match self
                .apply_transition(&mut tx, &document, None, to, hours, at)
                .await
            {
                Ok(()) => {
                    tx.commit().await?;
                    closed += 1;
                }
                Err(DocumentError::Store(StoreError::Conflict)) => continue,
                Err(other) => return Err(other),
            }
        }
        Ok(closed)
    }

    /// Marks deadlines that passed as breached and records a breach notification for each
    /// newly missed deadline — the first response and, later, the resolution each get their
    /// own (scheduled work; safe with several instances: the flags are set by an update
    /// guarded by their previous values). Returns how many documents had a new breach.
    pub async fn check_sla_breaches(&self) -> Result<u64, StoreError> {
        let at = now();
        let ids: Vec<Uuid> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT id FROM support_documents WHERE due_sort < $1
                 AND ((first_response_at IS NULL AND response_breached = $2 AND response_due_at < $1)
                   OR (resolution_breached = $2 AND resolution_due_at < $1))
                 ORDER BY due_sort LIMIT 500",
            )
            .bind(at)
            .bind(false)
            .fetch_all(pool)
            .await?
        });
        let mut found = 0;
        for id in ids {
            let document = self.document_unscoped(DocumentId(id)).await?;
            let before = document.clock;
            let mut clock = before;
            if !clock.check_breach(at) {
                continue;
            }
            let missed: Vec<&str> = [
                (clock.response_breached && !before.response_breached).then_some("response"),
                (clock.resolution_breached && !before.resolution_breached).then_some("resolution"),
            ]
            .into_iter()
            .flatten()
            .collect();
            let mut tx = self.begin().await?;
            let updated = on_tx!(tx, conn => {
                sqlx::query(
                    "UPDATE support_documents SET breach_notified = $1, response_breached = $2,
                     resolution_breached = $3 WHERE id = $4 AND response_breached = $5
                     AND resolution_breached = $6",
                )
                .bind(true)
                .bind(clock.response_breached)
                .bind(clock.resolution_breached)
                .bind(id)
                .bind(before.response_breached)
                .bind(before.resolution_breached)
                .execute(conn)
                .await?
                .rows_affected()
            });
            if updated == 1 {
                tx.record_event(EventKind::SlaBreach, id, None, None, &missed.join(","))
                    .await?;
                tx.commit().await?;
                found += 1;
            }
        }
        Ok(found)
    }
}

fn today_year(at: DateTime<Utc>) -> i32 {
    use chrono::Datelike;
    supportweb_domain::calendar::prague_time(at).year()
}

/// The SQL and arguments of an overview page.
fn overview_sql(
    actor: &Actor,
    q: &DocumentQuery,
    at: DateTime<Utc>,
    backend: crate::Backend,
) -> (String, Vec<Arg>) {
    let mut b = Built {
        conditions: Vec::new(),
        args: Vec::new(),
    };
    let staff = b.arg(Arg::Bool(actor.is_staff()));
    let me = b.arg(Arg::Uuid(actor.user_id.0));
    let scope = |alias: &str| {
        format!(
            "({staff} OR {alias}.organisation_id IN (SELECT m.organisation_id FROM organisation_memberships m \
             WHERE m.user_id = {me} AND m.right_documents IN ('read', 'write')))"
        )
    };
    b.conditions.push(scope("d"));
    if !q.words.is_empty() {
        let words = b.arg(Arg::String(crate::search::match_query(backend, &q.words)));
        b.conditions.push(format!(
            "d.id IN (SELECT m.record_id FROM ({}) m)",
            crate::search::matches(
                backend,
                crate::search::Indexed::SupportDocuments,
                &words,
                &staff
            )
        ));
    }
    match q.view {
        DocumentView::All => {}
        DocumentView::Mine => b.conditions.push(format!(
            "(d.reporter_id = {me} OR d.id IN (SELECT w.document_id FROM support_document_watchers w WHERE w.user_id = {me}))"
        )),
        DocumentView::Unassigned => {
            b.conditions.push("d.assignee_id IS NULL".into());
            b.conditions.push(format!(
                "d.state IN ('{}', '{}', '{}', '{}')",
                OPEN_STATES[0], OPEN_STATES[1], OPEN_STATES[2], OPEN_STATES[3]
            ));
        }
        DocumentView::AssignedToMe => b.conditions.push(format!("d.assignee_id = {me}")),
        DocumentView::Breached => {
            let now = b.arg(Arg::Time(at));
            b.conditions.push(format!(
                "(d.response_breached = TRUE OR d.resolution_breached = TRUE \
                 OR (d.first_response_at IS NULL AND d.response_due_at < {now}) OR d.resolution_due_at < {now})"
            ));
        }
    }
    match q.state {
        None => {}
        Some(StateFilter::Unfinished) => b.conditions.push(format!(
            "d.state IN ('{}', '{}', '{}', '{}')",
            OPEN_STATES[0], OPEN_STATES[1], OPEN_STATES[2], OPEN_STATES[3]
        )),
        Some(StateFilter::Is(s)) => {
            let p = b.arg(Arg::Text(s.as_str()));
            b.conditions.push(format!("d.state = {p}"));
        }
    }
    if q.team {
        b.conditions.push(format!(
            "d.organisation_id IN (SELECT t.organisation_id FROM account_team t WHERE t.user_id = {me})"
        ));
    }
    if let Some(s) = q.severity {
        let p = b.arg(Arg::Text(s.as_str()));
        b.conditions.push(format!("d.severity = {p}"));
    }
    if let Some(o) = q.organisation {
        let p = b.arg(Arg::Uuid(o.0));
        b.conditions.push(format!("d.organisation_id = {p}"));
    }
    if let Some(a) = q.assignee {
        let p = b.arg(Arg::Uuid(a.0));
        b.conditions.push(format!("d.assignee_id = {p}"));
    }
    if let Some(pr) = q.product {
        let p = b.arg(Arg::Uuid(pr.0));
        b.conditions.push(format!("d.product_id = {p}"));
    }
    if let Some(from) = q.created_from {
        let p = b.arg(Arg::Time(from));
        b.conditions.push(format!("d.created_at >= {p}"));
    }
    if let Some(before) = q.created_before {
        let p = b.arg(Arg::Time(before));
        b.conditions.push(format!("d.created_at < {p}"));
    }
    let mut order: Vec<(&str, bool)> = Vec::new();
    if let Some(group) = q.grouping.column() {
        order.push((group, true));
    }
    order.extend_from_slice(q.sort.columns());
    if let Some(after) = q.after {
        // The cursor's values come from one-row subqueries that the database evaluates once,
        // so they bound the index scan; a cursor the actor may not see gives NULLs, and so
        // an empty page, exactly like a missing one.
        let k = b.arg(Arg::Uuid(after.0));
        let scope = scope("c0");
        let cursor = |column: &str| {
            format!("(SELECT c0.{column} FROM support_documents c0 WHERE c0.id = {k} AND {scope})")
        };
        b.conditions.push(keyset(&order, cursor));
    }
    let limit = b.arg(Arg::Int(i64::from(q.limit.clamp(1, 500))));
    let order_by = order
        .iter()
        .map(|(col, asc)| format!("d.{col} {}", if *asc { "ASC" } else { "DESC" }))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "{} WHERE {} ORDER BY {order_by} LIMIT {limit}",
        document_select!(),
        b.conditions.join(" AND ")
    );
    (sql, b.args)
}

/// `d` comes after the cursor in `order` (`cursor` gives the SQL of the cursor's value of a
/// column). One direction throughout is a row-value comparison, which the database answers
/// as a range of the index however deep the page; mixed directions expand into
/// alternatives, with the first column bounded so the index still narrows the scan.
fn keyset(order: &[(&str, bool)], cursor: impl Fn(&str) -> String) -> String {
    let op = |asc: bool| if asc { ">" } else { "<" };
    let Some(&(first, first_asc)) = order.first() else {
        return "TRUE".into();
    };
    if order.iter().all(|(_, asc)| *asc == first_asc) {
        let columns: Vec<String> = order.iter().map(|(c, _)| format!("d.{c}")).collect();
        let values: Vec<String> = order.iter().map(|(c, _)| cursor(c)).collect();
        return if order.len() == 1 {
            format!("d.{first} {} {}", op(first_asc), values[0])
        } else {
            format!(
                "({}) {} ({})",
                columns.join(", "),
                op(first_asc),
                values.join(", ")
            )
        };
    }
    let mut alternatives = Vec::new();
    for (i, (col, asc)) in order.iter().enumerate() {
        let mut parts: Vec<String> = order[..i]
            .iter()
            .map(|(c, _)| format!("d.{c} = {}", cursor(c)))
            .collect();
        parts.push(format!("d.{col} {} {}", op(*asc), cursor(col)));
        alternatives.push(format!("({})", parts.join(" AND ")));
    }
    format!(
        "(d.{first} {}= {} AND ({}))",
        op(first_asc),
        cursor(first),
        alternatives.join(" OR ")
    )
}

impl Tx {
    async fn add_watcher_row(&mut self, id: DocumentId, user: UserId) -> Result<u64, StoreError> {
        Ok(on_tx!(self, conn => {
            sqlx::query(
                "INSERT INTO support_document_watchers (document_id, user_id) VALUES ($1, $2)
                 ON CONFLICT (document_id, user_id) DO NOTHING",
            )
            .bind(id.0)
            .bind(user.0)
            .execute(conn)
            .await?
            .rows_affected()
        }))
    }

    /// Attaches the actor's own, not yet attached uploads; any other id is refused and the
    /// transaction is abandoned by the caller.
    async fn attach_files(
        &mut self,
        actor: &Actor,
        id: DocumentId,
        comment: Option<CommentId>,
        internal: bool,
        files: &[FileId],
    ) -> Result<(), DocumentError> {
        let link = Link::Document {
            document: id,
            comment,
            internal,
        };
        if self.attach_uploads(actor, link, files).await? {
            Ok(())
        } else {
            Err(DocumentError::Invalid("files"))
        }
    }

    /// Writes state, clock and (optionally) assignee, guarded by the version read. A missed
    /// deadline stays missed: the scheduled SLA check records a breach without changing the
    /// version, so a transition that read the document just before must not clear it (the
    /// next check would report the breach a second time).
    pub(crate) async fn write_document_state(
        &mut self,
        document: &DocumentRecord,
        state: DocumentState,
        clock: &SlaClock,
        at: DateTime<Utc>,
        assignee: Option<UserId>,
    ) -> Result<(), StoreError> {
        let resolved_at = if state == DocumentState::Resolved && document.state != state {
            Some(at)
        } else if state == DocumentState::InProgress && document.state.clock_paused() {
            None
        } else {
            document.resolved_at
        };
        let closed_at = if state == DocumentState::Closed {
            document.closed_at.or(Some(at))
        } else {
            None
        };
        let updated = on_tx!(self, conn => {
            sqlx::query(
                "UPDATE support_documents SET state = $1, state_rank = $2, first_response_at = $3,
                 paused_minutes = $4, paused_since = $5, resolution_due_at = $6,
                 response_breached = (response_breached OR $7),
                 resolution_breached = (resolution_breached OR $8), due_sort = $9, resolved_at = $10,
                 closed_at = $11, assignee_id = COALESCE($12, assignee_id), version = version + 1,
                 updated_at = $13, response_due_at = $16 WHERE id = $14 AND version = $15",
            )
            .bind(state.as_str())
            .bind(state_rank(state))
            .bind(clock.first_response_at)
            .bind(clock.paused_minutes)
            .bind(clock.paused_since)
            .bind(clock.resolution_due_at)
            .bind(clock.response_breached)
            .bind(clock.resolution_breached)
            .bind(if state.is_open() { due_sort(clock) } else { no_deadline() })
            .bind(resolved_at)
            .bind(closed_at)
            .bind(assignee.map(|a| a.0))
            .bind(at)
            .bind(document.id.0)
            .bind(document.version)
            .bind(clock.response_due_at)
            .execute(conn)
            .await?
            .rows_affected()
        });
        if updated == 1 {
            Ok(())
        } else {
            Err(StoreError::Conflict)
        }
    }

    async fn record_state_event(
        &mut self,
        id: DocumentId,
        by: Option<UserId>,
        from: DocumentState,
        to: DocumentState,
    ) -> Result<(), StoreError> {
        let detail = format!("{}>{}", from.as_str(), to.as_str());
        self.record_event(EventKind::DocumentState, id.0, by, None, &detail)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cursor(column: &str) -> String {
        format!("c.{column}")
    }

    #[test]
    fn keyset_expands_mixed_directions_behind_a_bound_on_the_first_column() {
        assert_eq!(
            keyset(&[("state_rank", true), ("id", false)], cursor),
            "(d.state_rank >= c.state_rank AND ((d.state_rank > c.state_rank) \
             OR (d.state_rank = c.state_rank AND d.id < c.id)))"
        );
    }

    #[test]
    fn keyset_of_one_direction_is_a_row_comparison() {
        assert_eq!(
            keyset(&[("updated_at", false), ("id", false)], cursor),
            "(d.updated_at, d.id) < (c.updated_at, c.id)"
        );
        assert_eq!(keyset(&[("id", true)], cursor), "d.id > c.id");
    }
}
