//! A tenant with more new Microsoft 365 users than its PBX licence allows: the plan leaves the
//! same users out every time, the run creates no user beyond the licence, and a second run
//! changes nothing.

mod sync_support;

use pbx365::sync::{ActionKind, Notice, Reason, RunStatus};
use sync_support::{PBX_USERS, TestResult, World, assert_completed};

/// New users the licence still allows.
const HEADROOM: usize = 150;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn users_beyond_the_licence_are_left_out_and_never_created() -> TestResult {
    let world = World::start_with(|config| {
        config.ms_users = 400;
        config.licensed_users = Some(PBX_USERS + HEADROOM);
    })
    .await?;
    let engine = world.engine();
    let source = world.source();

    let plan = engine.preview(&world.pbx, &source).await?;
    let creates = plan
        .actions
        .iter()
        .filter(|a| a.kind == ActionKind::Create)
        .count();
    assert_eq!(creates, HEADROOM, "{:?}", plan.counts);
    let left_out: Vec<String> = plan
        .skipped
        .iter()
        .filter(|s| s.reason == Reason::NoLicence)
        .map(|s| s.object_id.clone())
        .collect();
    assert!(!left_out.is_empty(), "the licence left nobody out");
    assert_eq!(plan.licences_missing as usize, left_out.len());
    assert!(plan.notices.contains(&Notice::LicenceShort));
    // The dry run is what the run will do: the same users, every time.
    assert_eq!(engine.preview(&world.pbx, &source).await?, plan);

    let report = engine.run(&world.pbx, &source).await?;
    assert_completed(&report);
    assert_eq!(report.summary.outcome.failed, 0);
    let status = world.pbx.tenant_status().await?;
    assert_eq!(status.licences_left(), Some(0));
    let created: Vec<&str> = report
        .users
        .iter()
        .filter(|u| u.action == Some(ActionKind::Create))
        .filter_map(|u| u.object_id.as_deref())
        .collect();
    assert_eq!(created.len(), HEADROOM);
    assert!(left_out.iter().all(|id| !created.contains(&id.as_str())));

    let again = engine.run(&world.pbx, &source).await?;
    assert_eq!(again.summary.status, RunStatus::Completed);
    assert!(
        again.plan.actions.is_empty(),
        "{:?}",
        again.plan.actions.first()
    );
    assert_eq!(again.plan.licences_missing, plan.licences_missing);
    Ok(())
}
