//! What the engine tests share: the emulators, a temporary profile folder, an in-memory
//! keyring, and a "browser" that follows the sign-in redirects (the emulator auto-approves).

#![allow(dead_code)]

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use pbx365::Environment;
use pbx365::access::retry::{Replication, RetryPolicy};
use pbx365::features::Feature;
use pbx365::profile::{CloudChoice, NationalCloud, ProfileStore, SyncOptions};
use pbx365::progress::{CancellationToken, ProgressEvent, StepContext};
use pbx365::secrets::{MemorySecretStore, SecretKey, SecretKind, SecretStore};
use pbx365::sync::{Connection, Plan, RunReport, SyncEngine, SyncError, SyncStore};
use pbx365::wizard::{
    AppRegistrationInput, KeyPairInput, MicrosoftSignIn, PbxLogin, SignInMethod, Wizard,
};
use reqwest::header::LOCATION;
use url::Url;

#[path = "../graph_contract_support/mod.rs"]
pub mod graph_contract_support;
pub use graph_contract_support::GraphContractTap;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// Plays the admin's browser: follows redirects from the sign-in page to the loopback
/// listener. The emulator approves at once, so no page has to be filled in.
pub struct FollowRedirects {
    pub client: reqwest::Client,
    /// Every URL the wizard asked to open.
    pub opened: Arc<Mutex<Vec<Url>>>,
}

impl entra::BrowserOpener for FollowRedirects {
    fn open(&self, url: &Url) -> Result<(), entra::EntraError> {
        if let Ok(mut opened) = self.opened.lock() {
            opened.push(url.clone());
        }
        let client = self.client.clone();
        let url = url.clone();
        tokio::spawn(async move {
            if let Err(error) = follow(&client, url, 10).await {
                eprintln!("test browser: {error}");
            }
        });
        Ok(())
    }
}

/// A browser that never comes back (the admin walked away).
pub struct NeverReturns;

impl entra::BrowserOpener for NeverReturns {
    fn open(&self, _url: &Url) -> Result<(), entra::EntraError> {
        Ok(())
    }
}

/// GETs `url` and follows `Location` headers on loopback addresses only; returns the last
/// location it did not follow (e.g. the PBX's own callback).
pub async fn follow(
    client: &reqwest::Client,
    mut url: Url,
    limit: usize,
) -> Result<Option<Url>, Box<dyn std::error::Error + Send + Sync>> {
    for _ in 0..limit {
        let response = client.get(url.clone()).send().await?;
        let Some(location) = response.headers().get(LOCATION) else {
            return Ok(None);
        };
        let next = url.join(location.to_str()?)?;
        let local = matches!(next.host_str(), Some("localhost" | "127.0.0.1"));
        if !local {
            return Ok(Some(next));
        }
        url = next;
    }
    Err("too many redirects".into())
}

pub struct World {
    pub sim: sim::Sim,
    /// Holds every Graph call of the test to Microsoft's metadata when the world is dropped.
    pub graph_contract: GraphContractTap,
    pub dir: tempfile::TempDir,
    pub secrets: MemorySecretStore,
    pub env: Arc<Environment>,
    pub http: reqwest::Client,
    pub opened: Arc<Mutex<Vec<Url>>>,
}

pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        first_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(200),
        budget: Duration::from_secs(10),
        unreachable_budget: Duration::from_millis(200),
        replication: Replication {
            first: Duration::from_millis(50),
            cap: Duration::from_millis(400),
            budget: Duration::from_secs(15),
        },
    }
}

pub async fn world() -> Result<World, Box<dyn std::error::Error>> {
    world_with(|_| {}).await
}

/// [`world`] with the Microsoft emulator playing `national` (the client is pointed at it as
/// that cloud: [`World::cloud`]).
pub async fn world_in(national: sim::ms::National) -> Result<World, Box<dyn std::error::Error>> {
    world_with(|config| config.cloud = national).await
}

/// The emulators over HTTPS with an SBC (two Redirect URIs), a small seeded tenant, and an
/// environment whose waits are short.
pub async fn world_with(
    adjust: impl FnOnce(&mut sim::SimConfig),
) -> Result<World, Box<dyn std::error::Error>> {
    let mut config = sim::SimConfig {
        tls: true,
        auto_approve: true,
        ms_users: 30,
        pbx_users: 12,
        sbc_domain: Some("sbc.contoso.example".to_owned()),
        ..sim::SimConfig::default()
    };
    adjust(&mut config);
    let sim = sim::start(config).await?;
    let graph_contract = GraphContractTap::install(&sim.ms_recorder);
    let ca_pem = sim.ca_pem.clone().ok_or("the emulator has no CA")?;
    let http = reqwest::Client::builder()
        .use_rustls_tls()
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem.as_bytes())?)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let dir = tempfile::tempdir()?;
    let secrets = MemorySecretStore::default();
    let opened = Arc::new(Mutex::new(Vec::new()));
    let env = Environment {
        profiles: ProfileStore::at(dir.path()),
        secrets: Arc::new(secrets.clone()),
        browser: Arc::new(FollowRedirects {
            client: http.clone(),
            opened: Arc::clone(&opened),
        }),
        microsoft_ca_pem: Some(ca_pem),
        retry: fast_retry(),
        sign_in_timeout: Duration::from_secs(20),
        verify_budget: Duration::from_secs(20),
    };
    Ok(World {
        sim,
        graph_contract,
        dir,
        secrets,
        env: Arc::new(env),
        http,
        opened,
    })
}

impl World {
    /// The tenant administrator signed in to the emulated PBX directly, as another admin (or
    /// the test's own eyes) would be, outside the wizard.
    pub async fn admin_pbx(&self) -> Result<portsip::Client, Box<dyn std::error::Error>> {
        let client = portsip::Client::builder(&self.sim.pbx_url)
            .ca_pem(self.sim.ca_pem.clone().ok_or("the emulator has no CA")?)
            .build()?;
        let admin = &self.sim.tenant.admin;
        client
            .login(&admin.username, &admin.password, admin.domain.as_deref())
            .await?;
        Ok(client)
    }

    pub fn login(&self) -> PbxLogin {
        let admin = &self.sim.tenant.admin;
        PbxLogin {
            url: self.sim.pbx_url.clone(),
            username: admin.username.clone(),
            password: Some(admin.password.clone()),
            domain: admin.domain.clone(),
            ca_pem: self.sim.ca_pem.clone(),
            pin_sha256: None,
            remember_password: false,
        }
    }

    /// The emulator as the national cloud it plays.
    pub fn cloud(&self) -> CloudChoice {
        CloudChoice::Custom {
            authority: self.sim.ms_authority.clone(),
            national: Some(match self.sim.ms.national() {
                sim::ms::National::Global => NationalCloud::Global,
                sim::ms::National::China => NationalCloud::China,
            }),
        }
    }

    /// [`World::cloud`] for entra.
    pub fn entra_cloud(&self) -> Result<entra::Cloud, Box<dyn std::error::Error>> {
        Ok(pbx365::access::sessions::entra_cloud(&self.cloud())?)
    }

    pub fn sign_in(&self) -> MicrosoftSignIn {
        MicrosoftSignIn {
            cloud: self.cloud(),
            client_id: None,
            method: SignInMethod::Browser,
            login_hint: None,
        }
    }

    /// The same world with another environment (e.g. another browser).
    pub fn env_with(&self, change: impl FnOnce(&mut Environment)) -> Arc<Environment> {
        let mut env = Environment {
            profiles: ProfileStore::at(self.dir.path()),
            secrets: Arc::new(self.secrets.clone()),
            browser: Arc::new(FollowRedirects {
                client: self.http.clone(),
                opened: Arc::clone(&self.opened),
            }),
            microsoft_ca_pem: self.sim.ca_pem.clone(),
            retry: fast_retry(),
            sign_in_timeout: Duration::from_secs(20),
            verify_budget: Duration::from_secs(20),
        };
        change(&mut env);
        Arc::new(env)
    }

    /// Files under the profile folder.
    pub fn files(&self) -> Vec<std::path::PathBuf> {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            if let Ok(entries) = std::fs::read_dir(dir) {
                for entry in entries.flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        walk(&path, out);
                    } else {
                        out.push(path);
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(self.dir.path(), &mut out);
        out
    }

    /// Whether the keyring holds `profile`'s secret of `kind`.
    pub fn keeps(
        &self,
        profile: &str,
        kind: SecretKind,
    ) -> Result<bool, Box<dyn std::error::Error>> {
        Ok(self.secrets.get(&SecretKey::new(profile, kind))?.is_some())
    }

    /// Takes `profile`'s secret of `kind` out of the keyring, as an admin or a cleaner might.
    pub fn forget(&self, profile: &str, kind: SecretKind) -> TestResult {
        self.secrets.delete(&SecretKey::new(profile, kind))?;
        Ok(())
    }

    /// Every password the emulators know.
    pub fn sim_passwords(&self) -> Vec<String> {
        let tenant = &self.sim.tenant;
        let mut passwords = vec![
            tenant.admin.password.clone(),
            tenant.standard_user.password.clone(),
            tenant.system_admin.password.clone(),
        ];
        passwords.extend(
            self.sim
                .ms
                .demo_accounts()
                .all()
                .iter()
                .map(|a| a.password.clone()),
        );
        passwords
    }
}

pub fn all_features() -> BTreeSet<Feature> {
    Feature::ALL.into_iter().collect()
}

pub fn app_input(features: BTreeSet<Feature>) -> AppRegistrationInput {
    AppRegistrationInput {
        features,
        display_name: None,
        optional_grants: BTreeSet::new(),
    }
}

pub fn sync_options() -> SyncOptions {
    let mut options = SyncOptions {
        sync_time: "30 2 * * *".to_owned(),
        ..SyncOptions::default()
    };
    options.users.starting_extension = Some("5000".to_owned());
    options.users.sync_photos = true;
    options
}

/// [`sync_options`] with the starting extension left to the PBX (an earlier sync may have
/// taken 5000).
pub fn sync_options_pbx_extension() -> SyncOptions {
    let mut options = sync_options();
    options.users.starting_extension = None;
    options
}

/// A context that keeps every progress event.
pub fn recording() -> (StepContext, Arc<Mutex<Vec<ProgressEvent>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let ctx = StepContext::new(
        Arc::new(move |event: &ProgressEvent| {
            if let Ok(mut seen) = sink.lock() {
                seen.push(event.clone());
            }
        }),
        CancellationToken::new(),
    );
    (ctx, seen)
}

/// Steps 1–6 of automatic mode.
pub async fn prepare_auto(
    world: &World,
    profile: &str,
    ctx: &StepContext,
) -> Result<Wizard, Box<dyn std::error::Error>> {
    prepare_auto_in(Arc::clone(&world.env), world, profile, ctx).await
}

pub async fn prepare_auto_in(
    env: Arc<Environment>,
    world: &World,
    profile: &str,
    ctx: &StepContext,
) -> Result<Wizard, Box<dyn std::error::Error>> {
    prepare_auto_signing_in(env, world, profile, world.sign_in(), ctx).await
}

/// Steps 1–6 of automatic mode, signing in to Microsoft with `sign_in`.
pub async fn prepare_auto_signing_in(
    env: Arc<Environment>,
    world: &World,
    profile: &str,
    sign_in: MicrosoftSignIn,
    ctx: &StepContext,
) -> Result<Wizard, Box<dyn std::error::Error>> {
    let wizard = Wizard::open(env, profile)?;
    let mut wizard = until_sync_options(wizard, world, sign_in, ctx).await?;
    wizard.set_sync_options(sync_options(), ctx).await?;
    Ok(wizard)
}

/// Steps 1–5 of automatic mode, for a test that sets the sync options its own way.
pub async fn prepare_auto_until_sync_options(
    world: &World,
    profile: &str,
    ctx: &StepContext,
) -> Result<Wizard, Box<dyn std::error::Error>> {
    let wizard = Wizard::open(Arc::clone(&world.env), profile)?;
    until_sync_options(wizard, world, world.sign_in(), ctx).await
}

/// Steps 1–5 in `wizard`, signing in to Microsoft with `sign_in`.
async fn until_sync_options(
    mut wizard: Wizard,
    world: &World,
    sign_in: MicrosoftSignIn,
    ctx: &StepContext,
) -> Result<Wizard, Box<dyn std::error::Error>> {
    wizard.connect_pbx(world.login(), ctx).await?;
    wizard.sign_in_microsoft(sign_in, ctx).await?;
    wizard
        .plan_app_registration(app_input(all_features()), ctx)
        .await?;
    wizard.plan_key_pair(KeyPairInput::default(), ctx).await?;
    wizard.plan_consent(ctx).await?;
    Ok(wizard)
}

/// What a whole automatic setup leaves: the wizard, its review, the apply and the verify.
pub type FullAuto = (
    Wizard,
    pbx365::wizard::Review,
    pbx365::wizard::ApplyOutcome,
    pbx365::doctor::DoctorReport,
);

/// The whole automatic setup: steps 1–9.
pub async fn full_auto(
    world: &World,
    profile: &str,
) -> Result<FullAuto, Box<dyn std::error::Error>> {
    full_auto_with(world, profile, sync_options()).await
}

/// The whole automatic setup with `options` as the sync options.
pub async fn full_auto_with(
    world: &World,
    profile: &str,
    options: SyncOptions,
) -> Result<FullAuto, Box<dyn std::error::Error>> {
    let ctx = StepContext::silent();
    let mut wizard = prepare_auto_until_sync_options(world, profile, &ctx).await?;
    wizard.set_sync_options(options, &ctx).await?;
    let review = wizard.review(&ctx).await?;
    let applied = wizard.apply(&ctx).await?;
    let report = wizard.verify(&ctx).await?;
    Ok((wizard, review, applied, report))
}

/// A saved profile's sync as an unattended run makes it: connected afresh from the keyring,
/// its history in the profile folder, the default run options.
pub struct SavedSync {
    pub engine: SyncEngine,
    pub connection: Connection,
}

impl SavedSync {
    pub async fn open(
        env: &Environment,
        profile: &str,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let saved = env.profiles.require(profile)?;
        let store = Arc::new(SyncStore::open(pbx365::sync::database_path(&env.profiles))?);
        let connection = pbx365::sync::connect(env, &saved).await?;
        Ok(Self {
            engine: SyncEngine::new(store, profile),
            connection,
        })
    }

    pub async fn preview(&self) -> Result<Plan, SyncError> {
        let Connection { pbx, source } = &self.connection;
        self.engine.preview(pbx, source.as_ref()).await
    }

    pub async fn run(&self) -> Result<RunReport, SyncError> {
        let Connection { pbx, source } = &self.connection;
        self.engine.run(pbx, source.as_ref()).await
    }
}

/// A report as text, for assertion messages.
pub fn describe(report: &pbx365::doctor::DoctorReport) -> String {
    report
        .checks
        .iter()
        .map(|c| {
            format!(
                "{:?} {:?}: {} | fix: {:?}",
                c.id, c.status, c.explanation, c.fix
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// One PBX user as the fault tests compare them: name, extension, e-mail (lower case) and the
/// Microsoft 365 account it is bound to.
pub type PbxUserRow = (String, String, String, Option<String>);

/// Every user of the emulated PBX, as the fault tests compare them.
pub fn pbx_users(world: &World) -> BTreeSet<PbxUserRow> {
    let text = |user: &serde_json::Value, field: &str| {
        user.get(field)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_owned()
    };
    world
        .sim
        .pbx
        .users()
        .iter()
        .map(|user| {
            (
                text(user, "name"),
                text(user, "extension_number"),
                text(user, "email").to_lowercase(),
                world.sim.pbx.ms365_binding(&text(user, "id")),
            )
        })
        .collect()
}

/// Requests that changed something on the PBX since its recorder was last cleared, sign-ins
/// and token renewals aside ("POST /api/users", …).
pub fn pbx_writes(world: &World) -> Vec<String> {
    world
        .sim
        .pbx_recorder
        .exchanges()
        .into_iter()
        .filter(|e| e.method != "GET" && !e.path.ends_with("/login") && !e.path.contains("/auth/"))
        .map(|e| format!("{} {}", e.method, e.path))
        .collect()
}

/// A guided setup of the world's PBX as `profile`, with an app the admin registered by hand
/// and users only; the PBX picks the starting extension (an earlier sync may have taken one).
pub async fn guided_setup(
    world: &World,
    profile: &str,
) -> Result<pbx365::wizard::SetupOutcome, Box<dyn std::error::Error>> {
    let registered = world.sim.ms.register_app(sim::ms::AppSeed {
        display_name: "PBX Server-side".into(),
        web_redirect_uris: vec![world.sim.pbx.redirect_uri()],
        certificates_der: vec![],
        graph_app_roles: vec![],
    })?;
    let outcome = pbx365::wizard::run_setup(
        Arc::clone(&world.env),
        pbx365::wizard::SetupRequest {
            profile: profile.to_owned(),
            pbx: world.login(),
            microsoft: pbx365::wizard::SetupMicrosoft::Guided(pbx365::wizard::GuidedIds {
                cloud: world.cloud(),
                tenant_id: world.sim.ms.tenant_id().to_owned(),
                app_id: registered.app_id,
            }),
            app: app_input([Feature::Users].into()),
            key_pair: KeyPairInput::default(),
            sync: sync_options_pbx_extension(),
            verify: false,
        },
        |_| true,
        &StepContext::silent(),
    )
    .await?;
    Ok(outcome)
}
