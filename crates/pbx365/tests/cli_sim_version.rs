//! `pbx365 sim --pbx-version` and `--licensed-users`, observed through the real binary: what
//! it announces, and what the emulated PBX then answers on the wire (plain reqwest).
#![cfg(unix)]

#[allow(dead_code)] // each cli_* test binary uses part of the support module
mod cli_support;

use cli_support::{RunningSim, TestResult, run};
use serde_json::{Value, json};

/// Signs in as the announced tenant administrator and returns the access token.
async fn admin_token(
    http: &reqwest::Client,
    sim: &RunningSim,
) -> Result<String, Box<dyn std::error::Error>> {
    let url = sim.get("/pbx/url")?;
    let answer: Value = http
        .post(format!("{url}/login"))
        .json(&json!({
            "username": sim.get("/pbx/admin/username")?,
            "password": sim.get("/pbx/admin/password")?,
            "domain": sim.get("/pbx/admin/domain")?,
        }))
        .send()
        .await?
        .json()
        .await?;
    answer["access_token"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| format!("no access token: {answer}").into())
}

fn new_user(name: &str, extension: u32) -> Value {
    json!({
        "name": name, "display_name": name, "password": "Secret-123",
        "email": format!("{name}@contoso.example"), "role": "StandardUser",
        "extension_number": extension.to_string(), "extension_password": "ext-secret",
        "voicemail_pin": "123456"
    })
}

#[tokio::test]
async fn pbx_version_22_2_and_a_licence_are_what_the_pbx_then_plays() -> TestResult {
    let sim = RunningSim::start(&["--pbx-version", "22.2", "--licensed-users", "7"]).await?;
    assert_eq!(sim.get("/pbx/version")?, "22.2");
    assert_eq!(sim.info.pointer("/pbx/licensed_users"), Some(&json!(7)));
    let http = reqwest::Client::new();
    let url = sim.get("/pbx/url")?;
    let token = admin_token(&http, &sim).await?;

    let status: Value = http
        .get(format!("{url}/tenant/status"))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(status["version"], "22.2.0");
    assert_eq!(status["licensed_users"], 7);
    assert_eq!(status["current_users"], 5, "the support module seeds 5");

    // 22.2 has no destroy action: the path is unknown.
    let destroy = http
        .post(format!("{url}/ms365/destroy"))
        .bearer_auth(&token)
        .send()
        .await?;
    assert_eq!(destroy.status().as_u16(), 404);

    // Room for two more users, then the licence refuses.
    for (name, extension) in [("one.more", 4001), ("two.more", 4002)] {
        let created = http
            .post(format!("{url}/users"))
            .bearer_auth(&token)
            .json(&new_user(name, extension))
            .send()
            .await?;
        assert_eq!(created.status().as_u16(), 201, "{name}");
    }
    let refused = http
        .post(format!("{url}/users"))
        .bearer_auth(&token)
        .json(&new_user("three.more", 4003))
        .send()
        .await?;
    assert_eq!(refused.status().as_u16(), 400);
    let body: Value = refused.json().await?;
    assert_eq!(body["errors"][0]["code"], "LICENSE_LIMIT_REACHED", "{body}");

    let (status, stderr) = sim.terminate().await?;
    assert!(status.success(), "{status}: {stderr}");
    assert!(stderr.contains("PortSIP 22.2"), "{stderr}");
    Ok(())
}

#[tokio::test]
async fn by_default_the_pbx_plays_22_6_with_room_for_everyone() -> TestResult {
    let sim = RunningSim::start(&[]).await?;
    assert_eq!(sim.get("/pbx/version")?, "22.6");
    // The support module seeds 5 PBX users and 12 Microsoft 365 people: both, plus 50.
    assert_eq!(sim.info.pointer("/pbx/licensed_users"), Some(&json!(67)));
    let http = reqwest::Client::new();
    let url = sim.get("/pbx/url")?;
    let token = admin_token(&http, &sim).await?;
    let status: Value = http
        .get(format!("{url}/tenant/status"))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    assert_eq!(status["version"], "22.6.0");
    assert_eq!(status["licensed_users"], 67);
    let destroy = http
        .post(format!("{url}/ms365/destroy"))
        .bearer_auth(&token)
        .send()
        .await?;
    assert_eq!(destroy.status().as_u16(), 204);
    let refused = http
        .post(format!("{url}/ms365"))
        .bearer_auth(&token)
        .json(&json!({"sign_in_as_administrator": {"enabled": true}}))
        .send()
        .await?;
    assert_eq!(refused.status().as_u16(), 400);
    let (status, stderr) = sim.terminate().await?;
    assert!(status.success(), "{status}: {stderr}");
    Ok(())
}

#[tokio::test]
async fn an_unknown_pbx_version_or_licence_is_refused_before_anything_starts() -> TestResult {
    for (flag, value, named) in [
        ("--pbx-version", "22.4", "22.6"),
        ("--pbx-version", "latest", "22.2"),
        ("--licensed-users", "many", "--licensed-users"),
    ] {
        let finished = run(&["sim", flag, value], "", &[]).await?;
        assert!(!finished.status.success(), "{flag} {value}: {finished:?}");
        assert!(finished.stdout.is_empty(), "{finished:?}");
        assert!(
            finished.stderr.contains(named),
            "{flag} {value}: {}",
            finished.stderr
        );
    }
    Ok(())
}
