//! `pbx365 sync --all`, `doctor --all` and `cert status --all` against `pbx365 sim --tenants 3`:
//! every tenant is reported, one broken tenant is named and the others still finish, the exit
//! codes are the documented ones, a sync of every tenant asks first, and a tenant whose PBX
//! cannot be reached (nothing listens, unknown host name) fails within seconds.
#![cfg(target_os = "linux")]

#[allow(dead_code)] // each cli_* test binary uses part of the support module
mod cli_support;

use cli_support::keyring_home::{Home, Step};
use cli_support::{RunningSim, TestResult};
use serde_json::Value;

/// The `pbx365 setup` command of the announcement's tenant `index`.
fn setup(sim: &RunningSim, index: usize) -> Result<String, Box<dyn std::error::Error>> {
    let tenant = |pointer: &str| sim.get(&format!("/tenants/{index}{pointer}"));
    Ok(format!(
        r#"printf '%s\n' '{password}' | "$PBX365" setup --profile '{profile}' --pbx-url '{url}' --username '{user}' --domain '{domain}' --password-stdin --ca-file "$CA_FILE" --authority '{authority}' --mode auto --features users --skip-verify --yes"#,
        password = tenant("/pbx/admin/password")?,
        profile = tenant("/profile")?,
        url = tenant("/pbx/url")?,
        user = tenant("/pbx/admin/username")?,
        domain = tenant("/pbx/admin/domain")?,
        authority = tenant("/microsoft/authority")?,
    ))
}

fn profiles_of(report: &Value) -> Vec<(String, bool)> {
    report["tenants"]
        .as_array()
        .map(|tenants| {
            tenants
                .iter()
                .map(|t| {
                    (
                        t["profile"].as_str().unwrap_or_default().to_owned(),
                        t["ok"] == true,
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn owned(pairs: &[(&str, bool)]) -> Vec<(String, bool)> {
    pairs.iter().map(|(p, ok)| ((*p).to_owned(), *ok)).collect()
}

fn expect<const N: usize>(steps: Vec<Step>) -> Result<[Step; N], Box<dyn std::error::Error>> {
    steps
        .try_into()
        .map_err(|steps: Vec<Step>| format!("expected {N} steps, got {steps:?}").into())
}

#[tokio::test]
async fn every_tenant_is_reported_and_a_broken_one_is_named_while_the_others_finish() -> TestResult
{
    let sim = RunningSim::start(&["--tls", "--auto-approve", "--tenants", "3"]).await?;
    let names: Vec<String> = (0..3)
        .map(|i| sim.get(&format!("/tenants/{i}/profile")))
        .collect::<Result<_, _>>()?;
    assert_eq!(names, ["tenant1", "tenant2", "tenant3"]);
    assert_eq!(
        sim.get("/tenants/0/pbx/url")?,
        sim.get("/tenants/2/pbx/url")?
    );
    assert_ne!(
        sim.get("/tenants/0/microsoft/tenant_id")?,
        sim.get("/tenants/2/microsoft/tenant_id")?
    );
    let home = Home::new()?;
    let env = vec![("CA_FILE", sim.get("/ca_file")?)];
    let setups: Vec<String> = (0..3).map(|i| setup(&sim, i)).collect::<Result<_, _>>()?;
    let mut commands: Vec<&str> = setups.iter().map(String::as_str).collect();
    commands.extend([
        r#""$PBX365" doctor --all --json"#,
        r#""$PBX365" sync --all --dry-run"#,
        // No terminal and no answer on stdin: nothing is synced.
        r#"setsid -w "$PBX365" sync --all"#,
        r#"printf 'y\n' | setsid -w "$PBX365" sync --all --json --parallel 2"#,
        r#""$PBX365" cert status --all --parallel 2"#,
    ]);
    let [s1, s2, s3, doctor, dry, unconfirmed, synced, cert] =
        expect(home.scenario(&commands, &env).await?)?;
    for setup in [&s1, &s2, &s3] {
        assert_eq!(setup.code, 0, "{setup:?}");
    }
    let all_ok = owned(&[("tenant1", true), ("tenant2", true), ("tenant3", true)]);
    assert_eq!(doctor.code, 0, "{doctor:?}");
    let report = doctor.json()?;
    assert_eq!(profiles_of(&report), all_ok, "{report}");
    assert_eq!(report["parallel"], 8, "the documented default");
    assert_eq!(report["failed"], serde_json::json!([]));
    assert_eq!(report["tenants"][1]["result"]["passed"], true, "{report}");

    assert_eq!(dry.code, 0, "{dry:?}");
    for name in &names {
        assert!(
            dry.stdout
                .lines()
                .any(|l| l.starts_with(name.as_str()) && l.contains("ok") && l.contains("create=")),
            "{name} has no planned line: {dry:?}"
        );
    }
    assert!(
        dry.stdout
            .contains("Dry run: 3 of 3 profiles ok (8 at a time)."),
        "{dry:?}"
    );

    assert_eq!(unconfirmed.code, 1, "{unconfirmed:?}");
    assert!(
        unconfirmed.stderr.contains("Sync these 3 profiles now?"),
        "{unconfirmed:?}"
    );
    assert!(
        unconfirmed
            .stderr
            .contains("tenant2 (tenant2.contoso.example at 127.0.0.1:"),
        "the question names each tenant: {unconfirmed:?}"
    );
    assert!(
        unconfirmed.stderr.contains("nothing was changed"),
        "{unconfirmed:?}"
    );

    assert_eq!(synced.code, 0, "{synced:?}");
    let report = synced.json()?;
    assert_eq!(profiles_of(&report), all_ok, "{report}");
    assert_eq!(report["parallel"], 2);
    for tenant in report["tenants"].as_array().ok_or("no tenants")? {
        assert_eq!(tenant["result"]["run"]["status"], "completed", "{tenant}");
        assert!(
            tenant["result"]["run"]["outcome"]["created"].as_u64() > Some(0),
            "{tenant}"
        );
    }

    assert_eq!(cert.code, 0, "{cert:?}");
    for name in &names {
        assert!(cert.stdout.contains(&format!("{name}:")), "{cert:?}");
    }

    // Tenant 2's PBX is now an address where nothing listens, tenant 3's a host name that does
    // not exist (RFC 6761's `.invalid`): the network's answer, which no retry changes, ends
    // each within seconds instead of the two minutes per call passing trouble gets.
    let refused_url = format!("https://127.0.0.1:{}/api", cli_support::free_port()?);
    point_pbx_at(&home, "tenant2", &refused_url)?;
    let tenant3_url = point_pbx_at(&home, "tenant3", "https://pbx.nowhere.invalid:8887/api")?;
    let started = std::time::Instant::now();
    let [doctor, synced, cert] = expect(
        home.scenario(
            &[
                r#""$PBX365" doctor --all --json"#,
                r#""$PBX365" sync --all --yes --json"#,
                r#""$PBX365" cert status --all --json"#,
            ],
            &env,
        )
        .await?,
    )?;
    let took = started.elapsed();
    let two_unreachable = owned(&[("tenant1", true), ("tenant2", false), ("tenant3", false)]);
    let refused = format!("Nothing accepted the connection at {refused_url}/");
    let unknown_name = "The host name in https://pbx.nowhere.invalid:8887/api/";

    assert_eq!(doctor.code, 1, "{doctor:?}");
    let report = doctor.json()?;
    assert_eq!(profiles_of(&report), two_unreachable, "{report}");
    for (index, said) in [(1, refused.as_str()), (2, unknown_name)] {
        let reachable = &report["tenants"][index]["result"]["checks"][0];
        assert_eq!(reachable["id"], "pbx-reachable", "{report}");
        assert_eq!(reachable["status"], "fail", "{report}");
        assert!(
            reachable.to_string().contains(said),
            "{said:?} is not in {reachable}"
        );
    }

    assert_eq!(synced.code, 1, "{synced:?}");
    let report = synced.json()?;
    assert_eq!(profiles_of(&report), two_unreachable, "{report}");
    for (index, said) in [(1, refused.as_str()), (2, unknown_name)] {
        let error = &report["tenants"][index]["error"];
        assert_eq!(error["kind"], "pbx", "{report}");
        let message = error["message"].as_str().unwrap_or_default();
        assert!(message.starts_with(said), "{message}");
    }
    assert!(
        report["tenants"][1]["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("Check the host name and port")),
        "{report}"
    );

    assert_eq!(cert.code, 3, "unknown, as monitoring expects: {cert:?}");
    let report = cert.json()?;
    let line = report["report"]["line"].as_str().unwrap_or_default();
    assert!(line.starts_with("PBX365 CERT UNKNOWN"), "{line}");
    assert!(
        line.contains(&refused) && line.contains(unknown_name),
        "{line}"
    );

    // Three commands, each with two unreachable tenants: about a second of retrying per call
    // there, where the patient budget took 92 s per call (doctor 184 s, sync 92 s, cert
    // status 92 s). The bound leaves room for a loaded machine.
    assert!(
        took < std::time::Duration::from_secs(45),
        "the unreachable tenants took {took:?}"
    );
    point_pbx_at(
        &home,
        "tenant3",
        tenant3_url.as_str().ok_or("no PBX address saved")?,
    )?;

    // Tenant 2's profile now points at a server that is no PortSIP (its Microsoft tenant's
    // address): every sign-in is refused at once.
    point_pbx_at(
        &home,
        "tenant2",
        &format!("{}/api", sim.get("/tenants/1/microsoft/authority")?),
    )?;

    let [doctor, doctor_text, synced, cert, bad_parallel] = expect(
        home.scenario(
            &[
                r#""$PBX365" doctor --all --json --parallel 3"#,
                r#""$PBX365" doctor --all"#,
                r#""$PBX365" sync --all --yes --json"#,
                r#""$PBX365" cert status --all --json"#,
                r#""$PBX365" sync --all --parallel 0"#,
            ],
            &env,
        )
        .await?,
    )?;
    let one_broken = owned(&[("tenant1", true), ("tenant2", false), ("tenant3", true)]);
    assert_eq!(doctor.code, 1, "{doctor:?}");
    let report = doctor.json()?;
    assert_eq!(profiles_of(&report), one_broken, "{report}");
    assert_eq!(report["failed"], serde_json::json!(["tenant2"]));
    // The doctor ran there: its own report says which check failed.
    let broken = &report["tenants"][1];
    assert_eq!(broken["result"]["passed"], false, "{broken}");
    assert_eq!(
        broken["result"]["checks"][0]["id"], "pbx-reachable",
        "{broken}"
    );
    assert_eq!(broken["result"]["checks"][0]["status"], "fail", "{broken}");
    assert_eq!(report["tenants"][2]["result"]["passed"], true, "{report}");
    assert!(
        doctor
            .stderr
            .contains("Doctor failed for 1 of 3 profiles: tenant2"),
        "{doctor:?}"
    );

    assert_eq!(doctor_text.code, 1, "{doctor_text:?}");
    let lines: Vec<&str> = doctor_text.stdout.lines().collect();
    assert!(lines[0].starts_with("tenant1  ok"), "{doctor_text:?}");
    assert!(lines[1].starts_with("tenant2  FAILED"), "{doctor_text:?}");
    assert!(lines[2].starts_with("tenant3  ok"), "{doctor_text:?}");
    assert_eq!(lines[3], "Doctor: 2 of 3 profiles ok (8 at a time).");

    assert_eq!(synced.code, 1, "{synced:?}");
    let report = synced.json()?;
    assert_eq!(profiles_of(&report), one_broken, "{report}");
    // The sync could not start there: the error says why, as a single profile's --json does.
    let broken = &report["tenants"][1];
    assert!(broken["error"]["kind"].is_string(), "{broken}");
    assert!(broken["error"]["message"].is_string(), "{broken}");
    assert!(broken.get("result").is_none(), "{broken}");
    assert_eq!(report["tenants"][0]["result"]["run"]["status"], "completed");
    assert_eq!(report["tenants"][2]["result"]["run"]["status"], "completed");
    assert!(
        synced
            .stderr
            .contains("Sync failed for 1 of 3 profiles: tenant2"),
        "{synced:?}"
    );

    assert_ne!(cert.code, 0, "{cert:?}");
    let report = cert.json()?;
    let states: Vec<&str> = report["statuses"]
        .as_array()
        .ok_or("no statuses")?
        .iter()
        .map(|s| s["state"]["state"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(states, ["healthy", "unknown", "healthy"], "{report}");

    assert_eq!(bad_parallel.code, 2, "{bad_parallel:?}");
    assert!(
        bad_parallel.stderr.contains("from 1 to 32"),
        "{bad_parallel:?}"
    );

    Ok(())
}

/// Points the saved profile's PBX address at `url`, as an administrator editing it would, and
/// returns the address it had.
fn point_pbx_at(
    home: &Home,
    profile: &str,
    url: &str,
) -> Result<Value, Box<dyn std::error::Error>> {
    let file = home.profile_file(profile);
    let mut saved: Value = serde_json::from_str(&std::fs::read_to_string(&file)?)?;
    let before = std::mem::replace(&mut saved["pbx"]["url"], Value::String(url.to_owned()));
    std::fs::write(&file, serde_json::to_vec_pretty(&saved)?)?;
    Ok(before)
}
