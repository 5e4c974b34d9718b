//! The client against the emulated PBX: paging, the session, typed errors, validation and TLS.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::{
    TestResult, builder_for, quick_retries, response_problems, sim_with_users, tenant_admin,
};
use futures::TryStreamExt;
use portsip::model::{
    ContactDetails, Ms365App, Ms365SettingsUpdate, NationalCloud, NewUser, Role, SyncType,
    UserQuery, UserSettings, UsersSync,
};
use portsip::{Client, Error, ErrorCode, NetworkFailure, PasswordRetention, RetryPolicy, Secret};
use serde_json::json;
use sim::{Sim, SimConfig};

/// `METHOD /path?query` of every exchange the emulator recorded, in order.
pub fn recorded_calls(sim: &Sim) -> Vec<String> {
    sim.pbx_recorder
        .exchanges()
        .iter()
        .map(|exchange| {
            if exchange.query.is_empty() {
                format!("{} {} {}", exchange.method, exchange.path, exchange.status)
            } else {
                format!(
                    "{} {}?{} {}",
                    exchange.method, exchange.path, exchange.query, exchange.status
                )
            }
        })
        .collect()
}

/// A client signed in as the tenant's administrator, retrying as `policy` says.
async fn signed_in(sim: &Sim, policy: RetryPolicy) -> Result<Client, Error> {
    let client = builder_for(sim).retry_policy(policy).build()?;
    let admin = &sim.tenant.admin;
    client
        .login(&admin.username, &admin.password, admin.domain.as_deref())
        .await?;
    Ok(client)
}

#[tokio::test]
async fn users_are_read_in_pages_of_one_hundred_until_all_250_are_seen() -> TestResult {
    let sim = sim_with_users(250).await?;
    let client = tenant_admin(&sim).await?;
    sim.pbx_recorder.clear();

    let users: Vec<_> = client.users(&UserQuery::default()).try_collect().await?;

    assert_eq!(users.len(), 250);
    let ids: HashSet<_> = users.iter().filter_map(|user| user.id.clone()).collect();
    assert_eq!(ids.len(), 250, "every user once, each with an ID");
    assert_eq!(
        recorded_calls(&sim),
        vec![
            "GET /api/users?top=100&skip=0 200",
            "GET /api/users?top=100&skip=100 200",
            "GET /api/users?top=100&skip=200 200",
        ]
    );
    let problems = response_problems(&sim)?;
    assert!(problems.is_empty(), "{problems:#?}");
    Ok(())
}

/// The `id` of every object in `entries`.
fn ids_of(entries: &[serde_json::Value]) -> Vec<String> {
    entries
        .iter()
        .filter_map(|entry| entry.get("id").and_then(serde_json::Value::as_str))
        .map(str::to_owned)
        .collect()
}

/// Sorted, with duplicates kept, so "each exactly once" is an equality.
fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

/// Contacts page with `top`/`skip`. `GET /audit_logs` declares no paging parameters in the
/// spec, so the client asks once and reads what that one answer holds, each entry once; with
/// more than a page of entries that is the newest page only (the emulator pages by its
/// default `top`).
#[tokio::test]
async fn contacts_are_paged_past_one_hundred_and_audit_logs_read_in_the_one_request_allowed()
-> TestResult {
    let sim = sim_with_users(5).await?;
    let client = tenant_admin(&sim).await?;
    // Each contact created is also an audit log entry: both lists grow past one page.
    for n in 0..130 {
        client
            .create_contact(&ContactDetails {
                name: Some(format!("Paged Contact {n:03}")),
                ..ContactDetails::default()
            })
            .await?;
    }
    let held_contacts = ids_of(&sim.pbx.contacts());
    let mut newest_audit = ids_of(&sim.pbx.audit_log());
    newest_audit.reverse();
    assert!(
        (101..=200).contains(&held_contacts.len()),
        "{}",
        held_contacts.len()
    );
    assert!(newest_audit.len() > 100, "{}", newest_audit.len());
    newest_audit.truncate(100);
    sim.pbx_recorder.clear();

    let contacts: Vec<_> = client.contacts().try_collect().await?;
    let audit: Vec<_> = client.audit_logs().try_collect().await?;

    let read_contacts: Vec<_> = contacts.iter().filter_map(|c| c.id.clone()).collect();
    assert_eq!(
        read_contacts.len(),
        contacts.len(),
        "every contact has an ID"
    );
    assert_eq!(sorted(read_contacts), sorted(held_contacts));
    let read_audit: Vec<_> = audit.iter().filter_map(|e| e.id.clone()).collect();
    assert_eq!(read_audit, newest_audit, "the newest page, each entry once");
    assert_eq!(
        recorded_calls(&sim),
        vec![
            "GET /api/contacts?top=100&skip=0 200",
            "GET /api/contacts?top=100&skip=100 200",
            "GET /api/audit_logs 200",
        ]
    );
    let problems = response_problems(&sim)?;
    assert!(problems.is_empty(), "{problems:#?}");
    Ok(())
}

#[tokio::test]
async fn a_smaller_page_size_and_a_search_are_sent_as_asked() -> TestResult {
    let sim = sim_with_users(30).await?;
    let client = builder_for(&sim).page_size(7).build()?;
    let admin = &sim.tenant.admin;
    client
        .login(&admin.username, &admin.password, admin.domain.as_deref())
        .await?;
    let everyone: Vec<_> = client.users(&UserQuery::default()).try_collect().await?;
    assert_eq!(everyone.len(), 30);

    sim.pbx_recorder.clear();
    let query = UserQuery {
        search: Some(admin.username.clone()),
        ..UserQuery::default()
    };
    let found: Vec<_> = client.users(&query).try_collect().await?;
    assert!(
        found
            .iter()
            .any(|user| user.name.as_deref() == Some(admin.username.as_str())),
        "{found:?}"
    );
    let calls = recorded_calls(&sim);
    assert_eq!(
        calls.first().map(String::as_str),
        Some(format!("GET /api/users?search={}&top=7&skip=0 200", admin.username).as_str())
    );
    Ok(())
}

/// When the access token of the last recorded sign-in expires, by the emulator's clock.
fn sign_in_expiry(sim: &Sim) -> Result<time::OffsetDateTime, Box<dyn std::error::Error>> {
    let exchanges = sim.pbx_recorder.exchanges();
    let expires_at = exchanges
        .iter()
        .rev()
        .find(|exchange| exchange.method == "POST" && exchange.path == "/api/login")
        .and_then(|login| login.response_json.as_ref()?.get("expires_at")?.as_str())
        .ok_or("no recorded sign-in answer with expires_at")?;
    Ok(time::OffsetDateTime::parse(
        expires_at,
        &time::format_description::well_known::Rfc3339,
    )?)
}

/// Sleeps until the wall clock (the emulator's) has reached `instant`.
async fn sleep_until_past(instant: time::OffsetDateTime) {
    loop {
        let left = instant - time::OffsetDateTime::now_utc();
        if !left.is_positive() {
            return;
        }
        tokio::time::sleep(left.unsigned_abs()).await;
    }
}

#[tokio::test]
async fn a_token_about_to_expire_is_refreshed_before_the_request() -> TestResult {
    let sim = sim_with_users(3).await?;
    sim.pbx.set_access_token_lifetime(Duration::from_secs(2));
    let client = tenant_admin(&sim).await?;
    let expired = sign_in_expiry(&sim)?;
    sim.pbx_recorder.clear();

    // Once the emulator considers the first token expired, any request still carrying it is
    // answered 401; the client must have refreshed before sending, whatever rounding of
    // `expires_in` it saw.
    sleep_until_past(expired).await;
    let tenant = client.tenant().await?;

    assert_eq!(tenant.domain.as_deref(), Some(sim.tenant.domain.as_str()));
    assert_eq!(
        recorded_calls(&sim),
        vec!["POST /api/auth/refresh_token 200", "GET /api/tenant 200"],
        "a refresh first, and the expired token never sent"
    );
    Ok(())
}

#[tokio::test]
async fn a_401_is_answered_by_one_refresh_and_one_retry() -> TestResult {
    let sim = sim_with_users(3).await?;
    let client = tenant_admin(&sim).await?;
    let first_refresh_token = client
        .refresh_token()
        .await
        .map(|token| token.expose().to_owned());
    sim.pbx.expire_access_tokens();
    sim.pbx_recorder.clear();

    client.tenant().await?;

    assert_eq!(
        recorded_calls(&sim),
        vec![
            "GET /api/tenant 401",
            "POST /api/auth/refresh_token 200",
            "GET /api/tenant 200"
        ]
    );
    let rotated = client
        .refresh_token()
        .await
        .map(|token| token.expose().to_owned());
    assert!(
        rotated.is_some() && rotated != first_refresh_token,
        "the new refresh token is kept"
    );
    Ok(())
}

#[tokio::test]
async fn a_renewed_token_turned_away_too_is_renewed_again() -> TestResult {
    let sim = sim_with_users(3).await?;
    let client = tenant_admin(&sim).await?;
    // As when the retry of a throttled call outlives the token renewed for it: the call's
    // first two tokens are turned away (answered by the fault layer, before the recorder).
    let expired =
        json!({"errors": [{"code": "TOKEN_EXPIRED", "message": "The access token has expired."}]});
    for _ in 0..2 {
        sim.pbx_faults
            .inject_next_matching("GET", "/api/tenant", 401, expired.clone());
    }
    sim.pbx_recorder.clear();

    client.tenant().await?;

    assert_eq!(
        recorded_calls(&sim),
        vec![
            "POST /api/auth/refresh_token 200",
            "POST /api/auth/refresh_token 200",
            "GET /api/tenant 200"
        ],
        "a renewal after each 401"
    );
    Ok(())
}

#[tokio::test]
async fn a_401_after_every_refresh_ends_the_call_after_three_renewals() -> TestResult {
    let sim = sim_with_users(3).await?;
    let client = tenant_admin(&sim).await?;
    // The current token expires now and every new one is born expired, so the request and
    // each retry after a refresh are refused (by the emulator's own token check: faults
    // are answered before the recorder sees them).
    sim.pbx.expire_access_tokens();
    sim.pbx.set_access_token_lifetime(Duration::ZERO);
    sim.pbx_recorder.clear();

    let result = tokio::time::timeout(Duration::from_secs(30), client.tenant())
        .await
        .map_err(|_| "the client kept retrying")?;

    let Err(error @ Error::SessionExpired { .. }) = result else {
        return Err(format!("expected an expired session, got {result:?}").into());
    };
    assert_eq!(
        recorded_calls(&sim),
        vec![
            "GET /api/tenant 401",
            "POST /api/auth/refresh_token 200",
            "GET /api/tenant 401",
            "POST /api/auth/refresh_token 200",
            "GET /api/tenant 401",
            "POST /api/auth/refresh_token 200",
            "GET /api/tenant 401"
        ],
        "three renewals, then give up"
    );
    let text = error.to_string();
    assert!(
        text.starts_with("Your PBX session has expired and could not be renewed"),
        "{text}"
    );
    assert!(text.ends_with("Sign in again."), "{text}");
    assert!(!text.contains(".)"), "{text}");
    Ok(())
}

#[tokio::test]
async fn a_refused_refresh_ends_the_session_unless_the_password_was_kept() -> TestResult {
    let sim = sim_with_users(3).await?;
    let admin = &sim.tenant.admin;

    let forgetful = tenant_admin(&sim).await?;
    sim.pbx.expire_access_tokens();
    sim.pbx.revoke_refresh_tokens();
    let result = forgetful.tenant().await;
    let Err(error @ Error::SessionExpired { .. }) = result else {
        return Err(format!("expected an expired session, got {result:?}").into());
    };
    assert!(error.to_string().contains("Sign in again"), "{error}");

    let keeping = builder_for(&sim).build()?;
    keeping
        .login_with(
            portsip::Credentials::new(
                &admin.username,
                admin.password.as_str(),
                admin.domain.as_deref(),
            ),
            PasswordRetention::KeepInMemory,
        )
        .await?;
    sim.pbx.expire_access_tokens();
    sim.pbx.revoke_refresh_tokens();
    sim.pbx_recorder.clear();
    keeping.tenant().await?;
    assert_eq!(
        recorded_calls(&sim),
        vec![
            "GET /api/tenant 401",
            "POST /api/auth/refresh_token 401",
            "POST /api/login 200",
            "GET /api/tenant 200"
        ]
    );
    Ok(())
}

#[tokio::test]
async fn a_saved_refresh_token_resumes_the_session_with_its_role() -> TestResult {
    let sim = sim_with_users(3).await?;
    let first = tenant_admin(&sim).await?;
    let saved = first
        .refresh_token()
        .await
        .ok_or("no refresh token after sign-in")?;

    let second = builder_for(&sim).build()?;
    let resumed = second.resume(saved).await?;

    assert_eq!(resumed.role, Some(Role::Admin));
    assert_eq!(second.role().await, Some(Role::Admin));
    second.ms365().await?;
    Ok(())
}

#[tokio::test]
async fn a_wrong_password_is_bad_credentials_naming_the_user() -> TestResult {
    let sim = sim_with_users(3).await?;
    let client = builder_for(&sim).build()?;
    let admin = &sim.tenant.admin;

    let result = client
        .login(&admin.username, "not-the-password", admin.domain.as_deref())
        .await;

    let Err(error @ Error::BadCredentials { .. }) = result else {
        return Err(format!("expected bad credentials, got {result:?}").into());
    };
    let text = error.to_string();
    assert!(text.contains(&admin.username), "{text}");
    assert!(text.contains("password"), "{text}");
    assert!(!text.contains("not-the-password"), "{text}");
    Ok(())
}

#[tokio::test]
async fn a_standard_user_is_forbidden_the_integration_with_its_role_named() -> TestResult {
    let sim = sim_with_users(3).await?;
    let client = builder_for(&sim).build()?;
    let user = &sim.tenant.standard_user;
    let signed_in = client
        .login(&user.username, &user.password, user.domain.as_deref())
        .await?;
    assert_eq!(signed_in.role, Some(Role::StandardUser));

    let result = client.ms365().await;

    let Err(
        error @ Error::Forbidden {
            role: Some(Role::StandardUser),
            ..
        },
    ) = result
    else {
        return Err(format!("expected forbidden for a standard user, got {result:?}").into());
    };
    let text = error.to_string();
    assert!(text.contains("role StandardUser"), "{text}");
    assert!(text.contains("GET /ms365"), "{text}");
    assert!(
        text.contains("administrator account (role Admin)"),
        "{text}"
    );
    Ok(())
}

#[tokio::test]
async fn the_system_wide_integration_needs_the_system_administrator() -> TestResult {
    let sim = sim_with_users(3).await?;
    let tenant_admin = tenant_admin(&sim).await?;
    let result = tenant_admin.global_ms365().await;
    let Err(error @ Error::Forbidden { .. }) = result else {
        return Err(format!("expected forbidden, got {result:?}").into());
    };
    assert!(error.to_string().contains("SystemAdmin"), "{error}");

    let system = builder_for(&sim).build()?;
    let account = &sim.tenant.system_admin;
    let signed_in = system
        .login(
            &account.username,
            &account.password,
            account.domain.as_deref(),
        )
        .await?;
    assert_eq!(signed_in.role, Some(Role::SystemAdmin));
    let app = Ms365App {
        national_cloud: Some(NationalCloud::China),
        directory_id: Some("0f8fad5b-d9cb-469f-a165-70867728950e".to_owned()),
        application_id: Some("7c9e6679-7425-40de-944b-e07fc1f90ae7".to_owned()),
    };
    system.set_global_ms365(&app).await?;
    let settings = system.global_ms365().await?;
    assert_eq!(settings.app, app);
    assert!(settings.redirect_uri.is_some(), "{settings:?}");
    let certificate = system.generate_global_ms365_certificate().await?;
    assert_eq!(system.global_ms365_certificate().await?, certificate);
    Ok(())
}

#[tokio::test]
async fn a_server_error_is_a_server_error_telling_to_retry_later() -> TestResult {
    let sim = sim_with_users(3).await?;
    let client = signed_in(&sim, RetryPolicy::NEVER).await?;
    sim.pbx_faults.fail_every(1, 503);

    let result = client.tenant().await;

    let Err(error @ Error::Server { status: 503, .. }) = result else {
        return Err(format!("expected a 503 server error, got {result:?}").into());
    };
    let text = error.to_string();
    assert!(text.contains("GET /tenant"), "{text}");
    assert!(text.contains("try again"), "{text}");
    Ok(())
}

#[tokio::test]
async fn a_dropped_connection_is_a_network_error_naming_the_url() -> TestResult {
    let sim = sim_with_users(3).await?;
    let client = signed_in(&sim, RetryPolicy::NEVER).await?;
    sim.pbx_faults.drop_every(1);

    let result = client.tenant().await;

    let Err(
        error @ Error::Network {
            failure: NetworkFailure::Dropped,
            ..
        },
    ) = result
    else {
        return Err(format!("expected a dropped connection, got {result:?}").into());
    };
    let text = error.to_string();
    assert!(text.contains(&format!("{}/tenant", sim.pbx_url)), "{text}");
    assert!(text.contains("closed before the PBX answered"), "{text}");
    Ok(())
}

#[tokio::test]
async fn a_pbx_that_does_not_answer_in_time_is_a_timeout_naming_the_url() -> TestResult {
    let sim = sim_with_users(3).await?;
    let client = builder_for(&sim)
        .timeout(Duration::from_millis(300))
        .retry_policy(RetryPolicy::NEVER)
        .build()?;
    sim.pbx_faults.set_latency(Duration::from_secs(3));

    let result = client.info(None).await;

    let Err(
        error @ Error::Network {
            failure: NetworkFailure::Timeout,
            ..
        },
    ) = result
    else {
        return Err(format!("expected a timeout, got {result:?}").into());
    };
    let text = error.to_string();
    assert!(text.contains(&format!("{}/info", sim.pbx_url)), "{text}");
    assert!(text.contains("did not answer in time"), "{text}");
    Ok(())
}

#[tokio::test]
async fn an_unknown_error_code_is_kept_verbatim() -> TestResult {
    let sim = sim_with_users(3).await?;
    let client = tenant_admin(&sim).await?;
    sim.pbx_faults.inject_next(
        409,
        json!({"errors": [{"code": "TENANT_FROZEN", "message": "The tenant is frozen by its provider."}]}),
    );

    let result = client.tenant().await;

    let Err(
        error @ Error::Rejected {
            status: 409,
            code: ErrorCode::Other(_),
            ..
        },
    ) = result
    else {
        return Err(format!("expected a rejection with an unknown code, got {result:?}").into());
    };
    let text = error.to_string();
    assert!(text.contains("TENANT_FROZEN"), "{text}");
    assert!(text.contains("does not know"), "{text}");
    assert!(
        text.contains("The tenant is frozen by its provider."),
        "{text}"
    );
    Ok(())
}

#[tokio::test]
async fn throttling_is_waited_out_and_then_reported() -> TestResult {
    let sim = sim_with_users(250).await?;
    let client = signed_in(&sim, quick_retries(Duration::from_millis(500))).await?;
    sim.pbx_faults.throttle_every(2, Duration::ZERO);
    let users: Vec<_> = client.users(&UserQuery::default()).try_collect().await?;
    assert_eq!(users.len(), 250);

    sim.pbx_faults.throttle_every(1, Duration::ZERO);
    let result = client.tenant().await;
    let Err(error @ Error::RateLimited { .. }) = result else {
        return Err(format!("expected rate limiting, got {result:?}").into());
    };
    assert!(error.to_string().contains("try again"), "{error}");
    Ok(())
}

/// Sends one bad setting and returns the fields the resulting validation error names.
async fn rejected_fields(
    client: &Client,
    update: Ms365SettingsUpdate,
) -> Result<Vec<String>, String> {
    match client.set_ms365(&update).await {
        Err(Error::Validation { problems, .. }) => Ok(problems
            .into_iter()
            .filter_map(|problem| problem.field)
            .collect()),
        other => Err(format!("expected a validation error, got {other:?}")),
    }
}

#[tokio::test]
async fn bad_integration_settings_are_rejected_field_by_field() -> TestResult {
    let sim = sim_with_users(3).await?;
    let client = tenant_admin(&sim).await?;

    let bad_cron = Ms365SettingsUpdate {
        sync_time: Some("every day at noon".to_owned()),
        ..Ms365SettingsUpdate::default()
    };
    assert_eq!(rejected_fields(&client, bad_cron).await?, vec!["sync_time"]);

    let leading_zero = Ms365SettingsUpdate {
        users: Some(UsersSync {
            starting_extension_number: Some("0123".to_owned()),
            ..UsersSync::default()
        }),
        ..Ms365SettingsUpdate::default()
    };
    assert_eq!(
        rejected_fields(&client, leading_zero).await?,
        vec!["users.starting_extension_number"]
    );

    let unknown_cloud = Ms365SettingsUpdate {
        app: Ms365App {
            national_cloud: Some(NationalCloud::Other("MARS".to_owned())),
            ..Ms365App::default()
        },
        ..Ms365SettingsUpdate::default()
    };
    assert_eq!(
        rejected_fields(&client, unknown_cloud).await?,
        vec!["national_cloud"]
    );

    let message = client
        .set_ms365(&Ms365SettingsUpdate {
            sync_time: Some("every day at noon".to_owned()),
            ..Ms365SettingsUpdate::default()
        })
        .await
        .err()
        .map(|error| error.to_string())
        .unwrap_or_default();
    assert!(message.contains("`sync_time`"), "{message}");
    assert!(message.contains("Correct the value"), "{message}");
    Ok(())
}

#[tokio::test]
async fn integration_settings_round_trip() -> TestResult {
    let sim = sim_with_users(3).await?;
    let client = tenant_admin(&sim).await?;
    let before = client.ms365().await?;
    assert!(!before.redirect_uris().is_empty(), "{before:?}");

    let mut update = before.settings.clone();
    update.app.directory_id = Some("0f8fad5b-d9cb-469f-a165-70867728950e".to_owned());
    update.app.application_id = Some("7c9e6679-7425-40de-944b-e07fc1f90ae7".to_owned());
    update.sync_time = Some("0 3 * * *".to_owned());
    update.users = Some(UsersSync {
        enabled: Some(true),
        starting_extension_number: Some("2000".to_owned()),
        sync_type: Some(SyncType::Exclude),
        selected_users: Some(vec!["ceo@contoso.example".to_owned()]),
        ..UsersSync::default()
    });
    client.set_ms365(&update).await?;

    let after = client.ms365().await?;
    assert_eq!(after.settings.sync_time.as_deref(), Some("0 3 * * *"));
    let users = after.settings.users.clone().unwrap_or_default();
    assert_eq!(users.sync_type, Some(SyncType::Exclude));
    assert_eq!(users.starting_extension_number.as_deref(), Some("2000"));
    assert_eq!(after.redirect_uris(), before.redirect_uris());
    Ok(())
}

#[tokio::test]
async fn the_certificate_comes_as_a_pem_file_with_its_name() -> TestResult {
    let sim = sim_with_users(3).await?;
    let client = tenant_admin(&sim).await?;

    let generated = client.generate_ms365_certificate().await?;
    let downloaded = client.ms365_certificate().await?;

    assert!(
        String::from_utf8_lossy(&generated.pem).starts_with("-----BEGIN CERTIFICATE-----"),
        "{generated:?}"
    );
    // PortSIP's Microsoft 365 guide: "Generate New Key Pair, and download the public_key.pem
    // file" (the spec only says the name comes in Content-Disposition).
    assert_eq!(generated.file_name.as_deref(), Some("public_key.pem"));
    assert_eq!(downloaded, generated);
    let regenerated = client.generate_ms365_certificate().await?;
    assert_ne!(regenerated.pem, generated.pem, "a new key pair each time");
    Ok(())
}

#[tokio::test]
async fn users_are_created_read_updated_and_bound() -> TestResult {
    let sim = sim_with_users(3).await?;
    let client = tenant_admin(&sim).await?;

    let created = client
        .create_user(&NewUser {
            name: "grace.hopper".to_owned(),
            display_name: "Grace Hopper".to_owned(),
            password: Secret::new("Cobol-1959!"),
            email: "grace@contoso.example".to_owned(),
            role: Role::StandardUser,
            extension_number: "4711".to_owned(),
            extension_password: Secret::new("Ext-pass-4711"),
            voicemail_pin: Secret::new("471147"),
            settings: UserSettings {
                department: Some("Navy".to_owned()),
                ..UserSettings::default()
            },
        })
        .await?;

    let user = client.user(&created.id).await?;
    assert_eq!(user.name.as_deref(), Some("grace.hopper"));
    assert_eq!(user.extension_number.as_deref(), Some("4711"));
    assert_eq!(user.settings.department.as_deref(), Some("Navy"));

    let mut update = user.to_update();
    update.display_name = Some("Rear Admiral Grace Hopper".to_owned());
    client.update_user(&created.id, &update).await?;
    let renamed = client.user(&created.id).await?;
    assert_eq!(
        renamed.display_name.as_deref(),
        Some("Rear Admiral Grace Hopper")
    );

    client
        .bind_ms365(&created.id, "grace@contoso.example")
        .await?;
    assert_eq!(
        sim.pbx.ms365_binding(&created.id).as_deref(),
        Some("grace@contoso.example")
    );
    client.unbind_ms365(&created.id).await?;
    assert_eq!(sim.pbx.ms365_binding(&created.id), None);

    let missing = client.user("no-such-user").await;
    assert!(
        matches!(missing, Err(Error::NotFound { .. })),
        "{missing:?}"
    );
    Ok(())
}

#[tokio::test]
async fn a_taken_extension_is_a_field_level_error() -> TestResult {
    let sim = sim_with_users(3).await?;
    let client = tenant_admin(&sim).await?;
    let taken = sim
        .pbx
        .users()
        .first()
        .and_then(|user| user.get("extension_number")?.as_str().map(str::to_owned))
        .ok_or("no seeded user with an extension")?;

    let result = client
        .create_user(&NewUser {
            name: "someone.new".to_owned(),
            display_name: "Someone New".to_owned(),
            password: Secret::new("Pass-word-1"),
            email: "new@contoso.example".to_owned(),
            role: Role::StandardUser,
            extension_number: taken,
            extension_password: Secret::new("Ext-pass-1"),
            voicemail_pin: Secret::new("123456"),
            settings: UserSettings::default(),
        })
        .await;

    let Err(Error::Validation { field, .. }) = result else {
        return Err(format!("expected a validation error, got {result:?}").into());
    };
    assert_eq!(field.as_deref(), Some("extension_number"));
    Ok(())
}

#[tokio::test]
async fn contacts_audit_logs_info_and_tenant_are_read() -> TestResult {
    let sim = sim_with_users(3).await?;
    let client = tenant_admin(&sim).await?;

    let created = client
        .create_contact(&ContactDetails {
            name: Some("Ada Lovelace".to_owned()),
            email: Some("ada@example.org".to_owned()),
            mobile_phone: Some("+44 20 7946 0000".to_owned()),
            ..ContactDetails::default()
        })
        .await?;
    let contacts: Vec<_> = client.contacts().try_collect().await?;
    let ada = contacts
        .iter()
        .find(|contact| contact.id.as_deref() == Some(created.id.as_str()))
        .ok_or("the new contact is not listed")?;
    assert_eq!(ada.details.name.as_deref(), Some("Ada Lovelace"));

    let entries: Vec<_> = client.audit_logs().try_collect().await?;
    assert!(
        entries
            .iter()
            .any(|entry| entry.action == Some(portsip::model::AuditAction::Login)),
        "{entries:?}"
    );

    let info = client.info(Some(&sim.tenant.domain)).await?;
    assert_eq!(info.domain.as_deref(), Some(sim.tenant.domain.as_str()));
    let tenant = client.tenant().await?;
    assert_eq!(tenant.domain.as_deref(), Some(sim.tenant.domain.as_str()));
    Ok(())
}

#[tokio::test]
async fn listing_microsoft_365_users_before_set_up_gives_the_pbx_reason() -> TestResult {
    let sim = sim_with_users(3).await?;
    let client = tenant_admin(&sim).await?;

    let result = client.ms365_users().await;

    let Err(
        error @ Error::Rejected {
            status: 400,
            code: ErrorCode::Other(_),
            ..
        },
    ) = result
    else {
        return Err(format!("expected the PBX's refusal, got {result:?}").into());
    };
    let text = error.to_string();
    assert!(text.contains("GET /ms365/users"), "{text}");
    assert!(text.contains("not configured"), "{text}");
    Ok(())
}

mod tls {
    use super::*;

    async fn tls_sim() -> Result<sim::Sim, sim::SimError> {
        sim::start(SimConfig {
            tls: true,
            pbx_users: 3,
            ..SimConfig::default()
        })
        .await
    }

    #[tokio::test]
    async fn https_with_the_emulators_ca_passes() -> TestResult {
        let sim = tls_sim().await?;
        assert!(sim.pbx_url.starts_with("https://"), "{}", sim.pbx_url);
        tenant_admin(&sim).await?.tenant().await?;

        let ca_file = sim
            .ca_file
            .clone()
            .ok_or("the TLS emulator wrote no CA file")?;
        let from_file = Client::builder(&sim.pbx_url).ca_file(ca_file).build()?;
        from_file.info(None).await?;
        Ok(())
    }

    #[tokio::test]
    async fn https_without_the_ca_fails_with_the_fingerprint_and_a_matching_pin_passes()
    -> TestResult {
        let sim = tls_sim().await?;
        let untrusting = Client::new(&sim.pbx_url)?;

        let result = untrusting.info(None).await;

        let Err(
            error @ Error::Tls {
                sha256: Some(_), ..
            },
        ) = result
        else {
            return Err(format!("expected a TLS error with a fingerprint, got {result:?}").into());
        };
        let Error::Tls {
            subject,
            sha256: Some(sha256),
            ..
        } = &error
        else {
            return Err("unreachable".into());
        };
        let text = error.to_string();
        assert!(
            text.starts_with("The PBX's certificate is not trusted (subject "),
            "{text}"
        );
        assert!(text.contains(&format!("SHA-256 {sha256}")), "{text}");
        assert!(text.contains("--ca-file or pin the fingerprint"), "{text}");
        assert!(
            subject
                .as_deref()
                .is_some_and(|subject| subject.contains("CN=")),
            "{subject:?}"
        );

        let pinned = Client::builder(&sim.pbx_url)
            .pin_sha256(sha256.parse()?)
            .build()?;
        pinned.info(None).await?;
        let admin = &sim.tenant.admin;
        pinned
            .login(&admin.username, &admin.password, admin.domain.as_deref())
            .await?;
        Ok(())
    }

    #[tokio::test]
    async fn a_pin_of_another_certificate_does_not_pass() -> TestResult {
        let sim = tls_sim().await?;
        let other = portsip::Sha256Fingerprint::of_der(b"some other certificate");
        let client = Client::builder(&sim.pbx_url).pin_sha256(other).build()?;

        let result = client.info(None).await;

        let Err(error @ Error::Tls { .. }) = result else {
            return Err(format!("expected a TLS error, got {result:?}").into());
        };
        assert!(
            error.to_string().contains("not the pinned certificate"),
            "{error}"
        );
        Ok(())
    }
}
