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
use serde::Deserialize;
use supportweb_app::Error;
use supportweb_app::attachments::{FileRecord, FormFiles, RecordFile};
use supportweb_app::protocols::{
    ExternalInput, ItemInput, ProtocolInput, ProtocolKind, Side, TaskInput, TaskState, kind_label,
};

use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::multipart::MultipartForm;
use crate::pages::form::FormErrors;
use crate::pages::form::problems_of;
use crate::pages::layout::Choice;
use crate::pages::layout::again;
use crate::pages::layout::{Layout, render, today};
use crate::state::AppState;

/// The form as typed.
fn typed(form: &MultipartForm) -> ProtocolInput {
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
    let at = |name: &str, i: usize| column(name).get(i).cloned().unwrap_or_default();
    let names = column("external_name");
    let externals = (0..names.len())
        .map(|i| ExternalInput {
            name: names[i].clone(),
            affiliation: at("external_affiliation", i),
            presence: at("external_presence", i),
        })
        .collect();
    let descriptions = column("task_description");
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
        externals,
        verifiers: column("verifiers"),
        items,
        tasks,
        files: Vec::new(),
    }
}

struct Shown {
    editing: Option<(String, i64)>,
    form: ProtocolInput,
    files: FormFiles,
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
    kept: Vec<(RecordFile, bool)>,
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
    let choices = state
        .app()
        .protocols()
        .form_choices(&signed.actor, &shown.form.organisation)
        .await?;
    let staff: Vec<Choice> = choices.staff.into_iter().map(Choice::from).collect();
    let member_choices: Vec<Choice> = choices
        .members
        .iter()
        .filter(|m| m.is_active)
        .map(|m| Choice {
            value: m.user_id.to_string(),
            label: m.display_name.clone(),
            selected: false,
        })
        .collect();
    let confirmers = choices
        .members
        .iter()
        .filter(|m| m.is_active && m.rights.may_confirm_protocols && m.rights.protocols.may_enter())
        .map(|m| Choice {
            value: m.user_id.to_string(),
            label: m.display_name.clone(),
            selected: false,
        })
        .collect();
    let organisation_name = choices.organisation_name;
    let people = staff
        .iter()
        .map(|c| Choice {
            value: c.value.clone(),
            label: format!("{} ({})", c.label, t.t("protocol-side-vendor")),
            selected: false,
        })
        .chain(member_choices.iter().map(|c| Choice {
            value: c.value.clone(),
            label: format!("{} ({})", c.label, organisation_name),
            selected: false,
        }))
        .collect();
    Ok(FormPage {
        action: match &shown.editing {
            Some((id, _)) => format!("/protocols/{id}"),
            None => "/protocols".to_owned(),
        },
        editing: shown.editing,
        organisation: organisation_name,
        organisations: choices
            .organisations
            .into_iter()
            .map(Choice::from)
            .collect(),
        projects: choices.projects,
        kinds: ProtocolKind::ALL
            .into_iter()
            .map(|k| Choice {
                value: k.as_str().to_owned(),
                label: kind_label(&t, k),
                selected: false,
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
                selected: false,
            })
            .collect(),
        task_states: TaskState::ALL
            .into_iter()
            .map(|s| Choice {
                value: s.as_str().to_owned(),
                label: t.t(format!("protocol-task-state-{}", s.as_str())),
                selected: false,
            })
            .collect(),
        form: shown.form.with_blank_rows(),
        kept: shown.files.kept,
        uploaded: shown.files.uploaded,
        errors: shown.errors,
        layout,
    })
}

/// The form again with what was typed and uploaded, and what is wrong: a stale form or a
/// protocol issued meanwhile (409), or refused fields (422).
async fn refused(
    state: &AppState,
    signed: &SignedIn,
    mut shown: Shown,
    error: Error,
) -> Result<Response, AppError> {
    let t = Tr::new(signed.ctx.lang);
    let status = if let Error::Locked = error {
        shown.errors.add_t("subject", &t, "protocol-error-locked");
        StatusCode::CONFLICT
    } else {
        let (status, errors) = problems_of(&t, error, "subject")?;
        shown.errors = errors;
        status
    };
    let page = page(state, signed, shown).await?;
    again(status, &page)
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
    let protocols = state.app().protocols();
    protocols.require_writer(&signed.actor)?;
    let organisation = match query.organisation.as_deref() {
        Some(text) => protocols
            .chosen_organisation(&signed.actor, text)
            .await?
            .to_string(),
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
        files: FormFiles::default(),
        errors: FormErrors::default(),
    };
    render(&page(&state, &signed, shown).await?)
}

pub(super) async fn edit_form(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let p = state.app().protocols().editable(&signed.actor, &id).await?;
    let shown = Shown {
        editing: Some((p.id.to_string(), p.version)),
        form: ProtocolInput::of(&p),
        files: FormFiles::unchanged(p.files),
        errors: FormErrors::default(),
    };
    render(&page(&state, &signed, shown).await?)
}

pub(super) async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let protocols = state.app().protocols();
    protocols.require_writer(&signed.actor)?;
    let multipart = multipart.map_err(|_| AppError::BadRequest("bad_request"))?;
    let sent = MultipartForm::read(&state, &signed.actor, multipart).await?;
    let files = FormFiles::new_record(sent.files.clone());
    let input = ProtocolInput {
        files: files.ids(),
        ..typed(&sent)
    };
    match protocols.create(&signed.actor, &input).await {
        Ok(p) => Ok(Redirect::to(&format!("/protocols/{}", p.id)).into_response()),
        Err(error) => {
            let shown = Shown {
                editing: None,
                form: input,
                files,
                errors: FormErrors::default(),
            };
            refused(&state, &signed, shown, error).await
        }
    }
}

pub(super) async fn update(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let protocols = state.app().protocols();
    let p = protocols.editable(&signed.actor, &id).await?;
    let multipart = multipart.map_err(|_| AppError::BadRequest("bad_request"))?;
    let sent = MultipartForm::read(&state, &signed.actor, multipart).await?;
    let version: i64 = sent
        .get("version")
        .parse()
        .map_err(|_| AppError::BadRequest("bad_request"))?;
    let files = FormFiles::edited(p.files, &sent.all("keep_file"), sent.files.clone());
    let input = ProtocolInput {
        organisation: p.organisation_id.to_string(),
        files: files.ids(),
        ..typed(&sent)
    };
    match protocols.update(&signed.actor, &id, &input, version).await {
        Ok(p) => Ok(Redirect::to(&format!("/protocols/{}", p.id)).into_response()),
        Err(error) => {
            let shown = Shown {
                editing: Some((p.id.to_string(), version)),
                form: input,
                files,
                errors: FormErrors::default(),
            };
            refused(&state, &signed, shown, error).await
        }
    }
}
