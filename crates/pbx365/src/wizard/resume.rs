//! A returning admin: the wizard of a saved profile brought back to a chosen step without
//! typing anything again. The PBX and Microsoft sessions are resumed from the keyring and the
//! read-only planning steps run with the profile's own choices, so every step before the chosen
//! one is done; an expired saved sign-in is [`Error::SignInAgain`] on the step that needs it.

use crate::access::{Error, sessions};
use crate::profile::Mode;
use crate::progress::{StepContext, StepId};
use crate::wizard::microsoft::{GuidedIds, MicrosoftSignIn, SignInMethod};
use crate::wizard::pbx::{PbxLogin, SAVED_SIGN_IN_FIELD};
use crate::wizard::plan::AppRegistrationInput;
use crate::wizard::{KeyPairInput, Wizard, WizardState};

impl Wizard {
    /// Runs, for a saved profile, every step before `until` with what the profile holds, and
    /// returns where the wizard stands. Only review and the steps before it can be chosen:
    /// apply and verify come after a review the admin has seen.
    pub async fn resume(&mut self, until: StepId, ctx: &StepContext) -> Result<WizardState, Error> {
        if !self.profile_exists {
            return Err(crate::input::FieldError::new(
                "profile",
                format!(
                    "The profile \"{}\" is not saved yet, so there is nothing to resume: set it \
                     up from the first step.",
                    self.profile.name
                ),
            )
            .into());
        }
        if until > StepId::Review {
            return Err(crate::input::FieldError::new(
                "step",
                format!(
                    "A saved setup can be opened at any step up to \"{}\"; \"{until}\" comes \
                     after a review you have seen.",
                    StepId::Review
                ),
            )
            .into());
        }
        for step in StepId::ALL.into_iter().take_while(|step| *step < until) {
            self.resume_step(step, ctx).await?;
        }
        Ok(self.state())
    }

    async fn resume_step(&mut self, step: StepId, ctx: &StepContext) -> Result<(), Error> {
        let profile = self.profile.clone();
        match step {
            StepId::ConnectPbx => {
                let login = PbxLogin {
                    url: profile.pbx.url.clone(),
                    username: profile.pbx.username.clone(),
                    password: None,
                    domain: profile.pbx.domain.clone(),
                    ca_pem: profile.pbx.ca_pem.clone(),
                    pin_sha256: profile.pbx.pin_sha256.clone(),
                    remember_password: profile.pbx.remember_password,
                };
                self.connect_pbx(login, ctx)
                    .await
                    .map_err(|error| match error {
                        Error::Input(field) if field.field == SAVED_SIGN_IN_FIELD => {
                            Error::SignInAgain {
                                profile: profile.name.clone(),
                                step,
                                service: "PBX",
                                reason: None,
                            }
                        }
                        other => other,
                    })?;
            }
            StepId::Microsoft => match profile.microsoft.mode {
                Mode::Auto => {
                    let input = MicrosoftSignIn {
                        cloud: profile.microsoft.cloud.clone(),
                        client_id: profile.microsoft.client_id.clone(),
                        method: SignInMethod::Saved,
                        login_hint: profile.microsoft.account.clone(),
                    };
                    self.sign_in_microsoft(input, ctx)
                        .await
                        .map_err(|error| match error {
                            Error::Microsoft(error) if sessions::needs_new_sign_in(&error) => {
                                Error::SignInAgain {
                                    profile: profile.name.clone(),
                                    step,
                                    service: "Microsoft",
                                    reason: Some(crate::access::clean_clause(&error.to_string())),
                                }
                            }
                            other => other,
                        })?;
                }
                Mode::Guided => {
                    let input = GuidedIds {
                        cloud: profile.microsoft.cloud.clone(),
                        tenant_id: profile.microsoft.tenant_id.clone().unwrap_or_default(),
                        app_id: profile
                            .app
                            .as_ref()
                            .map(|app| app.app_id.clone())
                            .unwrap_or_default(),
                    };
                    self.use_guided_ids(input, ctx).await?;
                }
            },
            StepId::AppRegistration => {
                let input = AppRegistrationInput {
                    features: profile.features.clone(),
                    display_name: profile
                        .app
                        .as_ref()
                        .and_then(|app| app.display_name.clone()),
                    optional_grants: profile.optional_grants.clone(),
                };
                self.plan_app_registration(input, ctx).await?;
            }
            StepId::KeyPair => {
                let input = KeyPairInput {
                    certificate_path: profile.certificate_path.clone(),
                };
                self.plan_key_pair(input, ctx).await?;
            }
            StepId::Consent => {
                self.plan_consent(ctx).await?;
            }
            StepId::SyncOptions => {
                let options = profile.sync.clone().unwrap_or_default();
                self.set_sync_options(options, ctx).await?;
            }
            StepId::Review | StepId::Apply | StepId::Verify => {}
        }
        Ok(())
    }
}
