//! Communication protocols end to end in the pages: staff record a protocol with participants,
//! items, tasks and a file (field errors keep what was typed), issue it; the verifier objects
//! (comments required), staff revise and issue again, the verifier confirms revision 2 and the
//! protocol is locked; revisions compare line by line; the print view holds the whole
//! protocol; the next protocol of the project reviews the open tasks; drafts and another
//! organisation's protocols never reach a customer (pages, CSV, tasks, print, files, e-mail).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use axum::http::StatusCode;
use common::{TestApp, multipart_form, organisation};
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::ids::{OrganisationId, UserId};
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::user::{StaffRole, UserKind};

async fn member(
    app: &TestApp,
    login: &str,
    organisation: OrganisationId,
    confirm: bool,
) -> (UserId, String) {
    let id = app.user(login, UserKind::Customer, vec![]).await;
    app.db
        .store
        .set_membership(
            id,
            organisation,
            &MembershipRights {
                protocols: AgendaRight::Read,
                may_confirm_protocols: confirm,
                ..MembershipRights::NONE
            },
        )
        .await
        .unwrap();
    (id, app.sign_in(login).await)
}

fn value_of(page: &str, marker: &str) -> String {
    page.split(marker)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_else(|| panic!("{marker} not in page"))
        .to_owned()
}

/// The form fields of a protocol of `organisation`.
fn fields(
    organisation: &str,
    consultant: &str,
    verifier: &str,
    subject: &str,
    extra_item: bool,
) -> Vec<(String, String)> {
    let mut f: Vec<(&str, &str)> = vec![
        ("organisation", organisation),
        ("project", "Zavedení spisové služby"),
        ("subject", subject),
        ("kind", "meeting"),
        ("held_at", "2026-11-20T09:30"),
        ("place", "Radnice, zasedací místnost"),
        ("minute_taker", consultant),
        ("vendor_present", consultant),
        ("customer_present", verifier),
        ("external_name", "Ing. Petra Malá; tajemnice"),
        ("external_affiliation", "Národní archiv"),
        ("external_presence", "excused"),
        ("verifiers", verifier),
        ("verification_due", "2026-12-04"),
        ("item_title", "Migrace dat"),
        (
            "item_summary",
            "Probrán postup **migrace**.<script>alert(1)</script>",
        ),
        ("item_decisions", "Migrace proběhne v lednu."),
    ];
    if extra_item {
        f.extend([
            ("item_title", "Školení uživatelů"),
            ("item_summary", "Termín školení."),
            ("item_decisions", "Školení 15. ledna."),
        ]);
    }
    f.extend([
        ("item_title", ""),
        ("item_summary", ""),
        ("item_decisions", ""),
        ("task_id", ""),
        ("task_description", "Dodat exportní skript"),
        ("task_side", "vendor"),
        ("task_responsible", consultant),
        ("task_responsible_name", ""),
        ("task_due", "2026-12-10"),
        ("task_state", "open"),
        ("task_id", ""),
        ("task_description", "Připravit seznam uživatelů"),
        ("task_side", "customer"),
        ("task_responsible", ""),
        ("task_responsible_name", "Starosta Novák"),
        ("task_due", "2026-12-20"),
        ("task_state", "open"),
    ]);
    f.into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn borrowed(f: &[(String, String)]) -> Vec<(&str, &str)> {
    f.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

async fn step(app: &TestApp, path: &str, cookie: &str, step: &str, comment: &str) -> StatusCode {
    // Users offered no step find no version on the page: they send a made-up one.
    let page = app.get(path, Some(cookie)).await.text();
    let version = page
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("1")
        .to_owned();
    app.post_form(
        &format!("{path}/steps"),
        &[("step", step), ("comment", comment), ("version", &version)],
        Some(cookie),
    )
    .await
    .status
}

#[tokio::test]
async fn a_protocol_is_issued_objected_revised_confirmed_and_printed() {
    life_of_a_protocol(TestApp::new().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_protocol_is_issued_objected_revised_confirmed_and_printed_on_postgres() {
    if let Some(db) = supportweb_storage::testing::postgres().await {
        life_of_a_protocol(TestApp::on(db).await).await;
    }
}

async fn life_of_a_protocol(app: TestApp) {
    let lhota = organisation(&app, "Obec Lhota", true).await;
    let brno = organisation(&app, "Město Brno", true).await;
    let consultant = app
        .user("konzultant", UserKind::Staff, vec![StaffRole::Consultant])
        .await;
    let manager = app
        .user(
            "obchodnik",
            UserKind::Staff,
            vec![StaffRole::ProjectManager],
        )
        .await;
    app.db
        .store
        .add_to_account_team(lhota, manager)
        .await
        .unwrap();
    let staff = app.sign_in("konzultant").await;
    let (verifier, verifier_cookie) = member(&app, "starosta", lhota, true).await;
    let (_, reader) = member(&app, "referent", lhota, false).await;
    let (brno_verifier, brno_cookie) = member(&app, "primator", brno, true).await;
    let (c, v) = (consultant.to_string(), verifier.to_string());

    let chooser = app.get("/protocols/new", Some(&staff)).await.text();
    assert!(chooser.contains("id=\"choose-organisation\""));
    let form = app
        .get(
            &format!("/protocols/new?organisation={lhota}"),
            Some(&staff),
        )
        .await
        .text();
    assert!(
        form.contains("Zkušební starosta"),
        "the organisation's users are offered"
    );
    assert!(
        !form.contains("Zkušební primator"),
        "never another organisation's"
    );

    // Field errors next to their fields, typed values and the upload kept, nothing created.
    let mut bad = fields(&lhota.to_string(), &c, &v, "", false);
    bad.retain(|(k, val)| !(k == "task_due" && val == "2026-12-20") && k != "external_presence");
    bad.push(("task_due".into(), String::new()));
    // A presence the form does not understand is asked again, never taken as "present".
    bad.push(("external_presence".into(), "nevím".into()));
    let refused = app
        .post_multipart(
            "/protocols",
            multipart_form(&borrowed(&bad), &[("files", "zapis.pdf", b"%PDF-1.4")]),
            &staff,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text();
    assert!(
        text.contains("id=\"subject-error\"") && text.contains("id=\"tasks-error\""),
        "{text}"
    );
    assert!(text.contains("id=\"externals-error\""), "{text}");
    assert!(
        text.contains("value=\"Ing. Petra Malá; tajemnice\""),
        "the typed name is kept as typed"
    );
    assert!(text.contains("Dodat exportní skript") && text.contains("name=\"file_id\""));
    // Another organisation's user smuggled in as verifier.
    let mut smuggled = fields(&lhota.to_string(), &c, &v, "Cizí", false);
    smuggled
        .iter_mut()
        .filter(|(k, _)| k == "verifiers")
        .for_each(|(_, val)| *val = brno_verifier.to_string());
    let refused = app
        .post_multipart(
            "/protocols",
            multipart_form(&borrowed(&smuggled), &[]),
            &staff,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().contains("id=\"verifiers-error\""));
    assert!(
        app.get("/protocols", Some(&staff))
            .await
            .text()
            .contains("id=\"no-protocols\"")
    );

    let good = fields(
        &lhota.to_string(),
        &c,
        &v,
        "Úvodní schůzka k migraci",
        false,
    );
    let created = app
        .post_multipart(
            "/protocols",
            multipart_form(
                &borrowed(&good),
                &[("files", "prezence.pdf", b"%PDF-1.4 prezence")],
            ),
            &staff,
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.text());
    let path = created.header("location");
    let page = app.get(&path, Some(&staff)).await.text();
    assert!(page.contains("KP-"));
    assert!(page.contains("<strong>migrace</strong>") && !page.contains("<script>alert"));
    assert!(page.contains("Ing. Petra Malá; tajemnice") && page.contains("omluven"));
    // Drafts are staff-only.
    assert_eq!(
        app.get(&path, Some(&verifier_cookie)).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(
        !app.get("/protocols", Some(&verifier_cookie))
            .await
            .text()
            .contains("Úvodní schůzka")
    );

    assert_eq!(
        step(&app, &path, &staff, "issue", "").await,
        StatusCode::SEE_OTHER
    );
    let seen = app.get(&path, Some(&verifier_cookie)).await.text();
    assert!(seen.contains("id=\"step-confirm\"") && seen.contains("id=\"step-object\""));
    let readers_view = app.get(&path, Some(&reader)).await.text();
    assert!(
        !readers_view.contains("id=\"step-confirm\""),
        "only verifiers answer"
    );
    assert_eq!(
        step(&app, &path, &reader, "confirm", "").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        step(&app, &path, &verifier_cookie, "object", " ").await,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(
        step(
            &app,
            &path,
            &verifier_cookie,
            "object",
            "Chybí termín školení."
        )
        .await,
        StatusCode::SEE_OTHER
    );

    // Staff revise and issue revision 2; the verifier confirms it; it is locked.
    let edit = app.get(&format!("{path}/edit"), Some(&staff)).await.text();
    let version = value_of(&edit, "name=\"version\" value=\"");
    let file = value_of(&edit, "name=\"keep_file\" value=\"");
    let mut revised = fields(&lhota.to_string(), &c, &v, "Úvodní schůzka k migraci", true);
    revised.push(("version".into(), version.clone()));
    revised.push(("keep_file".into(), file.clone()));
    let saved = app
        .post_multipart(&path, multipart_form(&borrowed(&revised), &[]), &staff)
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    // While staff revise, the customer reads the protocol as issued, not the edits.
    for target in [
        path.clone(),
        format!("{path}/print"),
        "/protocols/export.csv".to_owned(),
    ] {
        let text = app.get(&target, Some(&reader)).await.text();
        assert!(!text.contains("Školení uživatelů"), "{target}");
    }
    assert!(
        app.get(&path, Some(&staff))
            .await
            .text()
            .contains("Školení uživatelů")
    );
    // The consultant now uses the portal in English: the record stays Czech, so the
    // revisions differ only where the protocol does.
    app.db
        .store
        .set_user_language(consultant, supportweb_domain::Language::En)
        .await
        .unwrap();
    assert_eq!(
        step(&app, &path, &staff, "issue", "").await,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        step(&app, &path, &verifier_cookie, "confirm", "").await,
        StatusCode::SEE_OTHER
    );
    let confirmed = app.get(&path, Some(&reader)).await.text();
    assert!(confirmed.contains("Potvrzen"));
    assert!(confirmed.contains("vznesl(a) připomínky k revizi 1: Chybí termín školení."));
    assert!(confirmed.contains("potvrdil(a) revizi 2"));
    assert!(
        !app.get(&path, Some(&staff))
            .await
            .text()
            .contains("id=\"edit-protocol\""),
        "locked"
    );
    let locked = app
        .post_multipart(&path, multipart_form(&borrowed(&revised), &[]), &staff)
        .await;
    assert_eq!(locked.status, StatusCode::CONFLICT);
    let second = app
        .get(&format!("{path}/revisions/2"), Some(&reader))
        .await
        .text();
    assert!(
        second.contains("<span class=\"line-added\">+ 2. Školení uživatelů</span>"),
        "{second}"
    );
    assert!(!second.contains("line-removed\">- Organizace"), "{second}");
    // The record names the verifiers, the deadline and the files with their checksums.
    assert!(
        second.contains("Ověřovatelé za zákazníka: Zkušební starosta"),
        "{second}"
    );
    assert!(second.contains("Termín ověření: 4. 12. 2026"));
    assert!(
        second.contains("Přílohy\n- prezence.pdf (SHA-256 "),
        "{second}"
    );

    // The print view: one clean document with everything, no navigation.
    let print = app
        .get(&format!("{path}/print"), Some(&reader))
        .await
        .text();
    for expected in [
        "Úvodní schůzka k migraci",
        "Migrace proběhne v lednu.",
        "Školení 15. ledna.",
        "Připravit seznam uživatelů",
        "potvrdil(a) revizi 2",
        "Ing. Petra Malá",
    ] {
        assert!(print.contains(expected), "{expected}");
    }
    assert!(!print.contains("id=\"logout\"") && print.contains("/assets/print.css"));
    let download = app
        .get(&format!("{path}/files/{file}"), Some(&reader))
        .await;
    assert_eq!(download.bytes, b"%PDF-1.4 prezence");

    // The next protocol of the project starts with the open tasks of the first.
    let task_page = app.get(&path, Some(&staff)).await.text();
    let vendor_task = value_of(&task_page, "id=\"done-");
    let task_version = value_of(
        task_page
            .split(&format!("id=\"task-{vendor_task}\""))
            .nth(1)
            .unwrap(),
        "name=\"version\" value=\"",
    );
    let set_task = |state: &'static str, version: String| {
        let (app, path, staff) = (&app, path.clone(), staff.clone());
        let url = format!("/protocols/tasks/{vendor_task}");
        async move {
            app.post_form(
                &url,
                &[("state", state), ("version", &version), ("next", &path)],
                Some(&staff),
            )
            .await
            .status
        }
    };
    let version_now = |page: &str| {
        value_of(
            page.split(&format!("id=\"task-{vendor_task}\""))
                .nth(1)
                .unwrap(),
            "name=\"version\" value=\"",
        )
    };
    // Marked done by mistake, opened again, then done for real; an open task may also be
    // cancelled, and each step is offered on the page.
    assert_eq!(set_task("done", task_version).await, StatusCode::SEE_OTHER);
    let page = app.get(&path, Some(&staff)).await.text();
    assert!(page.contains(&format!("id=\"reopen-{vendor_task}\"")));
    assert!(!page.contains(&format!("id=\"done-{vendor_task}\"")));
    assert_eq!(
        set_task("open", version_now(&page)).await,
        StatusCode::SEE_OTHER
    );
    let page = app.get(&path, Some(&staff)).await.text();
    assert!(page.contains(&format!("id=\"cancel-{vendor_task}\"")));
    assert_eq!(
        set_task("done", version_now(&page)).await,
        StatusCode::SEE_OTHER
    );
    let mut next = fields(&lhota.to_string(), &c, &v, "Druhá schůzka", false);
    next.retain(|(k, _)| !k.starts_with("task_"));
    next.iter_mut()
        .filter(|(k, _)| k == "held_at")
        .for_each(|(_, val)| *val = "2026-11-27T09:30".into());
    let next_path = app
        .post_multipart("/protocols", multipart_form(&borrowed(&next), &[]), &staff)
        .await
        .header("location");
    let review = app.get(&next_path, Some(&staff)).await.text();
    let review = review
        .split("id=\"review\"")
        .nth(1)
        .expect("a review of open tasks");
    assert!(review.contains("Připravit seznam uživatelů"));
    assert!(
        !review.contains("Dodat exportní skript"),
        "done tasks are not reviewed"
    );

    // Tasks overview: what the customer owes.
    let owed = app
        .get("/protocols/tasks?side=customer", Some(&reader))
        .await
        .text();
    assert!(owed.contains("Připravit seznam uživatelů") && !owed.contains("Dodat exportní skript"));

    // Brno never sees Lhota's protocols, tasks or files; a foreign protocol answers like a missing one.
    let missing_path = format!("/protocols/{}", uuid::Uuid::now_v7());
    for target in [
        "/protocols",
        "/protocols/export.csv",
        "/protocols/tasks",
        "/protocols/tasks?state=done",
    ] {
        let reply = app.get(target, Some(&brno_cookie)).await;
        assert_eq!(reply.status, StatusCode::OK, "{target}");
        assert!(
            !reply.text().contains("Úvodní schůzka") && !reply.text().contains("Připravit seznam"),
            "{target}"
        );
    }
    for suffix in ["", "/print", "/revisions/1", &format!("/files/{file}")] {
        let foreign = app
            .get(&format!("{path}{suffix}"), Some(&brno_cookie))
            .await;
        assert_eq!(foreign.status, StatusCode::NOT_FOUND, "{suffix}");
        let missing = app
            .get(&format!("{missing_path}{suffix}"), Some(&brno_cookie))
            .await;
        assert_eq!(
            foreign
                .text()
                .replace(&foreign.header("x-request-id"), "")
                .replace(&path, "/x"),
            missing
                .text()
                .replace(&missing.header("x-request-id"), "")
                .replace(&missing_path, "/x"),
            "{suffix}"
        );
    }
    assert_eq!(
        step(&app, &path, &brno_cookie, "confirm", "").await,
        StatusCode::NOT_FOUND
    );

    // E-mails: the verifier hears of each issue, the minute-taker and the account team of
    // the answers; Brno's users hear nothing.
    common::drain_events(&app).await;
    let outbox = app.db.store.outbox_entries().await.unwrap();
    let to = |email: &str| {
        outbox
            .iter()
            .filter(|m| m.recipient_email == email)
            .map(|m| m.subject.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        to("starosta@example.cz")
            .iter()
            .filter(|s| s.contains("Protokol k ověření"))
            .count(),
        2,
        "{outbox:?}"
    );
    assert!(
        to("konzultant@example.cz")
            .iter()
            .all(|s| !s.contains("k ověření")),
        "nobody hears of their own step"
    );
    assert!(
        to("obchodnik@example.cz")
            .iter()
            .any(|s| s.contains("Připomínky k protokolu"))
    );
    assert!(
        to("obchodnik@example.cz")
            .iter()
            .any(|s| s.contains("Protokol potvrzen"))
    );
    assert!(
        to("starosta@example.cz")
            .iter()
            .all(|s| !s.contains("Připomínky")),
        "objections go to staff"
    );
    assert!(to("primator@example.cz").is_empty());
    assert!(to("referent@example.cz").is_empty());
}

#[tokio::test]
async fn the_api_records_issues_and_answers_like_the_pages() {
    let app = TestApp::new().await;
    let lhota = organisation(&app, "Obec Lhota", true).await;
    let brno = organisation(&app, "Město Brno", true).await;
    let consultant = app
        .user("konzultant", UserKind::Staff, vec![StaffRole::Consultant])
        .await;
    let staff = common::api_token(&app, "konzultant").await;
    let (verifier, _) = member(&app, "starosta", lhota, true).await;
    let verifier_token = common::api_token(&app, "starosta").await;
    member(&app, "primator", brno, true).await;
    let brno_token = common::api_token(&app, "primator").await;
    let body = |subject: &str| {
        serde_json::json!({
            "organisation_id": lhota.0,
            "project": "Zavedení spisové služby",
            "kind": "video_call",
            "held_at": "2026-11-20T10:00",
            "minute_taker_id": consultant.0,
            "subject": subject,
            "participants": [
                {"side": "vendor", "user_id": consultant.0, "present": true},
                {"side": "customer", "user_id": verifier.0, "present": true},
                {"side": "external", "name": "Ing. Malá; tajemnice", "affiliation": "Národní archiv; odbor A", "present": false}
            ],
            "verifier_ids": [verifier.0],
            "items": [{"title": "Migrace", "summary": "Postup.", "decisions": "V lednu."}],
            "tasks": [
                {"description": "Dodat skript", "side": "vendor", "responsible_user_id": consultant.0, "due_on": "2026-12-10"},
                {"description": "Připravit seznam uživatelů", "side": "customer", "responsible_name": "Starosta", "due_on": "2026-12-20"}
            ]
        })
    };
    let bad = common::api_call(&app, "POST", "/api/v1/protocols", &staff, Some(serde_json::json!({
        "organisation_id": lhota.0, "project": "", "kind": "porada", "held_at": "včera", "minute_taker_id": consultant.0, "subject": ""
    }))).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let problem = bad.json();
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    for field in ["project", "kind", "held_at", "subject"] {
        assert!(fields.contains(&field), "{field}: {fields:?}");
    }
    let created = common::api_call(
        &app,
        "POST",
        "/api/v1/protocols",
        &staff,
        Some(body("API schůzka")),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    let protocol = created.json();
    let id = protocol["id"].as_str().unwrap().to_owned();
    assert_eq!(protocol["state"], "draft");
    assert_eq!(protocol["participants"][2]["present"], false);
    assert_eq!(
        (
            &protocol["participants"][2]["name"],
            &protocol["participants"][2]["affiliation"]
        ),
        (
            &serde_json::json!("Ing. Malá; tajemnice"),
            &serde_json::json!("Národní archiv; odbor A")
        ),
        "typed text is kept as typed"
    );
    assert_eq!(
        common::api_call(
            &app,
            "GET",
            &format!("/api/v1/protocols/{id}"),
            &verifier_token,
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let issued = common::api_call(
        &app,
        "POST",
        &format!("/api/v1/protocols/{id}/steps"),
        &staff,
        Some(serde_json::json!({"step": "issue", "version": protocol["version"]})),
    )
    .await;
    assert_eq!(issued.status, StatusCode::OK, "{}", issued.text());
    let detail = common::api_call(
        &app,
        "GET",
        &format!("/api/v1/protocols/{id}"),
        &verifier_token,
        None,
    )
    .await
    .json();
    assert_eq!(detail["steps"], serde_json::json!(["confirm", "object"]));
    let version = detail["protocol"]["version"].clone();
    let no_comment = common::api_call(
        &app,
        "POST",
        &format!("/api/v1/protocols/{id}/steps"),
        &verifier_token,
        Some(serde_json::json!({"step": "object", "version": version})),
    )
    .await;
    assert_eq!(no_comment.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        no_comment.json()["errors"][0]["code"],
        "protocol-error-comment"
    );
    let confirmed = common::api_call(
        &app,
        "POST",
        &format!("/api/v1/protocols/{id}/steps"),
        &verifier_token,
        Some(serde_json::json!({"step": "confirm", "version": version})),
    )
    .await;
    assert_eq!(confirmed.json()["state"], "confirmed");
    let stale = common::api_call(
        &app,
        "POST",
        &format!("/api/v1/protocols/{id}/steps"),
        &verifier_token,
        Some(serde_json::json!({"step": "object", "comment": "x", "version": version})),
    )
    .await;
    assert_eq!(
        stale.status,
        StatusCode::FORBIDDEN,
        "a confirmed protocol offers no step"
    );
    let locked = common::api_call(
        &app,
        "PUT",
        &format!("/api/v1/protocols/{id}"),
        &staff,
        Some({
            let mut b = body("Přepsáno");
            b["version"] = confirmed.json()["version"].clone();
            b
        }),
    )
    .await;
    assert_eq!(locked.status, StatusCode::CONFLICT);
    let text = common::api_call(
        &app,
        "GET",
        &format!("/api/v1/protocols/{id}/revisions/1"),
        &verifier_token,
        None,
    )
    .await
    .json();
    assert!(text["text"].as_str().unwrap().contains("Migrace"));
    // Reminders: the vendor's task is overdue (to its responsible consultant), the
    // customer's is due within days (to the verifier, as nobody with an account is named).
    let store = &app.db.store;
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 18).unwrap();
    assert_eq!(store.remind_tasks(today).await.unwrap(), 2);
    common::drain_events(&app).await;
    let outbox = store.outbox_entries().await.unwrap();
    let subjects = |email: &str| {
        outbox
            .iter()
            .filter(|m| m.recipient_email == email)
            .map(|m| m.subject.clone())
            .collect::<Vec<_>>()
    };
    assert!(
        subjects("konzultant@example.cz")
            .iter()
            .any(|s| s.contains("Úkol po termínu")),
        "{outbox:?}"
    );
    assert!(
        subjects("starosta@example.cz")
            .iter()
            .any(|s| s.contains("Blíží se termín úkolu")),
        "{outbox:?}"
    );
    assert!(subjects("primator@example.cz").is_empty());
    let tasks = common::api_call(
        &app,
        "GET",
        "/api/v1/protocol-tasks?side=vendor",
        &verifier_token,
        None,
    )
    .await
    .json();
    assert_eq!(tasks["items"][0]["description"], "Dodat skript");
    let task_id = tasks["items"][0]["id"].as_str().unwrap().to_owned();
    let refused = common::api_call(
        &app,
        "PUT",
        &format!("/api/v1/protocol-tasks/{task_id}"),
        &verifier_token,
        Some(serde_json::json!({"state": "done", "version": 1})),
    )
    .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let done = common::api_call(
        &app,
        "PUT",
        &format!("/api/v1/protocol-tasks/{task_id}"),
        &staff,
        Some(serde_json::json!({"state": "done", "version": 1})),
    )
    .await;
    assert_eq!(done.json()["state"], "done");
    // Brno's user: nothing of Lhota's, byte for byte like a missing protocol.
    assert!(
        common::api_call(&app, "GET", "/api/v1/protocols", &brno_token, None)
            .await
            .json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    assert!(
        common::api_call(
            &app,
            "GET",
            "/api/v1/protocol-tasks?state=done",
            &brno_token,
            None
        )
        .await
        .json()["items"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    let foreign = common::api_call(
        &app,
        "GET",
        &format!("/api/v1/protocols/{id}"),
        &brno_token,
        None,
    )
    .await;
    let missing = common::api_call(
        &app,
        "GET",
        &format!("/api/v1/protocols/{}", uuid::Uuid::now_v7()),
        &brno_token,
        None,
    )
    .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    let strip = |reply: &common::Reply| {
        let mut v = reply.json();
        v["request_id"] = serde_json::Value::Null;
        v
    };
    assert_eq!(strip(&foreign), strip(&missing));
    assert_eq!(
        common::api_call(
            &app,
            "PUT",
            &format!("/api/v1/protocol-tasks/{task_id}"),
            &brno_token,
            Some(serde_json::json!({"state": "open", "version": 2}))
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}
