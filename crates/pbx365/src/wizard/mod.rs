//! The setup wizard as a state machine that the desktop shell and the CLI both drive.
//!
//! A [`Wizard`] belongs to one profile. Each step is an async method taking the step's input
//! and a [`StepContext`] (progress sink + cancellation), returning the step's summary or a
//! [`Error`] whose sentence says what to do. Steps run in order; running one again
//! discards what later steps had decided. Steps 1–7 only read: the first write happens in
//! [`Wizard::apply`], after the admin has seen [`Wizard::review`]'s diff.
//!
//! ```text
//! connect_pbx → sign_in_microsoft | use_guided_ids → plan_app_registration → plan_key_pair
//!   → plan_consent → set_sync_options → review → apply → verify
//! ```
//!
//! [`Wizard::run_checks`] runs steps 3–6 in one call, their reads concurrent (the express setup).
//!
//! A saved profile can be brought back to any step up to the review with [`Wizard::resume`].

pub(crate) mod apply;
mod checks;
pub(crate) mod microsoft;
pub(crate) mod pbx;
pub(crate) mod plan;
mod resume;
pub(crate) mod review;
mod review_step;
mod setup;
pub(crate) mod sync_options;
mod verify;
mod warning;

use std::collections::BTreeSet;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

pub use self::apply::ApplyOutcome;
pub use self::checks::ChecksInput;
pub use self::microsoft::{GuidedIds, MicrosoftSignIn, MicrosoftSummary, SignInMethod};
pub use self::pbx::{CurrentIntegration, PbxLogin, PbxSummary};
pub use self::plan::{
    AppAction, AppRegistrationInput, AppRegistrationSummary, ConsentSummary, KeyAction,
    KeyPairSummary, KeyReason,
};
pub use self::review::{Change, ChangeCode, ChangeTarget, Review};
pub use self::setup::{SetupMicrosoft, SetupOutcome, SetupRequest, run_setup};
pub use self::sync_options::{SyncOptionsNotice, SyncOptionsSummary, next_runs};
pub use self::warning::WizardWarning;
use crate::access::{Environment, Error, sessions};
use crate::doctor::{self, DoctorReport, GraphAccess};
use crate::features::{Feature, OptionalGrant};
use crate::guided;
use crate::profile::{AppIdentity, Mode, Profile, SyncOptions};
use crate::progress::{ProgressText, StepContext, StepId};
use microsoft::MicrosoftContext;
use pbx::PbxSession;
use plan::AppState;
use review::Plan;

/// Step 4's input.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct KeyPairInput {
    /// Guided mode: where to save `public_key.pem`; a folder under the profiles when unset.
    #[ts(type = "string | null")]
    pub certificate_path: Option<PathBuf>,
}

/// Where the wizard stands, for the UI to render.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct WizardState {
    pub profile: Profile,
    /// Whether the profile was saved before (a re-run).
    pub profile_exists: bool,
    pub completed: Vec<StepId>,
    /// The next step to run.
    pub next: Option<StepId>,
    pub pbx: Option<PbxSummary>,
    pub microsoft: Option<MicrosoftSummary>,
    pub app_registration: Option<AppRegistrationSummary>,
    pub key_pair: Option<KeyPairSummary>,
    pub consent: Option<ConsentSummary>,
    pub sync_options: Option<SyncOptionsSummary>,
    pub review: Option<Review>,
    pub apply: Option<ApplyOutcome>,
    pub verification: Option<DoctorReport>,
}

#[derive(Debug, Clone)]
struct AppStep {
    features: BTreeSet<Feature>,
    optional_grants: BTreeSet<OptionalGrant>,
    /// The Graph permissions this PBX's version needs for them.
    permissions: Vec<String>,
    display_name: String,
    state: Option<AppState>,
    summary: AppRegistrationSummary,
}

#[derive(Debug, Clone)]
struct KeyStep {
    certificate_path: Option<PathBuf>,
    summary: KeyPairSummary,
}

#[derive(Debug, Clone)]
struct ReviewStep {
    review: Review,
    plan: Plan,
}

/// One run of the setup for one profile.
pub struct Wizard {
    env: Arc<Environment>,
    profile: Profile,
    profile_exists: bool,
    pbx: Option<PbxSession>,
    microsoft: Option<MicrosoftContext>,
    app: Option<AppStep>,
    key: Option<KeyStep>,
    consent: Option<ConsentSummary>,
    sync: Option<SyncOptionsSummary>,
    review: Option<ReviewStep>,
    applied: Option<ApplyOutcome>,
    verified: Option<DoctorReport>,
}

impl fmt::Debug for Wizard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Wizard")
            .field("profile", &self.profile.name)
            .field("completed", &self.completed())
            .finish_non_exhaustive()
    }
}

impl Wizard {
    /// Starts the setup of profile `name`: an existing profile is loaded (a re-run), a new one
    /// is only saved when applied.
    pub fn open(env: Arc<Environment>, name: &str) -> Result<Self, Error> {
        let existing = env.profiles.load(name)?;
        let profile_exists = existing.is_some();
        let profile = match existing {
            Some(profile) => profile,
            None => Profile::new(name)?,
        };
        Ok(Self {
            env,
            profile,
            profile_exists,
            pbx: None,
            microsoft: None,
            app: None,
            key: None,
            consent: None,
            sync: None,
            review: None,
            applied: None,
            verified: None,
        })
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// The Microsoft Graph client of automatic mode's sign-in, for the directory pickers.
    pub fn directory_graph(
        &self,
        ctx: &StepContext,
    ) -> Result<entra::GraphClient, crate::directory::DirectoryError> {
        self.microsoft_context(StepId::SyncOptions)?
            .graph(&self.env, ctx, StepId::SyncOptions)
            .ok_or(crate::directory::DirectoryError::Guided)
    }

    /// The profile's last apply stopped before the end.
    fn unfinished_apply(&self) -> bool {
        self.profile
            .apply
            .as_ref()
            .is_some_and(|journal| !journal.is_complete())
    }

    fn completed(&self) -> Vec<StepId> {
        let done = [
            (StepId::ConnectPbx, self.pbx.is_some()),
            (StepId::Microsoft, self.microsoft.is_some()),
            (StepId::AppRegistration, self.app.is_some()),
            (StepId::KeyPair, self.key.is_some()),
            (StepId::Consent, self.consent.is_some()),
            (StepId::SyncOptions, self.sync.is_some()),
            (StepId::Review, self.review.is_some()),
            (StepId::Apply, self.applied.is_some()),
            (StepId::Verify, self.verified.is_some()),
        ];
        done.into_iter()
            .take_while(|(_, done)| *done)
            .map(|(step, _)| step)
            .collect()
    }

    /// Where the wizard stands.
    pub fn state(&self) -> WizardState {
        let completed = self.completed();
        WizardState {
            profile: self.profile.clone(),
            profile_exists: self.profile_exists,
            next: StepId::ALL.into_iter().find(|s| !completed.contains(s)),
            completed,
            pbx: self.pbx.as_ref().map(|p| p.summary.clone()),
            microsoft: self.microsoft.as_ref().map(|m| m.summary().clone()),
            app_registration: self.app.as_ref().map(|a| a.summary.clone()),
            key_pair: self.key.as_ref().map(|k| k.summary.clone()),
            consent: self.consent.clone(),
            sync_options: self.sync.clone(),
            review: self.review.as_ref().map(|r| r.review.clone()),
            apply: self.applied.clone(),
            verification: self.verified.clone(),
        }
    }

    /// Refuses a step whose predecessor has not run, and forgets what later steps decided.
    fn begin(&mut self, step: StepId) -> Result<(), Error> {
        if let Some(needed) = step.previous()
            && !self.completed().contains(&needed)
        {
            return Err(Error::OutOfOrder { step, needed });
        }
        let later = |s: StepId| s >= step;
        if later(StepId::ConnectPbx) {
            self.pbx = None;
        }
        if later(StepId::Microsoft) {
            self.microsoft = None;
        }
        if later(StepId::AppRegistration) {
            self.app = None;
        }
        if later(StepId::KeyPair) {
            self.key = None;
        }
        if later(StepId::Consent) {
            self.consent = None;
        }
        if later(StepId::SyncOptions) {
            self.sync = None;
        }
        if later(StepId::Review) {
            self.review = None;
        }
        if later(StepId::Apply) {
            self.applied = None;
        }
        self.verified = None;
        Ok(())
    }

    fn pbx_session(&self) -> Result<&PbxSession, Error> {
        self.pbx.as_ref().ok_or(Error::OutOfOrder {
            step: StepId::Microsoft,
            needed: StepId::ConnectPbx,
        })
    }

    fn microsoft_context(&self, step: StepId) -> Result<&MicrosoftContext, Error> {
        self.microsoft.as_ref().ok_or(Error::OutOfOrder {
            step,
            needed: StepId::Microsoft,
        })
    }

    fn app_step(&self, step: StepId) -> Result<&AppStep, Error> {
        self.app.as_ref().ok_or(Error::OutOfOrder {
            step,
            needed: StepId::AppRegistration,
        })
    }

    /// Step 1: sign in to the PBX and read its tenant, integration settings and certificate.
    pub async fn connect_pbx(
        &mut self,
        login: PbxLogin,
        ctx: &StepContext,
    ) -> Result<PbxSummary, Error> {
        self.begin(StepId::ConnectPbx)?;
        ctx.report(StepId::ConnectPbx, ProgressText::ConnectingPbx);
        let session = ctx
            .cancellable(
                StepId::ConnectPbx,
                pbx::connect(&self.env, &self.profile, login),
            )
            .await?;
        let summary = session.summary.clone();
        self.pbx = Some(session);
        Ok(summary)
    }

    /// Step 2, automatic mode: sign in to Microsoft and read the tenant and the admin's roles.
    pub async fn sign_in_microsoft(
        &mut self,
        input: MicrosoftSignIn,
        ctx: &StepContext,
    ) -> Result<MicrosoftSummary, Error> {
        self.begin(StepId::Microsoft)?;
        let context = ctx
            .cancellable(
                StepId::Microsoft,
                microsoft::sign_in(&self.env, &self.profile, self.pbx_session()?, input, ctx),
            )
            .await?;
        let summary = context.summary().clone();
        self.microsoft = Some(context);
        Ok(summary)
    }

    /// Step 2, guided mode: check the pasted Directory and Application IDs.
    pub async fn use_guided_ids(
        &mut self,
        input: GuidedIds,
        ctx: &StepContext,
    ) -> Result<MicrosoftSummary, Error> {
        self.begin(StepId::Microsoft)?;
        let context = ctx
            .cancellable(
                StepId::Microsoft,
                microsoft::guided(&self.env, self.pbx_session()?, input, ctx),
            )
            .await?;
        let summary = context.summary().clone();
        self.microsoft = Some(context);
        Ok(summary)
    }

    /// Step 3: find this profile's app (or the one the PBX already uses) and decide what to
    /// create or repair; in guided mode, the hand steps.
    pub async fn plan_app_registration(
        &mut self,
        input: AppRegistrationInput,
        ctx: &StepContext,
    ) -> Result<AppRegistrationSummary, Error> {
        self.begin(StepId::AppRegistration)?;
        plan::check_features(&input.features)?;
        let step = self.read_app_step(input, ctx).await?;
        let summary = step.summary.clone();
        self.app = Some(step);
        Ok(summary)
    }

    /// Step 3's reading, without recording it.
    async fn read_app_step(
        &self,
        input: AppRegistrationInput,
        ctx: &StepContext,
    ) -> Result<AppStep, Error> {
        let pbx = self.pbx_session()?;
        let microsoft = self.microsoft_context(StepId::AppRegistration)?;
        // Step 6 may change the scope; it recomputes them then.
        let permissions = plan::needed_permissions(
            pbx,
            &input.features,
            &input.optional_grants,
            crate::features::group_scoped(self.profile.sync.as_ref()),
        );
        let display_name = input
            .display_name
            .as_deref()
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map_or_else(|| plan::default_display_name(pbx), str::to_owned);
        let state = match microsoft.graph(&self.env, ctx, StepId::AppRegistration) {
            Some(graph) => {
                ctx.report(
                    StepId::AppRegistration,
                    ProgressText::LookingForAppRegistration,
                );
                let progress = ctx.entra_progress(StepId::AppRegistration);
                let retry = self.env.retry.microsoft();
                let state = ctx
                    .cancellable(
                        StepId::AppRegistration,
                        plan::read_app_state(
                            &graph,
                            self.profile.app.as_ref(),
                            self.unfinished_apply().then_some((&retry, &progress)),
                            pbx,
                            &microsoft.summary().tenant_id,
                            &permissions,
                        ),
                    )
                    .await?;
                check_can_grant(microsoft, &state)?;
                Some(state)
            }
            None => None,
        };
        let guided = match microsoft {
            MicrosoftContext::Guided { cloud, summary } => Some((
                cloud,
                summary.app_id.clone().unwrap_or_default(),
                summary.tenant_id.clone(),
            )),
            MicrosoftContext::Auto { .. } => None,
        };
        let summary = plan::app_summary(
            state.as_ref(),
            pbx,
            &display_name,
            &permissions,
            guided
                .as_ref()
                .map(|(c, a, t)| (*c, a.as_str(), t.as_str())),
        );
        Ok(AppStep {
            features: input.features,
            optional_grants: input.optional_grants,
            permissions,
            display_name,
            state,
            summary,
        })
    }

    /// Step 4: decide whether the PBX's certificate is kept or a key pair is generated.
    pub async fn plan_key_pair(
        &mut self,
        input: KeyPairInput,
        ctx: &StepContext,
    ) -> Result<KeyPairSummary, Error> {
        self.begin(StepId::KeyPair)?;
        self.check_key_pair_input(&input)?;
        let certificate = ctx
            .cancellable(StepId::KeyPair, self.read_pbx_certificate())
            .await?;
        let step = self.key_step(input, certificate.as_ref(), self.app_step(StepId::KeyPair)?)?;
        let summary = step.summary.clone();
        self.key = Some(step);
        Ok(summary)
    }

    fn check_key_pair_input(&self, input: &KeyPairInput) -> Result<(), Error> {
        let mode = self.microsoft_context(StepId::KeyPair)?.mode();
        if let (Mode::Guided, Some(path)) = (mode, &input.certificate_path) {
            plan::check_certificate_path(path)?;
        }
        Ok(())
    }

    async fn read_pbx_certificate(
        &self,
    ) -> Result<Option<crate::pbx_certificate::PbxCertificate>, Error> {
        crate::pbx_certificate::read_certificate::<Error>(&self.pbx_session()?.client).await
    }

    /// Step 4's decision from the PBX's certificate and the keys step 3 found on the app.
    fn key_step(
        &self,
        input: KeyPairInput,
        certificate: Option<&crate::pbx_certificate::PbxCertificate>,
        app: &AppStep,
    ) -> Result<KeyStep, Error> {
        let mode = self.microsoft_context(StepId::KeyPair)?.mode();
        let keys = app.state.as_ref().map(|s| s.keys.as_slice());
        let summary = plan::key_summary(certificate, keys, OffsetDateTime::now_utc());
        let certificate_path = match mode {
            Mode::Guided => Some(match input.certificate_path {
                Some(path) => path,
                None => self
                    .env
                    .profiles
                    .default_certificate_path(&self.profile.name)?,
            }),
            Mode::Auto => None,
        };
        Ok(KeyStep {
            certificate_path,
            summary,
        })
    }

    /// Step 5: which permissions apply will grant; in guided mode, the admin-consent link.
    pub async fn plan_consent(&mut self, _ctx: &StepContext) -> Result<ConsentSummary, Error> {
        self.begin(StepId::Consent)?;
        let summary = self.consent_step()?;
        self.consent = Some(summary.clone());
        Ok(summary)
    }

    /// Step 5's list, from what step 3 found.
    fn consent_step(&self) -> Result<ConsentSummary, Error> {
        let app = self.app_step(StepId::Consent)?;
        let mut summary = plan::consent_summary(app.state.as_ref(), &app.permissions);
        if let MicrosoftContext::Guided { cloud, summary: ms } =
            self.microsoft_context(StepId::Consent)?
        {
            let app_id = ms.app_id.clone().unwrap_or_default();
            let url = self.admin_consent_url(cloud, &ms.tenant_id, &app_id)?;
            summary.hand_steps = vec![guided::consent_step(cloud, &app_id, &url)];
            summary.admin_consent_url = Some(url);
        }
        Ok(summary)
    }

    fn admin_consent_url(
        &self,
        cloud: &crate::profile::CloudChoice,
        tenant_id: &str,
        app_id: &str,
    ) -> Result<String, Error> {
        let redirect = self
            .pbx_session()?
            .summary
            .redirect_uris
            .first()
            .cloned()
            .unwrap_or_default();
        let state = uuid::Uuid::new_v4().simple().to_string();
        Ok(entra::admin_consent_url(
            &sessions::entra_cloud(cloud)?,
            tenant_id,
            app_id,
            &redirect,
            &state,
        )?
        .to_string())
    }

    /// Guided mode: opens the admin-consent page in the browser.
    pub fn open_admin_consent(&self) -> Result<(), Error> {
        let url = self
            .consent
            .as_ref()
            .and_then(|c| c.admin_consent_url.clone())
            .ok_or(Error::OutOfOrder {
                step: StepId::Consent,
                needed: StepId::Consent,
            })?;
        let url = url::Url::parse(&url).map_err(|e| {
            Error::Input(crate::input::FieldError::new(
                "admin_consent_url",
                e.to_string(),
            ))
        })?;
        self.env.browser.open(&url)?;
        Ok(())
    }

    /// Step 6: check the sync options (schedule, starting extension free, user lists).
    pub async fn set_sync_options(
        &mut self,
        options: SyncOptions,
        ctx: &StepContext,
    ) -> Result<SyncOptionsSummary, Error> {
        self.begin(StepId::SyncOptions)?;
        let features = self.app_step(StepId::SyncOptions)?.features.clone();
        let summary = self.check_sync_options(options, &features, ctx).await?;
        self.record_sync_options(summary.clone());
        Ok(summary)
    }

    /// Step 6's reading, without recording it.
    async fn check_sync_options(
        &self,
        options: SyncOptions,
        features: &BTreeSet<Feature>,
        ctx: &StepContext,
    ) -> Result<SyncOptionsSummary, Error> {
        sync_options::check_groups_mode(
            self.microsoft_context(StepId::SyncOptions)?.mode(),
            &options,
        )?;
        let options = sync_options::resolve_groups(
            self.microsoft_context(StepId::SyncOptions)?
                .graph(&self.env, ctx, StepId::SyncOptions),
            &self.profile.name,
            options,
        )
        .await?;
        let pbx = self.pbx_session()?;
        let traits = pbx.summary.edition.traits();
        ctx.cancellable(
            StepId::SyncOptions,
            sync_options::check(
                &pbx.client,
                features,
                options,
                (&traits, self.profile.sync.as_ref()),
                pbx.summary.timezone.clone(),
                ctx,
            ),
        )
        .await
    }

    /// Keeps step 6's result. A scope of groups may need a permission of its own on the PBX's app.
    fn record_sync_options(&mut self, summary: SyncOptionsSummary) {
        let group_scoped = crate::features::group_scoped(Some(&summary.options));
        if let (Some(pbx), Some(app)) = (self.pbx.as_ref(), self.app.as_mut()) {
            app.permissions =
                plan::needed_permissions(pbx, &app.features, &app.optional_grants, group_scoped);
        }
        self.sync = Some(summary);
    }

    /// Step 7: everything apply would change, from fresh reads. Writes nothing.
    pub async fn review(&mut self, ctx: &StepContext) -> Result<Review, Error> {
        self.begin(StepId::Review)?;
        let step = ctx
            .cancellable(StepId::Review, self.compute_review(ctx))
            .await?;
        let review = step.review.clone();
        self.review = Some(step);
        Ok(review)
    }

    /// Step 8: make the changes the review showed, journaling each in the profile.
    pub async fn apply(&mut self, ctx: &StepContext) -> Result<ApplyOutcome, Error> {
        self.begin(StepId::Apply)?;
        let (Some(pbx), Some(microsoft), Some(app), Some(sync), Some(review)) = (
            self.pbx.as_ref(),
            self.microsoft.as_ref(),
            self.app.as_ref(),
            self.sync.as_ref(),
            self.review.as_ref(),
        ) else {
            return Err(Error::OutOfOrder {
                step: StepId::Apply,
                needed: StepId::Review,
            });
        };
        // The profile as the admin set it up; it is written only once the preflight passes.
        let summary = microsoft.summary();
        self.profile.pbx = pbx.settings.clone();
        self.profile.microsoft.mode = summary.mode;
        self.profile.microsoft.cloud = microsoft.cloud().clone();
        self.profile.microsoft.tenant_id = Some(summary.tenant_id.clone());
        self.profile.microsoft.tenant_name = summary.tenant_name.clone();
        self.profile.microsoft.tenant_domain = summary.verified_domains.first().cloned();
        self.profile.microsoft.account = summary.account.clone();
        if let MicrosoftContext::Auto { client_id, .. } = microsoft {
            self.profile.microsoft.client_id = client_id.clone();
        }
        if let (Mode::Guided, Some(app_id)) = (summary.mode, &summary.app_id)
            && self.profile.app.as_ref().map(|a| &a.app_id) != Some(app_id)
        {
            self.profile.app = Some(AppIdentity {
                app_id: app_id.clone(),
                object_id: None,
                service_principal_id: None,
                display_name: None,
            });
        }
        self.profile.features = app.features.clone();
        self.profile.optional_grants = app.optional_grants.clone();
        self.profile.sync = Some(sync.options.clone());
        let outcome = apply::Apply {
            env: &self.env,
            profile: &mut self.profile,
            pbx,
            microsoft,
            plan: &review.plan,
            ctx,
            hand_steps: review.review.hand_steps.clone(),
        }
        .run()
        .await;
        if self.profile.apply.is_some() {
            self.profile_exists = true;
        }
        let outcome = outcome?;
        self.applied = Some(outcome.clone());
        Ok(outcome)
    }

    /// Step 9: wait until the PBX lists Microsoft 365 users, then run every doctor check and
    /// record the result in the profile.
    pub async fn verify(&mut self, ctx: &StepContext) -> Result<DoctorReport, Error> {
        self.begin(StepId::Verify)?;
        let pbx = self.pbx_session()?;
        let microsoft = self.microsoft_context(StepId::Verify)?;
        let report = ctx
            .cancellable(StepId::Verify, async {
                verify::wait_for_listing(&self.env, &pbx.client, microsoft.mode(), ctx).await?;
                let graph = match microsoft.graph(&self.env, ctx, StepId::Verify) {
                    Some(graph) => GraphAccess::Client(Box::new(graph)),
                    None => GraphAccess::Guided,
                };
                Ok::<_, Error>(
                    doctor::run_with(&self.env.retry, &self.profile, &pbx.client, graph, ctx).await,
                )
            })
            .await?;
        sessions::save_pbx_refresh_token(
            self.env.secrets.as_ref(),
            &self.profile.name,
            &pbx.client,
        )
        .await?;
        self.profile.last_verification = Some(report.summary());
        self.env.profiles.save(&self.profile)?;
        doctor::keep_for_diagnostics(&self.env, &report);
        self.verified = Some(report.clone());
        Ok(report)
    }
}

/// Automatic mode cannot go on when permissions must be granted and the admin may not.
fn check_can_grant(microsoft: &MicrosoftContext, state: &AppState) -> Result<(), Error> {
    let summary = microsoft.summary();
    let missing: Vec<String> = state
        .missing_grants()
        .iter()
        .map(|p| p.name.clone())
        .collect();
    if summary.can_grant_permissions == Some(false) && !missing.is_empty() {
        return Err(Error::CannotGrant {
            account: summary
                .account
                .clone()
                .unwrap_or_else(|| "The signed-in account".to_owned()),
            permissions: missing,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::ProfileStore;
    use crate::secrets::MemorySecretStore;

    fn assert_send<T: Send>(_: &T) {}

    /// The desktop shell runs steps as async commands, which must be `Send`.
    #[test]
    fn the_wizard_and_its_step_futures_can_move_between_threads() -> Result<(), Error> {
        let dir = std::env::temp_dir().join("pbx365-never-written");
        let env = Arc::new(Environment::new(
            ProfileStore::at(&dir),
            Arc::new(MemorySecretStore::default()),
        ));
        let mut wizard = Wizard::open(env, "send-check")?;
        let ctx = StepContext::silent();
        assert_send(&wizard.connect_pbx(
            PbxLogin {
                url: String::new(),
                username: String::new(),
                password: None,
                domain: None,
                ca_pem: None,
                pin_sha256: None,
                remember_password: false,
            },
            &ctx,
        ));
        assert_send(&wizard.sign_in_microsoft(MicrosoftSignIn::default(), &ctx));
        assert_send(&wizard.use_guided_ids(GuidedIds::default(), &ctx));
        assert_send(&wizard.plan_app_registration(AppRegistrationInput::default(), &ctx));
        assert_send(&wizard.plan_key_pair(KeyPairInput::default(), &ctx));
        assert_send(&wizard.plan_consent(&ctx));
        assert_send(&wizard.set_sync_options(SyncOptions::default(), &ctx));
        assert_send(&wizard.run_checks(ChecksInput::default(), &ctx));
        assert_send(&wizard.review(&ctx));
        assert_send(&wizard.apply(&ctx));
        assert_send(&wizard.verify(&ctx));
        assert_send(&wizard);
        assert!(!dir.exists(), "opening a wizard wrote to disk");
        Ok(())
    }

    #[tokio::test]
    async fn steps_refuse_to_run_out_of_order() -> Result<(), Error> {
        let dir = std::env::temp_dir().join("pbx365-never-written-2");
        let env = Arc::new(Environment::new(
            ProfileStore::at(&dir),
            Arc::new(MemorySecretStore::default()),
        ));
        let mut wizard = Wizard::open(env, "order")?;
        let ctx = StepContext::silent();
        let refused = wizard.review(&ctx).await;
        assert!(
            matches!(
                refused,
                Err(Error::OutOfOrder {
                    step: StepId::Review,
                    needed: StepId::SyncOptions
                })
            ),
            "{refused:?}"
        );
        let state = wizard.state();
        assert!(state.completed.is_empty());
        assert_eq!(state.next, Some(StepId::ConnectPbx));
        Ok(())
    }
}
