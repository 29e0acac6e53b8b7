//! What forms and filters offer to choose from, through the actor's access: organisations,
//! staff members, products.

use supportweb_domain::Actor;
use supportweb_domain::ids::{OrganisationId, ProductId, UserId};
use supportweb_domain::membership::MembershipRights;

use crate::{App, Result};

/// Something to choose, by id and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named<Id> {
    /// Id.
    pub id: Id,
    /// Name as shown.
    pub name: String,
}

impl App {
    /// The organisations `actor` may choose: every one for staff (the caller has checked
    /// their role; at most 1000), for others those memberships whose rights `fits`.
    pub async fn organisation_choices(
        &self,
        actor: &Actor,
        fits: impl Fn(&MembershipRights) -> bool,
    ) -> Result<Vec<Named<OrganisationId>>> {
        if actor.is_staff() {
            return Ok(self
                .store()
                .organisations(actor, None, 1000)
                .await?
                .into_iter()
                .map(|o| Named {
                    id: o.id,
                    name: o.name,
                })
                .collect());
        }
        let mut out = Vec::new();
        for m in actor.memberships.iter().filter(|m| fits(&m.rights)) {
            let o = self.store().organisation(actor, m.organisation_id).await?;
            out.push(Named {
                id: o.id,
                name: o.name,
            });
        }
        Ok(out)
    }

    /// Staff members who work in support documents (assignees), for staff.
    pub async fn support_staff_choices(&self, actor: &Actor) -> Result<Vec<Named<UserId>>> {
        if !actor.is_staff() {
            return Ok(Vec::new());
        }
        Ok(self
            .store()
            .support_staff()
            .await?
            .into_iter()
            .map(|(id, name)| Named { id, name })
            .collect())
    }

    /// Products of the catalogue that are offered (filters and forms).
    pub async fn product_choices(&self) -> Result<Vec<Named<ProductId>>> {
        Ok(self
            .store()
            .products(false)
            .await?
            .into_iter()
            .map(|p| Named {
                id: p.id,
                name: p.name,
            })
            .collect())
    }
}
