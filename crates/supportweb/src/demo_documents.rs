//! Generated support documents for the sample data and benchmarks: realistic Czech subjects,
//! descriptions and conversations, spread over the last two years, opened by customer users
//! with the write right under their organisation's contract, worked on by the vendor's
//! support staff, with SLA clocks computed by the domain code. Older documents are mostly
//! closed; the last weeks hold the open work. Written in large multi-row batches, so a
//! million documents take minutes. Running it again with the same target adds nothing.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use supportweb_domain::calendar::BusinessHours;
use supportweb_domain::ids::{ContractId, OrganisationId, ProductId, UserId};
use supportweb_domain::severity::{Severity, SlaTarget};
use supportweb_domain::sla::SlaClock;
use supportweb_domain::support_document::{Category, DocumentState};
use supportweb_storage::Store;
use supportweb_storage::sample_documents::{SampleComment, SampleDocument};

use crate::demo_error::DemoError;

/// Documents written per transaction.
const BATCH: usize = 5000;

/// An organisation documents can be opened for.
struct Opener {
    organisation: OrganisationId,
    writers: Vec<(UserId, String)>,
    contract: ContractId,
    sla: Vec<SlaTarget>,
    product: Option<(ProductId, String)>,
}

const MODULES: &[&str] = &[
    "Podatelna",
    "Výpravna",
    "Spisovna",
    "Evidence smluv",
    "Rozpočet",
    "Účetnictví",
    "Mzdy",
    "Majetek",
];

const ERRORS: &[&str] = &[
    "Nelze uložit doručenou zásilku",
    "Při tisku obálek se zobrazí chyba",
    "Datová zpráva se neodeslala",
    "Import z datové schránky končí chybou",
    "Export do CSV má rozbitou diakritiku",
    "Po změně hesla se nelze přihlásit",
    "Formulář se při ukládání zasekne",
    "Chybí dokumenty v přehledu předaných",
    "Elektronický podpis hlásí neplatný certifikát",
    "Sestava za čtvrtletí neodpovídá účetnictví",
];

const QUESTIONS: &[&str] = &[
    "Jak nastavit skartační plán pro nový spisový znak",
    "Jak přidat nového referenta do útvaru",
    "Kde najdu historii změn dokumentu",
    "Jak opravit chybně zaevidovaný dokument",
    "Jak hromadně vypravit obálky",
    "Lze omezit přístup k osobním údajům",
];

const REQUESTS: &[&str] = &[
    "Doplnit sloupec s číslem jednacím do přehledu",
    "Upravit šablonu průvodního dopisu",
    "Přidat nový typ dokumentu",
    "Nastavit oprávnění pro nového vedoucího odboru",
    "Zřídit přístup pro externí auditorku",
];

const OTHERS: &[&str] = &[
    "Školení nových referentek podatelny",
    "Plánovaná odstávka serveru",
    "Kontrola zálohování před účetní závěrkou",
];

const DESCRIPTIONS: &[&str] = &[
    "Dnes ráno se chyba objevila u tří referentek najednou. Postup: otevřít **doručenou poštu**, vybrat zásilku a kliknout na *Uložit*. Posíláme snímek obrazovky.",
    "Potřebujeme to vyřešit do konce týdne, kdy odchází pošta na krajský úřad.\n\n- stane se to jen u některých dokumentů\n- v testovací instalaci to funguje",
    "Prosíme o radu, jak postupovat. V dokumentaci jsme návod nenašli.",
    "Problém trvá od poslední aktualizace. Restart aplikace nepomohl.",
    "Týká se to všech uživatelů odboru. Kontaktní osoba je k dispozici celý den.",
];

const STAFF_FIRST: &[&str] = &[
    "Dobrý den, děkujeme za nahlášení. Podíváme se na to a ozveme se.",
    "Dobrý den, problém se nám podařilo zopakovat. Pracujeme na opravě.",
    "Dobrý den, pošlete nám prosím přesný čas, kdy k chybě došlo, a číslo jednací dokumentu.",
];

const CUSTOMER_REPLIES: &[&str] = &[
    "Posíláme požadované údaje, chyba nastala v 9:42 u dokumentu MUJI 1234/2026.",
    "Děkujeme, čekáme na opravu.",
    "Chyba se dnes objevila znovu.",
];

const NOTES: &[&str] = &[
    "Souvisí s chybou v importu ISDS opravenou ve verzi 5.2.4.",
    "Zákazník má starší verzi klienta, doporučit aktualizaci.",
    "Ověřeno na kopii databáze, příčinou je chybějící index.",
];

const RESOLUTIONS: &[&str] = &[
    "Oprava je součástí záplaty 5.2.4, kterou jsme dnes nainstalovali. Prosíme o ověření.",
    "Nastavení jsme upravili podle vašeho požadavku. Prosíme o kontrolu.",
    "Postup je popsán v přiloženém návodu, funkci jsme společně vyzkoušeli.",
];

fn pick<'a>(rng: &mut StdRng, items: &'a [&'a str]) -> &'a str {
    items.choose(rng).copied().unwrap_or_default()
}

async fn openers(store: &Store, today: NaiveDate) -> Result<Vec<Opener>, DemoError> {
    let admin = store.user_by_login("admin").await?.ok_or_else(|| {
        DemoError("sample data first: the sample administrator is missing".into())
    })?;
    let admin = store.actor_for(&admin).await?;
    let mut openers = Vec::new();
    let mut after: Option<(String, OrganisationId)> = None;
    loop {
        let page = store
            .organisations(
                &admin,
                after.as_ref().map(|(name, id)| (name.as_str(), *id)),
                500,
            )
            .await?;
        let Some(last) = page.last() else {
            break;
        };
        after = Some((last.name.clone(), last.id));
        for organisation in page {
            let Some((contract, sla)) = store
                .covering_contract(organisation.id, None, today)
                .await?
            else {
                continue;
            };
            let writers: Vec<(UserId, String)> = store
                .members(&admin, organisation.id)
                .await?
                .into_iter()
                .filter(|m| {
                    m.is_active
                        && m.rights.support_documents
                            == supportweb_domain::agenda::AgendaRight::Write
                })
                .map(|m| (m.user_id, m.display_name))
                .collect();
            if writers.is_empty() {
                continue;
            }
            let product = store
                .installations(&admin, organisation.id)
                .await?
                .into_iter()
                .next()
                .map(|i| (i.product_id, i.product_version));
            openers.push(Opener {
                organisation: organisation.id,
                writers,
                contract,
                sla,
                product,
            });
        }
    }
    Ok(openers)
}

/// Adds generated documents until there are `target`; returns how many were added.
pub async fn fill(store: &Store, target: u64, today: NaiveDate) -> Result<u64, DemoError> {
    let existing = u64::try_from(store.count_documents().await?).unwrap_or(0);
    if existing >= target {
        return Ok(0);
    }
    let to_add = target - existing;
    let openers = openers(store, today).await?;
    if openers.is_empty() {
        return Err(DemoError(
            "no organisation with a valid contract and a user who may write support documents"
                .into(),
        ));
    }
    let staff: Vec<UserId> = store
        .support_staff()
        .await?
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let hours = BusinessHours::default();
    let now = Utc::now();
    let start = now - Duration::days(730);
    let span = (now - start).num_seconds();
    let mut rng = StdRng::seed_from_u64(2026 + existing);
    let mut batch = Vec::with_capacity(BATCH);
    let mut added = 0_u64;
    for i in 0..to_add {
        let offset = i128::from(span) * i128::from(i) / i128::from(to_add);
        let created_at = start + Duration::seconds(i64::try_from(offset).unwrap_or(0));
        let Some(opener) = openers.choose(&mut rng) else {
            break;
        };
        batch.push(document(&mut rng, opener, &staff, &hours, created_at, now));
        if batch.len() == BATCH {
            store.insert_sample_documents(&batch).await?;
            added += BATCH as u64;
            batch.clear();
            if added.is_multiple_of(100_000) {
                tracing::info!(added, "sample support documents written");
            }
        }
    }
    if !batch.is_empty() {
        added += batch.len() as u64;
        store.insert_sample_documents(&batch).await?;
    }
    Ok(added)
}

fn document(
    rng: &mut StdRng,
    opener: &Opener,
    staff: &[UserId],
    hours: &BusinessHours,
    created_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> SampleDocument {
    let category = match rng.random_range(0..100) {
        0..60 => Category::Error,
        60..80 => Category::Question,
        80..95 => Category::Request,
        _ => Category::Other,
    };
    let severity = match rng.random_range(0..100) {
        0..5 => Severity::Critical,
        5..25 => Severity::High,
        25..75 => Severity::Medium,
        _ => Severity::Low,
    };
    let subject = match category {
        Category::Error => pick(rng, ERRORS),
        Category::Question => pick(rng, QUESTIONS),
        Category::Request => pick(rng, REQUESTS),
        Category::Other => pick(rng, OTHERS),
    };
    let (reporter, reporter_name) = opener
        .writers
        .choose(rng)
        .cloned()
        .unwrap_or((UserId(uuid::Uuid::nil()), String::new()));
    let age_days = (now - created_at).num_days();
    let state = if age_days > 30 {
        match rng.random_range(0..100) {
            0..92 => DocumentState::Closed,
            92..96 => DocumentState::Cancelled,
            _ => DocumentState::Resolved,
        }
    } else {
        match rng.random_range(0..100) {
            0..15 => DocumentState::New,
            15..30 => DocumentState::Accepted,
            30..55 => DocumentState::InProgress,
            55..70 => DocumentState::WaitingForCustomer,
            70..85 => DocumentState::Resolved,
            _ => DocumentState::Closed,
        }
    };
    let target = opener.sla.iter().find(|t| t.severity == severity).copied();
    let mut clock = SlaClock::start(hours, created_at, target);
    let assignee = if state == DocumentState::New || state == DocumentState::Cancelled {
        None
    } else {
        staff.choose(rng).copied()
    };
    let mut comments = Vec::new();
    let mut at = created_at;
    let mut resolved_at = None;
    let mut closed_at = None;
    let staff_member = assignee.unwrap_or(reporter);
    if state != DocumentState::New && state != DocumentState::Cancelled {
        at += Duration::minutes(rng.random_range(10..600));
        clock.respond(at);
        comments.push(SampleComment {
            author_id: staff_member,
            is_internal: false,
            body: pick(rng, STAFF_FIRST).to_owned(),
            created_at: at,
        });
        if rng.random_bool(0.3) {
            at += Duration::minutes(rng.random_range(5..240));
            comments.push(SampleComment {
                author_id: staff_member,
                is_internal: true,
                body: pick(rng, NOTES).to_owned(),
                created_at: at,
            });
        }
        if rng.random_bool(0.5) {
            at += Duration::minutes(rng.random_range(30..2880));
            comments.push(SampleComment {
                author_id: reporter,
                is_internal: false,
                body: pick(rng, CUSTOMER_REPLIES).to_owned(),
                created_at: at,
            });
        }
    }
    match state {
        DocumentState::WaitingForCustomer => {
            clock.change_state(hours, DocumentState::InProgress, state, at.min(now));
        }
        DocumentState::Resolved | DocumentState::Closed => {
            at += Duration::minutes(rng.random_range(60..14_400));
            let resolved = at.min(now);
            comments.push(SampleComment {
                author_id: staff_member,
                is_internal: false,
                body: pick(rng, RESOLUTIONS).to_owned(),
                created_at: resolved,
            });
            clock.change_state(
                hours,
                DocumentState::InProgress,
                DocumentState::Resolved,
                resolved,
            );
            resolved_at = Some(resolved);
            if state == DocumentState::Closed {
                closed_at = Some((resolved + Duration::days(rng.random_range(1..14))).min(now));
            }
        }
        DocumentState::Cancelled => {
            clock.change_state(hours, DocumentState::New, state, created_at);
            closed_at = Some(created_at + Duration::hours(rng.random_range(1..48)));
        }
        _ => {}
    }
    clock.check_breach(now);
    let module = pick(rng, MODULES);
    let updated_at = closed_at
        .or(resolved_at)
        .unwrap_or(at)
        .max(created_at)
        .min(now);
    SampleDocument {
        organisation_id: opener.organisation,
        reporter_id: reporter,
        assignee_id: assignee,
        contract_id: Some(opener.contract),
        category,
        severity,
        product_id: opener.product.as_ref().map(|(p, _)| *p),
        module: module.to_owned(),
        product_version: opener
            .product
            .as_ref()
            .map(|(_, v)| v.clone())
            .unwrap_or_default(),
        subject: format!("{subject} ({module})"),
        description: pick(rng, DESCRIPTIONS).to_owned(),
        contact: format!(
            "{reporter_name}, 5{:02} {:03} {:03}",
            rng.random_range(10..99),
            rng.random_range(0..999),
            rng.random_range(0..999)
        ),
        state,
        clock,
        resolved_at,
        closed_at,
        created_at,
        updated_at,
        comments,
    }
}
