//! What differs between the PortSIP versions the PBX plays (22.2 and 22.6), and what both do
//! alike (the version and licence in `GET /tenant/status`, the licence on `POST /users`).
//! Every request a test means to be valid is first held to that version's contract, every
//! request it means to be refused is refused by that contract too, and every answer is held
//! to the version's contract at the end.

use openapi_contract::Contract;
use serde_json::{Value, json};
use sim::{PbxVersion, SimConfig};

use crate::contract::connect_integration_with;
use crate::support::{Answer, Error, Harness, TestResult, small_config};

fn config(version: PbxVersion) -> SimConfig {
    SimConfig {
        pbx_version: version,
        ..small_config()
    }
}

fn contract(version: PbxVersion) -> Result<&'static Contract, Error> {
    Ok(Contract::for_version(version.contract_version())?)
}

/// Sends a request the test means to be valid for the PBX's version, after holding it to that
/// version's contract.
async fn send_valid(
    h: &Harness,
    method: &str,
    path: &str,
    token: &str,
    body: Option<Value>,
) -> Result<Answer, Error> {
    let (route, query) = path.split_once('?').unwrap_or((path, ""));
    contract(h.sim.pbx.version())?.validate_request(method, route, query, body.as_ref())?;
    h.call(method, path, Some(token), body).await
}

/// Sends a request the test means the PBX to refuse, after checking that the version's
/// contract refuses it too: emulator and contract agree on what the version takes.
async fn send_invalid(
    h: &Harness,
    method: &str,
    path: &str,
    token: &str,
    body: Value,
) -> Result<Answer, Error> {
    let verdict = contract(h.sim.pbx.version())?.validate_request(method, path, "", Some(&body));
    assert!(
        verdict.is_err(),
        "the {} contract takes {method} {path} {body}",
        h.sim.pbx.version()
    );
    h.call(method, path, Some(token), Some(body)).await
}

/// Every answer of the test, held to `version`'s contract. Answers to requests that are no
/// operation of that contract (the 404 of a path the version does not have, the 405 of a
/// method it does not take) are left out: `unknown` names them as `"METHOD /path"`, or
/// `"/path"` for every method.
fn answers_within_contract(h: &Harness, version: PbxVersion, unknown: &[&str]) -> TestResult {
    let exchanges = h.sim.pbx_recorder.exchanges();
    let is_unknown = |method: &str, path: &str| {
        unknown.iter().any(|entry| match entry.split_once(' ') {
            Some((m, p)) => m.eq_ignore_ascii_case(method) && path.ends_with(p),
            None => path.ends_with(entry),
        })
    };
    let problems = contract(version)?.response_problems(
        exchanges
            .iter()
            .filter(|e| !is_unknown(&e.method, &e.path))
            .map(Into::into),
    );
    assert!(problems.is_empty(), "{version}: {problems:#?}");
    Ok(())
}

fn new_user(name: &str, extension: u32, display_name: &str) -> Value {
    json!({
        "name": name, "display_name": display_name, "password": "Secret-123",
        "email": format!("{name}@contoso.example"), "role": "StandardUser",
        "extension_number": extension.to_string(), "extension_password": "ext-secret",
        "voicemail_pin": "123456"
    })
}

fn count(answer: &Answer, pointer: &str) -> Option<u64> {
    answer.field(pointer).and_then(Value::as_u64)
}

#[tokio::test]
async fn tenant_status_reports_the_version_and_the_licence() -> TestResult {
    for (version, written) in [(PbxVersion::V22_2, "22.2.0"), (PbxVersion::V22_6, "22.6.0")] {
        let h = Harness::start(config(version)).await?;
        let admin = h.admin().await?;
        let status = send_valid(&h, "GET", "/tenant/status", &admin, None).await?;
        assert_eq!(status.status, 200, "{}", status.text);
        assert_eq!(status.text_at("/version"), written);
        // By default: both populations and headroom (30 PBX + 40 Microsoft + 50).
        assert_eq!(count(&status, "/licensed_users"), Some(120));
        assert_eq!(count(&status, "/current_users"), Some(30));
        assert_eq!(
            status
                .field("/calls_in_24_hours")
                .and_then(Value::as_array)
                .map(Vec::len),
            Some(24)
        );

        let created = send_valid(
            &h,
            "POST",
            "/users",
            &admin,
            Some(new_user("new.person", 4000, "New Person")),
        )
        .await?;
        assert_eq!(created.status, 201, "{}", created.text);
        h.sim.pbx.set_licensed_users(500);
        let after = h.get("/tenant/status", &admin).await?;
        assert_eq!(count(&after, "/current_users"), Some(31));
        assert_eq!(count(&after, "/licensed_users"), Some(500));
        assert_eq!(after.json, Some(h.sim.pbx.tenant_status()));

        let user = h.login(&h.sim.tenant.standard_user).await?;
        let refused = h.get("/tenant/status", &user).await?;
        assert_eq!(refused.status, 403);
        assert_eq!(refused.error_codes(), ["FORBIDDEN"]);
        answers_within_contract(&h, version, &[])?;
    }
    Ok(())
}

#[tokio::test]
async fn both_versions_refuse_users_beyond_the_licence() -> TestResult {
    for version in PbxVersion::ALL {
        let h = Harness::start(SimConfig {
            licensed_users: Some(32),
            ..config(version)
        })
        .await?;
        let admin = h.admin().await?;
        for (name, extension) in [("first.extra", 4001), ("second.extra", 4002)] {
            let created = send_valid(
                &h,
                "POST",
                "/users",
                &admin,
                Some(new_user(name, extension, name)),
            )
            .await?;
            assert_eq!(created.status, 201, "{version}: {}", created.text);
        }
        let beyond = new_user("third.extra", 4003, "Third Extra");
        let refused = send_valid(&h, "POST", "/users", &admin, Some(beyond.clone())).await?;
        assert_eq!(refused.status, 400, "{version}: {}", refused.text);
        assert_eq!(refused.error_codes(), ["LICENSE_LIMIT_REACHED"]);
        let message = refused.error_messages().join(" ");
        assert!(message.contains("allows 32 users"), "{message}");
        assert_eq!(
            h.sim.pbx.users().len(),
            32,
            "{version}: nothing was created"
        );
        let status = h.get("/tenant/status", &admin).await?;
        assert_eq!(count(&status, "/current_users"), Some(32));

        // What is wrong with the user itself is said first.
        let mut bad = beyond.clone();
        bad["extension_number"] = json!("0123");
        let invalid = h.post("/users", &admin, bad).await?;
        assert_eq!(invalid.error_codes(), ["VALIDATE_FAILED"]);

        // Disabled users count too: the licence is about users, not active ones.
        let someone = h
            .sim
            .pbx
            .users()
            .last()
            .and_then(|u| u.get("id").and_then(Value::as_str).map(str::to_owned))
            .ok_or("no user")?;
        let disabled = send_valid(
            &h,
            "POST",
            &format!("/users/{someone}"),
            &admin,
            Some(json!({"display_name": "Second Extra", "enabled": false})),
        )
        .await?;
        assert_eq!(disabled.status, 200, "{}", disabled.text);
        let still = h.post("/users", &admin, beyond.clone()).await?;
        assert_eq!(still.error_codes(), ["LICENSE_LIMIT_REACHED"]);

        // A larger licence lets the same request through.
        h.sim.pbx.set_licensed_users(33);
        let created = h.post("/users", &admin, beyond).await?;
        assert_eq!(created.status, 201, "{version}: {}", created.text);
        answers_within_contract(&h, version, &[])?;
    }
    Ok(())
}

/// A tenant with everything set: IDs, a key pair, features on with selected users, and a
/// Microsoft 365 binding.
async fn configure(h: &Harness, admin: &str) -> Result<String, Error> {
    let generated = h
        .call("POST", "/ms365/certificate", Some(admin), None)
        .await?;
    assert_eq!(generated.status, 200, "{}", generated.text);
    connect_integration_with(h, admin, &["User.ReadBasic.All"]).await?;
    let features = json!({
        "national_cloud": "GLOBAL",
        "sync_time": "30 2 * * *",
        "users": {"enabled": true, "sync_photo": true, "starting_extension_number": "5000",
                  "sync_type": "INCLUDE", "selected_users": ["anna@contoso.example"]},
        "sign_in_as_standard_user": {"enabled": true, "sync_type": "ALL"},
        "personal_contacts": {"enabled": true},
    });
    let set = send_valid(h, "POST", "/ms365", admin, Some(features)).await?;
    assert_eq!(set.status, 200, "{}", set.text);
    let bound = h
        .sim
        .pbx
        .users()
        .iter()
        .find(|u| u.get("name").and_then(Value::as_str) == Some("reception"))
        .and_then(|u| u.get("id").and_then(Value::as_str).map(str::to_owned))
        .ok_or("reception user missing")?;
    let binding = send_valid(
        h,
        "POST",
        &format!("/users/{bound}/ms365_binding"),
        admin,
        Some(json!({"id": "reception@contoso.example"})),
    )
    .await?;
    assert_eq!(binding.status, 200, "{}", binding.text);
    Ok(bound)
}

#[tokio::test]
async fn destroy_on_22_6_resets_the_integration() -> TestResult {
    let h = Harness::start(config(PbxVersion::V22_6)).await?;
    let admin = h.admin().await?;
    let bound = configure(&h, &admin).await?;
    let before = h.get("/ms365", &admin).await?;
    let listed = h.get("/ms365/users", &admin).await?;
    assert_eq!(listed.status, 200, "{}", listed.text);

    let user = h.login(&h.sim.tenant.standard_user).await?;
    assert_eq!(
        h.call("POST", "/ms365/destroy", Some(&user), None)
            .await?
            .error_codes(),
        ["FORBIDDEN"]
    );
    assert_eq!(
        h.call("POST", "/ms365/destroy", None, None).await?.status,
        401
    );
    let destroyed = send_valid(&h, "POST", "/ms365/destroy", &admin, None).await?;
    assert_eq!(destroyed.status, 204, "{}", destroyed.text);
    assert!(destroyed.text.is_empty());

    // Back to a fresh tenant's settings: no IDs, every feature off, nothing selected.
    let after = h.get("/ms365", &admin).await?;
    for field in ["application_id", "directory_id"] {
        assert!(before.field(&format!("/{field}")).is_some());
        assert_eq!(after.field(&format!("/{field}")), None, "{}", after.text);
    }
    assert_eq!(after.text_at("/sync_time"), "0 0 * * *");
    assert_eq!(
        after.text_at("/redirect_uri"),
        before.text_at("/redirect_uri")
    );
    for block in [
        "users",
        "sign_in_as_standard_user",
        "personal_contacts",
        "shared_mailbox",
        "events",
    ] {
        assert_eq!(
            after.field(&format!("/{block}/enabled")),
            Some(&json!(false))
        );
        assert_eq!(
            after.field(&format!("/{block}/selected_users")),
            Some(&json!([])),
            "{block}"
        );
    }
    // The key pair is gone, so the integration cannot run.
    assert!(h.sim.pbx.certificate().is_none());
    assert_eq!(h.get("/ms365/certificate", &admin).await?.status, 404);
    assert_eq!(
        h.get("/ms365/users", &admin).await?.error_codes(),
        ["MS365_NOT_CONFIGURED"]
    );
    let info = h
        .call(
            "GET",
            &format!("/info?domain={}", h.sim.tenant.domain),
            None,
            None,
        )
        .await?;
    assert_eq!(info.field("/enable_ms365_integration"), Some(&json!(false)));
    // Users and their bindings are PBX data, not the integration's.
    assert_eq!(
        h.sim.pbx.ms365_binding(&bound).as_deref(),
        Some("reception@contoso.example")
    );
    assert_eq!(h.sim.pbx.users().len(), 30);
    // Again: nothing left to stop, still 204, so a reset can be repeated.
    let again = send_valid(&h, "POST", "/ms365/destroy", &admin, None).await?;
    assert_eq!(again.status, 204);
    let log = h.get("/audit_logs", &admin).await?;
    let deletions = log
        .field("/items")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter(|i| {
                    i["action"] == "DELETE" && i["object_type"] == "MICROSOFT_365_INTEGRATION"
                })
                .count()
        })
        .unwrap_or_default();
    assert_eq!(deletions, 2, "{}", log.text);
    assert_eq!(
        h.call("GET", "/ms365/destroy", Some(&admin), None)
            .await?
            .status,
        405
    );

    // A fresh setup works from scratch afterwards.
    configure(&h, &admin).await?;
    let relisted = h.get("/ms365/users", &admin).await?;
    assert_eq!(relisted.status, 200, "{}", relisted.text);

    // The system-wide integration, for the system administrator only.
    let system = h.login(&h.sim.tenant.system_admin).await?;
    assert_eq!(
        h.call("POST", "/admin/ms365/certificate", Some(&system), None)
            .await?
            .status,
        200
    );
    assert_eq!(
        h.call("POST", "/admin/ms365/destroy", Some(&admin), None)
            .await?
            .error_codes(),
        ["FORBIDDEN"]
    );
    let system_destroyed = send_valid(&h, "POST", "/admin/ms365/destroy", &system, None).await?;
    assert_eq!(system_destroyed.status, 204);
    assert!(h.sim.pbx.system_certificate().is_none());
    assert!(
        h.sim.pbx.certificate().is_some(),
        "the tenant's integration is not the system's"
    );
    answers_within_contract(&h, PbxVersion::V22_6, &["GET /ms365/destroy"])?;
    Ok(())
}

#[tokio::test]
async fn destroy_is_an_unknown_path_on_22_2() -> TestResult {
    let h = Harness::start(config(PbxVersion::V22_2)).await?;
    let admin = h.admin().await?;
    configure(&h, &admin).await?;
    let before = h.sim.pbx.ms365_settings();
    let unknown = h.get("/no/such/thing", &admin).await?;
    for (method, path, token) in [
        ("POST", "/ms365/destroy", Some(admin.as_str())),
        ("GET", "/ms365/destroy", Some(admin.as_str())),
        ("POST", "/ms365/destroy", None),
        ("POST", "/admin/ms365/destroy", Some(admin.as_str())),
    ] {
        let answer = h.call(method, path, token, None).await?;
        assert_eq!(answer.status, 404, "{method} {path}: {}", answer.text);
        assert_eq!(answer.json, unknown.json, "{method} {path}");
    }
    assert!(
        contract(PbxVersion::V22_2)?
            .operation("POST", "/ms365/destroy")
            .is_err()
    );
    assert_eq!(h.sim.pbx.ms365_settings(), before, "nothing was reset");
    assert!(h.sim.pbx.certificate().is_some());
    answers_within_contract(&h, PbxVersion::V22_2, &["/destroy", "/no/such/thing"])?;
    Ok(())
}

#[tokio::test]
async fn sign_in_as_administrator_is_refused_by_22_6_and_kept_by_22_2() -> TestResult {
    let admins = json!({
        "sync_time": "15 3 * * *",
        "sign_in_as_administrator": {"enabled": true, "selected_users": ["admin@contoso.example"]}
    });

    let old = Harness::start(config(PbxVersion::V22_2)).await?;
    let admin = old.admin().await?;
    let kept = send_valid(&old, "POST", "/ms365", &admin, Some(admins.clone())).await?;
    assert_eq!(kept.status, 200, "{}", kept.text);
    let shown = old.get("/ms365", &admin).await?;
    assert_eq!(
        shown.field("/sign_in_as_administrator/enabled"),
        Some(&json!(true))
    );
    answers_within_contract(&old, PbxVersion::V22_2, &[])?;

    let new = Harness::start(config(PbxVersion::V22_6)).await?;
    let admin = new.admin().await?;
    let before = new.sim.pbx.ms365_settings();
    assert!(before.get("sign_in_as_administrator").is_none(), "{before}");
    let refused = send_invalid(&new, "POST", "/ms365", &admin, admins.clone()).await?;
    assert_eq!(refused.status, 400, "{}", refused.text);
    assert_eq!(refused.error_codes(), ["VALIDATE_FAILED"]);
    assert_eq!(refused.error_fields(), ["sign_in_as_administrator"]);
    assert_eq!(
        new.sim.pbx.ms365_settings(),
        before,
        "nothing of it was applied"
    );
    // Even switched off, the block is refused: 22.6 does not know it at all.
    let off = json!({"sign_in_as_administrator": {"enabled": false}});
    let refused_off = send_invalid(&new, "POST", "/ms365", &admin, off).await?;
    assert_eq!(refused_off.error_fields(), ["sign_in_as_administrator"]);
    let mut without = admins.clone();
    if let Some(fields) = without.as_object_mut() {
        fields.remove("sign_in_as_administrator");
    }
    let accepted = send_valid(&new, "POST", "/ms365", &admin, Some(without)).await?;
    assert_eq!(accepted.status, 200, "{}", accepted.text);
    let shown = new.get("/ms365", &admin).await?;
    assert_eq!(shown.text_at("/sync_time"), "15 3 * * *");
    assert_eq!(shown.field("/sign_in_as_administrator"), None);
    answers_within_contract(&new, PbxVersion::V22_6, &[])?;
    Ok(())
}

#[tokio::test]
async fn an_upgrade_to_22_6_keeps_the_state_and_applies_the_new_rules() -> TestResult {
    let h = Harness::start(config(PbxVersion::V22_2)).await?;
    let admin = h.admin().await?;
    configure(&h, &admin).await?;
    let admins = json!({"sign_in_as_administrator": {"enabled": true, "selected_users": ["a@contoso.example"]}});
    assert_eq!(h.post("/ms365", &admin, admins.clone()).await?.status, 200);
    let users_before = h.sim.pbx.users();

    h.sim.pbx.set_version(PbxVersion::V22_6);
    assert_eq!(h.sim.pbx.version(), PbxVersion::V22_6);
    // The same session works; the same settings, minus what 22.6 no longer has.
    let status = h.get("/tenant/status", &admin).await?;
    assert_eq!(status.text_at("/version"), "22.6.0");
    let shown = h.get("/ms365", &admin).await?;
    assert_eq!(shown.status, 200);
    assert_eq!(shown.field("/sign_in_as_administrator"), None);
    assert_eq!(shown.field("/users/enabled"), Some(&json!(true)));
    assert_eq!(h.sim.pbx.users(), users_before);
    assert!(h.sim.pbx.certificate().is_some());
    assert_eq!(h.post("/ms365", &admin, admins).await?.status, 400);
    assert_eq!(
        h.get("/ms365/users", &admin).await?.status,
        200,
        "the 22.2 setup keeps working on 22.6"
    );
    // Back on 22.2, the block shows again: the upgrade hid it, nothing rewrote it.
    h.sim.pbx.set_version(PbxVersion::V22_2);
    let downgraded = h.get("/ms365", &admin).await?;
    assert_eq!(
        downgraded.field("/sign_in_as_administrator/enabled"),
        Some(&json!(true))
    );
    Ok(())
}

#[tokio::test]
async fn display_name_is_required_and_bounded_to_128_characters_on_22_6() -> TestResult {
    // 128 characters of two bytes each: the bound is in characters, not bytes.
    let longest: String = "é".repeat(127) + "x";
    let too_long: String = "é".repeat(129);
    assert_eq!(longest.chars().count(), 128);

    let h = Harness::start(config(PbxVersion::V22_6)).await?;
    let admin = h.admin().await?;
    let created = send_valid(
        &h,
        "POST",
        "/users",
        &admin,
        Some(new_user("longest.name", 4100, &longest)),
    )
    .await?;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.text_at("/id");
    let shown = h.get(&format!("/users/{id}"), &admin).await?;
    assert_eq!(shown.text_at("/display_name"), longest);

    let refused = send_invalid(
        &h,
        "POST",
        "/users",
        &admin,
        new_user("too.long", 4101, &too_long),
    )
    .await?;
    assert_eq!(refused.status, 400, "{}", refused.text);
    assert_eq!(refused.error_codes(), ["VALIDATE_FAILED"]);
    assert_eq!(refused.error_fields(), ["display_name"]);
    assert!(
        refused
            .error_messages()
            .join(" ")
            .contains("at most 128 characters"),
        "{}",
        refused.text
    );
    let mut nameless = new_user("nameless", 4102, "x");
    if let Some(fields) = nameless.as_object_mut() {
        fields.remove("display_name");
    }
    let missing = send_invalid(&h, "POST", "/users", &admin, nameless).await?;
    assert_eq!(missing.error_fields(), ["display_name"]);

    let path = format!("/users/{id}");
    let long_update =
        send_invalid(&h, "POST", &path, &admin, json!({"display_name": too_long})).await?;
    assert_eq!(long_update.error_fields(), ["display_name"]);
    let without = send_invalid(&h, "POST", &path, &admin, json!({"department": "Sales"})).await?;
    assert_eq!(without.status, 400, "{}", without.text);
    assert_eq!(without.error_messages(), ["display_name: is required"]);
    let with = send_valid(
        &h,
        "POST",
        &path,
        &admin,
        Some(json!({"display_name": "Shorter", "department": "Sales"})),
    )
    .await?;
    assert_eq!(with.status, 200, "{}", with.text);
    assert_eq!(
        h.sim.pbx.users().len(),
        31,
        "only the valid user was created"
    );
    answers_within_contract(&h, PbxVersion::V22_6, &[])?;

    // 22.2 took up to 1024 characters, and updates without a display name.
    let old = Harness::start(config(PbxVersion::V22_2)).await?;
    let admin = old.admin().await?;
    let created = send_valid(
        &old,
        "POST",
        "/users",
        &admin,
        Some(new_user("too.long", 4101, &too_long)),
    )
    .await?;
    assert_eq!(created.status, 201, "{}", created.text);
    let id = created.text_at("/id");
    let updated = send_valid(
        &old,
        "POST",
        &format!("/users/{id}"),
        &admin,
        Some(json!({"department": "Sales"})),
    )
    .await?;
    assert_eq!(updated.status, 200, "{}", updated.text);
    let huge = send_invalid(
        &old,
        "POST",
        "/users",
        &admin,
        new_user("huge.name", 4102, &"x".repeat(1025)),
    )
    .await?;
    assert_eq!(huge.error_fields(), ["display_name"]);
    answers_within_contract(&old, PbxVersion::V22_2, &[])?;
    Ok(())
}

/// The PBX's own Graph call with an app holding exactly `roles`.
async fn list_with(version: PbxVersion, roles: &[&str]) -> Result<(Harness, Answer), Error> {
    let h = Harness::start(config(version)).await?;
    let admin = h.admin().await?;
    let generated = h
        .call("POST", "/ms365/certificate", Some(&admin), None)
        .await?;
    assert_eq!(generated.status, 200, "{}", generated.text);
    connect_integration_with(&h, &admin, roles).await?;
    let answer = send_valid(&h, "GET", "/ms365/users", &admin, None).await?;
    answers_within_contract(&h, version, &[])?;
    Ok((h, answer))
}

fn listed_ids(answer: &Answer) -> Vec<String> {
    let mut ids: Vec<String> = answer
        .field("/items")
        .and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|i| i.get("id").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    ids.sort();
    ids
}

#[tokio::test]
async fn a_22_6_pbx_lists_microsoft_users_with_only_user_readbasic_all() -> TestResult {
    let (h, answer) = list_with(PbxVersion::V22_6, &["User.ReadBasic.All"]).await?;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let directory = h.sim.ms.users();
    assert!(
        directory.iter().any(|u| !u.account_enabled),
        "the population has disabled accounts"
    );
    let mut expected: Vec<String> = directory.iter().map(|u| u.id.clone()).collect();
    expected.sort();
    assert_eq!(
        listed_ids(&answer),
        expected,
        "every account, disabled ones too"
    );
    let items = answer
        .field("/items")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for user in &directory {
        let item = items
            .iter()
            .find(|i| i["id"] == user.id.as_str())
            .ok_or("user missing")?;
        assert_eq!(item["name"], user.display_name.as_str());
        let email = user.mail.as_deref().unwrap_or(&user.user_principal_name);
        assert_eq!(item["email"], email);
    }

    // Without the mandatory permission, the 22.6 PBX fails as Graph refuses it.
    let (_, denied) = list_with(PbxVersion::V22_6, &["Contacts.Read"]).await?;
    assert_eq!(denied.status, 400, "{}", denied.text);
    assert_eq!(denied.error_codes(), ["MS365_REQUEST_FAILED"]);
    let message = denied.error_messages().join(" ");
    assert!(
        message.contains("403") && message.contains("Authorization_RequestDenied"),
        "{message}"
    );
    Ok(())
}

#[tokio::test]
async fn a_22_2_pbx_needs_user_read_all() -> TestResult {
    let (_, basic) = list_with(PbxVersion::V22_2, &["User.ReadBasic.All"]).await?;
    assert_eq!(basic.status, 400, "{}", basic.text);
    assert_eq!(basic.error_codes(), ["MS365_REQUEST_FAILED"]);
    let message = basic.error_messages().join(" ");
    assert!(
        message.contains("403") && message.contains("Authorization_RequestDenied"),
        "{message}"
    );

    let (h, full) = list_with(PbxVersion::V22_2, &["User.Read.All"]).await?;
    assert_eq!(full.status, 200, "{}", full.text);
    let mut enabled: Vec<String> = h
        .sim
        .ms
        .users()
        .iter()
        .filter(|u| u.account_enabled)
        .map(|u| u.id.clone())
        .collect();
    enabled.sort();
    assert_eq!(listed_ids(&full), enabled, "22.2 lists enabled accounts");
    Ok(())
}
