//! The protocol use cases without HTTP, on both backends: recording with field problems,
//! issue → objection (comments required) → revision → confirmation of revision 2, the lock
//! afterwards, the revision texts, the tasks overview and marking tasks with stale versions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use supportweb_app::Error;
use supportweb_app::protocols::{
    ExternalInput, ItemInput, ProtocolInput, ProtocolParams, ProtocolStep, TaskInput, TaskParams,
    TaskState,
};
use supportweb_app::testing::{TestApp, build, field_codes};
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::StaffRole;

fn verifier_rights() -> MembershipRights {
    MembershipRights {
        protocols: AgendaRight::Read,
        may_confirm_protocols: true,
        ..MembershipRights::NONE
    }
}

async fn a_protocol_from_draft_to_confirmation(test: TestApp) {
    let store = test.store();
    let consultant = build::staff(store, "konzultant", StaffRole::Consultant).await;
    let obec = build::organisation(store, "Obec Lhota").await;
    let other = build::organisation(store, "Obec Ves").await;
    let verifier = build::member(store, "starosta", obec, verifier_rights()).await;
    let stranger = build::member(store, "cizi", other, verifier_rights()).await;
    let protocols = test.app.protocols();
    let input = ProtocolInput {
        organisation: obec.to_string(),
        project: "Zavedení spisové služby".into(),
        kind: "meeting".into(),
        held_at: "2026-11-20T09:30".into(),
        place: "Radnice".into(),
        minute_taker: consultant.user_id.to_string(),
        subject: "Úvodní schůzka".into(),
        vendor_present: vec![consultant.user_id.to_string()],
        customer_present: vec![verifier.user_id.to_string()],
        externals: vec![ExternalInput {
            name: "Ing. Jana Malá; vedoucí odboru".into(),
            affiliation: "Krajský úřad; odbor IT".into(),
            presence: "excused".into(),
        }],
        verifiers: vec![verifier.user_id.to_string()],
        items: vec![ItemInput {
            title: "Harmonogram".into(),
            summary: "Probrán harmonogram.".into(),
            decisions: "Spuštění 1. 2.".into(),
        }],
        tasks: vec![TaskInput {
            description: "Dodat skript migrace".into(),
            side: "vendor".into(),
            responsible: consultant.user_id.to_string(),
            due: "2026-12-10".into(),
            state: "open".into(),
            ..TaskInput::default()
        }],
        ..ProtocolInput::default()
    };

    let refused = protocols
        .create(
            &consultant,
            &ProtocolInput {
                held_at: "zítra".into(),
                externals: vec![ExternalInput {
                    name: "Jan Novák".into(),
                    affiliation: "Firma".into(),
                    presence: "snad".into(),
                }],
                ..input.clone()
            },
        )
        .await
        .unwrap_err();
    let fields = field_codes(refused);
    assert!(fields.contains(&("held_at".into(), "protocol-error-held-at")));
    assert!(
        fields.contains(&("externals".into(), "protocol-error-external-presence")),
        "a presence the form does not understand is asked again: {fields:?}"
    );
    let nameless = protocols
        .create(
            &consultant,
            &ProtocolInput {
                externals: vec![ExternalInput {
                    name: " ".into(),
                    affiliation: "Jen organizace".into(),
                    presence: "present".into(),
                }],
                ..input.clone()
            },
        )
        .await
        .unwrap_err();
    assert_eq!(
        field_codes(nameless),
        [("externals".into(), "protocol-error-externals")],
        "a participant without a name"
    );

    let draft = protocols.create(&consultant, &input).await.unwrap();
    let external = draft
        .participants
        .iter()
        .find(|p| p.user_id.is_none())
        .unwrap();
    assert_eq!(
        (
            external.name.as_str(),
            external.affiliation.as_str(),
            external.present
        ),
        (
            "Ing. Jana Malá; vedoucí odboru",
            "Krajský úřad; odbor IT",
            false
        ),
        "typed text is kept as typed"
    );
    assert_eq!(
        ProtocolInput::of(&draft).externals[0].name,
        "Ing. Jana Malá; vedoucí odboru",
        "and comes back into the form unchanged"
    );
    let id = draft.id.to_string();
    assert!(matches!(
        protocols.get(&verifier, &id).await,
        Err(Error::NotFound)
    ));
    let issued = protocols
        .step(&consultant, &id, ProtocolStep::Issue, "", draft.version)
        .await
        .unwrap();
    assert_eq!(issued.state.as_str(), "issued");
    assert!(matches!(
        protocols.get(&stranger, &id).await,
        Err(Error::NotFound)
    ));
    let silent = protocols
        .step(&verifier, &id, ProtocolStep::Object, "  ", issued.version)
        .await
        .unwrap_err();
    assert_eq!(
        field_codes(silent),
        vec![("comment".into(), "protocol-error-comment")]
    );
    let objected = protocols
        .step(
            &verifier,
            &id,
            ProtocolStep::Object,
            "Chybí termín školení.",
            issued.version,
        )
        .await
        .unwrap();
    let revised = protocols
        .update(
            &consultant,
            &id,
            &ProtocolInput {
                subject: "Úvodní schůzka a školení".into(),
                ..ProtocolInput::of(&objected)
            },
            objected.version,
        )
        .await
        .unwrap();
    let again = protocols
        .step(&consultant, &id, ProtocolStep::Issue, "", revised.version)
        .await
        .unwrap();
    let confirmed = protocols
        .step(&verifier, &id, ProtocolStep::Confirm, "", again.version)
        .await
        .unwrap();
    assert_eq!(confirmed.state.as_str(), "confirmed");
    let detail = protocols.detail(&verifier, &id).await.unwrap();
    assert_eq!(detail.revisions.len(), 2);
    let second = protocols.revision(&verifier, &id, "2").await.unwrap();
    assert!(second.text.contains("Úvodní schůzka a školení"));
    assert!(
        second
            .before
            .is_some_and(|(_, text)| text.contains("Úvodní schůzka\n"))
    );
    let locked = protocols
        .update(
            &consultant,
            &id,
            &ProtocolInput::of(&confirmed),
            confirmed.version,
        )
        .await
        .unwrap_err();
    assert!(matches!(locked, Error::Locked), "{locked:?}");

    let (query, _) = protocols
        .task_query(
            &verifier,
            &TaskParams {
                side: "vendor".into(),
                ..TaskParams::default()
            },
        )
        .unwrap();
    let tasks = protocols.tasks(&verifier, &query).await.unwrap().rows;
    assert_eq!(tasks.len(), 1, "what the vendor owes the customer");
    let task = &tasks[0];
    let done = protocols
        .set_task(
            &consultant,
            &task.id.to_string(),
            TaskState::Done,
            task.version,
        )
        .await
        .unwrap();
    assert_eq!(done.state, TaskState::Done);
    let stale = protocols
        .set_task(
            &consultant,
            &task.id.to_string(),
            TaskState::Open,
            task.version,
        )
        .await
        .unwrap_err();
    assert!(matches!(stale, Error::Conflict), "{stale:?}");
    assert!(matches!(
        protocols
            .set_task(
                &verifier,
                &task.id.to_string(),
                TaskState::Open,
                done.version
            )
            .await,
        Err(Error::Forbidden | Error::NotFound)
    ));

    let (query, _) = protocols
        .overview_query(&stranger, &ProtocolParams::default())
        .unwrap();
    assert!(
        protocols
            .overview(&stranger, &query)
            .await
            .unwrap()
            .rows
            .is_empty(),
        "another organisation's protocols are never listed"
    );
}

supportweb_app::both_backends!(a_protocol_from_draft_to_confirmation);
