//! Personal API tokens. The token itself is shown once at creation; the database keeps its
//! SHA-256.

use chrono::{DateTime, Utc};
use supportweb_domain::ids::UserId;
use uuid::Uuid;

use crate::{Store, StoreError, now, on_pool, on_tx};

/// A token as its owner sees it in the list.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ApiTokenRecord {
    /// Id.
    pub id: Uuid,
    /// The owner's name for it.
    pub name: String,
    /// May it change things (otherwise read only)?
    pub read_write: bool,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Stops working at.
    pub expires_at: DateTime<Utc>,
    /// Last request made with it.
    pub last_used_at: Option<DateTime<Utc>>,
    /// Revoked at.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// A token that authenticated a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsableToken {
    /// Token id.
    pub id: Uuid,
    /// Owner.
    pub user_id: UserId,
    /// Read-write?
    pub read_write: bool,
    /// Last use before this one.
    pub last_used_at: Option<DateTime<Utc>>,
}

impl Store {
    /// Stores a new token of `user_id`; returns its id.
    pub async fn create_api_token(
        &self,
        user_id: UserId,
        name: &str,
        token_hash: &[u8],
        read_write: bool,
        expires_at: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        let mut tx = self.begin().await?;
        let out = tx
            .create_api_token(user_id, name, token_hash, read_write, expires_at)
            .await?;
        tx.commit().await?;
        Ok(out)
    }

    /// The tokens of a user, newest first.
    pub async fn api_tokens_of(&self, user_id: UserId) -> Result<Vec<ApiTokenRecord>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, name, read_write, created_at, expires_at, last_used_at, revoked_at
                 FROM api_tokens WHERE user_id = $1 ORDER BY id DESC",
            )
            .bind(user_id.0)
            .fetch_all(pool)
            .await?
        }))
    }

    /// Revokes a token of `user_id`; another user's token is [`StoreError::NotFound`].
    pub async fn revoke_api_token(&self, user_id: UserId, id: Uuid) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.revoke_api_token(user_id, id).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The unrevoked, unexpired token with this hash whose owner is active.
    pub async fn usable_api_token(
        &self,
        token_hash: &[u8],
        at: DateTime<Utc>,
    ) -> Result<Option<UsableToken>, StoreError> {
        let row: Option<(Uuid, Uuid, bool, Option<DateTime<Utc>>)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT t.id, t.user_id, t.read_write, t.last_used_at
                 FROM api_tokens t JOIN users u ON u.id = t.user_id
                 WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND t.expires_at > $2
                   AND u.is_active = $3",
            )
            .bind(token_hash)
            .bind(at)
            .bind(true)
            .fetch_optional(pool)
            .await?
        });
        Ok(row.map(|(id, user, read_write, last_used_at)| UsableToken {
            id,
            user_id: UserId(user),
            read_write,
            last_used_at,
        }))
    }

    /// Records a use of a token.
    pub async fn touch_api_token(&self, id: Uuid, at: DateTime<Utc>) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(at)
                .bind(id)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }
}

/// The same writes inside a transaction the caller holds, so that its history and audit
/// entries are written with it.
impl crate::Tx {
    /// Stores a new token of `user_id`; returns its id.
    pub async fn create_api_token(
        &mut self,
        user_id: UserId,
        name: &str,
        token_hash: &[u8],
        read_write: bool,
        expires_at: DateTime<Utc>,
    ) -> Result<Uuid, StoreError> {
        let id = Uuid::now_v7();
        on_tx!(self, pool => {
            sqlx::query(
                "INSERT INTO api_tokens (id, user_id, name, token_hash, read_write, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(user_id.0)
            .bind(name)
            .bind(token_hash)
            .bind(read_write)
            .bind(now())
            .bind(expires_at)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(id)
    }

    /// Revokes a token of `user_id`; another user's token is [`StoreError::NotFound`].
    pub async fn revoke_api_token(&mut self, user_id: UserId, id: Uuid) -> Result<(), StoreError> {
        let done = on_tx!(self, pool => {
            sqlx::query(
                "UPDATE api_tokens SET revoked_at = $1
                 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
            )
            .bind(now())
            .bind(id)
            .bind(user_id.0)
            .execute(pool)
            .await?
            .rows_affected()
        });
        if done == 1 {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }
}
