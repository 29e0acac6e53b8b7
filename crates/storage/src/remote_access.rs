//! Remote-access entries. Listing returns [`RemoteAccessEntry`], which has no secret field:
//! a secret can only be read through [`Store::sealed_remote_access_secret`], which the web
//! layer calls only after checking the reveal permission (and which it audits).

use chrono::{DateTime, Utc};
use supportweb_domain::Actor;
use supportweb_domain::ids::{OrganisationId, UserId};
use supportweb_domain::remote_access::RemoteAccessMethod;
use uuid::Uuid;

use crate::{Store, StoreError, now, on_pool, on_tx};

/// An entry as anyone allowed to see it sees it: without its secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteAccessEntry {
    /// Id.
    pub id: Uuid,
    /// Organisation.
    pub organisation_id: OrganisationId,
    /// Method.
    pub method: RemoteAccessMethod,
    /// Host or tool id.
    pub host: String,
    /// Account name.
    pub account: String,
    /// Whether a secret is stored.
    pub has_secret: bool,
    /// How to connect.
    pub instructions: String,
    /// Who changed it last.
    pub updated_by: Option<String>,
    /// When.
    pub updated_at: DateTime<Utc>,
}

/// Fields of an entry to add or replace.
#[derive(Debug, Clone)]
pub struct RemoteAccessFields {
    /// Method.
    pub method: RemoteAccessMethod,
    /// Host or tool id.
    pub host: String,
    /// Account name.
    pub account: String,
    /// How to connect.
    pub instructions: String,
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    id: Uuid,
    organisation_id: Uuid,
    method: String,
    host: String,
    account: String,
    has_secret: bool,
    instructions: String,
    updated_by: Option<String>,
    updated_at: DateTime<Utc>,
}

impl Store {
    /// The entries of an organisation the actor may see, oldest first.
    pub async fn remote_access_entries(
        &self,
        actor: &Actor,
        organisation_id: OrganisationId,
    ) -> Result<Vec<RemoteAccessEntry>, StoreError> {
        self.organisation(actor, organisation_id).await?;
        let rows: Vec<EntryRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT r.id, r.organisation_id, r.method, r.host, r.account,
                 r.sealed_secret IS NOT NULL AS has_secret, r.instructions,
                 u.display_name AS updated_by, r.updated_at
                 FROM remote_access_entries r LEFT JOIN users u ON u.id = r.updated_by
                 WHERE r.organisation_id = $1 ORDER BY r.id",
            )
            .bind(organisation_id.0)
            .fetch_all(pool)
            .await?
        });
        rows.into_iter()
            .map(|row| {
                Ok(RemoteAccessEntry {
                    method: RemoteAccessMethod::parse(&row.method)
                        .ok_or_else(|| StoreError::Corrupt(format!("method {:?}", row.method)))?,
                    id: row.id,
                    organisation_id: OrganisationId(row.organisation_id),
                    host: row.host,
                    account: row.account,
                    has_secret: row.has_secret,
                    instructions: row.instructions,
                    updated_by: row.updated_by,
                    updated_at: row.updated_at,
                })
            })
            .collect()
    }

    /// Adds an entry (`entry` = `None`) or replaces one of an organisation the actor may
    /// see, in a transaction of its own; see [`crate::Tx::save_remote_access`].
    pub async fn save_remote_access<F>(
        &self,
        actor: &Actor,
        organisation_id: OrganisationId,
        entry: Option<Uuid>,
        fields: &RemoteAccessFields,
        seal: F,
    ) -> Result<Uuid, StoreError>
    where
        F: FnOnce(Uuid) -> Result<Option<Vec<u8>>, StoreError>,
    {
        self.organisation(actor, organisation_id).await?;
        let mut tx = self.begin().await?;
        let id = tx
            .save_remote_access(actor.user_id, organisation_id, entry, fields, seal)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The sealed secret of an entry of an organisation the actor may see. Call only after
    /// checking the reveal permission, and audit the reveal.
    pub async fn sealed_remote_access_secret(
        &self,
        actor: &Actor,
        organisation_id: OrganisationId,
        entry: Uuid,
    ) -> Result<Vec<u8>, StoreError> {
        self.organisation(actor, organisation_id).await?;
        let sealed: Option<Option<Vec<u8>>> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT sealed_secret FROM remote_access_entries WHERE id = $1 AND organisation_id = $2",
            )
            .bind(entry)
            .bind(organisation_id.0)
            .fetch_optional(pool)
            .await?
        });
        sealed.flatten().ok_or(StoreError::NotFound)
    }
}

impl crate::Tx {
    /// Adds an entry (`entry` = `None`) or replaces one of this organisation, by `by`. The
    /// caller has checked that the organisation is visible. A replacement without a new secret
    /// keeps the stored one. `seal` turns the secret into its sealed form for the entry's id.
    /// Returns the entry id; an entry of another organisation is [`StoreError::NotFound`].
    pub async fn save_remote_access<F>(
        &mut self,
        by: UserId,
        organisation_id: OrganisationId,
        entry: Option<Uuid>,
        fields: &RemoteAccessFields,
        seal: F,
    ) -> Result<Uuid, StoreError>
    where
        F: FnOnce(Uuid) -> Result<Option<Vec<u8>>, StoreError>,
    {
        let at = now();
        let tx = self;
        let id = match entry {
            None => {
                let id = Uuid::now_v7();
                let sealed = seal(id)?;
                on_tx!(tx, conn => {
                    sqlx::query(
                        "INSERT INTO remote_access_entries (id, organisation_id, method, host, account,
                         sealed_secret, instructions, updated_by, created_at, updated_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
                    )
                    .bind(id)
                    .bind(organisation_id.0)
                    .bind(fields.method.as_str())
                    .bind(fields.host.as_str())
                    .bind(fields.account.as_str())
                    .bind(sealed)
                    .bind(fields.instructions.as_str())
                    .bind(by.0)
                    .bind(at)
                    .execute(conn)
                    .await?
                    .rows_affected()
                });
                id
            }
            Some(id) => {
                let sealed = seal(id)?;
                let updated = on_tx!(tx, conn => {
                    sqlx::query(
                        "UPDATE remote_access_entries SET method = $1, host = $2, account = $3,
                         sealed_secret = COALESCE($4, sealed_secret), instructions = $5,
                         updated_by = $6, updated_at = $7
                         WHERE id = $8 AND organisation_id = $9",
                    )
                    .bind(fields.method.as_str())
                    .bind(fields.host.as_str())
                    .bind(fields.account.as_str())
                    .bind(sealed)
                    .bind(fields.instructions.as_str())
                    .bind(by.0)
                    .bind(at)
                    .bind(id)
                    .bind(organisation_id.0)
                    .execute(conn)
                    .await?
                    .rows_affected()
                });
                if updated != 1 {
                    return Err(StoreError::NotFound);
                }
                id
            }
        };
        Ok(id)
    }
}
