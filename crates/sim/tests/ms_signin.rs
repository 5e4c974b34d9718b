//! The wizard's own sign-in: authorization code + PKCE (auto-approved and through the real
//! page), refresh tokens, and the device-code flow.

mod ms_support;

use std::collections::HashMap;
use std::time::Duration;

use ms_support::{GRAPH_CLI, Pkce, TestCloud, TestResult, claims, error_code, query_of};
use serde_json::Value;

const REDIRECT: &str = "http://localhost:8400";

fn authorize_params<'a>(pkce: &'a Pkce, scope: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("client_id", GRAPH_CLI),
        ("response_type", "code"),
        ("redirect_uri", REDIRECT),
        ("scope", scope),
        ("state", "state-123"),
        ("nonce", "nonce-456"),
        ("code_challenge", &pkce.challenge),
        ("code_challenge_method", "S256"),
    ]
}

#[tokio::test]
async fn pkce_code_flow_issues_tokens_for_a_one_time_code() -> TestResult {
    let tc = TestCloud::start(5, true).await?;
    let admin = tc.cloud.demo_accounts().global_admin;
    let pkce = Pkce::new();
    let location = tc
        .authorize(&authorize_params(&pkce, ms_support::ADMIN_SCOPES))
        .await?;
    assert!(
        location.starts_with("http://localhost:8400?code="),
        "{location}"
    );
    let params = query_of(&location)?;
    assert_eq!(params.get("state").map(String::as_str), Some("state-123"));
    let code = params.get("code").cloned().unwrap_or_default();
    let redeem = |verifier: String, redirect: &'static str| {
        let code = code.clone();
        let tc = &tc;
        async move {
            tc.token(&[
                ("grant_type", "authorization_code"),
                ("client_id", GRAPH_CLI),
                ("code", &code),
                ("redirect_uri", redirect),
                ("code_verifier", &verifier),
            ])
            .await
        }
    };

    let (status, body) = redeem(Pkce::new().verifier, REDIRECT).await?;
    assert_eq!((status, error_code(&body)), (400, Some(50148)), "{body}");
    let (status, body) = redeem(pkce.verifier.clone(), "http://localhost:8401").await?;
    assert_eq!((status, error_code(&body)), (400, Some(500112)), "{body}");

    let (status, tokens) = redeem(pkce.verifier.clone(), REDIRECT).await?;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(tokens["token_type"], "Bearer");
    assert!(tokens["refresh_token"].is_string());
    assert!(tokens["expires_in"].as_i64().is_some_and(|s| s > 0));
    let id = claims(tokens["id_token"].as_str().unwrap_or_default())?;
    assert_eq!(id["aud"], GRAPH_CLI);
    assert_eq!(id["nonce"], "nonce-456");
    assert_eq!(id["tid"], tc.cloud.tenant_id());
    assert_eq!(id["oid"], admin.object_id);
    let access = claims(tokens["access_token"].as_str().unwrap_or_default())?;
    assert_eq!(access["aud"], "https://graph.microsoft.com");
    assert_eq!(
        access["iss"],
        format!("{}/{}/v2.0", tc.base, tc.cloud.tenant_id())
    );
    let scp = access["scp"].as_str().unwrap_or_default();
    for scope in [
        "User.Read",
        "User.Read.All",
        "Application.ReadWrite.All",
        "AppRoleAssignment.ReadWrite.All",
    ] {
        assert!(
            scp.split(' ').any(|s| s == scope),
            "{scope} missing from {scp}"
        );
    }
    assert!(access.get("roles").is_none());

    let (status, body) = redeem(pkce.verifier.clone(), REDIRECT).await?;
    assert_eq!((status, error_code(&body)), (400, Some(54005)), "{body}");
    Ok(())
}

#[tokio::test]
async fn a_public_client_sending_a_secret_is_aadsts700025() -> TestResult {
    let tc = TestCloud::start(5, true).await?;
    let pkce = Pkce::new();
    let location = tc
        .authorize(&authorize_params(&pkce, "openid User.Read"))
        .await?;
    let code = query_of(&location)?.remove("code").unwrap_or_default();
    let (status, body) = tc
        .token(&[
            ("grant_type", "authorization_code"),
            ("client_id", GRAPH_CLI),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", &pkce.verifier),
            ("client_secret", "s3cret"),
        ])
        .await?;
    assert_eq!((status, error_code(&body)), (401, Some(700025)), "{body}");
    assert_eq!(body["error"], "invalid_client");
    Ok(())
}

#[tokio::test]
async fn authorize_refuses_what_entra_refuses() -> TestResult {
    let tc = TestCloud::start(5, true).await?;
    let pkce = Pkce::new();
    let url = format!("{}/{}/oauth2/v2.0/authorize", tc.base, tc.cloud.tenant_id());

    // Before the redirect URI is trusted the error is a page.
    let with = |name: &'static str, value: &'static str| {
        let mut params = authorize_params(&pkce, "openid User.Read");
        params.retain(|(k, _)| *k != name);
        params.push((name, value));
        params
    };
    for (params, code) in [
        (
            with("client_id", "11111111-2222-4333-8444-555555555555"),
            "AADSTS700016",
        ),
        (with("redirect_uri", "http://127.0.0.1:8400"), "AADSTS50011"),
        (
            with("redirect_uri", "http://localhost:8400/callback"),
            "AADSTS50011",
        ),
    ] {
        let response = tc.http.get(&url).query(&params).send().await?;
        assert_eq!(response.status().as_u16(), 400);
        assert!(response.text().await?.contains(code), "{code} not shown");
    }

    // After it, the error goes back to it with the state.
    let mut no_pkce = authorize_params(&pkce, "openid User.Read");
    no_pkce.retain(|(k, _)| !k.starts_with("code_challenge"));
    for (params, error, code) in [
        (no_pkce, "invalid_request", 900144),
        (
            with("scope", "openid Mail.Nonsense"),
            "invalid_scope",
            70011,
        ),
        (
            with("response_type", "token"),
            "unsupported_response_type",
            70005,
        ),
    ] {
        let location = tc.authorize(&params).await?;
        let reply = query_of(&location)?;
        assert_eq!(
            reply.get("error").map(String::as_str),
            Some(error),
            "{location}"
        );
        assert_eq!(reply.get("state").map(String::as_str), Some("state-123"));
        let description = reply.get("error_description").cloned().unwrap_or_default();
        assert!(
            description.starts_with(&format!("AADSTS{code}: ")),
            "{description}"
        );
    }
    Ok(())
}

/// The hidden fields and the form action of a served sign-in page.
fn form_of(html: &str) -> TestResult<(String, Vec<(String, String)>)> {
    let unescape = |s: &str| {
        s.replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&")
    };
    let action = regex::Regex::new(r#"<form method="post" action="([^"]*)""#)?
        .captures(html)
        .and_then(|c| c.get(1))
        .map(|m| unescape(m.as_str()))
        .ok_or("no form on the page")?;
    let hidden = regex::Regex::new(r#"<input type="hidden" name="([^"]*)" value="([^"]*)">"#)?
        .captures_iter(html)
        .filter_map(|c| Some((unescape(c.get(1)?.as_str()), unescape(c.get(2)?.as_str()))))
        .collect();
    Ok((action, hidden))
}

async fn submit(
    tc: &TestCloud,
    action: &str,
    hidden: &[(String, String)],
    extra: &[(&str, &str)],
) -> TestResult<reqwest::Response> {
    let mut form: Vec<(&str, &str)> = hidden
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    form.extend_from_slice(extra);
    Ok(tc
        .http
        .post(format!("{}{action}", tc.base))
        .form(&form)
        .send()
        .await?)
}

#[tokio::test]
async fn the_sign_in_page_takes_the_admin_and_cancel_declines() -> TestResult {
    let tc = TestCloud::start(5, false).await?;
    let admin = tc.cloud.demo_accounts().global_admin;
    let pkce = Pkce::new();
    let url = format!("{}/{}/oauth2/v2.0/authorize", tc.base, tc.cloud.tenant_id());
    let response = tc
        .http
        .get(&url)
        .query(&authorize_params(&pkce, ms_support::ADMIN_SCOPES))
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 200);
    let page = response.text().await?;
    for expected in [
        "Microsoft Graph Command Line Tools",
        "Read and write all applications",
        "id=\"accept\"",
        "id=\"cancel\"",
        "id=\"password\"",
    ] {
        assert!(page.contains(expected), "page lacks {expected}");
    }
    let (action, hidden) = form_of(&page)?;
    assert!(hidden.iter().any(|(k, v)| k == "state" && v == "state-123"));

    let wrong = submit(
        &tc,
        &action,
        &hidden,
        &[
            ("username", &admin.user_principal_name),
            ("password", "nope"),
            ("action", "accept"),
        ],
    )
    .await?;
    assert_eq!(wrong.status().as_u16(), 200);
    assert!(wrong.text().await?.contains("AADSTS50126"));

    let accepted = submit(
        &tc,
        &action,
        &hidden,
        &[
            ("username", &admin.user_principal_name),
            ("password", &admin.password),
            ("action", "accept"),
        ],
    )
    .await?;
    let reply = query_of(&ms_support::location(&accepted)?)?;
    assert!(reply.contains_key("code"), "{reply:?}");
    assert_eq!(reply.get("state").map(String::as_str), Some("state-123"));

    let cancelled = submit(&tc, &action, &hidden, &[("action", "cancel")]).await?;
    let reply = query_of(&ms_support::location(&cancelled)?)?;
    assert_eq!(
        reply.get("error").map(String::as_str),
        Some("access_denied")
    );
    assert!(
        reply
            .get("error_description")
            .is_some_and(|d| d.starts_with("AADSTS65004: "))
    );

    tc.cloud.set_consent_refused(true);
    let refused = submit(
        &tc,
        &action,
        &hidden,
        &[
            ("username", &admin.user_principal_name),
            ("password", &admin.password),
            ("action", "accept"),
        ],
    )
    .await?;
    let reply = query_of(&ms_support::location(&refused)?)?;
    assert_eq!(
        reply.get("error").map(String::as_str),
        Some("access_denied")
    );
    Ok(())
}

#[tokio::test]
async fn consent_refused_switch_declines_even_when_auto_approving() -> TestResult {
    let tc = TestCloud::start(5, true).await?;
    tc.cloud.set_consent_refused(true);
    let pkce = Pkce::new();
    let reply = query_of(
        &tc.authorize(&authorize_params(&pkce, "openid User.Read"))
            .await?,
    )?;
    assert_eq!(
        reply.get("error").map(String::as_str),
        Some("access_denied")
    );
    assert!(
        reply
            .get("error_description")
            .is_some_and(|d| d.starts_with("AADSTS65004: User declined"))
    );
    assert_eq!(reply.get("state").map(String::as_str), Some("state-123"));
    Ok(())
}

async fn refresh(tc: &TestCloud, token: &str, scope: Option<&str>) -> TestResult<(u16, Value)> {
    let mut form = vec![
        ("grant_type", "refresh_token"),
        ("client_id", GRAPH_CLI),
        ("refresh_token", token),
    ];
    if let Some(scope) = scope {
        form.push(("scope", scope));
    }
    tc.token(&form).await
}

#[tokio::test]
async fn refresh_tokens_rotate_and_fail_when_revoked_or_expired() -> TestResult {
    let tc = TestCloud::start(5, true).await?;
    let admin = tc.cloud.demo_accounts().global_admin.user_principal_name;
    let tokens = tc
        .sign_in(&admin, "openid offline_access User.Read")
        .await?;
    let first = tokens["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    let (status, renewed) = refresh(&tc, &first, Some("openid offline_access User.Read")).await?;
    assert_eq!(status, 200, "{renewed}");
    let second = renewed["refresh_token"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(!second.is_empty() && second != first);
    assert_eq!(
        claims(renewed["access_token"].as_str().unwrap_or_default())?["scp"],
        "User.Read openid"
    );

    let (status, body) = refresh(&tc, &second, Some("Application.ReadWrite.All")).await?;
    assert_eq!((status, error_code(&body)), (400, Some(65001)), "{body}");

    tc.cloud.revoke_refresh_tokens();
    let (status, body) = refresh(&tc, &second, None).await?;
    assert_eq!((status, error_code(&body)), (400, Some(50173)), "{body}");
    assert_eq!(body["error"], "invalid_grant");

    tc.cloud.set_refresh_token_lifetime(Duration::ZERO);
    let short = tc
        .sign_in(&admin, "openid offline_access User.Read")
        .await?;
    let (status, body) = refresh(
        &tc,
        short["refresh_token"].as_str().unwrap_or_default(),
        None,
    )
    .await?;
    assert_eq!((status, error_code(&body)), (400, Some(700082)), "{body}");
    Ok(())
}

async fn device_code(tc: &TestCloud) -> TestResult<Value> {
    let url = format!(
        "{}/{}/oauth2/v2.0/devicecode",
        tc.base,
        tc.cloud.tenant_id()
    );
    let response = tc
        .http
        .post(url)
        .form(&[
            ("client_id", GRAPH_CLI),
            ("scope", "openid offline_access User.Read"),
        ])
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 200);
    Ok(response.json().await?)
}

async fn poll(tc: &TestCloud, device: &Value) -> TestResult<(u16, Value)> {
    tc.token(&[
        ("grant_type", "urn:ietf:params:oauth:grant-type:device_code"),
        ("client_id", GRAPH_CLI),
        (
            "device_code",
            device["device_code"].as_str().unwrap_or_default(),
        ),
    ])
    .await
}

#[tokio::test]
async fn device_code_is_approved_at_once_when_auto_approving() -> TestResult {
    let tc = TestCloud::start(5, true).await?;
    let device = device_code(&tc).await?;
    assert_eq!(
        device["verification_uri"],
        format!("{}/devicelogin", tc.base)
    );
    assert!(
        device["message"]
            .as_str()
            .is_some_and(|m| m.contains(device["user_code"].as_str().unwrap_or("?")))
    );
    let (status, tokens) = poll(&tc, &device).await?;
    assert_eq!(status, 200, "{tokens}");
    assert!(tokens["refresh_token"].is_string());
    assert_eq!(
        claims(tokens["access_token"].as_str().unwrap_or_default())?["oid"],
        tc.cloud.demo_accounts().global_admin.object_id
    );
    let (status, again) = poll(&tc, &device).await?;
    assert_eq!(status, 400, "{again}");
    Ok(())
}

#[tokio::test]
async fn device_code_through_the_login_page_pending_slow_down_approved_and_declined() -> TestResult
{
    let tc = TestCloud::start(5, false).await?;
    tc.cloud.set_device_code_interval(Duration::from_secs(10));
    let member = tc.cloud.demo_accounts().member;
    let device = device_code(&tc).await?;
    assert_eq!(device["interval"], 10);

    let (status, body) = poll(&tc, &device).await?;
    assert_eq!(
        (status, body["error"].as_str()),
        (400, Some("authorization_pending")),
        "{body}"
    );
    let (_, body) = poll(&tc, &device).await?;
    assert_eq!(body["error"], "slow_down");

    let entry = tc
        .http
        .get(format!("{}/devicelogin", tc.base))
        .send()
        .await?
        .text()
        .await?;
    assert!(entry.contains("id=\"otc\""));
    let login = format!("{}/devicelogin", tc.base);
    let user_code = device["user_code"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase();
    let bad = tc
        .http
        .post(&login)
        .form(&[("otc", "NOPE12345")])
        .send()
        .await?
        .text()
        .await?;
    assert!(bad.contains("That code didn&#39;t work"));
    let page = tc
        .http
        .post(&login)
        .form(&[("otc", user_code.as_str())])
        .send()
        .await?
        .text()
        .await?;
    let (action, hidden) = form_of(&page)?;
    let done = submit(
        &tc,
        &action,
        &hidden,
        &[
            ("username", &member.user_principal_name),
            ("password", &member.password),
            ("action", "accept"),
        ],
    )
    .await?;
    assert!(
        done.text()
            .await?
            .contains("You have signed in to the Microsoft Graph Command Line Tools application")
    );
    let (status, tokens) = poll(&tc, &device).await?;
    assert_eq!(status, 200, "{tokens}");
    assert_eq!(
        claims(tokens["access_token"].as_str().unwrap_or_default())?["oid"],
        member.object_id
    );

    let declined = device_code(&tc).await?;
    let code = declined["user_code"].as_str().unwrap_or_default();
    let page = tc
        .http
        .post(&login)
        .form(&[("otc", code)])
        .send()
        .await?
        .text()
        .await?;
    let (action, hidden) = form_of(&page)?;
    submit(&tc, &action, &hidden, &[("action", "cancel")]).await?;
    let (status, body) = poll(&tc, &declined).await?;
    assert_eq!(
        (status, body["error"].as_str(), error_code(&body)),
        (400, Some("authorization_declined"), Some(65004))
    );
    Ok(())
}

#[tokio::test]
async fn refused_consent_on_the_admin_consent_page_redirects_with_65004() -> TestResult {
    let tc = TestCloud::start(5, true).await?;
    let app = tc.cloud.register_app(sim::ms::AppSeed {
        display_name: "PBX integration".to_owned(),
        web_redirect_uris: vec!["https://pbx.contoso.example/callback".to_owned()],
        certificates_der: Vec::new(),
        graph_app_roles: vec!["User.Read.All".to_owned()],
    })?;
    tc.cloud.set_consent_refused(true);
    let url = format!("{}/{}/v2.0/adminconsent", tc.base, tc.cloud.tenant_id());
    let response = tc
        .http
        .get(&url)
        .query(&[
            ("client_id", app.app_id.as_str()),
            ("scope", "https://graph.microsoft.com/.default"),
            ("redirect_uri", "https://pbx.contoso.example/callback"),
            ("state", "c1"),
        ])
        .send()
        .await?;
    let reply: HashMap<String, String> = query_of(&ms_support::location(&response)?)?;
    assert_eq!(
        reply.get("error").map(String::as_str),
        Some("access_denied")
    );
    assert!(
        reply
            .get("error_description")
            .is_some_and(|d| d.starts_with("AADSTS65004"))
    );
    assert_eq!(reply.get("state").map(String::as_str), Some("c1"));
    Ok(())
}
