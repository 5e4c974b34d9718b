//! After the saved Microsoft sign-in is gone, the sync says to sign in again, and signing in
//! again for the profile (`pbx365 ms signin --profile`) makes the next sync work.

mod engine_common;

use engine_common::{TestResult, world};
use pbx365::Error;
use pbx365::access::sessions::{require_graph, sign_in_again};
use pbx365::progress::StepContext;
use pbx365::secrets::SecretKind;

#[tokio::test]
async fn signing_in_again_for_the_profile_brings_the_sync_source_back() -> TestResult {
    let world = world().await?;
    let ctx = StepContext::silent();
    let mut wizard = engine_common::prepare_auto(&world, "contoso", &ctx).await?;
    wizard.review(&ctx).await?;
    wizard.apply(&ctx).await?;
    let profile = world.env.profiles.require("contoso")?;

    world.forget("contoso", SecretKind::MicrosoftRefreshToken)?;
    let gone = require_graph(&world.env, &profile).await;
    assert!(
        matches!(&gone, Err(Error::MicrosoftSignInNeeded { profile, .. }) if profile == "contoso"),
        "{gone:?}"
    );

    let account = sign_in_again(&world.env, &profile, None).await?;
    assert!(!account.is_empty());
    assert!(
        world.keeps("contoso", SecretKind::MicrosoftRefreshToken)?,
        "the new sign-in was not kept"
    );
    let graph = require_graph(&world.env, &profile).await?;
    assert!(!graph.organization().await?.id.is_empty());
    Ok(())
}

#[tokio::test]
async fn a_guided_profile_has_no_sign_in_to_renew() -> TestResult {
    let world = world().await?;
    let mut profile = pbx365::profile::Profile::new("guided")?;
    profile.microsoft.mode = pbx365::profile::Mode::Guided;
    let refused = sign_in_again(&world.env, &profile, None).await;
    assert!(
        matches!(&refused, Err(Error::Input(field)) if field.message.contains("guided mode")),
        "{refused:?}"
    );
    assert!(
        world.opened.lock().map(|o| o.is_empty()).unwrap_or(false),
        "a browser opened"
    );
    Ok(())
}
