//! The wire under the `oauth2` crate's grants. `oauth2` builds each request to the token and
//! device-code endpoints and reads the answer; this crate's own HTTP client carries it, with its
//! timeouts, extra CA and redirect policy, its size limits and its retry policy. The wire also
//! keeps what `oauth2`'s standard error type has no room for: Entra's whole refusal (HTTP status,
//! AADSTS codes, correlation ID) and the client's own failures, so callers report those exactly.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};

use oauth2::{AsyncHttpClient, ErrorResponse, HttpRequest, HttpResponse, RequestTokenError};
use reqwest::StatusCode;
use reqwest::header::CONTENT_TYPE;
use tokio::sync::Notify;

use crate::error::{EntraError, IdentityError};
use crate::response_body::{BodyKind, read_error_text, read_limited};
use crate::retry::{
    AnsweredHosts, Patience, ProgressFn, RetryPolicy, Trouble, Waiting, is_transient, should_retry,
};
use crate::token_endpoint::Failure;

/// Carries the requests of one grant (one sign-in step, one renewal) to Microsoft.
/// Owns what it needs (cheap clones), so `oauth2`'s futures over it borrow nothing else.
pub(crate) struct TokenWire {
    http: reqwest::Client,
    context: &'static str,
    policy: RetryPolicy,
    progress: Option<ProgressFn>,
    answered: AnsweredHosts,
    /// Entra's last refusal, as it came.
    refusal: Mutex<Option<IdentityError>>,
    /// Why the wire gave up on a request (no answer, too large, throttled past the budget).
    failure: Mutex<Option<EntraError>>,
    gave_up: Notify,
}

/// What `oauth2` hears when the wire gave up; the failure itself stays with the wire.
#[derive(Debug, thiserror::Error)]
#[error("the request to Microsoft failed")]
pub(crate) struct GaveUp;

impl TokenWire {
    pub fn new(http: &reqwest::Client, context: &'static str, waiting: Waiting<'_>) -> Self {
        Self {
            http: http.clone(),
            context,
            policy: waiting.policy.clone(),
            progress: waiting.progress.cloned(),
            answered: waiting.answered.clone(),
            refusal: Mutex::new(None),
            failure: Mutex::new(None),
            gave_up: Notify::new(),
        }
    }

    /// Ends when the wire gives up on a request. The device code poll needs it: `oauth2` keeps
    /// polling through failed requests, while a sign-in whose requests cannot get through
    /// should end with the reason instead of waiting out the code's lifetime.
    pub async fn gave_up(&self) -> EntraError {
        self.gave_up.notified().await;
        self.take_failure()
            .unwrap_or_else(|| EntraError::unexpected(self.context, GaveUp))
    }

    /// The failure behind `error` of a grant carried by this wire: the wire's own, Entra's whole
    /// refusal (whatever `oauth2` made of its text), or an answer `oauth2` could not read.
    pub fn failure<TE: ErrorResponse>(&self, error: RequestTokenError<GaveUp, TE>) -> Failure {
        if let Some(failure) = self.take_failure() {
            return Failure::Other(failure);
        }
        match self.take_refusal() {
            Some(refusal) => Failure::Refused(refusal),
            None => Failure::Other(EntraError::unexpected(self.context, describe(&error))),
        }
    }

    fn take_refusal(&self) -> Option<IdentityError> {
        self.refusal
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    fn take_failure(&self) -> Option<EntraError> {
        self.failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    fn give_up(&self, failure: EntraError) -> GaveUp {
        *self.failure.lock().unwrap_or_else(PoisonError::into_inner) = Some(failure);
        self.gave_up.notify_one();
        GaveUp
    }

    /// Sends `request` until Microsoft answers it for good. Throttling (429, 503), other server
    /// errors and failures in transit are retried under the wire's policy: every request to these
    /// endpoints is safe to send twice (a code redeemed twice is refused, never doubled).
    async fn send(&self, request: &HttpRequest) -> Result<HttpResponse, EntraError> {
        *self.refusal.lock().unwrap_or_else(PoisonError::into_inner) = None;
        let waiting = Waiting {
            policy: &self.policy,
            progress: self.progress.as_ref(),
            answered: &self.answered,
        };
        let mut patience = Patience::new(waiting, self.context);
        loop {
            let attempt = self
                .http
                .request(request.method().clone(), request.uri().to_string())
                .headers(request.headers().clone())
                .body(request.body().clone())
                .send()
                .await;
            let (last, trouble) = match attempt {
                Ok(response) => {
                    patience.answered(response.url());
                    let status = response.status();
                    let content_type = response.headers().get(CONTENT_TYPE).cloned();
                    if status.is_success() {
                        let body =
                            read_limited(response, BodyKind::TokenAnswer, self.context).await?;
                        return answer(status, content_type, body, self.context);
                    }
                    let trouble = Trouble::answered(&response);
                    let text = read_error_text(response).await;
                    let refusal = IdentityError::parse(status.as_u16(), &text);
                    let refused = (
                        refusal,
                        answer(status, content_type, text.into(), self.context),
                    );
                    if !should_retry(status, true) {
                        return self.refused(refused);
                    }
                    (Ok(refused), trouble)
                }
                Err(source) if is_transient(&source) => {
                    tracing::debug!(error = %source, "a token request failed in transit");
                    let trouble = Trouble::in_transit(&source);
                    (Err(patience.in_transit(source)), trouble)
                }
                Err(source) => return Err(patience.in_transit(source)),
            };
            if !patience.wait(trouble).await {
                if trouble.is_throttling() {
                    return Err(patience.throttled());
                }
                return last.and_then(|refused| self.refused(refused));
            }
        }
    }

    /// Hands Entra's refusal to `oauth2` as it came, and keeps the whole of it.
    fn refused(
        &self,
        (refusal, response): (IdentityError, Result<HttpResponse, EntraError>),
    ) -> Result<HttpResponse, EntraError> {
        *self.refusal.lock().unwrap_or_else(PoisonError::into_inner) = Some(refusal);
        response
    }
}

impl<'c> AsyncHttpClient<'c> for TokenWire {
    type Error = GaveUp;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, GaveUp>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(async move {
            self.send(&request)
                .await
                .map_err(|failure| self.give_up(failure))
        })
    }
}

fn answer(
    status: StatusCode,
    content_type: Option<reqwest::header::HeaderValue>,
    body: Vec<u8>,
    context: &str,
) -> Result<HttpResponse, EntraError> {
    let mut builder = oauth2::http::Response::builder().status(status);
    if let Some(content_type) = content_type {
        builder = builder.header(CONTENT_TYPE, content_type);
    }
    builder
        .body(body)
        .map_err(|e| EntraError::unexpected(context, e))
}

/// `Parse` names the field and the problem, never the answer's text (it holds tokens).
fn describe<TE: ErrorResponse>(error: &RequestTokenError<GaveUp, TE>) -> String {
    match error {
        RequestTokenError::Parse(parse, _) => format!("the answer is not usable: {parse}"),
        other => other.to_string(),
    }
}
