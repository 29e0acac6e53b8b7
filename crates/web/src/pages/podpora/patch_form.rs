//! Preparing and changing a patch (staff who write in podpora): product and module from the
//! catalogue, version or build, title, release notes, the versions it applies to, release
//! date, visibility with the chosen organisations, and its files — one multipart form that
//! works without JavaScript, keeps what was typed and uploaded when something is wrong, and
//! refuses a form opened before someone else's save (409).

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use supportweb_app::Error;
use supportweb_app::attachments::{FileRecord, FormFiles, RecordFile};
use supportweb_app::podpora::patches::PatchInput;
use supportweb_domain::patch::PatchVisibility;

use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::multipart::MultipartForm;
use crate::pages::form::FormErrors;
use crate::pages::form::problems_of;
use crate::pages::layout::again;
use crate::pages::layout::{Choice, Layout, render, today};
use crate::state::AppState;

fn typed(form: &MultipartForm) -> PatchInput {
    PatchInput {
        product: form.get("product"),
        module: form.get("module"),
        build: form.get("build"),
        title: form.get("title"),
        release_notes: form.get("release_notes"),
        applies_from: form.get("applies_from"),
        applies_to: form.get("applies_to"),
        released_on: form.get("released_on"),
        visibility: form.get("visibility"),
        organisations: form.all("organisations"),
        files: Vec::new(),
    }
}

#[derive(Template)]
#[template(path = "podpora_patch_form.html")]
struct FormPage {
    layout: Layout,
    /// Where the form posts.
    action: String,
    /// The patch being changed (id) and the version the form was opened at.
    editing: Option<(String, i64)>,
    products: Vec<supportweb_app::administration::ProductRecord>,
    organisations: Vec<Choice>,
    form: PatchInput,
    /// Files of the patch, each with whether it stays.
    kept: Vec<(RecordFile, bool)>,
    /// Files uploaded with a form that was shown again.
    uploaded: Vec<FileRecord>,
    errors: FormErrors,
}

impl FormPage {
    fn versions(&self) -> Vec<String> {
        let mut all: Vec<String> = self
            .products
            .iter()
            .flat_map(|p| p.versions.iter().cloned())
            .collect();
        all.sort();
        all.dedup();
        all
    }
}

/// What a form page shows besides the catalogue: the patch being changed, what was typed,
/// the files kept and uploaded, and the errors.
struct Shown {
    editing: Option<(String, i64)>,
    form: PatchInput,
    files: FormFiles,
    errors: FormErrors,
}

async fn page(state: &AppState, signed: &SignedIn, shown: Shown) -> Result<FormPage, AppError> {
    let Shown {
        editing,
        form,
        files,
        errors,
    } = shown;
    let title_key = if editing.is_some() {
        "patch-edit"
    } else {
        "patch-new"
    };
    let choices = state
        .app()
        .podpora()
        .patches()
        .form_choices(&signed.actor)
        .await?;
    Ok(FormPage {
        layout: Layout::new(&signed.ctx, title_key),
        action: match &editing {
            Some((id, _)) => format!("/podpora/patches/{id}"),
            None => "/podpora/patches".to_owned(),
        },
        editing,
        products: choices.products,
        organisations: choices
            .organisations
            .into_iter()
            .map(|(id, name)| Choice {
                value: id.to_string(),
                label: name,
                selected: false,
            })
            .collect(),
        form,
        kept: files.kept,
        uploaded: files.uploaded,
        errors,
    })
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, AppError> {
    let form = PatchInput {
        released_on: today().to_string(),
        visibility: PatchVisibility::All.as_str().to_owned(),
        ..PatchInput::default()
    };
    let shown = Shown {
        editing: None,
        form,
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
    let (patch, chosen) = state
        .app()
        .podpora()
        .patches()
        .editable(&signed.actor, &id)
        .await?;
    let shown = Shown {
        editing: Some((patch.id.to_string(), patch.version)),
        form: PatchInput::of(&patch, &chosen),
        files: FormFiles::unchanged(patch.files),
        errors: FormErrors::default(),
    };
    render(&page(&state, &signed, shown).await?)
}

/// The form again with what was typed and uploaded, and what is wrong: a stale form (409)
/// or refused fields (422).
async fn refused(
    state: &AppState,
    signed: &SignedIn,
    mut shown: Shown,
    error: Error,
) -> Result<Response, AppError> {
    let (status, errors) = problems_of(&Tr::new(signed.ctx.lang), error, "title")?;
    shown.errors = errors;
    let page = page(state, signed, shown).await?;
    again(status, &page)
}

pub(super) async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let patches = state.app().podpora().patches();
    patches.require_writer(&signed.actor)?;
    let multipart = multipart.map_err(|_| AppError::BadRequest("bad_request"))?;
    let sent = MultipartForm::read(&state, &signed.actor, multipart).await?;
    let files = FormFiles::new_record(sent.files.clone());
    let input = PatchInput {
        files: files.ids(),
        ..typed(&sent)
    };
    match patches.create(&signed.actor, &input).await {
        Ok(patch) => Ok(Redirect::to(&format!("/podpora/patches/{}", patch.id)).into_response()),
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
    let patches = state.app().podpora().patches();
    let (patch, _) = patches.editable(&signed.actor, &id).await?;
    let multipart = multipart.map_err(|_| AppError::BadRequest("bad_request"))?;
    let sent = MultipartForm::read(&state, &signed.actor, multipart).await?;
    let version: i64 = sent
        .get("version")
        .parse()
        .map_err(|_| AppError::BadRequest("bad_request"))?;
    let files = FormFiles::edited(patch.files, &sent.all("keep_file"), sent.files.clone());
    let input = PatchInput {
        files: files.ids(),
        ..typed(&sent)
    };
    match patches.update(&signed.actor, &id, &input, version).await {
        Ok(patch) => Ok(Redirect::to(&format!("/podpora/patches/{}", patch.id)).into_response()),
        Err(error) => {
            let shown = Shown {
                editing: Some((patch.id.to_string(), version)),
                form: input,
                files,
                errors: FormErrors::default(),
            };
            refused(&state, &signed, shown, error).await
        }
    }
}
