//! The waits of one request between its attempts: which answers and failures are worth
//! sending again, what each wait is reported as, and the brief budget for a host that never
//! answered and cannot be reached.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use url::Url;

use super::progress::{ConnectionFailure, Progress, ProgressFn};
use super::{RetryPolicy, backoff, throttle_wait};
use crate::error::EntraError;

/// The policy and progress sink a request waits under, and the hosts that have answered the
/// client sending it.
#[derive(Clone, Copy)]
pub(crate) struct Waiting<'a> {
    pub policy: &'a RetryPolicy,
    pub progress: Option<&'a ProgressFn>,
    pub answered: &'a AnsweredHosts,
}

/// The Microsoft hosts (scheme, name, port) that have answered a client, shared by everything
/// signed in from one [`crate::Authenticator`]. Kept per host rather than per client: one client
/// talks to the sign-in host and to Graph, and the sign-in host answering says nothing about
/// whether a proxy or firewall lets Graph through (nor the other way round, for a session
/// resumed from a saved sign-in).
#[derive(Debug, Clone, Default)]
pub(crate) struct AnsweredHosts(Arc<Mutex<HashSet<String>>>);

impl AnsweredHosts {
    fn key(url: &Url) -> String {
        url.origin().ascii_serialization()
    }

    pub fn record(&self, url: &Url) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(Self::key(url));
    }

    fn include(&self, url: &Url) -> bool {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(&Self::key(url))
    }
}

/// Why an attempt is sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Trouble {
    /// Microsoft answered `status` (see [`should_retry`]), naming a wait (`Retry-After`) or not.
    Answered {
        status: StatusCode,
        retry_after: Option<Duration>,
    },
    /// The attempt failed in transit.
    InTransit(ConnectionFailure),
}

impl Trouble {
    pub fn answered(response: &reqwest::Response) -> Self {
        Self::Answered {
            status: response.status(),
            retry_after: retry_after(response.headers()),
        }
    }

    pub fn in_transit(error: &reqwest::Error) -> Self {
        Self::InTransit(ConnectionFailure::of(error))
    }

    /// Microsoft asks the client to slow down (429, 503), rather than failing.
    pub fn is_throttling(self) -> bool {
        matches!(
            self,
            Self::Answered {
                status: StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE,
                ..
            }
        )
    }

    /// What the user is told while the client waits `wait` to `context` again.
    fn progress(self, context: &str, wait: Duration) -> Progress {
        let context = context.to_owned();
        match self {
            _ if self.is_throttling() => Progress::Throttled { context, wait },
            Self::Answered { status, .. } => Progress::ServerFailed {
                context,
                status: status.as_u16(),
                wait,
            },
            Self::InTransit(failure) => Progress::ConnectionTrouble {
                context,
                failure,
                wait,
            },
        }
    }
}

/// Answers worth sending again: throttling always; server errors only when sending twice does
/// no harm (`idempotent`), since a failed POST may have been applied.
pub(crate) fn should_retry(status: StatusCode, idempotent: bool) -> bool {
    match status {
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => true,
        StatusCode::INTERNAL_SERVER_ERROR
        | StatusCode::BAD_GATEWAY
        | StatusCode::GATEWAY_TIMEOUT => idempotent,
        _ => false,
    }
}

/// Failures in transit (no connection, a dropped one, a timeout) that a retry may cure.
pub(crate) fn is_transient(error: &reqwest::Error) -> bool {
    error.is_connect() || error.is_timeout() || error.is_request()
}

/// `error`'s causes, without the request's own line (which repeats the whole URL) nor the
/// HTTP client's "client error (Connect)", which says nothing the sentence around it does not.
fn causes(error: &reqwest::Error) -> String {
    let mut text = String::new();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        let message = cause.to_string();
        if !message.starts_with("client error (") && !text.contains(&message) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&message);
        }
        source = cause.source();
    }
    if text.is_empty() {
        text = error.to_string();
    }
    text
}

/// `Retry-After` in seconds (Microsoft's form); an HTTP date is left to the backoff.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

/// The waits of one request between its attempts, within the policy's throttle budget, which
/// counts the time since the first attempt (so slow attempts use it up too).
pub(crate) struct Patience<'a> {
    waiting: Waiting<'a>,
    context: &'a str,
    started: Instant,
    waited: Duration,
    attempt: u32,
    /// The last attempt found its host unreachable: the next wait must fit the brief budget.
    unreachable: bool,
}

impl<'a> Patience<'a> {
    pub fn new(waiting: Waiting<'a>, context: &'a str) -> Self {
        Self {
            waiting,
            context,
            started: Instant::now(),
            waited: Duration::ZERO,
            attempt: 0,
            unreachable: false,
        }
    }

    /// Notes that `url`'s host answered: from now on the network failing to reach it is passing
    /// trouble (it restarts, a resolver hiccups), waited out within the whole budget.
    pub fn answered(&mut self, url: &Url) {
        self.waiting.answered.record(url);
        self.unreachable = false;
    }

    /// The error a failure in transit ends the request with unless it is sent again; the next
    /// [`Self::wait`] fits the brief budget when the failure says a host that never answered
    /// this client cannot be reached.
    pub fn in_transit(&mut self, source: reqwest::Error) -> EntraError {
        let never_answered = source
            .url()
            .is_none_or(|url| !self.waiting.answered.include(url));
        // Not reached (refused, no such host name, no route, a proxy refusing the tunnel, an
        // intercepting certificate) does not change within seconds; a time-out is left to the
        // patient budget, since a slow network may still get through.
        self.unreachable =
            never_answered && ConnectionFailure::of(&source) == ConnectionFailure::NotReached;
        if !self.unreachable {
            return EntraError::Network {
                context: self.context.to_owned(),
                source,
            };
        }
        let host = source
            .url()
            .and_then(|url| {
                let host = url.host_str()?;
                Some(match url.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host.to_owned(),
                })
            })
            .unwrap_or_else(|| "Microsoft".to_owned());
        EntraError::Unreachable {
            context: self.context.to_owned(),
            host,
            reason: causes(&source),
        }
    }

    /// Waits what Microsoft asked for (`Retry-After`) or the next backoff step, reporting it
    /// with the `trouble` that makes the client try again, and returns true; returns false at
    /// once when that wait would overrun the budget.
    pub async fn wait(&mut self, trouble: Trouble) -> bool {
        let policy = self.waiting.policy;
        let budget = if self.unreachable {
            policy.unreachable_budget.min(policy.throttle_budget)
        } else {
            policy.throttle_budget
        };
        let asked = match trouble {
            Trouble::Answered { retry_after, .. } => retry_after,
            Trouble::InTransit(_) => None,
        };
        let asked = asked
            .unwrap_or_else(|| backoff(policy.throttle_base, policy.throttle_budget, self.attempt));
        let spent = self.started.elapsed().max(self.waited);
        let Some(wait) = throttle_wait(spent, asked, budget) else {
            return false;
        };
        let report = trouble.progress(self.context, wait);
        tracing::info!("{report}");
        if let Some(progress) = self.waiting.progress {
            progress(&report);
        }
        tokio::time::sleep(wait).await;
        self.waited += wait;
        self.attempt += 1;
        true
    }

    /// The error for a request that was still throttled when the budget ran out.
    pub fn throttled(&self) -> EntraError {
        EntraError::Throttled {
            context: self.context.to_owned(),
            waited: self.waited,
            budget: self.waiting.policy.throttle_budget,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_answers_are_retried() {
        assert!(should_retry(StatusCode::TOO_MANY_REQUESTS, false));
        assert!(should_retry(StatusCode::SERVICE_UNAVAILABLE, false));
        assert!(should_retry(StatusCode::BAD_GATEWAY, true));
        assert!(
            !should_retry(StatusCode::BAD_GATEWAY, false),
            "a POST may have been applied"
        );
        assert!(!should_retry(StatusCode::NOT_FOUND, true));
        assert!(!should_retry(StatusCode::FORBIDDEN, true));
    }

    #[test]
    fn retry_after_seconds() {
        use reqwest::header::HeaderValue;
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static(" 7"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), None);
    }

    #[tokio::test]
    async fn patience_reports_its_waits_and_stops_at_the_budget() {
        let policy = RetryPolicy {
            throttle_budget: Duration::from_millis(300),
            throttle_base: Duration::from_millis(40),
            ..RetryPolicy::default()
        };
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&seen);
        let progress: ProgressFn = Arc::new(move |p: &Progress| {
            if let (Progress::Throttled { wait, .. }, Ok(mut seen)) = (p, sink.lock()) {
                seen.push(*wait);
            }
        });
        let answered = AnsweredHosts::default();
        let waiting = Waiting {
            policy: &policy,
            progress: Some(&progress),
            answered: &answered,
        };
        let mut patience = Patience::new(waiting, "renew the sign-in");
        let throttled = Trouble::Answered {
            status: StatusCode::TOO_MANY_REQUESTS,
            retry_after: None,
        };
        let mut waits = 0;
        while patience.wait(throttled).await {
            waits += 1;
            assert!(waits < 10, "never gave up");
        }
        let seen = seen.lock().map(|s| s.clone()).unwrap_or_default();
        let ms: Vec<u128> = seen.iter().map(Duration::as_millis).collect();
        assert_eq!(ms, [40, 80, 160]);
        assert!(matches!(
            patience.throttled(),
            EntraError::Throttled { waited, .. } if waited == Duration::from_millis(280)
        ));
        let mut asked_too_much = Patience::new(waiting, "x");
        let asked = Trouble::Answered {
            status: StatusCode::TOO_MANY_REQUESTS,
            retry_after: Some(Duration::from_secs(1)),
        };
        assert!(!asked_too_much.wait(asked).await);
    }

    #[test]
    fn each_answer_worth_retrying_is_reported_as_what_it_is() {
        let answered = |status: u16| Trouble::Answered {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::IM_A_TEAPOT),
            retry_after: None,
        };
        let slow_down = "Microsoft asks us to slow down; trying to list users again in 3 s…";
        let cases = [
            (answered(429), slow_down.to_owned()),
            (answered(503), slow_down.to_owned()),
            (
                answered(502),
                "Microsoft failed (HTTP 502); trying to list users again in 3 s…".to_owned(),
            ),
            (
                answered(500),
                "Microsoft failed (HTTP 500); trying to list users again in 3 s…".to_owned(),
            ),
            (
                Trouble::InTransit(ConnectionFailure::NotReached),
                "Microsoft could not be reached (the connection failed); trying to list users again in 3 s…".to_owned(),
            ),
            (
                Trouble::InTransit(ConnectionFailure::TimedOut),
                "Microsoft did not answer in time; trying to list users again in 3 s…".to_owned(),
            ),
            (
                Trouble::InTransit(ConnectionFailure::Dropped),
                "The connection to Microsoft broke; trying to list users again in 3 s…".to_owned(),
            ),
        ];
        for (trouble, english) in cases {
            let progress = trouble.progress("list users", Duration::from_millis(2500));
            assert_eq!(progress.to_string(), english, "{trouble:?}");
            let expected_kind = match trouble {
                _ if trouble.is_throttling() => matches!(progress, Progress::Throttled { .. }),
                Trouble::Answered { status, .. } => matches!(
                    progress,
                    Progress::ServerFailed { status: s, .. } if s == status.as_u16()
                ),
                Trouble::InTransit(failure) => matches!(
                    progress,
                    Progress::ConnectionTrouble { failure: f, .. } if f == failure
                ),
            };
            assert!(expected_kind, "{trouble:?} became {progress:?}");
        }
    }

    /// The error a GET to `url` ends with, under a 300 ms time-out.
    async fn failure_of(url: &str) -> Result<ConnectionFailure, Box<dyn std::error::Error>> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_millis(300))
            .build()?;
        match client.get(url).send().await {
            Ok(response) => Err(format!("{url} answered {}", response.status()).into()),
            Err(error) => {
                assert!(is_transient(&error), "{error:?}");
                Ok(ConnectionFailure::of(&error))
            }
        }
    }

    #[tokio::test]
    async fn each_failure_in_transit_is_told_apart() -> Result<(), Box<dyn std::error::Error>> {
        use tokio::io::AsyncReadExt;
        use tokio::net::TcpListener;

        let closed = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        assert_eq!(
            failure_of(&format!("http://{closed}/")).await?,
            ConnectionFailure::NotReached
        );

        // Takes the request, then says nothing until the client gives up.
        let silent = TcpListener::bind("127.0.0.1:0").await?;
        let silent_at = silent.local_addr()?;
        let held = tokio::spawn(async move {
            let (mut stream, _) = silent.accept().await?;
            let mut buffer = [0u8; 1024];
            while stream.read(&mut buffer).await? > 0 {}
            std::io::Result::Ok(())
        });
        assert_eq!(
            failure_of(&format!("http://{silent_at}/")).await?,
            ConnectionFailure::TimedOut
        );
        held.abort();

        // Takes the request, then hangs up without an answer.
        let rude = TcpListener::bind("127.0.0.1:0").await?;
        let rude_at = rude.local_addr()?;
        tokio::spawn(async move {
            let (mut stream, _) = rude.accept().await?;
            let mut buffer = [0u8; 1024];
            let _ = stream.read(&mut buffer).await?;
            std::io::Result::Ok(())
        });
        assert_eq!(
            failure_of(&format!("http://{rude_at}/")).await?,
            ConnectionFailure::Dropped
        );
        Ok(())
    }
}
