//! The podpora agenda in pages, in three tabs: patches (the overview with "applicable to
//! you" and search, the detail page with release notes, files, SHA-256, the logged download
//! or the plain reason why it is closed, and for staff the form, the steps and the download
//! log), validation codes (audited reveals, CSV import) and procedures (revisions, product
//! tags, visibility).

mod code_import;
mod codes;
mod patch_detail;
mod patch_form;
mod patches;
mod procedure_form;
mod procedures;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::response::Redirect;
use axum::routing::{get, post};
use supportweb_app::podpora::{may_see_codes, require_reader};
use supportweb_domain::Actor;

use crate::context::SignedIn;
use crate::error::AppError;
use crate::state::AppState;

/// Routes of the agenda.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/podpora", get(start))
        .route(
            "/podpora/patches",
            get(patches::list)
                .post(patch_form::create)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/podpora/patches/export.csv", get(patches::export))
        .route("/podpora/patches/new", get(patch_form::new_form))
        .route(
            "/podpora/patches/{id}",
            get(patch_detail::show)
                .post(patch_form::update)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/podpora/patches/{id}/edit", get(patch_form::edit_form))
        .route("/podpora/patches/{id}/steps", post(patch_detail::step))
        .route(
            "/podpora/patches/{id}/files/{file}",
            get(patch_detail::download),
        )
        .route("/podpora/codes", get(codes::list).post(codes::create))
        .route("/podpora/codes/export.csv", get(codes::export))
        .route("/podpora/codes/new", get(codes::new_form))
        .route(
            "/podpora/codes/import",
            get(code_import::form).post(code_import::submit),
        )
        .route("/podpora/codes/{id}", get(codes::show).post(codes::update))
        .route("/podpora/codes/{id}/reveal", post(codes::reveal))
        .route(
            "/podpora/procedures",
            get(procedures::list)
                .post(procedure_form::create)
                .layer(DefaultBodyLimit::disable()),
        )
        .route("/podpora/procedures/export.csv", get(procedures::export))
        .route("/podpora/procedures/new", get(procedure_form::new_form))
        .route(
            "/podpora/procedures/{id}",
            get(procedures::show)
                .post(procedure_form::update)
                .layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/podpora/procedures/{id}/edit",
            get(procedure_form::edit_form),
        )
        .route(
            "/podpora/procedures/{id}/revisions/{revision}",
            get(procedures::revision),
        )
        .route(
            "/podpora/procedures/{id}/files/{file}",
            get(procedures::download),
        )
}

/// The agenda's entry in the navigation: its first overview.
async fn start(signed: SignedIn) -> Result<Redirect, AppError> {
    require_reader(&signed.actor)?;
    Ok(Redirect::to("/podpora/patches"))
}

/// The products to filter the overviews by (retired ones too).
pub(crate) async fn product_choices(
    state: &AppState,
) -> Result<Vec<crate::pages::layout::Choice>, AppError> {
    Ok(state
        .app()
        .podpora()
        .product_filter()
        .await?
        .into_iter()
        .map(crate::pages::layout::Choice::from)
        .collect())
}

/// The tabs of the agenda's pages: patches, validation codes (for those who may see any) and
/// procedures.
#[derive(Debug, Clone)]
pub(crate) struct Tabs {
    /// The current tab.
    pub current: &'static str,
    /// Show the validation codes tab.
    pub codes: bool,
}

impl Tabs {
    pub(crate) fn new(actor: &Actor, current: &'static str) -> Self {
        Tabs {
            current,
            codes: may_see_codes(actor),
        }
    }
}
