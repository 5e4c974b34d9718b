//! Why a rotation stopped, what state it leaves and what to do, as codes with parameters: the
//! UI words them from its catalogue by `code`, the CLI and logs print the English
//! [`fmt::Display`]. A failure of another layer (the PBX, Graph, a file) is quoted as its own
//! sentence (`detail`, `reason`).

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum RotationCause {
    /// Another layer's own sentence: the journal, the lock, the PBX, Graph, a file.
    Quoted {
        detail: String,
    },
    JournalUnwritable {
        detail: String,
    },
    CertificateUnreadable {
        reason: String,
    },
    CurrentCertificateUnreadable {
        reason: String,
    },
    AppCertificatesUnreadable {
        detail: String,
    },
    KeyPairNotMade {
        detail: String,
    },
    KeyPairNotConfirmed {
        detail: String,
    },
    CertificateNotSaved {
        detail: String,
    },
    PbxCannotList {
        detail: String,
    },
    NoApp,
    /// `reason`: why Microsoft is not signed in; `None` when the profile lacks the app's
    /// object ID.
    NoMicrosoftSignIn {
        reason: Option<String>,
    },
}

impl fmt::Display for RotationCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let clause = match self {
            RotationCause::Quoted { detail } => detail.clone(),
            RotationCause::JournalUnwritable { detail } => {
                format!("the rotation journal could not be written: {detail}")
            }
            RotationCause::CertificateUnreadable { reason } => {
                format!("the PBX's certificate could not be read: {reason}")
            }
            RotationCause::CurrentCertificateUnreadable { reason } => {
                format!("the PBX's current certificate could not be read: {reason}")
            }
            RotationCause::AppCertificatesUnreadable { detail } => format!(
                "the app's certificates could not be read through Microsoft Graph: {detail}"
            ),
            RotationCause::KeyPairNotMade { detail } => {
                format!("the PBX did not make a new key pair: {detail}")
            }
            RotationCause::KeyPairNotConfirmed { detail } => {
                format!("the PBX did not confirm a new key pair: {detail}")
            }
            RotationCause::CertificateNotSaved { detail } => {
                format!("the new certificate could not be saved for the upload: {detail}")
            }
            RotationCause::PbxCannotList { detail } => format!(
                "the PBX cannot list Microsoft 365 users with the new certificate: {detail}"
            ),
            RotationCause::NoApp => "The profile has no app registration yet.".to_owned(),
            RotationCause::NoMicrosoftSignIn { reason } => format!(
                "The app's certificates cannot be changed without a Microsoft sign-in ({}).",
                reason
                    .as_deref()
                    .unwrap_or("the profile does not know the app's object ID")
            ),
        };
        f.write_str(&sentence(&clause))
    }
}

/// The integration's state when the rotation stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum RotationState {
    /// Before the PBX made its new key pair.
    NothingChanged,
    /// Refused before the rotation started.
    NotStarted,
    AlreadyRunning,
    /// The PBX signs with its new key; the app does not hold the new certificate yet.
    SyncInterrupted,
    /// Guided: the same, until the admin uploads it and Microsoft accepts it.
    SyncInterruptedByHand,
    /// The PBX's certificate cannot be read to say whether it made a new key pair.
    KeyPairUnknown {
        reason: String,
    },
    OldRemoved,
    NotAcceptedYet,
    AcceptanceUnchecked,
    OldStillOnApp {
        thumbprint: String,
    },
}

impl fmt::Display for RotationState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RotationState::NothingChanged => f.write_str(
                "Nothing was changed: the PBX still signs with its current certificate, which \
                 stays on the app, so Microsoft 365 sync keeps working.",
            ),
            RotationState::NotStarted => f.write_str("Nothing was changed."),
            RotationState::AlreadyRunning => {
                f.write_str("This attempt changed nothing; the rotation already running goes on.")
            }
            RotationState::SyncInterrupted => f.write_str(
                "The PBX already signs with its new key but the app does not hold the new \
                 certificate yet, so Microsoft 365 sync is interrupted until it does. The old \
                 certificate is still on the app.",
            ),
            RotationState::SyncInterruptedByHand => f.write_str(
                "The PBX already signs with its new key, so Microsoft 365 sync is interrupted \
                 until the new certificate is on the app and Microsoft has accepted it. The old \
                 certificate is still on the app.",
            ),
            RotationState::KeyPairUnknown { reason } => write!(
                f,
                "Whether the PBX made a new key pair is not known (its certificate cannot be \
                 read: {reason}); if it did, Microsoft 365 sync is interrupted until the new \
                 certificate is on the app."
            ),
            RotationState::OldRemoved => {
                f.write_str("The old certificate has already been removed from the app.")
            }
            RotationState::NotAcceptedYet => f.write_str(
                "The new certificate is on the app next to the old one, but Microsoft has not \
                 accepted it yet (Entra can take a few minutes to replicate a new key); sync \
                 resumes by itself once it has.",
            ),
            RotationState::AcceptanceUnchecked => f.write_str(
                "The PBX signs with its new key; whether Microsoft accepts it could not be \
                 checked. The old certificate is still on the app.",
            ),
            RotationState::OldStillOnApp { thumbprint } => write!(
                f,
                "Microsoft accepts the new certificate and sync works; only the old certificate \
                 (thumbprint {thumbprint}) is still on the app."
            ),
        }
    }
}

/// What to do to finish. `profile` names the command that runs the rotation again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum RotationNext {
    FixThenRunAgain {
        profile: String,
    },
    RunAgain {
        profile: String,
    },
    WaitThenRunAgain {
        profile: String,
    },
    /// Automatic mode: or upload `file` by hand.
    RunAgainOrUpload {
        profile: String,
        file: String,
    },
    /// Guided: upload `file`, then run again.
    UploadThenRunAgain {
        profile: String,
        file: String,
    },
    RunAgainOrDeleteByHand {
        profile: String,
    },
    WaitForRunning,
    CheckAppCertificates,
    RunSetupFirst,
    SignInAgain,
    ChooseAnotherName,
    FixConnection,
}

impl fmt::Display for RotationNext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let run_again = |profile: &str| {
            format!(
                "Run the rotation again (\"Rotate certificate\" in the app, or pbx365 cert rotate \
                 --profile {profile}): it picks up from there."
            )
        };
        match self {
            RotationNext::FixThenRunAgain { profile } => {
                write!(
                    f,
                    "Fix the cause, then {}",
                    lower_first(&run_again(profile))
                )
            }
            RotationNext::RunAgain { profile } => f.write_str(&run_again(profile)),
            RotationNext::WaitThenRunAgain { profile } => {
                write!(f, "Wait a few minutes. {}", run_again(profile))
            }
            RotationNext::RunAgainOrUpload { profile, file } => write!(
                f,
                "{} Or upload {file} to the app by hand (Entra admin center > App registrations \
                 > the app > Certificates & secrets > Upload certificate), keeping the other \
                 certificates.",
                run_again(profile)
            ),
            RotationNext::UploadThenRunAgain { profile, file } => write!(
                f,
                "Upload {file} to the app (Certificates & secrets > Upload certificate, keeping \
                 the other certificates), then {}",
                lower_first(&run_again(profile))
            ),
            RotationNext::RunAgainOrDeleteByHand { profile } => write!(
                f,
                "{} Or delete it by hand under Certificates & secrets.",
                run_again(profile)
            ),
            RotationNext::WaitForRunning => f.write_str(
                "Wait for the running rotation to finish, then check the certificate status.",
            ),
            RotationNext::CheckAppCertificates => f.write_str(
                "Check the app's certificates with pbx365 cert status: the PBX's certificate must \
                 be on the app. Add it again if it is missing (rotating again also does that).",
            ),
            RotationNext::RunSetupFirst => f.write_str("Run the setup first."),
            RotationNext::SignInAgain => f.write_str(
                "Sign in to Microsoft again by running the setup for this profile (it changes \
                 nothing that is already right), then rotate.",
            ),
            RotationNext::ChooseAnotherName => f.write_str("Choose another profile name."),
            RotationNext::FixConnection => {
                f.write_str("Fix the connection to the PBX (Connect PBX), then rotate again.")
            }
        }
    }
}

/// `text` on one line, with a capital first letter and a final full stop.
pub(super) fn sentence(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut chars = text.chars();
    let mut sentence: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    if !sentence.ends_with(['.', '!', '?']) {
        sentence.push('.');
    }
    sentence
}

fn lower_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROFILE: &str = "contoso";
    const FILE: &str = "/home/admin/.config/pbx365/contoso/public_key.pem";
    const THUMBPRINT: &str = "0A1B2C3D4E5F60718293A4B5C6D7E8F901234567";
    const DETAIL: &str = "The PBX answered 503 (Service Unavailable)";

    fn causes() -> Vec<RotationCause> {
        let detail = || DETAIL.to_owned();
        vec![
            RotationCause::Quoted { detail: detail() },
            RotationCause::JournalUnwritable { detail: detail() },
            RotationCause::CertificateUnreadable { reason: detail() },
            RotationCause::CurrentCertificateUnreadable { reason: detail() },
            RotationCause::AppCertificatesUnreadable { detail: detail() },
            RotationCause::KeyPairNotMade { detail: detail() },
            RotationCause::KeyPairNotConfirmed { detail: detail() },
            RotationCause::CertificateNotSaved { detail: detail() },
            RotationCause::PbxCannotList { detail: detail() },
            RotationCause::NoApp,
            RotationCause::NoMicrosoftSignIn {
                reason: Some("the saved Microsoft sign-in has expired".into()),
            },
            RotationCause::NoMicrosoftSignIn { reason: None },
        ]
    }

    fn states() -> Vec<RotationState> {
        vec![
            RotationState::NothingChanged,
            RotationState::NotStarted,
            RotationState::AlreadyRunning,
            RotationState::SyncInterrupted,
            RotationState::SyncInterruptedByHand,
            RotationState::KeyPairUnknown {
                reason: DETAIL.into(),
            },
            RotationState::OldRemoved,
            RotationState::NotAcceptedYet,
            RotationState::AcceptanceUnchecked,
            RotationState::OldStillOnApp {
                thumbprint: THUMBPRINT.into(),
            },
        ]
    }

    fn nexts() -> Vec<RotationNext> {
        let profile = || PROFILE.to_owned();
        vec![
            RotationNext::FixThenRunAgain { profile: profile() },
            RotationNext::RunAgain { profile: profile() },
            RotationNext::WaitThenRunAgain { profile: profile() },
            RotationNext::RunAgainOrUpload {
                profile: profile(),
                file: FILE.into(),
            },
            RotationNext::UploadThenRunAgain {
                profile: profile(),
                file: FILE.into(),
            },
            RotationNext::RunAgainOrDeleteByHand { profile: profile() },
            RotationNext::WaitForRunning,
            RotationNext::CheckAppCertificates,
            RotationNext::RunSetupFirst,
            RotationNext::SignInAgain,
            RotationNext::ChooseAnotherName,
            RotationNext::FixConnection,
        ]
    }

    fn all_pairs() -> Result<serde_json::Value, serde_json::Error> {
        Ok(serde_json::json!({
            "causes": crate::text_samples::pairs(causes())?,
            "states": crate::text_samples::pairs(states())?,
            "nexts": crate::text_samples::pairs(nexts())?,
        }))
    }

    #[test]
    fn every_parameter_shows_in_the_english_text() -> Result<(), serde_json::Error> {
        let all = all_pairs()?;
        for group in ["causes", "states", "nexts"] {
            for pair in all[group].as_array().into_iter().flatten() {
                let english = pair["message"].as_str().unwrap_or_default();
                let fields = pair["text"].as_object().into_iter().flatten();
                for (name, value) in fields.filter(|(name, _)| *name != "code") {
                    let value = value.as_str().unwrap_or_default();
                    assert!(english.contains(value), "{name} missing from {english:?}");
                }
            }
        }
        Ok(())
    }

    #[test]
    fn the_english_reads_as_before() {
        assert_eq!(
            nexts()[0].to_string(),
            "Fix the cause, then run the rotation again (\"Rotate certificate\" in the app, or \
             pbx365 cert rotate --profile contoso): it picks up from there."
        );
        assert_eq!(
            causes()[2].to_string(),
            "The PBX's certificate could not be read: The PBX answered 503 (Service Unavailable)."
        );
    }

    /// The UI's wording test words each of these in both languages
    /// (ui/src/lib/certificates/rotation-stop.test.ts); written with the ts-rs bindings.
    #[test]
    fn export_bindings_rotation_stop_samples() -> Result<(), Box<dyn std::error::Error>> {
        crate::text_samples::write("rotation-stop-samples.json", &all_pairs()?)
    }
}
