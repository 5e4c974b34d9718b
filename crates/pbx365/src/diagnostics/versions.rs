//! What software is running, for the About screen and the diagnostics archive.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The versions support asks for first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct Versions {
    pub pbx365: String,
    /// The desktop shell's Tauri; none for the command line.
    pub tauri: Option<String>,
    /// The system web view the window runs in (WebKitGTK, WebView2, WKWebView).
    pub webview: Option<String>,
    /// The operating system, its version and the processor architecture.
    pub os: String,
}

impl Versions {
    /// This build of pbx365 on this computer; the desktop shell adds its own parts.
    pub fn here(tauri: Option<String>, webview: Option<String>) -> Self {
        Self {
            pbx365: env!("CARGO_PKG_VERSION").to_owned(),
            tauri,
            webview,
            os: operating_system(),
        }
    }
}

fn operating_system() -> String {
    let info = os_info::get();
    format!("{info} ({})", std::env::consts::ARCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_versions_name_this_build_and_the_system() {
        let versions = Versions::here(None, None);
        assert_eq!(versions.pbx365, env!("CARGO_PKG_VERSION"));
        assert!(versions.os.contains(std::env::consts::ARCH), "{versions:?}");
        assert!(
            versions.os.len() > std::env::consts::ARCH.len() + 3,
            "{versions:?}"
        );
    }
}
