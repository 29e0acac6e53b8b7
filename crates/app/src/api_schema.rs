//! What the JSON API's parameters and fields accept, for its OpenAPI document: the words a
//! field takes, read from the domain's own lists, so the document and the parser cannot
//! drift apart. Used with `#[param(schema_with = …)]` and `#[schema(schema_with = …)]`.

use utoipa::openapi::schema::{AnyOfBuilder, KnownFormat, Schema, SchemaFormat, Type};
use utoipa::openapi::{Object, ObjectBuilder};

use supportweb_domain::contract::ContractState;
use supportweb_domain::customization_order::{OrderState, OrderStep, ReservationState};
use supportweb_domain::money::Currency;
use supportweb_domain::organisation::OrganisationKind;
use supportweb_domain::patch::{PatchState, PatchStep, PatchVisibility};
use supportweb_domain::procedure::ProcedureVisibility;
use supportweb_domain::protocol::{
    ParticipantSide, ProtocolKind, ProtocolState, ProtocolStep, Side, TaskState,
};
use supportweb_domain::severity::Severity;
use supportweb_domain::support_document::{Activity, Category, DocumentState, Transition};

/// A string that is one of `values`.
pub fn words<I>(values: I) -> Object
where
    I: IntoIterator<Item = &'static str>,
{
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(values))
        .build()
}

/// A day, `YYYY-MM-DD`.
pub fn day() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
        .build()
}

macro_rules! words_of {
    ($($(#[$doc:meta])+ $name:ident => $values:expr;)+) => {
        $(
            $(#[$doc])+
            pub fn $name() -> Object {
                words($values)
            }
        )+
    };
}

words_of! {
    /// A support document's state.
    document_state => DocumentState::ALL.map(DocumentState::as_str);
    /// A support document's state, or `unfinished` (every state before resolution).
    document_state_filter => DocumentState::ALL.map(DocumentState::as_str).into_iter().chain(["unfinished"]);
    /// The documents overview's account-team filter.
    team_filter => ["mine"];
    /// The orders overview's signatory filter.
    signatory_filter => ["me"];
    /// The protocols overview's waiting filter.
    protocol_waiting => ["overdue", "me"];
    /// The parts of an organisation's timeline.
    timeline_agenda => crate::timeline::TimelineAgenda::ALL.map(crate::timeline::TimelineAgenda::as_str);
    /// The agendas of portal-wide search.
    search_agenda => crate::search::SearchAgenda::ALL.map(crate::search::SearchAgenda::as_str);
    /// A state of a searchable agenda's records.
    search_state => {
        let mut states: Vec<&'static str> = Vec::new();
        for agenda in crate::search::SearchAgenda::ALL {
            for state in agenda.states() {
                if !states.contains(&state) {
                    states.push(state);
                }
            }
        }
        states
    };
    /// A severity.
    severity => Severity::ALL.map(Severity::as_str);
    /// A support document's category.
    category => Category::ALL.map(Category::as_str);
    /// A step of a support document's workflow that a user takes (closing automatically is
    /// the portal's).
    transition => Transition::ALL.into_iter().filter(|t| *t != Transition::AutoClose).map(Transition::as_str);
    /// A kind of logged work.
    activity => Activity::ALL.map(Activity::as_str);
    /// A customization order's state.
    order_state => OrderState::ALL.map(OrderState::as_str);
    /// A step of a customization order (a quote has its own operation).
    order_step => OrderStep::ALL.into_iter().filter(|s| *s != OrderStep::Quote).map(OrderStep::as_str);
    /// A kind of notification e-mail.
    notification_kind => supportweb_storage::notifications::EventKind::ALL.map(|k| k.as_str());
    /// A reservation's state.
    reservation_state => ReservationState::ALL.map(ReservationState::as_str);
    /// A currency.
    currency => Currency::ALL.map(Currency::code);
    /// Whose move it is, or which side a task or participant is on.
    side => Side::ALL.map(Side::as_str);
    /// A protocol participant's side.
    participant_side => ParticipantSide::ALL.map(ParticipantSide::as_str);
    /// A protocol's state.
    protocol_state => ProtocolState::ALL.map(ProtocolState::as_str);
    /// A kind of meeting.
    protocol_kind => ProtocolKind::ALL.map(ProtocolKind::as_str);
    /// A step of a protocol.
    protocol_step => ProtocolStep::ALL.map(ProtocolStep::as_str);
    /// A protocol task's state.
    task_state => TaskState::ALL.map(TaskState::as_str);
    /// A patch's state.
    patch_state => PatchState::ALL.map(PatchState::as_str);
    /// A step of a patch.
    patch_step => PatchStep::ALL.map(PatchStep::as_str);
    /// Who sees a patch.
    patch_visibility => PatchVisibility::ALL.map(PatchVisibility::as_str);
    /// Who sees a procedure.
    procedure_visibility => ProcedureVisibility::ALL.map(ProcedureVisibility::as_str);
    /// A contract's state.
    contract_state => ContractState::ALL.map(ContractState::as_str);
    /// `open`: only orders with reservations still to be fixed.
    open_reservations => ["open"];
    /// How an order overview keeps groups together.
    order_group => ["organisation", "state"];
    /// Which orders come first.
    order_sort => ["newest", "oldest"];
    /// Tasks past their day, or due within three days.
    task_due => ["overdue", "soon"];
    /// An organisation's kind.
    organisation_kind => [OrganisationKind::Customer, OrganisationKind::Partner].map(OrganisationKind::as_str);
}

/// One line of text: something besides spaces, no line break, at most 100 characters (a
/// product's module or version).
fn line() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .min_length(Some(1))
        .max_length(Some(100))
        .pattern(Some(r"^[^\r\n]*\S[^\r\n]*$"))
        .build()
}

/// Lines such as a product's modules.
pub fn lines() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(line())
        .build()
}

/// At least one line, such as a product's versions.
pub fn some_lines() -> utoipa::openapi::schema::Array {
    utoipa::openapi::schema::ArrayBuilder::new()
        .items(line())
        .min_items(Some(1))
        .build()
}

/// The empty string.
fn empty() -> Object {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(0))
        .build()
}

/// A day (`YYYY-MM-DD`), or the empty string for none.
pub fn day_or_empty() -> Schema {
    Schema::AnyOf(AnyOfBuilder::new().item(day()).item(empty()).build())
}

/// A day (`YYYY-MM-DD`), or the empty string or `null` for none.
pub fn day_empty_or_null() -> Schema {
    Schema::AnyOf(
        AnyOfBuilder::new()
            .item(day())
            .item(empty())
            .item(ObjectBuilder::new().schema_type(Type::Null).build())
            .build(),
    )
}

/// An e-mail address as the portal checks it (no spaces, one `@`, a dot after it, at most
/// 254 characters), or the empty string for none.
pub fn email_or_empty() -> Schema {
    let address = ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(254))
        .pattern(Some(r"^[^\s@]+@[^\s@]*\.[^\s@]*$"))
        .build();
    Schema::AnyOf(AnyOfBuilder::new().item(address).item(empty()).build())
}
