//! What a run did: its status and counts, and one outcome per user — as the history stores
//! them, the UI shows them and the CLI prints them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::directory::SourceKind;
use super::failure::UserFailure;
use super::group_scope::SelectedUsersUpdate;
use super::note::ActionNote;
use super::plan::{ActionKind, Plan, PlanCounts, PlannedAction, Reason, ReportedUser, SkippedUser};

/// How a run ended (or that it is still going).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum RunStatus {
    Running,
    /// Every planned change was made.
    Completed,
    /// The run went through; some users failed (see their outcomes).
    CompletedWithFailures,
    /// The run stopped as a whole (see its error); nothing after that point was changed.
    Failed,
    Cancelled,
    /// The process ended mid-run (killed, crashed, power lost); the next run finished the job.
    Interrupted,
}

impl RunStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Completed => "completed",
            RunStatus::CompletedWithFailures => "completed-with-failures",
            RunStatus::Failed => "failed",
            RunStatus::Cancelled => "cancelled",
            RunStatus::Interrupted => "interrupted",
        }
    }

    pub(crate) fn parse(text: &str) -> Self {
        [
            RunStatus::Running,
            RunStatus::Completed,
            RunStatus::CompletedWithFailures,
            RunStatus::Failed,
            RunStatus::Cancelled,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
        .unwrap_or(RunStatus::Interrupted)
    }
}

/// What happened to one user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum OutcomeStatus {
    /// Planned, not started (yet, or ever: see the run's status).
    Pending,
    /// Started; the run ended before it was known to be finished.
    Started,
    Done,
    Failed,
    Cancelled,
    Skipped,
    Reported,
}

impl OutcomeStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeStatus::Pending => "pending",
            OutcomeStatus::Started => "started",
            OutcomeStatus::Done => "done",
            OutcomeStatus::Failed => "failed",
            OutcomeStatus::Cancelled => "cancelled",
            OutcomeStatus::Skipped => "skipped",
            OutcomeStatus::Reported => "reported",
        }
    }

    pub(crate) fn parse(text: &str) -> Self {
        [
            OutcomeStatus::Pending,
            OutcomeStatus::Done,
            OutcomeStatus::Failed,
            OutcomeStatus::Cancelled,
            OutcomeStatus::Skipped,
            OutcomeStatus::Reported,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
        .unwrap_or(OutcomeStatus::Started)
    }
}

/// One user's line in a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct UserOutcome {
    /// The line's position in the run: planned actions first, then skipped and reported users.
    pub seq: u32,
    /// `None` for skipped and reported users.
    pub action: Option<ActionKind>,
    pub status: OutcomeStatus,
    pub object_id: Option<String>,
    pub principal: Option<String>,
    pub pbx_user_id: Option<String>,
    pub pbx_name: Option<String>,
    pub extension: Option<String>,
    /// Why a user was skipped or reported.
    pub reason: Option<Reason>,
    /// What went wrong.
    pub error: Option<UserFailure>,
    pub notes: Vec<ActionNote>,
}

impl UserOutcome {
    pub(crate) fn planned(action: &PlannedAction) -> Self {
        Self {
            seq: action.seq,
            action: Some(action.kind),
            status: OutcomeStatus::Pending,
            object_id: Some(action.object_id.clone()),
            principal: Some(action.principal.clone()),
            pbx_user_id: action.pbx_user_id.clone(),
            pbx_name: Some(action.pbx_name.clone()),
            extension: action.extension.clone(),
            reason: None,
            error: None,
            notes: action.notes.clone(),
        }
    }

    fn skipped(seq: u32, user: &SkippedUser) -> Self {
        Self {
            seq,
            action: None,
            status: OutcomeStatus::Skipped,
            object_id: Some(user.object_id.clone()),
            principal: Some(user.principal.clone()),
            pbx_user_id: None,
            pbx_name: None,
            extension: None,
            reason: Some(user.reason),
            error: None,
            notes: Vec::new(),
        }
    }

    fn reported(seq: u32, user: &ReportedUser) -> Self {
        Self {
            seq,
            action: None,
            status: OutcomeStatus::Reported,
            object_id: user.object_id.clone(),
            principal: user.email.clone(),
            pbx_user_id: Some(user.pbx_user_id.clone()),
            pbx_name: Some(user.pbx_name.clone()),
            extension: None,
            reason: Some(user.reason),
            error: None,
            notes: Vec::new(),
        }
    }

    /// Every line of a plan, before anything ran.
    pub(crate) fn all_of(plan: &Plan) -> Vec<Self> {
        let first = super::plan::count(plan.actions.len());
        let mut lines: Vec<Self> = plan.actions.iter().map(Self::planned).collect();
        lines.reserve(plan.skipped.len() + plan.reported.len());
        let mut seq = first;
        for user in &plan.skipped {
            lines.push(Self::skipped(seq, user));
            seq += 1;
        }
        for user in &plan.reported {
            lines.push(Self::reported(seq, user));
            seq += 1;
        }
        lines
    }
}

/// How many users ended how.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct OutcomeCounts {
    pub created: u32,
    pub adopted: u32,
    pub updated: u32,
    pub disabled: u32,
    pub failed: u32,
    /// Planned but not done: cancelled, or left by an interrupted run.
    pub not_done: u32,
    pub skipped: u32,
    pub reported: u32,
    pub unchanged: u32,
}

impl OutcomeCounts {
    /// Counts one finished line.
    pub(crate) fn add(&mut self, outcome: &UserOutcome) {
        let counter = match (outcome.status, outcome.action) {
            (OutcomeStatus::Done, Some(ActionKind::Create)) => &mut self.created,
            (OutcomeStatus::Done, Some(ActionKind::Adopt)) => &mut self.adopted,
            (OutcomeStatus::Done, Some(ActionKind::Update)) => &mut self.updated,
            (OutcomeStatus::Done, Some(ActionKind::Disable)) => &mut self.disabled,
            (OutcomeStatus::Failed, _) => &mut self.failed,
            (OutcomeStatus::Skipped, _) => &mut self.skipped,
            (OutcomeStatus::Reported, _) => &mut self.reported,
            _ => &mut self.not_done,
        };
        *counter += 1;
    }

    /// Lines done, failed or given up: what a progress bar counts.
    pub fn finished_actions(&self) -> u32 {
        self.created + self.adopted + self.updated + self.disabled + self.failed + self.not_done
    }
}

/// A run as the history lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct RunSummary {
    #[ts(type = "number")]
    pub id: i64,
    pub profile: String,
    /// RFC 3339.
    pub started_at: String,
    pub finished_at: Option<String>,
    #[ts(type = "number | null")]
    pub duration_ms: Option<u64>,
    pub status: RunStatus,
    pub source: SourceKind,
    /// The interrupted run this one finished.
    #[ts(type = "number | null")]
    pub resumed_from: Option<i64>,
    pub planned: PlanCounts,
    pub outcome: OutcomeCounts,
    /// Why the run stopped as a whole.
    pub error: Option<String>,
}

/// A run with every user's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct RunDetail {
    pub summary: RunSummary,
    pub users: Vec<UserOutcome>,
}

/// What [`SyncEngine::run`](super::SyncEngine::run) answers: the run, the plan it followed
/// and every user's outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct RunReport {
    pub summary: RunSummary,
    pub plan: Plan,
    pub users: Vec<UserOutcome>,
    /// The PBX's selected users as this run rewrote them (a user sync scoped to groups whose
    /// members changed); `None` when the list was left as it was.
    #[serde(default)]
    #[ts(optional)]
    pub selected_users: Option<SelectedUsersUpdate>,
}

impl RunReport {
    /// The CLI's exit status: success only when nothing failed and nothing was left undone.
    pub fn succeeded(&self) -> bool {
        self.summary.status == RunStatus::Completed
    }

    /// How many new users were held back because the source could not classify them.
    pub fn held_back(&self) -> usize {
        self.plan.held_back().count()
    }
}
