//! Two-factor storage on both backends: a time step and a recovery code are accepted once,
//! pending sign-ins expire, enrolment cannot overwrite an enabled second factor.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::Duration;
use supportweb_domain::user::UserKind;
use supportweb_storage::testing::build;
use supportweb_storage::users::NewUser;
use supportweb_storage::{Store, StoreError, both_backends, now};

async fn account(store: &Store, login: &str) -> supportweb_domain::ids::UserId {
    build::account_from(
        store,
        &NewUser {
            password_hash: Some("x".into()),
            ..build::new_user(login, UserKind::Customer, vec![])
        },
    )
    .await
}

async fn steps_and_recovery_codes_are_accepted_once(store: Store) {
    let user = account(&store, "dvoufazovy").await;
    assert_eq!(store.two_factor(user).await.unwrap(), None);
    store.begin_two_factor(user, b"sealed-1").await.unwrap();
    store.begin_two_factor(user, b"sealed-2").await.unwrap();
    let pending = store.two_factor(user).await.unwrap().unwrap();
    assert_eq!(pending.secret_sealed, b"sealed-2");
    assert!(!pending.is_enabled());
    assert!(
        !store.accept_totp_step(user, 100).await.unwrap(),
        "an unfinished enrolment signs nobody in"
    );

    let codes = [[1u8; 32], [2u8; 32]];
    store.confirm_two_factor(user, 100, &codes).await.unwrap();
    assert!(store.two_factor(user).await.unwrap().unwrap().is_enabled());
    assert!(matches!(
        store.begin_two_factor(user, b"sealed-3").await,
        Err(StoreError::Conflict)
    ));
    assert!(matches!(
        store.confirm_two_factor(user, 101, &codes).await,
        Err(StoreError::Conflict)
    ));
    assert!(
        !store.accept_totp_step(user, 100).await.unwrap(),
        "replayed step"
    );
    assert!(
        !store.accept_totp_step(user, 99).await.unwrap(),
        "older step"
    );
    assert!(store.accept_totp_step(user, 101).await.unwrap());

    assert_eq!(store.unused_recovery_codes(user).await.unwrap(), 2);
    assert!(store.use_recovery_code(user, &[1u8; 32]).await.unwrap());
    assert!(!store.use_recovery_code(user, &[1u8; 32]).await.unwrap());
    assert!(!store.use_recovery_code(user, &[9u8; 32]).await.unwrap());
    let other = account(&store, "jiny.ucet").await;
    assert!(
        !store.use_recovery_code(other, &[2u8; 32]).await.unwrap(),
        "codes belong to one account"
    );
    store
        .replace_recovery_codes(user, &[[3u8; 32]])
        .await
        .unwrap();
    assert!(!store.use_recovery_code(user, &[2u8; 32]).await.unwrap());
    assert_eq!(store.unused_recovery_codes(user).await.unwrap(), 1);

    assert!(store.remove_two_factor(user).await.unwrap());
    assert_eq!(store.two_factor(user).await.unwrap(), None);
    assert_eq!(store.unused_recovery_codes(user).await.unwrap(), 0);
    assert!(!store.remove_two_factor(user).await.unwrap());
}

async fn pending_sign_ins_expire_and_settings_persist(store: Store) {
    let user = account(&store, "cekajici").await;
    let at = now();
    store
        .create_pending_sign_in(user, &[7u8; 32], at + Duration::minutes(10))
        .await
        .unwrap();
    assert_eq!(
        store.pending_sign_in(&[7u8; 32], at).await.unwrap(),
        Some(user)
    );
    assert_eq!(
        store
            .pending_sign_in(&[7u8; 32], at + Duration::minutes(11))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        store
            .purge_pending_sign_ins(at + Duration::minutes(11))
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.pending_sign_in(&[7u8; 32], at).await.unwrap(), None);

    assert!(!store.staff_two_factor_required().await.unwrap());
    store
        .set_setting(
            supportweb_storage::two_factor::STAFF_TWO_FACTOR_REQUIRED,
            "true",
        )
        .await
        .unwrap();
    assert!(store.staff_two_factor_required().await.unwrap());
    store
        .set_setting(
            supportweb_storage::two_factor::STAFF_TWO_FACTOR_REQUIRED,
            "false",
        )
        .await
        .unwrap();
    assert!(!store.staff_two_factor_required().await.unwrap());
}

both_backends!(
    steps_and_recovery_codes_are_accepted_once,
    pending_sign_ins_expire_and_settings_persist
);
