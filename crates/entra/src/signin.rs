//! The wizard's own sign-in as a public client: browser (PKCE + loopback), device code, or a
//! saved refresh token.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use oauth2::{
    AuthorizationCode, CsrfToken, DeviceCodeErrorResponseType, PkceCodeChallenge, RedirectUrl,
    RequestTokenError,
};
use url::Url;

use crate::browser::BrowserOpener;
use crate::cloud::Cloud;
use crate::device_code::{DeviceCodePrompt, DeviceCodeResponse, final_error, prompt};
use crate::discovery::{Endpoints, discover};
use crate::error::EntraError;
use crate::http::{HttpOptions, build_client};
use crate::id_token;
use crate::loopback::Loopback;
use crate::pkce::random_token;
use crate::retry::{AnsweredHosts, ProgressFn, RetryPolicy, Waiting};
use crate::secret::Secret;
use crate::session::{Session, SessionParts, redeem_refresh_token};
use crate::token_endpoint::{Failure, OAuthClient, TokenResponse, oauth_client, scopes};
use crate::token_store::TokenStore;
use crate::token_wire::TokenWire;

/// Microsoft Graph Command Line Tools: a public client Microsoft's own tooling uses with
/// `http://localhost`. Some tenants block it, hence [`SignInOptions::client_id`].
pub const GRAPH_CLI_CLIENT_ID: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";

/// Delegated Graph permissions the automatic setup needs.
pub const SETUP_PERMISSIONS: &[&str] = &[
    "User.Read",
    "Application.ReadWrite.All",
    "AppRoleAssignment.ReadWrite.All",
];

/// The extra delegated permission for reading the tenant's users (sync runs).
pub const USER_SYNC_PERMISSION: &str = "User.Read.All";

const OIDC_SCOPES: &str = "openid profile offline_access";

#[derive(Debug, Clone)]
pub struct SignInOptions {
    pub client_id: String,
    /// `organizations` (any work account), a tenant ID, or a verified domain.
    pub tenant: String,
    /// Delegated Graph permission names, e.g. `User.Read`; the cloud's Graph prefix is added.
    pub graph_permissions: Vec<String>,
    pub http: HttpOptions,
    /// How long to wait for the browser to come back.
    pub browser_timeout: Duration,
    pub login_hint: Option<String>,
    /// e.g. `select_account`.
    pub prompt: Option<String>,
    /// Access tokens are renewed when they expire within this margin.
    pub refresh_margin: Duration,
}

impl Default for SignInOptions {
    fn default() -> Self {
        Self {
            client_id: GRAPH_CLI_CLIENT_ID.to_owned(),
            tenant: "organizations".to_owned(),
            graph_permissions: SETUP_PERMISSIONS.iter().map(|p| (*p).to_owned()).collect(),
            http: HttpOptions::default(),
            browser_timeout: Duration::from_secs(300),
            login_hint: None,
            prompt: None,
            refresh_margin: Duration::from_secs(300),
        }
    }
}

/// Signs the administrator in to one cloud and tenant.
pub struct Authenticator {
    http: reqwest::Client,
    answered: AnsweredHosts,
    cloud: Cloud,
    options: SignInOptions,
    endpoints: Endpoints,
    retry: RetryPolicy,
    progress: Option<ProgressFn>,
}

impl Authenticator {
    /// Reads the tenant's endpoints from its discovery document. An unknown tenant fails here
    /// with AADSTS90002.
    pub async fn new(cloud: Cloud, options: SignInOptions) -> Result<Self, EntraError> {
        Self::with_policy(cloud, options, RetryPolicy::default()).await
    }

    /// [`Authenticator::new`] whose every request — the discovery read included — waits under
    /// `retry`.
    pub async fn with_policy(
        cloud: Cloud,
        options: SignInOptions,
        retry: RetryPolicy,
    ) -> Result<Self, EntraError> {
        let http = build_client(&options.http)?;
        let answered = AnsweredHosts::default();
        let endpoints = discover(
            &http,
            &cloud,
            &options.tenant,
            Waiting {
                policy: &retry,
                progress: None,
                answered: &answered,
            },
        )
        .await?;
        Ok(Self {
            http,
            answered,
            cloud,
            options,
            endpoints,
            retry,
            progress: None,
        })
    }

    /// How long requests to the token endpoint keep trying through throttling, server errors
    /// and dropped connections. Sessions signed in from here renew their tokens under it too.
    pub fn with_retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Where waits for the token endpoint are reported, here and in the sessions signed in
    /// from here.
    pub fn with_progress(mut self, progress: ProgressFn) -> Self {
        self.progress = Some(progress);
        self
    }

    fn waiting(&self) -> Waiting<'_> {
        Waiting {
            policy: &self.retry,
            progress: self.progress.as_ref(),
            answered: &self.answered,
        }
    }

    pub fn cloud(&self) -> &Cloud {
        &self.cloud
    }

    pub fn endpoints(&self) -> &Endpoints {
        &self.endpoints
    }

    /// `openid profile offline_access` plus the Graph permissions in this cloud's form.
    pub fn scope(&self) -> String {
        std::iter::once(OIDC_SCOPES.to_owned())
            .chain(
                self.options
                    .graph_permissions
                    .iter()
                    .map(|p| self.cloud.graph_scope(p)),
            )
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn oauth(&self) -> OAuthClient {
        oauth_client(&self.endpoints, &self.options.client_id)
    }

    fn authorize_url(
        &self,
        redirect_uri: &RedirectUrl,
        state: &str,
        challenge: PkceCodeChallenge,
    ) -> Url {
        let client = self.oauth();
        let scope = self.scope();
        let mut request = client
            .authorize_url(|| CsrfToken::new(state.to_owned()))
            .set_redirect_uri(std::borrow::Cow::Borrowed(redirect_uri))
            .add_scopes(scopes(&scope))
            .set_pkce_challenge(challenge);
        if let Some(prompt) = &self.options.prompt {
            request = request.add_extra_param("prompt", prompt);
        }
        if let Some(hint) = &self.options.login_hint {
            request = request.add_extra_param("login_hint", hint);
        }
        request.url().0
    }

    /// Authorization code + PKCE: opens the sign-in page, receives the answer on a loopback
    /// listener, redeems the code and verifies the ID token. The listener waits (up to
    /// [`SignInOptions::browser_timeout`]) for the answer carrying this sign-in's `state`; stray
    /// or forged requests get an error page and do not end the sign-in.
    pub async fn sign_in_with_browser(
        &self,
        browser: &dyn BrowserOpener,
    ) -> Result<Session, EntraError> {
        let loopback = Loopback::bind().await?;
        let redirect_uri = RedirectUrl::new(loopback.redirect_uri())
            .map_err(|e| EntraError::unexpected("listen for the browser sign-in", e))?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let state = random_token();
        // Until `receive_code` accepts, the browser's connection waits in the listen backlog.
        browser.open(&self.authorize_url(&redirect_uri, &state, challenge))?;
        tracing::info!(redirect_uri = %redirect_uri.as_str(), "waiting for the browser sign-in");
        let code = loopback
            .receive_code(&state, self.options.browser_timeout)
            .await?;
        let scope = self.scope();
        let context = "redeem the sign-in code";
        let wire = TokenWire::new(&self.http, context, self.waiting());
        let client = self.oauth();
        let response = client
            .exchange_code(AuthorizationCode::new(code.expose().to_owned()))
            .set_redirect_uri(std::borrow::Cow::Borrowed(&redirect_uri))
            .set_pkce_verifier(verifier)
            // Entra issues the token for these scopes (one resource: Graph).
            .add_extra_param("scope", scope.as_str())
            .request_async(&wire)
            .await
            .map_err(|error| wire.failure(error).into_error(context))?;
        self.session_from(&response, None).await
    }

    /// The device code flow: `show` tells the user where to go and which code to type, then
    /// the token endpoint is polled at the interval Entra asks for.
    pub async fn sign_in_with_device_code(
        &self,
        show: impl FnOnce(&DeviceCodePrompt),
    ) -> Result<Session, EntraError> {
        let client = self.oauth();
        let start = client
            .exchange_device_code()
            .map_err(|_| EntraError::Discovery {
                url: self.endpoints.token.to_string(),
                reason: "this authority offers no device code sign-in".into(),
            })?;
        let context = "start a device code sign-in";
        let scope = self.scope();
        let wire = TokenWire::new(&self.http, context, self.waiting());
        let device: DeviceCodeResponse = start
            .add_scopes(scopes(&scope))
            .request_async(&wire)
            .await
            .map_err(|error| wire.failure(error).into_error(context))?;
        show(&prompt(&device));
        let context = "sign in with a device code";
        let wire = TokenWire::new(&self.http, context, self.waiting());
        // The first poll waits one interval too: the user has only just been shown the code.
        let interval = device.interval();
        tokio::time::sleep(interval).await;
        let poll = client.exchange_device_access_token(&device).request_async(
            &wire,
            tokio::time::sleep,
            Some(device.expires_in().saturating_sub(interval)),
        );
        let outcome = tokio::select! {
            outcome = poll => outcome,
            failure = wire.gave_up() => return Err(failure),
        };
        match outcome {
            Ok(response) => self.session_from(&response, None).await,
            // `oauth2`'s own verdict when the code's lifetime is over.
            Err(RequestTokenError::ServerResponse(refusal))
                if *refusal.error() == DeviceCodeErrorResponseType::ExpiredToken =>
            {
                Err(EntraError::DeviceCodeExpired)
            }
            Err(error) => Err(match wire.failure(error) {
                Failure::Refused(refusal) => final_error(refusal),
                other => other.into_error(context),
            }),
        }
    }

    /// Signs in again silently with the refresh token saved under `key`, and keeps the session
    /// saved there. A missing, expired or revoked one yields [`EntraError::SignInAgain`] (and
    /// a dead one is deleted from the store). Throttling and transient failures are retried
    /// under [`Self::with_retry_policy`]; a renewed token is saved before anything else.
    pub async fn resume(
        &self,
        store: Arc<dyn TokenStore>,
        key: &str,
    ) -> Result<Session, EntraError> {
        let Some(refresh_token) = store.load(key)? else {
            return Err(EntraError::SignInAgain {
                reason: "no Microsoft sign-in is saved".into(),
            });
        };
        let response = redeem_refresh_token(
            &self.http,
            &self.endpoints,
            &self.options.client_id,
            &self.scope(),
            &refresh_token,
            self.waiting(),
        )
        .await;
        let response = match response {
            Err(error @ EntraError::SignInAgain { .. }) => {
                store.delete(key)?;
                return Err(error);
            }
            other => other?,
        };
        if let Some(rotated) = response.rotated_refresh() {
            store.save(key, &rotated)?;
        }
        let session = self.session_from(&response, Some(refresh_token)).await?;
        session.bind_store(store, key)?;
        Ok(session)
    }

    async fn session_from(
        &self,
        response: &TokenResponse,
        previous_refresh: Option<Secret>,
    ) -> Result<Session, EntraError> {
        let id_token = response
            .id_token
            .as_ref()
            .map(Secret::expose)
            .ok_or_else(|| EntraError::IdToken {
                reason: "Entra sent no ID token".into(),
            })?;
        let account = id_token::verify(
            &self.http,
            &self.endpoints,
            &self.options.client_id,
            id_token,
            self.waiting(),
        )
        .await?;
        tracing::info!(tenant = %account.tenant_id, user = ?account.username, "signed in to Microsoft");
        let parts = SessionParts {
            http: self.http.clone(),
            answered: self.answered.clone(),
            endpoints: self.endpoints.clone(),
            client_id: self.options.client_id.clone(),
            scope: self.scope(),
            account,
            refresh_margin: self.options.refresh_margin,
            retry: self.retry.clone(),
            progress: self.progress.clone(),
        };
        Ok(Session::new(parts, response, previous_refresh))
    }
}

impl fmt::Debug for Authenticator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authenticator")
            .field("cloud", &self.cloud)
            .field("options", &self.options)
            .field("endpoints", &self.endpoints)
            .field("retry", &self.retry)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn authenticator(
        cloud: Cloud,
        options: SignInOptions,
    ) -> Result<Authenticator, Box<dyn std::error::Error>> {
        let base = cloud.authority();
        Ok(Authenticator {
            http: reqwest::Client::new(),
            answered: AnsweredHosts::default(),
            endpoints: Endpoints {
                authorization: Url::parse(&format!("{base}/organizations/oauth2/v2.0/authorize"))?,
                token: Url::parse(&format!("{base}/organizations/oauth2/v2.0/token"))?,
                device_authorization: None,
                jwks: Url::parse(&format!("{base}/organizations/discovery/v2.0/keys"))?,
                issuer: format!("{base}/{{tenantid}}/v2.0"),
                graph_base: Url::parse("https://graph.microsoft.com/v1.0")?,
            },
            cloud,
            options,
            retry: RetryPolicy::default(),
            progress: None,
        })
    }

    #[test]
    fn scope_uses_the_clouds_graph_prefix() -> Result<(), Box<dyn std::error::Error>> {
        let global = authenticator(Cloud::GLOBAL, SignInOptions::default())?;
        assert_eq!(
            global.scope(),
            "openid profile offline_access https://graph.microsoft.com/User.Read https://graph.microsoft.com/Application.ReadWrite.All https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All"
        );
        let options = SignInOptions {
            graph_permissions: vec![USER_SYNC_PERMISSION.into()],
            ..SignInOptions::default()
        };
        let china = authenticator(Cloud::CHINA, options)?;
        assert_eq!(
            china.scope(),
            "openid profile offline_access https://microsoftgraph.chinacloudapi.cn/User.Read.All"
        );
        Ok(())
    }

    #[test]
    fn authorize_url_carries_pkce_state_and_hints() -> Result<(), Box<dyn std::error::Error>> {
        let options = SignInOptions {
            login_hint: Some("admin@contoso.example".into()),
            prompt: Some("select_account".into()),
            ..SignInOptions::default()
        };
        let auth = authenticator(Cloud::GLOBAL, options)?;
        let (challenge, _) = PkceCodeChallenge::new_random_sha256();
        let sent = challenge.as_str().to_owned();
        let url = auth.authorize_url(
            &RedirectUrl::new("http://localhost:5123".into())?,
            "st",
            challenge,
        );
        let query: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
        assert!(
            url.as_str().starts_with(
                "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize?"
            )
        );
        assert_eq!(
            query.get("client_id").map(String::as_str),
            Some(GRAPH_CLI_CLIENT_ID)
        );
        assert_eq!(query.get("response_type").map(String::as_str), Some("code"));
        assert_eq!(
            query.get("redirect_uri").map(String::as_str),
            Some("http://localhost:5123")
        );
        assert_eq!(query.get("state").map(String::as_str), Some("st"));
        assert_eq!(
            query.get("code_challenge").map(String::as_str),
            Some(sent.as_str())
        );
        assert_eq!(
            query.get("code_challenge_method").map(String::as_str),
            Some("S256")
        );
        assert_eq!(
            query.get("prompt").map(String::as_str),
            Some("select_account")
        );
        assert_eq!(
            query.get("login_hint").map(String::as_str),
            Some("admin@contoso.example")
        );
        assert!(
            query
                .get("scope")
                .is_some_and(|s| s.contains("offline_access"))
        );
        Ok(())
    }
}
