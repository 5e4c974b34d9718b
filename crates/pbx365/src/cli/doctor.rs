//! `pbx365 doctor`: runs every check of a saved profile, signing in again from the OS keyring.
//! The exit code is 0 only when every check passes.

use anyhow::bail;
use clap::Args;
use pbx365::Error;
use pbx365::doctor::DoctorReport;
use pbx365::profile::ProfileStore;
use serde_json::Map;

use super::{engine, output, report};

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// The profile to check (as given to `pbx365 setup`).
    #[arg(long, value_name = "NAME")]
    profile: String,
    /// Print the report as one JSON object on stdout instead of the summary.
    #[arg(long)]
    json: bool,
}

pub async fn run(args: DoctorArgs) -> anyhow::Result<()> {
    let report = match check(&args).await {
        Ok(report) => report,
        Err(error) => {
            if args.json {
                let code = error.downcast_ref::<Error>().map_or("profile", Error::code);
                output::print_json_failure(code, &output::sentence(&error), Map::new())?;
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
            "not every check passed for profile \"{}\"; each failed check above says how to fix it",
            args.profile
        );
    }
    Ok(())
}

async fn check(args: &DoctorArgs) -> anyhow::Result<DoctorReport> {
    // The profile's CA file is trusted for Microsoft too, as `pbx365 setup --ca-file` was.
    let profile = ProfileStore::open_default()?.require(&args.profile)?;
    let env = engine::environment(profile.pbx.ca_pem.as_deref())?;
    let ctx = engine::step_context();
    Ok(pbx365::doctor::run(&env, &args.profile, &ctx).await?)
}
