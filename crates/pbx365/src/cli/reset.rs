//! `pbx365 reset --profile NAME [--delete-app] [--yes] [--json]`: takes a profile's Microsoft
//! 365 integration apart — the PBX, Entra, this computer — after showing what will change and
//! where. A reset that stopped is run again the same way and continues where it stopped.

use std::io::IsTerminal;
use std::sync::Arc;

use anyhow::{Context, bail};
use clap::Args;
use pbx365::guided::HandStep;
use pbx365::profile::{Mode, ProfileStore};
use pbx365::reset::{self, ResetError, ResetEvent, ResetPlan, ResetReport};
use serde_json::{Map, json};

use super::output::{self, Summary};
use super::{engine, stdin};

/// What `pbx365 reset --help` adds after the options.
pub const HELP: &str = "The plan (what changes on the PBX, in Microsoft Entra and on this \
computer, naming the tenant) is printed, then confirmed on the terminal unless --yes; without a \
terminal pbx365 refuses to reset unless --yes is given. Progress lines go to stderr. Exit code 0 \
when the reset finished (or there was nothing to reset), 1 when it stopped: run the same command \
again and it continues where it stopped.\n\n\
On PortSIP 22.6 and later the PBX resets its integration itself (POST /ms365/destroy, which also \
deletes its key pair); on older versions the Application and Directory IDs are cleared and every \
feature is switched off, and the key pair stays on the PBX. The PBX's users stay. In guided mode \
pbx365 has no Graph rights: the Entra part is printed as steps to do by hand.";

#[derive(Debug, Args)]
pub struct ResetArgs {
    /// The profile whose integration to remove (as given to `pbx365 setup`).
    #[arg(long, value_name = "NAME")]
    profile: String,
    /// Delete the app registration and its service principal, instead of only removing the
    /// PBX's certificate from the app.
    #[arg(long)]
    delete_app: bool,
    /// Reset without asking for confirmation.
    #[arg(long)]
    yes: bool,
    /// Print one JSON object on stdout (the plan and the report) instead of the summaries; the
    /// plan is still shown on stderr when confirmation is asked.
    #[arg(long)]
    json: bool,
}

pub async fn run(args: ResetArgs) -> anyhow::Result<()> {
    // Before anything is read or signed in to (a sign-in renews the saved PBX token).
    if !args.yes && !std::io::stdin().is_terminal() {
        let message = "pbx365 reset asks for confirmation on a terminal, and there is none, so \
                       nothing was read or changed. Run it in a terminal to review the plan and \
                       answer, or add --yes to reset without asking.";
        if args.json {
            output::print_json_failure("not-confirmed", message, Map::new())?;
        }
        bail!("{message}");
    }
    let store = ProfileStore::open_default()?;
    let ca_pem = match reset::saved_profile(&store, &args.profile) {
        Ok(profile) => profile.and_then(|p| p.pbx.ca_pem),
        Err(error) => return failed(&args, error),
    };
    let env = engine::environment(ca_pem.as_deref())?;
    let plan = match reset::plan(&env, &args.profile, args.delete_app).await {
        Ok(plan) => plan,
        Err(error) => return failed(&args, error),
    };
    let text = plan_text(&plan);
    if plan.nothing_to_do {
        if args.json {
            output::print_json(&json!({ "ok": true, "plan": plan, "report": null }))?;
        } else {
            output::print(&text)?;
        }
        return Ok(());
    }
    let asking = !args.yes;
    if args.json {
        if asking {
            eprint!("{text}");
        }
    } else {
        output::print(&text)?;
    }
    if asking && !stdin::ask("Reset?").context("no confirmation")? {
        bail!("nothing was changed: the reset was not confirmed");
    }
    let events = Arc::new(|event: &ResetEvent| {
        eprintln!(
            "[step {}] {}",
            event.step.number(),
            output::clean(&event.message)
        );
    });
    let report = match reset::run(&env, &args.profile, plan.delete_app, events).await {
        Ok(report) => report,
        Err(error) => return failed(&args, error),
    };
    if args.json {
        output::print_json(&json!({ "ok": true, "plan": plan, "report": report }))?;
    } else {
        output::print(&report_text(&report))?;
    }
    Ok(())
}

/// Ends the command with the reset's `error`, also as JSON with `--json`.
fn failed(args: &ResetArgs, error: ResetError) -> anyhow::Result<()> {
    if args.json {
        let mut details = Map::new();
        details.insert("step".to_owned(), json!(error.step()));
        output::print_json_failure(error.code(), &error.to_string(), details)?;
    }
    Err(error.into())
}

fn plan_text(plan: &ResetPlan) -> String {
    let mut summary = Summary::default();
    if plan.nothing_to_do {
        summary.heading(format!("Reset of profile \"{}\"", plan.profile));
        for warning in &plan.warnings {
            summary.item(warning.to_string());
        }
        return summary.render();
    }
    let mode = match plan.mode {
        Mode::Auto => "automatic mode",
        Mode::Guided => "guided mode",
    };
    summary.heading(format!(
        "Reset of profile \"{}\" ({mode}{})",
        plan.profile,
        if plan.delete_app {
            ", deleting the app registration"
        } else {
            ""
        }
    ));
    if let Some(stop) = &plan.resumes {
        summary.item(format!(
            "Continues the reset that stopped at step {} of 3: {}",
            stop.step.number(),
            stop.error
        ));
    }
    for step in &plan.steps {
        // Each summary names its place ("On the PBX …", "In Microsoft Entra …") and says when
        // an earlier reset did the step.
        summary.item(format!("{}. {}", step.number, step.summary));
    }
    if !plan.warnings.is_empty() {
        summary.heading("Warnings");
        for warning in &plan.warnings {
            summary.item(format!("- {warning}"));
        }
    }
    hand_steps(&mut summary, "To do by hand in Entra", &plan.hand_steps);
    output::clean(&summary.render())
}

fn report_text(report: &ResetReport) -> String {
    let mut summary = Summary::default();
    summary.heading(format!("Reset of profile \"{}\" finished", report.profile));
    for step in &report.steps {
        summary.field(&step.place, step.detail.to_string());
    }
    hand_steps(
        &mut summary,
        "Still to do by hand in Entra",
        &report.hand_steps,
    );
    output::clean(&summary.render())
}

fn hand_steps(summary: &mut Summary, heading: &str, steps: &[HandStep]) {
    if steps.is_empty() {
        return;
    }
    summary.heading(heading);
    for (number, step) in steps.iter().enumerate() {
        summary.item(format!(
            "{}. {}: {}",
            number + 1,
            step.title(),
            step.detail()
        ));
        if let Some(link) = &step.link {
            summary.item(format!("   {}: {}", link.label.text(), link.url));
        }
        for value in &step.copy {
            summary.item(format!("   {}: {}", value.label.text(), value.value));
        }
    }
}
