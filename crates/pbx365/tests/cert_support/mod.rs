//! An integrated tenant on the emulators, built directly through their APIs: the PBX has a
//! key pair, the Entra app holds its certificate (next to an unrelated one) and the PBX's
//! `/ms365` points at the app, so the PBX lists Microsoft 365 users. Plus a Graph session of
//! the Global Administrator and a saved profile for the profile-level calls.

#![allow(dead_code)] // Each test file uses part of the support code.

#[path = "../graph_contract_support/mod.rs"]
mod graph_contract_support;

use std::error::Error;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use entra::{Authenticator, CertificateKey, GraphClient, SignInOptions};
use pbx365::Environment;
use pbx365::access::retry::{Replication, RetryPolicy};
use pbx365::access::sessions::{ProfileTokenStore, entra_cloud};
use pbx365::certificate::lifecycle::{
    Clock, Notification, Notifier, NotifyError, RotationEvent, RotationSink, SystemClock,
};
use pbx365::profile::{
    AppIdentity, CloudChoice, MicrosoftSettings, Mode, NationalCloud as ProfileCloud, PbxSettings,
    Profile, ProfileStore,
};
use pbx365::secrets::{MemorySecretStore, Secret, SecretKey, SecretKind, SecretStore};
use portsip::model::{Ms365App, Ms365SettingsUpdate, NationalCloud};
use time::OffsetDateTime;

pub type TestResult = Result<(), Box<dyn Error>>;

pub const PROFILE: &str = "contoso";

/// Waits short enough for tests, long enough for the emulator's replication delays.
pub fn fast_policy(budget: Duration) -> RetryPolicy {
    RetryPolicy {
        first_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(200),
        budget: Duration::from_secs(2),
        unreachable_budget: Duration::from_millis(200),
        replication: Replication {
            first: Duration::from_millis(50),
            cap: Duration::from_millis(200),
            budget,
        },
    }
}

pub struct Tenant {
    pub sim: sim::Sim,
    /// Holds every Graph call of the test to Microsoft's metadata when the tenant is dropped.
    pub graph_contract: graph_contract_support::GraphContractTap,
    pub pbx: portsip::Client,
    pub graph: GraphClient,
    pub app_id: String,
    pub object_id: String,
    /// The certificate the PBX started with.
    pub first_thumbprint: String,
    /// A certificate of something else on the same app, which must survive every change.
    pub other_thumbprint: String,
    pub dir: tempfile::TempDir,
    pub secrets: Arc<MemorySecretStore>,
    /// The emulator as the cloud it plays, as the saved profile names it.
    pub cloud: CloudChoice,
}

fn unrelated_certificate() -> Result<CertificateKey, Box<dyn Error>> {
    let key = rcgen::KeyPair::generate()?;
    let certificate = rcgen::CertificateParams::new(vec!["other-service.example".to_owned()])?
        .self_signed(&key)?;
    Ok(CertificateKey::from_der(certificate.der().to_vec())?)
}

/// Delegated permissions as the wizard asks for them (its refresh token is resumed later).
fn sign_in_options(tenant: &str) -> SignInOptions {
    let mut permissions: Vec<String> = entra::SETUP_PERMISSIONS
        .iter()
        .map(|p| (*p).to_owned())
        .collect();
    permissions.push(entra::USER_SYNC_PERMISSION.to_owned());
    SignInOptions {
        tenant: tenant.to_owned(),
        graph_permissions: permissions,
        ..SignInOptions::default()
    }
}

pub async fn integrated_tenant() -> Result<Tenant, Box<dyn Error>> {
    integrated_tenant_in(sim::ms::National::Global).await
}

/// [`integrated_tenant`] with the Microsoft emulator playing `national`, the PBX and the
/// saved profile set to that cloud.
pub async fn integrated_tenant_in(national: sim::ms::National) -> Result<Tenant, Box<dyn Error>> {
    let sim = sim::start(sim::SimConfig {
        auto_approve: true,
        pbx_users: 3,
        ms_users: 6,
        cloud: national,
        ..sim::SimConfig::default()
    })
    .await?;
    let (pbx_cloud, profile_cloud) = match national {
        sim::ms::National::Global => (NationalCloud::Global, ProfileCloud::Global),
        sim::ms::National::China => (NationalCloud::China, ProfileCloud::China),
    };
    let cloud = CloudChoice::Custom {
        authority: sim.ms_authority.clone(),
        national: Some(profile_cloud),
    };
    let graph_contract = graph_contract_support::GraphContractTap::install(&sim.ms_recorder);
    let pbx = portsip::Client::builder(&sim.pbx_url)
        .retry_policy(fast_policy(Duration::ZERO).pbx())
        .build()?;
    let admin = &sim.tenant.admin;
    pbx.login(&admin.username, &admin.password, admin.domain.as_deref())
        .await?;
    let file = pbx.generate_ms365_certificate().await?;
    let first = CertificateKey::from_pem(&String::from_utf8(file.pem)?)?;
    let other = unrelated_certificate()?;
    let app = sim.ms.register_app(sim::ms::AppSeed {
        display_name: "PortSIP PBX".to_owned(),
        web_redirect_uris: vec![sim.pbx.redirect_uri()],
        certificates_der: vec![first.der().to_vec(), other.der().to_vec()],
        graph_app_roles: vec!["User.Read.All".to_owned()],
    })?;
    let tenant_id = sim.ms.tenant_id().to_owned();
    pbx.set_ms365(&Ms365SettingsUpdate {
        app: Ms365App {
            national_cloud: Some(pbx_cloud),
            directory_id: Some(tenant_id.clone()),
            application_id: Some(app.app_id.clone()),
        },
        // Far from any test run: no "sync due soon" warning unless a test asks for one.
        sync_time: Some("0 3 29 2 *".to_owned()),
        ..Ms365SettingsUpdate::default()
    })
    .await?;
    let listed = pbx.ms365_users().await?;
    assert!(!listed.items.is_empty(), "the tenant is not integrated");

    sim.ms.set_device_code_interval(Duration::from_millis(10));
    let authenticator =
        Authenticator::new(entra_cloud(&cloud)?, sign_in_options(&tenant_id)).await?;
    let session = authenticator.sign_in_with_device_code(|_| {}).await?;
    let secrets = Arc::new(MemorySecretStore::default());
    session
        .persist_to(
            Arc::new(ProfileTokenStore::new(secrets.clone(), PROFILE)),
            "microsoft",
        )
        .await?;
    secrets.set(
        &SecretKey::new(PROFILE, SecretKind::PbxPassword),
        &Secret::new(&admin.password),
    )?;
    let graph = GraphClient::new(session)
        .with_retry_policy(fast_policy(Duration::from_secs(5)).microsoft());
    Ok(Tenant {
        pbx,
        graph,
        app_id: app.app_id,
        object_id: app.object_id,
        first_thumbprint: first.thumbprint().to_string(),
        other_thumbprint: other.thumbprint().to_string(),
        dir: tempfile::tempdir()?,
        secrets,
        sim,
        graph_contract,
        cloud,
    })
}

impl Tenant {
    /// The thumbprints on the app now, as the emulated Entra holds them.
    pub fn app_thumbprints(&self) -> Vec<String> {
        self.sim
            .ms
            .key_credentials(&self.app_id)
            .iter()
            .map(|key| hex::encode_upper(&key.thumbprint_sha1))
            .collect()
    }

    /// The PBX's certificate now.
    pub fn pbx_thumbprint(&self) -> Option<String> {
        self.sim.pbx.certificate().map(|c| c.sha1_thumbprint)
    }

    pub fn journal_path(&self) -> PathBuf {
        pbx365::certificate::lifecycle::journal_path(self.dir.path(), PROFILE)
    }

    pub fn certificate_path(&self) -> PathBuf {
        self.dir.path().join("certificates").join("public_key.pem")
    }

    /// The profile the setup would have saved, and an environment whose keyring holds its
    /// sign-ins.
    pub fn saved_profile(&self, mode: Mode) -> Result<(Arc<Environment>, Profile), Box<dyn Error>> {
        let store = ProfileStore::at(self.dir.path());
        let mut env = Environment::new(store, self.secrets.clone());
        env.retry = fast_policy(Duration::from_secs(5));
        env.verify_budget = Duration::from_secs(5);
        let admin = &self.sim.tenant.admin;
        let mut profile = Profile::new(PROFILE)?;
        profile.pbx = PbxSettings {
            url: self.sim.pbx_url.clone(),
            username: admin.username.clone(),
            domain: admin.domain.clone(),
            ca_pem: None,
            pin_sha256: None,
            remember_password: true,
        };
        profile.microsoft = MicrosoftSettings {
            mode,
            cloud: self.cloud.clone(),
            client_id: None,
            tenant_id: Some(self.sim.ms.tenant_id().to_owned()),
            tenant_name: None,
            tenant_domain: None,
            account: None,
        };
        profile.app = Some(AppIdentity {
            app_id: self.app_id.clone(),
            object_id: Some(self.object_id.clone()),
            service_principal_id: None,
            display_name: None,
        });
        env.profiles.save(&profile)?;
        Ok((Arc::new(env), profile))
    }
}

/// The real clock moved by a number of days.
pub struct DaysFromNow(pub i64);

impl Clock for DaysFromNow {
    fn now(&self) -> OffsetDateTime {
        SystemClock.now() + time::Duration::days(self.0)
    }
}

/// Records every notification; can be told to fail.
#[derive(Default)]
pub struct RecordingNotifier {
    pub shown: Mutex<Vec<Notification>>,
    pub fail: Mutex<bool>,
}

impl RecordingNotifier {
    pub fn shown(&self) -> Vec<Notification> {
        self.shown.lock().map(|s| s.clone()).unwrap_or_default()
    }

    pub fn set_failing(&self, failing: bool) {
        if let Ok(mut fail) = self.fail.lock() {
            *fail = failing;
        }
    }
}

impl Notifier for RecordingNotifier {
    fn notify(&self, notification: &Notification) -> Result<(), NotifyError> {
        if self.fail.lock().map(|f| *f).unwrap_or(false) {
            return Err(NotifyError {
                reason: "the notification service is not running".to_owned(),
            });
        }
        if let Ok(mut shown) = self.shown.lock() {
            shown.push(notification.clone());
        }
        Ok(())
    }
}

/// Records rotation events and runs `hook` on each (to inject a fault at a given step).
pub fn recording_sink(
    hook: impl Fn(&RotationEvent) + Send + Sync + 'static,
) -> (RotationSink, Arc<Mutex<Vec<RotationEvent>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&events);
    let on_event: RotationSink = Arc::new(move |event: &RotationEvent| {
        if let Ok(mut events) = sink.lock() {
            events.push(event.clone());
        }
        hook(event);
    });
    (on_event, events)
}
