//! What a reset will do, for the admin to confirm, and what it did: each step as a sentence
//! naming the PBX tenant or the Microsoft 365 tenant it changes.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::journal::{ResetStep, ResetStop};
use super::text::capitalized;
use super::text::{ResetDetail, ResetPbx, ResetSummary, ResetTenant, ResetWarning};
use crate::guided::HandStep;
use crate::profile::{Mode, Profile};

/// A step as the confirmation lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct PlannedReset {
    pub step: ResetStep,
    pub number: u32,
    /// Where the change happens: "PBX", "Microsoft Entra", "This computer".
    pub place: String,
    /// What will be done, naming the tenant.
    pub summary: ResetSummary,
    /// Done by an earlier reset that stopped.
    pub done: bool,
}

/// What a reset would do. Computed from reads only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ResetPlan {
    pub profile: String,
    pub mode: Mode,
    /// Delete the app registration (else only the PBX's certificate comes off it).
    pub delete_app: bool,
    /// The PBX tenant: its SIP domain and address.
    pub pbx: ResetPbx,
    /// The Microsoft 365 tenant: its name and Directory (tenant) ID.
    pub tenant: ResetTenant,
    /// The PBX's PortSIP version, when it was read.
    pub pbx_version: Option<String>,
    pub steps: Vec<PlannedReset>,
    /// Guided mode: what the admin does in the Entra admin center.
    pub hand_steps: Vec<HandStep>,
    /// Things to know before confirming.
    pub warnings: Vec<ResetWarning>,
    /// Set when an earlier reset stopped: this one picks up from there.
    pub resumes: Option<ResetStop>,
    /// No profile and no unfinished reset of that name: there is nothing to reset (it was reset
    /// already, or never set up).
    pub nothing_to_do: bool,
}

/// How one step ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ResetOutcome {
    pub step: ResetStep,
    pub place: String,
    /// What was done.
    pub detail: ResetDetail,
    /// An earlier reset that stopped had done it.
    pub done_earlier: bool,
}

/// What a finished reset did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ResetReport {
    pub profile: String,
    pub steps: Vec<ResetOutcome>,
    /// Guided mode: what is left to do by hand in the Entra admin center.
    pub hand_steps: Vec<HandStep>,
    /// There was nothing to reset (see [`ResetPlan::nothing_to_do`]).
    pub nothing_to_do: bool,
}

/// A progress report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ResetEvent {
    pub step: ResetStep,
    /// What the UI words from its catalogue.
    pub text: ResetText,
    /// The same in English, for the CLI and logs.
    pub message: String,
}

/// What a reset's progress says, as a code with parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum ResetText {
    /// An earlier reset stopped at this step (1 to 3).
    Continuing { step_number: usize },
    /// The step starts (worded by the step's title).
    Starting,
    /// The step finished, saying what it did.
    Finished { detail: ResetDetail },
}

impl ResetText {
    pub(crate) fn english(&self, step: ResetStep) -> String {
        match self {
            ResetText::Continuing { step_number } => {
                format!("Continuing the reset that stopped at step {step_number} of 3.")
            }
            ResetText::Starting => format!("{}…", capitalized(step.title())),
            ResetText::Finished { detail } => detail.to_string(),
        }
    }
}

/// Receives progress reports, on the task doing the work: keep it quick.
pub type ResetSink = std::sync::Arc<dyn Fn(&ResetEvent) + Send + Sync>;

/// Step 3 as the plan names it.
pub(super) fn local_summary(profile: &Profile) -> ResetSummary {
    ResetSummary::ThisComputer {
        profile: profile.name.clone(),
        pbx: ResetPbx::of(profile),
        tenant: ResetTenant::of(profile),
    }
}

impl ResetPlan {
    /// The plan when there is nothing to reset.
    pub(super) fn nothing(name: &str) -> Self {
        Self {
            profile: name.to_owned(),
            mode: Mode::default(),
            delete_app: false,
            pbx: ResetPbx {
                domain: None,
                url: String::new(),
            },
            tenant: ResetTenant {
                name: None,
                id: None,
            },
            pbx_version: None,
            steps: Vec::new(),
            hand_steps: Vec::new(),
            warnings: vec![ResetWarning::NothingSaved {
                profile: name.to_owned(),
            }],
            resumes: None,
            nothing_to_do: true,
        }
    }
}

impl PlannedReset {
    pub(super) fn new(step: ResetStep, summary: ResetSummary, done: bool) -> Self {
        Self {
            step,
            number: u32::try_from(step.number()).unwrap_or_default(),
            place: step.place().to_owned(),
            summary,
            done,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reset_texts_carry_their_values_into_the_english() {
        let continuing = ResetText::Continuing { step_number: 2 };
        assert_eq!(
            continuing.english(ResetStep::Entra),
            "Continuing the reset that stopped at step 2 of 3."
        );
        assert_eq!(
            ResetText::Starting.english(ResetStep::Pbx),
            "Stop the PBX's Microsoft 365 integration…"
        );
        let finished = ResetText::Finished {
            detail: ResetDetail::PbxDestroyed,
        };
        assert_eq!(
            finished.english(ResetStep::Pbx),
            "The PBX stopped its Microsoft 365 integration: its settings are back to the \
             defaults and its key pair is deleted."
        );
    }
}
