//! The one retry policy of every call, and the read-back retry of writes that are not
//! idempotent: a create whose reply was lost (dropped connection, timeout, 5xx) is tried again
//! only after the caller has looked whether the first attempt went through.

use std::future::Future;
use std::time::Duration;

use portsip::{Error, NetworkFailure};
use tokio_util::sync::CancellationToken;

mod reason;
pub use self::reason::RetryReason;

/// How every call to the PBX and to Microsoft rides out passing trouble — throttling (429 with
/// `Retry-After`), 5xx answers, connections dropped or timed out, a PBX refusing connections
/// while it restarts — and how long Entra's replication is waited for. A PBX address that the
/// network says cannot be reached (connection refused or host name unknown before the PBX has
/// answered at all) is no passing trouble: it fails after `unreachable_budget`, so one dead
/// PBX among many tenants costs seconds, not minutes. One policy for setup, doctor, sync,
/// drift, rotation and reset: the clients apply it to each request ([`RetryPolicy::pbx`],
/// [`RetryPolicy::microsoft`]); [`with_retry`] adds the read-back retry of writes that are not
/// idempotent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The first pause when the server names none; doubled each time.
    pub first_backoff: Duration,
    /// The longest single pause.
    pub max_backoff: Duration,
    /// The most one call may spend trying before its failure counts.
    pub budget: Duration,
    /// The most one call may spend trying a PBX address that cannot be reached (at most
    /// `budget`).
    pub unreachable_budget: Duration,
    /// Entra's replication after an app or key was created.
    pub replication: Replication,
}

/// How long a new Entra object is waited for until every replica sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replication {
    /// The first wait; doubled each time.
    pub first: Duration,
    /// The longest single wait.
    pub cap: Duration,
    /// The longest total wait for one object.
    pub budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            first_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(30),
            budget: Duration::from_secs(120),
            unreachable_budget: Duration::from_secs(1),
            replication: Replication {
                first: Duration::from_secs(1),
                cap: Duration::from_secs(120),
                budget: Duration::from_secs(600),
            },
        }
    }
}

impl RetryPolicy {
    /// The policy for every PBX request.
    pub fn pbx(&self) -> portsip::RetryPolicy {
        portsip::RetryPolicy {
            first_backoff: self.first_backoff,
            max_backoff: self.max_backoff,
            budget: self.budget,
            unreachable_budget: self.unreachable_budget,
        }
    }

    /// The policy for every Microsoft request (identity platform and Graph).
    pub fn microsoft(&self) -> entra::RetryPolicy {
        entra::RetryPolicy {
            throttle_budget: self.budget,
            throttle_base: self.first_backoff,
            replication_base: self.replication.first,
            replication_cap: self.replication.cap,
            replication_budget: self.replication.budget,
        }
    }
}

/// Why a call ended without a result.
#[derive(Debug)]
pub enum CallError {
    Failed(Error),
    Cancelled,
}

impl From<Error> for CallError {
    fn from(error: Error) -> Self {
        CallError::Failed(error)
    }
}

/// The pause before trying a write again whose outcome is unknown — the PBX may have applied
/// it and lost the reply — or `None` when the failure is final. Throttling and refused
/// connections never reach here: the client has already ridden those out within their budget.
fn pause_for(error: &Error, policy: &RetryPolicy, attempt: u32) -> Option<Duration> {
    let backoff = || {
        let factor = 2_u32.saturating_pow(attempt.min(16));
        policy
            .first_backoff
            .saturating_mul(factor)
            .min(policy.max_backoff)
    };
    match error {
        Error::Server { status, .. } if *status != 503 => Some(backoff()),
        Error::Network {
            failure: NetworkFailure::Dropped | NetworkFailure::Timeout,
            ..
        } => Some(backoff()),
        _ => None,
    }
}

/// Runs a write that is not idempotent until it succeeds, fails for good, runs out of budget or
/// is cancelled (between attempts).
/// `call` gets the attempt number (0 first), so a non-idempotent call can first check
/// whether an earlier attempt that got no answer went through. `waiting` hears each pause.
pub async fn with_retry<T, F, Fut>(
    policy: &RetryPolicy,
    cancel: &CancellationToken,
    waiting: &(dyn Fn(Duration, &Error) + Send + Sync),
    mut call: F,
) -> Result<T, CallError>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    let mut waited = Duration::ZERO;
    let mut attempt = 0;
    loop {
        // A call already sent is never abandoned halfway: its answer is what the journal needs.
        if cancel.is_cancelled() {
            return Err(CallError::Cancelled);
        }
        let error = match call(attempt).await {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        let Some(pause) = pause_for(&error, policy, attempt) else {
            return Err(CallError::Failed(error));
        };
        if waited + pause > policy.budget {
            return Err(CallError::Failed(error));
        }
        waiting(pause, &error);
        tokio::select! {
            biased;
            () = cancel.cancelled() => return Err(CallError::Cancelled),
            () = tokio::time::sleep(pause) => {}
        }
        waited += pause;
        attempt += 1;
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    fn server_error() -> Error {
        Error::Server {
            operation: "POST /users".to_owned(),
            status: 500,
            message: None,
        }
    }

    fn quick() -> RetryPolicy {
        RetryPolicy {
            first_backoff: Duration::from_millis(1),
            max_backoff: Duration::from_millis(4),
            budget: Duration::from_millis(50),
            ..RetryPolicy::default()
        }
    }

    #[tokio::test]
    async fn server_errors_are_retried_until_success() {
        let calls = AtomicU32::new(0);
        let result = with_retry(&quick(), &CancellationToken::new(), &|_, _| {}, |attempt| {
            calls.fetch_add(1, Ordering::SeqCst);
            async move {
                if attempt < 3 {
                    Err(server_error())
                } else {
                    Ok(attempt)
                }
            }
        })
        .await;
        assert!(matches!(result, Ok(3)), "{result:?}");
        assert_eq!(calls.load(Ordering::SeqCst), 4);
    }

    #[tokio::test]
    async fn refusals_are_not_retried_and_the_budget_ends_retrying() {
        let refused = with_retry(&quick(), &CancellationToken::new(), &|_, _| {}, |_| async {
            Err::<(), _>(Error::NotSignedIn)
        })
        .await;
        assert!(matches!(
            refused,
            Err(CallError::Failed(Error::NotSignedIn))
        ));
        let calls = AtomicU32::new(0);
        let exhausted = with_retry(&quick(), &CancellationToken::new(), &|_, _| {}, |_| {
            calls.fetch_add(1, Ordering::SeqCst);
            async { Err::<(), _>(server_error()) }
        })
        .await;
        assert!(matches!(
            exhausted,
            Err(CallError::Failed(Error::Server { .. }))
        ));
        assert!(calls.load(Ordering::SeqCst) > 3);
    }

    #[test]
    fn only_unknown_outcomes_are_tried_again_and_backoff_doubles_up_to_its_cap() {
        let policy = RetryPolicy::default();
        // The client has waited these out already; trying again here would double its budget.
        let throttled = Error::RateLimited {
            retry_after: Some(Duration::from_secs(7)),
        };
        assert_eq!(pause_for(&throttled, &policy, 0), None);
        let unavailable = Error::Server {
            operation: "POST /users".to_owned(),
            status: 503,
            message: None,
        };
        assert_eq!(pause_for(&unavailable, &policy, 0), None);
        let dropped = Error::Network {
            url: "https://pbx.example/api/users".to_owned(),
            failure: NetworkFailure::Dropped,
            detail: "connection closed before message completed".to_owned(),
        };
        assert_eq!(pause_for(&dropped, &policy, 0), Some(policy.first_backoff));
        assert_eq!(
            pause_for(&server_error(), &policy, 2),
            Some(Duration::from_millis(1000))
        );
        assert_eq!(
            pause_for(&server_error(), &policy, 12),
            Some(policy.max_backoff)
        );
    }

    #[tokio::test]
    async fn cancelling_stops_a_wait() {
        let cancel = CancellationToken::new();
        cancel.cancel();
        let result = with_retry(&RetryPolicy::default(), &cancel, &|_, _| {}, |_| async {
            Ok::<_, Error>(())
        })
        .await;
        assert!(matches!(result, Err(CallError::Cancelled)));
    }
}
