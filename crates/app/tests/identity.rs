//! The identity use cases without HTTP, on both backends: activation through the link staff
//! hand over, sign-in with throttling and a second factor (authenticator code or recovery
//! code, each used once), sessions that end on deactivation and password change, personal
//! API tokens, and notification preferences. Audited changes are written with their audit
//! entry or not at all.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use supportweb_app::administration::accounts::NewAccount;
use supportweb_app::identity::api_tokens::{TokenForm, TokenUse};
use supportweb_app::identity::sessions::Session;
use supportweb_app::identity::sign_in::{Client, SecondStep, SignIn};
use supportweb_app::identity::totp;
use supportweb_app::identity::two_factor::TwoFactor;
use supportweb_app::testing::{TestApp, build, field_codes};
use supportweb_app::{Actor, App, Error};
use supportweb_domain::Language;
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::StaffRole;
use supportweb_storage::testing::{count_rows, fail_inserts_into};

const ADDRESS: &str = "198.51.100.4";
const PASSWORD: &str = "Správné heslo 2026";

fn client() -> Client<'static> {
    Client {
        address: ADDRESS,
        language: None,
        previous_session: None,
    }
}

/// A customer account created by staff, activated with [`PASSWORD`]; its activation token.
async fn activated_customer(test: &TestApp, login: &str) -> (Actor, String) {
    let store = test.store();
    let manager = build::staff(store, &format!("spravce-{login}"), StaffRole::Administrator).await;
    let organisation = build::organisation(store, &format!("Obec {login}")).await;
    let created = test
        .app
        .administration()
        .create_account(
            &manager,
            &NewAccount {
                kind: "customer".into(),
                login: login.into(),
                display_name: "Jana Nováková".into(),
                email: format!("{login}@lhota.cz"),
                language: "cs".into(),
                organisation: organisation.to_string(),
                rights: MembershipRights {
                    support_documents: AgendaRight::Write,
                    ..MembershipRights::NONE
                },
                roles: Vec::new(),
            },
            ADDRESS,
        )
        .await
        .unwrap();
    let token = created.link.rsplit('/').next().unwrap().to_owned();
    test.app
        .identity()
        .activate(&token, PASSWORD.into(), PASSWORD, ADDRESS)
        .await
        .unwrap();
    (build::actor(store, created.account.id).await, token)
}

async fn signed_in(app: &App, login: &str, password: &str) -> String {
    match app
        .identity()
        .sign_in(login, password.into(), client())
        .await
        .unwrap()
    {
        SignIn::SignedIn(token) => token,
        other => panic!("expected a session, got {other:?}"),
    }
}

async fn live(app: &App, token: &str) -> bool {
    matches!(
        app.identity().session(token).await.unwrap(),
        Session::Live(_)
    )
}

async fn activation_and_sign_in_with_throttling(test: TestApp) {
    let app = &test.app;
    let store = test.store();
    let identity = app.identity();
    let manager = build::staff(store, "spravce", StaffRole::Administrator).await;
    let organisation = build::organisation(store, "Obec Lhota").await;
    let created = app
        .administration()
        .create_account(
            &manager,
            &NewAccount {
                kind: "customer".into(),
                login: "referentka".into(),
                display_name: "Jana Nováková".into(),
                email: "novakova@lhota.cz".into(),
                language: "cs".into(),
                organisation: organisation.to_string(),
                rights: MembershipRights::NONE,
                roles: Vec::new(),
            },
            ADDRESS,
        )
        .await
        .unwrap();
    let token = created.link.rsplit('/').next().unwrap();

    let short = identity
        .activate(token, "krátké".into(), "krátké", ADDRESS)
        .await
        .unwrap_err();
    assert_eq!(
        field_codes(short),
        [("password".to_owned(), "activate-error-short")]
    );
    let mismatch = identity
        .activate(token, PASSWORD.into(), "Jiné heslo 2026", ADDRESS)
        .await
        .unwrap_err();
    assert_eq!(
        field_codes(mismatch),
        [("password".to_owned(), "activate-error-mismatch")]
    );
    // A link whose audit entry cannot be written stays unspent.
    fail_inserts_into(store, "audit_events").await;
    let broken = identity
        .activate(token, PASSWORD.into(), PASSWORD, ADDRESS)
        .await;
    assert!(matches!(broken, Err(Error::Internal(_))), "{broken:?}");
    assert_eq!(
        identity.activation(token).await.unwrap().login,
        "referentka"
    );
    drop_injected_failure(&test).await;
    identity
        .activate(token, PASSWORD.into(), PASSWORD, ADDRESS)
        .await
        .unwrap();
    assert!(matches!(
        identity.activation(token).await,
        Err(Error::NotFound)
    ));

    assert!(matches!(
        identity.sign_in(" ", "x".into(), client()).await.unwrap(),
        SignIn::Missing
    ));
    let session = signed_in(app, "referentka", PASSWORD).await;
    assert!(live(app, &session).await);

    // Five wrong passwords block the login name — the right one too — and say until when.
    for _ in 0..5 {
        assert!(matches!(
            identity
                .sign_in("referentka", "špatně".into(), client())
                .await
                .unwrap(),
            SignIn::Invalid
        ));
    }
    match identity
        .sign_in("referentka", PASSWORD.into(), client())
        .await
        .unwrap()
    {
        SignIn::Throttled(until) => assert!(until > chrono::Utc::now()),
        other => panic!("expected throttling, got {other:?}"),
    }

    // Deactivating the account ends its sessions at once.
    manager_deactivates(&test, &manager, &created.account.id.to_string()).await;
    assert!(!live(app, &session).await);
    let events = audit_events(&test).await;
    for expected in [
        "account_activated",
        "sign_in",
        "sign_in_failed",
        "sign_in_throttled",
    ] {
        assert!(
            events.iter().any(|e| e == expected),
            "{expected}: {events:?}"
        );
    }
}

async fn manager_deactivates(test: &TestApp, manager: &Actor, id: &str) {
    test.app
        .administration()
        .set_active(manager, id, false, ADDRESS)
        .await
        .unwrap();
}

async fn audit_events(test: &TestApp) -> Vec<String> {
    let administrator = build::staff(
        test.store(),
        &format!("auditor-{}", count_rows(test.store(), "users").await),
        StaffRole::Administrator,
    )
    .await;
    let (page, _) = test
        .app
        .administration()
        .audit_log(&administrator, &Default::default())
        .await
        .unwrap();
    page.rows.into_iter().map(|r| r.event).collect()
}

/// Removes the failure [`fail_inserts_into`] injected into `audit_events`.
async fn drop_injected_failure(test: &TestApp) {
    supportweb_storage::testing::allow_inserts_into(test.store(), "audit_events").await;
}

async fn a_second_factor_and_its_recovery_codes(test: TestApp) {
    let app = &test.app;
    let identity = app.identity();
    let (customer, _) = activated_customer(&test, "druhy-faktor").await;

    identity.begin_two_factor(&customer).await.unwrap();
    let TwoFactor::Enrolling { secret, uri } = identity.two_factor(&customer).await.unwrap().state
    else {
        panic!("enrolment should have started");
    };
    assert!(uri.starts_with("otpauth://totp/"), "{uri}");
    let wrong = identity
        .confirm_two_factor(&customer, "000000", ADDRESS)
        .await
        .unwrap_err();
    assert_eq!(
        field_codes(wrong),
        [("code".to_owned(), "two-factor-error-code")]
    );
    let key = totp::from_base32(&secret).unwrap();
    let now = chrono::Utc::now().timestamp();
    let code = totp::code_at(&key, totp::step_at(now)).unwrap();
    let recovery = identity
        .confirm_two_factor(&customer, &code, ADDRESS)
        .await
        .unwrap()
        .expect("recovery codes");
    assert_eq!(recovery.len(), 10);

    // The password alone now opens only a pending sign-in.
    let pending = match identity
        .sign_in("druhy-faktor", PASSWORD.into(), client())
        .await
        .unwrap()
    {
        SignIn::SecondFactor(pending) => pending,
        other => panic!("expected the second step, got {other:?}"),
    };
    assert_eq!(
        identity
            .pending_sign_in(&pending)
            .await
            .unwrap()
            .unwrap()
            .id,
        customer.user_id
    );
    // The code that confirmed the set-up was spent; a recovery code works once.
    assert!(matches!(
        identity
            .second_step(&pending, &code, client())
            .await
            .unwrap(),
        SecondStep::WrongCode
    ));
    let chosen = Client {
        language: Some(Language::En),
        ..client()
    };
    let session = match identity
        .second_step(&pending, &recovery[0], chosen)
        .await
        .unwrap()
    {
        SecondStep::SignedIn(token) => token,
        other => panic!("expected a session, got {other:?}"),
    };
    let Session::Live(actor) = identity.session(&session).await.unwrap() else {
        panic!("the session should be live");
    };
    assert_eq!(
        actor.language,
        Language::En,
        "the language chosen before sign-in sticks"
    );
    assert!(matches!(
        identity
            .second_step(&pending, &recovery[1], client())
            .await
            .unwrap(),
        SecondStep::Expired
    ));
    let TwoFactor::On { recovery_left } = identity.two_factor(&customer).await.unwrap().state
    else {
        panic!("enabled");
    };
    assert_eq!(recovery_left, 9);

    // Turning it off needs the password.
    let refused = identity
        .disable_two_factor(&customer, "špatně".into(), ADDRESS)
        .await
        .unwrap_err();
    assert_eq!(
        field_codes(refused),
        [("password".to_owned(), "password-error-current")]
    );
    identity
        .disable_two_factor(&customer, PASSWORD.into(), ADDRESS)
        .await
        .unwrap();
    assert!(matches!(
        identity.two_factor(&customer).await.unwrap().state,
        TwoFactor::Off
    ));
    let events = audit_events(&test).await;
    for expected in [
        "two_factor_enabled",
        "second_factor_failed",
        "recovery_code_used",
        "two_factor_disabled",
    ] {
        assert!(
            events.iter().any(|e| e == expected),
            "{expected}: {events:?}"
        );
    }
}

async fn a_new_password_ends_every_other_session(test: TestApp) {
    let app = &test.app;
    let identity = app.identity();
    let (customer, _) = activated_customer(&test, "heslo").await;
    let elsewhere = signed_in(app, "heslo", PASSWORD).await;

    let refused = identity
        .change_password(
            &customer,
            "špatně".into(),
            "krátké".into(),
            "krátké",
            ADDRESS,
        )
        .await
        .unwrap_err();
    let fields = field_codes(refused);
    assert_eq!(
        fields,
        [
            ("current".to_owned(), "password-error-current"),
            ("new".to_owned(), "activate-error-short"),
        ]
    );
    assert!(live(app, &elsewhere).await, "a refused change ends nothing");

    let fresh = identity
        .change_password(
            &customer,
            PASSWORD.into(),
            "Nové heslo na rok 2027".into(),
            "Nové heslo na rok 2027",
            ADDRESS,
        )
        .await
        .unwrap();
    assert!(!live(app, &elsewhere).await);
    assert!(live(app, &fresh).await);
    signed_in(app, "heslo", "Nové heslo na rok 2027").await;
    identity
        .sign_out(Some(&customer), Some(&fresh), ADDRESS)
        .await
        .unwrap();
    assert!(!live(app, &fresh).await);
}

async fn api_tokens_and_preferences(test: TestApp) {
    let app = &test.app;
    let store = test.store();
    let identity = app.identity();
    let (customer, _) = activated_customer(&test, "tokeny").await;
    let technician = build::staff(store, "technik", StaffRole::Technician).await;

    let refused = identity
        .create_api_token(
            &customer,
            &TokenForm {
                name: " ".into(),
                scope: "vse".into(),
                days: "400".into(),
            },
            ADDRESS,
        )
        .await
        .unwrap_err();
    let fields = field_codes(refused);
    assert_eq!(
        fields,
        [
            ("days".to_owned(), "token-error-days"),
            ("name".to_owned(), "token-error-name"),
            ("scope".to_owned(), "form-error-required"),
        ]
    );
    let token = identity
        .create_api_token(
            &customer,
            &TokenForm {
                name: "Export do spisové služby".into(),
                ..TokenForm::offered()
            },
            ADDRESS,
        )
        .await
        .unwrap();
    assert!(token.starts_with("swt_"));
    match identity.use_api_token(&token, ADDRESS).await.unwrap() {
        TokenUse::Valid { actor, read_write } => {
            assert_eq!(actor.user_id, customer.user_id);
            assert!(!read_write);
        }
        TokenUse::Invalid => panic!("a fresh token works"),
    }
    let listed = identity.api_tokens(&customer).await.unwrap();
    assert!(listed[0].last_used_at.is_some());
    let id = listed[0].id.to_string();
    // Someone else's token answers like a missing one.
    assert!(matches!(
        identity.revoke_api_token(&technician, &id, ADDRESS).await,
        Err(Error::NotFound)
    ));
    identity
        .revoke_api_token(&customer, &id, ADDRESS)
        .await
        .unwrap();
    assert!(matches!(
        identity.use_api_token(&token, ADDRESS).await.unwrap(),
        TokenUse::Invalid
    ));

    // Customers cannot switch staff-only kinds; a refused list changes nothing.
    let before = identity.notifications(&customer).await.unwrap();
    assert!(before.iter().all(|(_, on)| *on));
    assert!(before.iter().all(|(kind, _)| kind.as_str() != "sla_breach"));
    let refused = identity
        .set_notifications(
            &customer,
            &[("document_reply", false), ("sla_breach", false)],
        )
        .await
        .unwrap_err();
    assert!(
        matches!(refused, supportweb_app::Error::Forbidden),
        "{refused:?}"
    );
    let unknown = identity
        .set_notifications(&customer, &[("horoscope", false)])
        .await
        .unwrap_err();
    assert_eq!(
        field_codes(unknown),
        [("kind".to_owned(), "notify-error-kind")]
    );
    assert_eq!(identity.notifications(&customer).await.unwrap(), before);
    identity
        .set_notifications(&customer, &[("document_reply", false)])
        .await
        .unwrap();
    let after = identity.notifications(&customer).await.unwrap();
    assert!(
        after
            .iter()
            .any(|(kind, on)| kind.as_str() == "document_reply" && !on)
    );
}

supportweb_app::both_backends!(
    activation_and_sign_in_with_throttling,
    a_second_factor_and_its_recovery_codes,
    a_new_password_ends_every_other_session,
    api_tokens_and_preferences,
);
