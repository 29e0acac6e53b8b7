//! Account administration: staff create accounts with activation links; there is no
//! self-registration; deactivation ends sessions at once.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::{PASSWORD, TestApp};
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::{StaffRole, UserKind};
use supportweb_storage::testing::build;

async fn organisation(app: &TestApp, name: &str) -> String {
    build::organisation(&app.db.store, name).await.to_string()
}

fn link_in(page: &str) -> String {
    let start = page
        .find("id=\"activation-link\" readonly value=\"")
        .expect("activation link")
        + 37;
    page[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn staff_create_a_customer_who_activates_and_signs_in() {
    let app = TestApp::new().await;
    let org = organisation(&app, "Obec Lhota").await;
    app.user("spravce", UserKind::Staff, vec![StaffRole::Administrator])
        .await;
    let admin = app.sign_in("spravce").await;

    let form = app.get("/admin/accounts/new", Some(&admin)).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.text().contains("Obec Lhota"));

    let created = app
        .post_form(
            "/admin/accounts",
            &[
                ("kind", "customer"),
                ("login", "Lhota.Starosta"),
                ("display_name", "Josef Pokorný"),
                ("email", "starosta@lhota.example.cz"),
                ("language", "cs"),
                ("organisation", &org),
                ("right_documents", "write"),
                ("right_orders", "read"),
                ("flag_approve_orders", "on"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.text());
    let page = created.text();
    assert!(page.contains("Účet založen") && page.contains("lhota.starosta"));
    let link = link_in(&page);
    assert!(
        link.starts_with("http://127.0.0.1:8080/activate/"),
        "{link}"
    );
    let path = link.trim_start_matches("http://127.0.0.1:8080");

    // Before activation the account cannot sign in, like any wrong password.
    let early = app
        .post_form(
            "/login",
            &[("login", "lhota.starosta"), ("password", "cokoli-dlouheho")],
            None,
        )
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);

    let activation = app.get(path, None).await;
    assert_eq!(activation.status, StatusCode::OK);
    assert!(activation.text().contains("Dobrý den, Josef Pokorný"));
    let mismatch = app
        .post_form(
            path,
            &[
                ("password", "Nove-heslo-2026"),
                ("password_again", "Jine-heslo-2026"),
            ],
            None,
        )
        .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(mismatch.text().contains("Hesla se neshodují"));
    let short = app
        .post_form(
            path,
            &[("password", "kratke"), ("password_again", "kratke")],
            None,
        )
        .await;
    assert!(short.text().contains("alespoň 10 znaků"));

    let done = app
        .post_form(
            path,
            &[
                ("password", "Nove-heslo-2026"),
                ("password_again", "Nove-heslo-2026"),
            ],
            None,
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.header("location"), "/login?activated=1");
    assert!(
        app.get("/login?activated=1", None)
            .await
            .text()
            .contains("Heslo je nastaveno")
    );

    let again = app.get(path, None).await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "a link works once");
    assert!(again.text().contains("není platný"));

    let signed = app
        .post_form(
            "/login",
            &[("login", "lhota.starosta"), ("password", "Nove-heslo-2026")],
            None,
        )
        .await;
    let cookie = signed.session_cookie().expect("signed in");
    let mine = app.get("/organisation", Some(&cookie)).await.text();
    assert!(mine.contains("Obec Lhota") && mine.contains("schvaluje customizační objednávky"));
    assert_eq!(
        app.get("/admin/accounts", Some(&cookie)).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn invalid_input_is_explained_next_to_each_field_and_nothing_is_created() {
    let app = TestApp::new().await;
    organisation(&app, "Obec Lhota").await;
    app.user("spravce", UserKind::Staff, vec![StaffRole::Administrator])
        .await;
    let admin = app.sign_in("spravce").await;
    let users_before = app.db.store.count_users().await.unwrap();
    let reply = app
        .post_form(
            "/admin/accounts",
            &[
                ("kind", "customer"),
                ("login", "x"),
                ("display_name", "  "),
                ("email", "bez-zavinace"),
                ("organisation", ""),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    let page = reply.text();
    for (field, message) in [
        ("login", "3 až 64 znaků"),
        ("display_name", "Vyplňte jméno"),
        ("email", "platnou e-mailovou adresu"),
        ("organisation", "Zvolte organizaci"),
    ] {
        let marker = format!("id=\"{field}-error\">");
        let at = page
            .find(&marker)
            .unwrap_or_else(|| panic!("no error next to {field}"));
        assert!(
            page[at..].starts_with(&format!("{marker}{}", ""))
                && page[at..at + 200].contains(message),
            "{field}"
        );
    }
    assert!(
        page.contains("value=\"bez-zavinace\""),
        "typed values are kept"
    );
    assert_eq!(app.db.store.count_users().await.unwrap(), users_before);

    let taken = app
        .post_form(
            "/admin/accounts",
            &[
                ("kind", "staff"),
                ("login", "spravce"),
                ("display_name", "Druhý"),
                ("email", "d@example.cz"),
                ("role_technician", "on"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.text().contains("Toto přihlašovací jméno už existuje"));

    // An organisation id the form did not offer (here: one that does not exist) is refused.
    let forged = app
        .post_form(
            "/admin/accounts",
            &[
                ("kind", "customer"),
                ("login", "podvrh"),
                ("display_name", "Podvrh"),
                ("email", "p@example.cz"),
                ("organisation", &uuid::Uuid::now_v7().to_string()),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(forged.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.db.store.count_users().await.unwrap(), users_before);
}

#[tokio::test]
async fn only_administrators_create_staff_and_others_cannot_enter() {
    let app = TestApp::new().await;
    app.user("manazer", UserKind::Staff, vec![StaffRole::ProjectManager])
        .await;
    app.user("technik", UserKind::Staff, vec![StaffRole::Technician])
        .await;
    let pm = app.sign_in("manazer").await;
    let staff = app
        .post_form(
            "/admin/accounts",
            &[
                ("kind", "staff"),
                ("login", "novy.admin"),
                ("display_name", "Nový"),
                ("email", "n@example.cz"),
                ("role_administrator", "on"),
            ],
            Some(&pm),
        )
        .await;
    assert_eq!(staff.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(staff.text().contains("zakládá jen administrátor"));
    assert!(
        app.db
            .store
            .user_by_login("novy.admin")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        app.get("/admin/accounts", Some(&pm))
            .await
            .text()
            .contains("id=\"accounts\"")
    );

    let technician = app.sign_in("technik").await;
    for path in ["/admin/accounts", "/admin/accounts/new"] {
        assert_eq!(
            app.get(path, Some(&technician)).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let attempt = app
        .post_form(
            "/admin/accounts",
            &[("kind", "customer"), ("login", "zkouska")],
            Some(&technician),
        )
        .await;
    assert_eq!(attempt.status, StatusCode::NOT_FOUND);
    assert!(
        !app.get("/", Some(&technician))
            .await
            .text()
            .contains("accounts-admin-link")
    );
    assert!(
        app.get("/", Some(&pm))
            .await
            .text()
            .contains("accounts-admin-link")
    );
}

#[tokio::test]
async fn an_activation_link_expires_after_72_hours() {
    let app = TestApp::new().await;
    let admin = app
        .user("spravce", UserKind::Staff, vec![StaffRole::Administrator])
        .await;
    let id = build::account(&app.db.store, "pozde", UserKind::Customer, vec![]).await;
    let (token, hash) = supportweb_app::identity::tokens::new_token().unwrap();
    let created = supportweb_storage::now() - Duration::hours(72) - Duration::minutes(1);
    app.db
        .store
        .create_activation(id, &hash, admin, created + Duration::hours(72))
        .await
        .unwrap();
    let path = format!("/activate/{token}");
    let reply = app.get(&path, None).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(reply.text().contains("vypršel"));
    let post = app
        .post_form(
            &path,
            &[
                ("password", "Nove-heslo-2026"),
                ("password_again", "Nove-heslo-2026"),
            ],
            None,
        )
        .await;
    assert_eq!(post.status, StatusCode::NOT_FOUND);
    assert!(
        app.db
            .store
            .user(id)
            .await
            .unwrap()
            .unwrap()
            .password_hash
            .is_none()
    );
}

#[tokio::test]
async fn deactivation_ends_the_users_sessions_at_once() {
    let app = TestApp::new().await;
    let org = organisation(&app, "Obec Lhota").await;
    app.user("spravce", UserKind::Staff, vec![StaffRole::Administrator])
        .await;
    let customer = app.user("odchazi", UserKind::Customer, vec![]).await;
    app.db
        .store
        .set_membership(customer, org.parse().unwrap(), &MembershipRights::NONE)
        .await
        .unwrap();
    let admin = app.sign_in("spravce").await;
    let victim = app.sign_in("odchazi").await;
    assert_eq!(app.get("/", Some(&victim)).await.status, StatusCode::OK);

    let path = format!("/admin/accounts/{customer}");
    assert!(
        app.get(&path, Some(&admin))
            .await
            .text()
            .contains("aktivní")
    );
    let off = app
        .post_form(
            &format!("{path}/active"),
            &[("active", "false")],
            Some(&admin),
        )
        .await;
    assert_eq!(off.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/", Some(&victim)).await.status,
        StatusCode::SEE_OTHER,
        "signed out at once"
    );
    let again = app
        .post_form(
            "/login",
            &[("login", "odchazi"), ("password", PASSWORD)],
            None,
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "cannot sign in while deactivated"
    );
    assert!(
        app.get(&path, Some(&admin))
            .await
            .text()
            .contains("deaktivovaný")
    );

    let on = app
        .post_form(
            &format!("{path}/active"),
            &[("active", "true")],
            Some(&admin),
        )
        .await;
    assert_eq!(on.status, StatusCode::SEE_OTHER);
    assert!(
        app.post_form(
            "/login",
            &[("login", "odchazi"), ("password", PASSWORD)],
            None
        )
        .await
        .session_cookie()
        .is_some()
    );

    // An administrator cannot lock themselves out.
    let me = app
        .db
        .store
        .user_by_login("spravce")
        .await
        .unwrap()
        .unwrap()
        .id;
    let self_off = app
        .post_form(
            &format!("/admin/accounts/{me}/active"),
            &[("active", "false")],
            Some(&admin),
        )
        .await;
    assert_eq!(self_off.status, StatusCode::FORBIDDEN);

    let fresh_link = app
        .post_form(&format!("{path}/activation"), &[], Some(&admin))
        .await;
    assert!(link_in(&fresh_link.text()).contains("/activate/"));
}

#[tokio::test]
async fn rights_are_changed_and_removed_and_apply_on_the_next_request() {
    let app = TestApp::new().await;
    let lhota = organisation(&app, "Obec Lhota").await;
    let kolin = organisation(&app, "Město Kolín").await;
    app.user("spravce", UserKind::Staff, vec![StaffRole::Administrator])
        .await;
    let customer = app.user("referentka", UserKind::Customer, vec![]).await;
    let partner = app.user("partner.firma", UserKind::Partner, vec![]).await;
    app.db
        .store
        .set_membership(customer, lhota.parse().unwrap(), &MembershipRights::NONE)
        .await
        .unwrap();
    let admin = app.sign_in("spravce").await;
    let clerk = app.sign_in("referentka").await;
    assert!(
        app.get("/organisation", Some(&clerk))
            .await
            .text()
            .contains("bez přístupu")
    );

    let path = format!("/admin/accounts/{customer}/memberships");
    let changed = app
        .post_form(
            &path,
            &[
                ("organisation", &lhota),
                ("right_documents", "write"),
                ("flag_approve_orders", "on"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(changed.status, StatusCode::SEE_OTHER);
    let mine = app.get("/organisation", Some(&clerk)).await.text();
    assert!(
        mine.contains("čtení a zápis") && mine.contains("schvaluje customizační objednávky"),
        "applies at once"
    );

    let second = app
        .post_form(
            &path,
            &[("organisation", &kolin), ("right_documents", "read")],
            Some(&admin),
        )
        .await;
    assert_eq!(second.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        second
            .text()
            .contains("id=\"membership-error\">Uživatel zákazníka patří k jedné organizaci")
    );

    let partner_path = format!("/admin/accounts/{partner}/memberships");
    for org in [&lhota, &kolin] {
        let granted = app
            .post_form(
                &partner_path,
                &[("organisation", org), ("right_documents", "write")],
                Some(&admin),
            )
            .await;
        assert_eq!(granted.status, StatusCode::SEE_OTHER);
    }
    assert_eq!(
        app.db.store.memberships_of(partner).await.unwrap().len(),
        2,
        "a partner belongs to several"
    );

    let removed = app
        .post_form(
            &path,
            &[("organisation", &lhota), ("remove", "1")],
            Some(&admin),
        )
        .await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.get("/organisation", Some(&clerk)).await.status,
        StatusCode::NOT_FOUND,
        "no longer a member"
    );
    let audit = app
        .get("/admin/audit?event=membership_changed", Some(&admin))
        .await
        .text();
    assert!(audit.contains("support-documents=write") && audit.contains("approve-orders"));
    assert!(audit.contains("<td>removed</td>"));

    let forged = app
        .post_form(
            &path,
            &[
                ("organisation", &uuid::Uuid::now_v7().to_string()),
                ("right_documents", "write"),
            ],
            Some(&admin),
        )
        .await;
    assert_eq!(forged.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        app.db
            .store
            .memberships_of(customer)
            .await
            .unwrap()
            .is_empty(),
        "nothing granted"
    );
}
