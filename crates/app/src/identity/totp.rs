//! Two-factor sign-in with time-based one-time passwords (RFC 6238: HMAC-SHA1, 6 digits,
//! 30-second steps — what every authenticator app speaks), one-time recovery codes, and the
//! enrolment QR code rendered on the server as SVG.
//!
//! The secret is sealed with the portal's [`crate::secrets::SecretKey`] before it is stored;
//! recovery codes are stored as SHA-256 only (they are random, so a slow hash adds nothing).

use hmac::{Hmac, KeyInit, Mac};
use qrcode::QrCode;
use qrcode::render::svg;
use rand::TryRngCore;
use rand::rngs::OsRng;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use supportweb_domain::ids::UserId;

use crate::error::Error;

/// Seconds per time step.
pub const STEP_SECONDS: i64 = 30;
/// Recovery codes issued at once.
pub const RECOVERY_CODES: usize = 10;
/// Bytes of a new secret (160 bits, as RFC 4226 recommends).
const SECRET_BYTES: usize = 20;
/// Steps before and after the current one that are still accepted (clock drift).
const DRIFT_STEPS: i64 = 1;

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding, as authenticator apps expect the secret.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Decodes [`base32`] (case-insensitive, spaces ignored).
pub fn from_base32(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let mut buffer: u32 = 0;
    let mut bits = 0;
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        let value = BASE32
            .iter()
            .position(|&b| char::from(b) == c.to_ascii_uppercase())?;
        buffer = (buffer << 5) | value as u32;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    Some(out)
}

fn random_bytes<const N: usize>() -> Result<[u8; N], Error> {
    let mut bytes = [0u8; N];
    OsRng
        .try_fill_bytes(&mut bytes)
        .map_err(|e| Error::Internal(format!("random source: {e}")))?;
    Ok(bytes)
}

/// A new random secret, base32.
pub fn new_secret() -> Result<String, Error> {
    Ok(base32(&random_bytes::<SECRET_BYTES>()?))
}

/// The time step of a Unix time.
pub fn step_at(unix_seconds: i64) -> i64 {
    unix_seconds.div_euclid(STEP_SECONDS)
}

/// The 6-digit code of `secret` at time step `step` (RFC 4226 dynamic truncation).
pub fn code_at(secret: &[u8], step: i64) -> Option<String> {
    let mut mac = Hmac::<Sha1>::new_from_slice(secret).ok()?;
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[digest.len() - 1] & 0x0f);
    let part: [u8; 4] = digest.get(offset..offset + 4)?.try_into().ok()?;
    let number = u32::from_be_bytes(part) & 0x7fff_ffff;
    Some(format!("{:06}", number % 1_000_000))
}

/// The time step whose code `typed` is, within the allowed drift around `unix_seconds`.
/// Spaces in the typed code are ignored. The caller still has to refuse a step used before.
pub fn matching_step(secret_base32: &str, typed: &str, unix_seconds: i64) -> Option<i64> {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    if typed.len() != 6 || !typed.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secret = from_base32(secret_base32)?;
    let now = step_at(unix_seconds);
    // Every candidate is computed, so the time taken does not tell which one matched.
    let mut found = None;
    for step in now - DRIFT_STEPS..=now + DRIFT_STEPS {
        let code = code_at(&secret, step)?;
        let same = code
            .bytes()
            .zip(typed.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
        if same && found.is_none() {
            found = Some(step);
        }
    }
    found
}

/// The `otpauth://` URI an authenticator app reads from the QR code.
pub fn provisioning_uri(issuer: &str, login: &str, secret_base32: &str) -> String {
    let enc = |s: &str| {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    };
    format!(
        "otpauth://totp/{}:{}?secret={secret_base32}&issuer={}&algorithm=SHA1&digits=6&period={STEP_SECONDS}",
        enc(issuer),
        enc(login),
        enc(issuer)
    )
}

/// The QR code of `data` as an SVG element (dark modules on white, with a quiet zone).
pub fn qr_svg(data: &str) -> Result<String, Error> {
    let code = QrCode::new(data.as_bytes()).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(code
        .render::<svg::Color<'_>>()
        .min_dimensions(220, 220)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

/// New recovery codes: ten groups like `k7m2-9xqp-4t`, easy to type, 50 random bits each.
pub fn new_recovery_codes() -> Result<Vec<String>, Error> {
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    let mut codes = Vec::with_capacity(RECOVERY_CODES);
    while codes.len() < RECOVERY_CODES {
        let bytes = random_bytes::<10>()?;
        let chars: String = bytes
            .iter()
            .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
            .collect();
        codes.push(format!(
            "{}-{}-{}",
            &chars[0..4],
            &chars[4..8],
            &chars[8..10]
        ));
    }
    Ok(codes)
}

/// The stored form of a recovery code: SHA-256 of its normalised text (lower case, no
/// spaces or dashes), bound to the account.
pub fn recovery_code_hash(user: UserId, typed: &str) -> [u8; 32] {
    let normalised: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let mut hasher = Sha256::new();
    hasher.update(user.0.as_bytes());
    hasher.update(normalised.as_bytes());
    hasher.finalize().into()
}

/// The associated data binding a sealed TOTP secret to its account.
pub fn seal_context(user: UserId) -> Vec<u8> {
    let mut context = b"totp:".to_vec();
    context.extend_from_slice(user.0.as_bytes());
    context
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 appendix B, SHA-1 column (8 digits there; the last 6 are ours).
    #[test]
    fn codes_match_the_rfc_test_vectors() {
        let secret = b"12345678901234567890";
        for (time, eight) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(
                code_at(secret, step_at(time)).as_deref(),
                Some(&eight[2..]),
                "{time}"
            );
        }
    }

    #[test]
    fn base32_round_trips_and_matches_rfc_4648() {
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(from_base32("mzxw 6ytb oi").as_deref(), Some(&b"foobar"[..]));
        assert_eq!(from_base32("MZ1"), None);
    }

    #[test]
    fn a_code_is_accepted_only_near_its_time() {
        let secret = base32(b"12345678901234567890");
        let now = 1_234_567_890;
        let code = code_at(b"12345678901234567890", step_at(now)).unwrap_or_default();
        assert_eq!(matching_step(&secret, &code, now), Some(step_at(now)));
        assert_eq!(
            matching_step(&secret, &format!("{} {}", &code[..3], &code[3..]), now + 30),
            Some(step_at(now)),
            "one step of drift and a typed space are fine"
        );
        assert_eq!(matching_step(&secret, &code, now + 95), None);
        assert_eq!(matching_step(&secret, "12345", now), None);
        assert_eq!(matching_step(&secret, "abcdef", now), None);
    }

    #[test]
    fn recovery_codes_are_distinct_and_normalised_before_hashing() {
        let codes = new_recovery_codes().unwrap_or_default();
        assert_eq!(codes.len(), RECOVERY_CODES);
        let mut unique = codes.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), RECOVERY_CODES);
        let user = UserId(uuid::Uuid::now_v7());
        let code = &codes[0];
        assert_eq!(
            recovery_code_hash(user, code),
            recovery_code_hash(user, &code.to_uppercase().replace('-', " "))
        );
        assert_ne!(
            recovery_code_hash(user, code),
            recovery_code_hash(UserId(uuid::Uuid::now_v7()), code)
        );
    }

    #[test]
    fn the_qr_code_is_an_svg_image() {
        let svg =
            qr_svg(&provisioning_uri("Supportweb", "jan.novak", "MZXW6YTBOI")).unwrap_or_default();
        assert!(svg.contains("<svg"), "{svg}");
        assert!(!svg.contains("jan.novak"), "the SVG draws modules, no text");
    }
}
