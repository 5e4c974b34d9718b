use std::collections::HashMap;
use std::fmt;
use std::sync::Mutex;

use crate::error::TokenStoreError;
use crate::secret::Secret;

/// Where refresh tokens are kept between runs (the OS keyring in the product). Keys are chosen
/// by the caller, e.g. one per profile.
pub trait TokenStore: Send + Sync {
    fn load(&self, key: &str) -> Result<Option<Secret>, TokenStoreError>;
    fn save(&self, key: &str, refresh_token: &Secret) -> Result<(), TokenStoreError>;
    /// Deleting a key that holds nothing is not an error.
    fn delete(&self, key: &str) -> Result<(), TokenStoreError>;
}

/// A store that lives as long as the process: for tests and for runs that must not persist.
#[derive(Default)]
pub struct MemoryTokenStore {
    tokens: Mutex<HashMap<String, Secret>>,
}

impl MemoryTokenStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn tokens(
        &self,
    ) -> Result<std::sync::MutexGuard<'_, HashMap<String, Secret>>, TokenStoreError> {
        self.tokens
            .lock()
            .map_err(|_| TokenStoreError::new("the in-memory token store was poisoned by a panic"))
    }
}

impl fmt::Debug for MemoryTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<String> = self
            .tokens()
            .map(|tokens| tokens.keys().cloned().collect())
            .unwrap_or_default();
        f.debug_struct("MemoryTokenStore")
            .field("keys", &keys)
            .finish()
    }
}

impl TokenStore for MemoryTokenStore {
    fn load(&self, key: &str) -> Result<Option<Secret>, TokenStoreError> {
        Ok(self.tokens()?.get(key).cloned())
    }

    fn save(&self, key: &str, refresh_token: &Secret) -> Result<(), TokenStoreError> {
        self.tokens()?.insert(key.to_owned(), refresh_token.clone());
        Ok(())
    }

    fn delete(&self, key: &str) -> Result<(), TokenStoreError> {
        self.tokens()?.remove(key);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_load_delete_and_redacted_debug() -> Result<(), TokenStoreError> {
        let store = MemoryTokenStore::new();
        assert!(store.load("p1")?.is_none());
        store.save("p1", &Secret::new("rt-secret"))?;
        assert_eq!(
            store.load("p1")?.map(|s| s.expose().to_owned()).as_deref(),
            Some("rt-secret")
        );
        assert!(!format!("{store:?}").contains("rt-secret"));
        store.delete("p1")?;
        store.delete("p1")?;
        assert!(store.load("p1")?.is_none());
        Ok(())
    }
}
