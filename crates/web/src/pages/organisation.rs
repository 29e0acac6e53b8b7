//! "My organisation": what a customer or partner user sees of its own organisations —
//! contract state, the vendor's account team, colleagues and its own rights. Read-only.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use chrono::NaiveDate;
use supportweb_app::administration::remote_access::may_maintain;
use supportweb_app::administration::{
    ContractRecord, InstallationRecord, Member, OrganisationRecord, TeamMember,
};
use supportweb_domain::Agenda;
use supportweb_domain::contract::{ends_soon, entitled_on};
use supportweb_domain::membership::MembershipRights;

use super::layout::{Layout, render};
use super::remote_access::RemoteSection;
use crate::context::SignedIn;
use crate::error::AppError;
use crate::i18n::Tr;
use crate::state::AppState;

/// A date as Czech and English users write it (`1. 12. 2026`, `1 Dec 2026`).
pub fn format_date(t: &Tr, date: NaiveDate) -> String {
    match t.lang {
        supportweb_domain::Language::Cs => date.format("%-d. %-m. %Y").to_string(),
        supportweb_domain::Language::En => date.format("%-d %b %Y").to_string(),
    }
}

/// A membership's rights in words: one `(agenda, right)` line per agenda, and its flags.
pub struct RightsView {
    /// `(agenda name, right name)` per agenda.
    pub rights: Vec<(String, String)>,
    /// Names of the flags that are set.
    pub flags: Vec<String>,
}

impl RightsView {
    /// Describes `rights` in the language of `t`.
    pub fn new(t: &Tr, rights: &MembershipRights) -> Self {
        RightsView {
            rights: Agenda::ALL
                .into_iter()
                .map(|a| {
                    (
                        t.t(format!("agenda-{}", a.slug())),
                        t.t(format!("right-{}", rights.right(a).as_str())),
                    )
                })
                .collect(),
            flags: [
                (rights.may_approve_orders, "flag-approve-orders"),
                (rights.may_confirm_protocols, "flag-confirm-protocols"),
                (rights.may_see_validation_codes, "flag-see-validation-codes"),
                (rights.all_notifications, "flag-all-notifications"),
            ]
            .into_iter()
            .filter(|(on, _)| *on)
            .map(|(_, key)| t.t(key))
            .collect(),
        }
    }
}

/// One contract as shown.
pub struct ContractView {
    /// Id (staff link to the contract's page).
    pub id: String,
    /// Number.
    pub number: String,
    /// `1. 1. 2026 – 31. 12. 2026`.
    pub validity: String,
    /// State in the user's language.
    pub state: String,
    /// Covered products of the catalogue.
    pub products: String,
    /// Notes on the scope.
    pub covered_scope: String,
    /// Prepaid hours, if any.
    pub prepaid_hours: Option<String>,
    /// Whether it covers today.
    pub current: bool,
}

impl ContractView {
    /// A contract as shown in `t`'s language; `current` when it covers `today`.
    pub fn new(t: &Tr, c: &ContractRecord, today: NaiveDate) -> Self {
        ContractView {
            id: c.id.to_string(),
            number: c.number.clone(),
            validity: format!(
                "{} – {}",
                format_date(t, c.term.valid_from),
                format_date(t, c.term.valid_to)
            ),
            state: t.t(format!("contract-state-{}", c.term.state.as_str())),
            products: c
                .products
                .iter()
                .map(|(_, name)| name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            covered_scope: c.covered_scope.clone(),
            prepaid_hours: c.prepaid_minutes.map(|m| t.tn("hours", "hours", m / 60)),
            current: c.term.covers(today),
        }
    }
}

/// The support situation of one organisation, shared by this page and the start page.
pub struct SupportStatus {
    /// Entitled today?
    pub entitled: bool,
    /// Warning text when support ends within 30 days.
    pub ending: Option<String>,
}

impl SupportStatus {
    /// "Support ends on …, N days left" for the last covered day `last`.
    pub fn ending(t: &Tr, last: NaiveDate, today: NaiveDate) -> String {
        let days = (last - today).num_days();
        t.t1("support-ends-on", "date", &format_date(t, last))
            + " "
            + &t.tn("support-days-left", "days", days)
    }

    /// The status of an organisation with `contracts` on `today`.
    pub fn new(t: &Tr, contracts: &[ContractRecord], today: NaiveDate) -> Self {
        let terms: Vec<_> = contracts.iter().map(|c| c.term).collect();
        SupportStatus {
            entitled: entitled_on(&terms, today),
            ending: ends_soon(&terms, today).map(|last| Self::ending(t, last, today)),
        }
    }
}

/// One organisation of the user.
pub struct OrganisationView {
    /// The organisation.
    pub organisation: OrganisationRecord,
    /// Its support situation.
    pub status: SupportStatus,
    /// Its contracts, newest first.
    pub contracts: Vec<ContractView>,
    /// Its installation card.
    pub installations: Vec<InstallationRecord>,
    /// The vendor's account team.
    pub team: Vec<TeamMember>,
    /// Colleagues (members of the organisation).
    pub colleagues: Vec<Member>,
    /// The user's own rights and flags.
    pub mine: RightsView,
    /// Remote access, for users who maintain it (write right in support documents).
    pub remote: Option<RemoteSection>,
}

#[derive(Template)]
#[template(path = "my_organisation.html")]
struct MyOrganisationPage {
    layout: Layout,
    organisations: Vec<OrganisationView>,
}

pub(super) async fn show(
    State(state): State<AppState>,
    signed: SignedIn,
) -> Result<Html<String>, AppError> {
    let actor = &signed.actor;
    let own = state
        .app()
        .administration()
        .own_organisations(actor)
        .await?;
    let layout = Layout::new(&signed.ctx, "organisation-title");
    let t = layout.t;
    let today = crate::pages::layout::today();
    let mut organisations = Vec::with_capacity(own.len());
    for own in own {
        let id = own.organisation.id;
        organisations.push(OrganisationView {
            status: SupportStatus::new(&t, &own.contracts, today),
            contracts: own
                .contracts
                .iter()
                .map(|c| ContractView::new(&t, c, today))
                .collect(),
            installations: own.installations,
            team: own.team,
            colleagues: own.colleagues,
            mine: RightsView::new(&t, &own.rights),
            remote: if may_maintain(actor, id) {
                Some(RemoteSection::load(&state, actor, &t, id).await?)
            } else {
                None
            },
            organisation: own.organisation,
        });
    }
    render(&MyOrganisationPage {
        layout,
        organisations,
    })
}
