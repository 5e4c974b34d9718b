//! The commands the UI can invoke. Each one must also be listed in `build.rs` and granted in
//! `capabilities/default.json`, or the UI cannot call it.

use serde::Serialize;

use crate::launch::LaunchOptions;

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
