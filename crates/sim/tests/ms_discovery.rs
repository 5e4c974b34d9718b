//! OIDC discovery per tenant spelling, the JWKS, and tokens verifiable with it.

mod ms_support;

use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use ms_support::{TestCloud, TestResult, error_code};
use serde_json::Value;

async fn discovery(tc: &TestCloud, tenant: &str) -> TestResult<(u16, Value)> {
    let url = format!("{}/{tenant}/v2.0/.well-known/openid-configuration", tc.base);
    let response = tc.http.get(url).send().await?;
    Ok((response.status().as_u16(), response.json().await?))
}

#[tokio::test]
async fn a_named_tenant_resolves_to_its_guid_by_id_or_any_verified_domain() -> TestResult {
    let tc = TestCloud::start(5, true).await?;
    let tid = tc.cloud.tenant_id().to_owned();
    for spelling in [tid.as_str(), "contoso.example", "CONTOSO.onmicrosoft.com"] {
        let (status, doc) = discovery(&tc, spelling).await?;
        assert_eq!(status, 200, "{spelling}: {doc}");
        assert_eq!(doc["issuer"], format!("{}/{tid}/v2.0", tc.base));
        assert_eq!(
            doc["authorization_endpoint"],
            format!("{}/{tid}/oauth2/v2.0/authorize", tc.base)
        );
        assert_eq!(
            doc["token_endpoint"],
            format!("{}/{tid}/oauth2/v2.0/token", tc.base)
        );
        assert_eq!(
            doc["device_authorization_endpoint"],
            format!("{}/{tid}/oauth2/v2.0/devicecode", tc.base)
        );
        assert_eq!(
            doc["jwks_uri"],
            format!("{}/{tid}/discovery/v2.0/keys", tc.base)
        );
        assert_eq!(
            doc["end_session_endpoint"],
            format!("{}/{tid}/oauth2/v2.0/logout", tc.base)
        );
        assert_eq!(
            doc["id_token_signing_alg_values_supported"],
            serde_json::json!(["RS256"])
        );
        let host = tc.base.trim_start_matches("http://");
        assert_eq!(doc["msgraph_host"], host);
        assert!(
            doc["scopes_supported"]
                .as_array()
                .is_some_and(|s| s.iter().any(|x| x == "offline_access"))
        );
        assert!(
            doc["claims_supported"]
                .as_array()
                .is_some_and(|s| s.iter().any(|x| x == "tid"))
        );
    }
    Ok(())
}

#[tokio::test]
async fn multi_tenant_segments_keep_their_name_and_a_tenantid_placeholder() -> TestResult {
    let tc = TestCloud::start(5, true).await?;
    for segment in ["common", "organizations"] {
        let (status, doc) = discovery(&tc, segment).await?;
        assert_eq!(status, 200);
        assert_eq!(doc["issuer"], format!("{}/{{tenantid}}/v2.0", tc.base));
        assert_eq!(
            doc["token_endpoint"],
            format!("{}/{segment}/oauth2/v2.0/token", tc.base)
        );
    }
    Ok(())
}

#[tokio::test]
async fn an_unknown_tenant_is_aadsts90002_in_entras_error_shape() -> TestResult {
    let tc = TestCloud::start(5, true).await?;
    let (status, body) = discovery(&tc, "woodgrove.example").await?;
    assert_eq!(status, 400);
    assert_eq!(body["error"], "invalid_tenant");
    assert_eq!(error_code(&body), Some(90002));
    let description = body["error_description"].as_str().unwrap_or_default();
    assert!(
        description.starts_with("AADSTS90002: Tenant 'woodgrove.example' not found."),
        "{description}"
    );
    for line in ["\r\nTrace ID: ", "\r\nCorrelation ID: ", "\r\nTimestamp: "] {
        assert!(description.contains(line), "{description}");
    }
    assert!(
        body["trace_id"].is_string()
            && body["correlation_id"].is_string()
            && body["timestamp"].is_string()
    );
    let wrong = format!("{}/woodgrove.example/oauth2/v2.0/token", tc.base);
    let response = tc
        .http
        .post(wrong)
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await?;
    assert_eq!(body["error"], "invalid_request");
    assert_eq!(error_code(&body), Some(90002));
    Ok(())
}

#[tokio::test]
async fn id_and_access_tokens_verify_against_the_published_jwks() -> TestResult {
    let tc = TestCloud::start(5, true).await?;
    let (_, doc) = discovery(&tc, "contoso.example").await?;
    let jwks: Value = tc
        .http
        .get(doc["jwks_uri"].as_str().unwrap_or_default())
        .send()
        .await?
        .json()
        .await?;
    let key = &jwks["keys"][0];
    assert_eq!(key["kty"], "RSA");
    assert_eq!(key["kid"], key["x5t"]);
    assert!(key["x5c"][0].is_string());
    let decoding = DecodingKey::from_rsa_components(
        key["n"].as_str().unwrap_or_default(),
        key["e"].as_str().unwrap_or_default(),
    )?;
    let admin = tc.cloud.demo_accounts().global_admin;
    let tokens = tc
        .sign_in(&admin.user_principal_name, "openid profile User.Read")
        .await?;
    let id_token = tokens["id_token"].as_str().unwrap_or_default();
    let header = jsonwebtoken::decode_header(id_token)?;
    assert_eq!(header.kid.as_deref(), key["kid"].as_str());
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&[ms_support::GRAPH_CLI]);
    validation.set_issuer(&[doc["issuer"].as_str().unwrap_or_default()]);
    let id = jsonwebtoken::decode::<Value>(id_token, &decoding, &validation)?.claims;
    assert_eq!(id["tid"], tc.cloud.tenant_id());
    assert_eq!(id["oid"], admin.object_id);
    assert_eq!(id["preferred_username"], admin.user_principal_name);
    assert_eq!(id["name"], admin.display_name);
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_audience(&["https://graph.microsoft.com"]);
    let access = jsonwebtoken::decode::<Value>(
        tokens["access_token"].as_str().unwrap_or_default(),
        &decoding,
        &validation,
    )?
    .claims;
    assert_eq!(access["scp"], "User.Read openid profile");
    assert_eq!(access["appid"], ms_support::GRAPH_CLI);
    Ok(())
}
