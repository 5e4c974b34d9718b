//! What the reset tests share: an automatic setup on the emulated PBX of a given PortSIP
//! version with a sync run behind it and a certificate of something else on the app, and the
//! checks that nothing of the integration is left afterwards.

#![allow(dead_code)] // Each reset test file uses part of this.

use std::collections::BTreeSet;
use std::error::Error;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use entra::CertificateKey;
use pbx365::progress::StepContext;
use pbx365::reset::{ResetEvent, ResetSink, journal::journal_path};
use pbx365::sync::{SyncEngine, SyncStore, connect, database_path};
use pbx365::wizard::{ApplyOutcome, KeyPairInput, Wizard};
use serde_json::Value;

use crate::engine_common::{self, World};

pub const PROFILE: &str = "contoso";

/// The emulators playing `version`.
pub async fn world_of(version: sim::PbxVersion) -> Result<World, Box<dyn Error>> {
    engine_common::world_with(|config| config.pbx_version = version).await
}

/// What the automatic setup made.
#[derive(Debug, Clone)]
pub struct Installed {
    pub app_id: String,
    /// The PBX's certificate, on the app.
    pub pbx_thumbprint: String,
    /// A certificate of something else on the same app, which the reset must leave.
    pub other_thumbprint: String,
}

/// The automatic setup of [`PROFILE`], verified; one sync run (so there is history); and an
/// unrelated certificate added to the app.
pub async fn set_up(world: &World) -> Result<Installed, Box<dyn Error>> {
    let (_, _, applied, report) = engine_common::full_auto(world, PROFILE).await?;
    assert!(report.passed, "{}", engine_common::describe(&report));
    let app = applied.app.ok_or("the setup made no app")?;
    let object_id = app.object_id.clone().ok_or("no object ID")?;
    let pbx_thumbprint = world
        .sim
        .pbx
        .certificate()
        .ok_or("no key pair on the PBX")?
        .sha1_thumbprint
        .to_uppercase();

    let env = &world.env;
    let profile = env.profiles.require(PROFILE)?;
    let store = Arc::new(SyncStore::open(database_path(&env.profiles))?);
    let connection = connect(env, &profile).await?;
    let run = SyncEngine::new(Arc::clone(&store), PROFILE)
        .run(&connection.pbx, connection.source.as_ref())
        .await?;
    assert!(run.succeeded(), "{run:?}");
    assert!(!store.history(PROFILE, 10)?.is_empty());

    let other = unrelated_certificate()?;
    let graph = pbx365::access::sessions::resume_graph(env, &profile).await?;
    graph
        .add_certificate(&object_id, &other, "Another service")
        .await?;
    Ok(Installed {
        app_id: app.app_id,
        pbx_thumbprint,
        other_thumbprint: other.thumbprint().to_string(),
    })
}

/// A new automatic setup of [`PROFILE`], verified. The users the first setup's sync made stay
/// on the PBX (a reset keeps them), so the PBX picks the starting extension this time.
pub async fn set_up_again(world: &World) -> Result<ApplyOutcome, Box<dyn Error>> {
    let ctx = StepContext::silent();
    let mut wizard = Wizard::open(Arc::clone(&world.env), PROFILE)?;
    wizard.connect_pbx(world.login(), &ctx).await?;
    wizard.sign_in_microsoft(world.sign_in(), &ctx).await?;
    wizard
        .plan_app_registration(
            engine_common::app_input(engine_common::all_features()),
            &ctx,
        )
        .await?;
    wizard.plan_key_pair(KeyPairInput::default(), &ctx).await?;
    wizard.plan_consent(&ctx).await?;
    let mut options = engine_common::sync_options();
    options.users.starting_extension = None;
    wizard.set_sync_options(options, &ctx).await?;
    wizard.review(&ctx).await?;
    let applied = wizard.apply(&ctx).await?;
    let report = wizard.verify(&ctx).await?;
    assert!(report.passed, "{}", engine_common::describe(&report));
    Ok(applied)
}

fn unrelated_certificate() -> Result<CertificateKey, Box<dyn Error>> {
    let key = rcgen::KeyPair::generate()?;
    let certificate = rcgen::CertificateParams::new(vec!["other-service.example".to_owned()])?
        .self_signed(&key)?;
    Ok(CertificateKey::from_der(certificate.der().to_vec())?)
}

/// A sink that keeps every progress report.
pub fn recording() -> (ResetSink, Arc<Mutex<Vec<ResetEvent>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&seen);
    let events: ResetSink = Arc::new(move |event: &ResetEvent| {
        if let Ok(mut seen) = sink.lock() {
            seen.push(event.clone());
        }
    });
    (events, seen)
}

pub fn silent() -> ResetSink {
    Arc::new(|_: &ResetEvent| {})
}

/// Thumbprints of the app's certificates, upper case.
pub fn app_thumbprints(world: &World, app_id: &str) -> BTreeSet<String> {
    world
        .sim
        .ms
        .key_credentials(app_id)
        .iter()
        .map(|key| hex::encode_upper(&key.thumbprint_sha1))
        .collect()
}

/// Requests that changed something in Entra since the recorder was last cleared
/// ("PATCH /v1.0/applications/…"); sign-ins and tokens aside.
pub fn graph_writes(world: &World) -> Vec<String> {
    world
        .sim
        .ms_recorder
        .exchanges()
        .into_iter()
        .filter(|e| e.method != "GET" && e.path.starts_with("/v1.0/"))
        .map(|e| format!("{} {}", e.method, e.path))
        .collect()
}

/// Every file under the profile folder with its contents, to show that something wrote none.
pub fn snapshot(world: &World) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<(PathBuf, Vec<u8>)> = world
        .files()
        .into_iter()
        // SQLite's shared-memory index changes on every read.
        .filter(|path| !path.to_string_lossy().ends_with("-shm"))
        .map(|path| {
            let contents = std::fs::read(&path).unwrap_or_default();
            (path, contents)
        })
        .collect();
    files.sort();
    files
}

/// The PBX's integration is unconfigured: no app, no directory, every feature off.
pub fn assert_pbx_integration_stopped(world: &World) {
    let settings = world.sim.pbx.ms365_settings();
    for field in ["application_id", "directory_id"] {
        let value = settings
            .get(field)
            .and_then(Value::as_str)
            .unwrap_or_default();
        assert!(value.is_empty(), "{field} is still {value:?}: {settings}");
    }
    let blocks = [
        "users",
        "sign_in_as_administrator",
        "sign_in_as_standard_user",
        "personal_contacts",
        "shared_mailbox",
        "events",
    ];
    for block in blocks {
        if let Some(found) = settings.get(block) {
            assert_eq!(found["enabled"], false, "{block}: {settings}");
        }
    }
}

/// Nothing of the profile is left on this computer: no profile file, no reset journal, no
/// rotation journal, no sync history, no keyring entry, and no other file than the locks and
/// the (shared) history database.
pub fn assert_nothing_left_here(world: &World) -> Result<(), Box<dyn Error>> {
    let env = &world.env;
    assert!(env.profiles.load(PROFILE)?.is_none(), "the profile is left");
    assert!(!journal_path(env.profiles.base(), PROFILE).exists());
    assert!(
        world.secrets.values().is_empty(),
        "keyring entries are left"
    );
    let store = SyncStore::open(database_path(&env.profiles))?;
    assert!(
        store.history(PROFILE, 100)?.is_empty(),
        "sync runs are left"
    );
    let left: Vec<PathBuf> = world
        .files()
        .into_iter()
        .filter(|path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            !(name.ends_with(".lock") || name.starts_with(pbx365::sync::DATABASE_FILE))
        })
        .collect();
    assert!(left.is_empty(), "files left: {left:?}");
    Ok(())
}
