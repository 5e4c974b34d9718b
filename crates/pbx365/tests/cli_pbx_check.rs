//! `pbx365 pbx check` against `pbx365 sim --tls`: the summary, the JSON report, and each way
//! signing in can fail, with its message and a non-zero exit code.

#[allow(dead_code)] // each cli_* test binary uses part of the support module
mod cli_support;

use cli_support::{RunningSim, TestResult, pbx_login, run};
use serde_json::Value;

fn with(mut args: Vec<String>, more: &[&str]) -> Vec<String> {
    args.extend(more.iter().map(|s| (*s).to_owned()));
    args
}

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}

#[tokio::test]
async fn with_the_ca_it_shows_tenant_role_settings_and_redirect_uris() -> TestResult {
    let sim = RunningSim::start(&["--tls", "--sbc-domain", "sbc.contoso.example"]).await?;
    let ca = sim.get("/ca_file")?;
    let redirect_uris = sim
        .info
        .pointer("/pbx/redirect_uris")
        .cloned()
        .ok_or("no redirect URIs announced")?;
    assert_eq!(
        redirect_uris.as_array().map(Vec::len),
        Some(2),
        "{redirect_uris}"
    );
    let (login, password) = pbx_login(&sim, "admin")?;
    let stdin = format!("{password}\n");

    let human = run(
        &strs(&with(login.clone(), &["--ca-file", &ca])),
        &stdin,
        &[],
    )
    .await?;
    assert!(human.status.success(), "{human:?}");
    assert!(
        human.stdout.contains("pbxadmin (role Admin)"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("Contoso (contoso.example)"),
        "{}",
        human.stdout
    );
    assert!(human.stdout.contains("Sync schedule"), "{}", human.stdout);
    let licensed = sim
        .info
        .pointer("/pbx/licensed_users")
        .and_then(Value::as_i64)
        .ok_or("no licence announced")?;
    let version = sim
        .info
        .pointer("/pbx/version")
        .and_then(Value::as_str)
        .ok_or("no version announced")?
        .to_owned();
    assert!(
        human.stdout.contains(&format!("PortSIP {version}.0, ")),
        "{}",
        human.stdout
    );
    assert!(
        human
            .stdout
            .contains(&format!(" of {licensed} licensed users")),
        "{}",
        human.stdout
    );
    for uri in redirect_uris.as_array().into_iter().flatten() {
        let uri = uri.as_str().ok_or("redirect URI is not a string")?;
        assert!(
            human.stdout.contains(uri),
            "{uri} missing from:\n{}",
            human.stdout
        );
    }
    assert!(!human.stdout.contains(&password) && !human.stderr.contains(&password));

    let json = run(
        &strs(&with(login, &["--ca-file", &ca, "--json"])),
        &stdin,
        &[],
    )
    .await?;
    assert!(json.status.success(), "{json:?}");
    let report = json.json()?;
    assert_eq!(report["ok"], true);
    assert_eq!(report["role"], "Admin");
    assert_eq!(report["scope"], "tenant");
    assert_eq!(report["tenant"]["name"], "Contoso");
    assert_eq!(report["tenant"]["domain"], "contoso.example");
    assert_eq!(report["configured"], false);
    assert_eq!(report["version"], format!("{version}.0"));
    assert_eq!(report["licensed_users"], licensed);
    assert!(
        report["current_users"].as_i64().is_some_and(|n| n > 0),
        "{report}"
    );
    assert_eq!(report["version_warning"], Value::Null);
    assert_eq!(report["redirect_uris"], redirect_uris);
    assert_eq!(report["ms365"]["redirect_uri"], redirect_uris[0]);
    assert!(report["ms365"]["sync_time"].is_string(), "{report}");

    // The system administrator has no tenant: the PBX-wide integration is shown instead.
    let (login, password) = pbx_login(&sim, "system_admin")?;
    let system = run(
        &strs(&with(login, &["--ca-file", &ca, "--json"])),
        &format!("{password}\n"),
        &[],
    )
    .await?;
    assert!(system.status.success(), "{system:?}");
    let report = system.json()?;
    assert_eq!(report["role"], "SystemAdmin");
    assert_eq!(report["scope"], "system");
    assert_eq!(report["tenant"], Value::Null);
    let system_uri = report["redirect_uris"][0].as_str().unwrap_or_default();
    assert!(system_uri.contains("/admin/ms365/"), "{report}");
    Ok(())
}

#[tokio::test]
async fn without_the_ca_the_fingerprint_is_shown_and_pinning_it_passes() -> TestResult {
    let sim = RunningSim::start(&["--tls"]).await?;
    let (login, password) = pbx_login(&sim, "admin")?;
    let stdin = format!("{password}\n");

    let refused = run(&strs(&with(login.clone(), &["--json"])), &stdin, &[]).await?;
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    let report = refused.json()?;
    assert_eq!(report["ok"], false);
    assert_eq!(report["error"]["kind"], "tls");
    let fingerprint = report["error"]["certificate"]["sha256"]
        .as_str()
        .ok_or_else(|| format!("no fingerprint in {report}"))?
        .to_owned();
    let hex_pairs: Vec<&str> = fingerprint.split(':').collect();
    assert_eq!(hex_pairs.len(), 32, "{fingerprint}");
    assert!(
        hex_pairs
            .iter()
            .all(|pair| pair.len() == 2 && pair.chars().all(|c| c.is_ascii_hexdigit())),
        "{fingerprint}"
    );
    assert!(
        refused.stderr.contains(&format!("SHA-256 {fingerprint}")),
        "{}",
        refused.stderr
    );
    assert!(refused.stderr.contains("not trusted"), "{}", refused.stderr);

    let pinned = run(
        &strs(&with(login, &["--pin-sha256", &fingerprint])),
        &stdin,
        &[],
    )
    .await?;
    assert!(pinned.status.success(), "{pinned:?}");
    assert!(pinned.stdout.contains("role Admin"), "{}", pinned.stdout);
    Ok(())
}

#[tokio::test]
async fn a_wrong_password_or_a_standard_user_is_refused_with_the_reason() -> TestResult {
    let sim = RunningSim::start(&["--tls"]).await?;
    let ca = sim.get("/ca_file")?;

    let (login, _) = pbx_login(&sim, "admin")?;
    let wrong = "not-the-password-42";
    let refused = run(
        &strs(&with(login.clone(), &["--ca-file", &ca])),
        &format!("{wrong}\n"),
        &[],
    )
    .await?;
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    assert!(
        refused
            .stderr
            .contains("The PBX did not accept the user name \"pbxadmin\" and password on tenant contoso.example"),
        "{}",
        refused.stderr
    );
    assert!(refused.stdout.is_empty(), "{}", refused.stdout);
    assert!(!refused.stderr.contains(wrong), "{}", refused.stderr);
    let as_json = run(
        &strs(&with(login, &["--ca-file", &ca, "--json"])),
        &format!("{wrong}\n"),
        &[],
    )
    .await?;
    assert_eq!(as_json.status.code(), Some(1));
    assert_eq!(as_json.json()?["error"]["kind"], "bad_credentials");

    let (login, password) = pbx_login(&sim, "standard_user")?;
    let forbidden = run(
        &strs(&with(login, &["--ca-file", &ca, "--json"])),
        &format!("{password}\n"),
        &[],
    )
    .await?;
    assert_eq!(forbidden.status.code(), Some(1), "{forbidden:?}");
    assert!(
        forbidden
            .stderr
            .contains("(role StandardUser) is not allowed"),
        "{}",
        forbidden.stderr
    );
    assert!(
        forbidden
            .stderr
            .contains("administrator account (role Admin)"),
        "{}",
        forbidden.stderr
    );
    let report = forbidden.json()?;
    assert_eq!(report["error"]["kind"], "forbidden");
    assert_eq!(report["error"]["role"], "StandardUser");
    Ok(())
}

#[tokio::test]
async fn plain_http_to_another_computer_is_refused_before_sending_the_password() -> TestResult {
    let refused = run(
        &[
            "pbx",
            "check",
            "--url",
            "http://pbx.example.com:8887",
            "--username",
            "admin",
            "--password-stdin",
            "--json",
        ],
        "secret\n",
        &[],
    )
    .await?;
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    assert!(
        refused.stderr.contains("plain http://"),
        "{}",
        refused.stderr
    );
    let report = refused.json()?;
    assert_eq!(report["ok"], false);
    assert_eq!(report["error"]["kind"], "insecure_url");
    let message = report["error"]["message"].as_str().unwrap_or_default();
    assert!(
        refused.stderr.contains(message) && !message.is_empty(),
        "{report}"
    );
    Ok(())
}

#[tokio::test]
async fn the_password_is_never_taken_as_an_argument() -> TestResult {
    let usage = run(
        &[
            "pbx",
            "check",
            "--url",
            "https://pbx.example.com",
            "--username",
            "admin",
            "--password",
            "x",
        ],
        "",
        &[],
    )
    .await?;
    assert_eq!(usage.status.code(), Some(2), "{usage:?}");
    assert!(
        usage.stderr.contains("--password-stdin"),
        "{}",
        usage.stderr
    );
    Ok(())
}

#[tokio::test]
async fn the_sims_fault_switches_reach_the_pbx() -> TestResult {
    let sim = RunningSim::start(&["--tls", "--fault-target", "pbx", "--fail-every", "1"]).await?;
    let (login, password) = pbx_login(&sim, "admin")?;
    let ca = sim.get("/ca_file")?;
    let started = std::time::Instant::now();
    let failed = run(
        &strs(&with(login, &["--ca-file", &ca, "--json"])),
        &format!("{password}\n"),
        &[],
    )
    .await?;
    let took = started.elapsed();
    assert_eq!(failed.status.code(), Some(1), "{failed:?}");
    // A check of an address just typed tries for the first contact's 10 s, not for the two
    // minutes a PBX that has answered gets (it took 92 s before).
    assert!(took < std::time::Duration::from_secs(40), "took {took:?}");
    let report = failed.json()?;
    assert_eq!(report["error"]["kind"], "server", "{report}");
    assert_eq!(report["error"]["status"], 503, "{report}");
    assert!(
        failed.stderr.contains("This is a problem on the PBX"),
        "{}",
        failed.stderr
    );
    Ok(())
}
