//! Every string a user reads — pages, e-mails, CSV headers — goes through Fluent. Czech is the
//! default. The strings live in `locales/{cs,en}/`, one file per agenda or area
//! (`support_documents.ftl`, `protocols.ftl`, …, `common.ftl` for the layout and errors);
//! both the web pages and the application layer's e-mails read them through [`Tr`].

use std::borrow::Cow;
use std::collections::HashMap;

use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, langid};
use supportweb_domain::Language;

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "cs",
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

static CS: LanguageIdentifier = langid!("cs");
static EN: LanguageIdentifier = langid!("en");

fn id(language: Language) -> &'static LanguageIdentifier {
    match language {
        Language::Cs => &CS,
        Language::En => &EN,
    }
}

/// A translator for one language, handed to every template as `t`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tr {
    /// The language it translates into.
    pub lang: Language,
}

impl Tr {
    /// A translator for `lang`.
    pub fn new(lang: Language) -> Self {
        Tr { lang }
    }

    /// The message `key`. A missing key shows the key itself (and a test keeps that from
    /// happening).
    pub fn t(&self, key: impl AsRef<str>) -> String {
        let key = key.as_ref();
        LOCALES
            .try_lookup(id(self.lang), key)
            .unwrap_or_else(|| key.to_owned())
    }

    /// The message `key` with one named argument.
    pub fn t1(&self, key: &str, name: &'static str, value: &str) -> String {
        let mut args: HashMap<Cow<'static, str>, FluentValue> = HashMap::new();
        args.insert(Cow::Borrowed(name), FluentValue::from(value.to_owned()));
        LOCALES
            .try_lookup_with_args(id(self.lang), key, &args)
            .unwrap_or_else(|| key.to_owned())
    }

    /// The message `key` with one numeric argument (plural forms).
    pub fn tn(&self, key: &str, name: &'static str, value: i64) -> String {
        let mut args: HashMap<Cow<'static, str>, FluentValue> = HashMap::new();
        args.insert(Cow::Borrowed(name), FluentValue::from(value));
        LOCALES
            .try_lookup_with_args(id(self.lang), key, &args)
            .unwrap_or_else(|| key.to_owned())
    }

    /// Whether `key` exists in `lang` without falling back.
    pub fn has(lang: Language, key: &str) -> bool {
        sources(lang)
            .iter()
            .any(|source| message_ids(source).any(|k| k == key))
    }
}

/// The Fluent files of one language.
macro_rules! sources {
    ($lang:literal) => {
        [
            include_str!(concat!("../locales/", $lang, "/common.ftl")),
            include_str!(concat!("../locales/", $lang, "/accounts.ftl")),
            include_str!(concat!("../locales/", $lang, "/audit.ftl")),
            include_str!(concat!("../locales/", $lang, "/organisations.ftl")),
            include_str!(concat!("../locales/", $lang, "/notifications.ftl")),
            include_str!(concat!("../locales/", $lang, "/support_documents.ftl")),
            include_str!(concat!("../locales/", $lang, "/customization_orders.ftl")),
            include_str!(concat!("../locales/", $lang, "/protocols.ftl")),
            include_str!(concat!("../locales/", $lang, "/patches.ftl")),
            include_str!(concat!("../locales/", $lang, "/validation_codes.ftl")),
            include_str!(concat!("../locales/", $lang, "/procedures.ftl")),
            include_str!(concat!("../locales/", $lang, "/mail_in.ftl")),
            include_str!(concat!("../locales/", $lang, "/search.ftl")),
            include_str!(concat!("../locales/", $lang, "/timeline.ftl")),
        ]
    };
}

static CS_SOURCES: [&str; 14] = sources!("cs");
static EN_SOURCES: [&str; 14] = sources!("en");

/// The text of every Fluent file of `lang`.
pub fn sources(lang: Language) -> &'static [&'static str] {
    match lang {
        Language::Cs => &CS_SOURCES,
        Language::En => &EN_SOURCES,
    }
}

/// Fluent id of the name of a role given by its machine name (`project_manager` →
/// `role-project-manager`).
pub fn role_key(role: &str) -> String {
    format!("role-{}", role.replace('_', "-"))
}

/// Fluent id of an audit event's name (`sign_in_failed` → `audit-event-sign-in-failed`).
pub fn event_key(event: &str) -> String {
    format!("audit-event-{}", event.replace('_', "-"))
}

/// Fluent id of a support-document state (`waiting_for_customer` →
/// `support-state-waiting-for-customer`).
pub fn document_state_key(state: supportweb_domain::support_document::DocumentState) -> String {
    format!("support-state-{}", state.as_str().replace('_', "-"))
}

/// Fluent id of a customization-order state (`in_analysis` → `order-state-in-analysis`).
pub fn order_state_key(state: supportweb_domain::customization_order::OrderState) -> String {
    format!("order-state-{}", state.as_str().replace('_', "-"))
}

/// Fluent id of a notification kind's name (`document_reply` → `notify-kind-document-reply`).
pub fn notification_kind_key(kind: &str) -> String {
    format!("notify-kind-{}", kind.replace('_', "-"))
}

/// The message ids defined in a Fluent source.
pub fn message_ids(source: &str) -> impl Iterator<Item = &str> {
    source.lines().filter_map(|line| {
        let first = line.chars().next()?;
        if !first.is_ascii_alphabetic() {
            return None;
        }
        let (id, _) = line.split_once('=')?;
        Some(id.trim())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_fluent_file_is_listed() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        for lang in Language::ALL {
            let on_disk = std::fs::read_dir(root.join(lang.tag())).unwrap().count();
            assert_eq!(on_disk, sources(lang).len(), "{lang:?}");
        }
    }

    #[test]
    fn both_languages_define_the_same_messages() {
        let cs: BTreeSet<_> = sources(Language::Cs)
            .iter()
            .flat_map(|s| message_ids(s))
            .collect();
        let en: BTreeSet<_> = sources(Language::En)
            .iter()
            .flat_map(|s| message_ids(s))
            .collect();
        assert!(cs.len() > 20);
        for lang in Language::ALL {
            let ids: Vec<&str> = sources(lang).iter().flat_map(|s| message_ids(s)).collect();
            let unique: BTreeSet<&str> = ids.iter().copied().collect();
            assert_eq!(
                ids.len(),
                unique.len(),
                "a message id is defined twice (Fluent refuses the file)"
            );
        }
        assert_eq!(
            cs.symmetric_difference(&en).collect::<Vec<_>>(),
            Vec::<&&str>::new(),
            "messages missing in one language"
        );
    }

    #[test]
    fn every_key_used_in_code_and_templates_exists() {
        // Every crate whose code or templates name messages.
        let crates = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut used = BTreeSet::new();
        let mut stack = vec![
            crates.join("web/src"),
            crates.join("web/templates"),
            crates.join("app/src"),
        ];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for marker in [".t(\"", ".t1(\"", ".tn(\"", "key: \""] {
                    for piece in text.split(marker).skip(1) {
                        if let Some(key) = piece.split('"').next()
                            && !key.is_empty()
                            && key
                                .bytes()
                                .all(|b| b.is_ascii_lowercase() || b == b'-' || b.is_ascii_digit())
                        {
                            used.insert(key.to_owned());
                        }
                    }
                }
            }
        }
        assert!(used.len() > 10, "the scan found the keys: {used:?}");
        for key in &used {
            for lang in Language::ALL {
                assert!(Tr::has(lang, key), "message {key:?} missing in {lang:?}");
            }
        }
    }

    #[test]
    fn every_agenda_and_role_has_a_name() {
        for lang in Language::ALL {
            for agenda in supportweb_domain::Agenda::ALL {
                let key = format!("agenda-{}", agenda.slug());
                assert!(Tr::has(lang, &key), "{key} missing in {lang:?}");
            }
            for event in supportweb_domain::audit::AuditEvent::ALL {
                let key = event_key(event.as_str());
                assert!(Tr::has(lang, &key), "{key} missing in {lang:?}");
            }
            for role in supportweb_domain::user::StaffRole::ALL {
                let key = role_key(role.as_str());
                assert!(Tr::has(lang, &key), "{key} missing in {lang:?}");
            }
        }
    }

    #[test]
    fn czech_plurals_use_one_few_many_other() {
        let t = Tr::new(Language::Cs);
        assert_eq!(t.tn("count-accounts", "count", 1), "1 účet");
        assert_eq!(t.tn("count-accounts", "count", 3), "3 účty");
        assert_eq!(t.tn("count-accounts", "count", 5), "5 účtů");
        let e = Tr::new(Language::En);
        assert_eq!(e.tn("count-accounts", "count", 1), "1 account");
        assert_eq!(e.tn("count-accounts", "count", 5), "5 accounts");
    }
}
