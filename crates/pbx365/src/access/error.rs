//! Everything a wizard step can fail with. Each renders as a sentence that says what happened
//! and what to do; [`Error::report`] is the form the UI receives.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::StaleWhat;
use crate::input::FieldError;
use crate::pbx_certificate::CertificateError;
use crate::profile::{ApplyStep, Mode, ProfileError};
use crate::progress::{Cancelled, StepId};
use crate::schedule::ScheduleError;
use crate::secrets::SecretError;

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value the admin typed; nothing was sent or written.
    #[error("{0}")]
    Input(#[from] FieldError),

    #[error("{0}")]
    Pbx(#[from] portsip::Error),

    #[error(
        "The PBX account \"{username}\" has the role {role}. Setting up Microsoft 365 needs the \
         tenant's administrator (role Admin) or the PBX's system administrator (SystemAdmin): \
         sign in with such an account. Nothing was changed."
    )]
    PbxRole { username: String, role: String },

    #[error("{}", sentence(&.0.to_string()))]
    Microsoft(#[from] entra::EntraError),

    #[error(
        "The saved Microsoft sign-in of the profile \"{profile}\" no longer works ({reason}). \
         Nothing was read or changed. Sign in to Microsoft again (pbx365 ms signin --profile \
         {profile}, or Set up again in the app), then start again."
    )]
    MicrosoftSignInNeeded { profile: String, reason: String },

    #[error(
        "The saved Microsoft sign-in of the profile \"{profile}\" may not read groups and their \
         members (GroupMember.Read.All), which a user sync scoped to groups needs. Nothing was \
         read or changed. Sign in to Microsoft again (pbx365 ms signin --profile {profile}, or \
         Set up again in the app) to grant it, or sync all users."
    )]
    GroupsNotReadable { profile: String },

    #[error(
        "The PBX shows no Redirect URI for Microsoft 365 (GET /ms365 has no redirect_uri). Set \
         the PBX's web domain first (it is part of the Redirect URI), then connect again."
    )]
    PbxNoRedirectUri,

    #[error(
        "The {service} sign-in saved for the profile \"{profile}\" no longer works ({}). \
         Nothing was changed. Sign in again on the step \"{step}\" to go on.",
        reason.as_deref().unwrap_or(SAVED_SIGN_IN_REFUSED)
    )]
    SignInAgain {
        profile: String,
        /// The step whose sign-in expired: where the admin signs in again.
        step: StepId,
        service: &'static str,
        /// The service's own reason; none when the saved sign-in was refused or never kept.
        reason: Option<String>,
    },

    #[error(
        "Microsoft 365 could not be read for the profile \"{profile}\" ({reason}), even after \
         retrying. Nothing was changed. Try again in a few minutes; if it keeps failing, check \
         this computer's connection to Microsoft."
    )]
    MicrosoftUnavailable { profile: String, reason: String },

    #[error(
        "The Microsoft sign-in was cancelled in the browser, so pbx365 has no access to your \
         tenant. Nothing was changed. Start the sign-in again and choose Accept (or use guided \
         mode)."
    )]
    SignInDeclined,

    #[error(
        "The Microsoft sign-in did not finish within {seconds} seconds. Nothing was changed. \
         Start it again and complete it in the browser window that opens (or use the device-code \
         sign-in on a machine without a browser)."
    )]
    SignInTimedOut { seconds: u64 },

    #[error(
        "{account} cannot grant the Graph application permissions the chosen features need \
         ({}): that takes a Global Administrator or Privileged Role Administrator. Nothing was \
         changed. Sign in with such an account, choose fewer features, or use guided mode and \
         ask such an administrator to open the admin-consent link.",
        permissions.join(", ")
    )]
    CannotGrant {
        account: String,
        permissions: Vec<String>,
    },

    #[error("\"{step}\" needs \"{needed}\" to be done first.")]
    OutOfOrder { step: StepId, needed: StepId },

    #[error("{0} Nothing further was changed; run the step again to continue.")]
    Cancelled(#[from] Cancelled),

    #[error(
        "The PBX at {url} cannot be reached any more ({reason}). Nothing was changed. Check that \
         the PBX is running and reachable, then run the review and apply again."
    )]
    PbxGone { url: String, reason: String },

    #[error(
        "Something changed since the review: {what}. Nothing was changed. Run the review again \
         to see the current differences, then apply."
    )]
    ReviewStale { what: StaleWhat },

    #[error(
        "Applying stopped at \"{}\": {source} What was done before is kept and recorded in the \
         profile; run the setup again to finish — it continues where it stopped and creates \
         nothing twice.",
        step.title()
    )]
    ApplyFailed {
        step: ApplyStep,
        #[source]
        source: Box<Error>,
    },

    #[error(transparent)]
    Profile(#[from] ProfileError),

    #[error(transparent)]
    Secret(#[from] SecretError),

    #[error(transparent)]
    Lock(#[from] crate::run_lock::RunLockError),

    #[error(transparent)]
    Certificate(#[from] CertificateError),

    #[error(transparent)]
    Schedule(#[from] ScheduleError),

    #[error(transparent)]
    File(#[from] crate::atomic_file::AtomicWriteError),

    #[error(
        "The PBX did not list the Microsoft 365 users within {seconds} seconds: {last} {}",
        not_verified_hint(*mode)
    )]
    NotVerified {
        seconds: u64,
        /// The PBX's (or Microsoft's) own answer, as a sentence.
        last: String,
        /// The profile's mode, which decides what to do next.
        mode: Mode,
    },
}

/// Why a saved sign-in that the service gave no reason for no longer works.
const SAVED_SIGN_IN_REFUSED: &str = "the PBX refused it, or it was never kept";

/// What to do when verification ran out of time, by mode.
fn not_verified_hint(mode: Mode) -> &'static str {
    match mode {
        Mode::Guided => {
            "Finish the steps in the Entra admin center (upload public_key.pem, grant admin \
             consent), then verify again."
        }
        Mode::Auto => {
            "Entra may still be replicating the app or its certificate: wait a few minutes and \
             verify again (pbx365 doctor)."
        }
    }
}

/// Entra's messages are clauses ("could not reach …"); the UI shows sentences.
pub(crate) fn sentence(text: &str) -> String {
    let mut chars = text.trim().chars();
    let mut out: String = chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if !out.ends_with(['.', '!', '?', ')']) {
        out.push('.');
    }
    out
}

/// A message to quote inside a sentence of ours: trimmed, without its own closing full stop.
pub(crate) fn clean_clause(text: &str) -> String {
    text.trim().trim_end_matches('.').to_owned()
}

/// What the UI and `--json` receive for a failed step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ErrorReport {
    /// A stable identifier of the kind of failure, e.g. `input`, `pbx-role`.
    pub code: String,
    /// The English sentence (CLI, `--json`, logs): what happened and what to do.
    pub message: String,
    /// The values `message` is worded with, by name, for the UI to word `code` in its own
    /// language. Texts from elsewhere (a server's or the OS's own message) come as they are.
    #[serde(default)]
    #[ts(type = "Record<string, string>", optional)]
    pub params: BTreeMap<String, String>,
    /// The input field at fault, for forms.
    pub field: Option<String>,
    /// The apply step that failed.
    pub apply_step: Option<ApplyStep>,
    /// For `apply-failed`: the failure of the step itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub cause: Option<Box<ErrorReport>>,
}

/// An enum's wire name (`connect-pbx`), as the UI knows it.
fn wire_name(value: &impl Serialize) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

fn params<const N: usize>(pairs: [(&str, String); N]) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}

impl Error {
    pub fn code(&self) -> &'static str {
        match self {
            Error::Input(_) => "input",
            Error::Pbx(_) => "pbx",
            Error::PbxRole { .. } => "pbx-role",
            Error::Microsoft(entra::EntraError::Unreachable { .. }) => "microsoft-unreachable",
            Error::Microsoft(_) => "microsoft",
            Error::MicrosoftSignInNeeded { .. } => "microsoft-sign-in-needed",
            Error::GroupsNotReadable { .. } => "groups-not-readable",
            Error::PbxNoRedirectUri => "pbx-no-redirect-uri",
            Error::SignInAgain { .. } => "sign-in-again",
            Error::MicrosoftUnavailable { .. } => "microsoft-unavailable",
            Error::SignInDeclined => "sign-in-declined",
            Error::SignInTimedOut { .. } => "sign-in-timed-out",
            Error::CannotGrant { .. } => "cannot-grant",
            Error::OutOfOrder { .. } => "out-of-order",
            Error::Cancelled(_) => "cancelled",
            Error::PbxGone { .. } => "pbx-gone",
            Error::ReviewStale { .. } => "review-stale",
            Error::ApplyFailed { .. } => "apply-failed",
            Error::Profile(_) => "profile",
            Error::Secret(_) => "keyring",
            Error::Lock(_) => "busy",
            Error::Certificate(_) => "certificate",
            Error::Schedule(_) => "schedule",
            Error::File(_) => "file",
            Error::NotVerified { .. } => "not-verified",
        }
    }

    /// The input field at fault, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Input(error) => Some(&error.field),
            Error::Schedule(_) => Some("sync_time"),
            Error::ApplyFailed { source, .. } => source.field(),
            _ => None,
        }
    }

    /// The values the message is worded with (see [`ErrorReport::params`]); errors of other
    /// layers (PBX, Entra, files, keyring) pass their own sentence as `detail`.
    pub fn params(&self) -> BTreeMap<String, String> {
        match self {
            Error::Input(error) => params([("detail", error.message.clone())]),
            Error::Pbx(error) => params([("detail", error.to_string())]),
            Error::PbxRole { username, role } => {
                params([("username", username.clone()), ("role", role.clone())])
            }
            Error::Microsoft(entra::EntraError::Unreachable { host, reason, .. }) => {
                params([("host", host.clone()), ("reason", reason.clone())])
            }
            Error::Microsoft(error) => params([("detail", sentence(&error.to_string()))]),
            Error::MicrosoftSignInNeeded { profile, reason }
            | Error::MicrosoftUnavailable { profile, reason } => {
                params([("profile", profile.clone()), ("reason", reason.clone())])
            }
            Error::SignInAgain {
                profile,
                step,
                service,
                reason,
            } => {
                let mut values = params([
                    ("profile", profile.clone()),
                    ("step", wire_name(step)),
                    ("service", (*service).to_owned()),
                ]);
                if let Some(reason) = reason {
                    values.insert("reason".to_owned(), reason.clone());
                }
                values
            }
            Error::GroupsNotReadable { profile } => params([("profile", profile.clone())]),
            Error::SignInDeclined | Error::PbxNoRedirectUri => BTreeMap::new(),
            Error::SignInTimedOut { seconds } => params([("seconds", seconds.to_string())]),
            Error::CannotGrant {
                account,
                permissions,
            } => params([
                ("account", account.clone()),
                ("permissions", permissions.join(", ")),
            ]),
            Error::OutOfOrder { step, needed } => {
                params([("step", wire_name(step)), ("needed", wire_name(needed))])
            }
            Error::Cancelled(cancelled) => params([("step", wire_name(&cancelled.0))]),
            Error::PbxGone { url, reason } => {
                params([("url", url.clone()), ("reason", reason.clone())])
            }
            Error::ReviewStale { what } => what.params(),
            Error::ApplyFailed { step, .. } => params([("step", wire_name(step))]),
            Error::Profile(error) => params([("detail", error.to_string())]),
            Error::Secret(error) => params([("detail", error.to_string())]),
            Error::Lock(error) => params([("detail", error.to_string())]),
            Error::Certificate(error) => params([("detail", error.to_string())]),
            Error::Schedule(error) => params([("detail", error.to_string())]),
            Error::File(error) => params([("detail", error.to_string())]),
            Error::NotVerified {
                seconds,
                last,
                mode,
            } => params([
                ("seconds", seconds.to_string()),
                ("last", last.clone()),
                ("mode", wire_name(mode)),
            ]),
        }
    }

    pub fn report(&self) -> ErrorReport {
        ErrorReport {
            code: self.code().to_owned(),
            message: self.to_string(),
            params: self.params(),
            field: self.field().map(str::to_owned),
            apply_step: match self {
                Error::ApplyFailed { step, .. } => Some(*step),
                _ => None,
            },
            cause: match self {
                Error::ApplyFailed { source, .. } => Some(Box::new(source.report())),
                _ => None,
            },
        }
    }

    /// The error of the step itself, unwrapping [`Error::ApplyFailed`].
    pub fn root(&self) -> &Error {
        match self {
            Error::ApplyFailed { source, .. } => source.root(),
            other => other,
        }
    }
}

/// AADSTS65004: the user declined to consent (chose Cancel on Microsoft's page).
const CONSENT_DECLINED: u32 = 65004;

/// Maps Entra's sign-in failures to the wizard's own, clearer ones.
pub(crate) fn from_sign_in(error: entra::EntraError) -> Error {
    match &error {
        entra::EntraError::Declined => Error::SignInDeclined,
        entra::EntraError::TimedOut { after, .. } => Error::SignInTimedOut {
            seconds: after.as_secs(),
        },
        _ if error.aadsts_code() == Some(CONSENT_DECLINED) => Error::SignInDeclined,
        _ => Error::Microsoft(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entra_clauses_become_sentences() {
        assert_eq!(sentence("could not reach x"), "Could not reach x.");
        assert_eq!(sentence("Done."), "Done.");
    }

    #[test]
    fn reports_carry_code_field_and_step() {
        let error = Error::ApplyFailed {
            step: ApplyStep::Consent,
            source: Box::new(Error::Input(FieldError::new("x", "bad x"))),
        };
        let report = error.report();
        assert_eq!(report.code, "apply-failed");
        assert_eq!(report.field.as_deref(), Some("x"));
        assert_eq!(report.apply_step, Some(ApplyStep::Consent));
        assert!(report.message.contains("grant the app's Graph permissions"));
        assert!(report.message.contains("continues where it stopped"));
        let cause = report
            .cause
            .as_deref()
            .map(|cause| (cause.code.as_str(), &cause.params));
        assert_eq!(
            cause,
            Some((
                "input",
                &BTreeMap::from([("detail".to_owned(), "bad x".to_owned())])
            ))
        );
    }

    /// One error of each kind the UI words from its catalogue.
    fn samples() -> Vec<Error> {
        vec![
            Error::Input(FieldError::new(
                "starting_extension",
                "Extension 1000 is taken.",
            )),
            Error::Pbx(portsip::Error::InvalidUrl {
                url: "pbx.example".into(),
                reason: "no scheme".into(),
            }),
            Error::PbxRole {
                username: "anna".into(),
                role: "User".into(),
            },
            Error::Microsoft(entra::EntraError::Declined),
            Error::Microsoft(entra::EntraError::Unreachable {
                context: "read the organization".into(),
                host: "graph.microsoft.com".into(),
                reason: "dns error: failed to lookup address information: Name or service not \
                         known"
                    .into(),
            }),
            Error::MicrosoftSignInNeeded {
                profile: "contoso".into(),
                reason: "refresh token expired".into(),
            },
            Error::GroupsNotReadable {
                profile: "contoso".into(),
            },
            Error::PbxNoRedirectUri,
            Error::SignInAgain {
                profile: "contoso".into(),
                step: StepId::Microsoft,
                service: "Microsoft",
                reason: Some("refresh token expired".into()),
            },
            Error::SignInAgain {
                profile: "contoso".into(),
                step: StepId::ConnectPbx,
                service: "PBX",
                reason: None,
            },
            Error::MicrosoftUnavailable {
                profile: "contoso".into(),
                reason: "HTTP 503".into(),
            },
            Error::SignInDeclined,
            Error::SignInTimedOut { seconds: 300 },
            Error::CannotGrant {
                account: "admin@contoso.example".into(),
                permissions: vec!["User.Read.All".into(), "Contacts.Read".into()],
            },
            Error::OutOfOrder {
                step: StepId::Review,
                needed: StepId::ConnectPbx,
            },
            Error::Cancelled(Cancelled(StepId::KeyPair)),
            Error::PbxGone {
                url: "https://pbx.contoso.example:8887".into(),
                reason: "connection refused".into(),
            },
            Error::ReviewStale {
                what: StaleWhat::NoAppPlan,
            },
            Error::ReviewStale {
                what: StaleWhat::SettingsUnreadable {
                    detail: "key must be a string".into(),
                },
            },
            Error::ReviewStale {
                what: StaleWhat::SettingsNotComparable {
                    detail: "key must be a string".into(),
                },
            },
            Error::ReviewStale {
                what: StaleWhat::SettingsChanged,
            },
            Error::ReviewStale {
                what: StaleWhat::KeyPairReplaced,
            },
            Error::ReviewStale {
                what: StaleWhat::AppDeleted {
                    app_id: "11111111-2222-3333-4444-555555555555".into(),
                },
            },
            Error::ReviewStale {
                what: StaleWhat::PermissionsChanged {
                    app_id: "11111111-2222-3333-4444-555555555555".into(),
                },
            },
            Error::ApplyFailed {
                step: ApplyStep::PbxSettings,
                source: Box::new(Error::PbxGone {
                    url: "https://pbx.contoso.example:8887".into(),
                    reason: "connection refused".into(),
                }),
            },
            Error::Profile(ProfileError::NoConfigDir),
            Error::Secret(SecretError::Unavailable {
                reason: "no Secret Service".into(),
            }),
            Error::File(crate::atomic_file::AtomicWriteError {
                path: "/home/anna/.config/pbx365/contoso.json".into(),
                source: std::io::Error::other("disk full"),
            }),
            Error::NotVerified {
                seconds: 60,
                last: "The PBX lists 0 of 3 users.".into(),
                mode: Mode::Guided,
            },
            Error::NotVerified {
                seconds: 600,
                last: "The PBX answered 401.".into(),
                mode: Mode::Auto,
            },
        ]
    }

    #[test]
    fn reports_carry_the_values_their_message_is_worded_with() {
        for error in samples() {
            let report = error.report();
            for (name, value) in &report.params {
                let value = match (report.code.as_str(), name.as_str()) {
                    // Wire names of steps, modes and what changed; the message shows the
                    // step's title, what to do in that mode, or the change in words.
                    (_, "step" | "needed" | "mode") | ("review-stale", "what") => continue,
                    (_, value_name) => {
                        assert!(!value.is_empty(), "{}: empty {value_name}", report.code);
                        value
                    }
                };
                assert!(
                    report.message.contains(value.trim_end_matches('.')),
                    "{}: the message does not show {name} = {value:?}: {}",
                    report.code,
                    report.message
                );
            }
        }
    }

    #[test]
    fn every_error_with_values_reports_them() {
        for error in samples() {
            let report = error.report();
            let without_values = matches!(error, Error::SignInDeclined | Error::PbxNoRedirectUri);
            assert_eq!(
                report.params.is_empty(),
                without_values,
                "{}: params {:?}",
                report.code,
                report.params
            );
        }
    }

    /// The UI's catalogue test words each of these in both languages
    /// (ui/src/lib/i18n/errors.test.ts); written with the ts-rs bindings and checked like them.
    #[test]
    fn export_bindings_error_samples() -> Result<(), Box<dyn std::error::Error>> {
        let reports: Vec<ErrorReport> = samples().iter().map(Error::report).collect();
        crate::text_samples::write("error-samples.json", &reports)
    }
}
