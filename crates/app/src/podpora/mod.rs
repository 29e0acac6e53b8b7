//! Podpora: patches with their files and the download log, validation codes with audited
//! reveals and the CSV import, procedures with revisions.

pub(crate) mod notify;

pub use notify::applies_text;
pub use supportweb_storage::patches::PatchRecord;

use supportweb_domain::Actor;
use supportweb_domain::agenda::Agenda;

/// Staff who read podpora, or customer and partner users with a podpora right.
pub fn may_read(actor: &Actor) -> bool {
    crate::reads_agenda(actor, Agenda::Podpora)
}
