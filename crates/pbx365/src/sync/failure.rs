//! Why one user's change failed, as a code with parameters: the UI words it from its catalogue,
//! the CLI, the history database and the CSV keep the English sentence ([`fmt::Display`]).

use std::fmt;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::report::OutcomeStatus;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum UserFailure {
    /// The PBX refused or failed the request; `detail` is its client's own English sentence.
    Pbx { detail: String },
    /// The plan named no PBX user for a change to one.
    NoPbxUser,
    /// The sync journal could not be written, which stops the run; `detail` says why.
    Journal { detail: String },
}

const NO_PBX_USER: &str = "the plan names no PBX user for this change; this is a bug in pbx365";

impl fmt::Display for UserFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UserFailure::Pbx { detail } | UserFailure::Journal { detail } => f.write_str(detail),
            UserFailure::NoPbxUser => f.write_str(NO_PBX_USER),
        }
    }
}

impl UserFailure {
    /// The failure of a stored step: the history database keeps the English sentence. A step
    /// left `started` failed on the journal; any other failed on the PBX.
    pub(crate) fn read(text: Option<&str>, status: OutcomeStatus) -> Option<Self> {
        let text = text.filter(|t| !t.is_empty())?.to_owned();
        Some(match status {
            _ if text == NO_PBX_USER => UserFailure::NoPbxUser,
            OutcomeStatus::Started => UserFailure::Journal { detail: text },
            _ => UserFailure::Pbx { detail: text },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn samples() -> Vec<(UserFailure, OutcomeStatus)> {
        vec![
            (
                UserFailure::Pbx {
                    detail: "The PBX refused POST /users (HTTP 409): extension 1001 is in use"
                        .into(),
                },
                OutcomeStatus::Failed,
            ),
            (UserFailure::NoPbxUser, OutcomeStatus::Failed),
            (
                UserFailure::Journal {
                    detail: "The sync history could not be written: disk full".into(),
                },
                OutcomeStatus::Started,
            ),
        ]
    }

    #[test]
    fn the_stored_english_reads_back_as_the_same_code() {
        for (failure, status) in samples() {
            let stored = failure.to_string();
            assert_eq!(UserFailure::read(Some(&stored), status), Some(failure));
        }
        assert_eq!(UserFailure::read(Some(""), OutcomeStatus::Failed), None);
        assert_eq!(UserFailure::read(None, OutcomeStatus::Failed), None);
    }

    /// The UI's wording test words each of these in both languages
    /// (ui/src/lib/sync/failure.test.ts); written with the ts-rs bindings.
    #[test]
    fn export_bindings_user_failure_samples() -> Result<(), Box<dyn std::error::Error>> {
        let pairs: Vec<_> = samples()
            .into_iter()
            .map(|(failure, _)| {
                serde_json::json!({ "message": failure.to_string(), "failure": failure })
            })
            .collect();
        crate::text_samples::write("user-failure-samples.json", &pairs)
    }
}
