//! The product catalogue, installation cards and contract editing in the pages: field errors
//! with nothing stored, modules of another product refused, stale contract edits refused,
//! changes in the history and the audit log, and the customer seeing its card.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use chrono::NaiveDate;
use common::TestApp;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::{StaffRole, UserKind};
use supportweb_storage::contracts::NewContract;
use supportweb_storage::testing::build;

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start} in {text}"))
        + start.len();
    let rest = &text[from..];
    &rest[..rest.find(end).unwrap()]
}

fn staff_actor() -> supportweb_domain::Actor {
    supportweb_domain::Actor {
        user_id: supportweb_domain::ids::UserId(uuid::Uuid::now_v7()),
        kind: UserKind::Staff,
        roles: vec![StaffRole::Administrator],
        display_name: "Test".into(),
        language: supportweb_domain::Language::Cs,
        memberships: Vec::new(),
    }
}

#[tokio::test]
async fn staff_maintain_the_catalogue_cards_and_contracts() {
    let app = TestApp::new().await;
    app.user(
        "manazerka",
        UserKind::Staff,
        vec![StaffRole::ProjectManager],
    )
    .await;
    app.staff("technik.cte").await;
    let pm = app.sign_in("manazerka").await;
    let tech = app.sign_in("technik.cte").await;

    // A product: a bad code and no versions are explained, nothing is stored.
    let bad = app
        .post_form(
            "/admin/products",
            &[
                ("code", "spis služba"),
                ("name", "Spisová služba"),
                ("versions", " "),
            ],
            Some(&pm),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("id=\"code-error\""));
    assert!(bad.text().contains("id=\"versions-error\""));
    assert!(app.db.store.products(true).await.unwrap().is_empty());
    let created = app
        .post_form(
            "/admin/products",
            &[
                ("code", "spis"),
                ("name", "Spisová služba"),
                ("versions", "5.4\n5.3"),
                ("modules", "Podatelna\nVýpravna\nPodatelna"),
                ("is_active", "on"),
            ],
            Some(&pm),
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
    let product = app.db.store.products(true).await.unwrap().remove(0);
    assert_eq!(product.code, "SPIS");
    assert_eq!(
        product.modules,
        ["Podatelna", "Výpravna"],
        "duplicates dropped"
    );
    let list = app.get("/admin/products", Some(&tech)).await;
    assert!(
        list.text().contains("Spisová služba"),
        "technicians read it"
    );
    let denied = app
        .post_form("/admin/products", &[("code", "X")], Some(&tech))
        .await;
    assert_eq!(denied.status, StatusCode::NOT_FOUND);

    // The installation card: the product's own versions and modules only.
    let organisation = build::organisation(&app.db.store, "Obec Karta").await;
    let choose = app
        .get(
            &format!("/admin/organisations/{organisation}/installations/new"),
            Some(&pm),
        )
        .await
        .text();
    assert!(choose.contains(&format!("?product={}", product.id)));
    let path = format!("/admin/organisations/{organisation}/installations");
    let product_id = product.id.to_string();
    let foreign = app
        .post_form(
            &path,
            &[
                ("product", product_id.as_str()),
                ("label", "Produkce"),
                ("product_version", "5.4"),
                ("module", "Mzdy"),
            ],
            Some(&pm),
        )
        .await;
    assert_eq!(foreign.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(foreign.text().contains("id=\"modules-error\""));
    let added = app
        .post_form(
            &path,
            &[
                ("product", product_id.as_str()),
                ("label", "Produkce"),
                ("product_version", "5.3"),
                ("module", "Podatelna"),
                ("module", "Výpravna"),
            ],
            Some(&pm),
        )
        .await;
    assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.text());
    let page = app
        .get(&format!("/admin/organisations/{organisation}"), Some(&pm))
        .await
        .text();
    let card = between(&page, "id=\"installations\"", "</section>");
    assert!(
        card.contains("Podatelna, Výpravna") && card.contains("5.3"),
        "{card}"
    );

    // The customer sees the card on "My organisation".
    let customer = app
        .user("zakaznice.karta", UserKind::Customer, vec![])
        .await;
    app.db
        .store
        .set_membership(customer, organisation, &MembershipRights::NONE)
        .await
        .unwrap();
    let cust = app.sign_in("zakaznice.karta").await;
    let mine = app.get("/organisation", Some(&cust)).await.text();
    assert!(
        mine.contains("Spisová služba") && mine.contains("5.3"),
        "{mine}"
    );

    // A contract edited on its own page: products ticked, stale edits refused, history, audit.
    let contract = build::contract_from(
        &app.db.store,
        &NewContract {
            number: "SP-2026-0100".into(),
            ..build::new_contract(organisation, build::d(2026, 1, 1), build::d(2026, 12, 31))
        },
    )
    .await;
    let edit_path = format!("/admin/contracts/{contract}");
    let form = |to: &'static str| {
        vec![
            ("number", "SP-2026-0100"),
            ("valid_from", "2026-01-01"),
            ("valid_to", to),
            ("state", "active"),
            ("critical_response", "2"),
            ("critical_resolution", "8"),
            ("high_response", "4"),
            ("high_resolution", "16"),
            ("medium_response", "8"),
            ("medium_resolution", "40"),
            ("low_response", "16"),
            ("low_resolution", "80"),
            ("version", "1"),
        ]
    };
    let mut fields = form("2027-12-31");
    fields.push(("product", product_id.as_str()));
    let saved = app.post_form(&edit_path, &fields, Some(&pm)).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let stale = app
        .post_form(&edit_path, &form("2028-12-31"), Some(&pm))
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    assert!(stale.text().contains("id=\"version-error\""));
    let stored = app
        .db
        .store
        .contract(&staff_actor(), contract)
        .await
        .unwrap();
    assert_eq!(
        stored.term.valid_to,
        NaiveDate::from_ymd_opt(2027, 12, 31).unwrap()
    );
    assert_eq!(stored.products.len(), 1);
    let page = app.get(&edit_path, Some(&tech)).await.text();
    let history = between(&page, "id=\"history\"", "</section>");
    assert!(
        history.contains("31. 12. 2027") && history.contains("Spisová služba"),
        "{history}"
    );
    assert!(
        !page.contains("id=\"save-contract\""),
        "technicians only read contracts"
    );
    let denied = app
        .post_form(&edit_path, &form("2030-12-31"), Some(&tech))
        .await;
    assert_eq!(denied.status, StatusCode::NOT_FOUND);
    let admin = app
        .user(
            "spravce.audit",
            UserKind::Staff,
            vec![StaffRole::Administrator],
        )
        .await;
    let _ = admin;
    let admin = app.sign_in("spravce.audit").await;
    let audit = app
        .get("/admin/audit?event=contract_changed", Some(&admin))
        .await
        .text();
    assert!(
        audit.contains("SP-2026-0100: valid_to, products"),
        "{audit}"
    );
}
