//! The PBX's own calls to Microsoft: client credentials with a certificate assertion signed
//! by the integration's private key, then Graph `GET /v1.0/users` page by page, asking what
//! the version played asks ([`GraphUserQuery`]). This is what makes `GET /ms365/users` the
//! end-to-end proof that an integration works, with the permissions that version needs.

use std::sync::Arc;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::Pbx;
use super::auth::Caller;
use super::certificate::KeyMaterial;
use super::error::{self, ApiError};
use super::version::GraphUserQuery;

/// A runaway `@odata.nextLink` chain stops here.
const MAX_PAGES: usize = 1000;

/// How the PBX reaches Microsoft.
#[derive(Debug)]
pub struct MicrosoftClient {
    http: reqwest::Client,
    authority: String,
}

/// What the tenant's integration signs in with.
#[derive(Debug)]
pub struct AppIdentity {
    pub directory_id: String,
    pub application_id: String,
    pub national_cloud: String,
    pub key: Arc<KeyMaterial>,
}

/// Why a call to Microsoft failed, in words an admin can act on.
#[derive(Debug, thiserror::Error)]
pub enum MicrosoftError {
    #[error("Microsoft 365 refused the PBX's sign-in (HTTP {status}): {description}")]
    SignIn { status: u16, description: String },
    #[error("Microsoft Graph refused the request (HTTP {status}): {code}: {message}")]
    Graph {
        status: u16,
        code: String,
        message: String,
    },
    #[error("Microsoft 365 could not be reached at {url}: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("Microsoft 365 answered {url} with something unexpected: {reason}")]
    Malformed { url: String, reason: String },
    #[error("the PBX could not sign its client assertion: {0}")]
    Assertion(String),
}

/// The Graph resource of each national cloud; tokens never cross clouds.
fn graph_scope(national_cloud: &str) -> &'static str {
    if national_cloud.eq_ignore_ascii_case("CHINA") {
        "https://microsoftgraph.chinacloudapi.cn/.default"
    } else {
        "https://graph.microsoft.com/.default"
    }
}

impl MicrosoftClient {
    pub fn new(authority: &str, ca_pem: Option<&str>) -> Result<Self, reqwest::Error> {
        let mut builder = reqwest::Client::builder().use_rustls_tls();
        if let Some(pem) = ca_pem {
            builder = builder.add_root_certificate(reqwest::Certificate::from_pem(pem.as_bytes())?);
        }
        Ok(Self {
            http: builder.build()?,
            authority: authority.trim_end_matches('/').to_owned(),
        })
    }

    /// Where the PBX reaches Microsoft's login host.
    pub fn authority(&self) -> &str {
        &self.authority
    }

    async fn read_json(
        url: &str,
        response: reqwest::Response,
    ) -> Result<(u16, Value), MicrosoftError> {
        let status = response.status().as_u16();
        let text = response
            .text()
            .await
            .map_err(|e| MicrosoftError::Unreachable {
                url: url.to_owned(),
                reason: e.to_string(),
            })?;
        let body = serde_json::from_str(&text).map_err(|e| MicrosoftError::Malformed {
            url: url.to_owned(),
            reason: format!("HTTP {status}, not JSON ({e})"),
        })?;
        Ok((status, body))
    }

    fn unreachable(url: &str, error: &reqwest::Error) -> MicrosoftError {
        // The source chain holds the useful part (TLS, refused connection, …).
        let mut reason = error.to_string();
        let mut source = std::error::Error::source(error);
        while let Some(cause) = source {
            reason = format!("{reason}: {cause}");
            source = cause.source();
        }
        MicrosoftError::Unreachable {
            url: url.to_owned(),
            reason,
        }
    }

    /// Client credentials with a certificate assertion → an app-only Graph access token.
    async fn app_token(&self, app: &AppIdentity) -> Result<String, MicrosoftError> {
        let url = format!("{}/{}/oauth2/v2.0/token", self.authority, app.directory_id);
        let assertion = app
            .key
            .client_assertion(&app.application_id, &url)
            .map_err(|e| MicrosoftError::Assertion(e.to_string()))?;
        let response = self
            .http
            .post(&url)
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", app.application_id.as_str()),
                ("scope", graph_scope(&app.national_cloud)),
                (
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ),
                ("client_assertion", assertion.as_str()),
            ])
            .send()
            .await
            .map_err(|e| Self::unreachable(&url, &e))?;
        let (status, body) = Self::read_json(&url, response).await?;
        match body.get("access_token").and_then(Value::as_str) {
            Some(token) if status == 200 => Ok(token.to_owned()),
            _ => Err(MicrosoftError::SignIn {
                status,
                // Entra's own description carries the AADSTS code the admin needs.
                description: body
                    .get("error_description")
                    .or_else(|| body.get("error"))
                    .and_then(Value::as_str)
                    .map_or_else(|| body.to_string(), str::to_owned),
            }),
        }
    }

    /// The first page's URL of the directory listing `query` asks for.
    fn users_url(&self, query: GraphUserQuery) -> Result<String, MicrosoftError> {
        let base = format!("{}/v1.0/users", self.authority);
        let mut url = url::Url::parse(&base).map_err(|e| MicrosoftError::Malformed {
            url: base.clone(),
            reason: e.to_string(),
        })?;
        {
            let mut pairs = url.query_pairs_mut();
            pairs.append_pair("$select", query.select);
            if let Some(filter) = query.filter {
                pairs.append_pair("$filter", filter);
            }
            pairs.append_pair("$top", "999");
        }
        Ok(url.into())
    }

    /// Every user of the directory `query` lists, as `{id, name, email}`.
    pub async fn list_users(
        &self,
        app: &AppIdentity,
        query: GraphUserQuery,
    ) -> Result<Vec<Value>, MicrosoftError> {
        let token = self.app_token(app).await?;
        let mut next = Some(self.users_url(query)?);
        let mut users = Vec::new();
        for _ in 0..MAX_PAGES {
            let Some(url) = next.take() else {
                break;
            };
            let response = self
                .http
                .get(&url)
                .bearer_auth(&token)
                .send()
                .await
                .map_err(|e| Self::unreachable(&url, &e))?;
            let (status, body) = Self::read_json(&url, response).await?;
            if status != 200 {
                let error = body.get("error");
                let text = |field: &str| {
                    error
                        .and_then(|e| e.get(field))
                        .and_then(Value::as_str)
                        .unwrap_or_default()
                        .to_owned()
                };
                return Err(MicrosoftError::Graph {
                    status,
                    code: text("code"),
                    message: text("message"),
                });
            }
            let page = body.get("value").and_then(Value::as_array).ok_or_else(|| {
                MicrosoftError::Malformed {
                    url: url.clone(),
                    reason: "no `value` list".to_owned(),
                }
            })?;
            users.extend(page.iter().map(portsip_view));
            next = body
                .get("@odata.nextLink")
                .and_then(Value::as_str)
                .map(str::to_owned);
        }
        Ok(users)
    }
}

/// Graph's user → PortSIP's `{id, name, email}`; `email` falls back to the UPN, as a user
/// without a mailbox still signs in with it.
fn portsip_view(user: &Value) -> Value {
    let text = |field: &str| {
        user.get(field)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    json!({
        "id": text("id").unwrap_or_default(),
        "name": text("displayName").unwrap_or_default(),
        "email": text("mail").or_else(|| text("userPrincipalName")).unwrap_or_default(),
    })
}

impl Pbx {
    /// The tenant integration's identity, or why it is not configured yet.
    pub(super) fn tenant_app(&self) -> Result<AppIdentity, ApiError> {
        let state = self.lock();
        let integration = &state.tenant.integration;
        let mut missing = Vec::new();
        if integration.text("application_id").is_none() {
            missing.push("the Application ID");
        }
        if integration.text("directory_id").is_none() {
            missing.push("the Directory ID");
        }
        if integration.key.is_none() {
            missing.push("a key pair");
        }
        match (&integration.key, missing.is_empty()) {
            (Some(key), true) => Ok(AppIdentity {
                directory_id: integration
                    .text("directory_id")
                    .unwrap_or_default()
                    .to_owned(),
                application_id: integration
                    .text("application_id")
                    .unwrap_or_default()
                    .to_owned(),
                national_cloud: integration
                    .text("national_cloud")
                    .unwrap_or("GLOBAL")
                    .to_owned(),
                key: Arc::clone(key),
            }),
            _ => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                error::MS365_NOT_CONFIGURED,
                format!(
                    "The Microsoft 365 integration is not configured: it lacks {}.",
                    missing.join(", ")
                ),
            )),
        }
    }
}

/// `GET /ms365/users`: the PBX asks Microsoft itself.
pub async fn list_users(State(pbx): State<Arc<Pbx>>, caller: Caller) -> Result<Response, ApiError> {
    caller.require_tenant_admin()?;
    let app = pbx.tenant_app()?;
    let query = pbx.capabilities().graph_users;
    let users = pbx.microsoft.list_users(&app, query).await.map_err(|e| {
        tracing::info!(error = %e, "the PBX's call to Microsoft 365 failed");
        ApiError::new(
            StatusCode::BAD_REQUEST,
            error::MS365_REQUEST_FAILED,
            e.to_string(),
        )
    })?;
    Ok(axum::Json(json!({"count": users.len(), "items": users})).into_response())
}
