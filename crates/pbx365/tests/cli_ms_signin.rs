//! `pbx365 ms signin` against `pbx365 sim --tls`: the browser sign-in (played by the
//! follow-redirects test browser), the device code typed on the emulator's page, and a
//! refused consent.

#[allow(dead_code)] // each cli_* test binary uses part of the support module
mod cli_support;

use std::process::Stdio;

use cli_support::{HANG_GUARD, RunningSim, TestResult, pbx365, run};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

const FOLLOW_REDIRECTS: (&str, &str) = ("PBX365_TEST_BROWSER", "follow-redirects");

fn signin_args(sim: &RunningSim) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    Ok(vec![
        "ms".to_owned(),
        "signin".to_owned(),
        "--authority".to_owned(),
        sim.get("/microsoft/authority")?,
        "--ca-file".to_owned(),
        sim.get("/ca_file")?,
    ])
}

#[tokio::test]
async fn browser_sign_in_shows_the_admin_the_tenant_and_the_right_to_grant() -> TestResult {
    let sim = RunningSim::start(&["--tls", "--auto-approve"]).await?;
    let mut args = signin_args(&sim)?;
    args.push("--json".to_owned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();

    let signed_in = run(&args, "", &[FOLLOW_REDIRECTS]).await?;
    assert!(signed_in.status.success(), "{signed_in:?}");
    let report = signed_in.json()?;
    assert_eq!(report["ok"], true);
    assert_eq!(
        report["user"]["user_principal_name"],
        sim.get("/microsoft/global_admin/user_principal_name")?
    );
    assert_eq!(
        report["user"]["id"],
        sim.get("/microsoft/global_admin/object_id")?
    );
    assert_eq!(report["tenant"]["id"], sim.get("/microsoft/tenant_id")?);
    assert_eq!(
        report["tenant"]["display_name"],
        sim.get("/microsoft/organization")?
    );
    let domains = report["tenant"]["verified_domains"].to_string();
    assert!(domains.contains("contoso.example"), "{domains}");
    let roles = report["directory_roles"].to_string();
    assert!(roles.contains("Global Administrator"), "{roles}");
    assert_eq!(report["can_grant_application_permissions"], true);
    assert_eq!(report["authority"], sim.get("/microsoft/authority")?);
    Ok(())
}

#[tokio::test]
async fn device_code_typed_on_the_emulators_page_signs_in_an_admin_who_cannot_grant() -> TestResult
{
    let sim = RunningSim::start(&["--tls"]).await?;
    let mut child = pbx365()
        .args(signin_args(&sim)?)
        .arg("--device-code")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let stderr = child.stderr.take().ok_or("no stderr pipe")?;
    let mut stderr = BufReader::new(stderr).lines();
    let mut seen = String::new();
    let (address, code) = loop {
        let line = tokio::time::timeout(HANG_GUARD, stderr.next_line())
            .await??
            .ok_or_else(|| format!("no device code was shown:\n{seen}"))?;
        seen.push_str(&line);
        seen.push('\n');
        if let Some(prompt) = parse_prompt(&line) {
            break prompt;
        }
    };
    assert!(
        address.starts_with(&sim.get("/microsoft/authority")?),
        "{address}"
    );

    // What the person does on the other device: type the code, sign in, accept.
    let ca = reqwest::Certificate::from_pem(&std::fs::read(sim.get("/ca_file")?)?)?;
    let browser = reqwest::Client::builder()
        .add_root_certificate(ca)
        .build()?;
    let page = browser
        .post(&address)
        .form(&[
            ("otc", code.as_str()),
            ("action", "accept"),
            (
                "username",
                &sim.get("/microsoft/user_admin/user_principal_name")?,
            ),
            ("password", &sim.get("/microsoft/user_admin/password")?),
        ])
        .send()
        .await?
        .text()
        .await?;
    assert!(page.contains("You have signed in"), "{page}");

    let status = tokio::time::timeout(HANG_GUARD, child.wait()).await??;
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .ok_or("no stdout pipe")?
        .read_to_string(&mut stdout)
        .await?;
    assert!(status.success(), "{status}\n{stdout}\n{seen}");
    let display_name = sim.get("/microsoft/user_admin/display_name")?;
    let upn = sim.get("/microsoft/user_admin/user_principal_name")?;
    assert!(
        stdout.contains(&format!("{display_name} <{upn}>")),
        "{stdout}"
    );
    assert!(stdout.contains("User Administrator"), "{stdout}");
    let can_grant = stdout
        .lines()
        .find(|line| line.contains("Can grant application permissions"))
        .ok_or_else(|| format!("no grant line in:\n{stdout}"))?;
    assert!(can_grant.trim_end().ends_with(" no"), "{can_grant}");
    assert!(
        stdout.contains("cannot grant Microsoft Graph application permissions"),
        "{stdout}"
    );
    Ok(())
}

/// `… open {address} in a browser and enter the code {code} (…` → (address, code).
fn parse_prompt(line: &str) -> Option<(String, String)> {
    let address = line.split("open ").nth(1)?.split(' ').next()?;
    let code = line.split("enter the code ").nth(1)?.split(' ').next()?;
    Some((address.to_owned(), code.to_owned()))
}

#[tokio::test]
async fn refused_consent_ends_with_entras_explanation() -> TestResult {
    let sim = RunningSim::start(&["--tls", "--auto-approve", "--consent-refused"]).await?;
    let mut args = signin_args(&sim)?;
    args.push("--json".to_owned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();

    let refused = run(&args, "", &[FOLLOW_REDIRECTS]).await?;
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    let report = refused.json()?;
    assert_eq!(report["ok"], false, "{report}");
    assert_eq!(report["error"]["aadsts"], 65004, "{report}");
    let message = report["error"]["message"].as_str().unwrap_or_default();
    assert!(
        refused.stderr.contains(message) && !message.is_empty(),
        "{refused:?}"
    );
    Ok(())
}

/// `--cloud china` beside the URL of an emulator playing 21Vianet's cloud signs in with the
/// China Graph's scopes; the same URL taken as the global cloud asks for the worldwide Graph,
/// which that cloud does not have: Entra's AADSTS500011.
#[tokio::test]
async fn an_emulator_playing_china_takes_a_china_sign_in_and_refuses_a_global_one() -> TestResult {
    let sim = RunningSim::start(&["--tls", "--auto-approve", "--cloud", "china"]).await?;
    assert_eq!(sim.get("/microsoft/cloud")?, "china");
    let mut args = signin_args(&sim)?;
    args.push("--json".to_owned());

    let mut as_china = args.clone();
    as_china.extend(["--cloud".to_owned(), "china".to_owned()]);
    let as_china: Vec<&str> = as_china.iter().map(String::as_str).collect();
    let signed_in = run(&as_china, "", &[FOLLOW_REDIRECTS]).await?;
    assert!(signed_in.status.success(), "{signed_in:?}");
    let report = signed_in.json()?;
    assert_eq!(report["tenant"]["id"], sim.get("/microsoft/tenant_id")?);
    // Granted at all only because the scopes named the China Graph (see the refusal below).
    assert_eq!(report["can_grant_application_permissions"], true);

    let as_global: Vec<&str> = args.iter().map(String::as_str).collect();
    let refused = run(&as_global, "", &[FOLLOW_REDIRECTS]).await?;
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    let report = refused.json()?;
    assert_eq!(report["error"]["aadsts"], 500011, "{report}");
    let message = report["error"]["message"].as_str().unwrap_or_default();
    // entra explains Entra's code: the scope named a resource of another cloud.
    assert!(message.contains("another cloud"), "{report}");
    Ok(())
}
