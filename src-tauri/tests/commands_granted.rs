//! A command registered in `main.rs` but missing from `build.rs` or the window's capability is
//! refused at run time ("not allowed"), which only a desktop run would otherwise notice.

use std::collections::BTreeSet;

const MAIN: &str = include_str!("../src/main.rs");
const BUILD: &str = include_str!("../build.rs");
const CAPABILITY: &str = include_str!("../capabilities/default.json");

/// The commands in `tauri::generate_handler![module::command, …]`.
fn registered() -> BTreeSet<String> {
    let start = MAIN
        .find("generate_handler![")
        .map(|at| at + "generate_handler![".len());
    let Some(start) = start else {
        panic!("main.rs has no generate_handler![…]");
    };
    let Some(length) = MAIN[start..].find(']') else {
        panic!("main.rs's generate_handler![ is not closed");
    };
    MAIN[start..start + length]
        .split(',')
        .filter_map(|path| path.trim().rsplit("::").next())
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The quoted names in `AppManifest::new().commands(&[…])`.
fn listed_in_build() -> BTreeSet<String> {
    let Some(start) = BUILD.find(".commands(&[") else {
        panic!("build.rs lists no commands");
    };
    let Some(length) = BUILD[start..].find("])") else {
        panic!("build.rs's command list is not closed");
    };
    BUILD[start..start + length]
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// The app's own `allow-<command>` permissions granted to the main window.
fn granted() -> BTreeSet<String> {
    let capability: serde_json::Value = match serde_json::from_str(CAPABILITY) {
        Ok(value) => value,
        Err(error) => panic!("capabilities/default.json is not JSON: {error}"),
    };
    capability["permissions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|permission| permission.as_str())
        .filter_map(|permission| permission.strip_prefix("allow-"))
        .map(|command| command.replace('-', "_"))
        .collect()
}

#[test]
fn every_registered_command_is_listed_and_granted() {
    let registered = registered();
    assert!(registered.contains("wizard_open"), "parsed: {registered:?}");
    assert_eq!(listed_in_build(), registered, "build.rs vs main.rs");
    assert_eq!(
        granted(),
        registered,
        "capabilities/default.json vs main.rs"
    );
}
