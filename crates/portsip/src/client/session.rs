//! The session: signing in, refreshing shortly before expiry or after a 401, signing in
//! again with a kept password when the refresh token is refused, and handing each new refresh
//! token to the session sink before anything uses it.

use std::time::Instant;

use reqwest::Method;

use super::{Answer, ApiPath, Call, Client, encode};
use crate::auth::{
    AuthState, Credentials, PasswordRetention, SignedIn, TokenAnswer, Tokens, refresh_due,
};
use crate::model::Role;
use crate::rejection::{Purpose, scrub_secret};
use crate::server_text::{MAX_QUOTED_CHARS, clean};
use crate::{Error, Secret};

impl Client {
    /// Signs in and forgets the password: when the session can no longer be refreshed,
    /// calls fail with [`Error::SessionExpired`]. See [`login_with`](Self::login_with).
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        domain: Option<&str>,
    ) -> Result<SignedIn, Error> {
        self.login_with(
            Credentials::new(username, password, domain),
            PasswordRetention::Forget,
        )
        .await
    }

    /// Signs in (`POST /login`). With [`PasswordRetention::KeepInMemory`] the client signs in
    /// again by itself when its refresh token is refused.
    pub async fn login_with(
        &self,
        credentials: Credentials,
        retention: PasswordRetention,
    ) -> Result<SignedIn, Error> {
        let (tokens, answer) = self.sign_in(&credentials).await?;
        let signed_in = SignedIn {
            role: answer.role.clone(),
            expires_in: answer.lifetime(time::OffsetDateTime::now_utc()),
        };
        let mut state = self.inner.auth.lock().await;
        *state = AuthState {
            tokens: None,
            role: answer.role,
            kept: match retention {
                PasswordRetention::Forget => None,
                PasswordRetention::KeepInMemory => Some(credentials),
            },
            unkept: false,
        };
        self.take_tokens(&mut state, tokens, None)?;
        tracing::info!(role = ?signed_in.role, "signed in to the PBX");
        Ok(signed_in)
    }

    /// Continues a session from a refresh token saved earlier (e.g. in the OS keyring), then
    /// asks the PBX (`GET /login`) which role the session has. The password is not kept.
    pub async fn resume(&self, refresh_token: Secret) -> Result<SignedIn, Error> {
        let tokens = self.refreshed(&refresh_token).await?;
        {
            let mut state = self.inner.auth.lock().await;
            *state = AuthState::default();
            self.take_tokens(&mut state, tokens, Some(&refresh_token))?;
        }
        let status: TokenAnswer = self.get_json(&ApiPath::new(&["login"]), &[]).await?;
        let signed_in = SignedIn {
            role: status.role.clone(),
            expires_in: status.lifetime(time::OffsetDateTime::now_utc()),
        };
        self.inner.auth.lock().await.role = status.role;
        Ok(signed_in)
    }

    /// The current refresh token, to save for [`resume`](Self::resume). With a
    /// [`SessionSink`](crate::SessionSink) there is no need: the sink hears every new one.
    pub async fn refresh_token(&self) -> Option<Secret> {
        let state = self.inner.auth.lock().await;
        state
            .tokens
            .as_ref()
            .and_then(|tokens| tokens.refresh.clone())
    }

    /// The signed-in account's role, as the PBX reported it at sign-in.
    pub async fn role(&self) -> Option<Role> {
        self.inner.auth.lock().await.role.clone()
    }

    /// Forgets the session and any kept password. (PortSIP's API has no sign-out call in
    /// the subset this client uses; the tokens simply expire.)
    pub async fn forget_session(&self) {
        // A token the sink never took is given up here on purpose: the caller ends the session.
        *self.inner.auth.lock().await = AuthState::default();
    }

    async fn sign_in(&self, credentials: &Credentials) -> Result<(Tokens, TokenAnswer), Error> {
        let path = ApiPath::new(&["login"]);
        let body = encode(credentials, &Method::POST, &path)?;
        let answer = self
            .execute(&Call {
                method: Method::POST,
                path: &path,
                query: &[],
                body: Some(body),
                purpose: Purpose::Login {
                    username: credentials.username.clone(),
                    domain: credentials.domain.clone(),
                },
                bearer: false,
            })
            .await?;
        read_tokens(&answer, &path, None)
    }

    async fn refreshed(&self, refresh_token: &Secret) -> Result<Tokens, Error> {
        let path = ApiPath::new(&["auth", "refresh_token"]);
        let answer = self
            .execute(&Call {
                method: Method::POST,
                path: &path,
                query: &[],
                body: Some(serde_json::json!({ "refresh_token": refresh_token.expose() })),
                purpose: Purpose::Refresh,
                bearer: false,
            })
            .await?;
        let (tokens, _) = read_tokens(&answer, &path, Some(refresh_token))?;
        tracing::debug!("PBX access token refreshed");
        Ok(tokens)
    }

    /// A usable access token: the current one, or a renewed one when it is about to expire.
    pub(super) async fn access_token(&self) -> Result<Secret, Error> {
        let mut state = self.inner.auth.lock().await;
        self.keep_refresh_token(&mut state)?;
        match &state.tokens {
            Some(tokens) if !tokens.due(Instant::now()) => return Ok(tokens.access.clone()),
            None if state.kept.is_none() => return Err(Error::NotSignedIn),
            _ => {}
        }
        self.renew(&mut state).await
    }

    /// After a 401: renews the token unless another request already did.
    pub(super) async fn renew_after_rejection(&self, rejected: &Secret) -> Result<Secret, Error> {
        let mut state = self.inner.auth.lock().await;
        self.keep_refresh_token(&mut state)?;
        if let Some(tokens) = &state.tokens
            && &tokens.access != rejected
        {
            return Ok(tokens.access.clone());
        }
        self.renew(&mut state).await
    }

    /// Refreshes, else signs in again with the kept password, else ends the session. Runs
    /// with the session locked, so concurrent requests wait for a single renewal.
    async fn renew(&self, state: &mut AuthState) -> Result<Secret, Error> {
        let refresh_token = state
            .tokens
            .as_ref()
            .and_then(|tokens| tokens.refresh.clone());
        let refusal = match refresh_token {
            Some(refresh_token) => match self.refreshed(&refresh_token).await {
                Ok(tokens) => return self.take_tokens(state, tokens, Some(&refresh_token)),
                Err(error) if refusal_of_token(&error) => {
                    tracing::info!("the PBX refused the refresh token");
                    "the PBX refused to renew it"
                }
                // Network or server trouble: signing in again would not get through either.
                Err(error) => return Err(error),
            },
            None => "the PBX gave no refresh token",
        };
        let Some(credentials) = state.kept.clone() else {
            state.tokens = None;
            state.unkept = false;
            return Err(Error::SessionExpired {
                reason: refusal.to_owned(),
            });
        };
        tracing::info!("signing in to the PBX again with the kept password");
        let (tokens, answer) = self.sign_in(&credentials).await?;
        state.role = answer.role;
        self.take_tokens(state, tokens, None)
    }

    /// Makes `tokens` the session's, handing a refresh token other than `previous` to the
    /// sink first; answers the access token to use. If the sink fails, the tokens are still
    /// held (the PBX has spent `previous`, so dropping them would lose the session for good)
    /// but not used until the sink takes them.
    fn take_tokens(
        &self,
        state: &mut AuthState,
        tokens: Tokens,
        previous: Option<&Secret>,
    ) -> Result<Secret, Error> {
        let access = tokens.access.clone();
        let new_refresh_token = tokens
            .refresh
            .as_ref()
            .is_some_and(|refresh| Some(refresh) != previous);
        state.tokens = Some(tokens);
        state.unkept = new_refresh_token && self.inner.sink.is_some();
        self.keep_refresh_token(state)?;
        Ok(access)
    }

    /// Hands the session's refresh token to the sink if it has not taken it yet.
    fn keep_refresh_token(&self, state: &mut AuthState) -> Result<(), Error> {
        if !state.unkept {
            return Ok(());
        }
        let (Some(sink), Some(refresh)) = (
            &self.inner.sink,
            state
                .tokens
                .as_ref()
                .and_then(|tokens| tokens.refresh.as_ref()),
        ) else {
            state.unkept = false;
            return Ok(());
        };
        match sink.renewed(refresh) {
            Ok(()) => {
                state.unkept = false;
                tracing::debug!("new PBX refresh token handed to the session sink");
                Ok(())
            }
            Err(error) => {
                // The sink's text could quote the token it was given.
                let reason = clean(&scrub_secret(&error.to_string(), refresh), MAX_QUOTED_CHARS);
                tracing::warn!(%reason, "the session sink could not keep the new PBX refresh token");
                Err(Error::SessionNotKept { reason })
            }
        }
    }
}

/// Whether a failed refresh means the token itself was refused (as opposed to the PBX being
/// unreachable or broken).
fn refusal_of_token(error: &Error) -> bool {
    error.is_rejection()
        || matches!(
            error,
            Error::SessionExpired { .. } | Error::UnexpectedResponse { .. }
        )
}

/// Tokens from a `/login` or `/auth/refresh_token` answer. A refresh answer without a new
/// refresh token keeps the old one.
fn read_tokens(
    answer: &Answer,
    path: &ApiPath,
    previous_refresh: Option<&Secret>,
) -> Result<(Tokens, TokenAnswer), Error> {
    let unexpected = |reason: &str| Error::UnexpectedResponse {
        operation: format!("POST {path}"),
        reason: reason.to_owned(),
    };
    // The serde message could quote a token, so it is not passed on.
    let token_answer: TokenAnswer = serde_json::from_slice(&answer.body)
        .map_err(|_| unexpected("the sign-in answer is not the expected JSON object"))?;
    let access = token_answer
        .access_token
        .clone()
        .filter(|token| !token.is_empty())
        .ok_or_else(|| unexpected("the sign-in answer has no access_token"))?;
    let lifetime = token_answer.lifetime(time::OffsetDateTime::now_utc());
    let tokens = Tokens {
        access,
        refresh: token_answer
            .refresh_token
            .clone()
            .filter(|token| !token.is_empty())
            .or_else(|| previous_refresh.cloned()),
        refresh_due: lifetime.map(|lifetime| refresh_due(Instant::now(), lifetime)),
    };
    Ok((tokens, token_answer))
}
