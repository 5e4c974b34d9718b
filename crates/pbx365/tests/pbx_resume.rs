//! Resuming a saved profile's PBX sign-in when several parts of pbx365 do it at once. PortSIP
//! refresh tokens are single-use: a resume that loses the race must neither fail nor throw the
//! profile's sign-in away.

mod cert_support;

use std::sync::{Arc, Mutex};

use cert_support::integrated_tenant;
use pbx365::Environment;
use pbx365::access::sessions::resume_pbx;
use pbx365::profile::Mode;
use pbx365::secrets::{Secret, SecretError, SecretKey, SecretKind, SecretStore};

type TestResult = Result<(), Box<dyn std::error::Error>>;

fn refresh_key(profile: &str) -> SecretKey {
    SecretKey::new(profile, SecretKind::PbxRefreshToken)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resumes_at_once_in_one_process_all_sign_in_and_the_sign_in_is_kept() -> TestResult {
    let tenant = integrated_tenant().await?;
    let (env, profile) = tenant.saved_profile(Mode::Auto)?;
    // Only the refresh token is kept, as when the admin did not ask to remember the password.
    resume_pbx(&env, &profile).await?;
    env.secrets
        .delete(&SecretKey::new(&profile.name, SecretKind::PbxPassword))?;

    let (first, second, third) = tokio::join!(
        resume_pbx(&env, &profile),
        resume_pbx(&env, &profile),
        resume_pbx(&env, &profile),
    );
    first?;
    second?;
    third?;
    assert!(env.secrets.get(&refresh_key(&profile.name))?.is_some());
    resume_pbx(&env, &profile).await?;
    Ok(())
}

/// The keyring as this process saw it a moment before another process (the CLI) used the
/// refresh token: the first read answers the token that other process has since spent.
#[derive(Debug)]
struct ReadBeforeAnotherProcess {
    inner: Arc<dyn SecretStore>,
    stale: Mutex<Option<Secret>>,
}

impl SecretStore for ReadBeforeAnotherProcess {
    fn get(&self, key: &SecretKey) -> Result<Option<Secret>, SecretError> {
        if key.kind == SecretKind::PbxRefreshToken
            && let Some(stale) = self.stale.lock().ok().and_then(|mut s| s.take())
        {
            return Ok(Some(stale));
        }
        self.inner.get(key)
    }
    fn set(&self, key: &SecretKey, secret: &Secret) -> Result<(), SecretError> {
        self.inner.set(key, secret)
    }
    fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
        self.inner.delete(key)
    }
}

#[tokio::test]
async fn a_token_another_process_spent_is_followed_by_its_successor_not_forgotten() -> TestResult {
    let tenant = integrated_tenant().await?;
    let (env, profile) = tenant.saved_profile(Mode::Auto)?;
    resume_pbx(&env, &profile).await?;
    env.secrets
        .delete(&SecretKey::new(&profile.name, SecretKind::PbxPassword))?;
    let spent = env
        .secrets
        .get(&refresh_key(&profile.name))?
        .ok_or("no refresh token was saved")?;
    // The other process: spends the token and saves its successor.
    resume_pbx(&env, &profile).await?;

    let racing = Environment::new(
        pbx365::profile::ProfileStore::at(env.profiles.base()),
        Arc::new(ReadBeforeAnotherProcess {
            inner: Arc::clone(&env.secrets),
            stale: Mutex::new(Some(spent.clone())),
        }),
    );
    resume_pbx(&racing, &profile).await?;
    let kept = env.secrets.get(&refresh_key(&profile.name))?;
    assert!(
        kept.is_some_and(|token| token != spent),
        "the sign-in was lost"
    );
    resume_pbx(&env, &profile).await?;
    Ok(())
}
