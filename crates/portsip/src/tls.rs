//! HTTPS set-up: the system's trusted roots, optional extra CAs, an optional pinned
//! certificate, and reporting of the certificate a PBX was refused for.

mod fingerprint;
mod verifier;

use std::error::Error as StdError;
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use rustls::{CertificateError, ClientConfig, RootCertStore};

pub use fingerprint::Sha256Fingerprint;
use verifier::{PinningVerifier, UntrustedCertificate};

use crate::Error;

/// An extra CA given to the client, read when the client is built.
#[derive(Debug, Clone)]
pub(crate) enum ExtraCa {
    Pem(Vec<u8>),
    File(std::path::PathBuf),
}

impl ExtraCa {
    /// Where the CA came from, for messages.
    fn origin(&self) -> String {
        match self {
            Self::Pem(_) => "given in PEM form".to_owned(),
            Self::File(path) => format!("file {}", path.display()),
        }
    }

    fn certificates(&self) -> Result<Vec<CertificateDer<'static>>, Error> {
        let origin = self.origin();
        let pem = match self {
            Self::Pem(pem) => pem.clone(),
            Self::File(path) => std::fs::read(path).map_err(|error| Error::InvalidCa {
                origin: origin.clone(),
                reason: format!("it could not be read ({error})"),
            })?,
        };
        let certificates = CertificateDer::pem_slice_iter(&pem)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|error| Error::InvalidCa {
                origin: origin.clone(),
                reason: format!("it is not valid PEM ({error})"),
            })?;
        if certificates.is_empty() {
            return Err(Error::InvalidCa {
                origin,
                reason: "it holds no \"BEGIN CERTIFICATE\" block".to_owned(),
            });
        }
        Ok(certificates)
    }
}

/// The rustls configuration for the client: ring, TLS 1.2/1.3, HTTP/1.1.
pub(crate) fn client_config(
    extra_cas: &[ExtraCa],
    pin: Option<Sha256Fingerprint>,
) -> Result<ClientConfig, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    let native = rustls_native_certs::load_native_certs();
    for error in &native.errors {
        tracing::debug!(%error, "some system certificates could not be loaded");
    }
    let (added, ignored) = roots.add_parsable_certificates(native.certs);
    tracing::debug!(added, ignored, "system trust store loaded");
    for extra in extra_cas {
        for certificate in extra.certificates()? {
            roots.add(certificate).map_err(|error| Error::InvalidCa {
                origin: extra.origin(),
                reason: format!("it is not a usable CA certificate ({error})"),
            })?;
        }
    }
    let chain = if roots.is_empty() {
        None
    } else {
        Some(
            WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
                .build()
                .map_err(|error| Error::TlsSetup {
                    reason: error.to_string(),
                })?,
        )
    };
    let verifier = PinningVerifier::new(chain, pin, provider.signature_verification_algorithms);
    let config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| Error::TlsSetup {
            reason: error.to_string(),
        })?
        // A custom verifier is the only way to report the refused certificate and to honour
        // a pin; it runs the full WebPKI checks itself (see `PinningVerifier`).
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok(config)
}

/// The TLS failure inside a request error, if the request failed in the TLS handshake.
pub(crate) fn tls_failure(error: &(dyn StdError + 'static)) -> Option<Error> {
    let rustls_error = find_rustls_error(error)?;
    if let rustls::Error::InvalidCertificate(CertificateError::Other(other)) = rustls_error
        && let Some(untrusted) = other.0.downcast_ref::<UntrustedCertificate>()
    {
        return Some(Error::Tls {
            subject: Some(untrusted.subject.clone()),
            sha256: Some(untrusted.sha256.to_string()),
            reason: untrusted.reason.clone(),
        });
    }
    Some(Error::Tls {
        subject: None,
        sha256: None,
        reason: rustls_error.to_string(),
    })
}

/// Walks an error's causes, looking inside `io::Error`s too: they hide their payload from
/// `source()`.
fn find_rustls_error<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a rustls::Error> {
    let mut current = Some(error);
    while let Some(error) = current {
        if let Some(found) = error.downcast_ref::<rustls::Error>() {
            return Some(found);
        }
        if let Some(inner) = error
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            && let Some(found) = find_rustls_error(inner)
        {
            return Some(found);
        }
        current = error.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ca_without_certificates_is_refused() {
        let result = ExtraCa::Pem(b"not a pem".to_vec()).certificates();
        assert!(matches!(result, Err(Error::InvalidCa { .. })), "{result:?}");
    }

    #[test]
    fn a_missing_ca_file_is_named_in_the_error() {
        let result = ExtraCa::File("/nonexistent/pbx-ca.pem".into()).certificates();
        let text = result
            .map(|_| String::new())
            .unwrap_or_else(|error| error.to_string());
        assert!(text.contains("/nonexistent/pbx-ca.pem"), "{text}");
    }

    #[test]
    fn an_untrusted_certificate_is_found_through_io_errors() {
        let untrusted = UntrustedCertificate {
            subject: "CN=pbx.test".to_owned(),
            sha256: Sha256Fingerprint::of_der(b"cert"),
            reason: "it was not issued by a certificate authority this computer trusts".to_owned(),
        };
        let rustls_error = rustls::Error::InvalidCertificate(CertificateError::Other(
            rustls::OtherError(Arc::new(untrusted)),
        ));
        let io = std::io::Error::new(std::io::ErrorKind::InvalidData, rustls_error);
        let wrapped = Wrapper(io);
        let found = tls_failure(&wrapped);
        let text = found.map(|error| error.to_string()).unwrap_or_default();
        assert!(text.contains("subject CN=pbx.test"), "{text}");
        assert!(
            text.contains(&Sha256Fingerprint::of_der(b"cert").to_string()),
            "{text}"
        );
    }

    #[test]
    fn errors_without_tls_in_them_are_not_tls_failures() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        assert!(tls_failure(&Wrapper(io)).is_none());
    }

    #[derive(Debug)]
    struct Wrapper(std::io::Error);

    impl std::fmt::Display for Wrapper {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("request failed")
        }
    }

    impl StdError for Wrapper {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            Some(&self.0)
        }
    }
}
