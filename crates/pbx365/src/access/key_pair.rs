//! Making the PBX generate a new key pair (`POST /ms365/certificate`) through passing trouble.
//! The request creates something, so the client never resends it once the PBX may have
//! applied it; a reply lost that way is read back instead: a certificate other than the one
//! before is the one the lost attempt made, and only when there is none is it asked again.

use tokio_util::sync::CancellationToken;

use super::Error;
use super::retry::{CallError, RetryPolicy, RetryReason, with_retry};
use crate::pbx_certificate::PbxCertificate;

/// Has the PBX make a new key pair and returns its certificate. `before` is the SHA-1
/// thumbprint of the certificate the PBX had until now, if any.
pub async fn generate_key_pair(
    client: &portsip::Client,
    before: Option<&str>,
    retry: &RetryPolicy,
) -> Result<PbxCertificate, Error> {
    let waiting = |pause, error: &portsip::Error| {
        let cause = Box::new(RetryReason::of_pbx(error));
        crate::progress::tell_wait(pause, &RetryReason::PbxAnswerLost { cause });
    };
    let pem = with_retry(
        retry,
        &CancellationToken::new(),
        &waiting,
        |attempt| async move {
            if attempt > 0
                && let Some(made) = made_since(client, before).await?
            {
                tracing::info!(
                    "an unanswered key-pair request went through; using its certificate"
                );
                return Ok(made);
            }
            client
                .generate_ms365_certificate()
                .await
                .map(|file| file.pem)
        },
    )
    .await
    .map_err(|error| match error {
        CallError::Failed(error) => Error::Pbx(error),
        CallError::Cancelled => Error::PbxGone {
            url: client.base_url().to_string(),
            reason: "the request was cancelled".to_owned(),
        },
    })?;
    Ok(PbxCertificate::from_pem(&pem)?)
}

/// The PBX's certificate if it is not the one it had before (a lost attempt made it).
async fn made_since(
    client: &portsip::Client,
    before: Option<&str>,
) -> Result<Option<Vec<u8>>, portsip::Error> {
    let current = match client.ms365_certificate().await {
        Ok(file) => file.pem,
        Err(portsip::Error::NotFound { .. }) => return Ok(None),
        Err(error) => return Err(error),
    };
    let thumbprint = PbxCertificate::from_pem(&current)
        .ok()
        .map(|c| c.info.sha1_thumbprint);
    Ok(match (thumbprint, before) {
        (Some(now), Some(before)) if now.eq_ignore_ascii_case(before) => None,
        (Some(_), _) => Some(current),
        (None, _) => None,
    })
}
