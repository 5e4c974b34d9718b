//! `pbx365 diagnostics` as an administrator runs it: the command logs into the OS's log folder
//! (`$XDG_STATE_HOME/pbx365/logs` on Linux), and the archive it writes holds that log.

#[allow(dead_code)] // each cli_* test binary uses part of the support module
mod cli_support;

use std::io::Read;

use cli_support::TestResult;
use cli_support::keyring_home::Home;

#[tokio::test]
async fn the_command_logs_to_the_state_folder_and_archives_its_log() -> TestResult {
    let home = Home::new()?;
    let state = home.dir.path().join("state");
    let steps = home
        .scenario(
            &[
                "$PBX365 diagnostics --output \"$HOME/out/first.zip\"",
                "$PBX365 diagnostics --output \"$HOME/out/second.zip\" --json",
            ],
            &[("XDG_STATE_HOME", state.display().to_string())],
        )
        .await?;
    assert_eq!(steps[0].code, 0, "{:?}", steps[0]);
    assert!(steps[0].stdout.contains("first.zip"), "{:?}", steps[0]);
    assert_eq!(steps[1].code, 0, "{:?}", steps[1]);
    let summary = steps[1].json()?;
    assert_eq!(summary["problems"], serde_json::json!([]), "{summary}");

    let log = state.join("pbx365").join("logs").join("pbx365.log");
    let text = std::fs::read_to_string(&log)?;
    assert!(text.contains("diagnostics exported"), "{text}");

    // The second archive holds the log the first run wrote.
    let file = std::fs::File::open(home.dir.path().join("out").join("second.zip"))?;
    let mut archive = zip::ZipArchive::new(file)?;
    let mut archived = String::new();
    archive
        .by_name("logs/pbx365.log")?
        .read_to_string(&mut archived)?;
    assert!(archived.contains("first.zip"), "{archived}");
    archive.by_name("versions.json")?;
    Ok(())
}
