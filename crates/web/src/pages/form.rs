//! Field errors of a form, shown next to each field.

use std::collections::BTreeMap;

use axum::http::StatusCode;
use supportweb_app::{Error, FieldErrors};

use crate::error::AppError;
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

    /// No errors?
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// What a refused use case puts next to a form's fields, with the answer's status: the
/// field problems (422), or a stale form (409) whose note goes next to `conflict_field`.
/// Any other error is the page's error.
pub fn problems_of(
    t: &Tr,
    error: Error,
    conflict_field: &'static str,
) -> Result<(StatusCode, FormErrors), AppError> {
    match error {
        Error::Invalid(problems) => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            FormErrors::from_fields(&problems, t),
        )),
        Error::Conflict => {
            let mut errors = FormErrors::default();
            errors.add_t(conflict_field, t, "error-conflict-detail");
            Ok((StatusCode::CONFLICT, errors))
        }
        other => Err(other.into()),
    }
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
}
