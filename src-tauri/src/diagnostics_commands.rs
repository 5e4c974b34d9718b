//! The About screen: the versions of what runs, and "Export diagnostics" — the same archive as
//! `pbx365 diagnostics`, written to the Downloads folder (the window has no file dialog).

use std::sync::Arc;

use pbx365::diagnostics::{self, ExportSummary, Versions};
use pbx365::{Error, ErrorReport};
use tauri::State;

use crate::wizard_commands::{WizardHost, report};

#[tauri::command]
pub fn about_versions() -> Versions {
    versions()
}

/// Writes the diagnostics archive of this session's profiles (the demo's in demo mode) and
/// says where it is.
#[tauri::command]
pub async fn diagnostics_export(host: State<'_, WizardHost>) -> Result<ExportSummary, ErrorReport> {
    let env = Arc::clone(&host.env);
    tauri::async_runtime::spawn_blocking(move || {
        diagnostics::export_for_support(&env, &versions()).map_err(report)
    })
    .await
    .map_err(|error| {
        report(Error::File(pbx365::atomic_file::AtomicWriteError {
            path: "diagnostics".into(),
            source: std::io::Error::other(error.to_string()),
        }))
    })?
}

fn versions() -> Versions {
    // No web view version is a WebKitGTK or WebView2 that would not say; the rest still helps.
    Versions::here(
        Some(tauri::VERSION.to_owned()),
        tauri::webview_version().ok(),
    )
}
