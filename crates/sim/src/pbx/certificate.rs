//! The integration's key pair, as the PBX makes it: an RSA-2048 key that never leaves the PBX
//! and a self-signed certificate valid for one year, handed out as `public_key.pem`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rcgen::{CertificateParams, DnType, KeyPair, PKCS_RSA_SHA256, SerialNumber};
use rsa::RsaPrivateKey;
use rsa::pkcs1::EncodeRsaPrivateKey;
use rsa::pkcs8::EncodePrivateKey;
use rustls::pki_types::PrivatePkcs8KeyDer;
use sha1::{Digest, Sha1};
use sha2::Sha256;
use time::{Duration, OffsetDateTime};

/// The file name PortSIP gives the downloaded certificate (its guides say `public_key.pem`).
pub const FILE_NAME: &str = "public_key.pem";

/// Why a key pair could not be made or used.
#[derive(Debug, thiserror::Error)]
pub enum CertificateError {
    #[error("could not generate the RSA key pair: {0}")]
    Rsa(#[from] rsa::Error),
    #[error("could not encode the RSA private key: {0}")]
    Encoding(String),
    #[error("could not build the self-signed certificate: {0}")]
    Rcgen(#[from] rcgen::Error),
    #[error("could not sign the client assertion: {0}")]
    Jwt(#[from] jsonwebtoken::errors::Error),
    #[error("key generation was interrupted: {0}")]
    Interrupted(String),
}

/// The public half: what `GET /ms365/certificate` hands out and tests inspect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    /// The certificate in PEM (the body of the download).
    pub pem: String,
    /// The certificate in DER.
    pub der: Vec<u8>,
    /// SHA-1 of the DER in upper-case hex: the "thumbprint" Entra shows.
    pub sha1_thumbprint: String,
    /// SHA-256 of the DER in lower-case hex.
    pub sha256_fingerprint: String,
    pub not_before: OffsetDateTime,
    pub not_after: OffsetDateTime,
}

/// A key pair held by the PBX.
pub struct KeyMaterial {
    pub certificate: Certificate,
    /// PKCS#1 DER of the private key, for signing client assertions.
    signing_key: Vec<u8>,
}

impl std::fmt::Debug for KeyMaterial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyMaterial")
            .field("certificate", &self.certificate.sha1_thumbprint)
            .field("signing_key", &"<redacted>")
            .finish()
    }
}

/// The claims of a client assertion (RFC 7523 as Entra reads it).
#[derive(Debug, serde::Serialize)]
struct AssertionClaims<'a> {
    aud: &'a str,
    iss: &'a str,
    sub: &'a str,
    jti: String,
    nbf: i64,
    iat: i64,
    exp: i64,
}

impl KeyMaterial {
    /// Makes a fresh RSA-2048 key pair and a self-signed certificate valid for one year.
    /// CPU-heavy: call it from a blocking task.
    pub fn generate(common_name: &str) -> Result<Self, CertificateError> {
        let mut rng = rand::rngs::OsRng;
        let key = RsaPrivateKey::new(&mut rng, 2048)?;
        let pkcs8 = key
            .to_pkcs8_der()
            .map_err(|e| CertificateError::Encoding(e.to_string()))?;
        let pkcs1 = key
            .to_pkcs1_der()
            .map_err(|e| CertificateError::Encoding(e.to_string()))?;
        let key_pair = KeyPair::from_pkcs8_der_and_sign_algo(
            &PrivatePkcs8KeyDer::from(pkcs8.as_bytes()),
            &PKCS_RSA_SHA256,
        )?;
        let now = OffsetDateTime::now_utc();
        let mut params = CertificateParams::new(Vec::<String>::new())?;
        params
            .distinguished_name
            .push(DnType::CommonName, common_name);
        params.serial_number = Some(SerialNumber::from_slice(uuid::Uuid::new_v4().as_bytes()));
        params.not_before = now;
        params.not_after = now + Duration::days(365);
        let cert = params.self_signed(&key_pair)?;
        let der = cert.der().to_vec();
        Ok(Self {
            certificate: Certificate {
                pem: cert.pem(),
                sha1_thumbprint: hex::encode_upper(Sha1::digest(&der)),
                sha256_fingerprint: hex::encode(Sha256::digest(&der)),
                der,
                not_before: params_time(now),
                not_after: params_time(now + Duration::days(365)),
            },
            signing_key: pkcs1.as_bytes().to_vec(),
        })
    }

    /// `x5t`: base64url (unpadded) SHA-1 of the certificate DER.
    pub fn x5t(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha1::digest(&self.certificate.der))
    }

    /// A client assertion for the client-credentials grant: RS256 with `x5t`, `aud` = the
    /// token endpoint, `iss` = `sub` = the application ID, valid for five minutes.
    pub fn client_assertion(
        &self,
        application_id: &str,
        token_endpoint: &str,
    ) -> Result<String, CertificateError> {
        let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
        header.x5t = Some(self.x5t());
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let claims = AssertionClaims {
            aud: token_endpoint,
            iss: application_id,
            sub: application_id,
            jti: uuid::Uuid::new_v4().to_string(),
            nbf: now,
            iat: now,
            exp: now + 300,
        };
        let key = jsonwebtoken::EncodingKey::from_rsa_der(&self.signing_key);
        Ok(jsonwebtoken::encode(&header, &claims, &key)?)
    }
}

/// X.509 validity has whole-second precision; report the dates as the certificate holds them.
fn params_time(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_nanosecond(0).unwrap_or(t)
}

/// Runs [`KeyMaterial::generate`] off the async threads.
pub async fn generate(common_name: String) -> Result<KeyMaterial, CertificateError> {
    tokio::task::spawn_blocking(move || KeyMaterial::generate(&common_name))
        .await
        .map_err(|e| CertificateError::Interrupted(e.to_string()))?
}
