//! Signing in again later from what a profile and the keyring hold: the PBX (refresh token,
//! or the password when the admin chose to keep it) and Microsoft (refresh token). Used by the
//! doctor, and by sync runs and certificate rotation, which run without the wizard.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

pub use super::saved_sign_in::SavedSignIn;
use crate::access::retry::{RetryPolicy, RetryReason};
use crate::access::{Environment, Error, GroupAccess};
use crate::profile::{CloudChoice, NationalCloud, PbxSettings, Profile};
use crate::secrets::{Secret, SecretKey, SecretKind, SecretStore};

/// A PBX client for a PBX with its TLS settings and the one retry policy, not signed in. Its
/// pauses are told to whoever watches the work (see [`crate::progress::watching_waits`]).
/// With `saved_as`, every refresh token the PBX issues to it is written to that saved
/// profile's keyring entry before the client uses it, so whatever ends a run — a kill, a crash,
/// a lost reply — the keyring holds the newest token issued.
pub fn pbx_client(
    retry: &RetryPolicy,
    settings: &PbxSettings,
    saved_as: Option<SavedSignIn>,
) -> Result<portsip::Client, Error> {
    let mut builder = portsip::Client::builder(&settings.url)
        .retry_policy(retry.pbx())
        .on_retry(|pause, error| {
            tracing::info!(pause_ms = pause.as_millis(), %error, "PBX call will be tried again");
            crate::progress::tell_wait(pause, &RetryReason::of_pbx(error));
        });
    if let Some(pem) = &settings.ca_pem {
        builder = builder.ca_pem(pem.as_bytes());
    }
    if let Some(pin) = settings.pin_sha256.as_deref().filter(|p| !p.is_empty()) {
        builder = builder.pin_sha256(pin.parse()?);
    }
    if let Some(saved) = saved_as {
        builder = builder.session_sink(Arc::new(saved));
    }
    Ok(builder.build()?)
}

/// Saves the PBX session's current refresh token. PortSIP refresh tokens are single-use, so
/// this runs after every sign-in or renewal that matters.
pub async fn save_pbx_refresh_token(
    secrets: &dyn SecretStore,
    profile: &str,
    client: &portsip::Client,
) -> Result<(), Error> {
    if let Some(token) = client.refresh_token().await {
        secrets.set(
            &SecretKey::new(profile, SecretKind::PbxRefreshToken),
            &Secret::new(token.expose()),
        )?;
    }
    Ok(())
}

/// Signs in to the profile's PBX from the keyring: the refresh token first, then the kept
/// password. The new refresh token is saved at once.
///
/// PortSIP refresh tokens are single-use, so two resumes of one profile must not race: in this
/// process they take turns (the dashboard, a reminder check and the rotation screen may all
/// resume the same profile at once); against another process (the CLI beside the app), a
/// refused token whose successor is already in the keyring is retried with that successor
/// rather than taken for a lost sign-in.
pub async fn resume_pbx(
    env: &Environment,
    profile: &Profile,
) -> Result<(portsip::Client, portsip::SignedIn), Error> {
    let turn = resume_turn(env, &profile.name);
    let _turn = turn.lock().await;
    let client = pbx_client(
        &env.retry,
        &profile.pbx,
        Some(SavedSignIn::new(env, &profile.name)),
    )?;
    let token_key = SecretKey::new(&profile.name, SecretKind::PbxRefreshToken);
    let mut refusal = None;
    let mut refused_token: Option<Secret> = None;
    for _ in 0..2 {
        let Some(token) = env.secrets.get(&token_key)? else {
            break;
        };
        if refused_token.as_ref() == Some(&token) {
            break;
        }
        // The token the PBX issues in exchange is saved by the client's sink before it is used.
        match client.resume(portsip::Secret::new(token.expose())).await {
            Ok(signed_in) => return Ok((client, signed_in)),
            Err(error) if error.is_rejection() || is_session_refusal(&error) => {
                refused_token = Some(token);
                refusal = Some(error);
            }
            Err(error) => return Err(error.into()),
        }
    }
    // A refused token that nobody has replaced is dead: forget it — under the lock, so a
    // successor another process saves meanwhile is never the one forgotten.
    if let Some(dead) = &refused_token {
        let _lock = SavedSignIn::new(env, &profile.name).lock()?;
        if env.secrets.get(&token_key)?.as_ref() == Some(dead) {
            env.secrets.delete(&token_key)?;
        }
    }
    let password_key = SecretKey::new(&profile.name, SecretKind::PbxPassword);
    match env.secrets.get(&password_key)? {
        Some(password) => {
            let signed_in = client
                .login(
                    &profile.pbx.username,
                    password.expose(),
                    profile.pbx.domain.as_deref(),
                )
                .await?;
            Ok((client, signed_in))
        }
        None => Err(refusal.map_or_else(
            || {
                Error::Pbx(portsip::Error::SessionExpired {
                    reason: "no PBX sign-in is saved for this profile".to_owned(),
                })
            },
            Error::Pbx,
        )),
    }
}

/// Per profile folder and profile name, the turn its resumes take.
type ResumeTurns = HashMap<(PathBuf, String), Arc<tokio::sync::Mutex<()>>>;

/// The turn that resumes of one profile (of one profile folder) take in this process.
fn resume_turn(env: &Environment, profile: &str) -> Arc<tokio::sync::Mutex<()>> {
    static TURNS: LazyLock<Mutex<ResumeTurns>> = LazyLock::new(Mutex::default);
    let key = (env.profiles.base().to_owned(), profile.to_ascii_lowercase());
    let mut turns = TURNS.lock().unwrap_or_else(PoisonError::into_inner);
    Arc::clone(turns.entry(key).or_default())
}

fn is_session_refusal(error: &portsip::Error) -> bool {
    matches!(
        error,
        portsip::Error::SessionExpired { .. } | portsip::Error::UnexpectedResponse { .. }
    )
}

/// The entra cloud of a profile's choice.
pub fn entra_cloud(choice: &CloudChoice) -> Result<entra::Cloud, Error> {
    match choice {
        CloudChoice::Global => Ok(entra::Cloud::GLOBAL),
        CloudChoice::China => Ok(entra::Cloud::CHINA),
        CloudChoice::Custom { authority, .. } => entra::Cloud::reached_at(
            entra_national(choice.national()),
            authority,
        )
        .map_err(|error| {
            Error::Input(crate::input::FieldError::new(
                "authority",
                format!(
                    "The Microsoft authority \"{authority}\" cannot be used: {error}. Choose global or china, or give an https:// authority URL."
                ),
            ))
        }),
    }
}

fn entra_national(national: NationalCloud) -> entra::National {
    match national {
        NationalCloud::Global => entra::National::Global,
        NationalCloud::China => entra::National::China,
    }
}

/// The PBX's `national_cloud` for a cloud choice (an authority such as the emulator plays one).
pub fn national_cloud(choice: &CloudChoice) -> portsip::model::NationalCloud {
    match choice.national() {
        NationalCloud::China => portsip::model::NationalCloud::China,
        NationalCloud::Global => portsip::model::NationalCloud::Global,
    }
}

/// Entra's token store over the profile's keyring entry for the Microsoft refresh token.
pub struct ProfileTokenStore {
    secrets: Arc<dyn SecretStore>,
    profile: String,
}

impl ProfileTokenStore {
    pub fn new(secrets: Arc<dyn SecretStore>, profile: &str) -> Self {
        Self {
            secrets,
            profile: profile.to_owned(),
        }
    }

    fn key(&self) -> SecretKey {
        SecretKey::new(&self.profile, SecretKind::MicrosoftRefreshToken)
    }
}

impl std::fmt::Debug for ProfileTokenStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileTokenStore")
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

fn token_store_error(error: crate::secrets::SecretError) -> entra::TokenStoreError {
    entra::TokenStoreError::with_source(error.to_string(), error)
}

impl entra::TokenStore for ProfileTokenStore {
    fn load(&self, _key: &str) -> Result<Option<entra::Secret>, entra::TokenStoreError> {
        self.secrets
            .get(&self.key())
            .map(|secret| secret.map(|s| entra::Secret::new(s.expose())))
            .map_err(token_store_error)
    }

    fn save(
        &self,
        _key: &str,
        refresh_token: &entra::Secret,
    ) -> Result<(), entra::TokenStoreError> {
        self.secrets
            .set(&self.key(), &Secret::new(refresh_token.expose()))
            .map_err(token_store_error)
    }

    fn delete(&self, _key: &str) -> Result<(), entra::TokenStoreError> {
        self.secrets.delete(&self.key()).map_err(token_store_error)
    }
}

/// The keyring key entra files the Microsoft sign-in under (one entry per profile).
pub(crate) const MICROSOFT_TOKEN_KEY: &str = "microsoft";

/// Signs in to Microsoft again from the saved refresh token (automatic mode).
pub async fn resume_graph(
    env: &Environment,
    profile: &Profile,
) -> Result<entra::GraphClient, Error> {
    let tenant = profile
        .microsoft
        .tenant_id
        .clone()
        .unwrap_or_else(|| "organizations".to_owned());
    let options = env.sign_in_options(
        tenant,
        profile.microsoft.client_id.clone(),
        None,
        GroupAccess::renewing(profile),
    );
    let authenticator = entra::Authenticator::with_policy(
        entra_cloud(&profile.microsoft.cloud)?,
        options,
        env.retry.microsoft(),
    )
    .await?;
    let store: Arc<dyn entra::TokenStore> = Arc::new(ProfileTokenStore::new(
        Arc::clone(&env.secrets),
        &profile.name,
    ));
    let session = authenticator.resume(store, MICROSOFT_TOKEN_KEY).await?;
    Ok(entra::GraphClient::new(session).with_retry_policy(env.retry.microsoft()))
}

/// Signs in to Microsoft for work that must read Graph (a sync whose users come from Graph):
/// a sign-in that does not work ends the work, named for what the admin does next — it is
/// never replaced by a weaker source.
pub async fn require_graph(
    env: &Environment,
    profile: &Profile,
) -> Result<entra::GraphClient, Error> {
    resume_graph(env, profile)
        .await
        .map_err(|error| match error {
            // The keyring failed, not the sign-in, or Microsoft cannot be reached from this
            // computer at all: their own errors say what to fix.
            Error::Microsoft(
                error @ (entra::EntraError::TokenStore(_) | entra::EntraError::Unreachable { .. }),
            ) => Error::Microsoft(error),
            Error::Microsoft(error) => {
                let reason = super::error::clean_clause(&error.to_string());
                if needs_new_sign_in(&error) {
                    Error::MicrosoftSignInNeeded {
                        profile: profile.name.clone(),
                        reason,
                    }
                } else {
                    Error::MicrosoftUnavailable {
                        profile: profile.name.clone(),
                        reason,
                    }
                }
            }
            other => other,
        })
}

/// Whether only a new interactive sign-in can help (expired, revoked or missing refresh token),
/// as opposed to trouble that passes (network, throttling, Microsoft's own failures).
pub(crate) fn needs_new_sign_in(error: &entra::EntraError) -> bool {
    match error {
        entra::EntraError::SignInAgain { .. } => true,
        entra::EntraError::Identity { error, .. } => !matches!(
            error.error.as_str(),
            "temporarily_unavailable" | "server_error"
        ),
        _ => false,
    }
}

/// Signs the administrator in to Microsoft again for a saved automatic-mode profile — after
/// its saved sign-in expired or was revoked — and keeps the new one in the keyring. Through
/// the browser, or with a device code shown by `device_code`. Returns who signed in.
pub async fn sign_in_again(
    env: &Environment,
    profile: &Profile,
    device_code: Option<&(dyn Fn(&entra::DeviceCodePrompt) + Send + Sync)>,
) -> Result<String, Error> {
    if profile.microsoft.mode != crate::profile::Mode::Auto {
        return Err(crate::input::FieldError::new(
            "profile",
            format!(
                "The profile \"{}\" is in guided mode: pbx365 keeps no Microsoft sign-in for it, \
                 so there is nothing to sign in again.",
                profile.name
            ),
        )
        .into());
    }
    let tenant = profile
        .microsoft
        .tenant_id
        .clone()
        .unwrap_or_else(|| "organizations".to_owned());
    let options = env.sign_in_options(
        tenant.clone(),
        profile.microsoft.client_id.clone(),
        profile.microsoft.account.clone(),
        GroupAccess::Asked,
    );
    let authenticator = entra::Authenticator::with_policy(
        entra_cloud(&profile.microsoft.cloud)?,
        options,
        env.retry.microsoft(),
    )
    .await?;
    let session = match device_code {
        Some(show) => authenticator.sign_in_with_device_code(show).await,
        None => {
            authenticator
                .sign_in_with_browser(env.browser.as_ref())
                .await
        }
    }
    .map_err(super::from_sign_in)?;
    let account = session.account().clone();
    if profile.microsoft.tenant_id.is_some() && !account.tenant_id.eq_ignore_ascii_case(&tenant) {
        return Err(crate::input::FieldError::new(
            "tenant",
            format!(
                "That account belongs to another Microsoft 365 tenant ({}); the profile \"{}\" is \
                 connected to {tenant}. Sign in with an administrator of that tenant.",
                account.tenant_id, profile.name
            ),
        )
        .into());
    }
    let store: Arc<dyn entra::TokenStore> = Arc::new(ProfileTokenStore::new(
        Arc::clone(&env.secrets),
        &profile.name,
    ));
    session.persist_to(store, MICROSOFT_TOKEN_KEY).await?;
    Ok(account
        .username
        .or(account.name)
        .unwrap_or(account.tenant_id))
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::profile::ProfileStore;
    use crate::secrets::MemorySecretStore;

    /// With the one policy's real defaults, a Microsoft that cannot be reached from this
    /// computer (nothing listens at its address) stops work that needs Graph within seconds,
    /// named as such — not as "try again in a few minutes" after two minutes of retrying.
    #[tokio::test]
    async fn a_microsoft_that_cannot_be_reached_is_named_within_seconds()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let env = Environment::new(
            ProfileStore::at(dir.path()),
            Arc::new(MemorySecretStore::default()),
        );
        let host = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
            listener.local_addr()?.to_string()
        };
        let mut profile = Profile::new("offline")?;
        profile.microsoft.cloud = CloudChoice::Custom {
            authority: format!("http://{host}"),
            national: None,
        };

        let started = Instant::now();
        let error = require_graph(&env, &profile)
            .await
            .err()
            .ok_or("Graph was reached")?;
        let took = started.elapsed();

        assert!(took < Duration::from_secs(3), "took {took:?}");
        let report = error.report();
        assert_eq!(report.code, "microsoft-unreachable", "{}", report.message);
        assert_eq!(report.params.get("host"), Some(&host));
        assert!(
            report.message.contains("proxy or firewall"),
            "{}",
            report.message
        );
        Ok(())
    }
}
