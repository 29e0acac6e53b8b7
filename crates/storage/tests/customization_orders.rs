//! Customization orders in the store, each test on both backends: the lifecycle from
//! requirement to invoice (only the signatory approves, only the current valid revision;
//! reasons required; reservations tracked), other organisations' orders and the staff's
//! hours never reaching a customer, conversion from a support document keeping the link,
//! and keyset paging.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use supportweb_domain::Actor;
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::calendar::BusinessHours;
use supportweb_domain::customization_order::{
    OrderState, OrderStep, QuoteRefusal, ReservationState,
};
use supportweb_domain::ids::{OrderId, OrganisationId};
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::money::Currency;
use supportweb_domain::protocol::Side;
use supportweb_domain::severity::Severity;
use supportweb_domain::support_document::Category;
use supportweb_domain::user::{StaffRole, UserKind};
use supportweb_storage::customization_orders::{
    NewOrder, NewQuote, OrderError, OrderQuery, StepInput,
};
use supportweb_storage::support_documents::NewDocument;
use supportweb_storage::testing::build::{account, actor, contract, d, organisation, staff};
use supportweb_storage::{Store, StoreError, both_backends};

async fn member(
    store: &Store,
    login: &str,
    organisation: OrganisationId,
    right: AgendaRight,
    approve: bool,
) -> Actor {
    let id = account(store, login, UserKind::Customer, vec![]).await;
    store
        .set_membership(
            id,
            organisation,
            &MembershipRights {
                customization_orders: right,
                support_documents: AgendaRight::Write,
                may_approve_orders: approve,
                ..MembershipRights::NONE
            },
        )
        .await
        .unwrap();
    actor(store, id).await
}

fn requirement(organisation: OrganisationId, title: &str) -> NewOrder {
    NewOrder {
        organisation_id: organisation,
        title: title.into(),
        description: "Sestava doručené pošty podle spisových uzlů, export do XLSX.".into(),
        desired_on: Some(d(2027, 3, 31)),
        requested_by: None,
        files: vec![],
    }
}

fn quote(hours: i64, valid_until: chrono::NaiveDate) -> NewQuote {
    NewQuote {
        scope: "Nová sestava v modulu Podatelna.".into(),
        estimated_centi_hours: hours,
        hourly_rate: 145_000,
        currency: Currency::Czk,
        vat_basis_points: 2100,
        delivery_on: d(2027, 2, 28),
        valid_until,
    }
}

const TODAY: (i32, u32, u32) = (2026, 11, 30);

fn today() -> chrono::NaiveDate {
    d(TODAY.0, TODAY.1, TODAY.2)
}

async fn step(
    store: &Store,
    who: &Actor,
    id: OrderId,
    step: OrderStep,
    input: StepInput,
) -> Result<OrderState, OrderError> {
    let version = store.order(who, id).await?.version;
    store
        .order_step(who, id, step, &input, today(), version)
        .await
}

fn because(reason: &str) -> StepInput {
    StepInput {
        reason: reason.into(),
        ..StepInput::default()
    }
}

async fn from_requirement_to_invoice_only_the_signatory_approves_the_current_revision(
    store: Store,
) {
    let manager = staff(&store, "vedouci", StaffRole::ProjectManager).await;
    let technician = staff(&store, "technik", StaffRole::Technician).await;
    let obec = organisation(&store, "Obec Lhota").await;
    let writer = member(&store, "referent", obec, AgendaRight::Write, false).await;
    let signatory = member(&store, "starosta", obec, AgendaRight::Read, true).await;

    let id = store
        .create_order(&writer, &requirement(obec, "Sestava doručené pošty"))
        .await
        .unwrap();
    let order = store.order(&writer, id).await.unwrap();
    assert_eq!(order.state, OrderState::Submitted);
    assert!(order.number.starts_with("CO-"), "{}", order.number);
    assert_eq!(order.requested_by, writer.user_id);
    assert!(order.is_public_body);
    // A signatory with only the read right answers quotes but does not submit.
    assert!(matches!(
        store
            .create_order(&signatory, &requirement(obec, "Jiná"))
            .await,
        Err(OrderError::NotAllowed)
    ));
    assert!(matches!(
        store.create_order(&writer, &requirement(obec, "  ")).await,
        Err(OrderError::Invalid("title"))
    ));

    // Staff who only read orders take no step.
    assert!(matches!(
        step(
            &store,
            &technician,
            id,
            OrderStep::Analyse,
            StepInput::default()
        )
        .await,
        Err(OrderError::NotAllowed)
    ));
    step(
        &store,
        &manager,
        id,
        OrderStep::Analyse,
        StepInput::default(),
    )
    .await
    .unwrap();
    let version = store.order(&manager, id).await.unwrap().version;
    // A quote whose validity already ended is refused; nothing is written.
    assert!(matches!(
        store
            .issue_quote(
                &manager,
                id,
                &quote(1250, d(2026, 11, 29)),
                &[],
                today(),
                version
            )
            .await,
        Err(OrderError::Invalid("valid_until"))
    ));
    assert!(store.order_quotes(&manager, id).await.unwrap().is_empty());
    let first = store
        .issue_quote(
            &manager,
            id,
            &quote(1250, d(2026, 12, 31)),
            &[],
            today(),
            version,
        )
        .await
        .unwrap();
    assert_eq!(first, 1);
    let quotes = store.order_quotes(&signatory, id).await.unwrap();
    // 12,5 h × 1 450 Kč = 18 125 Kč, VAT 3 806,25 Kč, due 21 931 Kč.
    assert_eq!(quotes[0].totals.net, 1_812_500);
    assert_eq!(quotes[0].totals.vat, 380_625);
    assert_eq!(quotes[0].totals.total, 2_193_100);
    assert_eq!(quotes[0].totals.rounding, -25);

    // Staff quote again: revision 2 supersedes 1.
    let version = store.order(&manager, id).await.unwrap().version;
    store
        .issue_quote(
            &manager,
            id,
            &quote(1600, d(2026, 12, 31)),
            &[],
            today(),
            version,
        )
        .await
        .unwrap();
    let order = store.order(&signatory, id).await.unwrap();
    assert_eq!((order.state, order.quote_revision), (OrderState::Quoted, 2));

    // Only the signatory approves, and only the current revision.
    for who in [&writer, &manager] {
        assert!(matches!(
            step(&store, who, id, OrderStep::Approve, StepInput::default()).await,
            Err(OrderError::NotAllowed)
        ));
    }
    let on_first = StepInput {
        quote_revision: Some(1),
        purchase_order: "OBJ-2026-117".into(),
        ..StepInput::default()
    };
    assert!(matches!(
        step(&store, &signatory, id, OrderStep::Approve, on_first).await,
        Err(OrderError::Quote(QuoteRefusal::Superseded))
    ));
    assert!(matches!(
        step(&store, &signatory, id, OrderStep::Reject, because("")).await,
        Err(OrderError::Invalid("reason"))
    ));
    // Texts longer than their fields take are refused before anything is written.
    let overlong = StepInput {
        quote_revision: Some(2),
        purchase_order: "9".repeat(101),
        ..StepInput::default()
    };
    assert!(matches!(
        step(&store, &signatory, id, OrderStep::Approve, overlong).await,
        Err(OrderError::TooLong("purchase_order"))
    ));
    assert!(matches!(
        step(
            &store,
            &signatory,
            id,
            OrderStep::Reject,
            because(&"ne ".repeat(1400))
        )
        .await,
        Err(OrderError::TooLong("reason"))
    ));
    assert_eq!(
        store.order(&writer, id).await.unwrap().state,
        OrderState::Quoted
    );
    assert!(store.order_answers(&writer, id).await.unwrap().is_empty());
    let stale = store.order(&signatory, id).await.unwrap().version;
    let approve = StepInput {
        quote_revision: Some(2),
        purchase_order: " OBJ-2026-117 ".into(),
        ..StepInput::default()
    };
    assert_eq!(
        step(&store, &signatory, id, OrderStep::Approve, approve.clone())
            .await
            .unwrap(),
        OrderState::Approved
    );
    assert!(matches!(
        store
            .order_step(&signatory, id, OrderStep::Approve, &approve, today(), stale)
            .await,
        Err(OrderError::NotAllowed | OrderError::Store(StoreError::Conflict))
    ));
    let order = store.order(&writer, id).await.unwrap();
    assert_eq!(order.approved_revision, Some(2));
    let answers = store.order_answers(&writer, id).await.unwrap();
    assert_eq!(answers.len(), 1);
    assert_eq!(answers[0].step, OrderStep::Approve);
    assert_eq!(answers[0].quote_revision, Some(2));
    assert_eq!(answers[0].purchase_order, "OBJ-2026-117");
    assert_eq!(answers[0].user_name, "Uživatel starosta");

    // Development and delivery; nobody cancels once development started.
    step(
        &store,
        &manager,
        id,
        OrderStep::Develop,
        StepInput::default(),
    )
    .await
    .unwrap();
    assert!(matches!(
        step(
            &store,
            &signatory,
            id,
            OrderStep::Cancel,
            because("Rozmysleli jsme si to")
        )
        .await,
        Err(OrderError::NotAllowed)
    ));
    assert!(matches!(
        step(
            &store,
            &manager,
            id,
            OrderStep::Deliver,
            StepInput::default()
        )
        .await,
        Err(OrderError::Invalid("delivered_in"))
    ));
    let deliver = StepInput {
        delivered_in: "5.3.0".into(),
        ..StepInput::default()
    };
    step(&store, &manager, id, OrderStep::Deliver, deliver)
        .await
        .unwrap();
    assert_eq!(
        store.order(&writer, id).await.unwrap().delivered_in,
        "5.3.0"
    );

    // Not accepted: back to development with the reasons; then accepted with reservations.
    assert_eq!(
        step(
            &store,
            &writer,
            id,
            OrderStep::NotAccept,
            because("Export neobsahuje datum")
        )
        .await
        .unwrap(),
        OrderState::InDevelopment
    );
    let deliver = StepInput {
        delivered_in: "5.3.1".into(),
        ..StepInput::default()
    };
    step(&store, &manager, id, OrderStep::Deliver, deliver)
        .await
        .unwrap();
    assert!(matches!(
        step(
            &store,
            &writer,
            id,
            OrderStep::AcceptWithReservations,
            because(" \n ")
        )
        .await,
        Err(OrderError::Invalid("reason"))
    ));
    step(
        &store,
        &writer,
        id,
        OrderStep::AcceptWithReservations,
        because("- Chybí součet za měsíc\n- Překlep v záhlaví"),
    )
    .await
    .unwrap();
    let reservations = store.order_reservations(&writer, id).await.unwrap();
    assert_eq!(
        reservations
            .iter()
            .map(|r| r.text.as_str())
            .collect::<Vec<_>>(),
        ["Chybí součet za měsíc", "Překlep v záhlaví"]
    );
    assert!(matches!(
        store
            .set_reservation_state(
                &writer,
                id,
                reservations[0].id,
                ReservationState::Fixed,
                reservations[0].version
            )
            .await,
        Err(OrderError::NotAllowed)
    ));
    store
        .set_reservation_state(
            &manager,
            id,
            reservations[0].id,
            ReservationState::Fixed,
            reservations[0].version,
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .set_reservation_state(
                &manager,
                id,
                reservations[0].id,
                ReservationState::Open,
                reservations[0].version
            )
            .await,
        Err(OrderError::Store(StoreError::Conflict))
    ));
    let reservations = store.order_reservations(&signatory, id).await.unwrap();
    assert_eq!(reservations[0].state, ReservationState::Fixed);
    assert_eq!(reservations[1].state, ReservationState::Open);

    // Hours against the estimate, staff only; the invoicing list; one action invoices.
    store
        .log_order_work(&manager, id, d(2026, 11, 26), 900, "Návrh sestavy", today())
        .await
        .unwrap();
    store
        .log_order_work(&manager, id, today(), 750, "Export", today())
        .await
        .unwrap();
    assert!(matches!(
        store
            .log_order_work(&manager, id, today(), 0, "", today())
            .await,
        Err(OrderError::Invalid("hours"))
    ));
    // Work is logged for days that have come, with a note of a line.
    assert!(matches!(
        store
            .log_order_work(&manager, id, today().succ_opt().unwrap(), 100, "", today())
            .await,
        Err(OrderError::Invalid("worked_on"))
    ));
    assert!(matches!(
        store
            .log_order_work(&manager, id, today(), 100, &"x".repeat(301), today())
            .await,
        Err(OrderError::TooLong("note"))
    ));
    assert!(matches!(
        store.order_work(&writer, id).await,
        Err(StoreError::NotFound)
    ));
    let to_invoice = store.orders_to_invoice(&manager).await.unwrap();
    assert_eq!(to_invoice.len(), 1);
    assert_eq!(to_invoice[0].1.revision, 2);
    assert_eq!(to_invoice[0].2, 1650);
    assert!(matches!(
        store.orders_to_invoice(&writer).await,
        Err(StoreError::NotFound)
    ));
    let version = store.order(&manager, id).await.unwrap().version;
    assert!(matches!(
        store.mark_invoiced(&manager, &[(id, version - 1)]).await,
        Err(OrderError::Store(StoreError::Conflict))
    ));
    store
        .mark_invoiced(&manager, &[(id, version)])
        .await
        .unwrap();
    assert_eq!(
        store.order(&writer, id).await.unwrap().state,
        OrderState::Invoiced
    );
    assert!(store.orders_to_invoice(&manager).await.unwrap().is_empty());
    let history = store
        .history_for(&writer, "customization_order", id.0)
        .await
        .unwrap();
    assert!(history.iter().any(|h| h.new_value == "invoiced"));

    // Invoiced, it closes only once every reservation is fixed.
    assert!(matches!(
        step(&store, &manager, id, OrderStep::Close, StepInput::default()).await,
        Err(OrderError::Invalid("reservations"))
    ));
    let open = store.order_reservations(&manager, id).await.unwrap()[1].clone();
    store
        .set_reservation_state(&manager, id, open.id, ReservationState::Fixed, open.version)
        .await
        .unwrap();
    assert_eq!(
        step(&store, &manager, id, OrderStep::Close, StepInput::default())
            .await
            .unwrap(),
        OrderState::Closed
    );
}

async fn an_expired_quote_cannot_be_approved_and_a_returned_one_is_quoted_again(store: Store) {
    let manager = staff(&store, "vedouci", StaffRole::ProjectManager).await;
    let obec = organisation(&store, "Obec Lhota").await;
    let signatory = member(&store, "starosta", obec, AgendaRight::Write, true).await;
    let id = store
        .create_order(&signatory, &requirement(obec, "Napojení na ISDS"))
        .await
        .unwrap();
    step(
        &store,
        &manager,
        id,
        OrderStep::Analyse,
        StepInput::default(),
    )
    .await
    .unwrap();
    let version = store.order(&manager, id).await.unwrap().version;
    store
        .issue_quote(&manager, id, &quote(800, today()), &[], today(), version)
        .await
        .unwrap();
    // Valid through today; the day after it is expired.
    let approve = StepInput::default();
    let version = store.order(&signatory, id).await.unwrap().version;
    assert!(matches!(
        store
            .order_step(
                &signatory,
                id,
                OrderStep::Approve,
                &approve,
                today().succ_opt().unwrap(),
                version
            )
            .await,
        Err(OrderError::Quote(QuoteRefusal::Expired))
    ));
    assert_eq!(
        step(
            &store,
            &signatory,
            id,
            OrderStep::ReturnForRequote,
            // A form's text area sends CR LF; each break counts once toward the 4 000, as
            // the browser's maxlength counts it: 3 997 characters (5 321 with every CR).
            because(&format!(
                "Prosíme rozdělit na etapy{}",
                "\r\nab".repeat(1_324)
            ))
        )
        .await
        .unwrap(),
        OrderState::ReturnedForRequote
    );
    let version = store.order(&manager, id).await.unwrap().version;
    assert_eq!(
        store
            .issue_quote(
                &manager,
                id,
                &quote(900, d(2027, 1, 31)),
                &[],
                today(),
                version
            )
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        step(
            &store,
            &signatory,
            id,
            OrderStep::Reject,
            because("Rozpočet nestačí")
        )
        .await
        .unwrap(),
        OrderState::Rejected
    );
    let answers = store.order_answers(&signatory, id).await.unwrap();
    assert_eq!(
        answers
            .iter()
            .map(|a| (a.step, a.quote_revision))
            .collect::<Vec<_>>(),
        [
            (OrderStep::ReturnForRequote, Some(1)),
            (OrderStep::Reject, Some(2))
        ]
    );
    assert_eq!(answers[1].reason, "Rozpočet nestačí");
    step(&store, &manager, id, OrderStep::Close, StepInput::default())
        .await
        .unwrap();
    assert_eq!(
        store.order(&signatory, id).await.unwrap().state,
        OrderState::Closed
    );
}

async fn customers_see_only_their_organisations_orders(store: Store) {
    let manager = staff(&store, "vedouci", StaffRole::ProjectManager).await;
    let brno = organisation(&store, "Město Brno").await;
    let lhota = organisation(&store, "Obec Lhota").await;
    let brno_writer = member(&store, "brno", brno, AgendaRight::Write, true).await;
    let lhota_writer = member(&store, "lhota", lhota, AgendaRight::Write, true).await;
    let no_right = member(&store, "bez-prava", brno, AgendaRight::None, false).await;
    let canary = store
        .create_order(&lhota_writer, &requirement(lhota, "KANÁR Lhota"))
        .await
        .unwrap();
    let mine = store
        .create_order(&brno_writer, &requirement(brno, "Brněnská sestava"))
        .await
        .unwrap();
    assert!(matches!(
        store.order(&brno_writer, canary).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.order_quotes(&brno_writer, canary).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.order_answers(&brno_writer, canary).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        step(
            &store,
            &brno_writer,
            canary,
            OrderStep::Cancel,
            because("x")
        )
        .await,
        Err(OrderError::Store(StoreError::NotFound))
    ));
    // Submitting for another organisation answers like a missing one.
    assert!(matches!(
        store
            .create_order(&brno_writer, &requirement(lhota, "Podstrčená"))
            .await,
        Err(OrderError::Invalid("organisation"))
    ));
    let listed = store
        .orders(
            &brno_writer,
            &OrderQuery {
                limit: 50,
                ..OrderQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(listed.iter().map(|o| o.id).collect::<Vec<_>>(), [mine]);
    // A smuggled organisation filter finds nothing.
    let smuggled = store
        .orders(
            &brno_writer,
            &OrderQuery {
                organisation: Some(lhota),
                limit: 50,
                ..OrderQuery::default()
            },
        )
        .await
        .unwrap();
    assert!(smuggled.is_empty());
    assert!(
        store
            .orders(
                &no_right,
                &OrderQuery {
                    limit: 50,
                    ..OrderQuery::default()
                }
            )
            .await
            .unwrap()
            .is_empty()
    );
    assert!(matches!(
        store.order(&no_right, mine).await,
        Err(StoreError::NotFound)
    ));
    // Staff submit on a customer's behalf only naming a member of that organisation.
    let on_behalf = NewOrder {
        requested_by: Some(lhota_writer.user_id),
        ..requirement(brno, "Za zákazníka")
    };
    assert!(matches!(
        store.create_order(&manager, &on_behalf).await,
        Err(OrderError::Invalid("requested_by"))
    ));
    let on_behalf = NewOrder {
        requested_by: Some(brno_writer.user_id),
        ..requirement(brno, "Za zákazníka")
    };
    let id = store.create_order(&manager, &on_behalf).await.unwrap();
    assert_eq!(
        store.order(&brno_writer, id).await.unwrap().requested_by,
        brno_writer.user_id
    );
    // The customer writer cancels before a quote exists.
    assert_eq!(
        step(
            &store,
            &brno_writer,
            id,
            OrderStep::Cancel,
            because("Duplicitní požadavek")
        )
        .await
        .unwrap(),
        OrderState::Cancelled
    );
    // Staff see everything; waiting-on filters by whose move it is.
    let waiting = store
        .orders(
            &manager,
            &OrderQuery {
                waiting_on: Some(Side::Vendor),
                limit: 50,
                ..OrderQuery::default()
            },
        )
        .await
        .unwrap();
    let mut ids: Vec<_> = waiting.iter().map(|o| o.id).collect();
    ids.sort();
    let mut expected = vec![canary, mine];
    expected.sort();
    assert_eq!(ids, expected);
}

async fn a_support_document_converts_once_and_both_keep_the_link(store: Store) {
    let manager = staff(&store, "vedouci", StaffRole::ProjectManager).await;
    let technician = staff(&store, "technik", StaffRole::Technician).await;
    let obec = organisation(&store, "Obec Lhota").await;
    contract(&store, obec, None).await;
    let writer = member(&store, "referent", obec, AgendaRight::Write, false).await;
    let document = store
        .create_document(
            &writer,
            &NewDocument {
                organisation_id: obec,
                contact: "Jana Malá, 604 111 222".into(),
                category: Category::Request,
                severity: Severity::Low,
                product_id: None,
                module: "Podatelna".into(),
                product_version: "5.2.3".into(),
                subject: "Chtěli bychom sestavu podle uzlů".into(),
                description: format!(
                    "Potřebujeme měsíční přehled.{}",
                    " Podrobnosti.".repeat(1_536)
                ),
                files: vec![],
                reporter_id: None,
            },
            &BusinessHours::default(),
            today(),
        )
        .await
        .unwrap();
    // Staff who only read orders cannot convert.
    assert!(matches!(
        store.convert_document(&technician, document.id).await,
        Err(OrderError::NotAllowed)
    ));
    let id = store.convert_document(&manager, document.id).await.unwrap();
    let order = store.order(&writer, id).await.unwrap();
    assert_eq!(order.support_document_id, Some(document.id));
    assert_eq!(order.title, "Chtěli bychom sestavu podle uzlů");
    assert_eq!(order.requested_by, writer.user_id);
    assert!(order.description.contains(&document.number));
    // The document's description as long as its form takes (20 000 characters) converts
    // whole, though the number added makes it longer than a typed requirement may be.
    assert_eq!(document.description.chars().count(), 19_996);
    assert!(order.description.starts_with(&document.description));
    assert_eq!(
        store
            .order_of_document(&writer, document.id)
            .await
            .unwrap()
            .map(|o| o.id),
        Some(id)
    );
    assert!(matches!(
        store.convert_document(&manager, document.id).await,
        Err(OrderError::Store(StoreError::Conflict))
    ));
}

/// Every order `query` lists, read page by page (`limit` a page) through the keyset cursor;
/// a cursor that went round in circles would stop at 100 pages and fail the caller.
async fn paged_ids(store: &Store, who: &Actor, query: &OrderQuery, limit: u32) -> Vec<OrderId> {
    let mut paged = Vec::new();
    let mut after = None;
    for _ in 0..100 {
        let page = store
            .orders(
                who,
                &OrderQuery {
                    after,
                    limit,
                    ..query.clone()
                },
            )
            .await
            .unwrap();
        paged.extend(page.iter().map(|o| o.id));
        if page.len() < limit as usize {
            break;
        }
        after = page.last().map(|o| o.id);
    }
    paged
}

async fn keyset_pages_equal_the_whole_list(store: Store) {
    let obec = organisation(&store, "Obec Lhota").await;
    let writer = member(&store, "referent", obec, AgendaRight::Write, false).await;
    for n in 0..7 {
        store
            .create_order(&writer, &requirement(obec, &format!("Požadavek {n}")))
            .await
            .unwrap();
    }
    let whole = store
        .orders(
            &writer,
            &OrderQuery {
                limit: 100,
                ..OrderQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(whole.len(), 7);
    assert_eq!(whole[0].title, "Požadavek 6");
    assert_eq!(
        paged_ids(&store, &writer, &OrderQuery::default(), 3).await,
        whole.iter().map(|o| o.id).collect::<Vec<_>>()
    );

    // Grouped by state (in the order of the lifecycle) and oldest first, pages still add up
    // to the whole list.
    let manager = staff(&store, "vedouci", StaffRole::ProjectManager).await;
    for order in whole.iter().take(3) {
        step(
            &store,
            &manager,
            order.id,
            OrderStep::Analyse,
            StepInput::default(),
        )
        .await
        .unwrap();
    }
    let grouped = OrderQuery {
        group: Some(supportweb_storage::customization_orders::OrderGroup::State),
        oldest_first: true,
        limit: 100,
        ..OrderQuery::default()
    };
    let whole = store.orders(&writer, &grouped).await.unwrap();
    let states: Vec<OrderState> = whole.iter().map(|o| o.state).collect();
    assert_eq!(states[..4], [OrderState::Submitted; 4], "{states:?}");
    assert_eq!(states[4..], [OrderState::InAnalysis; 3]);
    assert_eq!(
        whole[0].title, "Požadavek 0",
        "oldest first within the group"
    );
    assert_eq!(
        paged_ids(&store, &writer, &grouped, 2).await,
        whole.iter().map(|o| o.id).collect::<Vec<_>>()
    );

    // Filters: by state, and by the day of submission (all were submitted just now).
    let count = |query: OrderQuery| {
        let (store, writer) = (store.clone(), writer.clone());
        async move { store.orders(&writer, &query).await.unwrap().len() }
    };
    let analysed = OrderQuery {
        state: Some(OrderState::InAnalysis),
        limit: 100,
        ..OrderQuery::default()
    };
    assert_eq!(count(analysed).await, 3);
    let now = chrono::Utc::now();
    let since = |from| OrderQuery {
        from: Some(from),
        limit: 100,
        ..OrderQuery::default()
    };
    assert_eq!(count(since(now - chrono::Duration::hours(1))).await, 7);
    assert_eq!(count(since(now + chrono::Duration::hours(1))).await, 0);
    let before = OrderQuery {
        before: Some(now - chrono::Duration::hours(1)),
        limit: 100,
        ..OrderQuery::default()
    };
    assert_eq!(count(before).await, 0);

    // Grouped by organisation, the groups follow the organisations' names (Brno, registered
    // later, comes before Lhota), and pages still add up.
    let brno = organisation(&store, "Město Brno").await;
    let brnak = member(&store, "brnak", brno, AgendaRight::Write, false).await;
    for n in 0..2 {
        store
            .create_order(&brnak, &requirement(brno, &format!("Brněnský {n}")))
            .await
            .unwrap();
    }
    let grouped = OrderQuery {
        group: Some(supportweb_storage::customization_orders::OrderGroup::Organisation),
        limit: 100,
        ..OrderQuery::default()
    };
    let whole = store.orders(&manager, &grouped).await.unwrap();
    let names: Vec<&str> = whole.iter().map(|o| o.organisation_name.as_str()).collect();
    assert_eq!(names[..2], ["Město Brno"; 2], "{names:?}");
    assert_eq!(names[2..], ["Obec Lhota"; 7]);
    assert_eq!(
        paged_ids(&store, &manager, &grouped, 2).await,
        whole.iter().map(|o| o.id).collect::<Vec<_>>()
    );
}

async fn internal_notes_and_their_files_never_reach_customers(store: Store) {
    use supportweb_domain::ids::FileId;
    use supportweb_storage::files::NewFile;
    let manager = staff(&store, "vedouci", StaffRole::ProjectManager).await;
    let obec = organisation(&store, "Obec Lhota").await;
    let writer = member(&store, "referent", obec, AgendaRight::Write, false).await;
    let reader = member(&store, "ctenar", obec, AgendaRight::Read, false).await;
    let upload = |who: Actor, name: &'static str| {
        let store = store.clone();
        async move {
            let id = FileId::generate();
            store
                .insert_file(
                    &who,
                    &NewFile {
                        id,
                        storage_key: format!("test/{id}"),
                        file_name: name.into(),
                        content_type: "text/plain".into(),
                        size_bytes: 4,
                        sha256: "00".repeat(32),
                    },
                )
                .await
                .unwrap();
            id
        }
    };
    let spec = upload(writer.clone(), "zadani.txt").await;
    let id = store
        .create_order(
            &writer,
            &NewOrder {
                files: vec![spec],
                ..requirement(obec, "S přílohou")
            },
        )
        .await
        .unwrap();
    assert_eq!(store.order_files(&reader, id).await.unwrap()[0].id, spec);
    // A file already attached cannot be attached again elsewhere.
    assert!(matches!(
        store
            .add_order_comment(&writer, id, "Znovu", false, &[spec])
            .await,
        Err(OrderError::Invalid("files"))
    ));
    let note_file = upload(manager.clone(), "kalkulace.xlsx").await;
    store
        .add_order_comment(&manager, id, "KANÁR interní kalkulace", true, &[note_file])
        .await
        .unwrap();
    store
        .add_order_comment(&writer, id, "Doplňujeme zadání.", false, &[])
        .await
        .unwrap();
    assert!(matches!(
        store
            .add_order_comment(&writer, id, "Interní?", true, &[])
            .await,
        Err(OrderError::NotAllowed)
    ));
    assert!(matches!(
        store
            .add_order_comment(&reader, id, "Čtenář", false, &[])
            .await,
        Err(OrderError::NotAllowed)
    ));
    assert!(matches!(
        store.add_order_comment(&writer, id, "  ", false, &[]).await,
        Err(OrderError::Invalid("body"))
    ));
    let seen = store.order_comments(&writer, id).await.unwrap();
    assert_eq!(seen.len(), 1);
    assert!(!seen.iter().any(|c| c.body.contains("KANÁR")));
    assert!(matches!(
        store.order_file(&writer, id, note_file).await,
        Err(StoreError::NotFound)
    ));
    let staff_view = store.order_comments(&manager, id).await.unwrap();
    assert_eq!(staff_view.len(), 2);
    assert!(staff_view[0].internal && staff_view[0].by_staff);
    assert_eq!(staff_view[0].files[0].id, note_file);
    assert_eq!(
        store.order_file(&manager, id, note_file).await.unwrap().id,
        note_file
    );
    // The general download route never serves an order's file, not even to its uploader.
    assert!(matches!(
        store.file_for(&writer, spec).await,
        Err(StoreError::NotFound)
    ));
}

async fn delivery_links_only_a_published_patch_offered_to_the_organisation(store: Store) {
    use supportweb_domain::patch::{PatchStep, PatchVisibility, VersionRange};
    use supportweb_storage::catalogue::NewProduct;
    use supportweb_storage::patches::NewPatch;
    let manager = staff(&store, "vedouci", StaffRole::ProjectManager).await;
    let developer = staff(&store, "vyvojar", StaffRole::Developer).await;
    let lhota = organisation(&store, "Obec Lhota").await;
    let brno = organisation(&store, "Město Brno").await;
    let signatory = member(&store, "starosta", lhota, AgendaRight::Write, true).await;
    let product = store
        .create_product(
            &developer,
            &NewProduct {
                code: "SPIS".into(),
                name: "Spisová služba".into(),
                modules: vec!["Podatelna".into()],
                versions: vec!["5.3".into()],
                is_active: true,
            },
        )
        .await
        .unwrap();
    let upload = || {
        let store = store.clone();
        let developer = developer.clone();
        async move {
            let id = supportweb_domain::ids::FileId::generate();
            store
                .insert_file(
                    &developer,
                    &supportweb_storage::files::NewFile {
                        id,
                        storage_key: format!("test/{id}"),
                        file_name: "zaplata.zip".into(),
                        content_type: "application/zip".into(),
                        size_bytes: 4,
                        sha256: "00".repeat(32),
                    },
                )
                .await
                .unwrap();
            id
        }
    };
    let patch = |title: &str,
                 visibility: PatchVisibility,
                 organisations: Vec<OrganisationId>,
                 file: supportweb_domain::ids::FileId| NewPatch {
        product_id: product,
        module: String::new(),
        build: "5.3.0.1".into(),
        title: title.into(),
        release_notes: "Sestava podle uzlů.".into(),
        applies: VersionRange {
            from: "5.3".into(),
            to: "5.3".into(),
        },
        released_on: d(2026, 11, 1),
        visibility,
        organisations,
        files: vec![file],
    };
    let publish = |id| {
        let store = store.clone();
        let developer = developer.clone();
        async move {
            let version = store.patch(&developer, id).await.unwrap().version;
            store
                .patch_step(&developer, id, PatchStep::Publish, "", version)
                .await
                .unwrap();
        }
    };
    let for_all = store
        .create_patch(
            &developer,
            &patch("Pro všechny", PatchVisibility::All, vec![], upload().await),
        )
        .await
        .unwrap();
    publish(for_all).await;
    let for_brno = store
        .create_patch(
            &developer,
            &patch(
                "Jen pro Brno",
                PatchVisibility::Chosen,
                vec![brno],
                upload().await,
            ),
        )
        .await
        .unwrap();
    publish(for_brno).await;
    let draft = store
        .create_patch(
            &developer,
            &patch("Rozpracovaná", PatchVisibility::All, vec![], upload().await),
        )
        .await
        .unwrap();

    let id = store
        .create_order(&signatory, &requirement(lhota, "Sestava"))
        .await
        .unwrap();
    step(
        &store,
        &manager,
        id,
        OrderStep::Analyse,
        StepInput::default(),
    )
    .await
    .unwrap();
    let version = store.order(&manager, id).await.unwrap().version;
    store
        .issue_quote(
            &manager,
            id,
            &quote(800, d(2026, 12, 31)),
            &[],
            today(),
            version,
        )
        .await
        .unwrap();
    step(
        &store,
        &signatory,
        id,
        OrderStep::Approve,
        StepInput::default(),
    )
    .await
    .unwrap();
    step(
        &store,
        &manager,
        id,
        OrderStep::Develop,
        StepInput::default(),
    )
    .await
    .unwrap();
    for refused in [for_brno, draft] {
        let input = StepInput {
            delivered_in: "5.3.0.1".into(),
            patch: Some(refused),
            ..StepInput::default()
        };
        assert!(matches!(
            step(&store, &manager, id, OrderStep::Deliver, input).await,
            Err(OrderError::Invalid("patch"))
        ));
    }
    assert_eq!(
        store.order(&manager, id).await.unwrap().state,
        OrderState::InDevelopment,
        "nothing was written"
    );
    // A patch withdrawn between the delivery's check and its write is not delivered.
    let withdrawn_meanwhile = store
        .create_patch(
            &developer,
            &patch("Stažená", PatchVisibility::All, vec![], upload().await),
        )
        .await
        .unwrap();
    publish(withdrawn_meanwhile).await;
    let withdrawing = supportweb_storage::testing::hold_write(
        &store,
        &[(
            "UPDATE patches SET state = 'withdrawn', version = version + 1 WHERE id = $1",
            withdrawn_meanwhile.0,
        )],
    )
    .await;
    let version = store.order(&manager, id).await.unwrap().version;
    let delivering = {
        let (store, manager) = (store.clone(), manager.clone());
        tokio::spawn(async move {
            let input = StepInput {
                delivered_in: "5.3.0.1".into(),
                patch: Some(withdrawn_meanwhile),
                ..StepInput::default()
            };
            store
                .order_step(&manager, id, OrderStep::Deliver, &input, today(), version)
                .await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    withdrawing.commit().await.unwrap();
    let delivered = delivering.await.unwrap();
    assert!(
        matches!(delivered, Err(OrderError::Invalid("patch"))),
        "delivered in a patch withdrawn meanwhile: {delivered:?}"
    );
    let input = StepInput {
        delivered_in: "5.3.0.1".into(),
        patch: Some(for_all),
        ..StepInput::default()
    };
    step(&store, &manager, id, OrderStep::Deliver, input)
        .await
        .unwrap();
    let order = store.order(&signatory, id).await.unwrap();
    assert_eq!(order.delivered_patch_id, Some(for_all));
    assert_eq!(order.delivered_in, "5.3.0.1");
}

async fn reading_parties_only_answer_and_foreign_cursors_are_no_cursors(store: Store) {
    let manager = staff(&store, "vedouci", StaffRole::ProjectManager).await;
    let technician = staff(&store, "technik", StaffRole::Technician).await;
    let lhota = organisation(&store, "Obec Lhota").await;
    let brno = organisation(&store, "Město Brno").await;
    let writer = member(&store, "referent", lhota, AgendaRight::Write, false).await;
    let reading_signatory = member(&store, "starosta", lhota, AgendaRight::Read, true).await;
    let brnak = member(&store, "brnak", brno, AgendaRight::Write, false).await;
    let id = store
        .create_order(&writer, &requirement(lhota, "Sestava"))
        .await
        .unwrap();
    // Staff who only read orders and a signatory with only the read right write nothing in
    // the conversation.
    for who in [&technician, &reading_signatory] {
        assert!(matches!(
            store
                .add_order_comment(who, id, "Poznámka", false, &[])
                .await,
            Err(OrderError::NotAllowed)
        ));
    }
    // The reading signatory cancels nothing but answers the quote.
    assert!(matches!(
        step(
            &store,
            &reading_signatory,
            id,
            OrderStep::Cancel,
            because("Ne")
        )
        .await,
        Err(OrderError::NotAllowed)
    ));
    step(
        &store,
        &manager,
        id,
        OrderStep::Analyse,
        StepInput::default(),
    )
    .await
    .unwrap();
    let version = store.order(&manager, id).await.unwrap().version;
    store
        .issue_quote(
            &manager,
            id,
            &quote(800, d(2026, 12, 31)),
            &[],
            today(),
            version,
        )
        .await
        .unwrap();
    step(
        &store,
        &reading_signatory,
        id,
        OrderStep::Approve,
        StepInput::default(),
    )
    .await
    .unwrap();

    // Another organisation's order as the paging cursor answers like a missing one.
    for n in 0..3 {
        store
            .create_order(&brnak, &requirement(brno, &format!("Brno {n}")))
            .await
            .unwrap();
    }
    let own: Vec<_> = store
        .orders(&brnak, &OrderQuery::default())
        .await
        .unwrap()
        .iter()
        .map(|o| o.id)
        .collect();
    let with = |after| {
        let store = store.clone();
        let brnak = brnak.clone();
        async move {
            store
                .orders(
                    &brnak,
                    &OrderQuery {
                        after: Some(after),
                        ..OrderQuery::default()
                    },
                )
                .await
                .unwrap()
                .iter()
                .map(|o| o.id)
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(with(id).await, own);
    assert_eq!(with(OrderId::generate()).await, own);
}

async fn a_document_reported_by_staff_converts_with_staff_as_requester(store: Store) {
    let manager = staff(&store, "vedouci", StaffRole::ProjectManager).await;
    let obec = organisation(&store, "Obec Lhota").await;
    contract(&store, obec, None).await;
    let writer = member(&store, "referent", obec, AgendaRight::Write, false).await;
    let document = store
        .create_document(
            &manager,
            &NewDocument {
                organisation_id: obec,
                contact: "Telefonicky, 604 111 222".into(),
                category: Category::Request,
                severity: Severity::Low,
                product_id: None,
                module: "Podatelna".into(),
                product_version: "5.2.3".into(),
                subject: "Požadavek z telefonu".into(),
                description: "Zákazník volal.".into(),
                files: vec![],
                reporter_id: None,
            },
            &BusinessHours::default(),
            today(),
        )
        .await
        .unwrap();
    let id = store.convert_document(&manager, document.id).await.unwrap();
    let order = store.order(&writer, id).await.unwrap();
    assert_eq!(order.requested_by, manager.user_id);
    assert_eq!(order.support_document_id, Some(document.id));
}

/// An order driven to "invoiced" with one reservation, fixed; what the race needs.
async fn invoiced_with_a_fixed_reservation(
    store: &Store,
    manager: &Actor,
    writer: &Actor,
    signatory: &Actor,
    title: &str,
) -> OrderId {
    let obec = writer.memberships[0].organisation_id;
    let id = store
        .create_order(writer, &requirement(obec, title))
        .await
        .unwrap();
    step(store, manager, id, OrderStep::Analyse, StepInput::default())
        .await
        .unwrap();
    let version = store.order(manager, id).await.unwrap().version;
    store
        .issue_quote(
            manager,
            id,
            &quote(1250, d(2026, 12, 31)),
            &[],
            today(),
            version,
        )
        .await
        .unwrap();
    step(
        store,
        signatory,
        id,
        OrderStep::Approve,
        StepInput::default(),
    )
    .await
    .unwrap();
    step(store, manager, id, OrderStep::Develop, StepInput::default())
        .await
        .unwrap();
    let deliver = StepInput {
        delivered_in: "5.4.2".into(),
        ..StepInput::default()
    };
    step(store, manager, id, OrderStep::Deliver, deliver)
        .await
        .unwrap();
    step(
        store,
        writer,
        id,
        OrderStep::AcceptWithReservations,
        because("Chybí součet za měsíc"),
    )
    .await
    .unwrap();
    let reservation = &store.order_reservations(manager, id).await.unwrap()[0];
    store
        .set_reservation_state(
            manager,
            id,
            reservation.id,
            ReservationState::Fixed,
            reservation.version,
        )
        .await
        .unwrap();
    step(store, manager, id, OrderStep::Invoice, StepInput::default())
        .await
        .unwrap();
    id
}

/// Closing checks that every reservation is fixed; a reservation reopened at the same instant
/// must not slip through: either the order closes with every reservation fixed, or the close
/// is refused. Two writers race many times; then the same interleaving step by step.
async fn an_order_never_closes_while_a_reservation_is_reopened(store: Store) {
    let manager = staff(&store, "vedouci", StaffRole::ProjectManager).await;
    let obec = organisation(&store, "Obec Lhota").await;
    let writer = member(&store, "referent", obec, AgendaRight::Write, false).await;
    let signatory = member(&store, "starosta", obec, AgendaRight::Read, true).await;
    for round in 0..12 {
        let id = invoiced_with_a_fixed_reservation(
            &store,
            &manager,
            &writer,
            &signatory,
            &format!("Sestava {round}"),
        )
        .await;
        let order = store.order(&manager, id).await.unwrap();
        let reservation = store.order_reservations(&manager, id).await.unwrap()[0].clone();
        let nothing = StepInput::default();
        let (closed, reopened) = tokio::join!(
            store.order_step(
                &manager,
                id,
                OrderStep::Close,
                &nothing,
                today(),
                order.version
            ),
            store.set_reservation_state(
                &manager,
                id,
                reservation.id,
                ReservationState::Open,
                reservation.version
            )
        );
        let state = store.order(&manager, id).await.unwrap().state;
        let open = store.order_reservations(&manager, id).await.unwrap()[0].state;
        assert!(
            !(state == OrderState::Closed && open == ReservationState::Open),
            "round {round}: closed with an open reservation ({closed:?}, {reopened:?})"
        );
        assert!(
            closed.is_err() || reopened.is_err(),
            "round {round}: both won"
        );
    }

    // Step by step: the order as read before the reservation was reopened is stale.
    let id =
        invoiced_with_a_fixed_reservation(&store, &manager, &writer, &signatory, "Pomalá").await;
    let read = store.order(&manager, id).await.unwrap();
    let reservation = store.order_reservations(&manager, id).await.unwrap()[0].clone();
    store
        .set_reservation_state(
            &manager,
            id,
            reservation.id,
            ReservationState::Open,
            reservation.version,
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .order_step(
                &manager,
                id,
                OrderStep::Close,
                &StepInput::default(),
                today(),
                read.version
            )
            .await,
        Err(OrderError::Store(StoreError::Conflict) | OrderError::Invalid("reservations"))
    ));
    assert_eq!(
        store.order(&manager, id).await.unwrap().state,
        OrderState::Invoiced
    );
}

both_backends!(
    an_order_never_closes_while_a_reservation_is_reopened,
    reading_parties_only_answer_and_foreign_cursors_are_no_cursors,
    a_document_reported_by_staff_converts_with_staff_as_requester,
    delivery_links_only_a_published_patch_offered_to_the_organisation,
    internal_notes_and_their_files_never_reach_customers,
    from_requirement_to_invoice_only_the_signatory_approves_the_current_revision,
    an_expired_quote_cannot_be_approved_and_a_returned_one_is_quoted_again,
    customers_see_only_their_organisations_orders,
    a_support_document_converts_once_and_both_keep_the_link,
    keyset_pages_equal_the_whole_list,
);
