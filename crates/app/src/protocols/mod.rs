//! Communication protocols: recording, issuing, verification by the customer, revisions and
//! the tasks agreed in them.
//!
//! Domain rules: `supportweb_domain::protocol` (the lifecycle table); SQL:
//! `supportweb_storage::protocols`; pages: `crates/web/src/pages/protocols/`; API:
//! `crates/web/src/api/protocols.rs`; templates `crates/web/templates/protocol*.html`;
//! strings `crates/i18n/locales/*/protocols.ftl`.

mod detail;
pub(crate) mod notify;
mod overview;
mod record;

use supportweb_domain::agenda::Agenda;
use supportweb_domain::calendar::prague_time;
use supportweb_domain::ids::ProtocolId;
use supportweb_domain::permissions::{Action, Area};
use supportweb_domain::protocol::ParticipantSide;
use supportweb_domain::{Actor, Language};
use supportweb_i18n::Tr;
use supportweb_storage::protocols::ProtocolError;

pub use detail::{ProtocolDetail, RevisionText};
pub use overview::{
    ProtocolOverview, ProtocolParams, TaskOverview, TaskParams, kind_label, state_label,
};
pub use record::{ExternalInput, FormChoices, ItemInput, ProtocolInput, TaskInput, presence_of};
pub use supportweb_domain::protocol::{ProtocolKind, ProtocolState, ProtocolStep, Side, TaskState};
pub use supportweb_storage::protocols::{ProtocolRecord, TaskRecord};

use crate::error::reachable;
use crate::{App, Error, Result};

/// History entity name of protocols.
pub const ENTITY: &str = supportweb_storage::protocols::ENTITY;

/// The protocol use cases.
pub struct Protocols<'a> {
    app: &'a App,
}

impl App {
    /// Communication protocols and their tasks.
    pub fn protocols(&self) -> Protocols<'_> {
        Protocols { app: self }
    }
}

/// Staff who read protocols, or customer and partner users with a protocols right.
pub fn may_read(actor: &Actor) -> bool {
    crate::reads_agenda(actor, Agenda::Protocols)
}

/// [`may_read`], or a missing page.
pub fn require_reader(actor: &Actor) -> Result<()> {
    reachable(may_read(actor))
}

/// Staff who record protocols.
pub fn may_write(actor: &Actor) -> bool {
    actor.staff_may(Area::Agenda(Agenda::Protocols), Action::Write)
}

fn require_writer(actor: &Actor) -> Result<()> {
    reachable(may_write(actor))
}

/// Parses a protocol id from a path; anything else is a missing protocol.
pub fn protocol_id(text: &str) -> Result<ProtocolId> {
    text.parse().map_err(|_| Error::NotFound)
}

/// The field a refused protocol write concerns, and its message.
pub fn protocol_error_field(field: &'static str) -> (&'static str, &'static str) {
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

impl From<ProtocolError> for Error {
    fn from(error: ProtocolError) -> Self {
        match error {
            ProtocolError::Store(e) => e.into(),
            ProtocolError::NotAllowed => Error::Forbidden,
            ProtocolError::Locked => Error::Locked,
            ProtocolError::Invalid(field) => {
                let (field, code) = protocol_error_field(field);
                Error::refused(field, code)
            }
        }
    }
}

/// When a protocol took place, Prague time.
pub fn held(p: &ProtocolRecord) -> String {
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
