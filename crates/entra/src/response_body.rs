//! Reading answers from Microsoft with a ceiling: chunk by chunk, never more than a limit that
//! suits the kind of answer, so an endless or oversized reply costs bounded memory and ends as
//! soon as it passes the limit (the client's request timeout bounds a slow one).

use url::Url;

use crate::error::EntraError;

/// What an answer is expected to be, and how large it may grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    /// The token or device-code endpoint's JSON.
    TokenAnswer,
    /// The OpenID discovery document.
    Discovery,
    /// The tenant's signing keys (JWKS).
    SigningKeys,
    /// One Graph JSON answer, such as a page of 999 users with many fields.
    GraphJson,
}

impl BodyKind {
    pub(crate) fn limit(self) -> u64 {
        match self {
            Self::TokenAnswer | Self::Discovery | Self::SigningKeys => MIB,
            Self::GraphJson => 16 * MIB,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Self::TokenAnswer => "token answer",
            Self::Discovery => "sign-in metadata document",
            Self::SigningKeys => "list of signing keys",
            Self::GraphJson => "Microsoft Graph answer",
        }
    }
}

const MIB: u64 = 1024 * 1024;

/// How much of an error answer is read: enough for any real error body, whose text is then cut
/// much shorter for display anyway.
pub(crate) const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// Reads a whole answer of `kind`, or fails with [`EntraError::ResponseTooLarge`] once it passes
/// the kind's limit (at once when its `Content-Length` already says so).
pub(crate) async fn read_limited(
    mut response: reqwest::Response,
    kind: BodyKind,
    context: &str,
) -> Result<Vec<u8>, EntraError> {
    let limit = kind.limit();
    let too_large = |response: &reqwest::Response| EntraError::ResponseTooLarge {
        context: context.to_owned(),
        what: kind.describe(),
        url: without_query(response.url()),
        limit,
    };
    if response.content_length().is_some_and(|n| n > limit) {
        return Err(too_large(&response));
    }
    let mut body = Vec::new();
    let network = |source| EntraError::Network {
        context: context.to_owned(),
        source,
    };
    while let Some(chunk) = response.chunk().await.map_err(network)? {
        if u64::try_from(body.len().saturating_add(chunk.len())).map_or(true, |n| n > limit) {
            tracing::warn!(
                url = %without_query(response.url()),
                limit,
                "stopped reading an answer that passed its size limit"
            );
            return Err(too_large(&response));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Reads at most [`ERROR_BODY_LIMIT`] bytes of an error answer and drops the rest (closing the
/// connection). The status already says what happened, so a broken or oversized text does not
/// hide it: a read failure keeps what arrived so far.
pub(crate) async fn read_error_text(mut response: reqwest::Response) -> String {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = ERROR_BODY_LIMIT.saturating_sub(body.len());
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if chunk.len() >= room {
                    tracing::debug!(
                        url = %without_query(response.url()),
                        "an error answer was longer than {ERROR_BODY_LIMIT} bytes; the rest was not read"
                    );
                    break;
                }
            }
            Ok(None) => break,
            Err(error) => {
                tracing::debug!(%error, "an error answer broke off while it was read");
                break;
            }
        }
    }
    String::from_utf8_lossy(&body).into_owned()
}

/// Where an answer came from, for error messages: the query may carry parameters nobody needs
/// to read there.
fn without_query(url: &Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::test_server::{Reply, serve};

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    /// Generous: the point is that it ends, not how fast.
    const ENDS_WITHIN: Duration = Duration::from_secs(30);

    async fn get(url: &str) -> reqwest::Result<reqwest::Response> {
        reqwest::Client::new().get(url).send().await
    }

    #[tokio::test]
    async fn an_endless_answer_stops_at_its_limit() -> TestResult {
        let base = serve(|_| Reply::Endless { status: 200 }).await?;
        let started = Instant::now();
        let response = get(&format!("{base}/v1.0/users?$top=999")).await?;
        let outcome = read_limited(response, BodyKind::GraphJson, "list the tenant's users").await;
        assert!(started.elapsed() < ENDS_WITHIN, "{:?}", started.elapsed());
        let Err(error) = outcome else {
            return Err("an endless answer was read to its end".into());
        };
        let EntraError::ResponseTooLarge { limit, url, .. } = &error else {
            return Err(format!("not the size error: {error:?}").into());
        };
        assert_eq!(*limit, 16 * 1024 * 1024);
        assert_eq!(url, &format!("{base}/v1.0/users"));
        let text = error.to_string();
        assert!(text.contains("Microsoft Graph answer"), "{text}");
        assert!(text.contains("16 MiB"), "{text}");
        assert!(text.contains("list the tenant's users"), "{text}");
        Ok(())
    }

    #[tokio::test]
    async fn a_declared_length_over_the_limit_is_refused_unread() -> TestResult {
        let base = serve(|_| Reply::Declared {
            status: 200,
            length: 10 * 1024 * 1024 * 1024,
        })
        .await?;
        let started = Instant::now();
        let outcome = read_limited(get(&base).await?, BodyKind::TokenAnswer, "renew").await;
        assert!(started.elapsed() < ENDS_WITHIN);
        assert!(
            matches!(outcome, Err(EntraError::ResponseTooLarge { limit, .. }) if limit == MIB),
            "{outcome:?}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn an_endless_error_answer_is_cut() -> TestResult {
        let base = serve(|_| Reply::Endless { status: 500 }).await?;
        let started = Instant::now();
        let text = read_error_text(get(&base).await?).await;
        assert!(started.elapsed() < ENDS_WITHIN);
        assert_eq!(text.len(), ERROR_BODY_LIMIT);
        assert!(text.starts_with("{\"value\":[\"xxx"), "{}", &text[..20]);
        Ok(())
    }

    #[tokio::test]
    async fn answers_within_their_limit_are_read_whole() -> TestResult {
        let body = vec![b'7'; 300_000];
        let served = body.clone();
        let base = serve(move |path| Reply::Fixed {
            status: 200,
            body: if path == "/error" {
                b"{\"error\":\"invalid_grant\"}".to_vec()
            } else {
                served.clone()
            },
        })
        .await?;
        let read = read_limited(get(&base).await?, BodyKind::GraphJson, "read").await?;
        assert_eq!(read, body);
        let error = read_error_text(get(&format!("{base}/error")).await?).await;
        assert_eq!(error, "{\"error\":\"invalid_grant\"}");
        Ok(())
    }
}
