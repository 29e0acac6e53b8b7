//! Procedures (postupy) of the podpora agenda: how-to articles with product tags, files and
//! revisions, each visible to all customers, to staff only, or to chosen organisations.

use serde::{Deserialize, Serialize};

/// Who sees a procedure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProcedureVisibility {
    /// Every customer and partner user with a podpora right.
    All,
    /// The vendor's staff only (internal know-how, drafts).
    Staff,
    /// Only the users of the organisations chosen for it.
    Chosen,
}

impl ProcedureVisibility {
    /// Every visibility.
    pub const ALL: [ProcedureVisibility; 3] = [
        ProcedureVisibility::All,
        ProcedureVisibility::Staff,
        ProcedureVisibility::Chosen,
    ];

    /// Database / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProcedureVisibility::All => "all",
            ProcedureVisibility::Staff => "staff",
            ProcedureVisibility::Chosen => "chosen",
        }
    }

    /// Parses [`ProcedureVisibility::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for v in ProcedureVisibility::ALL {
            assert_eq!(ProcedureVisibility::parse(v.as_str()), Some(v));
        }
        assert_eq!(ProcedureVisibility::parse("public"), None);
    }
}
