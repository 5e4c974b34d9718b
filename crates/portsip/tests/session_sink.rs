//! The session sink against the emulated PBX: every new (single-use) refresh token reaches it,
//! in order, before anything uses the access token that came with it; a sink that fails stops
//! the call and nothing is sent with the token it could not keep.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use common::{TestResult, builder_for, sim_with_users};
use portsip::{Client, Error, Secret, SinkError};
use sim::{Recorder, Sim};

/// One token the sink was handed, and whether the PBX had answered anything since issuing it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Kept {
    token: String,
    before_any_use: bool,
}

/// A sink that records each token, checks it against the emulator's record, and fails while
/// `failing` is set.
#[derive(Clone)]
struct RecordingSink {
    kept: Arc<Mutex<Vec<Kept>>>,
    failing: Arc<AtomicBool>,
}

impl RecordingSink {
    fn new() -> Self {
        Self {
            kept: Arc::default(),
            failing: Arc::default(),
        }
    }

    fn install(&self, sim: &Sim) -> Result<Client, Error> {
        let recorder = Arc::clone(&sim.pbx_recorder);
        let kept = Arc::clone(&self.kept);
        let failing = Arc::clone(&self.failing);
        builder_for(sim)
            .session_sink(Arc::new(move |token: &Secret| -> Result<(), SinkError> {
                if failing.load(Ordering::SeqCst) {
                    return Err(
                        format!("the keyring is locked (was given {})", token.expose()).into(),
                    );
                }
                let before_any_use = last_issued(&recorder).as_deref() == Some(token.expose());
                kept.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(Kept {
                        token: token.expose().to_owned(),
                        before_any_use,
                    });
                Ok(())
            }))
            .build()
    }

    fn tokens(&self) -> Vec<String> {
        self.kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|kept| kept.token.clone())
            .collect()
    }

    fn all_before_any_use(&self) -> bool {
        self.kept
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .all(|kept| kept.before_any_use)
    }
}

/// The refresh token in the last exchange the PBX answered, when that exchange issued one:
/// if it is the token the sink is handed, no request has used the new session yet.
fn last_issued(recorder: &Recorder) -> Option<String> {
    let exchanges = recorder.exchanges();
    let last = exchanges.last()?;
    refresh_token_issued(last)
}

fn refresh_token_issued(exchange: &sim::Exchange) -> Option<String> {
    let issuing = exchange.method == "POST"
        && (exchange.path == "/api/login" || exchange.path == "/api/auth/refresh_token");
    if !issuing {
        return None;
    }
    exchange
        .response_json
        .as_ref()?
        .get("refresh_token")?
        .as_str()
        .map(str::to_owned)
}

/// Every refresh token the PBX issued, in order.
fn issued(sim: &Sim) -> Vec<String> {
    sim.pbx_recorder
        .exchanges()
        .iter()
        .filter_map(refresh_token_issued)
        .collect()
}

async fn sign_in(sim: &Sim, client: &Client) -> Result<(), Error> {
    let admin = &sim.tenant.admin;
    client
        .login(&admin.username, &admin.password, admin.domain.as_deref())
        .await?;
    Ok(())
}

#[tokio::test]
async fn every_renewed_refresh_token_reaches_the_sink_in_order_before_it_is_used() -> TestResult {
    let sim = sim_with_users(3).await?;
    let sink = RecordingSink::new();
    let client = sink.install(&sim)?;

    sign_in(&sim, &client).await?;
    // Three renewals after a 401 …
    for _ in 0..3 {
        sim.pbx.expire_access_tokens();
        client.tenant().await?;
    }
    // … and one shortly before expiry: the next token lives two seconds, and is renewed
    // before the request that comes after four-fifths of that.
    sim.pbx.set_access_token_lifetime(Duration::from_secs(2));
    sim.pbx.expire_access_tokens();
    client.tenant().await?;
    tokio::time::sleep(Duration::from_millis(1700)).await;
    client.ms365().await?;

    let kept = sink.tokens();
    assert_eq!(
        kept.len(),
        6,
        "sign-in, four renewals after 401s, one before expiry"
    );
    assert_eq!(kept, issued(&sim), "every token the PBX issued, in order");
    let distinct: std::collections::HashSet<_> = kept.iter().collect();
    assert_eq!(distinct.len(), kept.len());
    assert!(
        sink.all_before_any_use(),
        "a token was used before the sink had it"
    );
    let held = client
        .refresh_token()
        .await
        .ok_or("no refresh token held")?;
    assert_eq!(kept.last().map(String::as_str), Some(held.expose()));
    Ok(())
}

#[tokio::test]
async fn resuming_hands_the_new_token_to_the_sink() -> TestResult {
    let sim = sim_with_users(3).await?;
    let first = builder_for(&sim).build()?;
    sign_in(&sim, &first).await?;
    let saved = first.refresh_token().await.ok_or("no refresh token")?;

    let sink = RecordingSink::new();
    let resumed = sink.install(&sim)?;
    resumed.resume(saved.clone()).await?;

    let kept = sink.tokens();
    let held = resumed
        .refresh_token()
        .await
        .ok_or("no refresh token held")?;
    assert_eq!(kept, [held.expose().to_owned()]);
    assert_ne!(held, saved, "the spent token is not the one kept");
    assert!(
        sink.all_before_any_use(),
        "GET /login ran before the sink had the token"
    );
    Ok(())
}

#[tokio::test]
async fn a_failing_sink_fails_the_call_and_nothing_is_sent_with_the_unkept_token() -> TestResult {
    let sim = sim_with_users(3).await?;
    let sink = RecordingSink::new();
    let client = sink.install(&sim)?;
    sign_in(&sim, &client).await?;
    sim.pbx.expire_access_tokens();
    sink.failing.store(true, Ordering::SeqCst);
    sim.pbx_recorder.clear();

    let first = client.tenant().await;
    let second = client.tenant().await;

    for result in [&first, &second] {
        let Err(error @ Error::SessionNotKept { reason }) = result else {
            return Err(format!("expected the session not kept, got {result:?}").into());
        };
        assert!(reason.contains("keyring is locked"), "{reason}");
        let text = error.to_string();
        assert!(text.contains("could not be saved"), "{text}");
        let held = client
            .refresh_token()
            .await
            .ok_or("no refresh token held")?;
        assert!(
            !text.contains(held.expose()),
            "the token is in the message: {text}"
        );
    }
    let calls: Vec<_> = sim
        .pbx_recorder
        .exchanges()
        .iter()
        .map(|exchange| format!("{} {} {}", exchange.method, exchange.path, exchange.status))
        .collect();
    assert_eq!(
        calls,
        ["GET /api/tenant 401", "POST /api/auth/refresh_token 200"],
        "nothing sent with the new token, and no second renewal"
    );

    // Once the sink works again, the token it missed is handed over before the next request.
    sink.failing.store(false, Ordering::SeqCst);
    sim.pbx_recorder.clear();
    client.tenant().await?;
    let held = client
        .refresh_token()
        .await
        .ok_or("no refresh token held")?;
    assert_eq!(
        sink.tokens().last().map(String::as_str),
        Some(held.expose())
    );
    assert_eq!(
        sink.tokens().len(),
        2,
        "the sign-in's token and the renewed one"
    );
    let calls: Vec<_> = sim
        .pbx_recorder
        .exchanges()
        .iter()
        .map(|exchange| format!("{} {}", exchange.method, exchange.path))
        .collect();
    assert_eq!(calls, ["GET /api/tenant"]);
    Ok(())
}

#[tokio::test]
async fn a_sign_in_whose_token_cannot_be_kept_fails() -> TestResult {
    let sim = sim_with_users(3).await?;
    let sink = RecordingSink::new();
    sink.failing.store(true, Ordering::SeqCst);
    let client = sink.install(&sim)?;

    let result = sign_in(&sim, &client).await;

    assert!(
        matches!(result, Err(Error::SessionNotKept { .. })),
        "{result:?}"
    );
    sim.pbx_recorder.clear();
    let next = client.tenant().await;
    assert!(
        matches!(next, Err(Error::SessionNotKept { .. })),
        "{next:?}"
    );
    assert!(
        sim.pbx_recorder.exchanges().is_empty(),
        "a request went out with a token the sink never took"
    );
    Ok(())
}
