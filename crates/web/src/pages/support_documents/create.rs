//! Opening a support document: choose the organisation (if there is a choice), then one
//! form with category, severity (each with its definition), the installation that pre-fills
//! product and version, module, subject, Markdown description, contact and attachments.
//! An organisation without a valid contract gets an explanation and its account team to
//! contact instead of the form; nothing is created.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::agenda::{Agenda, AgendaRight};
use supportweb_domain::ids::{InstallationId, OrganisationId, UserId};
use supportweb_domain::permissions::{Action, Area};
use supportweb_domain::severity::Severity;
use supportweb_domain::support_document::Category;
use supportweb_storage::catalogue::InstallationRecord;
use supportweb_storage::files::FileRecord;
use supportweb_storage::organisations::TeamMember;
use supportweb_storage::support_documents::{DocumentError, NewDocument};

use super::overview::Choice;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::middleware::KeepBody;
use crate::pages::form::FormErrors;
use crate::pages::multipart::MultipartForm;
use crate::pages::{Layout, render, today};
use crate::state::AppState;

/// The organisations the actor may open documents for: staff who write in the agenda any
/// (at most 1000 offered), customer and partner users those where they hold the write right.
async fn organisations_for(state: &AppState, actor: &Actor) -> Result<Vec<Choice>, AppError> {
    if actor.is_staff() && !actor.staff_may(Area::Agenda(Agenda::SupportDocuments), Action::Write) {
        return Err(AppError::NotFound);
    }
    let out = crate::pages::organisation_choices::organisation_choices(state, actor, |r| {
        r.support_documents == AgendaRight::Write
    })
    .await?;
    if out.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok(out)
}

/// The form as typed.
#[derive(Debug, Default, Clone)]
pub(crate) struct DocumentForm {
    pub organisation: String,
    pub category: String,
    pub severity: String,
    pub installation: String,
    pub module: String,
    pub product_version: String,
    pub subject: String,
    pub description: String,
    pub contact: String,
    /// Staff opening on a customer's behalf: the customer user who reports it.
    pub reporter: String,
}

impl DocumentForm {
    fn from_multipart(form: &MultipartForm) -> Self {
        DocumentForm {
            organisation: form.get("organisation"),
            category: form.get("category"),
            severity: form.get("severity"),
            installation: form.get("installation"),
            module: form.get("module"),
            product_version: form.get("product_version"),
            subject: form.get("subject"),
            description: form.get("description"),
            contact: form.get("contact"),
            reporter: form.get("reporter"),
        }
    }
}

/// Checks the typed form against the organisation's installation card; errors per field.
pub(crate) fn parse_document(
    form: &DocumentForm,
    organisation: OrganisationId,
    installations: &[InstallationRecord],
    t: &crate::i18n::Tr,
    errors: &mut FormErrors,
) -> Option<NewDocument> {
    let category = Category::parse(&form.category);
    if category.is_none() {
        errors.add_t("category", t, "support-error-category");
    }
    let severity = Severity::parse(&form.severity);
    if severity.is_none() {
        errors.add_t("severity", t, "support-error-severity");
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
            errors.add_t("installation", t, "support-error-installation");
        }
        found
    };
    let subject = form.subject.trim();
    if subject.is_empty() || subject.chars().count() > 200 {
        errors.add_t("subject", t, "support-error-subject");
    }
    let description = form.description.trim();
    if description.is_empty() || description.chars().count() > 20_000 {
        errors.add_t("description", t, "support-error-description");
    }
    if form.contact.chars().count() > 200 {
        errors.add_t("contact", t, "support-error-contact");
    }
    let reporter = match form.reporter.trim() {
        "" => None,
        text => {
            let parsed = text.parse::<UserId>().ok();
            if parsed.is_none() {
                errors.add_t("reporter", t, "support-error-reporter");
            }
            parsed
        }
    };
    if form.module.chars().count() > 100 || form.product_version.chars().count() > 50 {
        errors.add_t("module", t, "support-error-module");
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
        files: Vec::new(),
        reporter_id: reporter,
    })
}

#[derive(Template)]
#[template(path = "support_document_new.html")]
struct NewPage {
    layout: Layout,
    organisations: Vec<Choice>,
    organisation: Option<Choice>,
    entitled: bool,
    team: Vec<TeamMember>,
    installations: Vec<InstallationRecord>,
    /// Staff only: the organisation's members who may report for it.
    reporters: Vec<Choice>,
    categories: Vec<Choice>,
    severities: Vec<(Choice, String)>,
    form: DocumentForm,
    files: Vec<FileRecord>,
    errors: FormErrors,
}

impl NewPage {
    fn modules(&self) -> Vec<String> {
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

#[derive(Debug, Deserialize)]
pub(super) struct NewQuery {
    organisation: Option<String>,
}

async fn page(
    state: &AppState,
    signed: &SignedIn,
    organisations: Vec<Choice>,
    chosen: Option<OrganisationId>,
    mut form: DocumentForm,
    files: Vec<FileRecord>,
    errors: FormErrors,
) -> Result<NewPage, AppError> {
    let layout = Layout::new(&signed.ctx, "support-new");
    let t = &layout.t;
    let organisation = chosen.and_then(|id| {
        organisations
            .iter()
            .find(|c| c.value == id.to_string())
            .map(|c| Choice {
                value: c.value.clone(),
                label: c.label.clone(),
            })
    });
    let (entitled, team, installations, reporters) = match chosen {
        Some(id) if organisation.is_some() => {
            let entitled = state
                .store()
                .covering_contract(id, None, today())
                .await?
                .is_some();
            let team = state.store().account_team(&signed.actor, id).await?;
            let installations = state.store().installations(&signed.actor, id).await?;
            let reporters = if signed.actor.is_staff() {
                state
                    .store()
                    .members(&signed.actor, id)
                    .await?
                    .into_iter()
                    .filter(|m| m.is_active && m.rights.support_documents.may_enter())
                    .map(|m| Choice {
                        value: m.user_id.to_string(),
                        label: m.display_name,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            (entitled, team, installations, reporters)
        }
        _ => (false, Vec::new(), Vec::new(), Vec::new()),
    };
    // The first installation is offered; its version and module come from whichever
    // installation is sent (the version field only overrides them).
    if form.installation.is_empty()
        && form.subject.is_empty()
        && let Some(first) = installations.first()
    {
        form.installation = first.id.to_string();
    }
    Ok(NewPage {
        categories: Category::ALL
            .iter()
            .map(|c| Choice {
                value: c.as_str().to_owned(),
                label: t.t(format!("support-category-{}", c.as_str())),
            })
            .collect(),
        severities: Severity::ALL
            .iter()
            .map(|s| {
                (
                    Choice {
                        value: s.as_str().to_owned(),
                        label: t.t(format!("severity-{}", s.as_str())),
                    },
                    t.t(format!("support-severity-definition-{}", s.as_str())),
                )
            })
            .collect(),
        organisations,
        organisation,
        entitled,
        team,
        installations,
        reporters,
        form,
        files,
        errors,
        layout,
    })
}

pub(super) async fn form(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NewQuery>,
) -> Result<Response, AppError> {
    let organisations = organisations_for(&state, &signed.actor).await?;
    let chosen = match query.organisation.as_deref() {
        Some(text) => Some(
            text.parse::<OrganisationId>()
                .map_err(|_| AppError::NotFound)?,
        ),
        None if organisations.len() == 1 => organisations[0].value.parse::<OrganisationId>().ok(),
        None => None,
    };
    if let Some(id) = chosen
        && !organisations.iter().any(|c| c.value == id.to_string())
    {
        return Err(AppError::NotFound);
    }
    let form = DocumentForm {
        contact: signed.actor.display_name.clone(),
        severity: Severity::Medium.as_str().to_owned(),
        category: Category::Error.as_str().to_owned(),
        ..DocumentForm::default()
    };
    let page = page(
        &state,
        &signed,
        organisations,
        chosen,
        form,
        Vec::new(),
        FormErrors::default(),
    )
    .await?;
    Ok(render(&page)?.into_response())
}

pub(super) async fn submit(
    State(state): State<AppState>,
    signed: SignedIn,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let organisations = organisations_for(&state, &signed.actor).await?;
    let multipart = multipart.map_err(|_| AppError::BadRequest("bad_request"))?;
    let typed = MultipartForm::read(&state, &signed.actor, multipart).await?;
    let form = DocumentForm::from_multipart(&typed);
    let organisation: OrganisationId = form.organisation.parse().map_err(|_| AppError::NotFound)?;
    if !organisations
        .iter()
        .any(|c| c.value == organisation.to_string())
    {
        return Err(AppError::NotFound);
    }
    let installations = state
        .store()
        .installations(&signed.actor, organisation)
        .await?;
    let t = crate::i18n::Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let parsed = parse_document(&form, organisation, &installations, &t, &mut errors);
    if let Some(mut new) = parsed {
        new.files = typed.files.iter().map(|f| f.id).collect();
        let hours = state.config().app.support.hours;
        match state
            .store()
            .create_document(&signed.actor, &new, &hours, today())
            .await
        {
            Ok(created) => {
                return Ok(
                    Redirect::to(&format!("/support-documents/{}", created.id)).into_response()
                );
            }
            Err(DocumentError::NotEntitled) => {
                errors.add_t("organisation", &t, "support-not-entitled");
            }
            Err(DocumentError::Invalid("reporter")) => {
                errors.add_t("reporter", &t, "support-error-reporter");
            }
            Err(DocumentError::Invalid(field)) => {
                errors.add_t(field, &t, "support-error-files");
            }
            Err(other) => return Err(other.into()),
        }
    }
    let page = page(
        &state,
        &signed,
        organisations,
        Some(organisation),
        form,
        typed.files,
        errors,
    )
    .await?;
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        axum::Extension(KeepBody),
        render(&page)?,
    )
        .into_response())
}
