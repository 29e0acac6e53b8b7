//! Account administration: the accounts overview, activation links, deactivation.

use chrono::{DateTime, Utc};
use supportweb_domain::ids::UserId;
use uuid::Uuid;

use crate::users::UserRecord;
use crate::{Store, StoreError, now, on_pool, on_tx};

impl Store {
    /// Accounts by name, `limit` after the keyset position `after` (name and id of the last
    /// row of the previous page). For administrators; the caller checks the permission.
    pub async fn accounts_page(
        &self,
        after: Option<(&str, UserId)>,
        limit: u32,
    ) -> Result<Vec<UserRecord>, StoreError> {
        let (name, id) = after.unwrap_or(("", UserId(Uuid::nil())));
        let ids: Vec<Uuid> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT id FROM users WHERE display_name > $1 OR (display_name = $1 AND id > $2)
                 ORDER BY display_name, id LIMIT $3",
            )
            .bind(name)
            .bind(id.0)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
        });
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(user) = self.user(UserId(id)).await? {
                out.push(user);
            }
        }
        Ok(out)
    }

    /// Stores a new activation link for a user, replacing any earlier one.
    pub async fn create_activation(
        &self,
        user_id: UserId,
        token_hash: &[u8],
        created_by: UserId,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.create_activation(user_id, token_hash, created_by, expires_at)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The account an unused, unexpired activation link belongs to.
    pub async fn activation_account(
        &self,
        token_hash: &[u8],
        at: DateTime<Utc>,
    ) -> Result<Option<UserRecord>, StoreError> {
        let id: Option<Uuid> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT t.user_id FROM activation_tokens t JOIN users u ON u.id = t.user_id
                 WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > $2 AND u.is_active = $3",
            )
            .bind(token_hash)
            .bind(at)
            .bind(true)
            .fetch_optional(pool)
            .await?
        });
        match id {
            Some(id) => self.user(UserId(id)).await,
            None => Ok(None),
        }
    }

    /// Uses an activation link: sets the password and spends the link, atomically. An unknown,
    /// used or expired link gives [`StoreError::NotFound`] and changes nothing.
    pub async fn complete_activation(
        &self,
        token_hash: &[u8],
        password_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<UserId, StoreError> {
        let mut tx = self.begin().await?;
        let out = tx
            .complete_activation(token_hash, password_hash, at)
            .await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Replaces a user's password and ends every session of the account, in one transaction
    /// (the caller starts a fresh session for the request that changed it).
    pub async fn change_password(
        &self,
        user_id: UserId,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.change_password(user_id, password_hash).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Activates or deactivates an account. Deactivation ends all its sessions in the same
    /// transaction, so it takes effect at once.
    pub async fn set_user_active(&self, user_id: UserId, active: bool) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.set_user_active(user_id, active).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// The same writes inside a transaction the caller holds, so that its history and audit
/// entries are written with it.
impl crate::Tx {
    /// Stores a new activation link for a user, replacing any earlier one.
    pub async fn create_activation(
        &mut self,
        user_id: UserId,
        token_hash: &[u8],
        created_by: UserId,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_tx!(self, conn => {
            sqlx::query("DELETE FROM activation_tokens WHERE user_id = $1")
                .bind(user_id.0)
                .execute(conn)
                .await?
                .rows_affected()
        });
        on_tx!(self, conn => {
            sqlx::query(
                "INSERT INTO activation_tokens (token_hash, user_id, created_by, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .bind(token_hash)
            .bind(user_id.0)
            .bind(created_by.0)
            .bind(now())
            .bind(expires_at)
            .execute(conn)
            .await?
            .rows_affected()
        });
        Ok(())
    }

    /// Uses an activation link: sets the password and spends the link, atomically. An unknown,
    /// used or expired link gives [`StoreError::NotFound`] and changes nothing.
    pub async fn complete_activation(
        &mut self,
        token_hash: &[u8],
        password_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<UserId, StoreError> {
        let user: Option<Uuid> = on_tx!(self, conn => {
            sqlx::query_scalar(
                "UPDATE activation_tokens SET used_at = $2
                 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2
                 RETURNING user_id",
            )
            .bind(token_hash)
            .bind(at)
            .fetch_optional(conn)
            .await?
        });
        let user = user.ok_or(StoreError::NotFound)?;
        let updated = on_tx!(self, conn => {
            sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3 AND is_active = $4")
                .bind(password_hash)
                .bind(at)
                .bind(user)
                .bind(true)
                .execute(conn)
                .await?
                .rows_affected()
        });
        if updated != 1 {
            return Err(StoreError::NotFound);
        }
        Ok(UserId(user))
    }

    /// Replaces a user's password and ends every session of the account, in one transaction
    /// (the caller starts a fresh session for the request that changed it).
    pub async fn change_password(
        &mut self,
        user_id: UserId,
        password_hash: &str,
    ) -> Result<(), StoreError> {
        let updated = on_tx!(self, conn => {
            sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
                .bind(password_hash)
                .bind(now())
                .bind(user_id.0)
                .execute(conn)
                .await?
                .rows_affected()
        });
        if updated != 1 {
            return Err(StoreError::NotFound);
        }
        on_tx!(self, conn => {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(user_id.0)
                .execute(conn)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Revokes every API token of an account and drops its half-done sign-ins (waiting for
    /// the second factor): nothing signed in before keeps working.
    pub async fn revoke_access(&mut self, user_id: UserId) -> Result<(), StoreError> {
        on_tx!(self, conn => {
            sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                .bind(now())
                .bind(user_id.0)
                .execute(conn)
                .await?
                .rows_affected()
        });
        on_tx!(self, conn => {
            sqlx::query("DELETE FROM pending_sign_ins WHERE user_id = $1")
                .bind(user_id.0)
                .execute(conn)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Removes an account's password: it no longer signs in until an activation link sets a
    /// new one.
    pub async fn clear_password(&mut self, user_id: UserId) -> Result<(), StoreError> {
        let updated = on_tx!(self, conn => {
            sqlx::query("UPDATE users SET password_hash = NULL, updated_at = $1 WHERE id = $2")
                .bind(now())
                .bind(user_id.0)
                .execute(conn)
                .await?
                .rows_affected()
        });
        if updated == 1 {
            Ok(())
        } else {
            Err(StoreError::NotFound)
        }
    }

    /// Activates or deactivates an account. Deactivation ends all its sessions in the same
    /// transaction, so it takes effect at once.
    pub async fn set_user_active(
        &mut self,
        user_id: UserId,
        active: bool,
    ) -> Result<(), StoreError> {
        let updated = on_tx!(self, conn => {
            sqlx::query("UPDATE users SET is_active = $1, updated_at = $2 WHERE id = $3")
                .bind(active)
                .bind(now())
                .bind(user_id.0)
                .execute(conn)
                .await?
                .rows_affected()
        });
        if updated != 1 {
            return Err(StoreError::NotFound);
        }
        if !active {
            on_tx!(self, conn => {
                sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                    .bind(user_id.0)
                    .execute(conn)
                    .await?
                    .rows_affected()
            });
        }
        Ok(())
    }
}
