//! Signed updates: whether the app may look for a new release and where (an administrator's
//! policy, the environment, the user's settings, the built-in release endpoint), and what a
//! check or an install says. Fetching, verifying and installing is Tauri's updater plugin in
//! the desktop shell; this module has no network code.

mod message;
mod policy;

pub use message::{UpdateFailure, UpdateInstalled, UpdateStatus, UpdatesOff};
pub use policy::{
    ENDPOINT_VARIABLE, Layer, SWITCH_VARIABLE, UpdateDecision, UpdateInputs, UpdateSettings,
    decide, default_policy_file, default_settings_file,
};
