//! The communication protocols agenda in pages: the overview with filters, grouping and CSV,
//! recording and revising a protocol (one form that works without JavaScript), its page with
//! the review of tasks still open from earlier protocols of the project, the steps (issue,
//! confirm, object with comments), every issued revision compared with the one before, a
//! clean A4 print view, and the tasks overview ("what we owe the customer, what it owes us").

pub(crate) mod detail;
pub(crate) mod form;
pub(crate) mod overview;
pub(crate) mod tasks;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use supportweb_domain::agenda::Agenda;
use supportweb_domain::calendar::prague_time;
use supportweb_domain::ids::ProtocolId;
use supportweb_domain::permissions::{Action, Area};
use supportweb_domain::protocol::ParticipantSide;
use supportweb_domain::{Actor, Language};
use supportweb_storage::protocols::{ProtocolRecord, TaskRecord};

use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;

/// Routes of the agenda.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/protocols",
            get(overview::list)
                .post(form::create)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/protocols/export.csv", get(overview::export))
        .route("/protocols/new", get(form::new_form))
        .route("/protocols/tasks", get(tasks::list))
        .route("/protocols/tasks/{id}", post(tasks::set_state))
        .route(
            "/protocols/{id}",
            get(detail::show)
                .post(form::update)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/protocols/{id}/edit", get(form::edit_form))
        .route("/protocols/{id}/steps", post(detail::step))
        .route("/protocols/{id}/print", get(detail::print))
        .route(
            "/protocols/{id}/revisions/{revision}",
            get(detail::revision),
        )
        .route("/protocols/{id}/files/{file}", get(detail::download))
}

/// Staff who read protocols, or customer and partner users with a protocols right.
pub(crate) fn require_reader(actor: &Actor) -> Result<(), AppError> {
    let reads = if actor.is_staff() {
        actor.staff_may(Area::Agenda(Agenda::Protocols), Action::Read)
    } else {
        actor.may_enter(Agenda::Protocols)
    };
    if reads {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// Staff who record protocols.
pub(crate) fn may_write(actor: &Actor) -> bool {
    actor.staff_may(Area::Agenda(Agenda::Protocols), Action::Write)
}

pub(crate) fn protocol_id(text: &str) -> Result<ProtocolId, AppError> {
    text.parse().map_err(|_| AppError::NotFound)
}

/// When a protocol took place, Prague time.
pub(crate) fn held(p: &ProtocolRecord) -> String {
    prague_time(p.held_at)
        .format("%-d. %-m. %Y %H:%M")
        .to_string()
}

/// The text of a protocol as issued: kept with each revision, compared line by line between
/// revisions. Always in Czech, the language of the record, so that two revisions issued by
/// people who use the portal in different languages differ only where the protocol does.
pub fn snapshot(p: &ProtocolRecord, review: &[TaskRecord]) -> String {
    let t = &Tr::new(Language::Cs);
    let mut out = String::new();
    let line = |out: &mut String, label: &str, value: &str| {
        out.push_str(&format!("{}: {}\n", t.t(label), value));
    };
    out.push_str(&format!("{} · {}\n", p.number, p.subject));
    line(&mut out, "protocol-organisation", &p.organisation_name);
    line(&mut out, "protocol-project", &p.project_name);
    line(
        &mut out,
        "protocol-kind",
        &t.t(format!(
            "protocol-kind-{}",
            p.kind.as_str().replace('_', "-")
        )),
    );
    line(&mut out, "protocol-held-at", &held(p));
    line(&mut out, "protocol-place", &p.place);
    line(&mut out, "protocol-minute-taker", &p.minute_taker_name);
    if !p.verifiers.is_empty() {
        let names: Vec<&str> = p.verifiers.iter().map(|(_, name)| name.as_str()).collect();
        line(&mut out, "protocol-verifiers", &names.join(", "));
    }
    if let Some(due) = p.verification_due {
        line(
            &mut out,
            "protocol-verification-due",
            &due.format("%-d. %-m. %Y").to_string(),
        );
    }
    out.push_str(&format!("\n{}\n", t.t("protocol-participants")));
    for participant in &p.participants {
        let side = match participant.side {
            ParticipantSide::Vendor => t.t("protocol-side-vendor"),
            ParticipantSide::Customer => t.t("protocol-side-customer"),
            ParticipantSide::External => participant.affiliation.clone(),
        };
        let presence = if participant.present {
            t.t("protocol-present")
        } else {
            t.t("protocol-excused")
        };
        out.push_str(&format!("- {} ({side}), {presence}\n", participant.name));
    }
    if !review.is_empty() {
        out.push_str(&format!("\n{}\n", t.t("protocol-review")));
        for task in review {
            out.push_str(&format!(
                "- {} [{}; {}; {}]\n",
                task.description,
                task.protocol_number,
                task.responsible_name,
                task.due_on.format("%-d. %-m. %Y")
            ));
        }
    }
    for (i, item) in p.items.iter().enumerate() {
        out.push_str(&format!("\n{}. {}\n", i + 1, item.title));
        if !item.summary.trim().is_empty() {
            out.push_str(item.summary.trim_end());
            out.push('\n');
        }
        if !item.decisions.trim().is_empty() {
            out.push_str(&format!(
                "{}:\n{}\n",
                t.t("protocol-decisions"),
                item.decisions.trim_end()
            ));
        }
    }
    if !p.files.is_empty() {
        out.push_str(&format!("\n{}\n", t.t("protocol-files")));
        for file in &p.files {
            out.push_str(&format!("- {} (SHA-256 {})\n", file.file_name, file.sha256));
        }
    }
    if !p.tasks.is_empty() {
        out.push_str(&format!("\n{}\n", t.t("protocol-tasks")));
        for task in &p.tasks {
            out.push_str(&format!(
                "- {} [{}: {}; {}; {}]\n",
                task.description,
                t.t(format!("protocol-owed-by-{}", task.side.as_str())),
                task.responsible_name,
                task.due_on.format("%-d. %-m. %Y"),
                t.t(format!("protocol-task-state-{}", task.state.as_str()))
            ));
        }
    }
    out
}
