//! Three unattended syncs in a row, each longer than several PBX token lifetimes, all succeed
//! without anyone signing in again. PortSIP refresh tokens are single-use: every token the PBX
//! issues during a run must reach the keyring before it is used, or the next run finds a spent
//! one. Each run connects afresh from the keyring, as the tray or a scheduled run does; after
//! each, the keyring holds exactly the newest refresh token the PBX issued (read from what the
//! emulated PBX answered) and the newest one Microsoft issued.

mod engine_common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use engine_common::{TestResult, World, full_auto, pbx_users, world_with};
use pbx365::Environment;
use pbx365::secrets::{Secret, SecretKey, SecretKind, SecretStore};
use pbx365::sync::{RunOptions, SyncEngine, SyncStore, connect, database_path};
use serde_json::Value;

const PROFILE: &str = "contoso";

/// How long the PBX's access tokens live during the runs. It answers `expires_in: 1`, so the
/// client renews 0.8 s after each renewal.
const PBX_TOKEN: Duration = Duration::from_secs(2);
/// Each PBX request takes this long, so a run outlasts several tokens.
const PBX_LATENCY: Duration = Duration::from_millis(400);
/// Users the other admin unbinds before each run, so each run has writes in flight while its
/// token is renewed.
const UNBOUND_PER_RUN: usize = 20;

fn key(kind: SecretKind) -> SecretKey {
    SecretKey::new(PROFILE, kind)
}

/// The refresh token in the newest successful answer among `exchanges` to one of `paths`.
fn newest_refresh_token(
    exchanges: &[sim::Exchange],
    paths: impl Fn(&str) -> bool,
) -> Option<String> {
    exchanges
        .iter()
        .rev()
        .filter(|e| e.status == 200 && paths(&e.path))
        .find_map(|e| {
            e.response_json
                .as_ref()?
                .get("refresh_token")?
                .as_str()
                .map(str::to_owned)
        })
}

/// Unbinds a few bound users through another admin's session, as someone tidying up in the
/// PBX's portal would; the next sync binds them again.
async fn unbind_some(world: &World) -> TestResult {
    let admin = world.admin_pbx().await?;
    let bound: Vec<String> = world
        .sim
        .pbx
        .users()
        .iter()
        .filter_map(|u| u.get("id").and_then(Value::as_str).map(str::to_owned))
        .filter(|id| world.sim.pbx.ms365_binding(id).is_some())
        .take(UNBOUND_PER_RUN)
        .collect();
    assert_eq!(bound.len(), UNBOUND_PER_RUN, "too few bound users");
    // The other admin's requests are not what is measured: no latency for them.
    world.sim.pbx_faults.set_latency(Duration::ZERO);
    for id in &bound {
        admin.unbind_ms365(id).await?;
    }
    world.sim.pbx_faults.set_latency(PBX_LATENCY);
    Ok(())
}

/// One unattended run: a fresh environment over the same profile folder and keyring.
async fn unattended_run(world: &World) -> TestResult {
    let env: Arc<Environment> = world.env_with(|_| {});
    let profile = env.profiles.require(PROFILE)?;
    let connection = connect(&env, &profile).await?;
    let store = Arc::new(SyncStore::open(database_path(&env.profiles))?);
    let report = SyncEngine::new(store, PROFILE)
        .with_options(RunOptions {
            retry: env.retry,
            ..RunOptions::default()
        })
        .run(&connection.pbx, connection.source.as_ref())
        .await?;
    assert!(report.succeeded(), "{:?}", report.summary);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_long_unattended_syncs_in_a_row_keep_the_newest_sign_in() -> TestResult {
    // 250 PBX users: three pages to read in every run.
    let world = world_with(|config| config.pbx_users = 250).await?;
    full_auto(&world, PROFILE).await?;
    assert!(
        world.secrets.get(&key(SecretKind::PbxPassword))?.is_none(),
        "the PBX password is kept: a lost sign-in would go unnoticed"
    );
    // What a sync without trouble ends with, on the same emulators: the first run creates and
    // binds, the later ones bind again what was unbound.
    world.sim.pbx.set_access_token_lifetime(PBX_TOKEN);
    world.sim.pbx_faults.set_latency(PBX_LATENCY);

    let mut after_first = None;
    for run in 1..=3 {
        if run > 1 {
            unbind_some(&world).await?;
        }
        let before = world
            .secrets
            .get(&key(SecretKind::PbxRefreshToken))?
            .ok_or("no PBX sign-in saved")?;
        world.sim.pbx_recorder.clear();
        world.sim.ms_recorder.clear();
        let started = Instant::now();
        unattended_run(&world)
            .await
            .map_err(|e| format!("run {run}: {e}"))?;
        let took = started.elapsed();

        let pbx = world.sim.pbx_recorder.exchanges();
        let renewals = pbx
            .iter()
            .filter(|e| e.path == "/api/auth/refresh_token" && e.status == 200)
            .count();
        let logins = pbx
            .iter()
            .filter(|e| e.path == "/api/login" && e.method == "POST")
            .count();
        eprintln!(
            "run {run}: {took:?}, {} PBX requests, {renewals} token renewals",
            pbx.len()
        );
        assert_eq!(logins, 0, "run {run} signed in to the PBX with a password");
        // The resume's renewal, then at least three during the run.
        assert!(
            renewals >= 4,
            "run {run} renewed the PBX token only {renewals} time(s) in {took:?}"
        );
        let newest_pbx = newest_refresh_token(&pbx, |path| {
            path == "/api/auth/refresh_token" || path == "/api/login"
        })
        .ok_or("the PBX issued no refresh token")?;
        let saved = world
            .secrets
            .get(&key(SecretKind::PbxRefreshToken))?
            .ok_or_else(|| format!("run {run} left no PBX sign-in in the keyring"))?;
        assert!(
            saved == Secret::new(&newest_pbx),
            "after run {run} the keyring does not hold the newest PBX refresh token"
        );
        assert!(saved != before, "run {run} left the spent refresh token");

        let newest_ms = newest_refresh_token(&world.sim.ms_recorder.exchanges(), |path| {
            path.ends_with("/oauth2/v2.0/token")
        })
        .ok_or("Microsoft issued no refresh token")?;
        let saved_ms = world
            .secrets
            .get(&key(SecretKind::MicrosoftRefreshToken))?
            .ok_or_else(|| format!("run {run} left no Microsoft sign-in in the keyring"))?;
        assert!(
            saved_ms == Secret::new(&newest_ms),
            "after run {run} the keyring does not hold the newest Microsoft refresh token"
        );

        let users = pbx_users(&world);
        match &after_first {
            None => after_first = Some(users),
            Some(first) => assert!(
                *first == users,
                "run {run} left other users than the first run"
            ),
        }
    }
    Ok(())
}
