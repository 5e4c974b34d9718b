//! A command registered in `main.rs` but missing from `build.rs` or the window's capability is
//! refused at run time ("not allowed"), which only a desktop run would otherwise notice.

use std::collections::BTreeSet;
use std::error::Error;

type Found = Result<BTreeSet<String>, Box<dyn Error>>;

const MAIN: &str = include_str!("../src/main.rs");
const BUILD: &str = include_str!("../build.rs");
const CAPABILITY: &str = include_str!("../capabilities/default.json");

/// The text between `open` and the first `close` after it.
fn between<'a>(text: &'a str, open: &str, close: &str) -> Result<&'a str, Box<dyn Error>> {
    let start = text.find(open).ok_or(format!("no {open:?}"))? + open.len();
    let length = text[start..]
        .find(close)
        .ok_or(format!("{open:?} is not closed by {close:?}"))?;
    Ok(&text[start..start + length])
}

/// The commands in `tauri::generate_handler![module::command, …]`.
fn registered() -> Found {
    Ok(between(MAIN, "generate_handler![", "]")?
        .split(',')
        .filter_map(|path| path.trim().rsplit("::").next())
        .filter(|name| !name.is_empty())
        .map(str::to_owned)
        .collect())
}

/// The quoted names in `AppManifest::new().commands(&[…])`.
fn listed_in_build() -> Found {
    Ok(between(BUILD, ".commands(&[", "])")?
        .split('"')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect())
}

/// The app's own `allow-<command>` permissions granted to the main window.
fn granted() -> Found {
    let capability: serde_json::Value = serde_json::from_str(CAPABILITY)?;
    Ok(capability["permissions"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|permission| permission.as_str())
        .filter_map(|permission| permission.strip_prefix("allow-"))
        .map(|command| command.replace('-', "_"))
        .collect())
}

#[test]
fn every_registered_command_is_listed_and_granted() -> Result<(), Box<dyn Error>> {
    let registered = registered()?;
    assert!(registered.contains("wizard_open"), "parsed: {registered:?}");
    assert_eq!(listed_in_build()?, registered, "build.rs vs main.rs");
    assert_eq!(
        granted()?,
        registered,
        "capabilities/default.json vs main.rs"
    );
    Ok(())
}
