//! Values as people type them: hours with a Czech decimal comma, e-mail addresses.

/// Parses a number of hours typed by a person (`2`, `1,5`, `0.25`) into minutes.
pub fn hours_to_minutes(text: &str) -> Option<i64> {
    let hours: f64 = text.trim().replace(',', ".").parse().ok()?;
    if !(0.0..=100_000.0).contains(&hours) {
        return None;
    }
    Some((hours * 60.0).round() as i64)
}

/// Minutes as hours the way a person types them (`1,5`).
pub fn hours(minutes: i64) -> String {
    let h = minutes as f64 / 60.0;
    if h.fract() == 0.0 {
        format!("{h:.0}")
    } else {
        format!("{h}").replace('.', ",")
    }
}

/// Whether `text` looks like an e-mail address (one `@`, a dot in the domain, no spaces).
pub fn looks_like_email(text: &str) -> bool {
    text.len() <= 254
        && !text.contains(char::is_whitespace)
        && text.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.contains('@')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hours_accept_czech_decimal_commas() {
        assert_eq!(hours_to_minutes("2"), Some(120));
        assert_eq!(hours_to_minutes("1,5"), Some(90));
        assert_eq!(hours_to_minutes(" 0.25 "), Some(15));
        assert_eq!(hours_to_minutes("-1"), None);
        assert_eq!(hours_to_minutes("dvě"), None);
    }

    #[test]
    fn hours_are_written_with_a_decimal_comma() {
        assert_eq!(hours(120), "2");
        assert_eq!(hours(90), "1,5");
        assert_eq!(hours_to_minutes(&hours(45)), Some(45));
    }

    #[test]
    fn e_mail_addresses_are_checked_loosely() {
        assert!(looks_like_email("podatelna@obec-lhota.cz"));
        assert!(!looks_like_email("obec lhota@x.cz"));
        assert!(!looks_like_email("bez-zavinace.cz"));
        assert!(!looks_like_email("a@b"));
    }
}
