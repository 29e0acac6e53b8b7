//! Writing a procedure (staff who write in podpora): title, Markdown body, product tags,
//! visibility with the chosen organisations, and files — one multipart form that works
//! without JavaScript; every save is a new revision, a form opened before someone else's save
//! is refused (409) with what was typed kept.

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use supportweb_app::Error;
use supportweb_app::administration::ProductRecord;
use supportweb_app::attachments::{FileRecord, FormFiles, RecordFile};
use supportweb_app::podpora::procedures::ProcedureInput;
use supportweb_domain::procedure::ProcedureVisibility;

use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::multipart::MultipartForm;
use crate::pages::form::FormErrors;
use crate::pages::form::problems_of;
use crate::pages::layout::Choice;
use crate::pages::layout::again;
use crate::pages::layout::{Layout, render};
use crate::state::AppState;

fn typed(form: &MultipartForm) -> ProcedureInput {
    ProcedureInput {
        title: form.get("title"),
        body: form.get("body"),
        visibility: form.get("visibility"),
        products: form.all("products"),
        organisations: form.all("organisations"),
        files: Vec::new(),
    }
}

struct Shown {
    editing: Option<(String, i64)>,
    form: ProcedureInput,
    files: FormFiles,
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
    kept: Vec<(RecordFile, bool)>,
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
    let (products, organisations) = state
        .app()
        .podpora()
        .procedures()
        .form_choices(&signed.actor)
        .await?;
    Ok(FormPage {
        action: match &shown.editing {
            Some((id, _)) => format!("/podpora/procedures/{id}"),
            None => "/podpora/procedures".to_owned(),
        },
        products,
        organisations: organisations
            .into_iter()
            .map(|(id, name)| Choice {
                value: id.to_string(),
                label: name,
                selected: false,
            })
            .collect(),
        visibilities: ProcedureVisibility::ALL
            .into_iter()
            .map(|v| Choice {
                value: v.as_str().to_owned(),
                label: t.t(format!("procedure-visibility-{}", v.as_str())),
                selected: false,
            })
            .collect(),
        editing: shown.editing,
        form: shown.form,
        kept: shown.files.kept,
        uploaded: shown.files.uploaded,
        errors: shown.errors,
        layout,
    })
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

pub(super) async fn new_form(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, AppError> {
    let shown = Shown {
        editing: None,
        form: ProcedureInput {
            visibility: ProcedureVisibility::Staff.as_str().to_owned(),
            ..ProcedureInput::default()
        },
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
    let (p, chosen) = state
        .app()
        .podpora()
        .procedures()
        .editable(&signed.actor, &id)
        .await?;
    let shown = Shown {
        editing: Some((p.id.to_string(), p.version)),
        form: ProcedureInput::of(&p, &chosen),
        files: FormFiles::unchanged(p.files),
        errors: FormErrors::default(),
    };
    render(&page(&state, &signed, shown).await?)
}

pub(super) async fn create(
    State(state): State<AppState>,
    signed: SignedIn,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    let procedures = state.app().podpora().procedures();
    procedures.require_writer(&signed.actor)?;
    let multipart = multipart.map_err(|_| AppError::BadRequest("bad_request"))?;
    let sent = MultipartForm::read(&state, &signed.actor, multipart).await?;
    let files = FormFiles::new_record(sent.files.clone());
    let input = ProcedureInput {
        files: files.ids(),
        ..typed(&sent)
    };
    match procedures.create(&signed.actor, &input).await {
        Ok(p) => Ok(Redirect::to(&format!("/podpora/procedures/{}", p.id)).into_response()),
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
    let procedures = state.app().podpora().procedures();
    let (p, _) = procedures.editable(&signed.actor, &id).await?;
    let multipart = multipart.map_err(|_| AppError::BadRequest("bad_request"))?;
    let sent = MultipartForm::read(&state, &signed.actor, multipart).await?;
    let version: i64 = sent
        .get("version")
        .parse()
        .map_err(|_| AppError::BadRequest("bad_request"))?;
    let files = FormFiles::edited(p.files, &sent.all("keep_file"), sent.files.clone());
    let input = ProcedureInput {
        files: files.ids(),
        ..typed(&sent)
    };
    match procedures.update(&signed.actor, &id, &input, version).await {
        Ok(p) => Ok(Redirect::to(&format!("/podpora/procedures/{}", p.id)).into_response()),
        Err(error) => {
            let shown = Shown {
                editing: Some((p.id.to_string(), version)),
                form: input,
                files,
                errors: FormErrors::default(),
            };
            refused(&state, &signed, shown, error).await
        }
    }
}
