//! Guided mode end to end: the wizard has no Graph rights; the test plays the administrator
//! who registered the app by hand, uploads `public_key.pem` and grants admin consent, and the
//! PBX's own listing of Microsoft 365 users proves the result.

mod engine_common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use engine_common::{TestResult, describe, follow, world_in};
use pbx365::Error;
use pbx365::doctor::{CheckId, CheckStatus};
use pbx365::features::Feature;
use pbx365::guided::HandStepText;
use pbx365::progress::StepContext;
use pbx365::secrets::{SecretKey, SecretKind, SecretStore};
use pbx365::wizard::{AppAction, ChangeTarget, GuidedIds, KeyAction, KeyPairInput, Wizard};
use sim::ms::National;

/// The administrator's own Graph session in the emulated tenant.
async fn admin_graph(
    world: &engine_common::World,
) -> Result<entra::GraphClient, Box<dyn std::error::Error>> {
    let options = entra::SignInOptions {
        http: entra::HttpOptions {
            extra_ca_pem: world.sim.ca_pem.clone(),
            ..entra::HttpOptions::default()
        },
        browser_timeout: Duration::from_secs(20),
        ..entra::SignInOptions::default()
    };
    let authenticator = entra::Authenticator::new(world.entra_cloud()?, options).await?;
    let browser = engine_common::FollowRedirects {
        client: world.http.clone(),
        opened: Arc::default(),
    };
    let session = authenticator.sign_in_with_browser(&browser).await?;
    Ok(entra::GraphClient::new(session).with_retry_policy(engine_common::fast_retry().microsoft()))
}

#[tokio::test]
async fn guided_setup_with_the_admin_doing_the_entra_steps_by_hand() -> TestResult {
    guided_setup_in(National::Global, "https://entra.microsoft.com/").await
}

/// The same against the emulator playing 21Vianet's cloud: the links open the China portal,
/// the consent asks for the China Graph resource, and the PBX is set to CHINA.
#[tokio::test]
async fn guided_setup_in_the_china_cloud() -> TestResult {
    guided_setup_in(National::China, "https://portal.azure.cn/").await
}

async fn guided_setup_in(national: National, portal: &str) -> TestResult {
    let world = world_in(national).await?;
    let redirect_uris = vec![
        world.sim.pbx.redirect_uri(),
        world.sim.pbx.sbc_redirect_uri().ok_or("no SBC URI")?,
    ];
    // Registered by hand in the portal: no permissions, no certificate yet.
    let registered = world.sim.ms.register_app(sim::ms::AppSeed {
        display_name: "PBX Server-side".into(),
        web_redirect_uris: redirect_uris.clone(),
        certificates_der: vec![],
        graph_app_roles: vec![],
    })?;
    let pem_path = world.dir.path().join("chosen").join("public_key.pem");
    let env = world.env_with(|env| env.verify_budget = Duration::from_millis(600));
    let ctx = StepContext::silent();
    let mut wizard = Wizard::open(env, "guided")?;
    // This admin asks pbx365 to keep the PBX password (in the keyring, never in the profile).
    let login = pbx365::wizard::PbxLogin {
        remember_password: true,
        ..world.login()
    };
    wizard.connect_pbx(login, &ctx).await?;
    let microsoft = wizard
        .use_guided_ids(
            GuidedIds {
                cloud: world.cloud(),
                tenant_id: world.sim.ms.tenant_id().to_uppercase(),
                app_id: format!(" {} ", registered.app_id),
            },
            &ctx,
        )
        .await?;
    assert_eq!(microsoft.tenant_id, world.sim.ms.tenant_id());
    let features: BTreeSet<Feature> = [Feature::Users, Feature::PersonalContacts].into();
    let app = wizard
        .plan_app_registration(engine_common::app_input(features), &ctx)
        .await?;
    assert_eq!(app.action, AppAction::ByHand);
    let copied: Vec<&str> = app.hand_steps[0]
        .copy
        .iter()
        .map(|c| c.value.as_str())
        .collect();
    assert!(
        copied.contains(&redirect_uris[0].as_str()) && copied.contains(&redirect_uris[1].as_str())
    );
    assert!(
        app.hand_steps[1]
            .link
            .as_ref()
            .is_some_and(|l| l.url.contains("/~/CallAnAPI/appId/"))
    );
    let links: Vec<&str> = app
        .hand_steps
        .iter()
        .filter_map(|step| step.link.as_ref().map(|l| l.url.as_str()))
        .collect();
    assert!(
        !links.is_empty() && links.iter().all(|url| url.starts_with(portal)),
        "{links:?}"
    );
    let key = wizard
        .plan_key_pair(
            KeyPairInput {
                certificate_path: Some(pem_path.clone()),
            },
            &ctx,
        )
        .await?;
    assert_eq!(key.action, KeyAction::Generate);
    let consent = wizard.plan_consent(&ctx).await?;
    let consent_url = consent.admin_consent_url.clone().ok_or("no consent URL")?;
    assert!(consent_url.contains("/v2.0/adminconsent?"), "{consent_url}");
    let consent_scope = url::Url::parse(&consent_url)?
        .query_pairs()
        .find(|(name, _)| name == "scope")
        .map(|(_, value)| value.into_owned());
    assert_eq!(
        consent_scope,
        Some(format!("{}/.default", national.graph_resource()))
    );
    wizard
        .set_sync_options(engine_common::sync_options(), &ctx)
        .await?;
    let review = wizard.review(&ctx).await?;
    assert!(review.changes.iter().any(|c| c.target == ChangeTarget::ThisComputer
        && c.summary.contains("public_key.pem")));
    assert!(
        review
            .hand_steps
            .iter()
            .any(|s| matches!(&s.text, HandStepText::UploadCertificate { path, .. } if path.ends_with("public_key.pem")))
    );
    assert!(world.sim.pbx.certificate().is_none(), "the review wrote");

    let applied = wizard.apply(&ctx).await?;
    let pem = std::fs::read(&pem_path)?;
    let certificate = world
        .sim
        .pbx
        .certificate()
        .ok_or("no key pair on the PBX")?;
    assert_eq!(String::from_utf8(pem.clone())?, certificate.pem);
    assert_eq!(
        applied.certificate_path.as_deref(),
        Some(pem_path.as_path())
    );
    assert_eq!(
        world.sim.pbx.ms365_settings()["application_id"],
        registered.app_id.as_str()
    );
    assert_eq!(
        world.sim.pbx.ms365_settings()["national_cloud"],
        national.name().to_uppercase()
    );
    assert_eq!(
        world.sim.ms.applications().len(),
        1,
        "guided mode created an app"
    );
    assert!(world.sim.ms.key_credentials(&registered.app_id).is_empty());

    // Before the admin's steps, verification says what is missing.
    let early = wizard.verify(&ctx).await;
    let Err(error @ Error::NotVerified { .. }) = early else {
        return Err(format!("verification passed too early: {early:?}").into());
    };
    let report = error.report();
    assert_eq!(
        report.params.get("mode").map(String::as_str),
        Some("guided")
    );
    assert!(
        report.message.contains("upload public_key.pem"),
        "{report:?}"
    );

    // The admin: adds the permission and uploads public_key.pem in the portal…
    let graph = admin_graph(&world).await?;
    let graph_sp = graph.graph_service_principal().await?;
    let roles = entra::resolve_app_role_ids(&graph_sp, &["Contacts.Read", "User.Read.All"])?;
    graph
        .ensure_application(
            &entra::AppRegistration {
                display_name: "PBX Server-side".into(),
                web_redirect_uris: redirect_uris.clone(),
                graph_app_role_ids: roles,
                creator_tag: None,
            },
            Some(&entra::AppLocator::ObjectId(registered.object_id.clone())),
        )
        .await?;
    let key = entra::CertificateKey::from_pem(&String::from_utf8(pem)?)?;
    graph
        .add_certificate(&registered.object_id, &key, "public_key.pem")
        .await?;
    // …and opens the admin-consent link, which returns to the PBX with the verdict.
    let back = follow(&world.http, url::Url::parse(&consent_url)?, 3)
        .await
        .map_err(|e| e.to_string())?
        .ok_or("the consent page did not redirect")?;
    assert!(back.as_str().starts_with(&redirect_uris[0]), "{back}");
    assert!(
        back.query()
            .is_some_and(|q| q.contains("admin_consent=True")),
        "{back}"
    );

    let report = wizard.verify(&ctx).await?;
    assert!(report.passed, "{}", describe(&report));
    for id in [
        CheckId::RedirectUris,
        CheckId::CertificateOnApp,
        CheckId::PermissionsExact,
        CheckId::PermissionsGranted,
    ] {
        let check = report.check(id).ok_or("missing check")?;
        assert_eq!(check.status, CheckStatus::Skip);
        assert!(check.skip_by_design && check.explanation.contains("guided mode"));
    }
    assert_eq!(
        report.check(CheckId::PbxListsUsers).map(|c| c.status),
        Some(CheckStatus::Pass)
    );

    // The doctor on its own agrees, and the profile keeps no secret.
    let report = pbx365::doctor::run(&world.env, "guided", &ctx).await?;
    assert!(report.passed, "{}", describe(&report));
    let text = std::fs::read_to_string(world.env.profiles.path_of("guided")?)?;
    let mut secrets: Vec<String> = world
        .secrets
        .values()
        .iter()
        .map(|s| s.expose().to_owned())
        .collect();
    assert!(!secrets.is_empty());
    secrets.extend(world.sim_passwords());
    for secret in &secrets {
        assert!(
            !text.contains(secret.as_str()),
            "a secret is in the profile"
        );
    }
    assert!(
        world
            .secrets
            .get(&SecretKey::new("guided", SecretKind::MicrosoftRefreshToken))?
            .is_none(),
        "guided mode signed in to Microsoft"
    );
    assert_eq!(
        world
            .secrets
            .get(&SecretKey::new("guided", SecretKind::PbxPassword))?
            .map(|s| s.expose().to_owned()),
        Some(world.sim.tenant.admin.password.clone())
    );
    Ok(())
}
