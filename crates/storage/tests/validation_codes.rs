//! Validation codes in the store, each test on both backends: only the organisation's users
//! with the codes flag see them (organisation B's canary never reaches A), an import with one
//! bad code writes nothing, stale edits, the expiring filter and keyset paging.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use supportweb_domain::Actor;
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::ids::{OrganisationId, ProductId, ValidationCodeId};
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::{StaffRole, UserKind};
use supportweb_storage::catalogue::NewProduct;
use supportweb_storage::testing::build::{account, actor, d, organisation, staff};
use supportweb_storage::validation_codes::{CodeError, CodeQuery, NewCode, SealedCode};
use supportweb_storage::{Store, StoreError, both_backends};

async fn product(store: &Store, staff: &Actor) -> ProductId {
    store
        .create_product(
            staff,
            &NewProduct {
                code: "SPIS".into(),
                name: "Spisová služba".into(),
                modules: vec!["Podatelna".into()],
                versions: vec!["5.4".into()],
                is_active: true,
            },
        )
        .await
        .unwrap()
}

async fn user(
    store: &Store,
    login: &str,
    organisation: OrganisationId,
    podpora: AgendaRight,
    codes: bool,
) -> Actor {
    let id = account(store, login, UserKind::Customer, vec![]).await;
    store
        .set_membership(
            id,
            organisation,
            &MembershipRights {
                podpora,
                may_see_validation_codes: codes,
                ..MembershipRights::NONE
            },
        )
        .await
        .unwrap();
    actor(store, id).await
}

fn code(
    organisation: OrganisationId,
    product: ProductId,
    secret: &str,
    to: Option<(i32, u32, u32)>,
) -> SealedCode {
    SealedCode {
        id: ValidationCodeId::generate(),
        code: NewCode {
            organisation_id: organisation,
            product_id: product,
            module: "Podatelna".into(),
            valid_from: d(2026, 1, 1),
            valid_to: to.map(|(y, m, day)| d(y, m, day)),
            note: "licence pro 5 pracovních míst".into(),
        },
        sealed: secret.as_bytes().to_vec(),
    }
}

async fn only_flagged_users_of_the_organisation_see_its_codes(store: Store) {
    let developer = staff(&store, "vyvojar", StaffRole::Developer).await;
    let product = product(&store, &developer).await;
    let a = organisation(&store, "Obec A").await;
    let b = organisation(&store, "Obec B").await;
    let flagged = user(&store, "a.spravce", a, AgendaRight::Read, true).await;
    let unflagged = user(&store, "a.referent", a, AgendaRight::Write, false).await;
    let no_right = user(&store, "a.bez", a, AgendaRight::None, true).await;
    let b_user = user(&store, "b.spravce", b, AgendaRight::Read, true).await;
    let mine = code(a, product, "A-CODE", Some((2026, 12, 31)));
    let canary = code(b, product, "KANAREK-B", None);
    store
        .issue_codes(&developer, &[mine.clone(), canary.clone()], &[])
        .await
        .unwrap();
    assert!(
        matches!(
            store
                .issue_codes(&flagged, &[code(a, product, "X", None)], &[])
                .await,
            Err(CodeError::Store(StoreError::NotFound))
        ),
        "customers never issue"
    );

    let listed = store
        .validation_codes(&flagged, &CodeQuery::default())
        .await
        .unwrap();
    assert_eq!(listed.iter().map(|c| c.id).collect::<Vec<_>>(), [mine.id]);

    assert_eq!(
        store
            .sealed_validation_code(&flagged, mine.id)
            .await
            .unwrap(),
        b"A-CODE"
    );
    for who in [&flagged, &unflagged, &no_right] {
        assert!(matches!(
            store.validation_code(who, canary.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.sealed_validation_code(who, canary.id).await,
            Err(StoreError::NotFound)
        ));
    }
    for who in [&unflagged, &no_right] {
        assert!(matches!(
            store.validation_codes(who, &CodeQuery::default()).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.validation_code(who, mine.id).await,
            Err(StoreError::NotFound)
        ));
    }
    // A filter naming another organisation brings nothing of it.
    let smuggled = CodeQuery {
        organisation: Some(b),
        ..CodeQuery::default()
    };
    assert!(
        store
            .validation_codes(&flagged, &smuggled)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        store
            .validation_codes(&b_user, &CodeQuery::default())
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        store
            .validation_codes(&developer, &CodeQuery::default())
            .await
            .unwrap()
            .len(),
        2
    );
}

async fn an_import_with_one_bad_code_writes_nothing(store: Store) {
    let developer = staff(&store, "vyvojar", StaffRole::Developer).await;
    let product = product(&store, &developer).await;
    let a = organisation(&store, "Obec A").await;
    let good = code(a, product, "G1", None);
    let mut bad_module = code(a, product, "G2", None);
    bad_module.code.module = "Neexistuje".into();
    let missing_organisation = code(OrganisationId::generate(), product, "G3", None);
    assert!(matches!(
        store
            .issue_codes(&developer, &[good.clone(), bad_module], &[])
            .await,
        Err(CodeError::Invalid("module"))
    ));
    assert!(matches!(
        store
            .issue_codes(&developer, &[good.clone(), missing_organisation], &[])
            .await,
        Err(CodeError::Invalid("organisation"))
    ));
    assert!(
        store
            .validation_codes(&developer, &CodeQuery::default())
            .await
            .unwrap()
            .is_empty()
    );
    store
        .issue_codes(&developer, std::slice::from_ref(&good), &[])
        .await
        .unwrap();

    // Stale edits are refused; history never holds the code.
    let v = store
        .validation_code(&developer, good.id)
        .await
        .unwrap()
        .version;
    let mut changed = good.code.clone();
    changed.valid_to = Some(d(2027, 6, 30));
    store
        .update_code(
            &developer,
            good.id,
            &changed,
            Some(b"NEW-SECRET".to_vec()),
            v,
            &[],
        )
        .await
        .unwrap();
    assert!(matches!(
        store
            .update_code(&developer, good.id, &good.code, None, v, &[])
            .await,
        Err(CodeError::Store(StoreError::Conflict))
    ));
    assert_eq!(
        store
            .sealed_validation_code(&developer, good.id)
            .await
            .unwrap(),
        b"NEW-SECRET"
    );
    let history = store
        .history(supportweb_storage::validation_codes::ENTITY, good.id.0)
        .await
        .unwrap();
    assert!(
        history
            .iter()
            .any(|h| h.field == "valid_to" && h.new_value == "2027-06-30")
    );
    assert!(
        history
            .iter()
            .all(|h| !h.new_value.contains("SECRET") && !h.new_value.contains("G1"))
    );
}

async fn expiring_codes_and_pages(store: Store) {
    let developer = staff(&store, "vyvojar", StaffRole::Developer).await;
    let product = product(&store, &developer).await;
    let a = organisation(&store, "Obec A").await;
    let mut all = Vec::new();
    for (i, to) in [
        Some((2026, 12, 10)),
        Some((2027, 6, 1)),
        None,
        Some((2026, 11, 1)),
        Some((2026, 12, 31)),
    ]
    .into_iter()
    .enumerate()
    {
        let c = code(a, product, &format!("K{i}"), to);
        store
            .issue_codes(&developer, std::slice::from_ref(&c), &[])
            .await
            .unwrap();
        all.push(c.id);
    }
    let expiring = store
        .validation_codes(
            &developer,
            &CodeQuery {
                expiring_on: Some(d(2026, 12, 1)),
                ..CodeQuery::default()
            },
        )
        .await
        .unwrap();
    let mut expected = vec![all[0], all[4]];
    expected.sort();
    expected.reverse();
    assert_eq!(expiring.iter().map(|c| c.id).collect::<Vec<_>>(), expected);
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .validation_codes(
                &developer,
                &CodeQuery {
                    limit: 2,
                    after,
                    ..CodeQuery::default()
                },
            )
            .await
            .unwrap();
        after = page.last().map(|c| c.id);
        let done = page.len() < 2;
        paged.extend(page.into_iter().map(|c| c.id));
        if done {
            break;
        }
    }
    all.reverse();
    assert_eq!(paged, all, "newest first, every code once");
}

both_backends!(
    only_flagged_users_of_the_organisation_see_its_codes,
    an_import_with_one_bad_code_writes_nothing,
    expiring_codes_and_pages,
);
