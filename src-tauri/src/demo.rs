//! Demo mode (`pbx365-setup --demo`): the PBX and Microsoft emulators run in-process over TLS
//! with a seeded tenant, and the wizard is prefilled with the demo PBX and accounts.
//!
//! For automated tests of the real window only, [`FOLLOW_SIGN_IN_ENV`]`=1` (read in demo mode,
//! never otherwise) starts the emulated Microsoft cloud with its auto-approve switch and lets
//! the app fetch the sign-in page itself instead of opening a browser. It only follows
//! addresses on this computer, so it cannot stand in for a real sign-in.

use std::net::IpAddr;
use std::path::PathBuf;

use anyhow::Context;
use entra::{BrowserOpener, EntraError};
use pbx365::profile::NationalCloud;
use serde::Serialize;
use sim::{Sim, SimConfig};
use tauri::{AppHandle, State};
use url::{Host, Url};

use crate::certificate_commands;

/// Set to `1` with `--demo` to have the emulated sign-in approve itself (desktop E2E tests).
pub const FOLLOW_SIGN_IN_ENV: &str = "PBX365_DEMO_FOLLOW_SIGN_IN";
/// The Microsoft tenant's size in the demo.
const DEMO_MICROSOFT_USERS: usize = 250;

/// The running emulators and the demo's throwaway folder.
pub struct Demo {
    pub sim: Sim,
    folder: tempfile::TempDir,
    follow_sign_in: bool,
}

impl Demo {
    /// Starts the emulators, the Microsoft one playing `cloud`.
    pub async fn start(cloud: NationalCloud) -> anyhow::Result<Self> {
        let folder = tempfile::Builder::new()
            .prefix("pbx365-demo-")
            .tempdir()
            .context("the demo's temporary folder could not be created")?;
        let follow_sign_in = std::env::var(FOLLOW_SIGN_IN_ENV).is_ok_and(|value| value == "1");
        if follow_sign_in {
            tracing::warn!(
                "{FOLLOW_SIGN_IN_ENV}=1: the emulated Microsoft sign-in approves itself (tests only)"
            );
        }
        let sim = sim::start(SimConfig {
            tls: true,
            ms_users: DEMO_MICROSOFT_USERS,
            auto_approve: follow_sign_in,
            cloud: match cloud {
                NationalCloud::Global => sim::ms::National::Global,
                NationalCloud::China => sim::ms::National::China,
            },
            ..SimConfig::default()
        })
        .await
        .context("the demo emulators could not start")?;
        tracing::info!(pbx = %sim.pbx_url, microsoft = %sim.ms_authority, cloud = cloud.name(), "demo emulators running");
        Ok(Self {
            sim,
            folder,
            follow_sign_in,
        })
    }

    pub fn profiles_dir(&self) -> PathBuf {
        self.folder.path().join("profiles")
    }

    pub(crate) fn follow_sign_in(&self) -> Option<FollowSignIn> {
        if !self.follow_sign_in {
            return None;
        }
        let mut builder = reqwest::Client::builder();
        if let Some(pem) = &self.sim.ca_pem {
            match reqwest::Certificate::from_pem(pem.as_bytes()) {
                Ok(certificate) => builder = builder.add_root_certificate(certificate),
                Err(error) => tracing::error!(%error, "the demo CA is unusable"),
            }
        }
        match builder.build() {
            Ok(http) => Some(FollowSignIn { http }),
            Err(error) => {
                tracing::error!(%error, "the demo sign-in follower could not be built");
                None
            }
        }
    }
}

/// Fetches the auto-approving emulated sign-in page, whose redirects end at the app's
/// loopback listener.
pub(crate) struct FollowSignIn {
    http: reqwest::Client,
}

impl BrowserOpener for FollowSignIn {
    fn open(&self, url: &Url) -> Result<(), EntraError> {
        if !on_this_computer(url) {
            return Err(EntraError::Browser {
                reason: format!("{FOLLOW_SIGN_IN_ENV} only follows the demo emulator's pages"),
            });
        }
        let request = self.http.get(url.clone());
        tauri::async_runtime::spawn(async move {
            if let Err(error) = request.send().await {
                tracing::error!(%error, "the demo sign-in follower stopped");
            }
        });
        Ok(())
    }
}

fn on_this_computer(url: &Url) -> bool {
    match url.host() {
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        Some(Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

/// What the Connect and Microsoft steps are prefilled with in demo mode. The passwords are
/// the emulators' fixed, public demo credentials.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoDefaults {
    pub pbx_url: String,
    pub username: String,
    pub password: String,
    pub domain: Option<String>,
    /// The emulators' CA, for the Connect step to trust the emulated PBX.
    pub ca_pem: Option<String>,
    pub microsoft_authority: String,
    /// The national cloud the emulated Microsoft cloud plays.
    pub microsoft_cloud: NationalCloud,
    pub microsoft_admin: String,
}

/// The demo's prefill; `None` outside demo mode.
#[tauri::command]
pub fn demo_defaults(demo: State<'_, Option<Demo>>) -> Option<DemoDefaults> {
    let demo = demo.as_ref()?;
    let admin = &demo.sim.tenant.admin;
    Some(DemoDefaults {
        pbx_url: demo.sim.pbx_url.clone(),
        username: admin.username.clone(),
        password: admin.password.clone(),
        domain: admin.domain.clone(),
        ca_pem: demo.sim.ca_pem.clone(),
        microsoft_authority: demo.sim.ms_authority.clone(),
        microsoft_cloud: match demo.sim.ms.national() {
            sim::ms::National::Global => NationalCloud::Global,
            sim::ms::National::China => NationalCloud::China,
        },
        microsoft_admin: demo.sim.ms.demo_accounts().global_admin.user_principal_name,
    })
}

/// What the emulated Microsoft cloud holds for the PBX's app, for the desktop E2E to check
/// what the setup wrote. `None` outside demo mode.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DemoInspection {
    /// The PBX's `/ms365` settings as `GET /ms365` shows them.
    pub pbx_ms365: serde_json::Value,
    pub pbx_application_id: Option<String>,
    /// The SHA-1 thumbprint of the certificate the PBX signs with.
    pub pbx_certificate_thumbprint: Option<String>,
    /// How many PBX users are bound to a Microsoft 365 account.
    pub pbx_users_bound: usize,
    pub apps: Vec<String>,
    pub key_thumbprints: Vec<String>,
    pub granted_permissions: Vec<String>,
    /// How many interactive Microsoft sign-ins began (the sign-in page or a device code was
    /// asked for): a returning admin's edit must add none.
    pub interactive_sign_ins: usize,
}

#[tauri::command]
pub fn demo_inspect(demo: State<'_, Option<Demo>>) -> Option<DemoInspection> {
    let demo = demo.as_ref()?;
    let ms = &demo.sim.ms;
    let apps: Vec<String> = ms.applications().into_iter().map(|a| a.app_id).collect();
    let pbx_ms365 = demo.sim.pbx.ms365_settings();
    let pbx_application_id = pbx_ms365
        .pointer("/application_id")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned);
    let app_id = pbx_application_id.clone().unwrap_or_default();
    let pbx = &demo.sim.pbx;
    let pbx_users_bound = pbx
        .users()
        .iter()
        .filter_map(|user| user.get("id").and_then(serde_json::Value::as_str))
        .filter(|id| pbx.ms365_binding(id).is_some())
        .count();
    let interactive_sign_ins = demo
        .sim
        .ms_recorder
        .exchanges()
        .iter()
        .filter(|e| e.path.ends_with("/authorize") || e.path.ends_with("/devicecode"))
        .count();
    Some(DemoInspection {
        interactive_sign_ins,
        pbx_certificate_thumbprint: pbx.certificate().map(|c| c.sha1_thumbprint),
        pbx_users_bound,
        key_thumbprints: ms
            .key_credentials(&app_id)
            .into_iter()
            .map(|k| k.custom_key_identifier)
            .collect(),
        granted_permissions: ms.granted_graph_permissions(&app_id),
        pbx_ms365,
        pbx_application_id,
        apps,
    })
}

/// Runs the certificate reminders as the daily check would `days_ahead` days from now, for
/// the desktop E2E: the demo's certificates are new, so no reminder is due today.
#[tauri::command]
pub async fn demo_check_reminders(
    app: AppHandle,
    demo: State<'_, Option<Demo>>,
    days_ahead: u32,
) -> Result<(), String> {
    if demo.is_none() {
        return Err("Moving the reminders' clock is for demo mode only.".to_owned());
    }
    let later = time::OffsetDateTime::now_utc() + time::Duration::days(i64::from(days_ahead));
    certificate_commands::check_reminders(&app, &later).await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_follower_stays_on_this_computer() -> Result<(), url::ParseError> {
        assert!(on_this_computer(&Url::parse("https://127.0.0.1:4000/x")?));
        assert!(on_this_computer(&Url::parse("http://localhost:5000/")?));
        assert!(!on_this_computer(&Url::parse(
            "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize"
        )?));
        Ok(())
    }
}
