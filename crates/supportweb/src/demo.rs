//! Realistic Czech sample data: staff of every role, customer and partner organisations with
//! contracts (one expired, one ending within 30 days), customer users with varied rights, a
//! partner user in two organisations, account teams. Dates are relative to today, so the
//! sample stays meaningful whenever it is created. Running it again adds nothing.

pub use crate::demo_error::DemoError;
use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use supportweb_domain::Actor;
use supportweb_domain::Language;
use supportweb_domain::agenda::AgendaRight;
use supportweb_domain::contract::{ContractState, ContractTerm};
use supportweb_domain::ids::ProductId;
use supportweb_domain::ids::{OrganisationId, UserId};
use supportweb_domain::membership::MembershipRights;
use supportweb_domain::organisation::{Ico, OrganisationKind};
use supportweb_domain::severity::standard_sla_plan;
use supportweb_domain::user::{Login, StaffRole, UserKind};
use supportweb_files::FileStore;
use supportweb_storage::Store;
use supportweb_storage::catalogue::{NewInstallation, NewProduct};
use supportweb_storage::contracts::NewContract;
use supportweb_storage::organisations::NewOrganisation;
use supportweb_storage::users::NewUser;
use supportweb_web::DemoAccount;

/// The password of every sample account.
pub const DEMO_PASSWORD: &str = "ukazka-2026";

/// Support documents the sample set holds (`demo` and `serve --demo` alike), so every
/// overview has something to show.
pub const SAMPLE_DOCUMENTS: u64 = 300;

/// How much sample data to create beyond the showcase.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    /// Additional customer organisations (municipalities) with contracts.
    pub organisations: u32,
    /// Additional customer users, spread over the organisations.
    pub users: u32,
    /// Support documents to have in total (generated with conversations until there are
    /// this many).
    pub documents: u64,
}

impl Default for Scale {
    /// The sample set: the showcase and [`SAMPLE_DOCUMENTS`] support documents.
    fn default() -> Self {
        Scale {
            organisations: 0,
            users: 0,
            documents: SAMPLE_DOCUMENTS,
        }
    }
}

/// One sample staff account per role.
const STAFF: &[(&str, &str, StaffRole)] = &[
    ("admin", "Alena Horáková", StaffRole::Administrator),
    ("jan.novak", "Jan Novák", StaffRole::ProjectManager),
    ("eva.dvorakova", "Eva Dvořáková", StaffRole::Consultant),
    ("petr.cerny", "Petr Černý", StaffRole::Technician),
    ("tomas.prochazka", "Tomáš Procházka", StaffRole::Developer),
];

/// How a showcase organisation's contract stands today.
#[derive(Clone, Copy)]
enum ContractStory {
    /// Valid well beyond the next months.
    Active,
    /// Ends in 20 days, nothing follows.
    EndingSoon,
    /// Ended 40 days ago.
    Expired,
}

struct ShowcaseOrganisation {
    name: &'static str,
    kind: OrganisationKind,
    ico: &'static str,
    dic: Option<&'static str>,
    street: &'static str,
    city: &'static str,
    postal_code: &'static str,
    public_body: bool,
    contract: Option<(&'static str, ContractStory, &'static str)>,
    team: &'static [&'static str],
}

const ORGANISATIONS: &[ShowcaseOrganisation] = &[
    ShowcaseOrganisation {
        name: "Statutární město Brno",
        kind: OrganisationKind::Customer,
        ico: "44992785",
        dic: Some("CZ44992785"),
        street: "Dominikánské náměstí 196/1",
        city: "Brno",
        postal_code: "602 00",
        public_body: true,
        contract: Some((
            "SP-BRNO-01",
            ContractStory::EndingSoon,
            "Spisová služba 5.x: Podatelna, Výpravna, Spisovna",
        )),
        team: &["jan.novak", "petr.cerny"],
    },
    ShowcaseOrganisation {
        name: "Obec Lhota",
        kind: OrganisationKind::Customer,
        ico: "00234567",
        dic: None,
        street: "Lhota 1",
        city: "Lhota u Příbramě",
        postal_code: "261 01",
        public_body: true,
        contract: Some((
            "SP-LHOTA-03",
            ContractStory::Active,
            "Spisová služba 5.x, Ekonomika 3.x",
        )),
        team: &["jan.novak", "petr.cerny"],
    },
    ShowcaseOrganisation {
        name: "Technické služby Kolín s.r.o.",
        kind: OrganisationKind::Customer,
        ico: "25123459",
        dic: Some("CZ25123459"),
        street: "Třídvorská 1000",
        city: "Kolín",
        postal_code: "280 02",
        public_body: false,
        contract: Some((
            "SP-TSK-02",
            ContractStory::Expired,
            "Ekonomika 3.x, Majetek",
        )),
        team: &["eva.dvorakova", "petr.cerny"],
    },
    ShowcaseOrganisation {
        name: "Softwarový partner Morava s.r.o.",
        kind: OrganisationKind::Partner,
        ico: "27654320",
        dic: Some("CZ27654320"),
        street: "Purkyňova 99",
        city: "Brno",
        postal_code: "612 00",
        public_body: false,
        contract: None,
        team: &["jan.novak"],
    },
];

fn rights(
    protocols: AgendaRight,
    orders: AgendaRight,
    documents: AgendaRight,
    podpora: AgendaRight,
) -> MembershipRights {
    MembershipRights {
        protocols,
        customization_orders: orders,
        support_documents: documents,
        podpora,
        ..MembershipRights::NONE
    }
}

use AgendaRight::{None as No, Read, Write};

/// Customer and partner users: login, name, kind, organisations (by showcase index), rights.
fn showcase_people() -> Vec<(
    &'static str,
    &'static str,
    UserKind,
    Vec<usize>,
    MembershipRights,
)> {
    vec![
        (
            "brno.vedouci",
            "Ing. Kateřina Svobodová",
            UserKind::Customer,
            vec![0],
            MembershipRights {
                may_approve_orders: true,
                may_confirm_protocols: true,
                may_see_validation_codes: true,
                all_notifications: true,
                ..rights(Write, Write, Write, Write)
            },
        ),
        (
            "brno.referent",
            "Martin Veselý",
            UserKind::Customer,
            vec![0],
            rights(Read, Read, Write, Read),
        ),
        (
            "lhota.starosta",
            "Josef Pokorný",
            UserKind::Customer,
            vec![1],
            MembershipRights {
                may_approve_orders: true,
                may_confirm_protocols: true,
                ..rights(Read, Write, Write, Read)
            },
        ),
        (
            "kolin.spravce",
            "Lenka Marková",
            UserKind::Customer,
            vec![2],
            MembershipRights {
                may_see_validation_codes: true,
                ..rights(No, Read, Write, Write)
            },
        ),
        (
            "partner.technik",
            "Radek Fiala",
            UserKind::Partner,
            vec![3, 1, 2],
            rights(Read, No, Write, Read),
        ),
    ]
}

fn contract_term(story: ContractStory, today: NaiveDate) -> ContractTerm {
    let (from, to, state) = match story {
        ContractStory::Active => (
            today - Duration::days(400),
            today + Duration::days(330),
            ContractState::Active,
        ),
        ContractStory::EndingSoon => (
            today - Duration::days(345),
            today + Duration::days(20),
            ContractState::Active,
        ),
        ContractStory::Expired => (
            today - Duration::days(405),
            today - Duration::days(40),
            ContractState::Ended,
        ),
    };
    ContractTerm {
        valid_from: from,
        valid_to: to,
        state,
    }
}

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
const PLACES: &[&str] = &[
    "Adamov",
    "Bystřice",
    "Dolní Bukovsko",
    "Horní Planá",
    "Chlumec",
    "Jablonec",
    "Kamenice",
    "Lipová",
    "Mokrá",
    "Nová Ves",
    "Ostrov",
    "Paseka",
    "Rudná",
    "Stará Říše",
    "Třebíč",
    "Úvaly",
    "Vrchlabí",
    "Zbiroh",
    "Želetava",
    "Černošice",
];

fn ascii_login(text: &str) -> String {
    supportweb_files::disposition::ascii_fallback(text)
        .to_ascii_lowercase()
        .replace(' ', "-")
}

/// A valid IČO whose first seven digits are `prefix` (the check digit is computed).
fn ico_with_prefix(prefix: u32) -> Option<Ico> {
    (0..10).find_map(|digit| Ico::parse(&format!("{prefix:07}{digit}")).ok())
}

/// Fills the store; returns every sample account (staff first). Refuses a database that
/// holds accounts it did not create, so sample accounts with a published password never land
/// in a real portal.
pub async fn fill(
    store: &Store,
    files: &FileStore,
    key: &supportweb_app::secrets::SecretKey,
    scale: Scale,
    today: NaiveDate,
) -> Result<Vec<DemoAccount>, DemoError> {
    if store.count_users().await? > 0 {
        let admin_hash = store
            .user_by_login(STAFF[0].0)
            .await?
            .and_then(|u| u.password_hash);
        let ours = admin_hash.is_some()
            && supportweb_app::identity::passwords::verify_blocking(
                DEMO_PASSWORD.to_owned(),
                admin_hash,
            )
            .await;
        if !ours {
            return Err(DemoError(
                "the database already holds accounts that are not sample data; \
                 use an empty database for sample data"
                    .into(),
            ));
        }
    }
    let hash = supportweb_app::identity::passwords::hash_blocking(DEMO_PASSWORD.to_owned())
        .await
        .map_err(|e| DemoError(e.to_string()))?;
    let mut accounts = Vec::new();
    let user = |login: &str,
                name: &str,
                kind: UserKind,
                roles: Vec<StaffRole>,
                domain: &str|
     -> Result<NewUser, DemoError> {
        Ok(NewUser {
            login: Login::parse(login).map_err(|e| DemoError(format!("{login}: {e}")))?,
            display_name: name.to_owned(),
            email: format!("{login}@{domain}"),
            kind,
            roles,
            password_hash: Some(hash.clone()),
            language: Language::Cs,
        })
    };

    for &(login, name, role) in STAFF {
        ensure_user(
            store,
            &user(
                login,
                name,
                UserKind::Staff,
                vec![role],
                "dodavatel.example.cz",
            )?,
        )
        .await?;
        accounts.push(DemoAccount {
            login: login.to_owned(),
            password: DEMO_PASSWORD.to_owned(),
            role: role.as_str().to_owned(),
            organisation: None,
        });
    }

    let admin = staff_actor(store, STAFF[0].0).await?;
    let catalogue = ensure_catalogue(store, &admin).await?;
    let mut organisation_ids = Vec::new();
    for showcase in ORGANISATIONS {
        let ico =
            Ico::parse(showcase.ico).map_err(|e| DemoError(format!("{}: {e}", showcase.ico)))?;
        let new = NewOrganisation {
            name: showcase.name.to_owned(),
            kind: showcase.kind,
            ico: Some(ico),
            dic: showcase.dic.map(str::to_owned),
            street: showcase.street.to_owned(),
            city: showcase.city.to_owned(),
            postal_code: showcase.postal_code.to_owned(),
            email: format!("podpora@{}.example.cz", ascii_login(showcase.city)),
            phone: "+420 500 100 200".to_owned(),
            is_public_body: showcase.public_body,
            notes: String::new(),
        };
        let contract = showcase.contract.map(|(number, story, scope)| {
            (
                number.to_owned(),
                contract_term(story, today),
                scope.to_owned(),
            )
        });
        let id = ensure_organisation(store, &admin, &catalogue, &new, contract).await?;
        for login in showcase.team {
            if let Some(member) = store.user_by_login(login).await? {
                store.add_to_account_team(id, member.id).await?;
            }
        }
        organisation_ids.push((id, showcase.name));
    }

    for (login, name, kind, members_of, rights) in showcase_people() {
        let id = ensure_user(
            store,
            &user(login, name, kind, vec![], "zakaznik.example.cz")?,
        )
        .await?;
        let mut names = Vec::new();
        for index in members_of {
            if let Some(&(organisation, organisation_name)) = organisation_ids.get(index) {
                store.set_membership(id, organisation, &rights).await?;
                names.push(organisation_name);
            }
        }
        accounts.push(DemoAccount {
            login: login.to_owned(),
            password: DEMO_PASSWORD.to_owned(),
            role: if kind == UserKind::Partner {
                "partner"
            } else {
                "customer"
            }
            .to_owned(),
            organisation: Some(names.join(", ")),
        });
    }

    let mut rng = StdRng::seed_from_u64(2026);
    let mut generated: Vec<(OrganisationId, String)> = organisation_ids
        .iter()
        .take(3)
        .map(|(id, name)| (*id, (*name).to_owned()))
        .collect();
    for i in 1..=scale.organisations {
        let place = PLACES[(i as usize - 1) % PLACES.len()];
        let name = format!("Obec {place} {i}");
        let ico = ico_with_prefix(7_000_000 + i).ok_or_else(|| DemoError("no IČO".into()))?;
        let story = match i % 10 {
            0 => ContractStory::Expired,
            1 => ContractStory::EndingSoon,
            _ => ContractStory::Active,
        };
        let new = NewOrganisation {
            name: name.clone(),
            kind: OrganisationKind::Customer,
            ico: Some(ico),
            dic: None,
            street: format!("{place} {}", rng.random_range(1..400)),
            city: place.to_owned(),
            postal_code: format!(
                "{:03} {:02}",
                rng.random_range(100..800),
                rng.random_range(1..99)
            ),
            email: format!("podatelna@obec-{}.example.cz", ascii_login(place)),
            phone: format!(
                "+420 {} {:03} {:03}",
                rng.random_range(311..599),
                rng.random_range(0..999),
                rng.random_range(0..999)
            ),
            is_public_body: true,
            notes: String::new(),
        };
        let contract = Some((
            format!("SP-OBEC-{i:05}"),
            contract_term(story, today),
            "Spisová služba 5.x".to_owned(),
        ));
        let id = ensure_organisation(store, &admin, &catalogue, &new, contract).await?;
        generated.push((id, name));
    }

    for i in 1..=scale.users {
        let &(first, gender) = FIRST_NAMES.choose(&mut rng).unwrap_or(&("Jan", "m"));
        let &(male, female) = SURNAMES.choose(&mut rng).unwrap_or(&("Novák", "Nováková"));
        let surname = if gender == "f" { female } else { male };
        let login = format!("{}.{}.{i:05}", ascii_login(first), ascii_login(surname));
        let (organisation, organisation_name) = &generated[(i as usize - 1) % generated.len()];
        let choice = [No, Read, Write];
        let membership = MembershipRights {
            may_approve_orders: rng.random_bool(0.1),
            may_confirm_protocols: rng.random_bool(0.2),
            may_see_validation_codes: rng.random_bool(0.2),
            all_notifications: rng.random_bool(0.1),
            ..rights(
                *choice.choose(&mut rng).unwrap_or(&Read),
                *choice.choose(&mut rng).unwrap_or(&Read),
                Write,
                *choice.choose(&mut rng).unwrap_or(&Read),
            )
        };
        let id = ensure_user(
            store,
            &user(
                &login,
                &format!("{first} {surname}"),
                UserKind::Customer,
                vec![],
                "zakaznik.example.cz",
            )?,
        )
        .await?;
        store.set_membership(id, *organisation, &membership).await?;
        accounts.push(DemoAccount {
            login,
            password: DEMO_PASSWORD.to_owned(),
            role: "customer".to_owned(),
            organisation: Some(organisation_name.clone()),
        });
    }
    let developer = staff_actor(store, "tomas.prochazka").await?;
    let showcase: Vec<OrganisationId> = organisation_ids.iter().map(|(id, _)| *id).collect();
    let patches =
        crate::demo_podpora::fill_patches(store, files, &developer, &catalogue, &showcase, today)
            .await?;
    let codes =
        crate::demo_podpora::fill_codes(store, key, &developer, &catalogue, &showcase, today)
            .await?;
    let consultant = staff_actor(store, "eva.dvorakova").await?;
    let mut verifiers = Vec::new();
    for login in ["brno.vedouci", "lhota.starosta"] {
        verifiers.push(store.user_by_login(login).await?.map(|u| u.id));
    }
    let protocols = crate::demo_protocols::fill(
        store,
        &consultant,
        &organisation_ids[..2],
        &verifiers,
        today,
    )
    .await?;
    tracing::info!(protocols, "sample protocols ready");
    let project_manager = staff_actor(store, "jan.novak").await?;
    let orders = crate::demo_orders::fill(
        store,
        &project_manager,
        &organisation_ids[..2],
        &verifiers,
        today,
    )
    .await?;
    tracing::info!(orders, "sample customization orders ready");
    let procedures =
        crate::demo_podpora::fill_procedures(store, files, &consultant, &catalogue, &showcase)
            .await?;
    tracing::info!(
        patches,
        codes,
        procedures,
        "sample patches, validation codes and procedures ready"
    );
    if scale.documents > 0 {
        let added = crate::demo_documents::fill(store, scale.documents, today).await?;
        tracing::info!(added, "sample support documents ready");
    }
    tracing::info!(accounts = accounts.len(), "sample data ready");
    Ok(accounts)
}

/// A sample staff member as an actor.
async fn staff_actor(store: &Store, login: &str) -> Result<Actor, DemoError> {
    let user = store
        .user_by_login(login)
        .await?
        .ok_or_else(|| DemoError(format!("the sample account {login} vanished")))?;
    Ok(Actor {
        user_id: user.id,
        kind: user.kind,
        roles: user.roles.clone(),
        display_name: user.display_name.clone(),
        language: user.language,
        memberships: Vec::new(),
    })
}

/// The account with this login, created if missing.
async fn ensure_user(store: &Store, new: &NewUser) -> Result<UserId, DemoError> {
    let mut tx = store.begin().await?;
    let created = tx.create_user_if_absent(new).await?;
    tx.commit().await?;
    match created {
        Some(id) => Ok(id),
        None => store
            .user_by_login(new.login.as_str())
            .await?
            .map(|u| u.id)
            .ok_or_else(|| DemoError(format!("{} vanished", new.login))),
    }
}

/// The sample product catalogue: code, name, modules, versions (newest first).
const PRODUCTS: &[(&str, &str, &[&str], &[&str])] = &[
    (
        "SPIS",
        "Spisová služba",
        &[
            "Podatelna",
            "Výpravna",
            "Evidence dokumentů",
            "Spisovna",
            "Skartační řízení",
        ],
        &["5.4", "5.3", "5.2"],
    ),
    (
        "EKO",
        "Ekonomický systém",
        &["Účetnictví", "Rozpočet", "Majetek", "Mzdy a personalistika"],
        &["2026.1", "2025.2"],
    ),
    (
        "PORTAL",
        "Portál občana",
        &["Elektronické formuláře", "Platby"],
        &["3.1", "3.0"],
    ),
];

/// The sample products, created if missing; in the order of [`PRODUCTS`].
async fn ensure_catalogue(store: &Store, admin: &Actor) -> Result<Vec<ProductId>, DemoError> {
    let existing = store.products(true).await?;
    let mut ids = Vec::new();
    for (code, name, modules, versions) in PRODUCTS {
        let id = match existing.iter().find(|p| p.code == *code) {
            Some(product) => product.id,
            None => {
                store
                    .create_product(
                        admin,
                        &NewProduct {
                            code: (*code).to_owned(),
                            name: (*name).to_owned(),
                            modules: modules.iter().map(|m| (*m).to_owned()).collect(),
                            versions: versions.iter().map(|v| (*v).to_owned()).collect(),
                            is_active: true,
                        },
                    )
                    .await?
            }
        };
        ids.push(id);
    }
    Ok(ids)
}

/// The organisation with this IČO, created (with its contract covering the spisová služba and
/// a production installation of it) if missing.
async fn ensure_organisation(
    store: &Store,
    admin: &Actor,
    catalogue: &[ProductId],
    new: &NewOrganisation,
    contract: Option<(String, ContractTerm, String)>,
) -> Result<OrganisationId, DemoError> {
    if let Some(ico) = &new.ico
        && let Some(id) = store.organisation_id_by_ico(ico).await?
    {
        return Ok(id);
    }
    let id = store.create_organisation(new).await?;
    if let Some((number, term, scope)) = contract {
        let spis = catalogue.first().copied();
        if let Some(product) = spis {
            store
                .create_installation(
                    admin,
                    id,
                    &NewInstallation {
                        product_id: product,
                        label: "Produkce".to_owned(),
                        product_version: "5.4".to_owned(),
                        modules: vec!["Podatelna".to_owned(), "Výpravna".to_owned()],
                        notes: String::new(),
                    },
                )
                .await?;
        }
        store
            .create_contract(&NewContract {
                number,
                organisation_id: id,
                term,
                products: spis.into_iter().collect(),
                covered_scope: scope,
                prepaid_minutes: Some(40 * 60),
                sla: standard_sla_plan(),
            })
            .await?;
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_showcase_ico_is_valid() {
        for organisation in ORGANISATIONS {
            assert!(Ico::parse(organisation.ico).is_ok(), "{}", organisation.ico);
        }
        assert!(ico_with_prefix(7_000_001).is_some());
    }
}
