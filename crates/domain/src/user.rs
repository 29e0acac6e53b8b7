//! Accounts: the vendor's staff and customer users.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Whether an account belongs to the vendor or to a customer / partner organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserKind {
    /// The vendor's staff.
    Staff,
    /// A customer's user; belongs to one organisation and sees only it.
    Customer,
    /// A partner's user; may be a member of several organisations and sees only those.
    Partner,
}

impl UserKind {
    /// Database / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            UserKind::Staff => "staff",
            UserKind::Customer => "customer",
            UserKind::Partner => "partner",
        }
    }

    /// Parses [`UserKind::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "staff" => Some(UserKind::Staff),
            "customer" => Some(UserKind::Customer),
            "partner" => Some(UserKind::Partner),
            _ => None,
        }
    }
}

/// A role of a staff user; one user may hold several.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    /// Administers accounts, rights, contracts and settings.
    Administrator,
    /// Leads implementation projects.
    ProjectManager,
    /// Consults and records protocols.
    Consultant,
    /// Solves support documents.
    Technician,
    /// Develops customizations and patches.
    Developer,
}

impl StaffRole {
    /// Every role, in the order administration pages list them.
    pub const ALL: [StaffRole; 5] = [
        StaffRole::Administrator,
        StaffRole::ProjectManager,
        StaffRole::Consultant,
        StaffRole::Technician,
        StaffRole::Developer,
    ];

    /// Database / API name.
    pub fn as_str(self) -> &'static str {
        match self {
            StaffRole::Administrator => "administrator",
            StaffRole::ProjectManager => "project_manager",
            StaffRole::Consultant => "consultant",
            StaffRole::Technician => "technician",
            StaffRole::Developer => "developer",
        }
    }

    /// Parses [`StaffRole::as_str`].
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }
}

/// A login name: 3–64 characters of lowercase ASCII letters, digits, `.`, `_`, `-` and `@`.
/// Stored lowercase so that `Novak` and `novak` are one account.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Login(String);

/// Why a login name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidLogin {
    /// Shorter than 3 or longer than 64 characters.
    #[error("a login has 3 to 64 characters")]
    Length,
    /// Contains a character outside the allowed set.
    #[error("a login may contain only letters a–z, digits and . _ - @")]
    Character,
}

impl Login {
    /// Validates and normalises a login name.
    pub fn parse(text: &str) -> Result<Self, InvalidLogin> {
        let login = text.trim().to_ascii_lowercase();
        if !(3..=64).contains(&login.chars().count()) {
            return Err(InvalidLogin::Length);
        }
        if !login
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-@".contains(&b))
        {
            return Err(InvalidLogin::Character);
        }
        Ok(Login(login))
    }

    /// The normalised text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Minimum length of a password a user chooses.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Why a chosen password was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum WeakPassword {
    /// Fewer than [`MIN_PASSWORD_CHARS`] characters.
    #[error("a password has at least 10 characters")]
    TooShort,
    /// More than 1024 characters (hashing cost guard).
    #[error("a password has at most 1024 characters")]
    TooLong,
}

/// Checks a password a user is about to set.
pub fn check_new_password(password: &str) -> Result<(), WeakPassword> {
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS {
        Err(WeakPassword::TooShort)
    } else if chars > 1024 {
        Err(WeakPassword::TooLong)
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logins_are_normalised_and_checked() {
        assert_eq!(Login::parse("  J.Novak ").unwrap().as_str(), "j.novak");
        assert_eq!(Login::parse("ab"), Err(InvalidLogin::Length));
        assert_eq!(Login::parse("jan novák"), Err(InvalidLogin::Character));
        assert_eq!(Login::parse("<script>"), Err(InvalidLogin::Character));
        assert!(Login::parse("servis@obec-lhota.cz").is_ok());
    }

    #[test]
    fn roles_round_trip() {
        for role in StaffRole::ALL {
            assert_eq!(StaffRole::parse(role.as_str()), Some(role));
        }
        assert_eq!(StaffRole::parse("root"), None);
    }

    #[test]
    fn short_passwords_are_refused() {
        assert_eq!(check_new_password("kratke"), Err(WeakPassword::TooShort));
        assert!(check_new_password("dlouhé heslo s diakritikou").is_ok());
    }
}
