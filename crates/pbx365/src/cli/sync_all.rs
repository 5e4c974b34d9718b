//! `pbx365 sync --all`: every saved profile's sync, `--parallel` at a time. A run writes to
//! every tenant's PBX, so unless `--yes` it first shows each tenant's plan and asks; `--dry-run`
//! only shows the plans.

use std::sync::Arc;

use anyhow::{Context, bail};
use pbx365::all_profiles::{AllProfilesReport, Parallel, TenantOutcome, for_each};
use pbx365::profile::{Profile, ProfileStore};
use pbx365::profile_summary::ProfileSummary;
use pbx365::progress::CancellationToken;
use pbx365::sync::{PlanCounts, RunOptions, RunSummary, SyncEngine, SyncStore, database_path};
use serde::Serialize;

use super::all;
use super::stdin;
use super::sync::{cancel_on_ctrl_c, connected, counts};

/// What `sync --all` was asked to do.
#[derive(Debug, Clone, Copy)]
pub struct SyncAll {
    pub parallel: Parallel,
    pub dry_run: bool,
    pub create_unclassified: bool,
    pub json: bool,
    pub yes: bool,
}

/// One tenant's sync: what it planned and, unless a dry run, the run.
#[derive(Debug, Serialize)]
struct TenantSync {
    planned: PlanCounts,
    #[serde(skip_serializing_if = "Option::is_none")]
    run: Option<RunSummary>,
}

/// Reads, plans and (unless a dry run) syncs one profile.
struct Syncer {
    store: Arc<SyncStore>,
    options: SyncAll,
    cancel: CancellationToken,
}

pub async fn run(options: SyncAll) -> anyhow::Result<()> {
    let profiles = all::saved_profiles()?;
    let store = Arc::new(SyncStore::open(database_path(
        &ProfileStore::open_default()?,
    ))?);
    let syncer = Syncer {
        store,
        options,
        cancel: cancel_on_ctrl_c(),
    };
    if !options.dry_run && !options.yes {
        let planned = syncer.each(&profiles, true).await;
        confirm(&profiles, &planned, options.parallel)?;
    }
    let tenants = syncer.each(&profiles, options.dry_run).await;
    let what = if options.dry_run { "Dry run" } else { "Sync" };
    all::finish(
        what,
        &AllProfilesReport::new(options.parallel, tenants),
        options.json,
        describe,
    )
}

impl Syncer {
    async fn each(&self, profiles: &[Profile], dry_run: bool) -> Vec<TenantOutcome<TenantSync>> {
        for_each(profiles, self.options.parallel, |profile| async move {
            match self.one(profile, dry_run).await {
                Ok(outcome) => outcome,
                Err(error) => TenantOutcome::failed(&profile.name, all::failure(&error)),
            }
        })
        .await
    }

    async fn one(
        &self,
        profile: &Profile,
        dry_run: bool,
    ) -> anyhow::Result<TenantOutcome<TenantSync>> {
        // Checked before signing in, as `pbx365 sync` does: a bad setting is the profile's.
        let options = RunOptions {
            create_unclassified: self.options.create_unclassified,
            ..RunOptions::for_profile(profile)?
        };
        let connection = connected(profile).await?;
        let engine = SyncEngine::new(Arc::clone(&self.store), &profile.name)
            .with_options(options)
            .with_cancellation(self.cancel.clone());
        let source = connection.source.as_ref();
        if dry_run {
            let plan = engine.preview(&connection.pbx, source).await?;
            let planned = TenantSync {
                planned: plan.counts,
                run: None,
            };
            return Ok(TenantOutcome::finished(&profile.name, planned, true));
        }
        let report = engine.run(&connection.pbx, source).await?;
        let succeeded = report.succeeded();
        let done = TenantSync {
            planned: report.plan.counts,
            run: Some(report.summary),
        };
        Ok(TenantOutcome::finished(&profile.name, done, succeeded))
    }
}

/// Says which tenants the run writes to and what each plans, and asks (stderr and the
/// terminal, so `--json` keeps stdout to its one object).
fn confirm(
    profiles: &[Profile],
    planned: &[TenantOutcome<TenantSync>],
    parallel: Parallel,
) -> anyhow::Result<()> {
    eprintln!(
        "pbx365 will sync Microsoft 365 users into the PBX of {} profiles, {parallel} at a time \
         (users are created, updated and disabled as planned; none is deleted):",
        profiles.len()
    );
    for (profile, outcome) in profiles.iter().zip(planned) {
        let summary = ProfileSummary::of(profile);
        let tenant = summary
            .pbx_domain
            .as_deref()
            .unwrap_or(summary.pbx_host.as_str());
        let what = match (&outcome.result, &outcome.error) {
            (_, Some(error)) => format!("cannot sync now: {}", error.message),
            (Some(sync), None) => counts(&sync.planned),
            (None, None) => String::new(),
        };
        eprintln!(
            "  {} ({tenant} at {}): {what}",
            profile.name, summary.pbx_host
        );
    }
    let question = format!("Sync these {} profiles now?", profiles.len());
    if !stdin::ask(&question).context("no confirmation")? {
        bail!(
            "nothing was changed: the sync of {} profiles was not confirmed (--yes syncs without asking)",
            profiles.len()
        );
    }
    Ok(())
}

fn describe(sync: &TenantSync) -> String {
    match &sync.run {
        Some(run) => format!("{:?}: {}", run.status, counts(&run.outcome)),
        None => format!("plan: {}", counts(&sync.planned)),
    }
}
