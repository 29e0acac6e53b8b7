//! Procedures in the store, each test on both backends: visibility (staff-only and chosen
//! procedures of organisation B never reach A, also through search and files), revisions,
//! stale edits, history, product tags, and keyset paging.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use supportweb_domain::Actor;
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::ids::{FileId, OrganisationId, ProductId};
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::procedure::ProcedureVisibility;
use supportweb_domain::user::{StaffRole, UserKind};
use supportweb_storage::catalogue::NewProduct;
use supportweb_storage::files::NewFile;
use supportweb_storage::procedures::{NewProcedure, ProcedureError, ProcedureQuery};
use supportweb_storage::testing::build::{account, actor, organisation, staff};
use supportweb_storage::{Store, StoreError, both_backends};

async fn product(store: &Store, staff: &Actor, code: &str) -> ProductId {
    store
        .create_product(
            staff,
            &NewProduct {
                code: code.into(),
                name: format!("Produkt {code}"),
                modules: vec![],
                versions: vec![],
                is_active: true,
            },
        )
        .await
        .unwrap()
}

async fn reader(
    store: &Store,
    login: &str,
    organisation: OrganisationId,
    podpora: AgendaRight,
) -> Actor {
    let id = account(store, login, UserKind::Customer, vec![]).await;
    store
        .set_membership(
            id,
            organisation,
            &MembershipRights {
                podpora,
                ..MembershipRights::NONE
            },
        )
        .await
        .unwrap();
    actor(store, id).await
}

async fn upload(store: &Store, actor: &Actor, name: &str) -> FileId {
    let id = FileId::generate();
    store
        .insert_file(
            actor,
            &NewFile {
                id,
                storage_key: format!("test/{id}"),
                file_name: name.into(),
                content_type: "application/pdf".into(),
                size_bytes: 4,
                sha256: "cd".repeat(32),
            },
        )
        .await
        .unwrap();
    id
}

fn procedure(
    title: &str,
    visibility: ProcedureVisibility,
    products: Vec<ProductId>,
) -> NewProcedure {
    NewProcedure {
        title: title.into(),
        body: format!("## {title}\n\nPostup krok za krokem: nastavení **skartačního** řízení."),
        visibility,
        products,
        organisations: vec![],
        files: vec![],
    }
}

async fn visibility_keeps_procedures_where_they_belong(store: Store) {
    let consultant = staff(&store, "konzultant", StaffRole::Consultant).await;
    let spis = product(&store, &consultant, "SPIS").await;
    let a = organisation(&store, "Obec A").await;
    let b = organisation(&store, "Obec B").await;
    let customer_a = reader(&store, "obec.a", a, AgendaRight::Read).await;
    let customer_b = reader(&store, "obec.b", b, AgendaRight::Read).await;
    let no_right = reader(&store, "bez", a, AgendaRight::None).await;
    let public = store
        .create_procedure(
            &consultant,
            &procedure("Zálohování databáze", ProcedureVisibility::All, vec![spis]),
        )
        .await
        .unwrap();
    let internal = store
        .create_procedure(
            &consultant,
            &procedure("KANÁREK-INTERNÍ postup", ProcedureVisibility::Staff, vec![]),
        )
        .await
        .unwrap();
    let file = upload(&store, &consultant, "navod-b.pdf").await;
    let mut for_b = procedure(
        "KANÁREK-B jen pro obec B",
        ProcedureVisibility::Chosen,
        vec![],
    );
    for_b.organisations = vec![b];
    for_b.files = vec![file];
    let for_b = store.create_procedure(&consultant, &for_b).await.unwrap();
    let mut nobody = procedure("Bez organizací", ProcedureVisibility::Chosen, vec![]);
    nobody.organisations = vec![];
    assert!(matches!(
        store.create_procedure(&consultant, &nobody).await,
        Err(ProcedureError::Invalid("organisations"))
    ));
    assert!(matches!(
        store
            .create_procedure(
                &customer_a,
                &procedure("x", ProcedureVisibility::All, vec![])
            )
            .await,
        Err(ProcedureError::Store(StoreError::NotFound))
    ));

    let titles = |list: Vec<supportweb_storage::procedures::ProcedureRecord>| {
        list.into_iter().map(|p| p.title).collect::<Vec<_>>()
    };
    let all = ProcedureQuery::default();
    assert_eq!(
        titles(store.procedures(&customer_a, &all).await.unwrap()),
        ["Zálohování databáze"]
    );
    let mut seen_b = titles(store.procedures(&customer_b, &all).await.unwrap());
    seen_b.sort();
    assert_eq!(seen_b, ["KANÁREK-B jen pro obec B", "Zálohování databáze"]);
    assert_eq!(store.procedures(&consultant, &all).await.unwrap().len(), 3);
    assert!(store.procedures(&no_right, &all).await.unwrap().is_empty());
    let search = |text: &str| ProcedureQuery {
        text: Some(text.into()),
        ..ProcedureQuery::default()
    };
    assert!(
        store
            .procedures(&customer_a, &search("kanarek"))
            .await
            .unwrap()
            .is_empty(),
        "search keeps the scope"
    );
    assert_eq!(
        titles(
            store
                .procedures(&customer_a, &search("SKARTACNIHO rizeni"))
                .await
                .unwrap()
        ),
        ["Zálohování databáze"]
    );
    assert_eq!(
        store
            .procedures(&customer_b, &search("kanárek"))
            .await
            .unwrap()
            .len(),
        1
    );
    let tagged = ProcedureQuery {
        product: Some(spis),
        ..ProcedureQuery::default()
    };
    assert_eq!(
        titles(store.procedures(&consultant, &tagged).await.unwrap()),
        ["Zálohování databáze"]
    );
    for id in [internal, for_b] {
        assert!(matches!(
            store.procedure(&customer_a, id).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            store.procedure_revisions(&customer_a, id).await,
            Err(StoreError::NotFound)
        ));
    }
    assert!(matches!(
        store.procedure_file(&customer_a, for_b, file).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        matches!(
            store.procedure_file(&customer_a, public, file).await,
            Err(StoreError::NotFound)
        ),
        "not through another procedure"
    );
    assert_eq!(
        store
            .procedure_file(&customer_b, for_b, file)
            .await
            .unwrap()
            .id,
        file
    );
    assert!(matches!(
        store.procedure(&no_right, public).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.procedure_organisations(&customer_b, for_b).await,
        Err(StoreError::NotFound)
    ));
}

async fn every_revision_is_kept_and_stale_edits_are_refused(store: Store) {
    let developer = staff(&store, "vyvojar", StaffRole::Developer).await;
    let technician = staff(&store, "technik", StaffRole::Technician).await;
    let spis = product(&store, &developer, "SPIS").await;
    let eko = product(&store, &developer, "EKO").await;
    let id = store
        .create_procedure(
            &developer,
            &procedure("Instalace patche", ProcedureVisibility::Staff, vec![spis]),
        )
        .await
        .unwrap();
    let first = store.procedure(&developer, id).await.unwrap();
    assert_eq!(first.revision, 1);
    let foreign = upload(&store, &technician, "cizi.pdf").await;
    let mut with_foreign = procedure("Instalace patche", ProcedureVisibility::All, vec![spis]);
    with_foreign.files = vec![foreign];
    assert!(matches!(
        store
            .update_procedure(&developer, id, &with_foreign, first.version)
            .await,
        Err(ProcedureError::Invalid("files"))
    ));
    let mut second = procedure(
        "Instalace patche (upraveno)",
        ProcedureVisibility::All,
        vec![spis, eko],
    );
    second.body = "Nový postup.".into();
    store
        .update_procedure(&developer, id, &second, first.version)
        .await
        .unwrap();
    assert!(matches!(
        store
            .update_procedure(
                &technician,
                id,
                &procedure("Přepsáno", ProcedureVisibility::All, vec![]),
                first.version
            )
            .await,
        Err(ProcedureError::Store(StoreError::Conflict))
    ));
    let now = store.procedure(&developer, id).await.unwrap();
    assert_eq!(now.revision, 2);
    assert_eq!(now.products.len(), 2);
    // A customer reads the current revision and those saved for all customers, never the
    // text saved while the procedure was staff-only.
    let obec = organisation(&store, "Obec A").await;
    let customer = reader(&store, "obec.a", obec, AgendaRight::Read).await;
    let numbers = |list: Vec<supportweb_storage::procedures::RevisionRecord>| {
        list.into_iter().map(|r| r.revision).collect::<Vec<_>>()
    };
    assert_eq!(
        numbers(store.procedure_revisions(&customer, id).await.unwrap()),
        [2]
    );
    let mut third = second.clone();
    third.body = "Třetí znění.".into();
    let v = store.procedure(&developer, id).await.unwrap().version;
    store
        .update_procedure(&developer, id, &third, v)
        .await
        .unwrap();
    assert_eq!(
        numbers(store.procedure_revisions(&customer, id).await.unwrap()),
        [3, 2]
    );
    // Its history likewise starts after it was shown to all customers: the edit that did
    // so names the staff-only revision's products, and only staff read it.
    let history = |who: Actor| {
        let store = store.clone();
        async move {
            store
                .history_for(&who, supportweb_storage::procedures::ENTITY, id.0)
                .await
                .unwrap()
                .into_iter()
                .map(|h| format!("{}: {} → {}", h.field, h.old_value, h.new_value))
                .collect::<Vec<_>>()
        }
    };
    let staff_reads = history(developer.clone()).await;
    assert!(
        staff_reads.contains(&"products: Produkt SPIS → Produkt EKO, Produkt SPIS".to_owned()),
        "{staff_reads:?}"
    );
    assert_eq!(history(customer.clone()).await, ["revision: 2 → 3"]);
    let revisions = store.procedure_revisions(&developer, id).await.unwrap();
    assert_eq!(
        revisions.iter().map(|r| r.revision).collect::<Vec<_>>(),
        [3, 2, 1]
    );
    assert_eq!(revisions[2].title, "Instalace patche");
    assert!(
        revisions[2].body.contains("skartačního"),
        "the old text is kept"
    );
    let history: Vec<String> = store
        .history(supportweb_storage::procedures::ENTITY, id.0)
        .await
        .unwrap()
        .into_iter()
        .map(|h| format!("{}: {} → {}", h.field, h.old_value, h.new_value))
        .collect();
    assert!(
        history.contains(&"visibility: staff → all".to_owned()),
        "{history:?}"
    );
    assert!(
        history.contains(&"revision: 1 → 2".to_owned()),
        "{history:?}"
    );
    assert!(
        history.contains(&"products: Produkt SPIS → Produkt EKO, Produkt SPIS".to_owned()),
        "{history:?}"
    );
}

async fn keyset_pages_equal_the_whole_list(store: Store) {
    let developer = staff(&store, "vyvojar", StaffRole::Developer).await;
    let obec = organisation(&store, "Obec A").await;
    let customer = reader(&store, "obec.a", obec, AgendaRight::Read).await;
    let mut internal = None;
    for i in 0..7 {
        store
            .create_procedure(
                &developer,
                &procedure(&format!("Postup {i}"), ProcedureVisibility::All, vec![]),
            )
            .await
            .unwrap();
        if i == 3 {
            internal = Some(
                store
                    .create_procedure(
                        &developer,
                        &procedure("Interní", ProcedureVisibility::Staff, vec![]),
                    )
                    .await
                    .unwrap(),
            );
        }
    }
    // A procedure the customer may not see, given as the cursor, answers like a missing one.
    let seen = |after| {
        let store = store.clone();
        let customer = customer.clone();
        async move {
            store
                .procedures(
                    &customer,
                    &ProcedureQuery {
                        after,
                        ..ProcedureQuery::default()
                    },
                )
                .await
                .unwrap()
                .into_iter()
                .map(|p| p.id)
                .collect::<Vec<_>>()
        }
    };
    let first = seen(None).await;
    assert_eq!(first.len(), 7);
    assert_eq!(seen(internal).await, first);
    assert_eq!(
        seen(Some(supportweb_domain::ids::ProcedureId::generate())).await,
        first
    );
    let whole = store
        .procedures(&developer, &ProcedureQuery::default())
        .await
        .unwrap();
    assert_eq!(whole.len(), 8);
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = store
            .procedures(
                &developer,
                &ProcedureQuery {
                    limit: 3,
                    after,
                    ..ProcedureQuery::default()
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
}

both_backends!(
    visibility_keeps_procedures_where_they_belong,
    every_revision_is_kept_and_stale_edits_are_refused,
    keyset_pages_equal_the_whole_list,
);
