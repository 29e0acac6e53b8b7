//! Accounts and staff roles.

use chrono::{DateTime, Utc};
use supportweb_domain::Language;
use supportweb_domain::ids::UserId;
use supportweb_domain::user::{Login, StaffRole, UserKind};
use uuid::Uuid;

use crate::{Store, StoreError, Tx, now, on_pool, on_tx};

/// A stored account.
#[derive(Debug, Clone)]
pub struct UserRecord {
    /// Id.
    pub id: UserId,
    /// Normalised login name.
    pub login: String,
    /// Full name shown in the UI.
    pub display_name: String,
    /// E-mail address for notifications.
    pub email: String,
    /// Staff or customer.
    pub kind: UserKind,
    /// PHC string of the Argon2id hash; `None` until the user has chosen a password.
    pub password_hash: Option<String>,
    /// UI language.
    pub language: Language,
    /// Deactivated accounts cannot sign in.
    pub is_active: bool,
    /// Staff roles.
    pub roles: Vec<StaffRole>,
    /// When the account was created.
    pub created_at: DateTime<Utc>,
}

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewUser {
    /// Login name.
    pub login: Login,
    /// Full name.
    pub display_name: String,
    /// E-mail address.
    pub email: String,
    /// Staff or customer.
    pub kind: UserKind,
    /// Staff roles (must be empty for customer users).
    pub roles: Vec<StaffRole>,
    /// Argon2id PHC string, if a password is set right away.
    pub password_hash: Option<String>,
    /// UI language.
    pub language: Language,
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    login: String,
    display_name: String,
    email: String,
    kind: String,
    password_hash: Option<String>,
    language: String,
    is_active: bool,
    created_at: DateTime<Utc>,
}

const USER_COLUMNS: &str =
    "id, login, display_name, email, kind, password_hash, language, is_active, created_at";

impl UserRow {
    fn into_record(self, roles: Vec<StaffRole>) -> Result<UserRecord, StoreError> {
        Ok(UserRecord {
            id: UserId(self.id),
            kind: UserKind::parse(&self.kind)
                .ok_or_else(|| StoreError::Corrupt(format!("user kind {:?}", self.kind)))?,
            language: Language::from_tag(&self.language)
                .ok_or_else(|| StoreError::Corrupt(format!("language {:?}", self.language)))?,
            login: self.login,
            display_name: self.display_name,
            email: self.email,
            password_hash: self.password_hash,
            is_active: self.is_active,
            roles,
            created_at: self.created_at,
        })
    }
}

fn parse_roles(texts: Vec<String>) -> Result<Vec<StaffRole>, StoreError> {
    texts
        .into_iter()
        .map(|t| StaffRole::parse(&t).ok_or_else(|| StoreError::Corrupt(format!("role {t:?}"))))
        .collect()
}

impl Store {
    /// Creates an account in its own transaction.
    pub async fn create_user(&self, new: &NewUser) -> Result<UserId, StoreError> {
        let mut tx = self.begin().await?;
        let id = tx.create_user(new).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The account with this login name (any case), active or not.
    pub async fn user_by_login(&self, login: &str) -> Result<Option<UserRecord>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users WHERE login = $1"));
        let login = login.trim().to_ascii_lowercase();
        let row: Option<UserRow> = on_pool!(self, pool => {
            sqlx::query_as(sql).bind(login).fetch_optional(pool).await?
        });
        match row {
            Some(row) => {
                let roles = self.roles_of(UserId(row.id)).await?;
                Ok(Some(row.into_record(roles)?))
            }
            None => Ok(None),
        }
    }

    /// The active accounts with this e-mail address (any case): who wrote an incoming
    /// e-mail. More than one means the address does not name one person.
    pub async fn active_users_by_email(&self, email: &str) -> Result<Vec<UserRecord>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE lower(email) = $1 AND is_active = $2 ORDER BY id"
        ));
        let email = email.trim().to_ascii_lowercase();
        let rows: Vec<UserRow> = on_pool!(self, pool => {
            sqlx::query_as(sql).bind(email).bind(true).fetch_all(pool).await?
        });
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let roles = self.roles_of(UserId(row.id)).await?;
            out.push(row.into_record(roles)?);
        }
        Ok(out)
    }

    /// The accounts holding staff role `role`, active or not, by login.
    pub async fn users_with_role(&self, role: StaffRole) -> Result<Vec<UserRecord>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {USER_COLUMNS} FROM users WHERE id IN
             (SELECT user_id FROM user_roles WHERE role = $1) ORDER BY login"
        ));
        let rows: Vec<UserRow> = on_pool!(self, pool => {
            sqlx::query_as(sql).bind(role.as_str()).fetch_all(pool).await?
        });
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let roles = self.roles_of(UserId(row.id)).await?;
            out.push(row.into_record(roles)?);
        }
        Ok(out)
    }

    /// The account with this id.
    pub async fn user(&self, id: UserId) -> Result<Option<UserRecord>, StoreError> {
        let sql = sqlx::AssertSqlSafe(format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"));
        let row: Option<UserRow> = on_pool!(self, pool => {
            sqlx::query_as(sql).bind(id.0).fetch_optional(pool).await?
        });
        match row {
            Some(row) => {
                let roles = self.roles_of(id).await?;
                Ok(Some(row.into_record(roles)?))
            }
            None => Ok(None),
        }
    }

    async fn roles_of(&self, id: UserId) -> Result<Vec<StaffRole>, StoreError> {
        let texts: Vec<String> = on_pool!(self, pool => {
            sqlx::query_scalar("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role")
                .bind(id.0)
                .fetch_all(pool)
                .await?
        });
        parse_roles(texts)
    }

    /// Stores the user's UI language.
    pub async fn set_user_language(
        &self,
        id: UserId,
        language: Language,
    ) -> Result<(), StoreError> {
        let done = on_pool!(self, pool => {
            sqlx::query("UPDATE users SET language = $1, updated_at = $2 WHERE id = $3")
                .bind(language.tag())
                .bind(now())
                .bind(id.0)
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

    /// Number of accounts.
    pub async fn count_users(&self) -> Result<i64, StoreError> {
        Ok(on_pool!(self, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(pool).await?
        }))
    }
}

impl Tx {
    /// Creates an account unless its login is taken; `None` when it was (bulk sample data).
    pub async fn create_user_if_absent(
        &mut self,
        new: &NewUser,
    ) -> Result<Option<UserId>, StoreError> {
        let id = UserId::generate();
        let at = now();
        let inserted: Option<Uuid> = on_tx!(self, conn => {
            sqlx::query_scalar(
                "INSERT INTO users (id, login, display_name, email, kind, password_hash, language, is_active, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
                 ON CONFLICT (login) DO NOTHING RETURNING id",
            )
            .bind(id.0)
            .bind(new.login.as_str())
            .bind(new.display_name.as_str())
            .bind(new.email.as_str())
            .bind(new.kind.as_str())
            .bind(new.password_hash.as_deref())
            .bind(new.language.tag())
            .bind(true)
            .bind(at)
            .fetch_optional(conn)
            .await?
        });
        if inserted.is_none() {
            return Ok(None);
        }
        self.insert_roles(id, &new.roles).await?;
        Ok(Some(id))
    }

    async fn insert_roles(&mut self, id: UserId, roles: &[StaffRole]) -> Result<(), StoreError> {
        for role in roles {
            on_tx!(self, conn => {
                sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
                    .bind(id.0)
                    .bind(role.as_str())
                    .execute(conn)
                    .await?
                    .rows_affected()
            });
        }
        Ok(())
    }

    /// Creates an account inside this transaction.
    pub async fn create_user(&mut self, new: &NewUser) -> Result<UserId, StoreError> {
        let id = UserId::generate();
        let at = now();
        let inserted = on_tx!(self, conn => {
            sqlx::query(
                "INSERT INTO users (id, login, display_name, email, kind, password_hash, language, is_active, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)",
            )
            .bind(id.0)
            .bind(new.login.as_str())
            .bind(new.display_name.as_str())
            .bind(new.email.as_str())
            .bind(new.kind.as_str())
            .bind(new.password_hash.as_deref())
            .bind(new.language.tag())
            .bind(true)
            .bind(at)
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
        });
        inserted.map_err(|e| StoreError::unique(e, "login"))?;
        self.insert_roles(id, &new.roles).await?;
        Ok(id)
    }
}
