//! Opening a support document: the organisations the actor may open documents for, the
//! choices of the form (installations that pre-fill product and version, the reporters staff
//! may name), the entitlement gate with the account team to contact, and the opening itself.

use supportweb_domain::Actor;
use supportweb_domain::agenda::{Agenda, AgendaRight};
use supportweb_domain::ids::{DocumentId, FileId, InstallationId, OrganisationId, UserId};
use supportweb_domain::permissions::{Action, Area};
use supportweb_domain::severity::Severity;
use supportweb_domain::support_document::Category;
use supportweb_storage::catalogue::InstallationRecord;
use supportweb_storage::organisations::TeamMember;
use supportweb_storage::support_documents::{DocumentError, DocumentRecord, NewDocument};

use super::SupportDocuments;
use crate::choices::Named;
use crate::{Error, FieldErrors, Result, today};

/// A document to open, as typed in the form (the API fills the same fields from JSON).
#[derive(Debug, Default, Clone)]
pub struct OpenDocument {
    /// Organisation id.
    pub organisation: String,
    /// Category name.
    pub category: String,
    /// Severity name.
    pub severity: String,
    /// An installation of the organisation's card: fills product and version.
    pub installation: String,
    /// Module.
    pub module: String,
    /// Version (default: the installation's).
    pub product_version: String,
    /// Subject.
    pub subject: String,
    /// Description (Markdown).
    pub description: String,
    /// Contact person and phone.
    pub contact: String,
    /// Staff opening on a customer's behalf: the customer user who reports it.
    pub reporter: String,
    /// Files uploaded by the actor.
    pub files: Vec<FileId>,
}

/// What the form of a new document offers for the chosen organisation.
#[derive(Debug, Default)]
pub struct NewDocumentChoices {
    /// The organisations the actor may open documents for.
    pub organisations: Vec<Named<OrganisationId>>,
    /// The chosen one, when it is among them.
    pub chosen: Option<Named<OrganisationId>>,
    /// Whether a contract covers today (else the page explains and names the team).
    pub entitled: bool,
    /// The organisation's account team, to contact without a contract.
    pub team: Vec<TeamMember>,
    /// Its installation card.
    pub installations: Vec<InstallationRecord>,
    /// Staff only: the organisation's members who may report for it.
    pub reporters: Vec<Named<UserId>>,
}

impl NewDocumentChoices {
    /// Every module of the organisation's installations, sorted, once each.
    pub fn modules(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .installations
            .iter()
            .flat_map(|i| i.modules.iter().cloned())
            .collect();
        all.sort();
        all.dedup();
        all
    }
}

/// Checks the typed document against the organisation's installation card.
fn validate(
    form: &OpenDocument,
    organisation: OrganisationId,
    installations: &[InstallationRecord],
    errors: &mut FieldErrors,
) -> Option<NewDocument> {
    let category = Category::parse(&form.category);
    if category.is_none() {
        errors.add("category", "support-error-category");
    }
    let severity = Severity::parse(&form.severity);
    if severity.is_none() {
        errors.add("severity", "support-error-severity");
    }
    let installation = if form.installation.is_empty() {
        None
    } else {
        let found = form
            .installation
            .parse::<InstallationId>()
            .ok()
            .and_then(|id| installations.iter().find(|i| i.id == id));
        if found.is_none() {
            errors.add_missing("installation", "support-error-installation");
        }
        found
    };
    let subject = form.subject.trim();
    if subject.is_empty() || subject.chars().count() > 200 {
        errors.add("subject", "support-error-subject");
    }
    let description = form.description.trim();
    if description.is_empty() || description.chars().count() > 20_000 {
        errors.add("description", "support-error-description");
    }
    if form.contact.chars().count() > 200 {
        errors.add("contact", "support-error-contact");
    }
    let reporter = match form.reporter.trim() {
        "" => None,
        text => {
            let parsed = text.parse::<UserId>().ok();
            if parsed.is_none() {
                errors.add_missing("reporter", "support-error-reporter");
            }
            parsed
        }
    };
    if form.module.chars().count() > 100 || form.product_version.chars().count() > 50 {
        errors.add("module", "support-error-module");
    }
    let (Some(category), Some(severity)) = (category, severity) else {
        return None;
    };
    if !errors.is_empty() {
        return None;
    }
    let version = form.product_version.trim();
    let module = match (form.module.trim(), installation) {
        ("", Some(i)) if i.modules.len() == 1 => i.modules[0].clone(),
        (typed, _) => typed.to_owned(),
    };
    Some(NewDocument {
        organisation_id: organisation,
        contact: form.contact.trim().to_owned(),
        category,
        severity,
        product_id: installation.map(|i| i.product_id),
        module,
        product_version: if version.is_empty() {
            installation
                .map(|i| i.product_version.clone())
                .unwrap_or_default()
        } else {
            version.to_owned()
        },
        subject: subject.to_owned(),
        description: description.to_owned(),
        files: form.files.clone(),
        reporter_id: reporter,
    })
}

/// Whether the actor may open documents for `organisation`.
fn may_open_for(actor: &Actor, organisation: OrganisationId) -> bool {
    if actor.is_staff() {
        return actor.staff_may(Area::Agenda(Agenda::SupportDocuments), Action::Write);
    }
    actor.memberships.iter().any(|m| {
        m.organisation_id == organisation && m.rights.support_documents == AgendaRight::Write
    })
}

impl SupportDocuments<'_> {
    /// The organisations the actor may open documents for: staff who write in the agenda
    /// any (at most 1000 offered), customer and partner users those where they hold the
    /// write right. Nobody else reaches the form.
    pub async fn openable_organisations(
        &self,
        actor: &Actor,
    ) -> Result<Vec<Named<OrganisationId>>> {
        if actor.is_staff()
            && !actor.staff_may(Area::Agenda(Agenda::SupportDocuments), Action::Write)
        {
            return Err(Error::NotFound);
        }
        let out = self
            .app
            .organisation_choices(actor, |r| r.support_documents == AgendaRight::Write)
            .await?;
        if out.is_empty() {
            return Err(Error::NotFound);
        }
        Ok(out)
    }

    /// The form's choices for `chosen` (one of the actor's organisations, or none yet).
    pub async fn new_document_choices(
        &self,
        actor: &Actor,
        chosen: Option<&str>,
    ) -> Result<NewDocumentChoices> {
        let organisations = self.openable_organisations(actor).await?;
        let chosen = match chosen {
            Some(text) => Some(
                text.parse::<OrganisationId>()
                    .map_err(|_| Error::NotFound)?,
            ),
            None if organisations.len() == 1 => Some(organisations[0].id),
            None => None,
        };
        let chosen = match chosen {
            Some(id) => Some(
                organisations
                    .iter()
                    .find(|o| o.id == id)
                    .cloned()
                    .ok_or(Error::NotFound)?,
            ),
            None => None,
        };
        let mut choices = NewDocumentChoices {
            organisations,
            ..NewDocumentChoices::default()
        };
        if let Some(organisation) = &chosen {
            let store = self.app.store();
            let id = organisation.id;
            choices.entitled = store.covering_contract(id, None, today()).await?.is_some();
            choices.team = store.account_team(actor, id).await?;
            choices.installations = store.installations(actor, id).await?;
            if actor.is_staff() {
                choices.reporters = store
                    .members(actor, id)
                    .await?
                    .into_iter()
                    .filter(|m| m.is_active && m.rights.support_documents.may_enter())
                    .map(|m| Named {
                        id: m.user_id,
                        name: m.display_name,
                    })
                    .collect();
            }
        }
        choices.chosen = chosen;
        Ok(choices)
    }

    /// Opens a document for one of the actor's organisations. Problems are reported by the
    /// form's field names (`organisation` when no contract covers today, `reporter`, `files`).
    pub async fn open(&self, actor: &Actor, form: &OpenDocument) -> Result<DocumentRecord> {
        super::require_opener(actor)?;
        let organisation: OrganisationId =
            form.organisation.parse().map_err(|_| Error::NotFound)?;
        if !may_open_for(actor, organisation) {
            return Err(Error::NotFound);
        }
        let store = self.app.store();
        store.organisation(actor, organisation).await?;
        let installations = store.installations(actor, organisation).await?;
        let mut errors = FieldErrors::default();
        let Some(new) = validate(form, organisation, &installations, &mut errors) else {
            return Err(Error::Invalid(errors));
        };
        let hours = self.app.settings().support.hours;
        store
            .create_document(actor, &new, &hours, today())
            .await
            .map_err(|error| match error {
                DocumentError::NotEntitled => Error::field("organisation", "support-not-entitled"),
                DocumentError::Invalid("reporter") => {
                    Error::missing("reporter", "support-error-reporter")
                }
                DocumentError::Invalid(_) => Error::missing("files", "support-error-files"),
                other => other.into(),
            })
    }

    /// A document the actor may see, by the id in a path.
    pub async fn document(&self, actor: &Actor, id: &str) -> Result<DocumentRecord> {
        let id: DocumentId = super::document_id(id)?;
        Ok(self.app.store().document(actor, id).await?)
    }
}
