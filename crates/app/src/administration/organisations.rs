//! Organisations: the overview (keyset-paged by name), creating and editing (IČO checked by
//! its check digit, stale edits refused), the detail with contracts, installation card, account
//! team and members, the account team itself, and what a customer sees of its own.

use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::ids::{OrganisationId, UserId};
use supportweb_domain::organisation::{Ico, InvalidIco, OrganisationKind};
use supportweb_domain::permissions::{Action, AdminArea};
use supportweb_domain::user::UserKind;
use supportweb_storage::StoreError;
use supportweb_storage::history::HistoryRecord;
use supportweb_storage::organisations::NewOrganisation;

use super::{
    Administration, ContractRecord, InstallationRecord, Member, OrganisationRecord, TeamMember, id,
    require,
};
use crate::choices::Named;
use crate::overview::{Overview, Page, page};
use crate::typed::looks_like_email;
use crate::{App, Error, FieldErrors, Result};

/// Organisations on one page of the overview.
const PAGE_SIZE: i64 = 50;

/// The organisations overview: by name, keyset-paged.
pub struct OrganisationOverview;

/// Where a page of organisations starts and how long it is.
#[derive(Debug, Clone)]
pub struct OrganisationQuery {
    after: Option<(String, OrganisationId)>,
    limit: i64,
}

impl Default for OrganisationQuery {
    fn default() -> Self {
        OrganisationQuery {
            after: None,
            limit: PAGE_SIZE,
        }
    }
}

impl Overview for OrganisationOverview {
    type Query = OrganisationQuery;
    type Row = OrganisationRecord;

    fn position(query: &mut OrganisationQuery, after: Option<&OrganisationRecord>, limit: i64) {
        query.after = after.map(|o| (o.name.clone(), o.id));
        query.limit = limit;
    }

    fn limit(query: &OrganisationQuery) -> i64 {
        query.limit
    }

    fn cursor(row: &OrganisationRecord) -> String {
        row.id.to_string()
    }

    async fn fetch(
        app: &App,
        actor: &Actor,
        query: &OrganisationQuery,
    ) -> Result<Vec<OrganisationRecord>> {
        let after = query.after.as_ref().map(|(name, id)| (name.as_str(), *id));
        let limit = u32::try_from(query.limit).unwrap_or(50);
        Ok(app.store().organisations(actor, after, limit).await?)
    }
}

/// The organisation form as typed (pages) or sent (API).
#[derive(Debug, Default, Clone, Deserialize)]
pub struct OrganisationForm {
    /// Name.
    #[serde(default)]
    pub name: String,
    /// `customer` or `partner`.
    #[serde(default)]
    pub kind: String,
    /// IČO (optional; checked by its check digit).
    #[serde(default)]
    pub ico: String,
    /// DIČ.
    #[serde(default)]
    pub dic: String,
    /// Street and number.
    #[serde(default)]
    pub street: String,
    /// City.
    #[serde(default)]
    pub city: String,
    /// Postal code.
    #[serde(default)]
    pub postal_code: String,
    /// Contact e-mail.
    #[serde(default)]
    pub email: String,
    /// Contact phone.
    #[serde(default)]
    pub phone: String,
    /// Public body (a checkbox: present when ticked).
    pub is_public_body: Option<String>,
    /// Staff notes.
    #[serde(default)]
    pub notes: String,
    /// On update: the version read.
    #[serde(default)]
    pub version: i64,
}

impl OrganisationForm {
    /// The form of a stored organisation.
    pub fn of(o: &OrganisationRecord) -> Self {
        OrganisationForm {
            name: o.name.clone(),
            kind: o.kind.as_str().into(),
            ico: o.ico.clone().unwrap_or_default(),
            dic: o.dic.clone().unwrap_or_default(),
            street: o.street.clone(),
            city: o.city.clone(),
            postal_code: o.postal_code.clone(),
            email: o.email.clone(),
            phone: o.phone.clone(),
            is_public_body: o.is_public_body.then(|| "on".into()),
            notes: o.notes.clone(),
            version: o.version,
        }
    }

    /// Checks what was typed; problems per field.
    fn check(&self) -> Result<NewOrganisation> {
        let mut errors = FieldErrors::default();
        let mut required = |value: &str, field: &'static str| {
            if value.trim().is_empty() || value.chars().count() > 300 {
                errors.add(field, "form-error-required");
            }
        };
        required(&self.name, "name");
        required(&self.street, "street");
        required(&self.city, "city");
        required(&self.postal_code, "postal_code");
        let kind = OrganisationKind::parse(&self.kind);
        if kind.is_none() {
            errors.add("kind", "form-error-required");
        }
        let ico = if self.ico.trim().is_empty() {
            None
        } else {
            match Ico::parse(&self.ico) {
                Ok(ico) => Some(ico),
                Err(InvalidIco::Format) => {
                    errors.add("ico", "organisation-error-ico-format");
                    None
                }
                Err(InvalidIco::Checksum) => {
                    errors.add("ico", "organisation-error-ico-checksum");
                    None
                }
            }
        };
        if !self.email.trim().is_empty() && !looks_like_email(self.email.trim()) {
            errors.add("email", "account-error-email");
        }
        let Some(kind) = kind else {
            return Err(Error::Invalid(errors));
        };
        errors.into_result()?;
        Ok(NewOrganisation {
            name: self.name.trim().into(),
            kind,
            ico,
            dic: Some(self.dic.trim().to_owned()).filter(|d| !d.is_empty()),
            street: self.street.trim().into(),
            city: self.city.trim().into(),
            postal_code: self.postal_code.trim().into(),
            email: self.email.trim().into(),
            phone: self.phone.trim().into(),
            is_public_body: self.is_public_body.is_some(),
            notes: self.notes.trim().into(),
        })
    }
}

fn taken(error: StoreError) -> Error {
    match error {
        StoreError::Duplicate(_) => Error::conflicting("ico", "organisation-error-ico-taken"),
        other => other.into(),
    }
}

/// An organisation with what staff administer of it.
#[derive(Debug)]
pub struct OrganisationDetail {
    /// The organisation.
    pub organisation: OrganisationRecord,
    /// Its contracts, newest validity first.
    pub contracts: Vec<ContractRecord>,
    /// Its installation card.
    pub installations: Vec<InstallationRecord>,
    /// The vendor's account team.
    pub team: Vec<TeamMember>,
    /// Its members.
    pub members: Vec<Member>,
    /// Active staff who may join the account team.
    pub staff: Vec<Named<UserId>>,
    /// Its history, newest first.
    pub history: Vec<HistoryRecord>,
}

/// What a customer or partner user sees of one of its organisations.
#[derive(Debug)]
pub struct OwnOrganisation {
    /// The organisation.
    pub organisation: OrganisationRecord,
    /// Its contracts.
    pub contracts: Vec<ContractRecord>,
    /// Its installation card.
    pub installations: Vec<InstallationRecord>,
    /// The vendor's account team.
    pub team: Vec<TeamMember>,
    /// Colleagues.
    pub colleagues: Vec<Member>,
    /// The user's own rights in it.
    pub rights: supportweb_domain::membership::MembershipRights,
}

impl Administration<'_> {
    /// One page of organisations the actor may see, by name, after organisation `after`
    /// (staff: every one; customer and partner users: their own).
    pub async fn organisations(
        &self,
        actor: &Actor,
        after: Option<&str>,
    ) -> Result<Page<OrganisationRecord>> {
        let mut query = OrganisationQuery::default();
        if let Some(text) = after.filter(|t| !t.is_empty()) {
            let id: OrganisationId = text.parse().map_err(|_| Error::BadRequest("bad_request"))?;
            let last = self.app.store().organisation(actor, id).await?;
            OrganisationOverview::position(&mut query, Some(&last), PAGE_SIZE);
        }
        page::<OrganisationOverview>(self.app, actor, &query).await
    }

    /// The overview for staff who read organisations: each with its contracts (for the
    /// support state).
    pub async fn organisation_overview(
        &self,
        actor: &Actor,
        after: Option<&str>,
    ) -> Result<Page<(OrganisationRecord, Vec<ContractRecord>)>> {
        require(actor, AdminArea::Organisations, Action::Read)?;
        let page = self.organisations(actor, after).await?;
        let mut rows = Vec::with_capacity(page.rows.len());
        for organisation in page.rows {
            let contracts = self.app.store().contracts(actor, organisation.id).await?;
            rows.push((organisation, contracts));
        }
        Ok(Page {
            rows,
            next: page.next,
        })
    }

    /// Checks that the actor manages organisations (before a request is read).
    pub fn require_organisation_manager(&self, actor: &Actor) -> Result<()> {
        require(actor, AdminArea::Organisations, Action::Manage)
    }

    /// Creates an organisation (staff who manage organisations); a taken IČO is refused.
    pub async fn create_organisation(
        &self,
        actor: &Actor,
        form: &OrganisationForm,
    ) -> Result<OrganisationRecord> {
        require(actor, AdminArea::Organisations, Action::Manage)?;
        let new = form.check()?;
        let store = self.app.store();
        let id = store.create_organisation(&new).await.map_err(taken)?;
        Ok(store.organisation(actor, id).await?)
    }

    /// An organisation the actor may see.
    pub async fn organisation(&self, actor: &Actor, id: &str) -> Result<OrganisationRecord> {
        let id: OrganisationId = super::id(id)?;
        Ok(self.app.store().organisation(actor, id).await?)
    }

    /// An organisation with its card and contracts (the API's view of it).
    pub async fn organisation_with_card(
        &self,
        actor: &Actor,
        id: &str,
    ) -> Result<(
        OrganisationRecord,
        Vec<InstallationRecord>,
        Vec<ContractRecord>,
    )> {
        let organisation = self.organisation(actor, id).await?;
        let store = self.app.store();
        Ok((
            store.installations(actor, organisation.id).await?,
            store.contracts(actor, organisation.id).await?,
        ))
        .map(|(installations, contracts)| (organisation, installations, contracts))
    }

    /// An organisation with everything staff administer of it.
    pub async fn organisation_detail(&self, actor: &Actor, id: &str) -> Result<OrganisationDetail> {
        require(actor, AdminArea::Organisations, Action::Read)?;
        let organisation = self.organisation(actor, id).await?;
        let store = self.app.store();
        let id = organisation.id;
        Ok(OrganisationDetail {
            contracts: store.contracts(actor, id).await?,
            installations: store.installations(actor, id).await?,
            team: store.account_team(actor, id).await?,
            members: store.members(actor, id).await?,
            staff: store
                .accounts_page(None, 1000)
                .await?
                .into_iter()
                .filter(|u| u.kind == UserKind::Staff && u.is_active)
                .map(|u| Named {
                    id: u.id,
                    name: u.display_name,
                })
                .collect(),
            history: store.history("organisation", id.0).await?,
            organisation,
        })
    }

    /// Changes an organisation read at `form.version` (else 409); a taken IČO is refused.
    pub async fn update_organisation(
        &self,
        actor: &Actor,
        id: &str,
        form: &OrganisationForm,
    ) -> Result<OrganisationRecord> {
        require(actor, AdminArea::Organisations, Action::Manage)?;
        let organisation = self.organisation(actor, id).await?;
        let changed = form.check()?;
        let store = self.app.store();
        store
            .update_organisation(actor, organisation.id, form.version, &changed)
            .await
            .map_err(taken)?;
        Ok(store.organisation(actor, organisation.id).await?)
    }

    /// Adds an active staff member to the organisation's account team, or removes them; the
    /// change enters the organisation's history in the same transaction.
    pub async fn change_team(
        &self,
        actor: &Actor,
        id: &str,
        user: &str,
        member: bool,
    ) -> Result<()> {
        require(actor, AdminArea::Organisations, Action::Manage)?;
        let organisation = self.organisation(actor, id).await?;
        let store = self.app.store();
        // The user id arrives in the request: it must name an active staff account.
        let staff = match user.parse().ok().map(UserId) {
            Some(user) => store
                .user(user)
                .await?
                .filter(|u| u.kind == UserKind::Staff && u.is_active),
            None => None,
        };
        let Some(staff) = staff else {
            return Err(Error::field("user", "team-error-user"));
        };
        store
            .change_account_team(
                actor,
                organisation.id,
                staff.id,
                &staff.display_name,
                member,
            )
            .await?;
        Ok(())
    }

    /// The organisations of a customer or partner user, as it sees them ("My organisation").
    pub async fn own_organisations(&self, actor: &Actor) -> Result<Vec<OwnOrganisation>> {
        if actor.is_staff() || actor.memberships.is_empty() {
            return Err(Error::NotFound);
        }
        let store = self.app.store();
        let mut out = Vec::new();
        for membership in &actor.memberships {
            let id = membership.organisation_id;
            out.push(OwnOrganisation {
                organisation: store.organisation(actor, id).await?,
                contracts: store.contracts(actor, id).await?,
                installations: store.installations(actor, id).await?,
                team: store.account_team(actor, id).await?,
                colleagues: store.members(actor, id).await?,
                rights: membership.rights,
            });
        }
        Ok(out)
    }
}

/// Parses an organisation id from a path.
pub fn organisation_id(text: &str) -> Result<OrganisationId> {
    id(text)
}
