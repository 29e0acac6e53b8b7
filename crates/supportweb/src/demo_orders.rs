//! Sample customization orders: for each showcase customer one requirement in every state
//! of the lifecycle — just submitted, cancelled, in analysis, quoted twice and waiting for
//! the signatory, returned for a new quote, rejected, approved, back in development after
//! the customer did not accept it, delivered and waiting for the customer, accepted with a
//! reservation still open, invoiced, closed — with replies, an internal note and hours.
//! Quote dates are relative to today. Running it again adds nothing.

use chrono::{Duration, NaiveDate};
use supportweb_domain::Actor;
use supportweb_domain::customization_order::{OrderStep, ReservationState};
use supportweb_domain::ids::{OrderId, OrganisationId, UserId};
use supportweb_domain::money::Currency;
use supportweb_storage::Store;
use supportweb_storage::customization_orders::{NewOrder, NewQuote, OrderQuery, StepInput};

use crate::demo_error::DemoError;

/// How far a sample order got.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Story {
    Submitted,
    Cancelled,
    InAnalysis,
    QuotedTwice,
    ReturnedForRequote,
    Rejected,
    Approved,
    NotAccepted,
    Delivered,
    AcceptedWithReservations,
    Invoiced,
    Closed,
}

struct SampleOrder {
    title: &'static str,
    description: &'static str,
    centi_hours: i64,
    story: Story,
}

const ORDERS: &[SampleOrder] = &[
    SampleOrder {
        title: "Sestava doručené pošty podle spisových uzlů",
        description: "Potřebujeme měsíční přehled doručených dokumentů rozdělený podle \
                      **spisových uzlů** s exportem do XLSX.",
        centi_hours: 1250,
        story: Story::Invoiced,
    },
    SampleOrder {
        title: "Hlídání lhůt vyřízení s upozorněním e-mailem",
        description: "Zpracovatel má dostat e-mail tři dny před koncem lhůty pro vyřízení.",
        centi_hours: 2400,
        story: Story::AcceptedWithReservations,
    },
    SampleOrder {
        title: "Napojení výpravny na hromadné podání do datových schránek",
        description: "Výpravna má odesílat hromadně připravené zásilky přes ISDS.",
        centi_hours: 3200,
        story: Story::Delivered,
    },
    SampleOrder {
        title: "Export evidence do formátu NSESSS",
        description: "Export pro skartační řízení podle národního standardu.",
        centi_hours: 4000,
        story: Story::QuotedTwice,
    },
    SampleOrder {
        title: "Nový číselník typů dokumentů pro stavební úřad",
        description: "Doplnit typy dokumentů stavebního řízení.",
        centi_hours: 600,
        story: Story::Rejected,
    },
    SampleOrder {
        title: "Úprava tiskové šablony obálky",
        description: "Na obálce má být logo obce a zpáteční adresa podatelny.",
        centi_hours: 0,
        story: Story::Submitted,
    },
    SampleOrder {
        title: "Import adresáře z agendy obyvatel",
        description: "Jednorázově převzít adresy z agendy evidence obyvatel.",
        centi_hours: 0,
        story: Story::Cancelled,
    },
    SampleOrder {
        title: "Statistika vyřízených podání pro výroční zprávu",
        description: "Počty podání podle způsobu doručení a lhůty vyřízení za rok.",
        centi_hours: 0,
        story: Story::InAnalysis,
    },
    SampleOrder {
        title: "Elektronický podpis odchozích dokumentů ve výpravně",
        description: "Výpravna má podepisovat PDF kvalifikovanou pečetí obce.",
        centi_hours: 2800,
        story: Story::ReturnedForRequote,
    },
    SampleOrder {
        title: "Předávání dokumentů do spisovny podle skartačních znaků",
        description: "Uzavřené spisy předávat do spisovny v dávkách podle skartačních znaků.",
        centi_hours: 1600,
        story: Story::Approved,
    },
    SampleOrder {
        title: "Hromadná změna zpracovatele při odchodu zaměstnance",
        description: "Převést všechny otevřené dokumenty odcházejícího na nástupce.",
        centi_hours: 1000,
        story: Story::NotAccepted,
    },
    SampleOrder {
        title: "Kontrola formátu příloh při příjmu z e-podatelny",
        description: "Upozornit na přílohy ve formátech, které nejsou výstupní ani přijatelné.",
        centi_hours: 800,
        story: Story::Closed,
    },
];

fn quote(centi_hours: i64, today: NaiveDate) -> NewQuote {
    NewQuote {
        scope: "Analýza, vývoj, test u zákazníka a dokumentace.".to_owned(),
        estimated_centi_hours: centi_hours,
        hourly_rate: 145_000,
        currency: Currency::Czk,
        vat_basis_points: 2100,
        delivery_on: today + Duration::days(60),
        valid_until: today + Duration::days(30),
    }
}

async fn step(
    store: &Store,
    who: &Actor,
    id: OrderId,
    step: OrderStep,
    input: StepInput,
    today: NaiveDate,
) -> Result<(), DemoError> {
    let version = store.order(who, id).await?.version;
    store
        .order_step(who, id, step, &input, today, version)
        .await
        .map_err(|e| DemoError(format!("sample order step {}: {e}", step.as_str())))?;
    Ok(())
}

fn reason(text: &str) -> StepInput {
    StepInput {
        reason: text.to_owned(),
        ..StepInput::default()
    }
}

/// Fills the sample orders of `organisations`, each submitted and answered by its
/// signatory, worked on by `staff`; returns how many were added.
pub async fn fill(
    store: &Store,
    staff: &Actor,
    organisations: &[(OrganisationId, &str)],
    signatories: &[Option<UserId>],
    today: NaiveDate,
) -> Result<usize, DemoError> {
    let existing = store
        .orders(
            staff,
            &OrderQuery {
                limit: 1,
                ..OrderQuery::default()
            },
        )
        .await?;
    if !existing.is_empty() {
        return Ok(0);
    }
    let failed = |e: supportweb_storage::customization_orders::OrderError| {
        DemoError(format!("sample order: {e}"))
    };
    let mut added = 0;
    for (&(organisation, _), signatory) in organisations.iter().zip(signatories) {
        let Some(signatory) = *signatory else {
            continue;
        };
        let customer = match store.user(signatory).await? {
            Some(user) => store.actor_for(&user).await?,
            None => continue,
        };
        for sample in ORDERS {
            let id = store
                .create_order(
                    &customer,
                    &NewOrder {
                        organisation_id: organisation,
                        title: sample.title.to_owned(),
                        description: sample.description.to_owned(),
                        desired_on: Some(today + Duration::days(90)),
                        requested_by: None,
                        files: Vec::new(),
                    },
                )
                .await
                .map_err(failed)?;
            added += 1;
            let purchase_order = format!("OBJ-{}-{added:03}", today.format("%Y"));
            play(store, staff, &customer, id, sample, &purchase_order, today).await?;
        }
    }
    Ok(added)
}

/// Takes one sample order as far as its story goes.
async fn play(
    store: &Store,
    staff: &Actor,
    customer: &Actor,
    id: OrderId,
    sample: &SampleOrder,
    purchase_order: &str,
    today: NaiveDate,
) -> Result<(), DemoError> {
    let failed = |e: supportweb_storage::customization_orders::OrderError| {
        DemoError(format!("sample order: {e}"))
    };
    match sample.story {
        Story::Submitted => return Ok(()),
        Story::Cancelled => {
            let why = reason("Adresy převezmeme přes základní registry, úprava není potřeba.");
            return step(store, customer, id, OrderStep::Cancel, why, today).await;
        }
        _ => {}
    }
    step(
        store,
        staff,
        id,
        OrderStep::Analyse,
        StepInput::default(),
        today,
    )
    .await?;
    store
        .add_order_comment(
            staff,
            id,
            "Odhad počítá s rezervou na testování u zákazníka.",
            true,
            &[],
        )
        .await
        .map_err(failed)?;
    if sample.story == Story::InAnalysis {
        return Ok(());
    }
    let version = store.order(staff, id).await?.version;
    store
        .issue_quote(
            staff,
            id,
            &quote(sample.centi_hours, today),
            &[],
            today,
            version,
        )
        .await
        .map_err(failed)?;
    match sample.story {
        Story::QuotedTwice => {
            store
                .add_order_comment(
                    customer,
                    id,
                    "Prosíme o rozdělení na dvě etapy.",
                    false,
                    &[],
                )
                .await
                .map_err(failed)?;
            let version = store.order(staff, id).await?.version;
            let cheaper = quote(sample.centi_hours - 400, today);
            store
                .issue_quote(staff, id, &cheaper, &[], today, version)
                .await
                .map_err(failed)?;
            return Ok(());
        }
        Story::ReturnedForRequote => {
            let why = reason("Pečeť už máme, prosíme nabídku bez jejího pořízení.");
            return step(store, customer, id, OrderStep::ReturnForRequote, why, today).await;
        }
        Story::Rejected => {
            let why = reason("Letos na úpravu nemáme rozpočet.");
            return step(store, customer, id, OrderStep::Reject, why, today).await;
        }
        _ => {}
    }
    let approve = StepInput {
        purchase_order: purchase_order.to_owned(),
        ..StepInput::default()
    };
    step(store, customer, id, OrderStep::Approve, approve, today).await?;
    if sample.story == Story::Approved {
        return Ok(());
    }
    step(
        store,
        staff,
        id,
        OrderStep::Develop,
        StepInput::default(),
        today,
    )
    .await?;
    store
        .log_order_work(
            staff,
            id,
            today - Duration::days(3),
            sample.centi_hours / 2,
            "Vývoj",
            today,
        )
        .await
        .map_err(failed)?;
    let deliver = StepInput {
        delivered_in: "5.3.0".to_owned(),
        ..StepInput::default()
    };
    step(store, staff, id, OrderStep::Deliver, deliver, today).await?;
    match sample.story {
        Story::Delivered => Ok(()),
        Story::NotAccepted => {
            let why = reason("Dokumenty ve schvalování zůstaly původnímu zpracovateli.");
            step(store, customer, id, OrderStep::NotAccept, why, today).await
        }
        Story::AcceptedWithReservations => {
            let listed = reason("Chybí připomínka zástupci\nV e-mailu chybí číslo jednací");
            step(
                store,
                customer,
                id,
                OrderStep::AcceptWithReservations,
                listed,
                today,
            )
            .await?;
            if let Some(first) = store.order_reservations(staff, id).await?.first() {
                store
                    .set_reservation_state(
                        staff,
                        id,
                        first.id,
                        ReservationState::Fixed,
                        first.version,
                    )
                    .await
                    .map_err(failed)?;
            }
            Ok(())
        }
        _ => {
            step(
                store,
                customer,
                id,
                OrderStep::Accept,
                StepInput::default(),
                today,
            )
            .await?;
            let version = store.order(staff, id).await?.version;
            store
                .mark_invoiced(staff, &[(id, version)])
                .await
                .map_err(failed)?;
            if sample.story == Story::Closed {
                step(
                    store,
                    staff,
                    id,
                    OrderStep::Close,
                    StepInput::default(),
                    today,
                )
                .await?;
            }
            Ok(())
        }
    }
}
