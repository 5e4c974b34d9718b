//! Identifiers, random tokens and the encodings Entra uses for them.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha1::Sha1;
use sha2::{Digest, Sha256};

/// A GUID that depends only on `seed` and `label`, so seeded objects keep their IDs across runs.
pub(crate) fn stable_uuid(seed: u64, label: &str) -> String {
    let digest = Sha256::new()
        .chain_update(seed.to_be_bytes())
        .chain_update(label.as_bytes())
        .finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .to_string()
}

pub(crate) fn new_uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

/// `len` random bytes as unpadded base64url: codes, refresh tokens, assignment IDs.
pub(crate) fn random_token(len: usize) -> String {
    let mut bytes = vec![0u8; len];
    rand::thread_rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

pub(crate) fn b64url(data: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(data)
}

/// Decodes base64url with or without `=` padding, as Entra accepts thumbprints both ways.
pub(crate) fn b64url_decode(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok()
}

pub(crate) fn sha1(data: &[u8]) -> Vec<u8> {
    Sha1::digest(data).to_vec()
}

pub(crate) fn sha256(data: &[u8]) -> Vec<u8> {
    Sha256::digest(data).to_vec()
}

/// The S256 PKCE transform of a code verifier.
pub(crate) fn pkce_s256(verifier: &str) -> String {
    b64url(&sha256(verifier.as_bytes()))
}

/// Whether `text` is a GUID in its usual hyphenated form.
pub(crate) fn is_guid(text: &str) -> bool {
    text.len() == 36 && uuid::Uuid::parse_str(text).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_uuid_is_stable_and_distinct() {
        assert_eq!(stable_uuid(1, "a"), stable_uuid(1, "a"));
        assert_ne!(stable_uuid(1, "a"), stable_uuid(2, "a"));
        assert_ne!(stable_uuid(1, "a"), stable_uuid(1, "b"));
        assert!(is_guid(&stable_uuid(1, "a")));
    }

    #[test]
    fn padded_and_unpadded_base64url_decode_alike() {
        let bytes = sha1(b"certificate");
        let plain = b64url(&bytes);
        assert_eq!(b64url_decode(&plain), Some(bytes.clone()));
        assert_eq!(b64url_decode(&format!("{plain}=")), Some(bytes));
    }

    #[test]
    fn pkce_matches_rfc7636_example() {
        assert_eq!(
            pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
