//! Setup, doctor, sync and certificate rotation of one profile, each under combined faults on
//! both emulators at once — throttling with `Retry-After`, 5xx answers, connections dropped
//! before a request is handled and after it was applied (the reply lost), latency and PBX
//! access tokens that run out every few requests — must each finish, and leave the PBX and Entra exactly as the same steps
//! leave them without faults on a fresh pair of emulators with the same seed: the PBX's
//! `/ms365` settings, its users with their extensions, e-mails and bindings, one app
//! registration and one service principal for the PBX, the app's certificates and grants.
//!
//! Each step is its own test: the steps before it run without faults, then the step runs with
//! every switch on — a small step several times, each time with the switches' counts moved on
//! by a few requests (its phase), so that the faults hit other requests each time. The
//! every-Nth values are distinct and small enough that each switch fires during the step,
//! judged by the requests the step sends without faults (checked). A setup's and a rotation's
//! requests come one after another, so a test hits the same requests every time it runs.
//!
//! Held steady on purpose, so that a failure is a finding and not a lottery:
//! - Microsoft's lost replies start once the browser sign-in has redeemed its authorization
//!   code: a code is single-use, so a lost reply to its redemption can only end in "sign in
//!   again" (OAuth's design, not pbx365's);
//! - short PBX tokens and the PBX's lost replies are tested apart: PortSIP refresh tokens are
//!   single-use too, so a renewal whose reply is lost spends the sign-in whatever the client
//!   does, and which renewal an every-Nth switch hits would depend on timing;
//! - no step's first PBX request (the resume's token renewal) is faulted (every N > 1).
//!
//! `setup_survives_a_lost_reply_to_each_create` aims a lost reply at each request of the
//! setup that creates something, one at a time, and
//! `setup_survives_a_lost_reply_to_its_pbx_token_renewal` at the wizard's PBX token renewal
//! (the wizard holds the password the admin typed, so it can sign in again; an unattended run
//! of a profile that keeps no password cannot).

mod engine_common;

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use engine_common::{
    PbxUserRow, TestResult, World, all_features, app_input, describe, pbx_users, sync_options,
};
use pbx365::Environment;
use pbx365::access::retry::{Replication, RetryPolicy};
use pbx365::certificate::lifecycle::{SystemClock, connect_profile};
use pbx365::doctor;
use pbx365::progress::StepContext;
use pbx365::sync::{RunOptions, SyncEngine, SyncStore, connect, database_path};
use pbx365::wizard::{KeyPairInput, Wizard};
use reqwest::header::LOCATION;
use serde_json::Value;
use url::Url;

const PROFILE: &str = "contoso";

/// Every call rides out the faults within seconds; Entra's replication is short here.
fn patient_retry() -> RetryPolicy {
    RetryPolicy {
        first_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(300),
        budget: Duration::from_secs(15),
        unreachable_budget: Duration::from_millis(200),
        replication: Replication {
            first: Duration::from_millis(50),
            cap: Duration::from_millis(400),
            budget: Duration::from_secs(15),
        },
    }
}

/// The admin's browser, which reloads a page that failed to load (a throttled, failed or
/// dropped sign-in page) as a person would, then follows the redirect to the loopback listener.
struct ReloadingBrowser {
    client: reqwest::Client,
}

impl entra::BrowserOpener for ReloadingBrowser {
    fn open(&self, url: &Url) -> Result<(), entra::EntraError> {
        let client = self.client.clone();
        let url = url.clone();
        tokio::spawn(async move {
            if let Err(error) = follow_reloading(&client, url).await {
                eprintln!("test browser: {error}");
            }
        });
        Ok(())
    }
}

async fn follow_reloading(
    client: &reqwest::Client,
    mut url: Url,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    for _ in 0..10 {
        let mut reloads = 0;
        let response = loop {
            match client.get(url.clone()).send().await {
                Ok(response)
                    if !response.status().is_server_error() && response.status() != 429 =>
                {
                    break response;
                }
                _ if reloads < 20 => reloads += 1,
                Ok(response) => return Err(format!("{url}: HTTP {}", response.status()).into()),
                Err(error) => return Err(error.into()),
            }
        };
        let Some(location) = response.headers().get(LOCATION) else {
            return Ok(());
        };
        let next = url.join(location.to_str()?)?;
        if !matches!(next.host_str(), Some("localhost" | "127.0.0.1")) {
            return Ok(());
        }
        url = next;
    }
    Err("too many redirects".into())
}

/// Every-Nth switches of one emulator (0 = off).
#[derive(Debug, Clone, Copy)]
struct Every {
    /// 429 with `Retry-After: 1`.
    throttle: u64,
    /// A 5xx.
    fail: u64,
    /// The connection closed before the request is handled.
    drop: u64,
    /// The request applied, then the connection closed without the reply.
    lost_reply: u64,
}

/// Which faults a step runs under.
#[derive(Debug, Clone, Copy)]
struct Faults {
    pbx: Every,
    ms: Every,
    /// How many requests each PBX access token serves before the next gets 401
    /// `TOKEN_EXPIRED` (0 = no limit): counted in requests, not seconds, so that a step under
    /// faults renews its token at the same points however fast the machine is.
    pbx_token_uses: u64,
}

/// Short PBX tokens for steps that send one request at a time.
const FEW_PBX_TOKEN_USES: u64 = 4;

/// Short PBX tokens for a sync, which sends up to 8 requests at once: all of them may be
/// turned away with the same token and wait for the renewed one, which should serve them all,
/// as a fresh token of a real PBX (which lives for hours) does.
const SYNC_PBX_TOKEN_USES: u64 = 24;

impl Faults {
    /// The same faults with short PBX tokens, and without the PBX's lost replies.
    const fn with_short_pbx_tokens(self, uses: u64) -> Self {
        Faults {
            pbx: Every {
                lost_reply: 0,
                ..self.pbx
            },
            pbx_token_uses: uses,
            ..self
        }
    }

    fn switch_on(self, world: &World) {
        world.sim.pbx.set_access_token_uses(self.pbx_token_uses);
        let pbx = &world.sim.pbx_faults;
        pbx.set_latency(Duration::from_millis(15));
        pbx.throttle_every(self.pbx.throttle, Duration::from_secs(1));
        pbx.fail_every(self.pbx.fail, 500);
        pbx.drop_every(self.pbx.drop);
        pbx.drop_reply_every(self.pbx.lost_reply);
        let ms = &world.sim.ms_faults;
        ms.set_latency(Duration::from_millis(10));
        ms.throttle_every(self.ms.throttle, Duration::from_secs(1));
        ms.fail_every(self.ms.fail, 503);
        ms.drop_every(self.ms.drop);
        // Microsoft access tokens short enough that a step renews them: entra renews five
        // minutes before expiry, so these are renewed every other second.
        world
            .sim
            .ms
            .set_access_token_lifetime(Duration::from_secs(302));
    }

    /// Once the browser sign-in's single-use code was redeemed (at once for other steps).
    fn lose_microsoft_replies(self, world: &World) {
        world.sim.ms_faults.drop_reply_every(self.ms.lost_reply);
    }
}

async fn start() -> Result<World, Box<dyn std::error::Error>> {
    engine_common::world_with(|_| {}).await
}

/// The world's environment with a reloading browser and patient retries.
fn environment(world: &World) -> Arc<Environment> {
    let browser = Arc::new(ReloadingBrowser {
        client: world.http.clone(),
    });
    world.env_with(|env| {
        env.browser = browser;
        env.retry = patient_retry();
        env.verify_budget = Duration::from_secs(20);
    })
}

/// What must be the same after the same steps with and without faults. Building it checks what
/// must hold in either: one app and one service principal for the PBX, the PBX pointing at
/// that app, and the app holding the PBX's certificate.
#[derive(Debug, PartialEq, Eq)]
struct Outcome {
    /// `GET /ms365` as the PBX shows it, the app's ID replaced by `<app>` once checked.
    settings: Value,
    /// Every PBX user: name, extension, e-mail, Microsoft 365 binding.
    users: BTreeSet<PbxUserRow>,
    /// The Graph application permissions granted to the app.
    granted: Vec<String>,
    /// Certificates on the app.
    app_keys: usize,
}

fn outcome(world: &World) -> Result<Outcome, String> {
    let apps = world.sim.ms.applications();
    let [app] = apps.as_slice() else {
        return Err(format!(
            "{} app registrations in Entra, not one: {:?}",
            apps.len(),
            apps.iter()
                .map(|a| (&a.app_id, &a.display_name))
                .collect::<Vec<_>>()
        ));
    };
    let principals = world
        .sim
        .ms
        .service_principals()
        .into_iter()
        .filter(|sp| sp.app_id == app.app_id)
        .count();
    if principals != 1 {
        return Err(format!(
            "{principals} service principals for the app, not one"
        ));
    }
    let mut settings = world.sim.pbx.ms365_settings();
    if settings["application_id"] != app.app_id.as_str() {
        return Err(format!(
            "the PBX points at {}, not at the app {}",
            settings["application_id"], app.app_id
        ));
    }
    settings["application_id"] = Value::from("<app>");
    let keys = world.sim.ms.key_credentials(&app.app_id);
    let certificate = world
        .sim
        .pbx
        .certificate()
        .ok_or("the PBX has no key pair")?;
    if !keys
        .iter()
        .any(|k| k.thumbprint_hex() == certificate.sha1_thumbprint)
    {
        return Err("the app does not hold the PBX's certificate".to_owned());
    }
    let users = pbx_users(world);
    Ok(Outcome {
        settings,
        users,
        granted: world.sim.ms.granted_graph_permissions(&app.app_id),
        app_keys: keys.len(),
    })
}

/// The four steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    /// Every wizard step, review, apply and verify.
    Setup,
    /// The doctor on the saved profile, signing in from the keyring.
    Doctor,
    /// A sync of the saved profile, connected as an unattended run is.
    Sync,
    /// A certificate rotation of the saved profile.
    Rotation,
}

const STEPS: [Step; 4] = [Step::Setup, Step::Doctor, Step::Sync, Step::Rotation];

fn failed(step: Step, what: &str, error: &dyn std::fmt::Display) -> String {
    format!("{step:?}: {what} failed: {error}")
}

/// The wizard's steps 3 to 6, after both sign-ins.
async fn plan(wizard: &mut Wizard, ctx: &StepContext) -> Result<(), String> {
    let step = Step::Setup;
    wizard
        .plan_app_registration(app_input(all_features()), ctx)
        .await
        .map_err(|e| failed(step, "the app registration step", &e))?;
    wizard
        .plan_key_pair(KeyPairInput::default(), ctx)
        .await
        .map_err(|e| failed(step, "the key pair step", &e))?;
    wizard
        .plan_consent(ctx)
        .await
        .map_err(|e| failed(step, "the consent step", &e))?;
    wizard
        .set_sync_options(sync_options(), ctx)
        .await
        .map_err(|e| failed(step, "the sync options step", &e))?;
    Ok(())
}

/// Every wizard step, review, apply and verify. Answers how many Microsoft requests were
/// handled before the sign-in was done.
async fn setup(
    world: &World,
    env: &Arc<Environment>,
    faults: Option<Faults>,
) -> Result<usize, String> {
    let step = Step::Setup;
    let ctx = StepContext::silent();
    let mut wizard =
        Wizard::open(Arc::clone(env), PROFILE).map_err(|e| failed(step, "open", &e))?;
    wizard
        .connect_pbx(world.login(), &ctx)
        .await
        .map_err(|e| failed(step, "connecting to the PBX", &e))?;
    wizard
        .sign_in_microsoft(world.sign_in(), &ctx)
        .await
        .map_err(|e| failed(step, "the Microsoft sign-in", &e))?;
    let signed_in = world.sim.ms_recorder.exchanges().len();
    if let Some(faults) = faults {
        faults.lose_microsoft_replies(world);
    }
    plan(&mut wizard, &ctx).await?;
    wizard
        .review(&ctx)
        .await
        .map_err(|e| failed(step, "the review", &e))?;
    wizard
        .apply(&ctx)
        .await
        .map_err(|e| failed(step, "apply", &e))?;
    let report = wizard
        .verify(&ctx)
        .await
        .map_err(|e| failed(step, "verify", &e))?;
    if !report.passed {
        return Err(format!(
            "{step:?}: verification did not pass:\n{}",
            describe(&report)
        ));
    }
    Ok(signed_in)
}

async fn run_doctor(env: &Environment) -> Result<(), String> {
    let report = doctor::run(env, PROFILE, &StepContext::silent())
        .await
        .map_err(|e| failed(Step::Doctor, "the doctor", &e))?;
    if !report.passed {
        return Err(format!("Doctor: did not pass:\n{}", describe(&report)));
    }
    Ok(())
}

async fn sync(env: &Environment) -> Result<(), String> {
    let step = Step::Sync;
    let profile = env
        .profiles
        .require(PROFILE)
        .map_err(|e| failed(step, "loading the profile", &e))?;
    let connection = connect(env, &profile)
        .await
        .map_err(|e| failed(step, "connecting", &e))?;
    let store = SyncStore::open(database_path(&env.profiles))
        .map_err(|e| failed(step, "opening the history", &e))?;
    let engine = SyncEngine::new(Arc::new(store), PROFILE).with_options(RunOptions {
        retry: env.retry,
        ..RunOptions::default()
    });
    let report = engine
        .run(&connection.pbx, connection.source.as_ref())
        .await
        .map_err(|e| failed(step, "the run", &e))?;
    if !report.succeeded() {
        let failures: Vec<String> = report
            .users
            .iter()
            .filter_map(|u| {
                Some(format!(
                    "{:?} {:?}: {}",
                    u.action,
                    u.pbx_name,
                    u.error.as_ref()?
                ))
            })
            .collect();
        return Err(format!(
            "Sync: the run did not complete: {:?}\n{}",
            report.summary,
            failures.join("\n")
        ));
    }
    Ok(())
}

async fn rotate(world: &World, env: &Environment) -> Result<(), String> {
    let step = Step::Rotation;
    let profile = env
        .profiles
        .require(PROFILE)
        .map_err(|e| failed(step, "loading the profile", &e))?;
    let connection = connect_profile(env, &profile)
        .await
        .map_err(|e| failed(step, "connecting", &e))?;
    if let Some(why) = &connection.graph_unavailable {
        return Err(format!("Rotation: no Microsoft sign-in: {why}"));
    }
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&events);
    let rotation = connection
        .rotation(
            env,
            &SystemClock,
            Arc::new(move |event| {
                if let Ok(mut events) = sink.lock() {
                    events.push(event.message.clone());
                }
            }),
        )
        .map_err(|e| failed(step, "preparing", &e))?;
    let before = world.sim.pbx.certificate().map(|c| c.sha1_thumbprint);
    let rotated = rotation.run().await.map_err(|e| {
        let events = events.lock().map(|e| e.join("\n")).unwrap_or_default();
        format!("Rotation failed: {e}\nIts events:\n{events}")
    })?;
    if before.as_ref() == Some(&rotated.new_certificate.sha1_thumbprint) {
        return Err("Rotation: the PBX kept its old certificate".to_owned());
    }
    Ok(())
}

/// What one run of a step sent.
#[derive(Debug, Clone, Copy)]
struct Traffic {
    /// PBX requests handled.
    pbx: usize,
    /// Microsoft requests handled (in setup, those after the sign-in).
    ms: usize,
    /// PBX token renewals handled.
    renewals: usize,
}

/// How a step is run under faults: the switches, and the runs of the step, each after its
/// switches were armed and their counts moved on by a number of requests (its phase), so that
/// the faults hit other requests in each run. Without faults the step runs as often.
#[derive(Debug, Clone, Copy)]
struct Trial {
    faults: Faults,
    phases: &'static [u64],
}

impl Trial {
    const fn with_short_pbx_tokens(self, uses: u64) -> Self {
        Trial {
            faults: self.faults.with_short_pbx_tokens(uses),
            ..self
        }
    }
}

/// Moves the every-Nth counts of both emulators on by `requests` requests, each counted
/// whatever its fate (refused, failed, dropped or answered).
async fn shift(world: &World, requests: u64) {
    for _ in 0..requests {
        for base in [world.sim.pbx_url.as_str(), world.sim.ms_authority.as_str()] {
            let _ = world.http.get(format!("{base}/phase")).send().await;
        }
    }
}

/// One run of `step`.
async fn run_step(
    world: &World,
    env: &Arc<Environment>,
    step: Step,
    faults: Option<Faults>,
) -> Result<Option<usize>, String> {
    match step {
        Step::Setup => return setup(world, env, faults).await.map(Some),
        Step::Doctor => run_doctor(env).await?,
        Step::Sync => sync(env).await?,
        Step::Rotation => rotate(world, env).await?,
    }
    Ok(None)
}

/// What the steps left behind, and what each run of the last step sent.
struct Done {
    outcome: Outcome,
    runs: Vec<Traffic>,
}

/// Runs the steps before `last` once without faults, then `last` as `trial` says — under its
/// faults when `faulted` — and answers what that left behind and what each run sent.
async fn run_until(world: &World, last: Step, trial: Trial, faulted: bool) -> Result<Done, String> {
    let env = environment(world);
    for step in STEPS.into_iter().filter(|s| *s < last) {
        run_step(world, &env, step, None).await?;
        outcome(world).map_err(|e| format!("after {step:?}: {e}"))?;
    }
    let under = if faulted { " under faults" } else { "" };
    let mut runs = Vec::new();
    for &phase in trial.phases {
        let faults = faulted.then_some(trial.faults);
        if let Some(faults) = faults {
            faults.switch_on(world);
            if last != Step::Setup {
                faults.lose_microsoft_replies(world);
            }
            shift(world, phase).await;
        }
        let pbx_before = world.sim.pbx_recorder.exchanges().len();
        let ms_before = world.sim.ms_recorder.exchanges().len();
        let started = Instant::now();
        let result = run_step(world, &env, last, faults).await;
        let took = started.elapsed();
        world.sim.pbx_faults.clear();
        world.sim.ms_faults.clear();
        world.sim.pbx.set_access_token_uses(0);
        let signed_in = result.map_err(|e| format!("{e}\n(run with phase {phase})"))?;
        let pbx = world.sim.pbx_recorder.exchanges();
        let traffic = Traffic {
            pbx: pbx.len() - pbx_before,
            ms: world.sim.ms_recorder.exchanges().len() - signed_in.unwrap_or(ms_before),
            renewals: pbx[pbx_before..]
                .iter()
                .filter(|e| e.path == "/api/auth/refresh_token" && e.status == 200)
                .count(),
        };
        eprintln!("{last:?}{under}, phase {phase}: {took:?}, {traffic:?}");
        runs.push(traffic);
    }
    let outcome = outcome(world).map_err(|e| format!("after {last:?}{under}: {e}"))?;
    Ok(Done { outcome, runs })
}

/// Whether `every` fires during some run: in the run with phase `p`, it first fires on the
/// step's request number `every - p`, which exists if the step sends that many.
fn fires(every: u64, trial: Trial, sent: &[usize]) -> bool {
    every == 0
        || trial
            .phases
            .iter()
            .zip(sent)
            .any(|(phase, sent)| *sent as u64 + phase >= every)
}

/// Runs the steps up to `step` fault-free on one pair of emulators, and on another with the
/// same seed with `step` itself under the trial's faults; both must leave the same state.
async fn same_as_without_faults(step: Step, trial: Trial) -> TestResult {
    let faults = trial.faults;
    let clean = start().await?;
    let expected = run_until(&clean, step, trial, false)
        .await
        .map_err(|e| format!("without faults: {e}"))?;
    clean.sim.shutdown().await;
    // The faulted runs send at least the requests the clean ones did, so every switch fires.
    let pbx: Vec<usize> = expected.runs.iter().map(|t| t.pbx).collect();
    let ms: Vec<usize> = expected.runs.iter().map(|t| t.ms).collect();
    for (every, sent) in [
        (faults.pbx.throttle, &pbx),
        (faults.pbx.fail, &pbx),
        (faults.pbx.drop, &pbx),
        (faults.pbx.lost_reply, &pbx),
        (faults.ms.throttle, &ms),
        (faults.ms.fail, &ms),
        (faults.ms.drop, &ms),
        (faults.ms.lost_reply, &ms),
    ] {
        assert!(
            fires(every, trial, sent),
            "{step:?} sends too few requests ({sent:?}) for a switch every {every} to fire"
        );
    }
    // A lost reply to a resume's token renewal (a run's first PBX request) would spend the
    // saved sign-in for good: no phase puts one there.
    assert!(
        trial
            .phases
            .iter()
            .all(|p| faults.pbx.lost_reply == 0 || (p + 1) % faults.pbx.lost_reply != 0)
    );

    let faulty = start().await?;
    let got = run_until(&faulty, step, trial, true)
        .await
        .map_err(|e| format!("under faults {faults:?}: {e}"))?;
    assert_eq!(
        got.outcome, expected.outcome,
        "{step:?} under faults left another state"
    );
    if faults.pbx_token_uses != 0 {
        // Renewals besides each run's first (a saved profile's resume; setup signs in).
        let renewals: usize = got.runs.iter().map(|t| t.renewals).sum();
        let resumes = if step == Step::Setup {
            0
        } else {
            got.runs.len()
        };
        assert!(
            renewals > resumes,
            "the PBX token was not renewed during the step ({renewals} renewals in {} runs)",
            got.runs.len()
        );
    }
    Ok(())
}

/// Setup sends 19 PBX requests, and 21 Microsoft ones after the sign-in.
const SETUP: Trial = Trial {
    faults: Faults {
        pbx: Every {
            throttle: 7,
            fail: 5,
            drop: 11,
            lost_reply: 13,
        },
        ms: Every {
            throttle: 7,
            fail: 5,
            drop: 11,
            lost_reply: 13,
        },
        pbx_token_uses: 0,
    },
    phases: &[0],
};

/// The doctor sends 6 PBX requests and 10 Microsoft ones; five runs.
const DOCTOR: Trial = Trial {
    faults: Faults {
        pbx: Every {
            throttle: 7,
            fail: 5,
            drop: 6,
            lost_reply: 9,
        },
        ms: Every {
            throttle: 7,
            fail: 5,
            drop: 6,
            lost_reply: 9,
        },
        pbx_token_uses: 0,
    },
    phases: &[0, 1, 2, 3, 4],
};

/// A sync sends 54 PBX requests and 4 Microsoft ones (Microsoft is only read).
const SYNC: Trial = Trial {
    faults: Faults {
        pbx: Every {
            throttle: 17,
            fail: 7,
            drop: 11,
            lost_reply: 13,
        },
        ms: Every {
            throttle: 3,
            fail: 2,
            drop: 4,
            lost_reply: 5,
        },
        pbx_token_uses: 0,
    },
    phases: &[0, 1],
};

/// A rotation sends 8 PBX requests and 10 Microsoft ones; three rotations.
const ROTATION: Trial = Trial {
    faults: Faults {
        pbx: Every {
            throttle: 7,
            fail: 5,
            drop: 6,
            lost_reply: 9,
        },
        ms: Every {
            throttle: 7,
            fail: 5,
            drop: 6,
            lost_reply: 9,
        },
        pbx_token_uses: 0,
    },
    phases: &[0, 1, 2],
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_under_combined_faults_ends_as_without() -> TestResult {
    same_as_without_faults(Step::Setup, SETUP).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_with_short_pbx_tokens_under_faults_ends_as_without() -> TestResult {
    same_as_without_faults(Step::Setup, SETUP.with_short_pbx_tokens(FEW_PBX_TOKEN_USES)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_under_combined_faults_passes() -> TestResult {
    same_as_without_faults(Step::Doctor, DOCTOR).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn doctor_with_short_pbx_tokens_under_faults_passes() -> TestResult {
    same_as_without_faults(
        Step::Doctor,
        DOCTOR.with_short_pbx_tokens(FEW_PBX_TOKEN_USES),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_under_combined_faults_ends_as_without() -> TestResult {
    same_as_without_faults(Step::Sync, SYNC).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_with_short_pbx_tokens_under_faults_ends_as_without() -> TestResult {
    same_as_without_faults(Step::Sync, SYNC.with_short_pbx_tokens(SYNC_PBX_TOKEN_USES)).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotation_under_combined_faults_ends_as_without() -> TestResult {
    same_as_without_faults(Step::Rotation, ROTATION).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rotation_with_short_pbx_tokens_under_faults_ends_as_without() -> TestResult {
    same_as_without_faults(
        Step::Rotation,
        ROTATION.with_short_pbx_tokens(FEW_PBX_TOKEN_USES),
    )
    .await
}

/// A request of the setup that creates or changes something, on one emulator.
#[derive(Debug, Clone, Copy)]
struct Target {
    pbx: bool,
    method: &'static str,
    /// The path, `*` standing for one segment.
    path: &'static str,
}

const CREATES: [Target; 6] = [
    Target {
        pbx: false,
        method: "POST",
        path: "/v1.0/applications",
    },
    Target {
        pbx: false,
        method: "POST",
        path: "/v1.0/servicePrincipals",
    },
    Target {
        pbx: false,
        method: "PATCH",
        path: "/v1.0/applications/*",
    },
    Target {
        pbx: false,
        method: "POST",
        path: "/v1.0/servicePrincipals/*/appRoleAssignedTo",
    },
    Target {
        pbx: true,
        method: "POST",
        path: "/api/ms365/certificate",
    },
    Target {
        pbx: true,
        method: "POST",
        path: "/api/ms365",
    },
];

impl Target {
    fn matches(self, exchange: &sim::Exchange) -> bool {
        let want: Vec<&str> = self.path.split('/').collect();
        let got: Vec<&str> = exchange.path.split('/').collect();
        exchange.method == self.method
            && want.len() == got.len()
            && want.iter().zip(&got).all(|(w, g)| *w == "*" || w == g)
    }

    fn recorder(self, world: &World) -> &sim::Recorder {
        if self.pbx {
            &world.sim.pbx_recorder
        } else {
            &world.sim.ms_recorder
        }
    }

    fn faults(self, world: &World) -> &sim::Faults {
        if self.pbx {
            &world.sim.pbx_faults
        } else {
            &world.sim.ms_faults
        }
    }
}

/// A setup whose reply to one creating request is lost (the request applied) must still
/// finish, and leave what a setup without the loss leaves: one app, one service principal,
/// one certificate on the app, every grant once. Every such request in turn; the failures of
/// all are reported together.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_survives_a_lost_reply_to_each_create() -> TestResult {
    let clean = start().await?;
    setup(&clean, &environment(&clean), None).await?;
    let expected = outcome(&clean)?;
    if let Some(missing) = CREATES.iter().find(|target| {
        !target
            .recorder(&clean)
            .exchanges()
            .iter()
            .any(|e| target.matches(e))
    }) {
        return Err(format!("the setup sent no {missing:?}").into());
    }
    clean.sim.shutdown().await;

    let mut failures = Vec::new();
    for target in CREATES {
        let world = start().await?;
        // Aimed at the request itself: reads run at once, so its place in the sequence varies.
        target
            .faults(&world)
            .drop_reply_to_next_matching(target.method, target.path);
        let result = setup(&world, &environment(&world), None).await;
        let hit = target
            .recorder(&world)
            .exchanges()
            .iter()
            .any(|e| target.matches(e));
        let failure = match result {
            Err(error) => Some(error),
            Ok(_) => match outcome(&world) {
                Err(error) => Some(error),
                Ok(got) if got != expected => Some(format!(
                    "another state than without the loss: {got:?}\nnot {expected:?}"
                )),
                Ok(_) => None,
            },
        };
        eprintln!(
            "lost reply to {} {}: {}",
            target.method,
            target.path,
            failure.as_deref().unwrap_or("survived")
        );
        if !hit {
            failures.push(format!("{target:?}: the setup did not send it"));
        }
        if let Some(failure) = failure {
            failures.push(format!(
                "a lost reply to {} {}: {failure}",
                target.method, target.path
            ));
        }
        world.sim.shutdown().await;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    Ok(())
}

/// The wizard signed in to the PBX with the password the admin typed; when the answer to one
/// of its token renewals is lost (the PBX spent the old refresh token and issued a new one the
/// wizard never saw), it still has the password to sign in with again: the setup must finish.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn setup_survives_a_lost_reply_to_its_pbx_token_renewal() -> TestResult {
    let world = start().await?;
    let ctx = StepContext::silent();
    let mut wizard = Wizard::open(environment(&world), PROFILE)?;
    wizard.connect_pbx(world.login(), &ctx).await?;
    wizard.sign_in_microsoft(world.sign_in(), &ctx).await?;
    plan(&mut wizard, &ctx).await?;
    // The PBX ends the session's access token: the review's reads (several at once) are
    // refused, and the renewal that follows is applied with its answer lost.
    world.sim.pbx.expire_access_tokens();
    world.sim.pbx_recorder.clear();
    world
        .sim
        .pbx_faults
        .drop_reply_to_next_matching("POST", "/api/auth/refresh_token");
    let review = wizard.review(&ctx).await;
    world.sim.pbx_faults.clear();
    let sent = world.sim.pbx_recorder.exchanges();
    let renewal = sent
        .iter()
        .position(|e| e.path == "/api/auth/refresh_token");
    assert!(
        sent.first().is_some_and(|e| e.status == 401)
            && renewal.is_some_and(
                |at| sent[at].status == 200 && sent[..at].iter().all(|e| e.status == 401)
            ),
        "no renewal was lost after the refused reads: {sent:?}"
    );
    // It never saw the renewed tokens, and the PBX had spent the old refresh token: it signs
    // in again with the password.
    let signed_in_again = renewal.is_some_and(|at| {
        sent[at + 1..]
            .iter()
            .any(|e| e.path == "/api/login" && e.status == 200)
    });
    assert!(
        signed_in_again,
        "no sign-in after the lost renewal: {sent:?}"
    );
    review.map_err(|e| format!("the review after a lost renewal answer: {e}"))?;
    wizard.apply(&ctx).await?;
    let report = wizard.verify(&ctx).await?;
    assert!(report.passed, "{}", describe(&report));
    outcome(&world)?;
    Ok(())
}

/// What a reset leaves behind: the PBX's settings and key pair, the app's keys in Entra, the
/// PBX's users, and whether anything of the profile is left on this computer.
fn after_reset(world: &World, env: &Environment) -> Result<Value, String> {
    let apps = world.sim.ms.applications();
    let [app] = apps.as_slice() else {
        return Err(format!("{} app registrations, not one", apps.len()));
    };
    let users: Vec<String> = pbx_users(world).iter().map(|u| format!("{u:?}")).collect();
    Ok(serde_json::json!({
        "settings": world.sim.pbx.ms365_settings(),
        "pbx_key_pair": world.sim.pbx.certificate().is_some(),
        "app_keys": world.sim.ms.key_credentials(&app.app_id).len(),
        "users": users,
        "profile_left": env.profiles.load(PROFILE).map_err(|e| e.to_string())?.is_some(),
        "secrets_left": world.secrets.values().len(),
    }))
}

/// Setup without faults, then a reset — under every switch on both emulators in `faulted` —
/// and how often the PBX client paused to try again.
async fn set_up_then_reset(faulted: bool) -> Result<(Value, usize), String> {
    let world = start().await.map_err(|e| e.to_string())?;
    let env = environment(&world);
    run_step(&world, &env, Step::Setup, None).await?;
    let faults = RESET.faults;
    if faulted {
        faults.switch_on(&world);
        faults.lose_microsoft_replies(&world);
        shift(&world, 1).await;
    }
    // The PBX client's pauses before trying again, as the admin would see them.
    let pauses = Arc::new(Mutex::new(0_usize));
    let counted = Arc::clone(&pauses);
    let result = pbx365::progress::watching_waits(
        Arc::new(move |_, _| {
            if let Ok(mut pauses) = counted.lock() {
                *pauses += 1;
            }
        }),
        pbx365::reset::run(&env, PROFILE, false, Arc::new(|_| {})),
    )
    .await;
    world.sim.pbx_faults.clear();
    world.sim.ms_faults.clear();
    result.map_err(|e| format!("Reset (faulted: {faulted}) failed: {e}"))?;
    let pauses = pauses.lock().map(|p| *p).unwrap_or_default();
    Ok((after_reset(&world, &env)?, pauses))
}

/// A reset sends 5 PBX requests and about 8 Microsoft ones. Its PBX writes are idempotent and
/// retried whole; a lost reply on the PBX would most likely land on the resume's token
/// renewal, which spends PortSIP's single-use refresh token for good (the limit the other
/// trials avoid by their phases), so the PBX loses no replies here.
const RESET: Trial = Trial {
    faults: Faults {
        pbx: Every {
            throttle: 3,
            fail: 2,
            drop: 4,
            lost_reply: 0,
        },
        ms: Every {
            throttle: 4,
            fail: 3,
            drop: 5,
            lost_reply: 7,
        },
        pbx_token_uses: 0,
    },
    phases: &[1],
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_under_combined_faults_ends_as_without() -> TestResult {
    let (expected, clean_pauses) = set_up_then_reset(false).await?;
    let (got, faulted_pauses) = set_up_then_reset(true).await?;
    assert_eq!(clean_pauses, 0);
    assert!(faulted_pauses > 0, "the faults did not bite");
    assert_eq!(got, expected, "the reset under faults left another state");
    assert_eq!(expected["profile_left"], false);
    assert_eq!(expected["secrets_left"], 0);
    Ok(())
}
