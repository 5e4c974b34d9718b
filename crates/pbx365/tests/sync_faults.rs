//! A sync through throttling, server errors and dropped connections on both sides still ends
//! with every user in place exactly once.

mod sync_support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use pbx365::sync::SyncEvent;
use sync_support::{TestResult, World, assert_completed, assert_converged};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_and_failures_on_both_sides_still_converge() -> TestResult {
    let world = World::start().await?;
    let waits = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&waits);
    let engine = world
        .engine()
        .with_progress(Arc::new(move |event: &SyncEvent| {
            if matches!(event, SyncEvent::Waiting { .. }) {
                counted.fetch_add(1, Ordering::SeqCst);
            }
        }));
    let source = world.source();
    let expected = engine.preview(&world.pbx, &source).await?;

    world
        .sim
        .pbx_faults
        .throttle_every(40, Duration::from_secs(1));
    world.sim.pbx_faults.fail_every(9, 503);
    world.sim.pbx_faults.drop_every(17);
    world
        .sim
        .ms_faults
        .throttle_every(3, Duration::from_secs(1));
    world.sim.ms_faults.fail_every(4, 502);

    let report = engine.run(&world.pbx, &source).await?;
    assert_eq!(report.plan, expected, "faults changed the plan");
    assert_completed(&report);
    assert_eq!(report.summary.outcome.failed, 0);
    assert!(
        waits.load(Ordering::SeqCst) > 50,
        "only {} retries: the faults did not bite",
        waits.load(Ordering::SeqCst)
    );

    world.sim.pbx_faults.clear();
    world.sim.ms_faults.clear();
    assert_converged(&world.sim)?;
    let again = engine.preview(&world.pbx, &source).await?;
    assert!(again.actions.is_empty(), "{:?}", again.actions.first());
    Ok(())
}
