//! The support-documents agenda in pages: the overview with its CSV export, opening a
//! document (no JavaScript needed, attachments included), the detail page with the
//! conversation and every action the user may take, and staff's canned replies.

pub(crate) mod canned;
pub(crate) mod create;
mod detail;
pub(crate) mod overview;
pub(crate) mod view;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::Multipart;
use axum::routing::{get, post};
use supportweb_domain::Actor;
use supportweb_domain::ids::DocumentId;
use supportweb_storage::files::FileRecord;

use crate::api::files::{multipart_error, save_upload};
use crate::error::AppError;
use crate::state::AppState;

/// Routes of the agenda.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/support-documents", get(overview::list))
        .route("/support-documents/export.csv", get(overview::export))
        .route(
            "/support-documents/new",
            get(create::form)
                .post(create::submit)
                .layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/support-documents/canned-replies",
            get(canned::list).post(canned::create),
        )
        .route(
            "/support-documents/canned-replies/{id}",
            post(canned::update),
        )
        .route("/support-documents/{id}", get(detail::show))
        .route(
            "/support-documents/{id}/transition",
            post(detail::transition),
        )
        .route(
            "/support-documents/{id}/comments",
            post(detail::comment).layer(DefaultBodyLimit::disable()),
        )
        .route("/support-documents/{id}/assignee", post(detail::assign))
        .route("/support-documents/{id}/watchers", post(detail::watchers))
        .route("/support-documents/{id}/time", post(detail::log_time))
}

fn document_id(text: &str) -> Result<DocumentId, AppError> {
    text.parse().map_err(|_| AppError::NotFound)
}

/// A multipart form: its text fields in order and the files it carried, already stored as
/// the actor's uploads (`files`), plus earlier uploads it names again (`file_id`) after a
/// form was shown back with errors.
pub(crate) struct MultipartForm {
    /// Text fields.
    pub fields: Vec<(String, String)>,
    /// Uploaded files.
    pub files: Vec<FileRecord>,
}

impl MultipartForm {
    /// The first value of a text field (empty when missing).
    pub fn get(&self, name: &str) -> String {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// Reads the whole form; file fields named `files` are streamed to the object store.
    pub async fn read(
        state: &AppState,
        actor: &Actor,
        mut multipart: Multipart,
    ) -> Result<Self, AppError> {
        let mut form = MultipartForm {
            fields: Vec::new(),
            files: Vec::new(),
        };
        while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
            let name = field.name().unwrap_or_default().to_owned();
            if name == "files" {
                if field.file_name().is_none_or(str::is_empty) {
                    // An empty file input still sends a part without a name.
                    let _ = field.bytes().await.map_err(multipart_error)?;
                    continue;
                }
                form.files.push(save_upload(state, actor, field).await?);
            } else if name == "file_id" {
                let text = field.text().await.map_err(multipart_error)?;
                let id = text
                    .parse()
                    .map_err(|_| AppError::BadRequest("bad_request"))?;
                form.files.push(state.store().file_for(actor, id).await?);
            } else {
                let text = field.text().await.map_err(multipart_error)?;
                if text.len() > 100_000 {
                    return Err(AppError::PayloadTooLarge);
                }
                form.fields.push((name, text));
            }
        }
        Ok(form)
    }
}
