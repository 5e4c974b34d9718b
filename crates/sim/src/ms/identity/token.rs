//! `/{tenant}/oauth2/v2.0/token`: authorization code (+ PKCE), refresh token, device code and
//! client credentials with a certificate assertion.

use std::sync::Arc;
use std::time::Instant;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use time::OffsetDateTime;

use super::Params;
use super::client::Client;
use super::issue::DelegatedGrant;
use super::scopes::Scopes;
use crate::ms::Cloud;
use crate::ms::aad_error::{AadError, entra_timestamp};
use crate::ms::ids::pkce_s256;
use crate::ms::state::State as CloudState;
use crate::ms::tenant::Authority;

pub(crate) const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

pub(crate) async fn token(
    State(cloud): State<Arc<Cloud>>,
    Path(tenant): Path<String>,
    body: Bytes,
) -> Response {
    match cloud.token(&tenant, &Params::parse(&body)) {
        Ok(body) => (
            [
                (header::CACHE_CONTROL, "no-store, no-cache"),
                (header::PRAGMA, "no-cache"),
            ],
            Json(body),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

fn invalid_grant_malformed(what: &str) -> AadError {
    AadError::invalid_grant(
        70000,
        format!("Provided grant is invalid or malformed. {what}"),
    )
}

impl Cloud {
    fn token(&self, segment: &str, params: &Params) -> Result<Value, AadError> {
        let authority = self
            .tenant
            .resolve(segment)
            .map_err(|e| e.with_error("invalid_request"))?;
        match params.require("grant_type")? {
            "authorization_code" => self.redeem_code(segment, params),
            "refresh_token" => self.redeem_refresh_token(segment, params),
            DEVICE_CODE_GRANT | "device_code" => self.redeem_device_code(params),
            "client_credentials" => self.client_credentials(authority, segment, params),
            other => Err(AadError::new(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                70003,
                format!("The app requested an unsupported grant type '{other}'."),
            )),
        }
    }

    /// Public clients must send no credential; confidential ones a certificate assertion.
    fn authenticate_client(
        &self,
        state: &mut CloudState,
        client: &Client,
        public: bool,
        params: &Params,
        segment: &str,
    ) -> Result<(), AadError> {
        let has_secret = params.get("client_secret").is_some();
        let has_assertion = params.get("client_assertion").is_some();
        match client {
            _ if public => {
                if has_secret || has_assertion {
                    return Err(AadError::invalid_client(
                        700025,
                        "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
                    ));
                }
                Ok(())
            }
            Client::Registered(app) => {
                if has_secret {
                    return Err(AadError::invalid_client(
                        7000215,
                        format!(
                            "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{}'.",
                            app.app_id
                        ),
                    ));
                }
                if !has_assertion {
                    return Err(AadError::invalid_client(
                        7000218,
                        "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
                    ));
                }
                self.verify_client_assertion(state, app, params, segment)
            }
            Client::FirstParty(_) => Ok(()),
        }
    }

    fn redeem_code(&self, segment: &str, params: &Params) -> Result<Value, AadError> {
        let client = self.require_client(params)?;
        let code = params.require("code")?;
        let redirect_uri = params.require("redirect_uri")?;
        let mut state = self.state();
        let Some(entry) = state.codes.get(code).cloned() else {
            return Err(invalid_grant_malformed(
                "The authorization code is not valid.",
            ));
        };
        if entry.redeemed {
            return Err(AadError::invalid_grant(
                54005,
                "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
            ));
        }
        if entry.expires <= Instant::now() {
            return Err(AadError::invalid_grant(
                70008,
                "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
            ));
        }
        if !entry.client_id.eq_ignore_ascii_case(client.app_id()) {
            return Err(invalid_grant_malformed(
                "The code was issued to another client.",
            ));
        }
        if entry.redirect_uri != redirect_uri {
            return Err(AadError::invalid_grant(
                500112,
                format!(
                    "The reply address '{redirect_uri}' does not match the reply address '{}' provided when requesting Authorization code.",
                    entry.redirect_uri
                ),
            ));
        }
        self.authenticate_client(&mut state, &client, entry.public_client, params, segment)?;
        if let Some(challenge) = &entry.code_challenge {
            let verified = params
                .get("code_verifier")
                .is_some_and(|v| pkce_s256(v) == *challenge);
            if !verified {
                return Err(AadError::invalid_grant(
                    50148,
                    "The code_verifier does not match the code_challenge supplied in the authorization request for PKCE.",
                ));
            }
        }
        if let Some(stored) = state.codes.get_mut(code) {
            stored.redeemed = true;
        }
        let user = self
            .directory
            .by_id(&entry.user_id)
            .ok_or_else(|| invalid_grant_malformed("The user no longer exists."))?;
        self.delegated_response(
            &mut state,
            &DelegatedGrant {
                user,
                client_id: client.app_id(),
                scopes: &entry.scopes,
                nonce: entry.nonce.as_deref(),
                public_client: entry.public_client,
            },
        )
    }

    fn redeem_refresh_token(&self, segment: &str, params: &Params) -> Result<Value, AadError> {
        let client = self.require_client(params)?;
        let token = params.require("refresh_token")?;
        let mut state = self.state();
        let grant = state
            .refresh_tokens
            .get(token)
            .cloned()
            .ok_or_else(|| invalid_grant_malformed("The refresh token is not valid."))?;
        if !grant.client_id.eq_ignore_ascii_case(client.app_id()) {
            return Err(invalid_grant_malformed(
                "The refresh token was issued to another client.",
            ));
        }
        let issued = entra_timestamp(grant.issued);
        if grant.revoked {
            return Err(AadError::invalid_grant(
                50173,
                format!(
                    "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '{issued}' and the TokensValidFrom date (before which tokens are not valid) for this user is '{}'.",
                    entra_timestamp(OffsetDateTime::now_utc())
                ),
            ));
        }
        if grant.expires <= Instant::now() {
            return Err(AadError::invalid_grant(
                700082,
                format!(
                    "The refresh token has expired due to inactivity. The token was issued on {issued} and was inactive for {} minutes.",
                    self.switches().refresh_token_lifetime.as_secs() / 60
                ),
            ));
        }
        self.authenticate_client(&mut state, &client, grant.public_client, params, segment)?;
        let scopes = match params.get("scope") {
            None => grant.scopes.clone(),
            Some(raw) => {
                let mut requested = Scopes::parse(
                    raw,
                    self.national.graph_resource(),
                    &self.tenant.display_name,
                )?;
                let consented = state
                    .consents
                    .get(&(grant.client_id.clone(), grant.user_id.clone()))
                    .cloned()
                    .unwrap_or_default();
                if requested.graph_default {
                    requested.graph_default = false;
                    requested.graph = consented.clone();
                }
                if !requested.covered_by(&consented) {
                    return Err(AadError::invalid_grant(
                        65001,
                        format!(
                            "The user or administrator has not consented to use the application with ID '{}' named '{}'. Send an interactive authorization request for this user and resource.",
                            client.app_id(),
                            client.name()
                        ),
                    ));
                }
                if requested.graph.is_empty() {
                    requested.graph = grant.scopes.graph.clone();
                }
                if grant.scopes.has("offline_access") {
                    requested.oidc.insert("offline_access");
                }
                requested
            }
        };
        let user = self
            .directory
            .by_id(&grant.user_id)
            .ok_or_else(|| invalid_grant_malformed("The user no longer exists."))?;
        self.delegated_response(
            &mut state,
            &DelegatedGrant {
                user,
                client_id: client.app_id(),
                scopes: &scopes,
                nonce: None,
                public_client: grant.public_client,
            },
        )
    }

    fn client_credentials(
        &self,
        authority: Authority,
        segment: &str,
        params: &Params,
    ) -> Result<Value, AadError> {
        if authority != Authority::Tenant {
            return Err(AadError::invalid_request(
                50059,
                "No tenant-identifying information found in either the request or implied by any provided credentials.",
            ));
        }
        let client_id = params.require("client_id")?;
        let scope = params.require("scope")?;
        let mut state = self.state();
        let app = state
            .visible_app(client_id)
            .cloned()
            .ok_or_else(|| AadError::app_not_found(client_id, &self.tenant.display_name))?;
        self.authenticate_client(
            &mut state,
            &Client::Registered(Box::new(app.clone())),
            false,
            params,
            segment,
        )?;
        Scopes::check_app_only(
            scope,
            self.national.graph_resource(),
            &self.tenant.display_name,
        )?;
        let sp = state.sp_by_app_id(client_id).cloned().ok_or_else(|| {
            AadError::invalid_client(
                7000229,
                format!(
                    "The client application {} is missing service principal in the tenant {}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119",
                    app.app_id, self.tenant.id
                ),
            )
        })?;
        if !sp.account_enabled {
            return Err(AadError::unauthorized_client(
                7000112,
                format!(
                    "Application '{}'({}) is disabled.",
                    app.app_id, app.display_name
                ),
            ));
        }
        let roles = state.granted_graph_roles(&sp.id);
        drop(state);
        self.app_only_response(&sp, &roles)
    }
}
