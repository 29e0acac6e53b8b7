//! Argon2id password hashing. Hashing runs on the blocking pool so it never stalls requests.

use std::sync::OnceLock;

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// Hashing failed (only on a broken random source or absurd input).
#[derive(Debug, thiserror::Error)]
#[error("password hashing failed: {0}")]
pub struct HashError(String);

/// Hashes `password` with Argon2id and a random salt; returns the PHC string.
pub fn hash(password: &str) -> Result<String, HashError> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Checks `password` against a stored PHC string. Without a stored hash (unknown account or
/// no password chosen yet) it verifies against a dummy hash, so both cases take as long as a
/// wrong password, and answers `false`.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let dummy = DUMMY.get_or_init(|| hash("dummy password for timing").unwrap_or_default());
    let (phc, real) = match stored {
        Some(phc) => (phc, true),
        None => (dummy.as_str(), false),
    };
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
        && real
}

/// At most this many Argon2 computations run at once (each takes ~19 MiB and a core for a
/// few dozen milliseconds); further sign-ins queue instead of exhausting the machine.
const CONCURRENT_HASHES: usize = 4;

fn permits() -> &'static tokio::sync::Semaphore {
    static PERMITS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| tokio::sync::Semaphore::new(CONCURRENT_HASHES))
}

/// [`hash`] on the blocking pool.
pub async fn hash_blocking(password: String) -> Result<String, HashError> {
    let _permit = permits()
        .acquire()
        .await
        .map_err(|e| HashError(e.to_string()))?;
    tokio::task::spawn_blocking(move || hash(&password))
        .await
        .map_err(|e| HashError(e.to_string()))?
}

/// [`verify`] on the blocking pool.
pub async fn verify_blocking(password: String, stored: Option<String>) -> bool {
    let Ok(_permit) = permits().acquire().await else {
        return false;
    };
    tokio::task::spawn_blocking(move || verify(&password, stored.as_deref()))
        .await
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_salted_and_verify() {
        let a = hash("správné heslo 123").unwrap();
        let b = hash("správné heslo 123").unwrap();
        assert!(a.starts_with("$argon2id$"), "{a}");
        assert_ne!(a, b, "every hash has its own salt");
        assert!(verify("správné heslo 123", Some(&a)));
        assert!(!verify("špatné heslo", Some(&a)));
        assert!(!verify("dummy password for timing", None));
        assert!(!verify("x", Some("not a phc string")));
    }
}
