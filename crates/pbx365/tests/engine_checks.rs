//! The express setup's checklist: steps 3–6 in one call (`Wizard::run_checks`) find what the
//! steps one by one find, and a failing check keeps the checks before it.

mod engine_common;

use std::sync::Arc;

use engine_common::{TestResult, all_features, app_input, sync_options, world};
use pbx365::Error;
use pbx365::progress::{StepContext, StepId};
use pbx365::wizard::{ChecksInput, KeyPairInput, Wizard};

#[tokio::test]
async fn the_checklist_finds_what_the_steps_one_by_one_find() -> TestResult {
    let world = world().await?;
    let ctx = StepContext::silent();
    let input = ChecksInput {
        app: app_input(all_features()),
        key_pair: KeyPairInput::default(),
        sync: sync_options(),
    };

    let mut one_by_one = Wizard::open(Arc::clone(&world.env), "one-by-one")?;
    one_by_one.connect_pbx(world.login(), &ctx).await?;
    one_by_one.sign_in_microsoft(world.sign_in(), &ctx).await?;
    one_by_one
        .plan_app_registration(input.app.clone(), &ctx)
        .await?;
    one_by_one
        .plan_key_pair(input.key_pair.clone(), &ctx)
        .await?;
    one_by_one.plan_consent(&ctx).await?;
    one_by_one
        .set_sync_options(input.sync.clone(), &ctx)
        .await?;

    let mut at_once = Wizard::open(Arc::clone(&world.env), "at-once")?;
    at_once.connect_pbx(world.login(), &ctx).await?;
    at_once.sign_in_microsoft(world.sign_in(), &ctx).await?;
    let state = at_once.run_checks(input, &ctx).await?;

    let expected = one_by_one.state();
    assert_eq!(state.next, Some(StepId::Review));
    assert_eq!(state.completed, expected.completed);
    assert_eq!(state.app_registration, expected.app_registration);
    assert_eq!(state.consent, expected.consent);
    assert_eq!(state.sync_options, expected.sync_options);
    let (key, expected_key) = (
        state.key_pair.ok_or("no key pair")?,
        expected.key_pair.ok_or("no key pair")?,
    );
    assert_eq!(
        (key.action, key.reason),
        (expected_key.action, expected_key.reason)
    );
    // The review stands on the checklist as on the steps.
    let review = at_once.review(&ctx).await?;
    assert_eq!(
        review.changes.len(),
        one_by_one.review(&ctx).await?.changes.len()
    );
    Ok(())
}

#[tokio::test]
async fn a_failing_check_keeps_the_checks_before_it_and_says_what_to_do() -> TestResult {
    let world = world().await?;
    let ctx = StepContext::silent();
    // An extension one of the emulated PBX's users already has.
    let extension = engine_common::pbx_users(&world)
        .into_iter()
        .map(|(_, extension, _, _)| extension)
        .find(|extension| !extension.is_empty())
        .ok_or("the emulated PBX has no user with an extension")?;
    let mut sync = sync_options();
    sync.users.starting_extension = Some(extension.clone());
    let mut wizard = Wizard::open(Arc::clone(&world.env), "taken")?;
    wizard.connect_pbx(world.login(), &ctx).await?;
    wizard.sign_in_microsoft(world.sign_in(), &ctx).await?;
    let input = ChecksInput {
        app: app_input(all_features()),
        key_pair: KeyPairInput::default(),
        sync,
    };
    let refused = wizard.run_checks(input, &ctx).await;
    let Err(Error::Input(field)) = refused else {
        return Err(format!("a taken starting extension was not refused: {refused:?}").into());
    };
    assert_eq!(field.field, "starting_extension");
    assert!(field.message.contains(&extension), "{}", field.message);
    let state = wizard.state();
    assert_eq!(state.next, Some(StepId::SyncOptions));
    assert!(
        state.app_registration.is_some() && state.key_pair.is_some() && state.consent.is_some()
    );
    assert!(state.sync_options.is_none());
    Ok(())
}
