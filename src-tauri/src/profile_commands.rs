//! Saved profiles (one per PBX tenant) and the doctor that checks one.

use pbx365::ErrorReport;
use pbx365::doctor::{self, DoctorReport};
use pbx365::profile::Profile;
use pbx365::profile_summary::{self, ProfileSummary};
use tauri::{AppHandle, State};

use crate::tray;
use crate::wizard_commands::{WizardHost, report};

#[tauri::command(async)]
pub fn profiles_list(host: State<'_, WizardHost>) -> Result<Vec<Profile>, ErrorReport> {
    host.env.profiles.list().map_err(report)
}

/// What the screens that act on a profile show of it: its PBX and its Microsoft tenant.
#[tauri::command(async)]
pub fn profile_summaries(host: State<'_, WizardHost>) -> Result<Vec<ProfileSummary>, ErrorReport> {
    profile_summary::profile_summaries(&host.env.profiles).map_err(report)
}

/// Deletes the profile and its secrets in the keyring; `false` when there was none.
#[tauri::command(async)]
pub fn profile_delete(
    app: AppHandle,
    host: State<'_, WizardHost>,
    name: String,
) -> Result<bool, ErrorReport> {
    let deleted = host.env.forget_profile(&name).map_err(report)?;
    tray::refresh(&app);
    Ok(deleted)
}

/// Runs every check for a saved profile, with progress and cancellation like a wizard step.
#[tauri::command]
pub async fn doctor_run(
    app: AppHandle,
    host: State<'_, WizardHost>,
    name: String,
) -> Result<DoctorReport, ErrorReport> {
    let (ctx, _running) = host.step_context(&app);
    doctor::run(&host.env, &name, &ctx).await.map_err(report)
}
