//! Communication protocols in the store, each test on both backends: the lifecycle with
//! revisions (a confirmation names its revision, a confirmed protocol is locked, stale steps
//! refused), drafts and other organisations' protocols never reaching a customer, foreign
//! accounts refused inside a write, tasks carried over to the next protocol of the project,
//! the tasks overview, and reminders sent once by competing instances.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{Duration, TimeZone, Utc};
use supportweb_domain::Actor;
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::ids::{OrganisationId, ProtocolId, UserId};
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::protocol::{
    ParticipantSide, ProtocolKind, ProtocolState, ProtocolStep, Side, TaskState,
};
use supportweb_domain::user::{StaffRole, UserKind};
use supportweb_storage::notifications::EventKind;
use supportweb_storage::protocols::{
    DueFilter, Item, NewProtocol, NewTask, Participant, ProtocolError, ProtocolQuery, TaskQuery,
};
use supportweb_storage::testing::build::{account, actor, d, organisation, staff};
use supportweb_storage::{Store, StoreError, both_backends};

async fn member(store: &Store, login: &str, organisation: OrganisationId, confirm: bool) -> Actor {
    let id = account(store, login, UserKind::Customer, vec![]).await;
    store
        .set_membership(
            id,
            organisation,
            &MembershipRights {
                protocols: AgendaRight::Read,
                may_confirm_protocols: confirm,
                ..MembershipRights::NONE
            },
        )
        .await
        .unwrap();
    actor(store, id).await
}

fn protocol(
    organisation: OrganisationId,
    minute_taker: UserId,
    verifier: UserId,
    subject: &str,
    days_ago: i64,
) -> NewProtocol {
    NewProtocol {
        organisation_id: organisation,
        project: "Zavedení spisové služby".into(),
        kind: ProtocolKind::Meeting,
        held_at: Utc.with_ymd_and_hms(2026, 10, 1, 9, 0, 0).unwrap()
            + Duration::days(30 - days_ago),
        place: "Zasedací místnost radnice".into(),
        minute_taker_id: minute_taker,
        verification_due: Some(d(2026, 12, 15)),
        subject: subject.into(),
        participants: vec![
            Participant {
                side: ParticipantSide::Vendor,
                user_id: Some(minute_taker),
                name: String::new(),
                affiliation: String::new(),
                present: true,
            },
            Participant {
                side: ParticipantSide::Customer,
                user_id: Some(verifier),
                name: String::new(),
                affiliation: String::new(),
                present: true,
            },
            Participant {
                side: ParticipantSide::External,
                user_id: None,
                name: "Ing. Petra Malá".into(),
                affiliation: "Národní archiv".into(),
                present: false,
            },
        ],
        verifiers: vec![verifier],
        items: vec![Item {
            title: "Migrace dat".into(),
            summary: "Probrán postup migrace.".into(),
            decisions: "Migrace proběhne v lednu.".into(),
        }],
        tasks: vec![
            NewTask {
                id: None,
                description: "Dodat exportní skript".into(),
                side: Side::Vendor,
                responsible_user_id: Some(minute_taker),
                responsible_name: String::new(),
                due_on: d(2026, 12, 10),
                state: TaskState::Open,
            },
            NewTask {
                id: None,
                description: "Připravit seznam uživatelů".into(),
                side: Side::Customer,
                responsible_user_id: None,
                responsible_name: "Starosta Novák".into(),
                due_on: d(2026, 12, 20),
                state: TaskState::Open,
            },
        ],
        files: vec![],
    }
}

async fn step(
    store: &Store,
    who: &Actor,
    id: ProtocolId,
    step: ProtocolStep,
    comment: &str,
) -> Result<ProtocolState, ProtocolError> {
    let version = store.protocol(who, id).await?.version;
    store
        .protocol_step(
            who,
            id,
            step,
            comment,
            "snapshot",
            &store
                .open_tasks_before(who, &store.protocol(who, id).await?)
                .await?,
            version,
        )
        .await
}

async fn the_lifecycle_binds_answers_to_revisions_and_locks_confirmed_protocols(store: Store) {
    let consultant = staff(&store, "konzultant", StaffRole::Consultant).await;
    let technician = staff(&store, "technik", StaffRole::Technician).await;
    let obec = organisation(&store, "Obec Lhota").await;
    let verifier = member(&store, "starosta", obec, true).await;
    let reader = member(&store, "referent", obec, false).await;
    let new = protocol(
        obec,
        consultant.user_id,
        verifier.user_id,
        "Úvodní schůzka",
        0,
    );
    assert!(
        matches!(
            store.create_protocol(&technician, &new).await,
            Err(ProtocolError::Store(StoreError::NotFound))
        ),
        "technicians only read"
    );
    let id = store.create_protocol(&consultant, &new).await.unwrap();
    let draft = store.protocol(&consultant, id).await.unwrap();
    assert!(draft.number.starts_with("KP-"));
    assert_eq!(
        draft.participants[1].name, "Uživatel starosta",
        "names come from the accounts"
    );
    assert!(
        matches!(
            store.protocol(&verifier, id).await,
            Err(StoreError::NotFound)
        ),
        "drafts are staff-only"
    );
    assert!(matches!(
        step(&store, &verifier, id, ProtocolStep::Confirm, "").await,
        Err(ProtocolError::Store(StoreError::NotFound))
    ));

    assert_eq!(
        step(&store, &consultant, id, ProtocolStep::Issue, "")
            .await
            .unwrap(),
        ProtocolState::Issued
    );
    assert!(
        matches!(
            store
                .update_protocol(
                    &consultant,
                    id,
                    &new,
                    store.protocol(&consultant, id).await.unwrap().version
                )
                .await,
            Err(ProtocolError::Locked)
        ),
        "issued content is locked"
    );
    assert!(
        matches!(
            step(&store, &reader, id, ProtocolStep::Confirm, "").await,
            Err(ProtocolError::NotAllowed)
        ),
        "only a verifier answers"
    );
    assert!(
        matches!(
            step(&store, &consultant, id, ProtocolStep::Confirm, "").await,
            Err(ProtocolError::NotAllowed)
        ),
        "staff never confirm for the customer"
    );
    assert!(matches!(
        step(&store, &verifier, id, ProtocolStep::Object, "  ").await,
        Err(ProtocolError::Invalid("comment"))
    ));
    // An answer from a page read before another answer is stale.
    let read = store.protocol(&verifier, id).await.unwrap().version;
    assert_eq!(
        step(
            &store,
            &verifier,
            id,
            ProtocolStep::Object,
            "Chybí termín školení."
        )
        .await
        .unwrap(),
        ProtocolState::Objected
    );
    assert!(matches!(
        store
            .protocol_step(&verifier, id, ProtocolStep::Confirm, "", "", &[], read)
            .await,
        Err(ProtocolError::NotAllowed | ProtocolError::Store(StoreError::Conflict))
    ));

    let mut revised = new.clone();
    revised.items.push(Item {
        title: "Školení".into(),
        summary: "Termín školení.".into(),
        decisions: "Školení 15. ledna.".into(),
    });
    let v = store.protocol(&consultant, id).await.unwrap().version;
    store
        .update_protocol(&consultant, id, &revised, v)
        .await
        .unwrap();
    assert!(matches!(
        store.update_protocol(&consultant, id, &new, v).await,
        Err(ProtocolError::Store(StoreError::Conflict))
    ));
    // The history records the added agenda item by its title (staff only).
    let items = store
        .history(supportweb_storage::protocols::ENTITY, id.0)
        .await
        .unwrap()
        .into_iter()
        .find(|h| h.field == "items")
        .expect("the items change in the history");
    assert!(
        items.new_value.ends_with("; Školení") && !items.old_value.contains("Školení"),
        "{items:?}"
    );
    // While staff revise, customers read the protocol as it was issued.
    assert_eq!(
        store.protocol(&consultant, id).await.unwrap().items.len(),
        2
    );
    let as_issued = store.protocol(&reader, id).await.unwrap();
    assert_eq!(as_issued.state, ProtocolState::Objected);
    assert_eq!(
        as_issued.items.len(),
        1,
        "the edits in progress stay with staff"
    );
    assert_eq!(as_issued.responses.len(), 1, "with the objection");
    let listed = store
        .protocols(&reader, &ProtocolQuery::default())
        .await
        .unwrap();
    assert_eq!(listed[0].items.len(), 1);
    let history = store
        .history_for(&reader, supportweb_storage::protocols::ENTITY, id.0)
        .await
        .unwrap();
    assert!(
        history.iter().all(|h| h.field == "state"),
        "drafting and revising stay with staff"
    );
    step(&store, &consultant, id, ProtocolStep::Issue, "")
        .await
        .unwrap();
    assert_eq!(
        store.protocol(&reader, id).await.unwrap().items.len(),
        2,
        "issued again"
    );
    step(&store, &verifier, id, ProtocolStep::Confirm, "")
        .await
        .unwrap();
    let confirmed = store.protocol(&reader, id).await.unwrap();
    assert_eq!(confirmed.state, ProtocolState::Confirmed);
    assert_eq!(confirmed.revision, 2);
    let answers: Vec<(i64, bool)> = confirmed
        .responses
        .iter()
        .map(|r| (r.revision, r.confirmed))
        .collect();
    assert_eq!(
        answers,
        [(1, false), (2, true)],
        "each answer names its revision"
    );
    assert_eq!(
        store.protocol_revisions(&reader, id).await.unwrap().len(),
        2
    );
    let v = confirmed.version;
    assert!(matches!(
        store.update_protocol(&consultant, id, &revised, v).await,
        Err(ProtocolError::Locked)
    ));
    assert!(matches!(
        step(&store, &consultant, id, ProtocolStep::Issue, "").await,
        Err(ProtocolError::NotAllowed)
    ));
    let events: Vec<EventKind> = store
        .claim_events(100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    for kind in [
        EventKind::ProtocolIssued,
        EventKind::ProtocolObjected,
        EventKind::ProtocolConfirmed,
    ] {
        assert!(events.contains(&kind), "{kind:?}");
    }
}

async fn customers_see_only_their_issued_protocols_and_ids_are_checked(store: Store) {
    let consultant = staff(&store, "konzultant", StaffRole::Consultant).await;
    let lhota = organisation(&store, "Obec Lhota").await;
    let brno = organisation(&store, "Město Brno").await;
    let lhota_verifier = member(&store, "starosta", lhota, true).await;
    let brno_verifier = member(&store, "primator", brno, true).await;
    let no_right = {
        let id = account(&store, "bez.prava", UserKind::Customer, vec![]).await;
        store
            .set_membership(id, lhota, &MembershipRights::NONE)
            .await
            .unwrap();
        actor(&store, id).await
    };
    // Foreign accounts inside a write are refused and nothing is created.
    let mut foreign = protocol(
        lhota,
        consultant.user_id,
        brno_verifier.user_id,
        "Cizí ověřovatel",
        0,
    );
    assert!(matches!(
        store.create_protocol(&consultant, &foreign).await,
        Err(ProtocolError::Invalid("participants" | "verifiers"))
    ));
    foreign.participants.truncate(1);
    assert!(matches!(
        store.create_protocol(&consultant, &foreign).await,
        Err(ProtocolError::Invalid("verifiers"))
    ));
    let mut foreign_task = protocol(
        lhota,
        consultant.user_id,
        lhota_verifier.user_id,
        "Cizí řešitel",
        0,
    );
    foreign_task.tasks[1].responsible_user_id = Some(brno_verifier.user_id);
    assert!(matches!(
        store.create_protocol(&consultant, &foreign_task).await,
        Err(ProtocolError::Invalid("tasks"))
    ));
    let mut customer_taker = protocol(
        lhota,
        lhota_verifier.user_id,
        lhota_verifier.user_id,
        "Zákazník zapisovatel",
        0,
    );
    customer_taker.participants.truncate(0);
    assert!(matches!(
        store.create_protocol(&consultant, &customer_taker).await,
        Err(ProtocolError::Invalid("minute_taker"))
    ));
    assert!(
        store
            .protocols(&consultant, &ProtocolQuery::default())
            .await
            .unwrap()
            .is_empty()
    );

    let lhota_draft = store
        .create_protocol(
            &consultant,
            &protocol(
                lhota,
                consultant.user_id,
                lhota_verifier.user_id,
                "KANÁREK-DRAFT",
                1,
            ),
        )
        .await
        .unwrap();
    let lhota_issued = store
        .create_protocol(
            &consultant,
            &protocol(
                lhota,
                consultant.user_id,
                lhota_verifier.user_id,
                "Schůzka Lhota",
                2,
            ),
        )
        .await
        .unwrap();
    step(&store, &consultant, lhota_issued, ProtocolStep::Issue, "")
        .await
        .unwrap();
    let brno_issued = store
        .create_protocol(
            &consultant,
            &protocol(
                brno,
                consultant.user_id,
                brno_verifier.user_id,
                "KANÁREK-BRNO",
                3,
            ),
        )
        .await
        .unwrap();
    step(&store, &consultant, brno_issued, ProtocolStep::Issue, "")
        .await
        .unwrap();

    let subjects = |list: Vec<supportweb_storage::protocols::ProtocolRecord>| {
        list.into_iter().map(|p| p.subject).collect::<Vec<_>>()
    };
    assert_eq!(
        subjects(
            store
                .protocols(&lhota_verifier, &ProtocolQuery::default())
                .await
                .unwrap()
        ),
        ["Schůzka Lhota"]
    );
    let drafts = ProtocolQuery {
        state: Some(ProtocolState::Draft),
        ..ProtocolQuery::default()
    };
    assert!(
        store
            .protocols(&lhota_verifier, &drafts)
            .await
            .unwrap()
            .is_empty()
    );
    let smuggled = ProtocolQuery {
        organisation: Some(brno),
        ..ProtocolQuery::default()
    };
    assert!(
        store
            .protocols(&lhota_verifier, &smuggled)
            .await
            .unwrap()
            .is_empty()
    );
    for id in [lhota_draft, brno_issued] {
        assert!(matches!(
            store.protocol(&lhota_verifier, id).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.protocol_revisions(&lhota_verifier, id).await,
            Err(StoreError::NotFound)
        ));
    }
    assert!(matches!(
        step(
            &store,
            &lhota_verifier,
            brno_issued,
            ProtocolStep::Confirm,
            ""
        )
        .await,
        Err(ProtocolError::Store(StoreError::NotFound))
    ));
    assert!(
        store
            .protocols(&no_right, &ProtocolQuery::default())
            .await
            .unwrap()
            .is_empty()
    );
    let today = d(2026, 12, 1);
    let tasks = |who: &Actor| {
        let store = store.clone();
        let who = who.clone();
        async move {
            store
                .protocol_tasks(
                    &who,
                    &TaskQuery {
                        side: None,
                        state: None,
                        responsible: None,
                        mine: false,
                        due: None,
                        today,
                        organisation: None,
                        after: None,
                        limit: 50,
                    },
                )
                .await
                .unwrap()
                .into_iter()
                .map(|t| t.protocol_number)
                .collect::<std::collections::BTreeSet<_>>()
        }
    };
    let lhota_number = store
        .protocol(&consultant, lhota_issued)
        .await
        .unwrap()
        .number;
    assert_eq!(
        tasks(&lhota_verifier).await.into_iter().collect::<Vec<_>>(),
        [lhota_number],
        "tasks of drafts and of Brno stay hidden"
    );
    assert_eq!(tasks(&consultant).await.len(), 3);
    // Grouped by organisation the groups follow the names (Brno, registered after Lhota,
    // comes first), and pages of one add up to the whole list.
    let grouped = ProtocolQuery {
        by_organisation: true,
        limit: 50,
        ..ProtocolQuery::default()
    };
    let whole = store.protocols(&consultant, &grouped).await.unwrap();
    let names: Vec<&str> = whole.iter().map(|p| p.organisation_name.as_str()).collect();
    assert_eq!(names.first(), Some(&"Město Brno"), "{names:?}");
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted);
    assert_eq!(
        paged_ids(&store, &consultant, &grouped, 1).await,
        whole.iter().map(|p| p.id).collect::<Vec<_>>()
    );
}

async fn open_tasks_carry_over_and_reminders_go_once(store: Store) {
    let consultant = staff(&store, "konzultant", StaffRole::Consultant).await;
    let obec = organisation(&store, "Obec Lhota").await;
    let verifier = member(&store, "starosta", obec, true).await;
    let first = store
        .create_protocol(
            &consultant,
            &protocol(
                obec,
                consultant.user_id,
                verifier.user_id,
                "První schůzka",
                10,
            ),
        )
        .await
        .unwrap();
    step(&store, &consultant, first, ProtocolStep::Issue, "")
        .await
        .unwrap();
    let first_record = store.protocol(&consultant, first).await.unwrap();
    let done = &first_record.tasks[0];
    store
        .set_task_state(&consultant, done.id, TaskState::Done, done.version)
        .await
        .unwrap();
    assert!(matches!(
        store
            .set_task_state(&consultant, done.id, TaskState::Open, done.version)
            .await,
        Err(ProtocolError::Store(StoreError::Conflict))
    ));
    assert!(matches!(
        store
            .set_task_state(&verifier, done.id, TaskState::Open, done.version + 1)
            .await,
        Err(ProtocolError::NotAllowed)
    ));
    let mut second = protocol(
        obec,
        consultant.user_id,
        verifier.user_id,
        "Druhá schůzka",
        0,
    );
    second.tasks.clear();
    let second = store.create_protocol(&consultant, &second).await.unwrap();
    let record = store.protocol(&consultant, second).await.unwrap();
    let review: Vec<String> = store
        .open_tasks_before(&consultant, &record)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.description)
        .collect();
    assert_eq!(
        review,
        ["Připravit seznam uživatelů"],
        "the open task of the earlier protocol, not the done one"
    );
    let earlier = store.protocol(&consultant, first).await.unwrap();
    assert!(
        store
            .open_tasks_before(&consultant, &earlier)
            .await
            .unwrap()
            .is_empty(),
        "nothing before the first"
    );

    // Issued, the second protocol keeps its review as it stood: a reviewed task done later
    // stays in it, as it was, for staff and the verifier alike.
    step(&store, &consultant, second, ProtocolStep::Issue, "")
        .await
        .unwrap();
    let reviewed = earlier
        .tasks
        .iter()
        .find(|t| t.description == "Připravit seznam uživatelů")
        .unwrap()
        .id;
    let version = store
        .protocol_task(&consultant, reviewed)
        .await
        .unwrap()
        .version;
    store
        .set_task_state(&consultant, reviewed, TaskState::Done, version)
        .await
        .unwrap();
    let issued = store.protocol(&consultant, second).await.unwrap();
    assert!(
        store
            .open_tasks_before(&consultant, &issued)
            .await
            .unwrap()
            .is_empty()
    );
    for who in [&consultant, &verifier] {
        let seen = store.protocol(who, second).await.unwrap();
        let kept = store.protocol_review(who, &seen).await.unwrap();
        let described: Vec<&str> = kept.iter().map(|t| t.description.as_str()).collect();
        assert_eq!(described, ["Připravit seznam uživatelů"]);
        assert_eq!(kept[0].state, TaskState::Open, "as it stood at the issue");
    }
    let version = store
        .protocol_task(&consultant, reviewed)
        .await
        .unwrap()
        .version;
    store
        .set_task_state(&consultant, reviewed, TaskState::Open, version)
        .await
        .unwrap();

    // Overview filters: the customer's open task, by side, overdue, by name without diacritics.
    let query = |due, side, responsible: Option<&str>| TaskQuery {
        side,
        state: None,
        responsible: responsible.map(str::to_owned),
        mine: false,
        due,
        today: d(2026, 12, 21),
        organisation: None,
        after: None,
        limit: 50,
    };
    assert_eq!(
        store
            .protocol_tasks(
                &consultant,
                &query(Some(DueFilter::Overdue), Some(Side::Customer), None)
            )
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .protocol_tasks(&consultant, &query(None, Some(Side::Vendor), None))
            .await
            .unwrap()
            .is_empty(),
        "the vendor's task is done"
    );
    assert_eq!(
        store
            .protocol_tasks(&consultant, &query(None, None, Some("NOVAK")))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(
        store
            .protocol_tasks(&consultant, &query(None, None, Some("Dvořák")))
            .await
            .unwrap()
            .is_empty()
    );
    // "Due soon": the customer's task (due 20 December) from three days before it, not
    // earlier, and no longer once it is overdue.
    let soon = |today| TaskQuery {
        due: Some(DueFilter::Soon),
        today,
        ..query(None, None, None)
    };
    for (today, count) in [
        (d(2026, 12, 16), 0),
        (d(2026, 12, 17), 1),
        (d(2026, 12, 20), 1),
    ] {
        assert_eq!(
            store
                .protocol_tasks(&consultant, &soon(today))
                .await
                .unwrap()
                .len(),
            count,
            "{today}"
        );
    }
    assert!(
        store
            .protocol_tasks(&consultant, &soon(d(2026, 12, 21)))
            .await
            .unwrap()
            .is_empty()
    );

    // Reminders: three days ahead, then overdue; each once even with two instances.
    let (a, b) = tokio::join!(
        store.remind_tasks(d(2026, 12, 17)),
        store.remind_tasks(d(2026, 12, 17))
    );
    assert_eq!(a.unwrap() + b.unwrap(), 1, "due within three days");
    assert_eq!(
        store.remind_tasks(d(2026, 12, 18)).await.unwrap(),
        0,
        "not again"
    );
    assert_eq!(
        store.remind_tasks(d(2026, 12, 21)).await.unwrap(),
        1,
        "overdue"
    );
    assert_eq!(store.remind_tasks(d(2026, 12, 22)).await.unwrap(), 0);
    let kinds: Vec<EventKind> = store
        .claim_events(100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert!(kinds.contains(&EventKind::TaskDueSoon) && kinds.contains(&EventKind::TaskOverdue));
}

async fn keyset_pages_equal_the_whole_list(store: Store) {
    let consultant = staff(&store, "konzultant", StaffRole::Consultant).await;
    let obec = organisation(&store, "Obec Lhota").await;
    let verifier = member(&store, "starosta", obec, true).await;
    for i in 0..7 {
        store
            .create_protocol(
                &consultant,
                &protocol(
                    obec,
                    consultant.user_id,
                    verifier.user_id,
                    &format!("Schůzka {i}"),
                    i % 3,
                ),
            )
            .await
            .unwrap();
    }
    let whole = store
        .protocols(&consultant, &ProtocolQuery::default())
        .await
        .unwrap();
    assert_eq!(whole.len(), 7);
    assert!(whole.windows(2).all(|w| w[0].held_at >= w[1].held_at));
    assert_eq!(
        paged_ids(&store, &consultant, &ProtocolQuery::default(), 3).await,
        whole.iter().map(|p| p.id).collect::<Vec<_>>()
    );
    // Filters: by project, by kind, by when it was held (29–31 October 2026).
    let count = |query: ProtocolQuery| {
        let (store, consultant) = (store.clone(), consultant.clone());
        async move { store.protocols(&consultant, &query).await.unwrap().len() }
    };
    let project = ProtocolQuery {
        project: Some(whole[0].project_id),
        ..ProtocolQuery::default()
    };
    assert_eq!(count(project).await, 7);
    for (kind, expected) in [(ProtocolKind::Meeting, 7), (ProtocolKind::Workshop, 0)] {
        let by_kind = ProtocolQuery {
            kind: Some(kind),
            ..ProtocolQuery::default()
        };
        assert_eq!(count(by_kind).await, expected, "{kind:?}");
    }
    let held = |from: (u32, u32), before: (u32, u32)| ProtocolQuery {
        from: Some(
            Utc.with_ymd_and_hms(2026, 10, from.0, from.1, 0, 0)
                .unwrap(),
        ),
        before: Some(
            Utc.with_ymd_and_hms(2026, 10, before.0, before.1, 0, 0)
                .unwrap(),
        ),
        ..ProtocolQuery::default()
    };
    let on_the_last_day = whole
        .iter()
        .filter(|p| chrono::Datelike::day(&p.held_at) == 31)
        .count();
    assert!(on_the_last_day > 0);
    assert_eq!(count(held((31, 0), (31, 23))).await, on_the_last_day);
    assert_eq!(count(held((1, 0), (2, 0))).await, 0);

    // A customer reads an objected protocol as issued while staff move its date: its pages
    // still follow the dates as they stand, so none repeats and none is skipped.
    let newest: Vec<ProtocolId> = whole.iter().take(3).map(|p| p.id).collect();
    for id in &newest {
        step(&store, &consultant, *id, ProtocolStep::Issue, "")
            .await
            .unwrap();
    }
    step(
        &store,
        &verifier,
        newest[1],
        ProtocolStep::Object,
        "Jiný den.",
    )
    .await
    .unwrap();
    let version = store
        .protocol(&consultant, newest[1])
        .await
        .unwrap()
        .version;
    let moved = protocol(obec, consultant.user_id, verifier.user_id, "Schůzka", 25);
    store
        .update_protocol(&consultant, newest[1], &moved, version)
        .await
        .unwrap();
    let seen = store
        .protocols(&verifier, &ProtocolQuery::default())
        .await
        .unwrap();
    assert_eq!(seen.len(), 3);
    assert_eq!(seen[2].id, newest[1], "sorted by the date as it stands");
    assert_eq!(
        paged_ids(&store, &verifier, &ProtocolQuery::default(), 1).await,
        seen.iter().map(|p| p.id).collect::<Vec<_>>()
    );
}

/// Every protocol `query` lists, read page by page (`limit` a page) through the keyset
/// cursor; a cursor that went round in circles would stop at 100 pages and fail the caller.
async fn paged_ids(
    store: &Store,
    who: &Actor,
    query: &ProtocolQuery,
    limit: u32,
) -> Vec<ProtocolId> {
    let mut paged = Vec::new();
    let mut after = None;
    for _ in 0..100 {
        let page = store
            .protocols(
                who,
                &ProtocolQuery {
                    limit,
                    after,
                    ..query.clone()
                },
            )
            .await
            .unwrap();
        after = page.last().map(|p| p.id);
        let done = page.len() < limit as usize;
        paged.extend(page.into_iter().map(|p| p.id));
        if done {
            break;
        }
    }
    paged
}

/// A task marked done on the tasks overview while someone edits the draft protocol with the
/// form read before: the edit must not silently set the task back to open.
async fn an_edit_read_before_a_task_changed_cannot_undo_it(store: Store) {
    let consultant = staff(&store, "konzultant", StaffRole::Consultant).await;
    let obec = organisation(&store, "Obec Lhota").await;
    let verifier = member(&store, "starosta", obec, true).await;
    let new = protocol(
        obec,
        consultant.user_id,
        verifier.user_id,
        "Úvodní schůzka",
        2,
    );
    let id = store.create_protocol(&consultant, &new).await.unwrap();
    let read = store.protocol(&consultant, id).await.unwrap();
    let task = read.tasks[0].clone();
    // The form as read: the same protocol with its tasks (by id) as they were.
    let mut edited = new.clone();
    edited.subject = "Úvodní schůzka k migraci".into();
    for (typed, stored) in edited.tasks.iter_mut().zip(&read.tasks) {
        typed.id = Some(stored.id);
        typed.state = stored.state;
    }
    let (marked, saved) = tokio::join!(
        store.set_task_state(&consultant, task.id, TaskState::Done, task.version),
        store.update_protocol(&consultant, id, &edited, read.version)
    );
    // Exactly one of the two writers wins, and what is stored is the winner's.
    let now = store.protocol(&consultant, id).await.unwrap();
    let state = now.tasks.iter().find(|t| t.id == task.id).unwrap().state;
    match (&marked, &saved) {
        (Ok(()), Err(ProtocolError::Store(StoreError::Conflict))) => {
            assert_eq!(state, TaskState::Done);
            assert_eq!(
                now.subject, "Úvodní schůzka",
                "nothing of the stale edit kept"
            );
        }
        (Err(ProtocolError::Store(StoreError::Conflict)), Ok(())) => {
            assert_eq!(state, TaskState::Open);
            assert_eq!(now.subject, "Úvodní schůzka k migraci");
        }
        _ => panic!("both or neither won: {marked:?}, {saved:?}, the task is {state:?}"),
    }
}

/// An issue keeps the review of open tasks from earlier protocols with its revision; a task
/// of an earlier protocol marked done between the review's read and the issue's write makes
/// the issue stale (409) instead of keeping a review that was no longer true.
async fn an_issue_keeps_the_review_as_it_stands_when_it_is_written(store: Store) {
    let consultant = staff(&store, "konzultant", StaffRole::Consultant).await;
    let obec = organisation(&store, "Obec Lhota").await;
    let verifier = member(&store, "starosta", obec, true).await;
    let earlier = protocol(obec, consultant.user_id, verifier.user_id, "První", 10);
    let first = store.create_protocol(&consultant, &earlier).await.unwrap();
    step(&store, &consultant, first, ProtocolStep::Issue, "")
        .await
        .unwrap();
    let later = protocol(obec, consultant.user_id, verifier.user_id, "Druhá", 2);
    let second = store.create_protocol(&consultant, &later).await.unwrap();
    let read = store.protocol(&consultant, second).await.unwrap();
    let review = store.open_tasks_before(&consultant, &read).await.unwrap();
    assert_eq!(review.len(), 2, "the first protocol's tasks are open");
    let done = supportweb_storage::testing::hold_write(
        &store,
        &[(
            "UPDATE protocol_tasks SET state = 'done', version = version + 1 WHERE id = $1",
            review[0].id.0,
        )],
    )
    .await;
    let issuing = {
        let (store, consultant) = (store.clone(), consultant.clone());
        tokio::spawn(async move {
            store
                .protocol_step(
                    &consultant,
                    second,
                    ProtocolStep::Issue,
                    "",
                    "text with both tasks open",
                    &review,
                    read.version,
                )
                .await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    done.commit().await.unwrap();
    let issued = issuing.await.unwrap();
    assert!(
        matches!(issued, Err(ProtocolError::Store(StoreError::Conflict))),
        "issued with a review no longer true: {issued:?}"
    );
    assert_eq!(
        store.protocol(&consultant, second).await.unwrap().state,
        ProtocolState::Draft
    );
    // Read again, it issues with the review as it is now.
    step(&store, &consultant, second, ProtocolStep::Issue, "")
        .await
        .unwrap();
}

both_backends!(
    an_issue_keeps_the_review_as_it_stands_when_it_is_written,
    an_edit_read_before_a_task_changed_cannot_undo_it,
    the_lifecycle_binds_answers_to_revisions_and_locks_confirmed_protocols,
    customers_see_only_their_issued_protocols_and_ids_are_checked,
    open_tasks_carry_over_and_reminders_go_once,
    keyset_pages_equal_the_whole_list,
);
