//! The emulators' HTTPS: one CA generated at start, a server certificate for the loopback
//! names signed by it, and the CA PEM clients are given explicitly.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, KeyPair,
    KeyUsagePurpose,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::{Duration, OffsetDateTime};

/// Why the emulator's TLS material could not be made.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("could not generate the emulator's certificate authority or server certificate: {0}")]
    Certificate(#[from] rcgen::Error),
    #[error("could not build the emulator's TLS server configuration: {0}")]
    Rustls(#[from] rustls::Error),
}

/// A CA and a server certificate for `127.0.0.1`, `localhost` and `::1`.
pub struct SimCa {
    ca_pem: String,
    server_chain: Vec<CertificateDer<'static>>,
    server_key_der: Vec<u8>,
}

impl std::fmt::Debug for SimCa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimCa")
            .field("ca_pem", &self.ca_pem)
            .field("server_key_der", &"<redacted>")
            .finish_non_exhaustive()
    }
}

impl SimCa {
    /// Generates a fresh CA (valid for a week: emulators are short-lived) and a server
    /// certificate it signs.
    pub fn generate() -> Result<Self, TlsError> {
        let now = OffsetDateTime::now_utc();
        let ca_key = KeyPair::generate()?;
        let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
        ca_params
            .distinguished_name
            .push(DnType::CommonName, "pbx365 emulator CA");
        ca_params
            .distinguished_name
            .push(DnType::OrganizationName, "pbx365 sim");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        ca_params.not_before = now - Duration::hours(1);
        ca_params.not_after = now + Duration::days(7);
        let ca_cert = ca_params.self_signed(&ca_key)?;

        let server_key = KeyPair::generate()?;
        let mut server_params = CertificateParams::new(vec![
            "localhost".to_owned(),
            "127.0.0.1".to_owned(),
            "::1".to_owned(),
        ])?;
        server_params
            .distinguished_name
            .push(DnType::CommonName, "127.0.0.1");
        server_params.key_usages = vec![
            KeyUsagePurpose::DigitalSignature,
            KeyUsagePurpose::KeyEncipherment,
        ];
        server_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        server_params.not_before = now - Duration::hours(1);
        server_params.not_after = now + Duration::days(7);
        let server_cert = server_params.signed_by(&server_key, &ca_cert, &ca_key)?;

        Ok(Self {
            ca_pem: ca_cert.pem(),
            server_chain: vec![server_cert.der().clone(), ca_cert.der().clone()],
            server_key_der: server_key.serialize_der(),
        })
    }

    /// The CA certificate in PEM, for clients to trust.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// A rustls server configuration (ring provider, HTTP/1.1 only) serving the certificate.
    pub fn server_config(&self) -> Result<Arc<rustls::ServerConfig>, TlsError> {
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.server_key_der.clone()));
        let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(self.server_chain.clone(), key)?;
        // HTTP/1.1 only: a dropped-connection fault then kills the connection, as it would
        // for a PBX behind a proxy that dies, rather than resetting one HTTP/2 stream.
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Arc::new(config))
    }
}
