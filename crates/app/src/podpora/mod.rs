//! Podpora: patches with their files and the download log, validation codes with audited
//! reveals and the CSV import, procedures with revisions.
//!
//! Domain rules: `supportweb_domain::{patch, validation_code, procedure}`; SQL:
//! `supportweb_storage::{patches, validation_codes, procedures}`; pages:
//! `crates/web/src/pages/podpora/`; API: `crates/web/src/api/{patches, validation_codes,
//! procedures}.rs`; templates `crates/web/templates/podpora_*.html`; strings
//! `crates/i18n/locales/*/{patches, validation_codes, procedures}.ftl`.

pub(crate) mod notify;
pub mod patches;
pub mod procedures;
pub mod validation_codes;

use supportweb_domain::Actor;
use supportweb_domain::agenda::Agenda;
use supportweb_domain::permissions::{Action, Area};

pub use notify::applies_text;
pub use patches::PatchRecord;

use crate::error::reachable;
use crate::{App, Result};

/// The podpora use cases.
pub struct Podpora<'a> {
    app: &'a App,
}

impl App {
    /// Patches, validation codes and procedures.
    pub fn podpora(&self) -> Podpora<'_> {
        Podpora { app: self }
    }
}

/// Staff who read podpora, or customer and partner users with a podpora right.
pub fn may_read(actor: &Actor) -> bool {
    crate::reads_agenda(actor, Agenda::Podpora)
}

/// [`may_read`], or a missing page.
pub fn require_reader(actor: &Actor) -> Result<()> {
    reachable(may_read(actor))
}

/// Staff who prepare and publish patches, issue codes and write procedures.
pub fn may_write(actor: &Actor) -> bool {
    actor.staff_may(Area::Agenda(Agenda::Podpora), Action::Write)
}

/// [`may_write`], or a missing page.
pub fn require_writer(actor: &Actor) -> Result<()> {
    reachable(may_write(actor))
}

/// Whether the actor may see any validation codes (the tab is shown).
pub fn may_see_codes(actor: &Actor) -> bool {
    supportweb_storage::validation_codes::may_see_codes(actor)
}

impl Podpora<'_> {
    /// Products of the catalogue, retired ones too (filters of the overviews).
    pub async fn product_filter(
        &self,
    ) -> Result<Vec<crate::choices::Named<supportweb_domain::ids::ProductId>>> {
        Ok(self
            .app
            .store()
            .products(true)
            .await?
            .into_iter()
            .map(|p| crate::choices::Named {
                id: p.id,
                name: p.name,
            })
            .collect())
    }
}
