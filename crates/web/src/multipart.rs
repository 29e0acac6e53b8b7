//! Multipart forms of the pages: text fields and uploaded files in one request, so that
//! forms with attachments work without JavaScript. Every form with files reads its body
//! here; the files go through the application's attachments kit (uploads and the files kept
//! after a form was shown again with errors).

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use axum::http::StatusCode;
use supportweb_app::attachments::FileRecord;
use supportweb_domain::Actor;

use crate::error::AppError;
use crate::state::AppState;

/// A broken multipart body: over the size limit (413), or cut off.
pub(crate) fn multipart_error(error: MultipartError) -> AppError {
    if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge
    } else {
        AppError::BadRequest("upload_interrupted")
    }
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

    /// Every value of a repeated text field (checkbox groups, multiple selects), in order.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
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
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let uploaded = state
                    .app()
                    .attachments()
                    .upload(actor, &file_name, field)
                    .await?;
                form.files.push(uploaded);
            } else if name == "file_id" {
                let text = read_capped(field, 100).await?;
                form.files
                    .push(state.app().attachments().kept(actor, &text).await?);
            } else {
                let text = read_capped(field, TEXT_FIELD_BYTES).await?;
                form.fields.push((name, text));
            }
        }
        Ok(form)
    }
}

/// The largest text field of a form (the body limit is off for forms with uploads).
const TEXT_FIELD_BYTES: usize = 200_000;

/// Reads a field as text, refusing it (413) as soon as it grows past `cap` bytes, so a huge
/// field is never held in memory.
pub(crate) async fn read_capped(
    mut field: axum::extract::multipart::Field<'_>,
    cap: usize,
) -> Result<String, AppError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        if bytes.len() + chunk.len() > cap {
            return Err(AppError::PayloadTooLarge);
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| AppError::BadRequest("bad_request"))
}
