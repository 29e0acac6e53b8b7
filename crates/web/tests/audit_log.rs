//! Security-relevant events reach the audit log, which only administrators read.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{PASSWORD, TestApp};
use supportweb_domain::user::{StaffRole, UserKind};

#[tokio::test]
async fn sign_ins_failures_and_account_changes_are_audited() {
    let app = TestApp::new().await;
    app.user("spravce", UserKind::Staff, vec![StaffRole::Administrator])
        .await;
    let target = app
        .user("sledovany", UserKind::Staff, vec![StaffRole::Technician])
        .await;
    app.sign_in_from("sledovany", "spatne-heslo-1", "192.0.2.50")
        .await;
    app.sign_in_from("nikdo.neexistuje", "spatne-heslo-1", "192.0.2.51")
        .await;
    let victim = app
        .sign_in_from("sledovany", PASSWORD, "192.0.2.52")
        .await
        .session_cookie()
        .unwrap();
    app.post_form("/logout", &[], Some(&victim)).await;
    let admin = app.sign_in("spravce").await;
    app.post_form(
        &format!("/admin/accounts/{target}/active"),
        &[("active", "false")],
        Some(&admin),
    )
    .await;

    let page = app.get("/admin/audit", Some(&admin)).await;
    assert_eq!(page.status, StatusCode::OK);
    let text = page.text();
    for expected in [
        "neúspěšné přihlášení",
        "nikdo.neexistuje",
        "192.0.2.50",
        "192.0.2.52",
        "odhlášení",
        "deaktivace účtu",
        "Zkušební sledovany",
    ] {
        assert!(
            text.contains(expected),
            "{expected:?} missing from the audit log"
        );
    }
    let deactivation = text.find("deaktivace účtu").unwrap();
    let failed = text.find("192.0.2.50").unwrap();
    assert!(deactivation < failed, "newest first");

    let only_failures = app
        .get("/admin/audit?event=sign_in_failed", Some(&admin))
        .await
        .text();
    assert!(
        only_failures.contains("nikdo.neexistuje")
            && !only_failures.contains("deaktivace účtu</td>")
    );
    let about = app
        .get("/admin/audit?login=sledovany", Some(&admin))
        .await
        .text();
    assert!(about.contains("deaktivace účtu") && about.contains("192.0.2.52"));
    assert!(
        !about.contains("nikdo.neexistuje"),
        "only events by or about that account"
    );

    let bad = app
        .get("/admin/audit?from=25.11.2026&login=neznamy", Some(&admin))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad = bad.text();
    assert!(bad.contains("id=\"from-error\">Zadejte datum ve tvaru RRRR-MM-DD"));
    assert!(bad.contains("id=\"login-error\">Účet s tímto přihlašovacím jménem neexistuje"));
}

#[tokio::test]
async fn account_creation_and_activation_are_audited_with_the_rights_granted() {
    let app = TestApp::new().await;
    app.user("spravce", UserKind::Staff, vec![StaffRole::Administrator])
        .await;
    let admin = app.sign_in("spravce").await;
    let org = supportweb_storage::testing::build::organisation(&app.db.store, "Obec Auditov").await;
    let created = app
        .post_form(
            "/admin/accounts",
            &[
                ("kind", "customer"),
                ("login", "novacek"),
                ("display_name", "Nováček"),
                ("email", "n@example.cz"),
                ("organisation", &org.to_string()),
                ("right_documents", "write"),
                ("flag_see_validation_codes", "on"),
            ],
            Some(&admin),
        )
        .await
        .text();
    let start = created.find("/activate/").unwrap();
    let path: String = created[start..].split('"').next().unwrap().to_owned();
    app.post_form(
        &path,
        &[
            ("password", "Nove-heslo-2026"),
            ("password_again", "Nove-heslo-2026"),
        ],
        None,
    )
    .await;

    let text = app
        .get("/admin/audit?login=novacek", Some(&admin))
        .await
        .text();
    for expected in [
        "založení účtu",
        "změna oprávnění v organizaci",
        "support-documents=write",
        "see-validation-codes",
        "Obec Auditov",
        "vydán odkaz pro aktivaci",
        "aktivace účtu",
    ] {
        assert!(text.contains(expected), "{expected:?} missing");
    }
}

#[tokio::test]
async fn only_administrators_read_the_audit_log() {
    let app = TestApp::new().await;
    app.user("manazer", UserKind::Staff, vec![StaffRole::ProjectManager])
        .await;
    app.user("spravce", UserKind::Staff, vec![StaffRole::Administrator])
        .await;
    let pm = app.sign_in("manazer").await;
    assert_eq!(
        app.get("/admin/audit", Some(&pm)).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        !app.get("/", Some(&pm))
            .await
            .text()
            .contains("audit-admin-link")
    );
    let admin = app.sign_in("spravce").await;
    assert!(
        app.get("/", Some(&admin))
            .await
            .text()
            .contains("audit-admin-link")
    );
    assert_eq!(
        app.get("/admin/audit", None).await.status,
        StatusCode::SEE_OTHER
    );
}
