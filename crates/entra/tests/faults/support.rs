//! The emulated Microsoft cloud and a browser that follows its redirects.

use std::time::Duration;

use entra::{
    Authenticator, Cloud, EntraError, HttpOptions, RetryPolicy, SETUP_PERMISSIONS, SignInOptions,
};
use reqwest::header::LOCATION;
use url::Url;

pub type TestResult = Result<(), AnyError>;
pub type AnyError = Box<dyn std::error::Error + Send + Sync>;

pub struct World {
    pub sim: sim::Sim,
    pub cloud: Cloud,
    pub options: SignInOptions,
    /// Trusts the emulator's CA and follows no redirect by itself.
    pub http: reqwest::Client,
}

pub async fn world() -> Result<World, AnyError> {
    let sim = sim::start(sim::SimConfig {
        tls: true,
        auto_approve: true,
        ms_users: 5,
        ..sim::SimConfig::default()
    })
    .await?;
    let ca_pem = sim.ca_pem.clone().ok_or("the emulator has no CA")?;
    let http = reqwest::Client::builder()
        .use_rustls_tls()
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes())?)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let options = SignInOptions {
        graph_permissions: SETUP_PERMISSIONS.iter().map(|p| (*p).to_owned()).collect(),
        http: HttpOptions {
            extra_ca_pem: Some(ca_pem),
            ..HttpOptions::default()
        },
        browser_timeout: Duration::from_secs(60),
        ..SignInOptions::default()
    };
    Ok(World {
        cloud: Cloud::custom(&sim.ms_authority)?,
        sim,
        options,
        http,
    })
}

impl World {
    pub async fn authenticator(&self) -> Result<Authenticator, EntraError> {
        Authenticator::new(self.cloud.clone(), self.options.clone()).await
    }
}

/// Retries quickly, so faulted tests stay short.
pub fn fast_policy() -> RetryPolicy {
    RetryPolicy {
        throttle_budget: Duration::from_secs(20),
        unreachable_budget: Duration::from_secs(1),
        throttle_base: Duration::from_millis(50),
        replication_base: Duration::from_millis(100),
        replication_cap: Duration::from_millis(800),
        replication_budget: Duration::from_secs(30),
    }
}

/// Plays the browser: follows the sign-in page's redirects (auto-approve is on) down to the
/// loopback listener, and returns the listener's answer.
pub async fn follow(client: &reqwest::Client, mut url: Url) -> Result<reqwest::Response, AnyError> {
    for _ in 0..10 {
        let response = client.get(url.clone()).send().await?;
        let Some(location) = response.headers().get(LOCATION) else {
            return Ok(response);
        };
        url = url.join(location.to_str()?)?;
    }
    Err("too many redirects".into())
}

/// The loopback listener's port, from the `redirect_uri` of a sign-in page's address.
pub fn listener_port(authorize: &Url) -> Result<u16, AnyError> {
    let redirect = authorize
        .query_pairs()
        .find(|(name, _)| name == "redirect_uri")
        .ok_or("the sign-in address has no redirect_uri")?
        .1;
    Url::parse(&redirect)?
        .port()
        .ok_or_else(|| "the redirect URI has no port".into())
}
