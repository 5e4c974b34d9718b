//! The token and device-code endpoints as an `oauth2` client, and Microsoft's token answer.

use std::time::Duration;

use oauth2::basic::{
    BasicErrorResponse, BasicRevocationErrorResponse, BasicTokenIntrospectionResponse,
    BasicTokenType,
};
use oauth2::{
    AccessToken, AuthType, AuthUrl, ClientId, DeviceAuthorizationUrl, EndpointMaybeSet,
    EndpointNotSet, EndpointSet, RefreshToken, Scope, StandardRevocableToken, TokenUrl,
};
use serde::{Deserialize, Deserializer, Serialize};

use crate::discovery::Endpoints;
use crate::error::{EntraError, IdentityError};
use crate::secret::Secret;

/// The token endpoint's answer. Its tokens are `oauth2`'s and this crate's secret types, whose
/// `Debug` never shows them; the ID token is never serialized.
#[derive(Debug, Deserialize, Serialize)]
pub(crate) struct TokenResponse {
    pub access_token: AccessToken,
    /// Entra always says `Bearer`; answers without it are read the same.
    #[serde(default = "bearer")]
    token_type: BasicTokenType,
    #[serde(default)]
    pub refresh_token: Option<RefreshToken>,
    #[serde(default, skip_serializing)]
    pub id_token: Option<Secret>,
    #[serde(deserialize_with = "seconds")]
    pub expires_in: u64,
}

fn bearer() -> BasicTokenType {
    BasicTokenType::Bearer
}

impl TokenResponse {
    pub fn access(&self) -> Secret {
        Secret::new(self.access_token.secret().clone())
    }

    /// The new refresh token, when Entra rotated it.
    pub fn rotated_refresh(&self) -> Option<Secret> {
        self.refresh_token
            .as_ref()
            .map(|token| Secret::new(token.secret().clone()))
    }
}

impl oauth2::TokenResponse for TokenResponse {
    type TokenType = BasicTokenType;

    fn access_token(&self) -> &AccessToken {
        &self.access_token
    }

    fn token_type(&self) -> &BasicTokenType {
        &self.token_type
    }

    fn expires_in(&self) -> Option<Duration> {
        Some(Duration::from_secs(self.expires_in))
    }

    fn refresh_token(&self) -> Option<&RefreshToken> {
        self.refresh_token.as_ref()
    }

    /// Not read: a session keeps the scopes it asked for.
    fn scopes(&self) -> Option<&Vec<Scope>> {
        None
    }
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

/// A public client of one tenant's endpoints: no secret, the client ID in the form.
pub(crate) type OAuthClient = oauth2::Client<
    BasicErrorResponse,
    TokenResponse,
    BasicTokenIntrospectionResponse,
    StandardRevocableToken,
    BasicRevocationErrorResponse,
    EndpointSet,
    EndpointMaybeSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointSet,
>;

pub(crate) fn oauth_client(endpoints: &Endpoints, client_id: &str) -> OAuthClient {
    oauth2::Client::new(ClientId::new(client_id.to_owned()))
        .set_auth_type(AuthType::RequestBody)
        .set_auth_uri(AuthUrl::from_url(endpoints.authorization.clone()))
        .set_token_uri(TokenUrl::from_url(endpoints.token.clone()))
        .set_device_authorization_url_option(
            endpoints
                .device_authorization
                .clone()
                .map(DeviceAuthorizationUrl::from_url),
        )
}

/// A space-separated scope string as `oauth2` scopes.
pub(crate) fn scopes(scope: &str) -> impl Iterator<Item = Scope> + '_ {
    scope.split_whitespace().map(|s| Scope::new(s.to_owned()))
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
