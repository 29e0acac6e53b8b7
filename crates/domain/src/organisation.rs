//! Customer and partner organisations.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Whether an organisation is a customer or a partner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    /// Runs the vendor's information system.
    Customer,
    /// Implements or supports it for customers.
    Partner,
}

impl OrganisationKind {
    /// Database / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            OrganisationKind::Customer => "customer",
            OrganisationKind::Partner => "partner",
        }
    }

    /// Parses [`OrganisationKind::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "customer" => Some(OrganisationKind::Customer),
            "partner" => Some(OrganisationKind::Partner),
            _ => None,
        }
    }
}

/// An IČO, the Czech company identification number: 8 digits whose last is a check digit
/// (weights 8…2, modulo 11). Shorter numbers are padded with leading zeros, as the registry
/// prints them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Ico(String);

/// Why an IČO was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidIco {
    /// Not 1–8 digits (spaces allowed between them).
    #[error("an IČO has up to 8 digits")]
    Format,
    /// The check digit does not match.
    #[error("the IČO check digit does not match")]
    Checksum,
}

impl Ico {
    /// Validates an IČO; spaces are ignored, shorter numbers are zero-padded.
    pub fn parse(text: &str) -> Result<Self, InvalidIco> {
        let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(InvalidIco::Format);
        }
        let padded = format!("{digits:0>8}");
        let values: Vec<u32> = padded.bytes().map(|b| u32::from(b - b'0')).collect();
        let sum: u32 = values[..7]
            .iter()
            .zip((2..=8).rev())
            .map(|(digit, weight)| digit * weight)
            .sum();
        let check = (11 - sum % 11) % 10;
        if values[7] != check {
            return Err(InvalidIco::Checksum);
        }
        Ok(Ico(padded))
    }

    /// The 8 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Ico {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_registry_numbers_pass() {
        // Česká národní banka, Ministerstvo financí, Seznam.cz, Statutární město Brno.
        for ico in ["48136450", "00006947", "26168685", "44992785"] {
            assert_eq!(Ico::parse(ico).unwrap().as_str(), ico);
        }
        assert_eq!(
            Ico::parse("6947").unwrap().as_str(),
            "00006947",
            "zero-padded"
        );
        assert_eq!(Ico::parse("481 36 450").unwrap().as_str(), "48136450");
    }

    #[test]
    fn wrong_check_digits_and_formats_fail() {
        assert_eq!(Ico::parse("48136451"), Err(InvalidIco::Checksum));
        assert_eq!(Ico::parse("12345678"), Err(InvalidIco::Checksum));
        assert_eq!(Ico::parse("123456789"), Err(InvalidIco::Format));
        assert_eq!(Ico::parse("4813645a"), Err(InvalidIco::Format));
        assert_eq!(Ico::parse(""), Err(InvalidIco::Format));
    }

    #[test]
    fn every_check_digit_rule_is_consistent() {
        // For any 7-digit prefix exactly one last digit is valid (or none, when the rule
        // yields 10 — impossible here because of the final modulo 10).
        for prefix in [0u32, 1, 1234567, 9999999, 4813645, 2616868] {
            let valid: Vec<u32> = (0..10)
                .filter(|d| Ico::parse(&format!("{prefix:07}{d}")).is_ok())
                .collect();
            assert_eq!(valid.len(), 1, "prefix {prefix:07}: {valid:?}");
        }
    }
}
