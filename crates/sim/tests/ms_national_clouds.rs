//! The emulated cloud playing a national cloud: discovery names that cloud's hosts, tokens are
//! issued for its Graph resource only, and the other cloud's Graph resource is refused as Entra
//! refuses a resource its cloud does not have (AADSTS500011).

mod ms_support;

use jsonwebtoken::Algorithm;
use ms_support::{
    ASSERTION_TYPE, GRAPH_CLI, Pkce, TestCert, TestCloud, TestResult, access_token,
    assertion_claims, claims, error_code, query_of,
};
use serde_json::Value;
use sim::ms::{AppSeed, National};

fn other(national: National) -> National {
    match national {
        National::Global => National::China,
        National::China => National::Global,
    }
}

fn seed(cert: &TestCert) -> AppSeed {
    AppSeed {
        display_name: "PortSIP PBX".to_owned(),
        web_redirect_uris: vec!["https://pbx.contoso.example/api/ms365/callback".to_owned()],
        certificates_der: vec![cert.der.clone()],
        graph_app_roles: vec!["User.Read.All".to_owned()],
    }
}

async fn app_only(
    tc: &TestCloud,
    app_id: &str,
    cert: &TestCert,
    scope: &str,
) -> TestResult<(u16, Value)> {
    let assertion = cert.sign(
        Algorithm::RS256,
        &assertion_claims(app_id, &tc.token_endpoint()),
        None,
    )?;
    tc.token(&[
        ("grant_type", "client_credentials"),
        ("client_id", app_id),
        ("scope", scope),
        ("client_assertion_type", ASSERTION_TYPE),
        ("client_assertion", assertion.as_str()),
    ])
    .await
}

#[tokio::test]
async fn china_discovery_names_the_21vianet_hosts() -> TestResult {
    let tc = TestCloud::start_as(National::China, 5, true).await?;
    let url = format!(
        "{}/{}/v2.0/.well-known/openid-configuration",
        tc.base,
        tc.cloud.tenant_id()
    );
    let doc: Value = tc.http.get(url).send().await?.json().await?;
    assert_eq!(doc["cloud_instance_name"], "chinacloudapi.cn");
    assert_eq!(doc["msgraph_host"], "microsoftgraph.chinacloudapi.cn");
    assert_eq!(doc["cloud_graph_host_name"], "graph.chinacloudapi.cn");
    // Its endpoints are where the emulator is reached.
    assert_eq!(
        doc["token_endpoint"],
        format!("{}/{}/oauth2/v2.0/token", tc.base, tc.cloud.tenant_id())
    );
    Ok(())
}

#[tokio::test]
async fn app_only_tokens_are_for_the_clouds_own_graph_and_the_other_is_500011() -> TestResult {
    for national in National::ALL {
        let tc = TestCloud::start_as(national, 5, true).await?;
        let cert = TestCert::current()?;
        let app = tc.cloud.register_app(seed(&cert))?;
        let own = format!("{}/.default", national.graph_resource());
        let (status, body) = app_only(&tc, &app.app_id, &cert, &own).await?;
        assert_eq!(status, 200, "{national:?}: {body}");
        let token = access_token(&body)?;
        assert_eq!(claims(&token)?["aud"], national.graph_resource());
        let (status, _) = tc.graph(&token, "users?$top=1").await?;
        assert_eq!(
            status, 200,
            "{national:?}: Graph takes its own cloud's token"
        );

        let foreign = other(national).graph_resource();
        let (status, body) =
            app_only(&tc, &app.app_id, &cert, &format!("{foreign}/.default")).await?;
        assert_eq!(status, 400, "{national:?}: {body}");
        assert_eq!(body["error"], "invalid_resource");
        assert_eq!(error_code(&body), Some(500011));
        let description = body["error_description"].as_str().unwrap_or_default();
        assert!(
            description.starts_with(&format!(
                "AADSTS500011: The resource principal named {foreign} was not found in the tenant named "
            )),
            "{national:?}: {description}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_sign_in_for_the_other_clouds_graph_is_refused_and_its_own_is_granted() -> TestResult {
    for national in National::ALL {
        let tc = TestCloud::start_as(national, 5, true).await?;
        let upn = tc.cloud.demo_accounts().global_admin.user_principal_name;
        let own = format!(
            "openid offline_access {}/User.Read",
            national.graph_resource()
        );
        let tokens = tc.sign_in(&upn, &own).await?;
        assert_eq!(
            claims(&access_token(&tokens)?)?["aud"],
            national.graph_resource(),
            "{national:?}"
        );

        let foreign = other(national).graph_resource();
        let pkce = Pkce::new();
        let location = tc
            .authorize(&[
                ("client_id", GRAPH_CLI),
                ("response_type", "code"),
                ("redirect_uri", "http://localhost:8400"),
                ("scope", &format!("openid {foreign}/User.Read")),
                ("state", "s1"),
                ("code_challenge", &pkce.challenge),
                ("code_challenge_method", "S256"),
                ("login_hint", &upn),
            ])
            .await?;
        let params = query_of(&location)?;
        assert_eq!(
            params.get("error").map(String::as_str),
            Some("invalid_resource"),
            "{national:?}: {location}"
        );
        assert!(
            params
                .get("error_description")
                .is_some_and(|d| d.starts_with(&format!(
                    "AADSTS500011: The resource principal named {foreign} was not found"
                ))),
            "{national:?}: {location}"
        );
    }
    Ok(())
}
