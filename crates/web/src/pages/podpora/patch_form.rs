//! Preparing and changing a patch (staff who write in podpora): product and module from the
//! catalogue, version or build, title, release notes, the versions it applies to, release
//! date, visibility with the chosen organisations, and its files — one multipart form that
//! works without JavaScript, keeps what was typed and uploaded when something is wrong, and
//! refuses a form opened before someone else's save (409).

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::NaiveDate;
use supportweb_domain::ids::{FileId, OrganisationId, ProductId};
use supportweb_domain::patch::{PatchVisibility, VersionRange};
use supportweb_storage::catalogue::ProductRecord;
use supportweb_storage::files::FileRecord;
use supportweb_storage::patches::{NewPatch, PatchError, PatchFile};

use super::{may_write, patch_id};
use crate::context::SignedIn;
use crate::error::{AppError, patch_error_code};
use crate::i18n::Tr;
use crate::middleware::KeepBody;
use crate::multipart::MultipartForm;
use crate::pages::Choice;
use crate::pages::form::FormErrors;
use crate::pages::{Layout, render, today};
use crate::state::AppState;

/// A patch as typed (pages) or sent (API), before checking.
#[derive(Debug, Default, Clone)]
pub(crate) struct PatchInput {
    pub product: String,
    pub module: String,
    pub build: String,
    pub title: String,
    pub release_notes: String,
    pub applies_from: String,
    pub applies_to: String,
    pub released_on: String,
    pub visibility: String,
    pub organisations: Vec<String>,
}

impl PatchInput {
    fn from_multipart(form: &MultipartForm) -> Self {
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
        }
    }

    /// Whether `id` is among the chosen organisations (for the form's multiple select).
    pub fn chose(&self, id: &str) -> bool {
        self.organisations.iter().any(|o| o == id)
    }
}

/// Checks a typed patch against the catalogue; errors per field. Files are the caller's.
pub(crate) fn parse_patch(
    input: &PatchInput,
    products: &[ProductRecord],
    t: &Tr,
    errors: &mut FormErrors,
) -> Option<NewPatch> {
    let product = input
        .product
        .parse::<ProductId>()
        .ok()
        .and_then(|id| products.iter().find(|p| p.id == id));
    if product.is_none() {
        errors.add_t("product", t, "patch-error-product");
    }
    let module = input.module.trim();
    if let Some(product) = product
        && !module.is_empty()
        && !product.modules.iter().any(|m| m == module)
    {
        errors.add_t("module", t, "patch-error-module");
    }
    let build = input.build.trim();
    if build.is_empty() || build.chars().count() > 50 {
        errors.add_t("build", t, "patch-error-build");
    }
    let title = input.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        errors.add_t("title", t, "patch-error-title");
    }
    let notes = input.release_notes.trim();
    if notes.is_empty() || notes.chars().count() > 50_000 {
        errors.add_t("release_notes", t, "patch-error-notes");
    }
    let applies = VersionRange {
        from: input.applies_from.trim().to_owned(),
        to: input.applies_to.trim().to_owned(),
    };
    if applies.from.chars().count() > 50 || applies.to.chars().count() > 50 {
        errors.add_t("applies_from", t, "patch-error-applies");
    } else if applies.is_backwards() {
        errors.add_t("applies_to", t, "patch-error-applies-backwards");
    }
    let released_on = input.released_on.trim().parse::<NaiveDate>().ok();
    if released_on.is_none() {
        errors.add_t("released_on", t, "patch-error-released");
    }
    let visibility = PatchVisibility::parse(&input.visibility);
    if visibility.is_none() {
        errors.add_t("visibility", t, "patch-error-visibility");
    }
    let organisations: Option<Vec<OrganisationId>> = input
        .organisations
        .iter()
        .filter(|o| !o.is_empty())
        .map(|o| o.parse().ok())
        .collect();
    match (&organisations, visibility) {
        (None, _) => errors.add_t("organisations", t, "patch-error-organisations"),
        (Some(list), Some(PatchVisibility::Chosen)) if list.is_empty() => {
            errors.add_t("organisations", t, "patch-error-organisations");
        }
        _ => {}
    }
    if !errors.is_empty() {
        return None;
    }
    let visibility = visibility?;
    Some(NewPatch {
        product_id: product?.id,
        module: module.to_owned(),
        build: build.to_owned(),
        title: title.to_owned(),
        release_notes: notes.to_owned(),
        applies,
        released_on: released_on?,
        visibility,
        organisations: match visibility {
            PatchVisibility::All => Vec::new(),
            PatchVisibility::Chosen => organisations?,
        },
        files: Vec::new(),
    })
}

#[derive(Template)]
#[template(path = "podpora_patch_form.html")]
struct FormPage {
    layout: Layout,
    /// Where the form posts.
    action: String,
    /// The patch being changed (id) and the version the form was opened at.
    editing: Option<(String, i64)>,
    products: Vec<ProductRecord>,
    organisations: Vec<Choice>,
    form: PatchInput,
    /// Files of the patch, each with whether it stays.
    kept: Vec<(PatchFile, bool)>,
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

fn require_writer(signed: &SignedIn) -> Result<(), AppError> {
    if may_write(&signed.actor) {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// What a form page shows besides the catalogue: the patch being changed, what was typed,
/// the files kept and uploaded, and the errors.
struct Shown {
    editing: Option<(String, i64)>,
    form: PatchInput,
    kept: Vec<(PatchFile, bool)>,
    uploaded: Vec<FileRecord>,
    errors: FormErrors,
}

async fn page(state: &AppState, signed: &SignedIn, shown: Shown) -> Result<FormPage, AppError> {
    let Shown {
        editing,
        form,
        kept,
        uploaded,
        errors,
    } = shown;
    let title_key = if editing.is_some() {
        "patch-edit"
    } else {
        "patch-new"
    };
    let organisations = state
        .store()
        .organisations(&signed.actor, None, 1000)
        .await?
        .into_iter()
        .map(|o| Choice {
            value: o.id.to_string(),
            label: o.name,
        })
        .collect();
    Ok(FormPage {
        layout: Layout::new(&signed.ctx, title_key),
        action: match &editing {
            Some((id, _)) => format!("/podpora/patches/{id}"),
            None => "/podpora/patches".to_owned(),
        },
        editing,
        products: state.store().products(false).await?,
        organisations,
        form,
        kept,
        uploaded,
        errors,
    })
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, AppError> {
    require_writer(&signed)?;
    let form = PatchInput {
        released_on: today().to_string(),
        visibility: PatchVisibility::All.as_str().to_owned(),
        ..PatchInput::default()
    };
    let shown = Shown {
        editing: None,
        form,
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
    let id = patch_id(&id)?;
    let patch = state.store().patch(&signed.actor, id).await?;
    let chosen = state.store().patch_organisations(&signed.actor, id).await?;
    let form = PatchInput {
        product: patch.product_id.to_string(),
        module: patch.module.clone(),
        build: patch.build.clone(),
        title: patch.title.clone(),
        release_notes: patch.release_notes.clone(),
        applies_from: patch.applies.from.clone(),
        applies_to: patch.applies.to.clone(),
        released_on: patch.released_on.to_string(),
        visibility: patch.visibility.as_str().to_owned(),
        organisations: chosen.iter().map(|(o, _)| o.to_string()).collect(),
    };
    let kept = patch.files.into_iter().map(|f| (f, true)).collect();
    let shown = Shown {
        editing: Some((id.to_string(), patch.version)),
        form,
        kept,
        uploaded: Vec::new(),
        errors: FormErrors::default(),
    };
    render(&page(&state, &signed, shown).await?)
}

/// Reads a submitted form: the typed patch, the files kept and the new uploads.
async fn read(
    state: &AppState,
    signed: &SignedIn,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<(MultipartForm, PatchInput), AppError> {
    let multipart = multipart.map_err(|_| AppError::BadRequest("bad_request"))?;
    let typed = MultipartForm::read(state, &signed.actor, multipart).await?;
    let input = PatchInput::from_multipart(&typed);
    Ok((typed, input))
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

fn store_error(error: PatchError, t: &Tr, errors: &mut FormErrors) -> Result<(), AppError> {
    match error {
        PatchError::Invalid(field) => {
            let field = match field {
                "product" => "product",
                "module" => "module",
                "organisations" => "organisations",
                _ => "files",
            };
            errors.add_t(field, t, patch_error_code(field));
            Ok(())
        }
        other => Err(other.into()),
    }
}

pub(super) async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    require_writer(&signed)?;
    let (typed, input) = read(&state, &signed, multipart).await?;
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let products = state.store().products(true).await?;
    if let Some(mut new) = parse_patch(&input, &products, &t, &mut errors) {
        new.files = typed.files.iter().map(|f| f.id).collect();
        match state.store().create_patch(&signed.actor, &new).await {
            Ok(id) => return Ok(Redirect::to(&format!("/podpora/patches/{id}")).into_response()),
            Err(error) => store_error(error, &t, &mut errors)?,
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
    let id = patch_id(&id)?;
    let patch = state.store().patch(&signed.actor, id).await?;
    let (typed, input) = read(&state, &signed, multipart).await?;
    let version: i64 = typed
        .get("version")
        .parse()
        .map_err(|_| AppError::BadRequest("bad_request"))?;
    let keep: Vec<String> = typed.all("keep_file");
    let kept: Vec<(PatchFile, bool)> = patch
        .files
        .into_iter()
        .map(|f| {
            let stays = keep.contains(&f.file_id.to_string());
            (f, stays)
        })
        .collect();
    let t = Tr::new(signed.ctx.lang);
    let mut errors = FormErrors::default();
    let products = state.store().products(true).await?;
    let editing = Some((id.to_string(), version));
    if let Some(mut new) = parse_patch(&input, &products, &t, &mut errors) {
        new.files = kept
            .iter()
            .filter(|(_, stays)| *stays)
            .map(|(f, _)| f.file_id)
            .chain(typed.files.iter().map(|f| f.id))
            .collect::<Vec<FileId>>();
        match state
            .store()
            .update_patch(&signed.actor, id, &new, version)
            .await
        {
            Ok(()) => return Ok(Redirect::to(&format!("/podpora/patches/{id}")).into_response()),
            Err(PatchError::Store(supportweb_storage::StoreError::Conflict)) => {
                errors.add_t("title", &t, "error-conflict-detail");
                let shown = Shown {
                    editing,
                    form: input,
                    kept,
                    uploaded: typed.files,
                    errors,
                };
                return shown_again(&state, &signed, shown, StatusCode::CONFLICT).await;
            }
            Err(error) => store_error(error, &t, &mut errors)?,
        }
    }
    let shown = Shown {
        editing,
        form: input,
        kept,
        uploaded: typed.files,
        errors,
    };
    shown_again(&state, &signed, shown, StatusCode::UNPROCESSABLE_ENTITY).await
}
