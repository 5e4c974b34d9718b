//! The commands the UI can invoke. Each one must also be listed in `build.rs` and granted in
//! `capabilities/default.json`, or the UI cannot call it.

use std::io::Write;

use serde::Serialize;

use crate::launch::LaunchOptions;

/// Set to `1` (scripts/footprint does) to have the app print when the UI drew its first frame.
pub const REPORT_FIRST_PAINT_ENV: &str = "PBX365_REPORT_FIRST_PAINT";

/// What the UI shows about the running app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: &'static str,
    pub demo: bool,
}

impl AppInfo {
    fn new(options: &LaunchOptions) -> Self {
        Self {
            version: env!("CARGO_PKG_VERSION"),
            demo: options.demo,
        }
    }
}

#[tauri::command]
pub fn app_info(options: tauri::State<'_, LaunchOptions>) -> AppInfo {
    AppInfo::new(&options)
}

/// When the page started and when it drew its first frame, as the page's clock tells them (Unix
/// epoch, ms). Under [`REPORT_FIRST_PAINT_ENV`]`=1` they go to stdout as
/// `first-paint <ms> navigation-start <ms>`, the line scripts/footprint reads (as its minimal
/// app prints); otherwise they are dropped.
#[tauri::command]
pub fn report_first_paint(navigation_start_ms: f64, painted_at_ms: f64) {
    if std::env::var_os(REPORT_FIRST_PAINT_ENV).is_some_and(|value| value == "1") {
        let mut stdout = std::io::stdout().lock();
        // A closed stdout only loses the measurement; the app goes on.
        let _ = writeln!(
            stdout,
            "first-paint {painted_at_ms:.1} navigation-start {navigation_start_ms:.1}"
        )
        .and_then(|()| stdout.flush());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_info_reports_the_package_version_and_the_demo_flag() -> Result<(), serde_json::Error> {
        let info = AppInfo::new(&LaunchOptions {
            demo: true,
            hidden: false,
            cloud: pbx365::profile::NationalCloud::China,
        });
        assert_eq!(
            serde_json::to_value(&info)?,
            serde_json::json!({ "version": env!("CARGO_PKG_VERSION"), "demo": true })
        );
        Ok(())
    }
}
