//! The client against the emulated PBX playing PortSIP 22.2 and 22.6: the tenant's status
//! and version, and the 22.6 changes the client's models must let a caller follow (no
//! `sign_in_as_administrator`, a required `display_name` of at most 128 characters). Every
//! exchange is held to the contract of the version played.

mod common;

use common::{TestResult, request_problems, response_problems, sim_of, tenant_admin};
use portsip::model::{
    AdminSignIn, FeatureSync, Ms365SettingsUpdate, NewUser, PbxVersion, Role, SyncType,
    UserSettings, UserUpdate, UsersSync,
};
use portsip::{Error, Secret};
use serde_json::json;
use sim::{Sim, SimConfig};

/// Licences the status tests give the tenant: a number no default produces.
const LICENSED: usize = 40;

/// Nothing the emulator recorded departs from the contract of the version it plays.
fn assert_on_contract(sim: &Sim) -> TestResult {
    let requests = request_problems(sim)?;
    assert!(requests.is_empty(), "requests: {requests:#?}");
    let answers = response_problems(sim)?;
    assert!(answers.is_empty(), "answers: {answers:#?}");
    Ok(())
}

/// A new standard user whose sign-in name, extension and e-mail derive from `n`.
fn new_user(n: u32, display_name: &str) -> NewUser {
    NewUser {
        name: format!("version.test{n}"),
        display_name: display_name.to_owned(),
        password: Secret::new("Version-test-1!"),
        email: format!("version.test{n}@contoso.example"),
        role: Role::StandardUser,
        extension_number: format!("{}", 6100 + n),
        extension_password: Secret::new("Ext-pass-6100"),
        voicemail_pin: Secret::new("610061"),
        settings: UserSettings::default(),
    }
}

#[tokio::test]
async fn the_status_of_a_22_2_pbx_is_read_within_its_contract() -> TestResult {
    tenant_status_is_read(sim::PbxVersion::V22_2, PbxVersion::new(22, 2, 0)).await
}

#[tokio::test]
async fn the_status_of_a_22_6_pbx_is_read_within_its_contract() -> TestResult {
    tenant_status_is_read(sim::PbxVersion::V22_6, PbxVersion::new(22, 6, 0)).await
}

async fn tenant_status_is_read(played: sim::PbxVersion, expected: PbxVersion) -> TestResult {
    let sim = sim::start(SimConfig {
        pbx_version: played,
        pbx_users: 5,
        licensed_users: Some(LICENSED),
        ..SimConfig::default()
    })
    .await?;
    let client = tenant_admin(&sim).await?;
    sim.pbx_recorder.clear();

    let status = client.tenant_status().await?;

    assert_eq!(status.version(), Some(expected), "{status:?}");
    assert_eq!(
        status.version.as_deref(),
        Some(played.capabilities().reported_version),
        "the raw text is kept"
    );
    // Compared the way the product will, against the versions it knows.
    assert!(status.version() >= Some(PbxVersion::new(22, 2, 0)));
    assert_eq!(
        status.version() >= Some(PbxVersion::new(22, 6, 0)),
        played == sim::PbxVersion::V22_6
    );
    let users = sim.pbx.users().len();
    assert_eq!(status.licensed_users, Some(i32::try_from(LICENSED)?));
    assert_eq!(status.current_users, Some(i32::try_from(users)?));
    assert_eq!(
        status.licences_left(),
        Some(u32::try_from(LICENSED - users)?)
    );
    assert_eq!(status.calls_in_24_hours.as_ref().map(Vec::len), Some(24));

    // Every field the PBX sent is kept under its own name.
    let exchanges = sim.pbx_recorder.exchanges();
    let answered = exchanges
        .iter()
        .find(|exchange| exchange.path == "/api/tenant/status")
        .and_then(|exchange| exchange.response_json.clone())
        .ok_or("no recorded GET /tenant/status answer")?;
    assert_eq!(serde_json::to_value(&status)?, answered);

    // The counts follow the tenant: one user more is one licence less.
    client.create_user(&new_user(1, "Version Test")).await?;
    let after = client.tenant_status().await?;
    assert_eq!(after.current_users, Some(i32::try_from(users + 1)?));
    assert_eq!(
        after.licences_left(),
        Some(u32::try_from(LICENSED - users - 1)?)
    );

    assert_on_contract(&sim)
}

#[tokio::test]
async fn the_status_is_for_tenant_administrators_only() -> TestResult {
    let sim = sim_of(sim::PbxVersion::V22_6, 3).await?;
    let client = common::builder_for(&sim).build()?;
    let user = &sim.tenant.standard_user;
    client
        .login(&user.username, &user.password, user.domain.as_deref())
        .await?;

    let result = client.tenant_status().await;

    let Err(error @ Error::Forbidden { .. }) = result else {
        return Err(format!("expected forbidden, got {result:?}").into());
    };
    assert!(error.to_string().contains("GET /tenant/status"), "{error}");
    Ok(())
}

#[tokio::test]
async fn a_version_no_one_can_read_is_kept_raw_and_the_counts_still_arrive() -> TestResult {
    let sim = sim_of(sim::PbxVersion::V22_6, 3).await?;
    let client = tenant_admin(&sim).await?;
    for (sent, raw) in [
        (json!("nightly build"), Some("nightly build")),
        (json!(""), Some("")),
        (json!(22.6), None),
        (json!(null), None),
    ] {
        sim.pbx_faults.inject_next(
            200,
            json!({"version": sent, "licensed_users": 12, "current_users": 9}),
        );

        let status = client.tenant_status().await?;

        assert_eq!(status.version.as_deref(), raw, "{sent}");
        assert_eq!(status.version(), None, "{sent}");
        assert_eq!(status.licences_left(), Some(3), "{sent}");
    }
    Ok(())
}

/// Settings as a 22.6 PBX shows them, changed and sent back: no `sign_in_as_administrator`
/// anywhere, and the PBX takes them.
#[tokio::test]
async fn a_22_6_pbx_takes_integration_settings_without_admin_sign_in() -> TestResult {
    let sim = sim_of(sim::PbxVersion::V22_6, 3).await?;
    let client = tenant_admin(&sim).await?;
    sim.pbx_recorder.clear();

    let shown = client.ms365().await?;
    assert_eq!(shown.settings.sign_in_as_administrator, None, "{shown:?}");
    let mut update = shown.settings.clone();
    update.app.directory_id = Some("0f8fad5b-d9cb-469f-a165-70867728950e".to_owned());
    update.app.application_id = Some("7c9e6679-7425-40de-944b-e07fc1f90ae7".to_owned());
    update.sign_in_as_standard_user = Some(FeatureSync {
        enabled: Some(true),
        selected_users: Some(vec!["ceo@contoso.example".to_owned()]),
        sync_type: Some(SyncType::Exclude),
    });
    client.set_ms365(&update).await?;

    let after = client.ms365().await?;
    let standard = after.settings.sign_in_as_standard_user.unwrap_or_default();
    assert_eq!(standard.enabled, Some(true));
    assert_eq!(standard.sync_type, Some(SyncType::Exclude));
    let exchanges = sim.pbx_recorder.exchanges();
    let sent = exchanges
        .iter()
        .find(|exchange| exchange.method == "POST" && exchange.path == "/api/ms365")
        .and_then(|exchange| exchange.request_json.as_ref())
        .ok_or("no POST /ms365 body was recorded")?;
    assert!(sent.get("sign_in_as_administrator").is_none(), "{sent}");
    assert!(sent.get("sign_in_as_standard_user").is_some(), "{sent}");
    assert_on_contract(&sim)
}

/// A body that still carries `sign_in_as_administrator`: off 22.6's contract, and a 22.6 PBX
/// refuses it with a validation error naming the field; 22.2 takes the same body.
#[tokio::test]
async fn a_22_6_pbx_refuses_admin_sign_in_with_a_validation_error_naming_it() -> TestResult {
    let with_admin_sign_in = Ms365SettingsUpdate {
        sign_in_as_administrator: Some(AdminSignIn {
            enabled: Some(true),
            selected_users: Some(vec!["it@contoso.example".to_owned()]),
        }),
        ..Ms365SettingsUpdate::default()
    };

    let sim = sim_of(sim::PbxVersion::V22_6, 3).await?;
    let client = tenant_admin(&sim).await?;
    sim.pbx_recorder.clear();
    let result = client.set_ms365(&with_admin_sign_in).await;

    let Err(
        ref error @ Error::Validation {
            ref field,
            ref problems,
            ..
        },
    ) = result
    else {
        return Err(format!("expected a validation error, got {result:?}").into());
    };
    assert_eq!(field.as_deref(), Some("sign_in_as_administrator"));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        error.to_string().contains("`sign_in_as_administrator`"),
        "{error}"
    );
    // The contract and the PBX agree: the request is off 22.6's contract, the refusal on it.
    let requests = request_problems(&sim)?;
    assert!(
        requests
            .iter()
            .any(|problem| problem.contains("sign_in_as_administrator")),
        "{requests:?}"
    );
    let answers = response_problems(&sim)?;
    assert!(answers.is_empty(), "{answers:#?}");

    let older = sim_of(sim::PbxVersion::V22_2, 3).await?;
    let older_client = tenant_admin(&older).await?;
    older_client.set_ms365(&with_admin_sign_in).await?;
    let kept = older_client.ms365().await?;
    assert_eq!(
        kept.settings.sign_in_as_administrator,
        with_admin_sign_in.sign_in_as_administrator
    );
    assert_on_contract(&older)
}

/// 22.6 requires `display_name` on every user update, at most 128 characters; the update
/// model carries it, and `User::to_update` fills it in.
#[tokio::test]
async fn a_22_6_pbx_takes_user_updates_that_carry_a_display_name() -> TestResult {
    let sim = sim_of(sim::PbxVersion::V22_6, 3).await?;
    let client = tenant_admin(&sim).await?;
    let created = client.create_user(&new_user(2, "Katherine J")).await?;
    sim.pbx_recorder.clear();

    let mut update = client.user(&created.id).await?.to_update();
    update.display_name = Some("K".repeat(128));
    client.update_user(&created.id, &update).await?;
    let renamed = client.user(&created.id).await?;
    assert_eq!(
        renamed.display_name.as_deref(),
        Some("K".repeat(128).as_str())
    );
    assert_on_contract(&sim)?;

    // Both refusals are the PBX's typed validation errors naming the field.
    let without = UserUpdate {
        email: Some("kj@contoso.example".to_owned()),
        ..UserUpdate::default()
    };
    let too_long = UserUpdate {
        display_name: Some("K".repeat(129)),
        ..update.clone()
    };
    for refused in [without, too_long] {
        let result = client.update_user(&created.id, &refused).await;
        let Err(Error::Validation { field, .. }) = &result else {
            return Err(format!("expected a validation error, got {result:?}").into());
        };
        assert_eq!(field.as_deref(), Some("display_name"), "{result:?}");
    }
    Ok(())
}

/// 22.6 resets its integration with `POST /ms365/destroy`: the settings return to the
/// defaults, the key pair goes, the users stay, and a second reset is accepted and changes
/// nothing. 22.2 has no such endpoint: the client reports the PBX's 404 as `NotFound`.
#[tokio::test]
async fn a_22_6_pbx_resets_its_integration_and_22_2_has_no_reset() -> TestResult {
    let sim = sim_of(sim::PbxVersion::V22_6, 3).await?;
    let client = tenant_admin(&sim).await?;
    let mut update = client.ms365().await?.settings;
    update.app.directory_id = Some("0f8fad5b-d9cb-469f-a165-70867728950e".to_owned());
    update.app.application_id = Some("7c9e6679-7425-40de-944b-e07fc1f90ae7".to_owned());
    update.users = Some(UsersSync {
        enabled: Some(true),
        ..UsersSync::default()
    });
    client.set_ms365(&update).await?;
    client.generate_ms365_certificate().await?;
    let users = sim.pbx.users().len();
    sim.pbx_recorder.clear();

    for _ in 0..2 {
        client.destroy_ms365().await?;
        let after = client.ms365().await?.settings;
        let unset = |id: Option<String>| id.is_none_or(|id| id.is_empty());
        assert!(unset(after.app.application_id.clone()), "{after:?}");
        assert!(unset(after.app.directory_id.clone()), "{after:?}");
        assert_eq!(after.users.and_then(|u| u.enabled), Some(false));
        let certificate = client.ms365_certificate().await;
        assert!(
            matches!(certificate, Err(Error::NotFound { .. })),
            "{certificate:?}"
        );
        assert_eq!(
            sim.pbx.users().len(),
            users,
            "users are the PBX's, not the integration's"
        );
    }
    let exchanges = sim.pbx_recorder.exchanges();
    let resets: Vec<_> = exchanges
        .iter()
        .filter(|exchange| exchange.method == "POST" && exchange.path == "/api/ms365/destroy")
        .collect();
    assert_eq!(resets.len(), 2);
    assert!(resets.iter().all(|reset| reset.request_body.is_empty()));
    assert_on_contract(&sim)?;

    let older = sim_of(sim::PbxVersion::V22_2, 3).await?;
    let refused = tenant_admin(&older).await?.destroy_ms365().await;
    assert!(
        matches!(refused, Err(Error::NotFound { .. })),
        "{refused:?}"
    );
    Ok(())
}
