//! Pure domain types of Supportweb: no I/O, no SQL, no HTTP.
//!
//! Names follow the glossary of SPEC.md (agenda, support document, customization order,
//! protocol, podpora, …).

pub mod access;
pub mod agenda;
pub mod audit;
pub mod calendar;
pub mod contract;
pub mod customization_order;
pub mod ids;
pub mod language;
pub mod membership;
pub mod money;
pub mod numbering;
pub mod organisation;
pub mod patch;
pub mod permissions;
pub mod procedure;
pub mod protocol;
pub mod remote_access;
pub mod search;
pub mod severity;
pub mod sla;
pub mod support_document;
pub mod text_diff;
pub mod throttle;
pub mod user;
pub mod validation_code;

pub use access::Actor;
pub use agenda::{Agenda, AgendaRight};
pub use language::Language;
pub use numbering::{HumanNumber, NumberedAgenda};
