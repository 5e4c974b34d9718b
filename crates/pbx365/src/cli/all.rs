//! `--all` for `sync`, `doctor` and `cert status`: every saved profile, `--parallel` at a time
//! ([`pbx365::all_profiles`]), and how the outcome reads — a line per tenant (or the JSON
//! report), then an error naming the tenants that failed.

use anyhow::bail;
use clap::Args;
use pbx365::Error;
use pbx365::all_profiles::{AllProfilesReport, Parallel, TenantFailure};
use pbx365::profile::{Profile, ProfileStore};
use pbx365::sync::SyncError;
use serde::Serialize;

use super::output;

/// What `--help` says about `--all`.
pub const HELP: &str = "With --all: every saved profile, --parallel at a time (default 8). \
Each tenant is reported on its own line (with --json, one object: {parallel, tenants: [{profile, \
ok, result | error {kind, message}}], failed: [profile…]}); one tenant failing does not stop the \
others. Exit code 0 when every tenant succeeded, 1 when any failed (they are named on stderr) \
or nothing could start, 2 for invalid arguments.";

#[derive(Debug, Args)]
pub struct AllArgs {
    /// Every saved profile, --parallel at a time; exit code 1 when any of them failed.
    #[arg(long)]
    pub all: bool,
    /// With --all: how many profiles at a time (1 to 32).
    #[arg(long, requires = "all", default_value_t = Parallel::default(), value_name = "K")]
    pub parallel: Parallel,
}

/// Every saved profile; none is an error that says how to make one.
pub fn saved_profiles() -> anyhow::Result<Vec<Profile>> {
    let profiles = ProfileStore::open_default()?.list()?;
    if profiles.is_empty() {
        bail!("there is no saved profile yet; create one with `pbx365 setup --profile NAME …`");
    }
    Ok(profiles)
}

/// The `--json` kind and the sentence of what stopped a profile's work.
pub fn failure(error: &anyhow::Error) -> TenantFailure {
    let kind = if let Some(error) = error.downcast_ref::<Error>() {
        error.code()
    } else if error.downcast_ref::<SyncError>().is_some() {
        "sync"
    } else {
        "profile"
    };
    TenantFailure {
        kind: kind.to_owned(),
        message: output::sentence(error),
    }
}

/// Prints the report (a line per tenant, or the JSON object) and fails, naming the tenants,
/// when any did. `what` names the work ("Sync", "Doctor"); `describe` sums up one result.
pub fn finish<T: Serialize>(
    what: &str,
    report: &AllProfilesReport<T>,
    json: bool,
    describe: impl Fn(&T) -> String,
) -> anyhow::Result<()> {
    let total = report.tenants.len();
    if json {
        output::print_json(report)?;
    } else {
        let width = report
            .tenants
            .iter()
            .map(|t| t.profile.chars().count())
            .max()
            .unwrap_or(0);
        let mut text = String::new();
        for tenant in &report.tenants {
            let verdict = if tenant.ok { "ok    " } else { "FAILED" };
            let detail = match (&tenant.result, &tenant.error) {
                (_, Some(error)) => output::clean(&error.message),
                (Some(result), None) => describe(result),
                (None, None) => String::new(),
            };
            text.push_str(&format!(
                "{:<width$}  {verdict}  {detail}\n",
                output::clean(&tenant.profile)
            ));
        }
        text.push_str(&format!(
            "{what}: {} of {total} profiles ok ({} at a time).\n",
            total - report.failed.len(),
            report.parallel
        ));
        output::print(&text)?;
    }
    if !report.passed() {
        bail!(
            "{what} failed for {} of {total} profiles: {}",
            report.failed.len(),
            report.failed.join(", ")
        );
    }
    Ok(())
}
