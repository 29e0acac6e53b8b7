//! Full-text search over `search_items` (migration 22): SQLite through FTS5, PostgreSQL
//! through `search_terms()` and its GIN index. The actor's scope is part of every query —
//! a customer's search joins the records it may see and never reads a staff-only text — so
//! nothing is filtered afterwards.
//!
//! A search runs in two steps: the page of records (each with its best-matching text),
//! then the highlighted snippets of just those texts.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use supportweb_domain::access::Actor;
use supportweb_domain::agenda::Agenda;
use supportweb_domain::permissions::{Action, AdminArea, Area};
use uuid::Uuid;

use crate::{Pool, Store, StoreError, on_pool};

/// Marks the start of a highlighted word in a snippet (a private-use character, never in
/// stored text that matters; the web layer escapes everything else).
pub const MARK_START: char = '\u{E000}';
/// Marks the end of a highlighted word in a snippet.
pub const MARK_END: char = '\u{E001}';

/// The FTS5 query of `words`: every word must occur, the last one as a prefix (the user may
/// still be typing it). The words hold only letters and digits.
fn fts5_query(words: &[String]) -> String {
    let mut out = String::new();
    for (i, word) in words.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push('"');
        out.push_str(word);
        out.push('"');
        if i + 1 == words.len() {
            out.push('*');
        }
    }
    out
}

/// The PostgreSQL `tsquery` of `words`, with the same meaning as [`fts5_query`].
fn ts_query(words: &[String]) -> String {
    let mut parts: Vec<String> = words.to_vec();
    if let Some(last) = parts.last_mut() {
        last.push_str(":*");
    }
    parts.join(" & ")
}

/// Filters of a search besides its words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchFilter {
    /// Only this organisation's records.
    pub organisation: Option<Uuid>,
    /// Only records in this state (the agenda's state name).
    pub state: Option<String>,
    /// Only records created at or after.
    pub created_from: Option<DateTime<Utc>>,
    /// Only records created before.
    pub created_before: Option<DateTime<Utc>>,
}

/// What the index holds: the records of an agenda, or staff's administration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indexed {
    /// Support documents with their conversation.
    SupportDocuments,
    /// Customization orders with their quotes' scope and conversation.
    CustomizationOrders,
    /// Communication protocols: for customers the last issued revision's text, for staff the
    /// protocol as it stands (drafts included).
    Protocols,
    /// Patches: build and title, release notes.
    Patches,
    /// Procedures: title and body.
    Procedures,
    /// Organisations (staff only): name, IČO, DIČ, address, contacts.
    Organisations,
    /// Accounts (staff only): name, login, e-mail.
    Accounts,
}

/// How one indexed kind's records are read: SQL fragments on the record `r` (and, for the
/// scope, `s`). `$3` is the actor, `$4` the organisation filter.
struct Shape {
    /// The sources of `search_items` that belong to the records.
    sources: &'static str,
    /// The records' table.
    table: &'static str,
    /// The number a hit shows.
    number: &'static str,
    /// The title a hit shows. A protocol's is that of the text found — for customers the
    /// issued revision's, never the subject of a revision staff are still preparing.
    title: &'static str,
    /// The organisation a hit belongs to (SQL NULL: none).
    organisation: &'static str,
    /// Its state (empty: the kind has none).
    state: &'static str,
    /// The condition of the organisation filter `$4`.
    of_organisation: &'static str,
}

impl Indexed {
    fn shape(self) -> Shape {
        const AGENDA_ORGANISATION: &str = "r.organisation_id = $4";
        match self {
            Indexed::SupportDocuments => Shape {
                sources: "'support_document', 'support_comment'",
                table: "support_documents",
                number: "r.number",
                title: "r.subject",
                organisation: "r.organisation_id",
                state: "r.state",
                of_organisation: AGENDA_ORGANISATION,
            },
            Indexed::CustomizationOrders => Shape {
                sources: "'customization_order', 'order_comment'",
                table: "customization_orders",
                number: "r.number",
                title: "r.title",
                organisation: "r.organisation_id",
                state: "r.state",
                of_organisation: AGENDA_ORGANISATION,
            },
            Indexed::Protocols => Shape {
                sources: "'protocol', 'protocol_revision'",
                table: "protocols",
                number: "r.number",
                title: "SUBSTR(best.item_title, LENGTH(r.number) + 2)",
                organisation: "r.organisation_id",
                state: "r.state",
                of_organisation: AGENDA_ORGANISATION,
            },
            Indexed::Patches => Shape {
                sources: "'patch'",
                table: "patches",
                number: "r.build",
                title: "r.title",
                organisation: "NULL",
                state: "r.state",
                // Offered to that organisation: to all, or chosen for it.
                of_organisation:
                    "(r.visibility = 'all' OR EXISTS (SELECT 1 FROM patch_organisations po
                     WHERE po.patch_id = r.id AND po.organisation_id = $4))",
            },
            Indexed::Procedures => Shape {
                sources: "'procedure'",
                table: "procedures",
                number: "''",
                title: "r.title",
                organisation: "NULL",
                state: "''",
                of_organisation: "(r.visibility = 'all' OR (r.visibility = 'chosen' AND EXISTS (
                     SELECT 1 FROM procedure_organisations po
                     WHERE po.procedure_id = r.id AND po.organisation_id = $4)))",
            },
            Indexed::Organisations => Shape {
                sources: "'organisation'",
                table: "organisations",
                number: "COALESCE(r.ico, '')",
                title: "r.name",
                organisation: "r.id",
                state: "''",
                of_organisation: "r.id = $4",
            },
            Indexed::Accounts => Shape {
                sources: "'account'",
                table: "users",
                number: "r.login",
                title: "r.display_name",
                organisation: "NULL",
                state: "''",
                of_organisation: "EXISTS (SELECT 1 FROM organisation_memberships om
                     WHERE om.user_id = r.id AND om.organisation_id = $4)",
            },
        }
    }

    /// The source of the record's own text (number, subject, description).
    pub fn record_source(self) -> &'static str {
        match self {
            Indexed::SupportDocuments => "support_document",
            Indexed::CustomizationOrders => "customization_order",
            Indexed::Protocols => "protocol",
            Indexed::Patches => "patch",
            Indexed::Procedures => "procedure",
            Indexed::Organisations => "organisation",
            Indexed::Accounts => "account",
        }
    }

    /// The records a customer or partner user (`$3`) may open, as a query of their ids:
    /// those of the organisations where it holds the agenda's right (a draft protocol is
    /// staff's alone), the patches and procedures offered to it; administration none.
    fn customer_records(self) -> String {
        let of_member = |table: &str, right: &str, more: &str| {
            format!(
                "SELECT s.id FROM {table} s WHERE s.organisation_id IN
                 (SELECT ms.organisation_id FROM organisation_memberships ms
                  WHERE ms.user_id = $3 AND ms.{right} IN ('read', 'write')){more}"
            )
        };
        match self {
            Indexed::SupportDocuments => of_member("support_documents", "right_documents", ""),
            Indexed::CustomizationOrders => of_member("customization_orders", "right_orders", ""),
            Indexed::Protocols => {
                of_member("protocols", "right_protocols", " AND s.state <> 'draft'")
            }
            Indexed::Patches => format!(
                "SELECT p.id FROM patches p WHERE {}",
                crate::patches::CUSTOMER_SEES.replace("$1", "$3")
            ),
            Indexed::Procedures => format!(
                "SELECT p.id FROM procedures p WHERE {}",
                crate::procedures::customer_sees("$3")
            ),
            Indexed::Organisations | Indexed::Accounts => {
                format!("SELECT s.id FROM {} s WHERE 1 = 0", self.shape().table)
            }
        }
    }

    /// Whether only staff find these records at all.
    fn staff_only(self) -> bool {
        matches!(self, Indexed::Organisations | Indexed::Accounts)
    }

    /// The area whose read right a staff user needs.
    fn staff_area(self) -> Area {
        match self {
            Indexed::SupportDocuments => Area::Agenda(Agenda::SupportDocuments),
            Indexed::CustomizationOrders => Area::Agenda(Agenda::CustomizationOrders),
            Indexed::Protocols => Area::Agenda(Agenda::Protocols),
            Indexed::Patches | Indexed::Procedures => Area::Agenda(Agenda::Podpora),
            Indexed::Organisations => Area::Admin(AdminArea::Organisations),
            Indexed::Accounts => Area::Admin(AdminArea::Accounts),
        }
    }
}

/// One record found.
#[derive(Debug, Clone, PartialEq)]
pub struct SearchHit {
    /// The record.
    pub record_id: Uuid,
    /// Its number.
    pub number: String,
    /// Its subject or title.
    pub title: String,
    /// Its organisation (patches, procedures and accounts belong to none).
    pub organisation_id: Option<Uuid>,
    /// The organisation's name.
    pub organisation_name: Option<String>,
    /// Its state.
    pub state: String,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
    /// How well it matches (higher is better; comparable within one search).
    pub score: f64,
    /// Which text matched best: the record's own, or a reply or note of its conversation
    /// (a source ending in `_comment`).
    pub source: String,
    /// Words of the best-matching text around the match, highlighted between [`MARK_START`]
    /// and [`MARK_END`].
    pub snippet: String,
}

#[derive(sqlx::FromRow)]
struct HitRow {
    item_id: i64,
    record_id: Uuid,
    number: String,
    title: String,
    organisation_id: Option<Uuid>,
    organisation_name: Option<String>,
    state: String,
    updated_at: DateTime<Utc>,
    score: f64,
    source: String,
}

/// The query text of `words` for `backend`'s full-text index.
pub(crate) fn match_query(backend: crate::Backend, words: &[String]) -> String {
    match backend {
        crate::Backend::Sqlite => fts5_query(words),
        crate::Backend::Postgres => ts_query(words),
    }
}

/// The texts of `indexed`'s records that match the query in parameter `query` (from
/// [`match_query`]), with `item_id`, `record_id`, `source` and `score`; staff-only texts
/// only when parameter `staff` is true. The scope of the records is the caller's to add.
pub(crate) fn matches(
    backend: crate::Backend,
    indexed: Indexed,
    query: &str,
    staff: &str,
) -> String {
    matches_within(backend, indexed, query, staff, "", None)
}

/// How many of the newest matching texts of an agenda a search ranks: every match of a rare
/// word, the most recent ones of a common word (so a word in half the records costs the same
/// as a rare one).
pub const CANDIDATES: u32 = 2000;

/// [`matches`] narrowed by the SQL condition `scope` on `i` (empty: none), so the texts of
/// records out of scope never reach the ranking, and to the `newest` matching texts when
/// given. SQLite reads the full-text index first (`CROSS JOIN` fixes the order: starting from
/// the texts of an agenda and probing the index for each is a thousand times slower).
fn matches_within(
    backend: crate::Backend,
    indexed: Indexed,
    query: &str,
    staff: &str,
    scope: &str,
    newest: Option<u32>,
) -> String {
    let sources = indexed.shape().sources;
    match backend {
        crate::Backend::Sqlite => format!(
            "SELECT i.id AS item_id, i.record_id, i.source, i.title AS item_title, -bm25(search_fts, 10.0, 1.0) AS score
             FROM search_fts CROSS JOIN search_items i ON i.id = search_fts.rowid
             WHERE search_fts MATCH {query} AND i.source IN ({sources})
               AND (i.staff_only = 0 OR {staff}) {scope}{}",
            newest
                .map(|n| format!(" ORDER BY search_fts.rowid DESC LIMIT {n}"))
                .unwrap_or_default()
        ),
        crate::Backend::Postgres => format!(
            "SELECT i.id AS item_id, i.record_id, i.source, i.title AS item_title,
                    ts_rank(search_terms(i.title, i.body), to_tsquery('supportweb', {query}))::float8 AS score
             FROM search_items i
             WHERE search_terms(i.title, i.body) @@ to_tsquery('supportweb', {query})
               AND i.source IN ({sources})
               AND (NOT i.staff_only OR {staff}) {scope}{}",
            newest
                .map(|n| format!(" ORDER BY i.id DESC LIMIT {n}"))
                .unwrap_or_default()
        ),
    }
}

/// The page of records around the matches: `$3` the actor, `$4`–`$7` the filters, `$8`
/// limit, `$9` offset. The upper-case words are filled per kind from its [`Shape`].
const RECORD_PAGE: &str = "SELECT best.item_id, r.id AS record_id, {number} AS number, {title} AS title,
            o.id AS organisation_id, o.name AS organisation_name, {state} AS state, r.updated_at,
            best.score, best.source
     FROM (SELECT m.*, ROW_NUMBER() OVER (PARTITION BY m.record_id ORDER BY m.score DESC, m.item_id) AS place
           FROM ({matches}) m) best
     JOIN {records} r ON r.id = best.record_id
     LEFT JOIN organisations o ON o.id = {organisation}
     WHERE best.place = 1
       AND ($4 IS NULL OR {of_organisation})
       AND ($5 IS NULL OR {state} = $5)
       AND ($6 IS NULL OR r.created_at >= $6)
       AND ($7 IS NULL OR r.created_at < $7)
     ORDER BY best.score DESC, r.id
     LIMIT $8 OFFSET $9";

impl Store {
    /// Records of `indexed` the actor may see whose number, subject, text or conversation
    /// (internal notes for staff only) holds every word of `words` (the last as a prefix),
    /// best first: `limit` of them after `offset`.
    pub async fn search(
        &self,
        actor: &Actor,
        indexed: Indexed,
        words: &[String],
        filter: &SearchFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<SearchHit>, StoreError> {
        let may = if actor.is_staff() {
            actor.staff_may(indexed.staff_area(), Action::Read)
        } else {
            !indexed.staff_only()
        };
        if words.is_empty() || !may {
            return Ok(Vec::new());
        }
        let backend = self.backend();
        let shape = indexed.shape();
        // The customer's scope is inside the matching: other organisations' texts are never
        // ranked (and a common word costs only the customer's own records).
        let scope = format!(
            "AND ($2 OR i.record_id IN ({}))",
            indexed.customer_records()
        );
        let sql = RECORD_PAGE
            .replace("{records}", shape.table)
            .replace("{number}", shape.number)
            .replace("{title}", shape.title)
            .replace("{of_organisation}", shape.of_organisation)
            .replace("{organisation}", shape.organisation)
            .replace("{state}", shape.state)
            .replace(
                "{matches}",
                &matches_within(backend, indexed, "$1", "$2", &scope, Some(CANDIDATES)),
            );
        let query = match_query(backend, words);
        let rows: Vec<HitRow> = on_pool!(self, pool => {
            sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .bind(&query)
                .bind(actor.is_staff())
                .bind(actor.user_id.0)
                .bind(filter.organisation)
                .bind(filter.state.as_deref())
                .bind(filter.created_from)
                .bind(filter.created_before)
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?
        });
        let ids: Vec<i64> = rows.iter().map(|r| r.item_id).collect();
        let mut snippets = self.snippets(words, &ids).await?;
        Ok(rows
            .into_iter()
            .map(|r| SearchHit {
                snippet: snippets.remove(&r.item_id).unwrap_or_default(),
                record_id: r.record_id,
                number: r.number,
                title: r.title,
                organisation_id: r.organisation_id,
                organisation_name: r.organisation_name,
                state: r.state,
                updated_at: r.updated_at,
                score: r.score,
                source: r.source,
            })
            .collect())
    }

    /// The highlighted snippets of the texts `items` for `words`.
    async fn snippets(
        &self,
        words: &[String],
        items: &[i64],
    ) -> Result<HashMap<i64, String>, StoreError> {
        if items.is_empty() {
            return Ok(HashMap::new());
        }
        let list = items
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(", ");
        let rows: Vec<(i64, String)> = match &self.pool {
            Pool::Sqlite(pool) => {
                let sql = format!(
                    "SELECT rowid, snippet(search_fts, -1, char(57344), char(57345), '…', 24)
                     FROM search_fts WHERE search_fts MATCH $1 AND rowid IN ({list})"
                );
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(fts5_query(words))
                    .fetch_all(pool)
                    .await?
            }
            Pool::Postgres(pool) => {
                let sql = format!(
                    "SELECT id, ts_headline('supportweb', CASE WHEN title = '' THEN body ELSE title || ' · ' || body END,
                        to_tsquery('supportweb', $1),
                        'StartSel=' || chr(57344) || ', StopSel=' || chr(57345) || ', MaxWords=24, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"')
                     FROM search_items WHERE id IN ({list})"
                );
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .bind(ts_query(words))
                    .fetch_all(pool)
                    .await?
            }
        };
        Ok(rows.into_iter().collect())
    }
}

#[cfg(test)]
mod tests {
    use super::{fts5_query, ts_query};

    #[test]
    fn every_word_counts_and_the_last_is_a_prefix() {
        let words = vec!["datova".to_owned(), "schr".to_owned()];
        assert_eq!(fts5_query(&words), "\"datova\" \"schr\"*");
        assert_eq!(ts_query(&words), "datova & schr:*");
    }
}
