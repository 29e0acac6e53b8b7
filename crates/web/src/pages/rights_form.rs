//! The rights of a membership as form fields: a right per agenda and the four flags. Shared by
//! account creation and membership editing.

use serde::Deserialize;
use supportweb_domain::agenda::{Agenda, AgendaRight};
use supportweb_domain::membership::MembershipRights;

use super::layout::Choice;
use crate::i18n::Tr;

/// The rights fields as submitted.
#[derive(Debug, Default, Deserialize)]
pub struct RightsFields {
    #[serde(default)]
    right_protocols: String,
    #[serde(default)]
    right_orders: String,
    #[serde(default)]
    right_documents: String,
    #[serde(default)]
    right_podpora: String,
    flag_approve_orders: Option<String>,
    flag_confirm_protocols: Option<String>,
    flag_see_validation_codes: Option<String>,
    flag_all_notifications: Option<String>,
}

fn field(agenda: Agenda) -> &'static str {
    match agenda {
        Agenda::Protocols => "right_protocols",
        Agenda::CustomizationOrders => "right_orders",
        Agenda::SupportDocuments => "right_documents",
        Agenda::Podpora => "right_podpora",
    }
}

impl RightsFields {
    /// Fields pre-filled with `rights`.
    pub fn from_rights(rights: &MembershipRights) -> Self {
        let on = |flag: bool| flag.then(|| "on".to_owned());
        RightsFields {
            right_protocols: rights.protocols.as_str().into(),
            right_orders: rights.customization_orders.as_str().into(),
            right_documents: rights.support_documents.as_str().into(),
            right_podpora: rights.podpora.as_str().into(),
            flag_approve_orders: on(rights.may_approve_orders),
            flag_confirm_protocols: on(rights.may_confirm_protocols),
            flag_see_validation_codes: on(rights.may_see_validation_codes),
            flag_all_notifications: on(rights.all_notifications),
        }
    }

    /// The rights they describe (an unknown right counts as none).
    pub fn rights(&self) -> MembershipRights {
        let right = |text: &str| AgendaRight::parse(text).unwrap_or(AgendaRight::None);
        MembershipRights {
            protocols: right(&self.right_protocols),
            customization_orders: right(&self.right_orders),
            support_documents: right(&self.right_documents),
            podpora: right(&self.right_podpora),
            may_approve_orders: self.flag_approve_orders.is_some(),
            may_confirm_protocols: self.flag_confirm_protocols.is_some(),
            may_see_validation_codes: self.flag_see_validation_codes.is_some(),
            all_notifications: self.flag_all_notifications.is_some(),
        }
    }
}

/// What `rights_fields.html` renders.
#[derive(Debug, Clone)]
pub struct RightsChoices {
    /// Per agenda: the field, and the three levels.
    pub rights: Vec<(Choice, Vec<Choice>)>,
    /// The four flags.
    pub flags: Vec<Choice>,
}

impl RightsChoices {
    /// Choices showing `rights` as selected.
    pub fn new(t: &Tr, rights: &MembershipRights) -> Self {
        RightsChoices {
            rights: Agenda::ALL
                .into_iter()
                .map(|agenda| {
                    let current = rights.right(agenda);
                    (
                        Choice {
                            value: field(agenda).into(),
                            label: t.t(format!("agenda-{}", agenda.slug())),
                            selected: false,
                        },
                        [AgendaRight::None, AgendaRight::Read, AgendaRight::Write]
                            .into_iter()
                            .map(|r| Choice {
                                value: r.as_str().into(),
                                label: t.t(format!("right-{}", r.as_str())),
                                selected: r == current,
                            })
                            .collect(),
                    )
                })
                .collect(),
            flags: [
                (
                    "flag_approve_orders",
                    "flag-approve-orders",
                    rights.may_approve_orders,
                ),
                (
                    "flag_confirm_protocols",
                    "flag-confirm-protocols",
                    rights.may_confirm_protocols,
                ),
                (
                    "flag_see_validation_codes",
                    "flag-see-validation-codes",
                    rights.may_see_validation_codes,
                ),
                (
                    "flag_all_notifications",
                    "flag-all-notifications",
                    rights.all_notifications,
                ),
            ]
            .into_iter()
            .map(|(value, key, on)| Choice {
                value: value.into(),
                label: t.t(key),
                selected: on,
            })
            .collect(),
        }
    }
}
