//! Communication protocols in the store. Staff who write protocols record them (drafts are
//! theirs alone), issue them as numbered revisions, and revise what a verifier objected to;
//! a verifier (a user of the organisation with the confirm-protocols flag) confirms or
//! objects to the issued revision, and a confirmed protocol is locked. Customer and partner
//! users with a protocols right read their organisations' issued protocols and tasks; anything
//! else answers [`StoreError::NotFound`]. Every user id in a write (minute-taker,
//! participants, verifiers, responsible persons) is authorised again.

use chrono::{DateTime, NaiveDate, Utc};
use supportweb_domain::Actor;
use supportweb_domain::ids::{FileId, OrganisationId, ProjectId, ProtocolId, TaskId, UserId};
use supportweb_domain::numbering::NumberedAgenda;
use supportweb_domain::protocol::{
    ParticipantSide, ProtocolKind, ProtocolParty, ProtocolState, ProtocolStep, Side, TaskState,
    step_to,
};
use uuid::Uuid;

use crate::attachments::Link;
use crate::files::FileRecord;
use crate::history::{FieldChange, diff};
use crate::notifications::EventKind;
use crate::patches::PatchFile;
use crate::{Store, StoreError, Tx, now, on_pool, on_tx};

/// History entity name of protocols.
pub const ENTITY: &str = "protocol";

/// Why a protocol operation was refused.
#[derive(Debug, thiserror::Error)]
pub enum ProtocolError {
    /// Storage failed, or the protocol is not visible.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The actor may see the protocol but not take this step.
    #[error("not allowed")]
    NotAllowed,
    /// The protocol is issued or confirmed: its content is locked.
    #[error("locked")]
    Locked,
    /// A value that arrived in the request is not acceptable (the field name).
    #[error("invalid {0}")]
    Invalid(&'static str),
}

impl From<sqlx::Error> for ProtocolError {
    fn from(error: sqlx::Error) -> Self {
        ProtocolError::Store(StoreError::Database(error))
    }
}

/// A participant as recorded.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Participant {
    /// Vendor, customer or external.
    pub side: ParticipantSide,
    /// The account, for staff and customer users.
    pub user_id: Option<UserId>,
    /// Name.
    pub name: String,
    /// Organisation or role as typed (externals).
    pub affiliation: String,
    /// Present (else excused).
    pub present: bool,
}

/// An agenda item.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Item {
    /// Title.
    pub title: String,
    /// Summary (Markdown).
    pub summary: String,
    /// Decisions (Markdown).
    pub decisions: String,
}

/// An agreed task.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TaskRecord {
    /// Id.
    pub id: TaskId,
    /// The protocol it was agreed in.
    pub protocol_id: ProtocolId,
    /// That protocol's number.
    pub protocol_number: String,
    /// The organisation.
    pub organisation_id: OrganisationId,
    /// Its name.
    pub organisation_name: String,
    /// The project.
    pub project_name: String,
    /// What is to be done.
    pub description: String,
    /// Who owes it.
    pub side: Side,
    /// The responsible person's account, if any.
    pub responsible_user_id: Option<UserId>,
    /// The responsible person.
    pub responsible_name: String,
    /// Due.
    pub due_on: NaiveDate,
    /// State.
    pub state: TaskState,
    /// Incremented on every change.
    pub version: i64,
}

/// A verifier's answer to an issued revision.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ResponseRecord {
    /// The revision answered.
    pub revision: i64,
    /// Who.
    pub user_name: String,
    /// `true` confirmed, `false` objected.
    pub confirmed: bool,
    /// Comments (objections).
    pub comment: String,
    /// When.
    pub responded_at: DateTime<Utc>,
}

/// A protocol as anyone who may see it sees it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProtocolRecord {
    /// Id.
    pub id: ProtocolId,
    /// `KP-2026-0007`.
    pub number: String,
    /// The organisation.
    pub organisation_id: OrganisationId,
    /// Its name.
    pub organisation_name: String,
    /// The project.
    pub project_id: ProjectId,
    /// Its name.
    pub project_name: String,
    /// Kind.
    pub kind: ProtocolKind,
    /// When it took place.
    pub held_at: DateTime<Utc>,
    /// Where.
    pub place: String,
    /// The minute-taker.
    pub minute_taker_id: UserId,
    /// Their name.
    pub minute_taker_name: String,
    /// Verification deadline.
    pub verification_due: Option<NaiveDate>,
    /// Subject.
    pub subject: String,
    /// State.
    pub state: ProtocolState,
    /// The last issued revision (0 before the first issue).
    pub revision: i64,
    /// Participants in order.
    pub participants: Vec<Participant>,
    /// Verifiers: account and name.
    pub verifiers: Vec<(UserId, String)>,
    /// Agenda items in order.
    pub items: Vec<Item>,
    /// Tasks agreed in it.
    pub tasks: Vec<TaskRecord>,
    /// Files.
    pub files: Vec<PatchFile>,
    /// Confirmations and objections, oldest first.
    pub responses: Vec<ResponseRecord>,
    /// Incremented on every change.
    pub version: i64,
    /// Created.
    pub created_at: DateTime<Utc>,
}

/// A task as typed in a protocol.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTask {
    /// An existing task of this protocol (keeps its identity), or a new one.
    pub id: Option<TaskId>,
    /// What is to be done.
    pub description: String,
    /// Who owes it.
    pub side: Side,
    /// The responsible person's account (staff for the vendor, a member for the customer).
    pub responsible_user_id: Option<UserId>,
    /// The responsible person's name when without an account.
    pub responsible_name: String,
    /// Due.
    pub due_on: NaiveDate,
    /// State.
    pub state: TaskState,
}

/// A protocol as staff write it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProtocol {
    /// The organisation (authorised again).
    pub organisation_id: OrganisationId,
    /// The project's name (created for the organisation when new).
    pub project: String,
    /// Kind.
    pub kind: ProtocolKind,
    /// When.
    pub held_at: DateTime<Utc>,
    /// Where.
    pub place: String,
    /// The minute-taker (active staff).
    pub minute_taker_id: UserId,
    /// Verification deadline.
    pub verification_due: Option<NaiveDate>,
    /// Subject.
    pub subject: String,
    /// Participants (names of accounts are taken from the accounts).
    pub participants: Vec<Participant>,
    /// Verifiers (users of the organisation with the confirm-protocols flag).
    pub verifiers: Vec<UserId>,
    /// Agenda items.
    pub items: Vec<Item>,
    /// Tasks agreed.
    pub tasks: Vec<NewTask>,
    /// Files: kept ones and the actor's own new uploads.
    pub files: Vec<FileId>,
}

/// Filters and position of the protocols overview (latest first).
#[derive(Debug, Clone)]
pub struct ProtocolQuery {
    /// State.
    pub state: Option<ProtocolState>,
    /// Organisation.
    pub organisation: Option<OrganisationId>,
    /// Project.
    pub project: Option<ProjectId>,
    /// Kind.
    pub kind: Option<ProtocolKind>,
    /// Held at or after.
    pub from: Option<DateTime<Utc>>,
    /// Held before.
    pub before: Option<DateTime<Utc>>,
    /// Group by organisation (keeps each organisation's protocols together).
    pub by_organisation: bool,
    /// Only protocols waiting for a verification: past their deadline, or for this user's.
    pub waiting: Option<ProtocolWaiting>,
    /// Words the protocol's text must hold (through the search index: customers the issued
    /// revision's, staff the protocol as it stands); empty: any.
    pub words: Vec<String>,
    /// The last protocol of the previous page.
    pub after: Option<ProtocolId>,
    /// Page size.
    pub limit: u32,
}

impl Default for ProtocolQuery {
    fn default() -> Self {
        ProtocolQuery {
            state: None,
            organisation: None,
            project: None,
            kind: None,
            from: None,
            before: None,
            by_organisation: false,
            waiting: None,
            words: Vec::new(),
            after: None,
            limit: 50,
        }
    }
}

/// Issued protocols whose verification is awaited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProtocolWaiting {
    /// Its verification deadline passed before `today`.
    PastDeadline {
        /// Today.
        today: NaiveDate,
    },
    /// The actor verifies it and has not answered the current revision.
    Me,
}

/// Which tasks the overview lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueFilter {
    /// Past their due date.
    Overdue,
    /// Due within the reminder period.
    Soon,
}

/// Filters and position of the tasks overview (earliest due first).
#[derive(Debug, Clone)]
pub struct TaskQuery {
    /// Who owes them.
    pub side: Option<Side>,
    /// State (default: open).
    pub state: Option<TaskState>,
    /// Responsible person: words of the name (case and diacritics do not matter).
    pub responsible: Option<String>,
    /// Only tasks the actor is responsible for.
    pub mine: bool,
    /// Overdue or due soon, as of `today`.
    pub due: Option<DueFilter>,
    /// Today (for `due`).
    pub today: NaiveDate,
    /// Organisation.
    pub organisation: Option<OrganisationId>,
    /// The last task of the previous page.
    pub after: Option<TaskId>,
    /// Page size.
    pub limit: u32,
}

#[derive(sqlx::FromRow)]
struct ProtocolRow {
    id: Uuid,
    number: String,
    organisation_id: Uuid,
    organisation_name: String,
    project_id: Uuid,
    project_name: String,
    kind: String,
    held_at: DateTime<Utc>,
    place: String,
    minute_taker_id: Uuid,
    minute_taker_name: String,
    verification_due: Option<NaiveDate>,
    subject: String,
    state: String,
    revision: i64,
    version: i64,
    created_at: DateTime<Utc>,
}

const PROTOCOL_SELECT: &str =
    "SELECT p.id, p.number, p.organisation_id, o.name AS organisation_name,
     p.project_id, pr.name AS project_name, p.kind, p.held_at, p.place, p.minute_taker_id,
     m.display_name AS minute_taker_name, p.verification_due, p.subject, p.state, p.revision,
     p.version, p.created_at
     FROM protocols p JOIN organisations o ON o.id = p.organisation_id
     JOIN projects pr ON pr.id = p.project_id JOIN users m ON m.id = p.minute_taker_id";

/// The scope on `p` for a customer or partner user (`{user}` is its parameter): issued
/// protocols of organisations where it holds a protocols right.
fn customer_sees(user: &str) -> String {
    format!(
        "p.state <> 'draft' AND p.organisation_id IN (SELECT m.organisation_id
         FROM organisation_memberships m WHERE m.user_id = {user}
         AND m.right_protocols IN ('read', 'write'))"
    )
}

#[derive(sqlx::FromRow)]
struct TaskRow {
    id: Uuid,
    protocol_id: Uuid,
    protocol_number: String,
    organisation_id: Uuid,
    organisation_name: String,
    project_name: String,
    description: String,
    side: String,
    responsible_user_id: Option<Uuid>,
    responsible_name: String,
    due_on: NaiveDate,
    state: String,
    version: i64,
}

const TASK_SELECT: &str = "SELECT t.id, t.protocol_id, p.number AS protocol_number,
     t.organisation_id, o.name AS organisation_name, pr.name AS project_name, t.description,
     t.side, t.responsible_user_id, t.responsible_name, t.due_on, t.state, t.version
     FROM protocol_tasks t JOIN protocols p ON p.id = t.protocol_id
     JOIN organisations o ON o.id = t.organisation_id JOIN projects pr ON pr.id = t.project_id";

impl TryFrom<TaskRow> for TaskRecord {
    type Error = StoreError;

    fn try_from(r: TaskRow) -> Result<Self, StoreError> {
        Ok(TaskRecord {
            id: TaskId(r.id),
            protocol_id: ProtocolId(r.protocol_id),
            protocol_number: r.protocol_number,
            organisation_id: OrganisationId(r.organisation_id),
            organisation_name: r.organisation_name,
            project_name: r.project_name,
            description: r.description,
            side: Side::parse(&r.side).ok_or_else(|| StoreError::Corrupt(r.side.clone()))?,
            responsible_user_id: r.responsible_user_id.map(UserId),
            responsible_name: r.responsible_name,
            due_on: r.due_on,
            state: TaskState::parse(&r.state)
                .ok_or_else(|| StoreError::Corrupt(r.state.clone()))?,
            version: r.version,
        })
    }
}

/// Whether a staff actor may read protocols at all.
fn staff_reads(actor: &Actor) -> bool {
    actor.staff_may(
        supportweb_domain::permissions::Area::Agenda(supportweb_domain::Agenda::Protocols),
        supportweb_domain::permissions::Action::Read,
    )
}

/// A query under construction: conditions joined by AND, arguments numbered in order.
enum Arg {
    U(Uuid),
    T(String),
    D(NaiveDate),
    At(DateTime<Utc>),
}

fn push(args: &mut Vec<Arg>, arg: Arg) -> String {
    args.push(arg);
    format!("${}", args.len())
}

macro_rules! bind_args {
    ($query:expr, $args:expr) => {{
        let mut q = $query;
        for a in $args {
            q = match a {
                Arg::U(v) => q.bind(*v),
                Arg::T(v) => q.bind(v.clone()),
                Arg::D(v) => q.bind(*v),
                Arg::At(v) => q.bind(*v),
            };
        }
        q
    }};
}

impl Store {
    /// The projects of an organisation the actor may see, by name.
    pub async fn projects(
        &self,
        actor: &Actor,
        organisation: OrganisationId,
    ) -> Result<Vec<(ProjectId, String)>, StoreError> {
        self.organisation(actor, organisation).await?;
        let rows: Vec<(Uuid, String)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, name FROM projects WHERE organisation_id = $1 ORDER BY name, id")
                .bind(organisation.0)
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(|(id, n)| (ProjectId(id), n)).collect())
    }

    /// Checks every user id of a protocol write; returns the participants with the names of
    /// their accounts.
    async fn check_protocol(
        &self,
        actor: &Actor,
        new: &NewProtocol,
    ) -> Result<Vec<Participant>, ProtocolError> {
        match self.organisation(actor, new.organisation_id).await {
            Ok(_) => {}
            Err(StoreError::NotFound) => return Err(ProtocolError::Invalid("organisation")),
            Err(e) => return Err(e.into()),
        }
        let members = self.members(actor, new.organisation_id).await?;
        let staff_name = |user: UserId| async move {
            match self.user(user).await? {
                Some(u) if u.is_active && u.kind == supportweb_domain::user::UserKind::Staff => {
                    Ok::<_, StoreError>(Some(u.display_name))
                }
                _ => Ok(None),
            }
        };
        if staff_name(new.minute_taker_id).await?.is_none() {
            return Err(ProtocolError::Invalid("minute_taker"));
        }
        let mut participants = Vec::with_capacity(new.participants.len());
        for p in &new.participants {
            let mut p = p.clone();
            match (p.side, p.user_id) {
                (ParticipantSide::Vendor, Some(user)) => {
                    p.name = staff_name(user)
                        .await?
                        .ok_or(ProtocolError::Invalid("participants"))?;
                }
                (ParticipantSide::Customer, Some(user)) => {
                    p.name = members
                        .iter()
                        .find(|m| m.user_id == user)
                        .map(|m| m.display_name.clone())
                        .ok_or(ProtocolError::Invalid("participants"))?;
                }
                (ParticipantSide::External, None) if !p.name.trim().is_empty() => {}
                _ => return Err(ProtocolError::Invalid("participants")),
            }
            participants.push(p);
        }
        for verifier in &new.verifiers {
            let ok = members.iter().any(|m| {
                m.user_id == *verifier
                    && m.is_active
                    && m.rights.may_confirm_protocols
                    && m.rights.protocols.may_enter()
            });
            if !ok {
                return Err(ProtocolError::Invalid("verifiers"));
            }
        }
        for task in &new.tasks {
            if let Some(user) = task.responsible_user_id {
                let ok = match task.side {
                    Side::Vendor => staff_name(user).await?.is_some(),
                    Side::Customer => members.iter().any(|m| m.user_id == user),
                };
                if !ok {
                    return Err(ProtocolError::Invalid("tasks"));
                }
            }
        }
        Ok(participants)
    }

    /// The project of that name of an organisation, created when new.
    async fn ensure_project(
        tx: &mut Tx,
        organisation: OrganisationId,
        name: &str,
    ) -> Result<ProjectId, StoreError> {
        let id: Uuid = on_tx!(tx, conn => {
            sqlx::query_scalar(
                "INSERT INTO projects (id, organisation_id, name, created_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (organisation_id, name) DO UPDATE SET name = excluded.name
                 RETURNING id",
            )
            .bind(Uuid::now_v7())
            .bind(organisation.0)
            .bind(name)
            .bind(now())
            .fetch_one(conn)
            .await?
        });
        Ok(ProjectId(id))
    }

    /// Records a draft protocol (staff who write protocols). Numbers come per year.
    pub async fn create_protocol(
        &self,
        actor: &Actor,
        new: &NewProtocol,
    ) -> Result<ProtocolId, ProtocolError> {
        if ProtocolParty::of(actor, new.organisation_id) != Some(ProtocolParty::StaffWriter) {
            return Err(StoreError::NotFound.into());
        }
        let participants = self.check_protocol(actor, new).await?;
        let id = ProtocolId::generate();
        let at = now();
        let mut tx = self.begin().await?;
        let year = chrono::Datelike::year(&supportweb_domain::calendar::prague_time(at));
        let number = tx.next_number(NumberedAgenda::Protocol, year).await?;
        let project =
            Self::ensure_project(&mut tx, new.organisation_id, new.project.trim()).await?;
        on_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO protocols (id, number, organisation_id, project_id, kind, held_at, place,
                 minute_taker_id, verification_due, subject, state, revision, version, created_by,
                 created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', 0, 1, $11, $12, $12)",
            )
            .bind(id.0)
            .bind(number.to_string())
            .bind(new.organisation_id.0)
            .bind(project.0)
            .bind(new.kind.as_str())
            .bind(new.held_at)
            .bind(new.place.as_str())
            .bind(new.minute_taker_id.0)
            .bind(new.verification_due)
            .bind(new.subject.as_str())
            .bind(actor.user_id.0)
            .bind(at)
            .execute(conn)
            .await?
            .rows_affected()
        });
        tx.write_protocol_children(actor, id, new, project, &participants)
            .await?;
        tx.record_state(
            ENTITY,
            id.0,
            actor.user_id,
            "",
            ProtocolState::Draft.as_str().to_owned(),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes a draft or a protocol objected to (staff who write protocols), guarded by
    /// `version`; an issued or confirmed protocol is [`ProtocolError::Locked`].
    pub async fn update_protocol(
        &self,
        actor: &Actor,
        id: ProtocolId,
        new: &NewProtocol,
        version: i64,
    ) -> Result<(), ProtocolError> {
        let before = self.protocol(actor, id).await?;
        if ProtocolParty::of(actor, before.organisation_id) != Some(ProtocolParty::StaffWriter) {
            return Err(ProtocolError::NotAllowed);
        }
        if !before.state.editable() {
            return Err(ProtocolError::Locked);
        }
        if new.organisation_id != before.organisation_id {
            return Err(ProtocolError::Invalid("organisation"));
        }
        let participants = self.check_protocol(actor, new).await?;
        let name_of = |user: UserId| async move {
            Ok::<_, StoreError>(
                self.user(user)
                    .await?
                    .map(|u| u.display_name)
                    .unwrap_or_default(),
            )
        };
        let minute_taker = name_of(new.minute_taker_id).await?;
        let mut verifiers = Vec::with_capacity(new.verifiers.len());
        for verifier in &new.verifiers {
            verifiers.push(name_of(*verifier).await?);
        }
        verifiers.sort();
        let mut tx = self.begin().await?;
        let project =
            Self::ensure_project(&mut tx, new.organisation_id, new.project.trim()).await?;
        let updated = on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE protocols SET project_id = $2, kind = $3, held_at = $4, place = $5,
                 minute_taker_id = $6, verification_due = $7, subject = $8,
                 version = version + 1, updated_at = $9 WHERE id = $1 AND version = $10",
            )
            .bind(id.0)
            .bind(project.0)
            .bind(new.kind.as_str())
            .bind(new.held_at)
            .bind(new.place.as_str())
            .bind(new.minute_taker_id.0)
            .bind(new.verification_due)
            .bind(new.subject.as_str())
            .bind(now())
            .bind(version)
            .execute(conn)
            .await?
            .rows_affected()
        });
        if updated != 1 {
            return Err(StoreError::Conflict.into());
        }
        tx.write_protocol_children(actor, id, new, project, &participants)
            .await?;
        // Everything the form edits, names for people and titles for items and tasks (the
        // texts themselves are compared between issued revisions).
        let present = |list: &[Participant], present: bool| {
            list.iter()
                .filter(|p| p.present == present)
                .map(|p| p.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        let changes = diff(
            &[
                ("project", before.project_name.clone()),
                ("kind", before.kind.as_str().to_owned()),
                ("held_at", before.held_at.to_rfc3339()),
                ("place", before.place.clone()),
                ("subject", before.subject.clone()),
                ("minute_taker", before.minute_taker_name.clone()),
                ("participants_present", present(&before.participants, true)),
                ("participants_excused", present(&before.participants, false)),
                ("verifiers", {
                    let mut names: Vec<&str> = before
                        .verifiers
                        .iter()
                        .map(|(_, name)| name.as_str())
                        .collect();
                    names.sort_unstable();
                    names.join(", ")
                }),
                ("verification_due", day(before.verification_due)),
                (
                    "items",
                    before
                        .items
                        .iter()
                        .map(|i| i.title.trim())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                (
                    "tasks",
                    before
                        .tasks
                        .iter()
                        .map(|t| t.description.trim())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            ],
            &[
                ("project", new.project.trim().to_owned()),
                ("kind", new.kind.as_str().to_owned()),
                ("held_at", new.held_at.to_rfc3339()),
                ("place", new.place.clone()),
                ("subject", new.subject.clone()),
                ("minute_taker", minute_taker),
                ("participants_present", present(&participants, true)),
                ("participants_excused", present(&participants, false)),
                ("verifiers", verifiers.join(", ")),
                ("verification_due", day(new.verification_due)),
                (
                    "items",
                    new.items
                        .iter()
                        .map(|i| i.title.trim())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                (
                    "tasks",
                    new.tasks
                        .iter()
                        .map(|t| t.description.trim())
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
            ],
        );
        tx.record_changes(ENTITY, id.0, actor.user_id, &changes)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Takes a step: staff issue (`snapshot` is the revision's text, kept for comparison and
    /// bound to the number, written with `review`, the open tasks of earlier protocols as
    /// [`Store::open_tasks_before`] read them — checked again in the transaction, so a task
    /// changed meanwhile makes the issue stale rather than the kept review wrong); a verifier
    /// confirms or objects (with `comment`) to the current revision, guarded by `version` so
    /// an answer always names the revision it read.
    #[allow(clippy::too_many_arguments)]
    pub async fn protocol_step(
        &self,
        actor: &Actor,
        id: ProtocolId,
        step: ProtocolStep,
        comment: &str,
        snapshot: &str,
        review: &[TaskRecord],
        version: i64,
    ) -> Result<ProtocolState, ProtocolError> {
        let protocol = self.protocol(actor, id).await?;
        let party =
            ProtocolParty::of(actor, protocol.organisation_id).ok_or(StoreError::NotFound)?;
        let to = step_to(party, protocol.state, step).ok_or(ProtocolError::NotAllowed)?;
        let comment = comment.trim();
        if step == ProtocolStep::Object && comment.is_empty() {
            return Err(ProtocolError::Invalid("comment"));
        }
        let revision = if step == ProtocolStep::Issue {
            protocol.revision + 1
        } else {
            protocol.revision
        };
        // The review of open tasks as it stands at the issue is kept with the revision.
        let review_json = if step == ProtocolStep::Issue {
            serde_json::to_string(review).map_err(|e| StoreError::Corrupt(e.to_string()))?
        } else {
            String::new()
        };
        let at = now();
        let mut tx = self.begin().await?;
        let updated = on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE protocols SET state = $2, revision = $3, version = version + 1,
                 updated_at = $4 WHERE id = $1 AND version = $5 AND state = $6",
            )
            .bind(id.0)
            .bind(to.as_str())
            .bind(revision)
            .bind(at)
            .bind(version)
            .bind(protocol.state.as_str())
            .execute(conn)
            .await?
            .rows_affected()
        });
        if updated != 1 {
            return Err(StoreError::Conflict.into());
        }
        if step == ProtocolStep::Issue && !tx.review_unchanged(&protocol, review).await? {
            return Err(StoreError::Conflict.into());
        }
        // What customers read while staff revise after an objection: the protocol as issued.
        let record =
            serde_json::to_string(&protocol).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let event = match step {
            ProtocolStep::Issue => {
                on_tx!(tx, conn => {
                    sqlx::query(
                        "INSERT INTO protocol_revisions (protocol_id, revision, snapshot, record, issued_by, issued_at, review)
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(id.0)
                    .bind(revision)
                    .bind(snapshot)
                    .bind(record.as_str())
                    .bind(actor.user_id.0)
                    .bind(at)
                    .bind(review_json.as_str())
                    .execute(conn)
                    .await?
                    .rows_affected()
                });
                EventKind::ProtocolIssued
            }
            ProtocolStep::Confirm | ProtocolStep::Object => {
                let confirmed = step == ProtocolStep::Confirm;
                on_tx!(tx, conn => {
                    sqlx::query(
                        "INSERT INTO protocol_responses (id, protocol_id, revision, user_id, kind, comment, responded_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(Uuid::now_v7())
                    .bind(id.0)
                    .bind(revision)
                    .bind(actor.user_id.0)
                    .bind(if confirmed { "confirmed" } else { "objected" })
                    .bind(comment)
                    .bind(at)
                    .execute(conn)
                    .await?
                    .rows_affected()
                });
                if confirmed {
                    EventKind::ProtocolConfirmed
                } else {
                    EventKind::ProtocolObjected
                }
            }
        };
        tx.record_state(
            ENTITY,
            id.0,
            actor.user_id,
            protocol.state.as_str(),
            format!("{} ({revision})", to.as_str()),
        )
        .await?;
        tx.record_event(
            event,
            id.0,
            Some(actor.user_id),
            None,
            &revision.to_string(),
        )
        .await?;
        tx.commit().await?;
        Ok(to)
    }

    /// One protocol the actor may see, whole.
    pub async fn protocol(
        &self,
        actor: &Actor,
        id: ProtocolId,
    ) -> Result<ProtocolRecord, StoreError> {
        let row = self.live_row(actor, id).await?;
        let record = self
            .protocol_record(row.ok_or(StoreError::NotFound)?)
            .await?;
        if actor.is_staff() {
            Ok(record)
        } else {
            self.as_issued(record).await
        }
    }

    /// The protocol's row as it stands now, if the actor may see the protocol (the columns
    /// lists sort by, whatever revision a customer reads).
    async fn live_row(
        &self,
        actor: &Actor,
        id: ProtocolId,
    ) -> Result<Option<ProtocolRow>, StoreError> {
        Ok(if actor.is_staff() {
            if !staff_reads(actor) {
                return Err(StoreError::NotFound);
            }
            let sql = format!("{PROTOCOL_SELECT} WHERE p.id = $1");
            on_pool!(self, pool => {
                sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(pool).await?
            })
        } else {
            let sql = format!(
                "{PROTOCOL_SELECT} WHERE p.id = $1 AND {}",
                customer_sees("$2")
            );
            on_pool!(self, pool => {
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(id.0)
                    .bind(actor.user_id.0)
                    .fetch_optional(pool)
                    .await?
            })
        })
    }

    /// What a customer reads of a protocol: while staff revise it after an objection, the
    /// content as last issued (with today's state and answers), never the edits in progress.
    async fn as_issued(&self, live: ProtocolRecord) -> Result<ProtocolRecord, StoreError> {
        if live.state != ProtocolState::Objected {
            return Ok(live);
        }
        let record: Option<String> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT record FROM protocol_revisions WHERE protocol_id = $1 AND revision = $2",
            )
            .bind(live.id.0)
            .bind(live.revision)
            .fetch_optional(pool)
            .await?
        });
        let record =
            record.ok_or_else(|| StoreError::Corrupt(format!("revision of {}", live.id)))?;
        let issued: ProtocolRecord =
            serde_json::from_str(&record).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        Ok(ProtocolRecord {
            state: live.state,
            revision: live.revision,
            responses: live.responses,
            version: live.version,
            ..issued
        })
    }

    /// A protocol by id regardless of the actor: for notifications.
    pub async fn protocol_unscoped(&self, id: ProtocolId) -> Result<ProtocolRecord, StoreError> {
        let sql = format!("{PROTOCOL_SELECT} WHERE p.id = $1");
        let row: Option<ProtocolRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(pool).await?
        });
        self.protocol_record(row.ok_or(StoreError::NotFound)?).await
    }

    async fn protocol_record(&self, r: ProtocolRow) -> Result<ProtocolRecord, StoreError> {
        let id = r.id;
        let participants: Vec<(String, Option<Uuid>, String, String, bool)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT side, user_id, name, affiliation, present FROM protocol_participants
                 WHERE protocol_id = $1 ORDER BY position",
            )
            .bind(id)
            .fetch_all(pool)
            .await?
        });
        let verifiers: Vec<(Uuid, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT u.id, u.display_name FROM protocol_verifiers v JOIN users u ON u.id = v.user_id
                 WHERE v.protocol_id = $1 ORDER BY u.display_name, u.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?
        });
        let items: Vec<(String, String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT title, summary, decisions FROM protocol_items WHERE protocol_id = $1 ORDER BY position",
            )
            .bind(id)
            .fetch_all(pool)
            .await?
        });
        let sql = format!("{TASK_SELECT} WHERE t.protocol_id = $1 ORDER BY t.position");
        let tasks: Vec<TaskRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_all(pool).await?
        });
        let files: Vec<(Uuid, String, i64, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT f.id, f.file_name, f.size_bytes, f.sha256 FROM protocol_files pf
                 JOIN files f ON f.id = pf.file_id WHERE pf.protocol_id = $1 ORDER BY f.file_name, f.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?
        });
        let responses: Vec<(i64, String, String, String, DateTime<Utc>)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT r.revision, u.display_name, r.kind, r.comment, r.responded_at
                 FROM protocol_responses r JOIN users u ON u.id = r.user_id
                 WHERE r.protocol_id = $1 ORDER BY r.id",
            )
            .bind(id)
            .fetch_all(pool)
            .await?
        });
        let corrupt = |what: &str| StoreError::Corrupt(what.to_owned());
        Ok(ProtocolRecord {
            id: ProtocolId(id),
            number: r.number,
            organisation_id: OrganisationId(r.organisation_id),
            organisation_name: r.organisation_name,
            project_id: ProjectId(r.project_id),
            project_name: r.project_name,
            kind: ProtocolKind::parse(&r.kind).ok_or_else(|| corrupt(&r.kind))?,
            held_at: r.held_at,
            place: r.place,
            minute_taker_id: UserId(r.minute_taker_id),
            minute_taker_name: r.minute_taker_name,
            verification_due: r.verification_due,
            subject: r.subject,
            state: ProtocolState::parse(&r.state).ok_or_else(|| corrupt(&r.state))?,
            revision: r.revision,
            participants: participants
                .into_iter()
                .map(|(side, user, name, affiliation, present)| {
                    Ok(Participant {
                        side: ParticipantSide::parse(&side).ok_or_else(|| corrupt(&side))?,
                        user_id: user.map(UserId),
                        name,
                        affiliation,
                        present,
                    })
                })
                .collect::<Result<_, StoreError>>()?,
            verifiers: verifiers
                .into_iter()
                .map(|(id, name)| (UserId(id), name))
                .collect(),
            items: items
                .into_iter()
                .map(|(title, summary, decisions)| Item {
                    title,
                    summary,
                    decisions,
                })
                .collect(),
            tasks: tasks
                .into_iter()
                .map(TaskRecord::try_from)
                .collect::<Result<_, _>>()?,
            files: files
                .into_iter()
                .map(|(id, file_name, size_bytes, sha256)| PatchFile {
                    file_id: FileId(id),
                    file_name,
                    size_bytes,
                    sha256,
                })
                .collect(),
            responses: responses
                .into_iter()
                .map(
                    |(revision, user_name, kind, comment, responded_at)| ResponseRecord {
                        revision,
                        user_name,
                        confirmed: kind == "confirmed",
                        comment,
                        responded_at,
                    },
                )
                .collect(),
            version: r.version,
            created_at: r.created_at,
        })
    }

    /// A page of the protocols the actor may see, latest first (or by organisation).
    pub async fn protocols(
        &self,
        actor: &Actor,
        query: &ProtocolQuery,
    ) -> Result<Vec<ProtocolRecord>, StoreError> {
        if actor.is_staff() && !staff_reads(actor) {
            return Err(StoreError::NotFound);
        }
        let mut args = Vec::new();
        let mut conditions: Vec<String> = Vec::new();
        if !actor.is_staff() {
            let n = push(&mut args, Arg::U(actor.user_id.0));
            conditions.push(customer_sees(&n));
        }
        if let Some(state) = query.state {
            let n = push(&mut args, Arg::T(state.as_str().to_owned()));
            conditions.push(format!("p.state = {n}"));
        }
        if let Some(o) = query.organisation {
            let n = push(&mut args, Arg::U(o.0));
            conditions.push(format!("p.organisation_id = {n}"));
        }
        if let Some(p) = query.project {
            let n = push(&mut args, Arg::U(p.0));
            conditions.push(format!("p.project_id = {n}"));
        }
        if let Some(k) = query.kind {
            let n = push(&mut args, Arg::T(k.as_str().to_owned()));
            conditions.push(format!("p.kind = {n}"));
        }
        if let Some(from) = query.from {
            let n = push(&mut args, Arg::At(from));
            conditions.push(format!("p.held_at >= {n}"));
        }
        if let Some(before) = query.before {
            let n = push(&mut args, Arg::At(before));
            conditions.push(format!("p.held_at < {n}"));
        }
        match query.waiting {
            Some(ProtocolWaiting::PastDeadline { today }) => {
                let n = push(&mut args, Arg::D(today));
                conditions.push(format!(
                    "p.state = 'issued' AND p.verification_due IS NOT NULL AND p.verification_due < {n}"
                ));
            }
            Some(ProtocolWaiting::Me) => {
                let n = push(&mut args, Arg::U(actor.user_id.0));
                conditions.push(format!(
                    "p.state = 'issued'
                     AND EXISTS (SELECT 1 FROM protocol_verifiers v WHERE v.protocol_id = p.id AND v.user_id = {n})
                     AND NOT EXISTS (SELECT 1 FROM protocol_responses r
                          WHERE r.protocol_id = p.id AND r.revision = p.revision AND r.user_id = {n})"
                ));
            }
            None => {}
        }
        if !query.words.is_empty() {
            let backend = self.backend();
            let words = push(
                &mut args,
                Arg::T(crate::search::match_query(backend, &query.words)),
            );
            let staff = if actor.is_staff() { "TRUE" } else { "FALSE" };
            conditions.push(format!(
                "p.id IN (SELECT m.record_id FROM ({}) m)",
                crate::search::matches(backend, crate::search::Indexed::Protocols, &words, staff)
            ));
        }
        if let Some(after) = query.after {
            // Read through the actor's scope: a protocol the actor may not see is no cursor,
            // just like a missing one. The live row, as the list sorts by it (a customer may
            // read an earlier revision of it).
            let last = self
                .live_row(actor, after)
                .await?
                .map(|p| (p.held_at, p.organisation_name, p.organisation_id));
            if let Some((held, name, organisation)) = last {
                let h = push(&mut args, Arg::At(held));
                let i = push(&mut args, Arg::U(after.0));
                let newer = format!("(p.held_at < {h} OR (p.held_at = {h} AND p.id < {i}))");
                if query.by_organisation {
                    // Groups in the order of the organisations' names (the id separates
                    // namesakes).
                    let n = push(&mut args, Arg::T(name));
                    let o = push(&mut args, Arg::U(organisation));
                    conditions.push(format!(
                        "(o.name > {n} OR (o.name = {n} AND (p.organisation_id > {o}
                          OR (p.organisation_id = {o} AND {newer}))))"
                    ));
                } else {
                    conditions.push(newer);
                }
            }
        }
        let mut sql = String::from(PROTOCOL_SELECT);
        if !conditions.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conditions.join(" AND "));
        }
        sql.push_str(if query.by_organisation {
            " ORDER BY o.name, p.organisation_id, p.held_at DESC, p.id DESC"
        } else {
            " ORDER BY p.held_at DESC, p.id DESC"
        });
        sql.push_str(&format!(" LIMIT {}", query.limit.clamp(1, 500)));
        let rows: Vec<ProtocolRow> = on_pool!(self, pool => {
            bind_args!(sqlx::query_as::<_, ProtocolRow>(sqlx::AssertSqlSafe(sql.clone())), &args)
                .fetch_all(pool)
                .await?
        });
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let record = self.protocol_record(row).await?;
            out.push(if actor.is_staff() {
                record
            } else {
                self.as_issued(record).await?
            });
        }
        Ok(out)
    }

    /// The issued revisions of a protocol the actor may see: number, text, who, when; newest
    /// first.
    pub async fn protocol_revisions(
        &self,
        actor: &Actor,
        id: ProtocolId,
    ) -> Result<Vec<(i64, String, String, DateTime<Utc>)>, StoreError> {
        self.protocol(actor, id).await?;
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT r.revision, r.snapshot, u.display_name, r.issued_at FROM protocol_revisions r
                 JOIN users u ON u.id = r.issued_by WHERE r.protocol_id = $1 ORDER BY r.revision DESC",
            )
            .bind(id.0)
            .fetch_all(pool)
            .await?
        }))
    }

    /// The review of tasks still open from earlier protocols of the project, as `actor` is
    /// shown it: for an issued or confirmed protocol (and for customers, who read the issued
    /// revision) the review kept when the revision was issued — what was confirmed does not
    /// change as tasks are done later; for a draft, or one staff revise after an objection,
    /// the tasks open now.
    pub async fn protocol_review(
        &self,
        actor: &Actor,
        protocol: &ProtocolRecord,
    ) -> Result<Vec<TaskRecord>, StoreError> {
        let kept = matches!(
            protocol.state,
            ProtocolState::Issued | ProtocolState::Confirmed
        ) || !actor.is_staff();
        if kept && protocol.revision > 0 {
            let review: Option<Option<String>> = on_pool!(self, pool => {
                sqlx::query_scalar(
                    "SELECT review FROM protocol_revisions WHERE protocol_id = $1 AND revision = $2",
                )
                .bind(protocol.id.0)
                .bind(protocol.revision)
                .fetch_optional(pool)
                .await?
            });
            if let Some(Some(review)) = review {
                return serde_json::from_str(&review)
                    .map_err(|e| StoreError::Corrupt(e.to_string()));
            }
        }
        self.open_tasks_before(actor, protocol).await
    }

    /// The tasks still open from earlier protocols of the same project (held before this
    /// one) that the actor may see: the review a new protocol starts with.
    pub async fn open_tasks_before(
        &self,
        actor: &Actor,
        protocol: &ProtocolRecord,
    ) -> Result<Vec<TaskRecord>, StoreError> {
        let mut args = Vec::new();
        let project = push(&mut args, Arg::U(protocol.project_id.0));
        let held = push(&mut args, Arg::At(protocol.held_at));
        let own = push(&mut args, Arg::U(protocol.id.0));
        let mut sql = format!(
            "{TASK_SELECT} WHERE t.project_id = {project} AND t.state = 'open'
             AND p.state IN ('issued', 'confirmed') AND p.held_at < {held} AND p.id <> {own}"
        );
        if !actor.is_staff() {
            let n = push(&mut args, Arg::U(actor.user_id.0));
            sql.push_str(&format!(" AND {}", customer_sees(&n)));
        }
        sql.push_str(" ORDER BY t.due_on, t.id");
        let rows: Vec<TaskRow> = on_pool!(self, pool => {
            bind_args!(sqlx::query_as::<_, TaskRow>(sqlx::AssertSqlSafe(sql.clone())), &args)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(TaskRecord::try_from).collect()
    }

    /// A page of the tasks the actor may see, earliest due first.
    pub async fn protocol_tasks(
        &self,
        actor: &Actor,
        query: &TaskQuery,
    ) -> Result<Vec<TaskRecord>, StoreError> {
        if actor.is_staff() && !staff_reads(actor) {
            return Err(StoreError::NotFound);
        }
        let mut args = Vec::new();
        let mut conditions: Vec<String> = Vec::new();
        if !actor.is_staff() {
            let n = push(&mut args, Arg::U(actor.user_id.0));
            conditions.push(customer_sees(&n));
            // Tasks of a protocol being revised wait until it is issued again.
            conditions.push("p.state IN ('issued', 'confirmed')".to_owned());
        }
        let state = push(
            &mut args,
            Arg::T(query.state.unwrap_or(TaskState::Open).as_str().to_owned()),
        );
        conditions.push(format!("t.state = {state}"));
        if let Some(side) = query.side {
            let n = push(&mut args, Arg::T(side.as_str().to_owned()));
            conditions.push(format!("t.side = {n}"));
        }
        if let Some(o) = query.organisation {
            let n = push(&mut args, Arg::U(o.0));
            conditions.push(format!("t.organisation_id = {n}"));
        }
        match query.due {
            Some(DueFilter::Overdue) => {
                let n = push(&mut args, Arg::D(query.today));
                conditions.push(format!("t.due_on < {n}"));
            }
            Some(DueFilter::Soon) => {
                let from = push(&mut args, Arg::D(query.today));
                let to = push(
                    &mut args,
                    Arg::D(
                        query.today
                            + chrono::Duration::days(supportweb_domain::protocol::REMINDER_DAYS),
                    ),
                );
                conditions.push(format!("t.due_on >= {from} AND t.due_on <= {to}"));
            }
            None => {}
        }
        if query.mine {
            let n = push(&mut args, Arg::U(actor.user_id.0));
            conditions.push(format!("t.responsible_user_id = {n}"));
        }
        for pattern in
            supportweb_domain::search::like_patterns(query.responsible.as_deref().unwrap_or(""))
        {
            let n = push(&mut args, Arg::T(pattern));
            conditions.push(format!("t.responsible_key LIKE {n} ESCAPE '\\'"));
        }
        if let Some(after) = query.after {
            // Read through the actor's scope: a task it may not see is no cursor, just like a
            // missing one.
            let due = match self.protocol_task(actor, after).await {
                Ok(t) => Some(t.due_on),
                Err(StoreError::NotFound) => None,
                Err(e) => return Err(e),
            };
            if let Some(due) = due {
                let d = push(&mut args, Arg::D(due));
                let i = push(&mut args, Arg::U(after.0));
                conditions.push(format!(
                    "(t.due_on > {d} OR (t.due_on = {d} AND t.id > {i}))"
                ));
            }
        }
        let sql = format!(
            "{TASK_SELECT} WHERE {} ORDER BY t.due_on, t.id LIMIT {}",
            conditions.join(" AND "),
            query.limit.clamp(1, 500)
        );
        let rows: Vec<TaskRow> = on_pool!(self, pool => {
            bind_args!(sqlx::query_as::<_, TaskRow>(sqlx::AssertSqlSafe(sql.clone())), &args)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(TaskRecord::try_from).collect()
    }

    /// One task the actor may see (its protocol is visible to it).
    pub async fn protocol_task(
        &self,
        actor: &Actor,
        task: TaskId,
    ) -> Result<TaskRecord, StoreError> {
        let row = self.task_unscoped(task).await?;
        self.protocol(actor, row.protocol_id).await?;
        Ok(row)
    }

    /// Marks a task done, cancelled or open again (staff who write protocols), guarded by
    /// `version`.
    pub async fn set_task_state(
        &self,
        actor: &Actor,
        task: TaskId,
        state: TaskState,
        version: i64,
    ) -> Result<(), ProtocolError> {
        let row = self.protocol_task(actor, task).await?;
        if ProtocolParty::of(actor, row.organisation_id) != Some(ProtocolParty::StaffWriter) {
            return Err(ProtocolError::NotAllowed);
        }
        let mut tx = self.begin().await?;
        // A protocol still being written carries its tasks' states in its form: moving its
        // version makes a form read before this change stale (409) instead of silently
        // setting the task back; an issued one is not touched (its answers name a revision).
        on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE protocols SET version = version + 1, updated_at = $2
                 WHERE id = $1 AND state IN ('draft', 'objected')",
            )
            .bind(row.protocol_id.0)
            .bind(now())
            .execute(conn)
            .await?
            .rows_affected()
        });
        let updated = on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE protocol_tasks SET state = $2, version = version + 1, updated_at = $3
                 WHERE id = $1 AND version = $4",
            )
            .bind(task.0)
            .bind(state.as_str())
            .bind(now())
            .bind(version)
            .execute(conn)
            .await?
            .rows_affected()
        });
        if updated != 1 {
            return Err(StoreError::Conflict.into());
        }
        tx.record_changes(
            ENTITY,
            row.protocol_id.0,
            actor.user_id,
            &[FieldChange {
                field: "task",
                old: format!("{}: {}", row.description, row.state.as_str()),
                new: format!("{}: {}", row.description, state.as_str()),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// A file of a protocol the actor may see; any other answers not found.
    pub async fn protocol_file(
        &self,
        actor: &Actor,
        id: ProtocolId,
        file: FileId,
    ) -> Result<FileRecord, StoreError> {
        let protocol = self.protocol(actor, id).await?;
        if !protocol.files.iter().any(|f| f.file_id == file) {
            return Err(StoreError::NotFound);
        }
        self.file_unscoped(file).await
    }

    /// Finds open tasks of issued protocols that need a reminder on `today` (due within the
    /// reminder period, or overdue), marks each reminder sent by a guarded update and records
    /// its notification — once, even with several instances. Returns how many.
    pub async fn remind_tasks(&self, today: NaiveDate) -> Result<u64, StoreError> {
        let soon = today + chrono::Duration::days(supportweb_domain::protocol::REMINDER_DAYS);
        let rows: Vec<(Uuid, NaiveDate, bool, bool)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT t.id, t.due_on, t.reminded_soon, t.reminded_overdue FROM protocol_tasks t
                 JOIN protocols p ON p.id = t.protocol_id
                 WHERE t.state = 'open' AND p.state IN ('issued', 'confirmed') AND t.due_on <= $1
                 AND t.reminded_overdue = $2 AND (t.due_on < $3 OR t.reminded_soon = $2)
                 ORDER BY t.due_on, t.id LIMIT 500",
            )
            .bind(soon)
            .bind(false)
            .bind(today)
            .fetch_all(pool)
            .await?
        });
        let mut sent = 0;
        for (id, due, reminded_soon, reminded_overdue) in rows {
            let Some(overdue) = supportweb_domain::protocol::reminder_due(due, today) else {
                continue;
            };
            // The overdue reminder marks both, so a task never waits for the earlier one.
            let (set, guard, kind) = if overdue {
                if reminded_overdue {
                    continue;
                }
                (
                    "reminded_overdue = $1, reminded_soon = $1",
                    "reminded_overdue",
                    EventKind::TaskOverdue,
                )
            } else {
                if reminded_soon {
                    continue;
                }
                (
                    "reminded_soon = $1",
                    "reminded_soon",
                    EventKind::TaskDueSoon,
                )
            };
            let sql = format!("UPDATE protocol_tasks SET {set} WHERE id = $2 AND {guard} = $3");
            let mut tx = self.begin().await?;
            let updated = on_tx!(tx, conn => {
                sqlx::query(sqlx::AssertSqlSafe(sql))
                    .bind(true)
                    .bind(id)
                    .bind(false)
                    .execute(conn)
                    .await?
                    .rows_affected()
            });
            if updated == 1 {
                tx.record_event(kind, id, None, None, &due.to_string())
                    .await?;
                tx.commit().await?;
                sent += 1;
            }
        }
        Ok(sent)
    }

    /// One task by id regardless of the actor: for notifications.
    pub async fn task_unscoped(&self, id: TaskId) -> Result<TaskRecord, StoreError> {
        let sql = format!("{TASK_SELECT} WHERE t.id = $1");
        let row: Option<TaskRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id.0).fetch_optional(pool).await?
        });
        TaskRecord::try_from(row.ok_or(StoreError::NotFound)?)
    }
}

impl Tx {
    async fn write_protocol_children(
        &mut self,
        actor: &Actor,
        id: ProtocolId,
        new: &NewProtocol,
        project: ProjectId,
        participants: &[Participant],
    ) -> Result<(), ProtocolError> {
        for table in [
            "protocol_participants",
            "protocol_verifiers",
            "protocol_items",
        ] {
            let sql = format!("DELETE FROM {table} WHERE protocol_id = $1");
            on_tx!(self, conn => {
                sqlx::query(sqlx::AssertSqlSafe(sql)).bind(id.0).execute(conn).await?.rows_affected()
            });
        }
        for (position, p) in participants.iter().enumerate() {
            on_tx!(self, conn => {
                sqlx::query(
                    "INSERT INTO protocol_participants (protocol_id, position, side, user_id, name, affiliation, present)
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(id.0)
                .bind(position as i64)
                .bind(p.side.as_str())
                .bind(p.user_id.map(|u| u.0))
                .bind(p.name.trim())
                .bind(p.affiliation.trim())
                .bind(p.present)
                .execute(conn)
                .await?
                .rows_affected()
            });
        }
        for verifier in &new.verifiers {
            on_tx!(self, conn => {
                sqlx::query(
                    "INSERT INTO protocol_verifiers (protocol_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                )
                .bind(id.0)
                .bind(verifier.0)
                .execute(conn)
                .await?
                .rows_affected()
            });
        }
        for (position, item) in new.items.iter().enumerate() {
            on_tx!(self, conn => {
                sqlx::query(
                    "INSERT INTO protocol_items (protocol_id, position, title, summary, decisions)
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(id.0)
                .bind(position as i64)
                .bind(item.title.as_str())
                .bind(item.summary.as_str())
                .bind(item.decisions.as_str())
                .execute(conn)
                .await?
                .rows_affected()
            });
        }
        // Tasks keep their identity: the listed ones of this protocol are updated, new ones
        // inserted, the rest removed.
        let current: Vec<Uuid> = on_tx!(self, conn => {
            sqlx::query_scalar("SELECT id FROM protocol_tasks WHERE protocol_id = $1")
                .bind(id.0)
                .fetch_all(conn)
                .await?
        });
        for existing in &current {
            if !new
                .tasks
                .iter()
                .any(|t| t.id.map(|i| i.0) == Some(*existing))
            {
                on_tx!(self, conn => {
                    sqlx::query("DELETE FROM protocol_tasks WHERE id = $1")
                        .bind(*existing)
                        .execute(conn)
                        .await?
                        .rows_affected()
                });
            }
        }
        let at = now();
        for (position, task) in new.tasks.iter().enumerate() {
            let name = match task.responsible_user_id {
                Some(user) => on_tx!(self, conn => {
                    sqlx::query_scalar::<_, String>("SELECT display_name FROM users WHERE id = $1")
                        .bind(user.0)
                        .fetch_one(conn)
                        .await?
                }),
                None => task.responsible_name.trim().to_owned(),
            };
            match task.id {
                Some(existing) if current.contains(&existing.0) => {
                    on_tx!(self, conn => {
                        sqlx::query(
                            "UPDATE protocol_tasks SET position = $2, description = $3, side = $4,
                             responsible_user_id = $5, responsible_name = $6, state = $8,
                             reminded_soon = CASE WHEN due_on = $7 THEN reminded_soon ELSE $12 END,
                             reminded_overdue = CASE WHEN due_on = $7 THEN reminded_overdue ELSE $12 END,
                             due_on = $7, project_id = $9, version = version + 1, updated_at = $10,
                             responsible_key = $11 WHERE id = $1",
                        )
                        .bind(existing.0)
                        .bind(position as i64)
                        .bind(task.description.as_str())
                        .bind(task.side.as_str())
                        .bind(task.responsible_user_id.map(|u| u.0))
                        .bind(name.as_str())
                        .bind(task.due_on)
                        .bind(task.state.as_str())
                        .bind(project.0)
                        .bind(at)
                        .bind(supportweb_domain::search::search_key(&name))
                        .bind(false)
                        .execute(conn)
                        .await?
                        .rows_affected()
                    });
                }
                Some(_) => return Err(ProtocolError::Invalid("tasks")),
                None => {
                    on_tx!(self, conn => {
                        sqlx::query(
                            "INSERT INTO protocol_tasks (id, protocol_id, organisation_id, project_id, position,
                             description, side, responsible_user_id, responsible_name, due_on, state,
                             reminded_soon, reminded_overdue, version, updated_at, responsible_key)
                             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, 1, $13, $14)",
                        )
                        .bind(Uuid::now_v7())
                        .bind(id.0)
                        .bind(new.organisation_id.0)
                        .bind(project.0)
                        .bind(position as i64)
                        .bind(task.description.as_str())
                        .bind(task.side.as_str())
                        .bind(task.responsible_user_id.map(|u| u.0))
                        .bind(name.as_str())
                        .bind(task.due_on)
                        .bind(task.state.as_str())
                        .bind(false)
                        .bind(at)
                        .bind(supportweb_domain::search::search_key(&name))
                        .execute(conn)
                        .await?
                        .rows_affected()
                    });
                }
            }
        }
        // Files: kept ones stay, others are detached, new ones must be the actor's own uploads
        // attached nowhere.
        if !self
            .replace_uploads(actor, Link::Protocol(id), &new.files)
            .await?
        {
            return Err(ProtocolError::Invalid("files"));
        }
        Ok(())
    }
}

impl crate::Tx {
    /// Whether the open tasks of earlier protocols of `protocol`'s project (the review an
    /// issue keeps) are still `review`, task for task and version for version. On PostgreSQL
    /// the tasks are locked until the issue commits, so none changes before it does.
    async fn review_unchanged(
        &mut self,
        protocol: &ProtocolRecord,
        review: &[TaskRecord],
    ) -> Result<bool, StoreError> {
        let sql =
            "SELECT t.id, t.version FROM protocol_tasks t JOIN protocols p ON p.id = t.protocol_id
             WHERE t.project_id = $1 AND t.state = 'open' AND p.state IN ('issued', 'confirmed')
             AND p.held_at < $2 AND p.id <> $3 ORDER BY t.due_on, t.id";
        let now: Vec<(Uuid, i64)> = match &mut self.inner {
            crate::TxInner::Sqlite(tx) => {
                sqlx::query_as(sql)
                    .bind(protocol.project_id.0)
                    .bind(protocol.held_at)
                    .bind(protocol.id.0)
                    .fetch_all(&mut **tx)
                    .await?
            }
            crate::TxInner::Postgres(tx) => {
                sqlx::query_as(sqlx::AssertSqlSafe(format!("{sql} FOR SHARE OF t")))
                    .bind(protocol.project_id.0)
                    .bind(protocol.held_at)
                    .bind(protocol.id.0)
                    .fetch_all(&mut **tx)
                    .await?
            }
        };
        let read: Vec<(Uuid, i64)> = review.iter().map(|t| (t.id.0, t.version)).collect();
        Ok(now == read)
    }
}

impl Store {
    /// The id of the protocol with this number (`KP-2026-0007`), unscoped: callers read it
    /// through the access layer afterwards.
    pub async fn protocol_id_by_number(&self, number: &str) -> Result<Option<Uuid>, StoreError> {
        let id: Option<(Uuid,)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id FROM protocols WHERE number = $1")
                .bind(number.trim().to_ascii_uppercase())
                .fetch_optional(pool)
                .await?
        });
        Ok(id.map(|(id,)| id))
    }
}
