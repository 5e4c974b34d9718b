//! HTTPS with the generated CA, and the fault switches in front of both emulators.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use sim::SimConfig;

use crate::support::{Harness, TestResult, small_config};

#[tokio::test]
async fn https_works_with_the_ca_and_fails_without_it() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ca_path = dir.path().join("nested").join("sim-ca.pem");
    let h = Harness::start(SimConfig {
        tls: true,
        ca_file: Some(ca_path.clone()),
        ..small_config()
    })
    .await?;
    assert!(h.sim.pbx_url.starts_with("https://127.0.0.1:"));
    assert!(h.sim.pbx_url.ends_with("/api"));
    assert!(h.sim.ms_authority.starts_with("https://127.0.0.1:"));
    assert_eq!(h.sim.ca_file.as_deref(), Some(ca_path.as_path()));
    let written = std::fs::read_to_string(&ca_path)?;
    assert_eq!(Some(written.as_str()), h.sim.ca_pem.as_deref());

    let trusting = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(written.as_bytes())?)
        .build()?;
    for host in ["127.0.0.1", "localhost"] {
        let url = h.sim.pbx_url.replace("127.0.0.1", host);
        let info = trusting.get(format!("{url}/info")).send().await?;
        assert_eq!(info.status(), 200, "{host}");
    }
    let untrusting = reqwest::Client::builder().build()?;
    let refused = untrusting.get(h.url("/info")).send().await;
    assert!(
        refused.is_err(),
        "a client without the CA must not get through"
    );
    let plain = reqwest::get(h.url("/info").replace("https://", "http://")).await;
    assert!(
        plain.is_err() || plain.is_ok_and(|r| r.status() != 200),
        "plain HTTP is not served"
    );
    Ok(())
}

#[tokio::test]
async fn temporary_ca_file_lives_as_long_as_the_sim() -> TestResult {
    let h = Harness::start(SimConfig {
        tls: true,
        ..small_config()
    })
    .await?;
    let path = h.sim.ca_file.clone().ok_or("no CA file")?;
    assert!(path.exists());
    h.sim.shutdown().await;
    assert!(
        !path.exists(),
        "the temporary CA directory is removed with the sim"
    );
    let plain = Harness::start(small_config()).await?;
    assert_eq!(plain.sim.ca_file, None);
    assert_eq!(plain.sim.ca_pem, None);
    Ok(())
}

#[tokio::test]
async fn throttling_server_errors_and_injected_errors_are_deterministic() -> TestResult {
    let h = Harness::start(small_config()).await?;
    let faults = &h.sim.pbx_faults;

    faults.throttle_every(2, Duration::from_secs(7));
    let first = h.call("GET", "/info", None, None).await?;
    let second = h.call("GET", "/info", None, None).await?;
    assert_eq!((first.status, second.status), (200, 429));
    assert_eq!(
        second
            .headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("7")
    );
    assert_eq!(second.error_codes(), ["TOO_MANY_REQUESTS"]);
    faults.clear();

    faults.fail_every(3, 503);
    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(h.call("GET", "/info", None, None).await?.status);
    }
    assert_eq!(statuses, [200, 200, 503, 200, 200, 503]);
    faults.clear();

    let custom =
        json!({"errors": [{"code": "LICENSE_EXPIRED", "message": "The PBX license has expired."}]});
    faults.inject_next(402, custom.clone());
    let injected = h.call("GET", "/info", None, None).await?;
    assert_eq!(injected.status, 402);
    assert_eq!(injected.json, Some(custom));
    assert_eq!(
        h.call("GET", "/info", None, None).await?.status,
        200,
        "one shot only"
    );
    Ok(())
}

#[tokio::test]
async fn dropped_connections_give_no_response_at_all() -> TestResult {
    let h = Harness::start(small_config()).await?;
    h.sim.pbx_faults.drop_every(2);
    assert!(h.call("GET", "/info", None, None).await.is_ok());
    let dropped = h.http.get(h.url("/info")).send().await;
    let Err(error) = dropped else {
        return Err("the second request got a response".into());
    };
    assert!(!error.is_status() && !error.is_decode(), "{error:?}");
    assert!(
        h.call("GET", "/info", None, None).await.is_ok(),
        "the next connection works"
    );
    h.sim.pbx_faults.clear();
    Ok(())
}

#[tokio::test]
async fn latency_delays_answers() -> TestResult {
    let h = Harness::start(small_config()).await?;
    h.sim.pbx_faults.set_latency(Duration::from_millis(300));
    let started = Instant::now();
    assert_eq!(h.call("GET", "/info", None, None).await?.status, 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    Ok(())
}

#[tokio::test]
async fn microsoft_faults_reach_the_pbx_as_explained_errors() -> TestResult {
    let h = Harness::start(small_config()).await?;
    let admin = h.admin().await?;
    let generated = h
        .call("POST", "/ms365/certificate", Some(&admin), None)
        .await?;
    assert_eq!(generated.status, 200);
    crate::contract::connect_integration(&h, &admin).await?;
    h.sim.ms_faults.fail_every(1, 503);
    let answer = h.get("/ms365/users", &admin).await?;
    assert_eq!(answer.status, 400, "{}", answer.text);
    assert_eq!(answer.error_codes(), ["MS365_REQUEST_FAILED"]);
    assert!(
        answer.error_messages().iter().any(|m| m.contains("503")),
        "{:?}",
        answer.error_messages()
    );
    h.sim.ms_faults.clear();
    let recovered = h.get("/ms365/users", &admin).await?;
    assert_eq!(recovered.status, 200, "{}", recovered.text);
    assert!(
        recovered
            .field("/items")
            .and_then(Value::as_array)
            .is_some_and(|i| !i.is_empty())
    );
    Ok(())
}
