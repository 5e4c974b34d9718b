//! A Microsoft host that the network says cannot be reached — nothing listens at its address —
//! fails the first request within the brief budget for unreachable hosts, with an error that
//! says so and what to check, instead of being retried for the whole two-minute budget.

use std::time::{Duration, Instant};

use entra::{Authenticator, Cloud, EntraError, RetryPolicy, SignInOptions};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// A loopback port where nothing listens now.
fn closed_port() -> std::io::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    drop(listener);
    Ok(port)
}

#[tokio::test]
async fn a_sign_in_host_that_cannot_be_reached_fails_within_a_second_or_two() -> TestResult {
    let authority = format!("http://127.0.0.1:{}", closed_port()?);
    let cloud = Cloud::custom(&authority)?;
    // The defaults a real run uses: two minutes for passing trouble, one second for this.
    let policy = RetryPolicy::default();

    let started = Instant::now();
    let outcome = Authenticator::with_policy(cloud, SignInOptions::default(), policy).await;
    let took = started.elapsed();
    eprintln!("a closed sign-in port failed after {took:?}");

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
