//! The change history shown at the bottom of every record's page: who, when, field, old → new.

use crate::i18n::Tr;

/// One history line as shown.
pub struct HistoryLine {
    /// When, Prague time.
    pub when: String,
    /// Who.
    pub who: String,
    /// The field's name in the user's language.
    pub field: String,
    /// Before.
    pub old: String,
    /// After.
    pub new: String,
}

fn line(t: &Tr, entity: &str, h: supportweb_app::HistoryRecord) -> HistoryLine {
    HistoryLine {
        when: supportweb_domain::calendar::prague_time(h.changed_at)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        who: h.changed_by.unwrap_or_default(),
        field: t.t(format!("{entity}-field-{}", h.field.replace('_', "-"))),
        old: value(t, entity, &h.field, h.old_value),
        new: value(t, entity, &h.field, h.new_value),
    }
}

/// A recorded value as the user reads it: states, kinds and task or reservation states in
/// the user's language (a revision number after a state stays, `Nabídnuto (2)`), moments in
/// Prague time; anything else as recorded.
fn value(t: &Tr, entity: &str, field: &str, raw: String) -> String {
    let named = |key: String| Tr::has(t.lang, &key).then(|| t.t(key));
    let machine = |name: &str| name.replace('_', "-");
    let translated = match (entity, field) {
        (_, "state") => {
            let prefix = match entity {
                "customization_order" => "order-state",
                "protocol" => "protocol-state",
                "support_document" => "support-state",
                "patch" => "patch-state",
                _ => "",
            };
            let (name, revision) = match raw.split_once(" (") {
                Some((name, rest)) => (name, format!(" ({rest}")),
                None => (raw.as_str(), String::new()),
            };
            named(format!("{prefix}-{}", machine(name))).map(|text| text + &revision)
        }
        ("protocol", "kind") => named(format!("protocol-kind-{}", machine(&raw))),
        ("customization_order", "reservation") | ("protocol", "task") => {
            raw.rsplit_once(": ").and_then(|(text, state)| {
                let key = if field == "task" {
                    format!("protocol-task-state-{}", machine(state))
                } else {
                    format!("order-reservation-{}", machine(state))
                };
                named(key).map(|state| format!("{text}: {state}"))
            })
        }
        _ => chrono::DateTime::parse_from_rfc3339(&raw)
            .ok()
            .map(|at| {
                supportweb_domain::calendar::prague_time(at.with_timezone(&chrono::Utc))
                    .format("%-d. %-m. %Y %H:%M")
                    .to_string()
            })
            .or_else(|| {
                chrono::NaiveDate::parse_from_str(&raw, "%Y-%m-%d")
                    .ok()
                    .map(|day| day.format("%-d. %-m. %Y").to_string())
            }),
    };
    translated.unwrap_or(raw)
}

/// Recorded changes of `entity` as the page shows them, in `t`'s language.
pub fn format(
    t: &Tr,
    entity: &str,
    records: Vec<supportweb_app::HistoryRecord>,
) -> Vec<HistoryLine> {
    records.into_iter().map(|h| line(t, entity, h)).collect()
}

#[cfg(test)]
mod tests {
    use supportweb_domain::Language;

    use super::value;
    use crate::i18n::Tr;

    #[test]
    fn recorded_values_read_in_the_users_language() {
        let t = Tr::new(Language::Cs);
        let read = |entity: &str, field: &str, raw: &str| value(&t, entity, field, raw.into());
        assert_eq!(
            read("customization_order", "state", "quoted (2)"),
            "Nabídnutá (2)"
        );
        assert_eq!(
            read("protocol", "task", "Dodat skript: done"),
            "Dodat skript: splněný"
        );
        assert_eq!(
            read("customization_order", "reservation", "Chybí součet: fixed"),
            "Chybí součet: opraveno"
        );
        assert_eq!(
            read("protocol", "held_at", "2026-11-20T08:30:00+00:00"),
            "20. 11. 2026 09:30",
            "Prague time"
        );
        assert_eq!(
            read("protocol", "verification_due", "2026-12-04"),
            "4. 12. 2026"
        );
        assert_eq!(
            read("protocol", "kind", "video_call"),
            t.t("protocol-kind-video-call")
        );
        assert_eq!(
            read("patch", "title", "Oprava: tisk"),
            "Oprava: tisk",
            "as recorded"
        );
    }
}
