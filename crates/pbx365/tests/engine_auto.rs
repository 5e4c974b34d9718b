//! Automatic mode end to end against the emulators: the full setup, then the doctor on its
//! own, the profile searched for secrets, and a re-run that changes nothing.

mod engine_common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use engine_common::{
    TestResult, World, describe, full_auto, prepare_auto, prepare_auto_signing_in, world, world_in,
};
use pbx365::doctor::{self, CheckId, CheckStatus, DoctorReport};
use pbx365::profile::{ApplyStep, Mode, StepOutcome};
use pbx365::progress::{StepContext, StepId};
use pbx365::secrets::{SecretKey, SecretKind, SecretStore};
use pbx365::wizard::{
    AppAction, Change, ChangeCode, ChangeTarget, KeyAction, MicrosoftSignIn, SignInMethod,
};
use sim::ms::National;

fn audit_updates(world: &World) -> usize {
    world
        .sim
        .pbx
        .audit_log()
        .iter()
        .filter(|entry| entry.to_string().contains("MICROSOFT_365_INTEGRATION"))
        .count()
}

/// What a finished automatic setup leaves in the emulators: one app with the PBX's Redirect
/// URIs, the PBX's certificate as its only key, the Graph permissions of every feature granted,
/// and the profile pointing at that app. Returns the app and the PBX's certificate.
fn assert_registered(
    world: &World,
    profile: &str,
) -> Result<(sim::ms::Application, sim::Certificate), Box<dyn std::error::Error>> {
    let apps = world.sim.ms.applications();
    assert_eq!(apps.len(), 1);
    let app = apps[0].clone();
    let identity = world
        .env
        .profiles
        .require(profile)?
        .app
        .ok_or("the profile has no app")?;
    assert_eq!(identity.app_id, app.app_id);
    let mut uris = app.web_redirect_uris.clone();
    uris.sort();
    let mut pbx_uris = vec![
        world.sim.pbx.redirect_uri(),
        world.sim.pbx.sbc_redirect_uri().ok_or("no SBC URI")?,
    ];
    pbx_uris.sort();
    assert_eq!(uris, pbx_uris);
    let certificate = world
        .sim
        .pbx
        .certificate()
        .ok_or("the PBX has no key pair")?;
    let keys = world.sim.ms.key_credentials(&app.app_id);
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].thumbprint_hex(), certificate.sha1_thumbprint);
    assert_eq!(
        world.sim.ms.granted_graph_permissions(&app.app_id),
        [
            "Contacts.Read",
            "MailboxSettings.Read",
            "User.ReadBasic.All"
        ]
    );
    Ok((app, certificate))
}

/// The doctor's listing check passes on any successful answer, so the PBX's own
/// `GET /ms365/users` is compared with the emulated tenant here: every user, each once.
async fn assert_pbx_lists_every_user(world: &World, report: &DoctorReport) -> TestResult {
    let client = world.admin_pbx().await?;
    let page = client.ms365_users().await?;
    let directory = world.sim.ms.users();
    assert_eq!(page.count, Some(i64::try_from(directory.len())?));
    let listed: Vec<&str> = page.items.iter().filter_map(|u| u.id.as_deref()).collect();
    let unique: BTreeSet<&str> = listed.iter().copied().collect();
    assert_eq!(listed.len(), unique.len(), "a user was listed twice");
    let expected: BTreeSet<&str> = directory.iter().map(|u| u.id.as_str()).collect();
    assert_eq!(unique, expected);
    let check = report
        .check(CheckId::PbxListsUsers)
        .ok_or("no listing check")?;
    assert_eq!(check.status, CheckStatus::Pass, "{}", describe(report));
    let read = format!("read {} Microsoft 365 user(s)", directory.len());
    assert!(check.explanation.contains(&read), "{}", check.explanation);
    Ok(())
}

#[tokio::test]
async fn full_automatic_setup_then_doctor_then_a_rerun_that_changes_nothing() -> TestResult {
    full_setup_in(National::Global).await
}

/// The same against the emulator playing 21Vianet's cloud, the client pointed at it as CHINA.
#[tokio::test]
async fn full_automatic_setup_in_the_china_cloud() -> TestResult {
    full_setup_in(National::China).await
}

async fn full_setup_in(national: National) -> TestResult {
    let world = world_in(national).await?;
    let (ctx, events) = engine_common::recording();
    let mut wizard = prepare_auto(&world, "contoso", &ctx).await?;

    let state = wizard.state();
    let app = state.app_registration.clone().ok_or("no app step")?;
    assert_eq!(app.action, AppAction::Create);
    assert_eq!(
        app.permissions,
        [
            "Contacts.Read",
            "MailboxSettings.Read",
            "User.ReadBasic.All"
        ]
    );
    assert_eq!(
        state.key_pair.as_ref().map(|k| k.action),
        Some(KeyAction::Generate)
    );
    let microsoft = state.microsoft.clone().ok_or("no Microsoft step")?;
    assert_eq!(microsoft.can_grant_permissions, Some(true));
    // The sign-in asked for this cloud's Graph (the emulator refuses the other's: 500011).
    let opened = world.opened.lock().map(|o| o.clone()).unwrap_or_default();
    let scope = opened
        .first()
        .and_then(|url| url.query_pairs().find(|(name, _)| name == "scope"))
        .map(|(_, scope)| scope.into_owned())
        .unwrap_or_default();
    assert!(
        scope.contains(&format!("{}/User.Read", national.graph_resource())),
        "{scope}"
    );
    assert_eq!(microsoft.tenant_id, world.sim.ms.tenant_id());

    // Nothing is written before apply: the review only reads.
    let review = wizard.review(&ctx).await?;
    assert!(world.files().is_empty(), "{:?}", world.files());
    assert!(world.sim.ms.applications().is_empty());
    assert!(world.secrets.values().is_empty());
    assert!(world.sim.pbx.certificate().is_none());
    let targets = |target: ChangeTarget| {
        review
            .changes
            .iter()
            .filter(|c| c.target == target)
            .map(pbx365::wizard::Change::text)
            .collect::<Vec<_>>()
    };
    assert!(
        targets(ChangeTarget::Entra)
            .iter()
            .any(|c| c.starts_with("Create the app registration")),
        "{:?}",
        review.changes
    );
    assert!(
        targets(ChangeTarget::Pbx)
            .iter()
            .any(|c| c.contains("Starting extension: (not set) → 5000")),
        "{:?}",
        review.changes
    );
    assert!(!review.nothing_to_change);

    let applied = wizard.apply(&ctx).await?;
    assert!(applied.changed);
    assert!(applied.journal.finished_at.is_some());
    let report = wizard.verify(&ctx).await?;
    assert!(report.passed, "{}", describe(&report));
    assert!(
        report.checks.iter().all(|c| c.status == CheckStatus::Pass),
        "{}",
        describe(&report)
    );
    assert_eq!(report.checks.len(), 9);
    let seen = events.lock().map(|e| e.clone()).unwrap_or_default();
    assert!(
        seen.iter()
            .any(|e| e.message.contains("Create or repair the app registration"))
    );

    let (app, certificate) = assert_registered(&world, "contoso")?;
    assert_pbx_lists_every_user(&world, &report).await?;
    let profile = world.env.profiles.require("contoso")?;
    let settings = world.sim.pbx.ms365_settings();
    assert_eq!(settings["application_id"], app.app_id.as_str());
    assert_eq!(settings["directory_id"], world.sim.ms.tenant_id());
    assert_eq!(settings["sync_time"], "30 2 * * *");
    assert_eq!(settings["national_cloud"], national.name().to_uppercase());
    assert_eq!(settings["users"]["starting_extension_number"], "5000");
    assert_eq!(settings["users"]["sync_type"], "ALL");
    assert_eq!(settings["personal_contacts"]["enabled"], true);
    assert_eq!(profile.microsoft.mode, Mode::Auto);
    assert!(profile.last_verification.as_ref().is_some_and(|v| v.passed));
    // The PBX's CA is kept as its text, so later runs trust the PBX wherever the file went.
    assert_eq!(profile.pbx.ca_pem, world.sim.ca_pem);

    // The profile holds no secret: every keyring value and every emulator password is absent.
    let text = std::fs::read_to_string(world.env.profiles.path_of("contoso")?)?;
    let mut secrets: Vec<String> = world
        .secrets
        .values()
        .iter()
        .map(|s| s.expose().to_owned())
        .collect();
    assert!(secrets.len() >= 2, "the sign-ins were not saved");
    secrets.extend(world.sim_passwords());
    for secret in &secrets {
        assert!(
            !text.contains(secret.as_str()),
            "a secret is in the profile"
        );
    }
    for kind in [
        SecretKind::PbxRefreshToken,
        SecretKind::MicrosoftRefreshToken,
    ] {
        assert!(
            world
                .secrets
                .get(&SecretKey::new("contoso", kind))?
                .is_some(),
            "{kind:?} not saved"
        );
    }
    assert!(
        world
            .secrets
            .get(&SecretKey::new("contoso", SecretKind::PbxPassword))?
            .is_none(),
        "the password was kept although not asked to"
    );

    // The doctor on its own signs in again from the keyring.
    let report = doctor::run(&world.env, "contoso", &StepContext::silent()).await?;
    assert!(report.passed, "{}", describe(&report));
    let role = report
        .check(CheckId::PbxAdminRole)
        .map(|c| c.explanation.clone())
        .unwrap_or_default();
    assert!(
        role.contains("The PBX runs PortSIP 22.6.0, ") && role.contains("licensed users"),
        "{role}"
    );
    // The dashboard shows what the last check found.
    let kept = world
        .env
        .profiles
        .require("contoso")?
        .last_verification
        .and_then(|v| v.edition)
        .ok_or("the verification kept no PortSIP version")?;
    assert_eq!(kept.version.as_deref(), Some("22.6.0"));
    assert!(kept.licensed_users.is_some_and(|n| n > 0));

    // A re-run finds everything in place: no change, nothing created twice.
    let audits = audit_updates(&world);
    let (_, review, applied, report) = full_auto(&world, "contoso").await?;
    assert!(review.nothing_to_change, "{:?}", review.changes);
    assert!(!applied.changed, "{:?}", applied.journal);
    assert!(
        applied
            .journal
            .entries
            .iter()
            .all(|e| matches!(e.outcome, StepOutcome::Done { changed: false }))
    );
    assert!(report.passed, "{}", describe(&report));
    assert_eq!(world.sim.ms.applications().len(), 1);
    assert_eq!(world.sim.ms.key_credentials(&app.app_id).len(), 1);
    assert_eq!(
        world.sim.pbx.certificate().map(|c| c.sha1_thumbprint),
        Some(certificate.sha1_thumbprint)
    );
    assert_eq!(
        world.sim.ms.service_principals().len(),
        2,
        "Graph's and the app's"
    );
    assert_eq!(audit_updates(&world), audits, "the PBX was written again");

    // A later run can start from the sign-ins saved in the keyring, without any password.
    let mut saved = pbx365::wizard::Wizard::open(std::sync::Arc::clone(&world.env), "contoso")?;
    let ctx = StepContext::silent();
    let pbx = saved
        .connect_pbx(
            pbx365::wizard::PbxLogin {
                password: None,
                ..world.login()
            },
            &ctx,
        )
        .await?;
    assert_eq!(pbx.role, "Admin");
    let microsoft = saved
        .sign_in_microsoft(
            pbx365::wizard::MicrosoftSignIn {
                method: pbx365::wizard::SignInMethod::Saved,
                ..world.sign_in()
            },
            &ctx,
        )
        .await?;
    assert_eq!(microsoft.tenant_id, world.sim.ms.tenant_id());
    Ok(())
}

#[tokio::test]
async fn an_app_the_pbx_already_uses_is_adopted_and_its_certificate_kept() -> TestResult {
    let world = world().await?;
    // An admin set things up by hand before: an app with the PBX's certificate, and a PBX
    // pointed at it. The certificate is valid, so it must be kept (a new key pair would
    // break the PBX for whatever else uses the app).
    let ctx = StepContext::silent();
    let client = world.admin_pbx().await?;
    client.generate_ms365_certificate().await?;
    let certificate = world.sim.pbx.certificate().ok_or("no certificate")?;
    let registered = world.sim.ms.register_app(sim::ms::AppSeed {
        display_name: "PBX Server-side".into(),
        web_redirect_uris: vec![world.sim.pbx.redirect_uri()],
        certificates_der: vec![certificate.der.clone()],
        graph_app_roles: vec!["User.Read.All".into(), "Calendars.Read".into()],
    })?;
    client
        .set_ms365(&portsip::model::Ms365SettingsUpdate {
            app: portsip::model::Ms365App {
                national_cloud: Some(portsip::model::NationalCloud::Global),
                directory_id: Some(world.sim.ms.tenant_id().to_owned()),
                application_id: Some(registered.app_id.clone()),
            },
            ..Default::default()
        })
        .await?;

    let mut wizard = prepare_auto(&world, "adopted", &ctx).await?;
    let app = wizard.state().app_registration.ok_or("no app step")?;
    assert_eq!(app.action, AppAction::Repair);
    assert_eq!(app.app_id.as_deref(), Some(registered.app_id.as_str()));
    let param = |change: &Change, name: &str| change.params.get(name).cloned().unwrap_or_default();
    assert!(
        app.changes
            .iter()
            .any(|c| c.code == ChangeCode::AddRedirectUri
                && param(c, "uri").contains("sbc.contoso.example")),
        "{:?}",
        app.changes
    );
    assert!(
        app.changes
            .iter()
            .any(|c| c.code == ChangeCode::StopDeclaringPermission
                && param(c, "permission") == "Calendars.Read"),
        "{:?}",
        app.changes
    );
    let key = wizard.state().key_pair.ok_or("no key step")?;
    assert_eq!(key.action, KeyAction::Reuse);
    assert_eq!(key.on_app, Some(true));
    // The hand-made app holds what the older guides asked for; PortSIP 22.6 needs neither
    // Calendars.Read nor User.Read.All, so the review lists both for removal.
    let review = wizard.review(&ctx).await?;
    for extra in ["Calendars.Read", "User.Read.All"] {
        assert!(
            review
                .changes
                .iter()
                .any(|c| c.target == ChangeTarget::Entra
                    && c.summary
                        .starts_with("Remove the granted Graph application permission")
                    && c.summary.contains(extra)),
            "the extra grant {extra} is not in the review: {:?}",
            review.changes
        );
    }
    wizard.apply(&ctx).await?;
    let report = wizard.verify(&ctx).await?;

    assert_eq!(
        world.sim.ms.applications().len(),
        1,
        "a second app was made"
    );
    assert_eq!(
        world.sim.pbx.certificate().map(|c| c.sha1_thumbprint),
        Some(certificate.sha1_thumbprint.clone()),
        "the working key pair was replaced"
    );
    assert_eq!(world.sim.ms.key_credentials(&registered.app_id).len(), 1);
    // The grants were narrowed to what the features need on 22.6, after the review said so.
    assert_eq!(
        world.sim.ms.granted_graph_permissions(&registered.app_id),
        [
            "Contacts.Read",
            "MailboxSettings.Read",
            "User.ReadBasic.All"
        ]
    );
    for id in [CheckId::PermissionsGranted, CheckId::PermissionsExact] {
        let check = report.check(id).ok_or("no permission check")?;
        assert_eq!(check.status, CheckStatus::Pass, "{}", describe(&report));
        assert_eq!(check.fix, None, "{}", describe(&report));
    }
    assert!(report.passed, "{}", describe(&report));
    assert_eq!(
        report.check(CheckId::PbxListsUsers).map(|c| c.status),
        Some(CheckStatus::Pass)
    );
    let journal = world
        .env
        .profiles
        .require("adopted")?
        .apply
        .ok_or("no journal")?;
    assert!(
        journal
            .entries
            .iter()
            .any(|e| e.step == ApplyStep::KeyPair
                && e.outcome == StepOutcome::Done { changed: false })
    );
    Ok(())
}

#[tokio::test]
async fn device_code_sign_in_drives_the_whole_automatic_setup() -> TestResult {
    let world = world().await?;
    // Entra announces 5 s between polls; one second keeps the test short.
    world
        .sim
        .ms
        .set_device_code_interval(Duration::from_secs(1));
    let (ctx, events) = engine_common::recording();
    let sign_in = MicrosoftSignIn {
        method: SignInMethod::DeviceCode,
        ..world.sign_in()
    };
    let mut wizard =
        prepare_auto_signing_in(Arc::clone(&world.env), &world, "device", sign_in, &ctx).await?;

    // The code was shown to the admin and no browser was involved: the emulator approved the
    // code itself, as the Global Administrator.
    let seen = events.lock().map(|e| e.clone()).unwrap_or_default();
    let prompt = seen
        .iter()
        .find_map(|e| e.device_code.clone())
        .ok_or("no device code was shown")?;
    assert!(!prompt.user_code.is_empty());
    assert!(
        prompt.verification_uri.starts_with(&world.sim.ms_authority),
        "{}",
        prompt.verification_uri
    );
    let opened = world.opened.lock().map(|o| o.len()).unwrap_or_default();
    assert_eq!(opened, 0, "a browser was opened for a device code sign-in");
    let microsoft = wizard.state().microsoft.ok_or("no Microsoft step")?;
    assert_eq!(
        microsoft.account.as_deref(),
        Some(
            world
                .sim
                .ms
                .demo_accounts()
                .global_admin
                .user_principal_name
                .as_str()
        )
    );
    assert_eq!(microsoft.can_grant_permissions, Some(true));

    wizard.review(&ctx).await?;
    let applied = wizard.apply(&ctx).await?;
    assert!(applied.changed);
    assert!(applied.journal.finished_at.is_some());
    let report = wizard.verify(&ctx).await?;
    assert!(report.passed, "{}", describe(&report));
    assert_registered(&world, "device")?;
    assert_pbx_lists_every_user(&world, &report).await?;
    assert!(
        world
            .secrets
            .get(&SecretKey::new("device", SecretKind::MicrosoftRefreshToken))?
            .is_some(),
        "the device code sign-in was not saved"
    );
    Ok(())
}

#[tokio::test]
async fn replication_delay_is_waited_out_by_apply_and_verify() -> TestResult {
    // Short, so the test stays fast, yet longer than the first few replication waits of
    // `fast_retry`, so the apply really has to wait.
    const REPLICATION_DELAY: Duration = Duration::from_secs(2);
    let world = world().await?;
    let (ctx, events) = engine_common::recording();
    let mut wizard = prepare_auto(&world, "lagging", &ctx).await?;
    wizard.review(&ctx).await?;

    world.sim.ms.set_replication_delay(REPLICATION_DELAY);
    let started = Instant::now();
    let applied = wizard.apply(&ctx).await?;
    assert!(
        applied.journal.finished_at.is_some(),
        "{:?}",
        applied.journal
    );
    assert!(
        applied
            .journal
            .entries
            .iter()
            .all(|e| matches!(e.outcome, StepOutcome::Done { .. })),
        "{:?}",
        applied.journal
    );
    let report = wizard.verify(&ctx).await?;
    // The PBX's token needs the new key, which Entra only shows once replicated.
    assert!(started.elapsed() >= REPLICATION_DELAY);
    assert!(!ctx.cancel_token().is_cancelled());
    assert!(report.passed, "{}", describe(&report));
    assert_registered(&world, "lagging")?;
    assert_pbx_lists_every_user(&world, &report).await?;

    let seen = events.lock().map(|e| e.clone()).unwrap_or_default();
    let waits: Vec<&str> = seen
        .iter()
        .filter(|e| e.waiting && e.step == StepId::Apply)
        .map(|e| e.message.as_str())
        .collect();
    assert!(
        waits
            .iter()
            .any(|m| m.starts_with("Waiting for Entra to replicate")),
        "the apply never said it waited: {waits:?}"
    );
    Ok(())
}

/// The Graph contract every world holds its calls to is not blind: the setup's own calls pass,
/// while the same calls with an invented property in what pbx365 sends or in what Graph answers
/// fail, in both clouds; and the world's tap sees a call made outside the wizard too.
#[tokio::test]
async fn an_invented_graph_property_breaks_the_graph_contract_on_either_side() -> TestResult {
    use engine_common::graph_contract_support::as_graph_exchange as as_recorded;
    use graph_contract::{Cloud, Contract, Exchange};

    let world = world().await?;
    let (_, _, _, verified) = full_auto(&world, "contoso").await?;
    assert!(verified.passed, "{}", describe(&verified));
    let recorded = world.sim.ms_recorder.exchanges();
    let find = |method: &str, path: &str| {
        recorded
            .iter()
            .find(|e| e.method == method && e.path == path)
            .ok_or(format!("the setup made no {method} {path}"))
    };
    let created = find("POST", "/v1.0/applications")?;
    let mut sent = created.request_json.clone().ok_or("no application sent")?;
    sent["inventedSetting"] = serde_json::json!(true);
    let organization = find("GET", "/v1.0/organization")?;
    let mut answered = organization
        .response_json
        .clone()
        .ok_or("no organization answered")?;
    answered["value"][0]["verifiedDomains"][0]["inventedFlag"] = serde_json::json!(1);
    for cloud in Cloud::ALL {
        let contract = Contract::of(cloud)?;
        let passed = contract.problems(recorded.iter().map(as_recorded));
        assert!(passed.is_empty(), "{passed:?}");
        let problems = contract.problems([
            Exchange {
                request: Some(&sent),
                ..as_recorded(created)
            },
            Exchange {
                response: Some(&answered),
                ..as_recorded(organization)
            },
        ]);
        assert_eq!(
            problems,
            [
                format!(
                    "POST /v1.0/applications → {} [{cloud}]: request body /inventedSetting: \
                     `inventedSetting` is not a property of microsoft.graph.application",
                    created.status
                ),
                format!(
                    "GET /v1.0/organization?{} → 200 [{cloud}]: response body \
                     /value/0/verifiedDomains/0/inventedFlag: `inventedFlag` is not a property \
                     of microsoft.graph.verifiedDomain",
                    organization.query
                ),
            ]
        );
    }
    // A call made outside the wizard goes through the same tap (and would fail the test when
    // the world is dropped; it is taken here).
    assert!(world.graph_contract.take_problems().is_empty());
    let refused = world
        .http
        .patch(format!("{}/v1.0/applications/1", world.sim.ms_authority))
        .json(&serde_json::json!({"displayName": "x", "inventedSetting": true}))
        .send()
        .await?;
    assert_eq!(refused.status(), 401, "sent without a token");
    let problems = world.graph_contract.take_problems();
    assert_eq!(
        problems,
        Cloud::ALL.map(|cloud| format!(
            "PATCH /v1.0/applications/1 → 401 [{cloud}]: request body /inventedSetting: \
             `inventedSetting` is not a property of microsoft.graph.application"
        ))
    );
    Ok(())
}
