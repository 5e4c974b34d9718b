//! What an update check or install says: codes with values, worded by the UI's catalogue, and
//! in English (Display) for the log.

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Why the app does not look for updates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum UpdatesOff {
    Demo,
    /// The administrator's policy file says `"check": false`.
    Policy {
        file: String,
    },
    PolicyUnreadable {
        file: String,
        reason: String,
    },
    /// `PBX365_UPDATES=off`.
    Environment {
        variable: String,
    },
    EnvironmentInvalid {
        variable: String,
        value: String,
    },
    /// The user's settings file says `"check": false`.
    Setting {
        file: String,
    },
    SettingsUnreadable {
        file: String,
        reason: String,
    },
    EndpointNotHttps {
        endpoint: String,
    },
    EndpointInvalid {
        value: String,
        reason: String,
    },
    NoEndpoint,
}

/// The answer of a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum UpdateStatus {
    Off {
        reason: UpdatesOff,
    },
    UpToDate {
        current: String,
    },
    /// `notes` are the release's own text, shown as they are.
    Available {
        current: String,
        version: String,
        notes: Option<String>,
        /// RFC 3339, when the release says.
        date: Option<String>,
    },
}

/// An installed update: it runs from the next start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct UpdateInstalled {
    pub version: String,
}

/// Why a check or an install stopped. Nothing was installed in any of these.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS, thiserror::Error)]
#[serde(tag = "code", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum UpdateFailure {
    #[error(
        "The update server {endpoint} could not be reached ({detail}). Check the network or the \
         update endpoint, then check again."
    )]
    Unreachable { endpoint: String, detail: String },
    #[error(
        "The update server {endpoint} did not answer with an update manifest ({detail}). Check \
         the update endpoint."
    )]
    BadManifest { endpoint: String, detail: String },
    #[error(
        "The release has no package for this computer (looked for {}).",
        targets.join(", ")
    )]
    NoPackage { targets: Vec<String> },
    #[error(
        "The downloaded update is not signed by the pbx365 release key ({detail}); it was \
         discarded and nothing was installed. Report this to your administrator."
    )]
    SignatureInvalid { detail: String },
    #[error("The update could not be downloaded ({detail}); nothing was installed. Try again.")]
    DownloadFailed { detail: String },
    #[error("The update was not installed ({detail}).")]
    InstallFailed { detail: String },
    #[error("No update is waiting to be installed: check for updates first.")]
    NothingToInstall,
}

impl fmt::Display for UpdatesOff {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UpdatesOff::Demo => f.write_str("the demo never checks for updates"),
            UpdatesOff::Policy { file } => write!(f, "turned off by the policy in {file}"),
            UpdatesOff::PolicyUnreadable { file, reason } => write!(
                f,
                "the policy file {file} cannot be read ({reason}); fix or remove it"
            ),
            UpdatesOff::Environment { variable } => write!(f, "turned off by {variable}=off"),
            UpdatesOff::EnvironmentInvalid { variable, value } => {
                write!(f, "{variable} is {value:?}; set it to on or off")
            }
            UpdatesOff::Setting { file } => write!(f, "turned off in {file}"),
            UpdatesOff::SettingsUnreadable { file, reason } => write!(
                f,
                "the settings file {file} cannot be read ({reason}); fix or remove it"
            ),
            UpdatesOff::EndpointNotHttps { endpoint } => write!(
                f,
                "the update endpoint {endpoint} is not an https:// address"
            ),
            UpdatesOff::EndpointInvalid { value, reason } => {
                write!(f, "the update endpoint {value:?} is not a URL ({reason})")
            }
            UpdatesOff::NoEndpoint => f.write_str("this build has no update endpoint"),
        }
    }
}

impl fmt::Display for UpdateStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UpdateStatus::Off { reason } => write!(f, "Update checks are off: {reason}."),
            UpdateStatus::UpToDate { current } => {
                write!(f, "pbx365 {current} is up to date.")
            }
            UpdateStatus::Available {
                current, version, ..
            } => write!(f, "Update available: pbx365 {version} (this is {current})."),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ui_reads_codes_with_their_values() -> Result<(), serde_json::Error> {
        let failure = UpdateFailure::SignatureInvalid {
            detail: "signature mismatch".into(),
        };
        assert_eq!(
            serde_json::to_value(&failure)?,
            serde_json::json!({"code": "signature-invalid", "detail": "signature mismatch"})
        );
        let off = UpdateStatus::Off {
            reason: UpdatesOff::Policy {
                file: "/etc/pbx365/policy.json".into(),
            },
        };
        assert_eq!(
            serde_json::to_value(&off)?,
            serde_json::json!({"code": "off", "reason": {"code": "policy", "file": "/etc/pbx365/policy.json"}})
        );
        Ok(())
    }

    #[test]
    fn the_english_says_what_happened_and_what_to_do() {
        let text = UpdateFailure::SignatureInvalid {
            detail: "bad".into(),
        }
        .to_string();
        assert!(text.contains("nothing was installed"), "{text}");
        let text = UpdateFailure::Unreachable {
            endpoint: "https://127.0.0.1:9/latest.json".into(),
            detail: "connection refused".into(),
        }
        .to_string();
        assert!(text.contains("could not be reached"), "{text}");
        assert!(text.contains("https://127.0.0.1:9/latest.json"), "{text}");
        let text = UpdateStatus::Off {
            reason: UpdatesOff::Environment {
                variable: "PBX365_UPDATES".into(),
            },
        }
        .to_string();
        assert_eq!(
            text,
            "Update checks are off: turned off by PBX365_UPDATES=off."
        );
    }
}
