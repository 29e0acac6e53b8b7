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
use supportweb_app::Error;
use supportweb_app::attachments::FileRecord;
use supportweb_app::support_documents::{Category, NewDocumentChoices, OpenDocument};
use supportweb_domain::severity::Severity;

use crate::context::SignedIn;
use crate::error::AppError;
use crate::multipart::MultipartForm;
use crate::pages::form::FormErrors;
use crate::pages::layout::again;
use crate::pages::layout::{Choice, Layout, render};
use crate::state::AppState;

/// The form as typed.
fn typed(form: &MultipartForm) -> OpenDocument {
    OpenDocument {
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
        files: form.files.iter().map(|f| f.id).collect(),
    }
}

#[derive(Template)]
#[template(path = "support_document_new.html")]
struct NewPage {
    layout: Layout,
    organisations: Vec<Choice>,
    organisation: Option<Choice>,
    entitled: bool,
    team: Vec<supportweb_app::administration::TeamMember>,
    installations: Vec<supportweb_app::administration::InstallationRecord>,
    /// Staff only: the organisation's members who may report for it.
    reporters: Vec<Choice>,
    categories: Vec<Choice>,
    severities: Vec<(Choice, String)>,
    form: OpenDocument,
    files: Vec<FileRecord>,
    errors: FormErrors,
    modules: Vec<String>,
}

impl NewPage {
    fn modules(&self) -> Vec<String> {
        self.modules.clone()
    }
}

#[derive(Debug, Deserialize)]
pub(super) struct NewQuery {
    organisation: Option<String>,
}

fn page(
    signed: &SignedIn,
    choices: NewDocumentChoices,
    mut form: OpenDocument,
    files: Vec<FileRecord>,
    errors: FormErrors,
) -> NewPage {
    let layout = Layout::new(&signed.ctx, "support-new");
    let t = &layout.t;
    // The first installation is offered; its version and module come from whichever
    // installation is sent (the version field only overrides them).
    if form.installation.is_empty()
        && form.subject.is_empty()
        && let Some(first) = choices.installations.first()
    {
        form.installation = first.id.to_string();
    }
    let modules = choices.modules();
    NewPage {
        categories: Category::ALL
            .iter()
            .map(|c| Choice::translated(t, c.as_str(), format!("support-category-{}", c.as_str())))
            .collect(),
        severities: Severity::ALL
            .iter()
            .map(|s| {
                (
                    Choice::translated(t, s.as_str(), format!("severity-{}", s.as_str())),
                    t.t(format!("support-severity-definition-{}", s.as_str())),
                )
            })
            .collect(),
        organisations: choices
            .organisations
            .into_iter()
            .map(Choice::from)
            .collect(),
        organisation: choices.chosen.map(Choice::from),
        entitled: choices.entitled,
        team: choices.team,
        installations: choices.installations,
        reporters: choices.reporters.into_iter().map(Choice::from).collect(),
        modules,
        form,
        files,
        errors,
        layout,
    }
}

pub(super) async fn form(
    State(state): State<AppState>,
    signed: SignedIn,
    Query(query): Query<NewQuery>,
) -> Result<Response, AppError> {
    let choices = state
        .app()
        .support_documents()
        .new_document_choices(&signed.actor, query.organisation.as_deref())
        .await?;
    let form = OpenDocument {
        contact: signed.actor.display_name.clone(),
        severity: Severity::Medium.as_str().to_owned(),
        category: Category::Error.as_str().to_owned(),
        ..OpenDocument::default()
    };
    let page = page(&signed, choices, form, Vec::new(), FormErrors::default());
    Ok(render(&page)?.into_response())
}

pub(super) async fn submit(
    State(state): State<AppState>,
    signed: SignedIn,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let documents = state.app().support_documents();
    // Nobody who may not open documents gets as far as storing an upload.
    documents.openable_organisations(&signed.actor).await?;
    let multipart = multipart.map_err(|_| AppError::BadRequest("bad_request"))?;
    let typed_form = MultipartForm::read(&state, &signed.actor, multipart).await?;
    let form = typed(&typed_form);
    let problems = match documents.open(&signed.actor, &form).await {
        Ok(created) => {
            return Ok(Redirect::to(&format!("/support-documents/{}", created.id)).into_response());
        }
        Err(Error::Invalid(problems)) => problems,
        Err(other) => return Err(other.into()),
    };
    let choices = documents
        .new_document_choices(&signed.actor, Some(&form.organisation))
        .await?;
    let t = crate::i18n::Tr::new(signed.ctx.lang);
    let errors = FormErrors::from_fields(&problems, &t);
    let page = page(&signed, choices, form, typed_form.files, errors);
    again(StatusCode::UNPROCESSABLE_ENTITY, &page)
}
