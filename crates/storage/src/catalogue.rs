//! The product catalogue (products with their modules and versions, maintained by staff) and
//! each organisation's installation card (which product, version and modules it runs, possibly
//! several installations). Every change is written with its field history in one transaction.

use chrono::{DateTime, Utc};
use supportweb_domain::Actor;
use supportweb_domain::ids::{InstallationId, OrganisationId, ProductId};
use uuid::Uuid;

use crate::history::{FieldChange, diff};
use crate::{Store, StoreError, Tx, now, on_pool, on_tx};

/// A product of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductRecord {
    /// Id.
    pub id: ProductId,
    /// Short unique code (`GINIS`, `SPIS`).
    pub code: String,
    /// Name.
    pub name: String,
    /// Its modules, in the order staff listed them.
    pub modules: Vec<String>,
    /// Its versions, newest first.
    pub versions: Vec<String>,
    /// Offered for new installations and contracts.
    pub is_active: bool,
    /// Incremented on every change.
    pub version: i64,
}

/// A product as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProduct {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Modules.
    pub modules: Vec<String>,
    /// Versions, newest first.
    pub versions: Vec<String>,
    /// Active.
    pub is_active: bool,
}

impl NewProduct {
    fn fields(&self) -> Vec<(&'static str, String)> {
        vec![
            ("code", self.code.clone()),
            ("name", self.name.clone()),
            ("modules", self.modules.join(", ")),
            ("versions", self.versions.join(", ")),
            ("is_active", self.is_active.to_string()),
        ]
    }
}

impl ProductRecord {
    fn as_new(&self) -> NewProduct {
        NewProduct {
            code: self.code.clone(),
            name: self.name.clone(),
            modules: self.modules.clone(),
            versions: self.versions.clone(),
            is_active: self.is_active,
        }
    }
}

/// One line of an installation card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstallationRecord {
    /// Id.
    pub id: InstallationId,
    /// The organisation running it.
    pub organisation_id: OrganisationId,
    /// The product.
    pub product_id: ProductId,
    /// The product's name.
    pub product_name: String,
    /// Which installation this is (`Produkce`, `Test`, a site).
    pub label: String,
    /// The product version installed.
    pub product_version: String,
    /// Modules in use.
    pub modules: Vec<String>,
    /// Notes.
    pub notes: String,
    /// Incremented on every change.
    pub version: i64,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// An installation as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInstallation {
    /// Product.
    pub product_id: ProductId,
    /// Label.
    pub label: String,
    /// Version (one of the product's).
    pub product_version: String,
    /// Modules (of the product's).
    pub modules: Vec<String>,
    /// Notes.
    pub notes: String,
}

impl NewInstallation {
    fn fields(&self, product_name: &str) -> Vec<(&'static str, String)> {
        vec![
            ("product", product_name.to_owned()),
            ("label", self.label.clone()),
            ("product_version", self.product_version.clone()),
            ("modules", self.modules.join(", ")),
            ("notes", self.notes.clone()),
        ]
    }

    /// Whether the version and modules are the product's own.
    pub fn fits(&self, product: &ProductRecord) -> bool {
        product.id == self.product_id
            && product.versions.contains(&self.product_version)
            && self.modules.iter().all(|m| product.modules.contains(m))
    }
}

impl InstallationRecord {
    fn as_new(&self) -> NewInstallation {
        NewInstallation {
            product_id: self.product_id,
            label: self.label.clone(),
            product_version: self.product_version.clone(),
            modules: self.modules.clone(),
            notes: self.notes.clone(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct ProductRow {
    id: Uuid,
    code: String,
    name: String,
    is_active: bool,
    version: i64,
}

#[derive(sqlx::FromRow)]
struct InstallationRow {
    id: Uuid,
    organisation_id: Uuid,
    product_id: Uuid,
    product_name: String,
    label: String,
    product_version: String,
    notes: String,
    version: i64,
    updated_at: DateTime<Utc>,
}

macro_rules! installation_select {
    () => {
        "SELECT i.id, i.organisation_id, i.product_id, p.name AS product_name, i.label,
         i.product_version, i.notes, i.version, i.updated_at
         FROM installations i JOIN products p ON p.id = i.product_id"
    };
}

/// The product lists: delete, insert and select statements of modules and of versions.
const PRODUCT_LISTS: [(&str, &str, &str); 2] = [
    (
        "DELETE FROM product_modules WHERE product_id = $1",
        "INSERT INTO product_modules (product_id, position, name) VALUES ($1, $2, $3)",
        "SELECT name FROM product_modules WHERE product_id = $1 ORDER BY position",
    ),
    (
        "DELETE FROM product_versions WHERE product_id = $1",
        "INSERT INTO product_versions (product_id, position, name) VALUES ($1, $2, $3)",
        "SELECT name FROM product_versions WHERE product_id = $1 ORDER BY position",
    ),
];

impl Tx {
    async fn write_product_lists(
        &mut self,
        id: ProductId,
        product: &NewProduct,
    ) -> Result<(), StoreError> {
        for ((delete, insert, _), items) in PRODUCT_LISTS
            .into_iter()
            .zip([&product.modules, &product.versions])
        {
            on_tx!(self, conn => {
                sqlx::query(delete).bind(id.0).execute(conn).await?.rows_affected()
            });
            for (position, name) in items.iter().enumerate() {
                on_tx!(self, conn => {
                    sqlx::query(insert)
                        .bind(id.0)
                        .bind(position as i64)
                        .bind(name.as_str())
                        .execute(conn)
                        .await?
                        .rows_affected()
                });
            }
        }
        Ok(())
    }

    async fn write_installation_modules(
        &mut self,
        id: InstallationId,
        modules: &[String],
    ) -> Result<(), StoreError> {
        on_tx!(self, conn => {
            sqlx::query("DELETE FROM installation_modules WHERE installation_id = $1")
                .bind(id.0)
                .execute(conn)
                .await?
                .rows_affected()
        });
        for module in modules {
            on_tx!(self, conn => {
                sqlx::query("INSERT INTO installation_modules (installation_id, module) VALUES ($1, $2)")
                    .bind(id.0)
                    .bind(module.as_str())
                    .execute(conn)
                    .await?
                    .rows_affected()
            });
        }
        Ok(())
    }
}

impl Store {
    /// Adds a product to the catalogue. A taken code gives `Duplicate("product code")`.
    pub async fn create_product(
        &self,
        actor: &Actor,
        product: &NewProduct,
    ) -> Result<ProductId, StoreError> {
        let id = ProductId::generate();
        let at = now();
        let mut tx = self.begin().await?;
        let inserted = on_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO products (id, code, name, is_active, version, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, 1, $5, $5)",
            )
            .bind(id.0)
            .bind(product.code.as_str())
            .bind(product.name.as_str())
            .bind(product.is_active)
            .bind(at)
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
        });
        inserted.map_err(|e| StoreError::unique(e, "product code"))?;
        tx.write_product_lists(id, product).await?;
        let empty: Vec<(&'static str, String)> = product
            .fields()
            .into_iter()
            .map(|(f, _)| (f, String::new()))
            .collect();
        tx.record_changes(
            "product",
            id.0,
            actor.user_id,
            &diff(&empty, &product.fields()),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes a product read at `expected_version`; a stale version gives `Conflict`.
    pub async fn update_product(
        &self,
        actor: &Actor,
        id: ProductId,
        expected_version: i64,
        product: &NewProduct,
    ) -> Result<(), StoreError> {
        let current = self.product(id).await?;
        let mut tx = self.begin().await?;
        let updated = on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE products SET code = $1, name = $2, is_active = $3, version = version + 1,
                 updated_at = $4 WHERE id = $5 AND version = $6",
            )
            .bind(product.code.as_str())
            .bind(product.name.as_str())
            .bind(product.is_active)
            .bind(now())
            .bind(id.0)
            .bind(expected_version)
            .execute(conn)
            .await
            .map(|r| r.rows_affected())
        });
        if updated.map_err(|e| StoreError::unique(e, "product code"))? != 1
            || current.version != expected_version
        {
            return Err(StoreError::Conflict);
        }
        tx.write_product_lists(id, product).await?;
        let changes = diff(&current.as_new().fields(), &product.fields());
        tx.record_changes("product", id.0, actor.user_id, &changes)
            .await?;
        tx.commit().await
    }

    async fn product_lists(&self, id: Uuid) -> Result<(Vec<String>, Vec<String>), StoreError> {
        let mut lists = Vec::with_capacity(2);
        for (_, _, select) in PRODUCT_LISTS {
            let names: Vec<String> = on_pool!(self, pool => {
                sqlx::query_scalar(select).bind(id).fetch_all(pool).await?
            });
            lists.push(names);
        }
        let versions = lists.pop().unwrap_or_default();
        let modules = lists.pop().unwrap_or_default();
        Ok((modules, versions))
    }

    async fn product_record(&self, row: ProductRow) -> Result<ProductRecord, StoreError> {
        let (modules, versions) = self.product_lists(row.id).await?;
        Ok(ProductRecord {
            id: ProductId(row.id),
            code: row.code,
            name: row.name,
            modules,
            versions,
            is_active: row.is_active,
            version: row.version,
        })
    }

    /// One product. The catalogue is not secret: every signed-in user may read it.
    pub async fn product(&self, id: ProductId) -> Result<ProductRecord, StoreError> {
        let row: Option<ProductRow> = on_pool!(self, pool => {
            sqlx::query_as("SELECT id, code, name, is_active, version FROM products WHERE id = $1")
                .bind(id.0)
                .fetch_optional(pool)
                .await?
        });
        self.product_record(row.ok_or(StoreError::NotFound)?).await
    }

    /// The catalogue by name (only active products unless `with_inactive`). It holds the
    /// vendor's own products — tens, not thousands — so it is read whole.
    pub async fn products(&self, with_inactive: bool) -> Result<Vec<ProductRecord>, StoreError> {
        let rows: Vec<ProductRow> = on_pool!(self, pool => {
            sqlx::query_as(
                "SELECT id, code, name, is_active, version FROM products
                 WHERE is_active = $1 OR $2 ORDER BY name, id",
            )
            .bind(true)
            .bind(with_inactive)
            .fetch_all(pool)
            .await?
        });
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(self.product_record(row).await?);
        }
        Ok(out)
    }

    async fn installation_record(
        &self,
        row: InstallationRow,
    ) -> Result<InstallationRecord, StoreError> {
        let modules: Vec<String> = on_pool!(self, pool => {
            sqlx::query_scalar(
                "SELECT module FROM installation_modules WHERE installation_id = $1 ORDER BY module",
            )
            .bind(row.id)
            .fetch_all(pool)
            .await?
        });
        Ok(InstallationRecord {
            id: InstallationId(row.id),
            organisation_id: OrganisationId(row.organisation_id),
            product_id: ProductId(row.product_id),
            product_name: row.product_name,
            label: row.label,
            product_version: row.product_version,
            modules,
            notes: row.notes,
            version: row.version,
            updated_at: row.updated_at,
        })
    }

    /// The installation card of an organisation the actor may see.
    pub async fn installations(
        &self,
        actor: &Actor,
        organisation_id: OrganisationId,
    ) -> Result<Vec<InstallationRecord>, StoreError> {
        self.organisation(actor, organisation_id).await?;
        let rows: Vec<InstallationRow> = on_pool!(self, pool => {
            sqlx::query_as(concat!(
                installation_select!(),
                " WHERE i.organisation_id = $1 ORDER BY p.name, i.label, i.id"
            ))
            .bind(organisation_id.0)
            .fetch_all(pool)
            .await?
        });
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            out.push(self.installation_record(row).await?);
        }
        Ok(out)
    }

    /// One installation, if its organisation is visible to the actor.
    pub async fn installation(
        &self,
        actor: &Actor,
        id: InstallationId,
    ) -> Result<InstallationRecord, StoreError> {
        let row: Option<InstallationRow> = on_pool!(self, pool => {
            sqlx::query_as(concat!(installation_select!(), " WHERE i.id = $1"))
                .bind(id.0)
                .fetch_optional(pool)
                .await?
        });
        let row = row.ok_or(StoreError::NotFound)?;
        self.organisation(actor, OrganisationId(row.organisation_id))
            .await?;
        self.installation_record(row).await
    }

    /// Adds an installation to an organisation's card. The caller checked the version and
    /// modules belong to the product ([`NewInstallation::fits`]).
    pub async fn create_installation(
        &self,
        actor: &Actor,
        organisation_id: OrganisationId,
        new: &NewInstallation,
    ) -> Result<InstallationId, StoreError> {
        self.organisation(actor, organisation_id).await?;
        let product = self.product(new.product_id).await?;
        let id = InstallationId::generate();
        let at = now();
        let mut tx = self.begin().await?;
        on_tx!(tx, conn => {
            sqlx::query(
                "INSERT INTO installations (id, organisation_id, product_id, label, product_version,
                 notes, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $7)",
            )
            .bind(id.0)
            .bind(organisation_id.0)
            .bind(new.product_id.0)
            .bind(new.label.as_str())
            .bind(new.product_version.as_str())
            .bind(new.notes.as_str())
            .bind(at)
            .execute(conn)
            .await?
            .rows_affected()
        });
        tx.write_installation_modules(id, &new.modules).await?;
        let fields = new.fields(&product.name);
        let empty: Vec<(&'static str, String)> =
            fields.iter().map(|(f, _)| (*f, String::new())).collect();
        tx.record_changes("installation", id.0, actor.user_id, &diff(&empty, &fields))
            .await?;
        tx.record_changes(
            "organisation",
            organisation_id.0,
            actor.user_id,
            &[FieldChange {
                field: "installation",
                old: String::new(),
                new: installation_summary(&product.name, new),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Changes an installation read at `expected_version`; a stale version gives `Conflict`.
    pub async fn update_installation(
        &self,
        actor: &Actor,
        id: InstallationId,
        expected_version: i64,
        changed: &NewInstallation,
    ) -> Result<(), StoreError> {
        let current = self.installation(actor, id).await?;
        let product = self.product(changed.product_id).await?;
        let mut tx = self.begin().await?;
        let updated = on_tx!(tx, conn => {
            sqlx::query(
                "UPDATE installations SET product_id = $1, label = $2, product_version = $3,
                 notes = $4, version = version + 1, updated_at = $5 WHERE id = $6 AND version = $7",
            )
            .bind(changed.product_id.0)
            .bind(changed.label.as_str())
            .bind(changed.product_version.as_str())
            .bind(changed.notes.as_str())
            .bind(now())
            .bind(id.0)
            .bind(expected_version)
            .execute(conn)
            .await?
            .rows_affected()
        });
        if updated != 1 || current.version != expected_version {
            return Err(StoreError::Conflict);
        }
        tx.write_installation_modules(id, &changed.modules).await?;
        let before = current.as_new();
        let changes = diff(
            &before.fields(&current.product_name),
            &changed.fields(&product.name),
        );
        tx.record_changes("installation", id.0, actor.user_id, &changes)
            .await?;
        tx.commit().await
    }

    /// Removes an installation from the card; the organisation's history keeps what it was.
    pub async fn remove_installation(
        &self,
        actor: &Actor,
        id: InstallationId,
    ) -> Result<OrganisationId, StoreError> {
        let current = self.installation(actor, id).await?;
        let mut tx = self.begin().await?;
        on_tx!(tx, conn => {
            sqlx::query("DELETE FROM installations WHERE id = $1")
                .bind(id.0)
                .execute(conn)
                .await?
                .rows_affected()
        });
        let before = current.as_new();
        tx.record_changes(
            "organisation",
            current.organisation_id.0,
            actor.user_id,
            &[FieldChange {
                field: "installation",
                old: installation_summary(&current.product_name, &before),
                new: String::new(),
            }],
        )
        .await?;
        tx.commit().await?;
        Ok(current.organisation_id)
    }
}

fn installation_summary(product_name: &str, installation: &NewInstallation) -> String {
    format!(
        "{product_name} {} ({})",
        installation.product_version, installation.label
    )
}
