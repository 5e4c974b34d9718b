//! App registrations: find, create or repair, redirect URIs, certificates.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::key_credentials::{
    CertificateKey, KeyCredential, Thumbprint, with_certificate, without_thumbprint,
};
use super::service_principals::MICROSOFT_GRAPH_APP_ID;
use super::{GraphClient, is_not_found, outcome_unknown};
use crate::error::EntraError;
use crate::retry::Replicating;

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Application {
    /// The object ID (used in `/applications/{id}`).
    pub id: String,
    /// The Application (client) ID.
    pub app_id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub sign_in_audience: Option<String>,
    #[serde(default)]
    pub web: Option<WebSettings>,
    #[serde(default)]
    pub key_credentials: Vec<KeyCredential>,
    #[serde(default)]
    pub required_resource_access: Vec<RequiredResourceAccess>,
    #[serde(default)]
    pub tags: Vec<String>,
}

impl Application {
    /// The web platform's Redirect URIs; none when the app has no web platform.
    pub fn redirect_uris(&self) -> &[String] {
        self.web
            .as_ref()
            .map_or(&[], |web| web.redirect_uris.as_slice())
    }

    /// Whether the app issues ID tokens (the implicit grant's setting), which a sign-in with
    /// Microsoft through the PBX needs.
    pub fn issues_id_tokens(&self) -> bool {
        self.web
            .as_ref()
            .and_then(|web| web.implicit_grant_settings.as_ref())
            .and_then(|settings| settings.enable_id_token_issuance)
            == Some(true)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebSettings {
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    #[serde(default)]
    pub implicit_grant_settings: Option<ImplicitGrantSettings>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImplicitGrantSettings {
    #[serde(default)]
    pub enable_id_token_issuance: Option<bool>,
    #[serde(default)]
    pub enable_access_token_issuance: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RequiredResourceAccess {
    pub resource_app_id: String,
    #[serde(default)]
    pub resource_access: Vec<ResourceAccess>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceAccess {
    pub id: String,
    /// `Role` (application permission) or `Scope` (delegated).
    #[serde(rename = "type")]
    pub kind: String,
}

/// How a profile remembers its app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AppLocator {
    ObjectId(String),
    AppId(String),
}

/// What the app registration must look like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppRegistration {
    pub display_name: String,
    /// Web redirect URIs (the PBX's).
    pub web_redirect_uris: Vec<String>,
    /// Graph application permissions (app role IDs, see [`super::resolve_app_role_ids`]).
    pub graph_app_role_ids: Vec<String>,
    /// A tag naming who registers the app (e.g. `pbx365:pbx.example.com/contoso.example`),
    /// written into its `tags` at creation: it finds the app again when the answer to its
    /// creation was lost, so a retry never registers a second one.
    pub creator_tag: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EnsuredApplication {
    pub application: Application,
    pub created: bool,
    /// An existing app was patched to match the registration.
    pub repaired: bool,
}

const APP_FIELDS: &str = "id,appId,displayName,signInAudience,web,requiredResourceAccess,tags";

/// How often a create whose answer was lost is tried again after the app was not found.
const CREATE_ATTEMPTS: u32 = 3;

/// How long an app whose creation got no answer is looked for before it is created again: a
/// new app is normally listed within seconds, and a failed creation should not hold the
/// admin for the whole replication budget.
const LOST_ANSWER_WAIT: std::time::Duration = std::time::Duration::from_secs(30);

/// The 404 a lookup stands for while the app it looks for is not listed (yet).
fn not_listed(display_name: &str) -> EntraError {
    EntraError::Graph {
        context: format!("find the app registration \"{display_name}\""),
        error: Box::new(crate::error::GraphError {
            status: 404,
            code: "Request_ResourceNotFound".to_owned(),
            message: "No app registration with this name and tag is listed yet.".to_owned(),
            details: Vec::new(),
            request_id: None,
        }),
    }
}

fn lag_404(error: &EntraError) -> bool {
    is_not_found(error)
}

fn same_set(a: &[String], b: &[String]) -> bool {
    a.iter().collect::<BTreeSet<_>>() == b.iter().collect::<BTreeSet<_>>()
}

fn web_body(redirect_uris: &[String], current: Option<&WebSettings>) -> serde_json::Value {
    let access_tokens = current
        .and_then(|w| w.implicit_grant_settings.as_ref())
        .and_then(|s| s.enable_access_token_issuance)
        .unwrap_or(false);
    json!({
        "redirectUris": redirect_uris,
        "implicitGrantSettings": {
            "enableIdTokenIssuance": true,
            "enableAccessTokenIssuance": access_tokens,
        },
    })
}

/// The app's `requiredResourceAccess` with Graph's application permissions set to exactly
/// `role_ids`; delegated scopes and other resources are kept.
fn with_graph_roles(
    current: &[RequiredResourceAccess],
    role_ids: &[String],
) -> Vec<RequiredResourceAccess> {
    let roles = role_ids.iter().map(|id| ResourceAccess {
        id: id.clone(),
        kind: "Role".into(),
    });
    let mut list: Vec<RequiredResourceAccess> = current.to_vec();
    match list
        .iter_mut()
        .find(|r| r.resource_app_id == MICROSOFT_GRAPH_APP_ID)
    {
        Some(graph) => {
            graph.resource_access.retain(|a| a.kind != "Role");
            graph.resource_access.extend(roles);
        }
        None => list.push(RequiredResourceAccess {
            resource_app_id: MICROSOFT_GRAPH_APP_ID.into(),
            resource_access: roles.collect(),
        }),
    }
    list.retain(|r| !r.resource_access.is_empty());
    list
}

fn graph_roles(list: &[RequiredResourceAccess]) -> Vec<String> {
    list.iter()
        .filter(|r| r.resource_app_id == MICROSOFT_GRAPH_APP_ID)
        .flat_map(|r| r.resource_access.iter())
        .filter(|a| a.kind == "Role")
        .map(|a| a.id.clone())
        .collect()
}

/// The PATCH that makes `app` match `spec`, or `None` when it already does.
fn repair_body(app: &Application, spec: &AppRegistration) -> Option<serde_json::Value> {
    let mut body = serde_json::Map::new();
    let web = app.web.as_ref();
    let uris_match = web.is_some_and(|w| same_set(&w.redirect_uris, &spec.web_redirect_uris));
    if !uris_match || !app.issues_id_tokens() {
        body.insert("web".into(), web_body(&spec.web_redirect_uris, web));
    }
    if !same_set(
        &graph_roles(&app.required_resource_access),
        &spec.graph_app_role_ids,
    ) {
        let list = with_graph_roles(&app.required_resource_access, &spec.graph_app_role_ids);
        body.insert("requiredResourceAccess".into(), json!(list));
    }
    (!body.is_empty()).then_some(serde_json::Value::Object(body))
}

#[derive(Deserialize)]
struct KeyCredentials {
    #[serde(default, rename = "keyCredentials")]
    keys: Vec<KeyCredential>,
}

#[derive(Deserialize)]
struct Applications {
    value: Vec<Application>,
}

impl GraphClient {
    /// The app, or `None` when no app has this object ID or client ID.
    pub async fn find_application(
        &self,
        locator: &AppLocator,
    ) -> Result<Option<Application>, EntraError> {
        let context = "look up the app registration";
        match locator {
            AppLocator::ObjectId(id) => {
                let url = self.url(&format!("/applications/{id}"), &[("$select", APP_FIELDS)])?;
                self.get_optional(&url, context).await
            }
            AppLocator::AppId(app_id) => {
                let filter = format!("appId eq '{app_id}'");
                let url = self.url(
                    "/applications",
                    &[("$filter", &filter), ("$select", APP_FIELDS)],
                )?;
                let found: Applications = self.get_json(&url, context).await?;
                Ok(found.value.into_iter().next())
            }
        }
    }

    /// Creates a single-tenant app with web redirect URIs, ID tokens on, and the Graph
    /// application permissions of `spec`.
    pub async fn create_application(
        &self,
        spec: &AppRegistration,
    ) -> Result<Application, EntraError> {
        let body = json!({
            "displayName": spec.display_name,
            "signInAudience": "AzureADMyOrg",
            "web": web_body(&spec.web_redirect_uris, None),
            "requiredResourceAccess": with_graph_roles(&[], &spec.graph_app_role_ids),
            "tags": spec.creator_tag.iter().collect::<Vec<_>>(),
        });
        let url = self.url("/applications", &[])?;
        let app: Application = self
            .post_json(&url, &body, "create the app registration")
            .await?;
        tracing::info!(object_id = %app.id, app_id = %app.app_id, "created the app registration");
        Ok(app)
    }

    /// Creates the app; when the answer is lost, the app its tag names is looked for (waiting
    /// out Entra's replication) before it is created again.
    async fn create_exactly_once(&self, spec: &AppRegistration) -> Result<Application, EntraError> {
        let mut attempt = 1;
        loop {
            let error = match self.create_application(spec).await {
                Ok(app) => return Ok(app),
                Err(error) => error,
            };
            let Some(tag) = spec
                .creator_tag
                .as_deref()
                .filter(|_| outcome_unknown(&error))
            else {
                return Err(error);
            };
            tracing::info!(%error, "the answer to the app's creation was lost; looking for it");
            let found = self
                .while_replicating_for(
                    LOST_ANSWER_WAIT,
                    Replicating::UnansweredApp,
                    lag_404,
                    || async {
                        self.find_tagged(&spec.display_name, tag)
                            .await?
                            .ok_or_else(|| not_listed(&spec.display_name))
                    },
                )
                .await;
            match found {
                Ok(app) => return Ok(app),
                Err(EntraError::ReplicationTimeout { .. }) if attempt < CREATE_ATTEMPTS => {
                    attempt += 1;
                }
                Err(EntraError::ReplicationTimeout { .. }) => return Err(error),
                Err(other) => return Err(other),
            }
        }
    }

    /// The app named `display_name` that carries `tag`.
    async fn find_tagged(
        &self,
        display_name: &str,
        tag: &str,
    ) -> Result<Option<Application>, EntraError> {
        let filter = format!("displayName eq '{}'", display_name.replace('\'', "''"));
        let url = self.url(
            "/applications",
            &[("$filter", &filter), ("$select", APP_FIELDS)],
        )?;
        let found: Applications = self
            .get_json(&url, "look for the app registration by its tag")
            .await?;
        Ok(found
            .value
            .into_iter()
            .find(|app| app.tags.iter().any(|t| t == tag)))
    }

    /// Finds the app the profile made before (`existing`) and repairs it to match `spec`, or
    /// creates it when there is none. Never creates a second app for a profile that has one.
    pub async fn ensure_application(
        &self,
        spec: &AppRegistration,
        existing: Option<&AppLocator>,
    ) -> Result<EnsuredApplication, EntraError> {
        let found = match (existing, &spec.creator_tag) {
            (Some(locator), _) => self.find_application(locator).await?,
            // An earlier attempt whose answer was lost may have registered it.
            (None, Some(tag)) => self.find_tagged(&spec.display_name, tag).await?,
            (None, None) => None,
        };
        let Some(app) = found else {
            return Ok(EnsuredApplication {
                application: self.create_exactly_once(spec).await?,
                created: true,
                repaired: false,
            });
        };
        let Some(body) = repair_body(&app, spec) else {
            return Ok(EnsuredApplication {
                application: app,
                created: false,
                repaired: false,
            });
        };
        let url = self.url(&format!("/applications/{}", app.id), &[])?;
        self.while_replicating(Replicating::App, lag_404, || {
            self.patch(&url, &body, "repair the app registration")
        })
        .await?;
        let application = self
            .find_application(&AppLocator::ObjectId(app.id.clone()))
            .await?
            .ok_or_else(|| {
                EntraError::unexpected("repair the app registration", "the app vanished")
            })?;
        Ok(EnsuredApplication {
            application,
            created: false,
            repaired: true,
        })
    }

    /// Sets the web redirect URIs to exactly `uris` (and keeps ID tokens on). Returns whether
    /// anything changed.
    pub async fn set_redirect_uris(
        &self,
        object_id: &str,
        uris: &[String],
    ) -> Result<bool, EntraError> {
        let context = "set the app's redirect URIs";
        let url = self.url(
            &format!("/applications/{object_id}"),
            &[("$select", "id,appId,web")],
        )?;
        let app: Application = self
            .while_replicating(Replicating::NewApp, lag_404, || {
                self.get_json(&url, context)
            })
            .await?;
        let web = app.web.as_ref();
        if web.is_some_and(|w| same_set(&w.redirect_uris, uris)) && app.issues_id_tokens() {
            return Ok(false);
        }
        let target = self.url(&format!("/applications/{object_id}"), &[])?;
        let body = json!({ "web": web_body(uris, web) });
        self.while_replicating(Replicating::NewApp, lag_404, || {
            self.patch(&target, &body, context)
        })
        .await?;
        Ok(true)
    }

    /// The app's current certificates (with their `key` data).
    pub async fn key_credentials(&self, object_id: &str) -> Result<Vec<KeyCredential>, EntraError> {
        let url = self.url(
            &format!("/applications/{object_id}"),
            &[("$select", "keyCredentials")],
        )?;
        let found: KeyCredentials = self
            .while_replicating(Replicating::NewApp, lag_404, || {
                self.get_json(&url, "read the app's certificates")
            })
            .await?;
        Ok(found.keys)
    }

    /// Adds `certificate` to the app, keeping every existing key (Graph's PATCH replaces the
    /// whole list). Returns `false` when a key with the same thumbprint is already there.
    pub async fn add_certificate(
        &self,
        object_id: &str,
        certificate: &CertificateKey,
        display_name: &str,
    ) -> Result<bool, EntraError> {
        let existing = self.key_credentials(object_id).await?;
        let Some(keys) = with_certificate(&existing, certificate, display_name)? else {
            return Ok(false);
        };
        self.put_key_credentials(object_id, &keys, "add the certificate to the app")
            .await?;
        tracing::info!(thumbprint = %certificate.thumbprint(), "added the certificate to the app");
        Ok(true)
    }

    /// Removes the keys with `thumbprint`, keeping the others. Returns whether one was there.
    pub async fn remove_certificate(
        &self,
        object_id: &str,
        thumbprint: Thumbprint,
    ) -> Result<bool, EntraError> {
        let existing = self.key_credentials(object_id).await?;
        let Some(keys) = without_thumbprint(&existing, thumbprint) else {
            return Ok(false);
        };
        self.put_key_credentials(object_id, &keys, "remove the certificate from the app")
            .await?;
        Ok(true)
    }

    /// Deletes the app registration; Entra deletes its service principal in this tenant with
    /// it and keeps the app among the deleted applications for 30 days. Returns `false` when
    /// there was no such app (deleted before), so a repeated deletion is not an error.
    pub async fn delete_application(&self, object_id: &str) -> Result<bool, EntraError> {
        let url = self.url(&format!("/applications/{object_id}"), &[])?;
        let deleted = self.delete(&url, "delete the app registration").await?;
        tracing::info!(object_id, deleted, "deleted the app registration");
        Ok(deleted)
    }

    async fn put_key_credentials(
        &self,
        object_id: &str,
        keys: &[KeyCredential],
        context: &str,
    ) -> Result<(), EntraError> {
        let url = self.url(&format!("/applications/{object_id}"), &[])?;
        let body = json!({ "keyCredentials": keys });
        self.while_replicating(Replicating::NewApp, lag_404, || {
            self.patch(&url, &body, context)
        })
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> AppRegistration {
        AppRegistration {
            display_name: "PortSIP PBX".into(),
            web_redirect_uris: vec![
                "https://pbx.example/a".into(),
                "https://pbx.example/b".into(),
            ],
            graph_app_role_ids: vec!["role-1".into(), "role-2".into()],
            creator_tag: None,
        }
    }

    fn matching_app() -> Application {
        Application {
            id: "obj".into(),
            app_id: "app".into(),
            display_name: Some("PortSIP PBX".into()),
            sign_in_audience: Some("AzureADMyOrg".into()),
            web: Some(WebSettings {
                redirect_uris: vec![
                    "https://pbx.example/b".into(),
                    "https://pbx.example/a".into(),
                ],
                implicit_grant_settings: Some(ImplicitGrantSettings {
                    enable_id_token_issuance: Some(true),
                    enable_access_token_issuance: Some(false),
                }),
            }),
            key_credentials: vec![],
            tags: vec![],
            required_resource_access: with_graph_roles(&[], &["role-2".into(), "role-1".into()]),
        }
    }

    #[test]
    fn matching_app_needs_no_repair() {
        assert_eq!(repair_body(&matching_app(), &spec()), None);
    }

    #[test]
    fn repair_fixes_uris_id_tokens_and_roles_only() {
        let mut app = matching_app();
        if let Some(web) = app.web.as_mut() {
            web.redirect_uris = vec!["https://old.example".into()];
        }
        let body = repair_body(&app, &spec()).unwrap_or_default();
        assert_eq!(
            body["web"]["redirectUris"],
            json!(["https://pbx.example/a", "https://pbx.example/b"])
        );
        assert_eq!(
            body["web"]["implicitGrantSettings"]["enableIdTokenIssuance"],
            true
        );
        assert!(body.get("requiredResourceAccess").is_none());

        let mut app = matching_app();
        app.web = None;
        app.required_resource_access = vec![];
        let body = repair_body(&app, &spec()).unwrap_or_default();
        assert!(body.get("web").is_some());
        assert_eq!(
            body["requiredResourceAccess"][0]["resourceAppId"],
            MICROSOFT_GRAPH_APP_ID
        );
    }

    #[test]
    fn graph_roles_are_set_exactly_keeping_scopes_and_other_resources() {
        let current = vec![
            RequiredResourceAccess {
                resource_app_id: MICROSOFT_GRAPH_APP_ID.into(),
                resource_access: vec![
                    ResourceAccess {
                        id: "scope-user-read".into(),
                        kind: "Scope".into(),
                    },
                    ResourceAccess {
                        id: "role-old".into(),
                        kind: "Role".into(),
                    },
                ],
            },
            RequiredResourceAccess {
                resource_app_id: "other-api".into(),
                resource_access: vec![ResourceAccess {
                    id: "x".into(),
                    kind: "Role".into(),
                }],
            },
        ];
        let list = with_graph_roles(&current, &["role-1".into()]);
        assert_eq!(list.len(), 2);
        assert_eq!(
            list[0].resource_access,
            vec![
                ResourceAccess {
                    id: "scope-user-read".into(),
                    kind: "Scope".into()
                },
                ResourceAccess {
                    id: "role-1".into(),
                    kind: "Role".into()
                },
            ]
        );
        assert_eq!(list[1], current[1]);
        assert!(with_graph_roles(&[], &[]).is_empty());
    }
}
