//! What the start page says after sign-in: the user's account and the support situation of
//! its organisations and, for staff, of the organisations whose account team they are on.

use supportweb_domain::Actor;

use crate::administration::{ContractRecord, OrganisationRecord};
use crate::identity::UserRecord;
use crate::{App, Result};

/// The facts of the start page.
#[derive(Debug)]
pub struct StartPage {
    /// The user's account.
    pub account: UserRecord,
    /// The user's organisations with their contracts.
    pub organisations: Vec<(OrganisationRecord, Vec<ContractRecord>)>,
    /// Staff: the organisations of their account teams with their contracts.
    pub team_organisations: Vec<(OrganisationRecord, Vec<ContractRecord>)>,
}

impl App {
    /// The start page of `actor`.
    pub async fn start_page(&self, actor: &Actor) -> Result<StartPage> {
        let store = self.store();
        let account = self.identity().own_account(actor).await?;
        let mut organisations = Vec::with_capacity(actor.memberships.len());
        for membership in &actor.memberships {
            let organisation = store
                .organisation(actor, membership.organisation_id)
                .await?;
            let contracts = store.contracts(actor, organisation.id).await?;
            organisations.push((organisation, contracts));
        }
        let mut team_organisations = Vec::new();
        if actor.is_staff() {
            for organisation in store.team_organisations(actor).await? {
                let contracts = store.contracts(actor, organisation.id).await?;
                team_organisations.push((organisation, contracts));
            }
        }
        Ok(StartPage {
            account,
            organisations,
            team_organisations,
        })
    }
}
