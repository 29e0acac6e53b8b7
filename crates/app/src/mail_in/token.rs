//! Reply tokens: the sub-address (`podpora+r.<token>@example.cz`) a notification's
//! `Reply-To` carries, one per recipient and record. The token is a MAC of the recipient and
//! the record under the portal's secret key, so it cannot be guessed or made for another
//! person or record; an incoming reply's token is looked up among the messages we sent and
//! checked again against the recipient and record of that message.

use supportweb_domain::ids::UserId;
use supportweb_storage::notifications::RecordRef;

use crate::secrets::SecretKey;

/// The marker between the local part and the token.
const MARK: &str = "+r.";

/// Bytes of the MAC kept in a token (120 bits: 24 characters of base32).
const TOKEN_BYTES: usize = 15;

/// The token of `user`'s replies about `record`.
pub fn reply_token(key: &SecretKey, user: UserId, record: RecordRef) -> String {
    let mut data = Vec::with_capacity(64);
    data.extend_from_slice(b"supportweb reply token\0");
    data.extend_from_slice(record.agenda.slug().as_bytes());
    data.push(0);
    data.extend_from_slice(record.id.as_bytes());
    data.extend_from_slice(user.0.as_bytes());
    let mac = key.mac(&data);
    crate::identity::totp::base32(&mac[..TOKEN_BYTES]).to_ascii_lowercase()
}

/// Whether `token` is the one of `user` about `record` (compared in constant time).
pub fn verify(key: &SecretKey, token: &str, user: UserId, record: RecordRef) -> bool {
    let expected = reply_token(key, user, record);
    expected.len() == token.len()
        && expected
            .bytes()
            .zip(token.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// The reply address with `token` under the support address `address`
/// (`podpora@example.cz` → `podpora+r.<token>@example.cz`).
pub fn reply_address(address: &str, token: &str) -> Option<String> {
    let (local, domain) = address.rsplit_once('@')?;
    Some(format!("{local}{MARK}{token}@{domain}"))
}

/// The token of a reply address under the support address, if it is one.
pub fn token_in(recipient: &str, address: &str) -> Option<String> {
    let (local, domain) = address.rsplit_once('@')?;
    let (their_local, their_domain) = recipient.rsplit_once('@')?;
    if !their_domain.eq_ignore_ascii_case(domain) {
        return None;
    }
    let token = their_local
        .to_ascii_lowercase()
        .strip_prefix(&format!("{}{MARK}", local.to_ascii_lowercase()))?
        .to_owned();
    (token.len() == 24 && token.bytes().all(|b| ALPHABET.contains(&b))).then_some(token)
}

/// The characters of a token (base32, lower case).
const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

#[cfg(test)]
mod tests {
    use super::*;
    use supportweb_domain::agenda::Agenda;
    use uuid::Uuid;

    #[test]
    fn a_token_belongs_to_one_person_and_one_record() {
        let key = SecretKey::generate();
        let jana = UserId(Uuid::now_v7());
        let petr = UserId(Uuid::now_v7());
        let document = RecordRef {
            agenda: Agenda::SupportDocuments,
            id: Uuid::now_v7(),
        };
        let other = RecordRef {
            agenda: Agenda::SupportDocuments,
            id: Uuid::now_v7(),
        };
        let token = reply_token(&key, jana, document);
        assert_eq!(token.len(), 24);
        assert!(verify(&key, &token, jana, document));
        assert!(!verify(&key, &token, petr, document));
        assert!(!verify(&key, &token, jana, other));
        assert!(!verify(&SecretKey::generate(), &token, jana, document));
        let address = reply_address("podpora@example.cz", &token).unwrap();
        assert_eq!(address, format!("podpora+r.{token}@example.cz"));
        assert_eq!(
            token_in(&address.to_uppercase(), "podpora@example.cz"),
            Some(token.clone())
        );
        assert_eq!(token_in(&address, "podpora@jinde.cz"), None);
        assert_eq!(
            token_in("podpora+r.short@example.cz", "podpora@example.cz"),
            None
        );
    }
}
