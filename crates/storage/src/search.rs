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

/// An agenda whose records the index holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Indexed {
    /// Support documents with their conversation.
    SupportDocuments,
    /// Customization orders with their quotes' scope and conversation.
    CustomizationOrders,
    /// Communication protocols: for customers the last issued revision's text, for staff the
    /// protocol as it stands (drafts included).
    Protocols,
}

impl Indexed {
    /// The sources of `search_items` that belong to the agenda's records.
    fn sources(self) -> &'static str {
        match self {
            Indexed::SupportDocuments => "'support_document', 'support_comment'",
            Indexed::CustomizationOrders => "'customization_order', 'order_comment'",
            Indexed::Protocols => "'protocol', 'protocol_revision'",
        }
    }

    /// The source of the record's own text (number, subject, description).
    pub fn record_source(self) -> &'static str {
        match self {
            Indexed::SupportDocuments => "support_document",
            Indexed::CustomizationOrders => "customization_order",
            Indexed::Protocols => "protocol",
        }
    }

    /// The records' table.
    fn table(self) -> &'static str {
        match self {
            Indexed::SupportDocuments => "support_documents",
            Indexed::CustomizationOrders => "customization_orders",
            Indexed::Protocols => "protocols",
        }
    }

    /// The membership column that gives a customer or partner user the agenda.
    fn right(self) -> &'static str {
        match self {
            Indexed::SupportDocuments => "right_documents",
            Indexed::CustomizationOrders => "right_orders",
            Indexed::Protocols => "right_protocols",
        }
    }

    /// The title a hit shows. A protocol's is that of the text found — for customers the
    /// issued revision's, never the subject of a revision staff are still preparing.
    fn shown_title(self) -> &'static str {
        match self {
            Indexed::SupportDocuments => "r.subject",
            Indexed::CustomizationOrders => "r.title",
            Indexed::Protocols => "SUBSTR(best.item_title, LENGTH(r.number) + 2)",
        }
    }

    /// What else a customer's record must be (a draft protocol is staff's alone).
    fn customer_condition(self) -> &'static str {
        match self {
            Indexed::SupportDocuments | Indexed::CustomizationOrders => "",
            Indexed::Protocols => "AND r.state <> 'draft'",
        }
    }

    fn agenda(self) -> supportweb_domain::Agenda {
        match self {
            Indexed::SupportDocuments => supportweb_domain::Agenda::SupportDocuments,
            Indexed::CustomizationOrders => supportweb_domain::Agenda::CustomizationOrders,
            Indexed::Protocols => supportweb_domain::Agenda::Protocols,
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
    /// Its organisation.
    pub organisation_id: Uuid,
    /// The organisation's name.
    pub organisation_name: String,
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
    organisation_id: Uuid,
    organisation_name: String,
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
    matches_within(backend, indexed, query, staff, "")
}

/// [`matches`] narrowed by the SQL condition `scope` on `i` (empty: none), so the texts of
/// records out of scope never reach the ranking.
fn matches_within(
    backend: crate::Backend,
    indexed: Indexed,
    query: &str,
    staff: &str,
    scope: &str,
) -> String {
    let sources = indexed.sources();
    match backend {
        crate::Backend::Sqlite => format!(
            "SELECT i.id AS item_id, i.record_id, i.source, i.title AS item_title, -bm25(search_fts, 10.0, 1.0) AS score
             FROM search_fts JOIN search_items i ON i.id = search_fts.rowid
             WHERE search_fts MATCH {query} AND i.source IN ({sources})
               AND (i.staff_only = 0 OR {staff}) {scope}"
        ),
        crate::Backend::Postgres => format!(
            "SELECT i.id AS item_id, i.record_id, i.source, i.title AS item_title,
                    ts_rank(search_terms(i.title, i.body), to_tsquery('supportweb', {query}))::float8 AS score
             FROM search_items i
             WHERE search_terms(i.title, i.body) @@ to_tsquery('supportweb', {query})
               AND i.source IN ({sources})
               AND (NOT i.staff_only OR {staff}) {scope}"
        ),
    }
}

/// The page of records around the matches: `$3` the actor, `$4`–`$7` the filters, `$8`
/// limit, `$9` offset. `RECORDS`, `TITLE`, `RIGHT`, `CUSTOMER` and `MATCHES` are filled per
/// agenda.
const RECORD_PAGE: &str = "SELECT best.item_id, r.id AS record_id, r.number, TITLE AS title,
            r.organisation_id, o.name AS organisation_name, r.state, r.updated_at, best.score, best.source
     FROM (SELECT m.*, ROW_NUMBER() OVER (PARTITION BY m.record_id ORDER BY m.score DESC, m.item_id) AS place
           FROM (MATCHES) m) best
     JOIN RECORDS r ON r.id = best.record_id
     JOIN organisations o ON o.id = r.organisation_id
     WHERE best.place = 1
       AND ($2 OR (r.organisation_id IN (SELECT ms.organisation_id FROM organisation_memberships ms
            WHERE ms.user_id = $3 AND ms.RIGHT IN ('read', 'write')) CUSTOMER))
       AND ($4 IS NULL OR r.organisation_id = $4)
       AND ($5 IS NULL OR r.state = $5)
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
        let staff_reads = actor.staff_may(
            supportweb_domain::permissions::Area::Agenda(indexed.agenda()),
            supportweb_domain::permissions::Action::Read,
        );
        if words.is_empty() || (actor.is_staff() && !staff_reads) {
            return Ok(Vec::new());
        }
        let backend = self.backend();
        // The customer's scope also inside the matching: other organisations' texts are
        // never ranked (and a common word costs only the customer's own records).
        let scope =
            "AND ($2 OR i.record_id IN (SELECT s.id FROM RECORDS s WHERE s.organisation_id IN
             (SELECT ms.organisation_id FROM organisation_memberships ms
              WHERE ms.user_id = $3 AND ms.RIGHT IN ('read', 'write'))))";
        let sql = RECORD_PAGE
            .replace(
                "MATCHES",
                &matches_within(backend, indexed, "$1", "$2", scope),
            )
            .replace("RECORDS", indexed.table())
            .replace("TITLE", indexed.shown_title())
            .replace("RIGHT", indexed.right())
            .replace("CUSTOMER", indexed.customer_condition());
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
