//! The `state` value of the authorization request. PKCE itself (RFC 7636, S256) is `oauth2`'s.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;

/// 32 random bytes, base64url: 43 characters, as unguessable as a PKCE verifier.
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Compares without stopping at the first difference, so timing tells nothing about `expected`.
pub(crate) fn state_matches(expected: &str, received: Option<&str>) -> bool {
    let Some(received) = received else {
        return false;
    };
    expected.len() == received.len()
        && expected
            .bytes()
            .zip(received.bytes())
            .fold(0u8, |diff, (a, b)| diff | (a ^ b))
            == 0
}

#[cfg(test)]
mod tests {
    use oauth2::{PkceCodeChallenge, PkceCodeVerifier};

    use super::*;

    fn s256_challenge(verifier: &str) -> String {
        PkceCodeChallenge::from_code_verifier_sha256(&PkceCodeVerifier::new(verifier.to_owned()))
            .as_str()
            .to_owned()
    }

    /// The PKCE the sign-in uses (`oauth2`'s) is the one RFC 7636 specifies.
    #[test]
    fn rfc7636_appendix_b_vector() {
        assert_eq!(
            s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }

    #[test]
    fn generated_pair_is_consistent_and_fresh() {
        let (a_challenge, a) = PkceCodeChallenge::new_random_sha256();
        let (_, b) = PkceCodeChallenge::new_random_sha256();
        assert_eq!(a.secret().len(), 43);
        assert_eq!(a_challenge.as_str(), s256_challenge(a.secret()));
        assert_eq!(a_challenge.method().as_str(), "S256");
        assert_ne!(a.secret(), b.secret());
    }

    #[test]
    fn state_check() {
        let state = random_token();
        assert!(state_matches(&state, Some(&state)));
        assert!(!state_matches(&state, Some("other")));
        assert!(!state_matches(&state, Some(&state[..42])));
        assert!(!state_matches(&state, None));
        assert!(!state_matches("", Some("x")));
    }
}
