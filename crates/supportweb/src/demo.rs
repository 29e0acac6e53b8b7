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

/// One sample staff account per role.
const SHOWCASE: &[(&str, &str, StaffRole)] = &[
    ("admin", "Alena Horáková", StaffRole::Administrator),
    ("jan.novak", "Jan Novák", StaffRole::ProjectManager),
    ("eva.dvorakova", "Eva Dvořáková", StaffRole::Consultant),
    ("petr.cerny", "Petr Černý", StaffRole::Technician),
    ("tomas.prochazka", "Tomáš Procházka", StaffRole::Developer),
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

/// The accounts the login page lists in demo mode.
pub fn showcase_accounts() -> Vec<DemoAccount> {
    SHOWCASE
        .iter()
        .map(|&(login, _, role)| DemoAccount {
            login: login.to_owned(),
            password: DEMO_PASSWORD.to_owned(),
            role: role.as_str().to_owned(),
            organisation: None,
        })
        .collect()
}

fn ascii_login(text: &str) -> String {
    supportweb_files::disposition::ascii_fallback(text).to_ascii_lowercase()
}

/// Fills the store; returns every sample account (showcase first). Refuses a database that
/// holds accounts it did not create, so sample accounts with a published password never land
/// in a real portal.
pub async fn fill(store: &Store, scale: Scale) -> Result<Vec<DemoAccount>, DemoError> {
    if store.count_users().await? > 0 {
        let admin_hash = store
            .user_by_login(SHOWCASE[0].0)
            .await?
            .and_then(|u| u.password_hash);
        let ours = admin_hash.is_some()
            && supportweb_web::password::verify_blocking(DEMO_PASSWORD.to_owned(), admin_hash)
                .await;
        if !ours {
            return Err(DemoError(
                "the database already holds accounts that are not sample data; \
                 use an empty database for sample data"
                    .into(),
            ));
        }
    }
    let hash = supportweb_web::password::hash_blocking(DEMO_PASSWORD.to_owned())
        .await
        .map_err(|e| DemoError(e.to_string()))?;
    let mut accounts = showcase_accounts();
    let mut created = 0u32;
    let mut tx = store.begin().await?;
    for &(login, name, role) in SHOWCASE {
        let new = NewUser {
            login: Login::parse(login).map_err(|e| DemoError(e.to_string()))?,
            display_name: name.to_owned(),
            email: format!("{login}@dodavatel.example.cz"),
            kind: UserKind::Staff,
            roles: vec![role],
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
            role: role.as_str().to_owned(),
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
