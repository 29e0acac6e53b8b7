//! Multipart forms of the pages: text fields and uploaded files in one request, so that
//! forms with attachments work without JavaScript.

use axum::extract::Multipart;
use supportweb_domain::Actor;
use supportweb_storage::files::FileRecord;

use crate::api::files::{multipart_error, save_upload};
use crate::error::AppError;
use crate::state::AppState;

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
                form.files.push(save_upload(state, actor, field).await?);
            } else if name == "file_id" {
                let text = read_capped(field, 100).await?;
                let id = text
                    .parse()
                    .map_err(|_| AppError::BadRequest("bad_request"))?;
                form.files.push(state.store().file_for(actor, id).await?);
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
