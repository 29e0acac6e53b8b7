//! The kit every overview uses: typed filters read once from the query string (the page and
//! the API read the same type), one keyset-paged page of rows with the cursor of the next,
//! group headings, and the CSV export streamed page by page from the store.
//!
//! An agenda declares its overview by implementing [`Overview`]: how its query string becomes
//! a typed store query, how one page is fetched through the actor's scope, and what the
//! cursor of a row is; its CSV export lists [`Column`]s. The loop — paging, the export's
//! pages of 500, the row cap, formula cells neutralised — is written once, here.

use std::future::Future;
use std::sync::Arc;

use bytes::Bytes;
use futures_util::Stream;
use supportweb_domain::Actor;
use supportweb_domain::calendar::{end_of_day, start_of_day};
use supportweb_i18n::Tr;

use crate::App;
use crate::error::{FieldErrors, Result};

/// Reads an overview's query-string filters: an empty value means "any"; anything that does
/// not parse is recorded as a problem of its field (the page shows it next to the filter,
/// the API answers 422) and left out of the query.
pub struct FilterReader<'a> {
    errors: &'a mut FieldErrors,
    code: &'static str,
}

impl<'a> FilterReader<'a> {
    /// Records problems in `errors` with message `code`.
    pub fn new(errors: &'a mut FieldErrors, code: &'static str) -> Self {
        FilterReader { errors, code }
    }

    /// A value read by `parse`.
    pub fn value<T>(
        &mut self,
        text: &str,
        field: &'static str,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Option<T> {
        if text.is_empty() {
            return None;
        }
        let value = parse(text);
        if value.is_none() {
            self.errors.add(field, self.code);
        }
        value
    }

    /// A value of a type that parses from text (ids, numbers).
    pub fn parsed<T: std::str::FromStr>(&mut self, text: &str, field: &'static str) -> Option<T> {
        self.value(text, field, |t| t.parse().ok())
    }

    /// An id.
    pub fn uuid(&mut self, text: &str, field: &'static str) -> Option<uuid::Uuid> {
        self.parsed(text, field)
    }

    /// A day as `YYYY-MM-DD`.
    pub fn day(&mut self, text: &str, field: &'static str) -> Option<chrono::NaiveDate> {
        self.parsed(text, field)
    }

    /// The first instant (Prague time) of a day typed as `YYYY-MM-DD`: a "from" filter.
    pub fn day_start(
        &mut self,
        text: &str,
        field: &'static str,
    ) -> Option<chrono::DateTime<chrono::Utc>> {
        self.day(text, field).map(start_of_day)
    }

    /// The first instant after a day typed as `YYYY-MM-DD`: a "to" filter, the day included.
    pub fn day_end(
        &mut self,
        text: &str,
        field: &'static str,
    ) -> Option<chrono::DateTime<chrono::Utc>> {
        self.day(text, field).map(end_of_day)
    }
}

/// The query string of `pairs` as a form sends it (for links to other pages and the export).
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

/// One agenda's overview.
pub trait Overview: Send + Sync + 'static {
    /// The store query: typed filters, order, grouping, cursor and page size.
    type Query: Clone + Send + Sync + 'static;
    /// One row as the store returns it.
    type Row: Send + 'static;

    /// Rows on one page of the overview.
    const PAGE: i64 = 50;
    /// The most rows an export holds.
    const EXPORT_LIMIT: usize = 100_000;

    /// Sets the cursor (`None`: from the start) and the page size of `query`.
    fn position(query: &mut Self::Query, after: Option<&Self::Row>, limit: i64);

    /// The page size `query` asks for.
    fn limit(query: &Self::Query) -> i64;

    /// The cursor of the page after `row`, as the `after` parameter carries it.
    fn cursor(row: &Self::Row) -> String;

    /// One page of rows through `actor`'s scope.
    fn fetch(
        app: &App,
        actor: &Actor,
        query: &Self::Query,
    ) -> impl Future<Output = Result<Vec<Self::Row>>> + Send;
}

/// One page of an overview and where the next one starts.
#[derive(Debug)]
pub struct Page<R> {
    /// The rows, in the requested order.
    pub rows: Vec<R>,
    /// The `after` of the next page; `None` on the last.
    pub next: Option<String>,
}

/// One page of `O` for `query`, whose cursor and size are as the caller set them.
pub async fn page<O: Overview>(app: &App, actor: &Actor, query: &O::Query) -> Result<Page<O::Row>> {
    let rows = O::fetch(app, actor, query).await?;
    let next = (rows.len() as i64 == O::limit(query))
        .then(|| rows.last().map(O::cursor))
        .flatten();
    Ok(Page { rows, next })
}

/// For each row, the heading of the group it starts (`None` when it continues the group of
/// the row before it). The store has put the rows of a group together.
pub fn group_headings<R>(rows: &[R], group: impl Fn(&R) -> Option<String>) -> Vec<Option<String>> {
    let mut last: Option<String> = None;
    rows.iter()
        .map(|row| {
            let current = group(row);
            if current.is_some() && current != last {
                last.clone_from(&current);
                current
            } else {
                None
            }
        })
        .collect()
}

/// A column of a CSV export: the Fluent id of its header and how a row's cell reads in the
/// user's language.
pub struct Column<R> {
    /// Message id of the header.
    pub header: &'static str,
    /// The cell of a row.
    pub cell: fn(&R, &CellContext) -> String,
}

/// What a cell may need besides its row: the user's language, the moment of the export and
/// the business calendar (SLA texts).
#[derive(Debug, Clone)]
pub struct CellContext {
    /// Translator.
    pub t: Tr,
    /// When the export started.
    pub now: chrono::DateTime<chrono::Utc>,
    /// Business hours of SLA deadlines.
    pub hours: supportweb_domain::calendar::BusinessHours,
}

/// The start of every export: the byte-order mark that makes spreadsheets read UTF-8.
pub const BOM: &str = "\u{feff}";

/// Rows fetched at once while exporting.
const EXPORT_PAGE: i64 = 500;

/// Appends one CSV record: `;`-separated as Czech spreadsheets expect, every cell quoted
/// (RFC 4180) and every cell that would start a formula neutralised.
pub fn push_record(out: &mut String, cells: impl Iterator<Item = String>) {
    let mut first = true;
    for cell in cells {
        if !first {
            out.push(';');
        }
        first = false;
        let cell = neutralise_cell(&cell);
        out.push('"');
        out.push_str(&cell.replace('"', "\"\""));
        out.push('"');
    }
    out.push_str("\r\n");
}

/// A cell that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, tab or carriage
/// return first) gets a leading apostrophe.
pub fn neutralise_cell(cell: &str) -> String {
    supportweb_domain::support_document::neutralise_csv_cell(cell)
}

/// The CSV export of everything `query` matches, up to [`Overview::EXPORT_LIMIT`] rows:
/// the header, then one chunk per page of 500 rows read from the store as the client takes
/// them, so memory stays flat however long the export. A failure after the first chunk ends
/// the body early (the download is visibly cut short) and is logged.
pub fn export<O: Overview>(
    app: &App,
    actor: &Actor,
    mut query: O::Query,
    columns: Vec<Column<O::Row>>,
    t: Tr,
) -> impl Stream<Item = std::result::Result<Bytes, std::io::Error>> + Send + use<O> {
    let context = CellContext {
        t,
        now: chrono::Utc::now(),
        hours: app.settings().support.hours,
    };
    O::position(&mut query, None, EXPORT_PAGE);
    let mut header = String::from(BOM);
    push_record(&mut header, columns.iter().map(|c| context.t.t(c.header)));
    let state = ExportState::<O> {
        app: app.clone(),
        actor: Arc::new(actor.clone()),
        query,
        columns,
        context,
        header: Some(header),
        written: 0,
        done: false,
    };
    futures_util::stream::unfold(state, |mut state| async move {
        if let Some(header) = state.header.take() {
            return Some((Ok(Bytes::from(header)), state));
        }
        if state.done {
            return None;
        }
        let rows = match O::fetch(&state.app, &state.actor, &state.query).await {
            Ok(rows) => rows,
            Err(error) => {
                tracing::error!(%error, "CSV export failed");
                state.done = true;
                return Some((Err(std::io::Error::other(error.to_string())), state));
            }
        };
        let room = O::EXPORT_LIMIT - state.written;
        let full = rows.len() as i64 == EXPORT_PAGE;
        let mut chunk = String::new();
        for row in rows.iter().take(room) {
            push_record(
                &mut chunk,
                state.columns.iter().map(|c| (c.cell)(row, &state.context)),
            );
        }
        state.written += rows.len().min(room);
        state.done = !full || state.written >= O::EXPORT_LIMIT;
        O::position(&mut state.query, rows.last(), EXPORT_PAGE);
        if chunk.is_empty() {
            None
        } else {
            Some((Ok(Bytes::from(chunk)), state))
        }
    })
}

struct ExportState<O: Overview> {
    app: App,
    actor: Arc<Actor>,
    query: O::Query,
    columns: Vec<Column<O::Row>>,
    context: CellContext,
    header: Option<String>,
    written: usize,
    done: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn a_heading_starts_each_group_once() {
        let rows = ["A", "A", "B", "B", "A"];
        let headings = group_headings(&rows, |r| Some((*r).to_owned()));
        assert_eq!(
            headings,
            vec![
                Some("A".to_owned()),
                None,
                Some("B".to_owned()),
                None,
                Some("A".to_owned())
            ]
        );
        assert_eq!(group_headings(&rows, |_| None), vec![None; 5]);
    }
}
