//! Field errors of a form, shown next to each field.

use std::collections::BTreeMap;

use supportweb_app::FieldErrors;

use crate::error::{AppError, FieldError};
use crate::i18n::Tr;

/// Messages per field name, with the message id (the API's error code).
#[derive(Debug, Default, Clone)]
pub struct FormErrors(BTreeMap<String, (String, &'static str)>);

impl FormErrors {
    /// The use case's field problems in `t`'s language.
    pub fn from_fields(fields: &FieldErrors, t: &Tr) -> Self {
        FormErrors(
            fields
                .iter()
                .map(|(field, problem)| {
                    let message = match problem.argument {
                        Some((name, value)) => t.tn(problem.code, name, value),
                        None => t.t(problem.code),
                    };
                    (field.to_owned(), (message, problem.code))
                })
                .collect(),
        )
    }

    /// The use case's field problems with fields renamed to the form's names.
    pub fn from_fields_renamed(fields: FieldErrors, t: &Tr, names: &[(&str, &str)]) -> Self {
        Self::from_fields(&fields.renamed(names), t)
    }

    /// Records message `key` for a field in `t`'s language (the first one wins).
    pub fn add_t(&mut self, field: &'static str, t: &Tr, key: &'static str) {
        self.0
            .entry(field.to_owned())
            .or_insert_with(|| (t.t(key), key));
    }

    /// The message for a field.
    pub fn get(&self, field: &str) -> Option<&String> {
        self.0.get(field).map(|(message, _)| message)
    }

    /// The errors as the API reports them: field and code.
    pub fn into_api_error(self) -> AppError {
        AppError::Invalid(
            self.0
                .into_iter()
                .map(|(field, (_, code))| FieldError {
                    field,
                    code,
                    argument: None,
                })
                .collect(),
        )
    }

    /// No errors?
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
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

/// Parses a number of hours typed by a person (`2`, `1,5`, `0.25`) into minutes.
pub fn hours_to_minutes(text: &str) -> Option<i64> {
    let hours: f64 = text.trim().replace(',', ".").parse().ok()?;
    if !(0.0..=100_000.0).contains(&hours) {
        return None;
    }
    Some((hours * 60.0).round() as i64)
}

/// Every value of the repeated field `name` in a form body (checkbox groups), in order.
pub fn form_values(body: &[u8], name: &str) -> Vec<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .unwrap_or_default()
        .into_iter()
        .filter(|(key, _)| key == name)
        .map(|(_, value)| value)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_fields_are_all_read() {
        let body = b"label=A&module=Podatelna&module=V%C3%BDpravna&version=3";
        assert_eq!(form_values(body, "module"), ["Podatelna", "Výpravna"]);
        assert!(form_values(body, "product").is_empty());
    }

    #[test]
    fn hours_accept_czech_decimal_commas() {
        assert_eq!(hours_to_minutes("2"), Some(120));
        assert_eq!(hours_to_minutes("1,5"), Some(90));
        assert_eq!(hours_to_minutes(" 0.25 "), Some(15));
        assert_eq!(hours_to_minutes("-1"), None);
        assert_eq!(hours_to_minutes("dvě"), None);
    }

    #[test]
    fn e_mail_addresses_are_checked_loosely() {
        assert!(looks_like_email("podatelna@obec-lhota.cz"));
        assert!(!looks_like_email("obec lhota@x.cz"));
        assert!(!looks_like_email("bez-zavinace.cz"));
        assert!(!looks_like_email("a@b"));
    }
}
