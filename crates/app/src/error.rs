//! The errors of the use cases, and the field problems of invalid input.
//!
//! A use case answers with [`Error`]; the web edge turns it into an HTML page or an
//! `application/problem+json` body. A field problem names the field as in the form or JSON
//! body and carries the Fluent message id that explains it — the page shows that message next
//! to the field, the API sends the id as the problem's code.

use std::collections::BTreeMap;

use supportweb_files::FileError;
use supportweb_storage::StoreError;

/// Why a use case refused or failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The account behind the request is gone or no longer signs in.
    #[error("not signed in")]
    Unauthenticated,
    /// Missing — or belonging to someone the actor may not see; the two are never told apart.
    #[error("not found")]
    NotFound,
    /// The actor may see the record but may not take this step.
    #[error("forbidden")]
    Forbidden,
    /// A stale or conflicting write; nothing was written.
    #[error("conflict")]
    Conflict,
    /// The record no longer changes (an issued or confirmed protocol, an invoiced order);
    /// nothing was written.
    #[error("locked")]
    Locked,
    /// Input failed validation; nothing was written.
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// A malformed request; the code names what is wrong (`upload_interrupted`, …).
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// An upload over the limit; nothing was kept.
    #[error("payload too large")]
    PayloadTooLarge,
    /// The actor sees a patch but may not download it; the code says why
    /// (`patch_not_covered`, `patch_withdrawn`).
    #[error("download closed: {0}")]
    DownloadClosed(&'static str),
    /// Staff must set up two-factor sign-in before doing anything else.
    #[error("two-factor sign-in required")]
    TwoFactorRequired,
    /// A bug or an infrastructure failure; the text is logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    /// One refused field.
    pub fn field(field: impl Into<String>, code: &'static str) -> Self {
        let mut errors = FieldErrors::default();
        errors.add(field, code);
        Error::Invalid(errors)
    }

    /// One refused field of a store write: a field that names another record (organisation,
    /// product, files, patch, installation, minute-taker) was refused because that record does
    /// not exist or the actor may not see it; any other field — people who exist but may not
    /// take that part, a version or module the product lacks — is invalid.
    pub fn refused(field: &str, code: &'static str) -> Self {
        const REFERENCES: &[&str] = &[
            "organisation",
            "product",
            "files",
            "patch",
            "installation",
            "minute_taker",
            "organisations",
            "products",
        ];
        if REFERENCES.contains(&field) {
            Error::missing(field, code)
        } else {
            Error::field(field, code)
        }
    }

    /// One field whose value conflicts with other records as they are now (another record
    /// holds it, or the organisation named has no valid contract).
    pub fn conflicting(field: impl Into<String>, code: &'static str) -> Self {
        let mut errors = FieldErrors::default();
        errors.0.insert(
            field.into(),
            FieldProblem {
                code,
                argument: None,
                missing: false,
                conflict: true,
            },
        );
        Error::Invalid(errors)
    }

    /// One field naming a record that does not exist or that the actor may not see.
    pub fn missing(field: impl Into<String>, code: &'static str) -> Self {
        let mut errors = FieldErrors::default();
        errors.add_missing(field, code);
        Error::Invalid(errors)
    }
}

/// `Ok` when the actor may reach what it asked for, else [`Error::NotFound`]: anything an
/// actor may not reach answers like a missing page.
pub fn reachable(allowed: bool) -> Result<()> {
    if allowed {
        Ok(())
    } else {
        Err(Error::NotFound)
    }
}

/// The use cases' result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The problem with one field: the Fluent id of its explanation, and a number the message
/// names (the most characters a text takes), if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    /// Message id; also the API's code for the field.
    pub code: &'static str,
    /// A named number in the message (`max`).
    pub argument: Option<(&'static str, i64)>,
    /// The field names a record that does not exist or that the actor may not see (the API
    /// answers 404 when every problem is of this kind).
    pub missing: bool,
    /// The value conflicts with other records as they are now: another record already holds
    /// it (a number, a code, a name that must be unique), or the organisation named has no
    /// valid support contract (the API answers 409 when every problem is of this kind).
    pub conflict: bool,
}

/// Problems per field, in field-name order. The first problem recorded for a field wins.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(BTreeMap<String, FieldProblem>);

impl FieldErrors {
    /// Records message `code` for `field`.
    pub fn add(&mut self, field: impl Into<String>, code: &'static str) {
        self.0.entry(field.into()).or_insert(FieldProblem {
            code,
            argument: None,
            missing: false,
            conflict: false,
        });
    }

    /// Records message `code` for `field`, which names a record that does not exist or that
    /// the actor may not see.
    pub fn add_missing(&mut self, field: impl Into<String>, code: &'static str) {
        self.0.entry(field.into()).or_insert(FieldProblem {
            code,
            argument: None,
            missing: true,
            conflict: false,
        });
    }

    /// Whether there are problems and each conflicts with other records as they are now.
    pub fn all_conflicting(&self) -> bool {
        !self.is_empty() && self.0.values().all(|p| p.conflict)
    }

    /// Whether there are problems and each names a missing record.
    pub fn all_missing(&self) -> bool {
        !self.is_empty() && self.0.values().all(|p| p.missing)
    }

    /// Records message `code` for `field`, with the number `value` as its argument `name`.
    pub fn add_n(
        &mut self,
        field: impl Into<String>,
        code: &'static str,
        name: &'static str,
        value: i64,
    ) {
        self.0.entry(field.into()).or_insert(FieldProblem {
            code,
            argument: Some((name, value)),
            missing: false,
            conflict: false,
        });
    }

    /// Whether `field` has a problem.
    pub fn has(&self, field: &str) -> bool {
        self.0.contains_key(field)
    }

    /// No problems?
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems, in field-name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &FieldProblem)> {
        self.0
            .iter()
            .map(|(field, problem)| (field.as_str(), problem))
    }

    /// The problem of `field`, if any.
    pub fn get(&self, field: &str) -> Option<&FieldProblem> {
        self.0.get(field)
    }

    /// Renames fields: the API names some fields otherwise than the form the use case's
    /// problems speak of (`organisation` → `organisation_id`).
    pub fn renamed(self, names: &[(&str, &str)]) -> Self {
        FieldErrors(
            self.0
                .into_iter()
                .map(|(field, problem)| {
                    let name = names
                        .iter()
                        .find(|(from, _)| *from == field)
                        .map_or(field, |(_, to)| (*to).to_owned());
                    (name, problem)
                })
                .collect(),
        )
    }

    /// Takes over the problems of `other` for fields without one.
    pub fn merge(&mut self, other: FieldErrors) {
        for (field, problem) in other.0 {
            self.0.entry(field).or_insert(problem);
        }
    }

    /// `Ok(())` without problems, otherwise [`Error::Invalid`].
    pub fn into_result(self) -> Result<()> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(Error::Invalid(self))
        }
    }
}

impl Error {
    /// The same error with its fields renamed (see [`FieldErrors::renamed`]).
    pub fn renamed(self, names: &[(&str, &str)]) -> Self {
        match self {
            Error::Invalid(fields) => Error::Invalid(fields.renamed(names)),
            other => other,
        }
    }
}

impl From<StoreError> for Error {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Error::NotFound,
            StoreError::Duplicate(_) | StoreError::Conflict => Error::Conflict,
            StoreError::Corrupt(detail) => Error::Internal(detail),
            StoreError::Database(e) => Error::Internal(e.to_string()),
        }
    }
}

impl From<FileError> for Error {
    fn from(error: FileError) -> Self {
        match error {
            FileError::TooLarge { .. } => Error::PayloadTooLarge,
            FileError::Body(_) => Error::BadRequest("upload_interrupted"),
            other => Error::Internal(other.to_string()),
        }
    }
}
