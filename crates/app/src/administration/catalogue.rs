//! The product catalogue (products with their modules and versions, offered or retired) and
//! the installation cards of organisations, which choose from it.

use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::ids::{InstallationId, OrganisationId, ProductId};
use supportweb_domain::permissions::{Action, AdminArea};
use supportweb_storage::StoreError;
use supportweb_storage::catalogue::{NewInstallation, NewProduct};
use supportweb_storage::history::HistoryRecord;

use super::{Administration, InstallationRecord, OrganisationRecord, ProductRecord, id, require};
use crate::{Error, FieldErrors, Result};

/// A product as typed: modules and versions one per line.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct ProductForm {
    /// Code (letters, digits, `-`, `_`).
    #[serde(default)]
    pub code: String,
    /// Name.
    #[serde(default)]
    pub name: String,
    /// Modules, one per line.
    #[serde(default)]
    pub modules: String,
    /// Versions, newest first, one per line.
    #[serde(default)]
    pub versions: String,
    /// Offered (a checkbox: present when ticked).
    pub is_active: Option<String>,
    /// On update: the version read.
    #[serde(default)]
    pub version: i64,
}

/// The non-empty lines of a text, each once.
fn lines(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if !out.iter().any(|o| o == line) {
            out.push(line.to_owned());
        }
    }
    out
}

impl ProductForm {
    /// The form of a stored product.
    pub fn of(p: &ProductRecord) -> Self {
        ProductForm {
            code: p.code.clone(),
            name: p.name.clone(),
            modules: p.modules.join("\n"),
            versions: p.versions.join("\n"),
            is_active: p.is_active.then(|| "on".into()),
            version: p.version,
        }
    }

    fn check(&self) -> Result<NewProduct> {
        let mut errors = FieldErrors::default();
        let code = self.code.trim();
        if code.is_empty()
            || code.len() > 30
            || !code
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            errors.add("code", "product-error-code");
        }
        if self.name.trim().is_empty() || self.name.chars().count() > 200 {
            errors.add("name", "form-error-required");
        }
        let versions = lines(&self.versions);
        if versions.is_empty() {
            errors.add("versions", "product-error-versions");
        }
        let modules = lines(&self.modules);
        if modules
            .iter()
            .chain(&versions)
            .any(|l| l.chars().count() > 100)
        {
            errors.add("modules", "product-error-line");
        }
        errors.into_result()?;
        Ok(NewProduct {
            code: code.to_uppercase(),
            name: self.name.trim().into(),
            modules,
            versions,
            is_active: self.is_active.is_some(),
        })
    }
}

fn code_taken(error: StoreError) -> Error {
    match error {
        StoreError::Duplicate(_) => Error::conflicting("code", "product-error-code-taken"),
        other => other.into(),
    }
}

/// An installation as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct InstallationForm {
    /// Product id.
    #[serde(default)]
    pub product: String,
    /// Label, e.g. "Produkce".
    #[serde(default)]
    pub label: String,
    /// One of the product's versions.
    #[serde(default)]
    pub product_version: String,
    /// Notes.
    #[serde(default)]
    pub notes: String,
    /// On update: the version read.
    #[serde(default)]
    pub version: i64,
    /// Modules in use (repeated field).
    #[serde(skip)]
    pub modules: Vec<String>,
}

impl InstallationForm {
    /// The form of a stored installation.
    pub fn of(i: &InstallationRecord) -> Self {
        InstallationForm {
            product: i.product_id.to_string(),
            label: i.label.clone(),
            product_version: i.product_version.clone(),
            notes: i.notes.clone(),
            version: i.version,
            modules: i.modules.clone(),
        }
    }

    /// Checks against the product: a label, one of its versions, only its modules.
    fn check(&self, product: &ProductRecord) -> Result<NewInstallation> {
        let mut errors = FieldErrors::default();
        if self.label.trim().is_empty() || self.label.chars().count() > 100 {
            errors.add("label", "form-error-required");
        }
        let new = NewInstallation {
            product_id: product.id,
            label: self.label.trim().into(),
            product_version: self.product_version.trim().into(),
            modules: self.modules.clone(),
            notes: self.notes.trim().into(),
        };
        if !product.versions.contains(&new.product_version) {
            errors.add("product_version", "installation-error-version");
        }
        if !new.fits(product) && !errors.has("product_version") {
            errors.add("modules", "installation-error-modules");
        }
        errors.into_result()?;
        Ok(new)
    }
}

/// An installation with its organisation, product and history.
#[derive(Debug)]
pub struct InstallationDetail {
    /// The installation.
    pub installation: InstallationRecord,
    /// Its organisation.
    pub organisation: OrganisationRecord,
    /// Its product.
    pub product: ProductRecord,
    /// Its history, newest first.
    pub history: Vec<HistoryRecord>,
}

impl Administration<'_> {
    /// Every product by name (staff who read the catalogue).
    pub async fn products(&self, actor: &Actor) -> Result<Vec<ProductRecord>> {
        require(actor, AdminArea::Catalogue, Action::Read)?;
        Ok(self.app.store().products(true).await?)
    }

    /// Checks that the actor maintains the catalogue (before a request is read).
    pub fn require_catalogue_manager(&self, actor: &Actor) -> Result<()> {
        require(actor, AdminArea::Catalogue, Action::Manage)
    }

    /// Adds a product; a taken code is refused.
    pub async fn create_product(&self, actor: &Actor, form: &ProductForm) -> Result<ProductRecord> {
        require(actor, AdminArea::Catalogue, Action::Manage)?;
        let new = form.check()?;
        let store = self.app.store();
        let id = store
            .create_product(actor, &new)
            .await
            .map_err(code_taken)?;
        Ok(store.product(id).await?)
    }

    /// A product with its history.
    pub async fn product(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<(ProductRecord, Vec<HistoryRecord>)> {
        require(actor, AdminArea::Catalogue, Action::Read)?;
        let id: ProductId = super::id(id)?;
        let store = self.app.store();
        let product = store.product(id).await?;
        let history = store.history("product", id.0).await?;
        Ok((product, history))
    }

    /// Changes a product read at `form.version` (else 409).
    pub async fn update_product(
        &self,
        actor: &Actor,
        id: &str,
        form: &ProductForm,
    ) -> Result<ProductRecord> {
        require(actor, AdminArea::Catalogue, Action::Manage)?;
        let id: ProductId = super::id(id)?;
        let store = self.app.store();
        store.product(id).await?;
        let changed = form.check()?;
        store
            .update_product(actor, id, form.version, &changed)
            .await
            .map_err(code_taken)?;
        Ok(store.product(id).await?)
    }

    /// An offered product chosen by id for a new installation (none when it is not one).
    pub async fn offered_product(&self, text: &str) -> Result<Option<ProductRecord>> {
        let Ok(id) = text.parse::<ProductId>() else {
            return Ok(None);
        };
        match self.app.store().product(id).await {
            Ok(product) => Ok(Some(product).filter(|p| p.is_active)),
            Err(StoreError::NotFound) => Ok(None),
            Err(other) => Err(other.into()),
        }
    }

    /// The organisation a new installation goes to, and the offered products (staff who
    /// manage organisations).
    pub async fn installation_choices(
        &self,
        actor: &Actor,
        organisation: &str,
    ) -> Result<(OrganisationRecord, Vec<ProductRecord>)> {
        require(actor, AdminArea::Organisations, Action::Manage)?;
        let organisation: OrganisationId = id(organisation)?;
        let store = self.app.store();
        Ok((
            store.organisation(actor, organisation).await?,
            store.products(false).await?,
        ))
    }

    /// Adds an installation to an organisation's card: an offered product, one of its
    /// versions and only its modules.
    pub async fn create_installation(
        &self,
        actor: &Actor,
        organisation: &str,
        form: &InstallationForm,
    ) -> Result<InstallationRecord> {
        let (organisation, _) = self.installation_choices(actor, organisation).await?;
        let Some(product) = self.offered_product(&form.product).await? else {
            return Err(Error::missing("product", "installation-error-product"));
        };
        let new = form.check(&product)?;
        let store = self.app.store();
        let id = store
            .create_installation(actor, organisation.id, &new)
            .await?;
        Ok(store.installation(actor, id).await?)
    }

    /// An installation with its organisation, product and history.
    pub async fn installation(&self, actor: &Actor, id: &str) -> Result<InstallationDetail> {
        require(actor, AdminArea::Organisations, Action::Read)?;
        let id: InstallationId = super::id(id)?;
        let store = self.app.store();
        let installation = store.installation(actor, id).await?;
        Ok(InstallationDetail {
            organisation: store
                .organisation(actor, installation.organisation_id)
                .await?,
            product: store.product(installation.product_id).await?,
            history: store.history("installation", installation.id.0).await?,
            installation,
        })
    }

    /// Changes an installation read at `form.version` (else 409); its product stays.
    pub async fn update_installation(
        &self,
        actor: &Actor,
        id: &str,
        form: &InstallationForm,
    ) -> Result<InstallationRecord> {
        require(actor, AdminArea::Organisations, Action::Manage)?;
        let id: InstallationId = super::id(id)?;
        let store = self.app.store();
        let installation = store.installation(actor, id).await?;
        let product = store.product(installation.product_id).await?;
        let changed = form.check(&product)?;
        store
            .update_installation(actor, id, form.version, &changed)
            .await?;
        Ok(store.installation(actor, id).await?)
    }

    /// Removes an installation; returns its organisation.
    pub async fn remove_installation(&self, actor: &Actor, id: &str) -> Result<OrganisationId> {
        require(actor, AdminArea::Organisations, Action::Manage)?;
        let id: InstallationId = super::id(id)?;
        Ok(self.app.store().remove_installation(actor, id).await?)
    }
}
