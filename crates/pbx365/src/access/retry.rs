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
    /// The most one call may spend trying a PBX address or a Microsoft host that cannot be
    /// reached (at most `budget`).
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

/// How long the first contact with a just-typed PBX address keeps trying: a wrong address or a
/// failing PBX is said within seconds rather than after the whole budget.
const FIRST_CONTACT_BUDGET: Duration = Duration::from_secs(10);

impl RetryPolicy {
    /// This policy for the first contact with a PBX address just typed (the wizard's Connect,
    /// `pbx365 pbx check`); once the PBX has answered, its calls get the whole budget.
    pub fn first_contact(&self) -> RetryPolicy {
        RetryPolicy {
            budget: self.budget.min(FIRST_CONTACT_BUDGET),
            ..*self
        }
    }

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
            unreachable_budget: self.unreachable_budget,
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

/// Whether a write failed with its outcome unknown — the PBX may have applied it and lost the
/// reply — so that it is tried again (after looking whether it went through); otherwise the
/// failure is final. Throttling and refused connections never reach here: the client has
/// already ridden those out within their budget.
fn outcome_unknown(error: &Error) -> bool {
    match error {
        Error::Server { status, .. } => *status != 503,
        Error::Network { failure, .. } => {
            matches!(failure, NetworkFailure::Dropped | NetworkFailure::Timeout)
        }
        _ => false,
    }
}

/// The pause before attempt `attempt + 1`: the first backoff, doubled each time up to its cap.
fn backoff(policy: &RetryPolicy, attempt: u32) -> Duration {
    let factor = 2_u32.saturating_pow(attempt.min(16));
    policy
        .first_backoff
        .saturating_mul(factor)
        .min(policy.max_backoff)
}

/// Runs a write that is not idempotent until it succeeds, fails for good, runs out of budget or
/// is cancelled (between attempts): [`retry_when`], trying again only a write whose outcome is
/// unknown.
/// `call` gets the attempt number (0 first), so a non-idempotent call can first check
/// whether an earlier attempt that got no answer went through. `waiting` hears each pause.
pub async fn with_retry<T, F, Fut>(
    policy: &RetryPolicy,
    cancel: &CancellationToken,
    waiting: &(dyn Fn(Duration, &Error) + Send + Sync),
    call: F,
) -> Result<T, CallError>
where
    F: FnMut(u32) -> Fut,
    Fut: Future<Output = Result<T, Error>>,
{
    retry_when(policy, cancel, &outcome_unknown, waiting, call).await
}

/// Runs `call` until it succeeds, fails with an error `retried` refuses, runs out of the
/// policy's budget or is cancelled (between attempts), pausing with the policy's backoff
/// before each new attempt. `call` gets the attempt number (0 first); `waiting` hears each
/// pause.
pub async fn retry_when<T, F, Fut>(
    policy: &RetryPolicy,
    cancel: &CancellationToken,
    retried: &(dyn Fn(&Error) -> bool + Send + Sync),
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
        let pause = backoff(policy, attempt);
        if !retried(&error) || waited + pause > policy.budget {
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
        assert!(!outcome_unknown(&throttled));
        let unavailable = Error::Server {
            operation: "POST /users".to_owned(),
            status: 503,
            message: None,
        };
        assert!(!outcome_unknown(&unavailable));
        let dropped = Error::Network {
            url: "https://pbx.example/api/users".to_owned(),
            failure: NetworkFailure::Dropped,
            detail: "connection closed before message completed".to_owned(),
        };
        assert!(outcome_unknown(&dropped));
        assert!(outcome_unknown(&server_error()));
        assert_eq!(backoff(&policy, 0), policy.first_backoff);
        assert_eq!(backoff(&policy, 2), Duration::from_millis(1000));
        assert_eq!(backoff(&policy, 12), policy.max_backoff);
    }

    #[tokio::test]
    async fn the_callers_decision_says_which_failure_is_tried_again() {
        let not_signed_in = |error: &Error| matches!(error, Error::NotSignedIn);
        // A failure the write path would try again is final when the decision refuses it.
        let (refused, calls) = always_failing(&not_signed_in, server_error).await;
        assert!(matches!(
            refused,
            Err(CallError::Failed(Error::Server { .. }))
        ));
        assert_eq!(calls, 1);
        // One the write path would give up on is tried again, each pause told, until success.
        let pauses = std::sync::Mutex::new(Vec::new());
        let tell = |pause: Duration, _: &Error| {
            if let Ok(mut pauses) = pauses.lock() {
                pauses.push(pause);
            }
        };
        let succeeded = retry_when(
            &quick(),
            &CancellationToken::new(),
            &not_signed_in,
            &tell,
            |attempt| async move {
                if attempt < 3 {
                    Err(Error::NotSignedIn)
                } else {
                    Ok(attempt)
                }
            },
        )
        .await;
        assert!(matches!(succeeded, Ok(3)), "{succeeded:?}");
        let told = pauses.lock().map(|p| p.clone()).unwrap_or_default();
        assert_eq!(
            told,
            [1, 2, 4].map(Duration::from_millis).to_vec(),
            "each pause is told, doubling up to the cap"
        );
        // ...or until the budget is spent.
        let (exhausted, calls) = always_failing(&not_signed_in, || Error::NotSignedIn).await;
        assert!(matches!(
            exhausted,
            Err(CallError::Failed(Error::NotSignedIn))
        ));
        // 1 + 2 + 4 ms, then 4 ms each while the 50 ms budget lasts: 13 pauses, 14 calls.
        assert_eq!(calls, 14);
    }

    /// `retry_when` under the quick policy with a call that always fails with `error()`: the
    /// outcome and how many calls were made.
    async fn always_failing(
        retried: &(dyn Fn(&Error) -> bool + Send + Sync),
        error: fn() -> Error,
    ) -> (Result<(), CallError>, u32) {
        let calls = AtomicU32::new(0);
        let outcome = retry_when(
            &quick(),
            &CancellationToken::new(),
            retried,
            &|_, _| {},
            |_| {
                calls.fetch_add(1, Ordering::SeqCst);
                async move { Err::<(), _>(error()) }
            },
        )
        .await;
        (outcome, calls.load(Ordering::SeqCst))
    }

    #[test]
    fn a_first_contact_tries_for_seconds_and_keeps_a_shorter_budget() {
        let policy = RetryPolicy::default();
        let first = policy.first_contact();
        assert_eq!(first.budget, Duration::from_secs(10));
        assert_eq!(first.pbx().unreachable_budget, policy.unreachable_budget);
        assert_eq!(quick().first_contact(), quick());
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
