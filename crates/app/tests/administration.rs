//! The administration use cases without HTTP, on both backends: organisations (IČO checked,
//! stale edits refused, the account team in the history), contracts and accounts audited in
//! the change's transaction (a broken audit or history write leaves nothing behind), remote
//! access (sealed secrets, audited reveals, customers who maintain but never read back) and
//! the audit log's filters.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use supportweb_app::administration::accounts::NewAccount;
use supportweb_app::administration::audit_log::AuditParams;
use supportweb_app::administration::contracts::ContractForm;
use supportweb_app::administration::organisations::OrganisationForm;
use supportweb_app::administration::remote_access::EntryForm;
use supportweb_app::testing::{TestApp, build, field_codes};
use supportweb_app::{Actor, App, Error};
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::StaffRole;
use supportweb_storage::testing::{count_rows, fail_inserts_into};

const ADDRESS: &str = "192.0.2.7";

fn town_hall(name: &str, ico: &str) -> OrganisationForm {
    OrganisationForm {
        name: name.into(),
        kind: "customer".into(),
        ico: ico.into(),
        street: "Masarykovo náměstí 1".into(),
        city: "Lhota".into(),
        postal_code: "763 02".into(),
        email: "podatelna@lhota.cz".into(),
        is_public_body: Some("on".into()),
        ..OrganisationForm::default()
    }
}

fn contract_form(number: &str) -> ContractForm {
    ContractForm {
        number: number.into(),
        valid_from: "2026-01-01".into(),
        valid_to: "2026-12-31".into(),
        prepaid_hours: "10,5".into(),
        ..ContractForm::default()
    }
}

/// The events of the audit log, newest first, as their names.
async fn audit_events(app: &App, admin: &Actor) -> Vec<String> {
    let (page, problems) = app
        .administration()
        .audit_log(admin, &AuditParams::default())
        .await
        .unwrap();
    assert!(problems.is_empty());
    page.rows.into_iter().map(|r| r.event).collect()
}

async fn organisations_are_checked_and_edits_never_overwrite(test: TestApp) {
    let app = &test.app;
    let store = test.store();
    let admin = app.administration();
    let manager = build::staff(store, "projektak", StaffRole::ProjectManager).await;
    let technician = build::staff(store, "technik", StaffRole::Technician).await;

    let refused = admin
        .create_organisation(
            &manager,
            &OrganisationForm {
                street: String::new(),
                email: "bez zavinace".into(),
                ..town_hall("Obec Lhota", "00274047")
            },
        )
        .await
        .unwrap_err();
    let fields = field_codes(refused);
    assert_eq!(
        fields,
        [
            ("email".to_owned(), "account-error-email"),
            ("ico".to_owned(), "organisation-error-ico-checksum"),
            ("street".to_owned(), "form-error-required"),
        ]
    );
    assert_eq!(count_rows(store, "organisations").await, 0);

    let created = admin
        .create_organisation(&manager, &town_hall("Obec Lhota", "00274046"))
        .await
        .unwrap();
    assert_eq!(created.ico.as_deref(), Some("00274046"));
    let taken = admin
        .create_organisation(&manager, &town_hall("Jiná obec", "00274046"))
        .await
        .unwrap_err();
    assert_eq!(
        field_codes(taken),
        [("ico".to_owned(), "organisation-error-ico-taken")]
    );
    // Technicians read organisations but do not manage them.
    assert!(matches!(
        admin
            .create_organisation(&technician, &town_hall("Obec Dolní", ""))
            .await,
        Err(Error::NotFound)
    ));

    let id = created.id.to_string();
    let renamed = admin
        .update_organisation(
            &manager,
            &id,
            &OrganisationForm {
                version: created.version,
                ..town_hall("Obec Lhota u Brna", "00274046")
            },
        )
        .await
        .unwrap();
    assert_eq!(renamed.name, "Obec Lhota u Brna");
    let stale = admin
        .update_organisation(
            &manager,
            &id,
            &OrganisationForm {
                version: created.version,
                ..town_hall("Přepsáno", "00274046")
            },
        )
        .await;
    assert!(matches!(stale, Err(Error::Conflict)), "{stale:?}");
    assert_eq!(
        admin.organisation(&manager, &id).await.unwrap().name,
        "Obec Lhota u Brna"
    );

    // The account team takes active staff only, and its changes enter the history.
    let customer = build::customer(store, "starosta", created.id, AgendaRight::Read).await;
    let not_staff = admin
        .change_team(&manager, &id, &customer.user_id.to_string(), true)
        .await
        .unwrap_err();
    assert_eq!(
        field_codes(not_staff),
        [("user".to_owned(), "team-error-user")]
    );
    admin
        .change_team(&manager, &id, &technician.user_id.to_string(), true)
        .await
        .unwrap();
    let detail = admin.organisation_detail(&manager, &id).await.unwrap();
    assert_eq!(detail.team.len(), 1);
    assert!(
        detail
            .history
            .iter()
            .any(|h| h.field == "account_team" && h.new_value == technician.display_name),
        "{:?}",
        detail.history
    );

    // A customer sees its own organisation on "My organisation", never the administration.
    assert!(matches!(
        admin.organisation_detail(&customer, &id).await,
        Err(Error::NotFound)
    ));
    let own = admin.own_organisations(&customer).await.unwrap();
    assert_eq!(own.len(), 1);
    assert_eq!(own[0].team.len(), 1);
    assert!(matches!(
        admin.own_organisations(&manager).await,
        Err(Error::NotFound)
    ));
}

async fn contracts_are_audited_in_the_change_s_transaction(test: TestApp) {
    let app = &test.app;
    let store = test.store();
    let admin = app.administration();
    let administrator = build::staff(store, "spravce", StaffRole::Administrator).await;
    let organisation = build::organisation(store, "Město Kolín").await.to_string();

    let refused = admin
        .create_contract(
            &administrator,
            &organisation,
            &ContractForm {
                valid_to: "2025-12-31".into(),
                critical_response: "hodně".into(),
                ..contract_form("SML-2026-001")
            },
            ADDRESS,
        )
        .await
        .unwrap_err();
    let fields = field_codes(refused);
    assert_eq!(
        fields,
        [
            ("critical_response".to_owned(), "form-error-hours"),
            ("valid_to".to_owned(), "contract-error-order"),
        ]
    );

    let contract = admin
        .create_contract(
            &administrator,
            &organisation,
            &contract_form("SML-2026-001"),
            ADDRESS,
        )
        .await
        .unwrap();
    assert_eq!(contract.prepaid_minutes, Some(630));
    assert_eq!(
        audit_events(app, &administrator).await,
        ["contract_created"]
    );
    let duplicate = admin
        .create_contract(
            &administrator,
            &organisation,
            &contract_form("SML-2026-001"),
            ADDRESS,
        )
        .await
        .unwrap_err();
    assert_eq!(
        field_codes(duplicate),
        [("number".to_owned(), "contract-error-number-taken")]
    );

    let id = contract.id.to_string();
    let longer = ContractForm {
        valid_to: "2027-12-31".into(),
        version: contract.version,
        ..contract_form("SML-2026-001")
    };
    let changed = admin
        .update_contract(&administrator, &id, &longer, ADDRESS)
        .await
        .unwrap();
    assert_eq!(changed.term.valid_to, build::d(2027, 12, 31));
    let detail = admin.contract(&administrator, &id).await.unwrap();
    assert!(detail.history.iter().any(|h| h.field == "valid_to"));
    assert_eq!(
        audit_events(app, &administrator).await,
        ["contract_changed", "contract_created"]
    );
    let stale = admin
        .update_contract(&administrator, &id, &longer, ADDRESS)
        .await;
    assert!(matches!(stale, Err(Error::Conflict)), "{stale:?}");

    // A change whose audit entry cannot be written is not made, nor its history.
    let history_rows = count_rows(store, "change_history").await;
    fail_inserts_into(store, "audit_events").await;
    let broken = admin
        .update_contract(
            &administrator,
            &id,
            &ContractForm {
                valid_to: "2028-12-31".into(),
                version: changed.version,
                ..contract_form("SML-2026-001")
            },
            ADDRESS,
        )
        .await;
    assert!(matches!(broken, Err(Error::Internal(_))), "{broken:?}");
    let kept = admin.contract(&administrator, &id).await.unwrap().contract;
    assert_eq!(kept.term.valid_to, build::d(2027, 12, 31));
    assert_eq!(kept.version, changed.version);
    assert_eq!(count_rows(store, "change_history").await, history_rows);
    let unaudited = admin
        .create_contract(
            &administrator,
            &organisation,
            &contract_form("SML-2026-002"),
            ADDRESS,
        )
        .await;
    assert!(unaudited.is_err());
    assert_eq!(count_rows(store, "contracts").await, 1);
}

async fn accounts_are_created_whole_or_not_at_all(test: TestApp) {
    let app = &test.app;
    let store = test.store();
    let admin = app.administration();
    let administrator = build::staff(store, "spravce", StaffRole::Administrator).await;
    let manager = build::staff(store, "projektak", StaffRole::ProjectManager).await;
    let lhota = build::organisation(store, "Obec Lhota").await;
    let kolin = build::organisation(store, "Město Kolín").await;
    let rights = MembershipRights {
        support_documents: AgendaRight::Write,
        ..MembershipRights::NONE
    };
    let input = NewAccount {
        kind: "customer".into(),
        login: "referentka".into(),
        display_name: "Jana Nováková".into(),
        email: "novakova@lhota.cz".into(),
        language: "cs".into(),
        organisation: lhota.to_string(),
        rights,
        roles: Vec::new(),
    };

    // Only administrators create staff accounts.
    let staff = admin
        .create_account(
            &manager,
            &NewAccount {
                kind: "staff".into(),
                login: "novy".into(),
                roles: vec![StaffRole::Technician],
                ..input.clone()
            },
            ADDRESS,
        )
        .await
        .unwrap_err();
    assert_eq!(
        field_codes(staff),
        [("kind".to_owned(), "account-error-staff-admin-only")]
    );

    let created = admin
        .create_account(&manager, &input, ADDRESS)
        .await
        .unwrap();
    assert!(
        created.link.starts_with("http://127.0.0.1:8080/activate/"),
        "{}",
        created.link
    );
    assert!(created.account.password_hash.is_none());
    let mut events = audit_events(app, &administrator).await;
    events.sort();
    assert_eq!(
        events,
        [
            "account_created",
            "activation_link_issued",
            "membership_changed"
        ]
    );
    let taken = admin
        .create_account(&manager, &input, ADDRESS)
        .await
        .unwrap_err();
    assert_eq!(
        field_codes(taken),
        [("login".to_owned(), "account-error-login-taken")]
    );

    // A customer user belongs to one organisation.
    let id = created.account.id.to_string();
    let second = admin
        .change_membership(&manager, &id, &kolin.to_string(), Some(&rights), ADDRESS)
        .await
        .unwrap_err();
    assert_eq!(
        field_codes(second),
        [("membership".to_owned(), "membership-error-one-organisation")]
    );
    // Staff accounts are managed by administrators only; nobody deactivates themselves.
    let colleague = administrator.user_id.to_string();
    assert!(matches!(
        admin.set_active(&manager, &colleague, false, ADDRESS).await,
        Err(Error::Forbidden)
    ));
    assert!(matches!(
        admin
            .set_active(&administrator, &colleague, false, ADDRESS)
            .await,
        Err(Error::Forbidden)
    ));
    admin
        .set_active(&manager, &id, false, ADDRESS)
        .await
        .unwrap();
    let detail = admin.account(&manager, &id).await.unwrap();
    assert!(!detail.account.is_active);
    assert!(detail.history.iter().any(|h| h.field == "active"));

    // An account whose audit entries cannot be written is not created, nor its membership.
    let users = count_rows(store, "users").await;
    let memberships = count_rows(store, "organisation_memberships").await;
    fail_inserts_into(store, "audit_events").await;
    let broken = admin
        .create_account(
            &manager,
            &NewAccount {
                login: "druha".into(),
                ..input.clone()
            },
            ADDRESS,
        )
        .await;
    assert!(matches!(broken, Err(Error::Internal(_))), "{broken:?}");
    assert_eq!(count_rows(store, "users").await, users);
    assert_eq!(
        count_rows(store, "organisation_memberships").await,
        memberships
    );
    assert_eq!(count_rows(store, "activation_tokens").await, 1);
}

async fn remote_access_secrets_are_sealed_and_reveals_audited(test: TestApp) {
    let app = &test.app;
    let store = test.store();
    let admin = app.administration();
    let administrator = build::staff(store, "spravce", StaffRole::Administrator).await;
    let manager = build::staff(store, "projektak", StaffRole::ProjectManager).await;
    let lhota = build::organisation(store, "Obec Lhota").await;
    let kolin = build::organisation(store, "Město Kolín").await;
    let writer = build::customer(store, "it-lhota", lhota, AgendaRight::Write).await;
    let reader = build::customer(store, "cte-lhota", lhota, AgendaRight::Read).await;
    let entry = EntryForm {
        method: "vpn".into(),
        host: "vpn.lhota.cz".into(),
        account: "dodavatel".into(),
        secret: "Tajne-heslo-42".into(),
        ..EntryForm::default()
    };

    let blank = admin
        .save_remote_access(
            &writer,
            &lhota.to_string(),
            &EntryForm {
                host: " ".into(),
                ..entry.clone()
            },
            false,
            ADDRESS,
        )
        .await
        .unwrap_err();
    assert_eq!(
        field_codes(blank),
        [("host".to_owned(), "form-error-required")]
    );
    // Another organisation's entries, or a reader's attempt, answer like missing ones.
    for (actor, organisation) in [(&writer, kolin), (&reader, lhota)] {
        assert!(matches!(
            admin
                .save_remote_access(actor, &organisation.to_string(), &entry, false, ADDRESS)
                .await,
            Err(Error::NotFound)
        ));
    }
    admin
        .save_remote_access(&writer, &lhota.to_string(), &entry, false, ADDRESS)
        .await
        .unwrap();
    let listed = admin.remote_access(&writer, lhota).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].has_secret);
    let entry_id = listed[0].id.to_string();

    // Only staff with the reveal permission read the secret back, and each reveal is audited.
    for actor in [&writer, &manager] {
        let refused = admin
            .reveal_remote_access(actor, &lhota.to_string(), &entry_id, ADDRESS)
            .await;
        assert!(
            matches!(refused, Err(Error::NotFound)),
            "{}: {refused:?}",
            actor.display_name
        );
    }
    let revealed = admin
        .reveal_remote_access(&administrator, &lhota.to_string(), &entry_id, ADDRESS)
        .await
        .unwrap();
    assert_eq!(revealed.secret, "Tajne-heslo-42");
    let events = audit_events(app, &administrator).await;
    assert_eq!(events, ["secret_revealed", "remote_access_changed"]);
    let history = admin
        .organisation_detail(&administrator, &lhota.to_string())
        .await
        .unwrap()
        .history;
    let line = history.iter().find(|h| h.field == "remote_access").unwrap();
    assert!(line.new_value.contains("vpn.lhota.cz"));
    assert!(!line.new_value.contains("Tajne-heslo-42"));

    // A save whose audit entry cannot be written leaves the entry as it was.
    fail_inserts_into(store, "audit_events").await;
    let broken = admin
        .save_remote_access(
            &writer,
            &lhota.to_string(),
            &EntryForm {
                entry: entry_id.clone(),
                host: "novy.lhota.cz".into(),
                ..entry.clone()
            },
            false,
            ADDRESS,
        )
        .await;
    assert!(matches!(broken, Err(Error::Internal(_))), "{broken:?}");
    assert_eq!(
        admin.remote_access(&writer, lhota).await.unwrap()[0].host,
        "vpn.lhota.cz"
    );
}

async fn the_audit_log_filters_and_security_settings(test: TestApp) {
    let app = &test.app;
    let store = test.store();
    let admin = app.administration();
    let administrator = build::staff(store, "spravce", StaffRole::Administrator).await;
    let manager = build::staff(store, "projektak", StaffRole::ProjectManager).await;

    let (page, problems) = admin
        .audit_log(
            &administrator,
            &AuditParams {
                event: "neexistuje".into(),
                login: "nikdo".into(),
                from: "1. 1. 2026".into(),
                ..AuditParams::default()
            },
        )
        .await
        .unwrap();
    assert!(page.rows.is_empty());
    let mut fields: Vec<&str> = problems.iter().map(|(f, _)| f).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["event", "from", "login"]);
    assert!(matches!(
        admin.audit_log(&manager, &AuditParams::default()).await,
        Err(Error::NotFound)
    ));

    assert!(
        !admin
            .staff_two_factor_required(&administrator)
            .await
            .unwrap()
    );
    assert!(matches!(
        admin
            .require_staff_two_factor(&manager, true, ADDRESS)
            .await,
        Err(Error::NotFound)
    ));
    admin
        .require_staff_two_factor(&administrator, true, ADDRESS)
        .await
        .unwrap();
    // Saving the same setting again changes nothing and audits nothing.
    admin
        .require_staff_two_factor(&administrator, true, ADDRESS)
        .await
        .unwrap();
    assert!(
        admin
            .staff_two_factor_required(&administrator)
            .await
            .unwrap()
    );
    let (page, _) = admin
        .audit_log(
            &administrator,
            &AuditParams {
                login: "spravce".into(),
                ..AuditParams::default()
            },
        )
        .await
        .unwrap();
    let events: Vec<&str> = page.rows.iter().map(|r| r.event.as_str()).collect();
    assert_eq!(events, ["security_settings_changed"]);
}

async fn administration_overviews_page_by_keyset(test: TestApp) {
    let app = &test.app;
    let store = test.store();
    let admin = app.administration();
    let administrator = build::staff(store, "spravce", StaffRole::Administrator).await;
    // 51 organisations: a full page by name, and the last one on the next.
    for n in 0..51 {
        build::organisation(store, &format!("Obec {n:02}")).await;
    }
    let first = admin.organisations(&administrator, None).await.unwrap();
    assert_eq!(first.rows.len(), 50);
    assert_eq!(first.rows[0].name, "Obec 00");
    let next = first.next.expect("a second page");
    let second = admin
        .organisations(&administrator, Some(&next))
        .await
        .unwrap();
    let names: Vec<&str> = second.rows.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["Obec 50"]);
    assert!(second.next.is_none());
    assert!(matches!(
        admin.organisations(&administrator, Some("nesmysl")).await,
        Err(Error::BadRequest(_))
    ));

    // 101 audit entries: the newest 100, then the oldest one.
    for n in 0..101 {
        store
            .record_audit(&supportweb_app::audit::entry(
                supportweb_domain::audit::AuditEvent::SignInFailed,
                Default::default(),
                ADDRESS,
                format!("pokus {n:03}"),
            ))
            .await
            .unwrap();
    }
    let (newest, _) = admin
        .audit_log(&administrator, &AuditParams::default())
        .await
        .unwrap();
    assert_eq!(newest.rows.len(), 100);
    assert_eq!(newest.rows[0].detail, "pokus 100");
    let (oldest, _) = admin
        .audit_log(
            &administrator,
            &AuditParams {
                before: newest.next.expect("an older page"),
                ..AuditParams::default()
            },
        )
        .await
        .unwrap();
    let details: Vec<&str> = oldest.rows.iter().map(|r| r.detail.as_str()).collect();
    assert_eq!(details, ["pokus 000"]);
}

supportweb_app::both_backends!(
    administration_overviews_page_by_keyset,
    organisations_are_checked_and_edits_never_overwrite,
    contracts_are_audited_in_the_change_s_transaction,
    accounts_are_created_whole_or_not_at_all,
    remote_access_secrets_are_sealed_and_reveals_audited,
    the_audit_log_filters_and_security_settings,
);
