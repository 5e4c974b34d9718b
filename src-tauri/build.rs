fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Listing the app's commands makes tauri-build generate an `allow-<command>` permission for
    // each one, so a command is callable from the UI only when a capability grants it.
    let manifest = tauri_build::AppManifest::new().commands(&[
        "app_info",
        "demo_defaults",
        "demo_inspect",
        "demo_check_reminders",
        "profiles_list",
        "profile_summaries",
        "profile_delete",
        "doctor_run",
        "wizard_open",
        "wizard_state",
        "cancel_step",
        "connect_pbx",
        "sign_in_microsoft",
        "use_guided_ids",
        "plan_app_registration",
        "plan_key_pair",
        "plan_consent",
        "open_admin_consent",
        "set_sync_options",
        "review",
        "apply",
        "verify",
        "sync_preview",
        "sync_now",
        "sync_cancel",
        "sync_history",
        "sync_run",
        "sync_export_csv",
        "sync_drift",
        "certificate_statuses",
        "rotation_plan",
        "rotate_certificate",
        "reset_plan",
        "reset_run",
        "autostart_enabled",
        "set_autostart",
    ]);
    tauri_build::try_build(tauri_build::Attributes::new().app_manifest(manifest))?;
    Ok(())
}
