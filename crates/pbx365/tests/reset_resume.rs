//! A reset that fails at each of its steps — the PBX or Graph refusing once (with a status the
//! clients do not retry), or the keyring refusing to delete — says where it stopped, keeps what
//! is done, and finishes when run again without repeating a step that was done; the end state
//! is the same as after an uninterrupted reset.

mod engine_common;
mod reset_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use engine_common::{TestResult, World, pbx_writes};
use pbx365::Environment;
use pbx365::reset::{self, ResetError, ResetStep, journal};
use pbx365::secrets::{MemorySecretStore, Secret, SecretError, SecretKey, SecretStore};
use reset_support::{
    PROFILE, app_thumbprints, assert_nothing_left_here, assert_pbx_integration_stopped,
    graph_writes, set_up, silent, world_of,
};
use serde_json::json;

fn pbx_refusal() -> serde_json::Value {
    json!({"errors": [{"code": "UNKNOWN", "message": "Injected by the test."}]})
}

fn graph_refusal() -> serde_json::Value {
    json!({"error": {"code": "Authorization_RequestDenied", "message": "Injected by the test."}})
}

/// Runs the reset in `env` (a fault armed), expects it to stop at `step`, then runs it again
/// in the world's own environment and checks that it finished.
async fn stops_at_then_finishes(
    world: &World,
    env: &Environment,
    step: ResetStep,
    delete_app: bool,
) -> TestResult {
    let failed = reset::run(env, PROFILE, delete_app, silent()).await;
    let Err(error @ ResetError::Stopped { .. }) = &failed else {
        return Err(format!("the reset did not stop at {step:?}: {failed:?}").into());
    };
    assert_eq!(error.step(), Some(step), "{error}");
    let text = error.to_string();
    assert!(text.contains("continues where it stopped"), "{text}");
    let journal = journal::load(&journal::journal_path(world.env.profiles.base(), PROFILE))?
        .ok_or("no journal after the stop")?;
    assert_eq!(journal.last_stop.as_ref().map(|s| s.step), Some(step));
    let done: Vec<ResetStep> = ResetStep::ALL
        .into_iter()
        .take_while(|s| *s != step)
        .collect();
    assert_eq!(journal.completed, done);

    // The plan says where it picks up, and reads only.
    world.sim.pbx_faults.clear();
    world.sim.ms_faults.clear();
    let plan = reset::plan(&world.env, PROFILE, delete_app).await?;
    assert_eq!(plan.resumes.as_ref().map(|s| s.step), Some(step));
    let marked: Vec<ResetStep> = plan
        .steps
        .iter()
        .filter(|s| s.done)
        .map(|s| s.step)
        .collect();
    assert_eq!(marked, done);

    world.sim.pbx_recorder.clear();
    world.sim.ms_recorder.clear();
    let report = reset::run(&world.env, PROFILE, delete_app, silent()).await?;
    let earlier: Vec<ResetStep> = report
        .steps
        .iter()
        .filter(|s| s.done_earlier)
        .map(|s| s.step)
        .collect();
    assert_eq!(earlier, done, "{report:?}");
    if done.contains(&ResetStep::Pbx) {
        assert!(pbx_writes(world).is_empty(), "the PBX step ran twice");
    }
    if done.contains(&ResetStep::Entra) {
        assert!(graph_writes(world).is_empty(), "the Entra step ran twice");
    }
    assert_pbx_integration_stopped(world);
    assert_nothing_left_here(world)?;
    // And once more: nothing to do.
    assert!(
        reset::run(&world.env, PROFILE, delete_app, silent())
            .await?
            .nothing_to_do
    );
    Ok(())
}

#[tokio::test]
async fn a_refused_destroy_on_22_6_stops_at_the_pbx_and_the_next_run_finishes() -> TestResult {
    let world = world_of(sim::PbxVersion::V22_6).await?;
    let installed = set_up(&world).await?;
    world
        .sim
        .pbx_faults
        .inject_next_matching("POST", "/api/ms365/destroy", 403, pbx_refusal());
    stops_at_then_finishes(&world, &world.env, ResetStep::Pbx, false).await?;
    assert!(!app_thumbprints(&world, &installed.app_id).contains(&installed.pbx_thumbprint));
    Ok(())
}

#[tokio::test]
async fn a_refused_settings_update_on_22_2_stops_at_the_pbx_and_the_next_run_finishes() -> TestResult
{
    let world = world_of(sim::PbxVersion::V22_2).await?;
    set_up(&world).await?;
    world
        .sim
        .pbx_faults
        .inject_next_matching("POST", "/api/ms365", 400, pbx_refusal());
    stops_at_then_finishes(&world, &world.env, ResetStep::Pbx, false).await
}

/// The certificate's removal refused: the PBX is already reset — and on 22.6 its key pair is
/// gone — so the second run can only know the certificate from the journal.
#[tokio::test]
async fn a_refused_certificate_removal_stops_in_entra_and_the_next_run_finishes() -> TestResult {
    let world = world_of(sim::PbxVersion::V22_6).await?;
    let installed = set_up(&world).await?;
    world
        .sim
        .ms_faults
        .inject_next_matching("PATCH", "/v1.0/applications/*", 403, graph_refusal());
    stops_at_then_finishes(&world, &world.env, ResetStep::Entra, false).await?;
    assert!(world.sim.pbx.certificate().is_none());
    let left = app_thumbprints(&world, &installed.app_id);
    assert!(!left.contains(&installed.pbx_thumbprint), "{left:?}");
    assert!(left.contains(&installed.other_thumbprint), "{left:?}");
    Ok(())
}

#[tokio::test]
async fn a_refused_app_deletion_on_22_2_stops_in_entra_and_the_next_run_finishes() -> TestResult {
    let world = world_of(sim::PbxVersion::V22_2).await?;
    let installed = set_up(&world).await?;
    world.sim.ms_faults.inject_next_matching(
        "DELETE",
        "/v1.0/applications/*",
        403,
        graph_refusal(),
    );
    stops_at_then_finishes(&world, &world.env, ResetStep::Entra, true).await?;
    assert!(world.sim.ms.application(&installed.app_id).is_none());
    Ok(())
}

/// A keyring that refuses its first deletion, as a locked keyring does.
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
        self.inner.set(key, secret)
    }

    fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
        if !self.refused.swap(true, Ordering::SeqCst) {
            return Err(SecretError::Access {
                action: "delete",
                what: "PBX password",
                profile: key.profile.clone(),
                reason: "the keyring is locked".to_owned(),
            });
        }
        self.inner.delete(key)
    }
}

#[tokio::test]
async fn a_locked_keyring_stops_on_this_computer_and_the_next_run_finishes() -> TestResult {
    let world = world_of(sim::PbxVersion::V22_6).await?;
    set_up(&world).await?;
    let locked = world.env_with(|env| {
        env.secrets = Arc::new(LockedOnce {
            inner: world.secrets.clone(),
            refused: AtomicBool::new(false),
        });
    });
    stops_at_then_finishes(&world, &locked, ResetStep::ThisComputer, false).await?;
    Ok(())
}

/// A reset run twice over is fine at every point: the second run of a finished reset finds
/// nothing, and a reset whose profile file is already gone (its last step got that far) still
/// finishes from its journal.
#[tokio::test]
async fn a_reset_whose_profile_file_is_gone_finishes_from_its_journal() -> TestResult {
    let world = world_of(sim::PbxVersion::V22_6).await?;
    set_up(&world).await?;
    let locked = world.env_with(|env| {
        env.secrets = Arc::new(LockedOnce {
            inner: world.secrets.clone(),
            refused: AtomicBool::new(false),
        });
    });
    assert!(reset::run(&locked, PROFILE, false, silent()).await.is_err());
    // As if the step had gone on to remove the profile file before the process was killed.
    world.env.profiles.delete(PROFILE)?;
    let report = reset::run(&world.env, PROFILE, false, silent()).await?;
    assert!(!report.nothing_to_do);
    assert_nothing_left_here(&world)?;
    Ok(())
}

/// The reset killed at every point between its changes and its journal: the progress sink
/// unwinds on the `kill_at`-th report, which ends the task there as a kill ends the process
/// (its locks are let go, nothing after it runs). Reports alternate between a step's start
/// (after the previous step was journaled) and its result (before it is journaled). The next
/// run finishes, repeating only the step whose result was not journaled yet.
async fn killed_then_finished(version: sim::PbxVersion) -> TestResult {
    for kill_at in 0..6 {
        let world = world_of(version).await?;
        let installed = set_up(&world).await?;
        let seen = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = Arc::clone(&seen);
        let sink: pbx365::reset::ResetSink = Arc::new(move |event: &pbx365::reset::ResetEvent| {
            if counter.fetch_add(1, Ordering::SeqCst) == kill_at {
                // The kill: the task unwinds from here, running nothing after it. (An unwind
                // rather than panic!: no panic message, and the workspace denies panic!.)
                std::panic::resume_unwind(Box::new(format!(
                    "killed at report {kill_at}: {}",
                    event.message
                )));
            }
        });
        let env = Arc::clone(&world.env);
        let killed =
            tokio::spawn(async move { reset::run(&env, PROFILE, false, sink).await }).await;
        assert!(killed.is_err(), "report {kill_at} did not end the task");

        // Steps before the killed one were journaled; the killed one was not, even when its
        // change was made. After the last result the journal itself is gone: all is done.
        let journaled: Vec<ResetStep> = ResetStep::ALL.into_iter().take(kill_at / 2).collect();
        let journal = journal::load(&journal::journal_path(world.env.profiles.base(), PROFILE))?;
        world.sim.pbx_recorder.clear();
        world.sim.ms_recorder.clear();
        let report = reset::run(&world.env, PROFILE, false, silent()).await?;
        if kill_at == 5 {
            assert!(journal.is_none(), "the journal outlived the reset");
            assert!(report.nothing_to_do, "{report:?}");
        } else {
            let journal = journal.ok_or("no journal after the kill")?;
            assert_eq!(journal.completed, journaled, "killed at report {kill_at}");
            let earlier: Vec<ResetStep> = report
                .steps
                .iter()
                .filter(|s| s.done_earlier)
                .map(|s| s.step)
                .collect();
            assert_eq!(earlier, journaled, "killed at report {kill_at}");
        }
        if journaled.contains(&ResetStep::Pbx) {
            assert!(pbx_writes(&world).is_empty(), "killed at report {kill_at}");
        }
        if journaled.contains(&ResetStep::Entra) {
            assert!(
                graph_writes(&world).is_empty(),
                "killed at report {kill_at}"
            );
        }
        assert_pbx_integration_stopped(&world);
        let left = app_thumbprints(&world, &installed.app_id);
        assert!(
            !left.contains(&installed.pbx_thumbprint),
            "killed at report {kill_at}"
        );
        assert!(
            left.contains(&installed.other_thumbprint),
            "killed at report {kill_at}"
        );
        assert_nothing_left_here(&world)?;
    }
    Ok(())
}

#[tokio::test]
async fn a_22_6_reset_killed_anywhere_is_finished_by_the_next_run() -> TestResult {
    killed_then_finished(sim::PbxVersion::V22_6).await
}

#[tokio::test]
async fn a_22_2_reset_killed_anywhere_is_finished_by_the_next_run() -> TestResult {
    killed_then_finished(sim::PbxVersion::V22_2).await
}
