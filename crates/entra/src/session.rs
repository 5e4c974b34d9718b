//! A signed-in admin: the current tokens, refreshed before they expire.

use std::fmt;
use std::sync::{Arc, Mutex as SyncMutex};
use std::time::{Duration, Instant};

use tokio::sync::Mutex;
use url::Url;

use crate::discovery::Endpoints;
use crate::error::{EntraError, IdentityError, TokenStoreError};
use crate::id_token::Account;
use crate::retry::{AnsweredHosts, ProgressFn, RetryPolicy, Waiting};
use crate::secret::Secret;
use crate::token_endpoint::{Failure, TokenResponse, oauth_client, scopes};
use crate::token_store::TokenStore;
use crate::token_wire::TokenWire;

/// A signed-in session. Cheap to clone; clones share the tokens.
#[derive(Clone)]
pub struct Session {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    answered: AnsweredHosts,
    endpoints: Endpoints,
    client_id: String,
    scope: String,
    account: Account,
    refresh_margin: Duration,
    retry: RetryPolicy,
    progress: Option<ProgressFn>,
    tokens: Mutex<Tokens>,
    store: SyncMutex<Option<StoreBinding>>,
}

/// Where the refresh token is kept: the store and the caller's key.
type StoreBinding = (Arc<dyn TokenStore>, String);

struct Tokens {
    access: Secret,
    refresh: Option<Secret>,
    expires_at: Instant,
}

impl Tokens {
    fn from_response(response: &TokenResponse, previous_refresh: Option<Secret>) -> Self {
        Self {
            access: response.access(),
            // Entra may rotate the refresh token; without a new one the old one stays valid.
            refresh: response.rotated_refresh().or(previous_refresh),
            expires_at: Instant::now() + Duration::from_secs(response.expires_in),
        }
    }
}

pub(crate) struct SessionParts {
    pub http: reqwest::Client,
    /// The hosts that answered the [`crate::Authenticator`] this session was signed in from.
    pub answered: AnsweredHosts,
    pub endpoints: Endpoints,
    pub client_id: String,
    pub scope: String,
    pub account: Account,
    pub refresh_margin: Duration,
    pub retry: RetryPolicy,
    pub progress: Option<ProgressFn>,
}

/// Whether a token expiring at `expires_at` should be renewed now.
pub(crate) fn needs_refresh(expires_at: Instant, now: Instant, margin: Duration) -> bool {
    now + margin >= expires_at
}

/// The token endpoint's verdict that the refresh token is dead and only a new sign-in helps.
pub(crate) fn is_dead_refresh_token(error: &IdentityError) -> bool {
    matches!(
        error.error.as_str(),
        "invalid_grant" | "interaction_required"
    ) || error.code().is_some_and(crate::aadsts::means_sign_in_again)
}

impl Session {
    /// `previous_refresh` is the refresh token just redeemed, kept if Entra sends no new one.
    pub(crate) fn new(
        parts: SessionParts,
        response: &TokenResponse,
        previous_refresh: Option<Secret>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                tokens: Mutex::new(Tokens::from_response(response, previous_refresh)),
                http: parts.http,
                answered: parts.answered,
                endpoints: parts.endpoints,
                client_id: parts.client_id,
                scope: parts.scope,
                account: parts.account,
                refresh_margin: parts.refresh_margin,
                retry: parts.retry,
                progress: parts.progress,
                store: SyncMutex::new(None),
            }),
        }
    }

    pub fn account(&self) -> &Account {
        &self.inner.account
    }

    pub fn endpoints(&self) -> &Endpoints {
        &self.inner.endpoints
    }

    pub fn graph_base_url(&self) -> &Url {
        &self.inner.endpoints.graph_base
    }

    pub(crate) fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    pub(crate) fn answered_hosts(&self) -> &AnsweredHosts {
        &self.inner.answered
    }

    /// Keeps the refresh token in `store` under `key`: now, and again each time Entra rotates it.
    pub async fn persist_to(
        &self,
        store: Arc<dyn TokenStore>,
        key: &str,
    ) -> Result<(), EntraError> {
        let tokens = self.inner.tokens.lock().await;
        let Some(refresh) = &tokens.refresh else {
            return Err(EntraError::unexpected(
                "keep the sign-in",
                "Entra issued no refresh token (is offline_access among the scopes?)",
            ));
        };
        store.save(key, refresh)?;
        self.bind_store(store, key)
    }

    /// Keeps later rotations in `store` under `key`; the current token is already there.
    pub(crate) fn bind_store(
        &self,
        store: Arc<dyn TokenStore>,
        key: &str,
    ) -> Result<(), EntraError> {
        *self.store_binding()? = Some((store, key.to_owned()));
        Ok(())
    }

    /// The session's own policy, inherited from the [`crate::Authenticator`].
    fn waiting(&self) -> Waiting<'_> {
        Waiting {
            policy: &self.inner.retry,
            progress: self.inner.progress.as_ref(),
            answered: &self.inner.answered,
        }
    }

    /// A valid access token, refreshed first when it expires within the refresh margin.
    pub async fn access_token(&self) -> Result<Secret, EntraError> {
        self.access_token_with(self.waiting()).await
    }

    /// [`Self::access_token`], with a renewal waiting under `waiting` (a Graph client's own).
    pub(crate) async fn access_token_with(
        &self,
        waiting: Waiting<'_>,
    ) -> Result<Secret, EntraError> {
        let mut tokens = self.inner.tokens.lock().await;
        if needs_refresh(tokens.expires_at, Instant::now(), self.inner.refresh_margin) {
            self.refresh_locked(&mut tokens, waiting).await?;
        }
        Ok(tokens.access.clone())
    }

    /// Renews the access token now, whatever its expiry. Throttling, server errors and dropped
    /// connections are retried under the session's retry policy.
    pub async fn refresh(&self) -> Result<(), EntraError> {
        self.refresh_with(self.waiting()).await
    }

    pub(crate) async fn refresh_with(&self, waiting: Waiting<'_>) -> Result<(), EntraError> {
        let mut tokens = self.inner.tokens.lock().await;
        self.refresh_locked(&mut tokens, waiting).await
    }

    /// A rotated refresh token reaches the store before the new tokens replace the old ones in
    /// memory: whatever ends the process afterwards, the store holds the newest token, and if
    /// saving fails the new access token is never handed out.
    async fn refresh_locked(
        &self,
        tokens: &mut Tokens,
        waiting: Waiting<'_>,
    ) -> Result<(), EntraError> {
        let Some(refresh_token) = tokens.refresh.clone() else {
            return Err(EntraError::SignInAgain {
                reason: "the sign-in has no refresh token".into(),
            });
        };
        let response = redeem_refresh_token(
            &self.inner.http,
            &self.inner.endpoints,
            &self.inner.client_id,
            &self.inner.scope,
            &refresh_token,
            waiting,
        )
        .await;
        let binding = self.store_binding()?.clone();
        match response {
            Ok(response) => {
                let renewed = Tokens::from_response(&response, Some(refresh_token));
                if let (Some((store, key)), Some(rotated)) = (binding, response.rotated_refresh()) {
                    store.save(&key, &rotated)?;
                }
                *tokens = renewed;
                tracing::debug!("refreshed the Microsoft access token");
                Ok(())
            }
            Err(error) => {
                if let (EntraError::SignInAgain { .. }, Some((store, key))) = (&error, binding) {
                    store.delete(&key)?;
                }
                Err(error)
            }
        }
    }

    fn store_binding(&self) -> Result<std::sync::MutexGuard<'_, Option<StoreBinding>>, EntraError> {
        self.inner.store.lock().map_err(|_| {
            EntraError::TokenStore(TokenStoreError::new(
                "the session's store binding was poisoned",
            ))
        })
    }
}

/// Redeems a refresh token, retrying transient failures under `waiting`; a dead one becomes
/// [`EntraError::SignInAgain`].
pub(crate) async fn redeem_refresh_token(
    http: &reqwest::Client,
    endpoints: &Endpoints,
    client_id: &str,
    scope: &str,
    refresh_token: &Secret,
    waiting: Waiting<'_>,
) -> Result<TokenResponse, EntraError> {
    let context = "renew the Microsoft sign-in";
    let wire = TokenWire::new(http, context, waiting);
    let client = oauth_client(endpoints, client_id);
    let refresh_token = oauth2::RefreshToken::new(refresh_token.expose().to_owned());
    client
        .exchange_refresh_token(&refresh_token)
        .add_scopes(scopes(scope))
        .request_async(&wire)
        .await
        .map_err(|error| match wire.failure(error) {
            Failure::Refused(error) if is_dead_refresh_token(&error) => EntraError::SignInAgain {
                reason: error.to_string(),
            },
            other => other.into_error(context),
        })
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("account", &self.inner.account)
            .field("client_id", &self.inner.client_id)
            .field("tokens", &"[redacted]")
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refreshes_within_the_margin_only() {
        let now = Instant::now();
        let margin = Duration::from_secs(300);
        assert!(!needs_refresh(now + Duration::from_secs(3600), now, margin));
        assert!(needs_refresh(now + Duration::from_secs(299), now, margin));
        assert!(needs_refresh(now + Duration::from_secs(300), now, margin));
        assert!(needs_refresh(now, now, margin));
    }

    #[test]
    fn dead_refresh_tokens_are_recognised() {
        let body = |error: &str, code: u32| {
            IdentityError::parse(
                400,
                &format!(
                    r#"{{"error":"{error}","error_description":"AADSTS{code}: x","error_codes":[{code}]}}"#
                ),
            )
        };
        assert!(is_dead_refresh_token(&body("invalid_grant", 70008)));
        assert!(is_dead_refresh_token(&body("invalid_grant", 700082)));
        assert!(is_dead_refresh_token(&body("invalid_grant", 50173)));
        assert!(is_dead_refresh_token(&body("interaction_required", 50076)));
        assert!(!is_dead_refresh_token(&body("invalid_client", 700016)));
        assert!(!is_dead_refresh_token(&body("temporarily_unavailable", 0)));
    }
}
