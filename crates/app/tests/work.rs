//! "My work" on both backends: each block lists what waits for the user, counts it, and
//! links to the overview with the same filters (which lists the same records); another
//! organisation's records are never in a customer's blocks.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use supportweb_app::customization_orders::{OrderInput, OrderStep, QuoteInput, StepInput};
use supportweb_app::protocols::{ProtocolInput, ProtocolStep, TaskInput};
use supportweb_app::support_documents::{OpenDocument, Transition};
use supportweb_app::testing::{TestApp, build};
use supportweb_app::work::{MyWork, WorkBlock};
use supportweb_domain::Actor;
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::StaffRole;

fn customer() -> MembershipRights {
    MembershipRights {
        support_documents: AgendaRight::Write,
        customization_orders: AgendaRight::Write,
        protocols: AgendaRight::Read,
        podpora: AgendaRight::Read,
        may_approve_orders: true,
        may_confirm_protocols: true,
        ..MembershipRights::NONE
    }
}

fn find<'a>(work: &'a MyWork, kind: &str) -> &'a WorkBlock {
    work.blocks
        .iter()
        .find(|b| b.kind.as_str() == kind)
        .unwrap_or_else(|| panic!("no block {kind}"))
}

fn numbers(block: &WorkBlock) -> Vec<String> {
    let mut numbers: Vec<String> = block.items.iter().map(|i| i.number.clone()).collect();
    numbers.sort();
    numbers
}

async fn work(test: &TestApp, actor: &Actor) -> MyWork {
    test.app.my_work(actor).await.unwrap()
}

async fn each_block_lists_what_waits_for_the_user_and_nothing_of_others(test: TestApp) {
    let store = test.store();
    let brno = build::entitled_organisation(store, "Statutární město Brno", None).await;
    let ves = build::entitled_organisation(store, "Obec Ves", None).await;
    let referentka = build::member(store, "referentka", brno, customer()).await;
    let starosta = build::member(store, "starosta", ves, customer()).await;
    let technik = build::staff(store, "technik", StaffRole::Technician).await;
    let vedouci = build::staff(store, "vedouci", StaffRole::ProjectManager).await;
    let konzultant = build::staff(store, "konzultant", StaffRole::Consultant).await;
    let vyvojar = build::staff(store, "vyvojar", StaffRole::Developer).await;
    store
        .add_to_account_team(brno, technik.user_id)
        .await
        .unwrap();
    let documents = test.app.support_documents();
    let open = async |actor: &Actor, organisation: uuid::Uuid, subject: &str| {
        documents
            .open(
                actor,
                &OpenDocument {
                    organisation: organisation.to_string(),
                    category: "error".into(),
                    severity: "high".into(),
                    subject: subject.into(),
                    description: "Popis".into(),
                    contact: "Jana Malá".into(),
                    ..OpenDocument::default()
                },
            )
            .await
            .unwrap()
    };
    let assigned = open(&referentka, brno.0, "Přiřazený").await;
    let unassigned = open(&referentka, brno.0, "Nepřiřazený").await;
    let elsewhere = open(&starosta, ves.0, "Veskanarek").await;
    let accepted = documents
        .transition(
            &vedouci,
            &assigned.id.to_string(),
            Transition::Accept,
            assigned.version,
        )
        .await
        .unwrap();
    documents
        .assign(
            &vedouci,
            &assigned.id.to_string(),
            Some(technik.user_id),
            accepted.version,
        )
        .await
        .unwrap();
    let waiting = open(&referentka, brno.0, "Čeká na odpověď").await;
    let waiting_accepted = documents
        .transition(
            &vedouci,
            &waiting.id.to_string(),
            Transition::Accept,
            waiting.version,
        )
        .await
        .unwrap();
    documents
        .transition(
            &vedouci,
            &waiting.id.to_string(),
            Transition::AskCustomer,
            waiting_accepted.version,
        )
        .await
        .unwrap();

    // Staff: my documents, and the unassigned ones of my account team only.
    let mine = work(&test, &technik).await;
    let block = find(&mine, "documents-assigned");
    assert_eq!(numbers(block), vec![assigned.number.clone()]);
    assert_eq!(block.count, 1);
    assert!(block.items[0].due.is_some(), "the running SLA deadline");
    let block = find(&mine, "documents-unassigned");
    assert_eq!(numbers(block), vec![unassigned.number.clone()]);
    assert!(!numbers(block).contains(&elsewhere.number), "not my team's");
    assert_eq!(
        block.href,
        "/support-documents?view=unassigned&team=mine&sort=due"
    );
    // The link's overview lists the same records.
    let params = supportweb_app::support_documents::OverviewParams {
        view: "unassigned".into(),
        team: "mine".into(),
        sort: "due".into(),
        ..Default::default()
    };
    let (query, problems) = documents.overview_query(&technik, &params).unwrap();
    assert!(problems.is_empty());
    let listed: Vec<String> = documents
        .overview(&technik, &query)
        .await
        .unwrap()
        .rows
        .into_iter()
        .map(|d| d.number)
        .collect();
    assert_eq!(listed, vec![unassigned.number.clone()]);

    // An order waiting for the vendor, then a quote waiting for the signatory.
    let orders = test.app.customization_orders();
    let order = orders
        .submit(
            &referentka,
            &OrderInput {
                organisation: brno.to_string(),
                title: "Nová sestava".into(),
                description: "Sestava podání.".into(),
                ..OrderInput::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        numbers(find(&work(&test, &vyvojar).await, "orders-waiting")),
        vec![order.number.clone()]
    );
    let id = order.id.to_string();
    let analysed = orders
        .step(
            &vyvojar,
            &id,
            OrderStep::Analyse,
            &StepInput::default(),
            order.version,
        )
        .await
        .unwrap();
    let figures = QuoteInput {
        scope: "Úprava sestavy.".into(),
        hours: "4".into(),
        hourly_rate: "1 200".into(),
        currency: "CZK".into(),
        vat_rate: "21".into(),
        delivery_on: "2027-02-01".into(),
        valid_until: "2099-12-31".into(),
        version: analysed.version,
    }
    .check()
    .unwrap();
    orders
        .quote(&vyvojar, &id, &figures, &[], analysed.version)
        .await
        .unwrap();
    assert!(
        find(&work(&test, &vyvojar).await, "orders-waiting")
            .items
            .is_empty()
    );

    // A protocol waiting for the customer's verification, with a task the customer owes
    // and one the consultant is responsible for.
    let protocols = test.app.protocols();
    let draft = protocols
        .create(
            &konzultant,
            &ProtocolInput {
                organisation: brno.to_string(),
                project: "Spisová služba".into(),
                kind: "meeting".into(),
                held_at: "2026-11-20T09:30".into(),
                place: "Radnice".into(),
                minute_taker: konzultant.user_id.to_string(),
                subject: "Úvodní schůzka".into(),
                vendor_present: vec![konzultant.user_id.to_string()],
                verifiers: vec![referentka.user_id.to_string()],
                verification_due: "2026-01-05".into(),
                tasks: vec![
                    TaskInput {
                        description: "Dodat skript".into(),
                        side: "vendor".into(),
                        responsible: konzultant.user_id.to_string(),
                        due: "2026-01-10".into(),
                        state: "open".into(),
                        ..TaskInput::default()
                    },
                    TaskInput {
                        description: "Připravit data".into(),
                        side: "customer".into(),
                        responsible: referentka.user_id.to_string(),
                        due: "2099-01-10".into(),
                        state: "open".into(),
                        ..TaskInput::default()
                    },
                ],
                ..ProtocolInput::default()
            },
        )
        .await
        .unwrap();
    protocols
        .step(
            &konzultant,
            &draft.id.to_string(),
            ProtocolStep::Issue,
            "",
            draft.version,
        )
        .await
        .unwrap();
    let staff = work(&test, &konzultant).await;
    let tasks = find(&staff, "tasks-mine");
    assert_eq!(tasks.items.len(), 1);
    assert_eq!(tasks.items[0].title, "Dodat skript");
    assert!(tasks.items[0].urgent, "overdue");
    assert_eq!(
        numbers(find(&staff, "protocols-overdue")),
        vec![draft.number.clone()]
    );

    // The customer: its answer, its approval, its verification, its tasks.
    let customer_work = work(&test, &referentka).await;
    assert_eq!(
        numbers(find(&customer_work, "documents-waiting")),
        vec![waiting.number.clone()]
    );
    assert_eq!(
        numbers(find(&customer_work, "quotes-to-approve")),
        vec![order.number.clone()]
    );
    assert_eq!(
        numbers(find(&customer_work, "protocols-to-verify")),
        vec![draft.number.clone()]
    );
    let owed = find(&customer_work, "tasks-owed");
    assert_eq!(owed.items.len(), 1);
    assert_eq!(owed.items[0].title, "Připravit data");
    assert!(find(&customer_work, "patches-new").items.is_empty());
    assert_eq!(customer_work.contracts.len(), 1);
    assert!(customer_work.contracts[0].entitled);
    assert!(
        customer_work
            .blocks
            .iter()
            .all(|b| b.kind.as_str() != "documents-assigned"),
        "staff blocks are staff's"
    );

    // Another organisation's user sees none of it.
    let other = work(&test, &starosta).await;
    for block in &other.blocks {
        for item in &block.items {
            assert!(item.organisation != "Statutární město Brno", "{item:?}");
        }
    }
    assert!(find(&other, "documents-waiting").items.is_empty());
    assert!(find(&other, "quotes-to-approve").items.is_empty());
    assert!(find(&other, "protocols-to-verify").items.is_empty());
    assert_eq!(other.contracts.len(), 1);
    assert_eq!(other.contracts[0].organisation, "Obec Ves");
}

supportweb_app::both_backends!(each_block_lists_what_waits_for_the_user_and_nothing_of_others);
