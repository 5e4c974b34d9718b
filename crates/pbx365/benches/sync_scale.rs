//! Sync at scale: 10,000 and 50,000 emulated Microsoft 365 users (not a test; nothing here
//! passes or fails on time). `cargo bench -p pbx365 --bench sync_scale` prints, for a first
//! sync and a re-sync of each size: wall time, the sync process's peak memory (VmHWM), and
//! the HTTP requests it sent against the floor — Graph pages of 999 + PBX pages of 100 + one
//! create and one bind per new user (+ one bind per adopted user).
//!
//! The emulators run in this process; the sync runs in a process of its own (the `sync_run`
//! example, built in release mode here) so its memory is measured alone. Requests are counted
//! where they arrive, by the emulators' recorders. `SYNC_BENCH_SIZES=10000` limits the sizes.

#[path = "../tests/sync_support/example.rs"]
mod example;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use portsip::model::{Ms365SettingsUpdate, SyncType, UsersSync};
use serde_json::Value;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

const DEMO_ACCOUNTS: usize = 3;
const GRAPH_PAGE: usize = 999;
const PBX_PAGE: usize = 100;

/// What one sync process did, as measured.
struct Measured {
    wall: Duration,
    /// The sync process's own CPU time: the rest of the wall time is the emulators' and the
    /// network's.
    cpu: Duration,
    peak_rss_mib: f64,
    graph_requests: usize,
    pbx_pages: usize,
    creates: usize,
    binds: usize,
    other_pbx: Vec<String>,
    created: u64,
    adopted: u64,
}

fn out(line: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

fn pages(items: usize, page: usize) -> usize {
    items.div_ceil(page).max(1)
}

#[tokio::main]
async fn main() -> Result<()> {
    let sizes: Vec<usize> = std::env::var("SYNC_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|n| n.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![10_000, 50_000]);
    // cargo bench passes `--bench`; nothing else is taken from the command line.
    let program = example::build_sync_run(true)?;
    out(
        "| users | run | wall | sync CPU | peak RSS | Graph requests (floor) | PBX requests (floor) | extra PBX requests |",
    );
    out("|---|---|---|---|---|---|---|---|");
    for size in sizes {
        bench(&program, size).await?;
    }
    Ok(())
}

async fn bench(program: &Path, size: usize) -> Result<()> {
    let sim = sim::start(sim::SimConfig {
        tls: true,
        auto_approve: true,
        ms_users: size,
        pbx_users: size / 10,
        recorder_capacity: 4 * size + 10_000,
        ..sim::SimConfig::default()
    })
    .await?;
    sim.ms.set_device_code_interval(Duration::from_secs(1));
    let ca_file = sim.ca_file.clone().ok_or("no CA file")?;
    let pbx = portsip::Client::builder(&sim.pbx_url)
        .ca_file(ca_file.clone())
        .build()?;
    let admin = &sim.tenant.admin;
    pbx.login(&admin.username, &admin.password, admin.domain.as_deref())
        .await?;
    pbx.set_ms365(&Ms365SettingsUpdate {
        users: Some(UsersSync {
            enabled: Some(true),
            starting_extension_number: Some("100000".to_owned()),
            sync_type: Some(SyncType::All),
            ..UsersSync::default()
        }),
        ..Ms365SettingsUpdate::default()
    })
    .await?;
    let dir = tempfile::tempdir()?;
    let db = dir.path().join("sync.sqlite3");
    let graph_floor = pages(size + DEMO_ACCOUNTS, GRAPH_PAGE);

    for run in ["first sync", "re-sync"] {
        let pbx_before = sim.pbx.users().len();
        sim.pbx_recorder.clear();
        sim.ms_recorder.clear();
        let measured = sync(program, &sim, &ca_file, &db).await?;
        let new_users = usize::try_from(measured.created)?;
        let adopted = usize::try_from(measured.adopted)?;
        let pbx_floor = pages(pbx_before, PBX_PAGE) + 2 * new_users + adopted;
        let pbx_sent = measured.pbx_pages + measured.creates + measured.binds;
        out(&format!(
            "| {size} | {run} | {:.1} s | {:.1} s | {:.1} MiB | {} ({graph_floor}) | {pbx_sent} ({pbx_floor}: {} pages, {new_users} creates, {} binds) | {} |",
            measured.wall.as_secs_f64(),
            measured.cpu.as_secs_f64(),
            measured.peak_rss_mib,
            measured.graph_requests,
            pages(pbx_before, PBX_PAGE),
            new_users + adopted,
            if measured.other_pbx.is_empty() {
                "none".to_owned()
            } else {
                measured.other_pbx.join(", ")
            },
        ));
    }
    sim.shutdown().await;
    Ok(())
}

async fn sync(program: &Path, sim: &sim::Sim, ca_file: &PathBuf, db: &Path) -> Result<Measured> {
    let admin = &sim.tenant.admin;
    let started = Instant::now();
    let output = tokio::process::Command::new(program)
        .arg("--pbx-url")
        .arg(&sim.pbx_url)
        .arg("--pbx-user")
        .arg(&admin.username)
        .arg("--pbx-domain")
        .arg(admin.domain.clone().unwrap_or_default())
        .arg("--ca-file")
        .arg(ca_file)
        .arg("--ms-authority")
        .arg(&sim.ms_authority)
        .arg("--db")
        .arg(db)
        .env("PBX365_PBX_PASSWORD", &admin.password)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .output()
        .await?;
    let wall = started.elapsed();
    let text = String::from_utf8(output.stdout)?;
    let summary: Value = text
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find_map(|v| v.get("summary").cloned())
        .ok_or_else(|| format!("the sync printed no summary ({:?}): {text}", output.status))?;
    let result = &summary["result"];
    if result["status"] != "completed" {
        return Err(format!("the sync did not complete: {result}").into());
    }
    let mut measured = Measured {
        wall,
        cpu: Duration::from_millis(summary["cpu_ms"].as_u64().unwrap_or_default()),
        peak_rss_mib: summary["peak_rss_kib"].as_f64().unwrap_or_default() / 1024.0,
        graph_requests: sim
            .ms_recorder
            .exchanges()
            .iter()
            .filter(|e| e.path.starts_with("/v1.0/"))
            .count(),
        pbx_pages: 0,
        creates: 0,
        binds: 0,
        other_pbx: Vec::new(),
        created: result["outcome"]["created"].as_u64().unwrap_or_default(),
        adopted: result["outcome"]["adopted"].as_u64().unwrap_or_default(),
    };
    let mut others: std::collections::BTreeMap<String, usize> = Default::default();
    for exchange in sim.pbx_recorder.exchanges() {
        match (exchange.method.as_str(), exchange.path.as_str()) {
            ("GET", "/api/users") if !exchange.query.contains("search") => measured.pbx_pages += 1,
            ("POST", "/api/users") => measured.creates += 1,
            ("POST", path) if path.ends_with("/ms365_binding") => measured.binds += 1,
            (method, path) => {
                let path = if path.starts_with("/api/users/") {
                    "/api/users/{id}"
                } else {
                    path
                };
                *others.entry(format!("{method} {path}")).or_default() += 1;
            }
        }
    }
    measured.other_pbx = others
        .into_iter()
        .map(|(k, n)| format!("{n}× {k}"))
        .collect();
    Ok(measured)
}
