//! Every endpoint of the subset, on success and on failure, for each version the PBX plays:
//! every answer the emulated PBX gives must validate against that version's contract.

use std::collections::BTreeSet;

use openapi_contract::Contract;
use serde_json::json;
use sim::ms::AppSeed;
use sim::{PbxVersion, SimConfig};

use crate::support::{Harness, TestResult, small_config};

/// Registers an Entra app holding the PBX's current certificate and points `/ms365` at it.
pub async fn connect_integration(h: &Harness, admin: &str) -> TestResult {
    connect_integration_with(h, admin, &["User.Read.All"]).await
}

/// [`connect_integration`] with an app granted exactly these Graph application permissions.
pub async fn connect_integration_with(h: &Harness, admin: &str, roles: &[&str]) -> TestResult {
    let certificate = h
        .sim
        .pbx
        .certificate()
        .ok_or("the PBX has no certificate yet")?;
    let app = h.sim.ms.register_app(AppSeed {
        display_name: "PBX Server-side".to_owned(),
        web_redirect_uris: vec![h.sim.pbx.redirect_uri()],
        certificates_der: vec![certificate.der],
        graph_app_roles: roles.iter().map(|r| (*r).to_owned()).collect(),
    })?;
    let answer = h
        .post(
            "/ms365",
            admin,
            json!({"directory_id": h.sim.ms.tenant_id(), "application_id": app.app_id}),
        )
        .await?;
    assert_eq!(answer.status, 200, "{}", answer.text);
    Ok(())
}

#[tokio::test]
async fn every_endpoint_of_22_2_answers_within_its_contract() -> TestResult {
    every_endpoint_answers_within_the_contract(PbxVersion::V22_2).await
}

#[tokio::test]
async fn every_endpoint_of_22_6_answers_within_its_contract() -> TestResult {
    every_endpoint_answers_within_the_contract(PbxVersion::V22_6).await
}

async fn every_endpoint_answers_within_the_contract(version: PbxVersion) -> TestResult {
    let h = Harness::start(SimConfig {
        sbc_domain: Some("sbc.contoso.example".to_owned()),
        pbx_version: version,
        ..small_config()
    })
    .await?;
    let contract = Contract::for_version(version.contract_version())?;
    let tenant = h.sim.tenant.clone();
    let domain = tenant.domain.clone();

    // Public endpoints.
    h.call("GET", "/info", None, None).await?;
    h.call("GET", &format!("/info?domain={domain}"), None, None)
        .await?;
    h.call("GET", "/info?domain=nowhere.example", None, None)
        .await?;
    let bad_login = h
        .call(
            "POST",
            "/login",
            None,
            Some(json!({"username": "pbxadmin", "password": "wrong", "domain": domain})),
        )
        .await?;
    assert_eq!(bad_login.status, 401);
    h.call(
        "POST",
        "/login",
        None,
        Some(json!({"username": "pbxadmin"})),
    )
    .await?;

    let admin = h.admin().await?;
    let user = h.login(&tenant.standard_user).await?;
    let system = h.login(&tenant.system_admin).await?;

    h.get("/login", &admin).await?;
    h.call("GET", "/login", None, None).await?;
    let login = h.login_answer(&tenant.admin).await?;
    let refreshed = h
        .call(
            "POST",
            "/auth/refresh_token",
            None,
            Some(json!({"refresh_token": login.text_at("/refresh_token")})),
        )
        .await?;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text);
    h.call(
        "POST",
        "/auth/refresh_token",
        None,
        Some(json!({"refresh_token": "nope"})),
    )
    .await?;

    h.get("/tenant", &admin).await?;
    h.get("/tenant", &user).await?;
    let status = h.get("/tenant/status", &admin).await?;
    assert_eq!(status.status, 200, "{}", status.text);
    assert_eq!(h.get("/tenant/status", &user).await?.status, 403);

    // The system-wide integration.
    h.get("/admin/ms365", &system).await?;
    h.get("/admin/ms365", &admin).await?;
    h.post("/admin/ms365", &system, json!({"national_cloud": "CHINA"}))
        .await?;
    h.post("/admin/ms365", &system, json!({"national_cloud": "MARS"}))
        .await?;
    h.get("/admin/ms365/certificate", &system).await?;
    h.call("POST", "/admin/ms365/certificate", Some(&system), None)
        .await?;
    h.get("/admin/ms365/certificate", &system).await?;
    h.call("POST", "/admin/ms365/certificate", Some(&admin), None)
        .await?;

    // The tenant integration, before and after it is configured.
    h.get("/ms365", &admin).await?;
    h.get("/ms365", &user).await?;
    h.post(
        "/ms365",
        &admin,
        json!({"sync_time": "30 2 * * *", "users": {"enabled": true}}),
    )
    .await?;
    h.post("/ms365", &admin, json!({"sync_time": "whenever"}))
        .await?;
    h.get("/ms365/certificate", &admin).await?;
    h.get("/ms365/users", &admin).await?;
    h.call(
        "POST",
        "/auth/sign_in/ms365",
        None,
        Some(json!({"domain": domain, "callback_url": "https://pbx.contoso.example/login"})),
    )
    .await?;
    let generated = h
        .call("POST", "/ms365/certificate", Some(&admin), None)
        .await?;
    assert_eq!(generated.status, 200, "{}", generated.text);
    h.get("/ms365/certificate", &admin).await?;
    h.call("POST", "/ms365/certificate", Some(&user), None)
        .await?;
    connect_integration(&h, &admin).await?;
    let listed = h.get("/ms365/users", &admin).await?;
    assert_eq!(listed.status, 200, "{}", listed.text);
    h.get("/ms365/users", &user).await?;
    h.call(
        "POST",
        "/auth/sign_in/ms365",
        None,
        Some(json!({"domain": domain, "callback_url": "https://pbx.contoso.example/login"})),
    )
    .await?;
    h.call(
        "POST",
        "/auth/sign_in/facebook",
        None,
        Some(json!({"domain": domain, "callback_url": "https://x.example/"})),
    )
    .await?;

    // Users.
    h.get("/users?top=10&skip=5", &admin).await?;
    h.get("/users?search=berg&orderby=name%20desc", &admin)
        .await?;
    h.get("/users?top=0", &admin).await?;
    let new_user = json!({
        "name": "new.person", "display_name": "New Person", "password": "Secret-123",
        "email": "new.person@contoso.example", "role": "StandardUser",
        "extension_number": "4000", "extension_password": "ext-secret", "voicemail_pin": "123456"
    });
    let created = h.post("/users", &admin, new_user.clone()).await?;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.text_at("/id");
    h.post("/users", &admin, new_user).await?;
    h.get(&format!("/users/{id}"), &admin).await?;
    h.get("/users/404", &admin).await?;
    let updated = h
        .post(
            &format!("/users/{id}"),
            &admin,
            json!({"display_name": "New Person", "department": "Sales", "enabled": true}),
        )
        .await?;
    assert_eq!(updated.status, 200, "{}", updated.text);
    h.post("/users/404", &admin, json!({"department": "Sales"}))
        .await?;
    h.post(
        &format!("/users/{id}/ms365_binding"),
        &admin,
        json!({"id": "new.person@contoso.example"}),
    )
    .await?;
    h.post(
        &format!("/users/{id}/ms365_binding"),
        &admin,
        json!({"id": "not an account"}),
    )
    .await?;
    h.get(&format!("/users/{id}"), &admin).await?;
    h.get("/users", &admin).await?;
    h.call(
        "POST",
        &format!("/users/{id}/ms365_binding/destroy"),
        Some(&admin),
        None,
    )
    .await?;
    h.call(
        "POST",
        "/users/404/ms365_binding/destroy",
        Some(&admin),
        None,
    )
    .await?;

    // Contacts and the audit trail.
    h.post(
        "/contacts",
        &admin,
        json!({"name": "Supplier", "email": "sales@fabrikam.example"}),
    )
    .await?;
    h.post(
        "/contacts",
        &admin,
        json!({"email": "nameless@fabrikam.example"}),
    )
    .await?;
    h.get("/contacts?top=2", &user).await?;
    h.get("/contacts?top=500", &user).await?;
    h.get("/audit_logs", &admin).await?;
    h.get("/audit_logs", &user).await?;

    // Resetting the integrations, where the version has it (last: it undoes the setup).
    if version.capabilities().destroy_integration {
        for (path, allowed, refused) in [
            ("/ms365/destroy", &admin, &user),
            ("/admin/ms365/destroy", &system, &admin),
        ] {
            assert_eq!(h.call("POST", path, Some(refused), None).await?.status, 403);
            let done = h.call("POST", path, Some(allowed), None).await?;
            assert_eq!(done.status, 204, "{path}: {}", done.text);
        }
    }

    let exchanges = h.sim.pbx_recorder.exchanges();
    let problems = contract.response_problems(exchanges.iter().map(Into::into));
    assert!(problems.is_empty(), "{version}: {problems:#?}");

    // Every operation was seen both succeeding and failing.
    let mut seen = BTreeSet::new();
    for exchange in &exchanges {
        let operation = contract.operation(&exchange.method, &exchange.path)?;
        seen.insert((
            operation.method().to_owned(),
            operation.template().to_owned(),
            exchange.status < 300,
        ));
    }
    let missing: Vec<_> = contract
        .operations()
        .iter()
        .flat_map(|op| {
            [true, false].map(|ok| (op.method().to_owned(), op.template().to_owned(), ok))
        })
        .filter(|key| !seen.contains(key))
        .collect();
    assert!(
        missing.is_empty(),
        "{version}: not exercised (method, path, success): {missing:#?}"
    );
    h.sim.shutdown().await;
    Ok(())
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_in_portsip_format() -> TestResult {
    let h = Harness::start(small_config()).await?;
    let admin = h.admin().await?;
    let unknown = h.get("/no/such/thing", &admin).await?;
    assert_eq!(unknown.status, 404);
    assert_eq!(unknown.error_codes(), ["NOT_FOUND"]);
    let wrong_method = h.call("DELETE", "/users", Some(&admin), None).await?;
    assert_eq!(wrong_method.status, 405);
    assert_eq!(wrong_method.error_codes(), ["METHOD_NOT_ALLOWED"]);
    let not_json = h
        .http
        .post(h.url("/ms365"))
        .bearer_auth(&admin)
        .body("{not json")
        .send()
        .await?;
    assert_eq!(not_json.status(), 400);
    let body: serde_json::Value = not_json.json().await?;
    assert_eq!(body["errors"][0]["code"], "VALIDATE_FAILED");
    Ok(())
}
