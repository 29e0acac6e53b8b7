//! Accounts: the overview, creating an account (there is no self-registration) with a 72-hour
//! activation link to hand over, deactivating and reactivating, a new activation link,
//! memberships with their rights, and an administrator's reset of a lost second factor. Staff
//! accounts are managed by administrators only. Every change is written with its history and
//! audit entries in one transaction.

use chrono::Duration;
use supportweb_domain::agenda::Agenda;
use supportweb_domain::audit::AuditEvent;
use supportweb_domain::ids::{OrganisationId, UserId};
use supportweb_domain::membership::{Membership, MembershipRights};
use supportweb_domain::permissions::{Action, AdminArea};
use supportweb_domain::user::{Login, StaffRole, UserKind};
use supportweb_domain::{Actor, Language};
use supportweb_storage::StoreError;
use supportweb_storage::history::{FieldChange, HistoryRecord};
use supportweb_storage::users::NewUser;

pub use supportweb_storage::users::UserRecord;

use super::{Administration, OrganisationRecord, may, require};
use crate::audit::{Concerning, NewAuditEvent, entry};
use crate::choices::Named;
use crate::identity::tokens::new_token;
use crate::overview::{Overview, Page, page};
use crate::{App, Error, FieldErrors, Result};

/// How long an activation link works.
pub const ACTIVATION_HOURS: i64 = 72;
/// Accounts on one page of the overview.
const PAGE_SIZE: i64 = 50;

/// The accounts overview: by name, keyset-paged; customer and partner accounts with the
/// names of their organisations.
pub struct AccountOverview;

/// Where a page of accounts starts and how long it is.
#[derive(Debug, Clone)]
pub struct AccountQuery {
    after: Option<(String, UserId)>,
    limit: i64,
}

impl Default for AccountQuery {
    fn default() -> Self {
        AccountQuery {
            after: None,
            limit: PAGE_SIZE,
        }
    }
}

impl Overview for AccountOverview {
    type Query = AccountQuery;
    type Row = (UserRecord, Vec<String>);

    fn position(query: &mut AccountQuery, after: Option<&(UserRecord, Vec<String>)>, limit: i64) {
        query.after = after.map(|(u, _)| (u.display_name.clone(), u.id));
        query.limit = limit;
    }

    fn limit(query: &AccountQuery) -> i64 {
        query.limit
    }

    fn cursor(row: &(UserRecord, Vec<String>)) -> String {
        row.0.id.to_string()
    }

    async fn fetch(
        app: &App,
        actor: &Actor,
        query: &AccountQuery,
    ) -> Result<Vec<(UserRecord, Vec<String>)>> {
        let store = app.store();
        let after = query.after.as_ref().map(|(name, id)| (name.as_str(), *id));
        let users = store
            .accounts_page(after, u32::try_from(query.limit).unwrap_or(50))
            .await?;
        let mut rows = Vec::with_capacity(users.len());
        for user in users {
            let mut names = Vec::new();
            if user.kind != UserKind::Staff {
                for membership in store.memberships_of(user.id).await? {
                    names.push(
                        store
                            .organisation(actor, membership.organisation_id)
                            .await?
                            .name,
                    );
                }
            }
            rows.push((user, names));
        }
        Ok(rows)
    }
}

/// A new account as typed.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// `customer`, `partner` or (administrators) `staff`.
    pub kind: String,
    /// Login name.
    pub login: String,
    /// Name.
    pub display_name: String,
    /// E-mail.
    pub email: String,
    /// Language tag.
    pub language: String,
    /// Customer and partner users: the organisation of their first membership.
    pub organisation: String,
    /// Its rights.
    pub rights: MembershipRights,
    /// Staff: their roles.
    pub roles: Vec<StaffRole>,
}

/// A created account and its activation link.
#[derive(Debug)]
pub struct Created {
    /// The account.
    pub account: UserRecord,
    /// The link to hand over.
    pub link: String,
}

/// An account with what its page shows.
#[derive(Debug)]
pub struct AccountDetail {
    /// The account.
    pub account: UserRecord,
    /// Its memberships with their organisations.
    pub memberships: Vec<(OrganisationRecord, Membership)>,
    /// Whether the actor may manage it.
    pub may_manage: bool,
    /// Customer and partner accounts: organisations to grant a membership in.
    pub organisations: Vec<Named<OrganisationId>>,
    /// Whether it signs in with a second factor.
    pub two_factor: bool,
    /// Its history, newest first.
    pub history: Vec<HistoryRecord>,
}

/// The rights of a membership as the audit log and history note them.
pub fn describe(rights: &MembershipRights) -> String {
    let mut text = Agenda::ALL
        .into_iter()
        .map(|a| format!("{}={}", a.slug(), rights.right(a).as_str()))
        .collect::<Vec<_>>()
        .join(" ");
    for (on, name) in [
        (rights.may_approve_orders, "approve-orders"),
        (rights.may_confirm_protocols, "confirm-protocols"),
        (rights.may_see_validation_codes, "see-validation-codes"),
        (rights.all_notifications, "all-notifications"),
    ] {
        if on {
            text.push(' ');
            text.push_str(name);
        }
    }
    text
}

/// Whether the actor may manage `account`: staff accounts only administrators.
fn may_manage(actor: &Actor, account: &UserRecord) -> bool {
    may(actor, AdminArea::Accounts, Action::Manage)
        && (account.kind != UserKind::Staff || actor.has_role(StaffRole::Administrator))
}

impl Administration<'_> {
    /// One page of accounts by name, each with its organisations' names.
    pub async fn accounts(
        &self,
        actor: &Actor,
        after: Option<&str>,
    ) -> Result<Page<(UserRecord, Vec<String>)>> {
        require(actor, AdminArea::Accounts, Action::Read)?;
        let mut query = AccountQuery::default();
        if let Some(id) = after {
            let id: UserId = id.parse().map_err(|_| Error::BadRequest("bad_request"))?;
            let user = self.app.store().user(id).await?.ok_or(Error::NotFound)?;
            AccountOverview::position(&mut query, Some(&(user, Vec::new())), PAGE_SIZE);
        }
        page::<AccountOverview>(self.app, actor, &query).await
    }

    /// Checks that the actor manages accounts (before a request is read).
    pub fn require_account_manager(&self, actor: &Actor) -> Result<()> {
        require(actor, AdminArea::Accounts, Action::Manage)
    }

    /// Organisations a new account may belong to.
    pub async fn account_organisations(&self, actor: &Actor) -> Result<Vec<Named<OrganisationId>>> {
        require(actor, AdminArea::Accounts, Action::Manage)?;
        self.app.organisation_choices(actor, |_| true).await
    }

    /// A new activation link for `account`, replacing any earlier one, in the caller's
    /// transaction.
    pub(crate) async fn activation(
        &self,
        tx: &mut supportweb_storage::Tx,
        issued_by: UserId,
        account: UserId,
    ) -> Result<String> {
        let (token, hash) = new_token()?;
        let expires = supportweb_storage::now() + Duration::hours(ACTIVATION_HOURS);
        tx.create_activation(account, &hash, issued_by, expires)
            .await?;
        Ok(format!(
            "{}/activate/{token}",
            self.app.settings().public_url
        ))
    }

    /// Creates an account with its first membership (customer and partner users) and an
    /// activation link, all audited, in one transaction.
    pub async fn create_account(
        &self,
        actor: &Actor,
        input: &NewAccount,
        address: &str,
    ) -> Result<Created> {
        require(actor, AdminArea::Accounts, Action::Manage)?;
        let store = self.app.store();
        let mut errors = FieldErrors::default();
        let kind = UserKind::parse(&input.kind);
        match kind {
            None => errors.add("kind", "account-error-kind"),
            Some(UserKind::Staff) if !actor.has_role(StaffRole::Administrator) => {
                errors.add("kind", "account-error-staff-admin-only");
            }
            _ => {}
        }
        let login = Login::parse(&input.login).ok();
        if login.is_none() {
            errors.add("login", "account-error-login");
        }
        let display_name = input.display_name.trim().to_owned();
        if display_name.is_empty() || display_name.chars().count() > 200 {
            errors.add("display_name", "account-error-name");
        }
        let email = input.email.trim().to_owned();
        let email_ok = email.len() <= 254
            && email.split_once('@').is_some_and(|(local, domain)| {
                !local.is_empty() && domain.contains('.') && !email.contains(char::is_whitespace)
            });
        if !email_ok {
            errors.add("email", "account-error-email");
        }
        let language = Language::from_tag(&input.language).unwrap_or_default();
        let mut organisation = None;
        match kind {
            Some(UserKind::Staff) if input.roles.is_empty() => {
                errors.add("roles", "account-error-roles");
            }
            Some(UserKind::Customer | UserKind::Partner) => {
                // The organisation id arrives in the request: authorise it again.
                match input.organisation.parse::<OrganisationId>().ok() {
                    Some(id) => match store.organisation(actor, id).await {
                        Ok(found) => organisation = Some(found.id),
                        Err(StoreError::NotFound) => {
                            errors.add("organisation", "account-error-organisation");
                        }
                        Err(other) => return Err(other.into()),
                    },
                    None => errors.add("organisation", "account-error-organisation"),
                }
            }
            _ => {}
        }
        let (Some(kind), Some(login), true) = (kind, login, errors.is_empty()) else {
            return Err(Error::Invalid(errors));
        };
        let new = NewUser {
            login,
            display_name,
            email,
            kind,
            roles: if kind == UserKind::Staff {
                input.roles.clone()
            } else {
                Vec::new()
            },
            password_hash: None,
            language,
        };
        let mut tx = store.begin().await?;
        let id = match tx.create_user(&new).await {
            Ok(id) => id,
            Err(StoreError::Duplicate(_)) => {
                return Err(Error::conflicting("login", "account-error-login-taken"));
            }
            Err(other) => return Err(other.into()),
        };
        let by = Concerning::by(actor.user_id, id);
        let mut audit = vec![entry(
            AuditEvent::AccountCreated,
            by,
            address,
            kind.as_str(),
        )];
        if let Some(organisation) = organisation {
            tx.set_membership(id, organisation, &input.rights).await?;
            audit.push(entry(
                AuditEvent::MembershipChanged,
                Concerning {
                    organisation: Some(organisation),
                    ..by
                },
                address,
                describe(&input.rights),
            ));
        }
        let link = self.activation(&mut tx, actor.user_id, id).await?;
        audit.push(entry(AuditEvent::ActivationLinkIssued, by, address, ""));
        tx.record_audit(&audit).await?;
        tx.commit().await?;
        tracing::info!(account = %id, by = %actor.user_id, "account created");
        let account = store.user(id).await?.ok_or(Error::NotFound)?;
        Ok(Created { account, link })
    }

    /// An account with its memberships, rights and history.
    pub async fn account(&self, actor: &Actor, id: &str) -> Result<AccountDetail> {
        require(actor, AdminArea::Accounts, Action::Read)?;
        let id: UserId = super::id(id)?;
        let store = self.app.store();
        let account = store.user(id).await?.ok_or(Error::NotFound)?;
        let mut memberships = Vec::new();
        for membership in store.memberships_of(id).await? {
            let organisation = store
                .organisation(actor, membership.organisation_id)
                .await?;
            memberships.push((organisation, membership));
        }
        let organisations = if account.kind == UserKind::Staff {
            Vec::new()
        } else {
            self.app.organisation_choices(actor, |_| true).await?
        };
        Ok(AccountDetail {
            may_manage: may_manage(actor, &account),
            two_factor: store.two_factor(id).await?.is_some_and(|r| r.is_enabled()),
            history: store.history("account", id.0).await?,
            memberships,
            organisations,
            account,
        })
    }

    /// An account the actor may manage (a staff account only for administrators: 403).
    async fn managed(&self, actor: &Actor, id: &str) -> Result<UserRecord> {
        require(actor, AdminArea::Accounts, Action::Manage)?;
        let id: UserId = super::id(id)?;
        let account = self.app.store().user(id).await?.ok_or(Error::NotFound)?;
        if may_manage(actor, &account) {
            Ok(account)
        } else {
            Err(Error::Forbidden)
        }
    }

    /// Resets a lost second factor (administrators); audited with it.
    pub async fn reset_two_factor(&self, actor: &Actor, id: &str, address: &str) -> Result<()> {
        let account = self.managed(actor, id).await?;
        let mut tx = self.app.store().begin().await?;
        if tx.remove_two_factor(account.id).await? {
            tx.record_audit(&[entry(
                AuditEvent::TwoFactorReset,
                Concerning::by(actor.user_id, account.id),
                address,
                "",
            )])
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Deactivates (ending every session at once) or reactivates an account; never one's own.
    pub async fn set_active(
        &self,
        actor: &Actor,
        id: &str,
        active: bool,
        address: &str,
    ) -> Result<()> {
        let account = self.managed(actor, id).await?;
        if account.id == actor.user_id {
            return Err(Error::Forbidden);
        }
        let mut tx = self.app.store().begin().await?;
        tx.set_user_active(account.id, active).await?;
        if active != account.is_active {
            tx.record_changes(
                "account",
                account.id.0,
                actor.user_id,
                &[FieldChange {
                    field: "active",
                    old: account.is_active.to_string(),
                    new: active.to_string(),
                }],
            )
            .await?;
        }
        let event = if active {
            AuditEvent::AccountReactivated
        } else {
            AuditEvent::AccountDeactivated
        };
        tx.record_audit(&[entry(
            event,
            Concerning::by(actor.user_id, account.id),
            address,
            "",
        )])
        .await?;
        tx.commit().await?;
        tracing::info!(account = %account.id, active, by = %actor.user_id, "account activity changed");
        Ok(())
    }

    /// A new activation link for an account, replacing the old one; audited.
    pub async fn new_activation_link(
        &self,
        actor: &Actor,
        id: &str,
        address: &str,
    ) -> Result<String> {
        let account = self.managed(actor, id).await?;
        let mut tx = self.app.store().begin().await?;
        let link = self.activation(&mut tx, actor.user_id, account.id).await?;
        tx.record_audit(&[entry(
            AuditEvent::ActivationLinkIssued,
            Concerning::by(actor.user_id, account.id),
            address,
            "",
        )])
        .await?;
        tx.commit().await?;
        Ok(link)
    }

    /// Grants or changes a membership (`rights`), or ends it (`None`): a customer user belongs
    /// to one organisation, a partner user to any number, staff to none. The change, its
    /// history and its audit entry are written together.
    pub async fn change_membership(
        &self,
        actor: &Actor,
        id: &str,
        organisation: &str,
        rights: Option<&MembershipRights>,
        address: &str,
    ) -> Result<()> {
        let account = self.managed(actor, id).await?;
        let store = self.app.store();
        // The organisation id arrives in the request: authorise it again.
        let organisation = match organisation.parse::<OrganisationId>() {
            Ok(id) => match store.organisation(actor, id).await {
                Ok(found) => Some(found),
                Err(StoreError::NotFound) => None,
                Err(other) => return Err(other.into()),
            },
            Err(_) => None,
        };
        let existing = store.memberships_of(account.id).await?;
        let problem = match &organisation {
            None => Some("account-error-organisation"),
            Some(_) if account.kind == UserKind::Staff => Some("membership-error-staff"),
            Some(o)
                if rights.is_some()
                    && account.kind == UserKind::Customer
                    && existing.iter().any(|m| m.organisation_id != o.id) =>
            {
                Some("membership-error-one-organisation")
            }
            _ => None,
        };
        let (Some(organisation), None) = (organisation, problem) else {
            return Err(Error::field(
                "membership",
                problem.unwrap_or("account-error-organisation"),
            ));
        };
        let concerning = Concerning {
            organisation: Some(organisation.id),
            ..Concerning::by(actor.user_id, account.id)
        };
        let before = existing
            .iter()
            .find(|m| m.organisation_id == organisation.id)
            .map(|m| format!("{}: {}", organisation.name, describe(&m.rights)))
            .unwrap_or_default();
        let after = rights
            .map(|r| format!("{}: {}", organisation.name, describe(r)))
            .unwrap_or_default();
        let mut tx = store.begin().await?;
        if before != after {
            tx.record_changes(
                "account",
                account.id.0,
                actor.user_id,
                &[FieldChange {
                    field: "membership",
                    old: before,
                    new: after,
                }],
            )
            .await?;
        }
        let audit: Vec<NewAuditEvent> = match rights {
            None => {
                if tx.remove_membership(account.id, organisation.id).await? {
                    vec![entry(
                        AuditEvent::MembershipChanged,
                        concerning,
                        address,
                        "removed",
                    )]
                } else {
                    Vec::new()
                }
            }
            Some(rights) => {
                tx.set_membership(account.id, organisation.id, rights)
                    .await?;
                vec![entry(
                    AuditEvent::MembershipChanged,
                    concerning,
                    address,
                    describe(rights),
                )]
            }
        };
        tx.record_audit(&audit).await?;
        tx.commit().await?;
        Ok(())
    }
}
