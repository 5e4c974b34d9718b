//! Many tenants, as a service provider runs them: one multi-tenant PBX at one address (one web
//! domain, one SIP domain per tenant, see [`pbx::multi_tenant_router`]), each tenant linked to
//! its own Microsoft tenant. Each Microsoft tenant is its own emulated cloud on its own port:
//! the emulated cloud holds one directory, and a real provider's customers are separate
//! directories that share nothing.
//!
//! With one tenant the data are exactly those of [`crate::start`]: the configured domain and
//! seed. With more, tenant `i` (from 1) gets the domain `tenant{i}.{tenant_domain}` (numbers
//! padded to the same width, so they sort) and the seed `seed + i - 1`.

use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::sync::Arc;

use crate::pbx::{self, DemoTenant, Pbx};
use crate::{
    ErrorStyle, Faults, Recorder, SimConfig, SimError, TenantSeed, bind, ms, prepare_ca, recorded,
    seed_tenant, serve, tls, web_domain,
};

/// One tenant of [`Tenants`]: its PBX side and its Microsoft side.
#[derive(Debug)]
pub struct HostedTenant {
    /// The PBX tenant and its demo accounts.
    pub tenant: DemoTenant,
    /// The PBX tenant: inspection and switches.
    pub pbx: Arc<Pbx>,
    /// The tenant's Microsoft cloud: inspection and switches.
    pub ms: Arc<ms::Cloud>,
    /// Where the tenant's Microsoft cloud is reached, `http(s)://127.0.0.1:PORT`.
    pub ms_authority: String,
    pub ms_faults: Arc<Faults>,
    pub ms_recorder: Arc<Recorder>,
}

/// Running emulators of many tenants. Dropping the value stops them; [`Tenants::shutdown`]
/// also waits for it.
#[derive(Debug)]
pub struct Tenants {
    /// The PBX's API base, `http(s)://127.0.0.1:PORT/api`, the same for every tenant.
    pub pbx_url: String,
    pub ca_pem: Option<String>,
    pub ca_file: Option<PathBuf>,
    /// In front of the PBX: every tenant's requests.
    pub pbx_faults: Arc<Faults>,
    /// Every exchange the PBX served, for every tenant.
    pub pbx_recorder: Arc<Recorder>,
    /// In order: tenant 1 first.
    pub tenants: Vec<HostedTenant>,
    servers: Vec<serve::Server>,
    _ca_dir: Option<tempfile::TempDir>,
}

impl Tenants {
    /// Stops every emulator and waits until each has closed its connections.
    pub async fn shutdown(self) {
        for server in self.servers {
            server.shutdown().await;
        }
    }

    /// Every Microsoft cloud's fault switches.
    pub fn ms_faults(&self) -> impl Iterator<Item = &Arc<Faults>> {
        self.tenants.iter().map(|t| &t.ms_faults)
    }
}

/// The domain of tenant `index` (from 0) of `count`.
pub fn tenant_domain(base: &str, index: usize, count: usize) -> String {
    if count <= 1 {
        return base.to_owned();
    }
    let width = count.to_string().len();
    format!("tenant{:0width$}.{base}", index + 1)
}

/// The Microsoft cloud of tenant `index` listens on `ms_port + index` (any free port when 0).
fn ms_port(config: &SimConfig, index: usize) -> u16 {
    if config.ms_port == 0 {
        return 0;
    }
    let offset = u16::try_from(index).unwrap_or(u16::MAX);
    config.ms_port.saturating_add(offset)
}

/// Starts one PBX holding `count` tenants and `count` Microsoft clouds.
pub async fn start_tenants(config: SimConfig, count: NonZeroUsize) -> Result<Tenants, SimError> {
    let count = count.get();
    let (pbx_listener, pbx_address) = bind("PBX", config.pbx_port).await?;
    let mut ms_listeners = Vec::with_capacity(count);
    for index in 0..count {
        ms_listeners.push(bind("Microsoft", ms_port(&config, index)).await?);
    }
    let scheme = if config.tls { "https" } else { "http" };
    let pbx_url = format!("{scheme}://127.0.0.1:{}/api", pbx_address.port());
    let (ca, ca_pem, ca_file, ca_dir) = prepare_ca(&config).await?;
    let tls_config = ca.as_ref().map(tls::SimCa::server_config).transpose()?;
    // Every tenant is served by the PBX's one web domain.
    let shared_web_domain = web_domain(&config, &config.tenant_domain);

    let mut tenants = Vec::with_capacity(count);
    let mut servers = Vec::with_capacity(count + 1);
    for (index, (listener, address)) in ms_listeners.into_iter().enumerate() {
        let ms_authority = format!("{scheme}://127.0.0.1:{}", address.port());
        let domain = tenant_domain(&config.tenant_domain, index, count);
        let seed = config
            .seed
            .wrapping_add(u64::try_from(index).unwrap_or(u64::MAX));
        let (ms, pbx) = seed_tenant(
            &config,
            &TenantSeed {
                domain: &domain,
                web_domain: shared_web_domain.clone(),
                ms_authority: &ms_authority,
                ca_pem: &ca_pem,
                seed,
            },
        )?;
        let ms_recorder = Arc::new(Recorder::new(config.recorder_capacity));
        let ms_faults = Arc::new(Faults::new(ErrorStyle::Microsoft));
        servers.push(serve::spawn(
            listener,
            recorded(ms.router(), &ms_recorder),
            tls_config.clone(),
            Arc::clone(&ms_faults),
        ));
        tenants.push(HostedTenant {
            tenant: pbx.demo_tenant().clone(),
            pbx,
            ms,
            ms_authority,
            ms_faults,
            ms_recorder,
        });
    }
    let pbx_recorder = Arc::new(Recorder::new(config.recorder_capacity));
    let pbx_faults = Arc::new(Faults::new(ErrorStyle::PortSip));
    let each_pbx: Vec<Arc<Pbx>> = tenants.iter().map(|t| Arc::clone(&t.pbx)).collect();
    servers.push(serve::spawn(
        pbx_listener,
        recorded(pbx::multi_tenant_router(&each_pbx), &pbx_recorder),
        tls_config,
        Arc::clone(&pbx_faults),
    ));
    tracing::info!(
        %pbx_url,
        tenants = count,
        pbx_version = %config.pbx_version,
        "emulators started"
    );
    Ok(Tenants {
        pbx_url,
        ca_pem,
        ca_file,
        pbx_faults,
        pbx_recorder,
        tenants,
        servers,
        _ca_dir: ca_dir,
    })
}

#[cfg(test)]
mod tests {
    use super::tenant_domain;

    #[test]
    fn one_tenant_keeps_the_domain_and_many_are_numbered_to_sort() {
        assert_eq!(tenant_domain("contoso.example", 0, 1), "contoso.example");
        assert_eq!(
            tenant_domain("contoso.example", 2, 3),
            "tenant3.contoso.example"
        );
        assert_eq!(
            tenant_domain("contoso.example", 0, 100),
            "tenant001.contoso.example"
        );
        assert_eq!(
            tenant_domain("contoso.example", 99, 100),
            "tenant100.contoso.example"
        );
    }
}
