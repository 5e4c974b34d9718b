//! The end-to-end proof: the PBX lists Microsoft 365 users through Graph with its own
//! certificate.

use tokio_util::sync::CancellationToken;

use super::super::message::{CheckCode, detail, plain, said};
use super::rerun_setup;
use crate::access::retry::{CallError, RetryPolicy, RetryReason, retry_when};
use crate::doctor::{Check, CheckId};
use crate::profile::Profile;
use crate::relayed_failure::{ListingFailure, classify};

/// The PBX's `GET /ms365/users`, asked again while the failure it relays is Microsoft's
/// passing trouble (throttling, 5xx, unreachable), within the policy's budget: the doctor
/// should not report a moment's hiccup as a broken integration.
async fn listed(
    retry: &RetryPolicy,
    cancel: &CancellationToken,
    client: &portsip::Client,
) -> Result<portsip::model::Page<portsip::model::Ms365User>, CallError> {
    retry_when(
        retry,
        cancel,
        &|error| classify(error) == ListingFailure::Passing,
        &|pause, _| crate::progress::tell_wait(pause, &RetryReason::MicrosoftBusyForPbx),
        |_| client.ms365_users(),
    )
    .await
}

pub(super) async fn lists_users(
    retry: &RetryPolicy,
    cancel: &CancellationToken,
    profile: &Profile,
    client: &portsip::Client,
) -> Check {
    let id = CheckId::PbxListsUsers;
    match listed(retry, cancel, client).await {
        Ok(page) => {
            let count = page
                .count
                .unwrap_or_else(|| i64::try_from(page.items.len()).unwrap_or(i64::MAX));
            Check::pass(
                id,
                said(
                    CheckCode::ListsUsers,
                    [("count", count.to_string())],
                    format!(
                        "The PBX read {count} Microsoft 365 user(s) through Graph with its own certificate: the integration works end to end."
                    ),
                ),
            )
        }
        Err(CallError::Cancelled) => Check::skip(
            id,
            detail("Skipped: the doctor was cancelled before the PBX listed the users.".to_owned()),
            None,
        ),
        Err(CallError::Failed(error)) => {
            let text = error.to_string();
            let fix = if classify(&error) == ListingFailure::Passing {
                plain(
                    CheckCode::FixMicrosoftBusy,
                    "Microsoft was busy or could not be reached for a moment (the PBX relayed it): run the doctor again in a few minutes.",
                )
            } else if text.contains("700027") {
                plain(
                    CheckCode::FixCertificateUnknown,
                    "Microsoft does not know the PBX's certificate: add public_key.pem to the app (run the setup again, or upload it under Certificates & secrets). If you just did, wait a minute: Entra replicates new keys with a delay.",
                )
            } else if text.contains("700016") {
                plain(
                    CheckCode::FixAppUnknown,
                    "Microsoft does not know the app in that directory: check the Application and Directory IDs on the PBX, or wait a minute if the app was just created.",
                )
            } else if text.contains("403")
                || text.contains("Authorization_RequestDenied")
                || text.contains("65001")
            {
                plain(
                    CheckCode::FixConsent,
                    "The app's Graph permissions are not granted: grant admin consent (run the setup again, or use the admin-consent link).",
                )
            } else {
                rerun_setup(profile)
            };
            Check::fail(id, detail(text), fix)
        }
    }
}
