//! Waiting until Microsoft accepts the PBX's certificate, proven the only way that counts: the
//! PBX itself lists Microsoft 365 users (`GET /ms365/users`), which it can only do by signing
//! in with its key. Right after a key is added Entra refuses it for seconds to minutes while it
//! replicates, so failures are retried with a doubling wait (entra's [`RetryPolicy`]).

use std::time::Duration;

use entra::{Progress, RetryPolicy, replication_wait};

use crate::profile::Mode;
use crate::relayed_failure::{ListingFailure, classify};

/// Microsoft had still not accepted the certificate when the budget ran out, or the PBX itself
/// refused the request (then waiting would not help).
#[derive(Debug, thiserror::Error)]
pub enum AcceptanceError {
    #[error(
        "after {} s the PBX still cannot sign in to Microsoft 365 with its certificate (last \
         answer: {last})",
        waited.as_secs_f64().ceil()
    )]
    NotYet {
        waited: Duration,
        last: portsip::Error,
    },
    #[error("{0}")]
    Pbx(portsip::Error),
}

/// Whether a failed `GET /ms365/users` may succeed later. The PBX relays Microsoft's refusal
/// as a 4xx of its own: in automatic mode only replication lag passes with time; in guided
/// mode the admin may still be uploading, so any relayed refusal may. The PBX refusing us
/// (role, session) will not change by waiting; a PBX error of the moment may.
fn may_pass_later(error: &portsip::Error, mode: Mode) -> bool {
    match (classify(error), mode) {
        (ListingFailure::ReplicationLag | ListingFailure::Passing, _) => true,
        (ListingFailure::Lasting, Mode::Guided) => matches!(
            error,
            portsip::Error::Rejected { .. } | portsip::Error::Validation { .. }
        ),
        (ListingFailure::Lasting, Mode::Auto) => false,
    }
}

/// Polls `GET /ms365/users` until it succeeds and returns how many users the PBX listed.
/// `on_wait` hears about each wait, worded like entra's replication waits.
pub async fn wait_until_pbx_lists_users(
    pbx: &portsip::Client,
    mode: Mode,
    policy: &RetryPolicy,
    what: entra::Replicating,
    on_wait: &(dyn Fn(&Progress) + Send + Sync),
) -> Result<usize, AcceptanceError> {
    let mut waited = Duration::ZERO;
    let mut attempt = 0u32;
    loop {
        let error = match pbx.ms365_users().await {
            Ok(page) => return Ok(page.items.len()),
            Err(error) if may_pass_later(&error, mode) => error,
            Err(error) => return Err(AcceptanceError::Pbx(error)),
        };
        let Some(wait) = replication_wait(policy, waited, attempt) else {
            return Err(AcceptanceError::NotYet {
                waited,
                last: error,
            });
        };
        attempt += 1;
        let report = Progress::WaitingForReplication {
            what,
            attempt,
            wait,
        };
        tracing::info!(%error, "{report}");
        on_wait(&report);
        tokio::time::sleep(wait).await;
        waited += wait;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_double_and_end_at_the_budget() {
        let policy = RetryPolicy {
            replication_base: Duration::from_secs(1),
            replication_cap: Duration::from_secs(4),
            replication_budget: Duration::from_secs(12),
            ..RetryPolicy::default()
        };
        let mut waited = Duration::ZERO;
        let mut waits = Vec::new();
        let mut attempt = 0;
        while let Some(wait) = replication_wait(&policy, waited, attempt) {
            waits.push(wait.as_secs());
            waited += wait;
            attempt += 1;
        }
        assert_eq!(waits, [1, 2, 4, 4, 1]);
    }

    fn relayed(message: &str) -> portsip::Error {
        portsip::Error::Rejected {
            operation: "GET /ms365/users".into(),
            status: 400,
            code: portsip::ErrorCode::Unknown,
            message: Some(message.into()),
        }
    }

    #[test]
    fn replication_lag_is_retried_and_the_pbx_refusing_us_is_not() {
        let lag = relayed("Microsoft 365 refused the PBX's sign-in (HTTP 401): AADSTS700027: …");
        assert!(may_pass_later(&lag, Mode::Auto));
        let consent = relayed("AADSTS65001: consent missing");
        assert!(!may_pass_later(&consent, Mode::Auto));
        assert!(may_pass_later(&consent, Mode::Guided));
        let forbidden = portsip::Error::Forbidden {
            role: None,
            operation: "GET /ms365/users".into(),
            message: None,
        };
        assert!(!may_pass_later(&forbidden, Mode::Guided));
        assert!(!may_pass_later(&portsip::Error::NotSignedIn, Mode::Auto));
    }
}
