//! Where a saved profile's PBX sign-in lives: its keyring entry, written under the profile's
//! cross-process session lock each time the PBX issues a new refresh token.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use super::{Environment, Error};
use crate::run_lock::{Activity, RunLock, RunLockError};
use crate::secrets::{Secret, SecretKey, SecretKind, SecretStore};

/// How long a write waits for another process's: those hold the lock for one keyring call.
const LOCK_PATIENCE: Duration = Duration::from_secs(10);

/// The saved PBX sign-in of one profile, as the client's [`portsip::SessionSink`].
pub struct SavedSignIn {
    secrets: Arc<dyn SecretStore>,
    folder: PathBuf,
    profile: String,
}

impl SavedSignIn {
    pub fn new(env: &Environment, profile: &str) -> Self {
        Self {
            secrets: Arc::clone(&env.secrets),
            folder: env.profiles.base().to_owned(),
            profile: profile.to_owned(),
        }
    }

    /// The profile's session lock: held while its saved PBX sign-in is replaced or forgotten.
    pub(crate) fn lock(&self) -> Result<RunLock, RunLockError> {
        RunLock::wait(
            &self.folder,
            Activity::Session,
            &self.profile,
            LOCK_PATIENCE,
        )
    }

    fn save(&self, refresh_token: &portsip::Secret) -> Result<(), Error> {
        let _lock = self.lock()?;
        self.secrets.set(
            &SecretKey::new(&self.profile, SecretKind::PbxRefreshToken),
            &Secret::new(refresh_token.expose()),
        )?;
        tracing::debug!(profile = %self.profile, "saved the PBX's new refresh token");
        Ok(())
    }
}

impl std::fmt::Debug for SavedSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SavedSignIn")
            .field("profile", &self.profile)
            .finish_non_exhaustive()
    }
}

impl portsip::SessionSink for SavedSignIn {
    fn renewed(&self, refresh_token: &portsip::Secret) -> Result<(), portsip::SinkError> {
        self.save(refresh_token).map_err(Into::into)
    }
}
