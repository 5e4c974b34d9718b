//! Microsoft Graph v1.0 with the signed-in admin's token: paging, throttling, replication lag.

mod applications;
mod directory;
mod key_credentials;
mod query;
mod service_principals;
mod users;

use std::fmt;
use std::time::Duration;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::error::{EntraError, GraphError};
use crate::retry::{
    Progress, ProgressFn, RetryPolicy, backoff, retry_while_replicating, throttle_wait,
};
use crate::session::Session;

pub use applications::{
    AppLocator, AppRegistration, Application, EnsuredApplication, ImplicitGrantSettings,
    RequiredResourceAccess, ResourceAccess, WebSettings,
};
pub use directory::{
    DirectoryRole, GLOBAL_ADMINISTRATOR, Me, Organization, PRIVILEGED_ROLE_ADMINISTRATOR,
    VerifiedDomain, can_grant_application_permissions,
};
pub use key_credentials::{CertificateKey, KeyCredential, Thumbprint};
pub use service_principals::{
    AppRole, AppRoleAssignment, EnsuredServicePrincipal, GrantOutcome, MICROSOFT_GRAPH_APP_ID,
    ServicePrincipal, resolve_app_role_ids,
};
pub use users::{DEFAULT_USER_FIELDS, MAX_PAGE_SIZE, User};

/// Graph calls on behalf of a signed-in [`Session`]. Cheap to clone.
#[derive(Clone)]
pub struct GraphClient {
    session: Session,
    base: Url,
    policy: RetryPolicy,
    progress: Option<ProgressFn>,
}

#[derive(Deserialize)]
struct Page<T> {
    value: Vec<T>,
    #[serde(rename = "@odata.nextLink", default)]
    next_link: Option<String>,
}

impl GraphClient {
    pub fn new(session: Session) -> Self {
        Self {
            base: session.graph_base_url().clone(),
            session,
            policy: RetryPolicy::default(),
            progress: None,
        }
    }

    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// Where waits for throttling and replication are reported.
    pub fn with_progress(mut self, progress: ProgressFn) -> Self {
        self.progress = Some(progress);
        self
    }

    pub fn base_url(&self) -> &Url {
        &self.base
    }

    pub fn session(&self) -> &Session {
        &self.session
    }

    /// `{base}{path}?{query}`; `path` starts with `/`.
    fn url(&self, path: &str, query: &[(&str, &str)]) -> Result<Url, EntraError> {
        let text = format!(
            "{}{path}{}",
            self.base.as_str().trim_end_matches('/'),
            query::encode(query)
        );
        Url::parse(&text).map_err(|e| EntraError::BadUrl {
            url: text,
            reason: e.to_string(),
        })
    }

    fn report(&self, progress: &Progress) {
        tracing::info!("{progress}");
        if let Some(sink) = &self.progress {
            sink(progress);
        }
    }

    /// Sends one request, waiting out 429/503 (and 5xx or dropped connections for idempotent
    /// methods) within the throttle budget. Returns the final status and body, successful or not.
    async fn send(
        &self,
        method: Method,
        url: &Url,
        body: Option<&serde_json::Value>,
        context: &str,
    ) -> Result<(StatusCode, String), EntraError> {
        let idempotent = method != Method::POST;
        let mut waited = Duration::ZERO;
        let mut attempt = 0u32;
        let mut refreshed = false;
        loop {
            let token = self.session.access_token().await?;
            let mut request = self
                .session
                .http()
                .request(method.clone(), url.clone())
                .bearer_auth(token.expose());
            if let Some(body) = body {
                request = request.json(body);
            }
            tracing::debug!(%method, path = url.path(), "Graph request");
            let asked = match request.send().await {
                Ok(response) => {
                    let status = response.status();
                    if status == StatusCode::UNAUTHORIZED && !refreshed {
                        // The token may have been revoked or expired early: renew it once.
                        refreshed = true;
                        self.session.refresh().await?;
                        continue;
                    }
                    if !should_retry(status, idempotent) {
                        let text = response
                            .text()
                            .await
                            .map_err(|source| EntraError::Network {
                                context: context.to_owned(),
                                source,
                            })?;
                        return Ok((status, text));
                    }
                    retry_after(response.headers()).unwrap_or_else(|| {
                        backoff(
                            self.policy.throttle_base,
                            self.policy.throttle_budget,
                            attempt,
                        )
                    })
                }
                Err(source)
                    if idempotent
                        && (source.is_connect() || source.is_timeout() || source.is_request()) =>
                {
                    tracing::debug!(error = %source, "Graph request failed in transit");
                    backoff(
                        self.policy.throttle_base,
                        self.policy.throttle_budget,
                        attempt,
                    )
                }
                Err(source) => {
                    return Err(EntraError::Network {
                        context: context.to_owned(),
                        source,
                    });
                }
            };
            let Some(wait) = throttle_wait(waited, asked, self.policy.throttle_budget) else {
                return Err(EntraError::Throttled {
                    context: context.to_owned(),
                    waited,
                    budget: self.policy.throttle_budget,
                });
            };
            self.report(&Progress::Throttled {
                context: context.to_owned(),
                wait,
            });
            tokio::time::sleep(wait).await;
            waited += wait;
            attempt += 1;
        }
    }

    /// Sends and insists on success; the error body becomes [`EntraError::Graph`].
    async fn call(
        &self,
        method: Method,
        url: &Url,
        body: Option<&serde_json::Value>,
        context: &str,
    ) -> Result<String, EntraError> {
        let (status, text) = self.send(method, url, body, context).await?;
        if status.is_success() {
            Ok(text)
        } else {
            Err(EntraError::Graph {
                context: context.to_owned(),
                error: Box::new(GraphError::parse(status.as_u16(), &text)),
            })
        }
    }

    async fn get_json<T: DeserializeOwned>(
        &self,
        url: &Url,
        context: &str,
    ) -> Result<T, EntraError> {
        let text = self.call(Method::GET, url, None, context).await?;
        serde_json::from_str(&text).map_err(|e| EntraError::unexpected(context, e))
    }

    /// Like [`Self::get_json`], but a 404 means "there is none".
    async fn get_optional<T: DeserializeOwned>(
        &self,
        url: &Url,
        context: &str,
    ) -> Result<Option<T>, EntraError> {
        match self.get_json(url, context).await {
            Err(error) if is_not_found(&error) => Ok(None),
            other => other.map(Some),
        }
    }

    async fn post_json<T: DeserializeOwned>(
        &self,
        url: &Url,
        body: &serde_json::Value,
        context: &str,
    ) -> Result<T, EntraError> {
        let text = self.call(Method::POST, url, Some(body), context).await?;
        serde_json::from_str(&text).map_err(|e| EntraError::unexpected(context, e))
    }

    async fn patch(
        &self,
        url: &Url,
        body: &serde_json::Value,
        context: &str,
    ) -> Result<(), EntraError> {
        self.call(Method::PATCH, url, Some(body), context)
            .await
            .map(drop)
    }

    /// Every item of a collection, page by page, following `@odata.nextLink` until it is absent.
    fn items<T: DeserializeOwned + Send + 'static>(
        &self,
        first: Url,
        context: &'static str,
    ) -> BoxStream<'static, Result<T, EntraError>> {
        let client = self.clone();
        stream::try_unfold(Some(first), move |next| {
            let client = client.clone();
            async move {
                let Some(url) = next else {
                    return Ok::<_, EntraError>(None);
                };
                let page: Page<T> = client.get_json(&url, context).await?;
                let next = page
                    .next_link
                    .map(|link| client.checked_next_link(&link))
                    .transpose()?;
                Ok(Some((stream::iter(page.value.into_iter().map(Ok)), next)))
            }
        })
        .try_flatten()
        .boxed()
    }

    async fn collect<T: DeserializeOwned + Send + 'static>(
        &self,
        first: Url,
        context: &'static str,
    ) -> Result<Vec<T>, EntraError> {
        self.items(first, context).try_collect().await
    }

    /// Our token goes only to the Graph host we discovered.
    fn checked_next_link(&self, link: &str) -> Result<Url, EntraError> {
        let url =
            Url::parse(link).map_err(|e| EntraError::unexpected("follow Graph's next page", e))?;
        if url.origin() == self.base.origin() {
            Ok(url)
        } else {
            Err(EntraError::unexpected(
                "follow Graph's next page",
                format!(
                    "the next page is on another host: {}",
                    url.origin().ascii_serialization()
                ),
            ))
        }
    }

    async fn while_replicating<T, F, Fut>(
        &self,
        what: &str,
        is_lag: impl Fn(&EntraError) -> bool,
        operation: F,
    ) -> Result<T, EntraError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, EntraError>>,
    {
        retry_while_replicating(
            &self.policy,
            self.progress.as_ref(),
            what,
            is_lag,
            operation,
        )
        .await
    }
}

fn should_retry(status: StatusCode, idempotent: bool) -> bool {
    match status {
        StatusCode::TOO_MANY_REQUESTS | StatusCode::SERVICE_UNAVAILABLE => true,
        StatusCode::INTERNAL_SERVER_ERROR
        | StatusCode::BAD_GATEWAY
        | StatusCode::GATEWAY_TIMEOUT => idempotent,
        _ => false,
    }
}

/// `Retry-After` in seconds (Graph's form); an HTTP date is left to the backoff.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse::<u64>()
        .ok()
        .map(Duration::from_secs)
}

fn graph_error(error: &EntraError) -> Option<&GraphError> {
    match error {
        EntraError::Graph { error, .. } => Some(error),
        _ => None,
    }
}

fn is_not_found(error: &EntraError) -> bool {
    graph_error(error).is_some_and(|e| e.status == 404)
}

impl fmt::Debug for GraphClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphClient")
            .field("base", &self.base.as_str())
            .field("session", &self.session)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    #[test]
    fn which_answers_are_retried() {
        assert!(should_retry(StatusCode::TOO_MANY_REQUESTS, false));
        assert!(should_retry(StatusCode::SERVICE_UNAVAILABLE, false));
        assert!(should_retry(StatusCode::BAD_GATEWAY, true));
        assert!(
            !should_retry(StatusCode::BAD_GATEWAY, false),
            "a POST may have been applied"
        );
        assert!(!should_retry(StatusCode::NOT_FOUND, true));
        assert!(!should_retry(StatusCode::FORBIDDEN, true));
    }

    #[test]
    fn retry_after_seconds() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static(" 7"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(7)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), None);
    }
}
