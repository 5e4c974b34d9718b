//! A failure injected at each apply step: the error names the step, the profile's journal
//! records where it stopped, and running the setup again finishes the job — one app, one
//! key, the exact grants, and a doctor that passes.

mod engine_common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use engine_common::{TestResult, World, describe, prepare_auto_in, world};
use pbx365::Error;
use pbx365::profile::ApplyStep;
use pbx365::progress::StepContext;
use pbx365::secrets::{MemorySecretStore, Secret, SecretError, SecretKey, SecretStore};
use serde_json::json;

fn graph_error(code: &str) -> serde_json::Value {
    json!({"error": {"code": code, "message": "Injected by the test."}})
}

fn pbx_error() -> serde_json::Value {
    json!({"errors": [{"code": "UNKNOWN", "message": "Injected by the test."}]})
}

/// Runs the setup with a fault armed, expects it to stop at `step`, then runs it again.
async fn fails_at_then_resumes(
    world: &World,
    env: Arc<pbx365::Environment>,
    step: ApplyStep,
) -> TestResult {
    let ctx = StepContext::silent();
    let mut wizard = prepare_auto_in(env, world, "resume", &ctx).await?;
    wizard.review(&ctx).await?;
    let failed = wizard.apply(&ctx).await;
    let Err(error) = &failed else {
        return Err(format!("apply did not fail at {step:?}").into());
    };
    assert_eq!(error.report().apply_step, Some(step), "{error}");
    assert!(
        error.to_string().contains("continues where it stopped"),
        "{error}"
    );
    let journal = world
        .env
        .profiles
        .require("resume")?
        .apply
        .ok_or("no journal")?;
    assert_eq!(
        journal.failed_step().map(|(s, _)| s),
        Some(step),
        "{journal:?}"
    );
    assert!(journal.finished_at.is_none());
    world.sim.ms_faults.clear();
    world.sim.pbx_faults.clear();
    let key_pair_after_failure = world.sim.pbx.certificate().map(|c| c.sha1_thumbprint);

    let (_, review, applied, report) = engine_common::full_auto(world, "resume").await?;
    assert!(
        !review.nothing_to_change,
        "the failed step left nothing to do"
    );
    assert!(applied.journal.finished_at.is_some());
    assert!(report.passed, "{}", describe(&report));
    let apps = world.sim.ms.applications();
    assert_eq!(apps.len(), 1, "an app was created twice");
    assert_eq!(world.sim.ms.key_credentials(&apps[0].app_id).len(), 1);
    assert_eq!(world.sim.ms.service_principals().len(), 2);
    assert_eq!(
        world.sim.ms.granted_graph_permissions(&apps[0].app_id),
        [
            "Contacts.Read",
            "MailboxSettings.Read",
            "User.ReadBasic.All"
        ]
    );
    // A key pair made before the failure is valid, so the re-run keeps it.
    if let Some(kept) = key_pair_after_failure {
        assert_eq!(
            world.sim.pbx.certificate().map(|c| c.sha1_thumbprint),
            Some(kept),
            "the re-run replaced a valid key pair"
        );
    }
    let profile = world.env.profiles.require("resume")?;
    assert_eq!(
        profile.app.map(|a| a.app_id),
        Some(apps[0].app_id.clone()),
        "the profile lost its app"
    );
    Ok(())
}

#[tokio::test]
async fn resumes_after_the_app_registration_failed() -> TestResult {
    let world = world().await?;
    world.sim.ms_faults.inject_next_matching(
        "POST",
        "/v1.0/applications",
        // A refusal: after a 5xx the app is looked for by its tag and created again if absent.
        400,
        graph_error("Request_BadRequest"),
    );
    fails_at_then_resumes(&world, Arc::clone(&world.env), ApplyStep::AppRegistration).await
}

#[tokio::test]
async fn resumes_after_the_service_principal_failed() -> TestResult {
    let world = world().await?;
    world.sim.ms_faults.inject_next_matching(
        "POST",
        "/v1.0/servicePrincipals",
        // A refusal: after a 5xx the service principal is looked up and created again.
        400,
        graph_error("Request_BadRequest"),
    );
    fails_at_then_resumes(&world, Arc::clone(&world.env), ApplyStep::ServicePrincipal).await
}

#[tokio::test]
async fn resumes_after_the_key_pair_failed() -> TestResult {
    let world = world().await?;
    world
        .sim
        .pbx_faults
        // A refusal: a 5xx is read back and asked again, so it would not stop the apply.
        .inject_next_matching("POST", "/api/ms365/certificate", 400, pbx_error());
    fails_at_then_resumes(&world, Arc::clone(&world.env), ApplyStep::KeyPair).await
}

#[tokio::test]
async fn resumes_after_adding_the_certificate_to_the_app_failed() -> TestResult {
    let world = world().await?;
    world.sim.ms_faults.inject_next_matching(
        "PATCH",
        "/v1.0/applications/*",
        403,
        graph_error("Authorization_RequestDenied"),
    );
    fails_at_then_resumes(&world, Arc::clone(&world.env), ApplyStep::CertificateOnApp).await
}

#[tokio::test]
async fn resumes_after_the_grant_failed() -> TestResult {
    let world = world().await?;
    world.sim.ms_faults.inject_next_matching(
        "POST",
        "/v1.0/servicePrincipals/*/appRoleAssignedTo",
        403,
        graph_error("Authorization_RequestDenied"),
    );
    fails_at_then_resumes(&world, Arc::clone(&world.env), ApplyStep::Consent).await
}

#[tokio::test]
async fn resumes_after_the_pbx_settings_failed() -> TestResult {
    let world = world().await?;
    world
        .sim
        .pbx_faults
        // A refusal, not trouble that passes: the client rides out a 5xx by itself.
        .inject_next_matching("POST", "/api/ms365", 400, pbx_error());
    fails_at_then_resumes(&world, Arc::clone(&world.env), ApplyStep::PbxSettings).await
}

/// A keyring that refuses its first write, as a locked keyring does.
#[derive(Debug)]
struct LockedOnce {
    inner: MemorySecretStore,
    refused: AtomicBool,
}

impl SecretStore for LockedOnce {
    fn get(&self, key: &SecretKey) -> Result<Option<Secret>, SecretError> {
        self.inner.get(key)
    }

    fn set(&self, key: &SecretKey, secret: &Secret) -> Result<(), SecretError> {
        if !self.refused.swap(true, Ordering::SeqCst) {
            return Err(SecretError::Access {
                action: "store",
                what: "secret",
                profile: key.profile.clone(),
                reason: "the keyring is locked".into(),
            });
        }
        self.inner.set(key, secret)
    }

    fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
        self.inner.delete(key)
    }
}

#[tokio::test]
async fn resumes_after_the_keyring_refused() -> TestResult {
    let world = world().await?;
    let env = world.env_with(|env| {
        env.secrets = Arc::new(LockedOnce {
            inner: world.secrets.clone(),
            refused: AtomicBool::new(false),
        });
    });
    fails_at_then_resumes(&world, env, ApplyStep::Secrets).await
}

#[tokio::test]
async fn a_cancelled_apply_is_journaled_and_resumes_without_a_second_app() -> TestResult {
    let world = world().await?;
    // Entra replicates slowly; the admin cancels while the wizard waits for it. The re-run
    // then meets an app that Graph does not show yet, and must wait for it, not make another.
    world
        .sim
        .ms
        .set_replication_delay(std::time::Duration::from_secs(3));
    let silent = StepContext::silent();
    let mut wizard = prepare_auto_in(Arc::clone(&world.env), &world, "resume", &silent).await?;
    wizard.review(&silent).await?;
    let token = pbx365::progress::CancellationToken::new();
    let trigger = token.clone();
    let cancelling = StepContext::new(
        Arc::new(move |event: &pbx365::progress::ProgressEvent| {
            if event.waiting {
                trigger.cancel();
            }
        }),
        token,
    );
    let cancelled = wizard.apply(&cancelling).await;
    let Err(Error::ApplyFailed { step, source }) = &cancelled else {
        return Err(format!("expected a cancelled apply, got {cancelled:?}").into());
    };
    assert!(matches!(**source, Error::Cancelled(_)), "{source}");
    assert_eq!(*step, ApplyStep::ServicePrincipal);
    let journal = world
        .env
        .profiles
        .require("resume")?
        .apply
        .ok_or("no journal")?;
    assert_eq!(
        journal.failed_step().map(|(s, _)| s),
        Some(ApplyStep::ServicePrincipal)
    );
    assert_eq!(world.sim.ms.applications().len(), 1);

    let (_, _, _, report) = engine_common::full_auto(&world, "resume").await?;
    assert!(report.passed, "{}", describe(&report));
    assert_eq!(
        world.sim.ms.applications().len(),
        1,
        "a second app was made"
    );
    Ok(())
}
