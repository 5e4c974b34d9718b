//! `pbx365 reset` through the real binary against `pbx365 sim --tls --auto-approve`, with the
//! secrets in a throwaway Secret Service: without a terminal and without `--yes` it refuses and
//! writes nothing; with `--yes --json` it prints the plan and the report as one JSON object and
//! leaves nothing of the profile behind; run again it finds nothing to do; and the same PBX
//! can then be set up again.
#![cfg(target_os = "linux")]

#[allow(dead_code)] // each cli_* test binary uses part of the support module
mod cli_support;

use cli_support::keyring_home::{Home, sim_env};
use cli_support::{RunningSim, TestResult, pbx_login, run};
use serde_json::Value;

const SETUP: &str = r#"printf '%s\n' "$PBX_PASSWORD" | "$PBX365" setup --profile demo --pbx-url "$PBX_URL" --username "$PBX_USER" --domain "$PBX_DOMAIN" --password-stdin --ca-file "$CA_FILE" --authority "$AUTHORITY" --mode auto --features users --yes"#;

/// Every file pbx365 keeps, with a digest of its contents (lock files hold nothing).
const FILES: &str = r#"(cd "$XDG_CONFIG_HOME/pbx365" && find . -type f ! -name '*.lock' -exec sha256sum {} + | sort -k 2)"#;

/// The keyring entries pbx365 filed.
const KEYRING: &str = "(secret-tool search --all service pbx365 2>&1 | grep -c '^label' || true)";

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

#[tokio::test]
async fn reset_refuses_without_a_terminal_then_resets_with_yes_and_a_new_setup_works() -> TestResult
{
    let sim = RunningSim::start(&["--tls", "--auto-approve"]).await?;
    let home = Home::new()?;
    let env = sim_env(&sim)?;
    let steps = home
        .scenario(
            &[
                SETUP,
                FILES,
                KEYRING,
                r#""$PBX365" reset --profile demo </dev/null"#,
                r#""$PBX365" reset --profile demo --json </dev/null"#,
                FILES,
                KEYRING,
            ],
            &env,
        )
        .await?;
    let [
        setup,
        files_before,
        keyring_before,
        refused,
        refused_json,
        files_after_refusal,
        keyring_after_refusal,
    ] = steps.as_slice()
    else {
        return Err(format!("expected seven steps, got {steps:?}").into());
    };
    assert_eq!(setup.code, 0, "{setup:?}");
    assert!(
        files_before.stdout.contains("./profiles/demo.json"),
        "{files_before:?}"
    );
    assert_ne!(keyring_before.stdout.trim(), "0", "{keyring_before:?}");

    // No terminal, no --yes: refused before anything was read or written.
    assert_eq!(refused.code, 1, "{refused:?}");
    assert!(
        refused
            .stderr
            .contains("asks for confirmation on a terminal"),
        "{}",
        refused.stderr
    );
    assert!(refused.stdout.is_empty(), "{}", refused.stdout);
    assert_eq!(refused_json.code, 1, "{refused_json:?}");
    let failure = refused_json.json()?;
    assert_eq!(failure["ok"], false);
    assert_eq!(failure["error"]["kind"], "not-confirmed", "{failure}");
    assert_eq!(files_after_refusal.stdout, files_before.stdout);
    assert_eq!(keyring_after_refusal.stdout, keyring_before.stdout);
    assert_eq!(pbx_integration(&sim).await?["configured"], true);

    // --yes --json: the plan and the report, and nothing left of the profile.
    let steps = home
        .scenario(
            &[
                r#""$PBX365" reset --profile demo --yes --json </dev/null"#,
                FILES,
                KEYRING,
                r#""$PBX365" reset --profile demo --yes --json </dev/null"#,
            ],
            &env,
        )
        .await?;
    let [reset, files_after_reset, keyring_after_reset, again] = steps.as_slice() else {
        return Err(format!("expected four steps, got {steps:?}").into());
    };
    assert_eq!(reset.code, 0, "{reset:?}");
    let done = reset.json()?;
    assert_eq!(done["ok"], true, "{done}");
    let planned = done["plan"]["steps"].as_array().ok_or("no planned steps")?;
    assert_eq!(planned.len(), 3, "{done}");
    let tenant = sim.get("/microsoft/tenant_id")?;
    // Each step's summary is a code with its values (worded by the window and in the text output).
    assert_eq!(planned[1]["summary"]["tenant"]["id"], tenant, "{done}");
    assert_eq!(planned[0]["summary"]["code"], "pbx-stop", "{done}");
    assert_eq!(planned[0]["summary"]["stop"], "destroy", "{done}");
    let reported = done["report"]["steps"].as_array().ok_or("no report")?;
    let places: Vec<&str> = reported
        .iter()
        .filter_map(|s| s["place"].as_str())
        .collect();
    assert_eq!(places, ["PBX", "Microsoft Entra", "This computer"]);
    assert!(reset.stderr.contains("[step 3]"), "{}", reset.stderr);
    assert!(
        files_after_reset.stdout.trim().is_empty(),
        "{files_after_reset:?}"
    );
    assert_eq!(
        keyring_after_reset.stdout.trim(),
        "0",
        "{keyring_after_reset:?}"
    );
    assert!(!home.profile_file("demo").exists());
    let integration = pbx_integration(&sim).await?;
    assert_eq!(integration["configured"], false, "{integration}");

    // Again: nothing to do, still a success.
    assert_eq!(again.code, 0, "{again:?}");
    let nothing = again.json()?;
    assert_eq!(nothing["plan"]["nothing_to_do"], true, "{nothing}");

    // The same PBX set up again from scratch.
    let steps = home.scenario(&[SETUP], &env).await?;
    assert_eq!(steps.first().map(|s| s.code), Some(0), "{steps:?}");
    assert_eq!(pbx_integration(&sim).await?["configured"], true);
    Ok(())
}
