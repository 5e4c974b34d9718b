//! Each PortSIP version pbx365 supports, end to end against the emulator playing it: automatic
//! setup, doctor, sync, rotation, a re-run, a guided setup and a reset, with every request and
//! answer held to that version's contract;
//! and a PBX upgraded from 22.2 to 22.6 under a working integration.

mod engine_common;

use std::sync::Arc;

use engine_common::{
    SavedSync, TestResult, World, describe, full_auto, full_auto_with, sync_options,
    sync_options_pbx_extension, world_with,
};
use openapi_contract::Contract;
use pbx365::certificate::lifecycle::{SystemClock, connect_saved};
use pbx365::doctor;
use pbx365::progress::StepContext;
use pbx365::wizard::{SyncOptionsNotice, WizardWarning};
use sim::PbxVersion;

const PROFILE: &str = "contoso";

/// Every way the PBX traffic so far departs from the contract of the version played.
fn contract_problems(world: &World) -> Result<Vec<String>, Box<dyn std::error::Error>> {
    let contract = Contract::for_version(world.sim.pbx.version().contract_version())?;
    let exchanges = world.sim.pbx_recorder.exchanges();
    let mut problems = contract.response_problems(exchanges.iter().map(Into::into));
    for exchange in &exchanges {
        if let Err(error) = contract.validate_request(
            &exchange.method,
            &exchange.path,
            &exchange.query,
            exchange.request_json.as_ref(),
        ) {
            problems.push(error.to_string());
        }
    }
    Ok(problems)
}

/// A sync and a rotation of the saved profile, as unattended runs make them.
async fn sync_and_rotate(world: &World) -> TestResult {
    let env = &world.env;
    let report = SavedSync::open(env, PROFILE).await?.run().await?;
    assert!(report.succeeded(), "{:?}", report.summary);
    assert!(report.summary.outcome.created > 0, "{:?}", report.summary);
    connect_saved(env, PROFILE)
        .await?
        .rotation(env, &SystemClock, Arc::new(|_| {}))?
        .run()
        .await?;
    Ok(())
}

async fn the_whole_life_on(version: PbxVersion) -> TestResult {
    let world = world_with(|config| config.pbx_version = version).await?;
    let (wizard, _, _, verified) = full_auto(&world, PROFILE).await?;
    assert!(verified.passed, "{}", describe(&verified));
    let edition = wizard
        .state()
        .pbx
        .map(|pbx| pbx.edition)
        .ok_or("no PBX step")?;
    assert_eq!(
        edition.version.as_deref(),
        Some(version.capabilities().reported_version)
    );
    assert_eq!(edition.warning, None);
    let report = doctor::run(&world.env, PROFILE, &StepContext::silent()).await?;
    assert!(report.passed, "{}", describe(&report));
    sync_and_rotate(&world).await?;
    // A re-run changes nothing, a guided setup of the same PBX works, and the reset takes the
    // automatic one apart again.
    // The first sync took the starting extension, so the PBX picks the next free one.
    let (_, review, _, _) = full_auto_with(&world, PROFILE, sync_options_pbx_extension()).await?;
    assert!(review.nothing_to_change, "{:?}", review.changes);
    engine_common::guided_setup(&world, "guided").await?;
    let reset = pbx365::reset::run(&world.env, PROFILE, true, Arc::new(|_| {})).await?;
    assert_eq!(reset.profile, PROFILE);
    assert!(world.env.profiles.load(PROFILE)?.is_none());
    let problems = contract_problems(&world)?;
    assert!(problems.is_empty(), "{version:?}: {problems:#?}");
    Ok(())
}

#[tokio::test]
async fn every_step_holds_to_the_22_2_contract() -> TestResult {
    the_whole_life_on(PbxVersion::V22_2).await
}

#[tokio::test]
async fn every_step_holds_to_the_22_6_contract() -> TestResult {
    the_whole_life_on(PbxVersion::V22_6).await
}

#[tokio::test]
async fn a_pbx_upgraded_to_22_6_keeps_working_and_drops_what_22_6_removed() -> TestResult {
    let world = world_with(|config| config.pbx_version = PbxVersion::V22_2).await?;
    let ctx = StepContext::silent();
    let mut options = sync_options();
    options.sso.administrators = vec![world.sim.ms.users()[0].user_principal_name.clone()];
    let mut wizard = engine_common::prepare_auto(&world, PROFILE, &ctx).await?;
    wizard.set_sync_options(options.clone(), &ctx).await?;
    wizard.review(&ctx).await?;
    wizard.apply(&ctx).await?;
    let saved = world.env.profiles.require(PROFILE)?;
    assert_eq!(
        saved.sync.as_ref().map(|s| s.sso.administrators.len()),
        Some(1)
    );

    world.sim.pbx.set_version(PbxVersion::V22_6);
    world.sim.pbx_recorder.clear();
    let report = doctor::run(&world.env, PROFILE, &StepContext::silent()).await?;
    assert!(
        report
            .checks
            .iter()
            .any(|c| c.explanation.contains("PortSIP 22.6.0")),
        "{}",
        describe(&report)
    );

    // A re-run with the saved options: the administrators are dropped with a notice, and no
    // body sent to the 22.6 PBX carries the removed field (22.6 would refuse it).
    let mut rerun = engine_common::prepare_auto(&world, PROFILE, &ctx).await?;
    let checked = rerun.set_sync_options(options, &ctx).await?;
    assert!(checked.options.sso.administrators.is_empty());
    let review = rerun.review(&ctx).await?;
    assert!(
        review.warnings.iter().any(|w| matches!(
            w,
            WizardWarning::SyncOptions {
                notice: SyncOptionsNotice::AdministratorsDropped { .. }
            }
        ) && w.to_string().contains("PortSIP 22.6 removed")),
        "{:?}",
        review.warnings
    );
    rerun.apply(&ctx).await?;
    let sent_removed = world.sim.pbx_recorder.exchanges().iter().any(|e| {
        e.request_json
            .as_ref()
            .is_some_and(|body| body.get("sign_in_as_administrator").is_some())
    });
    assert!(!sent_removed, "sign_in_as_administrator was sent to 22.6");
    let problems = contract_problems(&world)?;
    assert!(problems.is_empty(), "{problems:#?}");
    let saved = world.env.profiles.require(PROFILE)?;
    assert_eq!(
        saved.sync.as_ref().map(|s| s.sso.administrators.len()),
        Some(0)
    );

    // A list given anew on 22.6 is refused in one line, before anything is written.
    let mut fresh = engine_common::prepare_auto(&world, PROFILE, &ctx).await?;
    let mut again = sync_options();
    again.sso.administrators = vec!["someone@contoso.example".to_owned()];
    let refused = fresh.set_sync_options(again, &ctx).await;
    assert!(
        matches!(&refused, Err(pbx365::Error::Input(field)) if field.field == "sso.administrators"),
        "{refused:?}"
    );

    // Sync and rotation go on working on the upgraded PBX, within its contract.
    world.sim.pbx_recorder.clear();
    sync_and_rotate(&world).await?;
    let problems = contract_problems(&world)?;
    assert!(problems.is_empty(), "{problems:#?}");
    Ok(())
}
