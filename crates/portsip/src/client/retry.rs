//! When a failed attempt is sent again, and after how long.
//!
//! Passing trouble — throttling (429), a PBX failing or restarting (5xx), a connection refused,
//! dropped or timed out — is waited out within a time budget per request. The network's own
//! answer that a PBX which never answered cannot be reached (connection refused, host name
//! unknown) is not passing trouble: it gets a brief budget of its own. Whether a request may be
//! sent again after trouble that might have come after the PBX applied it is decided by
//! [`Replay`](super::endpoints::Replay).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, RETRY_AFTER};

use super::endpoints::Replay;
use crate::Error;
use crate::error::NetworkFailure;
use crate::rejection::parse_retry_after;

/// The shortest pause between attempts, whatever the policy says: a PBX answering
/// `Retry-After: 0` over and over must not be hammered.
const MIN_PAUSE: Duration = Duration::from_millis(10);

/// How long and how often the client retries a request through passing trouble.
///
/// Applies to every request: HTTP 429 (waiting at least what `Retry-After` asks), 5xx, and
/// connections refused, dropped or timed out, pausing `first_backoff`, then twice as long
/// each time up to `max_backoff`, for as long as the request's `budget` lasts. A `Retry-After`
/// longer than what is left of the budget ends the request with the 429 at once.
///
/// A connection refused or a host name not found before the PBX has answered this client at
/// all is the network saying the address is wrong or the PBX is down, which does not change
/// within seconds: it is retried only within `unreachable_budget`. Once the PBX has answered,
/// the same failures mean it is restarting (or the resolver hiccupped) and get the whole
/// `budget`. TLS failures (an untrusted certificate) are never retried.
///
/// Requests that create something (`POST /users`, `POST /contacts`, `POST /ms365/certificate`)
/// are sent again only when the PBX certainly did not apply them (429, 503, connection
/// refused); after a dropped reply, a time-out or another 5xx the error is returned, so the
/// caller can read back before writing again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The first pause after trouble without `Retry-After`; doubled each time (at least 10 ms).
    pub first_backoff: Duration,
    /// The longest pause the doubling reaches.
    pub max_backoff: Duration,
    /// How long one request may keep trying, from its first attempt: a pause is taken only
    /// if it ends within the budget, so the request ends at most one attempt (see
    /// [`ClientBuilder::timeout`](crate::ClientBuilder::timeout)) after it. Zero turns
    /// retrying off.
    pub budget: Duration,
    /// How long one request may keep trying, from its first attempt, while the network answers
    /// that a PBX which has not answered this client yet cannot be reached (connection refused,
    /// host name not found). At most `budget`.
    pub unreachable_budget: Duration,
}

impl RetryPolicy {
    /// Never retries: the first failure is the answer.
    pub const NEVER: Self = Self {
        first_backoff: Duration::ZERO,
        max_backoff: Duration::ZERO,
        budget: Duration::ZERO,
        unreachable_budget: Duration::ZERO,
    };

    /// The pause before attempt `attempt + 1` after trouble, or `None` when the request must
    /// not be retried or the pause would not end within the budget for that trouble, counted
    /// from the request's first attempt, `elapsed` ago.
    pub(crate) fn pause(
        &self,
        replay: Replay,
        trouble: Trouble,
        attempt: u32,
        elapsed: Duration,
    ) -> Option<Duration> {
        if replay == Replay::OnlyIfUnapplied && !trouble.certainly_unapplied() {
            return None;
        }
        let backoff = self.backoff(attempt);
        let pause = trouble
            .retry_after()
            .map_or(backoff, |asked| asked.max(backoff));
        let budget = match trouble {
            Trouble::Unreachable => self.unreachable_budget.min(self.budget),
            _ => self.budget,
        };
        (elapsed.saturating_add(pause) <= budget).then_some(pause)
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2_u32.saturating_pow(attempt.min(20));
        self.first_backoff
            .max(MIN_PAUSE)
            .saturating_mul(factor)
            .min(self.max_backoff.max(MIN_PAUSE))
    }
}

impl Default for RetryPolicy {
    /// 250 ms first, 30 s at most, 120 s per request; 1 s (two retries) for an address that
    /// cannot be reached.
    fn default() -> Self {
        Self {
            first_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(30),
            budget: Duration::from_secs(120),
            unreachable_budget: Duration::from_secs(1),
        }
    }
}

/// Hears each pause before it is taken: how long, and the failure it waits out (e.g. to show
/// "The PBX is busy, retrying in 4 s").
#[derive(Clone)]
pub(crate) struct RetryObserver(pub(crate) Arc<ObserverFn>);

type ObserverFn = dyn Fn(Duration, &Error) + Send + Sync;

impl fmt::Debug for RetryObserver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("RetryObserver")
    }
}

/// Trouble worth another attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trouble {
    /// HTTP 429: the PBX refused the request without handling it.
    Throttled { retry_after: Option<Duration> },
    /// HTTP 503: the PBX is not taking requests right now.
    Unavailable { retry_after: Option<Duration> },
    /// Another 5xx: the PBX may have applied part or all of the request.
    ServerError { status: u16 },
    /// The network answered that a PBX which has not answered this client yet cannot be
    /// reached: nothing listens at the address, or its host name is unknown.
    Unreachable,
    /// The request never reached the PBX that has answered before (refused while it
    /// restarts), or connecting timed out.
    NotReached,
    /// The connection broke or timed out after the request was sent: it may have been applied.
    Lost,
}

impl Trouble {
    /// The trouble an answer's status means, if any. 501 and 505 are permanent.
    pub(crate) fn of_status(status: u16, headers: &HeaderMap) -> Option<Self> {
        match status {
            429 => Some(Self::Throttled {
                retry_after: retry_after(headers),
            }),
            503 => Some(Self::Unavailable {
                retry_after: retry_after(headers),
            }),
            501 | 505 => None,
            500..=599 => Some(Self::ServerError { status }),
            _ => None,
        }
    }

    /// The trouble a transport failure means, if any; `connecting` when it happened before
    /// anything was sent, `answered_before` when the PBX has answered this client.
    pub(crate) fn of_network(
        failure: NetworkFailure,
        connecting: bool,
        answered_before: bool,
    ) -> Option<Self> {
        match failure {
            NetworkFailure::Refused | NetworkFailure::Dns if !answered_before => {
                Some(Self::Unreachable)
            }
            NetworkFailure::Refused | NetworkFailure::Dns => Some(Self::NotReached),
            NetworkFailure::Timeout if connecting => Some(Self::NotReached),
            NetworkFailure::Dropped | NetworkFailure::Timeout => Some(Self::Lost),
            NetworkFailure::Other => None,
        }
    }

    fn certainly_unapplied(self) -> bool {
        matches!(
            self,
            Self::Throttled { .. }
                | Self::Unavailable { .. }
                | Self::Unreachable
                | Self::NotReached
        )
    }

    fn retry_after(self) -> Option<Duration> {
        match self {
            Self::Throttled { retry_after } | Self::Unavailable { retry_after } => retry_after,
            _ => None,
        }
    }
}

impl fmt::Display for Trouble {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Throttled { .. } => f.write_str("HTTP 429"),
            Self::Unavailable { .. } => f.write_str("HTTP 503"),
            Self::ServerError { status } => write!(f, "HTTP {status}"),
            Self::Unreachable => f.write_str("unreachable"),
            Self::NotReached => f.write_str("not reached"),
            Self::Lost => f.write_str("connection lost"),
        }
    }
}

pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?;
    parse_retry_after(value, time::OffsetDateTime::now_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLENTY: Duration = Duration::from_secs(600);
    /// What has elapsed of a request's budget at its first failure.
    const AT_ONCE: Duration = Duration::ZERO;

    fn ms(millis: u64) -> Duration {
        Duration::from_millis(millis)
    }

    #[test]
    fn backoff_doubles_up_to_its_cap() {
        let policy = RetryPolicy::default();
        let pauses: Vec<_> = (0..9)
            .map(|attempt| policy.pause(Replay::Repeatable, Trouble::Lost, attempt, AT_ONCE))
            .collect();
        assert_eq!(
            pauses,
            [250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000].map(|millis| Some(ms(millis)))
        );
    }

    #[test]
    fn retry_after_is_waited_at_least_and_one_beyond_the_budget_ends_retrying() {
        let policy = RetryPolicy::default();
        let asked = |secs| Trouble::Throttled {
            retry_after: Some(Duration::from_secs(secs)),
        };
        assert_eq!(
            policy.pause(Replay::Repeatable, asked(7), 0, AT_ONCE),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            policy.pause(Replay::Repeatable, asked(0), 0, AT_ONCE),
            Some(ms(250)),
            "Retry-After: 0 still pauses"
        );
        assert_eq!(
            policy.pause(Replay::Repeatable, asked(90), 0, Duration::from_secs(60)),
            None,
            "only 60 s are left of the 120 s budget"
        );
        assert_eq!(
            policy.pause(Replay::Repeatable, asked(60), 0, Duration::from_secs(60)),
            Some(Duration::from_secs(60)),
            "a pause that ends with the budget is taken"
        );
    }

    #[test]
    fn an_unreachable_address_gets_the_brief_budget_and_passing_trouble_the_whole_one() {
        let policy = RetryPolicy::default();
        let pauses = |trouble| {
            let mut elapsed = AT_ONCE;
            let mut pauses = Vec::new();
            while let Some(pause) =
                policy.pause(Replay::Repeatable, trouble, pauses.len() as u32, elapsed)
            {
                pauses.push(pause.as_millis());
                elapsed += pause;
            }
            pauses
        };
        assert_eq!(pauses(Trouble::Unreachable), [250, 500]);
        let patient = [250, 500, 1000, 2000, 4000, 8000, 16000, 30000, 30000];
        assert_eq!(pauses(Trouble::NotReached), patient);
        assert_eq!(pauses(Trouble::Lost), patient);
        let brief_beyond_budget = RetryPolicy {
            unreachable_budget: Duration::from_secs(600),
            ..RetryPolicy::NEVER
        };
        assert_eq!(
            brief_beyond_budget.pause(Replay::Repeatable, Trouble::Unreachable, 0, AT_ONCE),
            None,
            "the brief budget never exceeds the whole one"
        );
    }

    #[test]
    fn creating_requests_are_retried_only_when_certainly_not_applied() {
        let policy = RetryPolicy::default();
        let retried = |trouble| {
            policy
                .pause(Replay::OnlyIfUnapplied, trouble, 0, AT_ONCE)
                .is_some()
        };
        assert!(retried(Trouble::Throttled { retry_after: None }));
        assert!(retried(Trouble::Unavailable { retry_after: None }));
        assert!(retried(Trouble::NotReached));
        assert!(retried(Trouble::Unreachable));
        assert!(!retried(Trouble::Lost));
        assert!(!retried(Trouble::ServerError { status: 500 }));
        assert!(
            policy
                .pause(Replay::Repeatable, Trouble::Lost, 0, AT_ONCE)
                .is_some()
        );
    }

    #[test]
    fn never_retries_nothing_and_a_zero_backoff_still_pauses() {
        assert_eq!(
            RetryPolicy::NEVER.pause(Replay::Repeatable, Trouble::NotReached, 0, Duration::ZERO),
            None
        );
        let eager = RetryPolicy {
            first_backoff: Duration::ZERO,
            max_backoff: Duration::ZERO,
            budget: PLENTY,
            unreachable_budget: PLENTY,
        };
        assert_eq!(
            eager.pause(Replay::Repeatable, Trouble::Lost, 3, AT_ONCE),
            Some(MIN_PAUSE)
        );
    }

    #[test]
    fn statuses_and_failures_map_to_their_trouble() {
        let headers = HeaderMap::new();
        assert_eq!(
            Trouble::of_status(429, &headers),
            Some(Trouble::Throttled { retry_after: None })
        );
        assert_eq!(
            Trouble::of_status(502, &headers),
            Some(Trouble::ServerError { status: 502 })
        );
        assert_eq!(Trouble::of_status(501, &headers), None);
        assert_eq!(Trouble::of_status(404, &headers), None);
        assert_eq!(Trouble::of_status(200, &headers), None);
        for answered_before in [false, true] {
            assert_eq!(
                Trouble::of_network(NetworkFailure::Timeout, true, answered_before),
                Some(Trouble::NotReached)
            );
            assert_eq!(
                Trouble::of_network(NetworkFailure::Timeout, false, answered_before),
                Some(Trouble::Lost)
            );
            assert_eq!(
                Trouble::of_network(NetworkFailure::Dropped, false, answered_before),
                Some(Trouble::Lost)
            );
            assert_eq!(
                Trouble::of_network(NetworkFailure::Other, true, answered_before),
                None
            );
        }
        for failure in [NetworkFailure::Refused, NetworkFailure::Dns] {
            assert_eq!(
                Trouble::of_network(failure, true, false),
                Some(Trouble::Unreachable),
                "{failure:?} from a PBX that never answered"
            );
            assert_eq!(
                Trouble::of_network(failure, true, true),
                Some(Trouble::NotReached),
                "{failure:?} from a PBX that answered before, e.g. while it restarts"
            );
        }
    }
}
