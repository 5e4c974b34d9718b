//! Building the `sync_run` example from a test or the benchmark, with the cargo that runs them.
//! Shared by `tests/sync_kill.rs` and `benches/sync_scale.rs`.

use std::path::PathBuf;
use std::process::Stdio;

use serde_json::Value;

/// Variables cargo sets for this test that describe the package under test. Build scripts
/// (ring's, for one) rebuild when they change, so the inner cargo must not see them, or it
/// would rebuild half the dependency tree for nothing.
fn describes_this_package(name: &str) -> bool {
    name.starts_with("CARGO_PKG_")
        || name.starts_with("CARGO_MANIFEST_")
        || name.starts_with("CARGO_BIN_")
        || matches!(
            name,
            "CARGO_CRATE_NAME" | "CARGO_PRIMARY_PACKAGE" | "CARGO_TARGET_TMPDIR" | "OUT_DIR"
        )
}

/// Builds the example with the cargo command `build` (a subcommand and its selection; the
/// build names the example among its artifacts) and answers its path. The caller repeats the
/// build that runs it, so cargo finds everything already compiled: any other selection can
/// resolve the dependencies' features differently (dev-dependencies count only for the
/// packages whose tests are built) and compile them all again — 90 s on the 2-core machine.
pub fn build_sync_run(build: &[&str]) -> Result<PathBuf, Box<dyn std::error::Error>> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let mut command = std::process::Command::new(cargo);
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(describes_this_package) {
            command.env_remove(name);
        }
    }
    command
        .args(build)
        .arg("--message-format=json")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stderr(Stdio::inherit());
    let output = command.output()?;
    if !output.status.success() {
        return Err("cargo could not build the sync_run example".into());
    }
    String::from_utf8(output.stdout)?
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|m| m["target"]["name"] == "sync_run")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "cargo named no sync_run executable".into())
}
