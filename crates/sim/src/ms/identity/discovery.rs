//! OpenID Connect discovery, the signing keys, and sign-out.

use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::Params;
use crate::ms::Cloud;
use crate::ms::aad_error::AadError;
use crate::ms::catalog::National;
use crate::ms::html::message_page;

impl Cloud {
    fn host_port(&self) -> &str {
        self.base_url
            .split_once("://")
            .map_or(self.base_url.as_str(), |(_, rest)| rest)
    }

    // The worldwide cloud names the emulator's own host, so that any client reaches its Graph
    // by following discovery. Playing 21Vianet it names that cloud's hosts, as
    // login.chinacloudapi.cn does: a client must know where the cloud is reached instead.
    fn instance_name(&self) -> &str {
        match self.national {
            National::Global => self.host_port(),
            National::China => self.national.cloud_instance_name(),
        }
    }

    fn graph_host_name(&self) -> &str {
        match self.national {
            National::Global => self.host_port(),
            National::China => self.national.cloud_graph_host_name(),
        }
    }

    fn msgraph_host(&self) -> &str {
        match self.national {
            National::Global => self.host_port(),
            National::China => self.national.msgraph_host(),
        }
    }

    fn openid_configuration_for(&self, segment: &str) -> Result<Value, AadError> {
        let authority = self.tenant.resolve(segment)?;
        // Discovery of a named tenant answers with its GUID; the multi-tenant segments keep
        // their name and leave `{tenantid}` in the issuer for the client to fill in.
        let (path, issuer_tenant) = match authority.multi_tenant_segment() {
            Some(name) => (name.to_owned(), "{tenantid}".to_owned()),
            None => (self.tenant.id.clone(), self.tenant.id.clone()),
        };
        let base = &self.base_url;
        Ok(json!({
            "token_endpoint": format!("{base}/{path}/oauth2/v2.0/token"),
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
            "jwks_uri": format!("{base}/{path}/discovery/v2.0/keys"),
            "response_modes_supported": ["query", "fragment", "form_post"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
            "scopes_supported": ["openid", "profile", "email", "offline_access"],
            "issuer": format!("{base}/{issuer_tenant}/v2.0"),
            "request_uri_parameter_supported": false,
            "userinfo_endpoint": format!("{base}/oidc/userinfo"),
            "authorization_endpoint": format!("{base}/{path}/oauth2/v2.0/authorize"),
            "device_authorization_endpoint": format!("{base}/{path}/oauth2/v2.0/devicecode"),
            "http_logout_supported": true,
            "frontchannel_logout_supported": true,
            "end_session_endpoint": format!("{base}/{path}/oauth2/v2.0/logout"),
            "claims_supported": [
                "sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name",
                "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username",
                "name", "tid", "ver", "at_hash", "c_hash", "email"
            ],
            "tenant_region_scope": "EU",
            "cloud_instance_name": self.instance_name(),
            "cloud_graph_host_name": self.graph_host_name(),
            "msgraph_host": self.msgraph_host(),
        }))
    }
}

pub(crate) async fn openid_configuration(
    State(cloud): State<Arc<Cloud>>,
    Path(tenant): Path<String>,
) -> Response {
    match cloud.openid_configuration_for(&tenant) {
        Ok(doc) => Json(doc).into_response(),
        Err(e) => e.into_response(),
    }
}

pub(crate) async fn keys(State(cloud): State<Arc<Cloud>>, Path(tenant): Path<String>) -> Response {
    if let Err(e) = cloud.tenant.resolve(&tenant) {
        return e.into_response();
    }
    match cloud.signer() {
        Ok(key) => (
            [(header::CACHE_CONTROL, "max-age=86400, private")],
            Json(json!({ "keys": [key.jwk(&cloud.issuer())] })),
        )
            .into_response(),
        Err(reason) => AadError::server_error(&reason).into_response(),
    }
}

/// Sign-out: there is no session to end, so it only returns to the client if asked to.
pub(crate) async fn logout(RawQuery(query): RawQuery) -> Response {
    let params = Params::from_query(query);
    match params
        .get("post_logout_redirect_uri")
        .filter(|uri| url::Url::parse(uri).is_ok())
    {
        Some(uri) => (StatusCode::FOUND, [(header::LOCATION, uri.to_owned())]).into_response(),
        None => message_page(
            "You signed out of your account",
            "It's a good idea to close all browser windows.",
        )
        .into_response(),
    }
}
