//! Organisations, memberships and account teams. Every read takes the actor: staff see every
//! organisation, customer and partner users only those they are members of; anything else
//! answers [`StoreError::NotFound`], exactly like a missing record.

use chrono::{DateTime, Utc};
use supportweb_domain::Actor;
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::ids::{OrganisationId, UserId};
use supportweb_domain::membership::{Membership, MembershipRights};
use supportweb_domain::organisation::{Ico, OrganisationKind};
use uuid::Uuid;

use crate::{Store, StoreError, now, on_pool, on_tx};

/// A stored organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationRecord {
    /// Id.
    pub id: OrganisationId,
    /// Name.
    pub name: String,
    /// Customer or partner.
    pub kind: OrganisationKind,
    /// IČO, validated.
    pub ico: Option<String>,
    /// DIČ (VAT id).
    pub dic: Option<String>,
    /// Street and number.
    pub street: String,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: String,
    /// Contact e-mail.
    pub email: String,
    /// Contact phone.
    pub phone: String,
    /// A public body must publish its orders in the contracts register.
    pub is_public_body: bool,
    /// Staff notes.
    pub notes: String,
    /// Incremented on every change (stale writes are refused).
    pub version: i64,
    /// Creation time.
    pub created_at: DateTime<Utc>,
}

/// Fields of an organisation to create.
#[derive(Debug, Clone)]
pub struct NewOrganisation {
    /// Name.
    pub name: String,
    /// Customer or partner.
    pub kind: OrganisationKind,
    /// IČO.
    pub ico: Option<Ico>,
    /// DIČ.
    pub dic: Option<String>,
    /// Street and number.
    pub street: String,
    /// City.
    pub city: String,
    /// Postal code.
    pub postal_code: String,
    /// Contact e-mail.
    pub email: String,
    /// Contact phone.
    pub phone: String,
    /// Public body?
    pub is_public_body: bool,
    /// Staff notes.
    pub notes: String,
}

#[derive(sqlx::FromRow)]
struct OrganisationRow {
    id: Uuid,
    name: String,
    kind: String,
    ico: Option<String>,
    dic: Option<String>,
    street: String,
    city: String,
    postal_code: String,
    email: String,
    phone: String,
    is_public_body: bool,
    notes: String,
    version: i64,
    created_at: DateTime<Utc>,
}

impl TryFrom<OrganisationRow> for OrganisationRecord {
    type Error = StoreError;

    fn try_from(row: OrganisationRow) -> Result<Self, StoreError> {
        Ok(OrganisationRecord {
            id: OrganisationId(row.id),
            kind: OrganisationKind::parse(&row.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("organisation kind {:?}", row.kind)))?,
            name: row.name,
            ico: row.ico,
            dic: row.dic,
            street: row.street,
            city: row.city,
            postal_code: row.postal_code,
            email: row.email,
            phone: row.phone,
            is_public_body: row.is_public_body,
            notes: row.notes,
            version: row.version,
            created_at: row.created_at,
        })
    }
}

const ORGANISATION_COLUMNS: &str = "o.id, o.name, o.kind, o.ico, o.dic, o.street, o.city, \
o.postal_code, o.email, o.phone, o.is_public_body, o.notes, o.version, o.created_at";

/// The scope condition on `o`: staff ($2 = true) see all, others only their memberships ($3).
const VISIBLE: &str = "($2 OR EXISTS (SELECT 1 FROM organisation_memberships m \
WHERE m.organisation_id = o.id AND m.user_id = $3))";

fn fields_of(o: &OrganisationRecord) -> Vec<(&'static str, String)> {
    // The stored IČO was validated on the way in.
    fields_of_new(&NewOrganisation {
        name: o.name.clone(),
        kind: o.kind,
        ico: o.ico.as_deref().and_then(|i| Ico::parse(i).ok()),
        dic: o.dic.clone(),
        street: o.street.clone(),
        city: o.city.clone(),
        postal_code: o.postal_code.clone(),
        email: o.email.clone(),
        phone: o.phone.clone(),
        is_public_body: o.is_public_body,
        notes: o.notes.clone(),
    })
}

fn fields_of_new(o: &NewOrganisation) -> Vec<(&'static str, String)> {
    vec![
        ("name", o.name.clone()),
        ("kind", o.kind.as_str().to_owned()),
        (
            "ico",
            o.ico
                .as_ref()
                .map(|i| i.as_str().to_owned())
                .unwrap_or_default(),
        ),
        ("dic", o.dic.clone().unwrap_or_default()),
        ("street", o.street.clone()),
        ("city", o.city.clone()),
        ("postal_code", o.postal_code.clone()),
        ("email", o.email.clone()),
        ("phone", o.phone.clone()),
        ("is_public_body", o.is_public_body.to_string()),
        ("notes", o.notes.clone()),
    ]
}

/// A member of an organisation as its colleagues and staff see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The account.
    pub user_id: UserId,
    /// Full name.
    pub display_name: String,
    /// E-mail.
    pub email: String,
    /// Whether the account is active.
    pub is_active: bool,
    /// What the membership allows.
    pub rights: MembershipRights,
}

/// A member of the vendor's account team of an organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamMember {
    /// The staff account.
    pub user_id: UserId,
    /// Full name.
    pub display_name: String,
    /// E-mail.
    pub email: String,
}

#[derive(sqlx::FromRow)]
struct MembershipRow {
    organisation_id: Uuid,
    right_protocols: String,
    right_orders: String,
    right_documents: String,
    right_podpora: String,
    may_approve_orders: bool,
    may_confirm_protocols: bool,
    may_see_validation_codes: bool,
    all_notifications: bool,
}

impl MembershipRow {
    fn rights(&self) -> Result<MembershipRights, StoreError> {
        let right = |text: &str| {
            AgendaRight::parse(text).ok_or_else(|| StoreError::Corrupt(format!("right {text:?}")))
        };
        Ok(MembershipRights {
            protocols: right(&self.right_protocols)?,
            customization_orders: right(&self.right_orders)?,
            support_documents: right(&self.right_documents)?,
            podpora: right(&self.right_podpora)?,
            may_approve_orders: self.may_approve_orders,
            may_confirm_protocols: self.may_confirm_protocols,
            may_see_validation_codes: self.may_see_validation_codes,
            all_notifications: self.all_notifications,
        })
    }
}

#[derive(sqlx::FromRow)]
struct MemberRow {
    user_id: Uuid,
    display_name: String,
    email: String,
    is_active: bool,
    #[sqlx(flatten)]
    membership: MembershipRow,
}

const MEMBERSHIP_COLUMNS: &str = "m.organisation_id, m.right_protocols, m.right_orders, \
m.right_documents, m.right_podpora, m.may_approve_orders, m.may_confirm_protocols, \
m.may_see_validation_codes, m.all_notifications";

impl Store {
    /// Creates an organisation. The caller has checked the actor may administer organisations.
    pub async fn create_organisation(
        &self,
        new: &NewOrganisation,
    ) -> Result<OrganisationId, StoreError> {
        let id = OrganisationId::generate();
        let at = now();
        let inserted = on_pool!(self, pool => {
            sqlx::query(
                "INSERT INTO organisations (id, name, kind, ico, dic, street, city, postal_code, email, phone,
                 is_public_body, notes, version, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $13)",
            )
            .bind(id.0)
            .bind(new.name.as_str())
            .bind(new.kind.as_str())
            .bind(new.ico.as_ref().map(|i| i.as_str().to_owned()))
            .bind(new.dic.as_deref())
            .bind(new.street.as_str())
            .bind(new.city.as_str())
            .bind(new.postal_code.as_str())
            .bind(new.email.as_str())
            .bind(new.phone.as_str())
            .bind(new.is_public_body)
            .bind(new.notes.as_str())
            .bind(at)
            .execute(pool)
            .await
            .map(|r| r.rows_affected())
        });
        inserted.map_err(|e| StoreError::unique(e, "ico"))?;
        Ok(id)
    }

    /// Updates an organisation read at `expected_version`, recording each changed field in
    /// its history, in one transaction. A stale version gives [`StoreError::Conflict`] and
    /// writes nothing. The caller has checked the actor may administer organisations.
    pub async fn update_organisation(
        &self,
        actor: &Actor,
        id: OrganisationId,
        expected_version: i64,
        changed: &NewOrganisation,
    ) -> Result<(), StoreError> {
        let current = self.organisation(actor, id).await?;
        let mut tx = self.begin().await?;
        let updated = on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE organisations SET name = $1, kind = $2, ico = $3, dic = $4, street = $5,
                 city = $6, postal_code = $7, email = $8, phone = $9, is_public_body = $10,
                 notes = $11, version = version + 1, updated_at = $12
                 WHERE id = $13 AND version = $14",
            )
            .bind(changed.name.as_str())
            .bind(changed.kind.as_str())
            .bind(changed.ico.as_ref().map(|i| i.as_str().to_owned()))
            .bind(changed.dic.as_deref())
            .bind(changed.street.as_str())
            .bind(changed.city.as_str())
            .bind(changed.postal_code.as_str())
            .bind(changed.email.as_str())
            .bind(changed.phone.as_str())
            .bind(changed.is_public_body)
            .bind(changed.notes.as_str())
            .bind(now())
            .bind(id.0)
            .bind(expected_version)
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
        });
        if updated.map_err(|e| StoreError::unique(e, "ico"))? != 1 {
            return Err(StoreError::Conflict);
        }
        if current.version != expected_version {
            return Err(StoreError::Conflict);
        }
        let changes = crate::history::diff(&fields_of(&current), &fields_of_new(changed));
        tx.record_changes("organisation", id.0, actor.user_id, &changes)
            .await?;
        tx.commit().await
    }

    /// Adds `user` to the organisation's account team (`member`) or removes them, recording
    /// in the organisation's history who joined or left (`name`), in one transaction.
    /// Returns whether anything changed.
    pub async fn change_account_team(
        &self,
        actor: &Actor,
        organisation_id: OrganisationId,
        user_id: UserId,
        name: &str,
        member: bool,
    ) -> Result<bool, StoreError> {
        self.organisation(actor, organisation_id).await?;
        let mut tx = self.begin().await?;
        let changed = tx.set_team_member(organisation_id, user_id, member).await?;
        if changed {
            let (old, new) = if member {
                (String::new(), name.to_owned())
            } else {
                (name.to_owned(), String::new())
            };
            tx.record_changes(
                "organisation",
                organisation_id.0,
                actor.user_id,
                &[crate::history::FieldChange {
                    field: "account_team",
                    old,
                    new,
                }],
            )
            .await?;
        }
        tx.commit().await?;
        Ok(changed)
    }

    /// The id of the organisation with this IČO (administration and sample data; not scoped).
    pub async fn organisation_id_by_ico(
        &self,
        ico: &Ico,
    ) -> Result<Option<OrganisationId>, StoreError> {
        let id: Option<Uuid> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT id FROM organisations WHERE ico = $1")
                .bind(ico.as_str())
                .fetch_optional(pool)
                .await?
        });
        Ok(id.map(OrganisationId))
    }

    /// An organisation the actor may see.
    pub async fn organisation(
        &self,
        actor: &Actor,
        id: OrganisationId,
    ) -> Result<OrganisationRecord, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ORGANISATION_COLUMNS} FROM organisations o WHERE o.id = $1 AND {VISIBLE}"
        ));
        let row: Option<OrganisationRow> = on_pool!(self, pool => {
            sqlx::query_as(sql)
                .bind(id.0)
                .bind(actor.is_staff())
                .bind(actor.user_id.0)
                .fetch_optional(pool)
                .await?
        });
        row.ok_or(StoreError::NotFound)?.try_into()
    }

    /// The organisations the actor may see, by name, `limit` after the keyset position
    /// `after` (name and id of the last row of the previous page).
    pub async fn organisations(
        &self,
        actor: &Actor,
        after: Option<(&str, OrganisationId)>,
        limit: u32,
    ) -> Result<Vec<OrganisationRecord>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ORGANISATION_COLUMNS} FROM organisations o
             WHERE {VISIBLE} AND (o.name > $4 OR (o.name = $4 AND o.id > $5))
             ORDER BY o.name, o.id LIMIT $1"
        ));
        let (name, id) = after.unwrap_or(("", OrganisationId(Uuid::nil())));
        let rows: Vec<OrganisationRow> = on_pool!(self, pool => {
            sqlx::query_as(sql)
                .bind(i64::from(limit))
                .bind(actor.is_staff())
                .bind(actor.user_id.0)
                .bind(name)
                .bind(id.0)
                .fetch_all(pool)
                .await?
        });
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// Grants or replaces a user's membership in an organisation.
    pub async fn set_membership(
        &self,
        user_id: UserId,
        organisation_id: OrganisationId,
        rights: &MembershipRights,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.set_membership(user_id, organisation_id, rights).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The acting user behind an account, with its current memberships (staff enter every
    /// agenda and have none): a right removed by staff takes effect on the next request.
    pub async fn actor_for(
        &self,
        user: &crate::users::UserRecord,
    ) -> Result<supportweb_domain::Actor, StoreError> {
        let memberships = if user.kind == supportweb_domain::user::UserKind::Staff {
            Vec::new()
        } else {
            self.memberships_of(user.id).await?
        };
        Ok(supportweb_domain::Actor {
            user_id: user.id,
            kind: user.kind,
            roles: user.roles.clone(),
            display_name: user.display_name.clone(),
            language: user.language,
            memberships,
        })
    }

    /// Every membership of a user (to build its actor on each request).
    pub async fn memberships_of(&self, user_id: UserId) -> Result<Vec<Membership>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {MEMBERSHIP_COLUMNS} FROM organisation_memberships m
             JOIN organisations o ON o.id = m.organisation_id
             WHERE m.user_id = $1 ORDER BY o.name, o.id"
        ));
        let rows: Vec<MembershipRow> = on_pool!(self, pool => {
            sqlx::query_as(sql).bind(user_id.0).fetch_all(pool).await?
        });
        rows.iter()
            .map(|row| {
                Ok(Membership {
                    organisation_id: OrganisationId(row.organisation_id),
                    rights: row.rights()?,
                })
            })
            .collect()
    }

    /// The members of an organisation regardless of the actor: for notifications, which
    /// check each recipient's access themselves.
    pub async fn members_unscoped(
        &self,
        organisation_id: OrganisationId,
    ) -> Result<Vec<Member>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT u.id AS user_id, u.display_name, u.email, u.is_active, {MEMBERSHIP_COLUMNS}
             FROM organisation_memberships m JOIN users u ON u.id = m.user_id
             WHERE m.organisation_id = $1 ORDER BY u.display_name, u.id"
        ));
        let rows: Vec<MemberRow> = on_pool!(self, pool => {
            sqlx::query_as(sql).bind(organisation_id.0).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|row| {
                Ok(Member {
                    rights: row.membership.rights()?,
                    user_id: UserId(row.user_id),
                    display_name: row.display_name,
                    email: row.email,
                    is_active: row.is_active,
                })
            })
            .collect()
    }

    /// The account team of an organisation regardless of the actor: for notifications.
    pub async fn account_team_unscoped(
        &self,
        organisation_id: OrganisationId,
    ) -> Result<Vec<UserId>, StoreError> {
        let ids: Vec<Uuid> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT user_id FROM account_team WHERE organisation_id = $1 ORDER BY user_id")
                .bind(organisation_id.0)
                .fetch_all(pool)
                .await?
        });
        Ok(ids.into_iter().map(UserId).collect())
    }

    /// The members of an organisation the actor may see, by name.
    pub async fn members(
        &self,
        actor: &Actor,
        organisation_id: OrganisationId,
    ) -> Result<Vec<Member>, StoreError> {
        self.organisation(actor, organisation_id).await?;
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT u.id AS user_id, u.display_name, u.email, u.is_active, {MEMBERSHIP_COLUMNS}
             FROM organisation_memberships m JOIN users u ON u.id = m.user_id
             WHERE m.organisation_id = $1 ORDER BY u.display_name, u.id"
        ));
        let rows: Vec<MemberRow> = on_pool!(self, pool => {
            sqlx::query_as(sql).bind(organisation_id.0).fetch_all(pool).await?
        });
        rows.into_iter()
            .map(|row| {
                Ok(Member {
                    rights: row.membership.rights()?,
                    user_id: UserId(row.user_id),
                    display_name: row.display_name,
                    email: row.email,
                    is_active: row.is_active,
                })
            })
            .collect()
    }

    /// The organisations whose account team the actor is on, by name.
    pub async fn team_organisations(
        &self,
        actor: &Actor,
    ) -> Result<Vec<OrganisationRecord>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ORGANISATION_COLUMNS} FROM organisations o
             JOIN account_team t ON t.organisation_id = o.id
             WHERE t.user_id = $1 ORDER BY o.name, o.id"
        ));
        let rows: Vec<OrganisationRow> = on_pool!(self, pool => {
            sqlx::query_as(sql).bind(actor.user_id.0).fetch_all(pool).await?
        });
        rows.into_iter().map(TryInto::try_into).collect()
    }

    /// Puts a staff user on an organisation's account team (sample data and tests; the
    /// administration goes through [`Store::change_account_team`], which keeps history).
    pub async fn add_to_account_team(
        &self,
        organisation_id: OrganisationId,
        user_id: UserId,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        tx.set_team_member(organisation_id, user_id, true).await?;
        tx.commit().await
    }

    /// The account team of an organisation the actor may see, by name.
    pub async fn account_team(
        &self,
        actor: &Actor,
        organisation_id: OrganisationId,
    ) -> Result<Vec<TeamMember>, StoreError> {
        self.organisation(actor, organisation_id).await?;
        let rows: Vec<(Uuid, String, String)> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT u.id, u.display_name, u.email FROM account_team t
                 JOIN users u ON u.id = t.user_id
                 WHERE t.organisation_id = $1 AND u.is_active = $2
                 ORDER BY u.display_name, u.id",
            )
            .bind(organisation_id.0)
            .bind(true)
            .fetch_all(pool)
            .await?
        });
        Ok(rows
            .into_iter()
            .map(|(id, display_name, email)| TeamMember {
                user_id: UserId(id),
                display_name,
                email,
            })
            .collect())
    }
}

/// The same writes inside a transaction the caller holds, so that its history and audit
/// entries are written with it.
impl crate::Tx {
    /// Puts `user` on the organisation's account team (`member`) or takes them off; returns
    /// whether anything changed.
    pub async fn set_team_member(
        &mut self,
        organisation_id: OrganisationId,
        user_id: UserId,
        member: bool,
    ) -> Result<bool, StoreError> {
        let sql = if member {
            "INSERT INTO account_team (organisation_id, user_id) VALUES ($1, $2)
             ON CONFLICT (organisation_id, user_id) DO NOTHING"
        } else {
            "DELETE FROM account_team WHERE organisation_id = $1 AND user_id = $2"
        };
        let changed = on_tx!(self, conn => {
            sqlx::query(sql)
                .bind(organisation_id.0)
                .bind(user_id.0)
                .execute(conn)
                .await?
                .rows_affected()
        });
        Ok(changed > 0)
    }

    /// Grants or replaces a user's membership in an organisation.
    pub async fn set_membership(
        &mut self,
        user_id: UserId,
        organisation_id: OrganisationId,
        rights: &MembershipRights,
    ) -> Result<(), StoreError> {
        on_tx!(self, pool => {
            sqlx::query(
                "INSERT INTO organisation_memberships (user_id, organisation_id, right_protocols,
                 right_orders, right_documents, right_podpora, may_approve_orders,
                 may_confirm_protocols, may_see_validation_codes, all_notifications)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                 ON CONFLICT (user_id, organisation_id) DO UPDATE SET
                 right_protocols = $3, right_orders = $4, right_documents = $5, right_podpora = $6,
                 may_approve_orders = $7, may_confirm_protocols = $8,
                 may_see_validation_codes = $9, all_notifications = $10",
            )
            .bind(user_id.0)
            .bind(organisation_id.0)
            .bind(rights.protocols.as_str())
            .bind(rights.customization_orders.as_str())
            .bind(rights.support_documents.as_str())
            .bind(rights.podpora.as_str())
            .bind(rights.may_approve_orders)
            .bind(rights.may_confirm_protocols)
            .bind(rights.may_see_validation_codes)
            .bind(rights.all_notifications)
            .execute(pool)
            .await?
            .rows_affected()
        });
        Ok(())
    }

    /// Ends a user's membership in an organisation; returns whether there was one.
    pub async fn remove_membership(
        &mut self,
        user_id: UserId,
        organisation_id: OrganisationId,
    ) -> Result<bool, StoreError> {
        let removed = on_tx!(self, pool => {
            sqlx::query("DELETE FROM organisation_memberships WHERE user_id = $1 AND organisation_id = $2")
                .bind(user_id.0)
                .bind(organisation_id.0)
                .execute(pool)
                .await?
                .rows_affected()
        });
        Ok(removed == 1)
    }
}
