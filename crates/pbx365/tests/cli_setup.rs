//! `pbx365 setup` and `pbx365 doctor` against `pbx365 sim --tls --auto-approve`, with the
//! secrets in a real Secret Service: each scenario runs inside a private `dbus-run-session`
//! with an unlocked throwaway gnome-keyring and a throwaway HOME, never the user's own.
#![cfg(target_os = "linux")]

#[allow(dead_code)] // each cli_* test binary uses part of the support module
mod cli_support;
mod private_files;

use std::path::Path;

use cli_support::keyring_home::{Home, sim_env};
use cli_support::{GraphRecord, RunningSim, TestResult, pbx_login, run};
use private_files::open_to_others;
use serde_json::Value;

const SETUP: &str = r#""$PBX365" setup --profile demo --pbx-url "$PBX_URL" --username "$PBX_USER" --domain "$PBX_DOMAIN" --password-stdin --ca-file "$CA_FILE" --authority "$AUTHORITY" --mode auto --features users"#;

/// The PBX's integration as `pbx365 pbx check --json` reports it.
async fn pbx_integration(sim: &RunningSim) -> Result<Value, Box<dyn std::error::Error>> {
    let (mut args, password) = pbx_login(sim, "admin")?;
    args.extend([
        "--ca-file".to_owned(),
        sim.get("/ca_file")?,
        "--json".to_owned(),
    ]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let check = run(&args, &format!("{password}\n"), &[]).await?;
    assert!(check.status.success(), "{check:?}");
    check.json()
}

fn contains_file(path: &Path, needle: &str) -> Result<bool, std::io::Error> {
    Ok(std::fs::read_to_string(path)?.contains(needle))
}

#[tokio::test]
async fn automatic_setup_applies_after_the_review_and_the_doctor_then_passes() -> TestResult {
    let sim = RunningSim::start(&["--tls", "--auto-approve"]).await?;
    let home = Home::new()?;
    let env = sim_env(&sim)?;
    let setup = format!(r#"printf '%s\n' "$PBX_PASSWORD" | {SETUP} --yes"#);
    let steps = home
        .scenario(
            &[
                &setup,
                r#""$PBX365" doctor --profile demo"#,
                r#""$PBX365" doctor --profile demo --json"#,
            ],
            &env,
        )
        .await?;
    let [setup, doctor, doctor_json] = steps.as_slice() else {
        return Err(format!("expected three steps, got {steps:?}").into());
    };

    assert_eq!(setup.code, 0, "{setup:?}");
    assert!(
        setup.stdout.contains("Review of profile \"demo\""),
        "{}",
        setup.stdout
    );
    assert!(setup.stdout.contains("Applied"), "{}", setup.stdout);
    assert!(
        setup.stdout.contains("every check passed"),
        "{}",
        setup.stdout
    );
    assert!(
        setup.stderr.contains("[Connect to the PBX]"),
        "{}",
        setup.stderr
    );

    assert_eq!(doctor.code, 0, "{doctor:?}");
    assert!(
        doctor
            .stdout
            .contains("PASS  The PBX lists Microsoft 365 users"),
        "{}",
        doctor.stdout
    );
    assert!(!doctor.stdout.contains("FAIL"), "{}", doctor.stdout);
    assert_eq!(doctor_json.code, 0, "{doctor_json:?}");
    let report = doctor_json.json()?;
    assert_eq!(report["passed"], true, "{report}");
    assert_eq!(report["profile"], "demo");

    // The PBX now points at the app the setup registered, and the profile holds no secret.
    let integration = pbx_integration(&sim).await?;
    assert_eq!(integration["configured"], true, "{integration}");
    assert_eq!(
        integration["ms365"]["directory_id"],
        sim.get("/microsoft/tenant_id")?
    );
    let profile = home.profile_file("demo");
    assert!(profile.exists(), "no profile at {}", profile.display());
    assert!(!contains_file(&profile, &sim.get("/pbx/admin/password")?)?);

    // The setup's Graph calls were recorded, to be held to Graph's metadata when `sim` drops.
    let calls = sim.graph_calls()?;
    let registered = calls
        .iter()
        .any(|call| call.method == "POST" && call.path == "/v1.0/applications");
    assert!(
        registered,
        "the app registration is not among the recorded Graph calls: {:?}",
        calls.iter().map(|call| &call.path).collect::<Vec<_>>()
    );
    Ok(())
}

/// The check every CLI test gets can fail: a Graph call with a property Graph v1.0 does not
/// have, as `pbx365 sim --record-graph` writes it, is reported, and fails the test whose
/// emulators answered it.
#[test]
fn a_recorded_graph_call_off_the_metadata_fails_the_test() -> TestResult {
    let record = GraphRecord::new()?;
    let call = |request: Value| sim::GraphCall {
        method: "POST".to_owned(),
        path: "/v1.0/applications".to_owned(),
        query: String::new(),
        request: Some(request),
        status: 201,
        response: Some(serde_json::json!({"id": "1", "appId": "2", "displayName": "pbx365"})),
    };
    let conforming = serde_json::to_string(&call(serde_json::json!({"displayName": "pbx365"})))?;
    std::fs::write(record.path(), format!("{conforming}\n"))?;
    assert_eq!(record.problems(), Vec::<String>::new());

    let off = serde_json::to_string(&call(
        serde_json::json!({"displayName": "pbx365", "inventedFlag": true}),
    ))?;
    std::fs::write(record.path(), format!("{conforming}\n{off}\n"))?;
    let problems = record.problems();
    assert_eq!(problems.len(), 2, "one for each cloud: {problems:?}");
    assert!(
        problems.iter().all(|problem| problem.contains(
            "request body /inventedFlag: `inventedFlag` is not a property of microsoft.graph.application"
        )),
        "{problems:?}"
    );

    let dropped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| drop(record)));
    let message = dropped
        .err()
        .and_then(|panic| panic.downcast::<String>().ok())
        .ok_or("dropping a record with a call off the metadata did not fail")?;
    assert!(message.contains("inventedFlag"), "{message}");
    Ok(())
}

#[tokio::test]
async fn bad_input_and_a_declined_review_change_nothing() -> TestResult {
    let sim = RunningSim::start(&["--tls", "--auto-approve"]).await?;
    let home = Home::new()?;
    let env = sim_env(&sim)?;
    let leading_zero =
        format!(r#"printf '%s\n' "$PBX_PASSWORD" | {SETUP} --starting-extension 0123 --yes"#);
    // `setsid` detaches from any terminal, so the answer comes from stdin after the password.
    let declined = format!(r#"printf '%s\nn\n' "$PBX_PASSWORD" | setsid -w {SETUP}"#);
    let steps = home.scenario(&[&leading_zero, &declined], &env).await?;
    let [leading_zero, declined] = steps.as_slice() else {
        return Err(format!("expected two steps, got {steps:?}").into());
    };

    assert_eq!(leading_zero.code, 1, "{leading_zero:?}");
    assert!(
        leading_zero.stderr.contains("0123"),
        "{}",
        leading_zero.stderr
    );
    assert!(
        !leading_zero.stdout.contains("Review of profile"),
        "{}",
        leading_zero.stdout
    );

    assert_eq!(declined.code, 1, "{declined:?}");
    assert!(
        declined.stdout.contains("Review of profile \"demo\""),
        "{}",
        declined.stdout
    );
    assert!(
        declined.stderr.contains("Apply these changes? [y/N]"),
        "{}",
        declined.stderr
    );
    assert!(
        declined.stderr.contains("nothing was changed"),
        "{}",
        declined.stderr
    );
    assert!(!declined.stdout.contains("Applied"), "{}", declined.stdout);

    let integration = pbx_integration(&sim).await?;
    assert_eq!(integration["configured"], false, "{integration}");
    assert!(!home.profile_file("demo").exists());
    Ok(())
}

#[tokio::test]
async fn doctor_names_a_profile_that_does_not_exist() -> TestResult {
    let home = Home::new()?;
    let config = home.config();
    let config = config.to_str().ok_or("temporary path is not UTF-8")?;
    let missing = run(
        &["doctor", "--profile", "nowhere", "--json"],
        "",
        &[("XDG_CONFIG_HOME", config), ("HOME", config)],
    )
    .await?;
    assert_eq!(missing.status.code(), Some(1), "{missing:?}");
    assert!(
        missing.stderr.contains("No profile is named 'nowhere'"),
        "{}",
        missing.stderr
    );
    let report = missing.json()?;
    assert_eq!(report["ok"], false);
    assert_eq!(report["error"]["kind"], "profile");
    Ok(())
}

#[tokio::test]
async fn cert_status_speaks_monitoring_exit_codes_and_rotate_renews_the_key() -> TestResult {
    let sim = RunningSim::start(&["--tls", "--auto-approve"]).await?;
    let home = Home::new()?;
    let env = sim_env(&sim)?;
    let setup = format!(r#"printf '%s\n' "$PBX_PASSWORD" | {SETUP} --yes"#);
    let steps = home
        .scenario(
            &[
                r#""$PBX365" cert status --all"#,
                &setup,
                r#""$PBX365" cert status --profile demo --json"#,
                r#""$PBX365" cert rotate --profile demo --yes"#,
                r#""$PBX365" cert status --all --json"#,
                r#""$PBX365" cert status --profile demo"#,
            ],
            &env,
        )
        .await?;
    let [none, setup, before, rotate, after, line] = steps.as_slice() else {
        return Err(format!("expected six steps, got {steps:?}").into());
    };

    assert_eq!(none.code, 3, "no profile yet is UNKNOWN: {none:?}");
    assert!(none.stdout.starts_with("PBX365 CERT UNKNOWN"), "{none:?}");
    assert_eq!(setup.code, 0, "{setup:?}");

    assert_eq!(before.code, 0, "{before:?}");
    let before = before.json()?;
    assert_eq!(before["report"]["state"], "OK", "{before}");
    let old = before["statuses"][0]["pbx_certificate"]["sha1_thumbprint"].clone();
    assert!(old.is_string(), "{before}");

    assert_eq!(rotate.code, 0, "{rotate:?}");
    assert!(rotate.stdout.contains("Rotated"), "{}", rotate.stdout);

    assert_eq!(after.code, 0, "{after:?}");
    let after = after.json()?;
    let status = &after["statuses"][0];
    assert_eq!(status["state"]["state"], "healthy", "{after}");
    let new = &status["pbx_certificate"]["sha1_thumbprint"];
    assert_ne!(new, &old, "rotation kept the old certificate: {after}");
    let on_app: Vec<&Value> = status["app_keys"]
        .as_array()
        .ok_or("no app keys")?
        .iter()
        .map(|key| &key["thumbprint"])
        .collect();
    assert!(on_app.contains(&new), "new key not on the app: {after}");
    assert!(!on_app.contains(&&old), "old key still on the app: {after}");

    assert_eq!(line.code, 0, "{line:?}");
    assert!(
        line.stdout.starts_with("PBX365 CERT OK - demo:"),
        "{line:?}"
    );
    assert!(line.stdout.contains("| days_left="), "{line:?}");
    Ok(())
}

#[tokio::test]
async fn sync_runs_what_the_dry_run_showed_and_a_second_run_changes_nothing() -> TestResult {
    let sim = RunningSim::start(&["--tls", "--auto-approve"]).await?;
    let home = Home::new()?;
    let env = sim_env(&sim)?;
    let setup = format!(r#"printf '%s\n' "$PBX_PASSWORD" | {SETUP} --yes"#);
    let steps = home
        .scenario(
            &[
                &setup,
                r#""$PBX365" sync --profile demo --dry-run"#,
                r#""$PBX365" sync --profile demo"#,
                r#""$PBX365" sync --profile demo --dry-run"#,
                r#""$PBX365" sync history --profile demo --json"#,
                r#""$PBX365" drift --profile demo --json"#,
            ],
            &env,
        )
        .await?;
    let [setup, dry, first, again, history, drift] = steps.as_slice() else {
        return Err(format!("expected six steps, got {steps:?}").into());
    };
    assert_eq!(setup.code, 0, "{setup:?}");

    assert_eq!(dry.code, 0, "{dry:?}");
    assert!(dry.stdout.contains("create="), "nothing to create? {dry:?}");
    let planned = count_after(&dry.stdout, "create=");

    assert_eq!(first.code, 0, "{first:?}");
    let created = count_after(&first.stdout, "created=");
    assert!(planned.is_some(), "{dry:?}");
    assert_eq!(
        created, planned,
        "the run did not do what the dry run showed: {first:?}"
    );
    assert!(!first.stdout.contains("failed="), "{first:?}");

    assert_eq!(again.code, 0, "{again:?}");
    assert!(
        !again.stdout.contains("create="),
        "second run would create again: {again:?}"
    );

    assert_eq!(history.code, 0, "{history:?}");
    let runs = history.json()?;
    assert_eq!(runs.as_array().map(Vec::len), Some(1), "{runs}");

    assert_eq!(drift.code, 0, "{drift:?}");
    assert!(drift.json()?.is_object(), "{drift:?}");

    // The profile, the history database and the run locks are the user's alone.
    let written = home.config().join("pbx365");
    assert!(written.join("sync.sqlite3").exists());
    assert_eq!(open_to_others(&written)?, Vec::<String>::new());
    Ok(())
}

/// The number after `key` in a summary line such as `create=12 adopt=3`.
fn count_after(text: &str, key: &str) -> Option<u32> {
    text.split(key)
        .nth(1)?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
