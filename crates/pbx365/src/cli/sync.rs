//! `pbx365 sync` (a run, or `--dry-run` for the plan it would follow), `pbx365 sync history`
//! and `pbx365 drift`, for a saved profile. Progress goes to stderr, or as JSON lines on stdout
//! with `--json`; a run exits 0 only when nothing failed and nothing was left undone.

use std::sync::Arc;

use anyhow::bail;
use clap::{Args, Subcommand};
use pbx365::profile::{Profile, ProfileStore};
use pbx365::progress::CancellationToken;
use pbx365::sync::{
    Connection, Plan, RunOptions, SourceKind, SyncEngine, SyncEvent, SyncStore, connect,
    database_path,
};
use serde::Serialize;

use super::all::AllArgs;
use super::sync_all::{self, SyncAll};
use super::{engine, output};

/// What `pbx365 sync --help` adds after the options.
pub const HELP: &str = "With --all: every saved profile, --parallel at a time (default 8). A \
run first shows each profile's plan and which PBX it writes to, and asks (on the terminal, or \
without one a `y` line on stdin) unless --yes; --dry-run only shows the plans. Each profile is \
reported on its own line (with --json, one object: {parallel, tenants: [{profile, ok, result \
{planned, run} | error {kind, message}}], failed: [profile…]}, no progress lines); one profile \
failing does not stop the others. Exit code 0 when every profile's run completed, 1 when any \
failed or left users undone (they are named on stderr) or the run was not confirmed, 2 for \
invalid arguments.";

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct SyncArgs {
    #[command(subcommand)]
    history: Option<HistoryCommand>,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(Debug, Subcommand)]
enum HistoryCommand {
    /// The profile's past runs, newest first.
    History(ProfileArgs),
}

#[derive(Debug, Args)]
struct RunArgs {
    /// The profile to sync (as given to `pbx365 setup`).
    #[arg(long, value_name = "NAME", conflicts_with = "all")]
    profile: Option<String>,
    #[command(flatten)]
    all: AllArgs,
    /// With --all: sync every profile without asking first.
    #[arg(long, requires = "all")]
    yes: bool,
    /// Show the plan the run would follow, changing nothing.
    #[arg(long)]
    dry_run: bool,
    /// Also create the new users the profile's source cannot classify as guest or disabled
    /// (guided mode reads the PBX's view of Microsoft 365, which does not say). Without it they
    /// are held back and listed; scheduled and unattended runs never create them.
    #[arg(long)]
    create_unclassified: bool,
    /// Progress as JSON lines on stdout, then the result as the last line.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct ProfileArgs {
    #[arg(long, value_name = "NAME")]
    profile: String,
    /// Print JSON instead of a summary.
    #[arg(long)]
    json: bool,
}

pub async fn run(args: SyncArgs) -> anyhow::Result<()> {
    if let Some(HistoryCommand::History(args)) = args.history {
        return history(args);
    }
    let RunArgs {
        profile,
        all,
        yes,
        dry_run,
        create_unclassified,
        json,
    } = args.run;
    if all.all {
        return sync_all::run(SyncAll {
            parallel: all.parallel,
            dry_run,
            create_unclassified,
            json,
            yes,
        })
        .await;
    }
    let Some(profile) = profile else {
        bail!("say which profile to sync with --profile NAME, or --all");
    };
    let (profile, store) = open(&profile)?;
    // Checked before signing in: a bad setting is the profile's to fix, not the PBX's.
    let options = RunOptions {
        create_unclassified,
        ..RunOptions::for_profile(&profile)?
    };
    let connection = connected(&profile).await?;
    let (sink, mut events) = pbx365::sync::channel();
    let engine = SyncEngine::new(store, &profile.name)
        .with_options(options)
        .with_progress(sink)
        .with_cancellation(cancel_on_ctrl_c());
    let printer = tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            show(&event, json);
        }
    });
    let source = connection.source.as_ref();
    if dry_run {
        let plan = engine.preview(&connection.pbx, source).await;
        drop(engine);
        let _ = printer.await;
        let plan = plan?;
        return result(
            &plan,
            json,
            &format!("{}Dry run: {}\n", describe(&plan), counts(&plan.counts)),
        );
    }
    let report = engine.run(&connection.pbx, source).await;
    drop(engine);
    let _ = printer.await;
    let report = report?;
    let outcome = counts(&report.summary.outcome);
    result(
        &report.summary,
        json,
        &format!(
            "{}Run {} {:?}: {outcome}\n",
            describe(&report.plan),
            report.summary.id,
            report.summary.status
        ),
    )?;
    if !report.succeeded() {
        bail!(
            "the run did not complete: see the failed users above or `pbx365 sync history --profile {}`",
            profile.name
        );
    }
    Ok(())
}

pub async fn drift(args: ProfileArgs) -> anyhow::Result<()> {
    let (profile, store) = open(&args.profile)?;
    let connection = connected(&profile).await?;
    let report = SyncEngine::new(store, &profile.name)
        .drift(&connection.pbx, connection.source.as_ref())
        .await?;
    let text = serde_json::to_string_pretty(&report)?;
    result(&report, args.json, &format!("{text}\n"))
}

fn history(args: ProfileArgs) -> anyhow::Result<()> {
    let (profile, store) = open(&args.profile)?;
    let runs = store.history(&profile.name, 50)?;
    let mut text = String::new();
    for run in &runs {
        text.push_str(&format!(
            "{:>5}  {}  {:?}  {}\n",
            run.id,
            run.started_at,
            run.status,
            counts(&run.outcome)
        ));
    }
    if runs.is_empty() {
        text.push_str("No sync run yet.\n");
    }
    result(&runs, args.json, &text)
}

fn open(name: &str) -> anyhow::Result<(Profile, Arc<SyncStore>)> {
    let profiles = ProfileStore::open_default()?;
    let profile = profiles.require(name)?;
    let store = Arc::new(SyncStore::open(database_path(&profiles))?);
    Ok((profile, store))
}

pub(super) async fn connected(profile: &Profile) -> anyhow::Result<Connection> {
    let env = engine::environment(profile.pbx.ca_pem.as_deref())?;
    Ok(connect(&env, profile).await?)
}

pub(super) fn cancel_on_ctrl_c() -> CancellationToken {
    let cancel = CancellationToken::new();
    let on_ctrl_c = cancel.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            eprintln!("Cancelling after the changes in flight…");
            on_ctrl_c.cancel();
        }
    });
    cancel
}

fn show(event: &SyncEvent, json: bool) {
    if json {
        if let Ok(line) = serde_json::to_string(event) {
            let _ = output::print(&format!("{line}\n"));
        }
        return;
    }
    match event {
        SyncEvent::Phase { phase } => eprintln!("[{phase:?}]"),
        SyncEvent::Read { side, users } => eprintln!("  read {users} users from {side:?}"),
        SyncEvent::Planned {
            counts: planned, ..
        } => eprintln!("  plan: {}", counts(planned)),
        SyncEvent::Progress { done, total, .. } => eprintln!("  {done}/{total}"),
        SyncEvent::Waiting { millis, reason } => eprintln!("  waiting {millis} ms: {reason}"),
        other => eprintln!("  {}", serde_json::to_string(other).unwrap_or_default()),
    }
}

/// Where the users came from, what the admin should know, and who was held back unclassified.
fn describe(plan: &Plan) -> String {
    let mut text = format!(
        "Microsoft 365 users read from {}.\n",
        match plan.source {
            SourceKind::Graph => "Microsoft Graph with the saved Microsoft sign-in",
            SourceKind::Pbx => "the PBX's view of Microsoft 365 (guided mode)",
        }
    );
    for notice in &plan.notices {
        text.push_str(notice.sentence());
        text.push('\n');
    }
    if let Some(update) = &plan.selected_users {
        text.push_str(&output::clean(&update.sentence()));
        text.push('\n');
        for (sign, names) in [('+', &update.added), ('-', &update.removed)] {
            for name in names {
                text.push_str(&format!("  {sign} {}\n", output::clean(name)));
            }
        }
    }
    if plan.licences_missing > 0 {
        text.push_str(&format!(
            "Licences missing: {} (those users are listed as no-licence).\n",
            plan.licences_missing
        ));
    }
    let held: Vec<&str> = plan.held_back().map(|s| s.principal.as_str()).collect();
    if !held.is_empty() {
        text.push_str(&format!("Held back ({}):\n", held.len()));
        for principal in held {
            text.push_str(&format!("  {}\n", output::clean(principal)));
        }
    }
    text
}

/// `create=3 adopt=1 …`, leaving out the zeros.
pub(super) fn counts(value: &impl Serialize) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::to_value(value) else {
        return String::new();
    };
    let parts: Vec<String> = map
        .iter()
        .filter(|(_, n)| n.as_u64().is_some_and(|n| n > 0))
        .map(|(k, n)| format!("{k}={n}"))
        .collect();
    if parts.is_empty() {
        "nothing to do".to_owned()
    } else {
        parts.join(" ")
    }
}

fn result(value: &impl Serialize, json: bool, text: &str) -> anyhow::Result<()> {
    if json {
        output::print_json(value)
    } else {
        output::print(text)
    }
}
