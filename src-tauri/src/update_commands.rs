//! Signed updates. The engine decides whether and where to look (`pbx365::updates`); Tauri's
//! updater plugin reads the manifest, downloads the package and verifies its minisign signature
//! against the release public key in `tauri.conf.json`. A package is installed only after it
//! verified, and only when the user confirmed in the window.

use std::error::Error as _;
use std::time::Duration;

use pbx365::updates::{
    UpdateDecision, UpdateFailure, UpdateInputs, UpdateInstalled, UpdateStatus, decide,
    default_policy_file, default_settings_file,
};
use tauri::{AppHandle, State};
use tauri_plugin_updater::{Error as PluginError, Update, Updater, UpdaterBuilder, UpdaterExt};
use tokio::sync::Mutex;
use url::Url;

/// Long enough for a package over a slow line; a dead server is noticed by its refused or
/// timed-out connection well before.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(300);

/// The decision taken at start and the update the last check found.
pub struct UpdateHost {
    decision: UpdateDecision,
    pending: Mutex<Option<Update>>,
}

impl std::fmt::Debug for UpdateHost {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UpdateHost")
            .field("decision", &self.decision)
            .finish_non_exhaustive()
    }
}

impl UpdateHost {
    /// Reads the policy file, the environment and the settings file once.
    pub fn read(config: &tauri::Config, demo: bool) -> Self {
        let inputs = UpdateInputs::read(
            demo,
            &default_policy_file(),
            default_settings_file().as_deref(),
            built_in_endpoint(config),
        );
        let decision = decide(&inputs);
        match &decision {
            UpdateDecision::Check { endpoint } => {
                tracing::info!(%endpoint, "update checks are on");
            }
            UpdateDecision::Off(reason) => tracing::info!("update checks are off: {reason}"),
        }
        Self {
            decision,
            pending: Mutex::new(None),
        }
    }
}

/// The first endpoint of `plugins.updater.endpoints` in `tauri.conf.json`.
fn built_in_endpoint(config: &tauri::Config) -> Option<Url> {
    let endpoints = config.plugins.0.get("updater")?.get("endpoints")?;
    Url::parse(endpoints.get(0)?.as_str()?).ok()
}

#[tauri::command]
pub async fn update_check(
    app: AppHandle,
    host: State<'_, UpdateHost>,
) -> Result<UpdateStatus, UpdateFailure> {
    let endpoint = match &host.decision {
        UpdateDecision::Off(reason) => {
            return Ok(UpdateStatus::Off {
                reason: reason.clone(),
            });
        }
        UpdateDecision::Check { endpoint } => endpoint,
    };
    let current = app.package_info().version.to_string();
    let checked = match updater(app.updater_builder(), endpoint) {
        Ok(updater) => check(&updater, endpoint, &current).await,
        Err(failure) => Err(failure),
    };
    let (status, update) = checked.inspect_err(|failure| tracing::warn!("{failure}"))?;
    *host.pending.lock().await = update;
    tracing::info!("{status}");
    Ok(status)
}

/// Downloads the update the last check found, verifies it and installs it. The window asks
/// first.
#[tauri::command]
pub async fn update_install(host: State<'_, UpdateHost>) -> Result<UpdateInstalled, UpdateFailure> {
    let mut pending = host.pending.lock().await;
    let update = pending.as_ref().ok_or(UpdateFailure::NothingToInstall)?;
    let installed = download_and_install(update, |update, bytes| {
        update
            .install(bytes)
            .map_err(|error| UpdateFailure::InstallFailed {
                detail: with_causes(&error),
            })
    })
    .await;
    match &installed {
        Ok(done) => {
            tracing::info!(version = %done.version, "update installed");
            *pending = None;
        }
        Err(failure) => tracing::warn!("update not installed: {failure}"),
    }
    installed
}

/// The plugin's updater for `endpoint`.
pub fn updater(builder: UpdaterBuilder, endpoint: &Url) -> Result<Updater, UpdateFailure> {
    builder
        .endpoints(vec![endpoint.clone()])
        .and_then(|builder| builder.timeout(REQUEST_TIMEOUT).build())
        .map_err(|error| check_failure(endpoint, error))
}

/// Reads the manifest: an update newer than `current`, or up to date.
pub async fn check(
    updater: &Updater,
    endpoint: &Url,
    current: &str,
) -> Result<(UpdateStatus, Option<Update>), UpdateFailure> {
    let found = updater
        .check()
        .await
        .map_err(|error| check_failure(endpoint, error))?;
    Ok(match found {
        None => (
            UpdateStatus::UpToDate {
                current: current.to_owned(),
            },
            None,
        ),
        Some(update) => (
            UpdateStatus::Available {
                current: current.to_owned(),
                version: update.version.clone(),
                notes: update.body.clone(),
                date: update.date.and_then(|date| {
                    date.format(&time::format_description::well_known::Rfc3339)
                        .ok()
                }),
            },
            Some(update),
        ),
    })
}

/// Downloads the package and hands it to `install` only when its signature verified (the
/// plugin's `download` verifies before it returns the bytes).
pub async fn download_and_install(
    update: &Update,
    install: impl FnOnce(&Update, &[u8]) -> Result<(), UpdateFailure>,
) -> Result<UpdateInstalled, UpdateFailure> {
    let bytes = update
        .download(|_, _| {}, || {})
        .await
        .map_err(download_failure)?;
    install(update, &bytes)?;
    Ok(UpdateInstalled {
        version: update.version.clone(),
    })
}

fn check_failure(endpoint: &Url, error: PluginError) -> UpdateFailure {
    let endpoint = endpoint.to_string();
    let detail = with_causes(&error);
    match error {
        PluginError::Reqwest(ref request) if !request.is_decode() => {
            UpdateFailure::Unreachable { endpoint, detail }
        }
        PluginError::TargetsNotFound(targets) => UpdateFailure::NoPackage { targets },
        PluginError::TargetNotFound(target) => UpdateFailure::NoPackage {
            targets: vec![target],
        },
        _ => UpdateFailure::BadManifest { endpoint, detail },
    }
}

fn download_failure(error: PluginError) -> UpdateFailure {
    let detail = with_causes(&error);
    match error {
        PluginError::Minisign(_)
        | PluginError::Base64(_)
        | PluginError::SignatureUtf8(_)
        | PluginError::SignedVersionMismatch { .. }
        | PluginError::MissingSignedVersion => UpdateFailure::SignatureInvalid { detail },
        _ => UpdateFailure::DownloadFailed { detail },
    }
}

/// The error and its sources, which for a refused connection say why.
fn with_causes(error: &PluginError) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let said = cause.to_string();
        if !text.contains(&said) {
            text.push_str(": ");
            text.push_str(&said);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests;
