//! The Sync page's commands: thin wrappers over `pbx365::sync`. The history database lives
//! next to the profiles.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use pbx365::progress::CancellationToken;
use pbx365::sync::{
    Connection, DATABASE_FILE, DriftReport, Plan, ProgressSink, RunDetail, RunOptions, RunReport,
    RunSummary, SyncEngine, SyncEvent, SyncStore,
};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, State};

use crate::notifications::{self, Message};
use crate::tray;
use crate::wizard_commands::WizardHost;

/// The running sync of each profile, so Cancel can reach it.
#[derive(Default)]
pub struct SyncRuns {
    running: Mutex<HashMap<String, CancellationToken>>,
}

impl SyncRuns {
    fn start(&self, profile: &str) -> Result<CancellationToken, String> {
        let mut running = self.running.lock().map_err(|_| poisoned())?;
        if running.contains_key(profile) {
            return Err(format!(
                "A sync of {profile} is already running. Wait for it to finish or cancel it."
            ));
        }
        let token = CancellationToken::new();
        running.insert(profile.to_owned(), token.clone());
        Ok(token)
    }

    pub fn is_running(&self, profile: &str) -> bool {
        self.running
            .lock()
            .is_ok_and(|running| running.contains_key(profile))
    }

    fn finish(&self, profile: &str) {
        if let Ok(mut running) = self.running.lock() {
            running.remove(profile);
        }
    }
}

fn poisoned() -> String {
    "pbx365 hit an internal error while tracking sync runs; restart the app.".to_owned()
}

pub fn store(host: &WizardHost) -> Result<Arc<SyncStore>, String> {
    SyncStore::open(host.env.profiles.base().join(DATABASE_FILE))
        .map(Arc::new)
        .map_err(|error| error.to_string())
}

/// The profile's PBX and its own source of Microsoft 365 users; a source that cannot be read
/// is the error (with what to do), never replaced by another.
async fn connect(host: &WizardHost, profile: &str) -> Result<Connection, String> {
    let profile = host
        .env
        .profiles
        .require(profile)
        .map_err(|error| error.to_string())?;
    pbx365::sync::connect(&host.env, &profile)
        .await
        .map_err(|error| error.to_string())
}

/// A run's options: the profile's PBX concurrency; unclassified users are created only when
/// the admin chose it for this run.
fn options(
    host: &WizardHost,
    profile: &str,
    create_unclassified: bool,
) -> Result<RunOptions, String> {
    let profile = host
        .env
        .profiles
        .require(profile)
        .map_err(|error| error.to_string())?;
    let options = RunOptions::for_profile(&profile).map_err(|error| error.to_string())?;
    Ok(RunOptions {
        create_unclassified,
        ..options
    })
}

/// The dry run: exactly what `sync_now` would do, changing nothing.
#[tauri::command]
pub async fn sync_preview(
    host: State<'_, WizardHost>,
    profile: String,
    create_unclassified: bool,
) -> Result<Plan, String> {
    let options = options(&host, &profile, create_unclassified)?;
    let connection = connect(&host, &profile).await?;
    SyncEngine::new(store(&host)?, &profile)
        .with_options(options)
        .preview(&connection.pbx, connection.source.as_ref())
        .await
        .map_err(|error| error.to_string())
}

/// A real run, streaming its progress to `events`; a desktop notification says when users failed.
#[tauri::command]
pub async fn sync_now(
    app: AppHandle,
    profile: String,
    create_unclassified: bool,
    events: Channel<SyncEvent>,
) -> Result<RunSummary, String> {
    let progress: ProgressSink = Arc::new(move |event: &SyncEvent| {
        if let Err(error) = events.send(event.clone()) {
            tracing::warn!(%error, "a sync progress event could not reach the window");
        }
    });
    let options = options(&app.state::<WizardHost>(), &profile, create_unclassified)?;
    run_tracked(&app, &profile, options, progress).await
}

/// A run of `profile` from the window: one at a time, cancellable from the Sync page, shown in
/// the tray while it runs, and notified when users failed.
async fn run_tracked(
    app: &AppHandle,
    profile: &str,
    options: RunOptions,
    progress: ProgressSink,
) -> Result<RunSummary, String> {
    let host = app.state::<WizardHost>();
    let runs = app.state::<SyncRuns>();
    let cancel = runs.start(profile)?;
    tray::refresh(app);
    let result = run(&host, profile, options, progress, cancel).await;
    runs.finish(profile);
    tray::refresh(app);
    let report = result?;
    let held_back = report.held_back();
    let summary = report.summary;
    if held_back > 0 {
        notifications::notify(
            app,
            Message {
                title: format!(
                    "Sync of {}: {held_back} new users held back",
                    summary.profile
                ),
                body: "The PBX's view of Microsoft 365 cannot tell whether they are guests or \
                       disabled accounts, so they were not created. Open Sync to review them."
                    .to_owned(),
                route: notifications::sync_route(&summary.profile),
                place: "Sync".to_owned(),
                action_label: "Review them".to_owned(),
                urgent: false,
            },
        );
    }
    if summary.outcome.failed > 0 {
        notifications::notify(
            app,
            Message {
                title: format!(
                    "Sync of {}: {} users failed",
                    summary.profile, summary.outcome.failed
                ),
                body: "The run's history has each user's error.".to_owned(),
                route: notifications::sync_route(&summary.profile),
                place: "Sync > History".to_owned(),
                action_label: "Show the run".to_owned(),
                urgent: false,
            },
        );
    }
    Ok(summary)
}

async fn run(
    host: &WizardHost,
    profile: &str,
    options: RunOptions,
    progress: ProgressSink,
    cancel: CancellationToken,
) -> Result<RunReport, String> {
    let connection = connect(host, profile).await?;
    let store = store(host)?;
    let profile = profile.to_owned();
    // `SyncEngine::run`'s future is not `Send` (its concurrent apply stream trips a compiler
    // limit on higher-ranked closures), so it cannot be awaited in a command: it runs on a
    // blocking thread of the async runtime instead.
    let report = tauri::async_runtime::spawn_blocking(move || {
        let engine = SyncEngine::new(store, &profile)
            .with_options(options)
            .with_cancellation(cancel)
            .with_progress(progress);
        tauri::async_runtime::block_on(engine.run(&connection.pbx, connection.source.as_ref()))
    })
    .await
    .map_err(|error| {
        format!(
            "The sync stopped unexpectedly ({error}). Run it again: it picks up where it stopped."
        )
    })?;
    report.map_err(|error| error.to_string())
}

/// Asks the running sync of `profile` to stop after the requests in flight.
#[tauri::command]
pub fn sync_cancel(runs: State<'_, SyncRuns>, profile: String) -> Result<(), String> {
    let running = runs.running.lock().map_err(|_| poisoned())?;
    if let Some(token) = running.get(&profile) {
        token.cancel();
    }
    Ok(())
}

#[tauri::command(async)]
pub fn sync_history(
    host: State<'_, WizardHost>,
    profile: String,
    limit: u32,
) -> Result<Vec<RunSummary>, String> {
    store(&host)?
        .history(&profile, limit)
        .map_err(|error| error.to_string())
}

#[tauri::command(async)]
pub fn sync_run(host: State<'_, WizardHost>, run_id: i64) -> Result<RunDetail, String> {
    store(&host)?.run(run_id).map_err(|error| error.to_string())
}

/// The run as CSV text (the window offers it as a file).
#[tauri::command(async)]
pub fn sync_export_csv(host: State<'_, WizardHost>, run_id: i64) -> Result<String, String> {
    let mut csv = Vec::new();
    store(&host)?
        .export_csv(run_id, &mut csv)
        .map_err(|error| error.to_string())?;
    String::from_utf8(csv).map_err(|error| format!("The CSV export is not valid text: {error}"))
}

/// Who is out of line between Microsoft 365 and the PBX, changing nothing.
#[tauri::command]
pub async fn sync_drift(
    host: State<'_, WizardHost>,
    profile: String,
) -> Result<DriftReport, String> {
    let connection = connect(&host, &profile).await?;
    SyncEngine::new(store(&host)?, &profile)
        .drift(&connection.pbx, connection.source.as_ref())
        .await
        .map_err(|error| error.to_string())
}
