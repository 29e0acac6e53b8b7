//! Sample communication protocols: a project per showcase customer with a history of
//! meetings over the last months — confirmed ones (one after an objection and a second
//! revision), one issued and waiting for the verifier, one draft — and their tasks, some done,
//! some open, one overdue. Dates are relative to today. Running it again adds nothing.

use chrono::{Duration, NaiveDate, NaiveTime};
use supportweb_domain::Actor;
use supportweb_domain::calendar::from_prague_time;
use supportweb_domain::ids::{OrganisationId, UserId};
use supportweb_domain::protocol::{ParticipantSide, ProtocolKind, ProtocolStep, Side, TaskState};
use supportweb_storage::Store;
use supportweb_storage::protocols::{Item, NewProtocol, NewTask, Participant, ProtocolQuery};

use crate::demo_error::DemoError;

/// How far a sample protocol got.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Story {
    Confirmed,
    ObjectedThenConfirmed,
    Issued,
    Draft,
}

struct SampleProtocol {
    days_ago: i64,
    kind: ProtocolKind,
    subject: &'static str,
    items: &'static [(&'static str, &'static str, &'static str)],
    /// Description, owed by the vendor?, due in days from the meeting, done?
    tasks: &'static [(&'static str, bool, i64, bool)],
    story: Story,
}

const HISTORY: &[SampleProtocol] = &[
    SampleProtocol {
        days_ago: 120,
        kind: ProtocolKind::Meeting,
        subject: "Úvodní jednání k zavedení spisové služby",
        items: &[
            (
                "Harmonogram projektu",
                "Představen harmonogram zavedení ve čtyřech etapách.",
                "Harmonogram schválen; spuštění do ostrého provozu v **březnu**.",
            ),
            (
                "Migrace dat",
                "Probrán rozsah migrace ze stávající evidence.",
                "Migrují se dokumenty posledních pěti let.",
            ),
        ],
        tasks: &[
            (
                "Dodat exportní skript pro stávající evidenci",
                true,
                14,
                true,
            ),
            ("Předat seznam uživatelů a jejich rolí", false, 10, true),
        ],
        story: Story::Confirmed,
    },
    SampleProtocol {
        days_ago: 75,
        kind: ProtocolKind::Workshop,
        subject: "Workshop: nastavení podatelny a výpravny",
        items: &[
            (
                "Podatelna",
                "Nastaveny typy dokumentů a číselné řady.",
                "Číslo jednací ve tvaru ROK/ČÍSLO/ÚTVAR.",
            ),
            (
                "Výpravna",
                "Ukázáno hromadné podání do datových schránek.",
                "Výpravna bude používat hromadné podání od 1. dubna.",
            ),
        ],
        tasks: &[
            ("Nastavit šablony obálek", true, 21, true),
            ("Schválit spisový a skartační plán", false, 30, false),
        ],
        story: Story::ObjectedThenConfirmed,
    },
    SampleProtocol {
        days_ago: 20,
        kind: ProtocolKind::VideoCall,
        subject: "Kontrolní schůzka před ostrým provozem",
        items: &[(
            "Stav úkolů",
            "Prošly se otevřené úkoly z předchozích jednání.",
            "Spisový plán schválí rada na příštím zasedání.",
        )],
        tasks: &[("Proškolit referenty podatelny", true, 14, false)],
        story: Story::Issued,
    },
    SampleProtocol {
        days_ago: 2,
        kind: ProtocolKind::Call,
        subject: "Telefonát: termín školení",
        items: &[(
            "Školení",
            "Domluven termín školení uživatelů.",
            "Školení proběhne ve dvou skupinách.",
        )],
        tasks: &[("Potvrdit místnost pro školení", false, 7, false)],
        story: Story::Draft,
    },
];

/// Creates the sample protocols for the showcase customers unless there are protocols
/// already; returns how many it added.
pub async fn fill(
    store: &Store,
    minute_taker: &Actor,
    organisations: &[(OrganisationId, &str)],
    verifiers: &[Option<UserId>],
    today: NaiveDate,
) -> Result<usize, DemoError> {
    let existing = store
        .protocols(
            minute_taker,
            &ProtocolQuery {
                limit: 1,
                ..ProtocolQuery::default()
            },
        )
        .await?;
    if !existing.is_empty() {
        return Ok(0);
    }
    let mut added = 0;
    for (&(organisation, _), verifier) in organisations.iter().zip(verifiers) {
        let Some(verifier) = *verifier else {
            continue;
        };
        let verifier_actor = match store.user(verifier).await? {
            Some(user) => store.actor_for(&user).await?,
            None => continue,
        };
        for sample in HISTORY {
            let held = today - Duration::days(sample.days_ago);
            let new = NewProtocol {
                organisation_id: organisation,
                project: "Zavedení spisové služby".to_owned(),
                kind: sample.kind,
                held_at: from_prague_time(
                    held.and_time(NaiveTime::from_hms_opt(9, 30, 0).unwrap_or(NaiveTime::MIN)),
                ),
                place: if sample.kind == ProtocolKind::Meeting
                    || sample.kind == ProtocolKind::Workshop
                {
                    "Zasedací místnost úřadu".to_owned()
                } else {
                    String::new()
                },
                minute_taker_id: minute_taker.user_id,
                verification_due: Some(held + Duration::days(10)),
                subject: sample.subject.to_owned(),
                participants: vec![
                    Participant {
                        side: ParticipantSide::Vendor,
                        user_id: Some(minute_taker.user_id),
                        name: String::new(),
                        affiliation: String::new(),
                        present: true,
                    },
                    Participant {
                        side: ParticipantSide::Customer,
                        user_id: Some(verifier),
                        name: String::new(),
                        affiliation: String::new(),
                        present: true,
                    },
                ],
                verifiers: vec![verifier],
                items: sample
                    .items
                    .iter()
                    .map(|(title, summary, decisions)| Item {
                        title: (*title).to_owned(),
                        summary: (*summary).to_owned(),
                        decisions: (*decisions).to_owned(),
                    })
                    .collect(),
                tasks: sample
                    .tasks
                    .iter()
                    .map(|&(description, vendor, due, done)| NewTask {
                        id: None,
                        description: description.to_owned(),
                        side: if vendor { Side::Vendor } else { Side::Customer },
                        responsible_user_id: Some(if vendor {
                            minute_taker.user_id
                        } else {
                            verifier
                        }),
                        responsible_name: String::new(),
                        due_on: held + Duration::days(due),
                        state: if done {
                            TaskState::Done
                        } else {
                            TaskState::Open
                        },
                    })
                    .collect(),
                files: Vec::new(),
            };
            let id = store
                .create_protocol(minute_taker, &new)
                .await
                .map_err(|e| DemoError(e.to_string()))?;
            added += 1;
            let step = |who: &Actor, step: ProtocolStep, comment: &'static str| {
                let who = who.clone();
                async move {
                    let p = store.protocol(&who, id).await?;
                    let review = store.open_tasks_before(&who, &p).await?;
                    let text = supportweb_app::protocols::snapshot(&p, &review);
                    store
                        .protocol_step(&who, id, step, comment, &text, &review, p.version)
                        .await
                        .map_err(|e| DemoError(e.to_string()))
                }
            };
            if sample.story == Story::Draft {
                continue;
            }
            step(minute_taker, ProtocolStep::Issue, "").await?;
            match sample.story {
                Story::Confirmed => {
                    step(&verifier_actor, ProtocolStep::Confirm, "").await?;
                }
                Story::ObjectedThenConfirmed => {
                    step(
                        &verifier_actor,
                        ProtocolStep::Object,
                        "Doplňte prosím termín schválení spisového plánu radou.",
                    )
                    .await?;
                    let mut revised = new.clone();
                    if let Some(first) = revised.items.first_mut() {
                        first
                            .decisions
                            .push_str("\n\nSpisový plán schválí rada obce na dubnovém zasedání.");
                    }
                    let version = store.protocol(minute_taker, id).await?.version;
                    store
                        .update_protocol(minute_taker, id, &revised, version)
                        .await
                        .map_err(|e| DemoError(e.to_string()))?;
                    step(minute_taker, ProtocolStep::Issue, "").await?;
                    step(&verifier_actor, ProtocolStep::Confirm, "").await?;
                }
                Story::Issued | Story::Draft => {}
            }
        }
    }
    Ok(added)
}
