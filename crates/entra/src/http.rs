use std::net::IpAddr;
use std::time::Duration;

use url::{Host, Url};

use crate::error::EntraError;

/// How the client reaches Microsoft over HTTP.
#[derive(Debug, Clone)]
pub struct HttpOptions {
    /// Extra trusted CA certificates (PEM), e.g. the emulator's CA. Added to the system's roots;
    /// certificate checks are never turned off.
    pub extra_ca_pem: Option<String>,
    /// Limit for one HTTP request.
    pub request_timeout: Duration,
}

impl Default for HttpOptions {
    fn default() -> Self {
        Self {
            extra_ca_pem: None,
            request_timeout: Duration::from_secs(60),
        }
    }
}

pub(crate) fn build_client(options: &HttpOptions) -> Result<reqwest::Client, EntraError> {
    let mut builder = reqwest::Client::builder()
        .use_rustls_tls()
        .user_agent(concat!("pbx365-entra/", env!("CARGO_PKG_VERSION")))
        .connect_timeout(Duration::from_secs(15))
        .timeout(options.request_timeout)
        // A redirect would carry our bearer token somewhere we did not choose.
        .redirect(reqwest::redirect::Policy::none());
    if let Some(pem) = &options.extra_ca_pem {
        let certificates =
            reqwest::Certificate::from_pem_bundle(pem.as_bytes()).map_err(|e| EntraError::Tls {
                reason: e.to_string(),
            })?;
        if certificates.is_empty() {
            return Err(EntraError::Tls {
                reason: "the PEM text holds no certificate".into(),
            });
        }
        for certificate in certificates {
            builder = builder.add_root_certificate(certificate);
        }
    }
    builder.build().map_err(|e| EntraError::Tls {
        reason: e.to_string(),
    })
}

/// https:// anywhere; http:// only to this computer (the loopback listener, the emulator).
pub(crate) fn ensure_secure(url: &Url) -> Result<(), EntraError> {
    let loopback = match url.host() {
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    };
    match url.scheme() {
        "https" if url.host().is_some() => Ok(()),
        "http" if loopback => Ok(()),
        _ => Err(EntraError::InsecureUrl {
            url: url.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secure(text: &str) -> bool {
        Url::parse(text).is_ok_and(|url| ensure_secure(&url).is_ok())
    }

    #[test]
    fn http_only_on_loopback() {
        assert!(secure("https://login.microsoftonline.com/x"));
        assert!(secure("http://127.0.0.1:8080/x"));
        assert!(secure("http://localhost:1/"));
        assert!(secure("http://[::1]:1/"));
        assert!(!secure("http://graph.microsoft.com/v1.0"));
        assert!(!secure("http://10.0.0.1/"));
        assert!(!secure("ftp://127.0.0.1/"));
    }

    #[test]
    fn pem_without_certificate_is_rejected() {
        let options = HttpOptions {
            extra_ca_pem: Some("not a certificate".into()),
            ..HttpOptions::default()
        };
        assert!(matches!(
            build_client(&options),
            Err(EntraError::Tls { .. })
        ));
    }
}
