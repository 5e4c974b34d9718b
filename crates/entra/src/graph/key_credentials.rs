//! Certificates in an app's `keyCredentials`. Graph's PATCH replaces the whole list, so every
//! change is computed here from the full current list.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use sha1::{Digest, Sha1};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::EntraError;

/// SHA-1 of a certificate's DER: what Entra shows as the thumbprint and stores as
/// `customKeyIdentifier`.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Thumbprint([u8; 20]);

impl Thumbprint {
    pub fn of_der(der: &[u8]) -> Self {
        Self(Sha1::digest(der).into())
    }

    /// Hex, any case, colons or spaces allowed (`AB:CD…` as some tools print it).
    pub fn from_hex(text: &str) -> Result<Self, EntraError> {
        let digits: String = text.chars().filter(|c| !matches!(c, ':' | ' ')).collect();
        let bytes = hex::decode(&digits).map_err(|e| EntraError::Certificate {
            reason: format!("thumbprint {text:?} is not hex: {e}"),
        })?;
        Self::from_bytes(&bytes).ok_or_else(|| EntraError::Certificate {
            reason: format!("thumbprint {text:?} is not 20 bytes long"),
        })
    }

    fn from_bytes(bytes: &[u8]) -> Option<Self> {
        <[u8; 20]>::try_from(bytes).ok().map(Self)
    }

    pub fn as_bytes(&self) -> &[u8; 20] {
        &self.0
    }
}

impl fmt::Display for Thumbprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode_upper(self.0))
    }
}

impl fmt::Debug for Thumbprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Thumbprint({self})")
    }
}

/// An X.509 certificate (public part only) to upload to an app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateKey {
    der: Vec<u8>,
    thumbprint: Thumbprint,
    subject: String,
    not_before: OffsetDateTime,
    not_after: OffsetDateTime,
}

impl CertificateKey {
    pub fn from_der(der: Vec<u8>) -> Result<Self, EntraError> {
        let (_, certificate) =
            x509_parser::parse_x509_certificate(&der).map_err(|e| EntraError::Certificate {
                reason: format!("it is not an X.509 certificate: {e}"),
            })?;
        let time = |t: x509_parser::time::ASN1Time| {
            OffsetDateTime::from_unix_timestamp(t.timestamp()).map_err(|e| {
                EntraError::Certificate {
                    reason: format!("its validity dates are out of range: {e}"),
                }
            })
        };
        let validity = certificate.validity();
        let (not_before, not_after) = (time(validity.not_before)?, time(validity.not_after)?);
        let subject = certificate.subject().to_string();
        Ok(Self {
            thumbprint: Thumbprint::of_der(&der),
            der,
            subject,
            not_before,
            not_after,
        })
    }

    /// The first `CERTIFICATE` block of a PEM text.
    pub fn from_pem(pem: &str) -> Result<Self, EntraError> {
        let mut reader = pem.as_bytes();
        let der = rustls_pemfile::certs(&mut reader)
            .next()
            .ok_or_else(|| EntraError::Certificate {
                reason: "the PEM text holds no CERTIFICATE block".into(),
            })?
            .map_err(|e| EntraError::Certificate {
                reason: format!("the PEM text is damaged: {e}"),
            })?;
        Self::from_der(der.to_vec())
    }

    pub fn der(&self) -> &[u8] {
        &self.der
    }

    pub fn thumbprint(&self) -> Thumbprint {
        self.thumbprint
    }

    pub fn subject(&self) -> &str {
        &self.subject
    }

    pub fn not_before(&self) -> OffsetDateTime {
        self.not_before
    }

    pub fn not_after(&self) -> OffsetDateTime {
        self.not_after
    }

    /// The entry Graph expects for this certificate; Graph fills in `keyId` and
    /// `customKeyIdentifier` itself.
    pub fn to_key_credential(&self, display_name: &str) -> Result<KeyCredential, EntraError> {
        let date = |t: OffsetDateTime| {
            t.format(&Rfc3339).map_err(|e| EntraError::Certificate {
                reason: format!("its dates cannot be written: {e}"),
            })
        };
        Ok(KeyCredential {
            kind: Some("AsymmetricX509Cert".into()),
            usage: Some("Verify".into()),
            key: Some(STANDARD.encode(&self.der)),
            display_name: Some(display_name.to_owned()),
            start_date_time: Some(date(self.not_before)?),
            end_date_time: Some(date(self.not_after)?),
            ..KeyCredential::default()
        })
    }
}

/// One entry of an app's `keyCredentials`. Unknown properties are kept as they came, so that
/// writing the list back preserves them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyCredential {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_id: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<String>,
    /// Base64 DER. Graph returns it only on `$select=keyCredentials` of a single app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_key_identifier: Option<String>,
    #[serde(flatten)]
    pub other: serde_json::Map<String, serde_json::Value>,
}

impl KeyCredential {
    /// The certificate's thumbprint, from `customKeyIdentifier` (hex, or base64 of the 20 bytes
    /// or of the hex text) or else from the certificate in `key`.
    pub fn thumbprint(&self) -> Option<Thumbprint> {
        self.custom_key_identifier
            .as_deref()
            .and_then(thumbprint_from_identifier)
            .or_else(|| {
                let der = STANDARD.decode(self.key.as_deref()?).ok()?;
                Some(Thumbprint::of_der(&der))
            })
    }
}

fn thumbprint_from_identifier(identifier: &str) -> Option<Thumbprint> {
    if identifier.len() == 40 && identifier.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Thumbprint::from_hex(identifier).ok();
    }
    let bytes = STANDARD.decode(identifier).ok()?;
    Thumbprint::from_bytes(&bytes)
        .or_else(|| Thumbprint::from_hex(std::str::from_utf8(&bytes).ok()?).ok())
}

/// The list with `certificate` added after every existing key, or `None` when a key with the
/// same thumbprint is already there.
pub(crate) fn with_certificate(
    existing: &[KeyCredential],
    certificate: &CertificateKey,
    display_name: &str,
) -> Result<Option<Vec<KeyCredential>>, EntraError> {
    if existing
        .iter()
        .any(|k| k.thumbprint() == Some(certificate.thumbprint()))
    {
        return Ok(None);
    }
    let mut keys = existing.to_vec();
    keys.push(certificate.to_key_credential(display_name)?);
    Ok(Some(keys))
}

/// The list without the keys of `thumbprint`, or `None` when there is none.
pub(crate) fn without_thumbprint(
    existing: &[KeyCredential],
    thumbprint: Thumbprint,
) -> Option<Vec<KeyCredential>> {
    let kept: Vec<KeyCredential> = existing
        .iter()
        .filter(|k| k.thumbprint() != Some(thumbprint))
        .cloned()
        .collect();
    (kept.len() < existing.len()).then_some(kept)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn certificate(name: &str) -> Result<(CertificateKey, String), Box<dyn std::error::Error>> {
        let key = rcgen::KeyPair::generate()?;
        let certificate =
            rcgen::CertificateParams::new(vec![name.to_owned()])?.self_signed(&key)?;
        Ok((
            CertificateKey::from_der(certificate.der().to_vec())?,
            certificate.pem(),
        ))
    }

    #[test]
    fn reads_pem_and_der_alike() -> Result<(), Box<dyn std::error::Error>> {
        let (from_der, pem) = certificate("pbx.example")?;
        let from_pem = CertificateKey::from_pem(&pem)?;
        assert_eq!(from_pem, from_der);
        assert_eq!(from_pem.thumbprint(), Thumbprint::of_der(from_der.der()));
        assert!(from_pem.not_after() > from_pem.not_before());
        assert!(
            CertificateKey::from_pem(
                "-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----"
            )
            .is_err()
        );
        Ok(())
    }

    #[test]
    fn thumbprint_text_forms() -> Result<(), EntraError> {
        let hex = "0123456789ABCDEF0123456789ABCDEF01234567";
        let thumbprint = Thumbprint::from_hex(hex)?;
        assert_eq!(thumbprint.to_string(), hex);
        assert_eq!(Thumbprint::from_hex(&hex.to_lowercase())?, thumbprint);
        assert_eq!(
            Thumbprint::from_hex("01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67")?,
            thumbprint
        );
        assert!(Thumbprint::from_hex("0123").is_err());
        assert!(Thumbprint::from_hex("zz").is_err());

        assert_eq!(thumbprint_from_identifier(hex), Some(thumbprint));
        assert_eq!(
            thumbprint_from_identifier(&STANDARD.encode(thumbprint.as_bytes())),
            Some(thumbprint)
        );
        assert_eq!(
            thumbprint_from_identifier(&STANDARD.encode(hex)),
            Some(thumbprint)
        );
        assert_eq!(thumbprint_from_identifier("not an identifier"), None);
        Ok(())
    }

    #[test]
    fn new_key_credential_has_graphs_shape() -> Result<(), Box<dyn std::error::Error>> {
        let (certificate, _) = certificate("pbx.example")?;
        let entry = serde_json::to_value(certificate.to_key_credential("PBX 2025")?)?;
        assert_eq!(entry["type"], "AsymmetricX509Cert");
        assert_eq!(entry["usage"], "Verify");
        assert_eq!(entry["displayName"], "PBX 2025");
        assert_eq!(entry["key"], STANDARD.encode(certificate.der()));
        assert!(
            entry["startDateTime"]
                .as_str()
                .is_some_and(|d| d.ends_with('Z'))
        );
        assert!(entry.get("keyId").is_none());
        Ok(())
    }

    #[test]
    fn merge_keeps_every_existing_key_and_skips_duplicates()
    -> Result<(), Box<dyn std::error::Error>> {
        let (old, _) = certificate("old.example")?;
        let (new, _) = certificate("new.example")?;
        let existing: Vec<KeyCredential> = serde_json::from_value(json!([
            {"keyId": "k-old", "type": "AsymmetricX509Cert", "usage": "Verify",
             "customKeyIdentifier": old.thumbprint().to_string(), "key": null, "hasExtendedValue": null},
            {"keyId": "k-other", "type": "AsymmetricX509Cert", "usage": "Verify", "displayName": "CN=someone else",
             "key": STANDARD.encode(b"not really a certificate")},
        ]))?;

        let Some(merged) = with_certificate(&existing, &new, "new")? else {
            return Err("the new key was not added".into());
        };
        assert_eq!(merged.len(), 3);
        assert_eq!(
            &merged[..2],
            &existing[..],
            "existing keys are sent back unchanged"
        );
        assert!(merged[1].other.is_empty());
        assert!(
            merged[0].other.contains_key("hasExtendedValue"),
            "unknown properties survive"
        );
        assert_eq!(merged[2].thumbprint(), Some(new.thumbprint()));

        assert!(
            with_certificate(&merged, &new, "new")?.is_none(),
            "same thumbprint twice"
        );
        assert!(with_certificate(&existing, &old, "old")?.is_none());
        Ok(())
    }

    #[test]
    fn removal_by_thumbprint() -> Result<(), Box<dyn std::error::Error>> {
        let (a, _) = certificate("a.example")?;
        let (b, _) = certificate("b.example")?;
        let keys = vec![a.to_key_credential("a")?, b.to_key_credential("b")?];
        let Some(left) = without_thumbprint(&keys, a.thumbprint()) else {
            return Err("nothing removed".into());
        };
        assert_eq!(left, vec![keys[1].clone()]);
        assert!(without_thumbprint(&left, a.thumbprint()).is_none());
        Ok(())
    }
}
