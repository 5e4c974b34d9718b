//! Emulators of a PortSIP PBX and of the Microsoft cloud (identity platform + Graph), on loopback.
//!
//! [`start`] binds both listeners on 127.0.0.1, generates a CA when HTTPS is asked for, seeds
//! both tenants from the same population ([`people`]) and serves the PBX under `/api` and the
//! Microsoft cloud at its root. Fault switches ([`Faults`]) sit in front of both; the PBX's
//! exchanges are recorded ([`Recorder`]) so tests can hold them to the OpenAPI contract.

pub mod faults;
pub mod graph_log;
pub mod ms;
pub mod pbx;
pub mod people;
pub mod recorder;
mod serve;
pub mod tenants;
pub mod tls;

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::net::TcpListener;

pub use faults::{ErrorStyle, FaultScope, Faults, InjectedError};
pub use graph_log::{GraphCall, GraphLog, GraphLogError};
pub use pbx::{Account, Certificate, DemoTenant, PbxVersion, UnknownPbxVersion};
pub use recorder::{Exchange, Recorder};
pub use tenants::{HostedTenant, Tenants, start_tenants};

/// How to start the emulators.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Serve HTTPS with a CA generated at start (else plain HTTP).
    pub tls: bool,
    /// The PBX's port on 127.0.0.1; 0 picks a free one.
    pub pbx_port: u16,
    /// The Microsoft cloud's port on 127.0.0.1; 0 picks a free one.
    pub ms_port: u16,
    /// PBX users of the seeded tenant, the demo admin and standard user included.
    pub pbx_users: usize,
    /// People in the Microsoft tenant (besides its demo accounts).
    pub ms_users: usize,
    /// Seed of both populations.
    pub seed: u64,
    /// Start with short-lived PBX access tokens ([`pbx::SHORT_TOKEN_LIFETIME`]).
    pub short_tokens: bool,
    /// The Microsoft sign-in and consent pages approve at once (tests).
    pub auto_approve: bool,
    /// The tenant's domain: the PBX tenant's SIP domain and the Microsoft tenant's verified
    /// domain.
    pub tenant_domain: String,
    /// The PBX's web domain (its Redirect URIs are built on it); `pbx.{tenant_domain}` if unset.
    pub web_domain: Option<String>,
    /// An SBC's web domain: when set, `/ms365` also shows `sbc_redirect_uri`.
    pub sbc_domain: Option<String>,
    /// Where to write the CA PEM (with `tls`); unset = a temporary directory the [`Sim`] owns.
    pub ca_file: Option<PathBuf>,
    /// How many exchanges each emulator's recorder keeps (oldest dropped first).
    pub recorder_capacity: usize,
    /// The PortSIP version the PBX plays (22.6, the newest, unless set).
    pub pbx_version: PbxVersion,
    /// How many users the PBX tenant's licence allows; unset = [`SimConfig::default_licence`].
    pub licensed_users: Option<usize>,
    /// The national cloud the Microsoft emulator plays.
    pub cloud: ms::National,
}

/// Licences the default leaves free beyond both populations.
pub const LICENCE_HEADROOM: usize = 50;

impl SimConfig {
    /// The licence when none is set: room for every seeded PBX user and every person of the
    /// Microsoft tenant (so a full sync fits), plus [`LICENCE_HEADROOM`].
    pub fn default_licence(&self) -> usize {
        self.pbx_users
            .saturating_add(self.ms_users)
            .saturating_add(LICENCE_HEADROOM)
    }

    /// The licence the PBX tenant gets.
    pub fn licence(&self) -> usize {
        self.licensed_users
            .unwrap_or_else(|| self.default_licence())
    }
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            tls: false,
            pbx_port: 0,
            ms_port: 0,
            pbx_users: 25,
            ms_users: 250,
            seed: 42,
            short_tokens: false,
            auto_approve: false,
            tenant_domain: "contoso.example".to_owned(),
            web_domain: None,
            sbc_domain: None,
            ca_file: None,
            recorder_capacity: 10_000,
            pbx_version: PbxVersion::default(),
            licensed_users: None,
            cloud: ms::National::Global,
        }
    }
}

/// Why the emulators could not start.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error(
        "the {which} emulator could not listen on 127.0.0.1:{port} (is the port in use?): {source}"
    )]
    Bind {
        which: &'static str,
        port: u16,
        source: std::io::Error,
    },
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    #[error("the CA certificate could not be written to {path}: {source}")]
    CaFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Pbx(#[from] pbx::PbxError),
}

/// Running emulators. Dropping the value stops them; [`Sim::shutdown`] also waits for it.
#[derive(Debug)]
pub struct Sim {
    /// The PBX's API base, `http(s)://127.0.0.1:PORT/api`.
    pub pbx_url: String,
    /// The Microsoft cloud's authority (login and Graph host), `http(s)://127.0.0.1:PORT`.
    pub ms_authority: String,
    /// The CA's PEM, with TLS.
    pub ca_pem: Option<String>,
    /// The file holding [`Sim::ca_pem`], with TLS.
    pub ca_file: Option<PathBuf>,
    /// The seeded PBX tenant and its demo accounts.
    pub tenant: DemoTenant,
    /// The PBX: inspection and switches.
    pub pbx: Arc<pbx::Pbx>,
    /// The Microsoft cloud: inspection and switches.
    pub ms: Arc<ms::Cloud>,
    pub pbx_faults: Arc<Faults>,
    pub ms_faults: Arc<Faults>,
    /// Every exchange the PBX served.
    pub pbx_recorder: Arc<Recorder>,
    /// Every exchange the Microsoft cloud served (sign-in, tokens, Graph), whoever sent it:
    /// the wizard, a sync, or the emulated PBX.
    pub ms_recorder: Arc<Recorder>,
    servers: Vec<serve::Server>,
    /// Holds the temporary CA directory for as long as the emulators run.
    _ca_dir: Option<tempfile::TempDir>,
}

impl Sim {
    /// Stops both emulators and waits until they have closed every connection.
    pub async fn shutdown(self) {
        for server in self.servers {
            server.shutdown().await;
        }
    }
}

async fn bind(which: &'static str, port: u16) -> Result<(TcpListener, SocketAddr), SimError> {
    let bind_error = |source| SimError::Bind {
        which,
        port,
        source,
    };
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
        .await
        .map_err(bind_error)?;
    let address = listener.local_addr().map_err(bind_error)?;
    Ok((listener, address))
}

async fn write_ca(path: &Path, pem: &str) -> Result<(), SimError> {
    let failed = |source| SimError::CaFile {
        path: path.to_owned(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        tokio::fs::create_dir_all(parent).await.map_err(failed)?;
    }
    tokio::fs::write(path, pem).await.map_err(failed)
}

/// The CA (with TLS), its PEM, the file holding it, and the temporary folder the file is in
/// when none was asked for.
type PreparedCa = (
    Option<tls::SimCa>,
    Option<String>,
    Option<PathBuf>,
    Option<tempfile::TempDir>,
);

/// Generates the CA when HTTPS is asked for and writes it where the configuration says.
async fn prepare_ca(config: &SimConfig) -> Result<PreparedCa, SimError> {
    let ca = config.tls.then(tls::SimCa::generate).transpose()?;
    let ca_pem = ca.as_ref().map(|ca| ca.ca_pem().to_owned());
    let mut ca_dir = None;
    let ca_file = match (&ca_pem, &config.ca_file) {
        (None, _) => None,
        (Some(pem), Some(path)) => {
            write_ca(path, pem).await?;
            Some(path.clone())
        }
        (Some(pem), None) => {
            let dir = tempfile::Builder::new()
                .prefix("pbx365-sim-")
                .tempdir()
                .map_err(|source| SimError::CaFile {
                    path: std::env::temp_dir(),
                    source,
                })?;
            let path = dir.path().join("ca.pem");
            write_ca(&path, pem).await?;
            ca_dir = Some(dir);
            Some(path)
        }
    };
    Ok((ca, ca_pem, ca_file, ca_dir))
}

/// One tenant on both sides: the Microsoft tenant with `domain` at `ms_authority`, and the
/// PBX tenant with the same domain, served under `web_domain`.
struct TenantSeed<'a> {
    domain: &'a str,
    web_domain: String,
    ms_authority: &'a str,
    ca_pem: &'a Option<String>,
    seed: u64,
}

fn seed_tenant(
    config: &SimConfig,
    tenant: &TenantSeed<'_>,
) -> Result<(Arc<ms::Cloud>, Arc<pbx::Pbx>), SimError> {
    let ms = ms::Cloud::new(ms::CloudConfig {
        base_url: tenant.ms_authority.to_owned(),
        tenant_domain: tenant.domain.to_owned(),
        users: config.ms_users,
        seed: tenant.seed,
        auto_approve: config.auto_approve,
        ca_pem: tenant.ca_pem.clone(),
        national: config.cloud,
    });
    let pbx = pbx::Pbx::new(pbx::PbxConfig {
        web_domain: tenant.web_domain.clone(),
        tenant_domain: tenant.domain.to_owned(),
        sbc_domain: config.sbc_domain.clone(),
        users: config.pbx_users,
        ms_users: config.ms_users,
        seed: tenant.seed,
        short_tokens: config.short_tokens,
        ms_authority: tenant.ms_authority.to_owned(),
        ca_pem: tenant.ca_pem.clone(),
        version: config.pbx_version,
        licensed_users: config.licence(),
    })?;
    Ok((ms, pbx))
}

/// `router` with every exchange recorded.
fn recorded(router: axum::Router, recorder: &Arc<Recorder>) -> axum::Router {
    router.layer(axum::middleware::from_fn_with_state(
        Arc::clone(recorder),
        recorder::record,
    ))
}

/// The PBX's web domain: the configured one, else `pbx.{domain}`.
fn web_domain(config: &SimConfig, domain: &str) -> String {
    config
        .web_domain
        .clone()
        .unwrap_or_else(|| format!("pbx.{domain}"))
}

/// Starts both emulators as configured.
pub async fn start(config: SimConfig) -> Result<Sim, SimError> {
    // Bound first, so every URL is known before any state is built.
    let (pbx_listener, pbx_address) = bind("PBX", config.pbx_port).await?;
    let (ms_listener, ms_address) = bind("Microsoft", config.ms_port).await?;
    let scheme = if config.tls { "https" } else { "http" };
    let pbx_url = format!("{scheme}://127.0.0.1:{}/api", pbx_address.port());
    let ms_authority = format!("{scheme}://127.0.0.1:{}", ms_address.port());

    let (ca, ca_pem, ca_file, ca_dir) = prepare_ca(&config).await?;
    let (ms, pbx) = seed_tenant(
        &config,
        &TenantSeed {
            domain: &config.tenant_domain,
            web_domain: web_domain(&config, &config.tenant_domain),
            ms_authority: &ms_authority,
            ca_pem: &ca_pem,
            seed: config.seed,
        },
    )?;
    let pbx_recorder = Arc::new(Recorder::new(config.recorder_capacity));
    let ms_recorder = Arc::new(Recorder::new(config.recorder_capacity));
    let pbx_faults = Arc::new(Faults::new(ErrorStyle::PortSip));
    let ms_faults = Arc::new(Faults::new(ErrorStyle::Microsoft));

    let tls_config = ca.as_ref().map(tls::SimCa::server_config).transpose()?;
    let servers = vec![
        serve::spawn(
            pbx_listener,
            recorded(pbx.router(), &pbx_recorder),
            tls_config.clone(),
            Arc::clone(&pbx_faults),
        ),
        serve::spawn(
            ms_listener,
            recorded(ms.router(), &ms_recorder),
            tls_config,
            Arc::clone(&ms_faults),
        ),
    ];
    tracing::info!(
        %pbx_url,
        %ms_authority,
        pbx_version = %config.pbx_version,
        licensed_users = config.licence(),
        "emulators started"
    );
    Ok(Sim {
        pbx_url,
        ms_authority,
        ca_pem,
        ca_file,
        tenant: pbx.demo_tenant().clone(),
        pbx,
        ms,
        pbx_faults,
        ms_faults,
        pbx_recorder,
        ms_recorder,
        servers,
        _ca_dir: ca_dir,
    })
}
