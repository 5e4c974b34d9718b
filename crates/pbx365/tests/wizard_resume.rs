//! A returning admin opens a saved profile's wizard at a chosen step: everything before it is
//! resumed from the profile and the keyring without a new interactive Microsoft sign-in, a
//! changed sync time is the only change the review lists, and a lost saved sign-in or a
//! request the resume cannot serve is its own specific error.

mod engine_common;

use engine_common::{TestResult, World, full_auto, world};
use pbx365::Error;
use pbx365::progress::{StepContext, StepId};
use pbx365::secrets::SecretKind;
use pbx365::wizard::{ChangeTarget, Wizard, WizardState};

const PROFILE: &str = "contoso";

/// How many interactive Microsoft sign-ins began at the emulated Microsoft: the sign-in page
/// (authorization code) or a device code. Renewing a saved sign-in is neither.
fn interactive_sign_ins(world: &World) -> usize {
    world
        .sim
        .ms_recorder
        .exchanges()
        .iter()
        .filter(|e| e.path.ends_with("/authorize") || e.path.ends_with("/devicecode"))
        .count()
}

/// A finished automatic setup saved as [`PROFILE`].
async fn saved_setup(world: &World) -> TestResult {
    let (wizard, _review, applied, report) = full_auto(world, PROFILE).await?;
    assert!(applied.changed);
    assert!(report.passed, "{}", engine_common::describe(&report));
    // The first wizard is closed before the returning admin opens the profile again.
    drop(wizard);
    Ok(())
}

/// The message of `outcome`, which must be the input error on `field`.
fn refused_input<'a>(
    outcome: &'a Result<WizardState, Error>,
    field: &str,
) -> Result<&'a str, String> {
    match outcome {
        Err(Error::Input(refused)) if refused.field == field => Ok(&refused.message),
        Err(other) => Err(format!("not an input error on {field}: {other:?}")),
        Ok(state) => Err(format!("not refused: resumed to {:?}", state.completed)),
    }
}

/// Resumes [`PROFILE`] until `until` in a new wizard and expects the sign-in of `step` at
/// `service` to be asked for again.
async fn expect_sign_in_again(
    world: &World,
    until: StepId,
    step: StepId,
    service: &str,
) -> TestResult {
    let before = interactive_sign_ins(world);
    let mut wizard = Wizard::open(std::sync::Arc::clone(&world.env), PROFILE)?;
    let resumed = wizard.resume(until, &StepContext::silent()).await;
    let Err(error) = resumed else {
        return Err(format!("the resume of \"{PROFILE}\" did not ask to sign in again").into());
    };
    assert_eq!(error.code(), "sign-in-again", "{error}");
    match &error {
        Error::SignInAgain {
            profile: named,
            step: named_step,
            service: named_service,
            ..
        } => {
            assert_eq!(named, PROFILE);
            assert_eq!(*named_step, step, "{error}");
            assert_eq!(*named_service, service, "{error}");
        }
        other => return Err(format!("not SignInAgain: {other:?}").into()),
    }
    assert_eq!(
        error.params().get("step").map(String::as_str),
        Some(serde_json::to_value(step)?.as_str().ok_or("step name")?),
        "{error}"
    );
    // The resume itself never opens a sign-in: signing in again is the admin's choice.
    assert_eq!(interactive_sign_ins(world), before);
    let state = wizard.state();
    assert!(
        !state.completed.contains(&step),
        "the step {step} counts as done: {:?}",
        state.completed
    );
    Ok(())
}

#[tokio::test]
async fn resume_change_only_the_sync_time_review_lists_that_and_apply_needs_no_sign_in()
-> TestResult {
    let world = world().await?;
    let before_setup = interactive_sign_ins(&world);
    saved_setup(&world).await?;
    let after_setup = interactive_sign_ins(&world);
    // The counter sees sign-ins: the original setup signed in through the browser.
    assert!(
        after_setup > before_setup,
        "the setup's browser sign-in was not counted ({before_setup} → {after_setup})"
    );
    let opened_after_setup = world.opened.lock().map(|o| o.len()).unwrap_or(0);
    let saved = world.env.profiles.require(PROFILE)?;
    let saved_options = saved
        .sync
        .clone()
        .ok_or("the profile kept no sync options")?;
    assert_eq!(saved_options.sync_time, "30 2 * * *");

    let ctx = StepContext::silent();
    let mut wizard = Wizard::open(std::sync::Arc::clone(&world.env), PROFILE)?;
    let state = wizard.resume(StepId::SyncOptions, &ctx).await?;
    assert!(state.profile_exists);
    assert_eq!(
        state.completed,
        [
            StepId::ConnectPbx,
            StepId::Microsoft,
            StepId::AppRegistration,
            StepId::KeyPair,
            StepId::Consent,
        ]
    );
    assert_eq!(state.next, Some(StepId::SyncOptions));

    let mut options = saved_options.clone();
    options.sync_time = "15 4 * * *".to_owned();
    wizard.set_sync_options(options, &ctx).await?;
    let review = wizard.review(&ctx).await?;
    let lines: Vec<String> = review
        .changes
        .iter()
        .map(pbx365::wizard::Change::text)
        .collect();
    assert_eq!(
        lines,
        ["Sync schedule: 30 2 * * * → 15 4 * * *"],
        "{:?}",
        review.changes
    );
    assert_eq!(review.changes[0].target, ChangeTarget::Pbx);
    assert_eq!(review.changes[0].field.as_deref(), Some("sync_time"));
    assert!(!review.nothing_to_change);

    let applied = wizard.apply(&ctx).await?;
    assert!(applied.changed);
    assert!(applied.journal.finished_at.is_some());
    let settings = world.sim.pbx.ms365_settings();
    assert_eq!(settings["sync_time"], "15 4 * * *");
    assert_eq!(settings["users"]["starting_extension_number"], "5000");
    assert_eq!(
        world
            .env
            .profiles
            .require(PROFILE)?
            .sync
            .map(|s| s.sync_time),
        Some("15 4 * * *".to_owned())
    );
    // One app and one key still: nothing was registered again.
    assert_eq!(world.sim.ms.applications().len(), 1);

    assert_eq!(
        interactive_sign_ins(&world),
        after_setup,
        "resume, review or apply began an interactive Microsoft sign-in"
    );
    assert_eq!(
        world.opened.lock().map(|o| o.len()).unwrap_or(usize::MAX),
        opened_after_setup,
        "a browser was opened"
    );
    Ok(())
}

#[tokio::test]
async fn a_lost_saved_microsoft_sign_in_asks_to_sign_in_again_on_the_microsoft_step() -> TestResult
{
    let world = world().await?;
    saved_setup(&world).await?;
    world.forget(PROFILE, SecretKind::MicrosoftRefreshToken)?;
    expect_sign_in_again(&world, StepId::SyncOptions, StepId::Microsoft, "Microsoft").await
}

#[tokio::test]
async fn a_revoked_saved_microsoft_sign_in_asks_to_sign_in_again_on_the_microsoft_step()
-> TestResult {
    let world = world().await?;
    saved_setup(&world).await?;
    assert!(
        world.keeps(PROFILE, SecretKind::MicrosoftRefreshToken)?,
        "the setup kept no Microsoft sign-in"
    );
    world.sim.ms.revoke_refresh_tokens();
    expect_sign_in_again(&world, StepId::Review, StepId::Microsoft, "Microsoft").await
}

#[tokio::test]
async fn a_lost_saved_pbx_sign_in_asks_to_sign_in_again_on_the_pbx_step() -> TestResult {
    let world = world().await?;
    saved_setup(&world).await?;
    world.forget(PROFILE, SecretKind::PbxRefreshToken)?;
    expect_sign_in_again(&world, StepId::SyncOptions, StepId::ConnectPbx, "PBX").await
}

#[tokio::test]
async fn a_profile_never_saved_has_nothing_to_resume() -> TestResult {
    let world = world().await?;
    let mut wizard = Wizard::open(std::sync::Arc::clone(&world.env), "never-saved")?;
    let refused = wizard
        .resume(StepId::SyncOptions, &StepContext::silent())
        .await;
    let message = refused_input(&refused, "profile")?;
    assert!(
        message.contains("\"never-saved\" is not saved yet"),
        "{message}"
    );
    assert!(wizard.state().completed.is_empty());
    assert!(world.sim.pbx_recorder.exchanges().is_empty());
    assert!(world.files().is_empty(), "{:?}", world.files());
    Ok(())
}

#[tokio::test]
async fn resume_stops_at_the_review_at_the_latest() -> TestResult {
    let world = world().await?;
    saved_setup(&world).await?;
    world.sim.pbx_recorder.clear();
    for until in [StepId::Apply, StepId::Verify] {
        let mut wizard = Wizard::open(std::sync::Arc::clone(&world.env), PROFILE)?;
        let refused = wizard.resume(until, &StepContext::silent()).await;
        let message = refused_input(&refused, "step").map_err(|e| format!("{until}: {e}"))?;
        assert!(
            message.contains(&format!("\"{until}\" comes after")),
            "{message}"
        );
        assert!(
            message.contains(&format!("\"{}\"", StepId::Review)),
            "{message}"
        );
        assert!(wizard.state().completed.is_empty());
    }
    // Refused before anything ran: the PBX was not even contacted.
    assert!(world.sim.pbx_recorder.exchanges().is_empty());

    // The review itself is as far as a resume goes, and it gets there.
    let mut wizard = Wizard::open(std::sync::Arc::clone(&world.env), PROFILE)?;
    let state = wizard
        .resume(StepId::Review, &StepContext::silent())
        .await?;
    assert_eq!(state.next, Some(StepId::Review));
    Ok(())
}
