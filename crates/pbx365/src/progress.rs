//! Progress and cancellation for every step that waits on the network.
//!
//! A caller (the Tauri shell, the CLI, a test) hands each step a [`StepContext`]: a sink that
//! receives [`ProgressEvent`]s (the shell emits them as events, the CLI prints them) and a
//! [`CancellationToken`] it may cancel from elsewhere while the step runs.

use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
pub use tokio_util::sync::CancellationToken;
use ts_rs::TS;

mod text;
pub use text::ProgressText;

use crate::access::retry::RetryReason;

/// The wizard's steps, in order (`DESIGN.md`'s flow table, with review and apply split).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum StepId {
    ConnectPbx,
    Microsoft,
    AppRegistration,
    KeyPair,
    Consent,
    SyncOptions,
    Review,
    Apply,
    Verify,
}

impl StepId {
    pub const ALL: [StepId; 9] = [
        StepId::ConnectPbx,
        StepId::Microsoft,
        StepId::AppRegistration,
        StepId::KeyPair,
        StepId::Consent,
        StepId::SyncOptions,
        StepId::Review,
        StepId::Apply,
        StepId::Verify,
    ];

    /// The step's title as the admin reads it.
    pub fn title(self) -> &'static str {
        match self {
            StepId::ConnectPbx => "Connect to the PBX",
            StepId::Microsoft => "Microsoft account",
            StepId::AppRegistration => "App registration",
            StepId::KeyPair => "Key pair",
            StepId::Consent => "Consent",
            StepId::SyncOptions => "Sync options",
            StepId::Review => "Review",
            StepId::Apply => "Apply",
            StepId::Verify => "Verify",
        }
    }

    /// The step that must have run before this one.
    pub fn previous(self) -> Option<StepId> {
        let index = StepId::ALL.iter().position(|s| *s == self)?;
        index.checked_sub(1).map(|i| StepId::ALL[i])
    }
}

impl fmt::Display for StepId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title())
    }
}

/// What the device-code sign-in asks the admin to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct DeviceCodeInfo {
    pub user_code: String,
    pub verification_uri: String,
    pub expires_in_seconds: u64,
}

/// One progress report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct ProgressEvent {
    pub step: StepId,
    /// What the UI words from its catalogue.
    pub text: ProgressText,
    /// The same in English, for the CLI and logs.
    pub message: String,
    pub done: Option<u32>,
    pub total: Option<u32>,
    /// Waiting on someone else: Entra's replication, throttling, the admin in the browser.
    pub waiting: bool,
    /// Set while a device-code sign-in waits for the admin.
    pub device_code: Option<DeviceCodeInfo>,
}

impl ProgressEvent {
    /// A plain report: no counts, not waiting, no device code.
    pub fn new(step: StepId, text: ProgressText) -> Self {
        Self {
            step,
            message: text.to_string(),
            text,
            done: None,
            total: None,
            waiting: false,
            device_code: None,
        }
    }
}

/// Receives progress reports. Called on the task doing the work: keep it quick.
pub type ProgressSink = Arc<dyn Fn(&ProgressEvent) + Send + Sync>;

/// What a step is cancelled and reported through.
#[derive(Clone)]
pub struct StepContext {
    sink: ProgressSink,
    cancel: CancellationToken,
}

impl fmt::Debug for StepContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StepContext")
            .field("cancelled", &self.cancel.is_cancelled())
            .finish_non_exhaustive()
    }
}

/// The step was cancelled by the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0} was cancelled.")]
pub struct Cancelled(pub StepId);

impl StepContext {
    pub fn new(sink: ProgressSink, cancel: CancellationToken) -> Self {
        Self { sink, cancel }
    }

    /// Reports nothing and is never cancelled.
    pub fn silent() -> Self {
        Self::new(Arc::new(|_: &ProgressEvent| {}), CancellationToken::new())
    }

    pub fn cancel_token(&self) -> &CancellationToken {
        &self.cancel
    }

    pub fn emit(&self, event: ProgressEvent) {
        tracing::debug!(step = ?event.step, message = %event.message, "progress");
        (self.sink)(&event);
    }

    pub fn report(&self, step: StepId, text: ProgressText) {
        self.emit(ProgressEvent::new(step, text));
    }

    pub fn waiting(&self, step: StepId, text: ProgressText) {
        self.emit(ProgressEvent {
            waiting: true,
            ..ProgressEvent::new(step, text)
        });
    }

    pub fn count(&self, step: StepId, text: ProgressText, done: u32, total: u32) {
        self.emit(ProgressEvent {
            done: Some(done),
            total: Some(total),
            ..ProgressEvent::new(step, text)
        });
    }

    /// Entra's throttling and replication waits, reported as this step's waiting events.
    pub fn entra_progress(&self, step: StepId) -> entra::ProgressFn {
        let context = self.clone();
        Arc::new(move |progress: &entra::Progress| {
            context.waiting(step, ProgressText::from_entra(progress));
        })
    }

    /// Runs `work` until it finishes or the caller cancels; a cancelled step's future is
    /// dropped, which aborts its requests.
    pub async fn cancellable<T, E>(
        &self,
        step: StepId,
        work: impl Future<Output = Result<T, E>>,
    ) -> Result<T, E>
    where
        E: From<Cancelled>,
    {
        if self.cancel.is_cancelled() {
            return Err(Cancelled(step).into());
        }
        let context = self.clone();
        let waits: WaitObserver = Arc::new(move |pause, reason| {
            context.waiting(step, ProgressText::retrying(reason.clone(), pause));
        });
        tokio::select! {
            () = self.cancel.cancelled() => Err(Cancelled(step).into()),
            result = watching_waits(waits, work) => result,
        }
    }
}

/// Hears each pause a client takes before trying a call again: how long, and why.
pub type WaitObserver = Arc<dyn Fn(Duration, &RetryReason) + Send + Sync>;

tokio::task_local! {
    static WAITS: WaitObserver;
}

/// Runs `work` with `observer` hearing every retry pause taken inside it (on its task). The
/// clients are built once per session but serve many steps and runs; the pauses belong to
/// whichever of them is running.
pub async fn watching_waits<F: Future>(observer: WaitObserver, work: F) -> F::Output {
    WAITS.scope(observer, work).await
}

/// Tells whoever watches the current task that a call pauses before its next try.
pub(crate) fn tell_wait(pause: Duration, reason: &RetryReason) {
    // Outside any watched work (a background check, say) the pause is only logged.
    let _ = WAITS.try_with(|observer| observer(pause, reason));
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;

    #[tokio::test]
    async fn cancel_stops_a_waiting_step() {
        let context = StepContext::silent();
        let token = context.cancel_token().clone();
        let waiting = context.cancellable(StepId::Verify, async {
            tokio::time::sleep(std::time::Duration::from_secs(600)).await;
            Ok::<(), Cancelled>(())
        });
        token.cancel();
        assert_eq!(waiting.await, Err(Cancelled(StepId::Verify)));
    }

    #[test]
    fn events_reach_the_sink_with_counts() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let context = StepContext::new(
            Arc::new(move |event: &ProgressEvent| {
                if let Ok(mut seen) = sink.lock() {
                    seen.push(event.clone());
                }
            }),
            CancellationToken::new(),
        );
        context.count(
            StepId::SyncOptions,
            ProgressText::ReadPbxUsers { read: 100 },
            100,
            250,
        );
        (context.entra_progress(StepId::Apply))(&entra::Progress::WaitingForReplication {
            what: entra::Replicating::NewApp,
            attempt: 1,
            wait: std::time::Duration::from_secs(2),
        });
        let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
        assert_eq!(seen.len(), 2);
        assert_eq!((seen[0].done, seen[0].total), (Some(100), Some(250)));
        assert!(seen[1].waiting);
        assert!(
            seen[1]
                .message
                .starts_with("Waiting for Entra to replicate the new app"),
            "{}",
            seen[1].message
        );
    }

    #[test]
    fn steps_know_their_order() {
        assert_eq!(StepId::ConnectPbx.previous(), None);
        assert_eq!(StepId::Review.previous(), Some(StepId::SyncOptions));
    }
}
