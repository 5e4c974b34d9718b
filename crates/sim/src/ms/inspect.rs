//! What tests and the CLI may read or arrange directly, without going through the wire.

use std::time::Duration;

use serde_json::json;

use super::Cloud;
use super::catalog::{GRAPH_APP_ID, GRAPH_APP_ROLES};
use super::directory::{DemoAccounts, DirectoryUser};
use super::graph::ApplicationInput;
use super::model::{AppRoleAssignment, Application, KeyCredential, ServicePrincipal};
use super::state::AssignRefusal;

/// An app registration to create directly, as an administrator might have done before.
#[derive(Debug, Clone, Default)]
pub struct AppSeed {
    pub display_name: String,
    /// Web redirect URIs (e.g. the PBX's).
    pub web_redirect_uris: Vec<String>,
    /// DER certificates for `keyCredentials`, usable at once (no replication delay).
    pub certificates_der: Vec<Vec<u8>>,
    /// Graph application permissions to declare and grant, by value (`User.Read.All`).
    pub graph_app_roles: Vec<String>,
}

/// The identifiers of an app created by [`Cloud::register_app`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisteredApp {
    pub object_id: String,
    pub app_id: String,
    pub service_principal_id: String,
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("Graph has no application permission named {0}")]
    UnknownPermission(String),
    #[error("the app registration is not valid: {0}")]
    InvalidApplication(String),
}

impl Cloud {
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `{base}/{tenant ID}`, the authority clients are configured with.
    pub fn authority(&self) -> String {
        format!("{}/{}", self.base_url, self.tenant.id)
    }

    pub fn tenant_id(&self) -> &str {
        &self.tenant.id
    }

    /// The default verified domain (the one the config named).
    pub fn tenant_domain(&self) -> &str {
        &self.tenant.default_domain
    }

    /// `{name}.onmicrosoft.com`.
    pub fn initial_domain(&self) -> &str {
        &self.tenant.initial_domain
    }

    pub fn organization_name(&self) -> &str {
        &self.tenant.display_name
    }

    /// The CA the cloud's HTTPS certificate chains to, as configured.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The Global Administrator, the User Administrator and a plain member, with passwords.
    pub fn demo_accounts(&self) -> DemoAccounts {
        self.directory.demo_accounts().clone()
    }

    /// Every user: the demo accounts first, then the seeded people.
    pub fn users(&self) -> Vec<DirectoryUser> {
        self.directory.users().to_vec()
    }

    /// Every app registration, including those still replicating.
    pub fn applications(&self) -> Vec<Application> {
        self.state().applications.clone()
    }

    pub fn application(&self, app_id: &str) -> Option<Application> {
        self.state()
            .applications
            .iter()
            .find(|a| a.app_id.eq_ignore_ascii_case(app_id))
            .cloned()
    }

    pub fn key_credentials(&self, app_id: &str) -> Vec<KeyCredential> {
        self.application(app_id)
            .map(|a| a.key_credentials)
            .unwrap_or_default()
    }

    pub fn service_principals(&self) -> Vec<ServicePrincipal> {
        self.state().service_principals.clone()
    }

    pub fn app_role_assignments(&self) -> Vec<AppRoleAssignment> {
        self.state().assignments.clone()
    }

    /// The Graph application permissions (values) granted to the app with this client ID.
    pub fn granted_graph_permissions(&self, app_id: &str) -> Vec<String> {
        let state = self.state();
        let mut granted = state
            .sp_by_app_id(app_id)
            .map(|sp| state.granted_graph_roles(&sp.id))
            .unwrap_or_default();
        granted.sort();
        granted
    }

    /// The ID of Graph's app role `value` in this cloud (e.g. `User-Phone.ReadWrite.All`).
    pub fn graph_app_role_id(&self, value: &str) -> Option<String> {
        GRAPH_APP_ROLES
            .iter()
            .find(|p| p.value.eq_ignore_ascii_case(value))
            .map(|p| p.id.to_owned())
    }

    /// Creates a single-tenant app with certificates, its service principal and granted Graph
    /// permissions in one step, as if an administrator had set it up before.
    pub fn register_app(&self, seed: AppSeed) -> Result<RegisteredApp, SeedError> {
        use base64::Engine;
        let role_ids = seed
            .graph_app_roles
            .iter()
            .map(|value| {
                self.graph_app_role_id(value)
                    .ok_or_else(|| SeedError::UnknownPermission(value.clone()))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let body = json!({
            "displayName": seed.display_name,
            "signInAudience": "AzureADMyOrg",
            "web": {
                "redirectUris": seed.web_redirect_uris,
                "implicitGrantSettings": { "enableIdTokenIssuance": true },
            },
            "requiredResourceAccess": [{
                "resourceAppId": GRAPH_APP_ID,
                "resourceAccess": role_ids.iter().map(|id| json!({ "id": id, "type": "Role" })).collect::<Vec<_>>(),
            }],
            "keyCredentials": seed.certificates_der.iter().map(|der| json!({
                "type": "AsymmetricX509Cert",
                "usage": "Verify",
                "key": base64::engine::general_purpose::STANDARD.encode(der),
                "displayName": "CN=registered by the emulator",
            })).collect::<Vec<_>>(),
        });
        let serde_json::Value::Object(body) = body else {
            return Err(SeedError::InvalidApplication(
                "the body is not an object".to_owned(),
            ));
        };
        let app = ApplicationInput::parse(body)
            .and_then(|input| input.create(Duration::ZERO))
            .map_err(|e| SeedError::InvalidApplication(e.message))?;
        let sp = ServicePrincipal::for_application(&app, &self.tenant.id);
        let mut state = self.state();
        state.applications.push(app.clone());
        state.service_principals.push(sp.clone());
        let graph = state
            .graph_sp()
            .cloned()
            .ok_or_else(|| SeedError::UnknownPermission(GRAPH_APP_ID.to_owned()))?;
        for role_id in &role_ids {
            match state.assign_app_role(&sp, &graph, role_id) {
                Ok(_) | Err(AssignRefusal::AlreadyGranted) => {}
                Err(AssignRefusal::RoleNotOffered) => {
                    return Err(SeedError::UnknownPermission(role_id.clone()));
                }
            }
        }
        Ok(RegisteredApp {
            object_id: app.id,
            app_id: app.app_id,
            service_principal_id: sp.id,
        })
    }
}
