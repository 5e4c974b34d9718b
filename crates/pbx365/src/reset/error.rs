//! What a reset fails with: before it changed anything ([`ResetError::NotStarted`]), or at one
//! of its steps ([`ResetError::Stopped`]), saying what is already done and that running it
//! again finishes the job.

use std::collections::BTreeMap;
use std::path::PathBuf;

use super::journal::{JournalError, ResetStep};
use crate::access::{Error, ErrorReport};

/// What went wrong, before or during a step.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Cause {
    /// Signing in, the PBX, Microsoft, the profile, the keyring, a lock.
    #[error(transparent)]
    Access(#[from] Error),

    #[error(transparent)]
    Journal(#[from] JournalError),

    #[error(
        "The profile's sync history could not be removed ({0}). Close other pbx365 windows \
         that show it, check the file's permissions, and try again."
    )]
    History(#[from] crate::sync::SyncError),

    #[error("Could not remove {path}: {source}. Check its folder's permissions.")]
    RemoveFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Cause {
    /// A stable identifier of the kind of failure, as [`Error::code`] gives.
    pub fn code(&self) -> &'static str {
        match self {
            Cause::Access(error) => error.code(),
            Cause::Journal(_) => "journal",
            Cause::History(_) => "history",
            Cause::RemoveFile { .. } => "remove-file",
        }
    }

    /// The failure as the UI words it: the access layer's own report, or this layer's code
    /// with the other layer's sentence as `detail`.
    pub fn report(&self) -> ErrorReport {
        let params: Vec<(&str, String)> = match self {
            Cause::Access(error) => return error.report(),
            Cause::Journal(error) => vec![("detail", error.to_string())],
            Cause::History(error) => vec![("detail", error.to_string())],
            Cause::RemoveFile { path, source } => vec![
                ("path", path.display().to_string()),
                ("detail", source.to_string()),
            ],
        };
        ErrorReport {
            code: self.code().to_owned(),
            message: self.to_string(),
            params: named(params),
            field: None,
            apply_step: None,
            cause: None,
        }
    }
}

impl From<crate::profile::ProfileError> for Cause {
    fn from(error: crate::profile::ProfileError) -> Self {
        Cause::Access(error.into())
    }
}

impl From<crate::secrets::SecretError> for Cause {
    fn from(error: crate::secrets::SecretError) -> Self {
        Cause::Access(error.into())
    }
}

impl From<crate::run_lock::RunLockError> for Cause {
    fn from(error: crate::run_lock::RunLockError) -> Self {
        Cause::Access(error.into())
    }
}

impl From<portsip::Error> for Cause {
    fn from(error: portsip::Error) -> Self {
        Cause::Access(error.into())
    }
}

impl From<entra::EntraError> for Cause {
    fn from(error: entra::EntraError) -> Self {
        Cause::Access(error.into())
    }
}

/// Why a reset did not finish.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResetError {
    /// Nothing was changed: the profile could not be read, signed in to or locked.
    #[error(transparent)]
    NotStarted(#[from] Cause),

    /// A step failed; the steps before it are done and journaled.
    #[error(
        "The reset of profile \"{profile}\" stopped at step {} of 3 ({}): {cause} {state} Run the \
         reset again (pbx365 reset --profile {profile}): it continues where it stopped and \
         repeats nothing that is done.",
        step.number(),
        step.title()
    )]
    Stopped {
        profile: String,
        step: ResetStep,
        /// What is already done, as a sentence.
        state: String,
        #[source]
        cause: Box<Cause>,
    },
}

impl ResetError {
    /// A stable identifier of the kind of failure, for `--json` and the UI.
    pub fn code(&self) -> &'static str {
        match self {
            ResetError::NotStarted(cause) => cause.code(),
            ResetError::Stopped { .. } => "reset-stopped",
        }
    }

    /// The failure as the UI words it. A stop names the profile and the step (what is done
    /// follows from the step), with the step's own failure as `cause`.
    pub fn report(&self) -> ErrorReport {
        match self {
            ResetError::NotStarted(cause) => cause.report(),
            ResetError::Stopped {
                profile,
                step,
                cause,
                ..
            } => ErrorReport {
                code: self.code().to_owned(),
                message: self.to_string(),
                params: named(vec![
                    ("profile", profile.clone()),
                    ("number", step.number().to_string()),
                ]),
                field: None,
                apply_step: None,
                cause: Some(Box::new(cause.report())),
            },
        }
    }

    /// The step that failed, if one did.
    pub fn step(&self) -> Option<ResetStep> {
        match self {
            ResetError::Stopped { step, .. } => Some(*step),
            ResetError::NotStarted(_) => None,
        }
    }
}

impl From<Error> for ResetError {
    fn from(error: Error) -> Self {
        ResetError::NotStarted(error.into())
    }
}

impl From<JournalError> for ResetError {
    fn from(error: JournalError) -> Self {
        ResetError::NotStarted(error.into())
    }
}

impl From<crate::profile::ProfileError> for ResetError {
    fn from(error: crate::profile::ProfileError) -> Self {
        ResetError::NotStarted(error.into())
    }
}

impl From<crate::run_lock::RunLockError> for ResetError {
    fn from(error: crate::run_lock::RunLockError) -> Self {
        ResetError::NotStarted(error.into())
    }
}

fn named(params: Vec<(&str, String)>) -> BTreeMap<String, String> {
    params
        .into_iter()
        .map(|(name, value)| (name.to_owned(), value))
        .collect()
}

/// What is done when `step` stops, as a sentence.
pub(super) fn state_at(step: ResetStep) -> &'static str {
    match step {
        ResetStep::Pbx => {
            "Nothing was changed yet: the PBX, Microsoft Entra and this computer are as they were."
        }
        ResetStep::Entra => {
            "The PBX's Microsoft 365 integration is already stopped; Microsoft Entra and this \
             computer are as they were."
        }
        ResetStep::ThisComputer => {
            "The PBX's integration is stopped and Microsoft Entra is done; part of what this \
             computer keeps for the profile may be left."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stop_names_the_step_what_is_done_and_the_way_on() {
        let error = ResetError::Stopped {
            profile: "contoso".into(),
            step: ResetStep::Entra,
            state: state_at(ResetStep::Entra).into(),
            cause: Box::new(Cause::Access(Error::SignInDeclined)),
        };
        let text = error.to_string();
        assert!(
            text.starts_with(
                "The reset of profile \"contoso\" stopped at step 2 of 3 (remove the integration \
                 from Microsoft Entra): The Microsoft sign-in was cancelled"
            ),
            "{text}"
        );
        assert!(text.contains("integration is already stopped"), "{text}");
        assert!(text.contains("pbx365 reset --profile contoso"), "{text}");
        assert_eq!(error.code(), "reset-stopped");
        let report = error.report();
        assert_eq!(report.params["profile"], "contoso");
        assert_eq!(report.params["number"], "2");
        assert_eq!(
            report.cause.map(|cause| cause.code),
            Some("sign-in-declined".to_owned())
        );
        assert_eq!(error.step(), Some(ResetStep::Entra));
        let before = ResetError::from(Error::SignInDeclined);
        assert_eq!(before.code(), "sign-in-declined");
        assert_eq!(before.step(), None);
    }
}
