//! Human record numbers: an atomic counter row per agenda and year.

use supportweb_domain::{HumanNumber, NumberedAgenda};

use crate::{StoreError, Tx, on_tx};

const NEXT_NUMBER: &str =
    "INSERT INTO number_counters (agenda, year, last_value) VALUES ($1, $2, 1)
ON CONFLICT (agenda, year) DO UPDATE SET last_value = number_counters.last_value + 1
RETURNING last_value";

impl Tx {
    /// Takes the next number of `agenda` in `year`, inside this transaction: the counter row
    /// stays locked until commit, so concurrent writers on either backend queue and never
    /// receive the same number. A rolled-back transaction gives its number back unused.
    pub async fn next_number(
        &mut self,
        agenda: NumberedAgenda,
        year: i32,
    ) -> Result<HumanNumber, StoreError> {
        let sequence: i64 = on_tx!(self, conn => {
            sqlx::query_scalar(NEXT_NUMBER)
                .bind(agenda.prefix())
                .bind(year)
                .fetch_one(conn)
                .await?
        });
        Ok(HumanNumber {
            agenda,
            year,
            sequence,
        })
    }
}
