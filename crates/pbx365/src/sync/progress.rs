//! Live progress of a sync, for the CLI (a bar, or JSON lines) and the desktop app (events).

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::plan::PlanCounts;
use super::report::{OutcomeCounts, RunSummary, UserOutcome};
use crate::access::retry::RetryReason;

/// The stages of a run, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum SyncPhase {
    /// The PBX's Microsoft 365 settings (the sync options).
    ReadingSettings,
    /// Microsoft 365 users and PBX users, side by side.
    ReadingUsers,
    Planning,
    Applying,
    Finished,
}

/// Which side a read count is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum Side {
    Microsoft,
    Pbx,
}

/// One progress event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "event", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum SyncEvent {
    Phase {
        phase: SyncPhase,
    },
    /// Users read so far from one side.
    Read {
        side: Side,
        users: u32,
    },
    /// The plan is made; `run_id` is `None` for a dry run.
    Planned {
        #[ts(type = "number | null")]
        run_id: Option<i64>,
        counts: PlanCounts,
    },
    /// One planned change finished (or failed, or was given up).
    Progress {
        done: u32,
        total: u32,
        counts: OutcomeCounts,
        user: UserOutcome,
    },
    /// A request is held back: the PBX asked to slow down, or failed and is retried.
    Waiting {
        #[ts(type = "number")]
        millis: u64,
        reason: RetryReason,
    },
    Finished {
        summary: RunSummary,
    },
}

/// Where events go: the CLI prints them, the desktop shell emits them to the window.
pub type ProgressSink = Arc<dyn Fn(&SyncEvent) + Send + Sync>;

/// A sink that sends every event into a channel, for a consumer on another task.
pub fn channel() -> (
    ProgressSink,
    tokio::sync::mpsc::UnboundedReceiver<SyncEvent>,
) {
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    let sink: ProgressSink = Arc::new(move |event: &SyncEvent| {
        // A consumer that went away only stops listening; the run goes on.
        let _ = sender.send(event.clone());
    });
    (sink, receiver)
}

/// The event for a request held back by `error` for `pause`.
pub(crate) fn waiting(pause: Duration, error: &portsip::Error) -> SyncEvent {
    SyncEvent::Waiting {
        millis: u64::try_from(pause.as_millis()).unwrap_or(u64::MAX),
        reason: RetryReason::of_pbx(error),
    }
}
