//! Recording and revising a protocol (staff who write protocols): first the organisation,
//! then one form with the header, participants (staff and the organisation's users, present
//! or excused, and named external persons), verifiers, agenda items, agreed tasks and files.
//! Repeated rows (items, tasks) come with empty rows to add to; everything works without
//! JavaScript, typed values and uploads are kept when something is wrong, and a form opened
//! before someone else's save is refused (409).

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{NaiveDate, NaiveDateTime};
use serde::Deserialize;
use supportweb_domain::calendar::{from_prague_time, prague_time};
use supportweb_domain::ids::{OrganisationId, TaskId, UserId};
use supportweb_domain::permissions::{Action, Area};
use supportweb_domain::protocol::{ParticipantSide, ProtocolKind, Side, TaskState};
use supportweb_storage::StoreError;
use supportweb_storage::files::FileRecord;
use supportweb_storage::patches::PatchFile;
use supportweb_storage::protocols::{
    Item, NewProtocol, NewTask, Participant, ProtocolError, ProtocolRecord,
};

use super::overview::{kind_label, organisation_choices};
use super::{may_write, protocol_id};
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::middleware::KeepBody;
use crate::multipart::MultipartForm;
use crate::pages::Choice;
use crate::pages::form::FormErrors;
use crate::pages::{Layout, render, today};
use crate::state::AppState;

/// Empty rows offered for new items and tasks.
const BLANK_ROWS: usize = 2;

/// One task row as typed.
#[derive(Debug, Default, Clone)]
pub(crate) struct TaskInput {
    pub id: String,
    pub description: String,
    pub side: String,
    pub responsible: String,
    pub responsible_name: String,
    pub due: String,
    pub state: String,
}

/// One agenda item as typed.
#[derive(Debug, Default, Clone)]
pub(crate) struct ItemInput {
    pub title: String,
    pub summary: String,
    pub decisions: String,
}

/// A protocol as typed (pages) or sent (API), before checking.
#[derive(Debug, Default, Clone)]
pub(crate) struct ProtocolInput {
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
    pub externals: String,
    pub verifiers: Vec<String>,
    pub items: Vec<ItemInput>,
    pub tasks: Vec<TaskInput>,
}

impl ProtocolInput {
    fn from_multipart(form: &MultipartForm) -> Self {
        let column = |name: &str| form.all(name);
        let (titles, summaries, decisions) = (
            column("item_title"),
            column("item_summary"),
            column("item_decisions"),
        );
        let items = (0..titles.len())
            .map(|i| ItemInput {
                title: titles[i].clone(),
                summary: summaries.get(i).cloned().unwrap_or_default(),
                decisions: decisions.get(i).cloned().unwrap_or_default(),
            })
            .collect();
        let descriptions = column("task_description");
        let at = |name: &str, i: usize| column(name).get(i).cloned().unwrap_or_default();
        let tasks = (0..descriptions.len())
            .map(|i| TaskInput {
                id: at("task_id", i),
                description: descriptions[i].clone(),
                side: at("task_side", i),
                responsible: at("task_responsible", i),
                responsible_name: at("task_responsible_name", i),
                due: at("task_due", i),
                state: at("task_state", i),
            })
            .collect();
        ProtocolInput {
            organisation: form.get("organisation"),
            project: form.get("project"),
            kind: form.get("kind"),
            held_at: form.get("held_at"),
            place: form.get("place"),
            minute_taker: form.get("minute_taker"),
            verification_due: form.get("verification_due"),
            subject: form.get("subject"),
            vendor_present: column("vendor_present"),
            vendor_excused: column("vendor_excused"),
            customer_present: column("customer_present"),
            customer_excused: column("customer_excused"),
            externals: form.get("externals"),
            verifiers: column("verifiers"),
            items,
            tasks,
        }
    }

    /// The form of a recorded protocol.
    pub(crate) fn of(p: &ProtocolRecord) -> Self {
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
                .map(|x| {
                    let mut line = format!("{}; {}", x.name, x.affiliation);
                    if !x.present {
                        line.push_str("; omluven");
                    }
                    line
                })
                .collect::<Vec<_>>()
                .join("\n"),
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
        }
    }

    /// Whether `id` is among the values of a multiple select.
    pub fn has(list: &[String], id: &str) -> bool {
        list.iter().any(|x| x == id)
    }

    /// The rows to show: the typed ones and empty ones to add to.
    fn with_blank_rows(mut self) -> Self {
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

fn user_ids(list: &[String], field: &'static str, t: &Tr, errors: &mut FormErrors) -> Vec<UserId> {
    let mut out = Vec::new();
    for text in list.iter().filter(|x| !x.is_empty()) {
        match text.parse() {
            Ok(id) => out.push(id),
            Err(_) => errors.add_t(field, t, "protocol-error-participants"),
        }
    }
    out
}

/// Checks a typed protocol; errors per field. Files are the caller's.
pub(crate) fn parse_protocol(
    input: &ProtocolInput,
    t: &Tr,
    errors: &mut FormErrors,
) -> Option<NewProtocol> {
    let organisation = input.organisation.parse::<OrganisationId>().ok();
    if organisation.is_none() {
        errors.add_t("organisation", t, "code-error-organisation");
    }
    let project = input.project.trim();
    if project.is_empty() || project.chars().count() > 200 {
        errors.add_t("project", t, "protocol-error-project");
    }
    let kind = ProtocolKind::parse(&input.kind);
    if kind.is_none() {
        errors.add_t("kind", t, "protocol-error-kind");
    }
    let held_at = NaiveDateTime::parse_from_str(input.held_at.trim(), "%Y-%m-%dT%H:%M")
        .ok()
        .map(from_prague_time);
    if held_at.is_none() {
        errors.add_t("held_at", t, "protocol-error-held-at");
    }
    if input.place.chars().count() > 300 {
        errors.add_t("place", t, "protocol-error-place");
    }
    let minute_taker = input.minute_taker.parse::<UserId>().ok();
    if minute_taker.is_none() {
        errors.add_t("minute_taker", t, "protocol-error-minute-taker");
    }
    let verification_due = match input.verification_due.trim() {
        "" => Some(None),
        text => text.parse::<NaiveDate>().ok().map(Some),
    };
    if verification_due.is_none() {
        errors.add_t("verification_due", t, "protocol-error-verification-due");
    }
    let subject = input.subject.trim();
    if subject.is_empty() || subject.chars().count() > 300 {
        errors.add_t("subject", t, "protocol-error-subject");
    }
    let mut participants = Vec::new();
    for (list, side, present) in [
        (&input.vendor_present, ParticipantSide::Vendor, true),
        (&input.vendor_excused, ParticipantSide::Vendor, false),
        (&input.customer_present, ParticipantSide::Customer, true),
        (&input.customer_excused, ParticipantSide::Customer, false),
    ] {
        for user in user_ids(list, "participants", t, errors) {
            participants.push(Participant {
                side,
                user_id: Some(user),
                name: String::new(),
                affiliation: String::new(),
                present,
            });
        }
    }
    for line in input.externals.lines().filter(|l| !l.trim().is_empty()) {
        let mut parts: Vec<&str> = line.split(';').map(str::trim).collect();
        while parts.len() > 1 && parts.last().is_some_and(|p| p.is_empty()) {
            parts.pop();
        }
        let name = parts.first().copied().unwrap_or_default();
        let affiliation = parts.get(1).copied().unwrap_or_default();
        let present = presence(parts.get(2).copied().unwrap_or_default());
        let (Some(present), false) = (present, parts.len() > 3) else {
            errors.add_t("externals", t, "protocol-error-externals");
            continue;
        };
        if name.is_empty() || name.chars().count() > 200 || affiliation.chars().count() > 200 {
            errors.add_t("externals", t, "protocol-error-externals");
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
    let verifiers = user_ids(&input.verifiers, "verifiers", t, errors);
    let mut items = Vec::new();
    for item in &input.items {
        let title = item.title.trim();
        if title.is_empty() {
            if !item.summary.trim().is_empty() || !item.decisions.trim().is_empty() {
                errors.add_t("items", t, "protocol-error-item");
            }
            continue;
        }
        if title.chars().count() > 300
            || item.summary.chars().count() > 50_000
            || item.decisions.chars().count() > 50_000
        {
            errors.add_t("items", t, "protocol-error-item");
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
            _ => errors.add_t("tasks", t, "protocol-error-task"),
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
        files: Vec::new(),
    })
}

/// The field a refused protocol write concerns, and its message.
pub(crate) fn protocol_error_field(field: &'static str) -> (&'static str, &'static str) {
    match field {
        "organisation" => ("organisation", "code-error-organisation"),
        "minute_taker" => ("minute_taker", "protocol-error-minute-taker"),
        "participants" => ("participants", "protocol-error-participants"),
        "verifiers" => ("verifiers", "protocol-error-verifiers"),
        "tasks" => ("tasks", "protocol-error-task"),
        "comment" => ("comment", "protocol-error-comment"),
        _ => ("files", "patch-error-files"),
    }
}

struct Shown {
    editing: Option<(String, i64)>,
    form: ProtocolInput,
    kept: Vec<(PatchFile, bool)>,
    uploaded: Vec<FileRecord>,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "protocol_form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    editing: Option<(String, i64)>,
    organisation: String,
    organisations: Vec<Choice>,
    projects: Vec<String>,
    kinds: Vec<Choice>,
    staff: Vec<Choice>,
    members: Vec<Choice>,
    confirmers: Vec<Choice>,
    people: Vec<Choice>,
    sides: Vec<Choice>,
    task_states: Vec<Choice>,
    form: ProtocolInput,
    kept: Vec<(PatchFile, bool)>,
    uploaded: Vec<FileRecord>,
    errors: FormErrors,
}

async fn page(state: &AppState, signed: &SignedIn, shown: Shown) -> Result<FormPage, AppError> {
    let layout = Layout::new(
        &signed.ctx,
        if shown.editing.is_some() {
            "protocol-edit"
        } else {
            "protocol-new"
        },
    );
    let t = layout.t;
    let actor = &signed.actor;
    let organisation: Option<OrganisationId> = shown.form.organisation.parse().ok();
    let (organisation_name, projects, members) = match organisation {
        Some(id) => {
            let o = state.store().organisation(actor, id).await?;
            let projects = state
                .store()
                .projects(actor, id)
                .await?
                .into_iter()
                .map(|(_, name)| name)
                .collect();
            let members = state.store().members(actor, id).await?;
            (o.name, projects, members)
        }
        None => (String::new(), Vec::new(), Vec::new()),
    };
    let staff: Vec<Choice> = state
        .store()
        .staff_who_may(
            Area::Agenda(supportweb_domain::Agenda::Protocols),
            Action::Read,
        )
        .await?
        .into_iter()
        .map(|(id, name)| Choice {
            value: id.to_string(),
            label: name,
        })
        .collect();
    let member_choices: Vec<Choice> = members
        .iter()
        .filter(|m| m.is_active)
        .map(|m| Choice {
            value: m.user_id.to_string(),
            label: m.display_name.clone(),
        })
        .collect();
    let confirmers = members
        .iter()
        .filter(|m| m.is_active && m.rights.may_confirm_protocols && m.rights.protocols.may_enter())
        .map(|m| Choice {
            value: m.user_id.to_string(),
            label: m.display_name.clone(),
        })
        .collect();
    let people = staff
        .iter()
        .map(|c| Choice {
            value: c.value.clone(),
            label: format!("{} ({})", c.label, t.t("protocol-side-vendor")),
        })
        .chain(member_choices.iter().map(|c| Choice {
            value: c.value.clone(),
            label: format!("{} ({})", c.label, organisation_name),
        }))
        .collect();
    Ok(FormPage {
        action: match &shown.editing {
            Some((id, _)) => format!("/protocols/{id}"),
            None => "/protocols".to_owned(),
        },
        editing: shown.editing,
        organisation: organisation_name,
        organisations: organisation_choices(state, actor).await?,
        projects,
        kinds: ProtocolKind::ALL
            .into_iter()
            .map(|k| Choice {
                value: k.as_str().to_owned(),
                label: kind_label(&t, k),
            })
            .collect(),
        staff,
        members: member_choices,
        confirmers,
        people,
        sides: Side::ALL
            .into_iter()
            .map(|s| Choice {
                value: s.as_str().to_owned(),
                label: t.t(format!("protocol-owed-by-{}", s.as_str())),
            })
            .collect(),
        task_states: TaskState::ALL
            .into_iter()
            .map(|s| Choice {
                value: s.as_str().to_owned(),
                label: t.t(format!("protocol-task-state-{}", s.as_str())),
            })
            .collect(),
        form: shown.form.with_blank_rows(),
        kept: shown.kept,
        uploaded: shown.uploaded,
        errors: shown.errors,
        layout,
    })
}

fn require_writer(signed: &SignedIn) -> Result<(), AppError> {
    if may_write(&signed.actor) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

async fn shown_again(
    state: &AppState,
    signed: &SignedIn,
    shown: Shown,
    status: StatusCode,
) -> Result<Response, AppError> {
    let page = page(state, signed, shown).await?;
    Ok((status, axum::Extension(KeepBody), render(&page)?).into_response())
}

#[derive(Debug, Deserialize)]
pub(super) struct NewQuery {
    organisation: Option<String>,
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NewQuery>,
) -> Result<Html<String>, AppError> {
    require_writer(&signed)?;
    let organisation = match query.organisation.as_deref() {
        Some(text) => {
            let id: OrganisationId = text.parse().map_err(|_| AppError::NotFound)?;
            state.store().organisation(&signed.actor, id).await?;
            id.to_string()
        }
        None => String::new(),
    };
    let shown = Shown {
        editing: None,
        form: ProtocolInput {
            organisation,
            kind: ProtocolKind::Meeting.as_str().to_owned(),
            held_at: format!("{}T09:00", today()),
            minute_taker: signed.actor.user_id.to_string(),
            vendor_present: vec![signed.actor.user_id.to_string()],
            ..ProtocolInput::default()
        },
        kept: Vec::new(),
        uploaded: Vec::new(),
        errors: FormErrors::default(),
    };
    render(&page(&state, &signed, shown).await?)
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    require_writer(&signed)?;
    let p = state
        .store()
        .protocol(&signed.actor, protocol_id(&id)?)
        .await?;
    let shown = Shown {
        editing: Some((p.id.to_string(), p.version)),
        form: ProtocolInput::of(&p),
        kept: p.files.iter().cloned().map(|f| (f, true)).collect(),
        uploaded: Vec::new(),
        errors: FormErrors::default(),
    };
    render(&page(&state, &signed, shown).await?)
}

fn store_error(
    error: ProtocolError,
    t: &Tr,
    errors: &mut FormErrors,
) -> Result<StatusCode, AppError> {
    match error {
        ProtocolError::Invalid(field) => {
            let (field, key) = protocol_error_field(field);
            errors.add_t(field, t, key);
            Ok(StatusCode::UNPROCESSABLE_ENTITY)
        }
        ProtocolError::Store(StoreError::Conflict) => {
            errors.add_t("subject", t, "error-conflict-detail");
            Ok(StatusCode::CONFLICT)
        }
        ProtocolError::Locked => {
            errors.add_t("subject", t, "protocol-error-locked");
            Ok(StatusCode::CONFLICT)
        }
        other => Err(other.into()),
    }
}

pub(super) async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    require_writer(&signed)?;
    let multipart = multipart.map_err(|_| AppError::BadRequest("bad_request"))?;
    let typed = MultipartForm::read(&state, &signed.actor, multipart).await?;
    let input = ProtocolInput::from_multipart(&typed);
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if let Some(mut new) = parse_protocol(&input, &t, &mut errors) {
        new.files = typed.files.iter().map(|f| f.id).collect();
        match state.store().create_protocol(&signed.actor, &new).await {
            Ok(id) => return Ok(Redirect::to(&format!("/protocols/{id}")).into_response()),
            Err(error) => status = store_error(error, &t, &mut errors)?,
        }
    }
    let shown = Shown {
        editing: None,
        form: input,
        kept: Vec::new(),
        uploaded: typed.files,
        errors,
    };
    shown_again(&state, &signed, shown, status).await
}

pub(super) async fn update(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    require_writer(&signed)?;
    let id = protocol_id(&id)?;
    let p = state.store().protocol(&signed.actor, id).await?;
    let multipart = multipart.map_err(|_| AppError::BadRequest("bad_request"))?;
    let typed = MultipartForm::read(&state, &signed.actor, multipart).await?;
    let mut input = ProtocolInput::from_multipart(&typed);
    input.organisation = p.organisation_id.to_string();
    let version: i64 = typed
        .get("version")
        .parse()
        .map_err(|_| AppError::BadRequest("bad_request"))?;
    let keep = typed.all("keep_file");
    let kept: Vec<(PatchFile, bool)> = p
        .files
        .iter()
        .cloned()
        .map(|f| {
            let stays = keep.contains(&f.file_id.to_string());
            (f, stays)
        })
        .collect();
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if let Some(mut new) = parse_protocol(&input, &t, &mut errors) {
        new.files = kept
            .iter()
            .filter(|(_, stays)| *stays)
            .map(|(f, _)| f.file_id)
            .chain(typed.files.iter().map(|f| f.id))
            .collect();
        match state
            .store()
            .update_protocol(&signed.actor, id, &new, version)
            .await
        {
            Ok(()) => return Ok(Redirect::to(&format!("/protocols/{id}")).into_response()),
            Err(error) => status = store_error(error, &t, &mut errors)?,
        }
    }
    let shown = Shown {
        editing: Some((id.to_string(), version)),
        form: input,
        kept,
        uploaded: typed.files,
        errors,
    };
    shown_again(&state, &signed, shown, status).await
}

/// Whether a named person took part, from the third part of their line: nothing or
/// "přítomen" is present, "omluven" (in any form) or "nepřítomen" is not; anything else is
/// not understood (`None`), and the form says so rather than guess.
fn presence(text: &str) -> Option<bool> {
    let word = text.to_lowercase().replace(['(', ')'], "");
    match word.as_str() {
        "" | "přítomen" | "přítomna" | "přítomný" | "přítomná" | "přítomena" | "present" => {
            Some(true)
        }
        "omluven" | "omluvena" | "omluvená" | "omluvený" | "nepřítomen" | "nepřítomna"
        | "nepřítomný" | "nepřítomná" | "nepřítomena" | "excused" | "absent" => Some(false),
        _ => None,
    }
}
