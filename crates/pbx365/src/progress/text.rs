//! What a progress event says, as a code with parameters: the UI words it from its own
//! catalogue by `code`, the CLI and logs print the English [`fmt::Display`].

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::retry::RetryReason;
use crate::profile::ApplyStep;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum ProgressText {
    ConnectingPbx,
    SigningInPbx,
    SigningInMicrosoft,
    ResumingMicrosoftSignIn,
    WaitingForBrowserSignIn,
    /// The device-code prompt; the event's `device_code` carries the same values.
    EnterDeviceCode {
        verification_uri: String,
        user_code: String,
    },
    ReadingTenant,
    CheckingTenantExists,
    LookingForAppRegistration,
    ReadingPbxSettings,
    ReadingAppRegistration,
    ReadPbxUsers {
        read: u32,
    },
    CountingUsersInScope,
    /// One write of the apply step is starting.
    Applying {
        step: ApplyStep,
    },
    /// Guided verification waits for the admin's steps in Entra; `detail` is the PBX's answer.
    WaitingForGuidedSteps {
        detail: String,
    },
    WaitingForReplication,
    CheckingPbx,
    CheckingAppRegistration,
    AskingPbxToListUsers,
    /// Microsoft throttles. Which call it held back (the client's English clause) is only
    /// logged: the step the event belongs to says what is being done.
    MicrosoftThrottled {
        seconds: u32,
    },
    /// Entra has not replicated `what` yet.
    EntraReplicating {
        what: entra::Replicating,
        attempt: u32,
        seconds: u32,
    },
    /// A call pauses before trying again.
    Retrying {
        reason: RetryReason,
        seconds: String,
    },
}

impl ProgressText {
    /// The client's own reports of its waits: throttling, Microsoft's failures, connections
    /// that failed, replication. Which call waits is only logged (by the client).
    pub fn from_entra(progress: &entra::Progress) -> Self {
        match progress {
            entra::Progress::Throttled { context, wait } => {
                tracing::info!(call = %context, "Microsoft throttles");
                ProgressText::MicrosoftThrottled {
                    seconds: whole_seconds(*wait),
                }
            }
            entra::Progress::ServerFailed { status, wait, .. } => {
                Self::retrying(RetryReason::MicrosoftFailed { status: *status }, *wait)
            }
            entra::Progress::ConnectionTrouble { failure, wait, .. } => {
                Self::retrying(RetryReason::of_microsoft(*failure), *wait)
            }
            entra::Progress::WaitingForReplication {
                what,
                attempt,
                wait,
            } => ProgressText::EntraReplicating {
                what: *what,
                attempt: *attempt,
                seconds: whole_seconds(*wait),
            },
        }
    }

    /// A retry pause: why and how long.
    pub fn retrying(reason: RetryReason, pause: Duration) -> Self {
        ProgressText::Retrying {
            reason,
            seconds: seconds(pause),
        }
    }
}

fn whole_seconds(wait: Duration) -> u32 {
    u32::try_from(wait.as_secs_f32().ceil() as u64).unwrap_or(u32::MAX)
}

/// "4", "0.3": whole seconds from one second up, tenths below.
fn seconds(pause: Duration) -> String {
    if pause >= Duration::from_secs(1) {
        pause.as_secs().to_string()
    } else {
        format!("{:.1}", pause.as_secs_f64())
    }
}

impl fmt::Display for ProgressText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProgressText::ConnectingPbx => f.write_str("Connecting to the PBX…"),
            ProgressText::SigningInPbx => f.write_str("Signing in to the PBX…"),
            ProgressText::SigningInMicrosoft => f.write_str("Signing in to Microsoft…"),
            ProgressText::ResumingMicrosoftSignIn => {
                f.write_str("Signing in with the saved Microsoft sign-in…")
            }
            ProgressText::WaitingForBrowserSignIn => f.write_str(
                "Waiting for you to sign in to Microsoft in the browser window that opened…",
            ),
            ProgressText::EnterDeviceCode {
                verification_uri,
                user_code,
            } => write!(
                f,
                "Open {verification_uri} and enter the code {user_code} to sign in."
            ),
            ProgressText::ReadingTenant => f.write_str("Reading your tenant and directory roles…"),
            ProgressText::CheckingTenantExists => f.write_str("Checking that the tenant exists…"),
            ProgressText::LookingForAppRegistration => {
                f.write_str("Looking for the app registration…")
            }
            ProgressText::ReadingPbxSettings => {
                f.write_str("Reading the PBX's current settings and certificate…")
            }
            ProgressText::ReadingAppRegistration => f.write_str("Reading the app registration…"),
            ProgressText::ReadPbxUsers { read } => write!(f, "Read {read} PBX users…"),
            ProgressText::CountingUsersInScope => {
                f.write_str("Counting the users the sync options take in…")
            }
            ProgressText::Applying { step } => {
                let title = step.title();
                let mut chars = title.chars();
                match chars.next() {
                    Some(first) => write!(f, "{}{}…", first.to_uppercase(), chars.as_str()),
                    None => Ok(()),
                }
            }
            ProgressText::WaitingForGuidedSteps { detail } => write!(
                f,
                "Waiting for the steps in Entra (upload public_key.pem, grant admin consent)… the PBX says: {detail}"
            ),
            ProgressText::WaitingForReplication => {
                f.write_str("Waiting for Entra to replicate the app and its certificate…")
            }
            ProgressText::CheckingPbx => f.write_str("Checking the PBX…"),
            ProgressText::CheckingAppRegistration => f.write_str("Checking the app registration…"),
            ProgressText::AskingPbxToListUsers => {
                f.write_str("Asking the PBX to list Microsoft 365 users…")
            }
            ProgressText::MicrosoftThrottled { seconds } => write!(
                f,
                "Microsoft asks pbx365 to slow down; trying again in {seconds} s…"
            ),
            ProgressText::EntraReplicating {
                what,
                attempt,
                seconds,
            } => write!(
                f,
                "Waiting for Entra to replicate {what}… (attempt {attempt}, next try in {seconds} s)"
            ),
            ProgressText::Retrying { reason, seconds } => {
                write!(f, "{reason}; trying again in {seconds} s.")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One of each code, with parameters that must each show in the English text.
    fn samples() -> Vec<ProgressText> {
        vec![
            ProgressText::ConnectingPbx,
            ProgressText::SigningInPbx,
            ProgressText::SigningInMicrosoft,
            ProgressText::ResumingMicrosoftSignIn,
            ProgressText::WaitingForBrowserSignIn,
            ProgressText::EnterDeviceCode {
                verification_uri: "https://microsoft.com/devicelogin".into(),
                user_code: "ABCD-EFGH".into(),
            },
            ProgressText::ReadingTenant,
            ProgressText::CheckingTenantExists,
            ProgressText::LookingForAppRegistration,
            ProgressText::ReadingPbxSettings,
            ProgressText::ReadingAppRegistration,
            ProgressText::ReadPbxUsers { read: 1200 },
            ProgressText::CountingUsersInScope,
            ProgressText::Applying {
                step: ApplyStep::CertificateOnApp,
            },
            ProgressText::WaitingForGuidedSteps {
                detail: "Application with identifier 'c0ffee' was not found.".into(),
            },
            ProgressText::WaitingForReplication,
            ProgressText::CheckingPbx,
            ProgressText::CheckingAppRegistration,
            ProgressText::AskingPbxToListUsers,
            ProgressText::from_entra(&entra::Progress::Throttled {
                context: "list users".into(),
                wait: Duration::from_millis(2500),
            }),
            ProgressText::from_entra(&entra::Progress::WaitingForReplication {
                what: entra::Replicating::NewApp,
                attempt: 3,
                wait: Duration::from_secs(8),
            }),
            ProgressText::retrying(RetryReason::PbxSlowDown, Duration::from_millis(300)),
            ProgressText::retrying(
                RetryReason::PbxAnswerLost {
                    cause: Box::new(RetryReason::PbxFailed { status: 502 }),
                },
                Duration::from_secs(2),
            ),
            ProgressText::retrying(
                RetryReason::PbxOther {
                    detail: "The PBX answered something pbx365 could not read".into(),
                },
                Duration::from_secs(1),
            ),
            ProgressText::retrying(RetryReason::PbxConnectionBroke, Duration::from_secs(4)),
            ProgressText::retrying(RetryReason::PbxRefused, Duration::from_secs(1)),
            ProgressText::retrying(RetryReason::PbxTimedOut, Duration::from_secs(2)),
            ProgressText::retrying(RetryReason::PbxNameUnresolved, Duration::from_secs(1)),
            ProgressText::retrying(RetryReason::MicrosoftBusyForPbx, Duration::from_secs(8)),
            ProgressText::from_entra(&entra::Progress::ServerFailed {
                context: "list users".into(),
                status: 502,
                wait: Duration::from_secs(2),
            }),
            ProgressText::from_entra(&entra::Progress::ConnectionTrouble {
                context: "read the organization".into(),
                failure: entra::ConnectionFailure::NotReached,
                wait: Duration::from_millis(250),
            }),
            ProgressText::from_entra(&entra::Progress::ConnectionTrouble {
                context: "list users".into(),
                failure: entra::ConnectionFailure::TimedOut,
                wait: Duration::from_secs(4),
            }),
            ProgressText::from_entra(&entra::Progress::ConnectionTrouble {
                context: "list users".into(),
                failure: entra::ConnectionFailure::Dropped,
                wait: Duration::from_secs(1),
            }),
        ]
        .into_iter()
        .chain(
            [
                entra::Replicating::App,
                entra::Replicating::UnansweredApp,
                entra::Replicating::NewServicePrincipal,
                entra::Replicating::LastRunApp,
                entra::Replicating::NewCertificate,
            ]
            .map(|what| {
                ProgressText::from_entra(&entra::Progress::WaitingForReplication {
                    what,
                    attempt: 1,
                    wait: Duration::from_secs(2),
                })
            }),
        )
        .collect()
    }

    fn param_values(text: &ProgressText) -> Result<Vec<String>, String> {
        Ok(values(
            &serde_json::to_value(text).map_err(|e| e.to_string())?,
        ))
    }

    /// The plain values of a text, a nested reason's own values included.
    fn values(value: &serde_json::Value) -> Vec<String> {
        match value {
            serde_json::Value::Object(fields) => fields
                .iter()
                .filter(|(name, _)| *name != "code")
                .flat_map(|(_, value)| values(value))
                .collect(),
            serde_json::Value::String(s) => vec![s.clone()],
            other => vec![other.to_string()],
        }
    }

    #[test]
    fn every_parameter_shows_in_the_english_text() -> Result<(), String> {
        for text in samples() {
            let english = text.to_string();
            for value in param_values(&text)? {
                // An apply step is worded by its title, not its id.
                if let ProgressText::Applying { step } = &text {
                    assert!(english.contains(&step.title()[1..]), "{english}");
                    continue;
                }
                // A replicated thing is worded by its noun phrase, not its code.
                if let ProgressText::EntraReplicating { what, .. } = &text
                    && serde_json::to_value(what).map_err(|e| e.to_string())? == value.as_str()
                {
                    assert!(english.contains(&what.to_string()), "{english}");
                    continue;
                }
                assert!(english.contains(&value), "{value} missing from {english:?}");
            }
        }
        Ok(())
    }

    #[test]
    fn the_english_matches_what_the_cli_printed_before() {
        let applying = ProgressText::Applying {
            step: ApplyStep::Preflight,
        };
        assert_eq!(
            applying.to_string(),
            "Check that nothing changed since the review…"
        );
        assert_eq!(
            samples()[19].to_string(),
            "Microsoft asks pbx365 to slow down; trying again in 3 s…"
        );
        assert_eq!(
            samples()[20].to_string(),
            "Waiting for Entra to replicate the new app… (attempt 3, next try in 8 s)"
        );
        assert_eq!(
            samples()[21].to_string(),
            "The PBX asks pbx365 to slow down; trying again in 0.3 s."
        );
    }

    #[test]
    fn microsofts_failures_and_failed_connections_are_not_worded_as_throttling() {
        let wait = Duration::from_millis(300);
        let cases = [
            (
                entra::Progress::ServerFailed {
                    context: "list users".into(),
                    status: 504,
                    wait,
                },
                "Microsoft failed (HTTP 504); trying again in 0.3 s.",
            ),
            (
                entra::Progress::ConnectionTrouble {
                    context: "list users".into(),
                    failure: entra::ConnectionFailure::NotReached,
                    wait,
                },
                "Microsoft could not be reached (the connection failed); trying again in 0.3 s.",
            ),
            (
                entra::Progress::ConnectionTrouble {
                    context: "list users".into(),
                    failure: entra::ConnectionFailure::TimedOut,
                    wait,
                },
                "Microsoft did not answer in time; trying again in 0.3 s.",
            ),
            (
                entra::Progress::ConnectionTrouble {
                    context: "list users".into(),
                    failure: entra::ConnectionFailure::Dropped,
                    wait,
                },
                "The connection to Microsoft broke; trying again in 0.3 s.",
            ),
        ];
        for (progress, english) in cases {
            let text = ProgressText::from_entra(&progress);
            assert!(
                matches!(text, ProgressText::Retrying { .. }),
                "{progress:?} became {text:?}"
            );
            assert_eq!(text.to_string(), english, "{progress:?}");
        }
    }

    /// The UI's catalogue test words each of these in both languages
    /// (ui/src/lib/i18n/progress.test.ts); written with the ts-rs bindings and checked like them.
    #[test]
    fn export_bindings_progress_samples() -> Result<(), Box<dyn std::error::Error>> {
        let events: Vec<_> = samples()
            .into_iter()
            .map(|text| crate::progress::ProgressEvent::new(crate::progress::StepId::Apply, text))
            .collect();
        crate::text_samples::write("progress-samples.json", &events)
    }

    #[test]
    fn codes_are_kebab_case_tags() {
        let json = serde_json::to_value(ProgressText::ReadPbxUsers { read: 5 }).ok();
        assert_eq!(
            json,
            Some(serde_json::json!({ "code": "read-pbx-users", "read": 5 }))
        );
    }
}
