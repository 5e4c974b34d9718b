//! The cloud's token-signing key: signs access and ID tokens, verifies the access tokens Graph
//! receives, and is published as a JWK with its certificate as Entra publishes its keys.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rsa::RsaPrivateKey;
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::EncodePrivateKey;
use rsa::traits::PublicKeyParts;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::ids::{b64url, sha1};

#[derive(Debug, thiserror::Error)]
pub(crate) enum SigningKeyError {
    #[error("could not generate the RSA token-signing key: {0}")]
    Generate(#[from] rsa::Error),
    #[error("could not encode the token-signing key: {0}")]
    Encode(String),
    #[error("could not make the token-signing certificate: {0}")]
    Certificate(#[from] rcgen::Error),
}

pub(crate) struct SigningKey {
    encoding: EncodingKey,
    decoding: DecodingKey,
    /// Entra's key ID is the certificate's base64url SHA-1 thumbprint, also sent as `x5t`.
    kid: String,
    modulus: Vec<u8>,
    exponent: Vec<u8>,
    certificate_der: Vec<u8>,
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SigningKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SigningKey {
    pub fn generate() -> Result<SigningKey, SigningKeyError> {
        let private = RsaPrivateKey::new(&mut rand::rngs::OsRng, 2048)?;
        let pkcs1 = private
            .to_pkcs1_der()
            .map_err(|e| SigningKeyError::Encode(e.to_string()))?;
        let pkcs8 = private
            .to_pkcs8_der()
            .map_err(|e| SigningKeyError::Encode(e.to_string()))?;
        let key_pair = rcgen::KeyPair::from_pkcs8_der_and_sign_algo(
            &pkcs8.as_bytes().into(),
            &rcgen::PKCS_RSA_SHA256,
        )?;
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new())?;
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "accounts.sim.pbx365.invalid");
        let now = time::OffsetDateTime::now_utc();
        params.not_before = now - time::Duration::days(1);
        params.not_after = now + time::Duration::days(5 * 365);
        let certificate = params.self_signed(&key_pair)?;
        let certificate_der = certificate.der().to_vec();
        let modulus = private.n().to_bytes_be();
        let exponent = private.e().to_bytes_be();
        Ok(SigningKey {
            encoding: EncodingKey::from_rsa_der(pkcs1.as_bytes()),
            decoding: DecodingKey::from_rsa_raw_components(&modulus, &exponent),
            kid: b64url(&sha1(&certificate_der)),
            modulus,
            exponent,
            certificate_der,
        })
    }

    pub fn sign<T: Serialize>(&self, claims: &T) -> Result<String, jsonwebtoken::errors::Error> {
        let mut header = Header::new(Algorithm::RS256);
        header.typ = Some("JWT".to_owned());
        header.kid = Some(self.kid.clone());
        header.x5t = Some(self.kid.clone());
        jsonwebtoken::encode(&header, claims, &self.encoding)
    }

    /// Checks the signature only; lifetime, audience and issuer are the caller's to check.
    pub fn verify<T: DeserializeOwned>(
        &self,
        token: &str,
    ) -> Result<T, jsonwebtoken::errors::Error> {
        let mut validation = Validation::new(Algorithm::RS256);
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.validate_aud = false;
        validation.required_spec_claims.clear();
        jsonwebtoken::decode::<T>(token, &self.decoding, &validation).map(|data| data.claims)
    }

    pub fn jwk(&self, issuer: &str) -> Value {
        use base64::Engine;
        json!({
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "x5t": self.kid,
            "n": b64url(&self.modulus),
            "e": b64url(&self.exponent),
            "x5c": [base64::engine::general_purpose::STANDARD.encode(&self.certificate_der)],
            "issuer": issuer,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_verifies_its_own_tokens_only() -> Result<(), Box<dyn std::error::Error>> {
        let key = SigningKey::generate()?;
        let other = SigningKey::generate()?;
        let token = key.sign(&json!({"sub": "x"}))?;
        let claims: Value = key.verify(&token)?;
        assert_eq!(claims["sub"], "x");
        assert!(other.verify::<Value>(&token).is_err());
        let jwk = key.jwk("iss");
        assert_eq!(jwk["kid"], jwk["x5t"]);
        assert_eq!(jwk["e"], "AQAB");
        Ok(())
    }
}
