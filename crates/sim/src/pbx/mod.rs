//! The emulated PortSIP PBX: the endpoints of `spec/portsip-openapi-subset.json` under `/api`,
//! with PortSIP's validation rules, roles, tokens and error format.
//!
//! It plays one PortSIP version at a time ([`PbxVersion`], switchable while it runs, as an
//! upgrade in place); what differs between versions is in [`version`]'s table alone.
//! Request bodies are checked against the same OpenAPI contract the clients are held to, the
//! version's (types, enums, required fields, lengths), then against PortSIP's own rules
//! ([`rules`]). Every answer is `{"errors":[{code,message}]}` on failure, the message naming
//! the field.

mod audit;
mod auth;
mod body;
mod certificate;
mod contacts;
pub mod error;
mod host;
mod info;
mod keys;
mod microsoft;
mod paging;
mod rules;
mod seed;
mod settings;
mod sso;
mod state;
mod status;
mod user_table;
mod users;
pub mod version;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::routing::{any, get, post};
use serde_json::Value;

pub use certificate::Certificate;
pub use host::multi_tenant_router;
pub use seed::{Account, DemoTenant};
pub use version::{Capabilities, PbxVersion, UnknownPbxVersion};

/// Access tokens live this long unless switched.
const DEFAULT_TOKEN_LIFETIME: Duration = Duration::from_secs(3600);
/// The lifetime `short_tokens` switches to: long enough for one call, short enough that a
/// client must refresh during any real test.
pub const SHORT_TOKEN_LIFETIME: Duration = Duration::from_secs(5);
/// The port PortSIP's web portal and API listen on by default; it is part of the Redirect URI.
const WEB_PORT: u16 = 8887;

/// How to build the emulated PBX.
#[derive(Debug, Clone)]
pub struct PbxConfig {
    /// The tenant's SIP domain.
    pub tenant_domain: String,
    /// The PBX's web domain (FQDN), which the Redirect URIs are built on.
    pub web_domain: String,
    /// The SBC's web domain, when an SBC fronts the PBX (adds `sbc_redirect_uri`).
    pub sbc_domain: Option<String>,
    /// Total PBX users of the tenant, the demo admin and standard user included.
    pub users: usize,
    /// Size of the Microsoft tenant's population, to share mailboxes with it.
    pub ms_users: usize,
    pub seed: u64,
    pub short_tokens: bool,
    /// Where the PBX reaches Microsoft (login and Graph), e.g. `https://127.0.0.1:PORT`.
    pub ms_authority: String,
    /// A CA the PBX trusts when calling Microsoft (the emulators' CA).
    pub ca_pem: Option<String>,
    /// The PortSIP version the PBX plays.
    pub version: PbxVersion,
    /// How many users the tenant's licence allows (`POST /users` beyond it is refused).
    pub licensed_users: usize,
}

/// Why the emulated PBX could not be built.
#[derive(Debug, thiserror::Error)]
pub enum PbxError {
    #[error("the PBX's HTTP client for Microsoft 365 could not be built: {0}")]
    HttpClient(#[from] reqwest::Error),
    #[error("the PortSIP OpenAPI contract could not be loaded: {0}")]
    Contract(#[from] openapi_contract::ContractError),
}

/// The compiled contract of every version the PBX can play.
#[derive(Debug)]
struct Contracts {
    v22_2: &'static openapi_contract::Contract,
    v22_6: &'static openapi_contract::Contract,
}

impl Contracts {
    fn load() -> Result<Self, openapi_contract::ContractError> {
        use openapi_contract::{Contract, PortSipVersion};
        Ok(Self {
            v22_2: Contract::for_version(PortSipVersion::V22_2)?,
            v22_6: Contract::for_version(PortSipVersion::V22_6)?,
        })
    }

    fn of(&self, version: openapi_contract::PortSipVersion) -> &'static openapi_contract::Contract {
        match version {
            openapi_contract::PortSipVersion::V22_2 => self.v22_2,
            openapi_contract::PortSipVersion::V22_6 => self.v22_6,
        }
    }
}

/// The emulated PBX: its state, switches and inspection API.
#[derive(Debug)]
pub struct Pbx {
    web_domain: String,
    sbc_domain: Mutex<Option<String>>,
    token_lifetime_ms: AtomicU64,
    token_uses: AtomicU64,
    version: Mutex<PbxVersion>,
    contracts: Contracts,
    microsoft: microsoft::MicrosoftClient,
    demo: DemoTenant,
    state: Mutex<state::State>,
}

impl Pbx {
    /// Seeds the tenant and prepares the PBX's own HTTP client for Microsoft.
    pub fn new(config: PbxConfig) -> Result<Arc<Self>, PbxError> {
        let (state, demo) = seed::seed(&seed::SeedPlan {
            domain: &config.tenant_domain,
            users: config.users,
            ms_users: config.ms_users,
            seed: config.seed,
            licensed_users: config.licensed_users,
        });
        let lifetime = if config.short_tokens {
            SHORT_TOKEN_LIFETIME
        } else {
            DEFAULT_TOKEN_LIFETIME
        };
        Ok(Arc::new(Self {
            web_domain: config.web_domain,
            sbc_domain: Mutex::new(config.sbc_domain),
            token_lifetime_ms: AtomicU64::new(millis(lifetime)),
            token_uses: AtomicU64::new(0),
            version: Mutex::new(config.version),
            contracts: Contracts::load()?,
            microsoft: microsoft::MicrosoftClient::new(
                &config.ms_authority,
                config.ca_pem.as_deref(),
            )?,
            demo,
            state: Mutex::new(state),
        }))
    }

    /// Every endpoint of the subset, under `/api`.
    pub fn router(self: &Arc<Self>) -> Router {
        let api = Router::new()
            .route("/login", get(auth::status).post(auth::login))
            .route("/auth/refresh_token", post(auth::refresh))
            .route("/auth/sign_in/{provider}", post(sso::sign_in))
            .route("/info", get(info::info))
            .route("/tenant", get(info::tenant))
            .route(
                "/admin/ms365",
                get(settings::show_system).post(settings::update_system),
            )
            .route(
                "/admin/ms365/certificate",
                get(keys::download_system).post(keys::generate_system),
            )
            .route(
                "/ms365",
                get(settings::show_tenant).post(settings::update_tenant),
            )
            .route(
                "/ms365/certificate",
                get(keys::download_tenant).post(keys::generate_tenant),
            )
            .route("/ms365/users", get(microsoft::list_users))
            .route("/ms365/destroy", any(settings::destroy_tenant))
            .route("/admin/ms365/destroy", any(settings::destroy_system))
            .route("/tenant/status", get(status::show))
            .route("/users", get(users::list).post(users::create))
            .route("/users/{id}", get(users::show).post(users::update))
            .route("/users/{id}/ms365_binding", post(users::bind))
            .route("/users/{id}/ms365_binding/destroy", post(users::unbind))
            .route("/contacts", get(contacts::list).post(contacts::create))
            .route("/audit_logs", get(audit::list))
            .method_not_allowed_fallback(error::method_not_allowed)
            .fallback(error::no_such_endpoint);
        Router::new()
            .nest("/api", api)
            .fallback(error::no_such_endpoint)
            .with_state(Arc::clone(self))
    }

    fn lock(&self) -> MutexGuard<'_, state::State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The PortSIP version the PBX plays now.
    pub fn version(&self) -> PbxVersion {
        *self.version.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Switch: the PBX becomes another PortSIP version with the same state, as an upgrade
    /// (or a downgrade) in place does. Sessions, users, settings and keys stay; what the new
    /// version no longer has (22.6: `sign_in_as_administrator`) is kept but no longer shown.
    pub fn set_version(&self, version: PbxVersion) {
        let mut current = self.version.lock().unwrap_or_else(PoisonError::into_inner);
        tracing::info!(from = %*current, to = %version, "the emulated PBX changes version");
        *current = version;
    }

    /// What the version played now does differently.
    fn capabilities(&self) -> &'static Capabilities {
        self.version().capabilities()
    }

    /// The contract of the version played now.
    fn contract(&self) -> &'static openapi_contract::Contract {
        self.contracts.of(self.capabilities().contract)
    }

    /// How many users the tenant's licence allows.
    pub fn licensed_users(&self) -> usize {
        self.lock().tenant.licensed_users
    }

    /// Switch: the tenant's licence now allows this many users. Users already beyond it stay;
    /// only new ones are refused.
    pub fn set_licensed_users(&self, licensed_users: usize) {
        self.lock().tenant.licensed_users = licensed_users;
    }

    /// The tenant's status as `GET /tenant/status` shows it.
    pub fn tenant_status(&self) -> Value {
        status::render(self)
    }

    /// The seeded tenant and its demo accounts.
    pub fn demo_tenant(&self) -> &DemoTenant {
        &self.demo
    }

    /// The Redirect URI the tenant's Entra app must register.
    pub fn redirect_uri(&self) -> String {
        format!("https://{}:{WEB_PORT}/api/ms365/callback", self.web_domain)
    }

    /// The second Redirect URI, when an SBC fronts the PBX.
    pub fn sbc_redirect_uri(&self) -> Option<String> {
        self.sbc_domain
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(|sbc| format!("https://{sbc}/api/ms365/callback"))
    }

    fn system_redirect_uri(&self) -> String {
        format!(
            "https://{}:{WEB_PORT}/api/admin/ms365/callback",
            self.web_domain
        )
    }

    /// Switch: put an SBC in front of the PBX (or take it away).
    pub fn set_sbc_domain(&self, sbc_domain: Option<String>) {
        *self
            .sbc_domain
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = sbc_domain;
    }

    /// The tenant's `/ms365` settings as `GET /ms365` shows them.
    pub fn ms365_settings(&self) -> Value {
        settings::render_tenant(self, &self.lock().tenant.integration)
    }

    /// The system-wide `/admin/ms365` settings as `GET /admin/ms365` shows them.
    pub fn system_ms365_settings(&self) -> Value {
        settings::render_system(self, &self.lock().system)
    }

    /// The tenant integration's current certificate.
    pub fn certificate(&self) -> Option<Certificate> {
        let state = self.lock();
        state
            .tenant
            .integration
            .key
            .as_ref()
            .map(|k| k.certificate.clone())
    }

    /// The system-wide integration's current certificate.
    pub fn system_certificate(&self) -> Option<Certificate> {
        let state = self.lock();
        state.system.key.as_ref().map(|k| k.certificate.clone())
    }

    /// Every user as `GET /users/{id}` shows it, in creation order.
    pub fn users(&self) -> Vec<Value> {
        let state = self.lock();
        state
            .tenant
            .users
            .iter()
            .map(|u| Value::Object(u.fields.clone()))
            .collect()
    }

    /// The Microsoft 365 account (object ID or UPN) a user is bound to.
    pub fn ms365_binding(&self, user_id: &str) -> Option<String> {
        let state = self.lock();
        state.tenant.user(user_id).and_then(|u| u.binding.clone())
    }

    /// The company contacts as `GET /contacts` shows them.
    pub fn contacts(&self) -> Vec<Value> {
        let state = self.lock();
        state
            .tenant
            .contacts
            .iter()
            .cloned()
            .map(Value::Object)
            .collect()
    }

    /// The tenant's audit trail, oldest first.
    pub fn audit_log(&self) -> Vec<Value> {
        self.lock().audit.clone()
    }

    /// Switch: how long access tokens issued from now on live.
    pub fn set_access_token_lifetime(&self, lifetime: Duration) {
        self.token_lifetime_ms
            .store(millis(lifetime), Ordering::SeqCst);
    }

    /// How long newly issued access tokens live.
    pub fn access_token_lifetime(&self) -> Duration {
        Duration::from_millis(self.token_lifetime_ms.load(Ordering::SeqCst))
    }

    /// Switch: each access token serves `uses` authenticated requests, and the request after
    /// that gets 401 `TOKEN_EXPIRED`, as when a short lifetime ends mid-run (0 = no limit, the
    /// default; tokens already in use count what they served). Counted in requests, not
    /// seconds, so that a test renews at the same points however fast the machine is; refresh
    /// tokens stay valid.
    pub fn set_access_token_uses(&self, uses: u64) {
        self.token_uses.store(uses, Ordering::SeqCst);
    }

    /// How many requests an access token serves (0 = no limit).
    fn access_token_uses(&self) -> u64 {
        self.token_uses.load(Ordering::SeqCst)
    }

    /// Switch: every access token issued so far expires now (refresh tokens stay valid).
    pub fn expire_access_tokens(&self) {
        let now = time::OffsetDateTime::now_utc();
        for session in self.lock().sessions.values_mut() {
            session.expires_at = now;
        }
    }

    /// Switch: every refresh token issued so far stops working.
    pub fn revoke_refresh_tokens(&self) {
        self.lock().refresh_grants.clear();
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}
