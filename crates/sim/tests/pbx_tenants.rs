//! One PBX address hosting several tenants: a sign-in reaches the tenant its domain names, and
//! a token sees that tenant's data only — as a multi-tenant PortSIP behaves.

use std::num::NonZeroUsize;

use serde_json::{Value, json};
use sim::{SimConfig, start_tenants};

type TestResult = Result<(), Box<dyn std::error::Error + Send + Sync>>;

async fn call(
    http: &reqwest::Client,
    method: reqwest::Method,
    url: String,
    token: Option<&str>,
    body: Option<Value>,
) -> Result<(u16, Value), reqwest::Error> {
    let mut request = http.request(method, url);
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await?;
    let status = response.status().as_u16();
    Ok((status, response.json().await.unwrap_or(Value::Null)))
}

#[tokio::test]
async fn each_tenant_behind_one_address_keeps_its_own_users_and_sessions() -> TestResult {
    let config = SimConfig {
        pbx_users: 5,
        ms_users: 12,
        ..SimConfig::default()
    };
    let sim = start_tenants(config, NonZeroUsize::new(3).ok_or("3 is not zero")?).await?;
    let http = reqwest::Client::new();
    let url = |path: &str| format!("{}{path}", sim.pbx_url);
    let domains: Vec<String> = sim
        .tenants
        .iter()
        .map(|t| t.tenant.domain.clone())
        .collect();
    assert_eq!(
        domains,
        [
            "tenant1.contoso.example",
            "tenant2.contoso.example",
            "tenant3.contoso.example"
        ]
    );
    let authorities: std::collections::HashSet<&str> = sim
        .tenants
        .iter()
        .map(|t| t.ms_authority.as_str())
        .collect();
    assert_eq!(
        authorities.len(),
        3,
        "each tenant has its own Microsoft tenant"
    );

    let mut tokens = Vec::new();
    for hosted in &sim.tenants {
        let admin = &hosted.tenant.admin;
        let (status, login) = call(
            &http,
            reqwest::Method::POST,
            url("/login"),
            None,
            Some(json!({"username": admin.username, "password": admin.password, "domain": hosted.tenant.domain})),
        )
        .await?;
        assert_eq!(status, 200, "{login}");
        let access = login["access_token"].as_str().ok_or("no access token")?;
        let refresh = login["refresh_token"].as_str().ok_or("no refresh token")?;
        tokens.push((access.to_owned(), refresh.to_owned()));
    }

    // A user made in tenant 2 exists there only.
    let (status, created) = call(
        &http,
        reqwest::Method::POST,
        url("/users"),
        Some(&tokens[1].0),
        Some(json!({
            "name": "onlyintwo", "display_name": "Only In Two", "password": "Pass-word-123",
            "email": "only@tenant2.contoso.example", "role": "StandardUser",
            "extension_number": "4321", "extension_password": "Ext-pass-123",
            "voicemail_pin": "246813"
        })),
    )
    .await?;
    assert_eq!(status, 201, "{created}");
    for (index, (access, _)) in tokens.iter().enumerate() {
        let (status, tenant) = call(
            &http,
            reqwest::Method::GET,
            url("/tenant"),
            Some(access),
            None,
        )
        .await?;
        assert_eq!(status, 200, "{tenant}");
        assert_eq!(tenant["domain"], domains[index].as_str());
        let (_, users) = call(
            &http,
            reqwest::Method::GET,
            url("/users"),
            Some(access),
            None,
        )
        .await?;
        let has_it = users["items"]
            .as_array()
            .ok_or("no items")?
            .iter()
            .any(|u| u["name"] == "onlyintwo");
        assert_eq!(
            has_it,
            index == 1,
            "tenant {} sees the user: {has_it}",
            index + 1
        );
    }
    assert_eq!(sim.tenants[1].pbx.users().len(), 6);
    assert_eq!(sim.tenants[0].pbx.users().len(), 5);

    // A refresh reaches the tenant that issued the token.
    let (status, refreshed) = call(
        &http,
        reqwest::Method::POST,
        url("/auth/refresh_token"),
        None,
        Some(json!({"refresh_token": tokens[2].1})),
    )
    .await?;
    assert_eq!(status, 200, "{refreshed}");
    let access = refreshed["access_token"]
        .as_str()
        .ok_or("no access token")?;
    let (_, tenant) = call(
        &http,
        reqwest::Method::GET,
        url("/tenant"),
        Some(access),
        None,
    )
    .await?;
    assert_eq!(tenant["domain"], domains[2].as_str());

    // Public metadata per tenant, and an unknown domain is refused as PortSIP does.
    let (status, info) = call(
        &http,
        reqwest::Method::GET,
        url("/info?domain=tenant3.contoso.example"),
        None,
        None,
    )
    .await?;
    assert_eq!(status, 200, "{info}");
    assert_eq!(info["name"], "Tenant3");
    let admin = &sim.tenants[0].tenant.admin;
    let (status, refused) = call(
        &http,
        reqwest::Method::POST,
        url("/login"),
        None,
        Some(json!({"username": admin.username, "password": admin.password, "domain": "nobody.example"})),
    )
    .await?;
    assert!((400..500).contains(&status), "{status} {refused}");
    let (status, _) = call(
        &http,
        reqwest::Method::GET,
        url("/tenant"),
        Some("not-a-token"),
        None,
    )
    .await?;
    assert_eq!(status, 401);
    sim.shutdown().await;
    Ok(())
}
