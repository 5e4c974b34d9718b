//! The whole setup in one call, for `pbx365 setup`: every local check first, then every step
//! in order (steps 3–6 as one concurrent checklist), the review shown to `confirm` before
//! anything is written.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::{
    AppRegistrationInput, ApplyOutcome, ChecksInput, Environment, Error, GuidedIds, KeyPairInput,
    MicrosoftSignIn, PbxLogin, Review, Wizard, microsoft, pbx, plan, sync_options,
};
use crate::access::retry::RetryPolicy;
use crate::doctor::DoctorReport;
use crate::input::check_profile_name;
use crate::profile::SyncOptions;
use crate::progress::StepContext;

/// How the setup reaches Microsoft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "kebab-case")]
pub enum SetupMicrosoft {
    Auto(MicrosoftSignIn),
    Guided(GuidedIds),
}

/// Everything `pbx365 setup` asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupRequest {
    pub profile: String,
    pub pbx: PbxLogin,
    pub microsoft: SetupMicrosoft,
    pub app: AppRegistrationInput,
    pub key_pair: KeyPairInput,
    pub sync: SyncOptions,
    /// Run the verification after applying (in guided mode it waits for the hand steps).
    pub verify: bool,
}

/// What the setup did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SetupOutcome {
    pub review: Review,
    /// `None` when `confirm` declined: nothing was written.
    pub apply: Option<ApplyOutcome>,
    pub verification: Option<DoctorReport>,
}

impl SetupRequest {
    /// Every check of every step that needs no network, made up front: a typo in the last step's
    /// fields is reported before the PBX sign-in, the browser or any write, not after them. The
    /// steps make the same checks again, through the same functions.
    pub fn check_locally(&self) -> Result<(), Error> {
        check_profile_name(&self.profile)?;
        pbx::check_login(&self.pbx, &RetryPolicy::default())?;
        match &self.microsoft {
            SetupMicrosoft::Auto(sign_in) => {
                microsoft::check_sign_in(sign_in)?;
            }
            SetupMicrosoft::Guided(ids) => {
                microsoft::check_guided_ids(ids)?;
                sync_options::check_groups_mode(crate::profile::Mode::Guided, &self.sync)?;
                if let Some(path) = &self.key_pair.certificate_path {
                    plan::check_certificate_path(path)?;
                }
            }
        }
        plan::check_features(&self.app.features)?;
        sync_options::check_locally(&self.app.features, self.sync.clone())?;
        Ok(())
    }
}

/// Checks the request locally, runs steps 1–7, asks `confirm` with the review, then applies
/// and verifies.
pub async fn run_setup(
    env: Arc<Environment>,
    request: SetupRequest,
    confirm: impl FnOnce(&Review) -> bool,
    ctx: &StepContext,
) -> Result<SetupOutcome, Error> {
    request.check_locally()?;
    let mut wizard = Wizard::open(env, &request.profile)?;
    wizard.connect_pbx(request.pbx, ctx).await?;
    match request.microsoft {
        SetupMicrosoft::Auto(sign_in) => wizard.sign_in_microsoft(sign_in, ctx).await?,
        SetupMicrosoft::Guided(ids) => wizard.use_guided_ids(ids, ctx).await?,
    };
    let checks = ChecksInput {
        app: request.app,
        key_pair: request.key_pair,
        sync: request.sync,
    };
    wizard.run_checks(checks, ctx).await?;
    let review = wizard.review(ctx).await?;
    if !confirm(&review) {
        return Ok(SetupOutcome {
            review,
            apply: None,
            verification: None,
        });
    }
    let apply = wizard.apply(ctx).await?;
    let verification = if request.verify {
        Some(wizard.verify(ctx).await?)
    } else {
        None
    };
    Ok(SetupOutcome {
        review,
        apply: Some(apply),
        verification,
    })
}
