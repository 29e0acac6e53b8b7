//! Writing a procedure (staff who write in podpora): title, Markdown body, product tags,
//! visibility with the chosen organisations, and files — one multipart form that works
//! without JavaScript; every save is a new revision, a form opened before someone else's save
//! is refused (409) with what was typed kept.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use supportweb_domain::ids::{OrganisationId, ProductId};
use supportweb_domain::procedure::ProcedureVisibility;
use supportweb_storage::StoreError;
use supportweb_storage::catalogue::ProductRecord;
use supportweb_storage::files::FileRecord;
use supportweb_storage::patches::PatchFile;
use supportweb_storage::procedures::{NewProcedure, ProcedureError};

use super::may_write;
use super::procedures::procedure_id;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::middleware::KeepBody;
use crate::multipart::MultipartForm;
use crate::pages::Choice;
use crate::pages::form::FormErrors;
use crate::pages::{Layout, render};
use crate::state::AppState;

/// A procedure as typed (pages) or sent (API), before checking.
#[derive(Debug, Default, Clone)]
pub(crate) struct ProcedureInput {
    pub title: String,
    pub body: String,
    pub visibility: String,
    pub products: Vec<String>,
    pub organisations: Vec<String>,
}

impl ProcedureInput {
    fn from_multipart(form: &MultipartForm) -> Self {
        ProcedureInput {
            title: form.get("title"),
            body: form.get("body"),
            visibility: form.get("visibility"),
            products: form.all("products"),
            organisations: form.all("organisations"),
        }
    }

    /// Whether a product is tagged (for the form).
    pub fn tags(&self, id: &str) -> bool {
        self.products.iter().any(|p| p == id)
    }

    /// Whether an organisation is chosen (for the form).
    pub fn chose(&self, id: &str) -> bool {
        self.organisations.iter().any(|o| o == id)
    }
}

/// Checks a typed procedure; errors per field. Files are the caller's.
pub(crate) fn parse_procedure(
    input: &ProcedureInput,
    t: &Tr,
    errors: &mut FormErrors,
) -> Option<NewProcedure> {
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        errors.add_t("title", t, "procedure-error-title");
    }
    let body = input.body.trim();
    if body.is_empty() || body.chars().count() > 100_000 {
        errors.add_t("body", t, "procedure-error-body");
    }
    let visibility = ProcedureVisibility::parse(&input.visibility);
    if visibility.is_none() {
        errors.add_t("visibility", t, "patch-error-visibility");
    }
    let products: Option<Vec<ProductId>> = input
        .products
        .iter()
        .filter(|p| !p.is_empty())
        .map(|p| p.parse().ok())
        .collect();
    if products.is_none() {
        errors.add_t("products", t, "procedure-error-products");
    }
    let organisations: Option<Vec<OrganisationId>> = input
        .organisations
        .iter()
        .filter(|o| !o.is_empty())
        .map(|o| o.parse().ok())
        .collect();
    match (&organisations, visibility) {
        (None, _) => errors.add_t("organisations", t, "patch-error-organisations"),
        (Some(list), Some(ProcedureVisibility::Chosen)) if list.is_empty() => {
            errors.add_t("organisations", t, "patch-error-organisations");
        }
        _ => {}
    }
    if !errors.is_empty() {
        return None;
    }
    let visibility = visibility?;
    Some(NewProcedure {
        title: title.to_owned(),
        body: body.to_owned(),
        visibility,
        products: products?,
        organisations: if visibility == ProcedureVisibility::Chosen {
            organisations?
        } else {
            Vec::new()
        },
        files: Vec::new(),
    })
}

/// The field a refused procedure write concerns, and its message.
pub(crate) fn procedure_error_field(field: &'static str) -> (&'static str, &'static str) {
    match field {
        "products" => ("products", "procedure-error-products"),
        "organisations" => ("organisations", "patch-error-organisations"),
        _ => ("files", "patch-error-files"),
    }
}

struct Shown {
    editing: Option<(String, i64)>,
    form: ProcedureInput,
    kept: Vec<(PatchFile, bool)>,
    uploaded: Vec<FileRecord>,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "podpora_procedure_form.html")]
struct FormPage {
    layout: Layout,
    action: String,
    editing: Option<(String, i64)>,
    products: Vec<ProductRecord>,
    organisations: Vec<Choice>,
    visibilities: Vec<Choice>,
    form: ProcedureInput,
    kept: Vec<(PatchFile, bool)>,
    uploaded: Vec<FileRecord>,
    errors: FormErrors,
}

async fn page(state: &AppState, signed: &SignedIn, shown: Shown) -> Result<FormPage, AppError> {
    let layout = Layout::new(
        &signed.ctx,
        if shown.editing.is_some() {
            "procedure-edit"
        } else {
            "procedure-new"
        },
    );
    let t = layout.t;
    Ok(FormPage {
        action: match &shown.editing {
            Some((id, _)) => format!("/podpora/procedures/{id}"),
            None => "/podpora/procedures".to_owned(),
        },
        products: state.store().products(true).await?,
        organisations: state
            .store()
            .organisations(&signed.actor, None, 1000)
            .await?
            .into_iter()
            .map(|o| Choice {
                value: o.id.to_string(),
                label: o.name,
            })
            .collect(),
        visibilities: ProcedureVisibility::ALL
            .into_iter()
            .map(|v| Choice {
                value: v.as_str().to_owned(),
                label: t.t(format!("procedure-visibility-{}", v.as_str())),
            })
            .collect(),
        editing: shown.editing,
        form: shown.form,
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

pub(super) async fn new_form(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, AppError> {
    require_writer(&signed)?;
    let shown = Shown {
        editing: None,
        form: ProcedureInput {
            visibility: ProcedureVisibility::Staff.as_str().to_owned(),
            ..ProcedureInput::default()
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
    let id = procedure_id(&id)?;
    let p = state.store().procedure(&signed.actor, id).await?;
    let chosen = state
        .store()
        .procedure_organisations(&signed.actor, id)
        .await?;
    let shown = Shown {
        editing: Some((id.to_string(), p.version)),
        form: ProcedureInput {
            title: p.title.clone(),
            body: p.body.clone(),
            visibility: p.visibility.as_str().to_owned(),
            products: p.products.iter().map(|(id, _)| id.to_string()).collect(),
            organisations: chosen.iter().map(|(id, _)| id.to_string()).collect(),
        },
        kept: p.files.into_iter().map(|f| (f, true)).collect(),
        uploaded: Vec::new(),
        errors: FormErrors::default(),
    };
    render(&page(&state, &signed, shown).await?)
}

pub(super) async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    require_writer(&signed)?;
    let multipart = multipart.map_err(|_| AppError::BadRequest("bad_request"))?;
    let typed = MultipartForm::read(&state, &signed.actor, multipart).await?;
    let input = ProcedureInput::from_multipart(&typed);
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    if let Some(mut new) = parse_procedure(&input, &t, &mut errors) {
        new.files = typed.files.iter().map(|f| f.id).collect();
        match state.store().create_procedure(&signed.actor, &new).await {
            Ok(id) => {
                return Ok(Redirect::to(&format!("/podpora/procedures/{id}")).into_response());
            }
            Err(ProcedureError::Invalid(field)) => {
                let (field, key) = procedure_error_field(field);
                errors.add_t(field, &t, key);
            }
            Err(ProcedureError::Store(e)) => return Err(e.into()),
        }
    }
    let shown = Shown {
        editing: None,
        form: input,
        kept: Vec::new(),
        uploaded: typed.files,
        errors,
    };
    shown_again(&state, &signed, shown, StatusCode::UNPROCESSABLE_ENTITY).await
}

pub(super) async fn update(
    State(state): State<AppState>,
    signed: SignedIn,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    require_writer(&signed)?;
    let id = procedure_id(&id)?;
    let p = state.store().procedure(&signed.actor, id).await?;
    let multipart = multipart.map_err(|_| AppError::BadRequest("bad_request"))?;
    let typed = MultipartForm::read(&state, &signed.actor, multipart).await?;
    let input = ProcedureInput::from_multipart(&typed);
    let version: i64 = typed
        .get("version")
        .parse()
        .map_err(|_| AppError::BadRequest("bad_request"))?;
    let keep = typed.all("keep_file");
    let kept: Vec<(PatchFile, bool)> = p
        .files
        .into_iter()
        .map(|f| {
            let stays = keep.contains(&f.file_id.to_string());
            (f, stays)
        })
        .collect();
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let mut status = StatusCode::UNPROCESSABLE_ENTITY;
    if let Some(mut new) = parse_procedure(&input, &t, &mut errors) {
        new.files = kept
            .iter()
            .filter(|(_, stays)| *stays)
            .map(|(f, _)| f.file_id)
            .chain(typed.files.iter().map(|f| f.id))
            .collect();
        match state
            .store()
            .update_procedure(&signed.actor, id, &new, version)
            .await
        {
            Ok(()) => {
                return Ok(Redirect::to(&format!("/podpora/procedures/{id}")).into_response());
            }
            Err(ProcedureError::Invalid(field)) => {
                let (field, key) = procedure_error_field(field);
                errors.add_t(field, &t, key);
            }
            Err(ProcedureError::Store(StoreError::Conflict)) => {
                errors.add_t("title", &t, "error-conflict-detail");
                status = StatusCode::CONFLICT;
            }
            Err(ProcedureError::Store(e)) => return Err(e.into()),
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
