//! The engine's environment for the window: real profiles and the OS keyring, or — in demo
//! mode — the in-process emulators, a throwaway profile folder and an in-memory secret store,
//! so the demo never touches the user's configuration or keyring.

use std::sync::Arc;

use entra::{BrowserOpener, EntraError};
use pbx365::Environment;
use pbx365::profile::ProfileStore;
use pbx365::secrets::{KeyringSecretStore, MemorySecretStore};
use tauri::AppHandle;
use tauri_plugin_opener::OpenerExt;
use url::Url;

use crate::demo::Demo;

/// The sign-in page in the system browser, through the opener plugin.
struct PluginBrowser(AppHandle);

impl BrowserOpener for PluginBrowser {
    fn open(&self, url: &Url) -> Result<(), EntraError> {
        self.0
            .opener()
            .open_url(url.as_str(), None::<&str>)
            .map_err(|error| EntraError::Browser {
                reason: error.to_string(),
            })
    }
}

/// The engine's environment, made before the window (see `main`), and the demo it runs against.
pub struct Prepared {
    env: Environment,
    demo: Option<Demo>,
}

impl Prepared {
    /// Profiles in the OS config directory, secrets in the OS keyring.
    pub fn real() -> anyhow::Result<Self> {
        let profiles = ProfileStore::open_default()?;
        Ok(Self {
            env: Environment::new(profiles, Arc::new(KeyringSecretStore::new())),
            demo: None,
        })
    }

    /// The demo's emulators, trusted through their CA only.
    pub fn demo(demo: Demo) -> Self {
        let mut env = Environment::new(
            ProfileStore::at(demo.profiles_dir()),
            Arc::new(MemorySecretStore::default()),
        );
        env.microsoft_ca_pem = demo.sim.ca_pem.clone();
        Self {
            env,
            demo: Some(demo),
        }
    }

    /// The environment with the app's way of opening the sign-in page (the demo's follower
    /// when its tests ask for one), and the demo.
    pub fn for_app(self, app: &AppHandle) -> (Environment, Option<Demo>) {
        let Self { mut env, demo } = self;
        env.browser = match demo.as_ref().and_then(Demo::follow_sign_in) {
            Some(follower) => Arc::new(follower),
            None => Arc::new(PluginBrowser(app.clone())),
        };
        (env, demo)
    }
}
