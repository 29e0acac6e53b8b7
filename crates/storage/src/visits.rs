//! The user's visits to the start page (`start_visits`, migration 27): what "since my last
//! visit" means. Looking again within an hour is the same visit and writes nothing.

use chrono::{DateTime, Duration, Utc};
use supportweb_domain::ids::UserId;

use crate::{Store, StoreError, on_pool};

/// Looks within this long after the last one belong to the same visit.
pub const VISIT_GAP: Duration = Duration::hours(1);

impl Store {
    /// Records that `user` looks at the start page at `now` and answers when its previous
    /// visit began (`None` on the first).
    pub async fn start_visit(
        &self,
        user: UserId,
        now: DateTime<Utc>,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        let row: Option<(Option<DateTime<Utc>>, DateTime<Utc>)> = on_pool!(self, pool => {
            sqlx::query_as("SELECT previous_at, last_at FROM start_visits WHERE user_id = $1")
                .bind(user.0)
                .fetch_optional(pool)
                .await?
        });
        let previous = match row {
            Some((previous, last)) if now - last < VISIT_GAP => return Ok(previous),
            Some((_, last)) => Some(last),
            None => None,
        };
        on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO start_visits (user_id, previous_at, last_at) VALUES ($1, $2, $3)
                 ON CONFLICT (user_id) DO UPDATE SET previous_at = $2, last_at = $3",
            )
            .bind(user.0)
            .bind(previous)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(previous)
    }
}
