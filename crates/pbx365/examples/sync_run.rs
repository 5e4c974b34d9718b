//! A sync run (or preview, drift check, history) from plain arguments, without profiles or a
//! keyring: what the kill-and-resume test runs as a real process and SIGKILLs, and what the
//! scale benchmark measures in a process of its own.
//!
//! ```text
//! PBX365_PBX_PASSWORD=… cargo run -p pbx365 --example sync_run -- \
//!     --pbx-url https://127.0.0.1:8887 --pbx-user pbxadmin --pbx-domain contoso.example \
//!     --ca-file ca.pem --ms-authority https://127.0.0.1:9443 --db sync.sqlite3 --json
//! ```
//!
//! Without `--ms-authority` the Microsoft 365 users come from the PBX's `/ms365/users`. With
//! it, the admin signs in with a device code (the emulator approves at once when started
//! with auto-approve). `--json` prints every progress event as a JSON line, then one line
//! `{"result": …, "wall_ms": …, "cpu_us": …, "peak_rss_kib": …}` (`cpu_us`: the process's
//! CPU time in microseconds, on Linux).

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use clap::Parser;
use pbx365::sync::{
    GraphDirectory, MicrosoftDirectory, PbxDirectory, RunOptions, SyncEngine, SyncEvent, SyncStore,
};
use tracing_subscriber::EnvFilter;
use tracing_subscriber::filter::LevelFilter;

#[derive(Debug, Parser)]
struct Args {
    /// The PBX's address, e.g. https://pbx.example.com:8887.
    #[arg(long)]
    pbx_url: String,
    #[arg(long)]
    pbx_user: String,
    #[arg(long, env = "PBX365_PBX_PASSWORD", hide_env_values = true)]
    pbx_password: String,
    /// The tenant's SIP domain.
    #[arg(long)]
    pbx_domain: Option<String>,
    /// A CA certificate (PEM) trusted for both the PBX and Microsoft (an emulator's CA).
    #[arg(long)]
    ca_file: Option<PathBuf>,
    /// The Microsoft authority to sign in at (read users through Graph); without it the PBX's
    /// own `/ms365/users` is used.
    #[arg(long)]
    ms_authority: Option<String>,
    #[arg(long, default_value = "organizations")]
    tenant: String,
    #[arg(long)]
    client_id: Option<String>,
    /// The history database.
    #[arg(long)]
    db: PathBuf,
    #[arg(long, default_value = "default")]
    profile: String,
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Plan only.
    #[arg(long, conflicts_with_all = ["drift", "history"])]
    dry_run: bool,
    /// Drift only.
    #[arg(long, conflicts_with = "history")]
    drift: bool,
    /// List the profile's runs (no sign-in needed).
    #[arg(long)]
    history: bool,
    /// Progress and the result as JSON lines on stdout.
    #[arg(long)]
    json: bool,
}

/// The CPU time (user + system) all the process's threads have used, in microseconds:
/// `CLOCK_PROCESS_CPUTIME_ID` counts the scheduler's nanoseconds, where `/proc/self/stat` and
/// `times()` round to 10 ms ticks — too coarse for a re-sync that takes 80 ms.
#[cfg(target_os = "linux")]
fn cpu_us() -> Option<u64> {
    let spent = rustix::time::clock_gettime(rustix::time::ClockId::ProcessCPUTime);
    let seconds = u64::try_from(spent.tv_sec).ok()?;
    let nanos = u64::try_from(spent.tv_nsec).ok()?;
    Some(seconds * 1_000_000 + nanos / 1_000)
}

#[cfg(not(target_os = "linux"))]
fn cpu_us() -> Option<u64> {
    None
}

/// The process's peak resident memory (VmHWM), on Linux.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn print_line(value: &serde_json::Value) {
    let mut out = std::io::stdout().lock();
    // A reader that went away (the test that killed us) is nothing to report.
    let _ = writeln!(out, "{value}");
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            EnvFilter::builder()
                .with_default_directive(LevelFilter::WARN.into())
                .from_env_lossy(),
        )
        .init();

    let store = Arc::new(SyncStore::open(&args.db)?);
    if args.history {
        let runs = store.history(&args.profile, 100)?;
        print_line(&serde_json::to_value(runs)?);
        return Ok(());
    }
    let ca_pem = args
        .ca_file
        .as_ref()
        .map(std::fs::read_to_string)
        .transpose()
        .context("reading the CA file")?;

    let mut pbx = portsip::Client::builder(&args.pbx_url);
    if let Some(ca_file) = &args.ca_file {
        pbx = pbx.ca_file(ca_file.clone());
    }
    let pbx = pbx.build()?;
    pbx.login_with(
        portsip::Credentials::new(
            &args.pbx_user,
            args.pbx_password.as_str(),
            args.pbx_domain.as_deref(),
        ),
        portsip::PasswordRetention::KeepInMemory,
    )
    .await?;
    // The example's source is what its arguments name: Graph with an authority, else the PBX.
    let source: Box<dyn MicrosoftDirectory> = match &args.ms_authority {
        Some(authority) => Box::new(GraphDirectory::new(
            sign_in(&args, authority, ca_pem).await?,
        )),
        None => Box::new(PbxDirectory::new(pbx.clone())),
    };

    let json = args.json;
    let engine = SyncEngine::new(store, &args.profile)
        .with_options(RunOptions {
            concurrency: args.concurrency,
            ..RunOptions::default()
        })
        .with_progress(Arc::new(move |event: &SyncEvent| {
            if json && let Ok(value) = serde_json::to_value(event) {
                print_line(&value);
            }
        }));
    let started = Instant::now();
    let (result, succeeded) = if args.drift {
        let report = engine.drift(&pbx, source.as_ref()).await?;
        (serde_json::to_value(&report)?, true)
    } else if args.dry_run {
        let plan = engine.preview(&pbx, source.as_ref()).await?;
        (serde_json::to_value(&plan)?, true)
    } else {
        let report = engine.run(&pbx, source.as_ref()).await?;
        (serde_json::to_value(&report.summary)?, report.succeeded())
    };
    let ended = serde_json::json!({
        "result": result,
        "wall_ms": started.elapsed().as_millis(),
        "cpu_us": cpu_us(),
        "peak_rss_kib": peak_rss_kib(),
    });
    if json {
        print_line(&ended);
    } else {
        print_line(&serde_json::json!({"summary": ended}));
    }
    if succeeded {
        Ok(())
    } else {
        anyhow::bail!("the sync run did not complete cleanly; see its outcomes in the history")
    }
}

async fn sign_in(
    args: &Args,
    authority: &str,
    ca_pem: Option<String>,
) -> anyhow::Result<entra::GraphClient> {
    let options = entra::SignInOptions {
        client_id: args
            .client_id
            .clone()
            .unwrap_or_else(|| entra::GRAPH_CLI_CLIENT_ID.to_owned()),
        tenant: args.tenant.clone(),
        graph_permissions: vec![
            "User.Read".to_owned(),
            entra::USER_SYNC_PERMISSION.to_owned(),
        ],
        http: entra::HttpOptions {
            extra_ca_pem: ca_pem,
            ..entra::HttpOptions::default()
        },
        ..entra::SignInOptions::default()
    };
    let authenticator =
        entra::Authenticator::new(entra::Cloud::custom(authority)?, options).await?;
    let session = authenticator
        .sign_in_with_device_code(|prompt| {
            eprintln!(
                "{}",
                prompt.message.clone().unwrap_or_else(|| format!(
                    "Open {} and enter the code {}",
                    prompt.verification_uri, prompt.user_code
                ))
            );
        })
        .await?;
    Ok(entra::GraphClient::new(session))
}
