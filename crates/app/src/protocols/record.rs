//! Recording and revising a protocol (staff who write protocols): the header, participants
//! (staff and the organisation's users, present or excused, and named external persons),
//! verifiers, agenda items, agreed tasks and files. A form opened before someone else's save
//! is refused (409); an issued or confirmed protocol no longer changes.

use chrono::{NaiveDate, NaiveDateTime};
use supportweb_domain::Actor;
use supportweb_domain::calendar::{from_prague_time, prague_time};
use supportweb_domain::ids::{FileId, OrganisationId, TaskId, UserId};
use supportweb_domain::permissions::{Action, Area};
use supportweb_domain::protocol::{ParticipantSide, ProtocolKind, Side, TaskState};
use supportweb_storage::organisations::Member;
use supportweb_storage::protocols::{Item, NewProtocol, NewTask, Participant, ProtocolRecord};

use super::{Protocols, protocol_id, require_writer};
use crate::choices::Named;
use crate::{Error, FieldErrors, Result};

/// Empty rows offered for new items and tasks.
const BLANK_ROWS: usize = 2;

/// One task row as typed.
#[derive(Debug, Default, Clone)]
pub struct TaskInput {
    pub id: String,
    pub description: String,
    pub side: String,
    pub responsible: String,
    pub responsible_name: String,
    pub due: String,
    pub state: String,
}

/// One external participant as typed: name, organisation and presence in separate fields,
/// each kept exactly as typed (no separator is parsed).
#[derive(Debug, Default, Clone)]
pub struct ExternalInput {
    pub name: String,
    pub affiliation: String,
    /// `present` or `excused`.
    pub presence: String,
}

/// One agenda item as typed.
#[derive(Debug, Default, Clone)]
pub struct ItemInput {
    pub title: String,
    pub summary: String,
    pub decisions: String,
}

/// A protocol as typed (pages) or sent (API), before checking.
#[derive(Debug, Default, Clone)]
pub struct ProtocolInput {
    pub organisation: String,
    pub project: String,
    pub kind: String,
    pub held_at: String,
    pub place: String,
    pub minute_taker: String,
    pub verification_due: String,
    pub subject: String,
    pub vendor_present: Vec<String>,
    pub vendor_excused: Vec<String>,
    pub customer_present: Vec<String>,
    pub customer_excused: Vec<String>,
    pub externals: Vec<ExternalInput>,
    pub verifiers: Vec<String>,
    pub items: Vec<ItemInput>,
    pub tasks: Vec<TaskInput>,
    /// Its files: uploads of the actor, or files it already has.
    pub files: Vec<FileId>,
}

impl ProtocolInput {
    /// The form of a recorded protocol.
    pub fn of(p: &ProtocolRecord) -> Self {
        let ids = |side: ParticipantSide, present: bool| {
            p.participants
                .iter()
                .filter(|x| x.side == side && x.present == present)
                .filter_map(|x| x.user_id.map(|u| u.to_string()))
                .collect()
        };
        ProtocolInput {
            organisation: p.organisation_id.to_string(),
            project: p.project_name.clone(),
            kind: p.kind.as_str().to_owned(),
            held_at: prague_time(p.held_at).format("%Y-%m-%dT%H:%M").to_string(),
            place: p.place.clone(),
            minute_taker: p.minute_taker_id.to_string(),
            verification_due: p
                .verification_due
                .map(|d| d.to_string())
                .unwrap_or_default(),
            subject: p.subject.clone(),
            vendor_present: ids(ParticipantSide::Vendor, true),
            vendor_excused: ids(ParticipantSide::Vendor, false),
            customer_present: ids(ParticipantSide::Customer, true),
            customer_excused: ids(ParticipantSide::Customer, false),
            externals: p
                .participants
                .iter()
                .filter(|x| x.side == ParticipantSide::External)
                .map(|x| ExternalInput {
                    name: x.name.clone(),
                    affiliation: x.affiliation.clone(),
                    presence: presence_of(x.present).to_owned(),
                })
                .collect(),
            verifiers: p.verifiers.iter().map(|(id, _)| id.to_string()).collect(),
            items: p
                .items
                .iter()
                .map(|i| ItemInput {
                    title: i.title.clone(),
                    summary: i.summary.clone(),
                    decisions: i.decisions.clone(),
                })
                .collect(),
            tasks: p
                .tasks
                .iter()
                .map(|t| TaskInput {
                    id: t.id.to_string(),
                    description: t.description.clone(),
                    side: t.side.as_str().to_owned(),
                    responsible: t
                        .responsible_user_id
                        .map(|u| u.to_string())
                        .unwrap_or_default(),
                    responsible_name: if t.responsible_user_id.is_some() {
                        String::new()
                    } else {
                        t.responsible_name.clone()
                    },
                    due: t.due_on.to_string(),
                    state: t.state.as_str().to_owned(),
                })
                .collect(),
            files: p.files.iter().map(|f| f.file_id).collect(),
        }
    }

    /// Whether `id` is among the values of a multiple select.
    pub fn has(list: &[String], id: &str) -> bool {
        list.iter().any(|x| x == id)
    }

    /// The rows to show: the typed ones and empty ones to add to.
    pub fn with_blank_rows(mut self) -> Self {
        self.externals.extend(std::iter::repeat_n(
            ExternalInput {
                presence: presence_of(true).to_owned(),
                ..ExternalInput::default()
            },
            BLANK_ROWS,
        ));
        self.items
            .extend(std::iter::repeat_n(ItemInput::default(), BLANK_ROWS));
        self.tasks.extend(std::iter::repeat_n(
            TaskInput {
                state: TaskState::Open.as_str().to_owned(),
                side: Side::Vendor.as_str().to_owned(),
                ..TaskInput::default()
            },
            BLANK_ROWS,
        ));
        self
    }
}

fn user_ids(list: &[String], field: &'static str, errors: &mut FieldErrors) -> Vec<UserId> {
    let mut out = Vec::new();
    for text in list.iter().filter(|x| !x.is_empty()) {
        match text.parse() {
            Ok(id) => out.push(id),
            Err(_) => errors.add(field, "protocol-error-participants"),
        }
    }
    out
}

/// Checks a typed protocol; problems per field.
fn validate(input: &ProtocolInput, errors: &mut FieldErrors) -> Option<NewProtocol> {
    let organisation = input.organisation.parse::<OrganisationId>().ok();
    if organisation.is_none() {
        errors.add("organisation", "code-error-organisation");
    }
    let project = input.project.trim();
    if project.is_empty() || project.chars().count() > 200 {
        errors.add("project", "protocol-error-project");
    }
    let kind = ProtocolKind::parse(&input.kind);
    if kind.is_none() {
        errors.add("kind", "protocol-error-kind");
    }
    let held_at = NaiveDateTime::parse_from_str(input.held_at.trim(), "%Y-%m-%dT%H:%M")
        .ok()
        .map(from_prague_time);
    if held_at.is_none() {
        errors.add("held_at", "protocol-error-held-at");
    }
    if input.place.chars().count() > 300 {
        errors.add("place", "protocol-error-place");
    }
    let minute_taker = input.minute_taker.parse::<UserId>().ok();
    if minute_taker.is_none() {
        errors.add("minute_taker", "protocol-error-minute-taker");
    }
    let verification_due = match input.verification_due.trim() {
        "" => Some(None),
        text => text.parse::<NaiveDate>().ok().map(Some),
    };
    if verification_due.is_none() {
        errors.add("verification_due", "protocol-error-verification-due");
    }
    let subject = input.subject.trim();
    if subject.is_empty() || subject.chars().count() > 300 {
        errors.add("subject", "protocol-error-subject");
    }
    let mut participants = Vec::new();
    for (list, side, present) in [
        (&input.vendor_present, ParticipantSide::Vendor, true),
        (&input.vendor_excused, ParticipantSide::Vendor, false),
        (&input.customer_present, ParticipantSide::Customer, true),
        (&input.customer_excused, ParticipantSide::Customer, false),
    ] {
        for user in user_ids(list, "participants", errors) {
            participants.push(Participant {
                side,
                user_id: Some(user),
                name: String::new(),
                affiliation: String::new(),
                present,
            });
        }
    }
    for external in &input.externals {
        let (name, affiliation) = (external.name.trim(), external.affiliation.trim());
        if name.is_empty() && affiliation.is_empty() {
            continue;
        }
        let present = match external.presence.as_str() {
            "present" => true,
            "excused" => false,
            _ => {
                errors.add("externals", "protocol-error-external-presence");
                continue;
            }
        };
        if name.is_empty() || name.chars().count() > 200 || affiliation.chars().count() > 200 {
            errors.add("externals", "protocol-error-externals");
            continue;
        }
        participants.push(Participant {
            side: ParticipantSide::External,
            user_id: None,
            name: name.to_owned(),
            affiliation: affiliation.to_owned(),
            present,
        });
    }
    let verifiers = user_ids(&input.verifiers, "verifiers", errors);
    let mut items = Vec::new();
    for item in &input.items {
        let title = item.title.trim();
        if title.is_empty() {
            if !item.summary.trim().is_empty() || !item.decisions.trim().is_empty() {
                errors.add("items", "protocol-error-item");
            }
            continue;
        }
        if title.chars().count() > 300
            || item.summary.chars().count() > 50_000
            || item.decisions.chars().count() > 50_000
        {
            errors.add("items", "protocol-error-item");
            continue;
        }
        items.push(Item {
            title: title.to_owned(),
            summary: item.summary.trim().to_owned(),
            decisions: item.decisions.trim().to_owned(),
        });
    }
    let mut tasks = Vec::new();
    for task in &input.tasks {
        let description = task.description.trim();
        if description.is_empty() {
            continue;
        }
        let id = match task.id.trim() {
            "" => Some(None),
            text => text.parse::<TaskId>().ok().map(Some),
        };
        let side = Side::parse(&task.side);
        let state = TaskState::parse(&task.state);
        let due = task.due.trim().parse::<NaiveDate>().ok();
        let responsible = match task.responsible.trim() {
            "" => Some(None),
            text => text.parse::<UserId>().ok().map(Some),
        };
        let named = !task.responsible_name.trim().is_empty();
        match (id, side, state, due, responsible) {
            (Some(id), Some(side), Some(state), Some(due_on), Some(responsible_user_id))
                if description.chars().count() <= 2000
                    && (responsible_user_id.is_some() || named) =>
            {
                tasks.push(NewTask {
                    id,
                    description: description.to_owned(),
                    side,
                    responsible_user_id,
                    responsible_name: task.responsible_name.trim().to_owned(),
                    due_on,
                    state,
                });
            }
            _ => errors.add("tasks", "protocol-error-task"),
        }
    }
    if !errors.is_empty() {
        return None;
    }
    Some(NewProtocol {
        organisation_id: organisation?,
        project: project.to_owned(),
        kind: kind?,
        held_at: held_at?,
        place: input.place.trim().to_owned(),
        minute_taker_id: minute_taker?,
        verification_due: verification_due?,
        subject: subject.to_owned(),
        participants,
        verifiers,
        items,
        tasks,
        files: input.files.clone(),
    })
}

/// What the form offers for the protocol's organisation.
#[derive(Debug, Default)]
pub struct FormChoices {
    /// The organisation's name (empty before one is chosen).
    pub organisation_name: String,
    /// Its projects' names.
    pub projects: Vec<String>,
    /// Its members (active ones are offered as participants).
    pub members: Vec<Member>,
    /// Staff who read protocols (participants, minute-taker).
    pub staff: Vec<Named<UserId>>,
    /// Organisations to choose from.
    pub organisations: Vec<Named<OrganisationId>>,
}

impl Protocols<'_> {
    /// Checks that the actor records protocols (before a request is read).
    pub fn require_writer(&self, actor: &Actor) -> Result<()> {
        require_writer(actor)
    }

    /// The form's choices for `organisation` (an id as typed; none or not yet chosen: none).
    pub async fn form_choices(&self, actor: &Actor, organisation: &str) -> Result<FormChoices> {
        require_writer(actor)?;
        let store = self.app.store();
        let mut choices = FormChoices {
            staff: store
                .staff_who_may(
                    Area::Agenda(supportweb_domain::Agenda::Protocols),
                    Action::Read,
                )
                .await?
                .into_iter()
                .map(|(id, name)| Named { id, name })
                .collect(),
            organisations: self.organisations(actor).await?,
            ..FormChoices::default()
        };
        if let Ok(id) = organisation.parse::<OrganisationId>() {
            choices.organisation_name = store.organisation(actor, id).await?.name;
            choices.projects = store
                .projects(actor, id)
                .await?
                .into_iter()
                .map(|(_, name)| name)
                .collect();
            choices.members = store.members(actor, id).await?;
        }
        Ok(choices)
    }

    /// The organisation a new protocol starts with, checked (an id the actor may not see is
    /// a missing page).
    pub async fn chosen_organisation(
        &self,
        actor: &Actor,
        organisation: &str,
    ) -> Result<OrganisationId> {
        require_writer(actor)?;
        let id: OrganisationId = organisation.parse().map_err(|_| Error::NotFound)?;
        self.app.store().organisation(actor, id).await?;
        Ok(id)
    }

    /// A protocol to revise (staff who write protocols).
    pub async fn editable(&self, actor: &Actor, id: &str) -> Result<ProtocolRecord> {
        require_writer(actor)?;
        Ok(self.app.store().protocol(actor, protocol_id(id)?).await?)
    }

    /// Records a draft protocol.
    pub async fn create(&self, actor: &Actor, input: &ProtocolInput) -> Result<ProtocolRecord> {
        require_writer(actor)?;
        let mut errors = FieldErrors::default();
        let new = validate(input, &mut errors).ok_or(Error::Invalid(errors))?;
        let store = self.app.store();
        let id = store.create_protocol(actor, &new).await?;
        Ok(store.protocol(actor, id).await?)
    }

    /// Revises a draft or a protocol objected to, read at `version` (else 409). Its
    /// organisation never changes: another one is refused.
    pub async fn update(
        &self,
        actor: &Actor,
        id: &str,
        input: &ProtocolInput,
        version: i64,
    ) -> Result<ProtocolRecord> {
        let current = self.editable(actor, id).await?;
        let mut errors = FieldErrors::default();
        let new = validate(input, &mut errors).ok_or(Error::Invalid(errors))?;
        let store = self.app.store();
        store
            .update_protocol(actor, current.id, &new, version)
            .await?;
        Ok(store.protocol(actor, current.id).await?)
    }
}

/// The form's word for being present or excused.
pub fn presence_of(present: bool) -> &'static str {
    if present { "present" } else { "excused" }
}
