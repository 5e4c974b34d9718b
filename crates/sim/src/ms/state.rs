//! Everything the cloud learns while it runs: directory objects and the grants in flight.

use std::collections::{BTreeSet, HashMap};
use std::time::{Duration, Instant};

use time::OffsetDateTime;

use super::catalog::{self, GRAPH_APP_ID, MICROSOFT_SERVICES_TENANT, National};
use super::identity::scopes::Scopes;
use super::ids::{random_token, stable_uuid};
use super::model::{AppRole, AppRoleAssignment, Application, PermissionScope, ServicePrincipal};
use super::tenant::Tenant;

#[derive(Debug)]
pub(crate) struct State {
    pub applications: Vec<Application>,
    pub service_principals: Vec<ServicePrincipal>,
    pub assignments: Vec<AppRoleAssignment>,
    /// Delegated consent per (client ID, user object ID): the Graph scopes agreed to.
    pub consents: HashMap<(String, String), BTreeSet<String>>,
    pub codes: HashMap<String, AuthCode>,
    pub refresh_tokens: HashMap<String, RefreshGrant>,
    pub devices: Vec<DeviceAuthorization>,
    /// Client-assertion IDs seen per client, kept until the assertion expires (Unix seconds).
    pub used_jtis: HashMap<(String, String), i64>,
}

/// An authorization code waiting to be redeemed.
#[derive(Debug, Clone)]
pub(crate) struct AuthCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub user_id: String,
    pub scopes: Scopes,
    pub code_challenge: Option<String>,
    pub nonce: Option<String>,
    /// Redirect registered for a public client: no client credential may be sent.
    pub public_client: bool,
    pub expires: Instant,
    pub redeemed: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct RefreshGrant {
    pub client_id: String,
    pub user_id: String,
    pub scopes: Scopes,
    pub public_client: bool,
    pub issued: OffsetDateTime,
    pub expires: Instant,
    pub revoked: bool,
}

/// Why an app role could not be granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AssignRefusal {
    AlreadyGranted,
    RoleNotOffered,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DeviceStatus {
    Pending,
    Approved { user_id: String },
    Declined,
    Redeemed,
}

#[derive(Debug, Clone)]
pub(crate) struct DeviceAuthorization {
    pub device_code: String,
    pub user_code: String,
    pub client_id: String,
    pub client_name: String,
    pub scopes: Scopes,
    pub expires: Instant,
    pub interval: Duration,
    pub last_poll: Option<Instant>,
    pub status: DeviceStatus,
}

impl State {
    pub fn new(tenant: &Tenant, national: National, seed: u64) -> State {
        State {
            applications: Vec::new(),
            service_principals: vec![graph_service_principal(tenant, national, seed)],
            assignments: Vec::new(),
            consents: HashMap::new(),
            codes: HashMap::new(),
            refresh_tokens: HashMap::new(),
            devices: Vec::new(),
            used_jtis: HashMap::new(),
        }
    }

    /// Drops codes, device authorizations and assertion IDs nobody can use any more.
    pub fn prune(&mut self, now_unix: i64) {
        let now = Instant::now();
        self.codes.retain(|_, c| c.expires > now && !c.redeemed);
        self.devices.retain(|d| d.expires > now);
        self.used_jtis.retain(|_, exp| *exp + 600 > now_unix);
    }

    /// An application by client ID, as the replicas see it.
    pub fn visible_app(&self, app_id: &str) -> Option<&Application> {
        self.applications
            .iter()
            .find(|a| a.app_id.eq_ignore_ascii_case(app_id) && a.is_replicated())
    }

    pub fn sp_by_app_id(&self, app_id: &str) -> Option<&ServicePrincipal> {
        self.service_principals
            .iter()
            .find(|sp| sp.app_id.eq_ignore_ascii_case(app_id))
    }

    pub fn graph_sp(&self) -> Option<&ServicePrincipal> {
        self.sp_by_app_id(GRAPH_APP_ID)
    }

    /// Deletes a service principal and every assignment it holds or offers.
    pub fn remove_service_principal(&mut self, sp_id: &str) {
        self.service_principals.retain(|sp| sp.id != sp_id);
        self.assignments
            .retain(|a| a.principal_id != sp_id && a.resource_id != sp_id);
    }

    /// Grants `resource`'s app role `app_role_id` to `principal`.
    pub fn assign_app_role(
        &mut self,
        principal: &ServicePrincipal,
        resource: &ServicePrincipal,
        app_role_id: &str,
    ) -> Result<AppRoleAssignment, AssignRefusal> {
        if !resource
            .app_roles
            .iter()
            .any(|r| r.id.eq_ignore_ascii_case(app_role_id))
        {
            return Err(AssignRefusal::RoleNotOffered);
        }
        let exists = self.assignments.iter().any(|a| {
            a.principal_id == principal.id
                && a.resource_id == resource.id
                && a.app_role_id.eq_ignore_ascii_case(app_role_id)
        });
        if exists {
            return Err(AssignRefusal::AlreadyGranted);
        }
        let assignment = AppRoleAssignment {
            id: random_token(32),
            app_role_id: app_role_id.to_ascii_lowercase(),
            principal_id: principal.id.clone(),
            principal_display_name: principal.display_name.clone(),
            resource_id: resource.id.clone(),
            resource_display_name: resource.display_name.clone(),
            created: OffsetDateTime::now_utc(),
        };
        self.assignments.push(assignment.clone());
        Ok(assignment)
    }

    /// The values of the Graph application permissions granted to a service principal.
    pub fn granted_graph_roles(&self, principal_id: &str) -> Vec<String> {
        let Some(graph) = self.graph_sp() else {
            return Vec::new();
        };
        self.assignments
            .iter()
            .filter(|a| a.principal_id == principal_id && a.resource_id == graph.id)
            .filter_map(|a| graph.app_roles.iter().find(|r| r.id == a.app_role_id))
            .map(|r| r.value.clone())
            .collect()
    }
}

fn graph_service_principal(tenant: &Tenant, national: National, seed: u64) -> ServicePrincipal {
    let resource = national.graph_resource();
    ServicePrincipal {
        id: stable_uuid(seed, &format!("graph-sp:{}", tenant.id)),
        app_id: GRAPH_APP_ID.to_owned(),
        display_name: "Microsoft Graph".to_owned(),
        account_enabled: true,
        app_owner_organization_id: MICROSOFT_SERVICES_TENANT.to_owned(),
        sign_in_audience: "AzureADMultipleOrgs".to_owned(),
        service_principal_names: vec![
            GRAPH_APP_ID.to_owned(),
            resource.to_owned(),
            format!("{resource}/"),
        ],
        app_roles: catalog::GRAPH_APP_ROLES
            .iter()
            .map(|p| AppRole {
                id: p.id.to_owned(),
                value: p.value.to_owned(),
                display_name: p.display_name.to_owned(),
                description: format!(
                    "Allows the app to {} without a signed-in user.",
                    p.display_name.to_lowercase()
                ),
            })
            .collect(),
        oauth2_permission_scopes: catalog::GRAPH_SCOPES
            .iter()
            .map(|p| PermissionScope {
                id: p.id.to_owned(),
                value: p.value.to_owned(),
                display_name: p.display_name.to_owned(),
                kind: if p.admin_only { "Admin" } else { "User" },
            })
            .collect(),
        reply_urls: Vec::new(),
        tags: Vec::new(),
    }
}
