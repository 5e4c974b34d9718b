//! `pbx365 cert status` (a monitoring plugin: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN, as
//! Nagios, Icinga and Zabbix expect) and `pbx365 cert rotate` (the yearly key-pair renewal as
//! one resumable action).

use std::process::ExitCode;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::Args;
use pbx365::all_profiles::{Parallel, for_each};
use pbx365::certificate::lifecycle::{
    CertificateStatus, RotationEvent, SystemClock, check_profile, connect_profile, report,
};
use pbx365::profile::{Profile, ProfileStore};
use serde_json::json;

use super::all::{self, AllArgs};
use super::{engine, output, stdin};

/// Monitoring plugins exit with 3 when they cannot say anything about the service.
const UNKNOWN: u8 = 3;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("which").required(true).args(["profile", "all"])))]
pub struct StatusArgs {
    /// The profile to check.
    #[arg(long, value_name = "NAME")]
    profile: Option<String>,
    /// Every profile, --parallel at a time: each is named in the line, the worst state
    /// decides the exit code.
    #[command(flatten)]
    all: AllArgs,
    /// Print `{"report": …, "statuses": […]}` instead of the plugin line.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
pub struct RotateArgs {
    /// The profile whose certificate to renew.
    #[arg(long, value_name = "NAME")]
    profile: String,
    /// Rotate without asking for confirmation.
    #[arg(long)]
    yes: bool,
}

/// Runs the check. Whatever goes wrong is reported as UNKNOWN (exit 3), never as a crash a
/// monitoring system would misread.
pub async fn status(args: StatusArgs) -> ExitCode {
    match checked(&args).await {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            let line = format!("PBX365 CERT UNKNOWN - {}\n", output::sentence(&error));
            // Nothing else can be said if stdout itself is gone; the exit code still is.
            if output::print(&line).is_err() {
                eprint!("{line}");
            }
            ExitCode::from(UNKNOWN)
        }
    }
}

async fn checked(args: &StatusArgs) -> anyhow::Result<u8> {
    let (profiles, parallel) = match &args.profile {
        Some(name) => (
            vec![ProfileStore::open_default()?.require(name)?],
            Parallel::default(),
        ),
        None => (all::saved_profiles()?, args.all.parallel),
    };
    let statuses = for_each(profiles, parallel, |profile: Profile| async move {
        // Each profile's own CA file, as `pbx365 setup --ca-file` gave it.
        let env = engine::environment(profile.pbx.ca_pem.as_deref())?;
        anyhow::Ok(check_profile(&env, &profile, &SystemClock).await)
    })
    .await
    .into_iter()
    .collect::<anyhow::Result<Vec<CertificateStatus>>>()?;
    let summary = report(&statuses);
    if args.json {
        output::print_json(&json!({ "report": summary, "statuses": statuses }))?;
    } else {
        output::print(&format!("{}\n", summary.line))?;
    }
    Ok(summary.exit_code)
}

pub async fn rotate(args: RotateArgs) -> anyhow::Result<()> {
    let profile = ProfileStore::open_default()?.require(&args.profile)?;
    let env = engine::environment(profile.pbx.ca_pem.as_deref())?;
    let connection = connect_profile(&env, &profile).await?;
    let events = Arc::new(|event: &RotationEvent| {
        eprintln!("[step {}] {}", event.step.number(), event.message);
        if let Some(hand) = &event.hand_step {
            eprintln!("  → {}", hand.title());
        }
    });
    let rotation = connection.rotation(&env, &SystemClock, events)?;
    let plan = rotation.plan().await?;
    eprintln!("Certificate rotation for profile '{}':", plan.profile);
    for step in &plan.steps {
        let done = if step.done { " (done earlier)" } else { "" };
        eprintln!("  {}. {}{done}", step.number, step.title);
    }
    for warning in &plan.warnings {
        eprintln!("Warning: {warning}");
    }
    if !args.yes && !stdin::ask("Rotate the certificate now?").context("no confirmation")? {
        bail!("nothing was changed: the rotation was not confirmed");
    }
    let done = rotation.run().await?;
    output::print(&format!(
        "Rotated: the PBX now uses {} (valid until {}); the PBX listed {} Microsoft 365 users with it.\n\
         The new certificate is saved as {}.\n",
        done.new_certificate.sha1_thumbprint,
        done.new_certificate.not_after,
        done.users_listed,
        done.certificate_file,
    ))?;
    if let Some(hand) = &done.remove_by_hand {
        output::print(&format!("Left to do by hand: {}\n", hand.title()))?;
    }
    Ok(())
}
