//! Waiting for Entra's replication: an object just created is not yet seen by every replica.

use std::future::Future;
use std::time::Duration;

use super::progress::{Progress, ProgressFn, Replicating};
use super::{RetryPolicy, backoff};
use crate::error::EntraError;

/// The next wait for a replica (`replication_base · 2^attempt`, at most `replication_cap`);
/// the last one is shortened to end exactly at the budget, and `None` once it is spent.
pub fn replication_wait(policy: &RetryPolicy, waited: Duration, attempt: u32) -> Option<Duration> {
    let remaining = policy.replication_budget.saturating_sub(waited);
    (!remaining.is_zero())
        .then(|| backoff(policy.replication_base, policy.replication_cap, attempt).min(remaining))
}

/// Runs `operation` until it succeeds, fails with an error that `is_lag` does not recognise as
/// replication lag, or the replication budget is spent ([`EntraError::ReplicationTimeout`]).
/// Each wait is reported as [`Progress::WaitingForReplication`].
pub async fn retry_while_replicating<T, F, Fut>(
    policy: &RetryPolicy,
    progress: Option<&ProgressFn>,
    what: Replicating,
    is_lag: impl Fn(&EntraError) -> bool,
    mut operation: F,
) -> Result<T, EntraError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, EntraError>>,
{
    let mut waited = Duration::ZERO;
    let mut attempt = 0u32;
    loop {
        let error = match operation().await {
            Err(error) if is_lag(&error) => error,
            done => return done,
        };
        let Some(wait) = replication_wait(policy, waited, attempt) else {
            return Err(EntraError::ReplicationTimeout {
                what,
                waited,
                last: Box::new(error),
            });
        };
        attempt += 1;
        let report = Progress::WaitingForReplication {
            what,
            attempt,
            wait,
        };
        tracing::info!(%error, "{report}");
        if let Some(progress) = progress {
            progress(&report);
        }
        tokio::time::sleep(wait).await;
        waited += wait;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::{Arc, Mutex};

    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn replication_waits_add_up_to_the_budget() {
        let policy = RetryPolicy {
            replication_budget: S(10),
            ..RetryPolicy::default()
        };
        let mut waited = Duration::ZERO;
        let mut waits = Vec::new();
        let mut attempt = 0;
        while let Some(wait) = replication_wait(&policy, waited, attempt) {
            waits.push(wait.as_secs());
            waited += wait;
            attempt += 1;
        }
        assert_eq!(waits, [1, 2, 4, 3]);
        assert_eq!(waited, S(10));
    }

    fn fast() -> RetryPolicy {
        RetryPolicy {
            replication_base: Duration::from_millis(1),
            replication_cap: Duration::from_millis(4),
            replication_budget: Duration::from_millis(40),
            ..RetryPolicy::default()
        }
    }

    fn lag() -> EntraError {
        EntraError::unexpected("test", "not there yet")
    }

    #[tokio::test]
    async fn retries_lag_until_success_and_reports_progress() {
        let reports = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&reports);
        let progress: ProgressFn = Arc::new(move |p: &Progress| {
            if let Ok(mut reports) = sink.lock() {
                reports.push(p.to_string());
            }
        });
        let calls = AtomicU32::new(0);
        let outcome = retry_while_replicating(
            &fast(),
            Some(&progress),
            Replicating::NewApp,
            |_| true,
            || async {
                if calls.fetch_add(1, Ordering::SeqCst) < 3 {
                    Err(lag())
                } else {
                    Ok(7)
                }
            },
        )
        .await;
        assert!(matches!(outcome, Ok(7)));
        let reports = reports.lock().map(|r| r.clone()).unwrap_or_default();
        assert_eq!(reports.len(), 3);
        assert!(
            reports[0].starts_with("Waiting for Entra to replicate the new app…"),
            "{}",
            reports[0]
        );
    }

    #[tokio::test]
    async fn gives_up_after_the_budget_and_passes_other_errors_through() {
        let outcome: Result<(), _> = retry_while_replicating(
            &fast(),
            None,
            Replicating::NewApp,
            |_| true,
            || async { Err(lag()) },
        )
        .await;
        assert!(
            matches!(outcome, Err(EntraError::ReplicationTimeout { waited, .. }) if waited == Duration::from_millis(40))
        );

        let calls = AtomicU32::new(0);
        let outcome: Result<(), _> = retry_while_replicating(
            &fast(),
            None,
            Replicating::App,
            |_| false,
            || async {
                calls.fetch_add(1, Ordering::SeqCst);
                Err(EntraError::Declined)
            },
        )
        .await;
        assert!(matches!(outcome, Err(EntraError::Declined)));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }
}
