//! The body of `POST /applications` and `PATCH /applications/{id}`, validated as Graph does.
//! Complex properties (`web`, `publicClient`, `spa`) merge; collections replace, so a PATCH of
//! `keyCredentials` replaces the whole list.

use std::time::{Duration, Instant};

use base64::Engine;
use serde::Deserialize;
use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::error::GraphError;
use crate::ms::ids::{is_guid, new_uuid, sha1, sha256};
use crate::ms::model::{Application, KeyCredential, RequiredResourceAccess};

const SIGN_IN_AUDIENCES: &[&str] = &[
    "AzureADMyOrg",
    "AzureADMultipleOrgs",
    "AzureADandPersonalMicrosoftAccount",
    "PersonalMicrosoftAccount",
];
const MAX_REDIRECT_URIS: usize = 256;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub(crate) struct ApplicationInput {
    display_name: Option<String>,
    description: Option<String>,
    notes: Option<String>,
    sign_in_audience: Option<String>,
    identifier_uris: Option<Vec<String>>,
    tags: Option<Vec<String>>,
    is_fallback_public_client: Option<bool>,
    web: Option<WebInput>,
    public_client: Option<RedirectsInput>,
    spa: Option<RedirectsInput>,
    required_resource_access: Option<Vec<RequiredResourceAccess>>,
    key_credentials: Option<Vec<KeyCredentialInput>>,
    password_credentials: Option<Vec<Value>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct WebInput {
    redirect_uris: Option<Vec<String>>,
    home_page_url: Option<String>,
    logout_url: Option<String>,
    implicit_grant_settings: Option<ImplicitGrantInput>,
    /// Accepted for compatibility with what Graph returns; derived from `redirectUris`.
    #[serde(rename = "redirectUriSettings")]
    _redirect_uri_settings: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ImplicitGrantInput {
    enable_id_token_issuance: Option<bool>,
    enable_access_token_issuance: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RedirectsInput {
    redirect_uris: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct KeyCredentialInput {
    custom_key_identifier: Option<String>,
    display_name: Option<String>,
    start_date_time: Option<String>,
    end_date_time: Option<String>,
    key: Option<String>,
    key_id: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    usage: Option<String>,
}

impl ApplicationInput {
    pub fn parse(mut body: Map<String, Value>) -> Result<ApplicationInput, GraphError> {
        body.retain(|k, _| !k.starts_with('@'));
        serde_json::from_value(Value::Object(body)).map_err(|e| {
            let text = e.to_string();
            let message = match text.strip_prefix("unknown field `").and_then(|t| t.split_once('`')) {
                Some((field, _)) => format!("Property '{field}' does not exist on type 'microsoft.graph.application' or is read-only."),
                None => format!("Invalid request body: {text}"),
            };
            GraphError::bad_request("Request_BadRequest", message)
        })
    }

    /// A new app registration from a `POST /applications` body.
    pub fn create(self, replication_delay: Duration) -> Result<Application, GraphError> {
        let mut app = Application {
            id: new_uuid(),
            app_id: new_uuid(),
            display_name: String::new(),
            description: None,
            notes: None,
            sign_in_audience: "AzureADandPersonalMicrosoftAccount".to_owned(),
            created: OffsetDateTime::now_utc(),
            identifier_uris: Vec::new(),
            tags: Vec::new(),
            is_fallback_public_client: None,
            web_redirect_uris: Vec::new(),
            web_home_page_url: None,
            web_logout_url: None,
            id_token_issuance: false,
            access_token_issuance: false,
            public_client_redirect_uris: Vec::new(),
            spa_redirect_uris: Vec::new(),
            required_resource_access: Vec::new(),
            key_credentials: Vec::new(),
            replicated_at: Instant::now() + replication_delay,
        };
        if self
            .display_name
            .as_deref()
            .is_none_or(|n| n.trim().is_empty())
        {
            return Err(GraphError::invalid_value("displayName", "Application"));
        }
        self.apply(&mut app, replication_delay)?;
        Ok(app)
    }

    /// Applies a `PATCH` body; keys new to the app stay invisible for `key_delay`.
    pub fn apply(self, app: &mut Application, key_delay: Duration) -> Result<(), GraphError> {
        let mut next = app.clone();
        if let Some(name) = self.display_name {
            if name.trim().is_empty() {
                return Err(GraphError::invalid_value("displayName", "Application"));
            }
            next.display_name = name;
        }
        if let Some(description) = self.description {
            next.description = Some(description);
        }
        if let Some(notes) = self.notes {
            next.notes = Some(notes);
        }
        if let Some(audience) = self.sign_in_audience {
            if !SIGN_IN_AUDIENCES.contains(&audience.as_str()) {
                return Err(GraphError::invalid_value("signInAudience", "Application"));
            }
            next.sign_in_audience = audience;
        }
        if let Some(uris) = self.identifier_uris {
            next.identifier_uris = uris;
        }
        if let Some(tags) = self.tags {
            next.tags = tags;
        }
        if let Some(fallback) = self.is_fallback_public_client {
            next.is_fallback_public_client = Some(fallback);
        }
        if let Some(web) = self.web {
            if let Some(uris) = web.redirect_uris {
                next.web_redirect_uris =
                    checked_redirects(uris, web_redirect_ok, "WebApplication")?;
            }
            if let Some(url) = web.home_page_url {
                next.web_home_page_url = Some(url);
            }
            if let Some(url) = web.logout_url {
                next.web_logout_url = Some(url);
            }
            if let Some(implicit) = web.implicit_grant_settings {
                if let Some(on) = implicit.enable_id_token_issuance {
                    next.id_token_issuance = on;
                }
                if let Some(on) = implicit.enable_access_token_issuance {
                    next.access_token_issuance = on;
                }
            }
        }
        if let Some(uris) = self.public_client.and_then(|p| p.redirect_uris) {
            next.public_client_redirect_uris = checked_redirects(
                uris,
                |u| url::Url::parse(u).is_ok(),
                "PublicClientApplication",
            )?;
        }
        if let Some(uris) = self.spa.and_then(|p| p.redirect_uris) {
            next.spa_redirect_uris = checked_redirects(uris, web_redirect_ok, "SpaApplication")?;
        }
        if let Some(required) = self.required_resource_access {
            let valid = required.iter().all(|r| {
                is_guid(&r.resource_app_id)
                    && r.resource_access
                        .iter()
                        .all(|a| is_guid(&a.id) && matches!(a.kind.as_str(), "Role" | "Scope"))
            });
            if !valid {
                return Err(GraphError::invalid_value(
                    "requiredResourceAccess",
                    "Application",
                ));
            }
            next.required_resource_access = required;
        }
        if self.password_credentials.is_some_and(|p| !p.is_empty()) {
            return Err(GraphError::bad_request(
                "Request_BadRequest",
                "Updates to passwordCredentials are not supported; use the addPassword action.",
            ));
        }
        if let Some(keys) = self.key_credentials {
            next.key_credentials = replace_keys(keys, &app.key_credentials, key_delay)?;
        }
        *app = next;
        Ok(())
    }
}

fn web_redirect_ok(uri: &str) -> bool {
    url::Url::parse(uri).is_ok_and(|u| {
        u.fragment().is_none()
            && (u.scheme() == "https"
                || (u.scheme() == "http"
                    && matches!(u.host_str(), Some("localhost" | "127.0.0.1" | "[::1]"))))
    })
}

fn checked_redirects(
    uris: Vec<String>,
    valid: impl Fn(&str) -> bool,
    resource: &str,
) -> Result<Vec<String>, GraphError> {
    if uris.len() > MAX_REDIRECT_URIS || !uris.iter().all(|u| valid(u)) {
        return Err(GraphError::invalid_value("redirectUris", resource));
    }
    Ok(uris)
}

fn parse_date(text: Option<&str>, property: &str) -> Result<Option<OffsetDateTime>, GraphError> {
    text.map(|t| {
        OffsetDateTime::parse(t, &Rfc3339)
            .map_err(|_| GraphError::invalid_value(property, "KeyCredential"))
    })
    .transpose()
}

/// The new `keyCredentials` list: every entry a valid X.509 certificate, dates inside its
/// validity. Keys already known keep their replication time; new ones wait `delay`.
fn replace_keys(
    inputs: Vec<KeyCredentialInput>,
    existing: &[KeyCredential],
    delay: Duration,
) -> Result<Vec<KeyCredential>, GraphError> {
    let invalid = |property: &str| GraphError::invalid_value(property, "KeyCredential");
    let mut keys: Vec<KeyCredential> = Vec::with_capacity(inputs.len());
    for input in inputs {
        if input.kind.as_deref() != Some("AsymmetricX509Cert") {
            return Err(invalid("type"));
        }
        if input.usage.as_deref() != Some("Verify") {
            return Err(invalid("usage"));
        }
        let der = input
            .key
            .as_deref()
            .and_then(|k| {
                base64::engine::general_purpose::STANDARD
                    .decode(k.trim())
                    .ok()
            })
            .ok_or_else(|| invalid("key"))?;
        let (not_before, not_after) = {
            let (_, certificate) =
                x509_parser::parse_x509_certificate(&der).map_err(|_| invalid("key"))?;
            let validity = certificate.validity();
            (
                OffsetDateTime::from_unix_timestamp(validity.not_before.timestamp())
                    .map_err(|_| invalid("key"))?,
                OffsetDateTime::from_unix_timestamp(validity.not_after.timestamp())
                    .map_err(|_| invalid("key"))?,
            )
        };
        let start =
            parse_date(input.start_date_time.as_deref(), "startDateTime")?.unwrap_or(not_before);
        let end = parse_date(input.end_date_time.as_deref(), "endDateTime")?.unwrap_or(not_after);
        let second = time::Duration::seconds(1);
        if start < not_before - second || start >= end {
            return Err(invalid("startDateTime"));
        }
        if end > not_after + second {
            return Err(invalid("endDateTime"));
        }
        let key_id = match input.key_id {
            Some(id) if is_guid(&id) => id.to_ascii_lowercase(),
            Some(_) => return Err(invalid("keyId")),
            None => new_uuid(),
        };
        if keys.iter().any(|k| k.key_id == key_id) {
            return Err(invalid("keyId"));
        }
        let thumbprint_sha1 = sha1(&der);
        let replicated_at = existing
            .iter()
            .find(|k| k.thumbprint_sha1 == thumbprint_sha1)
            .map_or_else(|| Instant::now() + delay, |k| k.replicated_at);
        keys.push(KeyCredential {
            key_id,
            custom_key_identifier: input
                .custom_key_identifier
                .unwrap_or_else(|| hex::encode_upper(&thumbprint_sha1)),
            display_name: input.display_name,
            start,
            end,
            kind: "AsymmetricX509Cert".to_owned(),
            usage: "Verify".to_owned(),
            thumbprint_sha256: sha256(&der),
            thumbprint_sha1,
            certificate_der: der,
            replicated_at,
        });
    }
    Ok(keys)
}
