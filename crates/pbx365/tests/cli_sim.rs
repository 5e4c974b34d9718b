//! `pbx365 sim`: what it announces, that a shell can use it, and that it stops cleanly.
#![cfg(unix)]

#[allow(dead_code)] // each cli_* test binary uses part of the support module
mod cli_support;

use std::process::Stdio;
use std::time::{Duration, Instant};

use cli_support::{HANG_GUARD, RunningSim, TestResult, free_port, pbx365};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, BufReader};

/// Microsoft Graph Command Line Tools, the public client the wizard signs in with.
const GRAPH_CLI_TOOLS: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

/// The `AADSTS` codes of an Entra error body.
fn error_codes(body: &Value) -> Vec<u64> {
    body["error_codes"]
        .as_array()
        .map(|codes| codes.iter().filter_map(Value::as_u64).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn tls_sim_announces_its_addresses_accounts_and_an_existing_ca_then_stops_on_sigterm()
-> TestResult {
    let sim = RunningSim::start_with_default_ca(&["--tls"]).await?;

    let pbx_url = sim.get("/pbx/url")?;
    assert!(pbx_url.starts_with("https://127.0.0.1:"), "{pbx_url}");
    assert!(pbx_url.ends_with("/api"), "{pbx_url}");
    let authority = sim.get("/microsoft/authority")?;
    assert!(authority.starts_with("https://127.0.0.1:"), "{authority}");
    assert_ne!(authority, pbx_url.trim_end_matches("/api"));
    assert_eq!(sim.get("/pbx/tenant_domain")?, "contoso.example");
    assert_eq!(sim.get("/pbx/admin/domain")?, "contoso.example");
    assert!(!sim.get("/pbx/admin/username")?.is_empty());
    assert!(!sim.get("/pbx/admin/password")?.is_empty());
    assert!(!sim.get("/microsoft/tenant_id")?.is_empty());
    assert_eq!(
        sim.get("/microsoft/global_admin/user_principal_name")?,
        "admin@contoso.example"
    );
    assert_eq!(
        sim.info
            .pointer("/microsoft/global_admin/can_grant_application_permissions"),
        Some(&serde_json::Value::Bool(true))
    );
    let ca_file = sim.ca_file()?;
    let pem = std::fs::read_to_string(&ca_file)?;
    assert!(pem.contains("-----BEGIN CERTIFICATE-----"), "{pem}");

    let (status, stderr) = sim.terminate().await?;
    assert!(status.success(), "{status}: {stderr}");
    assert!(stderr.contains("SIGTERM received"), "{stderr}");
    // The CA lived in a temporary directory that a clean shutdown removes.
    assert!(
        !ca_file.exists(),
        "{} outlived the emulators",
        ca_file.display()
    );
    Ok(())
}

#[tokio::test]
async fn print_env_lines_sourced_by_a_shell_are_enough_for_pbx_check() -> TestResult {
    let dir = tempfile::tempdir()?;
    let ca_path = dir.path().join("sim-ca.pem");
    let ca = ca_path.to_str().ok_or("temporary path is not UTF-8")?;
    let mut child = pbx365()
        .args([
            "sim",
            "--tls",
            "--ca-file",
            ca,
            "--print-env",
            "--pbx-users",
            "3",
            "--users",
            "5",
            "--cloud",
            "china",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let stdout = child.stdout.take().ok_or("no stdout pipe")?;
    let mut lines = BufReader::new(stdout).lines();
    let needed = [
        "PBX365_SIM_PBX_URL",
        "PBX365_SIM_TENANT_DOMAIN",
        "PBX365_SIM_PBX_ADMIN",
        "PBX365_SIM_PBX_ADMIN_PASSWORD",
        "PBX365_SIM_CA_FILE",
        "PBX365_SIM_MS_AUTHORITY",
        "PBX365_SIM_MS_CLOUD",
    ];
    let mut script = String::new();
    while !needed
        .iter()
        .all(|name| script.contains(&format!("export {name}=")))
    {
        let line = tokio::time::timeout(HANG_GUARD, lines.next_line())
            .await??
            .ok_or_else(|| format!("the export lines ended early:\n{script}"))?;
        assert!(line.starts_with("export PBX365_SIM_"), "{line}");
        script.push_str(&line);
        script.push('\n');
    }
    assert!(
        script.contains(&format!("export PBX365_SIM_CA_FILE='{ca}'")),
        "{script}"
    );
    // The Microsoft emulator plays the cloud asked for, and says so for `setup --cloud`.
    assert!(
        script.contains("export PBX365_SIM_MS_CLOUD='china'"),
        "{script}"
    );
    let env_file = dir.path().join("sim.env");
    std::fs::write(&env_file, &script)?;

    let check = format!(
        r#". '{}' && printf '%s\n' "$PBX365_SIM_PBX_ADMIN_PASSWORD" | "$PBX365" pbx check --url "$PBX365_SIM_PBX_URL" --username "$PBX365_SIM_PBX_ADMIN" --domain "$PBX365_SIM_TENANT_DOMAIN" --ca-file "$PBX365_SIM_CA_FILE" --password-stdin --json"#,
        env_file.display()
    );
    let output = tokio::time::timeout(
        HANG_GUARD,
        tokio::process::Command::new("sh")
            .args(["-c", &check])
            .env("PBX365", env!("CARGO_BIN_EXE_pbx365"))
            .output(),
    )
    .await??;
    let stdout = String::from_utf8(output.stdout)?;
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report: serde_json::Value = serde_json::from_str(stdout.trim())?;
    assert_eq!(report["role"], "Admin");
    assert_eq!(report["tenant"]["domain"], "contoso.example");

    child.start_kill()?;
    child.wait().await?;
    Ok(())
}

#[tokio::test]
async fn ms_port_latency_and_throttling_flags_shape_what_microsoft_answers() -> TestResult {
    const LATENCY: Duration = Duration::from_millis(300);
    const EVERY: usize = 3;
    let port = free_port()?;
    let sim = RunningSim::start(&[
        "--ms-port",
        &port.to_string(),
        "--fault-target",
        "ms",
        "--latency-ms",
        &LATENCY.as_millis().to_string(),
        "--throttle-every",
        &EVERY.to_string(),
    ])
    .await?;
    let authority = sim.get("/microsoft/authority")?;
    assert_eq!(authority, format!("http://127.0.0.1:{port}"));

    let discovery = format!(
        "{authority}/{}/v2.0/.well-known/openid-configuration",
        sim.get("/microsoft/tenant_id")?
    );
    let http = reqwest::Client::new();
    let mut statuses = Vec::new();
    for _ in 0..2 * EVERY {
        let started = Instant::now();
        let response = http.get(&discovery).send().await?;
        // Only a lower bound: a busy machine may always be slower.
        let elapsed = started.elapsed();
        assert!(elapsed >= LATENCY, "answered after {elapsed:?}");
        let status = response.status().as_u16();
        statuses.push(status);
        if status == 429 {
            // `pbx365 sim --help` promises `Retry-After: 1`.
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .map(|v| v.to_str().map(str::to_owned))
                .transpose()?;
            assert_eq!(retry_after.as_deref(), Some("1"));
            let body: Value = response.json().await?;
            // Entra's identity platform answers throttling in its own OAuth format.
            assert_eq!(body["error"], "temporarily_unavailable", "{body}");
            assert_eq!(body["error_codes"], serde_json::json!([90055]), "{body}");
        }
    }
    assert_eq!(statuses, [200, 200, 429, 200, 200, 429]);

    // `--fault-target ms` leaves the PBX alone.
    let pbx = format!("{}/user/profile", sim.get("/pbx/url")?);
    for _ in 0..EVERY {
        let status = http.get(&pbx).send().await?.status();
        assert_ne!(status, reqwest::StatusCode::TOO_MANY_REQUESTS);
    }
    Ok(())
}

#[tokio::test]
async fn replication_delay_flag_hides_a_new_app_from_token_issuance_for_that_long() -> TestResult {
    // Long enough that the first token request surely comes before it ends, short enough for
    // a quick test.
    const DELAY: Duration = Duration::from_secs(3);
    let sim = RunningSim::start(&[
        "--auto-approve",
        "--replication-delay-secs",
        &DELAY.as_secs().to_string(),
    ])
    .await?;
    let authority = sim.get("/microsoft/authority")?;
    let token_endpoint = format!(
        "{authority}/{}/oauth2/v2.0/token",
        sim.get("/microsoft/tenant_id")?
    );
    let http = reqwest::Client::new();

    // An admin's delegated token by the device code flow: with --auto-approve the code is
    // approved as it is issued, so the first poll redeems it.
    let device: Value = http
        .post(format!("{authority}/organizations/oauth2/v2.0/devicecode"))
        .form(&[
            ("client_id", GRAPH_CLI_TOOLS),
            (
                "scope",
                "openid offline_access https://graph.microsoft.com/Application.ReadWrite.All",
            ),
        ])
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let device_code = device["device_code"].as_str().ok_or("no device code")?;
    let token: Value = http
        .post(&token_endpoint)
        .form(&[
            ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
            ("client_id", GRAPH_CLI_TOOLS),
            ("device_code", device_code),
        ])
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    let access_token = token["access_token"].as_str().ok_or("no access token")?;

    let created: Value = http
        .post(format!("{authority}/v1.0/applications"))
        .bearer_auth(access_token)
        .json(&json!({"displayName": "Replication probe", "signInAudience": "AzureADMyOrg"}))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    // The app existed before this instant, so it is replicated once DELAY has passed from here.
    let created_by = Instant::now();
    let app_id = created["appId"].as_str().ok_or("no appId")?;

    // The assertion is never looked at while the app is unknown; once the app is known, its
    // being no signed JWT is what Entra refuses.
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", app_id),
        ("scope", "https://graph.microsoft.com/.default"),
        (
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ),
        ("client_assertion", "not-a-signed-jwt"),
    ];
    let ask_for_a_token = || async {
        let answer: Value = http
            .post(&token_endpoint)
            .form(&form)
            .send()
            .await?
            .json()
            .await?;
        Ok::<_, reqwest::Error>(answer)
    };
    let early = ask_for_a_token().await?;
    assert_eq!(error_codes(&early), [700016], "{early}");

    tokio::time::sleep_until((created_by + DELAY).into()).await;
    let later = ask_for_a_token().await?;
    assert_eq!(error_codes(&later), [50027], "{later}");
    Ok(())
}
