//! Two-factor sign-in: each account's TOTP secret (sealed by the web layer before it gets
//! here), its one-time recovery codes (SHA-256 only), sign-ins that passed the password and
//! wait for the second factor, and portal-wide settings such as "staff must use 2FA".

use chrono::{DateTime, Utc};
use supportweb_domain::ids::UserId;

use crate::{Store, StoreError, now, on_pool, on_tx};

/// The stored two-factor state of an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TwoFactorRecord {
    /// The sealed TOTP secret.
    pub secret_sealed: Vec<u8>,
    /// When the user proved the authenticator works; `None` while enrolment is unfinished.
    pub confirmed_at: Option<DateTime<Utc>>,
    /// The newest time step accepted (a code is never accepted twice).
    pub last_step: i64,
}

impl TwoFactorRecord {
    /// Whether sign-in asks for a second factor.
    pub fn is_enabled(&self) -> bool {
        self.confirmed_at.is_some()
    }
}

/// Name of the setting that makes two-factor sign-in mandatory for staff.
pub const STAFF_TWO_FACTOR_REQUIRED: &str = "staff_two_factor_required";

impl Store {
    /// The two-factor state of an account, if it ever started enrolment.
    pub async fn two_factor(&self, user: UserId) -> Result<Option<TwoFactorRecord>, StoreError> {
        let row: Option<(Vec<u8>, Option<DateTime<Utc>>, i64)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT secret_sealed, confirmed_at, last_step FROM two_factor WHERE user_id = $1",
            )
            .bind(user.0)
            .fetch_optional(pool)
            .await?
        });
        Ok(
            row.map(|(secret_sealed, confirmed_at, last_step)| TwoFactorRecord {
                secret_sealed,
                confirmed_at,
                last_step,
            }),
        )
    }

    /// Starts (or restarts) an unfinished enrolment with a new sealed secret. An enabled
    /// second factor is left alone: it has to be turned off first.
    pub async fn begin_two_factor(
        &self,
        user: UserId,
        secret_sealed: &[u8],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.begin_two_factor(user, secret_sealed).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Finishes enrolment: the code of time step `step` was right. Stores the recovery codes'
    /// hashes, replacing any earlier ones. Fails with `Conflict` when there is no unfinished
    /// enrolment.
    pub async fn confirm_two_factor(
        &self,
        user: UserId,
        step: i64,
        recovery_hashes: &[[u8; 32]],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.confirm_two_factor(user, step, recovery_hashes).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Accepts time step `step` once: true when it is newer than every step accepted before.
    pub async fn accept_totp_step(&self, user: UserId, step: i64) -> Result<bool, StoreError> {
        let changed = on_pool!(self, pool => {
            sqlx::query(
                "UPDATE two_factor SET last_step = $2
                 WHERE user_id = $1 AND confirmed_at IS NOT NULL AND last_step < $2",
            )
            .bind(user.0)
            .bind(step)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(changed == 1)
    }

    /// Uses up a recovery code: true when it was one of the account's unused codes.
    pub async fn use_recovery_code(
        &self,
        user: UserId,
        code_hash: &[u8; 32],
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let out = tx.use_recovery_code(user, code_hash).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// How many recovery codes the account has left.
    pub async fn unused_recovery_codes(&self, user: UserId) -> Result<i64, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
            )
            .bind(user.0)
            .fetch_one(pool)
            .await?
        }))
    }

    /// Replaces the account's recovery codes with new ones.
    pub async fn replace_recovery_codes(
        &self,
        user: UserId,
        hashes: &[[u8; 32]],
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.replace_recovery_codes(user, hashes).await?;
        tx.commit().await
    }

    /// Turns two-factor sign-in off for an account: secret and recovery codes are deleted.
    /// Returns whether it was enabled.
    pub async fn remove_two_factor(&self, user: UserId) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let out = tx.remove_two_factor(user).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Remembers a sign-in that passed the password and waits for the second factor.
    pub async fn create_pending_sign_in(
        &self,
        user: UserId,
        token_hash: &[u8],
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO pending_sign_ins (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
            )
            .bind(token_hash)
            .bind(user.0)
            .bind(expires_at)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(())
    }

    /// The account of an unexpired pending sign-in, if the account is still active.
    pub async fn pending_sign_in(
        &self,
        token_hash: &[u8],
        at: DateTime<Utc>,
    ) -> Result<Option<UserId>, StoreError> {
        let user: Option<uuid::Uuid> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT p.user_id FROM pending_sign_ins p JOIN users u ON u.id = p.user_id
                 WHERE p.token_hash = $1 AND p.expires_at > $2 AND u.is_active = $3",
            )
            .bind(token_hash)
            .bind(at)
            .bind(true)
            .fetch_optional(pool)
            .await?
        });
        Ok(user.map(UserId))
    }

    /// Ends a pending sign-in (completed, or abandoned).
    pub async fn end_pending_sign_in(&self, token_hash: &[u8]) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM pending_sign_ins WHERE token_hash = $1")
                .bind(token_hash)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Removes pending sign-ins that expired before `at`.
    pub async fn purge_pending_sign_ins(&self, at: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query("DELETE FROM pending_sign_ins WHERE expires_at <= $1")
                .bind(at)
                .execute(pool)
                .await?
                .rows_affected()
        }))
    }

    /// A portal-wide setting.
    pub async fn setting(&self, name: &str) -> Result<Option<String>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT value FROM portal_settings WHERE name = $1")
                .bind(name)
                .fetch_optional(pool)
                .await?
        }))
    }

    /// Sets a portal-wide setting.
    pub async fn set_setting(&self, name: &str, value: &str) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.set_setting(name, value).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Whether staff must sign in with a second factor.
    pub async fn staff_two_factor_required(&self) -> Result<bool, StoreError> {
        Ok(self.setting(STAFF_TWO_FACTOR_REQUIRED).await?.as_deref() == Some("true"))
    }
}

impl crate::Tx {
    pub async fn replace_recovery_codes(
        &mut self,
        user: UserId,
        hashes: &[[u8; 32]],
    ) -> Result<(), StoreError> {
        on_tx!(self, conn => {
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
                .bind(user.0)
                .execute(conn)
                .await?
                .rows_affected()
        });
        for hash in hashes {
            on_tx!(self, conn => {
                sqlx::query(
                    "INSERT INTO recovery_codes (user_id, code_hash, used_at) VALUES ($1, $2, NULL)",
                )
                .bind(user.0)
                .bind(hash.as_slice())
                .execute(conn)
                .await?
                .rows_affected()
            });
        }
        Ok(())
    }
}

/// The same writes inside a transaction the caller holds, so that its history and audit
/// entries are written with it.
impl crate::Tx {
    /// Starts (or restarts) an unfinished enrolment with a new sealed secret. An enabled
    /// second factor is left alone: it has to be turned off first.
    pub async fn begin_two_factor(
        &mut self,
        user: UserId,
        secret_sealed: &[u8],
    ) -> Result<(), StoreError> {
        let changed = on_tx!(self, pool => {
            sqlx::query(
                "INSERT INTO two_factor (user_id, secret_sealed, confirmed_at, last_step)
                 VALUES ($1, $2, NULL, 0)
                 ON CONFLICT (user_id) DO UPDATE SET secret_sealed = excluded.secret_sealed,
                 last_step = 0 WHERE two_factor.confirmed_at IS NULL",
            )
            .bind(user.0)
            .bind(secret_sealed)
            .execute(pool)
            .await?
            .rows_affected()
        });
        if changed == 0 {
            return Err(StoreError::Conflict);
        }
        Ok(())
    }

    /// Finishes enrolment: the code of time step `step` was right. Stores the recovery codes'
    /// hashes, replacing any earlier ones. Fails with `Conflict` when there is no unfinished
    /// enrolment.
    pub async fn confirm_two_factor(
        &mut self,
        user: UserId,
        step: i64,
        recovery_hashes: &[[u8; 32]],
    ) -> Result<(), StoreError> {
        let changed = on_tx!(self, conn => {
            sqlx::query(
                "UPDATE two_factor SET confirmed_at = $2, last_step = $3
                 WHERE user_id = $1 AND confirmed_at IS NULL",
            )
            .bind(user.0)
            .bind(now())
            .bind(step)
            .execute(conn)
            .await?
            .rows_affected()
        });
        if changed == 0 {
            return Err(StoreError::Conflict);
        }
        self.replace_recovery_codes(user, recovery_hashes).await?;
        Ok(())
    }

    /// Uses up a recovery code: true when it was one of the account's unused codes.
    pub async fn use_recovery_code(
        &mut self,
        user: UserId,
        code_hash: &[u8; 32],
    ) -> Result<bool, StoreError> {
        let changed = on_tx!(self, pool => {
            sqlx::query(
                "UPDATE recovery_codes SET used_at = $3
                 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
            )
            .bind(user.0)
            .bind(code_hash.as_slice())
            .bind(now())
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(changed == 1)
    }

    /// Turns two-factor sign-in off for an account: secret and recovery codes are deleted.
    /// Returns whether it was enabled.
    pub async fn remove_two_factor(&mut self, user: UserId) -> Result<bool, StoreError> {
        let enabled: Option<Option<DateTime<Utc>>> = on_tx!(self, conn => {
            sqlx::query_scalar("SELECT confirmed_at FROM two_factor WHERE user_id = $1")
                .bind(user.0)
                .fetch_optional(&mut *conn)
                .await?
        });
        for sql in [
            "DELETE FROM two_factor WHERE user_id = $1",
            "DELETE FROM recovery_codes WHERE user_id = $1",
        ] {
            on_tx!(self, conn => {
                sqlx::query(sql).bind(user.0).execute(conn).await?.rows_affected()
            });
        }
        Ok(enabled.flatten().is_some())
    }

    /// Sets a portal-wide setting.
    pub async fn set_setting(&mut self, name: &str, value: &str) -> Result<(), StoreError> {
        on_tx!(self, pool => {
            sqlx::query(
                "INSERT INTO portal_settings (name, value) VALUES ($1, $2)
                 ON CONFLICT (name) DO UPDATE SET value = excluded.value",
            )
            .bind(name)
            .bind(value)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(())
    }
}
