//! Everything pbx365 writes in its folder — profiles, the sync database with SQLite's side
//! files, run locks, the rotation journal, guided mode's `public_key.pem` — is for its owner
//! only: files 0600, folders 0700. What an older version left open to others is tightened by
//! the next setup, sync or rotation.
#![cfg(unix)]

mod engine_common;
mod private_files;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use engine_common::{TestResult, World, full_auto, world};
use pbx365::certificate::lifecycle::{SystemClock, connect_profile};
use pbx365::profile::Profile;
use pbx365::run_lock::{Activity, RunLock};
use pbx365::sync::{SyncEngine, SyncStore, connect, database_path};
use private_files::open_to_others;

const AUTO: &str = "auto";
const GUIDED: &str = "guided";

fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

/// The automatic setup, a sync (the run's journal in SQLite and its lock), a certificate
/// rotation (its journal, its lock), and a guided setup saving `public_key.pem` where guided
/// mode saves it by default. The sync's database stays open, so SQLite's side files are there
/// to be looked at.
async fn set_up_sync_and_rotate(
    world: &World,
) -> Result<Arc<SyncStore>, Box<dyn std::error::Error>> {
    full_auto(world, AUTO).await?;
    let env = &world.env;
    let profile = env.profiles.require(AUTO)?;

    let store = Arc::new(SyncStore::open(database_path(&env.profiles))?);
    let connection = connect(env, &profile).await?;
    let report = SyncEngine::new(Arc::clone(&store), AUTO)
        .run(&connection.pbx, connection.source.as_ref())
        .await?;
    assert!(report.succeeded(), "{report:?}");

    let connection = connect_profile(env, &profile).await?;
    connection
        .rotation(env, &SystemClock, Arc::new(|_| {}))?
        .run()
        .await?;

    // The sync gave the first extensions away: the PBX picks the next one.
    let outcome = engine_common::guided_setup(world, GUIDED).await?;
    let saved = outcome
        .apply
        .and_then(|apply| apply.certificate_path)
        .ok_or("guided mode saved no certificate")?;
    assert_eq!(saved, env.profiles.default_certificate_path(GUIDED)?);
    Ok(store)
}

/// What must exist after [`set_up_sync_and_rotate`], so the walk cannot pass by finding
/// nothing.
fn expected_files(world: &World) -> Result<Vec<PathBuf>, Box<dyn std::error::Error>> {
    let profiles = &world.env.profiles;
    let database = database_path(profiles);
    let side_file = |suffix: &str| {
        let mut side = database.clone().into_os_string();
        side.push(suffix);
        PathBuf::from(side)
    };
    Ok(vec![
        profiles.path_of(AUTO)?,
        profiles.path_of(GUIDED)?,
        side_file("-wal"),
        side_file("-shm"),
        database.clone(),
        profiles.default_certificate_path(GUIDED)?,
        pbx365::certificate::lifecycle::journal_path(profiles.base(), AUTO),
    ])
}

fn assert_all_private(world: &World) -> TestResult {
    for file in expected_files(world)? {
        assert!(file.exists(), "{} was not written", file.display());
    }
    assert_eq!(open_to_others(world.dir.path())?, Vec::<String>::new());
    Ok(())
}

#[tokio::test]
async fn everything_setup_sync_and_rotation_write_is_private() -> TestResult {
    let world = world().await?;
    let _open = set_up_sync_and_rotate(&world).await?;
    assert_all_private(&world)
}

#[tokio::test]
async fn what_an_older_version_left_open_to_others_is_tightened() -> TestResult {
    let world = world().await?;
    let profiles = &world.env.profiles;
    let base = profiles.base();
    // As an older version left them: every folder 0755, every file 0644.
    profiles.save(&Profile::new(AUTO)?)?;
    let store = SyncStore::open(database_path(profiles))?;
    drop(store);
    drop(RunLock::acquire(base, Activity::Sync, AUTO)?);
    let certificate = profiles.default_certificate_path(GUIDED)?;
    let certificate_folder = certificate.parent().ok_or("no folder")?;
    std::fs::create_dir_all(certificate_folder)?;
    std::fs::write(&certificate, b"an older certificate")?;
    let mut pending = vec![base.to_path_buf()];
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            set_mode(&path, 0o755)?;
            for entry in std::fs::read_dir(&path)? {
                pending.push(entry?.path());
            }
        } else {
            set_mode(&path, 0o644)?;
        }
    }
    let open = open_to_others(base)?;
    assert!(open.len() >= 8, "the older version's files: {open:?}");

    let _open = set_up_sync_and_rotate(&world).await?;
    assert_all_private(&world)
}
