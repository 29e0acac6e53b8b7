//! Sample podpora data: patches of the sample products over the last year and a half, each
//! with small real files (a database script and a readme), release notes in Czech, one
//! withdrawn, one still a draft and one offered only to Obec Lhota. Release dates are
//! relative to today, so the expired contract of Technické služby Kolín shows both sides:
//! older patches stay downloadable for it, the newest ones are closed with the reason.
//! Validation codes for the showcase organisations (one ending soon, one expired) and
//! procedures (one revised, one staff-only, one for Obec Lhota only) come with them.
//! Running it again adds nothing.

use chrono::{Duration, NaiveDate};
use futures_util::stream;
use supportweb_domain::Actor;
use supportweb_domain::ids::{FileId, OrganisationId, ProductId};
use supportweb_domain::patch::{PatchStep, PatchVisibility, VersionRange};
use supportweb_files::FileStore;
use supportweb_storage::Store;
use supportweb_storage::files::NewFile;
use supportweb_storage::patches::{NewPatch, PatchQuery};

use crate::demo_error::DemoError;

/// What becomes of a sample patch after it is prepared.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    Published,
    Withdrawn(&'static str),
    Draft,
    OnlyFor(usize),
}

struct SamplePatch {
    /// Index into the sample catalogue.
    product: usize,
    module: &'static str,
    build: &'static str,
    title: &'static str,
    notes: &'static str,
    applies: (&'static str, &'static str),
    days_ago: i64,
    fate: Fate,
}

const PATCHES: &[SamplePatch] = &[
    SamplePatch {
        product: 0,
        module: "Podatelna",
        build: "5.2.3.1",
        title: "Oprava evidence doručené pošty z datové schránky",
        notes: "## Opravy\n\n- Doručená datová zpráva s přílohou větší než 20 MB se znovu zaeviduje bez chyby.\n- Podací deník správně počítá pořadová čísla na přelomu roku.\n\n## Instalace\n\n1. Zastavte aplikační server.\n2. Spusťte skript `uprava-databaze.sql` jako vlastník schématu.\n3. Aplikační server znovu spusťte.",
        applies: ("5.2", "5.2"),
        days_ago: 520,
        fate: Fate::Published,
    },
    SamplePatch {
        product: 0,
        module: "Výpravna",
        build: "5.3.1",
        title: "Hromadné podání do datových schránek",
        notes: "Výpravna odešle až 500 zásilek jedním podáním a po odeslání doplní do spisu doručenky.\n\n**Pozor:** vyžaduje verzi 5.3 nebo novější.",
        applies: ("5.3", ""),
        days_ago: 300,
        fate: Fate::Published,
    },
    SamplePatch {
        product: 0,
        module: "",
        build: "5.3.2",
        title: "Úprava skartačního plánu podle vyhlášky",
        notes: "Aktualizuje skartační znaky a lhůty podle novely vyhlášky o výkonu spisové služby.",
        applies: ("5.3", "5.3.1"),
        days_ago: 200,
        fate: Fate::Withdrawn(
            "Při upgradu z verze 5.2 přepisuje vlastní skartační znaky; nahrazuje ho patch 5.3.3.",
        ),
    },
    SamplePatch {
        product: 0,
        module: "",
        build: "5.3.3",
        title: "Úprava skartačního plánu podle vyhlášky (opravené vydání)",
        notes: "Opravené vydání patche 5.3.2: vlastní skartační znaky organizace zůstávají zachovány.",
        applies: ("5.3", "5.3.2"),
        days_ago: 190,
        fate: Fate::Published,
    },
    SamplePatch {
        product: 0,
        module: "Podatelna",
        build: "5.4.0.2",
        title: "Rychlejší vyhledávání v podacím deníku",
        notes: "Vyhledávání podle odesílatele a čísla jednacího je u velkých deníků až desetkrát rychlejší (nový index).",
        applies: ("5.4", "5.4"),
        days_ago: 20,
        fate: Fate::Published,
    },
    SamplePatch {
        product: 0,
        module: "Spisovna",
        build: "5.4.0.3",
        title: "Export do Národního archivu pro obec Lhota",
        notes: "Úprava exportu SIP balíčků podle dohody s obcí Lhota (jen pro její instalaci).",
        applies: ("5.4", ""),
        days_ago: 10,
        fate: Fate::OnlyFor(1),
    },
    SamplePatch {
        product: 0,
        module: "Evidence dokumentů",
        build: "5.4.1",
        title: "Připravovaná úprava evidence dokumentů",
        notes: "Rozpracováno: nové pole „Věcná skupina“ v evidenci dokumentů.",
        applies: ("5.4", ""),
        days_ago: 0,
        fate: Fate::Draft,
    },
    SamplePatch {
        product: 1,
        module: "Mzdy a personalistika",
        build: "2025.2.4",
        title: "Sazby pojistného a daňové slevy pro rok 2026",
        notes: "Nové sazby pojistného, minimální mzda a daňové slevy platné od 1. ledna 2026.",
        applies: ("2025.2", "2025.2"),
        days_ago: 90,
        fate: Fate::Published,
    },
    SamplePatch {
        product: 1,
        module: "Rozpočet",
        build: "2026.1.1",
        title: "Výkazy FIN 2-12 M podle nové metodiky",
        notes: "Výkaz FIN 2-12 M odpovídá metodice platné od roku 2026; přidány kontroly vazeb na rozpočtovou skladbu.",
        applies: ("2026.1", ""),
        days_ago: 15,
        fate: Fate::Published,
    },
    SamplePatch {
        product: 2,
        module: "Platby",
        build: "3.1.2",
        title: "Platby poplatků přes platební bránu s QR kódem",
        notes: "Formuláře poplatků nabízejí platbu QR kódem; potvrzení platby se automaticky páruje s předpisem.",
        applies: ("3.0", "3.1"),
        days_ago: 60,
        fate: Fate::Published,
    },
];

/// Stores one small sample file as `uploader`'s upload.
async fn sample_file(
    store: &Store,
    files: &FileStore,
    uploader: &Actor,
    name: String,
    content: String,
) -> Result<FileId, DemoError> {
    let id = FileId::generate();
    let body = stream::iter([Ok::<_, std::io::Error>(bytes::Bytes::from(content))]);
    let stored = files
        .store(id, body)
        .await
        .map_err(|e| DemoError(e.to_string()))?;
    store
        .insert_file(
            uploader,
            &NewFile {
                id,
                storage_key: stored.key,
                file_name: name,
                content_type: stored.content_type.to_owned(),
                size_bytes: i64::try_from(stored.size).map_err(|e| DemoError(e.to_string()))?,
                sha256: stored.sha256,
            },
        )
        .await?;
    Ok(id)
}

/// Creates the sample patches unless there are patches already; returns how many it added.
pub async fn fill_patches(
    store: &Store,
    files: &FileStore,
    developer: &Actor,
    catalogue: &[ProductId],
    organisations: &[OrganisationId],
    today: NaiveDate,
) -> Result<usize, DemoError> {
    let existing = store
        .patches(
            developer,
            &PatchQuery {
                limit: 1,
                ..PatchQuery::default()
            },
        )
        .await?;
    if !existing.is_empty() {
        return Ok(0);
    }
    let mut added = 0;
    for sample in PATCHES {
        let Some(&product) = catalogue.get(sample.product) else {
            continue;
        };
        let mut file_ids = Vec::new();
        if sample.fate != Fate::Draft {
            file_ids.push(
                sample_file(
                    store,
                    files,
                    developer,
                    format!("uprava-databaze-{}.sql", sample.build),
                    format!(
                        "-- Patch {}: {}\n-- Spusťte jako vlastník schématu.\nBEGIN;\nUPDATE nastaveni SET hodnota = '{}' WHERE klic = 'verze_patche';\nCOMMIT;\n",
                        sample.build, sample.title, sample.build
                    ),
                )
                .await?,
            );
            file_ids.push(
                sample_file(
                    store,
                    files,
                    developer,
                    format!("CTI-ME-{}.txt", sample.build),
                    format!("{}\n\n{}\n", sample.title, sample.notes),
                )
                .await?,
            );
        }
        let (visibility, chosen) = match sample.fate {
            Fate::OnlyFor(index) => (
                PatchVisibility::Chosen,
                organisations.get(index).copied().into_iter().collect(),
            ),
            _ => (PatchVisibility::All, Vec::new()),
        };
        let id = store
            .create_patch(
                developer,
                &NewPatch {
                    product_id: product,
                    module: sample.module.to_owned(),
                    build: sample.build.to_owned(),
                    title: sample.title.to_owned(),
                    release_notes: sample.notes.to_owned(),
                    applies: VersionRange {
                        from: sample.applies.0.to_owned(),
                        to: sample.applies.1.to_owned(),
                    },
                    released_on: today - Duration::days(sample.days_ago),
                    visibility,
                    organisations: chosen,
                    files: file_ids,
                },
            )
            .await
            .map_err(|e| DemoError(e.to_string()))?;
        if sample.fate != Fate::Draft {
            let version = store.patch(developer, id).await?.version;
            store
                .patch_step(developer, id, PatchStep::Publish, "", version)
                .await
                .map_err(|e| DemoError(e.to_string()))?;
        }
        if let Fate::Withdrawn(reason) = sample.fate {
            let version = store.patch(developer, id).await?.version;
            store
                .patch_step(developer, id, PatchStep::Withdraw, reason, version)
                .await
                .map_err(|e| DemoError(e.to_string()))?;
        }
        added += 1;
    }
    Ok(added)
}

/// A sample validation code.
struct SampleCode {
    organisation: usize,
    product: usize,
    module: &'static str,
    code: &'static str,
    started_days_ago: i64,
    /// Days until it ends (negative: ended; none: no end).
    ends_in_days: Option<i64>,
    note: &'static str,
}

const CODES: &[SampleCode] = &[
    SampleCode {
        organisation: 0,
        product: 0,
        module: "",
        code: "SPIS-BRNO-7Q4M-22KD-90XZ",
        started_days_ago: 300,
        ends_in_days: Some(65),
        note: "Licence spisové služby pro 120 uživatelů",
    },
    SampleCode {
        organisation: 0,
        product: 0,
        module: "Výpravna",
        code: "VYP-BRNO-K2P8-LL03",
        started_days_ago: 300,
        ends_in_days: Some(20),
        note: "Hromadné podání do datových schránek",
    },
    SampleCode {
        organisation: 1,
        product: 0,
        module: "Podatelna",
        code: "SPIS-LHOTA-3HD9-8822",
        started_days_ago: 400,
        ends_in_days: None,
        note: "Licence pro 5 pracovních míst",
    },
    SampleCode {
        organisation: 1,
        product: 1,
        module: "Účetnictví",
        code: "EKO-LHOTA-ACC-19F0",
        started_days_ago: 100,
        ends_in_days: Some(265),
        note: "Účetnictví, 2 souběžní uživatelé",
    },
    SampleCode {
        organisation: 2,
        product: 1,
        module: "Majetek",
        code: "EKO-TSK-MAJ-5501",
        started_days_ago: 500,
        ends_in_days: Some(-40),
        note: "Propadlý s koncem smlouvy",
    },
];

/// Creates the sample validation codes, sealed with `key`, unless there are codes already.
pub async fn fill_codes(
    store: &Store,
    key: &supportweb_app::secrets::SecretKey,
    developer: &Actor,
    catalogue: &[ProductId],
    organisations: &[OrganisationId],
    today: NaiveDate,
) -> Result<usize, DemoError> {
    use supportweb_domain::ids::ValidationCodeId;
    use supportweb_storage::validation_codes::{CodeQuery, NewCode, SealedCode};
    let existing = store
        .validation_codes(
            developer,
            &CodeQuery {
                limit: 1,
                ..CodeQuery::default()
            },
        )
        .await?;
    if !existing.is_empty() {
        return Ok(0);
    }
    let mut codes = Vec::new();
    for sample in CODES {
        let (Some(&organisation_id), Some(&product_id)) = (
            organisations.get(sample.organisation),
            catalogue.get(sample.product),
        ) else {
            continue;
        };
        let id = ValidationCodeId::generate();
        codes.push(SealedCode {
            id,
            sealed: key
                .seal(id.0.as_bytes(), sample.code)
                .map_err(|e| DemoError(e.to_string()))?,
            code: NewCode {
                organisation_id,
                product_id,
                module: sample.module.to_owned(),
                valid_from: today - Duration::days(sample.started_days_ago),
                valid_to: sample.ends_in_days.map(|days| today + Duration::days(days)),
                note: sample.note.to_owned(),
            },
        });
    }
    store
        .issue_codes(developer, &codes, &[])
        .await
        .map_err(|e| DemoError(e.to_string()))?;
    Ok(codes.len())
}

/// A sample procedure: title, body, products (indexes), visibility, the organisation it is
/// chosen for, a later revision's body, and an attached file.
struct SampleProcedure {
    title: &'static str,
    body: &'static str,
    products: &'static [usize],
    visibility: supportweb_domain::procedure::ProcedureVisibility,
    only_for: Option<usize>,
    revised: Option<&'static str>,
    file: Option<(&'static str, &'static str)>,
}

const PROCEDURES: &[SampleProcedure] = &[
    SampleProcedure {
        title: "Instalace patche spisové služby",
        body: "## Před instalací\n\n1. Ověřte verzi v **Nápověda → O aplikaci**; patch musí být pro vaši verzi.\n2. Zálohujte databázi.\n\n## Instalace\n\n1. Zastavte aplikační server.\n2. Spusťte skript `uprava-databaze.sql` jako vlastník schématu.\n3. Aplikační server znovu spusťte.\n\nPo instalaci zkontrolujte podací deník.",
        products: &[0],
        visibility: supportweb_domain::procedure::ProcedureVisibility::All,
        only_for: None,
        revised: Some(
            "## Před instalací\n\n1. Ověřte verzi v **Nápověda → O aplikaci**; patch musí být pro vaši verzi.\n2. Zálohujte databázi **i adresář s přílohami**.\n\n## Instalace\n\n1. Zastavte aplikační server.\n2. Spusťte skript `uprava-databaze.sql` jako vlastník schématu.\n3. Aplikační server znovu spusťte.\n\nPo instalaci zkontrolujte podací deník a odeslání jedné zkušební zásilky.",
        ),
        file: None,
    },
    SampleProcedure {
        title: "Nastavení skartačního řízení",
        body: "Skartační řízení připravíte ve **Spisovně → Skartační návrhy**:\n\n1. Zvolte rok, za který se řízení vede.\n2. Zkontrolujte skartační znaky a lhůty.\n3. Návrh odešlete archivu datovou schránkou.",
        products: &[0],
        visibility: supportweb_domain::procedure::ProcedureVisibility::All,
        only_for: None,
        revised: None,
        file: Some((
            "skartacni-rizeni.txt",
            "Kontrolní seznam skartačního řízení\n- skartační znaky\n- lhůty\n- seznam dokumentů\n",
        )),
    },
    SampleProcedure {
        title: "Roční uzávěrka v ekonomickém systému",
        body: "1. Zaúčtujte všechny doklady roku.\n2. Spusťte **Uzávěrka → Kontroly** a opravte nalezené chyby.\n3. Vytvořte počáteční stavy nového roku.",
        products: &[1],
        visibility: supportweb_domain::procedure::ProcedureVisibility::All,
        only_for: None,
        revised: None,
        file: None,
    },
    SampleProcedure {
        title: "Napojení portálu občana na platební bránu obce",
        body: "Platební brána vyžaduje certifikát obce a identifikátor obchodníka; nastavení provádí konzultant dodavatele vzdáleně.",
        products: &[2],
        visibility: supportweb_domain::procedure::ProcedureVisibility::Chosen,
        only_for: Some(1),
        revised: None,
        file: None,
    },
    SampleProcedure {
        title: "Obnova databáze ze zálohy (interní)",
        body: "Jen pro technickou podporu: obnova z noční zálohy, ověření integrity a přepočet indexů.",
        products: &[0, 1],
        visibility: supportweb_domain::procedure::ProcedureVisibility::Staff,
        only_for: None,
        revised: None,
        file: None,
    },
];

/// Creates the sample procedures unless there are procedures already.
pub async fn fill_procedures(
    store: &Store,
    files: &FileStore,
    author: &Actor,
    catalogue: &[ProductId],
    organisations: &[OrganisationId],
) -> Result<usize, DemoError> {
    use supportweb_storage::procedures::{NewProcedure, ProcedureQuery};
    let existing = store
        .procedures(
            author,
            &ProcedureQuery {
                limit: 1,
                ..ProcedureQuery::default()
            },
        )
        .await?;
    if !existing.is_empty() {
        return Ok(0);
    }
    for sample in PROCEDURES {
        let mut new = NewProcedure {
            title: sample.title.to_owned(),
            body: sample.body.to_owned(),
            visibility: sample.visibility,
            products: sample
                .products
                .iter()
                .filter_map(|i| catalogue.get(*i).copied())
                .collect(),
            organisations: sample
                .only_for
                .and_then(|i| organisations.get(i).copied())
                .into_iter()
                .collect(),
            files: Vec::new(),
        };
        if let Some((name, content)) = sample.file {
            new.files.push(
                sample_file(store, files, author, name.to_owned(), content.to_owned()).await?,
            );
        }
        let id = store
            .create_procedure(author, &new)
            .await
            .map_err(|e| DemoError(e.to_string()))?;
        if let Some(body) = sample.revised {
            new.body = body.to_owned();
            let version = store.procedure(author, id).await?.version;
            store
                .update_procedure(author, id, &new, version)
                .await
                .map_err(|e| DemoError(e.to_string()))?;
        }
    }
    Ok(PROCEDURES.len())
}
