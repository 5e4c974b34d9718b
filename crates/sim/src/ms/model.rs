//! Directory objects the tenant gains at run time: applications, their key credentials,
//! service principals and app role assignments.

use std::time::Instant;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// An app registration (`/applications`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// Object ID.
    pub id: String,
    /// Application (client) ID.
    pub app_id: String,
    pub display_name: String,
    pub description: Option<String>,
    pub notes: Option<String>,
    pub sign_in_audience: String,
    pub created: OffsetDateTime,
    pub identifier_uris: Vec<String>,
    pub tags: Vec<String>,
    pub is_fallback_public_client: Option<bool>,
    pub web_redirect_uris: Vec<String>,
    pub web_home_page_url: Option<String>,
    pub web_logout_url: Option<String>,
    pub id_token_issuance: bool,
    pub access_token_issuance: bool,
    pub public_client_redirect_uris: Vec<String>,
    pub spa_redirect_uris: Vec<String>,
    pub required_resource_access: Vec<RequiredResourceAccess>,
    pub key_credentials: Vec<KeyCredential>,
    /// When the rest of the directory sees the app (creation plus the replication delay).
    pub(crate) replicated_at: Instant,
}

impl Application {
    pub(crate) fn is_replicated(&self) -> bool {
        Instant::now() >= self.replicated_at
    }

    /// The Graph application permissions the app asks for.
    pub fn required_app_role_ids(&self, resource_app_id: &str) -> Vec<String> {
        self.required_resource_access
            .iter()
            .filter(|r| r.resource_app_id.eq_ignore_ascii_case(resource_app_id))
            .flat_map(|r| &r.resource_access)
            .filter(|a| a.kind == "Role")
            .map(|a| a.id.clone())
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RequiredResourceAccess {
    pub resource_app_id: String,
    pub resource_access: Vec<ResourceAccess>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResourceAccess {
    pub id: String,
    /// `Role` (application permission) or `Scope` (delegated permission).
    #[serde(rename = "type")]
    pub kind: String,
}

/// A certificate in an application's `keyCredentials`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCredential {
    pub key_id: String,
    pub custom_key_identifier: String,
    pub display_name: Option<String>,
    pub start: OffsetDateTime,
    pub end: OffsetDateTime,
    /// `AsymmetricX509Cert`.
    pub kind: String,
    /// `Verify`.
    pub usage: String,
    pub certificate_der: Vec<u8>,
    pub thumbprint_sha1: Vec<u8>,
    pub thumbprint_sha256: Vec<u8>,
    /// When token issuance sees the key (upload plus the replication delay).
    pub(crate) replicated_at: Instant,
}

impl KeyCredential {
    pub(crate) fn is_replicated(&self) -> bool {
        Instant::now() >= self.replicated_at
    }

    /// The SHA-1 thumbprint as the Entra portal shows it: uppercase hex.
    pub fn thumbprint_hex(&self) -> String {
        hex::encode_upper(&self.thumbprint_sha1)
    }
}

/// An app role an application or service principal offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppRole {
    pub id: String,
    pub value: String,
    pub display_name: String,
    pub description: String,
}

/// A delegated permission a service principal offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PermissionScope {
    pub id: String,
    pub value: String,
    pub display_name: String,
    /// `Admin` or `User`: who may consent.
    pub kind: &'static str,
}

/// A service principal (enterprise application) of the tenant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServicePrincipal {
    pub id: String,
    pub app_id: String,
    pub display_name: String,
    pub account_enabled: bool,
    pub app_owner_organization_id: String,
    pub sign_in_audience: String,
    pub service_principal_names: Vec<String>,
    pub app_roles: Vec<AppRole>,
    pub oauth2_permission_scopes: Vec<PermissionScope>,
    pub reply_urls: Vec<String>,
    pub tags: Vec<String>,
}

impl ServicePrincipal {
    /// The service principal Entra creates for an app registration of `tenant_id`.
    pub(crate) fn for_application(app: &Application, tenant_id: &str) -> ServicePrincipal {
        ServicePrincipal {
            id: super::ids::new_uuid(),
            app_id: app.app_id.clone(),
            display_name: app.display_name.clone(),
            account_enabled: true,
            app_owner_organization_id: tenant_id.to_owned(),
            sign_in_audience: app.sign_in_audience.clone(),
            service_principal_names: vec![app.app_id.clone()],
            app_roles: Vec::new(),
            oauth2_permission_scopes: Vec::new(),
            reply_urls: app.web_redirect_uris.clone(),
            tags: Vec::new(),
        }
    }
}

/// An application permission granted to a service principal (`appRoleAssignedTo`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppRoleAssignment {
    pub id: String,
    pub app_role_id: String,
    /// The service principal that holds the permission.
    pub principal_id: String,
    pub principal_display_name: String,
    /// The service principal that offers it (Microsoft Graph).
    pub resource_id: String,
    pub resource_display_name: String,
    pub created: OffsetDateTime,
}
