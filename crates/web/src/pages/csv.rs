//! CSV exports of the overviews: semicolon-separated as Czech spreadsheets expect, UTF-8 with
//! a byte-order mark, every cell quoted and every cell that would start a formula neutralised.

use supportweb_domain::support_document::neutralise_csv_cell;

/// The start of every export: the byte-order mark that makes spreadsheets read UTF-8.
pub(crate) const BOM: &str = "\u{feff}";

/// Appends one CSV record (RFC 4180 quoting, `;` separated as Czech spreadsheets expect).
pub(crate) fn push_record(out: &mut String, cells: impl Iterator<Item = String>) {
    let mut first = true;
    for cell in cells {
        if !first {
            out.push(';');
        }
        first = false;
        let cell = neutralise_csv_cell(&cell);
        out.push('"');
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    }
    out.push_str("\r\n");
}

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

#[cfg(test)]
mod tests {
    use super::push_record;

    #[test]
    fn csv_quotes_and_neutralises() {
        let mut out = String::new();
        push_record(
            &mut out,
            [
                "=1+1".to_owned(),
                "řekl \"ano\"".to_owned(),
                "a;b".to_owned(),
            ]
            .into_iter(),
        );
        assert_eq!(out, "\"'=1+1\";\"řekl \"\"ano\"\"\";\"a;b\"\r\n");
    }
}
