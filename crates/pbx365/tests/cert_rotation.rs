//! Certificate rotation against the emulators: end to end, a failure injected at each step
//! (the integration keeps working or the error says exactly what to do, and a second run
//! finishes the job), guided mode, and the warning about a sync due soon.

mod cert_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use cert_support::{
    DaysFromNow, PROFILE, Tenant, TestResult, fast_policy, integrated_tenant, integrated_tenant_in,
    recording_sink,
};
use pbx365::certificate::lifecycle::rotation::{
    RotationNext, RotationState, RotationWarning, journal,
};
use pbx365::certificate::lifecycle::{
    CertificateState, Rotation, RotationError, RotationEvent, RotationSink, RotationStep,
    RotationTarget, SystemClock, connect_profile,
};
use pbx365::private_fs::Folder;
use pbx365::profile::{CloudChoice, Mode};
use serde_json::json;

fn rotation<'a>(
    tenant: &'a Tenant,
    target: RotationTarget<'a>,
    budget: Duration,
    events: RotationSink,
) -> Rotation<'a> {
    Rotation {
        profile: PROFILE,
        pbx: &tenant.pbx,
        target,
        journal_path: tenant.journal_path(),
        certificate_path: tenant.certificate_path(),
        certificate_folder: Folder::own(tenant.dir.path()),
        clock: &SystemClock,
        wait: fast_policy(budget),
        events,
    }
}

fn graph(tenant: &Tenant) -> RotationTarget<'_> {
    RotationTarget::Graph {
        graph: &tenant.graph,
        object_id: &tenant.object_id,
    }
}

/// Runs `fault` once, on the first event of `step`: the requests that step makes next fail.
fn inject_at(step: RotationStep, fault: impl Fn() + Send + Sync + 'static) -> RotationSink {
    let armed = AtomicBool::new(true);
    recording_sink(move |event: &RotationEvent| {
        if event.step == step && armed.swap(false, Ordering::SeqCst) {
            fault();
        }
    })
    .0
}

fn graph_refusal() -> serde_json::Value {
    json!({"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges to complete the operation."}})
}

async fn pbx_lists_users(tenant: &Tenant) -> bool {
    tenant
        .pbx
        .ms365_users()
        .await
        .is_ok_and(|page| !page.items.is_empty())
}

#[tokio::test]
async fn rotation_end_to_end_keeps_other_keys_and_removes_the_old_one() -> TestResult {
    rotation_end_to_end_in(sim::ms::National::Global).await
}

/// The same with the emulator playing 21Vianet's cloud: the PBX (national_cloud CHINA) lists
/// users with a token for the China Graph, which the emulator issues only for that resource.
#[tokio::test]
async fn rotation_end_to_end_in_the_china_cloud() -> TestResult {
    rotation_end_to_end_in(sim::ms::National::China).await
}

async fn rotation_end_to_end_in(national: sim::ms::National) -> TestResult {
    let tenant = integrated_tenant_in(national).await?;
    // Entra takes a moment to accept a new key: the rotation must wait it out.
    tenant
        .sim
        .ms
        .set_replication_delay(Duration::from_millis(600));
    let (sink, events) = recording_sink(|_| {});
    let rotation = rotation(&tenant, graph(&tenant), Duration::from_secs(10), sink);

    let plan = rotation.plan().await?;
    assert_eq!(plan.steps.len(), 4);
    assert!(plan.steps.iter().all(|s| !s.done));
    assert!(plan.resumes.is_none());
    assert!(
        plan.warnings.contains(&RotationWarning::SyncInterrupted),
        "{:?}",
        plan.warnings
    );

    let report = rotation.run().await?;
    let new = report.new_certificate.sha1_thumbprint.clone();
    assert_ne!(new, tenant.first_thumbprint);
    assert_eq!(tenant.pbx_thumbprint().as_deref(), Some(new.as_str()));
    assert_eq!(
        report.old_thumbprint.as_ref(),
        Some(&tenant.first_thumbprint)
    );
    assert_eq!(
        report.removed,
        std::slice::from_ref(&tenant.first_thumbprint)
    );
    assert!(report.users_listed > 0);
    let mut on_app = tenant.app_thumbprints();
    on_app.sort();
    let mut expected = vec![new.clone(), tenant.other_thumbprint.clone()];
    expected.sort();
    assert_eq!(
        on_app, expected,
        "the new key in, the old out, the other kept"
    );
    assert!(pbx_lists_users(&tenant).await);
    assert!(std::fs::read_to_string(tenant.certificate_path())?.contains("BEGIN CERTIFICATE"));

    let events = events.lock().map(|e| e.clone()).unwrap_or_default();
    assert!(
        events
            .iter()
            .any(|e| e.step == RotationStep::GenerateKeyPair
                && e.message.contains("Microsoft 365 sync is interrupted")),
        "the interruption is announced"
    );
    assert!(
        events.iter().any(|e| e.waiting),
        "the replication wait is reported"
    );
    let journal = journal::load(&tenant.journal_path())?.ok_or("no journal")?;
    assert!(journal.finished_at.is_some());
    assert_eq!(journal.completed, RotationStep::ALL);

    let status = pbx365::certificate::lifecycle::status::check(
        PROFILE,
        &tenant.pbx,
        pbx365::certificate::lifecycle::AppSource::Graph {
            graph: &tenant.graph,
            object_id: &tenant.object_id,
        },
        &DaysFromNow(0),
    )
    .await;
    assert!(matches!(status.state, CertificateState::Healthy { .. }));
    Ok(())
}

/// After a stop the app still holds the old certificate and the error names the step.
fn assert_stopped(
    error: &RotationError,
    step: RotationStep,
    tenant: &Tenant,
) -> Result<(), String> {
    let text = error.to_string();
    if error.step != step {
        return Err(format!("stopped at {:?}, not {step:?}: {text}", error.step));
    }
    if !text.contains(&format!("stopped at step {} of 4", step.number()))
        || !text.to_lowercase().contains("run the rotation again")
    {
        return Err(format!(
            "the error does not say where and how to go on: {text}"
        ));
    }
    if !tenant.app_thumbprints().contains(&tenant.first_thumbprint) {
        return Err("the old certificate left the app".into());
    }
    let journal = journal::load(&tenant.journal_path())
        .map_err(|e| e.to_string())?
        .ok_or("no journal")?;
    if journal.last_stop.as_ref().map(|s| s.step) != Some(step) {
        return Err(format!("the journal does not record the stop: {journal:?}"));
    }
    // The next plan's resume note is worded from the cause's code, not the English.
    if journal.last_stop.as_ref().and_then(|s| s.cause.as_ref()) != Some(&error.cause) {
        return Err(format!("the journal does not keep the cause: {journal:?}"));
    }
    Ok(())
}

#[tokio::test]
async fn a_failure_at_step_1_changes_nothing_and_a_rerun_completes() -> TestResult {
    let tenant = integrated_tenant().await?;
    let faults = Arc::clone(&tenant.sim.pbx_faults);
    let sink = inject_at(RotationStep::GenerateKeyPair, move || {
        // A refusal: a 5xx would be read back and asked again.
        faults.inject_next(
            400,
            json!({"errors": [{"code": "VALIDATE_FAILED", "message": "key generation failed"}]}),
        );
    });
    let error = rotation(&tenant, graph(&tenant), Duration::from_secs(5), sink)
        .run()
        .await
        .err()
        .ok_or("the rotation passed despite the fault")?;
    assert_stopped(&error, RotationStep::GenerateKeyPair, &tenant)?;
    assert!(error.sync_works);
    assert_eq!(error.state, RotationState::NothingChanged, "{error}");
    assert_eq!(
        tenant.pbx_thumbprint(),
        Some(tenant.first_thumbprint.clone())
    );
    assert!(
        pbx_lists_users(&tenant).await,
        "the integration still works"
    );

    let (sink, _) = recording_sink(|_| {});
    let report = rotation(&tenant, graph(&tenant), Duration::from_secs(5), sink)
        .run()
        .await?;
    assert_eq!(
        report.removed,
        std::slice::from_ref(&tenant.first_thumbprint)
    );
    assert!(pbx_lists_users(&tenant).await);
    Ok(())
}

#[tokio::test]
async fn a_failure_at_step_2_says_how_to_restore_sync_and_a_rerun_completes() -> TestResult {
    let tenant = integrated_tenant().await?;
    let faults = Arc::clone(&tenant.sim.ms_faults);
    let sink = inject_at(RotationStep::AddNewCertificate, move || {
        faults.inject_next(403, graph_refusal());
    });
    let error = rotation(&tenant, graph(&tenant), Duration::from_secs(5), sink)
        .run()
        .await
        .err()
        .ok_or("the rotation passed despite the fault")?;
    assert_stopped(&error, RotationStep::AddNewCertificate, &tenant)?;
    // The PBX already signs with the new key: sync is down, and the error says so and what
    // to do, naming the saved certificate for a manual upload.
    assert!(!error.sync_works);
    assert_eq!(error.state, RotationState::SyncInterrupted, "{error}");
    let file = tenant.certificate_path();
    assert!(
        matches!(&*error.next, RotationNext::RunAgainOrUpload { file: named, .. } if *named == file.display().to_string()),
        "{error}"
    );
    let saved = std::fs::read_to_string(&file)?;
    let new = tenant
        .pbx_thumbprint()
        .ok_or("the PBX has no certificate")?;
    assert_ne!(new, tenant.first_thumbprint);
    assert_eq!(
        entra::CertificateKey::from_pem(&saved)?
            .thumbprint()
            .to_string(),
        new,
        "the saved file is the PBX's new certificate"
    );
    assert!(!tenant.app_thumbprints().contains(&new));
    assert!(!pbx_lists_users(&tenant).await);

    let (sink, events) = recording_sink(|_| {});
    let second = rotation(&tenant, graph(&tenant), Duration::from_secs(5), sink);
    let plan = second.plan().await?;
    assert_eq!(
        plan.resumes.map(|s| s.step),
        Some(RotationStep::AddNewCertificate)
    );
    assert!(plan.steps[0].done && !plan.steps[1].done);
    let report = second.run().await?;
    assert_eq!(
        report.new_certificate.sha1_thumbprint, new,
        "the re-run finishes with the same key pair"
    );
    assert!(pbx_lists_users(&tenant).await);
    assert!(!tenant.app_thumbprints().contains(&tenant.first_thumbprint));
    let events = events.lock().map(|e| e.clone()).unwrap_or_default();
    assert!(
        events
            .first()
            .is_some_and(|e| e.message.starts_with("Resuming"))
    );
    assert!(
        !events
            .iter()
            .any(|e| e.message.contains("making a new key pair")),
        "the re-run made another key pair"
    );
    Ok(())
}

#[tokio::test]
async fn a_key_pair_made_while_stopped_is_the_one_rotated_to() -> TestResult {
    let tenant = integrated_tenant().await?;
    let faults = Arc::clone(&tenant.sim.ms_faults);
    let sink = inject_at(RotationStep::AddNewCertificate, move || {
        faults.inject_next(403, graph_refusal());
    });
    let stopped = rotation(&tenant, graph(&tenant), Duration::from_secs(5), sink)
        .run()
        .await;
    assert!(stopped.is_err());
    let abandoned = tenant
        .pbx_thumbprint()
        .ok_or("the PBX has no certificate")?;
    // Someone makes yet another key pair on the PBX before the rotation is run again.
    tenant.pbx.generate_ms365_certificate().await?;
    let latest = tenant
        .pbx_thumbprint()
        .ok_or("the PBX has no certificate")?;
    assert_ne!(latest, abandoned);

    let (sink, _) = recording_sink(|_| {});
    let report = rotation(&tenant, graph(&tenant), Duration::from_secs(5), sink)
        .run()
        .await?;
    assert_eq!(report.new_certificate.sha1_thumbprint, latest);
    let on_app = tenant.app_thumbprints();
    assert!(on_app.contains(&latest));
    assert!(!on_app.contains(&abandoned) && !on_app.contains(&tenant.first_thumbprint));
    let journal = journal::load(&tenant.journal_path())?.ok_or("no journal")?;
    assert_eq!(journal.superseded, [abandoned]);
    assert!(pbx_lists_users(&tenant).await);
    Ok(())
}

#[tokio::test]
async fn a_failure_at_step_3_waits_for_replication_on_the_rerun() -> TestResult {
    let tenant = integrated_tenant().await?;
    tenant
        .sim
        .ms
        .set_replication_delay(Duration::from_millis(2500));
    let (sink, _) = recording_sink(|_| {});
    let error = rotation(&tenant, graph(&tenant), Duration::from_millis(300), sink)
        .run()
        .await
        .err()
        .ok_or("the rotation passed before Entra replicated the key")?;
    assert_stopped(&error, RotationStep::WaitForMicrosoft, &tenant)?;
    assert_eq!(error.state, RotationState::NotAcceptedYet, "{error}");
    assert!(
        matches!(*error.next, RotationNext::WaitThenRunAgain { .. }),
        "{error}"
    );
    let new = tenant
        .pbx_thumbprint()
        .ok_or("the PBX has no certificate")?;
    assert!(tenant.app_thumbprints().contains(&new));

    let (sink, _) = recording_sink(|_| {});
    let report = rotation(&tenant, graph(&tenant), Duration::from_secs(15), sink)
        .run()
        .await?;
    assert_eq!(report.new_certificate.sha1_thumbprint, new);
    assert!(pbx_lists_users(&tenant).await);
    assert!(!tenant.app_thumbprints().contains(&tenant.first_thumbprint));
    Ok(())
}

#[tokio::test]
async fn a_failure_at_step_4_leaves_sync_working_and_a_rerun_removes_the_old_key() -> TestResult {
    let tenant = integrated_tenant().await?;
    let faults = Arc::clone(&tenant.sim.ms_faults);
    let sink = inject_at(RotationStep::RemoveOldCertificate, move || {
        faults.inject_next(403, graph_refusal());
    });
    let error = rotation(&tenant, graph(&tenant), Duration::from_secs(5), sink)
        .run()
        .await
        .err()
        .ok_or("the rotation passed despite the fault")?;
    assert_stopped(&error, RotationStep::RemoveOldCertificate, &tenant)?;
    assert!(error.sync_works);
    assert!(
        error.to_string().contains(&tenant.first_thumbprint),
        "{error}"
    );
    assert!(
        pbx_lists_users(&tenant).await,
        "sync works with the new key"
    );

    let (sink, _) = recording_sink(|_| {});
    let report = rotation(&tenant, graph(&tenant), Duration::from_secs(5), sink)
        .run()
        .await?;
    assert_eq!(
        report.removed,
        std::slice::from_ref(&tenant.first_thumbprint)
    );
    assert!(report.users_listed > 0);
    assert!(!tenant.app_thumbprints().contains(&tenant.first_thumbprint));
    assert!(pbx_lists_users(&tenant).await);
    Ok(())
}

#[tokio::test]
async fn guided_rotation_waits_for_the_upload_and_verifies_through_the_pbx() -> TestResult {
    let tenant = integrated_tenant().await?;
    let cloud = CloudChoice::Global;
    let by_hand = RotationTarget::ByHand {
        cloud: &cloud,
        app_id: &tenant.app_id,
    };

    // Nobody uploads: the rotation stops, naming the file to upload.
    let (sink, events) = recording_sink(|_| {});
    let error = rotation(&tenant, by_hand, Duration::from_millis(300), sink)
        .run()
        .await
        .err()
        .ok_or("verified without an upload")?;
    assert_stopped(&error, RotationStep::AddNewCertificate, &tenant)?;
    let file = tenant.certificate_path();
    assert!(
        error
            .to_string()
            .contains(&format!("Upload {}", file.display())),
        "{error}"
    );
    let events = events.lock().map(|e| e.clone()).unwrap_or_default();
    let hand_step = events
        .iter()
        .find_map(|e| e.hand_step.clone())
        .ok_or("no hand step shown")?;
    assert!(
        hand_step
            .link
            .is_some_and(|l| l.url.contains(&tenant.app_id))
    );

    // The admin uploads public_key.pem (here through Graph, as the portal would).
    let saved = entra::CertificateKey::from_pem(&std::fs::read_to_string(&file)?)?;
    tenant
        .graph
        .add_certificate(&tenant.object_id, &saved, "uploaded by hand")
        .await?;

    let (sink, _) = recording_sink(|_| {});
    let report = rotation(&tenant, by_hand, Duration::from_secs(5), sink)
        .run()
        .await?;
    assert_eq!(
        report.new_certificate.sha1_thumbprint,
        saved.thumbprint().to_string()
    );
    assert!(report.users_listed > 0);
    assert!(
        report.removed.is_empty(),
        "guided mode removes nothing itself"
    );
    let remove = report
        .remove_by_hand
        .ok_or("no hand step to remove the old key")?;
    assert!(
        remove
            .copy
            .iter()
            .any(|c| c.value == tenant.first_thumbprint)
    );
    assert!(pbx_lists_users(&tenant).await);
    Ok(())
}

#[tokio::test]
async fn a_sync_due_soon_is_warned_about() -> TestResult {
    let tenant = integrated_tenant().await?;
    let soon = time::OffsetDateTime::now_utc() + time::Duration::minutes(5);
    tenant
        .pbx
        .set_ms365(&portsip::model::Ms365SettingsUpdate {
            sync_time: Some(format!("{} {} * * *", soon.minute(), soon.hour())),
            ..portsip::model::Ms365SettingsUpdate::default()
        })
        .await?;
    let (sink, _) = recording_sink(|_| {});
    let plan = rotation(&tenant, graph(&tenant), Duration::from_secs(5), sink)
        .plan()
        .await?;
    assert!(
        plan.warnings
            .iter()
            .any(|w| matches!(w, RotationWarning::SyncSoon { warning } if warning.minutes <= 15)),
        "{:?}",
        plan.warnings
    );
    Ok(())
}

#[tokio::test]
async fn a_saved_profile_rotates_with_its_keyring_sign_ins() -> TestResult {
    let tenant = integrated_tenant().await?;
    let (env, profile) = tenant.saved_profile(Mode::Auto)?;
    let connection = connect_profile(&env, &profile).await?;
    let (sink, _) = recording_sink(|_| {});
    let clock = SystemClock;
    let rotation = connection.rotation(&env, &clock, sink)?;
    assert_eq!(
        rotation.journal_path,
        journal::journal_path(env.profiles.base(), PROFILE)
    );
    let report = rotation.run().await?;
    assert_eq!(
        report.removed,
        std::slice::from_ref(&tenant.first_thumbprint)
    );
    assert!(pbx_lists_users(&tenant).await);
    Ok(())
}

#[tokio::test]
async fn a_second_rotation_while_one_runs_is_refused_and_changes_nothing() -> TestResult {
    use pbx365::run_lock::{Activity, RunLock};

    let tenant = integrated_tenant().await?;
    let folder = tenant
        .journal_path()
        .parent()
        .ok_or("the journal has no folder")?
        .to_owned();
    // Another window or a `pbx365 cert rotate` is rotating this profile right now.
    let held = RunLock::acquire(&folder, Activity::Rotation, PROFILE)?;
    let (sink, _) = recording_sink(|_| {});
    let error = rotation(&tenant, graph(&tenant), Duration::from_secs(5), sink)
        .run()
        .await
        .err()
        .ok_or("a second rotation ran beside the first")?;
    assert!(error.sync_works);
    assert_eq!(error.state, RotationState::AlreadyRunning, "{error}");
    assert_eq!(*error.next, RotationNext::WaitForRunning);
    assert_eq!(
        tenant.pbx_thumbprint(),
        Some(tenant.first_thumbprint.clone()),
        "the refused rotation made a new key pair"
    );
    assert!(
        !tenant.journal_path().exists(),
        "the refused rotation wrote a journal"
    );
    drop(held);
    let (sink, _) = recording_sink(|_| {});
    rotation(&tenant, graph(&tenant), Duration::from_secs(5), sink)
        .run()
        .await?;
    Ok(())
}
