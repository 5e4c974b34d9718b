//! `pbx365 sim`: what it announces, that a shell can use it, and that it stops cleanly.
#![cfg(unix)]

#[allow(dead_code)] // each cli_* test binary uses part of the support module
mod cli_support;

use std::process::Stdio;

use cli_support::{HANG_GUARD, RunningSim, TestResult, pbx365};
use tokio::io::{AsyncBufReadExt, BufReader};

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
