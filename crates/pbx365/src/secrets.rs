//! Secrets (PBX refresh token and password, Microsoft refresh token) live only in the OS
//! keyring: Secret Service on Linux, Keychain on macOS, Credential Manager on Windows.
//!
//! Everything else in pbx365 reaches them through [`SecretStore`], so the engine can be tested
//! with [`MemorySecretStore`] and the real store can be tested against a real Secret Service.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

/// The keyring service name all pbx365 entries are filed under.
pub const KEYRING_SERVICE: &str = "pbx365";

/// A secret value. Its `Debug` and `Display` never show the value, and once one exists no log
/// file or diagnostics archive of this process shows it either ([`crate::diagnostics::redact`]).
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        let value = value.into();
        crate::diagnostics::redact::remember(&value);
        Self(value)
    }

    /// The secret itself, for the one place that must send it somewhere.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

/// Which secret of a profile an entry holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SecretKind {
    PbxPassword,
    PbxRefreshToken,
    MicrosoftRefreshToken,
}

impl SecretKind {
    pub const ALL: [SecretKind; 3] = [
        SecretKind::PbxPassword,
        SecretKind::PbxRefreshToken,
        SecretKind::MicrosoftRefreshToken,
    ];

    /// The kind's name in keyring accounts and diagnostics.
    pub fn slug(self) -> &'static str {
        match self {
            SecretKind::PbxPassword => "pbx-password",
            SecretKind::PbxRefreshToken => "pbx-refresh-token",
            SecretKind::MicrosoftRefreshToken => "microsoft-refresh-token",
        }
    }
}

/// Where a secret is filed: one entry per profile and kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SecretKey {
    pub profile: String,
    pub kind: SecretKind,
}

impl SecretKey {
    pub fn new(profile: impl Into<String>, kind: SecretKind) -> Self {
        Self {
            profile: profile.into(),
            kind,
        }
    }

    /// The keyring "user" (account) attribute of the entry.
    pub fn account(&self) -> String {
        format!("{}/{}", self.profile, self.kind.slug())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SecretError {
    #[error(
        "The OS keyring is not available ({reason}). On Linux pbx365 needs a running Secret Service \
         (GNOME Keyring or KWallet) in your desktop session; on macOS and Windows the system keychain \
         or Credential Manager must be reachable."
    )]
    Unavailable { reason: String },
    #[error(
        "The OS keyring refused to {action} the {what} of profile '{profile}': {reason}. \
         Unlock your keyring (it may be locked after login) and try again."
    )]
    Access {
        action: &'static str,
        what: &'static str,
        profile: String,
        reason: String,
    },
}

/// Storage for secrets. Implementations must never write a secret anywhere but the keyring.
pub trait SecretStore: Send + Sync + fmt::Debug {
    fn get(&self, key: &SecretKey) -> Result<Option<Secret>, SecretError>;
    fn set(&self, key: &SecretKey, secret: &Secret) -> Result<(), SecretError>;
    /// Removes the entry; removing an absent entry is not an error.
    fn delete(&self, key: &SecretKey) -> Result<(), SecretError>;

    /// Removes every secret of a profile.
    fn delete_profile(&self, profile: &str) -> Result<(), SecretError> {
        SecretKind::ALL
            .iter()
            .try_for_each(|kind| self.delete(&SecretKey::new(profile, *kind)))
    }
}

fn describe(kind: SecretKind) -> &'static str {
    match kind {
        SecretKind::PbxPassword => "PBX password",
        SecretKind::PbxRefreshToken => "PBX refresh token",
        SecretKind::MicrosoftRefreshToken => "Microsoft refresh token",
    }
}

/// The OS keyring through keyring-core and the platform's native store.
#[derive(Debug, Clone)]
pub struct KeyringSecretStore {
    service: String,
}

impl KeyringSecretStore {
    /// pbx365's entries in the OS keyring. The platform's credential store is reached at the
    /// first secret read or written, not here: starting the window, or a command that needs no
    /// secret, neither waits for the keyring service nor starts it.
    pub fn new() -> Self {
        Self::with_service(KEYRING_SERVICE)
    }

    /// A store filing entries under another service name, so tests never touch real entries.
    pub fn with_service(service: &str) -> Self {
        Self {
            service: service.to_owned(),
        }
    }

    fn entry(
        &self,
        key: &SecretKey,
        action: &'static str,
    ) -> Result<keyring_core::Entry, SecretError> {
        connect_native_store()?;
        keyring_core::Entry::new(&self.service, &key.account())
            .map_err(|e| self.access_error(key, action, e))
    }

    fn access_error(
        &self,
        key: &SecretKey,
        action: &'static str,
        e: keyring_core::Error,
    ) -> SecretError {
        match e {
            keyring_core::Error::NoStorageAccess(inner) => SecretError::Unavailable {
                reason: inner.to_string(),
            },
            other => SecretError::Access {
                action,
                what: describe(key.kind),
                profile: key.profile.clone(),
                reason: other.to_string(),
            },
        }
    }
}

impl Default for KeyringSecretStore {
    fn default() -> Self {
        Self::new()
    }
}

/// Connects keyring-core to the platform's credential store, once per process. A failed
/// attempt is made again at the next secret: the admin may have started the keyring meanwhile.
fn connect_native_store() -> Result<(), SecretError> {
    static CONNECTING: Mutex<()> = Mutex::new(());
    let _connecting = CONNECTING.lock().unwrap_or_else(PoisonError::into_inner);
    if keyring_core::get_default_store().is_none() {
        let store = native_store().map_err(|e| SecretError::Unavailable {
            reason: e.to_string(),
        })?;
        keyring_core::set_default_store(store);
    }
    Ok(())
}

#[cfg(any(target_os = "linux", target_os = "freebsd"))]
fn native_store() -> keyring_core::Result<Arc<keyring_core::CredentialStore>> {
    let store: Arc<keyring_core::CredentialStore> =
        dbus_secret_service_keyring_store::Store::new()?;
    Ok(store)
}

#[cfg(target_os = "macos")]
fn native_store() -> keyring_core::Result<Arc<keyring_core::CredentialStore>> {
    let store: Arc<keyring_core::CredentialStore> =
        apple_native_keyring_store::keychain::Store::new()?;
    Ok(store)
}

#[cfg(target_os = "windows")]
fn native_store() -> keyring_core::Result<Arc<keyring_core::CredentialStore>> {
    let store: Arc<keyring_core::CredentialStore> = windows_native_keyring_store::Store::new()?;
    Ok(store)
}

impl SecretStore for KeyringSecretStore {
    fn get(&self, key: &SecretKey) -> Result<Option<Secret>, SecretError> {
        match self.entry(key, "read")?.get_password() {
            Ok(value) => Ok(Some(Secret::new(value))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(self.access_error(key, "read", e)),
        }
    }

    fn set(&self, key: &SecretKey, secret: &Secret) -> Result<(), SecretError> {
        self.entry(key, "store")?
            .set_password(secret.expose())
            .map_err(|e| self.access_error(key, "store", e))
    }

    fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
        match self.entry(key, "delete")?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(self.access_error(key, "delete", e)),
        }
    }
}

/// An in-process store for tests and for the demo mode, which must not touch the user's keyring.
#[derive(Debug, Default, Clone)]
pub struct MemorySecretStore {
    entries: Arc<Mutex<HashMap<SecretKey, Secret>>>,
}

impl MemorySecretStore {
    /// Every secret value held, so tests can search files and logs for them.
    pub fn values(&self) -> Vec<Secret> {
        self.entries
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .cloned()
            .collect()
    }
}

impl SecretStore for MemorySecretStore {
    fn get(&self, key: &SecretKey) -> Result<Option<Secret>, SecretError> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        Ok(entries.get(key).cloned())
    }

    fn set(&self, key: &SecretKey, secret: &Secret) -> Result<(), SecretError> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.insert(key.clone(), secret.clone());
        Ok(())
    }

    fn delete(&self, key: &SecretKey) -> Result<(), SecretError> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.remove(key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_debug_is_redacted() {
        let s = Secret::new("hunter2");
        assert_eq!(format!("{s:?}"), "Secret(<redacted>)");
        assert!(!format!("{:?}", Some(s)).contains("hunter2"));
    }

    #[test]
    fn memory_store_round_trip_and_profile_delete() -> Result<(), SecretError> {
        let store = MemorySecretStore::default();
        let a = SecretKey::new("a", SecretKind::PbxPassword);
        let b = SecretKey::new("b", SecretKind::PbxPassword);
        store.set(&a, &Secret::new("1"))?;
        store.set(&b, &Secret::new("2"))?;
        store.set(
            &SecretKey::new("a", SecretKind::MicrosoftRefreshToken),
            &Secret::new("3"),
        )?;
        assert_eq!(store.get(&a)?, Some(Secret::new("1")));
        store.delete_profile("a")?;
        assert_eq!(store.get(&a)?, None);
        assert_eq!(store.values(), vec![Secret::new("2")]);
        Ok(())
    }

    #[test]
    fn accounts_are_distinct_per_profile_and_kind() {
        let accounts: std::collections::HashSet<String> = ["x", "y"]
            .iter()
            .flat_map(|p| SecretKind::ALL.map(|k| SecretKey::new(*p, k).account()))
            .collect();
        assert_eq!(accounts.len(), 6);
    }
}
