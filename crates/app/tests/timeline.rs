//! The customer timeline on both backends: every kind of write shows up, newest first and
//! keyset-paged, filtered by agenda; a customer sees its own organisation only, never an
//! internal note, a draft protocol or a patch chosen for another organisation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use supportweb_app::Error;
use supportweb_app::podpora::patches::PatchInput;
use supportweb_app::protocols::{ProtocolInput, ProtocolStep, TaskInput};
use supportweb_app::support_documents::{OpenDocument, Transition};
use supportweb_app::testing::{TestApp, build};
use supportweb_app::timeline::{Timeline, TimelineAgenda, TimelineParams};
use supportweb_domain::Actor;
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::patch::PatchStep;
use supportweb_domain::user::StaffRole;

fn everything() -> MembershipRights {
    MembershipRights {
        support_documents: AgendaRight::Write,
        protocols: AgendaRight::Read,
        podpora: AgendaRight::Read,
        may_confirm_protocols: true,
        ..MembershipRights::NONE
    }
}

async fn timeline(
    test: &TestApp,
    actor: &Actor,
    organisation: uuid::Uuid,
    agenda: &str,
) -> Timeline {
    test.app
        .timeline(
            actor,
            &organisation.to_string(),
            &TimelineParams {
                agenda: agenda.into(),
                ..TimelineParams::default()
            },
        )
        .await
        .unwrap()
}

/// The kinds and titles of a page, newest first.
fn seen(page: &Timeline) -> Vec<(String, String)> {
    page.items
        .iter()
        .map(|i| (i.event.kind.clone(), i.event.title.clone()))
        .collect()
}

fn mentions(page: &Timeline, text: &str) -> bool {
    page.items.iter().any(|i| {
        i.event.title.contains(text)
            || i.event.detail.contains(text)
            || i.event.link_label.contains(text)
    })
}

async fn the_timeline_tells_what_happened_as_far_as_each_may_see(test: TestApp) {
    let store = test.store();
    let brno = build::entitled_organisation(store, "Statutární město Brno", None).await;
    let ves = build::entitled_organisation(store, "Obec Ves", None).await;
    let referentka = build::member(store, "referentka", brno, everything()).await;
    let starosta = build::member(store, "starosta", ves, everything()).await;
    let technik = build::staff(store, "technik", StaffRole::Technician).await;
    let konzultant = build::staff(store, "konzultant", StaffRole::Consultant).await;
    let vyvojar = build::staff(store, "vyvojar", StaffRole::Developer).await;
    let documents = test.app.support_documents();
    let open = |organisation: uuid::Uuid, subject: &str| OpenDocument {
        organisation: organisation.to_string(),
        category: "error".into(),
        severity: "high".into(),
        subject: subject.into(),
        description: "Popis".into(),
        contact: "Jana Malá".into(),
        ..OpenDocument::default()
    };

    let document = documents
        .open(&referentka, &open(brno.0, "Tisk obálek"))
        .await
        .unwrap();
    documents
        .open(&starosta, &open(ves.0, "Veskanarek"))
        .await
        .unwrap();
    let id = document.id.to_string();
    let accepted = documents
        .transition(&technik, &id, Transition::Accept, document.version)
        .await
        .unwrap();
    assert_eq!(accepted.state.as_str(), "accepted");
    documents
        .comment(&technik, &id, "Interní poznámka", true, &[])
        .await
        .unwrap();
    documents
        .comment(&technik, &id, "Prověřujeme.", false, &[])
        .await
        .unwrap();

    // A protocol: a draft is staff's, an issued one everyone's, with its tasks due.
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
                tasks: vec![TaskInput {
                    description: "Dodat skript migrace".into(),
                    side: "vendor".into(),
                    responsible: konzultant.user_id.to_string(),
                    due: "2026-01-10".into(),
                    state: "open".into(),
                    ..TaskInput::default()
                }],
                ..ProtocolInput::default()
            },
        )
        .await
        .unwrap();
    let customer_view = timeline(&test, &referentka, brno.0, "protocols").await;
    assert!(
        customer_view.items.is_empty(),
        "a draft's task is staff's: {:?}",
        seen(&customer_view)
    );
    let staff_view = timeline(&test, &konzultant, brno.0, "protocols").await;
    assert_eq!(
        seen(&staff_view),
        vec![("task_due".into(), draft.number.clone())],
        "a task's due day that has come"
    );
    let issued_protocol = protocols
        .step(
            &konzultant,
            &draft.id.to_string(),
            ProtocolStep::Issue,
            "",
            draft.version,
        )
        .await
        .unwrap();
    let issued = timeline(&test, &referentka, brno.0, "protocols").await;
    assert!(
        issued.items.iter().any(|i| i.event.kind == "task_due"),
        "{:?}",
        seen(&issued)
    );

    // Patches: one for everyone, one chosen for the other organisation.
    let patches = test.app.podpora().patches();
    let product = build::product(store, &vyvojar, "ESS").await.to_string();
    for (build, visibility, chosen) in [
        ("5.4.2", "all", vec![]),
        ("5.4.3-veskanarek", "chosen", vec![ves.to_string()]),
    ] {
        let body =
            futures_util::stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from_static(b"PK"))]);
        let file = test
            .app
            .attachments()
            .upload(&vyvojar, "p.zip", body)
            .await
            .unwrap();
        let patch = patches
            .create(
                &vyvojar,
                &PatchInput {
                    product: product.clone(),
                    build: build.into(),
                    title: "Oprava".into(),
                    release_notes: "Opravuje tisk.".into(),
                    released_on: "2026-06-15".into(),
                    visibility: visibility.into(),
                    organisations: chosen,
                    files: vec![file.id],
                    ..PatchInput::default()
                },
            )
            .await
            .unwrap();
        patches
            .step(
                &vyvojar,
                &patch.id.to_string(),
                PatchStep::Publish,
                "",
                patch.version,
            )
            .await
            .unwrap();
    }

    let everything_seen = timeline(&test, &referentka, brno.0, "").await;
    let kinds: Vec<String> = everything_seen
        .items
        .iter()
        .map(|i| i.event.kind.clone())
        .collect();
    for kind in [
        "document_opened",
        "document_reply",
        "document_state",
        "protocol_issued",
        "task_due",
        "patch_published",
        "contract_concluded",
    ] {
        assert!(
            kinds.contains(&kind.to_owned()),
            "{kind} missing from {kinds:?}"
        );
    }
    assert!(
        !kinds.contains(&"document_note".to_owned()),
        "an internal note is staff's"
    );
    assert!(
        !mentions(&everything_seen, "veskanarek"),
        "another organisation's"
    );
    assert!(!mentions(&everything_seen, "Veskanarek"));
    // Newest first, each linked.
    assert!(
        everything_seen
            .items
            .windows(2)
            .all(|w| (w[0].event.at, w[0].event.id) > (w[1].event.at, w[1].event.id))
    );
    let opened = everything_seen
        .items
        .iter()
        .find(|i| i.event.kind == "document_opened")
        .unwrap();
    assert_eq!(opened.path, format!("/support-documents/{id}"));
    assert!(opened.event.title.contains(&document.number));

    let staff_seen = timeline(&test, &technik, brno.0, "support_documents").await;
    assert!(
        staff_seen
            .items
            .iter()
            .any(|i| i.event.kind == "document_note")
    );
    assert!(
        staff_seen
            .items
            .iter()
            .all(|i| i.event.agenda == "support_documents"),
        "filtered by agenda"
    );
    let ves_seen = timeline(&test, &starosta, ves.0, "podpora").await;
    assert!(mentions(&ves_seen, "5.4.3-veskanarek"));
    assert!(mentions(&ves_seen, "5.4.2"));

    // Another organisation's timeline is not there for a customer, in any way.
    let refused = test
        .app
        .timeline(&referentka, &ves.to_string(), &TimelineParams::default())
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::NotFound), "{refused:?}");
    let bad = test
        .app
        .timeline(
            &referentka,
            &brno.to_string(),
            &TimelineParams {
                agenda: "vsechno".into(),
                after: "x".into(),
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        supportweb_app::testing::field_codes(bad),
        vec![
            ("after".into(), "timeline-error-filter"),
            ("agenda".into(), "timeline-error-filter")
        ]
    );

    // Keyset pages: two at a time, no event twice, none left out.
    let all = store
        .timeline(
            &technik,
            brno,
            &TimelineAgenda::ALL,
            None,
            100,
            chrono::Utc::now(),
        )
        .await
        .unwrap();
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .timeline(
                &technik,
                brno,
                &TimelineAgenda::ALL,
                after,
                2,
                chrono::Utc::now(),
            )
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        after = page.last().map(|e| e.id);
        paged.extend(page);
    }
    assert_eq!(paged, all);
    assert!(all.len() >= 8, "{all:?}");

    // Objected and being revised: its tasks wait, like in the tasks overview, until it is
    // issued again; what was issued and the objection stay.
    protocols
        .step(
            &referentka,
            &draft.id.to_string(),
            ProtocolStep::Object,
            "Chybí termín školení.",
            issued_protocol.version,
        )
        .await
        .unwrap();
    let objected = timeline(&test, &referentka, brno.0, "protocols").await;
    let kinds: Vec<String> = objected
        .items
        .iter()
        .map(|i| i.event.kind.clone())
        .collect();
    assert!(!kinds.iter().any(|k| k.starts_with("task")), "{kinds:?}");
    assert!(kinds.contains(&"protocol_issued".to_owned()), "{kinds:?}");
    assert!(kinds.contains(&"protocol_objected".to_owned()), "{kinds:?}");
    let staff_objected = timeline(&test, &konzultant, brno.0, "protocols").await;
    assert!(
        staff_objected
            .items
            .iter()
            .any(|i| i.event.kind == "task_due")
    );
}

supportweb_app::both_backends!(the_timeline_tells_what_happened_as_far_as_each_may_see);
