//! Full-text search on both backends: case, diacritics and prefixes, the subject ranked over
//! the body, the number going straight to the record, the index following every write, and
//! another organisation's canary or an internal note's canary never found by a customer —
//! in the portal-wide search, the overview's `q=` and its CSV export.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use futures_util::StreamExt;
use supportweb_app::customization_orders::{
    OrderInput, OrderParams, OrderStep, QuoteInput, StepInput,
};
use supportweb_app::podpora::patches::PatchInput;
use supportweb_app::podpora::procedures::ProcedureInput;
use supportweb_app::protocols::{
    ItemInput, ProtocolInput, ProtocolParams, ProtocolStep, TaskInput,
};
use supportweb_app::search::{MARK_END, MARK_START, SearchOutcome, SearchParams};
use supportweb_app::support_documents::{OpenDocument, OverviewParams};
use supportweb_app::testing::{TestApp, build, field_codes};
use supportweb_domain::Actor;
use supportweb_domain::Language;
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::patch::PatchStep;
use supportweb_domain::user::StaffRole;
use supportweb_i18n::Tr;
use supportweb_storage::organisations::NewOrganisation;

fn writer() -> MembershipRights {
    MembershipRights {
        support_documents: AgendaRight::Write,
        ..MembershipRights::NONE
    }
}

fn typed(organisation: &str, subject: &str, description: &str) -> OpenDocument {
    OpenDocument {
        organisation: organisation.to_owned(),
        category: "error".into(),
        severity: "high".into(),
        subject: subject.into(),
        description: description.into(),
        contact: "Jana Malá".into(),
        ..OpenDocument::default()
    }
}

/// The numbers found for `q`, best first, with the first hit's snippet.
async fn found(test: &TestApp, actor: &Actor, q: &str) -> (Vec<String>, String) {
    match test
        .app
        .search(
            actor,
            &SearchParams {
                q: q.into(),
                ..SearchParams::default()
            },
        )
        .await
        .unwrap()
    {
        SearchOutcome::Results { groups, .. } => {
            let hits: Vec<_> = groups.into_iter().flat_map(|g| g.hits).collect();
            let snippet = hits.first().map(|h| h.snippet.clone()).unwrap_or_default();
            (hits.into_iter().map(|h| h.number).collect(), snippet)
        }
        SearchOutcome::Record(path) => (vec![path], String::new()),
    }
}

async fn numbers_in_overview(test: &TestApp, actor: &Actor, q: &str) -> Vec<String> {
    let documents = test.app.support_documents();
    let params = OverviewParams {
        view: "all".into(),
        q: q.into(),
        ..OverviewParams::default()
    };
    let (query, problems) = documents.overview_query(actor, &params).unwrap();
    assert!(problems.is_empty());
    let mut numbers: Vec<String> = documents
        .overview(actor, &query)
        .await
        .unwrap()
        .rows
        .into_iter()
        .map(|d| d.number)
        .collect();
    numbers.sort();
    numbers
}

async fn export(test: &TestApp, actor: &Actor, q: &str) -> String {
    let params = OverviewParams {
        view: "all".into(),
        q: q.into(),
        ..OverviewParams::default()
    };
    let mut body = Vec::new();
    let mut stream = Box::pin(
        test.app
            .support_documents()
            .export(actor, &params, Tr::new(Language::Cs))
            .unwrap(),
    );
    while let Some(chunk) = stream.next().await {
        body.extend_from_slice(&chunk.unwrap());
    }
    String::from_utf8(body).unwrap()
}

async fn search_respects_language_scope_and_every_write(test: TestApp) {
    let store = test.store();
    let brno = build::entitled_organisation(store, "Statutární město Brno", None).await;
    let ves = build::entitled_organisation(store, "Obec Ves", None).await;
    let referentka = build::member(store, "referentka", brno, writer()).await;
    let starosta = build::member(store, "starosta", ves, writer()).await;
    let technik = build::staff(store, "technik", StaffRole::Technician).await;
    let documents = test.app.support_documents();

    let in_subject = documents
        .open(
            &referentka,
            &typed(
                &brno.to_string(),
                "Řešení datové schránky",
                "Po odeslání zprávy se zobrazí chyba <script>alert(1)</script>.",
            ),
        )
        .await
        .unwrap();
    let in_body = documents
        .open(
            &referentka,
            &typed(
                &brno.to_string(),
                "Tisk sestav",
                "Hledáme řešení, jak vytisknout sestavu podacího deníku.",
            ),
        )
        .await
        .unwrap();
    let foreign = documents
        .open(
            &starosta,
            &typed(
                &ves.to_string(),
                "Řešení pro obec",
                "Kanárek obce: vesnickykanarek, nikdo jiný jej nesmí najít.",
            ),
        )
        .await
        .unwrap();
    documents
        .comment(
            &technik,
            &in_subject.id.to_string(),
            "Interní poznámka: internikanarek, zákazník ji nesmí najít.",
            true,
            &[],
        )
        .await
        .unwrap();

    // Case, diacritics and an unfinished last word; the subject ranks over the body.
    let expected = vec![in_subject.number.clone(), in_body.number.clone()];
    for q in ["reseni", "RESENI", "Řešení", "řeš", "resen"] {
        assert_eq!(found(&test, &referentka, q).await.0, expected, "{q}");
    }
    assert_eq!(
        found(&test, &referentka, "reseni schranky").await.0,
        vec![in_subject.number.clone()],
        "every word must occur"
    );
    let (_, snippet) = found(&test, &referentka, "datove").await;
    assert!(
        snippet.contains(&format!("{MARK_START}datové{MARK_END}")),
        "{snippet:?}"
    );

    // Another organisation's canary and an internal note's canary stay hidden from the
    // customer — in the search, the overview's q= and its export; staff find both.
    for q in ["vesnickykanarek", "internikanarek"] {
        assert!(found(&test, &referentka, q).await.0.is_empty(), "{q}");
        assert!(
            numbers_in_overview(&test, &referentka, q).await.is_empty(),
            "{q}"
        );
        let csv = export(&test, &referentka, q).await;
        assert!(!csv.contains("SD-"), "{q}: {csv}");
    }
    let brno_only = found(&test, &referentka, "reseni").await.0;
    assert!(!brno_only.contains(&foreign.number));
    assert_eq!(
        found(&test, &starosta, "vesnickykanarek").await.0,
        vec![foreign.number.clone()]
    );
    assert_eq!(
        found(&test, &technik, "internikanarek").await.0,
        vec![in_subject.number.clone()]
    );
    let (_, note) = found(&test, &technik, "internikanarek").await;
    assert!(note.contains(&format!("{MARK_START}internikanarek{MARK_END}")));
    assert_eq!(
        numbers_in_overview(&test, &technik, "reseni").await.len(),
        3,
        "staff see every organisation's documents"
    );
    let mut brno_numbers = expected.clone();
    brno_numbers.sort();
    assert_eq!(
        numbers_in_overview(&test, &referentka, "reseni").await,
        brno_numbers
    );
    let csv = export(&test, &referentka, "tisk").await;
    assert!(
        csv.contains(&in_body.number) && !csv.contains(&in_subject.number),
        "{csv}"
    );

    // A record number goes straight to the record — only to one the user may open.
    assert_eq!(
        found(&test, &referentka, &in_subject.number.to_lowercase())
            .await
            .0,
        vec![format!("/support-documents/{}", in_subject.id)]
    );
    assert!(
        found(&test, &referentka, &foreign.number)
            .await
            .0
            .is_empty(),
        "another organisation's number is not even found"
    );

    // Every write reaches the index at once: a reply is found by its words.
    assert!(found(&test, &referentka, "archivace").await.0.is_empty());
    documents
        .comment(
            &technik,
            &in_body.id.to_string(),
            "Doplnili jsme archivace sestav do verze 5.4.",
            false,
            &[],
        )
        .await
        .unwrap();
    assert_eq!(
        found(&test, &referentka, "archivace").await.0,
        vec![in_body.number.clone()]
    );
    supportweb_storage::testing::retitle_document(store, in_body.id, "Přehled podacího deníku")
        .await;
    assert!(
        found(&test, &referentka, "tisk").await.0.is_empty(),
        "the old subject is gone"
    );
    assert_eq!(
        found(&test, &referentka, "prehled").await.0,
        vec![in_body.number.clone()]
    );

    // Filters: state, organisation, dates; a value that does not parse is refused per field.
    let filtered = test
        .app
        .search(
            &technik,
            &SearchParams {
                q: "reseni".into(),
                organisation: ves.to_string(),
                state: "new".into(),
                ..SearchParams::default()
            },
        )
        .await
        .unwrap();
    let SearchOutcome::Results { groups, .. } = filtered else {
        panic!("results expected");
    };
    let numbers: Vec<String> = groups
        .into_iter()
        .flat_map(|g| g.hits)
        .map(|h| h.number)
        .collect();
    assert_eq!(numbers, vec![foreign.number.clone()]);
    let refused = test
        .app
        .search(
            &technik,
            &SearchParams {
                q: "reseni".into(),
                state: "rozbity".into(),
                from: "včera".into(),
                agenda: "kuchyne".into(),
                ..SearchParams::default()
            },
        )
        .await
        .unwrap_err();
    let mut codes = field_codes(refused);
    codes.sort();
    assert_eq!(
        codes,
        vec![
            ("agenda".to_owned(), "search-error-filter"),
            ("from".to_owned(), "search-error-filter"),
            ("state".to_owned(), "search-error-filter"),
        ]
    );
    let empty = test.app.search(&technik, &SearchParams::default()).await;
    assert!(matches!(
        empty,
        Ok(SearchOutcome::Results { ref groups, .. }) if groups.is_empty()
    ));
}

async fn orders_are_found_by_title_requirement_quote_and_conversation(test: TestApp) {
    let store = test.store();
    let developer = build::staff(store, "vyvojar", StaffRole::Developer).await;
    let brno = build::organisation(store, "Brno").await;
    let lhota = build::organisation(store, "Lhota").await;
    let orders_right = MembershipRights {
        customization_orders: AgendaRight::Write,
        ..MembershipRights::NONE
    };
    let clerk = build::member(store, "referentka", brno, orders_right).await;
    let stranger = build::member(store, "starosta", lhota, orders_right).await;
    let documents_only = build::member(store, "technicka", brno, writer()).await;
    let orders = test.app.customization_orders();
    let order = orders
        .submit(
            &clerk,
            &OrderInput {
                organisation: brno.to_string(),
                title: "Nová sestava podání".into(),
                description: "Sestava podání po odborech.".into(),
                ..OrderInput::default()
            },
        )
        .await
        .unwrap();
    let id = order.id.to_string();
    let analysed = orders
        .step(
            &developer,
            &id,
            OrderStep::Analyse,
            &StepInput::default(),
            order.version,
        )
        .await
        .unwrap();
    let figures = QuoteInput {
        scope: "Úprava exportu NSESSS a kvartální uzávěrky.".into(),
        hours: "12,5".into(),
        hourly_rate: "1 200".into(),
        currency: "CZK".into(),
        vat_rate: "21".into(),
        delivery_on: "2027-02-01".into(),
        valid_until: "2099-12-31".into(),
        version: analysed.version,
    }
    .check()
    .unwrap();
    orders
        .quote(&developer, &id, &figures, &[], analysed.version)
        .await
        .unwrap();
    orders
        .comment(
            &developer,
            &id,
            "Interní odhad: objednavkovykanarek.",
            true,
            &[],
        )
        .await
        .unwrap();

    for q in ["sestava", "odbor", "uzaverky", "NSESSS"] {
        assert_eq!(
            found(&test, &clerk, q).await.0,
            vec![order.number.clone()],
            "{q}"
        );
        assert!(
            found(&test, &stranger, q).await.0.is_empty(),
            "{q}: another organisation"
        );
        assert!(
            found(&test, &documents_only, q).await.0.is_empty(),
            "{q}: no right in orders"
        );
    }
    assert!(
        found(&test, &clerk, "objednavkovykanarek")
            .await
            .0
            .is_empty()
    );
    // The orders overview takes the same words.
    for (actor, q, expected) in [
        (&clerk, "uzaverky", vec![order.number.clone()]),
        (&clerk, "objednavkovykanarek", vec![]),
        (&stranger, "uzaverky", vec![]),
        (
            &developer,
            "objednavkovykanarek",
            vec![order.number.clone()],
        ),
    ] {
        let params = OrderParams {
            q: q.into(),
            ..OrderParams::default()
        };
        let (query, problems) = orders.overview_query(actor, &params).unwrap();
        assert!(problems.is_empty());
        let listed: Vec<String> = orders
            .overview(actor, &query)
            .await
            .unwrap()
            .rows
            .into_iter()
            .map(|o| o.number)
            .collect();
        assert_eq!(listed, expected, "{q}");
    }
    assert_eq!(
        found(&test, &developer, "objednavkovykanarek").await.0,
        vec![order.number.clone()]
    );
    assert_eq!(
        found(&test, &clerk, &order.number).await.0,
        vec![format!("/customization-orders/{}", order.id)]
    );
    assert!(found(&test, &stranger, &order.number).await.0.is_empty());
    let only_documents = test
        .app
        .search(
            &clerk,
            &SearchParams {
                q: "sestava".into(),
                agenda: "support-documents".into(),
                ..SearchParams::default()
            },
        )
        .await
        .unwrap();
    assert!(
        matches!(only_documents, SearchOutcome::Results { ref groups, .. } if groups.is_empty())
    );
    let by_state = test
        .app
        .search(
            &clerk,
            &SearchParams {
                q: "sestava".into(),
                state: "quoted".into(),
                ..SearchParams::default()
            },
        )
        .await
        .unwrap();
    let SearchOutcome::Results { groups, .. } = by_state else {
        panic!("results expected");
    };
    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].agenda.as_str(), "customization-orders");
}

async fn customers_find_issued_protocols_and_never_a_draft_or_a_revision_in_progress(
    test: TestApp,
) {
    let store = test.store();
    let consultant = build::staff(store, "konzultant", StaffRole::Consultant).await;
    let obec = build::organisation(store, "Obec Lhota").await;
    let ves = build::organisation(store, "Obec Ves").await;
    let reader = MembershipRights {
        protocols: AgendaRight::Read,
        may_confirm_protocols: true,
        ..MembershipRights::NONE
    };
    let starosta = build::member(store, "starosta", obec, reader).await;
    let cizi = build::member(store, "cizi", ves, reader).await;
    let protocols = test.app.protocols();
    let input = ProtocolInput {
        organisation: obec.to_string(),
        project: "Zavedení spisové služby".into(),
        kind: "meeting".into(),
        held_at: "2026-11-20T09:30".into(),
        place: "Radnice".into(),
        minute_taker: consultant.user_id.to_string(),
        subject: "Úvodní schůzka".into(),
        vendor_present: vec![consultant.user_id.to_string()],
        customer_present: vec![starosta.user_id.to_string()],
        verifiers: vec![starosta.user_id.to_string()],
        items: vec![ItemInput {
            title: "Harmonogram".into(),
            summary: "Probrán harmonogram migrace.".into(),
            decisions: "Spuštění 1. 2.".into(),
        }],
        tasks: vec![TaskInput {
            description: "Dodat skript migrace".into(),
            side: "vendor".into(),
            responsible: consultant.user_id.to_string(),
            due: "2026-12-10".into(),
            state: "open".into(),
            ..TaskInput::default()
        }],
        ..ProtocolInput::default()
    };
    let draft = protocols.create(&consultant, &input).await.unwrap();
    let id = draft.id.to_string();
    // A draft: staff find it by its items, customers not even by its number.
    assert_eq!(
        found(&test, &consultant, "harmonogram").await.0,
        vec![draft.number.clone()]
    );
    assert!(found(&test, &starosta, "harmonogram").await.0.is_empty());
    assert!(found(&test, &starosta, &draft.number).await.0.is_empty());

    let issued = protocols
        .step(&consultant, &id, ProtocolStep::Issue, "", draft.version)
        .await
        .unwrap();
    for q in ["harmonogram", "skript migrace", "uvodni"] {
        assert_eq!(
            found(&test, &starosta, q).await.0,
            vec![draft.number.clone()],
            "{q}"
        );
        assert!(
            found(&test, &cizi, q).await.0.is_empty(),
            "{q}: another organisation"
        );
    }
    assert_eq!(
        found(&test, &starosta, &draft.number).await.0,
        vec![format!("/protocols/{id}")]
    );

    // Objected and being revised: the customer still finds the issued text only.
    let objected = protocols
        .step(
            &starosta,
            &id,
            ProtocolStep::Object,
            "Chybí termín školení.",
            issued.version,
        )
        .await
        .unwrap();
    let revised = protocols
        .update(
            &consultant,
            &id,
            &ProtocolInput {
                subject: "Úvodní schůzka a rozpracovanykanarek".into(),
                ..ProtocolInput::of(&objected)
            },
            objected.version,
        )
        .await
        .unwrap();
    assert!(
        found(&test, &starosta, "rozpracovanykanarek")
            .await
            .0
            .is_empty()
    );
    // The overview's q= and its export read the same index within the same scope.
    let in_overview = async |actor: &Actor, q: &str| {
        let params = ProtocolParams {
            q: q.into(),
            ..ProtocolParams::default()
        };
        let (query, problems) = protocols.overview_query(actor, &params).unwrap();
        assert!(problems.is_empty());
        let rows: Vec<String> = protocols
            .overview(actor, &query)
            .await
            .unwrap()
            .rows
            .into_iter()
            .map(|p| p.number)
            .collect();
        let mut csv = Vec::new();
        let mut stream = Box::pin(
            protocols
                .export(actor, &params, Tr::new(Language::Cs))
                .unwrap(),
        );
        while let Some(chunk) = stream.next().await {
            csv.extend_from_slice(&chunk.unwrap());
        }
        (rows, String::from_utf8(csv).unwrap())
    };
    let (rows, csv) = in_overview(&consultant, "rozpracovanykanarek").await;
    assert_eq!(rows, vec![draft.number.clone()]);
    assert!(csv.contains(&draft.number));
    let (rows, csv) = in_overview(&starosta, "rozpracovanykanarek").await;
    assert!(rows.is_empty(), "the revision in progress is staff's");
    assert!(!csv.contains(&draft.number));
    let (rows, csv) = in_overview(&starosta, "HARMONOGRAM").await;
    assert_eq!(rows, vec![draft.number.clone()]);
    assert!(csv.contains(&draft.number));
    let (rows, csv) = in_overview(&cizi, "harmonogram").await;
    assert!(
        rows.is_empty() && !csv.contains(&draft.number),
        "another organisation"
    );
    let SearchOutcome::Results { groups, .. } = test
        .app
        .search(
            &starosta,
            &SearchParams {
                q: "harmonogram".into(),
                ..SearchParams::default()
            },
        )
        .await
        .unwrap()
    else {
        panic!("results expected");
    };
    let hit = &groups[0].hits[0];
    assert_eq!(
        hit.title, "Úvodní schůzka",
        "the issued subject, not the one in progress"
    );
    assert!(!hit.snippet.contains("rozpracovanykanarek"));
    assert_eq!(
        found(&test, &consultant, "rozpracovanykanarek").await.0,
        vec![draft.number.clone()]
    );
    protocols
        .step(&consultant, &id, ProtocolStep::Issue, "", revised.version)
        .await
        .unwrap();
    assert_eq!(
        found(&test, &starosta, "rozpracovanykanarek").await.0,
        vec![draft.number.clone()],
        "issued, the new revision is what customers find"
    );
}

async fn patches_procedures_organisations_and_accounts_are_found_within_their_visibility(
    test: TestApp,
) {
    let store = test.store();
    let developer = build::staff(store, "vyvojar", StaffRole::Developer).await;
    let technician = build::staff(store, "technik", StaffRole::Technician).await;
    let administrator = build::staff(store, "spravce", StaffRole::Administrator).await;
    let product = build::product(store, &developer, "ESS").await.to_string();
    let brno = build::organisation_from(
        store,
        &NewOrganisation {
            ico: Some(supportweb_domain::organisation::Ico::parse("44992785").unwrap()),
            ..build::new_organisation("Statutární město Brno")
        },
    )
    .await;
    let lhota = build::organisation(store, "Obec Lhota").await;
    let reader = MembershipRights {
        podpora: AgendaRight::Read,
        ..MembershipRights::NONE
    };
    let referentka = build::member(store, "referentka", brno, reader).await;
    let starosta = build::member(store, "starosta", lhota, reader).await;
    let patches = test.app.podpora().patches();
    let upload = async |name: &str| {
        let body = futures_util::stream::iter([Ok::<_, std::io::Error>(
            bytes::Bytes::from_static(b"PK patch"),
        )]);
        let file = test
            .app
            .attachments()
            .upload(&developer, name, body)
            .await
            .unwrap();
        vec![file.id]
    };
    let patch = |title: &str, build: &str, visibility: &str, organisations: Vec<String>, files| {
        PatchInput {
            files,
            product: product.clone(),
            build: build.into(),
            title: title.into(),
            release_notes: "Opravuje tisk **obálek C5** v podatelně.".into(),
            released_on: "2026-06-15".into(),
            visibility: visibility.into(),
            organisations,
            ..PatchInput::default()
        }
    };
    let shared = patches
        .create(
            &developer,
            &patch(
                "Oprava tisku obálek",
                "5.4.2",
                "all",
                vec![],
                upload("a.zip").await,
            ),
        )
        .await
        .unwrap();
    let for_lhota = patches
        .create(
            &developer,
            &patch(
                "Lhotapatchkanarek",
                "5.4.3",
                "chosen",
                vec![lhota.to_string()],
                upload("b.zip").await,
            ),
        )
        .await
        .unwrap();
    for draft in [&shared, &for_lhota] {
        patches
            .step(
                &developer,
                &draft.id.to_string(),
                PatchStep::Publish,
                "",
                draft.version,
            )
            .await
            .unwrap();
    }
    let hidden = patches
        .create(
            &developer,
            &patch("Konceptkanarek", "5.5.0", "all", vec![], Vec::new()),
        )
        .await
        .unwrap();

    // Staff find every patch, drafts too, by build, title and release notes.
    assert_eq!(
        found(&test, &developer, "konceptkanarek").await.0,
        vec!["5.5.0"]
    );
    let mut obalky = found(&test, &technician, "obalek").await.0;
    obalky.sort();
    assert_eq!(obalky, vec!["5.4.2", "5.4.3", "5.5.0"]);
    // A customer only those offered to its organisation, and never a draft.
    assert_eq!(found(&test, &referentka, "obalek").await.0, vec!["5.4.2"]);
    assert!(
        found(&test, &referentka, "lhotapatchkanarek")
            .await
            .0
            .is_empty()
    );
    assert!(
        found(&test, &referentka, "konceptkanarek")
            .await
            .0
            .is_empty()
    );
    let mut lhota_sees = found(&test, &starosta, "OBALEK").await.0;
    lhota_sees.sort();
    assert_eq!(lhota_sees, vec!["5.4.2", "5.4.3"]);
    // An edited draft is found by its new words, not its old.
    patches
        .update(
            &developer,
            &hidden.id.to_string(),
            &patch("Přejmenovaný koncept", "5.5.0", "all", vec![], Vec::new()),
            hidden.version,
        )
        .await
        .unwrap();
    assert!(
        found(&test, &developer, "konceptkanarek")
            .await
            .0
            .is_empty()
    );
    assert_eq!(
        found(&test, &developer, "prejmenovany").await.0,
        vec!["5.5.0"]
    );

    let procedures = test.app.podpora().procedures();
    let procedure = |title: &str, visibility: &str, organisations: Vec<String>| ProcedureInput {
        title: title.into(),
        body: "1. Otevřete **podatelnu** a zvolte tisk.".into(),
        visibility: visibility.into(),
        organisations,
        ..ProcedureInput::default()
    };
    for (title, visibility, chosen) in [
        ("Jak tisknout obálky", "all", vec![]),
        ("Interní postup podatelny", "staff", vec![]),
        ("Postup pro Lhotu", "chosen", vec![lhota.to_string()]),
    ] {
        procedures
            .create(&technician, &procedure(title, visibility, chosen))
            .await
            .unwrap();
    }
    let titles = |hits: Vec<supportweb_app::search::SearchHit>| {
        let mut titles: Vec<String> = hits.into_iter().map(|h| h.title).collect();
        titles.sort();
        titles
    };
    let in_agenda = async |actor: &Actor, q: &str, agenda: &str| match test
        .app
        .search(
            actor,
            &SearchParams {
                q: q.into(),
                agenda: agenda.into(),
                ..SearchParams::default()
            },
        )
        .await
        .unwrap()
    {
        SearchOutcome::Results { groups, .. } => {
            groups.into_iter().flat_map(|g| g.hits).collect::<Vec<_>>()
        }
        SearchOutcome::Record(path) => panic!("results expected, not {path}"),
    };
    assert_eq!(
        titles(in_agenda(&technician, "podatelnu", "procedures").await),
        vec![
            "Interní postup podatelny",
            "Jak tisknout obálky",
            "Postup pro Lhotu"
        ]
    );
    assert_eq!(
        titles(in_agenda(&referentka, "podatelnu", "procedures").await),
        vec!["Jak tisknout obálky"],
        "neither the staff-only procedure nor one chosen for another organisation"
    );
    assert_eq!(
        titles(in_agenda(&starosta, "podatelnu", "procedures").await),
        vec!["Jak tisknout obálky", "Postup pro Lhotu"]
    );
    let SearchOutcome::Results { groups, .. } = test
        .app
        .search(
            &technician,
            &SearchParams {
                q: "podatelnu".into(),
                agenda: "procedures".into(),
                organisation: brno.to_string(),
                ..SearchParams::default()
            },
        )
        .await
        .unwrap()
    else {
        panic!("results expected");
    };
    assert_eq!(
        titles(groups.into_iter().flat_map(|g| g.hits).collect()),
        vec!["Jak tisknout obálky"],
        "filtered by organisation: what is offered to it"
    );

    // A customer's filter by another organisation finds nothing: what is offered to it
    // would tell which organisations a patch or procedure is chosen for.
    let SearchOutcome::Results { groups, .. } = test
        .app
        .search(
            &referentka,
            &SearchParams {
                q: "podatelnu".into(),
                organisation: lhota.to_string(),
                ..SearchParams::default()
            },
        )
        .await
        .unwrap()
    else {
        panic!("results expected");
    };
    assert!(groups.is_empty(), "{groups:?}");

    // Organisations and accounts: staff with the administration's read right only.
    let by_name = in_agenda(&administrator, "statutarni", "organisations").await;
    assert_eq!(by_name.len(), 1);
    assert_eq!(by_name[0].organisation_id, Some(brno.0));
    assert_eq!(by_name[0].number, "44992785");
    let by_ico = in_agenda(&administrator, "44992785", "").await;
    assert_eq!(by_ico.len(), 1, "the IČO finds the organisation");
    assert_eq!(by_ico[0].record_id, brno.0);
    let accounts = in_agenda(&administrator, "referentka", "accounts").await;
    assert_eq!(accounts.len(), 1);
    assert_eq!(accounts[0].record_id, referentka.user_id.0);
    assert!(in_agenda(&referentka, "statutarni", "").await.is_empty());
    assert!(in_agenda(&referentka, "starosta", "").await.is_empty());
    assert!(
        in_agenda(&developer, "referentka", "accounts")
            .await
            .is_empty(),
        "a developer does not administer accounts"
    );
}

supportweb_app::both_backends!(
    search_respects_language_scope_and_every_write,
    orders_are_found_by_title_requirement_quote_and_conversation,
    customers_find_issued_protocols_and_never_a_draft_or_a_revision_in_progress,
    patches_procedures_organisations_and_accounts_are_found_within_their_visibility
);
