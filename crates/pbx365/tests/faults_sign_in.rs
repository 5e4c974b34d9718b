//! A Microsoft sign-in that is throttled, failing, expired or revoked never changes who is
//! provisioned. A profile set up in automatic mode reads its users from Graph; when that
//! sign-in cannot be used, a sync stops before it writes anything to the PBX, with an error
//! that says what to do — it never falls back to the PBX's own view, which cannot tell guests
//! and disabled accounts apart and would create them. After the trouble has passed (or the
//! admin signed in again), a sync provisions exactly the users a sync without any trouble
//! provisions on a fresh pair of emulators with the same seed.

mod engine_common;

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use engine_common::{PbxUserRow, TestResult, World, full_auto, pbx_users, pbx_writes, world};
use pbx365::access::retry::RetryPolicy;
use pbx365::access::sessions::{resume_graph, sign_in_again};
use pbx365::secrets::{SecretKey, SecretKind, SecretStore};
use pbx365::sync::{Reason, RunOptions, RunReport, SyncEngine, SyncError, SyncStore, connect};
use pbx365::wizard::ChangeTarget;
use pbx365::{Environment, Error};
use sim::FaultScope;

const PROFILE: &str = "contoso";

/// Why a sync of the saved profile did not run.
#[derive(Debug)]
enum Stopped {
    /// Connecting to the profile's PBX and source.
    Connect(Error),
    /// The run itself.
    Run(SyncError),
    Incomplete(String),
}

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stopped::Connect(error) => write!(f, "connect: {error}"),
            Stopped::Run(error) => write!(f, "run: {error}"),
            Stopped::Incomplete(what) => write!(f, "incomplete run: {what}"),
        }
    }
}

/// A sync of the saved profile as an unattended run makes it: connected afresh from the
/// keyring, with the default options (users the source cannot classify are not created).
async fn sync(env: &Environment) -> Result<RunReport, Stopped> {
    let profile = env
        .profiles
        .require(PROFILE)
        .map_err(|e| Stopped::Connect(e.into()))?;
    let connection = connect(env, &profile).await.map_err(Stopped::Connect)?;
    let store = SyncStore::open(pbx365::sync::database_path(&env.profiles))
        .map_err(|e| Stopped::Incomplete(e.to_string()))?;
    let engine = SyncEngine::new(Arc::new(store), PROFILE).with_options(RunOptions {
        retry: env.retry,
        ..RunOptions::default()
    });
    let report = engine
        .run(&connection.pbx, connection.source.as_ref())
        .await
        .map_err(Stopped::Run)?;
    if report.succeeded() {
        Ok(report)
    } else {
        Err(Stopped::Incomplete(format!("{:?}", report.summary)))
    }
}

/// The users a setup and a sync without any fault leave on the PBX. The fault-free sync holds
/// back guests and disabled accounts, so a run that read another source would differ.
async fn fault_free_users() -> Result<BTreeSet<PbxUserRow>, Box<dyn std::error::Error>> {
    let clean = world().await?;
    full_auto(&clean, PROFILE).await?;
    let report = sync(&clean.env).await.map_err(|e| e.to_string())?;
    let skipped: std::collections::HashSet<Reason> =
        report.plan.skipped.iter().map(|s| s.reason).collect();
    assert!(
        skipped.contains(&Reason::Guest) && skipped.contains(&Reason::AccountDisabled),
        "the tenant has no guest or disabled account to hold back: {skipped:?}"
    );
    let users = pbx_users(&clean);
    clean.sim.shutdown().await;
    Ok(users)
}

/// A world set up in automatic mode, as the wizard leaves it.
async fn set_up() -> Result<World, Box<dyn std::error::Error>> {
    let world = world().await?;
    full_auto(&world, PROFILE).await?;
    Ok(world)
}

/// A sync with `env` must stop before it writes anything to the PBX; answers why it stopped.
async fn stops_before_writing(world: &World, env: &Environment) -> Result<Stopped, String> {
    let before = pbx_users(world);
    world.sim.pbx_recorder.clear();
    let stopped = match sync(env).await {
        Ok(report) => {
            return Err(format!(
                "the sync ran although its source could not be read: {:?}",
                report.summary
            ));
        }
        Err(stopped) => stopped,
    };
    let writes = pbx_writes(world);
    if !writes.is_empty() {
        return Err(format!("the stopped sync wrote to the PBX: {writes:?}"));
    }
    if pbx_users(world) != before {
        return Err("the stopped sync changed the PBX's users".to_owned());
    }
    Ok(stopped)
}

/// After the trouble, a sync provisions exactly the fault-free set.
async fn later_sync_provisions_the_fault_free_set(world: &World) -> TestResult {
    world.sim.pbx_faults.clear();
    world.sim.ms_faults.clear();
    sync(&world.env)
        .await
        .map_err(|e| format!("the sync after the trouble: {e}"))?;
    assert_eq!(
        pbx_users(world),
        fault_free_users().await?,
        "the users provisioned differ from a sync without trouble"
    );
    Ok(())
}

/// An environment whose calls give up after two seconds of trouble.
fn impatient(world: &World) -> Arc<Environment> {
    world.env_with(|env| {
        env.retry = RetryPolicy {
            budget: Duration::from_secs(2),
            ..env.retry
        };
    })
}

fn unavailable(stopped: &Stopped) -> Result<(), String> {
    match stopped {
        Stopped::Connect(error @ Error::MicrosoftUnavailable { profile, .. })
            if profile == PROFILE && error.to_string().contains("Try again in a few minutes") =>
        {
            Ok(())
        }
        other => Err(format!(
            "expected \"… could not be read … Try again in a few minutes\", got {other}"
        )),
    }
}

fn sign_in_needed(stopped: &Stopped) -> Result<(), String> {
    match stopped {
        Stopped::Connect(error @ Error::MicrosoftSignInNeeded { profile, .. })
            if profile == PROFILE && error.to_string().contains("Sign in to Microsoft again") =>
        {
            Ok(())
        }
        other => Err(format!(
            "expected \"… Sign in to Microsoft again …\", got {other}"
        )),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_endpoint_throttled_beyond_the_budget_stops_the_sync() -> TestResult {
    let world = set_up().await?;
    world.sim.ms_faults.limit_to(FaultScope::Identity);
    world
        .sim
        .ms_faults
        .throttle_every(1, Duration::from_secs(1));
    let stopped = stops_before_writing(&world, &impatient(&world)).await?;
    unavailable(&stopped)?;
    later_sync_provisions_the_fault_free_set(&world).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_token_endpoint_stops_the_sync_before_it_writes() -> TestResult {
    let world = set_up().await?;
    world.sim.ms_faults.limit_to(FaultScope::Identity);
    world.sim.ms_faults.fail_every(1, 503);
    let stopped = stops_before_writing(&world, &impatient(&world)).await?;
    unavailable(&stopped)?;
    later_sync_provisions_the_fault_free_set(&world).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_and_failing_sign_in_that_recovers_provisions_the_fault_free_set() -> TestResult
{
    let world = set_up().await?;
    // Every other request of the identity platform is throttled, every third fails and every
    // fifth is dropped: the sign-in gets through within its retry budget.
    world.sim.ms_faults.limit_to(FaultScope::Identity);
    world
        .sim
        .ms_faults
        .throttle_every(2, Duration::from_secs(1));
    world.sim.ms_faults.fail_every(3, 500);
    world.sim.ms_faults.drop_every(5);
    sync(&world.env)
        .await
        .map_err(|e| format!("the sync through a throttled sign-in: {e}"))?;
    world.sim.ms_faults.clear();
    assert_eq!(pbx_users(&world), fault_free_users().await?);
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn graph_failing_beyond_the_budget_stops_the_sync_before_it_writes() -> TestResult {
    let world = set_up().await?;
    world.sim.ms_faults.limit_to(FaultScope::Graph);
    world.sim.ms_faults.fail_every(1, 503);
    let stopped = stops_before_writing(&world, &impatient(&world)).await?;
    let text = stopped.to_string();
    eprintln!("{text}");
    assert!(
        matches!(stopped, Stopped::Run(SyncError::Graph(_)))
            || matches!(
                stopped,
                Stopped::Connect(Error::MicrosoftUnavailable { .. })
            ),
        "{text}"
    );
    assert!(
        text.to_lowercase().contains("try again"),
        "the error does not say what to do: {text}"
    );
    later_sync_provisions_the_fault_free_set(&world).await
}

/// How the admin signs in again, as the error says: `pbx365 ms signin --profile` (or the
/// app's sign-in), or the setup run again.
#[derive(Debug, Clone, Copy)]
enum SignInAgain {
    ForTheProfile,
    SetUpAgain,
}

impl SignInAgain {
    async fn sign_in(self, world: &World) -> TestResult {
        // Tokens issued from now on live as usual again.
        world
            .sim
            .ms
            .set_refresh_token_lifetime(Duration::from_secs(90 * 24 * 3600));
        match self {
            SignInAgain::ForTheProfile => {
                let profile = world.env.profiles.require(PROFILE)?;
                sign_in_again(&world.env, &profile, None).await?;
            }
            SignInAgain::SetUpAgain => {
                let (_, review, _, report) = full_auto(world, PROFILE).await?;
                // Signing in again changes nothing on the PBX or in Entra: only the keyring.
                assert!(
                    review
                        .changes
                        .iter()
                        .all(|c| c.target == ChangeTarget::ThisComputer),
                    "{:?}",
                    review.changes
                );
                assert!(report.passed);
            }
        }
        Ok(())
    }
}

/// A sign-in that only a new interactive sign-in can replace: the sync stops saying so; once
/// the admin has signed in again, a sync provisions the fault-free set.
async fn sign_in_lost(
    lose: impl FnOnce(&World) -> Result<(), Box<dyn std::error::Error>>,
    again: SignInAgain,
) -> TestResult {
    let world = set_up().await?;
    lose(&world)?;
    let stopped = stops_before_writing(&world, &world.env).await?;
    sign_in_needed(&stopped)?;
    again.sign_in(&world).await?;
    later_sync_provisions_the_fault_free_set(&world).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_microsoft_sign_in_says_sign_in_again_and_writes_nothing() -> TestResult {
    sign_in_lost(
        |world| {
            world
                .secrets
                .delete(&SecretKey::new(PROFILE, SecretKind::MicrosoftRefreshToken))?;
            Ok(())
        },
        SignInAgain::ForTheProfile,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_revoked_microsoft_sign_in_says_sign_in_again_and_writes_nothing() -> TestResult {
    sign_in_lost(
        |world| {
            world.sim.ms.revoke_refresh_tokens();
            Ok(())
        },
        SignInAgain::SetUpAgain,
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_microsoft_sign_in_says_sign_in_again_and_writes_nothing() -> TestResult {
    let world = set_up().await?;
    // Refresh tokens issued from now on are expired at once; one renewal puts such a token in
    // the keyring, as months without a run would.
    world.sim.ms.set_refresh_token_lifetime(Duration::ZERO);
    let profile = world.env.profiles.require(PROFILE)?;
    let before = world
        .secrets
        .get(&SecretKey::new(PROFILE, SecretKind::MicrosoftRefreshToken))?;
    resume_graph(&world.env, &profile).await?;
    let after = world
        .secrets
        .get(&SecretKey::new(PROFILE, SecretKind::MicrosoftRefreshToken))?;
    assert_ne!(before, after, "the renewal saved no new refresh token");
    let stopped = stops_before_writing(&world, &world.env).await?;
    sign_in_needed(&stopped)?;
    assert!(
        stopped.to_string().contains("AADSTS700082"),
        "Microsoft's reason is not quoted: {stopped}"
    );
    SignInAgain::ForTheProfile.sign_in(&world).await?;
    later_sync_provisions_the_fault_free_set(&world).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sign_in_revoked_during_the_run_stops_it_before_it_writes() -> TestResult {
    let world = set_up().await?;
    // Access tokens that are due for renewal at once: the run renews before reading Graph.
    world
        .sim
        .ms
        .set_access_token_lifetime(Duration::from_secs(60));
    let profile = world.env.profiles.require(PROFILE)?;
    let connection = connect(&world.env, &profile).await?;
    world.sim.ms.revoke_refresh_tokens();
    let before = pbx_users(&world);
    world.sim.pbx_recorder.clear();
    let store = SyncStore::open(pbx365::sync::database_path(&world.env.profiles))?;
    let result = SyncEngine::new(Arc::new(store), PROFILE)
        .run(&connection.pbx, connection.source.as_ref())
        .await;
    let error = match result {
        Ok(report) => return Err(format!("the run went on: {:?}", report.summary).into()),
        Err(error) => error,
    };
    eprintln!("{error}");
    assert!(matches!(error, SyncError::Graph(_)), "{error}");
    assert!(pbx_writes(&world).is_empty(), "{:?}", pbx_writes(&world));
    assert_eq!(pbx_users(&world), before);
    assert!(
        error.to_string().contains("Sign in to Microsoft again"),
        "the error does not say to sign in again: {error}"
    );
    Ok(())
}

/// When the sentence names a command to sign in again, the command exists as written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_the_sign_in_error_names_exists() -> TestResult {
    let world = set_up().await?;
    world
        .secrets
        .delete(&SecretKey::new(PROFILE, SecretKind::MicrosoftRefreshToken))?;
    let stopped = stops_before_writing(&world, &world.env).await?;
    sign_in_needed(&stopped)?;
    let text = stopped.to_string();
    let start = text
        .find("pbx365 ")
        .ok_or("the sentence names no pbx365 command")?;
    let command: Vec<&str> = text[start..]
        .split([',', ')'])
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .skip(1)
        .collect();
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_pbx365"))
        .args(&command)
        .arg("--help")
        .output()
        .await?;
    assert!(
        output.status.success(),
        "`pbx365 {}` is not a command: {}",
        command.join(" "),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(())
}
