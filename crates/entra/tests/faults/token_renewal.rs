//! Renewing the Microsoft sign-in: a renewed refresh token reaches the store before the new
//! access token is used, and throttling, server errors and dropped connections at the token
//! endpoint are waited out under the retry policy.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use entra::{
    Authenticator, BrowserOpener, EntraError, GraphClient, MemoryTokenStore, Progress, ProgressFn,
    Secret, Session, SignInOptions, TokenStore, TokenStoreError,
};
use url::Url;

use crate::support::{AnyError, TestResult, World, fast_policy, follow, world};

/// Where the token endpoint lives in the emulator, as a fault pattern.
const TOKEN_PATH: &str = "/*/oauth2/v2.0/token";
const KEY: &str = "profile-1";

/// The plain browser: follows the sign-in page to the listener.
pub(crate) struct Browser(pub(crate) reqwest::Client);

impl BrowserOpener for Browser {
    fn open(&self, url: &Url) -> Result<(), EntraError> {
        let client = self.0.clone();
        let url = url.clone();
        tokio::spawn(async move {
            if let Err(error) = follow(&client, url).await {
                eprintln!("test browser: {error}");
            }
        });
        Ok(())
    }
}

/// A store that notes, for every save, how many exchanges the emulator had served by then,
/// and can be told to fail.
struct WatchfulStore {
    inner: MemoryTokenStore,
    recorder: Arc<sim::Recorder>,
    saves: Mutex<Vec<(Secret, usize)>>,
    failures_ahead: AtomicUsize,
}

impl WatchfulStore {
    fn new(recorder: Arc<sim::Recorder>) -> Arc<Self> {
        Arc::new(Self {
            inner: MemoryTokenStore::new(),
            recorder,
            saves: Mutex::new(Vec::new()),
            failures_ahead: AtomicUsize::new(0),
        })
    }

    fn last_save(&self) -> Option<(Secret, usize)> {
        self.saves.lock().ok()?.last().cloned()
    }
}

impl TokenStore for WatchfulStore {
    fn load(&self, key: &str) -> Result<Option<Secret>, TokenStoreError> {
        self.inner.load(key)
    }

    fn save(&self, key: &str, refresh_token: &Secret) -> Result<(), TokenStoreError> {
        let failing = self
            .failures_ahead
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok();
        if failing {
            return Err(TokenStoreError::new("the keyring is locked (test)"));
        }
        self.inner.save(key, refresh_token)?;
        let served = self.recorder.exchanges().len();
        if let Ok(mut saves) = self.saves.lock() {
            saves.push((refresh_token.clone(), served));
        }
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), TokenStoreError> {
        self.inner.delete(key)
    }
}

fn is_token_exchange(exchange: &sim::Exchange) -> bool {
    exchange.method == "POST" && exchange.path.ends_with("/oauth2/v2.0/token")
}

/// The refresh token of the emulator's latest successful token answer.
fn last_issued_refresh_token(world: &World) -> Option<String> {
    world
        .sim
        .ms_recorder
        .exchanges()
        .iter()
        .rev()
        .find(|e| is_token_exchange(e) && e.status == 200)?
        .response_json
        .as_ref()?["refresh_token"]
        .as_str()
        .map(str::to_owned)
}

fn stored(store: &dyn TokenStore) -> Result<Option<String>, TokenStoreError> {
    Ok(store.load(KEY)?.map(|s| s.expose().to_owned()))
}

/// Counts the waits before a request is sent again, whatever the reason.
fn counting() -> (ProgressFn, Arc<AtomicUsize>) {
    let waits = Arc::new(AtomicUsize::new(0));
    let sink = Arc::clone(&waits);
    let progress: ProgressFn = Arc::new(move |p: &Progress| {
        if !matches!(p, Progress::WaitingForReplication { .. }) {
            sink.fetch_add(1, Ordering::SeqCst);
        }
    });
    (progress, waits)
}

async fn signed_in(
    world: &World,
    auth: &Authenticator,
    store: Arc<dyn TokenStore>,
) -> Result<Session, AnyError> {
    let session = auth
        .sign_in_with_browser(&Browser(world.http.clone()))
        .await?;
    session.persist_to(store, KEY).await?;
    Ok(session)
}

/// One request to the emulator that no fault should hit, so an "every 2nd request" switch
/// fires on the next one: the renewal.
async fn spend_one_request(world: &World) -> Result<(), AnyError> {
    let url = format!(
        "{}/organizations/v2.0/.well-known/openid-configuration",
        world.sim.ms_authority
    );
    let status = world.http.get(url).send().await?.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("the spent request got {status}").into())
    }
}

#[tokio::test]
async fn throttled_failing_and_dropped_renewals_are_retried() -> TestResult {
    let world = world().await?;
    let (progress, waits) = counting();
    let auth = world
        .authenticator()
        .await?
        .with_retry_policy(fast_policy())
        .with_progress(progress);
    let store: Arc<dyn TokenStore> = Arc::new(MemoryTokenStore::new());
    let session = signed_in(&world, &auth, Arc::clone(&store)).await?;
    let faults = &world.sim.ms_faults;
    let retry_after = Duration::from_secs(1);
    let throttle_body = serde_json::json!({"error": "temporarily_unavailable", "error_description": "AADSTS90033: busy"});

    type Arm<'a> = Box<dyn Fn() + 'a>;
    let cases: Vec<(&str, Arm<'_>)> = vec![
        (
            "a 429 without Retry-After",
            Box::new(|| {
                faults.inject_next_matching("POST", TOKEN_PATH, 429, throttle_body.clone());
            }),
        ),
        (
            "a 503",
            Box::new(|| {
                faults.inject_next_matching("POST", TOKEN_PATH, 503, throttle_body.clone());
            }),
        ),
        (
            "two 500s in a row",
            Box::new(|| {
                faults.inject_next_matching("POST", TOKEN_PATH, 500, throttle_body.clone());
                faults.inject_next_matching("POST", TOKEN_PATH, 502, throttle_body.clone());
            }),
        ),
        (
            "a 429 with Retry-After",
            Box::new(|| faults.throttle_every(2, retry_after)),
        ),
        ("a dropped connection", Box::new(|| faults.drop_every(2))),
        (
            "a reply lost after the renewal was applied",
            Box::new(|| faults.drop_reply_every(2)),
        ),
    ];
    for (case, arm) in cases {
        faults.clear();
        let waits_before = waits.load(Ordering::SeqCst);
        let previous = stored(store.as_ref())?;
        arm();
        spend_one_request(&world).await?;
        let started = Instant::now();
        session
            .refresh()
            .await
            .map_err(|e| format!("{case}: {e}"))?;
        let elapsed = started.elapsed();
        faults.clear();
        assert!(
            waits.load(Ordering::SeqCst) > waits_before,
            "{case}: the renewal was never retried"
        );
        if case == "a 429 with Retry-After" {
            assert!(elapsed >= retry_after, "{case}: waited only {elapsed:?}");
        }
        let newest = last_issued_refresh_token(&world);
        assert!(newest.is_some(), "{case}: no token answer recorded");
        assert_eq!(stored(store.as_ref())?, newest, "{case}: the store lags");
        assert_ne!(
            stored(store.as_ref())?,
            previous,
            "{case}: nothing was renewed"
        );
    }

    // Resuming a saved sign-in rides out throttling the same way.
    faults.inject_next_matching("POST", TOKEN_PATH, 429, throttle_body.clone());
    let waits_before = waits.load(Ordering::SeqCst);
    let resumed = auth.resume(Arc::clone(&store), KEY).await?;
    assert!(waits.load(Ordering::SeqCst) > waits_before);
    assert_eq!(stored(store.as_ref())?, last_issued_refresh_token(&world));
    GraphClient::new(resumed).me().await?;

    // Throttled past the budget: a clear error, and the saved sign-in is kept, not deleted.
    faults.throttle_every(1, Duration::from_secs(60));
    let outcome = session.refresh().await;
    faults.clear();
    assert!(
        matches!(outcome, Err(EntraError::Throttled { .. })),
        "{outcome:?}"
    );
    assert!(
        stored(store.as_ref())?.is_some(),
        "throttling deleted the saved sign-in"
    );
    Ok(())
}

#[tokio::test]
async fn a_renewal_made_for_graph_waits_under_the_graph_clients_policy() -> TestResult {
    let world = world().await?;
    // Tokens living 2 minutes are inside the 5-minute margin: each use renews first.
    world
        .sim
        .ms
        .set_access_token_lifetime(Duration::from_secs(120));
    let auth = world.authenticator().await?;
    let store: Arc<dyn TokenStore> = Arc::new(MemoryTokenStore::new());
    let session = signed_in(&world, &auth, Arc::clone(&store)).await?;
    let (progress, waits) = counting();
    let graph = GraphClient::new(session)
        .with_retry_policy(fast_policy())
        .with_progress(progress);
    world.sim.ms_faults.inject_next_matching(
        "POST",
        TOKEN_PATH,
        429,
        serde_json::json!({"error": {"code": "TooManyRequests", "message": "slow down"}}),
    );
    graph.me().await?;
    // The session itself has no progress sink: only the Graph client's can have heard of it.
    assert_eq!(
        waits.load(Ordering::SeqCst),
        1,
        "the throttled renewal was not reported"
    );
    assert_eq!(stored(store.as_ref())?, last_issued_refresh_token(&world));
    Ok(())
}

#[tokio::test]
async fn a_renewed_token_is_saved_before_the_new_access_token_is_used() -> TestResult {
    let world = world().await?;
    world
        .sim
        .ms
        .set_access_token_lifetime(Duration::from_secs(120));
    let store = WatchfulStore::new(Arc::clone(&world.sim.ms_recorder));
    let auth = world.authenticator().await?;
    let session = signed_in(&world, &auth, store.clone()).await?;
    let graph = GraphClient::new(session).with_retry_policy(fast_policy());
    world.sim.ms_recorder.clear();
    graph.me().await?;

    let exchanges = world.sim.ms_recorder.exchanges();
    let renewal = exchanges
        .iter()
        .position(is_token_exchange)
        .ok_or("Graph was called without renewing the token")?;
    let used = exchanges
        .iter()
        .position(|e| e.path == "/v1.0/me")
        .ok_or("no /me request")?;
    assert!(renewal < used);
    let (saved, served_by_then) = store.last_save().ok_or("nothing was saved")?;
    let issued = exchanges[renewal]
        .response_json
        .as_ref()
        .and_then(|j| j["refresh_token"].as_str());
    assert_eq!(
        Some(saved.expose()),
        issued,
        "the saved token is not the one just issued"
    );
    assert_eq!(
        served_by_then,
        renewal + 1,
        "the token was saved only after the emulator served more than the renewal"
    );
    Ok(())
}

#[tokio::test]
async fn a_renewal_the_store_refused_is_never_used() -> TestResult {
    let world = world().await?;
    world
        .sim
        .ms
        .set_access_token_lifetime(Duration::from_secs(120));
    let store = WatchfulStore::new(Arc::clone(&world.sim.ms_recorder));
    // A one-minute margin: a fresh 2-minute token is used as it is, not renewed at once.
    let auth = Authenticator::new(
        world.cloud.clone(),
        SignInOptions {
            refresh_margin: Duration::from_secs(60),
            ..world.options.clone()
        },
    )
    .await?;
    let session = signed_in(&world, &auth, store.clone()).await?;
    let before = session.access_token().await?;

    store.failures_ahead.store(1, Ordering::SeqCst);
    let outcome = session.refresh().await;
    assert!(
        matches!(outcome, Err(EntraError::TokenStore(_))),
        "{outcome:?}"
    );
    let refused = world
        .sim
        .ms_recorder
        .exchanges()
        .iter()
        .rev()
        .find(|e| is_token_exchange(e))
        .and_then(|e| {
            e.response_json.as_ref()?["access_token"]
                .as_str()
                .map(str::to_owned)
        })
        .ok_or("no renewal recorded")?;
    let now = session.access_token().await?;
    assert_ne!(
        now.expose(),
        refused,
        "the access token of an unsaved renewal was handed out"
    );
    assert_eq!(now, before, "the session lost its earlier tokens");

    // The next renewal saves and is used.
    session.refresh().await?;
    assert_eq!(stored(store.as_ref())?, last_issued_refresh_token(&world));
    GraphClient::new(session).me().await?;
    Ok(())
}
