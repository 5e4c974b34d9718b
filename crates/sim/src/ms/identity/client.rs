//! Who is asking: first-party public clients and the tenant's own app registrations, their
//! redirect URIs, and how a response travels back to them.

use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use url::Url;

use super::Params;
use crate::ms::Cloud;
use crate::ms::aad_error::AadError;
use crate::ms::catalog::{self, FirstPartyClient};
use crate::ms::html::escape;
use crate::ms::model::Application;
use crate::ms::tenant::Authority;

#[derive(Debug, Clone)]
pub(crate) enum Client {
    FirstParty(FirstPartyClient),
    Registered(Box<Application>),
}

/// How a redirect URI is registered, which decides how the client must authenticate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RedirectKind {
    /// "Mobile and desktop applications": a public client, PKCE, no credential.
    Public,
    /// "Web": a confidential client that must present a credential to redeem the code.
    Web,
}

/// The only redirect URI the first-party tools register for loopback sign-in.
const FIRST_PARTY_REDIRECT: &str = "http://localhost";

impl Client {
    pub fn app_id(&self) -> &str {
        match self {
            Client::FirstParty(c) => c.app_id,
            Client::Registered(app) => &app.app_id,
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Client::FirstParty(c) => c.name,
            Client::Registered(app) => &app.display_name,
        }
    }

    /// Whether the device-code flow (a public-client flow) is allowed.
    pub fn allows_public_flows(&self) -> bool {
        match self {
            Client::FirstParty(_) => true,
            Client::Registered(app) => app.is_fallback_public_client == Some(true),
        }
    }

    pub fn redirect_kind(&self, requested: &str) -> Option<RedirectKind> {
        match self {
            Client::FirstParty(_) => {
                loopback_matches(FIRST_PARTY_REDIRECT, requested).then_some(RedirectKind::Public)
            }
            Client::Registered(app) => {
                if app
                    .public_client_redirect_uris
                    .iter()
                    .any(|r| r == requested || loopback_matches(r, requested))
                {
                    Some(RedirectKind::Public)
                } else if app.web_redirect_uris.iter().any(|r| r == requested) {
                    Some(RedirectKind::Web)
                } else {
                    None
                }
            }
        }
    }

    /// AADSTS50194: a single-tenant app signing in through `common` or `organizations`.
    pub fn check_authority(&self, authority: Authority) -> Result<(), AadError> {
        match self {
            Client::Registered(app)
                if authority != Authority::Tenant && app.sign_in_audience == "AzureADMyOrg" =>
            {
                Err(AadError::invalid_request(
                    50194,
                    format!(
                        "Application '{}'({}) is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.",
                        app.app_id, app.display_name
                    ),
                ))
            }
            _ => Ok(()),
        }
    }
}

/// Entra ignores the port of `http://localhost` redirect URIs; scheme, host, path and query
/// must still match.
pub(crate) fn loopback_matches(registered: &str, requested: &str) -> bool {
    let (Ok(registered), Ok(requested)) = (Url::parse(registered), Url::parse(requested)) else {
        return false;
    };
    registered.scheme() == "http"
        && requested.scheme() == "http"
        && registered.host_str() == Some("localhost")
        && requested.host_str() == Some("localhost")
        && registered.path() == requested.path()
        && registered.query() == requested.query()
        && requested.fragment().is_none()
}

pub(crate) fn redirect_mismatch(redirect_uri: &str, app_id: &str) -> AadError {
    AadError::invalid_request(
        50011,
        format!(
            "The redirect URI '{redirect_uri}' specified in the request does not match the redirect URIs configured for the application '{app_id}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this."
        ),
    )
}

impl Cloud {
    /// A client the tenant knows, as its replicas see it right now.
    pub(crate) fn find_client(&self, client_id: &str) -> Option<Client> {
        if let Some(c) = catalog::first_party(client_id) {
            return Some(Client::FirstParty(c));
        }
        self.state()
            .visible_app(client_id)
            .map(|app| Client::Registered(Box::new(app.clone())))
    }

    pub(crate) fn require_client(&self, params: &Params) -> Result<Client, AadError> {
        let client_id = params.require("client_id")?;
        self.find_client(client_id)
            .ok_or_else(|| AadError::app_not_found(client_id, &self.tenant.display_name))
    }
}

/// Where and how an authorization response goes back to the client.
#[derive(Debug, Clone)]
pub(crate) struct ReplyTo {
    pub redirect_uri: String,
    /// `query` (default), `fragment` or `form_post`.
    pub response_mode: String,
    pub state: Option<String>,
}

impl ReplyTo {
    pub fn from_params(redirect_uri: &str, params: &Params) -> ReplyTo {
        ReplyTo {
            redirect_uri: redirect_uri.to_owned(),
            response_mode: params.get("response_mode").unwrap_or("query").to_owned(),
            state: params.get("state").map(str::to_owned),
        }
    }

    /// Sends `pairs` (and `state`) back as the response mode asks.
    pub fn send(&self, pairs: &[(&str, &str)]) -> Response {
        let mut all: Vec<(&str, &str)> = pairs.to_vec();
        if let Some(state) = &self.state {
            all.push(("state", state));
        }
        if self.response_mode == "form_post" {
            return form_post(&self.redirect_uri, &all);
        }
        let encoded: String = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&all)
            .finish();
        let separator = if self.response_mode == "fragment" {
            '#'
        } else if self.redirect_uri.contains('?') {
            '&'
        } else {
            '?'
        };
        let location = format!("{}{separator}{encoded}", self.redirect_uri);
        (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
    }

    pub fn send_error(&self, err: &AadError) -> Response {
        let d = err.describe();
        let codes = err.code.to_string();
        self.send(&[
            ("error", err.error),
            ("error_description", &d.description),
            ("error_codes", &codes),
            ("trace_id", &d.trace_id),
            ("correlation_id", &d.correlation_id),
        ])
    }
}

fn form_post(action: &str, pairs: &[(&str, &str)]) -> Response {
    let inputs: String = pairs
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                escape(k),
                escape(v)
            )
        })
        .collect();
    Html(format!(
        "<!doctype html><html><head><title>Working...</title></head><body onload=\"document.forms[0].submit()\">\
<form method=\"post\" action=\"{}\">{inputs}<noscript><button type=\"submit\">Continue</button></noscript></form></body></html>",
        escape(action)
    ))
    .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_ignores_only_the_port() {
        assert!(loopback_matches(
            "http://localhost",
            "http://localhost:51234"
        ));
        assert!(loopback_matches(
            "http://localhost",
            "http://localhost:51234/"
        ));
        assert!(loopback_matches(
            "http://localhost:1000/cb",
            "http://localhost:2000/cb"
        ));
        assert!(!loopback_matches(
            "http://localhost",
            "http://localhost:5/cb"
        ));
        assert!(!loopback_matches("http://localhost", "http://127.0.0.1:5"));
        assert!(!loopback_matches("http://localhost", "https://localhost:5"));
        assert!(!loopback_matches(
            "https://pbx.example/cb",
            "https://pbx.example/cb"
        ));
    }

    #[test]
    fn replies_keep_state_and_existing_query() {
        let reply = ReplyTo {
            redirect_uri: "http://localhost:5/?x=1".to_owned(),
            response_mode: "query".to_owned(),
            state: Some("s t".to_owned()),
        };
        let response = reply.send(&[("code", "abc")]);
        assert_eq!(response.status(), StatusCode::FOUND);
        let location = response
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned();
        assert_eq!(location, "http://localhost:5/?x=1&code=abc&state=s+t");
    }
}
