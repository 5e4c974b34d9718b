//! Certificate checks: the usual WebPKI validation, plus an optional pinned certificate, and
//! an error that says which certificate was refused.

use std::fmt;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{WebPkiSupportedAlgorithms, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, OtherError, SignatureScheme};

use super::Sha256Fingerprint;

/// Accepts a certificate that either chains to a trusted root (system roots plus the extra
/// CAs) or is exactly the pinned one. A pin adds trust the way an extra CA does; it does not
/// narrow it, so a PBX that later gets a publicly trusted certificate keeps working.
///
/// The handshake signature is always checked against the presented certificate, so a pinned
/// certificate still proves that the server holds its private key.
#[derive(Debug)]
pub(crate) struct PinningVerifier {
    /// `None` when there are no roots at all (no system store and no extra CA).
    chain: Option<Arc<WebPkiServerVerifier>>,
    pin: Option<Sha256Fingerprint>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl PinningVerifier {
    pub(crate) fn new(
        chain: Option<Arc<WebPkiServerVerifier>>,
        pin: Option<Sha256Fingerprint>,
        algorithms: WebPkiSupportedAlgorithms,
    ) -> Self {
        Self {
            chain,
            pin,
            algorithms,
        }
    }
}

impl ServerCertVerifier for PinningVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let presented = Sha256Fingerprint::of_der(end_entity);
        if self.pin == Some(presented) {
            return Ok(ServerCertVerified::assertion());
        }
        let chain_error = match &self.chain {
            Some(chain) => match chain.verify_server_cert(
                end_entity,
                intermediates,
                server_name,
                ocsp_response,
                now,
            ) {
                Ok(verified) => return Ok(verified),
                Err(error) => plain_reason(&error),
            },
            None => "this computer has no trusted certificate authorities".to_owned(),
        };
        let reason = match self.pin {
            Some(_) => format!("{chain_error}, and it is not the pinned certificate"),
            None => chain_error,
        };
        Err(rustls::Error::InvalidCertificate(CertificateError::Other(
            OtherError(Arc::new(UntrustedCertificate {
                subject: subject_of(end_entity),
                sha256: presented,
                reason,
            })),
        )))
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

/// The certificate a PBX presented and why it was refused; travels inside the rustls error
/// so the client can report it.
#[derive(Debug, Clone)]
pub(crate) struct UntrustedCertificate {
    pub(crate) subject: String,
    pub(crate) sha256: Sha256Fingerprint,
    pub(crate) reason: String,
}

impl fmt::Display for UntrustedCertificate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "certificate {} (SHA-256 {}) refused: {}",
            self.subject, self.sha256, self.reason
        )
    }
}

impl std::error::Error for UntrustedCertificate {}

/// The certificate's subject as `CN=…, O=…`.
pub(crate) fn subject_of(der: &CertificateDer<'_>) -> String {
    match x509_parser::parse_x509_certificate(der.as_ref()) {
        Ok((_, certificate)) => {
            let subject = certificate.subject().to_string();
            if subject.is_empty() {
                "(empty subject)".to_owned()
            } else {
                subject
            }
        }
        Err(_) => "(unreadable certificate)".to_owned(),
    }
}

/// A rustls certificate error in words an administrator understands.
fn plain_reason(error: &rustls::Error) -> String {
    match error {
        rustls::Error::InvalidCertificate(certificate_error) => match certificate_error {
            CertificateError::UnknownIssuer => {
                "it was not issued by a certificate authority this computer trusts".to_owned()
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                "it has expired".to_owned()
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                "it is not valid yet (check this computer's clock)".to_owned()
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                "it was not issued for this host name".to_owned()
            }
            CertificateError::Revoked => "it has been revoked".to_owned(),
            CertificateError::BadSignature => "its signature is invalid".to_owned(),
            other => format!("{other:?}"),
        },
        other => other.to_string(),
    }
}
