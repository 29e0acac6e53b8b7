//! Support documents in the store, each test on both backends: the entitlement gate, the
//! workflow with stale edits, the conversation's visibility, overviews with keyset paging,
//! scheduled work and the notification pipeline with two competing instances.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Duration;
use supportweb_domain::Actor;
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::calendar::BusinessHours;
use supportweb_domain::ids::{DocumentId, FileId};
use supportweb_domain::severity::Severity;
use supportweb_domain::support_document::{
    Activity, Category, DocumentState, Transition, TransitionError,
};
use supportweb_domain::user::StaffRole;
use supportweb_storage::files::NewFile;
use supportweb_storage::notifications::{EventKind, NewMessage};
use supportweb_storage::support_documents::{
    DocumentError, DocumentGrouping, DocumentQuery, DocumentSort, DocumentView, NewTimeEntry,
    StateFilter,
};
use supportweb_storage::testing::build::{
    contract, customer, document_in, new_document, organisation, staff,
};
use supportweb_storage::testing::{backdate_document, set_deadlines};
use supportweb_storage::{Store, StoreError, both_backends};

fn hours() -> BusinessHours {
    BusinessHours::default()
}

fn today() -> chrono::NaiveDate {
    supportweb_domain::calendar::prague_time(chrono::Utc::now()).date()
}

async fn upload(store: &Store, actor: &Actor, name: &str) -> FileId {
    let id = FileId::generate();
    store
        .insert_file(
            actor,
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

async fn count_documents(store: &Store, staff: &Actor) -> usize {
    store
        .documents(staff, &DocumentQuery::default(), chrono::Utc::now())
        .await
        .unwrap()
        .len()
}

async fn creating_needs_write_right_entitlement_and_own_files(store: Store) {
    let brno = organisation(&store, "Statutární město Brno").await;
    let lhota = organisation(&store, "Obec Lhota").await;
    contract(&store, brno, None).await;
    let pm = staff(&store, "pm.novak", StaffRole::ProjectManager).await;
    let writer = customer(&store, "referent", brno, AgendaRight::Write).await;
    let reader = customer(&store, "ctenar", brno, AgendaRight::Read).await;
    let lhota_user = customer(&store, "starosta", lhota, AgendaRight::Write).await;

    let file = upload(&store, &writer, "chyba.txt").await;
    let mut new = new_document(brno, "Padá podatelna");
    new.files = vec![file];
    let created = store
        .create_document(&writer, &new, &hours(), today())
        .await
        .unwrap();
    let year = supportweb_domain::calendar::prague_time(created.created_at)
        .date()
        .format("%Y")
        .to_string();
    assert_eq!(created.number, format!("SD-{year}-000001"));
    assert_eq!(created.state, DocumentState::New);
    assert_eq!(created.reporter_id, writer.user_id);
    assert!(
        created.clock.response_due_at.is_some(),
        "SLA from the contract"
    );
    assert!(created.clock.resolution_due_at > created.clock.response_due_at);
    assert_eq!(
        store.watchers(created.id).await.unwrap()[0].user_id,
        writer.user_id,
        "the reporter watches"
    );
    assert_eq!(
        store.attachments(&reader, &created).await.unwrap()[0].file_name,
        "chyba.txt"
    );
    assert!(store.document_file_visible(&reader, file).await.unwrap());
    assert!(
        !store
            .document_file_visible(&lhota_user, file)
            .await
            .unwrap()
    );

    // A reader may not open one; nothing is created.
    assert!(matches!(
        store
            .create_document(&reader, &new_document(brno, "x"), &hours(), today())
            .await,
        Err(DocumentError::NotAllowed)
    ));
    // Without a contract: refused, nothing created.
    assert!(matches!(
        store
            .create_document(&lhota_user, &new_document(lhota, "x"), &hours(), today())
            .await,
        Err(DocumentError::NotEntitled)
    ));
    // A foreign organisation answers like a missing one.
    assert!(matches!(
        store
            .create_document(&lhota_user, &new_document(brno, "x"), &hours(), today())
            .await,
        Err(DocumentError::Store(StoreError::NotFound))
    ));
    // Someone else's upload, or one already attached, is refused and nothing is written.
    let foreign_file = upload(&store, &lhota_user, "cizi.txt").await;
    for files in [vec![foreign_file], vec![file]] {
        let mut new = new_document(brno, "Se souborem");
        new.files = files;
        assert!(matches!(
            store
                .create_document(&writer, &new, &hours(), today())
                .await,
            Err(DocumentError::Invalid("files"))
        ));
    }
    assert_eq!(count_documents(&store, &pm).await, 1);

    // Staff open one on the organisation's behalf; numbers continue.
    let by_staff = store
        .create_document(&pm, &new_document(brno, "Telefonát"), &hours(), today())
        .await
        .unwrap();
    assert_eq!(by_staff.number, format!("SD-{year}-000002"));
}

async fn the_workflow_refuses_what_the_party_may_not_do_and_stale_edits(store: Store) {
    let brno = organisation(&store, "Brno").await;
    contract(&store, brno, Some(600)).await;
    let technician = staff(&store, "technik", StaffRole::Technician).await;
    let developer = staff(&store, "vyvojar", StaffRole::Developer).await;
    let writer = customer(&store, "referent", brno, AgendaRight::Write).await;
    let doc = store
        .create_document(&writer, &new_document(brno, "Tisk"), &hours(), today())
        .await
        .unwrap();
    let step = |actor: Actor, t: Transition, version: i64| {
        let store = store.clone();
        async move {
            store
                .transition_document(&actor, doc.id, t, version, &hours(), 30)
                .await
        }
    };
    assert!(matches!(
        step(writer.clone(), Transition::Accept, 1).await,
        Err(DocumentError::Transition(TransitionError::NotAllowed))
    ));
    assert!(matches!(
        step(developer.clone(), Transition::Accept, 1).await,
        Err(DocumentError::Transition(TransitionError::NotAllowed))
    ));
    assert!(matches!(
        step(technician.clone(), Transition::Resolve, 1).await,
        Err(DocumentError::Transition(TransitionError::WrongState))
    ));
    assert_eq!(
        step(technician.clone(), Transition::Accept, 1)
            .await
            .unwrap(),
        DocumentState::Accepted
    );
    // A second edit made from the same (now stale) page is refused.
    assert!(matches!(
        step(technician.clone(), Transition::Cancel, 1).await,
        Err(DocumentError::Transition(TransitionError::WrongState))
    ));
    assert!(matches!(
        step(technician.clone(), Transition::Start, 1).await,
        Err(DocumentError::Store(StoreError::Conflict))
    ));
    let accepted = store.document(&writer, doc.id).await.unwrap();
    assert_eq!(accepted.assignee_id, Some(technician.user_id), "taken by");
    assert!(
        accepted.clock.first_response_at.is_some(),
        "acceptance responds"
    );

    step(technician.clone(), Transition::AskCustomer, 2)
        .await
        .unwrap();
    let waiting = store.document(&writer, doc.id).await.unwrap();
    assert!(waiting.clock.paused_since.is_some() && waiting.clock.resolution_due_at.is_none());
    // The customer's reply returns it to work and restarts the clock.
    store
        .add_comment(&writer, doc.id, "Posílám výpis.", false, &[], &hours())
        .await
        .unwrap();
    let resumed = store.document(&writer, doc.id).await.unwrap();
    assert_eq!(resumed.state, DocumentState::InProgress);
    assert!(resumed.clock.resolution_due_at.is_some());

    // Customers never write internal notes.
    assert!(matches!(
        store
            .add_comment(&writer, doc.id, "interní?", true, &[], &hours())
            .await,
        Err(DocumentError::NotAllowed)
    ));
    store
        .log_time(
            &developer,
            doc.id,
            &NewTimeEntry {
                activity: Activity::Fix,
                minutes: 90,
                billable: true,
                work_date: today(),
                note: "oprava šablony".into(),
            },
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .log_time(
                &writer,
                doc.id,
                &NewTimeEntry {
                    activity: Activity::Fix,
                    minutes: 10,
                    billable: true,
                    work_date: today(),
                    note: String::new(),
                },
            )
            .await,
        Err(DocumentError::NotAllowed)
    ));
    let balance = store.prepaid_balance(&resumed).await.unwrap().unwrap();
    assert_eq!(
        (balance.remaining_minutes(), balance.overage_minutes()),
        (510, 0)
    );
    assert!(
        store
            .time_entries(&writer, &resumed)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .time_entries(&technician, &resumed)
            .await
            .unwrap()
            .len(),
        1
    );

    let v = resumed.version;
    step(technician.clone(), Transition::Resolve, v)
        .await
        .unwrap();
    assert!(matches!(
        step(technician.clone(), Transition::ConfirmResolution, v + 1).await,
        Err(DocumentError::Transition(TransitionError::NotAllowed))
    ));
    step(writer.clone(), Transition::ConfirmResolution, v + 1)
        .await
        .unwrap();
    let closed = store.document(&writer, doc.id).await.unwrap();
    assert_eq!(closed.state, DocumentState::Closed);
    assert!(closed.closed_at.is_some());
    // Reopen within the period works.
    step(writer.clone(), Transition::Reopen, closed.version)
        .await
        .unwrap();

    let history = store
        .history(supportweb_storage::support_documents::ENTITY, doc.id.0)
        .await
        .unwrap();
    let states: Vec<(String, String)> = history
        .iter()
        .filter(|h| h.field == "state")
        .map(|h| (h.old_value.clone(), h.new_value.clone()))
        .rev()
        .collect();
    assert_eq!(
        states,
        [
            ("new", "accepted"),
            ("accepted", "waiting_for_customer"),
            ("waiting_for_customer", "in_progress"),
            ("in_progress", "resolved"),
            ("resolved", "closed"),
            ("closed", "in_progress"),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
}

async fn customers_never_see_internal_notes_or_other_organisations(store: Store) {
    let brno = organisation(&store, "Brno").await;
    let lhota = organisation(&store, "Lhota").await;
    contract(&store, brno, None).await;
    contract(&store, lhota, None).await;
    let technician = staff(&store, "technik", StaffRole::Technician).await;
    let writer = customer(&store, "referent", brno, AgendaRight::Write).await;
    let colleague = customer(&store, "kolega", brno, AgendaRight::Read).await;
    let stranger = customer(&store, "starosta", lhota, AgendaRight::Write).await;
    let doc = store
        .create_document(&writer, &new_document(brno, "Spisovna"), &hours(), today())
        .await
        .unwrap();
    let note_file = upload(&store, &technician, "interni.log").await;
    store
        .add_comment(
            &technician,
            doc.id,
            "CANARY-INTERNAL zákazník to rozbil sám",
            true,
            &[note_file],
            &hours(),
        )
        .await
        .unwrap();
    store
        .add_comment(&technician, doc.id, "Veřejná odpověď", false, &[], &hours())
        .await
        .unwrap();
    for reader in [&writer, &colleague] {
        let d = store.document(reader, doc.id).await.unwrap();
        let conversation = store.conversation(reader, &d).await.unwrap();
        assert_eq!(conversation.len(), 1);
        assert_eq!(conversation[0].body, "Veřejná odpověď");
        assert!(store.attachments(reader, &d).await.unwrap().is_empty());
        assert!(
            !store
                .document_file_visible(reader, note_file)
                .await
                .unwrap()
        );
    }
    let d = store.document(&technician, doc.id).await.unwrap();
    assert_eq!(store.conversation(&technician, &d).await.unwrap().len(), 2);
    assert!(
        store
            .document_file_visible(&technician, note_file)
            .await
            .unwrap()
    );

    assert!(matches!(
        store.document(&stranger, doc.id).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        store
            .documents(&stranger, &DocumentQuery::default(), chrono::Utc::now())
            .await
            .unwrap()
            .is_empty()
    );
    // A foreign document as the keyset cursor yields nothing, as a missing one would.
    let own = store
        .create_document(&stranger, &new_document(lhota, "Lhota"), &hours(), today())
        .await
        .unwrap();
    for after in [Some(doc.id), Some(DocumentId::generate())] {
        let query = DocumentQuery {
            after,
            ..DocumentQuery::default()
        };
        assert!(
            store
                .documents(&stranger, &query, chrono::Utc::now())
                .await
                .unwrap()
                .is_empty()
        );
    }
    assert_eq!(
        store
            .documents(&stranger, &DocumentQuery::default(), chrono::Utc::now())
            .await
            .unwrap()
            .iter()
            .map(|d| d.id)
            .collect::<Vec<_>>(),
        vec![own.id]
    );
    assert!(matches!(
        store
            .add_comment(&stranger, doc.id, "cizí", false, &[], &hours())
            .await,
        Err(DocumentError::Store(StoreError::NotFound))
    ));
    assert!(matches!(
        store
            .transition_document(&stranger, doc.id, Transition::Cancel, 1, &hours(), 30)
            .await,
        Err(DocumentError::Store(StoreError::NotFound))
    ));
}

async fn overviews_page_by_keyset_in_every_order(store: Store) {
    let brno = organisation(&store, "Brno").await;
    let lhota = organisation(&store, "Lhota").await;
    contract(&store, brno, None).await;
    contract(&store, lhota, None).await;
    let technician = staff(&store, "technik", StaffRole::Technician).await;
    let writer = customer(&store, "referent", brno, AgendaRight::Write).await;
    let severities = [
        Severity::Low,
        Severity::Critical,
        Severity::Medium,
        Severity::High,
    ];
    let mut ids = Vec::new();
    for i in 0..9 {
        let mut new = new_document(
            if i % 3 == 0 { lhota } else { brno },
            &format!("Dokument {i}"),
        );
        new.severity = severities[i % 4];
        let d = store
            .create_document(&technician, &new, &hours(), today())
            .await
            .unwrap();
        if i % 2 == 0 {
            store
                .transition_document(&technician, d.id, Transition::Accept, 1, &hours(), 30)
                .await
                .unwrap();
        }
        ids.push(d.id);
    }
    let at = chrono::Utc::now();
    for sort in DocumentSort::ALL {
        for grouping in DocumentGrouping::ALL {
            let whole = store
                .documents(
                    &technician,
                    &DocumentQuery {
                        sort,
                        grouping,
                        limit: 100,
                        ..DocumentQuery::default()
                    },
                    at,
                )
                .await
                .unwrap();
            assert_eq!(whole.len(), 9);
            let mut paged = Vec::new();
            let mut after = None;
            loop {
                let page = store
                    .documents(
                        &technician,
                        &DocumentQuery {
                            sort,
                            grouping,
                            limit: 4,
                            after,
                            ..DocumentQuery::default()
                        },
                        at,
                    )
                    .await
                    .unwrap();
                after = page.last().map(|d| d.id);
                let done = page.len() < 4;
                paged.extend(page);
                if done {
                    break;
                }
            }
            assert_eq!(
                paged.iter().map(|d| d.id).collect::<Vec<_>>(),
                whole.iter().map(|d| d.id).collect::<Vec<_>>(),
                "{sort:?} {grouping:?}"
            );
            if grouping == DocumentGrouping::State {
                let ranks: Vec<usize> = whole
                    .iter()
                    .map(|d| {
                        DocumentState::ALL
                            .iter()
                            .position(|s| *s == d.state)
                            .unwrap()
                    })
                    .collect();
                assert!(
                    ranks.windows(2).all(|w| w[0] <= w[1]),
                    "{sort:?}: {ranks:?}"
                );
            }
            if grouping == DocumentGrouping::Organisation {
                let orgs: Vec<_> = whole.iter().map(|d| d.organisation_id).collect();
                let switches = orgs.windows(2).filter(|w| w[0] != w[1]).count();
                assert_eq!(switches, 1, "two organisations, two groups");
            }
        }
    }
    let by_severity = store
        .documents(
            &technician,
            &DocumentQuery {
                sort: DocumentSort::Severity,
                ..DocumentQuery::default()
            },
            at,
        )
        .await
        .unwrap();
    assert_eq!(by_severity[0].severity, Severity::Critical);
    assert_eq!(by_severity[8].severity, Severity::Low);
    let newest = store
        .documents(&technician, &DocumentQuery::default(), at)
        .await
        .unwrap();
    assert_eq!(newest[0].id, ids[8]);

    // Filters and views.
    let filtered = |query: DocumentQuery, actor: Actor| {
        let store = store.clone();
        async move { store.documents(&actor, &query, at).await.unwrap().len() }
    };
    assert_eq!(
        filtered(
            DocumentQuery {
                organisation: Some(lhota),
                ..DocumentQuery::default()
            },
            technician.clone()
        )
        .await,
        3
    );
    assert_eq!(
        filtered(
            DocumentQuery {
                state: Some(StateFilter::Is(DocumentState::New)),
                ..DocumentQuery::default()
            },
            technician.clone()
        )
        .await,
        4
    );
    assert_eq!(
        filtered(
            DocumentQuery {
                view: DocumentView::Unassigned,
                ..DocumentQuery::default()
            },
            technician.clone()
        )
        .await,
        4
    );
    assert_eq!(
        filtered(
            DocumentQuery {
                view: DocumentView::AssignedToMe,
                ..DocumentQuery::default()
            },
            technician.clone()
        )
        .await,
        5
    );
    assert_eq!(
        filtered(
            DocumentQuery {
                severity: Some(Severity::Critical),
                state: Some(StateFilter::Unfinished),
                ..DocumentQuery::default()
            },
            technician.clone()
        )
        .await,
        2
    );
    assert_eq!(
        filtered(DocumentQuery::default(), writer.clone()).await,
        6,
        "a customer sees its organisation's documents"
    );
    assert_eq!(
        filtered(
            DocumentQuery {
                view: DocumentView::Mine,
                ..DocumentQuery::default()
            },
            writer.clone()
        )
        .await,
        0,
        "none reported or watched by the customer"
    );
    assert_eq!(
        filtered(
            DocumentQuery {
                created_before: Some(at - Duration::days(1)),
                ..DocumentQuery::default()
            },
            technician.clone()
        )
        .await,
        0
    );
}

async fn breaches_and_auto_close_happen_once_across_instances(store: Store) {
    let brno = organisation(&store, "Brno").await;
    contract(&store, brno, None).await;
    let technician = staff(&store, "technik", StaffRole::Technician).await;
    let writer = customer(&store, "referent", brno, AgendaRight::Write).await;
    let late = store
        .create_document(&writer, &new_document(brno, "Pozdě"), &hours(), today())
        .await
        .unwrap();
    let fresh = store
        .create_document(&writer, &new_document(brno, "Včas"), &hours(), today())
        .await
        .unwrap();
    backdate_document(&store, late.id, Duration::days(30)).await;
    let (a, b) = tokio::join!(store.check_sla_breaches(), store.check_sla_breaches());
    assert_eq!(a.unwrap() + b.unwrap(), 1, "one breach, found once");
    assert_eq!(store.check_sla_breaches().await.unwrap(), 0);
    let breached = store
        .documents(
            &technician,
            &DocumentQuery {
                view: DocumentView::Breached,
                ..DocumentQuery::default()
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    assert_eq!(
        breached.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![late.id]
    );

    for doc in [&late, &fresh] {
        let v = store.document(&technician, doc.id).await.unwrap().version;
        store
            .transition_document(&technician, doc.id, Transition::Accept, v, &hours(), 30)
            .await
            .unwrap();
        let v = store.document(&technician, doc.id).await.unwrap().version;
        store
            .transition_document(&technician, doc.id, Transition::Resolve, v, &hours(), 30)
            .await
            .unwrap();
    }
    backdate_document(&store, late.id, Duration::days(15)).await;
    let calendar = hours();
    let (a, b) = tokio::join!(
        store.auto_close_documents(14, &calendar),
        store.auto_close_documents(14, &calendar)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1, "closed once");
    assert_eq!(
        store.document(&writer, late.id).await.unwrap().state,
        DocumentState::Closed
    );
    assert_eq!(
        store.document(&writer, fresh.id).await.unwrap().state,
        DocumentState::Resolved
    );
}

async fn each_missed_deadline_is_notified_once_and_cancelled_documents_owe_nothing(store: Store) {
    let brno = organisation(&store, "Brno").await;
    contract(&store, brno, None).await;
    let technician = staff(&store, "technik", StaffRole::Technician).await;
    let writer = customer(&store, "referent", brno, AgendaRight::Write).await;
    let late = store
        .create_document(&writer, &new_document(brno, "Pozdě"), &hours(), today())
        .await
        .unwrap();
    let now = chrono::Utc::now();
    set_deadlines(
        &store,
        late.id,
        Some(now - Duration::hours(1)),
        Some(now + Duration::days(10)),
    )
    .await;
    let breach_details = |events: Vec<supportweb_storage::notifications::EventRecord>| {
        events
            .into_iter()
            .filter(|e| e.kind == EventKind::SlaBreach)
            .map(|e| e.detail)
            .collect::<Vec<_>>()
    };
    store.claim_events(100).await.unwrap();
    // A transition that read the document just before the check writes it back after the
    // check recorded the breach: the missed deadline stays missed.
    let read_before = store.document(&technician, late.id).await.unwrap();
    assert_eq!(store.check_sla_breaches().await.unwrap(), 1, "the response");
    supportweb_storage::testing::write_as_read_earlier(
        &store,
        &read_before,
        DocumentState::Accepted,
    )
    .await;
    assert!(
        store
            .document(&technician, late.id)
            .await
            .unwrap()
            .clock
            .response_breached
    );
    assert_eq!(store.check_sla_breaches().await.unwrap(), 0, "only once");
    assert_eq!(
        breach_details(store.claim_events(100).await.unwrap()),
        ["response"]
    );
    // Days later the resolution deadline passes too: a second, separate notification.
    set_deadlines(
        &store,
        late.id,
        Some(now - Duration::hours(1)),
        Some(now - Duration::minutes(5)),
    )
    .await;
    let (a, b) = tokio::join!(store.check_sla_breaches(), store.check_sla_breaches());
    assert_eq!(a.unwrap() + b.unwrap(), 1, "the resolution, found once");
    assert_eq!(
        breach_details(store.claim_events(100).await.unwrap()),
        ["resolution"]
    );

    // Cancelled by the customer before anyone answered: never breached, even a month on.
    let withdrawn = store
        .create_document(&writer, &new_document(brno, "Omylem"), &hours(), today())
        .await
        .unwrap();
    store
        .transition_document(
            &writer,
            withdrawn.id,
            Transition::Cancel,
            withdrawn.version,
            &hours(),
            30,
        )
        .await
        .unwrap();
    backdate_document(&store, withdrawn.id, Duration::days(30)).await;
    assert_eq!(store.check_sla_breaches().await.unwrap(), 0);
    let breached = store
        .documents(
            &technician,
            &DocumentQuery {
                view: DocumentView::Breached,
                ..DocumentQuery::default()
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    assert_eq!(
        breached.iter().map(|d| d.id).collect::<Vec<_>>(),
        vec![late.id]
    );
    let cancelled = store.document(&writer, withdrawn.id).await.unwrap();
    assert!(!cancelled.clock.is_breached(chrono::Utc::now()));
}

async fn events_and_outbox_are_claimed_by_one_instance_each(store: Store) {
    let brno = organisation(&store, "Brno").await;
    contract(&store, brno, None).await;
    let writer = customer(&store, "referent", brno, AgendaRight::Write).await;
    for i in 0..6 {
        store
            .create_document(
                &writer,
                &new_document(brno, &format!("D{i}")),
                &hours(),
                today(),
            )
            .await
            .unwrap();
    }
    let (a, b) = tokio::join!(store.claim_events(100), store.claim_events(100));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.len() + b.len(), 6, "every event claimed once");
    assert!(
        a.iter()
            .chain(&b)
            .all(|e| e.kind == EventKind::DocumentCreated)
    );
    assert!(store.claim_events(100).await.unwrap().is_empty(), "claimed");
    for event in a.iter().chain(&b) {
        store
            .finish_event(
                event.id,
                &[NewMessage {
                    recipient_id: None,
                    recipient_email: "tym@dodavatel.cz".into(),
                    subject: format!("Nový dokument {}", event.entity_id),
                    body: "Text".into(),
                    ..NewMessage::default()
                }],
            )
            .await
            .unwrap();
        // Finishing twice writes nothing more.
        store
            .finish_event(
                event.id,
                &[NewMessage {
                    recipient_id: None,
                    recipient_email: "znovu@dodavatel.cz".into(),
                    subject: "x".into(),
                    body: "x".into(),
                    ..NewMessage::default()
                }],
            )
            .await
            .unwrap();
    }
    let (one, two) = tokio::join!(store.claim_outbox("a", 100), store.claim_outbox("b", 100));
    let (one, two) = (one.unwrap(), two.unwrap());
    assert_eq!(one.len() + two.len(), 6);
    let mut ids: Vec<_> = one.iter().chain(&two).map(|m| m.id).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 6, "no message claimed twice");
    let first = &one.first().or(two.first()).unwrap().clone();
    store
        .outbox_failed(first.id, 0, "connection refused")
        .await
        .unwrap();
    for m in one.iter().chain(&two).filter(|m| m.id != first.id) {
        store.outbox_sent(m.id).await.unwrap();
    }
    assert!(
        store.claim_outbox("a", 100).await.unwrap().is_empty(),
        "waits for its retry"
    );
    store.outbox_retry_now().await.unwrap();
    let again = store.claim_outbox("b", 100).await.unwrap();
    assert_eq!(again.len(), 1);
    assert_eq!(again[0].attempts, 1);
    store.outbox_sent(again[0].id).await.unwrap();
    let entries = store.outbox_entries().await.unwrap();
    assert_eq!(entries.len(), 6);
    assert!(entries.iter().all(|e| e.sent_at.is_some()));
    assert!(
        entries
            .iter()
            .all(|e| e.recipient_email == "tym@dodavatel.cz")
    );

    // Leases: one holder at a time, renewable by the holder.
    let d = Duration::minutes(1);
    assert!(store.take_lease("auto_close", "a", d).await.unwrap());
    assert!(!store.take_lease("auto_close", "b", d).await.unwrap());
    assert!(store.take_lease("auto_close", "a", d).await.unwrap());
    assert!(store.take_lease("sla", "b", d).await.unwrap());
}

async fn the_state_filter_finds_each_state_and_unfinished_means_open(store: Store) {
    let brno = organisation(&store, "Statutární město Brno").await;
    contract(&store, brno, None).await;
    let writer = customer(&store, "referent", brno, AgendaRight::Write).await;
    let technician = staff(&store, "technik", StaffRole::Technician).await;
    let mut opened = Vec::new();
    for state in DocumentState::ALL {
        let subject = format!("Ve stavu {}", state.as_str());
        let document = document_in(&store, &writer, &technician, brno, &subject, state).await;
        opened.push((state, document.id));
    }
    let ids = |filter: StateFilter| {
        let store = store.clone();
        let writer = writer.clone();
        async move {
            let mut ids: Vec<DocumentId> = store
                .documents(
                    &writer,
                    &DocumentQuery {
                        view: DocumentView::All,
                        state: Some(filter),
                        ..DocumentQuery::default()
                    },
                    chrono::Utc::now(),
                )
                .await
                .unwrap()
                .iter()
                .map(|d| d.id)
                .collect();
            ids.sort();
            ids
        }
    };
    for (state, id) in &opened {
        assert_eq!(ids(StateFilter::Is(*state)).await, [*id], "{state:?}");
    }
    let mut unfinished: Vec<DocumentId> = opened
        .iter()
        .filter(|(state, _)| {
            matches!(
                state,
                DocumentState::New
                    | DocumentState::Accepted
                    | DocumentState::InProgress
                    | DocumentState::WaitingForCustomer
            )
        })
        .map(|(_, id)| *id)
        .collect();
    unfinished.sort();
    assert_eq!(ids(StateFilter::Unfinished).await, unfinished);
}

/// A contract ended at the same instant as a customer opens a document: the opening read the
/// contract as active, but by the time it writes the contract no longer covers today.
async fn a_contract_ended_while_a_document_opens_stops_it(store: Store) {
    let obec = organisation(&store, "Obec Lhota").await;
    let id = contract(&store, obec, Some(600)).await;
    let referent = customer(&store, "referent", obec, AgendaRight::Write).await;
    let ended = supportweb_storage::testing::hold_write(
        &store,
        &[(
            "UPDATE contracts SET state = 'ended', version = version + 1 WHERE id = $1",
            id.0,
        )],
    )
    .await;
    let opening = {
        let store = store.clone();
        let referent = referent.clone();
        tokio::spawn(async move {
            store
                .create_document(
                    &referent,
                    &new_document(obec, "Padá podatelna"),
                    &hours(),
                    today(),
                )
                .await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    ended.commit().await.unwrap();
    let opened = opening.await.unwrap();
    assert!(
        matches!(opened, Err(DocumentError::NotEntitled)),
        "opened on an ended contract: {opened:?}"
    );
    assert_eq!(
        supportweb_storage::testing::count_rows(&store, "support_documents").await,
        0
    );
}

both_backends!(
    a_contract_ended_while_a_document_opens_stops_it,
    the_state_filter_finds_each_state_and_unfinished_means_open,
    creating_needs_write_right_entitlement_and_own_files,
    the_workflow_refuses_what_the_party_may_not_do_and_stale_edits,
    customers_never_see_internal_notes_or_other_organisations,
    overviews_page_by_keyset_in_every_order,
    breaches_and_auto_close_happen_once_across_instances,
    each_missed_deadline_is_notified_once_and_cancelled_documents_owe_nothing,
    events_and_outbox_are_claimed_by_one_instance_each,
    sample_documents_continue_the_numbering_and_sort_by_opening,
);

async fn sample_documents_continue_the_numbering_and_sort_by_opening(store: Store) {
    use supportweb_domain::sla::SlaClock;
    use supportweb_storage::sample_documents::{SampleComment, SampleDocument};
    let brno = organisation(&store, "Statutární město Brno").await;
    let contract_id = contract(&store, brno, None).await;
    let writer = customer(&store, "referent", brno, AgendaRight::Write).await;
    let technician = staff(&store, "technik", StaffRole::Technician).await;
    let opened = store
        .create_document(&writer, &new_document(brno, "Skutečný"), &hours(), today())
        .await
        .unwrap();
    let now = chrono::Utc::now();
    let sample = |at: chrono::DateTime<chrono::Utc>, subject: &str| SampleDocument {
        organisation_id: brno,
        reporter_id: writer.user_id,
        assignee_id: Some(technician.user_id),
        contract_id: Some(contract_id),
        category: Category::Question,
        severity: Severity::Low,
        product_id: None,
        module: "Spisovna".into(),
        product_version: "5.1".into(),
        subject: subject.into(),
        description: "Jak nastavit skartační plán?".into(),
        contact: String::new(),
        state: DocumentState::Closed,
        clock: SlaClock::start(&hours(), at, None),
        resolved_at: Some(at + Duration::minutes(30)),
        closed_at: Some(at + Duration::minutes(40)),
        created_at: at,
        updated_at: at + Duration::minutes(40),
        comments: vec![
            SampleComment {
                author_id: technician.user_id,
                is_internal: true,
                body: "Interní poznámka k dotazu".into(),
                created_at: at + Duration::minutes(5),
            },
            SampleComment {
                author_id: technician.user_id,
                is_internal: false,
                body: "Návod posíláme v příloze.".into(),
                created_at: at + Duration::minutes(10),
            },
        ],
    };
    let at = [
        now - Duration::days(400),
        now - Duration::minutes(120),
        now - Duration::minutes(60),
    ];
    store
        .insert_sample_documents(&[
            sample(at[0], "Loni"),
            sample(at[1], "Předevčírem"),
            sample(at[2], "Nedávno"),
        ])
        .await
        .unwrap();
    assert_eq!(store.count_documents().await.unwrap(), 4);
    let query = DocumentQuery {
        view: DocumentView::All,
        state: None,
        severity: None,
        organisation: None,
        assignee: None,
        product: None,
        created_from: None,
        created_before: None,
        sort: DocumentSort::Newest,
        grouping: DocumentGrouping::None,
        after: None,
        limit: 10,
        words: Vec::new(),
        team: false,
    };
    let listed = store
        .documents(&writer, &query, chrono::Utc::now())
        .await
        .unwrap();
    let subjects: Vec<&str> = listed.iter().map(|d| d.subject.as_str()).collect();
    assert_eq!(subjects, ["Skutečný", "Nedávno", "Předevčírem", "Loni"]);
    // Sample documents are in the search index like any other.
    let found = store
        .documents(
            &writer,
            &DocumentQuery {
                words: vec!["predevcir".into()],
                ..query.clone()
            },
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let subjects: Vec<&str> = found.iter().map(|d| d.subject.as_str()).collect();
    assert_eq!(subjects, ["Předevčírem"]);
    let year = |t: chrono::DateTime<chrono::Utc>| {
        chrono::Datelike::year(&supportweb_domain::calendar::prague_time(t))
    };
    assert_eq!(listed[3].number, format!("SD-{}-000001", year(at[0])));
    if year(at[1]) == year(opened.created_at) && year(at[2]) == year(opened.created_at) {
        assert_eq!(opened.number, format!("SD-{}-000001", year(at[1])));
        assert_eq!(listed[2].number, format!("SD-{}-000002", year(at[1])));
        assert_eq!(listed[1].number, format!("SD-{}-000003", year(at[1])));
    }
    let next = store
        .create_document(&writer, &new_document(brno, "Další"), &hours(), today())
        .await
        .unwrap();
    assert!(
        !listed.iter().any(|d| d.number == next.number),
        "a new document never reuses a generated number"
    );
    let conversation = store.conversation(&writer, &listed[1]).await.unwrap();
    assert_eq!(conversation.len(), 1, "the customer sees no internal note");
    assert_eq!(conversation[0].body, "Návod posíláme v příloze.");
    assert_eq!(
        store
            .conversation(&technician, &listed[1])
            .await
            .unwrap()
            .len(),
        2
    );
}
