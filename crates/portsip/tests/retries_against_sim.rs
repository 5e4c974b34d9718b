//! The client's retry policy against the emulated PBX's fault switches: reads and writes that
//! set a state ride out throttling, server errors and dropped connections; a write that
//! creates something is sent again only when the PBX certainly did not apply it.

mod common;

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use common::{TestResult, builder_for, quick_retries, sim_with_users};
use futures::TryStreamExt;
use portsip::model::{NewUser, Role, UserQuery, UserSettings, UserUpdate};
use portsip::{Client, Error, NetworkFailure, RetryPolicy};
use sim::Sim;

/// What the retry observer heard: one entry per pause.
#[derive(Clone, Default)]
struct Heard(Arc<Mutex<Vec<(Duration, String)>>>);

impl Heard {
    fn kinds(&self) -> Vec<String> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .map(|(_, kind)| kind.clone())
            .collect()
    }
}

fn kind_of(error: &Error) -> String {
    match error {
        Error::RateLimited { .. } => "429".to_owned(),
        Error::Server { status, .. } => status.to_string(),
        Error::Network { failure, .. } => format!("{failure:?}"),
        other => format!("other: {other}"),
    }
}

/// A client retrying as `policy` says, its pauses recorded in the returned [`Heard`].
fn client_hearing(sim: &Sim, policy: RetryPolicy) -> Result<(Client, Heard), Error> {
    let heard = Heard::default();
    let into = heard.clone();
    let client = builder_for(sim)
        .retry_policy(policy)
        .on_retry(move |pause, error| {
            into.0
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((pause, kind_of(error)));
        })
        .build()?;
    Ok((client, heard))
}

async fn sign_in(sim: &Sim, client: &Client) -> Result<(), Error> {
    let admin = &sim.tenant.admin;
    client
        .login(&admin.username, &admin.password, admin.domain.as_deref())
        .await?;
    Ok(())
}

fn new_user(name: &str, extension: &str) -> NewUser {
    NewUser {
        name: name.to_owned(),
        display_name: format!("{name} Display"),
        password: "Str0ng-Passw0rd!".into(),
        email: format!("{name}@contoso.example"),
        role: Role::StandardUser,
        extension_number: extension.to_owned(),
        extension_password: "Ext-Passw0rd-1".into(),
        voicemail_pin: "739182".into(),
        settings: UserSettings::default(),
    }
}

/// `METHOD /path status` of what the emulator recorded for `path`. Faulted requests are
/// answered before the recorder, so only requests the PBX handled appear.
fn handled(sim: &Sim, method: &str, path: &str) -> Vec<u16> {
    sim.pbx_recorder
        .exchanges()
        .iter()
        .filter(|exchange| exchange.method == method && exchange.path == path)
        .map(|exchange| exchange.status)
        .collect()
}

#[tokio::test]
async fn reads_and_writes_that_set_a_state_complete_through_throttling_errors_and_drops()
-> TestResult {
    let sim = sim_with_users(250).await?;
    let (client, heard) = client_hearing(&sim, quick_retries(Duration::from_secs(20)))?;
    sim.pbx_faults.throttle_every(3, Duration::ZERO);
    sim.pbx_faults.fail_every(5, 500);
    sim.pbx_faults.drop_every(7);

    sign_in(&sim, &client).await?;
    let users: Vec<_> = client.users(&UserQuery::default()).try_collect().await?;
    client.tenant().await?;
    let mut settings = client.ms365().await?.settings;
    settings.app.directory_id = Some("0f8fad5b-d9cb-469f-a165-70867728950e".to_owned());
    settings.app.application_id = Some("7c9e6679-7425-40de-944b-e07fc1f90ae7".to_owned());
    settings.sync_time = Some("0 4 * * *".to_owned());
    for _ in 0..3 {
        client.set_ms365(&settings).await?;
    }
    let target = users
        .iter()
        .find(|user| user.name.as_deref() != Some(sim.tenant.admin.username.as_str()))
        .and_then(|user| user.id.clone())
        .ok_or("no user to update")?;
    let update = UserUpdate {
        display_name: Some("Renamed Through Faults".to_owned()),
        ..UserUpdate::default()
    };
    for _ in 0..3 {
        client.update_user(&target, &update).await?;
    }

    sim.pbx_faults.clear();
    assert_eq!(users.len(), 250);
    let updated = client.user(&target).await?;
    assert_eq!(
        updated.display_name.as_deref(),
        Some("Renamed Through Faults")
    );
    let saved = client.ms365().await?.settings;
    assert_eq!(saved.sync_time.as_deref(), Some("0 4 * * *"));
    let kinds = heard.kinds();
    for kind in ["429", "500", "Dropped"] {
        assert!(
            kinds.iter().any(|k| k == kind),
            "no {kind} waited out: {kinds:?}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn a_create_whose_connection_dropped_is_not_sent_again() -> TestResult {
    let sim = sim_with_users(3).await?;
    let (client, heard) = client_hearing(&sim, quick_retries(Duration::from_secs(5)))?;
    sign_in(&sim, &client).await?;
    let before = sim.pbx.users().len();
    sim.pbx_recorder.clear();
    // Every second request from now is dropped: the read passes, the create is dropped, and a
    // resent create would be the third request and pass.
    sim.pbx_faults.drop_every(2);

    client.tenant().await?;
    let result = client.create_user(&new_user("dropped.once", "4801")).await;
    sim.pbx_faults.clear();

    assert!(
        matches!(
            result,
            Err(Error::Network {
                failure: NetworkFailure::Dropped,
                ..
            })
        ),
        "{result:?}"
    );
    assert_eq!(heard.kinds(), Vec::<String>::new(), "no pause, no resend");
    assert_eq!(handled(&sim, "POST", "/api/users"), Vec::<u16>::new());
    assert_eq!(sim.pbx.users().len(), before);
    Ok(())
}

#[tokio::test]
async fn a_create_after_another_server_error_is_not_sent_again() -> TestResult {
    let sim = sim_with_users(3).await?;
    let (client, heard) = client_hearing(&sim, quick_retries(Duration::from_secs(5)))?;
    sign_in(&sim, &client).await?;
    let before = sim.pbx.users().len();
    sim.pbx_recorder.clear();
    sim.pbx_faults.fail_every(2, 500);

    client.tenant().await?;
    let result = client.create_user(&new_user("failed.once", "4802")).await;
    sim.pbx_faults.clear();

    assert!(
        matches!(result, Err(Error::Server { status: 500, .. })),
        "{result:?}"
    );
    assert_eq!(heard.kinds(), Vec::<String>::new());
    assert_eq!(handled(&sim, "POST", "/api/users"), Vec::<u16>::new());
    assert_eq!(sim.pbx.users().len(), before);
    Ok(())
}

#[tokio::test]
async fn a_create_refused_unapplied_is_sent_again_and_made_once() -> TestResult {
    let sim = sim_with_users(3).await?;
    let (client, heard) = client_hearing(&sim, quick_retries(Duration::from_secs(5)))?;
    sign_in(&sim, &client).await?;
    let before = sim.pbx.users().len();
    sim.pbx_recorder.clear();

    sim.pbx_faults.fail_every(2, 503);
    client.tenant().await?;
    client
        .create_user(&new_user("unavailable.once", "4803"))
        .await?;
    sim.pbx_faults.clear();
    sim.pbx_faults.throttle_every(2, Duration::ZERO);
    client.tenant().await?;
    client
        .create_user(&new_user("throttled.once", "4804"))
        .await?;
    sim.pbx_faults.clear();

    assert_eq!(heard.kinds(), ["503", "429"]);
    assert_eq!(handled(&sim, "POST", "/api/users"), [201, 201]);
    assert_eq!(sim.pbx.users().len(), before + 2);
    Ok(())
}

#[tokio::test]
async fn a_retry_after_beyond_the_budget_ends_with_the_429_at_once() -> TestResult {
    let sim = sim_with_users(3).await?;
    let (client, heard) = client_hearing(&sim, quick_retries(Duration::from_secs(5)))?;
    sign_in(&sim, &client).await?;
    sim.pbx_faults.throttle_every(1, Duration::from_secs(30));

    let started = Instant::now();
    let result = client.tenant().await;

    let Err(error @ Error::RateLimited { retry_after, .. }) = &result else {
        return Err(format!("expected rate limiting, got {result:?}").into());
    };
    assert_eq!(*retry_after, Some(Duration::from_secs(30)));
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(heard.kinds(), Vec::<String>::new());
    assert!(error.to_string().contains("Wait 30 seconds"), "{error}");
    Ok(())
}

#[tokio::test]
async fn the_budget_ends_retrying_with_the_last_failure() -> TestResult {
    let sim = sim_with_users(3).await?;
    let (client, heard) = client_hearing(&sim, quick_retries(Duration::from_millis(400)))?;
    sign_in(&sim, &client).await?;
    sim.pbx_faults.fail_every(1, 502);

    let started = Instant::now();
    let result = client.tenant().await;
    let took = started.elapsed();

    assert!(
        matches!(result, Err(Error::Server { status: 502, .. })),
        "{result:?}"
    );
    let kinds = heard.kinds();
    assert!(
        kinds.len() >= 3 && kinds.iter().all(|k| k == "502"),
        "{kinds:?}"
    );
    assert!(
        took >= Duration::from_millis(100) && took < Duration::from_secs(3),
        "took {took:?}"
    );
    let waited: Duration = heard
        .0
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .map(|(pause, _)| *pause)
        .sum();
    assert!(waited <= Duration::from_millis(400), "waited {waited:?}");
    Ok(())
}
