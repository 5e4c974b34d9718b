//! Microsoft Graph v1.0 with the signed-in admin's token: paging, throttling, replication lag.

mod applications;
mod directory;
mod groups;
mod key_credentials;
mod query;
mod search;
mod service_principals;
mod users;

use std::fmt;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use reqwest::{Method, StatusCode};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use url::Url;

use crate::error::{EntraError, GraphError};
use crate::response_body::{BodyKind, read_error_text, read_limited};
use crate::retry::{
    Patience, ProgressFn, Replicating, RetryPolicy, Trouble, Waiting, is_transient,
    retry_while_replicating, should_retry,
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
pub use groups::GROUP_MEMBERSHIP_PERMISSION;
pub use key_credentials::{CertificateKey, KeyCredential, Thumbprint};
pub use search::{DirectoryGroup, MAX_IN_VALUES};
pub use service_principals::{
    AppRole, AppRoleAssignment, EnsuredServicePrincipal, GrantOutcome, MICROSOFT_GRAPH_APP_ID,
    ServicePrincipal, resolve_app_role_ids,
};
pub use users::{DEFAULT_USER_FIELDS, MAX_PAGE_SIZE, User};

#[cfg(test)]
mod unreachable_tests;

/// How the latest attempt of a request went, for when there is no time left to try again.
enum LastTry {
    /// Microsoft asked to slow down.
    Throttled,
    /// Microsoft failed, saying this.
    Answered(StatusCode, Vec<u8>),
    /// The request did not get through.
    Failed(EntraError),
}

/// Graph calls on behalf of a signed-in [`Session`]. Cheap to clone.
#[derive(Clone)]
pub struct GraphClient {
    session: Session,
    base: Url,
    policy: RetryPolicy,
    progress: Option<ProgressFn>,
    /// Sends `ConsistencyLevel: eventual`, which Graph's advanced queries (`$search`) need.
    advanced: bool,
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
            advanced: false,
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

    fn waiting(&self) -> Waiting<'_> {
        Waiting {
            policy: &self.policy,
            progress: self.progress.as_ref(),
            answered: self.session.answered_hosts(),
        }
    }

    /// Sends one request, waiting out 429/503 (and 5xx or dropped connections for idempotent
    /// methods) within the throttle budget, and a host that cannot be reached within the brief
    /// unreachable budget. Returns the final status and body, successful or not;
    /// a successful body is read up to [`BodyKind::GraphJson`]'s limit, an error body is cut.
    async fn send(
        &self,
        method: Method,
        url: &Url,
        body: Option<&serde_json::Value>,
        context: &str,
    ) -> Result<(StatusCode, Vec<u8>), EntraError> {
        let idempotent = method != Method::POST;
        let mut patience = Patience::new(self.waiting(), context);
        let mut refreshed = false;
        loop {
            // Renewals made for this client wait under its policy and report to its sink.
            let token = self.session.access_token_with(self.waiting()).await?;
            let mut request = self
                .session
                .http()
                .request(method.clone(), url.clone())
                .bearer_auth(token.expose());
            if let Some(body) = body {
                request = request.json(body);
            }
            if self.advanced {
                request = request.header("ConsistencyLevel", "eventual");
            }
            tracing::debug!(%method, path = url.path(), "Graph request");
            let (trouble, last) = match request.send().await {
                Ok(response) => {
                    patience.answered(response.url());
                    let status = response.status();
                    if status == StatusCode::UNAUTHORIZED && !refreshed {
                        // The token may have been revoked or expired early: renew it once.
                        refreshed = true;
                        self.session.refresh_with(self.waiting()).await?;
                        continue;
                    }
                    if !should_retry(status, idempotent) {
                        let body = if status.is_success() {
                            read_limited(response, BodyKind::GraphJson, context).await?
                        } else {
                            read_error_text(response).await.into_bytes()
                        };
                        return Ok((status, body));
                    }
                    let trouble = Trouble::answered(&response);
                    // Microsoft's own failure is what the caller hears if it outlasts the budget.
                    let last = if trouble.is_throttling() {
                        LastTry::Throttled
                    } else {
                        LastTry::Answered(status, read_error_text(response).await.into_bytes())
                    };
                    (trouble, last)
                }
                Err(source) if idempotent && is_transient(&source) => {
                    tracing::debug!(error = %source, "Graph request failed in transit");
                    (
                        Trouble::in_transit(&source),
                        LastTry::Failed(patience.in_transit(source)),
                    )
                }
                Err(source) => return Err(patience.in_transit(source)),
            };
            if !patience.wait(trouble).await {
                return match last {
                    LastTry::Throttled => Err(patience.throttled()),
                    LastTry::Answered(status, body) => Ok((status, body)),
                    LastTry::Failed(error) => Err(error),
                };
            }
        }
    }

    /// Sends and insists on success; the error body becomes [`EntraError::Graph`].
    async fn call(
        &self,
        method: Method,
        url: &Url,
        body: Option<&serde_json::Value>,
        context: &str,
    ) -> Result<Vec<u8>, EntraError> {
        let (status, body) = self.send(method, url, body, context).await?;
        if status.is_success() {
            Ok(body)
        } else {
            Err(EntraError::Graph {
                context: context.to_owned(),
                error: Box::new(GraphError::parse(
                    status.as_u16(),
                    &String::from_utf8_lossy(&body),
                )),
            })
        }
    }

    async fn get_json<T: DeserializeOwned>(
        &self,
        url: &Url,
        context: &str,
    ) -> Result<T, EntraError> {
        let body = self.call(Method::GET, url, None, context).await?;
        serde_json::from_slice(&body).map_err(|e| EntraError::unexpected(context, e))
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
        let body = self.call(Method::POST, url, Some(body), context).await?;
        serde_json::from_slice(&body).map_err(|e| EntraError::unexpected(context, e))
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

    /// `DELETE`; Graph's 404 means the object is gone already and answers `false`, so a
    /// repeated removal (or one whose first answer was lost) is not an error.
    async fn delete(&self, url: &Url, context: &str) -> Result<bool, EntraError> {
        match self.call(Method::DELETE, url, None, context).await {
            Ok(_) => Ok(true),
            Err(error) if is_not_found(&error) => Ok(false),
            Err(error) => Err(error),
        }
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
        what: Replicating,
        is_lag: impl Fn(&EntraError) -> bool,
        operation: F,
    ) -> Result<T, EntraError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, EntraError>>,
    {
        self.while_replicating_for(self.policy.replication_budget, what, is_lag, operation)
            .await
    }

    /// [`Self::while_replicating`], waiting at most `budget` in all.
    async fn while_replicating_for<T, F, Fut>(
        &self,
        budget: std::time::Duration,
        what: Replicating,
        is_lag: impl Fn(&EntraError) -> bool,
        operation: F,
    ) -> Result<T, EntraError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, EntraError>>,
    {
        retry_while_replicating(
            &RetryPolicy {
                replication_budget: budget.min(self.policy.replication_budget),
                ..self.policy.clone()
            },
            self.progress.as_ref(),
            what,
            is_lag,
            operation,
        )
        .await
    }
}

fn graph_error(error: &EntraError) -> Option<&GraphError> {
    match error {
        EntraError::Graph { error, .. } => Some(error),
        _ => None,
    }
}

/// Whether a failed request may have been applied: the answer was lost on the way back
/// (dropped connection, timeout) or Microsoft failed after receiving it (5xx).
pub(crate) fn outcome_unknown(error: &EntraError) -> bool {
    match error {
        EntraError::Network { .. } => true,
        EntraError::Graph { error, .. } => error.status >= 500,
        _ => false,
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
    use std::time::{Duration, Instant};

    use super::*;
    use crate::discovery::Endpoints;
    use crate::id_token::Account;
    use crate::response_body::BodyKind;
    use crate::retry::AnsweredHosts;
    use crate::session::SessionParts;
    use crate::test_server::{Reply, serve};
    use crate::token_endpoint::TokenResponse;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    /// A session whose token is good for an hour, so Graph calls go straight to `base`.
    pub(super) fn session_for(base: &str) -> Result<Session, Box<dyn std::error::Error>> {
        let url = |path: &str| Url::parse(&format!("{base}{path}"));
        let endpoints = Endpoints {
            authorization: url("/t/oauth2/v2.0/authorize")?,
            token: url("/t/oauth2/v2.0/token")?,
            device_authorization: None,
            jwks: url("/t/discovery/v2.0/keys")?,
            issuer: format!("{base}/t/v2.0"),
            graph_base: url("/v1.0")?,
        };
        let tokens: TokenResponse =
            serde_json::from_str(r#"{"access_token":"at","expires_in":3600}"#)?;
        let parts = SessionParts {
            http: reqwest::Client::new(),
            answered: AnsweredHosts::default(),
            endpoints,
            client_id: "client".into(),
            scope: "openid".into(),
            account: Account {
                tenant_id: "t".into(),
                object_id: None,
                username: None,
                name: None,
            },
            refresh_margin: Duration::from_secs(60),
            retry: RetryPolicy::default(),
            progress: None,
        };
        Ok(Session::new(parts, &tokens, None))
    }

    #[tokio::test]
    async fn an_endless_graph_answer_ends_with_the_size_error() -> TestResult {
        let base = serve(|_| Reply::Endless { status: 200 }).await?;
        let graph = GraphClient::new(session_for(&base)?);
        let started = Instant::now();
        let outcome = graph.organization().await;
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{:?}",
            started.elapsed()
        );
        assert!(
            matches!(&outcome, Err(EntraError::ResponseTooLarge { limit, url, .. })
                if *limit == BodyKind::GraphJson.limit() && url.ends_with("/v1.0/organization")),
            "{outcome:?}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn a_graph_failure_that_outlasts_the_budget_is_told_as_microsofts_own_answer()
    -> TestResult {
        let failure = serde_json::json!({"error": {
            "code": "UnknownError",
            "message": "The gateway could not reach the directory.",
        }})
        .to_string();
        let base = serve(move |_| Reply::Fixed {
            status: 502,
            body: failure.clone().into_bytes(),
        })
        .await?;
        let graph = GraphClient::new(session_for(&base)?).with_retry_policy(RetryPolicy {
            throttle_budget: Duration::from_millis(100),
            throttle_base: Duration::from_millis(10),
            ..RetryPolicy::default()
        });
        let error = graph.organization().await.err().ok_or("a 502 passed")?;
        assert!(
            matches!(&error, EntraError::Graph { error, .. } if error.status == 502),
            "{error:?}"
        );
        let text = error.to_string();
        assert!(
            text.contains("UnknownError (HTTP 502): The gateway could not reach the directory."),
            "{text}"
        );
        Ok(())
    }

    #[tokio::test]
    async fn an_endless_graph_error_reads_as_a_short_clean_sentence() -> TestResult {
        let base = serve(|_| Reply::Endless { status: 403 }).await?;
        let graph = GraphClient::new(session_for(&base)?);
        let error = graph.me().await.err().ok_or("an endless 403 passed")?;
        let text = error.to_string();
        assert!(
            matches!(&error, EntraError::Graph { error, .. } if error.status == 403),
            "{error:?}"
        );
        assert!(text.chars().count() < 1000, "{} characters", text.len());
        assert!(text.starts_with("Microsoft Graph refused to"), "{text}");

        let hostile = serde_json::json!({"error": {
            "code": "Request_BadRequest",
            "message": format!("\u{1b}[2J\u{1b}]0;owned\u{7}Invalid value.{}", "\u{1b}[31m!".repeat(2000)),
        }})
        .to_string();
        let base = serve(move |_| Reply::Fixed {
            status: 400,
            body: hostile.clone().into_bytes(),
        })
        .await?;
        let graph = GraphClient::new(session_for(&base)?);
        let text = graph.me().await.err().ok_or("a 400 passed")?.to_string();
        assert!(
            text.contains("Request_BadRequest (HTTP 400): Invalid value.!!!"),
            "{text:?}"
        );
        assert!(!text.chars().any(char::is_control), "{text:?}");
        assert!(text.chars().count() < 1000, "{} characters", text.len());
        Ok(())
    }
}
