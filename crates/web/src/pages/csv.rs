//! The HTTP answers carrying CSV exports as downloads. The exports themselves — semicolons as
//! Czech spreadsheets expect, UTF-8 with a byte-order mark, every cell quoted, formula cells
//! neutralised — are written by the application's overview kit.

/// The HTTP answer streaming an export as the download `file_name`.
pub(crate) fn csv_stream<S>(file_name: &str, body: S) -> axum::response::Response
where
    S: futures_util::Stream<Item = std::io::Result<bytes::Bytes>> + Send + 'static,
{
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        axum::body::Body::from_stream(body),
    )
        .into_response()
}

/// The HTTP answer carrying an export as the download `file_name`.
pub(crate) fn csv_response(file_name: &str, body: String) -> axum::response::Response {
    use axum::http::header;
    use axum::response::IntoResponse;
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        body,
    )
        .into_response()
}
