//! `pbx365 sim`'s fault flags through the real binary: faults aimed at the Microsoft identity
//! platform only, and replies dropped after the request was applied.
#![cfg(unix)]

#[allow(dead_code)] // each cli_* test binary uses part of the support module
mod cli_support;

use cli_support::{RunningSim, TestResult};
use serde_json::{Value, json};

#[tokio::test]
async fn ms_token_target_throttles_the_identity_platform_with_its_own_errors_only() -> TestResult {
    let sim = RunningSim::start(&["--fault-target", "ms-token", "--throttle-every", "2"]).await?;
    let authority = sim.get("/microsoft/authority")?;
    let discovery = format!(
        "{authority}/{}/v2.0/.well-known/openid-configuration",
        sim.get("/microsoft/tenant_id")?
    );
    let graph = format!("{authority}/v1.0/organization");
    let pbx = format!("{}/info", sim.get("/pbx/url")?);
    let http = reqwest::Client::new();
    let (mut identity, mut others) = (Vec::new(), Vec::new());
    for _ in 0..2 {
        // Graph and the PBX are neither faulted nor counted.
        others.push(http.get(&graph).send().await?.status().as_u16());
        others.push(http.get(&pbx).send().await?.status().as_u16());
        let response = http.get(&discovery).send().await?;
        identity.push(response.status().as_u16());
        if response.status() == 429 {
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .map(|v| v.to_str().map(str::to_owned))
                .transpose()?;
            assert_eq!(retry_after.as_deref(), Some("1"));
            let body: Value = response.json().await?;
            assert_eq!(body["error"], "temporarily_unavailable", "{body}");
            assert_eq!(body["error_codes"], json!([90055]), "{body}");
            let description = body["error_description"].as_str().unwrap_or_default();
            assert!(description.starts_with("AADSTS90055: "), "{body}");
        }
    }
    assert_eq!(identity, [200, 429]);
    assert!(!others.contains(&429), "{others:?}");
    Ok(())
}

#[tokio::test]
async fn drop_reply_flag_applies_the_request_and_loses_its_answer() -> TestResult {
    let sim = RunningSim::start(&[
        "--tls",
        "--fault-target",
        "pbx,ms-graph",
        "--drop-reply-every",
        "2",
    ])
    .await?;
    let pem = std::fs::read(sim.ca_file()?)?;
    let http = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(&pem)?)
        .build()?;
    let pbx = sim.get("/pbx/url")?;

    // 1st PBX request: answered.
    let login: Value = http
        .post(format!("{pbx}/login"))
        .json(&json!({
            "username": sim.get("/pbx/admin/username")?,
            "password": sim.get("/pbx/admin/password")?,
            "domain": sim.get("/pbx/admin/domain")?,
        }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let token = login["access_token"].as_str().ok_or("no access token")?;
    // 2nd: the user is created, the answer never comes.
    let created = http
        .post(format!("{pbx}/users"))
        .bearer_auth(token)
        .json(&json!({
            "name": "lost.reply", "display_name": "Lost Reply", "password": "Secret-123",
            "email": "lost.reply@contoso.example", "role": "StandardUser",
            "extension_number": "4321", "extension_password": "ext-secret",
            "voicemail_pin": "123456"
        }))
        .send()
        .await;
    let Err(error) = created else {
        return Err("the reply to the second request was not dropped".into());
    };
    assert!(error.is_request() && !error.is_connect(), "{error:?}");
    // 3rd: answered, and it lists the user.
    let listed: Value = http
        .get(format!("{pbx}/users?search=lost.reply"))
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    assert_eq!(listed["count"], 1, "{listed}");

    // The identity platform is not a target of `pbx,ms-graph`.
    let discovery = format!(
        "{}/{}/v2.0/.well-known/openid-configuration",
        sim.get("/microsoft/authority")?,
        sim.get("/microsoft/tenant_id")?
    );
    for _ in 0..2 {
        assert_eq!(http.get(&discovery).send().await?.status(), 200);
    }
    Ok(())
}
