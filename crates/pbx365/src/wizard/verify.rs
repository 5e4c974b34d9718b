//! Step 9: verify. First wait until the PBX itself can list Microsoft 365 users — Entra takes a
//! while to replicate a new app or key, and in guided mode the admin is still working in the
//! portal — then run every doctor check.

use std::time::Duration;

use crate::access::{Environment, Error};
use crate::profile::Mode;
use crate::progress::{ProgressText, StepContext, StepId};
use crate::relayed_failure::{ListingFailure, classify};

/// Polls `GET /ms365/users` until it succeeds, the budget is spent, or the caller cancels.
pub(crate) async fn wait_for_listing(
    env: &Environment,
    client: &portsip::Client,
    mode: Mode,
    ctx: &StepContext,
) -> Result<(), Error> {
    let step = StepId::Verify;
    let budget = env.verify_budget;
    let mut waited = Duration::ZERO;
    let mut wait = env.retry.replication.first;
    loop {
        let error = match client.ms365_users().await {
            Ok(_) => return Ok(()),
            Err(error) => error,
        };
        let retry = match (classify(&error), mode) {
            (ListingFailure::ReplicationLag | ListingFailure::Passing, _) => true,
            // The admin may still be uploading the certificate or granting consent.
            (ListingFailure::Lasting, Mode::Guided) => error.is_rejection(),
            (ListingFailure::Lasting, Mode::Auto) => false,
        };
        if !retry {
            return Ok(());
        }
        if waited >= budget {
            return Err(Error::NotVerified {
                seconds: waited.as_secs(),
                last: crate::access::sentence(&error.to_string()),
                mode,
            });
        }
        let text = match mode {
            Mode::Guided => ProgressText::WaitingForGuidedSteps {
                detail: error.to_string(),
            },
            Mode::Auto => ProgressText::WaitingForReplication,
        };
        ctx.waiting(step, text);
        let this_wait = wait
            .min(budget.saturating_sub(waited))
            .max(Duration::from_millis(10));
        tokio::time::sleep(this_wait).await;
        waited += this_wait;
        wait = (wait * 2).min(env.retry.replication.cap);
    }
}
