//! Sign-in, roles, token expiry and refresh.

use std::time::Duration;

use serde_json::{Value, json};
use sim::{Account, SimConfig};

use crate::support::{Harness, TestResult, small_config};

#[tokio::test]
async fn each_role_reaches_only_its_endpoints() -> TestResult {
    let h = Harness::start(small_config()).await?;
    let tenant = h.sim.tenant.clone();
    let admin = h.admin().await?;
    let user = h.login(&tenant.standard_user).await?;
    let system = h.login(&tenant.system_admin).await?;

    let tenant_admin_only = [
        "/tenant",
        "/ms365",
        "/ms365/certificate",
        "/ms365/users",
        "/users",
        "/audit_logs",
    ];
    for path in tenant_admin_only {
        for (who, token) in [("StandardUser", &user), ("SystemAdmin", &system)] {
            let answer = h.get(path, token).await?;
            assert_eq!(answer.status, 403, "{who} on {path}: {}", answer.text);
            assert_eq!(answer.error_codes(), ["FORBIDDEN"]);
        }
    }
    for (path, body) in [
        ("/ms365", Some(json!({"sync_time": "0 1 * * *"}))),
        ("/ms365/certificate", None),
        ("/users", Some(json!({"name": "x"}))),
        ("/contacts", Some(json!({"name": "x"}))),
    ] {
        let answer = h.call("POST", path, Some(&user), body).await?;
        assert_eq!(answer.status, 403, "StandardUser POST {path}");
    }
    for path in ["/admin/ms365", "/admin/ms365/certificate"] {
        for token in [&admin, &user] {
            assert_eq!(h.get(path, token).await?.status, 403, "{path}");
        }
        assert_ne!(h.get(path, &system).await?.status, 403, "{path}");
    }
    assert_eq!(h.get("/ms365", &admin).await?.status, 200);
    assert_eq!(h.get("/contacts", &user).await?.status, 200);

    let own_id = h
        .sim
        .pbx
        .users()
        .iter()
        .find(|u| u.get("name").and_then(Value::as_str) == Some("reception"))
        .and_then(|u| u.get("id").and_then(Value::as_str).map(str::to_owned))
        .ok_or("reception user missing")?;
    assert_eq!(h.get(&format!("/users/{own_id}"), &user).await?.status, 200);
    let someone_else = h
        .sim
        .pbx
        .users()
        .iter()
        .find_map(|u| {
            u.get("id")
                .and_then(Value::as_str)
                .filter(|id| *id != own_id)
                .map(str::to_owned)
        })
        .ok_or("no other user")?;
    assert_eq!(
        h.get(&format!("/users/{someone_else}"), &user)
            .await?
            .status,
        403
    );

    for (token, role) in [
        (&admin, "Admin"),
        (&user, "StandardUser"),
        (&system, "SystemAdmin"),
    ] {
        assert_eq!(h.get("/login", token).await?.text_at("/role"), role);
    }
    Ok(())
}

#[tokio::test]
async fn wrong_credentials_domains_and_disabled_accounts_cannot_sign_in() -> TestResult {
    let h = Harness::start(small_config()).await?;
    let tenant = h.sim.tenant.clone();
    let attempts = [
        Account {
            password: "wrong".to_owned(),
            ..tenant.admin.clone()
        },
        Account {
            domain: Some("fabrikam.example".to_owned()),
            ..tenant.admin.clone()
        },
        Account {
            domain: None,
            ..tenant.admin.clone()
        },
        Account {
            domain: Some(tenant.domain.clone()),
            ..tenant.system_admin.clone()
        },
        Account {
            username: "nobody".to_owned(),
            ..tenant.admin.clone()
        },
    ];
    for account in attempts {
        let answer = h.login_answer(&account).await?;
        assert_eq!(answer.status, 401, "{account:?}");
        assert_eq!(answer.error_codes(), ["LOGIN_FAILED"]);
    }
    let by_extension = Account {
        username: "100".to_owned(),
        ..tenant.admin.clone()
    };
    let login = h.login_answer(&by_extension).await?;
    assert_eq!(login.status, 200, "the extension number signs in too");
    assert_eq!(login.text_at("/role"), "Admin");
    assert_eq!(login.text_at("/token_type"), "Bearer");
    assert!(
        login
            .field("/expires_in")
            .and_then(Value::as_i64)
            .is_some_and(|s| s > 3000)
    );

    let admin = h.admin().await?;
    let user = h.login(&tenant.standard_user).await?;
    let reception = h
        .sim
        .pbx
        .users()
        .iter()
        .find(|u| u.get("name").and_then(Value::as_str) == Some("reception"))
        .and_then(|u| u.get("id").and_then(Value::as_str).map(str::to_owned))
        .ok_or("reception user missing")?;
    let disabled = h
        .post(
            &format!("/users/{reception}"),
            &admin,
            // 22.6, the default version, wants display_name on every update.
            json!({"display_name": "Reception Desk", "enabled": false}),
        )
        .await?;
    assert_eq!(disabled.status, 200, "{}", disabled.text);
    assert_eq!(h.login_answer(&tenant.standard_user).await?.status, 401);
    let stale = h.get("/contacts", &user).await?;
    assert_eq!(
        stale.status, 401,
        "a disabled account's tokens stop working"
    );
    for header in [None, Some("Basic abc"), Some("Bearer not-a-token")] {
        let mut request = h.http.get(h.url("/ms365"));
        if let Some(value) = header {
            request = request.header("Authorization", value);
        }
        let response = request.send().await?;
        assert_eq!(response.status(), 401, "{header:?}");
        let body: Value = response.json().await?;
        assert_eq!(body["errors"][0]["code"], "UNAUTHORIZED");
    }
    Ok(())
}

#[tokio::test]
async fn expired_tokens_are_refused_and_refresh_tokens_rotate() -> TestResult {
    let h = Harness::start(small_config()).await?;
    let login = h.login_answer(&h.sim.tenant.admin).await?;
    let access = login.text_at("/access_token");
    let refresh = login.text_at("/refresh_token");
    assert_eq!(h.get("/ms365", &access).await?.status, 200);

    h.sim.pbx.expire_access_tokens();
    let expired = h.get("/ms365", &access).await?;
    assert_eq!(expired.status, 401);
    assert_eq!(expired.error_codes(), ["TOKEN_EXPIRED"]);

    let refreshed = h
        .call(
            "POST",
            "/auth/refresh_token",
            None,
            Some(json!({"refresh_token": refresh})),
        )
        .await?;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text);
    let new_access = refreshed.text_at("/access_token");
    let new_refresh = refreshed.text_at("/refresh_token");
    assert_ne!(new_access, access);
    assert_ne!(new_refresh, refresh);
    assert_eq!(h.get("/ms365", &new_access).await?.status, 200);

    let reused = h
        .call(
            "POST",
            "/auth/refresh_token",
            None,
            Some(json!({"refresh_token": refresh})),
        )
        .await?;
    assert_eq!(reused.status, 401, "a refresh token works once");
    assert_eq!(reused.error_codes(), ["INVALID_REFRESH_TOKEN"]);

    h.sim.pbx.revoke_refresh_tokens();
    let revoked = h
        .call(
            "POST",
            "/auth/refresh_token",
            None,
            Some(json!({"refresh_token": new_refresh})),
        )
        .await?;
    assert_eq!(revoked.status, 401);
    Ok(())
}

#[tokio::test]
async fn tokens_run_out_after_serving_the_set_number_of_requests() -> TestResult {
    let h = Harness::start(small_config()).await?;
    let login = h.login_answer(&h.sim.tenant.admin).await?;
    let access = login.text_at("/access_token");
    assert_eq!(h.get("/ms365", &access).await?.status, 200);
    // A token in use counts what it already served.
    h.sim.pbx.set_access_token_uses(3);

    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(h.get("/ms365", &access).await?.status);
    }
    assert_eq!(statuses, [200, 200, 401, 401]);
    assert_eq!(
        h.get("/ms365", &access).await?.error_codes(),
        ["TOKEN_EXPIRED"]
    );

    let refreshed = h
        .call(
            "POST",
            "/auth/refresh_token",
            None,
            Some(json!({"refresh_token": login.text_at("/refresh_token")})),
        )
        .await?;
    assert_eq!(refreshed.status, 200, "{}", refreshed.text);
    let renewed = refreshed.text_at("/access_token");
    let mut statuses = Vec::new();
    for _ in 0..4 {
        statuses.push(h.get("/ms365", &renewed).await?.status);
    }
    assert_eq!(statuses, [200, 200, 200, 401], "a new token serves three");

    h.sim.pbx.set_access_token_uses(0);
    let again = h
        .call(
            "POST",
            "/auth/refresh_token",
            None,
            Some(json!({"refresh_token": refreshed.text_at("/refresh_token")})),
        )
        .await?;
    let last = again.text_at("/access_token");
    for _ in 0..5 {
        assert_eq!(h.get("/ms365", &last).await?.status, 200, "no limit");
    }
    Ok(())
}

#[tokio::test]
async fn short_token_switch_makes_tokens_expire_by_themselves() -> TestResult {
    let h = Harness::start(SimConfig {
        short_tokens: true,
        ..small_config()
    })
    .await?;
    assert_eq!(
        h.sim.pbx.access_token_lifetime(),
        sim::pbx::SHORT_TOKEN_LIFETIME
    );
    h.sim
        .pbx
        .set_access_token_lifetime(Duration::from_millis(300));
    let login = h.login_answer(&h.sim.tenant.admin).await?;
    let access = login.text_at("/access_token");
    assert!(
        login
            .field("/expires_in")
            .and_then(Value::as_i64)
            .is_some_and(|s| s <= 1)
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let expired = h.get("/ms365", &access).await?;
    assert_eq!(expired.error_codes(), ["TOKEN_EXPIRED"]);
    Ok(())
}
