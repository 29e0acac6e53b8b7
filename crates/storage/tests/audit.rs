//! The audit log; each test on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Duration;
use supportweb_domain::audit::AuditEvent;
use supportweb_domain::user::UserKind;
use supportweb_storage::audit::{AuditFilter, NewAuditEvent};
use supportweb_storage::testing::build;
use supportweb_storage::users::NewUser;
use supportweb_storage::{Store, both_backends, now};

async fn audit_events_filter_and_page_newest_first(store: Store) {
    let mut ids = Vec::new();
    for login in ["spravce", "referent"] {
        ids.push(
            build::account_from(
                &store,
                &NewUser {
                    display_name: format!("Jméno {login}"),
                    ..build::new_user(login, UserKind::Staff, vec![])
                },
            )
            .await,
        );
    }
    let (admin, clerk) = (ids[0], ids[1]);
    let event = |event, actor, subject, detail: &str| NewAuditEvent {
        event,
        actor,
        subject,
        organisation: None,
        address: "192.0.2.1".into(),
        detail: detail.into(),
    };
    store
        .record_audit(&event(AuditEvent::SignInFailed, None, None, "nikdo"))
        .await
        .unwrap();
    store
        .record_audit(&event(AuditEvent::SignIn, Some(admin), Some(admin), ""))
        .await
        .unwrap();
    store
        .record_audit(&event(
            AuditEvent::AccountDeactivated,
            Some(admin),
            Some(clerk),
            "",
        ))
        .await
        .unwrap();
    store
        .record_audit(&event(AuditEvent::SignIn, Some(clerk), Some(clerk), ""))
        .await
        .unwrap();

    let all = store
        .audit_page(&AuditFilter::default(), None, 10)
        .await
        .unwrap();
    let events: Vec<&str> = all.iter().map(|e| e.event.as_str()).collect();
    assert_eq!(
        events,
        [
            "sign_in",
            "account_deactivated",
            "sign_in",
            "sign_in_failed"
        ],
        "newest first"
    );
    assert_eq!(all[1].actor_name.as_deref(), Some("Jméno spravce"));
    assert_eq!(all[1].subject_name.as_deref(), Some("Jméno referent"));
    assert_eq!(all[3].detail, "nikdo");

    let sign_ins = AuditFilter {
        event: Some(AuditEvent::SignIn),
        ..AuditFilter::default()
    };
    assert_eq!(
        store.audit_page(&sign_ins, None, 10).await.unwrap().len(),
        2
    );
    let about_clerk = AuditFilter {
        user: Some(clerk),
        ..AuditFilter::default()
    };
    assert_eq!(
        store
            .audit_page(&about_clerk, None, 10)
            .await
            .unwrap()
            .len(),
        2,
        "done by or concerning"
    );
    let future = AuditFilter {
        from: Some(now() + Duration::hours(1)),
        ..AuditFilter::default()
    };
    assert!(
        store
            .audit_page(&future, None, 10)
            .await
            .unwrap()
            .is_empty()
    );

    let first = store
        .audit_page(&AuditFilter::default(), None, 3)
        .await
        .unwrap();
    let rest = store
        .audit_page(&AuditFilter::default(), Some(first[2].id), 3)
        .await
        .unwrap();
    assert_eq!(rest.len(), 1);
    assert_eq!(rest[0].event, "sign_in_failed");
}

both_backends!(audit_events_filter_and_page_newest_first);
