//! The PBX's key pair and its own calls to the emulated Microsoft cloud, over HTTPS.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use sim::SimConfig;
use sim::ms::AppSeed;
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::public_key::PublicKey;

use crate::contract::connect_integration;
use crate::support::{Harness, TestResult, small_config};

fn tls_config() -> SimConfig {
    SimConfig {
        tls: true,
        ..small_config()
    }
}

#[tokio::test]
async fn certificate_is_a_fresh_rsa_2048_key_valid_for_a_year() -> TestResult {
    let h = Harness::start(tls_config()).await?;
    let admin = h.admin().await?;
    let none = h.get("/ms365/certificate", &admin).await?;
    assert_eq!(none.status, 404);
    assert_eq!(none.error_codes(), ["NOT_FOUND"]);

    let generated = h
        .call("POST", "/ms365/certificate", Some(&admin), None)
        .await?;
    assert_eq!(generated.status, 200, "{}", generated.text);
    let disposition = generated
        .headers
        .get("content-disposition")
        .and_then(|v| v.to_str().ok());
    assert_eq!(disposition, Some("attachment; filename=\"public_key.pem\""));
    assert!(generated.text.starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(
        !generated.text.contains("PRIVATE KEY"),
        "the private key never leaves the PBX"
    );
    let held = h.sim.pbx.certificate().ok_or("no certificate held")?;
    assert_eq!(held.pem, generated.text);

    let (_, certificate) = X509Certificate::from_der(&held.der)?;
    let PublicKey::RSA(rsa) = certificate.public_key().parsed()? else {
        return Err("not an RSA key".into());
    };
    assert_eq!(rsa.key_size(), 2048);
    let validity = certificate.validity();
    let days = (validity.not_after.timestamp() - validity.not_before.timestamp()) / 86_400;
    assert_eq!(days, 365);
    assert_eq!(certificate.subject(), certificate.issuer(), "self-signed");
    assert_eq!(
        held.not_after.unix_timestamp(),
        validity.not_after.timestamp()
    );

    let downloaded = h.get("/ms365/certificate", &admin).await?;
    assert_eq!(downloaded.text, generated.text);
    let regenerated = h
        .call("POST", "/ms365/certificate", Some(&admin), None)
        .await?;
    assert_ne!(
        regenerated.text, generated.text,
        "every generation makes a new key pair"
    );
    let system = h.login(&h.sim.tenant.system_admin).await?;
    assert_eq!(
        h.get("/admin/ms365/certificate", &system).await?.status,
        404,
        "the scopes are separate"
    );
    Ok(())
}

#[tokio::test]
async fn unconfigured_integration_says_what_is_missing() -> TestResult {
    let h = Harness::start(small_config()).await?;
    let admin = h.admin().await?;
    let answer = h.get("/ms365/users", &admin).await?;
    assert_eq!(answer.status, 400);
    assert_eq!(answer.error_codes(), ["MS365_NOT_CONFIGURED"]);
    let message = answer.error_messages().join(" ");
    for missing in ["Application ID", "Directory ID", "key pair"] {
        assert!(message.contains(missing), "{message}");
    }
    let ids = json!({
        "directory_id": "0b5e1c4a-6f7d-4c2b-9a8e-1d2c3b4a5f60",
        "application_id": "9a8e1d2c-3b4a-4f60-8b5e-1c4a6f7d4c2b"
    });
    assert_eq!(h.post("/ms365", &admin, ids).await?.status, 200);
    let message = h
        .get("/ms365/users", &admin)
        .await?
        .error_messages()
        .join(" ");
    assert!(
        message.contains("key pair") && !message.contains("Application ID"),
        "{message}"
    );
    Ok(())
}

#[tokio::test]
async fn the_pbx_lists_microsoft_users_with_its_own_certificate() -> TestResult {
    let h = Harness::start(tls_config()).await?;
    let admin = h.admin().await?;
    assert_eq!(
        h.call("POST", "/ms365/certificate", Some(&admin), None)
            .await?
            .status,
        200
    );
    connect_integration(&h, &admin).await?;

    let answer = h.get("/ms365/users", &admin).await?;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let items = answer
        .field("/items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let directory = h.sim.ms.users();
    assert_eq!(answer.field("/count"), Some(&json!(directory.len())));
    let listed: BTreeSet<String> = items
        .iter()
        .filter_map(|u| u.get("id").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let expected: BTreeSet<String> = directory.iter().map(|u| u.id.clone()).collect();
    assert_eq!(listed, expected);
    for user in &directory {
        let item = items
            .iter()
            .find(|i| i.get("id").and_then(Value::as_str) == Some(user.id.as_str()))
            .ok_or("user missing")?;
        let email = user
            .mail
            .clone()
            .unwrap_or_else(|| user.user_principal_name.clone());
        assert_eq!(
            item.get("email").and_then(Value::as_str),
            Some(email.as_str())
        );
        assert_eq!(
            item.get("name").and_then(Value::as_str),
            Some(user.display_name.as_str())
        );
    }
    // Some PBX users share a mailbox with these Microsoft users, ready to be adopted.
    let pbx_emails: BTreeSet<String> = h
        .sim
        .pbx
        .users()
        .iter()
        .filter_map(|u| u.get("email").and_then(Value::as_str).map(str::to_owned))
        .collect();
    let shared = items
        .iter()
        .filter(|i| {
            i.get("email")
                .and_then(Value::as_str)
                .is_some_and(|e| pbx_emails.contains(e))
        })
        .count();
    assert!(shared >= 3, "only {shared} shared mailboxes");
    Ok(())
}

#[tokio::test]
async fn microsoft_refusals_reach_the_admin_with_microsofts_code() -> TestResult {
    let h = Harness::start(tls_config()).await?;
    let admin = h.admin().await?;
    assert_eq!(
        h.call("POST", "/ms365/certificate", Some(&admin), None)
            .await?
            .status,
        200
    );
    connect_integration(&h, &admin).await?;

    // A new key pair the Entra app does not know yet: the assertion's certificate is refused.
    assert_eq!(
        h.call("POST", "/ms365/certificate", Some(&admin), None)
            .await?
            .status,
        200
    );
    let stale = h.get("/ms365/users", &admin).await?;
    assert_eq!(stale.status, 400, "{}", stale.text);
    assert_eq!(stale.error_codes(), ["MS365_REQUEST_FAILED"]);
    assert!(
        stale.error_messages().join(" ").contains("AADSTS700027"),
        "{}",
        stale.text
    );

    // An app without User.Read.All gets a token, and Graph refuses the listing.
    let certificate = h.sim.pbx.certificate().ok_or("no certificate")?;
    let app = h.sim.ms.register_app(AppSeed {
        display_name: "No permissions".to_owned(),
        web_redirect_uris: vec![h.sim.pbx.redirect_uri()],
        certificates_der: vec![certificate.der],
        graph_app_roles: Vec::new(),
    })?;
    let set = h
        .post("/ms365", &admin, json!({"application_id": app.app_id}))
        .await?;
    assert_eq!(set.status, 200);
    let denied = h.get("/ms365/users", &admin).await?;
    assert_eq!(denied.error_codes(), ["MS365_REQUEST_FAILED"]);
    assert!(
        denied.error_messages().join(" ").contains("403"),
        "{}",
        denied.text
    );

    // A directory that does not exist.
    let wrong = h
        .post(
            "/ms365",
            &admin,
            json!({"directory_id": "11111111-2222-4333-8444-555555555555"}),
        )
        .await?;
    assert_eq!(wrong.status, 200);
    let missing = h.get("/ms365/users", &admin).await?;
    assert!(
        missing.error_messages().join(" ").contains("AADSTS90002"),
        "{}",
        missing.text
    );
    Ok(())
}

#[tokio::test]
async fn sso_sign_in_points_at_the_tenants_authorize_endpoint() -> TestResult {
    let h = Harness::start(small_config()).await?;
    let admin = h.admin().await?;
    let body = json!({"domain": h.sim.tenant.domain, "callback_url": "https://pbx.contoso.example/portal"});
    let unconfigured = h
        .call("POST", "/auth/sign_in/ms365", None, Some(body.clone()))
        .await?;
    assert_eq!(unconfigured.error_codes(), ["MS365_NOT_CONFIGURED"]);
    assert_eq!(
        h.call("POST", "/ms365/certificate", Some(&admin), None)
            .await?
            .status,
        200
    );
    connect_integration(&h, &admin).await?;
    let answer = h
        .call("POST", "/auth/sign_in/ms365", None, Some(body))
        .await?;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let url = url::Url::parse(&answer.text_at("/url"))?;
    let expected_prefix = format!(
        "{}/{}/oauth2/v2.0/authorize",
        h.sim.ms_authority,
        h.sim.ms.tenant_id()
    );
    assert!(url.as_str().starts_with(&expected_prefix), "{url}");
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let value = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(value("redirect_uri"), Some(h.sim.pbx.redirect_uri()));
    assert_eq!(value("response_type").as_deref(), Some("code"));
    let settings = h.sim.pbx.ms365_settings();
    assert_eq!(
        value("client_id").as_deref(),
        settings.get("application_id").and_then(Value::as_str)
    );
    let bad = h
        .call(
            "POST",
            "/auth/sign_in/ms365",
            None,
            Some(json!({"domain": "contoso.example", "callback_url": "ftp://x"})),
        )
        .await?;
    assert_eq!(bad.error_fields(), ["callback_url"]);
    Ok(())
}

#[tokio::test]
async fn sbc_switch_adds_the_second_redirect_uri() -> TestResult {
    let h = Harness::start(small_config()).await?;
    let admin = h.admin().await?;
    let without = h.get("/ms365", &admin).await?;
    assert_eq!(
        without.text_at("/redirect_uri"),
        "https://pbx.contoso.example:8887/api/ms365/callback"
    );
    assert_eq!(without.field("/sbc_redirect_uri"), None);
    h.sim
        .pbx
        .set_sbc_domain(Some("sbc.contoso.example".to_owned()));
    let with = h.get("/ms365", &admin).await?;
    assert_eq!(
        with.text_at("/sbc_redirect_uri"),
        "https://sbc.contoso.example/api/ms365/callback"
    );
    let system = h.login(&h.sim.tenant.system_admin).await?;
    let global = h.get("/admin/ms365", &system).await?;
    assert!(
        global
            .text_at("/redirect_uri")
            .starts_with("https://pbx.contoso.example")
    );
    Ok(())
}
