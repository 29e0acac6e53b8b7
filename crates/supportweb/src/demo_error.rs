//! The one error of filling sample data, shared by every agenda's filler.

use supportweb_storage::StoreError;

/// Filling the sample data failed.
#[derive(Debug, thiserror::Error)]
#[error("sample data: {0}")]
pub struct DemoError(pub(crate) String);

impl From<StoreError> for DemoError {
    fn from(error: StoreError) -> Self {
        DemoError(error.to_string())
    }
}
