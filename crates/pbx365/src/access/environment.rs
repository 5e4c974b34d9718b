//! What every action needs from its host: where profiles and secrets live, how to open a
//! browser, which extra CA to trust for Microsoft, and how long to wait for people, for Entra
//! and through passing trouble.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::Error;
use super::retry::RetryPolicy;
use crate::profile::{Profile, ProfileStore};
use crate::secrets::SecretStore;

/// What the wizard, sync, doctor and certificate lifecycle need from their host: where profiles
/// and secrets go, how to open a browser, and how long to wait for people and for Entra.
pub struct Environment {
    pub profiles: ProfileStore,
    pub secrets: Arc<dyn SecretStore>,
    pub browser: Arc<dyn entra::BrowserOpener>,
    /// Extra CA certificates (PEM) trusted for Microsoft (the emulator's CA in demo and tests).
    pub microsoft_ca_pem: Option<String>,
    /// How every call rides out throttling, failures and lost connections, and how long
    /// Entra's replication is waited for.
    pub retry: RetryPolicy,
    /// How long the browser sign-in may take.
    pub sign_in_timeout: Duration,
    /// How long verification waits for Entra (automatic) or the admin (guided).
    pub verify_budget: Duration,
}

impl Environment {
    /// Real-world defaults: the system browser, Entra's own timings.
    pub fn new(profiles: ProfileStore, secrets: Arc<dyn SecretStore>) -> Self {
        Self {
            profiles,
            secrets,
            browser: Arc::new(entra::SystemBrowser),
            microsoft_ca_pem: None,
            retry: RetryPolicy::default(),
            sign_in_timeout: Duration::from_secs(300),
            verify_budget: Duration::from_secs(600),
        }
    }

    /// Removes a saved profile and its secrets; `false` when no such profile was saved. The
    /// secrets go first: when the keyring refuses, the profile stays listed so the admin can retry
    /// instead of leaving orphaned passwords behind an invisible profile.
    pub fn forget_profile(&self, name: &str) -> Result<bool, Error> {
        if self.profiles.load(name)?.is_none() {
            return Ok(false);
        }
        self.secrets.delete_profile(name)?;
        Ok(self.profiles.delete(name)?)
    }

    pub(crate) fn sign_in_options(
        &self,
        tenant: String,
        client_id: Option<String>,
        login_hint: Option<String>,
        groups: GroupAccess,
    ) -> entra::SignInOptions {
        let mut permissions: Vec<String> = entra::SETUP_PERMISSIONS
            .iter()
            .map(|p| (*p).to_owned())
            .collect();
        // Sync runs read users with the same saved sign-in.
        permissions.push(entra::USER_SYNC_PERMISSION.to_owned());
        if groups == GroupAccess::Asked {
            permissions.push(entra::GROUP_MEMBERSHIP_PERMISSION.to_owned());
        }
        let defaults = entra::SignInOptions::default();
        entra::SignInOptions {
            client_id: client_id.unwrap_or(defaults.client_id),
            tenant,
            graph_permissions: permissions,
            http: entra::HttpOptions {
                extra_ca_pem: self.microsoft_ca_pem.clone(),
                ..entra::HttpOptions::default()
            },
            browser_timeout: self.sign_in_timeout,
            login_hint,
            prompt: None,
            refresh_margin: defaults.refresh_margin,
        }
    }
}

/// Whether a sign-in asks to read group members.
///
/// A new sign-in always asks: the groups a user sync may be scoped to are chosen after it. A
/// saved sign-in is renewed with what it was given; asking a sign-in saved before pbx365 read
/// groups for more would be refused (AADSTS65001), so it asks only when the profile uses groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GroupAccess {
    Asked,
    NotAsked,
}

impl GroupAccess {
    /// What renewing `profile`'s saved sign-in asks for.
    pub(crate) fn renewing(profile: &Profile) -> Self {
        let scoped_to_groups = profile
            .sync
            .as_ref()
            .is_some_and(|sync| !sync.users.scope.groups().is_empty());
        if scoped_to_groups {
            Self::Asked
        } else {
            Self::NotAsked
        }
    }
}

impl fmt::Debug for Environment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Environment")
            .field("profiles", &self.profiles)
            .field("secrets", &self.secrets)
            .field("sign_in_timeout", &self.sign_in_timeout)
            .field("verify_budget", &self.verify_budget)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::Profile;
    use crate::secrets::{MemorySecretStore, Secret, SecretKey, SecretKind};

    #[test]
    fn forgetting_a_profile_removes_its_secrets_and_only_its_own()
    -> Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let secrets = Arc::new(MemorySecretStore::default());
        let env = Environment::new(ProfileStore::at(dir.path()), secrets.clone());
        for name in ["contoso", "fabrikam"] {
            env.profiles.save(&Profile::new(name)?)?;
            secrets.set(
                &SecretKey::new(name, SecretKind::PbxPassword),
                &Secret::new(format!("{name}-password")),
            )?;
        }
        assert!(env.forget_profile("contoso")?);
        assert!(env.profiles.load("contoso")?.is_none());
        let left: Vec<String> = secrets
            .values()
            .iter()
            .map(|s| s.expose().to_owned())
            .collect();
        assert_eq!(left, ["fabrikam-password"]);
        assert!(env.profiles.load("fabrikam")?.is_some());
        assert!(
            !env.forget_profile("contoso")?,
            "a second forget finds nothing"
        );
        Ok(())
    }
}
