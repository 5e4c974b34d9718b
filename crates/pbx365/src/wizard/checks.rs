//! Steps 3–6 in one call: the express setup's checklist. Every one of them only reads, so they
//! run by themselves once the admin has signed in; their PBX and Microsoft Graph reads run at
//! the same time, so the checklist takes as long as its longest read, not the sum of them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{AppRegistrationInput, KeyPairInput, Wizard, WizardState, plan};
use crate::access::Error;
use crate::profile::SyncOptions;
use crate::progress::{StepContext, StepId};

/// What the checklist checks with: each step's input, as its page would send it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ChecksInput {
    pub app: AppRegistrationInput,
    pub key_pair: KeyPairInput,
    pub sync: SyncOptions,
}

impl Wizard {
    /// Runs app registration, key pair, consent and sync options with `input`, their reads
    /// concurrent. Each step that succeeded is kept in order up to the first that failed, whose
    /// error is returned: [`Wizard::state`] then says which checks are done.
    pub async fn run_checks(
        &mut self,
        input: ChecksInput,
        ctx: &StepContext,
    ) -> Result<WizardState, Error> {
        self.begin(StepId::AppRegistration)?;
        // Every check that needs no network first: a wrong input never waits on a read.
        plan::check_features(&input.app.features)?;
        self.check_key_pair_input(&input.key_pair)?;
        let ChecksInput {
            app,
            key_pair,
            sync,
        } = input;
        let features = app.features.clone();
        let (app, certificate, sync) = ctx
            .cancellable(StepId::AppRegistration, async {
                // Boxed: side by side in `join!`, the three reads' futures would make one state
                // large enough to overflow a 2 MiB thread stack (tokio's workers, test threads)
                // in a debug build.
                Ok::<_, Error>(futures::join!(
                    Box::pin(self.read_app_step(app, ctx)),
                    Box::pin(ctx.cancellable(StepId::KeyPair, self.read_pbx_certificate())),
                    Box::pin(self.check_sync_options(sync, &features, ctx)),
                ))
            })
            .await?;
        self.app = Some(app?);
        let key = self.key_step(
            key_pair,
            certificate?.as_ref(),
            self.app_step(StepId::KeyPair)?,
        )?;
        self.key = Some(key);
        self.consent = Some(self.consent_step()?);
        self.record_sync_options(sync?);
        Ok(self.state())
    }
}
