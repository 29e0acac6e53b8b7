//! The four agendas of the portal and the right a user holds in each.

use serde::{Deserialize, Serialize};

/// One of the four applications behind the portal's login. Access is granted per agenda.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Agenda {
    /// Communication protocols (komunikační protokoly).
    Protocols,
    /// Customization orders (customizační objednávky).
    CustomizationOrders,
    /// Support documents (support dokumenty).
    SupportDocuments,
    /// Podpora: patches, validation codes, procedures.
    Podpora,
}

impl Agenda {
    /// All agendas in the order the navigation shows them.
    pub const ALL: [Agenda; 4] = [
        Agenda::Protocols,
        Agenda::CustomizationOrders,
        Agenda::SupportDocuments,
        Agenda::Podpora,
    ];

    /// Stable machine name, used in URLs, the API and the database.
    pub fn slug(self) -> &'static str {
        match self {
            Agenda::Protocols => "protocols",
            Agenda::CustomizationOrders => "customization-orders",
            Agenda::SupportDocuments => "support-documents",
            Agenda::Podpora => "podpora",
        }
    }

    /// Parses [`Agenda::slug`].
    pub fn from_slug(slug: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.slug() == slug)
    }
}

/// The right a customer user holds in one agenda through one membership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AgendaRight {
    /// The agenda is invisible.
    None,
    /// May read the organisation's records.
    Read,
    /// May read, create and comment.
    Write,
}

impl AgendaRight {
    /// Whether the user may open the agenda at all.
    pub fn may_enter(self) -> bool {
        self >= AgendaRight::Read
    }
}

impl AgendaRight {
    /// Database / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            AgendaRight::None => "none",
            AgendaRight::Read => "read",
            AgendaRight::Write => "write",
        }
    }

    /// Parses [`AgendaRight::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "none" => Some(AgendaRight::None),
            "read" => Some(AgendaRight::Read),
            "write" => Some(AgendaRight::Write),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_round_trip() {
        for agenda in Agenda::ALL {
            assert_eq!(Agenda::from_slug(agenda.slug()), Some(agenda));
        }
        assert_eq!(Agenda::from_slug("tickets"), None);
    }

    #[test]
    fn only_read_and_write_enter() {
        assert!(!AgendaRight::None.may_enter());
        assert!(AgendaRight::Read.may_enter());
        assert!(AgendaRight::Write.may_enter());
    }
}
