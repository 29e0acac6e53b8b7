//! The podpora use cases without HTTP, on both backends: patches from draft to download
//! (entitlement by release date, files claimed once, stale forms), validation codes (audited
//! issue and reveal in the change's transaction, the all-or-nothing import) and procedures
//! (visibility and revisions).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use bytes::Bytes;
use futures_util::StreamExt;
use supportweb_app::attachments::FileRecord;
use supportweb_app::podpora::patches::{PatchInput, PatchParams};
use supportweb_app::podpora::procedures::{ProcedureInput, ProcedureParams};
use supportweb_app::podpora::validation_codes::{CodeInput, ImportOutcome};
use supportweb_app::testing::{TestApp, build, field_codes};
use supportweb_app::{Actor, App, Error};
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::patch::PatchStep;
use supportweb_domain::user::StaffRole;
use supportweb_storage::testing::{count_rows, fail_inserts_into};

fn podpora_reader(codes: bool) -> MembershipRights {
    MembershipRights {
        podpora: AgendaRight::Read,
        may_see_validation_codes: codes,
        ..MembershipRights::NONE
    }
}

async fn upload(app: &App, actor: &Actor, name: &str, content: &'static [u8]) -> FileRecord {
    let body = futures_util::stream::iter([Ok::<_, std::io::Error>(Bytes::from_static(content))]);
    app.attachments().upload(actor, name, body).await.unwrap()
}

fn patch_input(product: &str, files: Vec<supportweb_domain::ids::FileId>) -> PatchInput {
    PatchInput {
        product: product.to_owned(),
        build: "5.4.2".into(),
        title: "Oprava tisku obálek".into(),
        release_notes: "Opravuje tisk **obálek C5**.".into(),
        released_on: "2026-06-15".into(),
        visibility: "all".into(),
        files,
        ..PatchInput::default()
    }
}

async fn a_patch_from_draft_to_download(test: TestApp) {
    let app = &test.app;
    let store = test.store();
    let developer = build::staff(store, "vyvojar", StaffRole::Developer).await;
    let product = build::product(store, &developer, "ESS").await.to_string();
    let covered = build::organisation(store, "Brno").await;
    build::contract_between(store, covered, build::d(2026, 1, 1), build::d(2026, 12, 31)).await;
    let former = build::organisation(store, "Kolín").await;
    build::contract_between(store, former, build::d(2025, 1, 1), build::d(2025, 12, 31)).await;
    let customer = build::member(store, "referentka", covered, podpora_reader(false)).await;
    let former_customer = build::member(store, "byvaly", former, podpora_reader(false)).await;
    let patches = app.podpora().patches();

    let refused = patches
        .create(
            &developer,
            &PatchInput {
                module: "Mzdy".into(),
                released_on: "včera".into(),
                ..patch_input(&product, vec![])
            },
        )
        .await
        .unwrap_err();
    let fields = field_codes(refused);
    assert!(fields.contains(&("module".into(), "patch-error-module")));
    assert!(fields.contains(&("released_on".into(), "patch-error-released")));

    let foreign_upload = upload(app, &customer, "cizí.zip", b"PK customer").await;
    let claimed = patches
        .create(&developer, &patch_input(&product, vec![foreign_upload.id]))
        .await
        .unwrap_err();
    assert_eq!(
        field_codes(claimed),
        vec![("files".into(), "patch-error-files")],
        "another user's upload never becomes a patch's file"
    );

    let file = upload(app, &developer, "oprava.zip", b"PK patch content").await;
    let draft = patches
        .create(&developer, &patch_input(&product, vec![file.id]))
        .await
        .unwrap();
    let id = draft.id.to_string();
    assert!(
        matches!(patches.get(&customer, &id).await, Err(Error::NotFound)),
        "a draft is the vendor's"
    );
    let stale = patches
        .update(
            &developer,
            &id,
            &patch_input(&product, vec![file.id]),
            draft.version - 1,
        )
        .await
        .unwrap_err();
    assert!(matches!(stale, Error::Conflict), "{stale:?}");
    let published = patches
        .step(&developer, &id, PatchStep::Publish, "", draft.version)
        .await
        .unwrap();
    assert_eq!(published.state.as_str(), "published");

    let record = patches
        .file(&customer, &id, &file.id.to_string())
        .await
        .unwrap();
    assert_eq!(record.sha256, file.sha256);
    patches
        .log_download(&customer, &record, &id, "", "192.0.2.7")
        .await
        .unwrap();
    let closed = patches
        .file(&former_customer, &id, &file.id.to_string())
        .await
        .unwrap_err();
    assert!(
        matches!(closed, Error::DownloadClosed("patch_not_covered")),
        "released after the contract ended: {closed:?}"
    );
    let distribution = patches.distribution(&developer, &id).await.unwrap();
    assert_eq!(distribution.downloads.len(), 1, "the download is logged");
    assert!(
        matches!(
            patches.distribution(&customer, &id).await,
            Err(Error::NotFound)
        ),
        "the download log is staff-only"
    );
    let (query, _) = patches
        .overview_query(&customer, &PatchParams::default())
        .unwrap();
    assert_eq!(
        patches
            .overview(&customer, &query)
            .await
            .unwrap()
            .rows
            .len(),
        1
    );
}

async fn codes_are_audited_with_their_change(test: TestApp) {
    let app = &test.app;
    let store = test.store();
    let developer = build::staff(store, "vyvojar", StaffRole::Developer).await;
    let product = build::product(store, &developer, "ESS").await;
    let brno = build::organisation(store, "Brno").await;
    let flagged = build::member(store, "spravce", brno, podpora_reader(true)).await;
    let unflagged = build::member(store, "referent", brno, podpora_reader(false)).await;
    let codes = app.podpora().validation_codes();
    let input = CodeInput {
        organisation: brno.to_string(),
        product: product.to_string(),
        code: "AAAA-BBBB-KANAR".into(),
        valid_from: "2026-01-01".into(),
        ..CodeInput::default()
    };
    let issued = codes.issue(&developer, &input, "192.0.2.1").await.unwrap();
    assert_eq!(count_rows(store, "audit_events").await, 1, "issue audited");
    let id = issued.id.to_string();
    assert!(matches!(
        codes.get(&unflagged, &id).await,
        Err(Error::NotFound)
    ));
    let (_, value) = codes.reveal(&flagged, &id, "192.0.2.2").await.unwrap();
    assert_eq!(value, "AAAA-BBBB-KANAR");
    assert_eq!(count_rows(store, "audit_events").await, 2, "reveal audited");

    let refused = codes
        .import(
            &developer,
            "ico;product;module;code;valid_from;valid_to;note\n\
             25596642;ESS;;X-1;2026-01-01;;\n\
             12345678;NEZNAMY;;X-2;2026-01-01;;\n",
            "192.0.2.1",
        )
        .await
        .unwrap();
    let ImportOutcome::Refused(problems) = refused else {
        panic!("a file with bad rows is refused");
    };
    assert!(
        problems
            .iter()
            .any(|p| p.line == 3 && p.column == "product")
    );
    assert_eq!(
        count_rows(store, "validation_codes").await,
        1,
        "nothing of a refused file is imported"
    );

    // A write that breaks between the change and its audit entry leaves neither.
    fail_inserts_into(store, "audit_events").await;
    let broken = codes.issue(&developer, &input, "192.0.2.1").await;
    assert!(matches!(broken, Err(Error::Internal(_))), "{broken:?}");
    assert_eq!(
        count_rows(store, "validation_codes").await,
        1,
        "no code without its entry"
    );
    let changed = codes
        .update(
            &developer,
            &id,
            &CodeInput {
                note: "změněno".into(),
                ..input.clone()
            },
            issued.version,
            "192.0.2.1",
        )
        .await;
    assert!(changed.is_err());
    assert_eq!(
        codes.get(&developer, &id).await.unwrap().note,
        "",
        "no change without its entry"
    );
}

async fn an_export_longer_than_one_page_holds_every_code_once(test: TestApp) {
    let app = &test.app;
    let store = test.store();
    let developer = build::staff(store, "vyvojar", StaffRole::Developer).await;
    build::product(store, &developer, "ESS").await;
    build::organisation_from(
        store,
        &supportweb_storage::organisations::NewOrganisation {
            ico: Some(supportweb_domain::organisation::Ico::parse("44992785").unwrap()),
            ..build::new_organisation("Brno")
        },
    )
    .await;
    // 1,001 codes: two full pages of the export and one row on a third.
    let mut file = String::from("ico;product;module;code;valid_from;valid_to;note\n");
    for n in 0..1001 {
        file.push_str(&format!(
            "44992785;ESS;;KOD-{n:04};2026-01-01;;poznámka {n:04}\n"
        ));
    }
    let codes = app.podpora().validation_codes();
    let outcome = codes.import(&developer, &file, "192.0.2.1").await.unwrap();
    assert!(
        matches!(outcome, ImportOutcome::Imported(1001)),
        "{outcome:?}"
    );
    let mut stream = Box::pin(
        codes
            .export(
                &developer,
                &Default::default(),
                supportweb_i18n::Tr::new(supportweb_domain::Language::Cs),
            )
            .unwrap(),
    );
    let mut chunks = 0;
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        chunks += 1;
        body.extend_from_slice(&chunk.unwrap());
    }
    assert!(
        chunks >= 4,
        "the header and a chunk per page of 500: {chunks}"
    );
    let text = String::from_utf8(body).unwrap();
    let mut notes: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|line| line.rsplit(';').nth(1).unwrap().trim_matches('"'))
        .collect();
    assert_eq!(notes.len(), 1001);
    notes.sort_unstable();
    notes.dedup();
    assert_eq!(notes.len(), 1001, "no code twice across the pages");
    assert_eq!(notes[0], "poznámka 0000");
    assert_eq!(notes[1000], "poznámka 1000");
}

async fn procedures_keep_their_visibility(test: TestApp) {
    let app = &test.app;
    let store = test.store();
    let technician = build::staff(store, "technik", StaffRole::Technician).await;
    let brno = build::organisation(store, "Brno").await;
    let lhota = build::organisation(store, "Lhota").await;
    let customer = build::member(store, "referentka", brno, podpora_reader(false)).await;
    let procedures = app.podpora().procedures();
    let input = |title: &str, visibility: &str, organisations: Vec<String>| ProcedureInput {
        title: title.into(),
        body: "1. Otevřete **podatelnu**.".into(),
        visibility: visibility.into(),
        organisations,
        ..ProcedureInput::default()
    };
    let shared = procedures
        .create(&technician, &input("Jak tisknout obálky", "all", vec![]))
        .await
        .unwrap();
    procedures
        .create(&technician, &input("INTERNI-POSTUP", "staff", vec![]))
        .await
        .unwrap();
    procedures
        .create(
            &technician,
            &input("LHOTA-POSTUP", "chosen", vec![lhota.to_string()]),
        )
        .await
        .unwrap();
    let (query, _) = procedures
        .overview_query(&customer, &ProcedureParams::default())
        .unwrap();
    let seen: Vec<String> = procedures
        .overview(&customer, &query)
        .await
        .unwrap()
        .rows
        .into_iter()
        .map(|p| p.title)
        .collect();
    assert_eq!(seen, vec!["Jak tisknout obálky".to_owned()]);

    let id = shared.id.to_string();
    procedures
        .update(
            &technician,
            &id,
            &input("Jak tisknout obálky C5", "all", vec![]),
            shared.version,
        )
        .await
        .unwrap();
    let revision = procedures.revision(&customer, &id, "2").await.unwrap();
    assert_eq!(revision.shown.title, "Jak tisknout obálky C5");
    assert_eq!(
        revision.before.map(|b| b.title).as_deref(),
        Some("Jak tisknout obálky")
    );
    let empty = procedures
        .create(&technician, &input(" ", "chosen", vec![]))
        .await
        .unwrap_err();
    let fields = field_codes(empty);
    assert!(fields.contains(&("title".into(), "procedure-error-title")));
    assert!(fields.contains(&("organisations".into(), "patch-error-organisations")));
}

supportweb_app::both_backends!(
    an_export_longer_than_one_page_holds_every_code_once,
    a_patch_from_draft_to_download,
    codes_are_audited_with_their_change,
    procedures_keep_their_visibility
);
