//! Random tokens — session cookies, activation links, API tokens, pending two-factor steps:
//! 32 random bytes shown once as hex; only their SHA-256 is stored.

use rand::TryRngCore;
use rand::rngs::OsRng;
use sha2::{Digest, Sha256};

use crate::{Error, Result};

/// A new random token (64 hex characters) and its SHA-256, which is all the database keeps.
pub fn new_token() -> Result<(String, [u8; 32])> {
    let mut bytes = [0u8; 32];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| Error::Internal(format!("random source: {e}")))?;
    let token = hex::encode(bytes);
    let hash = token_hash(&token).ok_or_else(|| Error::Internal("token".into()))?;
    Ok((token, hash))
}

/// The SHA-256 of a well-formed token; `None` for anything else.
pub fn token_hash(token: &str) -> Option<[u8; 32]> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    Some(Sha256::digest(token.as_bytes()).into())
}
