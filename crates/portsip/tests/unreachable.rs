//! What the retry policy does when the network itself answers: an address where nothing listens
//! or a host name that does not exist fails within the brief budget for unreachable addresses,
//! naming the address; a PBX that has answered and then refuses connections (it restarts) and
//! a PBX that does not answer in time are waited for within the whole budget.

mod common;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use common::{TestResult, builder_for, sim_with_users};
use portsip::{Client, ClientBuilder, Error, NetworkFailure, RetryPolicy};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// A pause a client took, and the transport failure it waited out (`None`: another failure).
type Pause = (Duration, Option<NetworkFailure>);

/// The pauses a client took.
#[derive(Clone, Default)]
struct Heard(Arc<Mutex<Vec<Pause>>>);

impl Heard {
    fn hear(&self, builder: ClientBuilder) -> ClientBuilder {
        let heard = self.clone();
        builder.on_retry(move |pause, error| {
            let failure = match error {
                Error::Network { failure, .. } => Some(*failure),
                _ => None,
            };
            heard
                .0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((pause, failure));
        })
    }

    fn pauses(&self) -> Vec<Pause> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// A loopback port where nothing listens now.
fn closed_port() -> std::io::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    drop(listener);
    Ok(port)
}

#[tokio::test]
async fn a_closed_port_fails_within_a_second_or_two_naming_the_address() -> TestResult {
    let url = format!("http://127.0.0.1:{}/api", closed_port()?);
    let heard = Heard::default();
    // The defaults a real run uses: two minutes for passing trouble, one second for this.
    let client = heard
        .hear(Client::builder(&url).retry_policy(RetryPolicy::default()))
        .build()?;

    let started = Instant::now();
    let result = client.info(None).await;
    let took = started.elapsed();

    let Err(
        error @ Error::Network {
            failure: NetworkFailure::Refused,
            ..
        },
    ) = &result
    else {
        return Err(format!("expected a refused connection, got {result:?}").into());
    };
    assert!(took < Duration::from_secs(3), "took {took:?}");
    let pauses = heard.pauses();
    assert!(
        !pauses.is_empty() && pauses.len() <= 2,
        "retried once or twice, briefly: {pauses:?}"
    );
    let text = error.to_string();
    assert!(text.contains(&format!("{url}/info")), "{text}");
    assert!(text.contains("Check the host name and port"), "{text}");
    Ok(())
}

#[tokio::test]
async fn a_host_name_that_does_not_exist_is_tried_only_briefly_and_named() -> TestResult {
    // RFC 6761: `.invalid` never resolves, wherever this runs.
    let url = "https://pbx.nowhere.invalid:8887/api";
    let heard = Heard::default();
    let policy = RetryPolicy::default();
    let client = heard
        .hear(Client::builder(url).retry_policy(policy))
        .build()?;

    let result = client.info(None).await;

    let Err(
        error @ Error::Network {
            failure: NetworkFailure::Dns,
            ..
        },
    ) = &result
    else {
        return Err(format!("expected an unknown host name, got {result:?}").into());
    };
    // Counted in pauses rather than wall-clock time: how long the resolver takes to say no is
    // the machine's business.
    let pauses = heard.pauses();
    let waited: Duration = pauses.iter().map(|(pause, _)| *pause).sum();
    assert!(
        pauses.len() <= 2 && waited <= policy.unreachable_budget,
        "{pauses:?}"
    );
    assert!(
        pauses
            .iter()
            .all(|(_, failure)| *failure == Some(NetworkFailure::Dns)),
        "{pauses:?}"
    );
    let text = error.to_string();
    assert!(text.contains("pbx.nowhere.invalid"), "{text}");
    assert!(text.contains("could not be found"), "{text}");
    Ok(())
}

/// An HTTP server on loopback that answers one request, then stops listening (connections are
/// refused, as while a PBX restarts) until `down_for` has passed, then answers again. `down`
/// fires when it has stopped.
async fn restarting_server(
    down_for: Duration,
) -> Result<(String, oneshot::Receiver<()>), std::io::Error> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let (stopped, down) = oneshot::channel();
    tokio::spawn(async move {
        let _ = answer_one(&listener).await;
        drop(listener);
        let _ = stopped.send(());
        tokio::time::sleep(down_for).await;
        // Tokio sets SO_REUSEADDR, so the port can be taken again at once.
        let Ok(listener) = TcpListener::bind(address).await else {
            return;
        };
        while answer_one(&listener).await.is_ok() {}
    });
    Ok((format!("http://{address}/api"), down))
}

/// Accepts one connection, reads a request head and answers 404 without keeping the
/// connection, so the next request needs a new one.
async fn answer_one(listener: &TcpListener) -> std::io::Result<()> {
    let (mut stream, _) = listener.accept().await?;
    let mut head = Vec::new();
    let mut buffer = [0_u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let read = stream.read(&mut buffer).await?;
        if read == 0 {
            return Ok(());
        }
        head.extend_from_slice(&buffer[..read]);
    }
    stream
        .write_all(
            b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\n\
              Content-Length: 2\r\nConnection: close\r\n\r\n{}",
        )
        .await?;
    stream.shutdown().await
}

#[tokio::test]
async fn a_pbx_that_answered_and_then_refuses_is_waited_for_while_it_restarts() -> TestResult {
    let down_for = Duration::from_millis(700);
    let (url, down) = restarting_server(down_for).await?;
    let heard = Heard::default();
    let client = heard
        .hear(Client::builder(&url).retry_policy(RetryPolicy {
            first_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(100),
            budget: Duration::from_secs(20),
            unreachable_budget: Duration::from_millis(50),
        }))
        .build()?;
    let first = client.info(None).await;
    assert!(
        !matches!(first, Err(Error::Network { .. })),
        "the server answers first: {first:?}"
    );
    down.await?;

    let started = Instant::now();
    let during_restart = client.info(None).await;
    let took = started.elapsed();

    assert!(
        !matches!(during_restart, Err(Error::Network { .. })),
        "the restart was not waited out: {during_restart:?}"
    );
    let refusals = heard
        .pauses()
        .iter()
        .filter(|(_, failure)| *failure == Some(NetworkFailure::Refused))
        .count();
    assert!(refusals >= 3, "{:?}", heard.pauses());
    assert!(took >= down_for / 2, "took {took:?}");
    Ok(())
}

#[tokio::test]
async fn a_pbx_that_does_not_answer_in_time_is_waited_for_with_the_whole_budget() -> TestResult {
    let sim = sim_with_users(3).await?;
    let heard = Heard::default();
    // Never answered before, like an unreachable address, yet a time-out is passing trouble.
    let client = heard
        .hear(
            builder_for(&sim)
                .timeout(Duration::from_millis(300))
                .retry_policy(RetryPolicy {
                    first_backoff: Duration::from_millis(20),
                    max_backoff: Duration::from_millis(100),
                    budget: Duration::from_secs(20),
                    unreachable_budget: Duration::from_millis(50),
                }),
        )
        .build()?;
    sim.pbx_faults.set_latency(Duration::from_secs(3));
    let faults = sim.pbx_faults.clone();
    let recovery = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(900)).await;
        faults.clear();
    });

    let result = client.info(None).await;
    recovery.await?;

    assert!(result.is_ok(), "{result:?}");
    let pauses = heard.pauses();
    assert!(
        !pauses.is_empty()
            && pauses
                .iter()
                .all(|(_, failure)| *failure == Some(NetworkFailure::Timeout)),
        "{pauses:?}"
    );
    Ok(())
}
