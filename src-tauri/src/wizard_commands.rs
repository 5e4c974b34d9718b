//! The wizard's steps as Tauri commands, one per engine method. Each step's progress reaches
//! the UI as [`PROGRESS_EVENT`] events; [`cancel_step`] cancels the step that is running.
//! Failures reach the UI as the engine's [`ErrorReport`] (sentence, fix, field).

use std::sync::{Arc, Mutex as SyncMutex};

use pbx365::doctor::DoctorReport;
use pbx365::profile::SyncOptions;
use pbx365::progress::{CancellationToken, ProgressEvent, StepContext, StepId};
use pbx365::wizard::{
    AppRegistrationInput, AppRegistrationSummary, ApplyOutcome, ChecksInput, ConsentSummary,
    GuidedIds, KeyPairInput, KeyPairSummary, MicrosoftSignIn, MicrosoftSummary, PbxLogin,
    PbxSummary, Review, SyncOptionsSummary, Wizard, WizardState,
};
use pbx365::{Environment, Error, ErrorReport};
use tauri::{AppHandle, Emitter, State};
use tokio::sync::{Mutex, MutexGuard};

/// The event every progress report is emitted as; its payload is a `ProgressEvent`.
pub const PROGRESS_EVENT: &str = "wizard-progress";

/// The engine's environment and the wizard the window is driving.
pub struct WizardHost {
    pub env: Arc<Environment>,
    wizard: Mutex<Option<Wizard>>,
    running: SyncMutex<Option<CancellationToken>>,
}

impl WizardHost {
    pub fn new(env: Arc<Environment>) -> Self {
        Self {
            env,
            wizard: Mutex::new(None),
            running: SyncMutex::new(None),
        }
    }

    /// The context for one step: progress goes to the window, and [`cancel_step`] reaches it
    /// until the returned guard is dropped.
    pub fn step_context(&self, app: &AppHandle) -> (StepContext, RunningStep<'_>) {
        let cancel = CancellationToken::new();
        if let Ok(mut running) = self.running.lock() {
            *running = Some(cancel.clone());
        }
        let app = app.clone();
        let sink = Arc::new(move |event: &ProgressEvent| {
            if let Err(error) = app.emit(PROGRESS_EVENT, event) {
                tracing::warn!(%error, "a progress report did not reach the window");
            }
        });
        (StepContext::new(sink, cancel), RunningStep(self))
    }

    fn cancel(&self) -> bool {
        let token = self.running.lock().ok().and_then(|running| running.clone());
        token.map(|token| token.cancel()).is_some()
    }

    /// The open wizard's Microsoft Graph client (automatic mode), for the directory pickers;
    /// the wizard is not held while the directory is searched.
    pub async fn directory_graph(&self) -> Result<entra::GraphClient, ErrorReport> {
        let mut guard = self.wizard().await?;
        guard
            .get()?
            .directory_graph(&StepContext::silent())
            .map_err(|e| e.report())
    }

    async fn wizard(&self) -> Result<WizardGuard<'_>, ErrorReport> {
        let guard = self.wizard.lock().await;
        if guard.is_none() {
            return Err(no_wizard());
        }
        Ok(WizardGuard(guard))
    }
}

/// Forgets the running step's cancellation token when the step ends.
pub struct RunningStep<'a>(&'a WizardHost);

impl Drop for RunningStep<'_> {
    fn drop(&mut self) {
        if let Ok(mut running) = self.0.running.lock() {
            *running = None;
        }
    }
}

struct WizardGuard<'a>(MutexGuard<'a, Option<Wizard>>);

impl WizardGuard<'_> {
    fn get(&mut self) -> Result<&mut Wizard, ErrorReport> {
        self.0.as_mut().ok_or_else(no_wizard)
    }
}

fn no_wizard() -> ErrorReport {
    ErrorReport {
        code: "no-wizard".to_owned(),
        message: "No setup is open. Choose or create a profile first.".to_owned(),
        params: Default::default(),
        field: None,
        apply_step: None,
        cause: None,
    }
}

pub fn report(error: impl Into<Error>) -> ErrorReport {
    error.into().report()
}

/// Opens the setup of profile `name` (a saved profile is a re-run) and returns where it stands.
#[tauri::command]
pub async fn wizard_open(
    host: State<'_, WizardHost>,
    name: String,
) -> Result<WizardState, ErrorReport> {
    let wizard = Wizard::open(Arc::clone(&host.env), &name).map_err(report)?;
    let state = wizard.state();
    *host.wizard.lock().await = Some(wizard);
    Ok(state)
}

#[tauri::command]
pub async fn wizard_state(host: State<'_, WizardHost>) -> Result<WizardState, ErrorReport> {
    Ok(host.wizard().await?.get()?.state())
}

/// Cancels the step that is running; `false` when none is.
#[tauri::command]
pub fn cancel_step(host: State<'_, WizardHost>) -> bool {
    host.cancel()
}

/// Runs one step with progress and cancellation; `$call` is the engine method and its input.
macro_rules! step {
    ($host:expr, $app:expr, |$wizard:ident, $ctx:ident| $call:expr) => {{
        let (ctx, _running) = $host.step_context(&$app);
        let $ctx = &ctx;
        let mut guard = $host.wizard().await?;
        let $wizard = guard.get()?;
        $call.await.map_err(report)
    }};
}

/// Brings the open setup of a saved profile back to step `until`: the saved sign-ins are
/// resumed and every step before it runs with what the profile holds.
#[tauri::command]
pub async fn wizard_resume(
    app: AppHandle,
    host: State<'_, WizardHost>,
    until: StepId,
) -> Result<WizardState, ErrorReport> {
    step!(host, app, |wizard, ctx| wizard.resume(until, ctx))
}

#[tauri::command]
pub async fn connect_pbx(
    app: AppHandle,
    host: State<'_, WizardHost>,
    login: PbxLogin,
) -> Result<PbxSummary, ErrorReport> {
    step!(host, app, |wizard, ctx| wizard.connect_pbx(login, ctx))
}

#[tauri::command]
pub async fn sign_in_microsoft(
    app: AppHandle,
    host: State<'_, WizardHost>,
    input: MicrosoftSignIn,
) -> Result<MicrosoftSummary, ErrorReport> {
    step!(host, app, |wizard, ctx| wizard
        .sign_in_microsoft(input, ctx))
}

#[tauri::command]
pub async fn use_guided_ids(
    app: AppHandle,
    host: State<'_, WizardHost>,
    input: GuidedIds,
) -> Result<MicrosoftSummary, ErrorReport> {
    step!(host, app, |wizard, ctx| wizard.use_guided_ids(input, ctx))
}

#[tauri::command]
pub async fn plan_app_registration(
    app: AppHandle,
    host: State<'_, WizardHost>,
    input: AppRegistrationInput,
) -> Result<AppRegistrationSummary, ErrorReport> {
    step!(host, app, |wizard, ctx| wizard
        .plan_app_registration(input, ctx))
}

#[tauri::command]
pub async fn plan_key_pair(
    app: AppHandle,
    host: State<'_, WizardHost>,
    input: KeyPairInput,
) -> Result<KeyPairSummary, ErrorReport> {
    step!(host, app, |wizard, ctx| wizard.plan_key_pair(input, ctx))
}

#[tauri::command]
pub async fn plan_consent(
    app: AppHandle,
    host: State<'_, WizardHost>,
) -> Result<ConsentSummary, ErrorReport> {
    step!(host, app, |wizard, ctx| wizard.plan_consent(ctx))
}

/// Guided mode: opens the admin-consent page in the browser.
#[tauri::command]
pub async fn open_admin_consent(host: State<'_, WizardHost>) -> Result<(), ErrorReport> {
    host.wizard()
        .await?
        .get()?
        .open_admin_consent()
        .map_err(report)
}

#[tauri::command]
pub async fn set_sync_options(
    app: AppHandle,
    host: State<'_, WizardHost>,
    options: SyncOptions,
) -> Result<SyncOptionsSummary, ErrorReport> {
    step!(host, app, |wizard, ctx| wizard
        .set_sync_options(options, ctx))
}

/// Steps 3–6 at once, their reads concurrent: the express setup's checklist.
#[tauri::command]
pub async fn run_checks(
    app: AppHandle,
    host: State<'_, WizardHost>,
    input: ChecksInput,
) -> Result<WizardState, ErrorReport> {
    step!(host, app, |wizard, ctx| wizard.run_checks(input, ctx))
}

#[tauri::command]
pub async fn review(app: AppHandle, host: State<'_, WizardHost>) -> Result<Review, ErrorReport> {
    step!(host, app, |wizard, ctx| wizard.review(ctx))
}

#[tauri::command]
pub async fn apply(
    app: AppHandle,
    host: State<'_, WizardHost>,
) -> Result<ApplyOutcome, ErrorReport> {
    let outcome = step!(host, app, |wizard, ctx| wizard.apply(ctx))?;
    // The saved profile now has a "Sync now" in the tray.
    crate::tray::refresh(&app);
    Ok(outcome)
}

#[tauri::command]
pub async fn verify(
    app: AppHandle,
    host: State<'_, WizardHost>,
) -> Result<DoctorReport, ErrorReport> {
    step!(host, app, |wizard, ctx| wizard.verify(ctx))
}
