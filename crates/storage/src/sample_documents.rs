//! Bulk writing of generated support documents for the `demo` command and benchmarks:
//! multi-row inserts in large transactions, numbers reserved a block at a time. Nothing here
//! is reachable from the portal's pages or API, and no notification is recorded.

use chrono::{DateTime, Datelike, Utc};
use supportweb_domain::ids::{ContractId, DocumentId, OrganisationId, ProductId, UserId};
use supportweb_domain::numbering::NumberedAgenda;
use supportweb_domain::severity::Severity;
use supportweb_domain::sla::SlaClock;
use supportweb_domain::support_document::{Category, DocumentState};
use uuid::Uuid;

use crate::support_documents::{due_sort, severity_rank, state_rank};
use crate::{Store, StoreError, Tx, on_pool, on_tx};

/// A generated document with its conversation.
#[derive(Debug, Clone)]
pub struct SampleDocument {
    /// Organisation.
    pub organisation_id: OrganisationId,
    /// Reporter (also its watcher).
    pub reporter_id: UserId,
    /// Assigned staff member.
    pub assignee_id: Option<UserId>,
    /// Contract it was opened under.
    pub contract_id: Option<ContractId>,
    /// Category.
    pub category: Category,
    /// Severity.
    pub severity: Severity,
    /// Product.
    pub product_id: Option<ProductId>,
    /// Module.
    pub module: String,
    /// Version.
    pub product_version: String,
    /// Subject.
    pub subject: String,
    /// Description.
    pub description: String,
    /// Contact.
    pub contact: String,
    /// State.
    pub state: DocumentState,
    /// SLA clock.
    pub clock: SlaClock,
    /// Resolved at.
    pub resolved_at: Option<DateTime<Utc>>,
    /// Closed at.
    pub closed_at: Option<DateTime<Utc>>,
    /// Opened at (its year gives the number's year).
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
    /// The conversation, oldest first.
    pub comments: Vec<SampleComment>,
}

/// A generated comment.
#[derive(Debug, Clone)]
pub struct SampleComment {
    /// Author.
    pub author_id: UserId,
    /// Internal note?
    pub is_internal: bool,
    /// Text.
    pub body: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// Documents per multi-row statement (32 values each). Kept small on purpose: SQLite looks
/// each bound parameter up by a linear scan, so binding a statement costs the square of its
/// parameter count, and large statements are slower per row, not faster.
const DOCUMENT_ROWS: usize = 25;
/// Comments per multi-row statement (6 values each).
const COMMENT_ROWS: usize = 120;

/// The year of the number, as for documents opened in the portal (Prague time).
fn year_of(at: DateTime<Utc>) -> i32 {
    supportweb_domain::calendar::prague_time(at).year()
}

/// A time-ordered id of the moment `at`, so generated records sort like real ones.
fn id_at(at: DateTime<Utc>) -> Uuid {
    let seconds = u64::try_from(at.timestamp()).unwrap_or(0);
    Uuid::new_v7(uuid::Timestamp::from_unix(
        uuid::NoContext,
        seconds,
        at.timestamp_subsec_nanos(),
    ))
}

fn placeholders(rows: usize, columns: usize) -> String {
    let mut out = String::with_capacity(rows * columns * 6);
    for row in 0..rows {
        if row > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for column in 0..columns {
            if column > 0 {
                out.push_str(", ");
            }
            out.push('$');
            out.push_str(&(row * columns + column + 1).to_string());
        }
        out.push(')');
    }
    out
}

impl Store {
    /// How many support documents exist.
    pub async fn count_documents(&self) -> Result<i64, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM support_documents")
                .fetch_one(pool)
                .await?
        }))
    }

    /// Writes generated documents with numbers of their opening year, the reporter as
    /// watcher, and their conversations, in one transaction.
    pub async fn insert_sample_documents(
        &self,
        documents: &[SampleDocument],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let mut numbered: Vec<(DocumentId, String, &SampleDocument)> =
            Vec::with_capacity(documents.len());
        let mut years: Vec<i32> = documents.iter().map(|d| year_of(d.created_at)).collect();
        years.sort_unstable();
        years.dedup();
        for year in years {
            let of_year: Vec<&SampleDocument> = documents
                .iter()
                .filter(|d| year_of(d.created_at) == year)
                .collect();
            let count = i64::try_from(of_year.len()).unwrap_or(i64::MAX);
            let last = tx
                .reserve_numbers(NumberedAgenda::SupportDocument, year, count)
                .await?;
            for (offset, document) in of_year.into_iter().enumerate() {
                let sequence = last - count + 1 + i64::try_from(offset).unwrap_or(0);
                let number = supportweb_domain::HumanNumber {
                    agenda: NumberedAgenda::SupportDocument,
                    year,
                    sequence,
                };
                numbered.push((
                    DocumentId(id_at(document.created_at)),
                    number.to_string(),
                    document,
                ));
            }
        }
        for chunk in numbered.chunks(DOCUMENT_ROWS) {
            tx.insert_document_rows(chunk).await?;
            tx.insert_watcher_rows(chunk).await?;
        }
        let comments: Vec<(Uuid, &SampleComment)> = numbered
            .iter()
            .flat_map(|(id, _, d)| d.comments.iter().map(move |c| (id.0, c)))
            .collect();
        for chunk in comments.chunks(COMMENT_ROWS) {
            tx.insert_comment_rows(chunk).await?;
        }
        tx.commit().await
    }
}

impl Tx {
    /// Moves the counter of `agenda` in `year` on by `count` and returns its new last value.
    async fn reserve_numbers(
        &mut self,
        agenda: NumberedAgenda,
        year: i32,
        count: i64,
    ) -> Result<i64, StoreError> {
        Ok(on_tx!(self, conn => {
            sqlx::query_scalar(
                "INSERT INTO number_counters (agenda, year, last_value) VALUES ($1, $2, $3)
                 ON CONFLICT (agenda, year) DO UPDATE SET last_value = number_counters.last_value + $3
                 RETURNING last_value",
            )
            .bind(agenda.prefix())
            .bind(year)
            .bind(count)
            .fetch_one(conn)
            .await?
        }))
    }

    async fn insert_document_rows(
        &mut self,
        rows: &[(DocumentId, String, &SampleDocument)],
    ) -> Result<(), StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "INSERT INTO support_documents (id, number, organisation_id, reporter_id, contact,
             category, severity, severity_rank, product_id, module, product_version, subject,
             description, state, state_rank, assignee_id, contract_id, response_due_at,
             first_response_at, resolution_minutes, paused_minutes, paused_since,
             resolution_due_at, response_breached, resolution_breached, breach_notified,
             due_sort, resolved_at, closed_at, version, created_at, updated_at) VALUES {}",
            placeholders(rows.len(), 32)
        ));
        on_tx!(self, conn => {
            let mut query = sqlx::query(sql);
            for (id, number, d) in rows {
                let breached = d.clock.response_breached || d.clock.resolution_breached;
                query = query
                    .bind(id.0)
                    .bind(number.as_str())
                    .bind(d.organisation_id.0)
                    .bind(d.reporter_id.0)
                    .bind(d.contact.as_str())
                    .bind(d.category.as_str())
                    .bind(d.severity.as_str())
                    .bind(severity_rank(d.severity))
                    .bind(d.product_id.map(|p| p.0))
                    .bind(d.module.as_str())
                    .bind(d.product_version.as_str())
                    .bind(d.subject.as_str())
                    .bind(d.description.as_str())
                    .bind(d.state.as_str())
                    .bind(state_rank(d.state))
                    .bind(d.assignee_id.map(|a| a.0))
                    .bind(d.contract_id.map(|c| c.0))
                    .bind(d.clock.response_due_at)
                    .bind(d.clock.first_response_at)
                    .bind(d.clock.resolution_minutes)
                    .bind(d.clock.paused_minutes)
                    .bind(d.clock.paused_since)
                    .bind(d.clock.resolution_due_at)
                    .bind(d.clock.response_breached)
                    .bind(d.clock.resolution_breached)
                    .bind(breached)
                    .bind(due_sort(&d.clock))
                    .bind(d.resolved_at)
                    .bind(d.closed_at)
                    .bind(1_i64)
                    .bind(d.created_at)
                    .bind(d.updated_at);
            }
            query.execute(conn).await?.rows_affected()
        });
        Ok(())
    }

    async fn insert_watcher_rows(
        &mut self,
        rows: &[(DocumentId, String, &SampleDocument)],
    ) -> Result<(), StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "INSERT INTO support_document_watchers (document_id, user_id) VALUES {}",
            placeholders(rows.len(), 2)
        ));
        on_tx!(self, conn => {
            let mut query = sqlx::query(sql);
            for (id, _, d) in rows {
                query = query.bind(id.0).bind(d.reporter_id.0);
            }
            query.execute(conn).await?.rows_affected()
        });
        Ok(())
    }

    async fn insert_comment_rows(
        &mut self,
        rows: &[(Uuid, &SampleComment)],
    ) -> Result<(), StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "INSERT INTO support_document_comments (id, document_id, author_id, is_internal, body,
             created_at) VALUES {}",
            placeholders(rows.len(), 6)
        ));
        on_tx!(self, conn => {
            let mut query = sqlx::query(sql);
            for (document, c) in rows {
                query = query
                    .bind(id_at(c.created_at))
                    .bind(*document)
                    .bind(c.author_id.0)
                    .bind(c.is_internal)
                    .bind(c.body.as_str())
                    .bind(c.created_at);
            }
            query.execute(conn).await?.rows_affected()
        });
        Ok(())
    }
}
