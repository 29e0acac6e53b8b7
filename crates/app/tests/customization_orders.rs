//! The customization-order use cases without HTTP, on both backends: a requirement through
//! quoting (the page's Czech figures), approval by the signatory only, delivery, acceptance
//! with a reservation, closing refused while it is open, invoicing; field problems with the
//! limit they name, stale versions, and internal notes kept from customers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use supportweb_app::Error;
use supportweb_app::customization_orders::{
    OrderInput, OrderParams, OrderStep, QuoteInput, ReservationState, StepInput,
};
use supportweb_app::testing::{TestApp, build};
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::StaffRole;

fn rights(approve: bool) -> MembershipRights {
    MembershipRights {
        customization_orders: AgendaRight::Write,
        may_approve_orders: approve,
        ..MembershipRights::NONE
    }
}

/// A refused field: its name, the message id and the number the message names.
type Problem = (String, &'static str, Option<(&'static str, i64)>);

fn problems(error: Error) -> Vec<Problem> {
    match error {
        Error::Invalid(fields) => fields
            .iter()
            .map(|(field, problem)| (field.to_owned(), problem.code, problem.argument))
            .collect(),
        other => panic!("expected field problems, got {other:?}"),
    }
}

async fn an_order_from_requirement_to_invoice(test: TestApp) {
    let store = test.store();
    let developer = build::staff(store, "vyvojar", StaffRole::Developer).await;
    let brno = build::organisation(store, "Brno").await;
    let lhota = build::organisation(store, "Lhota").await;
    let clerk = build::member(store, "referentka", brno, rights(false)).await;
    let signatory = build::member(store, "primator", brno, rights(true)).await;
    let stranger = build::member(store, "starosta", lhota, rights(true)).await;
    let orders = test.app.customization_orders();

    let foreign = orders
        .submit(
            &clerk,
            &OrderInput {
                organisation: lhota.to_string(),
                title: "Cizí".into(),
                description: "Nic".into(),
                ..OrderInput::default()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        problems(foreign),
        vec![("organisation".into(), "order-error-organisation", None)]
    );
    let order = orders
        .submit(
            &clerk,
            &OrderInput {
                organisation: brno.to_string(),
                title: "Nová sestava podání".into(),
                description: "Sestava podání po odborech.".into(),
                desired_on: "2027-03-01".into(),
                ..OrderInput::default()
            },
        )
        .await
        .unwrap();
    let id = order.id.to_string();
    assert!(matches!(
        orders.get(&stranger, &id).await,
        Err(Error::NotFound)
    ));

    let analysed = orders
        .step(
            &developer,
            &id,
            OrderStep::Analyse,
            &StepInput::default(),
            order.version,
        )
        .await
        .unwrap();
    let bad = QuoteInput {
        scope: "Sestava".into(),
        hours: "deset".into(),
        hourly_rate: "1 200,50".into(),
        currency: "CZK".into(),
        vat_rate: "21".into(),
        delivery_on: "2027-02-01".into(),
        valid_until: "2099-12-31".into(),
        version: analysed.version,
    };
    let refused = bad.check().unwrap_err();
    assert_eq!(
        problems(refused),
        vec![("hours".into(), "order-error-hours", None)]
    );
    let figures = QuoteInput {
        hours: "12,5".into(),
        ..bad
    }
    .check()
    .unwrap();
    assert_eq!(figures.estimated_centi_hours, 1250);
    assert_eq!(figures.hourly_rate, 120_050, "Czech amounts in haléř");
    let quoted = orders
        .quote(&developer, &id, &figures, &[], analysed.version)
        .await
        .unwrap();
    assert_eq!(quoted.quote_revision, 1);

    assert!(
        matches!(
            orders
                .step(
                    &clerk,
                    &id,
                    OrderStep::Approve,
                    &StepInput::default(),
                    quoted.version
                )
                .await,
            Err(Error::Forbidden)
        ),
        "only the signatory approves"
    );
    let overlong = StepInput {
        purchase_order: "X".repeat(500),
        quote_revision: Some(1),
        ..StepInput::default()
    };
    let too_long = orders
        .step(
            &signatory,
            &id,
            OrderStep::Approve,
            &overlong,
            quoted.version,
        )
        .await
        .unwrap_err();
    let found = problems(too_long);
    assert_eq!(found[0].1, "order-error-too-long");
    assert!(
        found[0]
            .2
            .is_some_and(|(name, max)| name == "max" && max > 0),
        "the message names the limit: {found:?}"
    );
    let approved = orders
        .step(
            &signatory,
            &id,
            OrderStep::Approve,
            &StepInput {
                purchase_order: "OBJ-2026-17".into(),
                quote_revision: Some(1),
                ..StepInput::default()
            },
            quoted.version,
        )
        .await
        .unwrap();
    let stale = orders
        .step(
            &developer,
            &id,
            OrderStep::Develop,
            &StepInput::default(),
            quoted.version,
        )
        .await
        .unwrap_err();
    assert!(matches!(stale, Error::Conflict), "{stale:?}");
    let developing = orders
        .step(
            &developer,
            &id,
            OrderStep::Develop,
            &StepInput::default(),
            approved.version,
        )
        .await
        .unwrap();
    let delivered = orders
        .step(
            &developer,
            &id,
            OrderStep::Deliver,
            &StepInput {
                delivered_in: "5.4.2".into(),
                ..StepInput::default()
            },
            developing.version,
        )
        .await
        .unwrap();
    let accepted = orders
        .step(
            &signatory,
            &id,
            OrderStep::AcceptWithReservations,
            &StepInput {
                reason: "Chybí součet za rok.".into(),
                ..StepInput::default()
            },
            delivered.version,
        )
        .await
        .unwrap();
    let closing = orders
        .step(
            &developer,
            &id,
            OrderStep::Close,
            &StepInput::default(),
            accepted.version,
        )
        .await;
    assert!(closing.is_err(), "an open reservation keeps the order open");

    orders
        .comment(&developer, &id, "INTERNI-KANAR-55", true, &[])
        .await
        .unwrap();
    let seen = orders.detail(&clerk, &id).await.unwrap();
    assert!(
        !seen
            .comments
            .iter()
            .any(|c| c.body.contains("INTERNI-KANAR-55"))
    );
    assert!(seen.work.is_none(), "hours are staff-only");
    let reservation = &seen.reservations[0];
    orders
        .set_reservation(
            &developer,
            &id,
            &reservation.id.to_string(),
            ReservationState::Fixed,
            reservation.version,
        )
        .await
        .unwrap();

    let lines = orders.to_invoice(&developer).await.unwrap();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].facts.purchase_order, "OBJ-2026-17");
    assert!(matches!(
        orders.to_invoice(&clerk).await,
        Err(Error::NotFound)
    ));
    let csv = orders
        .invoicing_csv(
            &developer,
            &supportweb_i18n::Tr::new(supportweb_domain::Language::Cs),
        )
        .await
        .unwrap();
    assert!(
        csv.contains("OBJ-2026-17") && csv.contains("1200,50"),
        "{csv}"
    );
    let current = orders.get(&developer, &id).await.unwrap();
    orders
        .mark_invoiced(&developer, &[(current.id, current.version)])
        .await
        .unwrap();
    assert!(orders.to_invoice(&developer).await.unwrap().is_empty());

    let (query, _) = orders
        .overview_query(&stranger, &OrderParams::default())
        .unwrap();
    assert!(
        orders
            .overview(&stranger, &query)
            .await
            .unwrap()
            .rows
            .is_empty()
    );
}

supportweb_app::both_backends!(an_order_from_requirement_to_invoice);
