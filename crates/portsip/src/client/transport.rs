//! The request pipeline: URL building, the bearer token, retrying through passing trouble,
//! reading answers within their size limits, tracing, and turning transport failures and
//! refusals into [`Error`]s.

use std::error::Error as StdError;
use std::sync::atomic::Ordering;
use std::time::Instant;

use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, LOCATION};
use serde_json::Value;
use tracing::Instrument;
use url::Url;

use super::body::read_capped;
use super::endpoints::{ERROR_LIMIT, Expected, endpoint};
use super::retry::{Trouble, retry_after};
use super::{Answer, ApiPath, Call, Client};

/// How often one call renews the session's token after a 401. More than once, because a call
/// that waits out throttling with a freshly renewed token can outlive that token too; bounded,
/// because a PBX that turns away every new token must end the call.
const RENEWALS_PER_CALL: u32 = 3;
use crate::error::NetworkFailure;
use crate::rejection::{Exchange, error_from_answer, scrub_secret};
use crate::tls::tls_failure;
use crate::{Error, Secret};

/// An attempt that got no usable answer, and what that means for retrying it.
struct Failure {
    error: Error,
    trouble: Option<Trouble>,
}

/// What a troubled attempt left behind: an answer (429, 5xx) or an error.
enum Troubled {
    Answered(u16, Answer),
    Broke(Error),
}

impl Client {
    /// Sends a call that needs no session: sign-in, refresh, public endpoints.
    pub(super) async fn execute(&self, call: &Call<'_>) -> Result<Answer, Error> {
        let url = self.url_for(call.path, call.query)?;
        async {
            let (status, answer) = self.exchange(call, &url, None).await?;
            self.settle(status, answer, call, &url).await
        }
        .instrument(request_span(call))
        .await
    }

    /// Sends a call with the session's bearer token, renewing the token after each 401, up to
    /// [`RENEWALS_PER_CALL`] times.
    pub(super) async fn execute_signed_in(&self, call: &Call<'_>) -> Result<Answer, Error> {
        let url = self.url_for(call.path, call.query)?;
        async {
            let mut token = self.access_token().await?;
            let mut renewals = 0;
            loop {
                let (status, answer) = self.exchange(call, &url, Some(&token)).await?;
                if status != 401 || renewals == RENEWALS_PER_CALL {
                    return self.settle(status, answer, call, &url).await;
                }
                renewals += 1;
                token = self.renew_after_rejection(&token).await?;
            }
        }
        .instrument(request_span(call))
        .await
    }

    /// Sends a call, and again after each pause the retry policy allows for passing trouble
    /// (see [`RetryPolicy`](crate::RetryPolicy)). Answers the last answer, or the last
    /// transport failure.
    async fn exchange(
        &self,
        call: &Call<'_>,
        url: &Url,
        token: Option<&Secret>,
    ) -> Result<(u16, Answer), Error> {
        let body = call.body.as_ref().map(Value::to_string);
        let (replay, expected) = endpoint(&call.method, call.path);
        let policy = self.inner.retry;
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            let sent = self
                .send_once(call, url, body.as_deref(), token, expected)
                .await;
            let (trouble, troubled) = match sent {
                Ok((status, answer)) => match Trouble::of_status(status, &answer.headers) {
                    Some(trouble) => (trouble, Troubled::Answered(status, answer)),
                    None => return Ok((status, answer)),
                },
                Err(Failure {
                    error,
                    trouble: Some(trouble),
                }) => (trouble, Troubled::Broke(error)),
                Err(Failure {
                    error,
                    trouble: None,
                }) => return Err(error),
            };
            let Some(pause) = policy.pause(replay, trouble, attempt, started.elapsed()) else {
                tracing::debug!(%trouble, attempts = attempt + 1, "PBX request not retried (further)");
                return match troubled {
                    Troubled::Answered(status, answer) => Ok((status, answer)),
                    Troubled::Broke(error) => Err(error),
                };
            };
            tracing::info!(%trouble, wait_ms = pause.as_millis(), attempt, "PBX request will be retried");
            if let Some(observer) = &self.inner.on_retry {
                match &troubled {
                    Troubled::Answered(status, answer) => {
                        let error = self.rejection(*status, answer, call).await;
                        (observer.0)(pause, &error);
                    }
                    Troubled::Broke(error) => (observer.0)(pause, error),
                }
            }
            tokio::time::sleep(pause).await;
            attempt += 1;
        }
    }

    async fn settle(
        &self,
        status: u16,
        answer: Answer,
        call: &Call<'_>,
        url: &Url,
    ) -> Result<Answer, Error> {
        match status {
            200..=299 => Ok(answer),
            300..=399 => Err(self.redirected(status, &answer.headers, call, url)),
            _ => Err(self.rejection(status, &answer, call).await),
        }
    }

    /// A 3xx answer (the client follows none) as an error naming where it pointed and the
    /// https address the admin should enter instead.
    fn redirected(&self, status: u16, headers: &HeaderMap, call: &Call<'_>, url: &Url) -> Error {
        let target = headers
            .get(LOCATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|location| url.join(location.trim()).ok())
            .map(|mut target| {
                // A password in the Location would otherwise end up in messages and logs.
                let _ = target.set_password(None);
                target
            });
        Error::Redirected {
            operation: format!("{} {}", call.method, call.path),
            status,
            suggested_url: target
                .as_ref()
                .and_then(|target| api_base_over_https(target, url, &self.inner.base)),
            location: target.map(String::from),
        }
    }

    async fn send_once(
        &self,
        call: &Call<'_>,
        url: &Url,
        body: Option<&str>,
        token: Option<&Secret>,
        expected: Expected,
    ) -> Result<(u16, Answer), Failure> {
        let started = Instant::now();
        let mut request = self
            .inner
            .http
            .request(call.method.clone(), url.clone())
            .header(ACCEPT, "application/json");
        if let Some(token) = token {
            request = request.bearer_auth(token.expose());
        }
        if let Some(body) = body {
            request = request
                .header(CONTENT_TYPE, "application/json")
                .body(body.to_owned());
        }
        let result = async {
            let response = request.send().await?;
            let status = response.status();
            let headers = response.headers().clone();
            // Only an answer that is used whole may be large; of an error, its start is all
            // that is quoted.
            let (limit, head_will_do) = if status.is_success() {
                (expected.limit(), false)
            } else {
                (ERROR_LIMIT, true)
            };
            let body = read_capped(response, limit, head_will_do).await?;
            Ok::<_, reqwest::Error>((status.as_u16(), headers, body))
        }
        .await;
        let duration_ms = started.elapsed().as_millis();
        match result {
            Ok((status, _, body)) if body.cut && (200..=299).contains(&status) => {
                let error = Error::ResponseTooLarge {
                    operation: format!("{} {}", call.method, call.path),
                    url: url.to_string(),
                    what: expected.what().to_owned(),
                    limit: expected.limit(),
                };
                tracing::warn!(
                    status,
                    duration_ms,
                    limit = expected.limit(),
                    "PBX answer too large"
                );
                Err(Failure {
                    error,
                    trouble: None,
                })
            }
            Ok((status, headers, body)) => {
                self.inner.answered.store(true, Ordering::Relaxed);
                match status {
                    500.. => tracing::warn!(status, duration_ms, "PBX failed"),
                    400..=499 => tracing::info!(status, duration_ms, "PBX refused the request"),
                    _ => tracing::debug!(status, duration_ms, "PBX answered"),
                }
                if body.cut {
                    tracing::debug!(
                        status,
                        limit = ERROR_LIMIT,
                        "only the start of the PBX's error answer was read"
                    );
                }
                Ok((
                    status,
                    Answer {
                        headers,
                        body: body.bytes,
                    },
                ))
            }
            Err(error) => {
                // Nothing was sent when connecting failed, so the PBX cannot have applied it.
                let connecting = error.is_connect();
                let error = network_error(&error, url, token);
                tracing::warn!(duration_ms, %error, "PBX request failed");
                let trouble = match &error {
                    Error::Network { failure, .. } => Trouble::of_network(
                        *failure,
                        connecting,
                        self.inner.answered.load(Ordering::Relaxed),
                    ),
                    _ => None,
                };
                Err(Failure { error, trouble })
            }
        }
    }

    async fn rejection(&self, status: u16, answer: &Answer, call: &Call<'_>) -> Error {
        let role = if call.bearer {
            self.inner.auth.lock().await.role.clone()
        } else {
            None
        };
        let operation = format!("{} {}", call.method, call.path);
        let path = call.path.to_string();
        error_from_answer(
            status,
            retry_after(&answer.headers),
            &answer.body,
            &Exchange {
                operation: &operation,
                path: &path,
                purpose: &call.purpose,
                role,
                sent: call.body.as_ref(),
            },
        )
    }

    pub(super) fn url_for(
        &self,
        path: &ApiPath,
        query: &[(&'static str, String)],
    ) -> Result<Url, Error> {
        let mut url = self.inner.base.clone();
        url.path_segments_mut()
            .map_err(|()| Error::InvalidUrl {
                url: self.inner.base.to_string(),
                reason: "it cannot have a path".to_owned(),
            })?
            .extend(&path.0);
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        Ok(url)
    }
}

/// The API base the redirect `target` implies, over https: the part of the request's path
/// below the base (e.g. `/login`) is cut from the target's path when the target ends in it.
fn api_base_over_https(target: &Url, requested: &Url, base: &Url) -> Option<String> {
    if !matches!(target.scheme(), "http" | "https") {
        return None;
    }
    let below_base = requested.path().strip_prefix(base.path())?;
    let mut suggested = target.clone();
    suggested.set_scheme("https").ok()?;
    let path = target
        .path()
        .strip_suffix(below_base)
        .unwrap_or(target.path())
        .to_owned();
    suggested.set_path(&path);
    suggested.set_query(None);
    suggested.set_fragment(None);
    suggested.set_username("").ok()?;
    Some(String::from(suggested).trim_end_matches('/').to_owned())
}

fn request_span(call: &Call<'_>) -> tracing::Span {
    tracing::info_span!("pbx_request", method = %call.method, path = %call.path)
}

/// A transport failure as an [`Error`]: TLS, refused, dropped, timed out, DNS, other.
fn network_error(error: &reqwest::Error, url: &Url, token: Option<&Secret>) -> Error {
    if let Some(tls) = tls_failure(error) {
        return tls;
    }
    let detail = error_chain(error);
    let detail = match token {
        Some(token) => scrub_secret(&detail, token),
        None => detail,
    };
    Error::Network {
        url: url.to_string(),
        failure: classify(error, &detail),
        detail,
    }
}

fn classify(error: &reqwest::Error, detail: &str) -> NetworkFailure {
    if error.is_timeout() {
        return NetworkFailure::Timeout;
    }
    let mut source: Option<&(dyn StdError + 'static)> = Some(error);
    while let Some(current) = source {
        if let Some(io) = current.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind;
            match io.kind() {
                ErrorKind::ConnectionRefused => return NetworkFailure::Refused,
                ErrorKind::ConnectionReset
                | ErrorKind::ConnectionAborted
                | ErrorKind::BrokenPipe
                | ErrorKind::UnexpectedEof => return NetworkFailure::Dropped,
                ErrorKind::TimedOut => return NetworkFailure::Timeout,
                _ => {}
            }
        }
        if let Some(hyper) = current.downcast_ref::<hyper::Error>()
            && (hyper.is_incomplete_message() || hyper.is_closed() || hyper.is_canceled())
        {
            return NetworkFailure::Dropped;
        }
        source = current.source();
    }
    let lowered = detail.to_ascii_lowercase();
    if lowered.contains("dns error") || lowered.contains("failed to lookup address") {
        NetworkFailure::Dns
    } else if error.is_body() || lowered.contains("connection closed") {
        NetworkFailure::Dropped
    } else {
        NetworkFailure::Other
    }
}

/// An error and its causes, joined with `: `, without repeating a cause the previous
/// message already quoted.
pub(super) fn error_chain(error: &(dyn StdError + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let message = cause.to_string();
        if !text.contains(&message) {
            text.push_str(": ");
            text.push_str(&message);
        }
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use super::*;

    #[test]
    fn paths_escape_ids_inside_one_segment() -> Result<(), Error> {
        let client = Client::new("http://127.0.0.1:9/api")?;
        let url = client.url_for(
            &ApiPath::new(&["users", "a/b c", "ms365_binding"]),
            &[("search", "x&y".to_owned())],
        )?;
        assert_eq!(
            url.as_str(),
            "http://127.0.0.1:9/api/users/a%2Fb%20c/ms365_binding?search=x%26y"
        );
        Ok(())
    }

    #[test]
    fn a_redirect_suggests_the_api_base_it_implies_over_https() -> Result<(), Box<dyn StdError>> {
        let base = Url::parse("http://127.0.0.1:9/api")?;
        let requested = Url::parse("http://127.0.0.1:9/api/login")?;
        let suggest = |target: &str| -> Result<Option<String>, url::ParseError> {
            Ok(api_base_over_https(
                &requested.join(target)?,
                &requested,
                &base,
            ))
        };
        assert_eq!(
            suggest("http://192.0.2.1/api/login")?.as_deref(),
            Some("https://192.0.2.1/api")
        );
        assert_eq!(
            suggest("http://pbx.example.com:8887/pbx/api/login?x=1#f")?.as_deref(),
            Some("https://pbx.example.com:8887/pbx/api")
        );
        assert_eq!(
            suggest("https://sso.example.com/")?.as_deref(),
            Some("https://sso.example.com")
        );
        assert_eq!(suggest("ftp://192.0.2.1/api/login")?, None);
        Ok(())
    }

    #[tokio::test]
    async fn a_closed_port_is_a_refused_connection_naming_the_url() -> Result<(), Box<dyn StdError>>
    {
        let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
        let port = listener.local_addr()?.port();
        drop(listener);
        let pauses = Arc::new(AtomicUsize::new(0));
        let heard = Arc::clone(&pauses);
        let client = Client::builder(&format!("http://127.0.0.1:{port}"))
            .retry_policy(crate::RetryPolicy {
                first_backoff: Duration::from_millis(10),
                max_backoff: Duration::from_millis(20),
                budget: Duration::from_secs(600),
                unreachable_budget: Duration::from_millis(200),
            })
            .on_retry(move |_, error| {
                if matches!(
                    error,
                    Error::Network {
                        failure: NetworkFailure::Refused,
                        ..
                    }
                ) {
                    heard.fetch_add(1, Ordering::SeqCst);
                }
            })
            .build()?;
        let started = std::time::Instant::now();
        let result = client.info(None).await;
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the brief budget of an unreachable address was not kept"
        );
        assert!(
            pauses.load(Ordering::SeqCst) >= 2,
            "a refused connection is retried briefly"
        );
        let Err(
            error @ Error::Network {
                failure: NetworkFailure::Refused,
                ..
            },
        ) = result
        else {
            return Err(format!("expected a refused connection, got {result:?}").into());
        };
        assert!(
            error
                .to_string()
                .contains(&format!("http://127.0.0.1:{port}/api/info")),
            "{error}"
        );
        Ok(())
    }
}
