//! Requests to the token and device-code endpoints and their answers.

use reqwest::StatusCode;
use serde::{Deserialize, Deserializer};
use url::Url;

use crate::error::{EntraError, IdentityError};
use crate::response_body::{BodyKind, read_error_text, read_limited};
use crate::retry::{Patience, Waiting, is_transient, retry_after, should_retry};

/// The token endpoint's answer. Deliberately without `Debug`: it holds tokens in clear.
#[derive(Deserialize)]
pub(crate) struct TokenResponse {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    #[serde(default)]
    pub id_token: Option<String>,
    #[serde(deserialize_with = "seconds")]
    pub expires_in: u64,
}

/// Entra has sent `expires_in` both as a number and as a string.
pub(crate) fn seconds<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Seconds {
        Number(u64),
        Text(String),
    }
    match Seconds::deserialize(deserializer)? {
        Seconds::Number(n) => Ok(n),
        Seconds::Text(text) => text.trim().parse().map_err(serde::de::Error::custom),
    }
}

pub(crate) enum Failure {
    /// Entra answered with an error body.
    Refused(IdentityError),
    Other(EntraError),
}

impl Failure {
    pub fn into_error(self, context: &str) -> EntraError {
        match self {
            Self::Refused(error) => EntraError::Identity {
                context: context.to_owned(),
                error: Box::new(error),
            },
            Self::Other(error) => error,
        }
    }
}

/// POSTs a form and reads a JSON answer of type `T`, or Entra's error body. Throttling (429,
/// 503), other server errors and failures in transit are retried under `waiting`: every request
/// to these endpoints is safe to send twice (a code redeemed twice is refused, never doubled).
pub(crate) async fn post_form<T: for<'de> Deserialize<'de>>(
    http: &reqwest::Client,
    url: &Url,
    form: &[(&str, &str)],
    context: &str,
    waiting: Waiting<'_>,
) -> Result<T, Failure> {
    let network = |source| {
        Failure::Other(EntraError::Network {
            context: context.to_owned(),
            source,
        })
    };
    let mut patience = Patience::new(waiting, context);
    loop {
        let (failure, asked, throttled) = match http.post(url.clone()).form(form).send().await {
            Ok(response) => {
                let status = response.status();
                if status.is_success() {
                    let body = read_limited(response, BodyKind::TokenAnswer, context)
                        .await
                        .map_err(Failure::Other)?;
                    return serde_json::from_slice(&body)
                        .map_err(|e| Failure::Other(EntraError::unexpected(context, e)));
                }
                let asked = retry_after(response.headers());
                let refusal =
                    IdentityError::parse(status.as_u16(), &read_error_text(response).await);
                if !should_retry(status, true) {
                    return Err(Failure::Refused(refusal));
                }
                let throttled = matches!(
                    status,
                    StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE
                );
                (Failure::Refused(refusal), asked, throttled)
            }
            Err(source) if is_transient(&source) => {
                tracing::debug!(error = %source, "a token request failed in transit");
                (network(source), None, false)
            }
            Err(source) => return Err(network(source)),
        };
        if !patience.wait(asked).await {
            return Err(if throttled {
                Failure::Other(patience.throttled())
            } else {
                failure
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expires_in_as_number_or_text() -> Result<(), serde_json::Error> {
        let a: TokenResponse = serde_json::from_str(r#"{"access_token":"a","expires_in":3599}"#)?;
        let b: TokenResponse = serde_json::from_str(r#"{"access_token":"a","expires_in":"3599"}"#)?;
        assert_eq!((a.expires_in, b.expires_in), (3599, 3599));
        assert!(a.refresh_token.is_none());
        Ok(())
    }
}
