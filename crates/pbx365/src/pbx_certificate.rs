//! The PBX integration's public certificate: what it is, when it is valid, and whether an app
//! registration holds it (matched by SHA-1 thumbprint, as Entra matches `x5t`).

use entra::{CertificateKey, KeyCredential, Thumbprint};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use ts_rs::TS;

/// A certificate as the UI shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct CertificateInfo {
    pub subject: String,
    /// SHA-1 of the DER, upper-case hex: the thumbprint Entra shows.
    pub sha1_thumbprint: String,
    /// SHA-256 of the DER, upper-case hex.
    pub sha256_thumbprint: String,
    /// RFC 3339.
    pub not_before: String,
    /// RFC 3339.
    pub not_after: String,
}

/// The PBX's certificate with its parsed form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PbxCertificate {
    pub info: CertificateInfo,
    pub key: CertificateKey,
    /// The PEM text as the PBX sent it (what `public_key.pem` holds).
    pub pem: Vec<u8>,
}

/// A certificate that could not be read.
#[derive(Debug, thiserror::Error)]
#[error(
    "The PBX's Microsoft 365 certificate could not be read ({reason}). Generate a new key pair \
     on the PBX (Advanced > Microsoft 365 Integration) or run the setup again."
)]
pub struct CertificateError {
    pub reason: String,
}

pub(crate) fn rfc3339(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_else(|_| at.to_string())
}

impl PbxCertificate {
    pub fn from_pem(pem: &[u8]) -> Result<Self, CertificateError> {
        let text = String::from_utf8_lossy(pem);
        let key = CertificateKey::from_pem(&text).map_err(|e| CertificateError {
            reason: e.to_string(),
        })?;
        Ok(Self {
            info: CertificateInfo {
                subject: key.subject().to_owned(),
                sha1_thumbprint: key.thumbprint().to_string(),
                sha256_thumbprint: hex::encode_upper(Sha256::digest(key.der())),
                not_before: rfc3339(key.not_before()),
                not_after: rfc3339(key.not_after()),
            },
            key,
            pem: pem.to_vec(),
        })
    }

    pub fn thumbprint(&self) -> Thumbprint {
        self.key.thumbprint()
    }

    /// Valid now: started and not yet expired.
    pub fn is_valid_at(&self, now: OffsetDateTime) -> bool {
        self.key.not_before() <= now && now < self.key.not_after()
    }

    /// Whole days until it expires (negative once expired).
    pub fn days_left(&self, now: OffsetDateTime) -> i64 {
        (self.key.not_after() - now).whole_days()
    }

    /// The app's key with this certificate's thumbprint, if it holds one.
    pub fn find_on<'a>(&self, keys: &'a [KeyCredential]) -> Option<&'a KeyCredential> {
        keys.iter()
            .find(|key| key.thumbprint() == Some(self.thumbprint()))
    }
}

/// Whether the dates Entra stores for a key agree with the certificate's (to the second).
pub fn dates_agree(certificate: &PbxCertificate, key: &KeyCredential) -> bool {
    let same = |stored: Option<&str>, expected: OffsetDateTime| {
        stored
            .and_then(|s| OffsetDateTime::parse(s, &Rfc3339).ok())
            .is_some_and(|at| (at - expected).whole_seconds().abs() <= 1)
    };
    same(key.start_date_time.as_deref(), certificate.key.not_before())
        && same(key.end_date_time.as_deref(), certificate.key.not_after())
}

/// Warn this long before the certificate expires (the first reminder threshold).
pub(crate) const EXPIRY_WARNING_DAYS: i64 = 30;

/// The PBX's current certificate, or `None` when it has none yet.
pub(crate) async fn read_certificate<E>(
    client: &portsip::Client,
) -> Result<Option<PbxCertificate>, E>
where
    E: From<portsip::Error> + From<CertificateError>,
{
    match client.ms365_certificate().await {
        Ok(file) => Ok(Some(PbxCertificate::from_pem(&file.pem)?)),
        Err(portsip::Error::NotFound { .. }) => Ok(None),
        Err(error) => Err(error.into()),
    }
}
