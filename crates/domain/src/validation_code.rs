//! Validation (licence) codes issued to one organisation: their validity as users see it, and
//! the CSV that staff import them from. Parsing checks the shape of every row; whether the
//! organisation and product exist is for the caller to check with the store.

use chrono::NaiveDate;
use serde::Serialize;

/// How many days ahead a code's end is flagged.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// A code's validity on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CodeStatus {
    /// Not valid yet.
    NotYetValid,
    /// Valid.
    Valid,
    /// Valid, ending within [`EXPIRY_WARNING_DAYS`] (days left, 0 = last day today).
    ExpiresSoon(i64),
    /// Its last day has passed.
    Expired,
}

impl CodeStatus {
    /// The status on `today` of a code valid from `from` to `to` (inclusive; none: no end).
    pub fn on(from: NaiveDate, to: Option<NaiveDate>, today: NaiveDate) -> Self {
        if today < from {
            return CodeStatus::NotYetValid;
        }
        match to {
            Some(to) if today > to => CodeStatus::Expired,
            Some(to) if (to - today).num_days() <= EXPIRY_WARNING_DAYS => {
                CodeStatus::ExpiresSoon((to - today).num_days())
            }
            _ => CodeStatus::Valid,
        }
    }

    /// API name.
    pub fn as_str(self) -> &'static str {
        match self {
            CodeStatus::NotYetValid => "not_yet_valid",
            CodeStatus::Valid => "valid",
            CodeStatus::ExpiresSoon(_) => "expires_soon",
            CodeStatus::Expired => "expired",
        }
    }
}

/// One row of an import, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRow {
    /// Line number in the file (the header is line 1).
    pub line: usize,
    /// The organisation's IČO.
    pub ico: String,
    /// The product's catalogue code.
    pub product: String,
    /// Module (may be empty).
    pub module: String,
    /// The code itself.
    pub code: String,
    /// First valid day.
    pub valid_from: NaiveDate,
    /// Last valid day (none: no end).
    pub valid_to: Option<NaiveDate>,
    /// Note.
    pub note: String,
}

/// What is wrong with one row (or the file: line 0 / 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// Line number in the file.
    pub line: usize,
    /// The column (`ico`, `product`, `module`, `code`, `valid_from`, `valid_to`, `note`, or
    /// `file` for the file as a whole).
    pub column: &'static str,
    /// Message id explaining it.
    pub code: &'static str,
}

/// The columns of the import, in order; the first line must name them.
pub const COLUMNS: [&str; 7] = [
    "ico",
    "product",
    "module",
    "code",
    "valid_from",
    "valid_to",
    "note",
];

/// Splits one CSV line at `separator`, honouring double quotes (`""` inside quotes).
fn split(line: &str, separator: char) -> Vec<String> {
    let mut cells = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == separator && !quoted => cells.push(std::mem::take(&mut cell)),
            c => cell.push(c),
        }
    }
    cells.push(cell);
    cells.into_iter().map(|c| c.trim().to_owned()).collect()
}

/// A day written `2026-03-01` or `1. 3. 2026` / `1.3.2026`.
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .or_else(|| NaiveDate::parse_from_str(&text.replace(' ', ""), "%d.%m.%Y").ok())
}

/// Parses an import file: a header naming [`COLUMNS`] (separated by `;` or `,`), then one
/// code a line. Returns every row, or every problem found — a file with any problem imports
/// nothing.
pub fn parse_csv(text: &str) -> Result<Vec<CodeRow>, Vec<RowError>> {
    let (rows, errors) = parse_rows(text);
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

/// [`parse_csv`] that also returns the rows it could read when others (or other cells of
/// them) have problems, so that the import can check those rows against the organisations
/// and the catalogue in the same pass and report every problem at once. A row whose dates
/// could not be read comes back too, its dates as the Unix epoch, and always with the error
/// about them: it is checked, never imported.
pub fn parse_rows(text: &str) -> (Vec<CodeRow>, Vec<RowError>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let Some((header_index, header)) = lines.next() else {
        let empty = RowError {
            line: 0,
            column: "file",
            code: "code-import-empty",
        };
        return (Vec::new(), vec![empty]);
    };
    let separator = if header.contains(';') { ';' } else { ',' };
    let names: Vec<String> = split(header, separator)
        .into_iter()
        .map(|n| n.to_ascii_lowercase())
        .collect();
    if names != COLUMNS {
        let header = RowError {
            line: header_index + 1,
            column: "file",
            code: "code-import-header",
        };
        return (Vec::new(), vec![header]);
    }
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (index, line) in lines {
        let number = index + 1;
        let cells = split(line, separator);
        if cells.len() != COLUMNS.len() {
            errors.push(RowError {
                line: number,
                column: "file",
                code: "code-import-columns",
            });
            continue;
        }
        let mut problem = |column: &'static str, code: &'static str| {
            errors.push(RowError {
                line: number,
                column,
                code,
            });
        };
        let ico = cells[0].replace(' ', "");
        if ico.len() != 8 || !ico.bytes().all(|b| b.is_ascii_digit()) {
            problem("ico", "code-import-ico");
        }
        if cells[1].is_empty() {
            problem("product", "code-import-product");
        }
        if cells[3].is_empty() || cells[3].chars().count() > 500 {
            problem("code", "code-error-code");
        }
        let valid_from = parse_day(&cells[4]);
        if valid_from.is_none() {
            problem("valid_from", "code-error-valid-from");
        }
        let valid_to = if cells[5].is_empty() {
            Some(None)
        } else {
            parse_day(&cells[5]).map(Some)
        };
        match (valid_from, valid_to) {
            (_, None) => problem("valid_to", "code-error-valid-to"),
            (Some(from), Some(Some(to))) if to < from => problem("valid_to", "code-error-valid-to"),
            _ => {}
        }
        if cells[6].chars().count() > 1000 {
            problem("note", "code-error-note");
        }
        rows.push(CodeRow {
            line: number,
            ico,
            product: cells[1].clone(),
            module: cells[2].clone(),
            code: cells[3].clone(),
            valid_from: valid_from.unwrap_or_default(),
            valid_to: valid_to.unwrap_or_default(),
            note: cells[6].clone(),
        });
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push(RowError {
            line: 0,
            column: "file",
            code: "code-import-empty",
        });
    }
    (rows, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn the_status_flags_codes_ending_within_thirty_days() {
        let from = d(2026, 1, 1);
        let to = Some(d(2026, 12, 31));
        assert_eq!(
            CodeStatus::on(from, to, d(2025, 12, 31)),
            CodeStatus::NotYetValid
        );
        assert_eq!(
            CodeStatus::on(from, to, d(2026, 11, 30)),
            CodeStatus::Valid,
            "31 days"
        );
        assert_eq!(
            CodeStatus::on(from, to, d(2026, 12, 1)),
            CodeStatus::ExpiresSoon(30)
        );
        assert_eq!(
            CodeStatus::on(from, to, d(2026, 12, 31)),
            CodeStatus::ExpiresSoon(0),
            "the last day"
        );
        assert_eq!(CodeStatus::on(from, to, d(2027, 1, 1)), CodeStatus::Expired);
        assert_eq!(CodeStatus::on(from, None, d(2090, 1, 1)), CodeStatus::Valid);
    }

    #[test]
    fn a_good_file_gives_every_row() {
        let csv = "\u{feff}ico;product;module;code;valid_from;valid_to;note\n\
                   00234567;SPIS;Podatelna;ABCD-1234-EFGH;2026-01-01;31. 12. 2026;\"licence; 5 míst\"\n\
                   \n\
                   44992785;EKO;;\"KÓD \"\"X\"\"\";1.1.2026;;\n";
        let rows = parse_csv(csv).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[0].note, "licence; 5 míst");
        assert_eq!(rows[0].valid_to, Some(d(2026, 12, 31)));
        assert_eq!(rows[1].line, 4, "blank lines keep the numbering");
        assert_eq!(rows[1].code, "KÓD \"X\"");
        assert_eq!(rows[1].valid_to, None);
        let commas =
            "ico,product,module,code,valid_from,valid_to,note\n00234567,SPIS,,K1,2026-01-01,,\n";
        assert_eq!(parse_csv(commas).unwrap()[0].code, "K1");
    }

    #[test]
    fn every_bad_row_is_reported_with_its_line_and_column() {
        let csv = "ico;product;module;code;valid_from;valid_to;note\n\
                   00234567;SPIS;;K1;2026-01-01;;\n\
                   1234;SPIS;;K2;2026-01-01;;\n\
                   00234567;;;;včera;2025-01-01;\n\
                   00234567;SPIS;K3\n";
        let errors = parse_csv(csv).unwrap_err();
        let found: Vec<(usize, &str)> = errors.iter().map(|e| (e.line, e.column)).collect();
        assert_eq!(
            found,
            [
                (3, "ico"),
                (4, "product"),
                (4, "code"),
                (4, "valid_from"),
                (5, "file")
            ]
        );
        assert_eq!(
            parse_csv("kod;platnost\nX;Y\n").unwrap_err()[0].code,
            "code-import-header"
        );
        assert_eq!(parse_csv("").unwrap_err()[0].code, "code-import-empty");
        let backwards = "ico;product;module;code;valid_from;valid_to;note\n00234567;SPIS;;K;2026-02-01;2026-01-01;\n";
        assert_eq!(parse_csv(backwards).unwrap_err()[0].column, "valid_to");
    }
}
