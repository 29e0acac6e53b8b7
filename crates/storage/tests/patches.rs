//! Patches in the store, each test on both backends: entitlement by release date (first and
//! last covered day, gaps between contracts, an ended contract), visibility canaries for
//! drafts and patches chosen for another organisation, "applicable to you" against the
//! installation card, stale edits, steps, the download log and keyset paging.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use supportweb_domain::Actor;
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::contract::ContractState;
use supportweb_domain::ids::{FileId, OrganisationId, PatchId, ProductId};
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::patch::{
    DownloadAccess, PatchState, PatchStep, PatchVisibility, VersionRange,
};
use supportweb_domain::user::{StaffRole, UserKind};
use supportweb_storage::catalogue::{NewInstallation, NewProduct};
use supportweb_storage::files::NewFile;
use supportweb_storage::notifications::EventKind;
use supportweb_storage::patches::{NewPatch, PatchError, PatchQuery};
use supportweb_storage::testing::build::{self, account, actor, d, organisation, staff};
use supportweb_storage::{Store, StoreError, both_backends};

async fn upload(store: &Store, actor: &Actor, name: &str) -> FileId {
    let id = FileId::generate();
    store
        .insert_file(
            actor,
            &NewFile {
                id,
                storage_key: format!("test/{id}"),
                file_name: name.into(),
                content_type: "application/zip".into(),
                size_bytes: 4,
                sha256: "ab".repeat(32),
            },
        )
        .await
        .unwrap();
    id
}

async fn product(store: &Store, staff: &Actor, code: &str) -> ProductId {
    store
        .create_product(
            staff,
            &NewProduct {
                code: code.into(),
                name: format!("Spisová služba {code}"),
                modules: vec!["Podatelna".into(), "Výpravna".into()],
                versions: vec!["5.3".into(), "5.2.3".into(), "5.2.2".into()],
                is_active: true,
            },
        )
        .await
        .unwrap()
}

async fn contract(
    store: &Store,
    organisation: OrganisationId,
    from: (i32, u32, u32),
    to: (i32, u32, u32),
    state: ContractState,
) {
    let mut new = build::new_contract(organisation, d(from.0, from.1, from.2), d(to.0, to.1, to.2));
    new.term.state = state;
    build::contract_from(store, &new).await;
}

/// A customer user with `podpora` rights in each organisation.
async fn member(
    store: &Store,
    login: &str,
    kind: UserKind,
    organisations: &[OrganisationId],
    podpora: AgendaRight,
) -> Actor {
    let id = account(store, login, kind, vec![]).await;
    for organisation in organisations {
        store
            .set_membership(
                id,
                *organisation,
                &MembershipRights {
                    podpora,
                    support_documents: AgendaRight::Write,
                    ..MembershipRights::NONE
                },
            )
            .await
            .unwrap();
    }
    actor(store, id).await
}

fn new_patch(
    product: ProductId,
    title: &str,
    released: (i32, u32, u32),
    files: Vec<FileId>,
) -> NewPatch {
    NewPatch {
        product_id: product,
        module: String::new(),
        build: "5.2.3.1".into(),
        title: title.into(),
        release_notes: "Opravuje **podatelnu**.".into(),
        applies: VersionRange {
            from: "5.2.0".into(),
            to: "5.2.3".into(),
        },
        released_on: d(released.0, released.1, released.2),
        visibility: PatchVisibility::All,
        organisations: vec![],
        files,
    }
}

/// Creates and publishes a patch.
async fn published(store: &Store, staff: &Actor, new: NewPatch) -> PatchId {
    let id = store.create_patch(staff, &new).await.unwrap();
    let version = store.patch(staff, id).await.unwrap().version;
    store
        .patch_step(staff, id, PatchStep::Publish, "", version)
        .await
        .unwrap();
    id
}

async fn entitlement_follows_the_release_date(store: Store) {
    let developer = staff(&store, "vyvojar", StaffRole::Developer).await;
    let product = product(&store, &developer, "SPIS").await;
    let obec = organisation(&store, "Obec Lhota").await;
    contract(
        &store,
        obec,
        (2025, 1, 1),
        (2025, 6, 30),
        ContractState::Ended,
    )
    .await;
    contract(
        &store,
        obec,
        (2025, 9, 1),
        (2099, 12, 31),
        ContractState::Active,
    )
    .await;
    let customer = member(
        &store,
        "starosta",
        UserKind::Customer,
        &[obec],
        AgendaRight::Read,
    )
    .await;

    let mut ids = Vec::new();
    for (title, day) in [
        ("první den", (2025, 1, 1)),
        ("poslední den", (2025, 6, 30)),
        ("mezera", (2025, 7, 15)),
        ("nová smlouva", (2025, 9, 1)),
        ("před smlouvou", (2024, 12, 31)),
    ] {
        let file = upload(&store, &developer, &format!("{title}.zip")).await;
        ids.push((
            title,
            published(
                &store,
                &developer,
                new_patch(product, title, day, vec![file]),
            )
            .await,
        ));
    }
    for (title, id) in &ids {
        let seen = store.patch(&customer, *id).await.unwrap();
        let expected = match *title {
            "mezera" | "před smlouvou" => DownloadAccess::NotCovered,
            _ => DownloadAccess::Allowed,
        };
        assert_eq!(seen.access, expected, "{title}");
        let file = seen.files[0].file_id;
        let download = store.patch_download(&customer, *id, file).await;
        match expected {
            DownloadAccess::Allowed => assert_eq!(download.unwrap().id, file, "{title}"),
            _ => assert!(
                matches!(
                    download,
                    Err(PatchError::Closed(DownloadAccess::NotCovered))
                ),
                "{title}"
            ),
        }
        // Staff download everything.
        assert!(store.patch_download(&developer, *id, file).await.is_ok());
    }
    // A file of another patch is not found through this one.
    let other_file = store.patch(&customer, ids[1].1).await.unwrap().files[0].file_id;
    assert!(matches!(
        store.patch_download(&customer, ids[0].1, other_file).await,
        Err(PatchError::Store(StoreError::NotFound))
    ));

    // Withdrawn: seen with the reason, not downloadable.
    let id = ids[0].1;
    let version = store.patch(&developer, id).await.unwrap().version;
    assert!(matches!(
        store
            .patch_step(&developer, id, PatchStep::Withdraw, "  ", version)
            .await,
        Err(PatchError::Invalid("reason"))
    ));
    store
        .patch_step(
            &developer,
            id,
            PatchStep::Withdraw,
            "Chyba při upgradu z 5.1",
            version,
        )
        .await
        .unwrap();
    let seen = store.patch(&customer, id).await.unwrap();
    assert_eq!(seen.state, PatchState::Withdrawn);
    assert_eq!(seen.withdrawal_reason, "Chyba při upgradu z 5.1");
    assert_eq!(seen.access, DownloadAccess::Withdrawn);
    assert!(matches!(
        store
            .patch_download(&customer, id, seen.files[0].file_id)
            .await,
        Err(PatchError::Closed(DownloadAccess::Withdrawn))
    ));
}

async fn drafts_and_chosen_patches_never_reach_other_organisations(store: Store) {
    let developer = staff(&store, "vyvojar", StaffRole::Developer).await;
    let product = product(&store, &developer, "SPIS").await;
    let a = organisation(&store, "Obec A").await;
    let b = organisation(&store, "Obec B").await;
    for o in [a, b] {
        contract(
            &store,
            o,
            (2020, 1, 1),
            (2099, 12, 31),
            ContractState::Active,
        )
        .await;
    }
    let customer_a = member(
        &store,
        "zakaznik.a",
        UserKind::Customer,
        &[a],
        AgendaRight::Read,
    )
    .await;
    let customer_b = member(
        &store,
        "zakaznik.b",
        UserKind::Customer,
        &[b],
        AgendaRight::Read,
    )
    .await;
    let partner = member(
        &store,
        "partner",
        UserKind::Partner,
        &[a, b],
        AgendaRight::Read,
    )
    .await;
    let no_right = member(
        &store,
        "bez.podpory",
        UserKind::Customer,
        &[a],
        AgendaRight::None,
    )
    .await;

    let file = upload(&store, &developer, "canary.zip").await;
    let mut chosen = new_patch(
        product,
        "KANÁREK-B jen pro obec B",
        (2026, 3, 1),
        vec![file],
    );
    chosen.visibility = PatchVisibility::Chosen;
    chosen.organisations = vec![b];
    let chosen = published(&store, &developer, chosen).await;
    let draft = store
        .create_patch(
            &developer,
            &new_patch(product, "KANÁREK-DRAFT", (2026, 3, 2), vec![]),
        )
        .await
        .unwrap();
    let file = upload(&store, &developer, "all.zip").await;
    let for_all = published(
        &store,
        &developer,
        new_patch(product, "Pro všechny", (2026, 3, 3), vec![file]),
    )
    .await;

    let titles = |list: Vec<supportweb_storage::patches::PatchRecord>| {
        list.into_iter().map(|p| p.title).collect::<Vec<_>>()
    };
    let q = PatchQuery::default();
    assert_eq!(
        titles(store.patches(&customer_a, &q).await.unwrap()),
        ["Pro všechny"]
    );
    assert_eq!(
        titles(store.patches(&customer_b, &q).await.unwrap()),
        ["Pro všechny", "KANÁREK-B jen pro obec B"]
    );
    assert_eq!(titles(store.patches(&partner, &q).await.unwrap()).len(), 2);
    assert!(store.patches(&no_right, &q).await.unwrap().is_empty());
    assert_eq!(
        titles(store.patches(&developer, &q).await.unwrap()).len(),
        3,
        "staff see drafts"
    );

    for (who, id) in [
        (&customer_a, chosen),
        (&customer_a, draft),
        (&customer_b, draft),
        (&no_right, for_all),
    ] {
        assert!(matches!(
            store.patch(who, id).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.patch_download(who, id, file).await,
            Err(PatchError::Store(StoreError::NotFound))
        ));
    }
    // Search finds regardless of case and diacritics, and only what the searcher may see.
    let search = |text: &str| PatchQuery {
        text: Some(text.into()),
        ..PatchQuery::default()
    };
    assert!(
        titles(
            store
                .patches(&customer_a, &search("kanarek"))
                .await
                .unwrap()
        )
        .is_empty()
    );
    assert_eq!(
        titles(
            store
                .patches(&customer_b, &search("kanarek-b OBEC"))
                .await
                .unwrap()
        ),
        ["KANÁREK-B jen pro obec B"]
    );
    assert_eq!(
        titles(
            store
                .patches(&customer_a, &search("PRO VSECHNY"))
                .await
                .unwrap()
        ),
        ["Pro všechny"]
    );
    assert_eq!(
        titles(
            store
                .patches(&developer, &search("podatelnu"))
                .await
                .unwrap()
        )
        .len(),
        3,
        "release notes are searched too"
    );
    assert!(
        store
            .patches(&developer, &search("100%"))
            .await
            .unwrap()
            .is_empty()
    );
    // A state filter cannot bring drafts to a customer.
    let drafts = PatchQuery {
        state: Some(PatchState::Draft),
        ..PatchQuery::default()
    };
    assert_eq!(
        titles(store.patches(&customer_b, &drafts).await.unwrap()).len(),
        2
    );
    // The chosen organisations and the download log are staff-only.
    assert!(matches!(
        store.patch_organisations(&customer_b, chosen).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        store
            .patch_organisations(&developer, chosen)
            .await
            .unwrap()
            .into_iter()
            .map(|(_, n)| n)
            .collect::<Vec<_>>(),
        ["Obec B"]
    );
    // The audience of the chosen patch is B's members only.
    let audience = store.patch_audience(chosen).await.unwrap();
    assert!(audience.contains(&customer_b.user_id));
    assert!(audience.contains(&partner.user_id));
    assert!(!audience.contains(&customer_a.user_id));
    assert!(!audience.contains(&no_right.user_id));
}

async fn applicable_patches_match_the_installation_card(store: Store) {
    let developer = staff(&store, "vyvojar", StaffRole::Developer).await;
    let spis = product(&store, &developer, "SPIS").await;
    let other = product(&store, &developer, "EKO").await;
    let obec = organisation(&store, "Obec Lhota").await;
    contract(
        &store,
        obec,
        (2020, 1, 1),
        (2099, 12, 31),
        ContractState::Active,
    )
    .await;
    store
        .create_installation(
            &developer,
            obec,
            &NewInstallation {
                product_id: spis,
                label: "Produkce".into(),
                product_version: "5.2.2".into(),
                modules: vec!["Podatelna".into()],
                notes: String::new(),
            },
        )
        .await
        .unwrap();
    let customer = member(
        &store,
        "starosta",
        UserKind::Customer,
        &[obec],
        AgendaRight::Read,
    )
    .await;
    let mut day = 1;
    let mut make = |title: &'static str, product, module: &str, from: &str, to: &str| {
        day += 1;
        let mut p = new_patch(product, title, (2026, 1, day), vec![]);
        p.module = module.into();
        p.applies = VersionRange {
            from: from.into(),
            to: to.into(),
        };
        p
    };
    let patches = [
        make("rozsah sedí", spis, "", "5.2.0", "5.2.3"),
        make("jiný produkt", other, "", "", ""),
        make("novější verze", spis, "", "5.3", ""),
        make("modul sedí", spis, "Podatelna", "5.2.2", "5.2.2"),
        make("jiný modul", spis, "Výpravna", "", ""),
        make("otevřený rozsah", spis, "", "", ""),
    ];
    for p in patches {
        let file = upload(&store, &developer, "f.zip").await;
        published(
            &store,
            &developer,
            NewPatch {
                files: vec![file],
                ..p
            },
        )
        .await;
    }
    let all = store
        .patches(&customer, &PatchQuery::default())
        .await
        .unwrap();
    assert_eq!(all.len(), 6);
    let applicable: Vec<String> = all
        .iter()
        .filter(|p| p.applicable)
        .map(|p| p.title.clone())
        .collect();
    assert_eq!(applicable, ["otevřený rozsah", "modul sedí", "rozsah sedí"]);
    // Filtered with a page of one: every page is full until the end, nothing repeats.
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .patches(
                &customer,
                &PatchQuery {
                    applicable: true,
                    limit: 1,
                    after,
                    ..PatchQuery::default()
                },
            )
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        after = Some(page[0].id);
        seen.push(page[0].title.clone());
    }
    assert_eq!(seen, applicable);
}

async fn edits_steps_and_the_download_log(store: Store) {
    let developer = staff(&store, "vyvojar", StaffRole::Developer).await;
    let technician = staff(&store, "technik", StaffRole::Technician).await;
    let product_id = product(&store, &developer, "SPIS").await;
    let obec = organisation(&store, "Obec Lhota").await;
    contract(
        &store,
        obec,
        (2020, 1, 1),
        (2099, 12, 31),
        ContractState::Active,
    )
    .await;
    let customer = member(
        &store,
        "starosta",
        UserKind::Customer,
        &[obec],
        AgendaRight::Read,
    )
    .await;

    // Someone else's upload is refused and nothing is created.
    let foreign = upload(&store, &technician, "cizi.zip").await;
    assert!(matches!(
        store
            .create_patch(
                &developer,
                &new_patch(product_id, "Cizí soubor", (2026, 1, 1), vec![foreign])
            )
            .await,
        Err(PatchError::Invalid("files"))
    ));
    let mut bad_module = new_patch(product_id, "Modul", (2026, 1, 1), vec![]);
    bad_module.module = "Neexistuje".into();
    assert!(matches!(
        store.create_patch(&developer, &bad_module).await,
        Err(PatchError::Invalid("module"))
    ));
    assert!(
        store
            .patches(&developer, &PatchQuery::default())
            .await
            .unwrap()
            .is_empty()
    );
    // Customers cannot create.
    assert!(matches!(
        store
            .create_patch(
                &customer,
                &new_patch(product_id, "Zákazník", (2026, 1, 1), vec![])
            )
            .await,
        Err(PatchError::Store(StoreError::NotFound))
    ));

    let id = store
        .create_patch(
            &developer,
            &new_patch(product_id, "Oprava podatelny", (2026, 1, 1), vec![]),
        )
        .await
        .unwrap();
    let v1 = store.patch(&developer, id).await.unwrap().version;
    assert!(
        matches!(
            store
                .patch_step(&developer, id, PatchStep::Publish, "", v1)
                .await,
            Err(PatchError::Invalid("files")),
        ),
        "publishing needs a file"
    );
    let file = upload(&store, &developer, "oprava.zip").await;
    let mut edited = new_patch(product_id, "Oprava podatelny 2", (2026, 1, 2), vec![file]);
    edited.module = "Podatelna".into();
    store
        .update_patch(&developer, id, &edited, v1)
        .await
        .unwrap();
    // A second edit from the same form is stale.
    assert!(matches!(
        store
            .update_patch(
                &developer,
                id,
                &new_patch(product_id, "Přepsáno", (2026, 1, 3), vec![file]),
                v1
            )
            .await,
        Err(PatchError::Store(StoreError::Conflict))
    ));
    let patch = store.patch(&developer, id).await.unwrap();
    assert_eq!(patch.title, "Oprava podatelny 2");
    assert_eq!(patch.files.len(), 1);
    assert!(matches!(
        store
            .patch_step(&developer, id, PatchStep::Withdraw, "x", patch.version)
            .await,
        Err(PatchError::WrongState)
    ));
    assert!(matches!(
        store
            .patch_step(&developer, id, PatchStep::Publish, "", v1)
            .await,
        Err(PatchError::Store(StoreError::Conflict))
    ));
    store
        .patch_step(&developer, id, PatchStep::Publish, "", patch.version)
        .await
        .unwrap();
    let events = store.claim_events(100).await.unwrap();
    assert!(
        events
            .iter()
            .any(|e| e.kind == EventKind::PatchPublished && e.entity_id == id.0)
    );

    let fields: Vec<String> = store
        .history(supportweb_storage::patches::ENTITY, id.0)
        .await
        .unwrap()
        .into_iter()
        .map(|h| format!("{}: {} → {}", h.field, h.old_value, h.new_value))
        .collect();
    assert!(
        fields.contains(&"state: draft → published".to_owned()),
        "{fields:?}"
    );
    assert!(
        fields.contains(&"title: Oprava podatelny → Oprava podatelny 2".to_owned()),
        "{fields:?}"
    );
    // A customer reads the history from the publication on: the drafting is the vendor's.
    let seen: Vec<String> = store
        .history_for(&customer, supportweb_storage::patches::ENTITY, id.0)
        .await
        .unwrap()
        .into_iter()
        .map(|h| format!("{}: {} → {}", h.field, h.old_value, h.new_value))
        .collect();
    assert_eq!(seen, ["state: draft → published"]);
    assert!(
        fields.contains(&"files:  → oprava.zip".to_owned()),
        "{fields:?}"
    );

    store
        .log_patch_download(&customer, id, file, "", "192.0.2.7")
        .await
        .unwrap();
    store
        .log_patch_download(&customer, id, file, "bytes=2-", "192.0.2.7")
        .await
        .unwrap();
    let log = store.patch_downloads(&technician, id, 100).await.unwrap();
    assert_eq!(log.len(), 2);
    assert_eq!(log[0].byte_range, "bytes=2-", "newest first");
    assert_eq!(log[1].user_name, "Uživatel starosta");
    assert_eq!(log[1].organisations, "Obec Lhota");
    assert!(matches!(
        store.patch_downloads(&customer, id, 100).await,
        Err(StoreError::NotFound)
    ));
}

async fn keyset_pages_equal_the_whole_list(store: Store) {
    let developer = staff(&store, "vyvojar", StaffRole::Developer).await;
    let product = product(&store, &developer, "SPIS").await;
    for (i, day) in [3, 1, 3, 2, 5, 3, 4].into_iter().enumerate() {
        store
            .create_patch(
                &developer,
                &new_patch(product, &format!("patch {i}"), (2026, 2, day), vec![]),
            )
            .await
            .unwrap();
    }
    let whole = store
        .patches(&developer, &PatchQuery::default())
        .await
        .unwrap();
    assert_eq!(whole.len(), 7);
    assert!(
        whole
            .windows(2)
            .all(|w| w[0].released_on >= w[1].released_on),
        "newest release first"
    );
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .patches(
                &developer,
                &PatchQuery {
                    limit: 3,
                    after,
                    ..PatchQuery::default()
                },
            )
            .await
            .unwrap();
        after = page.last().map(|p| p.id);
        let done = page.len() < 3;
        paged.extend(page.into_iter().map(|p| p.id));
        if done {
            break;
        }
    }
    assert_eq!(paged, whole.iter().map(|p| p.id).collect::<Vec<_>>());
    let filtered = store
        .patches(
            &developer,
            &PatchQuery {
                released_from: Some(d(2026, 2, 3)),
                released_to: Some(d(2026, 2, 4)),
                ..PatchQuery::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(filtered.len(), 4);
}

/// A patch narrowed to other organisations at the same instant as staff link it to a
/// document: the link read the patch as offered, but by the time it writes it is not.
async fn a_patch_narrowed_while_it_is_linked_is_not_linked(store: Store) {
    let developer = staff(&store, "vyvojar", StaffRole::Developer).await;
    let technician = staff(&store, "technik", StaffRole::Technician).await;
    let product = product(&store, &developer, "SPIS").await;
    let obec = organisation(&store, "Obec Lhota").await;
    build::contract(&store, obec, Some(600)).await;
    let reporter =
        supportweb_storage::testing::build::customer(&store, "referent", obec, AgendaRight::Write)
            .await;
    let document = supportweb_storage::testing::build::document_in(
        &store,
        &reporter,
        &technician,
        obec,
        "Padá podatelna",
        supportweb_domain::support_document::DocumentState::InProgress,
    )
    .await;
    let file = upload(&store, &developer, "f.zip").await;
    let fix = published(
        &store,
        &developer,
        new_patch(product, "Oprava podatelny", (2026, 6, 2), vec![file]),
    )
    .await;
    let narrowed = supportweb_storage::testing::hold_write(
        &store,
        &[(
            "UPDATE patches SET visibility = 'chosen', version = version + 1 WHERE id = $1",
            fix.0,
        )],
    )
    .await;
    let linking = {
        let store = store.clone();
        let technician = technician.clone();
        tokio::spawn(async move { store.link_patch(&technician, document.id, fix, true).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    narrowed.commit().await.unwrap();
    let linked = linking.await.unwrap();
    assert!(
        matches!(
            linked,
            Err(supportweb_storage::support_documents::DocumentError::Invalid("patch"))
        ),
        "linked a patch no longer offered to the organisation: {linked:?}"
    );
    assert!(
        store
            .document_patches(&technician, &document)
            .await
            .unwrap()
            .is_empty()
    );
}

both_backends!(
    a_patch_narrowed_while_it_is_linked_is_not_linked,
    entitlement_follows_the_release_date,
    drafts_and_chosen_patches_never_reach_other_organisations,
    applicable_patches_match_the_installation_card,
    edits_steps_and_the_download_log,
    keyset_pages_equal_the_whole_list,
);

async fn documents_link_the_patches_that_solve_them(store: Store) {
    use supportweb_domain::severity::Severity;
    use supportweb_domain::support_document::Category;
    use supportweb_storage::support_documents::{DocumentError, NewDocument};
    let developer = staff(&store, "vyvojar", StaffRole::Developer).await;
    let technician = staff(&store, "technik", StaffRole::Technician).await;
    let product = product(&store, &developer, "SPIS").await;
    let obec = organisation(&store, "Obec Lhota").await;
    let jina = organisation(&store, "Obec Jiná").await;
    for o in [obec, jina] {
        contract(
            &store,
            o,
            (2020, 1, 1),
            (2099, 12, 31),
            ContractState::Active,
        )
        .await;
    }
    let reader = member(
        &store,
        "starosta",
        UserKind::Customer,
        &[obec],
        AgendaRight::Read,
    )
    .await;
    let no_podpora = member(
        &store,
        "referent",
        UserKind::Customer,
        &[obec],
        AgendaRight::None,
    )
    .await;
    let stranger = member(
        &store,
        "cizi",
        UserKind::Customer,
        &[jina],
        AgendaRight::Read,
    )
    .await;
    let document = store
        .create_document(
            &reader,
            &NewDocument {
                organisation_id: obec,
                contact: String::new(),
                category: Category::Error,
                severity: Severity::Medium,
                product_id: Some(product),
                module: String::new(),
                product_version: "5.2.2".into(),
                subject: "Padá podatelna".into(),
                description: "Chyba.".into(),
                files: vec![],
                reporter_id: None,
            },
            &supportweb_domain::calendar::BusinessHours::default(),
            d(2026, 6, 1),
        )
        .await
        .unwrap();
    let file = upload(&store, &developer, "f.zip").await;
    let fix = published(
        &store,
        &developer,
        new_patch(product, "Oprava podatelny", (2026, 6, 2), vec![file]),
    )
    .await;
    let draft = store
        .create_patch(
            &developer,
            &new_patch(product, "KANÁREK-DRAFT", (2026, 6, 3), vec![]),
        )
        .await
        .unwrap();
    assert!(matches!(
        store.link_patch(&reader, document.id, fix, true).await,
        Err(DocumentError::NotAllowed)
    ));
    // A patch's file cannot be smuggled into a support document (where the document's readers
    // could take it without the patch's entitlement).
    let smuggled = store
        .create_document(
            &developer,
            &NewDocument {
                organisation_id: obec,
                contact: String::new(),
                category: Category::Question,
                severity: Severity::Low,
                product_id: None,
                module: String::new(),
                product_version: String::new(),
                subject: "Příloha".into(),
                description: "Viz příloha.".into(),
                files: vec![file],
                reporter_id: None,
            },
            &supportweb_domain::calendar::BusinessHours::default(),
            d(2026, 6, 1),
        )
        .await;
    assert!(matches!(smuggled, Err(DocumentError::Invalid("files"))));
    store
        .link_patch(&technician, document.id, fix, true)
        .await
        .unwrap();
    store
        .link_patch(&technician, document.id, fix, true)
        .await
        .unwrap();
    // A draft, or a patch chosen for another organisation, is never linked: its title would
    // reach the document's readers through the history.
    assert!(matches!(
        store
            .link_patch(&technician, document.id, draft, true)
            .await,
        Err(DocumentError::Invalid("patch"))
    ));
    let file_b = upload(&store, &developer, "b.zip").await;
    let mut for_other = new_patch(product, "KANÁREK-JINÁ", (2026, 6, 4), vec![file_b]);
    for_other.visibility = PatchVisibility::Chosen;
    for_other.organisations = vec![jina];
    let for_other = published(&store, &developer, for_other).await;
    assert!(matches!(
        store
            .link_patch(&technician, document.id, for_other, true)
            .await,
        Err(DocumentError::Invalid("patch"))
    ));
    assert!(matches!(
        store
            .link_patch(&technician, document.id, PatchId::generate(), true)
            .await,
        Err(DocumentError::Invalid("patch"))
    ));
    let file_2 = upload(&store, &developer, "g.zip").await;
    let second = published(
        &store,
        &developer,
        new_patch(product, "Druhá oprava", (2026, 6, 5), vec![file_2]),
    )
    .await;
    store
        .link_patch(&technician, document.id, second, true)
        .await
        .unwrap();
    let titles = |list: Vec<supportweb_storage::patches::PatchRecord>| {
        list.into_iter().map(|p| p.title).collect::<Vec<_>>()
    };
    let seen = store.document(&technician, document.id).await.unwrap();
    assert_eq!(
        titles(store.document_patches(&technician, &seen).await.unwrap()).len(),
        2
    );
    let seen = store.document(&reader, document.id).await.unwrap();
    assert_eq!(
        titles(store.document_patches(&reader, &seen).await.unwrap()).len(),
        2
    );
    let seen = store.document(&no_podpora, document.id).await.unwrap();
    assert!(
        store
            .document_patches(&no_podpora, &seen)
            .await
            .unwrap()
            .is_empty(),
        "no podpora right, no patches"
    );
    let patch = store.patch(&stranger, fix).await.unwrap();
    assert!(
        store
            .patch_documents(&stranger, &patch)
            .await
            .unwrap()
            .is_empty(),
        "another organisation's document stays hidden"
    );
    let patch = store.patch(&reader, fix).await.unwrap();
    assert_eq!(
        store.patch_documents(&reader, &patch).await.unwrap().len(),
        1
    );
    store
        .link_patch(&technician, document.id, second, false)
        .await
        .unwrap();
    let history: Vec<String> = store
        .history(supportweb_storage::support_documents::ENTITY, document.id.0)
        .await
        .unwrap()
        .into_iter()
        .filter(|h| h.field == "patch")
        .map(|h| format!("{} → {}", h.old_value, h.new_value))
        .collect();
    assert_eq!(
        history,
        [
            "Druhá oprava 5.2.3.1 → ",
            " → Druhá oprava 5.2.3.1",
            " → Oprava podatelny 5.2.3.1"
        ]
    );
    assert!(history.iter().all(|h| !h.contains("KANÁREK")));
}

both_backends!(documents_link_the_patches_that_solve_them);
