//! Realistic Czech sample data. Running it again adds nothing that is already there.

use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use supportweb_domain::Language;
use supportweb_domain::user::{Login, StaffRole, UserKind};
use supportweb_storage::users::NewUser;
use supportweb_storage::{Store, StoreError};
use supportweb_web::DemoAccount;

/// The password of every sample account.
pub const DEMO_PASSWORD: &str = "ukazka-2026";

/// How much sample data to create beyond the showcase accounts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Scale {
    /// Additional staff accounts, for benchmarks.
    pub users: u32,
}

struct Showcase {
    login: &'static str,
    name: &'static str,
    roles: &'static [StaffRole],
}

const SHOWCASE: &[Showcase] = &[
    Showcase {
        login: "admin",
        name: "Alena Horáková",
        roles: &[StaffRole::Administrator],
    },
    Showcase {
        login: "jan.novak",
        name: "Jan Novák",
        roles: &[StaffRole::ProjectManager],
    },
    Showcase {
        login: "eva.dvorakova",
        name: "Eva Dvořáková",
        roles: &[StaffRole::Consultant],
    },
    Showcase {
        login: "petr.cerny",
        name: "Petr Černý",
        roles: &[StaffRole::Technician],
    },
    Showcase {
        login: "tomas.prochazka",
        name: "Tomáš Procházka",
        roles: &[StaffRole::Developer],
    },
    Showcase {
        login: "marie.kralova",
        name: "Marie Králová",
        roles: &[StaffRole::ProjectManager, StaffRole::Consultant],
    },
];

const FIRST_NAMES: &[(&str, &str)] = &[
    ("Jan", "m"),
    ("Petr", "m"),
    ("Pavel", "m"),
    ("Martin", "m"),
    ("Tomáš", "m"),
    ("Jiří", "m"),
    ("Lukáš", "m"),
    ("Ondřej", "m"),
    ("Radek", "m"),
    ("Zdeněk", "m"),
    ("Jana", "f"),
    ("Eva", "f"),
    ("Hana", "f"),
    ("Lenka", "f"),
    ("Kateřina", "f"),
    ("Lucie", "f"),
    ("Věra", "f"),
    ("Alena", "f"),
    ("Martina", "f"),
    ("Zuzana", "f"),
];
const SURNAMES: &[(&str, &str)] = &[
    ("Novák", "Nováková"),
    ("Svoboda", "Svobodová"),
    ("Novotný", "Novotná"),
    ("Dvořák", "Dvořáková"),
    ("Černý", "Černá"),
    ("Procházka", "Procházková"),
    ("Kučera", "Kučerová"),
    ("Veselý", "Veselá"),
    ("Horák", "Horáková"),
    ("Němec", "Němcová"),
    ("Pokorný", "Pokorná"),
    ("Marek", "Marková"),
    ("Pospíšil", "Pospíšilová"),
    ("Hájek", "Hájková"),
    ("Jelínek", "Jelínková"),
    ("Růžička", "Růžičková"),
    ("Beneš", "Benešová"),
    ("Fiala", "Fialová"),
];

fn role_label(roles: &[StaffRole]) -> String {
    roles
        .iter()
        .map(|r| match r {
            StaffRole::Administrator => "administrátor",
            StaffRole::ProjectManager => "projektový manažer",
            StaffRole::Consultant => "konzultant",
            StaffRole::Technician => "technik",
            StaffRole::Developer => "vývojář",
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The accounts the login page lists in demo mode.
pub fn showcase_accounts() -> Vec<DemoAccount> {
    SHOWCASE
        .iter()
        .map(|s| DemoAccount {
            login: s.login.to_owned(),
            password: DEMO_PASSWORD.to_owned(),
            role: role_label(s.roles),
            organisation: None,
        })
        .collect()
}

fn ascii_login(text: &str) -> String {
    supportweb_files::disposition::ascii_fallback(text).to_ascii_lowercase()
}

/// Fills the store; returns every sample account (showcase first).
pub async fn fill(store: &Store, scale: Scale) -> Result<Vec<DemoAccount>, DemoError> {
    let hash = supportweb_web::password::hash_blocking(DEMO_PASSWORD.to_owned())
        .await
        .map_err(|e| DemoError(e.to_string()))?;
    let mut accounts = showcase_accounts();
    let mut created = 0u32;
    let mut tx = store.begin().await?;
    for s in SHOWCASE {
        let new = NewUser {
            login: Login::parse(s.login).map_err(|e| DemoError(e.to_string()))?,
            display_name: s.name.to_owned(),
            email: format!("{}@dodavatel.example.cz", s.login),
            kind: UserKind::Staff,
            roles: s.roles.to_vec(),
            password_hash: Some(hash.clone()),
            language: Language::Cs,
        };
        if tx.create_user_if_absent(&new).await?.is_some() {
            created += 1;
        }
    }
    tx.commit().await?;

    let mut rng = StdRng::seed_from_u64(2026);
    let mut tx = store.begin().await?;
    for i in 1..=scale.users {
        let &(first, gender) = FIRST_NAMES.choose(&mut rng).unwrap_or(&("Jan", "m"));
        let &(male, female) = SURNAMES.choose(&mut rng).unwrap_or(&("Novák", "Nováková"));
        let surname = if gender == "f" { female } else { male };
        let role = StaffRole::ALL[rng.random_range(0..StaffRole::ALL.len())];
        let login = format!("{}.{}.{i:05}", ascii_login(first), ascii_login(surname));
        let new = NewUser {
            login: Login::parse(&login).map_err(|e| DemoError(e.to_string()))?,
            display_name: format!("{first} {surname}"),
            email: format!("{login}@dodavatel.example.cz"),
            kind: UserKind::Staff,
            roles: vec![role],
            password_hash: Some(hash.clone()),
            language: Language::Cs,
        };
        if tx.create_user_if_absent(&new).await?.is_some() {
            created += 1;
        }
        accounts.push(DemoAccount {
            login,
            password: DEMO_PASSWORD.to_owned(),
            role: role_label(&[role]),
            organisation: None,
        });
        if i % 1000 == 0 {
            tx.commit().await?;
            tx = store.begin().await?;
        }
    }
    tx.commit().await?;
    tracing::info!(created, "sample data ready");
    Ok(accounts)
}

/// Filling the sample data failed.
#[derive(Debug, thiserror::Error)]
#[error("sample data: {0}")]
pub struct DemoError(String);

impl From<StoreError> for DemoError {
    fn from(error: StoreError) -> Self {
        DemoError(error.to_string())
    }
}
