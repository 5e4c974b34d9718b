//! What the retry policy does when the network itself answers: a Microsoft host that never
//! answered this client and cannot be reached fails within the brief unreachable budget, naming
//! the host; one that has answered and then refuses connections (it restarts) is waited for
//! within the whole budget.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::GraphClient;
use super::tests::session_for;
use crate::error::EntraError;
use crate::retry::{ConnectionFailure, Progress, ProgressFn, RetryPolicy};
use crate::test_server::{Reply, closed_port, serve_restarting};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// What a client reported while it waited between attempts.
#[derive(Clone, Default)]
struct Heard(Arc<Mutex<Vec<Progress>>>);

impl Heard {
    fn hear(&self, graph: GraphClient) -> GraphClient {
        let heard = self.clone();
        let progress: ProgressFn = Arc::new(move |progress: &Progress| {
            heard
                .0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(progress.clone());
        });
        graph.with_progress(progress)
    }

    /// The pauses, each of which must have been reported as a connection that was not made.
    fn pauses(&self) -> Result<Vec<Duration>, String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|progress| match progress {
                Progress::ConnectionTrouble {
                    failure: ConnectionFailure::NotReached,
                    wait,
                    ..
                } => Ok(*wait),
                other => Err(format!(
                    "not reported as a connection that failed: {other:?}"
                )),
            })
            .collect()
    }

    fn english(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(Progress::to_string)
            .collect()
    }
}

/// The policy pbx365 gives the client by default: a first pause of 250 ms, two minutes for
/// passing trouble, one second for a host that cannot be reached.
fn as_pbx365_runs() -> RetryPolicy {
    RetryPolicy {
        throttle_base: Duration::from_millis(250),
        ..RetryPolicy::default()
    }
}

#[tokio::test]
async fn a_closed_port_fails_within_a_second_or_two_naming_the_host() -> TestResult {
    let host = format!("127.0.0.1:{}", closed_port()?);
    let heard = Heard::default();
    let graph = heard
        .hear(GraphClient::new(session_for(&format!("http://{host}"))?))
        .with_retry_policy(as_pbx365_runs());

    let started = Instant::now();
    let outcome = graph.organization().await;
    let took = started.elapsed();

    let Err(error @ EntraError::Unreachable { host: named, .. }) = &outcome else {
        return Err(format!("expected an unreachable host, got {outcome:?}").into());
    };
    assert_eq!(named, &host);
    assert!(took < Duration::from_secs(3), "took {took:?}");
    let pauses = heard.pauses()?;
    assert!(
        !pauses.is_empty() && pauses.len() <= 2,
        "retried once or twice, briefly: {pauses:?}"
    );
    let english = heard.english();
    assert!(
        english[0].starts_with(
            "Microsoft could not be reached (the connection failed); trying to read the organization again in "
        ),
        "{english:?}"
    );
    let text = error.to_string();
    assert!(
        text.contains("could not be reached from this computer"),
        "{text}"
    );
    assert!(text.contains("refused"), "the network's own words: {text}");
    assert!(text.contains("proxy or firewall"), "{text}");
    Ok(())
}

#[tokio::test]
async fn a_host_name_that_does_not_exist_is_tried_only_briefly_and_named() -> TestResult {
    // RFC 6761: `.invalid` never resolves, wherever this runs.
    let heard = Heard::default();
    let policy = as_pbx365_runs();
    let graph = heard
        .hear(GraphClient::new(session_for(
            "https://graph.nowhere.invalid",
        )?))
        .with_retry_policy(policy.clone());

    let outcome = graph.organization().await;

    let Err(EntraError::Unreachable { host, .. }) = &outcome else {
        return Err(format!("expected an unreachable host, got {outcome:?}").into());
    };
    assert_eq!(host, "graph.nowhere.invalid");
    // Counted in pauses rather than wall-clock time: how long the resolver takes to say no is
    // the machine's business.
    let pauses = heard.pauses()?;
    let waited: Duration = pauses.iter().sum();
    assert!(
        pauses.len() <= 2 && waited <= policy.unreachable_budget,
        "{pauses:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_host_that_answered_and_then_refuses_is_waited_for_while_it_restarts() -> TestResult {
    let down_for = Duration::from_millis(700);
    let organization = br#"{"value":[{"id":"tenant","displayName":"Contoso"}]}"#;
    let (base, down) = serve_restarting(down_for, |_| Reply::Fixed {
        status: 200,
        body: organization.to_vec(),
    })
    .await?;
    let heard = Heard::default();
    let graph = heard
        .hear(GraphClient::new(session_for(&base)?))
        .with_retry_policy(RetryPolicy {
            throttle_base: Duration::from_millis(20),
            throttle_budget: Duration::from_secs(20),
            unreachable_budget: Duration::from_millis(50),
            ..RetryPolicy::default()
        });
    let first = graph.organization().await?;
    assert_eq!(first.id, "tenant");
    down.await?;

    let started = Instant::now();
    let during_restart = graph.organization().await;
    let took = started.elapsed();

    assert!(
        during_restart.is_ok(),
        "the restart was not waited out: {during_restart:?}"
    );
    let pauses = heard.pauses()?;
    assert!(pauses.len() >= 3, "{pauses:?}");
    assert!(
        pauses.iter().sum::<Duration>() > Duration::from_millis(50),
        "waited past the brief budget: {pauses:?}"
    );
    assert!(took >= down_for / 2, "took {took:?}");
    Ok(())
}

#[tokio::test]
async fn a_sign_in_host_that_cannot_be_reached_fails_within_a_second_or_two() -> TestResult {
    let authority = format!("http://127.0.0.1:{}", closed_port()?);
    let cloud = crate::Cloud::custom(&authority)?;
    // The defaults a real run uses: two minutes for passing trouble, one second for this.
    let policy = RetryPolicy::default();

    let started = Instant::now();
    let outcome =
        crate::Authenticator::with_policy(cloud, crate::SignInOptions::default(), policy).await;
    let took = started.elapsed();

    let error = match outcome {
        Err(error @ EntraError::Unreachable { .. }) => error,
        other => return Err(format!("expected an unreachable host, got {other:?}").into()),
    };
    assert!(took < Duration::from_secs(3), "took {took:?}");
    let text = error.to_string();
    let host = authority.trim_start_matches("http://");
    assert!(text.contains(host), "names the host: {text}");
    assert!(text.contains("from this computer"), "{text}");
    assert!(text.contains("proxy or firewall"), "{text}");
    Ok(())
}
