//! Submitting a requirement (customer users with the write right, or staff on the customer's
//! behalf naming the requesting user), and converting a support document into an order.

use chrono::NaiveDate;
use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::ids::{DocumentId, FileId, OrganisationId, UserId};
use supportweb_storage::customization_orders::{NewOrder, OrderError, OrderRecord};

use super::{Orders, require_reader, staff_writes};
use crate::choices::Named;
use crate::{Error, FieldErrors, Result};

/// A requirement as typed (pages) or sent (API), before checking.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct OrderInput {
    /// Organisation id.
    #[serde(default)]
    pub organisation: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Description (Markdown).
    #[serde(default)]
    pub description: String,
    /// The day the customer would like it (`YYYY-MM-DD`, optional).
    #[serde(default)]
    pub desired_on: String,
    /// Staff: the customer user it is requested by.
    #[serde(default)]
    pub requested_by: String,
    /// Files uploaded by the actor.
    #[serde(skip)]
    pub files: Vec<FileId>,
}

impl OrderInput {
    /// Checks what was typed; problems per field.
    fn check(&self) -> Result<NewOrder> {
        let mut errors = FieldErrors::default();
        let organisation = self.organisation.trim().parse().ok().map(OrganisationId);
        if organisation.is_none() {
            errors.add("organisation", "order-error-organisation");
        }
        if self.title.trim().is_empty() {
            errors.add("title", "order-error-title");
        }
        if self.title.chars().count() > 200 {
            errors.add("title", "order-error-title-long");
        }
        if self.description.trim().is_empty() {
            errors.add("description", "order-error-description");
        }
        let desired_on = match self.desired_on.trim() {
            "" => None,
            text => match text.parse::<NaiveDate>() {
                Ok(day) => Some(day),
                Err(_) => {
                    errors.add("desired_on", "order-error-date");
                    None
                }
            },
        };
        let requested_by = match self.requested_by.trim() {
            "" => None,
            text => match text.parse() {
                Ok(id) => Some(UserId(id)),
                Err(_) => {
                    errors.add("requested_by", "order-error-requested-by");
                    None
                }
            },
        };
        let Some(organisation) = organisation else {
            return Err(Error::Invalid(errors));
        };
        errors.into_result()?;
        Ok(NewOrder {
            organisation_id: organisation,
            title: self.title.trim().to_owned(),
            description: self.description.clone(),
            desired_on,
            requested_by,
            files: self.files.clone(),
        })
    }
}

impl Orders<'_> {
    /// The organisations the actor may submit for; nobody else reaches the form.
    pub async fn submittable(&self, actor: &Actor) -> Result<Vec<Named<OrganisationId>>> {
        require_reader(actor)?;
        if actor.is_staff() && !staff_writes(actor) {
            return Err(Error::NotFound);
        }
        let organisations = self.organisations(actor, true).await?;
        if organisations.is_empty() {
            return Err(Error::NotFound);
        }
        Ok(organisations)
    }

    /// Staff submitting for `organisation`: its active members, one of whom requests it.
    pub async fn requesters(
        &self,
        actor: &Actor,
        organisation: &str,
    ) -> Result<Vec<Named<UserId>>> {
        let Ok(organisation) = organisation.parse::<OrganisationId>() else {
            return Ok(Vec::new());
        };
        if !actor.is_staff() {
            return Ok(Vec::new());
        }
        Ok(self
            .app
            .store()
            .members(actor, organisation)
            .await
            .unwrap_or_default()
            .into_iter()
            .filter(|m| m.is_active)
            .map(|m| Named {
                id: m.user_id,
                name: m.display_name,
            })
            .collect())
    }

    /// Submits a requirement; an organisation the actor may not submit for is refused next
    /// to the field.
    pub async fn submit(&self, actor: &Actor, input: &OrderInput) -> Result<OrderRecord> {
        require_reader(actor)?;
        let new = input.check()?;
        let store = self.app.store();
        let id = store
            .create_order(actor, &new)
            .await
            .map_err(|error| match error {
                OrderError::NotAllowed => {
                    Error::missing("organisation", "order-error-organisation")
                }
                other => other.into(),
            })?;
        Ok(store.order(actor, id).await?)
    }

    /// Converts a support document into an order (staff who write orders), once.
    pub async fn convert(&self, actor: &Actor, document: &str) -> Result<OrderRecord> {
        require_reader(actor)?;
        if !actor.is_staff() {
            return Err(Error::NotFound);
        }
        let document: DocumentId = document.parse().map_err(|_| Error::NotFound)?;
        let store = self.app.store();
        let id = store.convert_document(actor, document).await?;
        Ok(store.order(actor, id).await?)
    }
}
