//! One PBX address serving many tenants, as a multi-tenant PortSIP does: each tenant is its own
//! [`Pbx`] (its users, settings, keys, sessions), and every request goes to the tenant it
//! belongs to — a sign-in by the `domain` it names, a refresh by the token it brings, `GET
//! /info?domain=` by its domain, everything else by the access token it carries.
//!
//! A sign-in without a domain (the system administrator) goes to the first tenant's instance,
//! which holds the system-wide integration. A request that names no tenant, or one the PBX does
//! not know, also goes there: it answers as PortSIP does (401, 404) since nothing matches.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{Method, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tower::ServiceExt;

use super::Pbx;
use super::error::ApiError;

/// The largest sign-in body read to find its tenant: axum's default body limit, which the
/// tenant's own endpoint applies too.
const SIGN_IN_BODY_LIMIT: usize = 2 * 1024 * 1024;

impl Pbx {
    /// Whether this tenant issued the access token (and it has not been dropped).
    fn holds_access_token(&self, token: &str) -> bool {
        self.lock().sessions.contains_key(token)
    }

    /// Whether this tenant issued the refresh token.
    fn holds_refresh_token(&self, token: &str) -> bool {
        self.lock().refresh_grants.contains_key(token)
    }
}

/// The tenants behind one address.
struct Host {
    tenants: Vec<(Arc<Pbx>, Router)>,
    /// Which tenant an access token belongs to, once found: tokens never change tenant.
    owners: Mutex<HashMap<String, usize>>,
}

/// The router of one PBX address for `tenants` (at least one; the first also answers requests
/// that name no tenant).
pub fn multi_tenant_router(tenants: &[Arc<Pbx>]) -> Router {
    let host = Host {
        tenants: tenants
            .iter()
            .map(|pbx| (Arc::clone(pbx), pbx.router()))
            .collect(),
        owners: Mutex::new(HashMap::new()),
    };
    Router::new().fallback(dispatch).with_state(Arc::new(host))
}

async fn dispatch(State(host): State<Arc<Host>>, request: Request) -> Response {
    let path = request.uri().path();
    let signs_in = request.method() == Method::POST
        && (path == "/api/login"
            || path == "/api/auth/refresh_token"
            || path.starts_with("/api/auth/sign_in/"));
    let (tenant, request) = if signs_in {
        let (parts, body) = request.into_parts();
        let Ok(bytes) = to_bytes(body, SIGN_IN_BODY_LIMIT).await else {
            return ApiError::field("body", "the request body is too large").into_response();
        };
        let fields: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let text = |name: &str| fields.get(name).and_then(Value::as_str).unwrap_or_default();
        let tenant = if parts.uri.path() == "/api/auth/refresh_token" {
            host.find(|pbx| pbx.holds_refresh_token(text("refresh_token")))
        } else {
            host.by_domain(text("domain"))
        };
        (tenant, Request::from_parts(parts, Body::from(bytes)))
    } else if path == "/api/info" {
        let domain = request
            .uri()
            .query()
            .and_then(|query| {
                url::form_urlencoded::parse(query.as_bytes())
                    .find(|(name, _)| name == "domain")
                    .map(|(_, value)| value.into_owned())
            })
            .unwrap_or_default();
        (host.by_domain(&domain), request)
    } else {
        let tenant = bearer(&request).and_then(|token| host.by_access_token(token));
        (tenant, request)
    };
    let router = host.tenants[tenant.unwrap_or(0)].1.clone();
    match router.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

fn bearer(request: &Request) -> Option<&str> {
    request
        .headers()
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .split_once(' ')
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim())
}

impl Host {
    fn find(&self, holds: impl Fn(&Pbx) -> bool) -> Option<usize> {
        self.tenants.iter().position(|(pbx, _)| holds(pbx))
    }

    fn by_domain(&self, domain: &str) -> Option<usize> {
        if domain.is_empty() {
            return None;
        }
        self.find(|pbx| pbx.demo.domain.eq_ignore_ascii_case(domain))
    }

    fn by_access_token(&self, token: &str) -> Option<usize> {
        let mut owners = self.owners.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(&known) = owners.get(token) {
            return Some(known);
        }
        let found = self.find(|pbx| pbx.holds_access_token(token))?;
        owners.insert(token.to_owned(), found);
        Some(found)
    }
}
