//! One PBX address hosting several tenants: a sign-in reaches the tenant its domain names, and
//! a token sees that tenant's data only — as a multi-tenant PortSIP behaves.

use std::collections::HashSet;
use std::num::NonZeroUsize;

use serde_json::json;
use sim::{SimConfig, start_tenants};

use crate::support::{Answer, Error, TestResult, login_body, send};

struct Host {
    http: reqwest::Client,
    pbx_url: String,
}

impl Host {
    async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<serde_json::Value>,
    ) -> Result<Answer, Error> {
        send(
            &self.http,
            method,
            format!("{}{path}", self.pbx_url),
            token,
            body,
        )
        .await
    }

    /// The tenant's domain as `GET /tenant` shows it to the token's owner.
    async fn tenant_of(&self, token: &str) -> Result<String, Error> {
        let answer = self.call("GET", "/tenant", Some(token), None).await?;
        assert_eq!(answer.status, 200, "{}", answer.text);
        Ok(answer.text_at("/domain"))
    }
}

#[tokio::test]
async fn each_tenant_behind_one_address_keeps_its_own_users_and_sessions() -> TestResult {
    let config = SimConfig {
        pbx_users: 5,
        ms_users: 12,
        ..SimConfig::default()
    };
    let sim = start_tenants(config, NonZeroUsize::new(3).ok_or("3 is not zero")?).await?;
    let host = Host {
        http: reqwest::Client::new(),
        pbx_url: sim.pbx_url.clone(),
    };
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
    let authorities: HashSet<&str> = sim
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
        let login = host
            .call(
                "POST",
                "/login",
                None,
                Some(login_body(&hosted.tenant.admin)),
            )
            .await?;
        assert_eq!(login.status, 200, "{}", login.text);
        tokens.push((
            login.text_at("/access_token"),
            login.text_at("/refresh_token"),
        ));
    }

    // A user made in tenant 2 exists there only.
    let created = host
        .call(
            "POST",
            "/users",
            Some(&tokens[1].0),
            Some(json!({
                "name": "onlyintwo", "display_name": "Only In Two", "password": "Pass-word-123",
                "email": "only@tenant2.contoso.example", "role": "StandardUser",
                "extension_number": "4321", "extension_password": "Ext-pass-123",
                "voicemail_pin": "246813"
            })),
        )
        .await?;
    assert_eq!(created.status, 201, "{}", created.text);
    for (index, (access, _)) in tokens.iter().enumerate() {
        assert_eq!(host.tenant_of(access).await?, domains[index]);
        let users = host.call("GET", "/users", Some(access), None).await?;
        let has_it = users.text.contains("\"onlyintwo\"");
        assert_eq!(has_it, index == 1, "tenant {} sees the user", index + 1);
    }
    assert_eq!(sim.tenants[1].pbx.users().len(), 6);
    assert_eq!(sim.tenants[0].pbx.users().len(), 5);

    // A refresh reaches the tenant that issued the token.
    let refreshed = host
        .call(
            "POST",
            "/auth/refresh_token",
            None,
            Some(json!({"refresh_token": tokens[2].1})),
        )
        .await?;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text);
    assert_eq!(
        host.tenant_of(&refreshed.text_at("/access_token")).await?,
        domains[2]
    );

    // Public metadata per tenant; an unknown domain or token is refused as PortSIP does.
    let info = host
        .call("GET", "/info?domain=tenant3.contoso.example", None, None)
        .await?;
    assert_eq!(info.status, 200, "{}", info.text);
    assert_eq!(info.text_at("/name"), "Tenant3");
    let mut stranger = sim.tenants[0].tenant.admin.clone();
    stranger.domain = Some("nobody.example".to_owned());
    let refused = host
        .call("POST", "/login", None, Some(login_body(&stranger)))
        .await?;
    assert!((400..500).contains(&refused.status), "{}", refused.text);
    let unknown = host
        .call("GET", "/tenant", Some("not-a-token"), None)
        .await?;
    assert_eq!(unknown.status, 401);
    sim.shutdown().await;
    Ok(())
}
