//! Failed sign-ins, shared by every instance through the database.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::{Store, StoreError, on_pool, on_tx};

impl Store {
    /// Records a failed sign-in for a typed login name from a client address.
    pub async fn record_login_failure(
        &self,
        login: &str,
        address: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.record_login_failure(login, address, at).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The newest `limit` failures of a login name after `since`, newest first.
    pub async fn recent_login_failures(
        &self,
        login: &str,
        since: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<DateTime<Utc>>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT failed_at FROM login_failures WHERE login = $1 AND failed_at > $2
                 ORDER BY failed_at DESC LIMIT $3",
            )
            .bind(login)
            .bind(since)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
        }))
    }

    /// The newest `limit` failures from a client address after `since`, newest first.
    pub async fn recent_address_failures(
        &self,
        address: &str,
        since: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<DateTime<Utc>>, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT failed_at FROM login_failures WHERE address = $1 AND failed_at > $2
                 ORDER BY failed_at DESC LIMIT $3",
            )
            .bind(address)
            .bind(since)
            .bind(i64::from(limit))
            .fetch_all(pool)
            .await?
        }))
    }

    /// Forgets the failures of a login name (after a successful sign-in).
    pub async fn clear_login_failures(&self, login: &str) -> Result<(), StoreError> {
        on_pool!(self, pool => {
            sqlx::query("DELETE FROM login_failures WHERE login = $1")
                .bind(login)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }

    /// Removes failures older than `before`; returns how many.
    pub async fn purge_login_failures(&self, before: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query("DELETE FROM login_failures WHERE failed_at <= $1")
                .bind(before)
                .execute(pool)
                .await?
                .rows_affected()
        }))
    }
}

/// The same writes inside a transaction the caller holds, so that its history and audit
/// entries are written with it.
impl crate::Tx {
    /// Records a failed sign-in for a typed login name from a client address.
    pub async fn record_login_failure(
        &mut self,
        login: &str,
        address: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_tx!(self, pool => {
            sqlx::query("INSERT INTO login_failures (id, login, address, failed_at) VALUES ($1, $2, $3, $4)")
                .bind(Uuid::now_v7())
                .bind(login)
                .bind(address)
                .bind(at)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(())
    }
}
