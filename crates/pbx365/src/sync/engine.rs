//! A sync run from start to end: read the options and both sides, plan, journal, apply, record.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

use futures::TryStreamExt;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio_util::sync::CancellationToken;

use super::SyncError;
use super::apply::Applier;
use super::directory::{DirectoryUser, MicrosoftDirectory};
use super::drift::{DriftReport, compute_drift};
use super::group_scope::{self, SelectedUsersUpdate};
use super::note::ActionNote;
use super::pbx_users::{self, PbxUser};
use super::plan::{Plan, PlanCounts, PlanInput, make_plan};
use super::progress::{ProgressSink, Side, SyncEvent, SyncPhase};
use super::report::{OutcomeCounts, RunReport, RunStatus, RunSummary, UserOutcome};
use super::settings::SyncSettings;
use super::store::{SyncStore, Unfinished};
use crate::access::retry::RetryPolicy;
use crate::pbx_versions::{PbxEdition, Traits};
use crate::profile::Profile;
use crate::progress::{WaitObserver, watching_waits};
use crate::run_lock::{Activity, RunLock};

/// Read progress is reported every this many users.
const READ_REPORT_EVERY: usize = 1000;

/// How a run goes about its work.
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Users changed on the PBX at the same time: the profile's setting
    /// ([`RunOptions::for_profile`]).
    pub concurrency: usize,
    pub retry: RetryPolicy,
    /// Options to use instead of the PBX's `/ms365` `users` block (tests, previews of
    /// unsaved options).
    pub settings: Option<SyncSettings>,
    /// Create new users the source cannot classify as guest or disabled: only when the admin
    /// chose it for this run, never in an unattended one.
    pub create_unclassified: bool,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            concurrency: usize::from(super::concurrency::DEFAULT_PBX_CONCURRENCY),
            retry: RetryPolicy::default(),
            settings: None,
            create_unclassified: false,
        }
    }
}

impl RunOptions {
    /// The options a run of this saved profile uses: its PBX concurrency (checked), the rest
    /// as by default.
    pub fn for_profile(profile: &Profile) -> Result<Self, SyncError> {
        Ok(Self {
            concurrency: super::concurrency::pbx_concurrency(profile)
                .map_err(SyncError::BadOption)?,
            ..Self::default()
        })
    }
}

/// Runs, previews and drift checks for one profile's PBX.
#[derive(Clone)]
pub struct SyncEngine {
    store: Arc<SyncStore>,
    profile: String,
    options: RunOptions,
    progress: Option<ProgressSink>,
    cancel: CancellationToken,
}

impl std::fmt::Debug for SyncEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncEngine")
            .field("store", &self.store.path())
            .field("profile", &self.profile)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}

/// Both sides, as read.
struct Snapshot {
    settings: SyncSettings,
    traits: Traits,
    licences_left: Option<u32>,
    microsoft: Vec<DirectoryUser>,
    pbx: Vec<PbxUser>,
    links: HashMap<String, String>,
    /// With a group scope: the write that makes the PBX's selected users its members.
    selected_users: Option<SelectedUsersUpdate>,
}

impl Snapshot {
    fn input<'a>(
        &'a self,
        source: &dyn MicrosoftDirectory,
        create_unclassified: bool,
    ) -> PlanInput<'a> {
        PlanInput {
            settings: &self.settings,
            source: source.kind(),
            microsoft: &self.microsoft,
            pbx: &self.pbx,
            links: &self.links,
            create_unclassified,
            traits: self.traits,
            licences_left: self.licences_left,
        }
    }
}

fn now() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default()
}

impl SyncEngine {
    /// `profile` names whose runs and bindings these are, in `store`.
    pub fn new(store: Arc<SyncStore>, profile: &str) -> Self {
        Self {
            store,
            profile: profile.to_owned(),
            options: RunOptions::default(),
            progress: None,
            cancel: CancellationToken::new(),
        }
    }

    pub fn with_options(mut self, options: RunOptions) -> Self {
        self.options = options;
        self
    }

    pub fn with_progress(mut self, progress: ProgressSink) -> Self {
        self.progress = Some(progress);
        self
    }

    /// Cancelling `cancel` stops the run between requests: changes already sent finish and
    /// are journaled, the rest are recorded as not done.
    pub fn with_cancellation(mut self, cancel: CancellationToken) -> Self {
        self.cancel = cancel;
        self
    }

    pub fn store(&self) -> &SyncStore {
        &self.store
    }

    fn emit(&self, event: SyncEvent) {
        if let Some(sink) = &self.progress {
            sink(&event);
        }
    }

    /// The dry run: the plan a run would follow now. Changes nothing, writes nothing.
    pub async fn preview(
        &self,
        pbx: &portsip::Client,
        source: &dyn MicrosoftDirectory,
    ) -> Result<Plan, SyncError> {
        watching_waits(self.wait_observer(), self.preview_watched(pbx, source)).await
    }

    async fn preview_watched(
        &self,
        pbx: &portsip::Client,
        source: &dyn MicrosoftDirectory,
    ) -> Result<Plan, SyncError> {
        let snapshot = self.read(pbx, source).await?;
        let unfinished = self.store.unfinished(&self.profile)?;
        let plan = self.plan(&snapshot, source, unfinished.as_ref())?;
        self.emit(SyncEvent::Planned {
            run_id: None,
            counts: plan.counts,
        });
        self.emit(SyncEvent::Phase {
            phase: SyncPhase::Finished,
        });
        Ok(plan)
    }

    /// Drift between Microsoft 365 and the PBX. Changes nothing, writes nothing.
    pub async fn drift(
        &self,
        pbx: &portsip::Client,
        source: &dyn MicrosoftDirectory,
    ) -> Result<DriftReport, SyncError> {
        watching_waits(self.wait_observer(), async {
            let snapshot = self.read_unchecked(pbx, source).await?;
            Ok(compute_drift(&snapshot.input(source, false), now()))
        })
        .await
    }

    /// A real run. It is recorded in the history whatever happens; an error here means the
    /// run stopped as a whole (its record says so too). A run that finds an interrupted one
    /// finishes that one's work.
    pub async fn run(
        &self,
        pbx: &portsip::Client,
        source: &dyn MicrosoftDirectory,
    ) -> Result<RunReport, SyncError> {
        watching_waits(self.wait_observer(), self.run_watched(pbx, source)).await
    }

    /// Each pause a client takes before trying a call again, as a progress event.
    fn wait_observer(&self) -> WaitObserver {
        let sink = self.progress.clone();
        Arc::new(move |pause, reason| {
            if let Some(sink) = &sink {
                sink(&SyncEvent::Waiting {
                    millis: u64::try_from(pause.as_millis()).unwrap_or(u64::MAX),
                    reason: reason.clone(),
                });
            }
        })
    }

    async fn run_watched(
        &self,
        pbx: &portsip::Client,
        source: &dyn MicrosoftDirectory,
    ) -> Result<RunReport, SyncError> {
        // Held to the end of the run: a second run would take this one's journal for a dead one.
        let _lock = RunLock::acquire(self.store.folder(), Activity::Sync, &self.profile)?;
        let started = Instant::now();
        let started_at = now();
        let unfinished = self.store.unfinished(&self.profile)?;
        let resumed_from = unfinished.as_ref().map(|u| u.run_id);
        let run_id =
            self.store
                .begin_run(&self.profile, source.kind(), &started_at, resumed_from)?;
        let mut summary = RunSummary {
            id: run_id,
            profile: self.profile.clone(),
            started_at,
            finished_at: None,
            duration_ms: None,
            status: RunStatus::Running,
            source: source.kind(),
            resumed_from,
            planned: PlanCounts::default(),
            outcome: OutcomeCounts::default(),
            error: None,
        };
        let result = self
            .plan_and_apply(pbx, source, run_id, unfinished.as_ref())
            .await;
        summary.finished_at = Some(now());
        summary.duration_ms =
            Some(u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
        match result {
            Ok((plan, users, outcome, journal_error)) => {
                let selected_users = plan.selected_users.clone();
                summary.planned = plan.counts;
                summary.outcome = outcome;
                summary.status = if let Some(error) = &journal_error {
                    summary.error = Some(error.to_string());
                    RunStatus::Failed
                } else if self.cancel.is_cancelled() && outcome.not_done > 0 {
                    RunStatus::Cancelled
                } else if outcome.failed > 0 || outcome.not_done > 0 {
                    RunStatus::CompletedWithFailures
                } else {
                    RunStatus::Completed
                };
                // Best effort: the journal may be the very thing that failed.
                if let Err(error) = self.store.finish_run(&summary) {
                    tracing::warn!(%error, "the run's end could not be recorded");
                }
                self.finished(&summary);
                match journal_error {
                    Some(error) => Err(error),
                    None => Ok(RunReport {
                        summary,
                        plan,
                        users,
                        selected_users,
                    }),
                }
            }
            Err(error) => {
                summary.status = if matches!(error, SyncError::Cancelled) {
                    RunStatus::Cancelled
                } else {
                    RunStatus::Failed
                };
                summary.error = Some(error.to_string());
                if let Err(store_error) = self.store.finish_run(&summary) {
                    tracing::warn!(error = %store_error, "the run's end could not be recorded");
                }
                self.finished(&summary);
                Err(error)
            }
        }
    }

    fn finished(&self, summary: &RunSummary) {
        tracing::info!(run = summary.id, status = summary.status.as_str(), ?summary.outcome, "sync run ended");
        self.emit(SyncEvent::Phase {
            phase: SyncPhase::Finished,
        });
        self.emit(SyncEvent::Finished {
            summary: summary.clone(),
        });
    }

    async fn plan_and_apply(
        &self,
        pbx: &portsip::Client,
        source: &dyn MicrosoftDirectory,
        run_id: i64,
        unfinished: Option<&Unfinished>,
    ) -> Result<(Plan, Vec<UserOutcome>, OutcomeCounts, Option<SyncError>), SyncError> {
        let snapshot = self.read(pbx, source).await?;
        let plan = self.plan(&snapshot, source, unfinished)?;
        drop(snapshot);
        let lines = UserOutcome::all_of(&plan);
        self.store.record_plan(run_id, &plan.counts, &lines)?;
        self.emit(SyncEvent::Planned {
            run_id: Some(run_id),
            counts: plan.counts,
        });
        self.emit(SyncEvent::Phase {
            phase: SyncPhase::Applying,
        });
        // First, so the PBX's own nightly sync takes in the same people as this run.
        if let Some(update) = &plan.selected_users {
            group_scope::write(pbx, update).await?;
            tracing::info!(
                added = update.added.len(),
                removed = update.removed.len(),
                "the PBX's selected users now follow the groups"
            );
        }
        let applier = Applier {
            pbx,
            store: &self.store,
            profile: &self.profile,
            run_id,
            policy: self.options.retry,
            concurrency: self.options.concurrency,
            cancel: &self.cancel,
            progress: self.progress.as_ref(),
        };
        let (mut users, mut counts, journal_error) = applier.apply(&plan.actions).await;
        let rest = lines.into_iter().skip(plan.actions.len());
        for line in rest {
            counts.add(&line);
            users.push(line);
        }
        counts.unchanged = plan.counts.unchanged;
        Ok((plan, users, counts, journal_error))
    }

    fn plan(
        &self,
        snapshot: &Snapshot,
        source: &dyn MicrosoftDirectory,
        unfinished: Option<&Unfinished>,
    ) -> Result<Plan, SyncError> {
        self.emit(SyncEvent::Phase {
            phase: SyncPhase::Planning,
        });
        let mut plan = make_plan(&snapshot.input(source, self.options.create_unclassified))?;
        plan.selected_users = snapshot.selected_users.clone();
        if let Some(unfinished) = unfinished {
            let note = ActionNote::LeftUnfinished {
                run_id: unfinished.run_id,
            };
            for action in &mut plan.actions {
                if unfinished.object_ids.contains(&action.object_id) {
                    action.notes = vec![note.clone()];
                }
            }
        }
        Ok(plan)
    }

    /// Reads both sides, refusing when user sync is off.
    async fn read(
        &self,
        pbx: &portsip::Client,
        source: &dyn MicrosoftDirectory,
    ) -> Result<Snapshot, SyncError> {
        let snapshot = self.read_unchecked(pbx, source).await?;
        if snapshot.settings.enabled {
            Ok(snapshot)
        } else {
            Err(SyncError::UserSyncOff)
        }
    }

    async fn read_unchecked(
        &self,
        pbx: &portsip::Client,
        source: &dyn MicrosoftDirectory,
    ) -> Result<Snapshot, SyncError> {
        self.emit(SyncEvent::Phase {
            phase: SyncPhase::ReadingSettings,
        });
        // The client rides out passing trouble on each read; what fails here failed for good.
        // A source scoped to groups (the profile's `UserScope::Groups`) syncs exactly their
        // members and keeps the PBX's selected users equal to them.
        let groups = source.scope_groups();
        let pbx_block = if self.options.settings.is_none() || !groups.is_empty() {
            let ms365 = pbx.ms365().await.map_err(SyncError::Settings)?;
            ms365.settings.users
        } else {
            None
        };
        let mut settings = match &self.options.settings {
            Some(settings) => settings.clone(),
            None => SyncSettings::from_pbx(pbx_block.as_ref()),
        };
        let mut selected_users = None;
        if !groups.is_empty() {
            let members = source
                .group_members(groups)
                .await
                .map_err(|error| match error {
                    SyncError::GroupsDenied { .. } => SyncError::GroupsDenied {
                        profile: self.profile.clone(),
                    },
                    other => other,
                })?;
            settings.scope = group_scope::members_scope(&members);
            selected_users = group_scope::reconcile(groups, &members, pbx_block.as_ref());
        }
        let edition = PbxEdition::read(pbx).await.map_err(SyncError::Settings)?;
        self.emit(SyncEvent::Phase {
            phase: SyncPhase::ReadingUsers,
        });
        let microsoft = async {
            let mut users = Vec::new();
            let mut stream = source.users();
            while let Some(user) = stream.try_next().await? {
                users.push(user);
                if users.len() % READ_REPORT_EVERY == 0 {
                    self.read_progress(Side::Microsoft, users.len());
                }
            }
            self.read_progress(Side::Microsoft, users.len());
            Ok::<_, SyncError>(users)
        };
        let pbx_side = async {
            let users = pbx_users::read_all(pbx)
                .await
                .map_err(SyncError::PbxUsers)?;
            self.read_progress(Side::Pbx, users.len());
            Ok::<_, SyncError>(users)
        };
        let (microsoft, pbx_users) = tokio::try_join!(microsoft, pbx_side)?;
        Ok(Snapshot {
            settings,
            traits: edition.traits(),
            licences_left: edition.licences_left(),
            microsoft,
            pbx: pbx_users,
            links: self.store.links(&self.profile)?,
            selected_users,
        })
    }

    fn read_progress(&self, side: Side, users: usize) {
        self.emit(SyncEvent::Read {
            side,
            users: super::plan::count(users),
        });
    }
}
