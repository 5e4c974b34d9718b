//! The emulated Microsoft cloud: the identity platform (OIDC discovery, authorize, token, device
//! code, admin consent) and Microsoft Graph v1.0, for one seeded tenant.
//!
//! It speaks the wire protocol of the real services and shares no code with `crates/entra`, so a
//! client bug cannot be hidden by the same bug here. Microsoft-specific faults (replication delay,
//! refused consent, short token lifetimes, a moved clock, revoked refresh tokens) are switches on
//! [`Cloud`]; generic HTTP faults are applied around [`Cloud::router`] by the caller.

mod aad_error;
mod catalog;
mod directory;
mod graph;
mod groups;
mod html;
mod identity;
mod ids;
mod inspect;
mod model;
mod photo;
mod signing;
mod state;
mod switches;
mod tenant;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};

use crate::faults::{Endpoint, Fault};

pub use catalog::National;
pub use directory::{
    DemoAccount, DemoAccounts, DirectoryRole, DirectoryUser, GLOBAL_ADMINISTRATOR,
    PRIVILEGED_ROLE_ADMINISTRATOR, USER_ADMINISTRATOR,
};
pub use groups::{DirectoryGroup, GroupChangeError, GroupMember, names as group_names};
pub use inspect::{AppSeed, RegisteredApp, SeedError};
pub use model::{
    AppRole, AppRoleAssignment, Application, KeyCredential, PermissionScope,
    RequiredResourceAccess, ResourceAccess, ServicePrincipal,
};

/// Microsoft Graph's application ID, the same in every tenant.
pub const GRAPH_APP_ID: &str = catalog::GRAPH_APP_ID;
/// The first-party public client the wizard signs in with by default.
pub const GRAPH_COMMAND_LINE_TOOLS: &str = catalog::GRAPH_COMMAND_LINE_TOOLS;
/// Azure CLI, the other well-known first-party public client.
pub const AZURE_CLI: &str = catalog::AZURE_CLI;

/// How the emulated cloud is reached and what its tenant contains.
#[derive(Debug, Clone)]
pub struct CloudConfig {
    /// `http(s)://127.0.0.1:PORT`, no trailing slash; both the login host and the Graph host.
    pub base_url: String,
    /// The tenant's default verified domain, e.g. `contoso.example`.
    pub tenant_domain: String,
    /// How many seeded people the directory holds, besides the demo accounts.
    pub users: usize,
    /// Seed of the deterministic population and identifiers.
    pub seed: u64,
    /// Skip the sign-in and consent pages (tests): sign in as the Global Administrator at once.
    pub auto_approve: bool,
    /// The PEM of the CA that signs the HTTPS certificate the cloud is served with, if any.
    pub ca_pem: Option<String>,
    /// The national cloud it plays (its Graph resource, discovery names).
    pub national: National,
}

/// One emulated Microsoft cloud with one tenant.
pub struct Cloud {
    base_url: String,
    national: National,
    ca_pem: Option<String>,
    tenant: tenant::Tenant,
    directory: directory::Directory,
    /// Changeable while the cloud runs (tests move people in and out between syncs).
    groups: Mutex<groups::Groups>,
    /// `Err` only if the token-signing key could not be made; token endpoints then answer with
    /// Entra's server error instead of the whole emulator failing to start.
    signing: Result<signing::SigningKey, String>,
    switches: Mutex<switches::Switches>,
    state: Mutex<state::State>,
}

impl std::fmt::Debug for Cloud {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cloud")
            .field("base_url", &self.base_url)
            .field("national", &self.national)
            .field("tenant_id", &self.tenant.id)
            .field("tenant_domain", &self.tenant.default_domain)
            .field("users", &self.directory.users().len())
            .finish_non_exhaustive()
    }
}

impl Cloud {
    /// Seeds the tenant (users, demo accounts, Microsoft Graph's service principal) and makes
    /// the token-signing key.
    pub fn new(cfg: CloudConfig) -> Arc<Cloud> {
        let base_url = cfg.base_url.trim_end_matches('/').to_owned();
        let tenant = tenant::Tenant::new(&cfg.tenant_domain, cfg.seed);
        let directory = directory::Directory::seed(&tenant, cfg.users, cfg.seed);
        let groups = groups::Groups::seed(
            &tenant,
            directory.users(),
            &directory.demo_accounts().member.object_id,
            cfg.seed,
        );
        let signing = signing::SigningKey::generate().map_err(|e| {
            tracing::error!(error = %e, "the emulated cloud has no token-signing key");
            e.to_string()
        });
        let state = state::State::new(&tenant, cfg.national, cfg.seed);
        let switches = switches::Switches::new(cfg.auto_approve);
        Arc::new(Cloud {
            base_url,
            national: cfg.national,
            ca_pem: cfg.ca_pem,
            tenant,
            directory,
            groups: Mutex::new(groups),
            signing,
            switches: Mutex::new(switches),
            state: Mutex::new(state),
        })
    }

    /// All endpoints: identity platform under `/{tenant}/…`, Graph under `/v1.0/…`.
    pub fn router(self: &Arc<Self>) -> axum::Router {
        identity::routes()
            .merge(graph::routes())
            .with_state(Arc::clone(self))
    }

    /// The national cloud it plays.
    pub fn national(&self) -> National {
        self.national
    }

    fn state(&self) -> MutexGuard<'_, state::State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn group_store(&self) -> MutexGuard<'_, groups::Groups> {
        self.groups.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn switches(&self) -> switches::Switches {
        self.switches
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn signer(&self) -> Result<&signing::SigningKey, String> {
        self.signing.as_ref().map_err(Clone::clone)
    }

    /// The `v2.0` issuer of tokens for this tenant.
    fn issuer(&self) -> String {
        format!("{}/{}/v2.0", self.base_url, self.tenant.id)
    }
}

/// Which kind of endpoint `path` is on the cloud's host, for the fault switches.
pub(crate) fn endpoint_of(path: &str) -> Endpoint {
    let under = |prefix: &str| path == prefix || path.starts_with(&format!("{prefix}/"));
    if under("/v1.0") || under("/oidc") {
        return Endpoint::Graph;
    }
    let page = path == "/devicelogin"
        || path.ends_with("/oauth2/v2.0/authorize")
        || path.ends_with("/oauth2/v2.0/logout")
        || path.ends_with("/adminconsent");
    Endpoint::Identity { page }
}

/// What the fault switches answer instead of an identity-platform response: the OAuth error
/// body with its AADSTS code, or on a page a browser shows, Entra's error page.
pub(crate) fn identity_fault_answer(fault: Fault, page: bool) -> Response {
    let error = match fault {
        Fault::Throttled => aad_error::AadError::throttled(),
        Fault::ServerError(status) => aad_error::AadError::unavailable(status),
    };
    if page {
        html::error_page(&error)
    } else {
        error.into_response()
    }
}

/// What the fault switches answer instead of a Graph response.
pub(crate) fn graph_fault_answer(fault: Fault, headers: &HeaderMap) -> Response {
    graph::fault_answer(fault, headers)
}
