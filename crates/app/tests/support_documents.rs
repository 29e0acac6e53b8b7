//! The support-document use cases without HTTP, on both backends: opening behind the gate,
//! the overview's filters and export, the conversation, the workflow, assignment, time and
//! canned replies — each as the pages and the API call them.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures_util::StreamExt;
use supportweb_app::Error;
use supportweb_app::support_documents::canned_replies::CannedInput;
use supportweb_app::support_documents::{OpenDocument, OverviewParams, TimeInput, Transition};
use supportweb_app::testing::{TestApp, build, field_codes};
use supportweb_domain::Language;
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::StaffRole;
use supportweb_i18n::Tr;

fn writer() -> MembershipRights {
    MembershipRights {
        support_documents: AgendaRight::Write,
        ..MembershipRights::NONE
    }
}

fn typed(organisation: &str, subject: &str) -> OpenDocument {
    OpenDocument {
        organisation: organisation.to_owned(),
        category: "error".into(),
        severity: "high".into(),
        subject: subject.into(),
        description: "Po uložení se zobrazí chyba.".into(),
        contact: "Jana Malá".into(),
        ..OpenDocument::default()
    }
}

async fn opening_is_checked_and_gated(test: TestApp) {
    let store = test.store();
    let brno = build::entitled_organisation(store, "Statutární město Brno", Some(600)).await;
    let ves = build::organisation(store, "Obec Ves").await;
    let customer = build::member(store, "referentka", brno, writer()).await;
    let unentitled = build::member(store, "starosta", ves, writer()).await;
    let documents = test.app.support_documents();

    let empty = documents
        .open(
            &customer,
            &OpenDocument {
                category: "nonsense".into(),
                ..typed(&brno.to_string(), " ")
            },
        )
        .await
        .unwrap_err();
    let fields = field_codes(empty);
    assert!(fields.contains(&("category".into(), "support-error-category")));
    assert!(fields.contains(&("subject".into(), "support-error-subject")));

    let gated = documents
        .open(&unentitled, &typed(&ves.to_string(), "Nejde tisk"))
        .await
        .unwrap_err();
    assert_eq!(
        field_codes(gated),
        vec![("organisation".into(), "support-not-entitled")]
    );

    let foreign = documents
        .open(&customer, &typed(&ves.to_string(), "Cizí"))
        .await
        .unwrap_err();
    assert!(matches!(foreign, Error::NotFound), "{foreign:?}");

    let opened = documents
        .open(&customer, &typed(&brno.to_string(), "Nelze uložit zásilku"))
        .await
        .unwrap();
    assert!(opened.number.starts_with("SD-"), "{}", opened.number);
    assert_eq!(opened.reporter_id, customer.user_id);
    let other = documents
        .detail(&unentitled, &opened.id.to_string())
        .await
        .unwrap_err();
    assert!(
        matches!(other, Error::NotFound),
        "another organisation's user: {other:?}"
    );
}

async fn conversation_and_workflow(test: TestApp) {
    let store = test.store();
    let brno = build::entitled_organisation(store, "Brno", Some(600)).await;
    let customer = build::member(store, "referentka", brno, writer()).await;
    let manager = build::staff(store, "vedouci", StaffRole::ProjectManager).await;
    let technician = build::staff(store, "technik", StaffRole::Technician).await;
    let documents = test.app.support_documents();
    let opened = documents
        .open(&customer, &typed(&brno.to_string(), "Chyba podatelny"))
        .await
        .unwrap();
    let id = opened.id.to_string();

    let note = documents
        .comment(&technician, &id, "INTERNI-POZNAMKA-7731", true, &[])
        .await
        .unwrap();
    assert!(note.is_internal);
    let seen = documents.detail(&customer, &id).await.unwrap();
    assert!(
        !seen
            .conversation
            .iter()
            .any(|c| c.body.contains("INTERNI-POZNAMKA-7731")),
        "an internal note never reaches the customer"
    );
    assert!(
        matches!(
            documents.comment(&customer, &id, "tajně", true, &[]).await,
            Err(Error::Forbidden)
        ),
        "customers write no internal notes"
    );
    let empty = documents.comment(&customer, &id, "  ", false, &[]).await;
    assert_eq!(
        field_codes(empty.unwrap_err()),
        vec![("body".into(), "support-error-reply")]
    );

    let read = seen.document.version;
    let accepted = documents
        .transition(&technician, &id, Transition::Accept, read)
        .await
        .unwrap();
    assert_eq!(accepted.state.as_str(), "accepted");
    let stale = documents
        .transition(&technician, &id, Transition::Start, read)
        .await
        .unwrap_err();
    assert!(matches!(stale, Error::Conflict), "{stale:?}");
    let refused = documents
        .transition(&customer, &id, Transition::Resolve, accepted.version)
        .await
        .unwrap_err();
    assert!(matches!(refused, Error::Forbidden), "{refused:?}");

    let not_staff = documents
        .assign(&manager, &id, Some(customer.user_id), accepted.version)
        .await
        .unwrap_err();
    assert_eq!(
        field_codes(not_staff),
        vec![("assignee".into(), "support-error-invalid")]
    );
    let assigned = documents
        .assign(&manager, &id, Some(technician.user_id), accepted.version)
        .await
        .unwrap();
    assert_eq!(assigned.assignee_id, Some(technician.user_id));

    let bad_time = documents
        .log_time(
            &technician,
            &id,
            &TimeInput {
                activity: "dreaming".into(),
                minutes: Some(0),
                note: "x".repeat(501),
                ..TimeInput::default()
            },
        )
        .await
        .unwrap_err();
    let fields = field_codes(bad_time);
    assert!(fields.contains(&("activity".into(), "support-error-activity")));
    assert!(fields.contains(&("minutes".into(), "support-error-hours")));
    assert!(fields.contains(&("note".into(), "support-error-note")));
    let logged = documents
        .log_time(
            &technician,
            &id,
            &TimeInput {
                activity: "analysis".into(),
                minutes: Some(90),
                billable: true,
                ..TimeInput::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(logged.iter().map(|e| e.minutes).sum::<i64>(), 90);
    let customer_view = documents.detail(&customer, &id).await.unwrap();
    assert!(
        customer_view.time_entries.is_empty(),
        "logged time is staff-only"
    );
    assert_eq!(
        customer_view.balance.map(|b| b.remaining_minutes()),
        Some(510),
        "prepaid hours drawn down and shown to both sides"
    );
}

async fn overview_and_export(test: TestApp) {
    let store = test.store();
    let brno = build::entitled_organisation(store, "Brno", None).await;
    let lhota = build::entitled_organisation(store, "Lhota", None).await;
    let customer = build::member(store, "referentka", brno, writer()).await;
    let stranger = build::member(store, "starosta", lhota, writer()).await;
    let documents = test.app.support_documents();
    for n in 0..3 {
        documents
            .open(
                &customer,
                &typed(&brno.to_string(), &format!("=HYPERLINK {n}")),
            )
            .await
            .unwrap();
    }
    documents
        .open(&stranger, &typed(&lhota.to_string(), "CIZI-KANAR-4411"))
        .await
        .unwrap();

    let params = OverviewParams {
        view: "all".into(),
        severity: "catastrophic".into(),
        from: "včera".into(),
        ..OverviewParams::default()
    };
    let (query, filter_problems) = documents.overview_query(&customer, &params).unwrap();
    assert!(filter_problems.has("severity") && filter_problems.has("from"));
    let page = documents.overview(&customer, &query).await.unwrap();
    assert_eq!(page.rows.len(), 3, "the bad filters are left out");
    assert!(page.rows.iter().all(|d| d.organisation_id == brno));
    assert!(page.next.is_none());

    let refused = documents.export(&customer, &params, Tr::new(Language::Cs));
    assert!(matches!(refused, Err(Error::Invalid(_))));
    let all = OverviewParams {
        view: "all".into(),
        ..OverviewParams::default()
    };
    let mut body = Vec::new();
    let mut stream = Box::pin(
        documents
            .export(&customer, &all, Tr::new(Language::Cs))
            .unwrap(),
    );
    while let Some(chunk) = stream.next().await {
        body.extend_from_slice(&chunk.unwrap());
    }
    let text = String::from_utf8(body).unwrap();
    assert!(
        text.starts_with('\u{feff}'),
        "a byte-order mark for spreadsheets"
    );
    assert_eq!(text.lines().count(), 4, "a header and three rows: {text}");
    assert!(
        text.contains("\"'=HYPERLINK 0\""),
        "formula cells neutralised"
    );
    assert!(
        !text.contains("CIZI-KANAR-4411"),
        "another organisation's canary"
    );
}

async fn canned_replies_for_staff(test: TestApp) {
    let store = test.store();
    let manager = build::staff(store, "vedouci", StaffRole::ProjectManager).await;
    let developer = build::staff(store, "vyvojar", StaffRole::Developer).await;
    let brno = build::entitled_organisation(store, "Brno", None).await;
    let customer = build::member(store, "referentka", brno, writer()).await;
    let canned = test.app.canned_replies();
    let input = CannedInput {
        title: "Děkujeme".into(),
        body: "Děkujeme za nahlášení.".into(),
        version: 0,
    };
    let created = canned.create(&manager, &input).await.unwrap();
    let twice = canned.create(&manager, &input).await.unwrap_err();
    assert_eq!(
        field_codes(twice),
        vec![("title".into(), "support-canned-error-duplicate")]
    );
    assert!(
        matches!(
            canned.create(&developer, &input).await,
            Err(Error::NotFound)
        ),
        "staff who only write use canned replies but do not maintain them"
    );
    assert_eq!(canned.list(&developer).await.unwrap().len(), 1);
    assert!(matches!(canned.list(&customer).await, Err(Error::NotFound)));
    let stale = canned
        .update(
            &manager,
            &created.id.to_string(),
            &CannedInput {
                version: created.version - 1,
                ..input.clone()
            },
        )
        .await
        .unwrap_err();
    assert!(matches!(stale, Error::Conflict), "{stale:?}");
}

supportweb_app::both_backends!(
    opening_is_checked_and_gated,
    conversation_and_workflow,
    overview_and_export,
    canned_replies_for_staff
);
