//! Store tests; each runs on SQLite and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use chrono::Duration;
use supportweb_domain::ids::FileId;
use supportweb_domain::user::{StaffRole, UserKind};
use supportweb_domain::{Actor, Language, NumberedAgenda};
use supportweb_storage::files::NewFile;
use supportweb_storage::testing::build;
use supportweb_storage::users::NewUser;
use supportweb_storage::{Store, StoreError, both_backends, now, testing};

/// An account with a (dummy) password.
fn new_user(login: &str, kind: UserKind, roles: Vec<StaffRole>) -> NewUser {
    NewUser {
        password_hash: Some("$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into()),
        ..build::new_user(login, kind, roles)
    }
}

fn actor_of(user: &supportweb_storage::users::UserRecord) -> Actor {
    Actor {
        user_id: user.id,
        kind: user.kind,
        roles: user.roles.clone(),
        display_name: user.display_name.clone(),
        language: user.language,
        memberships: Vec::new(),
    }
}

async fn numbers_never_repeat_under_concurrent_writers(store: Store) {
    const WRITERS: usize = 16;
    const EACH: usize = 25;
    let mut tasks = Vec::new();
    for _ in 0..WRITERS {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            for _ in 0..EACH {
                let mut tx = store.begin().await.unwrap();
                let number = tx
                    .next_number(NumberedAgenda::SupportDocument, 2026)
                    .await
                    .unwrap();
                tx.commit().await.unwrap();
                got.push(number.to_string());
            }
            got
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    let unique: BTreeSet<_> = all.iter().cloned().collect();
    assert_eq!(
        unique.len(),
        WRITERS * EACH,
        "a number was handed out twice"
    );
    let expected: BTreeSet<String> = (1..=(WRITERS * EACH) as i64)
        .map(|n| format!("SD-2026-{n:06}"))
        .collect();
    assert_eq!(unique, expected, "numbers are contiguous from 000001");
}

async fn numbers_are_per_agenda_and_year_and_survive_rollback(store: Store) {
    let mut tx = store.begin().await.unwrap();
    let first = tx
        .next_number(NumberedAgenda::Protocol, 2026)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(first.to_string(), "KP-2026-0001");

    let mut tx = store.begin().await.unwrap();
    let other_year = tx
        .next_number(NumberedAgenda::Protocol, 2027)
        .await
        .unwrap();
    let other_agenda = tx
        .next_number(NumberedAgenda::CustomizationOrder, 2026)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(other_year.to_string(), "KP-2027-0001");
    assert_eq!(other_agenda.to_string(), "CO-2026-0001");

    // A record whose transaction rolls back never existed, so neither did its number.
    let mut tx = store.begin().await.unwrap();
    let abandoned = tx
        .next_number(NumberedAgenda::Protocol, 2026)
        .await
        .unwrap();
    drop(tx);
    let mut tx = store.begin().await.unwrap();
    let next = tx
        .next_number(NumberedAgenda::Protocol, 2026)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(abandoned.sequence, 2);
    assert_eq!(next.to_string(), "KP-2026-0002");
}

async fn migrate_twice_applies_nothing_new(store: Store) {
    assert!(store.migrate().await.unwrap().is_empty());
    let versions: Vec<i64> = supportweb_storage::migrate::MIGRATIONS
        .iter()
        .map(|m| m.version)
        .collect();
    assert_eq!(store.applied_migrations().await.unwrap(), versions);
    store.ping().await.unwrap();
}

async fn users_round_trip_and_logins_are_unique(store: Store) {
    let id = store
        .create_user(&new_user(
            "Jan.Novak",
            UserKind::Staff,
            vec![StaffRole::Technician, StaffRole::Administrator],
        ))
        .await
        .unwrap();
    let found = store.user_by_login("JAN.NOVAK").await.unwrap().unwrap();
    assert_eq!(found.id, id);
    assert_eq!(found.login, "jan.novak");
    assert_eq!(found.display_name, "Uživatel Jan.Novak");
    assert_eq!(
        found.roles,
        vec![StaffRole::Administrator, StaffRole::Technician]
    );
    assert!(found.is_active);

    let again = store
        .create_user(&new_user("jan.novak", UserKind::Customer, vec![]))
        .await;
    assert!(
        matches!(again, Err(StoreError::Duplicate("login"))),
        "{again:?}"
    );
    assert_eq!(
        store.count_users().await.unwrap(),
        1,
        "the failed insert left nothing behind"
    );

    store.set_user_language(id, Language::En).await.unwrap();
    assert_eq!(
        store.user(id).await.unwrap().unwrap().language,
        Language::En
    );
    assert!(store.user_by_login("nikdo").await.unwrap().is_none());
}

async fn sessions_expire_and_end(store: Store) {
    let id = store
        .create_user(&new_user("petra.svobodova", UserKind::Staff, vec![]))
        .await
        .unwrap();
    let hash_a = [1u8; 32];
    let hash_b = [2u8; 32];
    let session = store
        .create_session(id, &hash_a, now() + Duration::hours(1))
        .await
        .unwrap();
    store
        .create_session(id, &hash_b, now() + Duration::hours(1))
        .await
        .unwrap();
    let live = store.live_session(&hash_a, now()).await.unwrap().unwrap();
    assert_eq!(live, session);
    assert!(
        store
            .live_session(&hash_a, now() + Duration::hours(2))
            .await
            .unwrap()
            .is_none(),
        "an expired session is not live"
    );
    assert!(
        store
            .live_session(&[9u8; 32], now())
            .await
            .unwrap()
            .is_none()
    );

    let later = now() + Duration::minutes(30);
    store
        .touch_session(session.id, later, later + Duration::hours(1))
        .await
        .unwrap();
    assert!(
        store
            .live_session(&hash_a, now() + Duration::minutes(80))
            .await
            .unwrap()
            .is_some(),
        "activity extends the idle lifetime"
    );

    store.end_session(&hash_a).await.unwrap();
    assert!(store.live_session(&hash_a, now()).await.unwrap().is_none());
    assert!(store.live_session(&hash_b, now()).await.unwrap().is_some());
    assert_eq!(store.end_sessions_of(id).await.unwrap(), 1);
    assert!(store.live_session(&hash_b, now()).await.unwrap().is_none());
}

async fn migration_20_strips_invisible_characters_from_stored_file_names(store: Store) {
    let uploader = build::staff(&store, "uploader", StaffRole::Technician).await;
    let mut ids = Vec::new();
    for name in [
        "faktura\u{202e}fdp.exe",
        "zápis\u{2066}\u{200b}.pdf",
        "\u{202e}\u{feff}",
        "Smlouva č. 12 – příloha.pdf",
    ] {
        let id = FileId::generate();
        store
            .insert_file(
                &uploader,
                &NewFile {
                    id,
                    storage_key: format!("attachments/{id}"),
                    file_name: name.into(),
                    content_type: "application/pdf".into(),
                    size_bytes: 1,
                    sha256: "ab".repeat(32),
                },
            )
            .await
            .unwrap();
        ids.push(id);
    }
    testing::forget_migration(&store, 20).await;
    assert_eq!(store.migrate().await.unwrap(), vec![20]);
    let mut names = Vec::new();
    for id in ids {
        names.push(store.file_for(&uploader, id).await.unwrap().file_name);
    }
    assert_eq!(
        names,
        [
            "fakturafdp.exe",
            "zápis.pdf",
            "soubor",
            "Smlouva č. 12 – příloha.pdf"
        ]
    );
}

async fn a_file_is_visible_only_to_its_uploader(store: Store) {
    store
        .create_user(&new_user("uploader", UserKind::Staff, vec![]))
        .await
        .unwrap();
    store
        .create_user(&new_user("someone.else", UserKind::Customer, vec![]))
        .await
        .unwrap();
    let uploader = actor_of(&store.user_by_login("uploader").await.unwrap().unwrap());
    let other = actor_of(&store.user_by_login("someone.else").await.unwrap().unwrap());
    let id = FileId::generate();
    let stored = store
        .insert_file(
            &uploader,
            &NewFile {
                id,
                storage_key: format!("attachments/{id}"),
                file_name: "Smlouva č. 12 – příloha.pdf".into(),
                content_type: "application/pdf".into(),
                size_bytes: 1234,
                sha256: "ab".repeat(32),
            },
        )
        .await
        .unwrap();
    assert_eq!(store.file_for(&uploader, id).await.unwrap(), stored);
    assert_eq!(stored.file_name, "Smlouva č. 12 – příloha.pdf");
    assert!(matches!(
        store.file_for(&other, id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.file_for(&uploader, FileId::generate()).await,
        Err(StoreError::NotFound)
    ));
}

both_backends!(
    migration_20_strips_invisible_characters_from_stored_file_names,
    numbers_never_repeat_under_concurrent_writers,
    numbers_are_per_agenda_and_year_and_survive_rollback,
    migrate_twice_applies_nothing_new,
    users_round_trip_and_logins_are_unique,
    sessions_expire_and_end,
    a_file_is_visible_only_to_its_uploader,
);

/// Two application instances (two pools) on one database draw numbers at once.
async fn numbers_never_repeat_across_instances(url: String) {
    let instances = [
        Store::connect(&url, 4).await.unwrap(),
        Store::connect(&url, 4).await.unwrap(),
    ];
    let mut tasks = Vec::new();
    for writer in 0..12 {
        let store = instances[writer % 2].clone();
        tasks.push(tokio::spawn(async move {
            let mut got = Vec::new();
            for _ in 0..20 {
                let mut tx = store.begin().await.unwrap();
                got.push(
                    tx.next_number(NumberedAgenda::CustomizationOrder, 2026)
                        .await
                        .unwrap()
                        .sequence,
                );
                tx.commit().await.unwrap();
            }
            got
        }));
    }
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await.unwrap());
    }
    all.sort();
    assert_eq!(
        all,
        (1..=240).collect::<Vec<i64>>(),
        "every number exactly once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_never_repeat_across_instances_on_sqlite() {
    let test = supportweb_storage::testing::sqlite().await;
    numbers_never_repeat_across_instances(test.url.clone()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_never_repeat_across_instances_on_postgres() {
    if let Some(test) = supportweb_storage::testing::postgres().await {
        numbers_never_repeat_across_instances(test.url.clone()).await;
    }
}

async fn login_failures_are_counted_per_login_and_address(store: Store) {
    let t0 = now() - Duration::minutes(20);
    for minute in 0..6 {
        let at = t0 + Duration::minutes(minute * 3);
        store
            .record_login_failure("jan.novak", "192.0.2.7", at)
            .await
            .unwrap();
    }
    store
        .record_login_failure("eva", "192.0.2.7", now())
        .await
        .unwrap();
    let since = now() - Duration::minutes(15);
    let by_login = store
        .recent_login_failures("jan.novak", since, 10)
        .await
        .unwrap();
    assert_eq!(
        by_login.len(),
        4,
        "only the failures inside the window: {by_login:?}"
    );
    assert!(by_login.windows(2).all(|w| w[0] > w[1]), "newest first");
    assert_eq!(
        store
            .recent_login_failures("jan.novak", since, 2)
            .await
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        store
            .recent_address_failures("192.0.2.7", since, 10)
            .await
            .unwrap()
            .len(),
        5
    );

    store.clear_login_failures("jan.novak").await.unwrap();
    assert!(
        store
            .recent_login_failures("jan.novak", since, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .recent_address_failures("192.0.2.7", since, 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store
            .purge_login_failures(now() + Duration::seconds(1))
            .await
            .unwrap(),
        1
    );
}

both_backends!(login_failures_are_counted_per_login_and_address);

async fn activation_links_work_once_and_expire(store: Store) {
    let admin = store
        .create_user(&new_user(
            "spravce",
            UserKind::Staff,
            vec![StaffRole::Administrator],
        ))
        .await
        .unwrap();
    let mut fresh = new_user("nova.uzivatelka", UserKind::Customer, vec![]);
    fresh.password_hash = None;
    let id = store.create_user(&fresh).await.unwrap();
    let token = [7u8; 32];
    store
        .create_activation(id, &token, admin, now() + Duration::hours(72))
        .await
        .unwrap();

    assert_eq!(
        store
            .activation_account(&token, now())
            .await
            .unwrap()
            .unwrap()
            .id,
        id
    );
    assert!(
        store
            .activation_account(&token, now() + Duration::hours(73))
            .await
            .unwrap()
            .is_none(),
        "expired after 72 hours"
    );
    assert!(matches!(
        store
            .complete_activation(&token, "hash", now() + Duration::hours(73))
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(
        store
            .user(id)
            .await
            .unwrap()
            .unwrap()
            .password_hash
            .is_none(),
        "nothing changed"
    );

    assert_eq!(
        store
            .complete_activation(&token, "$argon2id$new", now())
            .await
            .unwrap(),
        id
    );
    assert_eq!(
        store
            .user(id)
            .await
            .unwrap()
            .unwrap()
            .password_hash
            .as_deref(),
        Some("$argon2id$new")
    );
    assert!(
        matches!(
            store.complete_activation(&token, "again", now()).await,
            Err(StoreError::NotFound)
        ),
        "used once"
    );

    // A new link replaces the old one.
    let (first, second) = ([8u8; 32], [9u8; 32]);
    store
        .create_activation(id, &first, admin, now() + Duration::hours(72))
        .await
        .unwrap();
    store
        .create_activation(id, &second, admin, now() + Duration::hours(72))
        .await
        .unwrap();
    assert!(
        store
            .activation_account(&first, now())
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .activation_account(&second, now())
            .await
            .unwrap()
            .is_some()
    );
}

async fn deactivation_ends_every_session_at_once(store: Store) {
    let id = store
        .create_user(&new_user("odchazejici", UserKind::Staff, vec![]))
        .await
        .unwrap();
    store
        .create_session(id, &[1u8; 32], now() + Duration::hours(1))
        .await
        .unwrap();
    store
        .create_session(id, &[2u8; 32], now() + Duration::hours(1))
        .await
        .unwrap();
    store.set_user_active(id, false).await.unwrap();
    assert!(
        store
            .live_session(&[1u8; 32], now())
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .live_session(&[2u8; 32], now())
            .await
            .unwrap()
            .is_none()
    );
    assert!(!store.user(id).await.unwrap().unwrap().is_active);
    store.set_user_active(id, true).await.unwrap();
    assert!(store.user(id).await.unwrap().unwrap().is_active);
    assert!(matches!(
        store
            .set_user_active(supportweb_domain::ids::UserId::generate(), false)
            .await,
        Err(StoreError::NotFound)
    ));
}

async fn the_accounts_overview_pages_by_name(store: Store) {
    for (login, name) in [
        ("a.login", "Zdeněk Adámek"),
        ("b.login", "Alena Bílá"),
        ("c.login", "Marie Černá"),
    ] {
        let mut user = new_user(login, UserKind::Staff, vec![]);
        user.display_name = name.into();
        store.create_user(&user).await.unwrap();
    }
    let first = store.accounts_page(None, 2).await.unwrap();
    let names: Vec<&str> = first.iter().map(|u| u.display_name.as_str()).collect();
    assert_eq!(names, ["Alena Bílá", "Marie Černá"]);
    let last = first.last().unwrap();
    let second = store
        .accounts_page(Some((&last.display_name, last.id)), 2)
        .await
        .unwrap();
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].display_name, "Zdeněk Adámek");
}

both_backends!(
    activation_links_work_once_and_expire,
    deactivation_ends_every_session_at_once,
    the_accounts_overview_pages_by_name,
);

async fn a_password_change_ends_every_session(store: Store) {
    let id = store
        .create_user(&new_user("nove.heslo", UserKind::Staff, vec![]))
        .await
        .unwrap();
    store
        .create_session(id, &[3u8; 32], now() + Duration::hours(1))
        .await
        .unwrap();
    store
        .change_password(id, "$argon2id$changed")
        .await
        .unwrap();
    assert!(
        store
            .live_session(&[3u8; 32], now())
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store
            .user(id)
            .await
            .unwrap()
            .unwrap()
            .password_hash
            .as_deref(),
        Some("$argon2id$changed")
    );
}

both_backends!(a_password_change_ends_every_session);
