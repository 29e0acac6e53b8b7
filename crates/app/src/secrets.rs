//! Encryption of secrets at rest (remote-access passwords): XChaCha20-Poly1305 with a random
//! 192-bit nonce per secret and the record's id as associated data, so a sealed secret cannot
//! be moved to another record. The key comes from configuration and never reaches a log.

use std::fmt;

use chacha20poly1305::aead::{Aead, Generate, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};

/// Nonce length of XChaCha20-Poly1305.
const NONCE_BYTES: usize = 24;

/// A 256-bit key for sealing secrets.
#[derive(Clone)]
pub struct SecretKey([u8; 32]);

impl SecretKey {
    /// A key from 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        SecretKey(bytes)
    }

    /// A key from 64 hexadecimal characters.
    pub fn from_hex(text: &str) -> Option<Self> {
        let bytes = hex::decode(text.trim()).ok()?;
        Some(SecretKey(bytes.try_into().ok()?))
    }

    /// A new random key.
    pub fn generate() -> Self {
        SecretKey(Key::generate().into())
    }

    /// HMAC-SHA256 of `data` under a key derived from this one for that use alone (reply
    /// tokens), so the MAC never reveals anything about the sealing key.
    pub fn mac(&self, data: &[u8]) -> [u8; 32] {
        use hmac::{Hmac, KeyInit, Mac};
        type HmacSha256 = Hmac<sha2_hmac::Sha256>;
        let derived = match HmacSha256::new_from_slice(&self.0) {
            Ok(mut mac) => {
                mac.update(b"supportweb mac key");
                mac.finalize().into_bytes()
            }
            Err(_) => return [0; 32],
        };
        match HmacSha256::new_from_slice(&derived) {
            Ok(mut mac) => {
                mac.update(data);
                mac.finalize().into_bytes().into()
            }
            Err(_) => [0; 32],
        }
    }

    /// The key as hex (for writing a new key file).
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(&Key::from(self.0))
    }

    /// Seals `plaintext` for the record `context`; the result is nonce ‖ ciphertext.
    pub fn seal(&self, context: &[u8], plaintext: &str) -> Result<Vec<u8>, SecretError> {
        let nonce = XNonce::generate();
        let sealed = self
            .cipher()
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: context,
                },
            )
            .map_err(|_| SecretError)?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(out)
    }

    /// Opens what [`SecretKey::seal`] produced for the same `context`.
    pub fn open(&self, context: &[u8], sealed: &[u8]) -> Result<String, SecretError> {
        if sealed.len() <= NONCE_BYTES {
            return Err(SecretError);
        }
        let (nonce, ciphertext) = sealed.split_at(NONCE_BYTES);
        let nonce = XNonce::try_from(nonce).map_err(|_| SecretError)?;
        let plain = self
            .cipher()
            .decrypt(
                &nonce,
                Payload {
                    msg: ciphertext,
                    aad: context,
                },
            )
            .map_err(|_| SecretError)?;
        String::from_utf8(plain).map_err(|_| SecretError)
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretKey(***)")
    }
}

/// Sealing or opening failed (wrong key, tampered data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the secret cannot be sealed or opened with this key")]
pub struct SecretError;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_secrets_open_only_with_the_key_and_record() {
        let key = SecretKey::generate();
        let sealed = key.seal(b"entry-1", "Heslo-k-VPN-2026").unwrap();
        assert!(
            !sealed.windows(7).any(|w| w == b"Heslo-k"),
            "no plaintext at rest"
        );
        assert_eq!(key.open(b"entry-1", &sealed).unwrap(), "Heslo-k-VPN-2026");
        assert_eq!(
            key.open(b"entry-2", &sealed),
            Err(SecretError),
            "bound to its record"
        );
        assert_eq!(
            SecretKey::generate().open(b"entry-1", &sealed),
            Err(SecretError)
        );
        let again = key.seal(b"entry-1", "Heslo-k-VPN-2026").unwrap();
        assert_ne!(sealed, again, "a fresh nonce every time");
        let mut tampered = sealed.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert_eq!(key.open(b"entry-1", &tampered), Err(SecretError));
        assert_eq!(format!("{key:?}"), "SecretKey(***)");
        assert!(SecretKey::from_hex(&key.to_hex()).is_some());
        assert!(SecretKey::from_hex("abc").is_none());
    }
}
