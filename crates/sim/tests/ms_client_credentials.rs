//! Client credentials with a certificate assertion, as the PBX signs in to Microsoft: both
//! header styles, every refusal Entra gives, and Entra's replication delay.

mod ms_support;

use std::time::Duration;

use jsonwebtoken::Algorithm;
use ms_support::{TestCert, TestCloud, TestResult, assertion_claims, claims, error_code};
use serde_json::{Value, json};
use sim::ms::AppSeed;
use time::OffsetDateTime;

fn seed(cert: &TestCert) -> AppSeed {
    AppSeed {
        display_name: "PortSIP PBX".to_owned(),
        web_redirect_uris: vec!["https://pbx.contoso.example/api/ms365/callback".to_owned()],
        certificates_der: vec![cert.der.clone()],
        graph_app_roles: vec!["User.Read.All".to_owned(), "Contacts.Read".to_owned()],
    }
}

#[tokio::test]
async fn rs256_x5t_and_ps256_x5t_s256_are_accepted_padded_or_not() -> TestResult {
    let tc = TestCloud::start(5, true).await?;
    let cert = TestCert::current()?;
    let app = tc.cloud.register_app(seed(&cert))?;
    let audience = tc.token_endpoint();
    for (alg, thumbprint) in [
        (Algorithm::RS256, cert.x5t()),
        (Algorithm::RS256, format!("{}=", cert.x5t())),
        (Algorithm::PS256, cert.x5t_s256()),
        (Algorithm::PS256, format!("{}=", cert.x5t_s256())),
    ] {
        let assertion = cert.sign(
            alg,
            &assertion_claims(&app.app_id, &audience),
            Some(&thumbprint),
        )?;
        let (status, body) = tc.client_credentials(&app.app_id, &assertion).await?;
        assert_eq!(status, 200, "{alg:?} {thumbprint}: {body}");
        assert_eq!(body["token_type"], "Bearer");
        assert!(body.get("refresh_token").is_none());
        let token = claims(body["access_token"].as_str().unwrap_or_default())?;
        assert_eq!(token["aud"], "https://graph.microsoft.com");
        assert_eq!(token["tid"], tc.cloud.tenant_id());
        assert_eq!(token["appid"], app.app_id);
        assert_eq!(token["oid"], app.service_principal_id);
        assert_eq!(token["roles"], json!(["User.Read.All", "Contacts.Read"]));
        assert!(token.get("scp").is_none());
    }
    // The token endpoint may also be named by a verified domain.
    let by_domain = format!("{}/contoso.example/oauth2/v2.0/token", tc.base);
    let assertion = cert.sign(
        Algorithm::RS256,
        &assertion_claims(&app.app_id, &by_domain),
        None,
    )?;
    let response = tc
        .http
        .post(&by_domain)
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", app.app_id.as_str()),
            ("scope", "https://graph.microsoft.com/.default"),
            ("client_assertion_type", ms_support::ASSERTION_TYPE),
            ("client_assertion", assertion.as_str()),
        ])
        .send()
        .await?;
    assert_eq!(response.status().as_u16(), 200);
    Ok(())
}

#[tokio::test]
async fn a_certificate_the_app_does_not_have_is_700027() -> TestResult {
    let tc = TestCloud::start(5, true).await?;
    let registered = TestCert::current()?;
    let other = TestCert::current()?;
    let app = tc.cloud.register_app(seed(&registered))?;
    let claims = assertion_claims(&app.app_id, &tc.token_endpoint());

    let (status, body) = tc
        .client_credentials(&app.app_id, &other.sign(Algorithm::RS256, &claims, None)?)
        .await?;
    assert_eq!((status, error_code(&body)), (401, Some(700027)), "{body}");
    assert_eq!(body["error"], "invalid_client");
    let description = body["error_description"].as_str().unwrap_or_default();
    assert!(
        description.contains("The key was not found."),
        "{description}"
    );
    assert!(
        description.contains(&other.thumbprint_hex()),
        "{description}"
    );

    // The registered certificate's thumbprint, but signed by another key.
    let forged = other.sign(Algorithm::RS256, &claims, Some(&registered.x5t()))?;
    let (status, body) = tc.client_credentials(&app.app_id, &forged).await?;
    assert_eq!((status, error_code(&body)), (401, Some(700027)), "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap_or_default()
            .contains("did not match the expected signature")
    );
    Ok(())
}

#[tokio::test]
async fn an_assertion_outside_its_time_window_is_700024() -> TestResult {
    let tc = TestCloud::start(5, true).await?;
    let cert = TestCert::current()?;
    let app = tc.cloud.register_app(seed(&cert))?;
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let mut expired = assertion_claims(&app.app_id, &tc.token_endpoint());
    expired["nbf"] = json!(now - 7200);
    expired["iat"] = json!(now - 7200);
    expired["exp"] = json!(now - 3600);
    let mut future = assertion_claims(&app.app_id, &tc.token_endpoint());
    future["nbf"] = json!(now + 3600);
    future["iat"] = json!(now + 3600);
    future["exp"] = json!(now + 3900);
    let mut too_long = assertion_claims(&app.app_id, &tc.token_endpoint());
    too_long["exp"] = json!(now + 86_400);
    for (name, claims) in [
        ("expired", expired),
        ("future", future),
        ("too long", too_long),
    ] {
        let (status, body) = tc
            .client_credentials(&app.app_id, &cert.sign(Algorithm::PS256, &claims, None)?)
            .await?;
        assert_eq!(
            (status, error_code(&body)),
            (401, Some(700024)),
            "{name}: {body}"
        );
        assert!(
            body["error_description"]
                .as_str()
                .unwrap_or_default()
                .contains("not within its valid time range")
        );
    }
    Ok(())
}

/// MSAL Python signs `time.time()` as it is: RFC 7519 NumericDates with fractions.
#[tokio::test]
async fn fractional_numeric_dates_are_accepted_as_entra_accepts_them() -> TestResult {
    let tc = TestCloud::start(5, true).await?;
    let cert = TestCert::current()?;
    let app = tc.cloud.register_app(seed(&cert))?;
    let now = OffsetDateTime::now_utc().unix_timestamp() as f64 + 0.123_456;
    let mut claims = assertion_claims(&app.app_id, &tc.token_endpoint());
    claims["iat"] = json!(now);
    claims["nbf"] = json!(now);
    claims["exp"] = json!(now + 599.5);
    for claim in ["iat", "nbf", "exp"] {
        assert!(
            claims[claim].is_f64() && claims[claim].as_i64().is_none(),
            "{claim} really is fractional: {claims}"
        );
    }
    for alg in [Algorithm::RS256, Algorithm::PS256] {
        claims["jti"] = json!(uuid::Uuid::new_v4().to_string());
        let (status, body) = tc
            .client_credentials(&app.app_id, &cert.sign(alg, &claims, None)?)
            .await?;
        assert_eq!(status, 200, "{alg:?}: {body}");
        assert!(body["access_token"].as_str().is_some_and(|t| !t.is_empty()));
    }
    // Fractions do not loosen the window: a fractional expiry in the past is still expired.
    claims["jti"] = json!(uuid::Uuid::new_v4().to_string());
    claims["exp"] = json!(now - 3600.25);
    let (status, body) = tc
        .client_credentials(&app.app_id, &cert.sign(Algorithm::RS256, &claims, None)?)
        .await?;
    assert_eq!((status, error_code(&body)), (401, Some(700024)), "{body}");
    Ok(())
}

#[tokio::test]
async fn a_missing_expiry_is_out_of_range_and_a_time_that_is_not_a_number_is_malformed()
-> TestResult {
    let tc = TestCloud::start(5, true).await?;
    let cert = TestCert::current()?;
    let app = tc.cloud.register_app(seed(&cert))?;

    // Entra reads an absent time as the epoch: no `exp` means expired in 1970.
    let mut no_exp = assertion_claims(&app.app_id, &tc.token_endpoint());
    if let Some(claims) = no_exp.as_object_mut() {
        claims.remove("exp");
    }
    let (status, body) = tc
        .client_credentials(&app.app_id, &cert.sign(Algorithm::RS256, &no_exp, None)?)
        .await?;
    assert_eq!((status, error_code(&body)), (401, Some(700024)), "{body}");
    let description = body["error_description"].as_str().unwrap_or_default();
    assert!(
        description.contains("expiry time of assertion 1970-01-01T00:00:00.0000000Z"),
        "{description}"
    );

    // Without `nbf` and `iat` the assertion is valid from the epoch: accepted, like MSAL's.
    let mut no_start = assertion_claims(&app.app_id, &tc.token_endpoint());
    if let Some(claims) = no_start.as_object_mut() {
        claims.remove("nbf");
        claims.remove("iat");
    }
    let (status, body) = tc
        .client_credentials(&app.app_id, &cert.sign(Algorithm::RS256, &no_start, None)?)
        .await?;
    assert_eq!(status, 200, "{body}");

    let now = OffsetDateTime::now_utc().unix_timestamp();
    for (claim, value) in [
        ("exp", json!((now + 600).to_string())),
        ("nbf", json!("yesterday")),
        ("iat", json!(true)),
        ("exp", json!({"seconds": now + 600})),
    ] {
        let mut claims = assertion_claims(&app.app_id, &tc.token_endpoint());
        claims[claim] = value.clone();
        let (status, body) = tc
            .client_credentials(&app.app_id, &cert.sign(Algorithm::RS256, &claims, None)?)
            .await?;
        assert_eq!(
            (status, error_code(&body)),
            (401, Some(50027)),
            "{claim} = {value}: {body}"
        );
        let description = body["error_description"].as_str().unwrap_or_default();
        assert!(
            description.contains("JWT token is invalid or malformed")
                && description.contains(&format!("'{claim}'")),
            "{description}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_replayed_jti_wrong_issuer_or_wrong_audience_is_refused() -> TestResult {
    let tc = TestCloud::start(5, true).await?;
    let cert = TestCert::current()?;
    let app = tc.cloud.register_app(seed(&cert))?;
    let claims = assertion_claims(&app.app_id, &tc.token_endpoint());
    let assertion = cert.sign(Algorithm::RS256, &claims, None)?;
    assert_eq!(tc.client_credentials(&app.app_id, &assertion).await?.0, 200);
    let (status, body) = tc.client_credentials(&app.app_id, &assertion).await?;
    assert_eq!((status, error_code(&body)), (401, Some(50027)), "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap_or_default()
            .contains("jti")
    );

    let mut wrong_issuer = assertion_claims(&app.app_id, &tc.token_endpoint());
    wrong_issuer["iss"] = json!("11111111-2222-4333-8444-555555555555");
    let (status, body) = tc
        .client_credentials(
            &app.app_id,
            &cert.sign(Algorithm::RS256, &wrong_issuer, None)?,
        )
        .await?;
    assert_eq!((status, error_code(&body)), (401, Some(700021)), "{body}");

    let wrong_audience = assertion_claims(
        &app.app_id,
        "https://login.microsoftonline.com/common/oauth2/v2.0/token",
    );
    let (status, body) = tc
        .client_credentials(
            &app.app_id,
            &cert.sign(Algorithm::RS256, &wrong_audience, None)?,
        )
        .await?;
    assert_eq!((status, error_code(&body)), (401, Some(50013)), "{body}");
    Ok(())
}

#[tokio::test]
async fn scope_must_be_graph_default_and_the_app_must_exist() -> TestResult {
    let tc = TestCloud::start(5, true).await?;
    let cert = TestCert::current()?;
    let app = tc.cloud.register_app(seed(&cert))?;
    let send = |client_id: String, scope: &'static str| {
        let tc = &tc;
        let cert = &cert;
        async move {
            let assertion = cert.sign(
                Algorithm::RS256,
                &assertion_claims(&client_id, &tc.token_endpoint()),
                None,
            )?;
            tc.token(&[
                ("grant_type", "client_credentials"),
                ("client_id", &client_id),
                ("scope", scope),
                ("client_assertion_type", ms_support::ASSERTION_TYPE),
                ("client_assertion", &assertion),
            ])
            .await
        }
    };
    let (status, body) = send(app.app_id.clone(), "User.Read.All").await?;
    assert_eq!(
        (status, body["error"].as_str(), error_code(&body)),
        (400, Some("invalid_scope"), Some(70011))
    );
    let (status, body) = send(
        app.app_id.clone(),
        "https://microsoftgraph.chinacloudapi.cn/.default",
    )
    .await?;
    assert_eq!((status, error_code(&body)), (400, Some(500011)), "{body}");
    let (status, body) = send(
        app.app_id.clone(),
        "00000003-0000-0000-c000-000000000000/.default",
    )
    .await?;
    assert_eq!(status, 200, "{body}");
    let (status, body) = send(
        "11111111-2222-4333-8444-555555555555".to_owned(),
        "https://graph.microsoft.com/.default",
    )
    .await?;
    assert_eq!(
        (status, body["error"].as_str(), error_code(&body)),
        (400, Some("unauthorized_client"), Some(700016))
    );
    Ok(())
}

#[tokio::test]
async fn an_expired_key_by_the_emulated_clock_is_700027() -> TestResult {
    let tc = TestCloud::start(5, true).await?;
    let cert = TestCert::current()?;
    let app = tc.cloud.register_app(seed(&cert))?;
    tc.cloud.set_clock_offset(time::Duration::days(400));
    let assertion = cert.sign(
        Algorithm::RS256,
        &assertion_claims(&app.app_id, &tc.token_endpoint()),
        None,
    )?;
    let (status, body) = tc.client_credentials(&app.app_id, &assertion).await?;
    assert_eq!((status, error_code(&body)), (401, Some(700027)), "{body}");
    assert!(
        body["error_description"]
            .as_str()
            .unwrap_or_default()
            .contains("The key used is expired.")
    );
    tc.cloud.set_clock_offset(time::Duration::ZERO);
    let assertion = cert.sign(
        Algorithm::RS256,
        &assertion_claims(&app.app_id, &tc.token_endpoint()),
        None,
    )?;
    assert_eq!(tc.client_credentials(&app.app_id, &assertion).await?.0, 200);
    Ok(())
}

/// The automatic registration through Graph, with replication delay: the app is invisible
/// (700016, `NoBackingApplicationObject`, 404) and then a new key is (700027), until replicated.
#[tokio::test]
async fn a_new_app_and_key_fail_until_replicated_then_succeed() -> TestResult {
    let tc = TestCloud::start(5, true).await?;
    let admin = tc.admin_token().await?;
    let cert = TestCert::current()?;
    let user_read_all = tc
        .cloud
        .graph_app_role_id("User.Read.All")
        .ok_or("no User.Read.All")?;
    tc.cloud.set_replication_delay(Duration::from_millis(2500));

    let (status, app) = tc
        .graph_send(
            reqwest::Method::POST,
            &admin,
            "applications",
            &json!({
                "displayName": "PortSIP PBX",
                "signInAudience": "AzureADMyOrg",
                "web": {
                    "redirectUris": ["https://pbx.contoso.example/api/ms365/callback"],
                    "implicitGrantSettings": { "enableIdTokenIssuance": true },
                },
                "requiredResourceAccess": [{
                    "resourceAppId": "00000003-0000-0000-c000-000000000000",
                    "resourceAccess": [{ "id": user_read_all, "type": "Role" }],
                }],
            }),
        )
        .await?;
    assert_eq!(status, 201, "{app}");
    let object_id = app["id"].as_str().unwrap_or_default().to_owned();
    let app_id = app["appId"].as_str().unwrap_or_default().to_owned();

    let assertion = cert.sign(
        Algorithm::RS256,
        &assertion_claims(&app_id, &tc.token_endpoint()),
        None,
    )?;
    let (status, body) = tc.client_credentials(&app_id, &assertion).await?;
    assert_eq!((status, error_code(&body)), (400, Some(700016)), "{body}");
    let (status, body) = tc
        .graph(&admin, &format!("applications/{object_id}"))
        .await?;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("Request_ResourceNotFound"))
    );
    let (status, body) = tc
        .graph_send(
            reqwest::Method::POST,
            &admin,
            "servicePrincipals",
            &json!({ "appId": app_id }),
        )
        .await?;
    assert_eq!(status, 400, "{body}");
    assert_eq!(
        body["error"]["details"][0]["code"],
        "NoBackingApplicationObject"
    );

    tokio::time::sleep(Duration::from_millis(2600)).await;
    let (status, body) = tc
        .graph_send(reqwest::Method::PATCH, &admin, &format!("applications/{object_id}"), &json!({
            "keyCredentials": [{ "type": "AsymmetricX509Cert", "usage": "Verify", "key": cert.base64(), "displayName": "CN=pbx" }],
        }))
        .await?;
    assert_eq!(status, 204, "{body}");
    let (status, sp) = tc
        .graph_send(
            reqwest::Method::POST,
            &admin,
            "servicePrincipals",
            &json!({ "appId": app_id }),
        )
        .await?;
    assert_eq!(status, 201, "{sp}");
    let (_, graph) = tc
        .graph(
            &admin,
            "servicePrincipals(appId='00000003-0000-0000-c000-000000000000')",
        )
        .await?;
    let graph_id = graph["id"].as_str().unwrap_or_default();
    let (status, grant) = tc
        .graph_send(
            reqwest::Method::POST,
            &admin,
            &format!("servicePrincipals/{graph_id}/appRoleAssignedTo"),
            &json!({
                "principalId": sp["id"], "resourceId": graph_id, "appRoleId": user_read_all,
            }),
        )
        .await?;
    assert_eq!(status, 201, "{grant}");

    let assertion = cert.sign(
        Algorithm::RS256,
        &assertion_claims(&app_id, &tc.token_endpoint()),
        None,
    )?;
    let (status, body) = tc.client_credentials(&app_id, &assertion).await?;
    assert_eq!(
        (status, error_code(&body)),
        (401, Some(700027)),
        "key should still replicate: {body}"
    );

    tokio::time::sleep(Duration::from_millis(2600)).await;
    let token = tc.app_token(&app_id, &cert).await?;
    assert_eq!(claims(&token)?["roles"], json!(["User.Read.All"]));
    let (status, users) = tc.graph(&token, "users?$top=3").await?;
    assert_eq!(status, 200, "{users}");
    assert_eq!(users["value"].as_array().map(Vec::len), Some(3));
    assert_eq!(
        tc.cloud.granted_graph_permissions(&app_id),
        vec!["User.Read.All".to_owned()]
    );
    Ok(())
}

#[tokio::test]
async fn no_service_principal_or_a_disabled_one_is_refused() -> TestResult {
    let tc = TestCloud::start(5, true).await?;
    let admin = tc.admin_token().await?;
    let cert = TestCert::current()?;
    let app = tc.cloud.register_app(seed(&cert))?;
    let (status, _) = tc
        .graph_send(
            reqwest::Method::PATCH,
            &admin,
            &format!("servicePrincipals/{}", app.service_principal_id),
            &json!({ "accountEnabled": false }),
        )
        .await?;
    assert_eq!(status, 204);
    let assertion = cert.sign(
        Algorithm::RS256,
        &assertion_claims(&app.app_id, &tc.token_endpoint()),
        None,
    )?;
    let (status, body) = tc.client_credentials(&app.app_id, &assertion).await?;
    assert_eq!((status, error_code(&body)), (400, Some(7000112)), "{body}");

    let (status, _) = tc
        .graph_send(
            reqwest::Method::DELETE,
            &admin,
            &format!("servicePrincipals/{}", app.service_principal_id),
            &Value::Null,
        )
        .await?;
    assert_eq!(status, 204);
    let assertion = cert.sign(
        Algorithm::RS256,
        &assertion_claims(&app.app_id, &tc.token_endpoint()),
        None,
    )?;
    let (status, body) = tc.client_credentials(&app.app_id, &assertion).await?;
    assert_eq!((status, error_code(&body)), (401, Some(7000229)), "{body}");
    Ok(())
}
