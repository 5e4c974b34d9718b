//! The wall time of the automatic setup against the emulators at a fixed latency per request,
//! next to the sum of the latencies on its critical path, measured in the same run (the README
//! reports it). Not a test: `make test` does not run it.
//!
//! ```text
//! cargo run --release -p pbx365 --example express_setup_timing -- --latency-ms 100
//! ```
//!
//! The setup is the one the express UI drives: connect, browser sign-in (the emulator approves
//! at once), the checklist (`run_checks`), review, apply, verify. For comparison the same setup
//! then runs on fresh emulators with steps 3–6 one after the other, as the step pages do.
//!
//! The critical path is read from the emulators' records: the longest chain of requests in
//! which each starts after the one before it ended. No request of such a chain could have
//! overlapped another, so its length times the latency is what the protocol costs at the least;
//! the rest of the wall time is work, waits (Entra's replication) and scheduling.

#[path = "../tests/engine_common/mod.rs"]
mod engine_common;

use std::collections::BTreeSet;
use std::io::Write;
use std::ops::Range;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::Parser;
use engine_common::world;
use pbx365::features::Feature;
use pbx365::profile::SyncOptions;
use pbx365::progress::StepContext;
use pbx365::wizard::{AppRegistrationInput, ChecksInput, KeyPairInput, Wizard};

#[derive(Debug, Parser)]
struct Args {
    /// The latency every emulated request gets, PBX and Microsoft alike.
    #[arg(long, default_value_t = 100)]
    latency_ms: u64,
}

/// What the setup page sends with its defaults (ui/src/lib/wizard/inputs.ts and
/// sync-options/form-state.ts): users and single sign-on, every night at 02:00, new users'
/// extensions from 1300, photos on.
fn express_input() -> ChecksInput {
    let mut sync = SyncOptions {
        sync_time: "0 2 * * *".to_owned(),
        ..SyncOptions::default()
    };
    sync.users.starting_extension = Some("1300".to_owned());
    sync.users.sync_photos = true;
    ChecksInput {
        app: AppRegistrationInput {
            features: BTreeSet::from([Feature::Users, Feature::Sso]),
            display_name: None,
            optional_grants: BTreeSet::new(),
        },
        key_pair: KeyPairInput::default(),
        sync,
    }
}

struct Measured {
    wall: Duration,
    requests: usize,
    chain: usize,
    passed: bool,
    /// Each step's wall time, in order.
    phases: Vec<(&'static str, Duration)>,
}

async fn measure(latency: Duration, express: bool) -> anyhow::Result<Measured> {
    let world = world()
        .await
        .map_err(|e| anyhow::anyhow!("the emulators did not start: {e}"))?;
    world.sim.pbx_faults.set_latency(latency);
    world.sim.ms_faults.set_latency(latency);
    let ctx = StepContext::silent();
    let started = Instant::now();
    let mut phases = Vec::new();
    let mut lap = Instant::now();
    let mut mark = |name: &'static str| {
        phases.push((name, lap.elapsed()));
        lap = Instant::now();
    };
    let mut wizard = Wizard::open(world.env.clone(), "timing")?;
    wizard.connect_pbx(world.login(), &ctx).await?;
    mark("connect");
    wizard.sign_in_microsoft(world.sign_in(), &ctx).await?;
    mark("sign-in");
    let input = express_input();
    if express {
        wizard.run_checks(input, &ctx).await?;
    } else {
        wizard.plan_app_registration(input.app, &ctx).await?;
        wizard.plan_key_pair(input.key_pair, &ctx).await?;
        wizard.plan_consent(&ctx).await?;
        wizard.set_sync_options(input.sync, &ctx).await?;
    }
    mark("checks");
    wizard.review(&ctx).await?;
    mark("review");
    wizard.apply(&ctx).await?;
    mark("apply");
    let report = wizard.verify(&ctx).await?;
    mark("verify");
    let wall = started.elapsed();
    // As the client saw them: the emulator handles a request after its latency.
    let mut spans: Vec<Range<Instant>> = world
        .sim
        .pbx_recorder
        .exchanges()
        .into_iter()
        .chain(world.sim.ms_recorder.exchanges())
        .map(|exchange| exchange.handled)
        .filter(|handled| handled.start >= started + latency)
        .map(|handled| handled.start - latency..handled.end)
        .collect();
    let requests = spans.len();
    Ok(Measured {
        wall,
        requests,
        chain: longest_chain(&mut spans),
        passed: report.passed,
        phases,
    })
}

/// The most spans that follow one another without overlapping (earliest end first).
fn longest_chain(spans: &mut [Range<Instant>]) -> usize {
    spans.sort_by_key(|span| span.end);
    let mut chain = 0;
    let mut free_from: Option<Instant> = None;
    for span in spans.iter() {
        if free_from.is_none_or(|end| span.start >= end) {
            chain += 1;
            free_from = Some(span.end);
        }
    }
    chain
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let latency = Duration::from_millis(args.latency_ms);
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "latency {} ms per request | wall time | requests | critical path (requests x latency) | verified",
        args.latency_ms
    )?;
    for (name, express) in [
        ("express (checks concurrent)", true),
        ("step by step", false),
    ] {
        let measured = measure(latency, express)
            .await
            .with_context(|| format!("the {name} setup failed"))?;
        let critical = latency * u32::try_from(measured.chain)?;
        writeln!(
            out,
            "{name}: {:.1} s | {} | {} x {} ms = {:.1} s | {}",
            measured.wall.as_secs_f64(),
            measured.requests,
            measured.chain,
            args.latency_ms,
            critical.as_secs_f64(),
            if measured.passed {
                "every check passed"
            } else {
                "FAILED"
            },
        )?;
        let phases: Vec<String> = measured
            .phases
            .iter()
            .map(|(name, took)| format!("{name} {:.2} s", took.as_secs_f64()))
            .collect();
        writeln!(out, "  {}", phases.join(", "))?;
    }
    Ok(())
}
