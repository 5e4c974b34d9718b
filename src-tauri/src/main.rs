//! `pbx365-setup`: the desktop window of pbx365. A thin Tauri shell: commands map onto
//! `crates/pbx365`; no business logic lives here.

// Release builds on Windows must not open a console window next to the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod autostart_commands;
mod certificate_commands;
mod commands;
mod demo;
mod diagnostics_commands;
mod directory_commands;
mod environment;
mod launch;
mod notifications;
mod profile_commands;
mod reset_commands;
mod sync_commands;
mod tray;
mod update_commands;
mod wizard_commands;

use std::io::IsTerminal;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use pbx365::diagnostics::logging::{self, LogSetup};
use tauri::Manager;
use tauri::webview::PageLoadEvent;
use tracing_subscriber::EnvFilter;

fn main() -> anyhow::Result<ExitCode> {
    if launch::started_as_command() {
        return Ok(pbx365::cli::main());
    }
    let options = launch::LaunchOptions::from_command_line();
    // RUST_LOG applies to both; by default the terminal shows info lines of every crate and
    // the redacted, size-capped log files our crates' info lines.
    let files = logging::init(LogSetup {
        program: "pbx365-setup",
        stderr: EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        stderr_ansi: std::io::stderr().is_terminal(),
        file: EnvFilter::try_from_default_env()
            .unwrap_or_else(|_| EnvFilter::new(logging::directives(tracing::Level::INFO))),
    });
    if let Err(reason) = files {
        tracing::warn!("no log file: {reason}");
    }
    tracing::info!(demo = options.demo, "starting pbx365-setup");
    let hidden = options.hidden;
    // Everything that takes time is done before the window exists, and the tray waits for the
    // page: WebKitGTK starts a new window's page about 0.5 s later whenever the main thread is
    // busy for even 20 ms in `setup`, just after the window was made (scripts/footprint).
    let prepared = if options.demo {
        environment::Prepared::demo(tauri::async_runtime::block_on(demo::Demo::start(
            options.cloud,
        ))?)
    } else {
        environment::Prepared::real()?
    };
    let context = tauri::generate_context!();
    let updates = update_commands::UpdateHost::read(context.config(), options.demo);

    tauri::Builder::default()
        // Registered first, as the plugin requires: a second launch only brings the running
        // window forward, so two wizards never edit the same profile at once.
        .plugin(tauri_plugin_single_instance::init(|app, _argv, _cwd| {
            focus_main_window(app);
        }))
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(autostart_commands::plugin())
        .plugin(tauri_plugin_updater::Builder::new().build())
        .setup(move |app| {
            let handle = app.handle();
            let (env, demo) = prepared.for_app(handle);
            app.manage(wizard_commands::WizardHost::new(Arc::new(env)));
            app.manage(demo);
            app.manage(sync_commands::SyncRuns::default());
            tray::manage_language(handle);
            certificate_commands::spawn_reminders(handle.clone());
            if hidden && let Some(window) = app.get_webview_window("main") {
                window.hide()?;
            }
            Ok(())
        })
        .on_page_load(|webview, page| {
            if page.event() == PageLoadEvent::Finished {
                tray::install(webview.app_handle());
            }
        })
        .manage(options)
        .manage(updates)
        // A command that reads files is `#[tauri::command(async)]`: a plain one runs on the
        // main thread, the one that draws the window.
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::report_first_paint,
            demo::demo_defaults,
            demo::demo_inspect,
            demo::demo_check_reminders,
            profile_commands::profiles_list,
            profile_commands::profile_summaries,
            profile_commands::profile_delete,
            profile_commands::doctor_run,
            directory_commands::directory_search_people,
            directory_commands::directory_search_groups,
            directory_commands::directory_check_people,
            wizard_commands::wizard_open,
            wizard_commands::wizard_state,
            wizard_commands::wizard_resume,
            wizard_commands::cancel_step,
            wizard_commands::connect_pbx,
            wizard_commands::sign_in_microsoft,
            wizard_commands::use_guided_ids,
            wizard_commands::plan_app_registration,
            wizard_commands::plan_key_pair,
            wizard_commands::plan_consent,
            wizard_commands::open_admin_consent,
            wizard_commands::set_sync_options,
            wizard_commands::run_checks,
            wizard_commands::review,
            wizard_commands::apply,
            wizard_commands::verify,
            sync_commands::sync_preview,
            sync_commands::sync_now,
            sync_commands::sync_cancel,
            sync_commands::sync_history,
            sync_commands::sync_run,
            sync_commands::sync_export_csv,
            sync_commands::sync_drift,
            certificate_commands::certificate_status,
            certificate_commands::certificate_statuses,
            certificate_commands::rotation_plan,
            certificate_commands::rotate_certificate,
            reset_commands::reset_plan,
            reset_commands::reset_run,
            autostart_commands::autostart_enabled,
            autostart_commands::set_autostart,
            tray::set_ui_language,
            diagnostics_commands::about_versions,
            diagnostics_commands::diagnostics_export,
            update_commands::update_check,
            update_commands::update_install,
        ])
        .run(context)
        .context("the pbx365 window could not be started")?;
    Ok(ExitCode::SUCCESS)
}

pub(crate) fn focus_main_window(app: &tauri::AppHandle) {
    let Some(window) = app.get_webview_window("main") else {
        return;
    };
    let shown = window
        .unminimize()
        .and_then(|()| window.show())
        .and_then(|()| window.set_focus());
    if let Err(error) = shown {
        tracing::warn!(%error, "could not bring the running pbx365 window to the front");
    }
}
