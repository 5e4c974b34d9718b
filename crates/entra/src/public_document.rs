//! GETs of the identity platform's public documents — a tenant's sign-in settings and its
//! signing keys — read on every sign-in and every resume. They change nothing, so throttling,
//! server errors and failures in transit are retried under the same policy as token requests;
//! one passing 429 must not end a sync, a doctor run or a rotation.

use url::Url;

use crate::error::{EntraError, IdentityError};
use crate::response_body::{BodyKind, read_error_text, read_limited};
use crate::retry::{Patience, Trouble, Waiting, is_transient, should_retry};

/// The document at `url`, at most `kind`'s size; Entra's error body as an identity error.
pub(crate) async fn get(
    http: &reqwest::Client,
    url: &Url,
    kind: BodyKind,
    context: &str,
    waiting: Waiting<'_>,
) -> Result<Vec<u8>, EntraError> {
    let mut patience = Patience::new(waiting, context);
    loop {
        let (failure, trouble) = match http.get(url.clone()).send().await {
            Ok(response) => {
                patience.answered(response.url());
                let status = response.status();
                if status.is_success() {
                    return read_limited(response, kind, context).await;
                }
                let trouble = Trouble::answered(&response);
                let error = EntraError::Identity {
                    context: context.to_owned(),
                    error: Box::new(IdentityError::parse(
                        status.as_u16(),
                        &read_error_text(response).await,
                    )),
                };
                if !should_retry(status, true) {
                    return Err(error);
                }
                (error, trouble)
            }
            Err(source) if is_transient(&source) => {
                let trouble = Trouble::in_transit(&source);
                (patience.in_transit(source), trouble)
            }
            Err(source) => return Err(patience.in_transit(source)),
        };
        if !patience.wait(trouble).await {
            return Err(if trouble.is_throttling() {
                patience.throttled()
            } else {
                failure
            });
        }
    }
}
