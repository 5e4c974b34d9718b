//! Start at login (off by default), through the autostart plugin: a login item on macOS, a
//! registry Run key on Windows, an XDG autostart entry on Linux. The entry starts the app with
//! `--hidden`, straight into the tray, where it checks the certificates.

use tauri::AppHandle;
use tauri_plugin_autostart::ManagerExt;

/// The flag the login item passes (see [`crate::launch::LaunchOptions::hidden`]).
pub const HIDDEN_FLAG: &str = "--hidden";

pub fn plugin() -> tauri::plugin::TauriPlugin<tauri::Wry> {
    tauri_plugin_autostart::Builder::new()
        .args([HIDDEN_FLAG])
        .build()
}

#[tauri::command(async)]
pub fn autostart_enabled(app: AppHandle) -> Result<bool, String> {
    app.autolaunch()
        .is_enabled()
        .map_err(|error| format!("Whether pbx365 starts at login could not be read: {error}"))
}

#[tauri::command(async)]
pub fn set_autostart(app: AppHandle, enabled: bool) -> Result<(), String> {
    let manager = app.autolaunch();
    let changed = if enabled {
        ensure_autostart_folder()?;
        manager.enable()
    } else {
        manager.disable()
    };
    changed.map_err(|error| {
        format!(
            "The login item could not be {}: {error}. Check that your user may change the programs started at login.",
            if enabled { "added" } else { "removed" }
        )
    })
}

/// The XDG autostart folder does not exist in a fresh home, and the plugin only writes a file
/// into it: the first "on" would fail with "No such file or directory".
#[cfg(target_os = "linux")]
fn ensure_autostart_folder() -> Result<(), String> {
    use pbx365::private_fs::{self, Folder};
    let Some(dirs) = directories::BaseDirs::new() else {
        return Err("Start at login needs a home folder; set HOME.".to_owned());
    };
    let folder = dirs.config_dir().join("autostart");
    // The desktop's folder, not pbx365's: created private when missing, as the XDG base
    // directory specification asks, but an existing one is left as the user has it.
    private_fs::create_dir_all(&folder, &Folder::Chosen).map_err(|error| {
        format!(
            "The folder {} could not be created: {error}",
            folder.display()
        )
    })
}

#[cfg(not(target_os = "linux"))]
fn ensure_autostart_folder() -> Result<(), String> {
    Ok(())
}
