//! A real process runs the sync and is killed with SIGKILL mid-run, twice; the next run
//! finishes the job: every user who must be synced exists exactly once and is bound.
//!
//! The process is the `sync_run` example (a sync from plain arguments). It is built here with
//! the same cargo that runs the test, so `cargo test --test sync_kill` needs nothing else.

#![cfg(unix)]

mod sync_support;

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use pbx365::sync::{RunStatus, SyncStore};
use serde_json::Value;
use sync_support::example::build_sync_run;
use sync_support::{PROFILE, TestResult, World, assert_converged};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

fn spawn(program: &PathBuf, world: &World) -> Result<Child, Box<dyn std::error::Error>> {
    let admin = &world.sim.tenant.admin;
    let ca_file = world.sim.ca_file.clone().ok_or("no CA file")?;
    let child = Command::new(program)
        .arg("--pbx-url")
        .arg(&world.sim.pbx_url)
        .arg("--pbx-user")
        .arg(&admin.username)
        .arg("--pbx-domain")
        .arg(admin.domain.clone().unwrap_or_default())
        .arg("--ca-file")
        .arg(ca_file)
        .arg("--ms-authority")
        .arg(&world.sim.ms_authority)
        .arg("--db")
        .arg(world.db_path())
        .arg("--profile")
        .arg(PROFILE)
        .arg("--json")
        .env("PBX365_PBX_PASSWORD", &admin.password)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()?;
    Ok(child)
}

/// Reads the child's progress until `changes` users are done, then SIGKILLs it.
async fn kill_after(mut child: Child, changes: u64) -> TestResult {
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    while let Some(line) = lines.next_line().await? {
        let event: Value = serde_json::from_str(&line)?;
        if event["event"] == "progress" && event["done"].as_u64() >= Some(changes) {
            child.start_kill()?;
            let status = child.wait().await?;
            assert_eq!(
                std::os::unix::process::ExitStatusExt::signal(&status),
                Some(9),
                "{status:?}"
            );
            return Ok(());
        }
    }
    Err(format!(
        "the run ended before {changes} changes: {:?}",
        child.wait().await?
    )
    .into())
}

async fn run_to_the_end(mut child: Child) -> Result<Value, Box<dyn std::error::Error>> {
    let stdout = child.stdout.take().ok_or("no stdout")?;
    let mut lines = BufReader::new(stdout).lines();
    let mut last = Value::Null;
    while let Some(line) = lines.next_line().await? {
        last = serde_json::from_str(&line)?;
    }
    let status = child.wait().await?;
    assert!(status.success(), "{status:?}: {last}");
    Ok(last)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_killed_mid_way_is_finished_by_the_next_without_duplicates() -> TestResult {
    // The build `make test` has made (`cargo nextest run --workspace` builds the examples too).
    let program = build_sync_run(&["test", "--workspace", "--no-run"])?;
    let world = World::start().await?;
    // Slow enough that the kills land while users are being created.
    world.sim.pbx_faults.set_latency(Duration::from_millis(5));

    kill_after(spawn(&program, &world)?, 100).await?;
    let store = SyncStore::open(world.db_path())?;
    let first = store.history(PROFILE, 10)?;
    assert_eq!(first.len(), 1);
    assert_eq!(
        first[0].status,
        RunStatus::Running,
        "the killed run cannot have ended itself"
    );
    let killed = store.run(first[0].id)?;
    let done = killed
        .users
        .iter()
        .filter(|u| u.status.as_str() == "done")
        .count();
    assert!(
        done >= 90,
        "only {done} users journaled done before the kill"
    );
    assert!(
        killed.users.iter().any(|u| u.status.as_str() == "pending"),
        "the kill came after the last change"
    );

    kill_after(spawn(&program, &world)?, 150).await?;
    let last = run_to_the_end(spawn(&program, &world)?).await?;
    assert_eq!(last["result"]["status"], "completed", "{last}");

    let history = store.history(PROFILE, 10)?;
    let statuses: Vec<RunStatus> = history.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses,
        [
            RunStatus::Completed,
            RunStatus::Interrupted,
            RunStatus::Interrupted
        ]
    );
    assert_eq!(history[0].resumed_from, Some(history[1].id));
    assert_eq!(history[1].resumed_from, Some(history[2].id));
    world.sim.pbx_faults.clear();
    assert_converged(&world.sim)?;

    let plan = world.engine().preview(&world.pbx, &world.source()).await?;
    assert!(plan.actions.is_empty(), "{:?}", plan.actions.first());
    Ok(())
}
