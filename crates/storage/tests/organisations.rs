//! Organisations, memberships, account teams and contracts; each test on both backends.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use supportweb_domain::Actor;
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::contract::{ContractState, ContractTerm};
use supportweb_domain::ids::{OrganisationId, UserId};
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::organisation::Ico;
use supportweb_domain::severity::standard_sla_plan;
use supportweb_domain::user::{StaffRole, UserKind};
use supportweb_storage::contracts::NewContract;
use supportweb_storage::organisations::NewOrganisation;
use supportweb_storage::testing::build::{self, actor, d};
use supportweb_storage::{Store, StoreError, both_backends};

fn organisation(name: &str, ico: Option<&str>) -> NewOrganisation {
    NewOrganisation {
        ico: ico.map(|i| Ico::parse(i).unwrap()),
        ..build::new_organisation(name)
    }
}

async fn user(store: &Store, login: &str, kind: UserKind) -> UserId {
    let roles = if kind == UserKind::Staff {
        vec![StaffRole::ProjectManager]
    } else {
        vec![]
    };
    build::account(store, login, kind, roles).await
}

fn rights(documents: AgendaRight) -> MembershipRights {
    MembershipRights {
        support_documents: documents,
        ..MembershipRights::NONE
    }
}

async fn organisations_are_visible_to_staff_and_members_only(store: Store) {
    let brno = store
        .create_organisation(&organisation("Statutární město Brno", Some("44992785")))
        .await
        .unwrap();
    let lhota = store
        .create_organisation(&organisation("Obec Lhota", None))
        .await
        .unwrap();
    let duplicate = store
        .create_organisation(&organisation("Jiné Brno", Some("44992785")))
        .await;
    assert!(
        matches!(duplicate, Err(StoreError::Duplicate("ico"))),
        "{duplicate:?}"
    );

    let staff = actor(&store, user(&store, "pm.novak", UserKind::Staff).await).await;
    let clerk_id = user(&store, "referent", UserKind::Customer).await;
    store
        .set_membership(clerk_id, brno, &rights(AgendaRight::Write))
        .await
        .unwrap();
    let clerk = actor(&store, clerk_id).await;

    assert_eq!(
        store.organisation(&staff, lhota).await.unwrap().name,
        "Obec Lhota"
    );
    let own = store.organisation(&clerk, brno).await.unwrap();
    assert_eq!(
        (own.name.as_str(), own.ico.as_deref(), own.version),
        ("Statutární město Brno", Some("44992785"), 1)
    );
    assert!(matches!(
        store.organisation(&clerk, lhota).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.organisation(&clerk, OrganisationId::generate()).await,
        Err(StoreError::NotFound)
    ));

    let listed: Vec<String> = store
        .organisations(&clerk, None, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.name)
        .collect();
    assert_eq!(
        listed,
        ["Statutární město Brno"],
        "a member lists only its organisations"
    );
    assert_eq!(
        store.organisations(&staff, None, 50).await.unwrap().len(),
        2
    );
    assert!(matches!(
        store.members(&clerk, lhota).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.account_team(&clerk, lhota).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.contracts(&clerk, lhota).await,
        Err(StoreError::NotFound)
    ));
}

async fn organisation_lists_page_by_keyset(store: Store) {
    let staff = actor(&store, user(&store, "admin", UserKind::Staff).await).await;
    let names = [
        "Obec Adamov",
        "Obec Běhařov",
        "Město Černošice",
        "Obec Dolní Lhota",
        "Kraj Vysočina",
    ];
    for name in names {
        store
            .create_organisation(&organisation(name, None))
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut after: Option<(String, OrganisationId)> = None;
    loop {
        let page = store
            .organisations(&staff, after.as_ref().map(|(n, id)| (n.as_str(), *id)), 2)
            .await
            .unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 2);
        let last = page.last().unwrap();
        after = Some((last.name.clone(), last.id));
        seen.extend(page.into_iter().map(|o| o.name));
    }
    let mut expected: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    expected.sort();
    assert_eq!(seen, expected, "every organisation once, in name order");
}

async fn memberships_carry_rights_and_a_partner_holds_several(store: Store) {
    let a = store
        .create_organisation(&organisation("Obec A", None))
        .await
        .unwrap();
    let b = store
        .create_organisation(&organisation("Obec B", None))
        .await
        .unwrap();
    let partner = user(&store, "partner", UserKind::Partner).await;
    store
        .set_membership(partner, a, &rights(AgendaRight::Read))
        .await
        .unwrap();
    store
        .set_membership(
            partner,
            b,
            &MembershipRights {
                may_approve_orders: true,
                protocols: AgendaRight::Write,
                ..MembershipRights::NONE
            },
        )
        .await
        .unwrap();
    let memberships = store.memberships_of(partner).await.unwrap();
    assert_eq!(memberships.len(), 2);
    assert_eq!(memberships[0].organisation_id, a);
    assert_eq!(memberships[0].rights.support_documents, AgendaRight::Read);
    assert!(memberships[1].rights.may_approve_orders);

    // Replacing a membership changes it in place.
    store
        .set_membership(partner, a, &rights(AgendaRight::Write))
        .await
        .unwrap();
    let memberships = store.memberships_of(partner).await.unwrap();
    assert_eq!(memberships.len(), 2);
    assert_eq!(memberships[0].rights.support_documents, AgendaRight::Write);

    let colleague = user(&store, "kolega", UserKind::Customer).await;
    store
        .set_membership(colleague, a, &rights(AgendaRight::None))
        .await
        .unwrap();
    let partner_actor = actor(&store, partner).await;
    let members = store.members(&partner_actor, a).await.unwrap();
    let names: Vec<&str> = members.iter().map(|m| m.display_name.as_str()).collect();
    assert_eq!(names, ["Uživatel kolega", "Uživatel partner"]);
}

async fn account_teams_list_active_staff(store: Store) {
    let org = store
        .create_organisation(&organisation("Obec Tým", None))
        .await
        .unwrap();
    let pm = user(&store, "manazer", UserKind::Staff).await;
    store.add_to_account_team(org, pm).await.unwrap();
    store.add_to_account_team(org, pm).await.unwrap();
    let staff = actor(&store, pm).await;
    let team = store.account_team(&staff, org).await.unwrap();
    assert_eq!(team.len(), 1, "adding twice keeps one entry");
    assert_eq!(team[0].display_name, "Uživatel manazer");
}

async fn contracts_decide_entitlement_on_their_first_and_last_day(store: Store) {
    let org = store
        .create_organisation(&organisation("Obec Smlouva", None))
        .await
        .unwrap();
    let staff = actor(&store, user(&store, "obchod", UserKind::Staff).await).await;
    let contract = NewContract {
        number: "SP-2026-017".into(),
        covered_scope: "Spisová služba 5.x, moduly Podatelna a Výpravna".into(),
        prepaid_minutes: Some(40 * 60),
        ..build::new_contract(org, d(2026, 1, 1), d(2026, 12, 31))
    };
    store.create_contract(&contract).await.unwrap();
    let again = store.create_contract(&contract).await;
    assert!(
        matches!(again, Err(StoreError::Duplicate("contract number"))),
        "{again:?}"
    );

    assert!(!store.entitled_on(org, d(2025, 12, 31)).await.unwrap());
    assert!(
        store.entitled_on(org, d(2026, 1, 1)).await.unwrap(),
        "first day"
    );
    assert!(
        store.entitled_on(org, d(2026, 12, 31)).await.unwrap(),
        "last day"
    );
    assert!(!store.entitled_on(org, d(2027, 1, 1)).await.unwrap());

    store
        .create_contract(&NewContract {
            number: "SP-2027-001".into(),
            term: ContractTerm {
                valid_from: d(2027, 1, 1),
                valid_to: d(2027, 12, 31),
                state: ContractState::Suspended,
            },
            ..contract.clone()
        })
        .await
        .unwrap();
    assert!(
        !store.entitled_on(org, d(2027, 6, 1)).await.unwrap(),
        "a suspended contract does not entitle"
    );

    let stored = store.contracts(&staff, org).await.unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(stored[0].number, "SP-2027-001", "newest validity first");
    let current = &stored[1];
    assert_eq!(current.prepaid_minutes, Some(2400));
    assert_eq!(current.sla, standard_sla_plan());
    assert_eq!(
        current.covered_scope,
        "Spisová služba 5.x, moduly Podatelna a Výpravna"
    );
}

both_backends!(
    organisations_are_visible_to_staff_and_members_only,
    organisation_lists_page_by_keyset,
    memberships_carry_rights_and_a_partner_holds_several,
    account_teams_list_active_staff,
    contracts_decide_entitlement_on_their_first_and_last_day,
);

async fn a_stale_edit_is_refused_and_changes_are_kept_in_history(store: Store) {
    let id = store
        .create_organisation(&organisation("Obec Stará", None))
        .await
        .unwrap();
    let staff = actor(&store, user(&store, "editor", UserKind::Staff).await).await;
    let read = store.organisation(&staff, id).await.unwrap();
    let mut first = organisation("Obec Nová", Some("00006947"));
    first.notes = "zavolat starostovi".into();
    store
        .update_organisation(&staff, id, read.version, &first)
        .await
        .unwrap();

    // A second editor still holding the old version.
    let second = organisation("Obec Přepsaná", None);
    let stale = store
        .update_organisation(&staff, id, read.version, &second)
        .await;
    assert!(matches!(stale, Err(StoreError::Conflict)), "{stale:?}");
    let now_stored = store.organisation(&staff, id).await.unwrap();
    assert_eq!(
        now_stored.name, "Obec Nová",
        "the stale write changed nothing"
    );
    assert_eq!(now_stored.version, read.version + 1);

    let history = store.history("organisation", id.0).await.unwrap();
    let fields: Vec<(&str, &str, &str)> = history
        .iter()
        .map(|h| (h.field.as_str(), h.old_value.as_str(), h.new_value.as_str()))
        .collect();
    assert_eq!(fields.len(), 3, "{fields:?}");
    assert!(fields.contains(&("name", "Obec Stará", "Obec Nová")));
    assert!(fields.contains(&("ico", "", "00006947")));
    assert!(fields.contains(&("notes", "", "zavolat starostovi")));
    assert!(
        history
            .iter()
            .all(|h| h.changed_by.as_deref() == Some("Uživatel editor"))
    );
}

both_backends!(a_stale_edit_is_refused_and_changes_are_kept_in_history);

async fn remote_access_entries_keep_secrets_out_of_listings(store: Store) {
    use supportweb_domain::remote_access::RemoteAccessMethod;
    use supportweb_storage::remote_access::RemoteAccessFields;
    let own = store
        .create_organisation(&organisation("Obec Připojená", None))
        .await
        .unwrap();
    let other = store
        .create_organisation(&organisation("Obec Jiná", None))
        .await
        .unwrap();
    let staff = actor(&store, user(&store, "technik.ra", UserKind::Staff).await).await;
    let fields = RemoteAccessFields {
        method: RemoteAccessMethod::Vpn,
        host: "vpn.example.cz".into(),
        account: "dodavatel".into(),
        instructions: String::new(),
    };
    let seal = |id: uuid::Uuid| Ok(Some([id.as_bytes().as_slice(), b"sealed"].concat()));
    let id = store
        .save_remote_access(&staff, own, None, &fields, seal)
        .await
        .unwrap();
    let listed = store.remote_access_entries(&staff, own).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].has_secret);
    assert_eq!(listed[0].updated_by.as_deref(), Some("Uživatel technik.ra"));
    let sealed = store
        .sealed_remote_access_secret(&staff, own, id)
        .await
        .unwrap();
    assert!(sealed.ends_with(b"sealed"));

    // Replacing without a new secret keeps the sealed one; another organisation's entry
    // cannot be replaced through this one.
    let renamed = RemoteAccessFields {
        host: "vpn2.example.cz".into(),
        ..fields.clone()
    };
    store
        .save_remote_access(&staff, own, Some(id), &renamed, |_| Ok(None))
        .await
        .unwrap();
    assert_eq!(
        store
            .sealed_remote_access_secret(&staff, own, id)
            .await
            .unwrap(),
        sealed
    );
    let foreign = store
        .save_remote_access(&staff, other, Some(id), &renamed, |_| Ok(None))
        .await;
    assert!(matches!(foreign, Err(StoreError::NotFound)), "{foreign:?}");
    assert!(matches!(
        store.sealed_remote_access_secret(&staff, other, id).await,
        Err(StoreError::NotFound)
    ));

    let outsider_id = user(&store, "cizi.zakaznik", UserKind::Customer).await;
    store
        .set_membership(outsider_id, other, &MembershipRights::NONE)
        .await
        .unwrap();
    let outsider = actor(&store, outsider_id).await;
    assert!(matches!(
        store.remote_access_entries(&outsider, own).await,
        Err(StoreError::NotFound)
    ));
}

both_backends!(remote_access_entries_keep_secrets_out_of_listings);

async fn the_catalogue_installation_cards_and_contract_edits_keep_history(store: Store) {
    use supportweb_storage::catalogue::{NewInstallation, NewProduct};
    let manager = user(&store, "projektovy.manazer", UserKind::Staff).await;
    let manager = actor(&store, manager).await;
    let spis = NewProduct {
        code: "SPIS".into(),
        name: "Spisová služba".into(),
        modules: vec!["Podatelna".into(), "Výpravna".into()],
        versions: vec!["5.4".into(), "5.3".into()],
        is_active: true,
    };
    let product = store.create_product(&manager, &spis).await.unwrap();
    assert!(matches!(
        store.create_product(&manager, &spis).await,
        Err(StoreError::Duplicate("product code"))
    ));
    let stored = store.product(product).await.unwrap();
    assert_eq!(stored.versions, ["5.4", "5.3"], "versions keep their order");
    let renamed = NewProduct {
        versions: vec!["5.5".into(), "5.4".into(), "5.3".into()],
        ..spis.clone()
    };
    store
        .update_product(&manager, product, stored.version, &renamed)
        .await
        .unwrap();
    assert!(matches!(
        store
            .update_product(&manager, product, stored.version, &spis)
            .await,
        Err(StoreError::Conflict)
    ));
    let history = store.history("product", product.0).await.unwrap();
    assert_eq!(history[0].field, "versions");
    assert_eq!(history[0].old_value, "5.4, 5.3");
    assert_eq!(history[0].new_value, "5.5, 5.4, 5.3");

    // Installations are scoped like their organisation.
    let ours = store
        .create_organisation(&organisation("Obec Instalační", None))
        .await
        .unwrap();
    let other = store
        .create_organisation(&organisation("Obec Cizí", None))
        .await
        .unwrap();
    let member = user(&store, "clen.instalace", UserKind::Customer).await;
    store
        .set_membership(member, ours, &MembershipRights::NONE)
        .await
        .unwrap();
    let member = actor(&store, member).await;
    let new = NewInstallation {
        product_id: product,
        label: "Produkce".into(),
        product_version: "5.4".into(),
        modules: vec!["Podatelna".into()],
        notes: String::new(),
    };
    assert!(new.fits(&store.product(product).await.unwrap()));
    let mine = store
        .create_installation(&manager, ours, &new)
        .await
        .unwrap();
    let foreign = store
        .create_installation(&manager, other, &new)
        .await
        .unwrap();
    let card = store.installations(&member, ours).await.unwrap();
    assert_eq!(card.len(), 1);
    assert_eq!(card[0].product_name, "Spisová služba");
    assert_eq!(card[0].modules, ["Podatelna"]);
    assert!(matches!(
        store.installations(&member, other).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.installation(&member, foreign).await,
        Err(StoreError::NotFound)
    ));
    let upgraded = NewInstallation {
        product_version: "5.5".into(),
        modules: vec!["Podatelna".into(), "Výpravna".into()],
        ..new.clone()
    };
    store
        .update_installation(&manager, mine, 1, &upgraded)
        .await
        .unwrap();
    assert!(matches!(
        store.update_installation(&manager, mine, 1, &new).await,
        Err(StoreError::Conflict)
    ));
    let history = store.history("installation", mine.0).await.unwrap();
    assert!(
        history
            .iter()
            .any(|h| h.field == "product_version" && h.old_value == "5.4" && h.new_value == "5.5")
    );
    assert_eq!(
        store.remove_installation(&manager, mine).await.unwrap(),
        ours
    );
    assert!(store.installations(&member, ours).await.unwrap().is_empty());
    let organisation_history = store.history("organisation", ours.0).await.unwrap();
    assert_eq!(organisation_history[0].field, "installation");
    assert_eq!(
        organisation_history[0].old_value,
        "Spisová služba 5.5 (Produkce)"
    );

    // A contract covers products; its edits are checked for staleness and kept in history.
    let contract = NewContract {
        number: "SP-2026-INST".into(),
        products: vec![product],
        ..build::new_contract(ours, d(2026, 1, 1), d(2026, 12, 31))
    };
    let id = store.create_contract(&contract).await.unwrap();
    let stored = store.contract(&member, id).await.unwrap();
    assert_eq!(stored.products, [(product, "Spisová služba".to_owned())]);
    let mut longer = contract.clone();
    longer.term.valid_to = d(2027, 12, 31);
    longer.products = vec![];
    longer.sla[0].response_minutes = 60;
    let changes = store
        .update_contract(&manager, id, stored.version, &longer, |_| Vec::new())
        .await
        .unwrap();
    let fields: Vec<&str> = changes.iter().map(|c| c.field).collect();
    assert_eq!(fields, ["valid_to", "products", "sla_critical"]);
    assert!(matches!(
        store
            .update_contract(&manager, id, stored.version, &contract, |_| Vec::new())
            .await,
        Err(StoreError::Conflict)
    ));
    let now = store.contract(&member, id).await.unwrap();
    assert_eq!(now.term.valid_to, d(2027, 12, 31));
    assert!(now.products.is_empty());
    assert_eq!(now.sla[0].response_minutes, 60);
    assert!(store.entitled_on(ours, d(2027, 6, 1)).await.unwrap());
    let history = store.history("contract", id.0).await.unwrap();
    assert_eq!(history.len(), 3);
    assert!(matches!(
        store.contract(&actor_outside(&store).await, id).await,
        Err(StoreError::NotFound)
    ));
}

async fn actor_outside(store: &Store) -> Actor {
    let id = user(store, "mimo.organizaci", UserKind::Customer).await;
    actor(store, id).await
}

both_backends!(the_catalogue_installation_cards_and_contract_edits_keep_history);
