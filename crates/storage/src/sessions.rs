//! Server-side login sessions. The cookie carries a random token; only its SHA-256 hash is
//! stored, so a leaked database does not yield usable sessions.

use chrono::{DateTime, Utc};
use supportweb_domain::ids::{SessionId, UserId};
use uuid::Uuid;

use crate::{Store, StoreError, now, on_pool, on_tx};

/// A stored session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Id (never sent to the browser).
    pub id: SessionId,
    /// The signed-in account.
    pub user_id: UserId,
    /// Sign-in time; bounds the absolute lifetime.
    pub created_at: DateTime<Utc>,
    /// Last request seen.
    pub last_seen_at: DateTime<Utc>,
    /// End of the idle lifetime.
    pub expires_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    id: Uuid,
    user_id: Uuid,
    created_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
}

impl From<SessionRow> for SessionRecord {
    fn from(row: SessionRow) -> Self {
        SessionRecord {
            id: SessionId(row.id),
            user_id: UserId(row.user_id),
            created_at: row.created_at,
            last_seen_at: row.last_seen_at,
            expires_at: row.expires_at,
        }
    }
}

impl Store {
    /// Stores a new session for `user_id` whose token hashes to `token_hash`.
    pub async fn create_session(
        &self,
        user_id: UserId,
        token_hash: &[u8],
        expires_at: DateTime<Utc>,
    ) -> Result<SessionRecord, StoreError> {
        let mut tx = self.begin().await?;
        let out = tx.create_session(user_id, token_hash, expires_at).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// The unexpired session with this token hash, if its account is still active.
    pub async fn live_session(
        &self,
        token_hash: &[u8],
        at: DateTime<Utc>,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let row: Option<SessionRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT s.id, s.user_id, s.created_at, s.last_seen_at, s.expires_at
                 FROM sessions s JOIN users u ON u.id = s.user_id
                 WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.is_active = $3",
            )
            .bind(token_hash)
            .bind(at)
            .bind(true)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(SessionRecord::from))
    }

    /// Records activity and extends the idle lifetime.
    pub async fn touch_session(
        &self,
        id: SessionId,
        at: DateTime<Utc>,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3")
                .bind(at)
                .bind(expires_at)
                .bind(id.0)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Ends the session with this token hash (logout). Unknown tokens are ignored.
    pub async fn end_session(&self, token_hash: &[u8]) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.end_session(token_hash).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Ends every session of an account; returns how many ended.
    pub async fn end_sessions_of(&self, user_id: UserId) -> Result<u64, StoreError> {
        let mut tx = self.begin().await?;
        let out = tx.end_sessions_of(user_id).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Removes sessions that expired before `at`; returns how many.
    pub async fn purge_expired_sessions(&self, at: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                .bind(at)
                .execute(pool)
                .await?
                .rows_affected()
        }))
    }
}

/// The same writes inside a transaction the caller holds, so that its history and audit
/// entries are written with it.
impl crate::Tx {
    /// Stores a new session for `user_id` whose token hashes to `token_hash`.
    pub async fn create_session(
        &mut self,
        user_id: UserId,
        token_hash: &[u8],
        expires_at: DateTime<Utc>,
    ) -> Result<SessionRecord, StoreError> {
        let record = SessionRecord {
            id: SessionId::generate(),
            user_id,
            created_at: now(),
            last_seen_at: now(),
            expires_at,
        };
        on_tx!(self, pool => {
            sqlx::query(
                "INSERT INTO sessions (id, token_hash, user_id, created_at, last_seen_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(record.id.0)
            .bind(token_hash)
            .bind(user_id.0)
            .bind(record.created_at)
            .bind(record.last_seen_at)
            .bind(record.expires_at)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(record)
    }

    /// Ends the session with this token hash (logout). Unknown tokens are ignored.
    pub async fn end_session(&mut self, token_hash: &[u8]) -> Result<(), StoreError> {
        on_tx!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
                .bind(token_hash)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Ends every session of an account; returns how many ended.
    pub async fn end_sessions_of(&mut self, user_id: UserId) -> Result<u64, StoreError> {
        Ok(on_tx!(self, pool => {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id.0)
                .execute(pool)
                .await?
                .rows_affected()
        }))
    }
}
