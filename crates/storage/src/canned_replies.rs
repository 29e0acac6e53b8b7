//! Canned replies: texts staff insert into replies on support documents. Staff who write in
//! the agenda use them; staff who process documents maintain them (the caller checks).

use chrono::{DateTime, Utc};
use supportweb_domain::ids::{CannedReplyId, UserId};
use uuid::Uuid;

use crate::{Store, StoreError, now, on_pool};

/// A canned reply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CannedReply {
    /// Id.
    pub id: CannedReplyId,
    /// Short title (unique).
    pub title: String,
    /// Markdown text.
    pub body: String,
    /// Incremented on every change.
    pub version: i64,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

type Row = (Uuid, String, String, i64, DateTime<Utc>);

fn record((id, title, body, version, updated_at): Row) -> CannedReply {
    CannedReply {
        id: CannedReplyId(id),
        title,
        body,
        version,
        updated_at,
    }
}

impl Store {
    /// Every canned reply by title.
    pub async fn canned_replies(&self) -> Result<Vec<CannedReply>, StoreError> {
        let rows: Vec<Row> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, title, body, version, updated_at FROM canned_replies ORDER BY title, id")
                .fetch_all(pool)
                .await?
        });
        Ok(rows.into_iter().map(record).collect())
    }

    /// One canned reply.
    pub async fn canned_reply(&self, id: CannedReplyId) -> Result<CannedReply, StoreError> {
        let row: Option<Row> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, title, body, version, updated_at FROM canned_replies WHERE id = $1")
                .bind(id.0)
                .fetch_optional(pool)
                .await?
        });
        row.map(record).ok_or(StoreError::NotFound)
    }

    /// Creates a canned reply; a taken title is [`StoreError::Duplicate`].
    pub async fn create_canned_reply(
        &self,
        by: UserId,
        title: &str,
        body: &str,
    ) -> Result<CannedReplyId, StoreError> {
        let id = CannedReplyId::generate();
        let at = now();
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO canned_replies (id, title, body, created_by, version, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, 1, $5, $5)",
            )
            .bind(id.0)
            .bind(title)
            .bind(body)
            .bind(by.0)
            .bind(at)
            .execute(pool)
            .await
            .map_err(|e| StoreError::unique(e, "title"))?
            .rows_affected()
        });
        Ok(id)
    }

    /// Changes a canned reply read at `version` (else [`StoreError::Conflict`]).
    pub async fn update_canned_reply(
        &self,
        id: CannedReplyId,
        title: &str,
        body: &str,
        version: i64,
    ) -> Result<(), StoreError> {
        let updated = on_pool!(self, pool => {
            sqlx::query(
                "UPDATE canned_replies SET title = $1, body = $2, version = version + 1, updated_at = $3
                 WHERE id = $4 AND version = $5",
            )
            .bind(title)
            .bind(body)
            .bind(now())
            .bind(id.0)
            .bind(version)
            .execute(pool)
            .await
            .map_err(|e| StoreError::unique(e, "title"))?
            .rows_affected()
        });
        match updated {
            1 => Ok(()),
            _ => {
                self.canned_reply(id).await?;
                Err(StoreError::Conflict)
            }
        }
    }

    /// Deletes a canned reply.
    pub async fn delete_canned_reply(&self, id: CannedReplyId) -> Result<(), StoreError> {
        let deleted = on_pool!(self, pool => {
            sqlx::query("DELETE FROM canned_replies WHERE id = $1")
                .bind(id.0)
                .execute(pool)
                .await?
                .rows_affected()
        });
        if deleted == 1 {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }
}
