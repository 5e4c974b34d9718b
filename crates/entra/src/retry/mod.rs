//! Waiting out throttling and Entra's replication delay, within bounded budgets.
//!
//! Passing trouble — throttling, Microsoft's own failures, a connection dropped or timed out —
//! is waited out within the throttle budget. The network's own answer that a Microsoft host
//! which never answered this client cannot be reached (refused, no such host name, no route, a
//! proxy refusing the tunnel) is not passing trouble: it gets the brief unreachable budget.

use std::time::Duration;

mod patience;
mod progress;
mod replication;

pub(crate) use self::patience::{
    AnsweredHosts, Patience, Trouble, Waiting, is_transient, should_retry,
};
pub use self::progress::{ConnectionFailure, Progress, ProgressFn, Replicating};
pub use self::replication::{replication_wait, retry_while_replicating};

/// How long to keep trying. Tests shrink the durations; the defaults suit the real cloud.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Longest total wait for one request on 429/503 (and transient failures of idempotent ones).
    pub throttle_budget: Duration,
    /// Longest total wait for one request while the network answers that a Microsoft host which
    /// has not answered this client yet cannot be reached (connection refused, host name not
    /// found, no route, the proxy refusing). At most `throttle_budget`.
    pub unreachable_budget: Duration,
    /// First backoff step when Microsoft sends no `Retry-After`.
    pub throttle_base: Duration,
    /// First wait for replication; it doubles with each attempt (1, 2, 4, … s).
    pub replication_base: Duration,
    /// Longest single wait for replication.
    pub replication_cap: Duration,
    /// Longest total wait for one object to replicate.
    pub replication_budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            throttle_budget: Duration::from_secs(120),
            unreachable_budget: Duration::from_secs(1),
            throttle_base: Duration::from_secs(1),
            replication_base: Duration::from_secs(1),
            replication_cap: Duration::from_secs(120),
            replication_budget: Duration::from_secs(600),
        }
    }
}

/// `base · 2^attempt`, never more than `cap`.
pub(crate) fn backoff(base: Duration, cap: Duration, attempt: u32) -> Duration {
    base.saturating_mul(2u32.saturating_pow(attempt.min(31)))
        .min(cap)
}

/// The wait Microsoft asked for, if it still fits the budget. A `Retry-After` is never
/// shortened: retrying early would only be throttled again.
pub(crate) fn throttle_wait(
    waited: Duration,
    asked: Duration,
    budget: Duration,
) -> Option<Duration> {
    (waited.saturating_add(asked) <= budget).then_some(asked)
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: fn(u64) -> Duration = Duration::from_secs;

    #[test]
    fn backoff_doubles_and_caps() {
        let steps: Vec<u64> = (0..9).map(|a| backoff(S(1), S(120), a).as_secs()).collect();
        assert_eq!(steps, [1, 2, 4, 8, 16, 32, 64, 120, 120]);
        assert_eq!(backoff(S(1), S(120), 400), S(120));
    }

    #[test]
    fn throttle_budget_is_never_exceeded() {
        assert_eq!(throttle_wait(S(0), S(30), S(120)), Some(S(30)));
        assert_eq!(throttle_wait(S(90), S(30), S(120)), Some(S(30)));
        assert_eq!(throttle_wait(S(91), S(30), S(120)), None);
        assert_eq!(throttle_wait(S(0), S(121), S(120)), None);
    }
}
