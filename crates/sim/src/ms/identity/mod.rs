//! The identity platform: `{base}/{tenant}/…` endpoints of login.microsoftonline.com.

mod admin_consent;
mod assertion;
mod authorize;
mod client;
mod consent;
mod device;
mod discovery;
mod issue;
pub(crate) mod scopes;
mod token;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

pub(crate) use issue::pairwise_subject;

use super::Cloud;
use super::aad_error::AadError;

pub(crate) fn routes() -> Router<Arc<Cloud>> {
    Router::new()
        .route(
            "/{tenant}/v2.0/.well-known/openid-configuration",
            get(discovery::openid_configuration),
        )
        .route("/{tenant}/discovery/v2.0/keys", get(discovery::keys))
        .route("/{tenant}/discovery/keys", get(discovery::keys))
        .route("/{tenant}/oauth2/v2.0/logout", get(discovery::logout))
        .route(
            "/{tenant}/oauth2/v2.0/authorize",
            get(authorize::show).post(authorize::submit),
        )
        .route("/{tenant}/oauth2/v2.0/token", post(token::token))
        .route(
            "/{tenant}/oauth2/v2.0/devicecode",
            post(device::device_code),
        )
        .route(
            "/{tenant}/v2.0/adminconsent",
            get(admin_consent::show_v2).post(admin_consent::submit_v2),
        )
        .route(
            "/{tenant}/adminconsent",
            get(admin_consent::show_v1).post(admin_consent::submit_v1),
        )
        .route(
            "/devicelogin",
            get(device::login_page).post(device::login_submit),
        )
}

/// Query or form parameters; an empty value counts as absent, as Entra treats it.
#[derive(Debug, Default)]
pub(crate) struct Params(HashMap<String, String>);

impl Params {
    pub fn parse(raw: &[u8]) -> Params {
        Params(url::form_urlencoded::parse(raw).into_owned().collect())
    }

    pub fn from_query(query: Option<String>) -> Params {
        Params::parse(query.unwrap_or_default().as_bytes())
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|v| !v.trim().is_empty())
    }

    pub fn require(&self, name: &str) -> Result<&str, AadError> {
        self.get(name)
            .ok_or_else(|| AadError::missing_parameter(name))
    }
}
