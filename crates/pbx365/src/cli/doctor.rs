//! `pbx365 doctor`: runs every check of a saved profile (or `--all` of them), signing in again
//! from the OS keyring. The exit code is 0 only when every check passes.

use anyhow::bail;
use clap::Args;
use pbx365::all_profiles::{AllProfilesReport, TenantOutcome, for_each};
use pbx365::doctor::DoctorReport;
use pbx365::profile::{Profile, ProfileStore};
use pbx365::progress::StepContext;
use serde_json::Map;

use super::all::{self, AllArgs};
use super::{engine, output, report};

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["profile", "all"])))]
pub struct DoctorArgs {
    /// The profile to check (as given to `pbx365 setup`).
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    #[command(flatten)]
    all: AllArgs,
    /// Print the report as one JSON object on stdout instead of the summary.
    #[arg(long)]
    json: bool,
}

pub async fn run(args: DoctorArgs) -> anyhow::Result<()> {
    let Some(name) = &args.profile else {
        return run_all(&args).await;
    };
    let ctx = engine::step_context();
    let report = match check(name, &ctx).await {
        Ok(report) => report,
        Err(error) => {
            if args.json {
                let failure = all::failure(&error);
                output::print_json_failure(&failure.kind, &failure.message, Map::new())?;
            }
            return Err(error);
        }
    };
    if args.json {
        output::print_json(&report)?;
    } else {
        output::print(&report::doctor(&report))?;
    }
    if !report.passed {
        bail!(
            "not every check passed for profile \"{name}\"; each failed check above says how to fix it"
        );
    }
    Ok(())
}

/// Every profile's checks, without progress lines (the tenants' would interleave).
async fn run_all(args: &DoctorArgs) -> anyhow::Result<()> {
    let profiles = all::saved_profiles()?;
    let ctx = engine::quiet_step_context();
    let parallel = args.all.parallel;
    let tenants = for_each(profiles, parallel, |profile: Profile| {
        let ctx = &ctx;
        async move {
            match check(&profile.name, ctx).await {
                Ok(report) => {
                    let passed = report.passed;
                    TenantOutcome::finished(&profile.name, report, passed)
                }
                Err(error) => TenantOutcome::failed(&profile.name, all::failure(&error)),
            }
        }
    })
    .await;
    all::finish(
        "Doctor",
        &AllProfilesReport::new(parallel, tenants),
        args.json,
        report::doctor_verdict,
    )
}

async fn check(name: &str, ctx: &StepContext) -> anyhow::Result<DoctorReport> {
    // The profile's CA file is trusted for Microsoft too, as `pbx365 setup --ca-file` was.
    let profile = ProfileStore::open_default()?.require(name)?;
    let env = engine::environment(profile.pbx.ca_pem.as_deref())?;
    Ok(pbx365::doctor::run(&env, name, ctx).await?)
}
