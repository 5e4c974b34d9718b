//! What a rotation's progress says, as a code with parameters: the UI words it from its own
//! catalogue by `code`, the CLI and logs print the English [`fmt::Display`].

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::super::sync_window::SyncSoon;
use crate::progress::ProgressText;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum RotationText {
    Resuming {
        step_number: usize,
    },
    /// The PBX's scheduled sync may run during the rotation.
    SyncSoon {
        warning: SyncSoon,
    },
    MakingKeyPair,
    /// An earlier, stopped run left a newer key pair on the PBX.
    RotatingToNewerKeyPair {
        thumbprint: String,
    },
    KeyPairMade {
        thumbprint: String,
        by_hand: bool,
    },
    AddingCertificate,
    CertificateAdded,
    CertificateAlreadyOnApp,
    UploadCertificate {
        path: String,
    },
    /// Microsoft's client waits (throttling, replication).
    MicrosoftWait {
        wait: ProgressText,
    },
    /// Guided: the PBX waits for the admin's upload and Microsoft's acceptance.
    WaitingForUpload {
        wait: ProgressText,
    },
    WaitingForAcceptance,
    Accepted {
        thumbprint: String,
        users: u32,
    },
    RemovingOldCertificate,
    /// Guided: the admin deletes the old certificates in the portal.
    RemoveOldByHand {
        new_thumbprint: String,
        old_thumbprints: String,
    },
    Complete {
        users: u32,
        thumbprint: String,
    },
}

/// Something to know before confirming a rotation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum RotationWarning {
    /// The PBX's scheduled sync may run during the rotation.
    SyncSoon { warning: SyncSoon },
    /// Sync is interrupted from the new key pair until the new certificate is on the app.
    SyncInterrupted,
}

impl fmt::Display for RotationWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RotationWarning::SyncSoon { warning } => write!(f, "{warning}"),
            RotationWarning::SyncInterrupted => f.write_str(
                "Once the PBX has made its new key pair it signs with the new key: Microsoft 365 \
                 sync is interrupted until the new certificate is on the app, so it is added \
                 right away.",
            ),
        }
    }
}

impl fmt::Display for RotationText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RotationText::Resuming { step_number } => write!(
                f,
                "Resuming the rotation that stopped at step {step_number} of 4."
            ),
            RotationText::SyncSoon { warning } => write!(f, "{warning}"),
            RotationText::MakingKeyPair => f.write_str("The PBX is making a new key pair…"),
            RotationText::RotatingToNewerKeyPair { thumbprint } => write!(
                f,
                "The PBX has made another key pair since the rotation stopped; rotating to that one (thumbprint {thumbprint})."
            ),
            RotationText::KeyPairMade {
                thumbprint,
                by_hand,
            } => write!(
                f,
                "The PBX made a new key pair (thumbprint {thumbprint}) and signs with it from now on: \
                 Microsoft 365 sync is interrupted until the new certificate is on the app. {}",
                if *by_hand {
                    "Upload it now."
                } else {
                    "Adding it now."
                }
            ),
            RotationText::AddingCertificate => {
                f.write_str("Adding the new certificate to the app, next to the old one…")
            }
            RotationText::CertificateAdded => {
                f.write_str("The new certificate is on the app, next to the old one.")
            }
            RotationText::CertificateAlreadyOnApp => {
                f.write_str("The app already held the new certificate.")
            }
            RotationText::UploadCertificate { path } => write!(
                f,
                "Upload {path} to the app now, keeping the old certificate; the PBX checks when \
                 Microsoft accepts it."
            ),
            RotationText::MicrosoftWait { wait } => write!(f, "{wait}"),
            RotationText::WaitingForUpload { wait } => write!(
                f,
                "Waiting for the upload and for Microsoft to accept the new certificate… ({wait})"
            ),
            RotationText::WaitingForAcceptance => f.write_str(
                "Waiting until Microsoft accepts the new certificate (the PBX lists Microsoft 365 users)…",
            ),
            RotationText::Accepted { thumbprint, users } => write!(
                f,
                "Microsoft accepts the new certificate (thumbprint {thumbprint}): the PBX lists {users} Microsoft 365 users. Sync works again."
            ),
            RotationText::RemovingOldCertificate => {
                f.write_str("Removing the old certificate from the app…")
            }
            RotationText::RemoveOldByHand {
                new_thumbprint,
                old_thumbprints,
            } => write!(
                f,
                "Microsoft 365 now uses the new certificate (thumbprint {new_thumbprint}). Under \
                 Certificates & secrets > Certificates, delete the old one (thumbprint \
                 {old_thumbprints}) and keep the new one."
            ),
            RotationText::Complete { users, thumbprint } => write!(
                f,
                "Rotation complete: the PBX lists {users} Microsoft 365 users with the new certificate (thumbprint {thumbprint})."
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    const NEW: &str = "77E2A9B04C1D3E5F7A9B1C3D5E7F9A1B3C5D7E9F";
    const OLD: &str = "0A1B2C3D4E5F60718293A4B5C6D7E8F901234567";

    fn samples() -> Vec<RotationText> {
        let replication = ProgressText::from_entra(&entra::Progress::WaitingForReplication {
            what: entra::Replicating::NewCertificate,
            attempt: 2,
            wait: Duration::from_secs(4),
        });
        vec![
            RotationText::Resuming { step_number: 3 },
            RotationText::SyncSoon {
                warning: SyncSoon {
                    at: "2026-11-24 00:00".into(),
                    minutes: 10,
                    unknown_zone: None,
                },
            },
            RotationText::SyncSoon {
                warning: SyncSoon {
                    at: "2026-11-24 00:00".into(),
                    minutes: 1,
                    unknown_zone: Some("Mars/Olympus_Mons".into()),
                },
            },
            RotationText::SyncSoon {
                warning: SyncSoon {
                    at: "2026-11-23 12:00".into(),
                    minutes: 0,
                    unknown_zone: None,
                },
            },
            RotationText::MakingKeyPair,
            RotationText::RotatingToNewerKeyPair {
                thumbprint: NEW.into(),
            },
            RotationText::KeyPairMade {
                thumbprint: NEW.into(),
                by_hand: false,
            },
            RotationText::KeyPairMade {
                thumbprint: NEW.into(),
                by_hand: true,
            },
            RotationText::AddingCertificate,
            RotationText::CertificateAdded,
            RotationText::CertificateAlreadyOnApp,
            RotationText::UploadCertificate {
                path: "/home/admin/.config/pbx365/contoso/public_key.pem".into(),
            },
            RotationText::MicrosoftWait {
                wait: replication.clone(),
            },
            RotationText::WaitingForUpload { wait: replication },
            RotationText::WaitingForAcceptance,
            RotationText::Accepted {
                thumbprint: NEW.into(),
                users: 212,
            },
            RotationText::RemovingOldCertificate,
            RotationText::RemoveOldByHand {
                new_thumbprint: NEW.into(),
                old_thumbprints: OLD.into(),
            },
            RotationText::Complete {
                users: 212,
                thumbprint: NEW.into(),
            },
        ]
    }

    /// The plain values of a text (a nested wait's own values included). A replicated thing is
    /// a code worded by its noun phrase (progress/text.rs checks it).
    fn values(value: &serde_json::Value) -> Vec<String> {
        match value {
            serde_json::Value::Object(fields) => fields
                .iter()
                .filter(|(name, _)| !["code", "by_hand", "what"].contains(&name.as_str()))
                .flat_map(|(_, value)| values(value))
                .collect(),
            serde_json::Value::String(s) => vec![s.clone()],
            // No value, and a sync starting in 0 minutes (said as "now").
            serde_json::Value::Null => Vec::new(),
            serde_json::Value::Number(n) if n.as_u64() == Some(0) => Vec::new(),
            other => vec![other.to_string()],
        }
    }

    #[test]
    fn every_parameter_shows_in_the_english_text() -> Result<(), serde_json::Error> {
        for text in samples() {
            let english = text.to_string();
            for value in values(&serde_json::to_value(&text)?) {
                assert!(english.contains(&value), "{value} missing from {english:?}");
            }
        }
        Ok(())
    }

    /// The UI's catalogue test words each of these in both languages
    /// (ui/src/lib/certificates/rotation-text.test.ts); written with the ts-rs bindings.
    #[test]
    fn export_bindings_rotation_samples() -> Result<(), Box<dyn std::error::Error>> {
        let pairs: Vec<_> = samples()
            .into_iter()
            .map(|text| serde_json::json!({ "message": text.to_string(), "text": text }))
            .collect();
        crate::text_samples::write("rotation-samples.json", &pairs)
    }
}
