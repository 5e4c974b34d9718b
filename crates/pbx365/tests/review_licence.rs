//! The setup's review warns when the users the sync options take in are more than the PBX's
//! licence allows, before anything is applied.

mod engine_common;

use engine_common::{TestResult, prepare_auto, world_with};
use pbx365::progress::StepContext;
use pbx365::wizard::WizardWarning;

async fn review_warnings(
    licensed_users: Option<usize>,
) -> Result<Vec<WizardWarning>, Box<dyn std::error::Error>> {
    let world = world_with(|config| config.licensed_users = licensed_users).await?;
    let ctx = StepContext::silent();
    let mut wizard = prepare_auto(&world, "contoso", &ctx).await?;
    let review = wizard.review(&ctx).await?;
    assert!(
        world.sim.ms.applications().is_empty(),
        "the review wrote to Entra"
    );
    Ok(review.warnings)
}

fn over_licence(warning: &WizardWarning) -> bool {
    matches!(warning, WizardWarning::OverLicence { .. })
}

#[tokio::test]
async fn a_scope_beyond_the_licence_is_named_in_the_review() -> TestResult {
    let short = review_warnings(Some(5)).await?;
    let warning = short
        .iter()
        .find(|w| over_licence(w))
        .ok_or(format!("no licence warning in {short:?}"))?;
    assert!(
        matches!(warning, WizardWarning::OverLicence { licensed: 5, in_scope } if *in_scope > 5),
        "{warning:?}"
    );
    assert!(warning.to_string().contains("(5 users)"), "{warning}");

    let enough = review_warnings(None).await?;
    assert!(!enough.iter().any(over_licence), "{enough:?}");
    Ok(())
}
