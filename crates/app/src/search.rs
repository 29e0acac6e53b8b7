//! Portal-wide search (`/search`, `GET /api/v1/search`): the words of the query through the
//! full-text index of each searchable agenda, inside the actor's scope, best first, grouped
//! by agenda. A query that is a record number the actor may open goes straight to it.

use serde::Deserialize;
use supportweb_domain::Actor;
use supportweb_domain::customization_order::OrderState;
use supportweb_domain::ids::{OrderId, ProtocolId};
use supportweb_domain::numbering::{HumanNumber, NumberedAgenda};
use supportweb_domain::patch::PatchState;
use supportweb_domain::protocol::ProtocolState;
use supportweb_domain::search::query_words;
use supportweb_domain::support_document::DocumentState;
use supportweb_storage::search::{Indexed, SearchFilter};
pub use supportweb_storage::search::{MARK_END, MARK_START, SearchHit};

use crate::App;
use crate::error::{Error, FieldErrors, Result};
use crate::overview::FilterReader;

/// Results per agenda and page.
pub const PAGE_SIZE: i64 = 20;

/// The agendas the search covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SearchAgenda {
    /// Support documents: number, subject, description, public replies; internal notes for
    /// staff.
    SupportDocuments,
    /// Customization orders: number, title, requirement, every quote's scope, public replies;
    /// internal notes for staff.
    CustomizationOrders,
    /// Communication protocols: customers the text of the last issued revision, staff the
    /// protocol as it stands (drafts included).
    Protocols,
    /// Patches: build, title, release notes (customers those offered to them).
    Patches,
    /// Procedures: title and body (each visibility respected).
    Procedures,
    /// Organisations, for staff: name, IČO, DIČ, address, contacts.
    Organisations,
    /// Accounts, for staff: name, login, e-mail.
    Accounts,
}

impl SearchAgenda {
    /// Every searchable agenda, in the order the results show.
    pub const ALL: [SearchAgenda; 7] = [
        SearchAgenda::SupportDocuments,
        SearchAgenda::CustomizationOrders,
        SearchAgenda::Protocols,
        SearchAgenda::Patches,
        SearchAgenda::Procedures,
        SearchAgenda::Organisations,
        SearchAgenda::Accounts,
    ];

    /// The name in URLs and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            SearchAgenda::SupportDocuments => "support-documents",
            SearchAgenda::CustomizationOrders => "customization-orders",
            SearchAgenda::Protocols => "protocols",
            SearchAgenda::Patches => "patches",
            SearchAgenda::Procedures => "procedures",
            SearchAgenda::Organisations => "organisations",
            SearchAgenda::Accounts => "accounts",
        }
    }

    /// From [`SearchAgenda::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.as_str() == text)
    }

    /// The message id of its name.
    pub fn label_key(self) -> &'static str {
        match self {
            SearchAgenda::SupportDocuments => "agenda-support-documents",
            SearchAgenda::CustomizationOrders => "agenda-customization-orders",
            SearchAgenda::Protocols => "agenda-protocols",
            SearchAgenda::Patches => "search-patches",
            SearchAgenda::Procedures => "search-procedures",
            SearchAgenda::Organisations => "search-organisations",
            SearchAgenda::Accounts => "search-accounts",
        }
    }

    /// The path of one of its records.
    pub fn path(self, id: uuid::Uuid) -> String {
        match self {
            SearchAgenda::SupportDocuments
            | SearchAgenda::CustomizationOrders
            | SearchAgenda::Protocols => format!("/{}/{id}", self.as_str()),
            SearchAgenda::Patches | SearchAgenda::Procedures => {
                format!("/podpora/{}/{id}", self.as_str())
            }
            SearchAgenda::Organisations | SearchAgenda::Accounts => {
                format!("/admin/{}/{id}", self.as_str())
            }
        }
    }

    /// Whether only staff search it (administration).
    pub fn staff_only(self) -> bool {
        matches!(self, SearchAgenda::Organisations | SearchAgenda::Accounts)
    }

    /// Whether a hit's best text was a reply or note of the record's conversation.
    pub fn in_conversation(source: &str) -> bool {
        source.ends_with("_comment")
    }

    /// Whether `state` is one of its records' states.
    pub fn has_state(self, state: &str) -> bool {
        match self {
            SearchAgenda::SupportDocuments => DocumentState::parse(state).is_some(),
            SearchAgenda::CustomizationOrders => OrderState::parse(state).is_some(),
            SearchAgenda::Protocols => ProtocolState::parse(state).is_some(),
            SearchAgenda::Patches => PatchState::parse(state).is_some(),
            SearchAgenda::Procedures | SearchAgenda::Organisations | SearchAgenda::Accounts => {
                false
            }
        }
    }

    /// Its records' states.
    pub fn states(self) -> Vec<&'static str> {
        match self {
            SearchAgenda::SupportDocuments => {
                DocumentState::ALL.map(DocumentState::as_str).to_vec()
            }
            SearchAgenda::CustomizationOrders => OrderState::ALL.map(OrderState::as_str).to_vec(),
            SearchAgenda::Protocols => ProtocolState::ALL.map(ProtocolState::as_str).to_vec(),
            SearchAgenda::Patches => PatchState::ALL.map(PatchState::as_str).to_vec(),
            SearchAgenda::Procedures | SearchAgenda::Organisations | SearchAgenda::Accounts => {
                Vec::new()
            }
        }
    }

    /// The message id of one of its states, when `state` is one.
    pub fn state_key(self, state: &str) -> Option<String> {
        match self {
            SearchAgenda::SupportDocuments => {
                DocumentState::parse(state).map(supportweb_i18n::document_state_key)
            }
            SearchAgenda::CustomizationOrders => {
                OrderState::parse(state).map(supportweb_i18n::order_state_key)
            }
            SearchAgenda::Protocols => ProtocolState::parse(state)
                .map(|s| format!("protocol-state-{}", s.as_str().replace('_', "-"))),
            SearchAgenda::Patches => {
                PatchState::parse(state).map(|s| format!("patch-state-{}", s.as_str()))
            }
            SearchAgenda::Procedures | SearchAgenda::Organisations | SearchAgenda::Accounts => None,
        }
    }

    fn indexed(self) -> Indexed {
        match self {
            SearchAgenda::SupportDocuments => Indexed::SupportDocuments,
            SearchAgenda::CustomizationOrders => Indexed::CustomizationOrders,
            SearchAgenda::Protocols => Indexed::Protocols,
            SearchAgenda::Patches => Indexed::Patches,
            SearchAgenda::Procedures => Indexed::Procedures,
            SearchAgenda::Organisations => Indexed::Organisations,
            SearchAgenda::Accounts => Indexed::Accounts,
        }
    }
}

/// A search as the page's form and the API's query string give it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// The words: every one must occur (case and diacritics ignored, the last one as a
    /// prefix); or a record number (`SD-2026-000123`) to go straight to it.
    #[serde(default)]
    pub q: String,
    /// Only this agenda (`support-documents`, `customization-orders`, `protocols`,
    /// `patches`, `procedures`; for staff also `organisations`, `accounts`); empty: all.
    #[serde(default)]
    #[param(required = false, schema_with = crate::api_schema::search_agenda)]
    pub agenda: String,
    /// Only this organisation's records.
    #[serde(default)]
    #[param(required = false, format = Uuid)]
    pub organisation: String,
    /// Only records in this state (the agenda's state name, e.g. `in_progress`; an agenda
    /// without such a state finds nothing).
    #[serde(default)]
    #[param(required = false, schema_with = crate::api_schema::search_state)]
    pub state: String,
    /// Only records created on or after this day (`YYYY-MM-DD`).
    #[serde(default)]
    #[param(required = false, format = Date)]
    pub from: String,
    /// Only records created on or before this day (`YYYY-MM-DD`).
    #[serde(default)]
    #[param(required = false, format = Date)]
    pub to: String,
    /// Page, from 1.
    #[serde(default)]
    #[param(required = false, value_type = Option<i32>, minimum = 1)]
    pub page: String,
}

impl SearchParams {
    /// The query string of these parameters without the page (for the pages' links).
    pub fn filters(&self) -> String {
        crate::overview::query_string(&[
            ("q", self.q.as_str()),
            ("agenda", self.agenda.as_str()),
            ("organisation", self.organisation.as_str()),
            ("state", self.state.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
        ])
    }
}

/// The records of one agenda found on this page.
#[derive(Debug, Clone)]
pub struct SearchGroup {
    /// Which agenda.
    pub agenda: SearchAgenda,
    /// The records, best first.
    pub hits: Vec<SearchHit>,
    /// Whether the next page has more of them.
    pub more: bool,
}

/// What a search found.
#[derive(Debug, Clone)]
pub enum SearchOutcome {
    /// The query is the number of a record the actor may open: its path.
    Record(String),
    /// Records by agenda (empty groups left out; none at all for an empty query).
    Results {
        /// Page, from 1.
        page: u32,
        /// The agendas with records on this page.
        groups: Vec<SearchGroup>,
    },
}

impl App {
    /// Searches what the actor may see. Filters that do not parse are refused per field.
    pub async fn search(&self, actor: &Actor, params: &SearchParams) -> Result<SearchOutcome> {
        let mut errors = FieldErrors::default();
        let mut read = FilterReader::new(&mut errors, "search-error-filter");
        let agenda = read.value(&params.agenda, "agenda", SearchAgenda::parse);
        let organisation = read.uuid(&params.organisation, "organisation");
        let state = read.value(&params.state, "state", |s| {
            SearchAgenda::ALL
                .iter()
                .any(|a| a.has_state(s))
                .then(|| s.to_owned())
        });
        let created_from = read.day_start(&params.from, "from");
        let created_before = read.day_end(&params.to, "to");
        let page = read
            .value(&params.page, "page", |p| {
                p.parse::<i32>()
                    .ok()
                    .and_then(|p| u32::try_from(p).ok())
                    .filter(|p| *p >= 1)
            })
            .unwrap_or(1);
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        if let Some(path) = self.record_by_number(actor, &params.q).await? {
            return Ok(SearchOutcome::Record(path));
        }
        // A customer's filter by an organisation not its own finds nothing, like in every
        // overview: patches and procedures offered to it would tell which organisations they
        // are chosen for.
        let foreign = organisation.is_some_and(|o| {
            !actor.is_staff()
                && !actor
                    .organisation_ids()
                    .contains(&supportweb_domain::ids::OrganisationId(o))
        });
        let words = if foreign {
            Vec::new()
        } else {
            query_words(&params.q)
        };
        let filter = SearchFilter {
            organisation,
            state,
            created_from,
            created_before,
        };
        let mut groups = Vec::new();
        for each in SearchAgenda::ALL {
            if agenda.is_some_and(|a| a != each)
                || words.is_empty()
                || filter.state.as_deref().is_some_and(|s| !each.has_state(s))
            {
                continue;
            }
            let offset = i64::from(page - 1) * PAGE_SIZE;
            let mut hits = self
                .store()
                .search(
                    actor,
                    each.indexed(),
                    &words,
                    &filter,
                    PAGE_SIZE + 1,
                    offset,
                )
                .await?;
            let more = hits.len() > PAGE_SIZE as usize;
            hits.truncate(PAGE_SIZE as usize);
            if !hits.is_empty() {
                groups.push(SearchGroup {
                    agenda: each,
                    hits,
                    more,
                });
            }
        }
        Ok(SearchOutcome::Results { page, groups })
    }

    /// The path of the record numbered `q` when the actor may open it.
    async fn record_by_number(&self, actor: &Actor, q: &str) -> Result<Option<String>> {
        let Ok(number) = q.trim().to_ascii_uppercase().parse::<HumanNumber>() else {
            return Ok(None);
        };
        match number.agenda {
            NumberedAgenda::SupportDocument => {
                let Some(id) = self
                    .store()
                    .document_id_by_number(&number.to_string())
                    .await?
                else {
                    return Ok(None);
                };
                match self.store().document(actor, id).await {
                    Ok(_) => Ok(Some(SearchAgenda::SupportDocuments.path(id.0))),
                    Err(supportweb_storage::StoreError::NotFound) => Ok(None),
                    Err(other) => Err(other.into()),
                }
            }
            NumberedAgenda::CustomizationOrder => {
                let Some(id) = self.store().order_id_by_number(&number.to_string()).await? else {
                    return Ok(None);
                };
                match self.store().order(actor, OrderId(id)).await {
                    Ok(_) => Ok(Some(SearchAgenda::CustomizationOrders.path(id))),
                    Err(supportweb_storage::StoreError::NotFound) => Ok(None),
                    Err(other) => Err(other.into()),
                }
            }
            NumberedAgenda::Protocol => {
                let Some(id) = self
                    .store()
                    .protocol_id_by_number(&number.to_string())
                    .await?
                else {
                    return Ok(None);
                };
                match self.store().protocol(actor, ProtocolId(id)).await {
                    Ok(_) => Ok(Some(SearchAgenda::Protocols.path(id))),
                    Err(supportweb_storage::StoreError::NotFound) => Ok(None),
                    Err(other) => Err(other.into()),
                }
            }
        }
    }
}
