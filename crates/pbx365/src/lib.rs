//! pbx365: the setup engine, profiles, secrets, sync and certificate lifecycle. No Tauri in here:
//! the desktop shell and the CLI both drive this crate.
//!
//! Layers, each depending only on those below it:
//!
//! ```text
//! reset ──────────────────> sync, certificate (their files: what a reset removes)
//!   │
//! wizard ──> doctor        sync        certificate (lifecycle)    directory (pickers)
//!   └──────────┴────────────┴────────────┴────────────────────────────┴──> access: Environment, Error, sessions, retry
//!                     profile, secrets, pbx_certificate, guided, features, input, schedule, …
//!                     private_fs: every file pbx365 writes 0600, every folder 0700 (Unix)
//! ```

// The `pbx365` command lives in the library so that the desktop app's binary can also be that
// command (the Linux packages start it under the name `pbx365`, see scripts/dist); its modules
// name this crate `pbx365::`, as the code outside it does.
extern crate self as pbx365;

pub mod access;
pub mod all_profiles;
pub mod atomic_file;
pub mod certificate;
pub mod cli;
pub mod diagnostics;
pub mod directory;
pub mod doctor;
pub mod features;
pub mod guided;
pub mod input;
pub mod pbx_certificate;
pub mod pbx_versions;
pub mod private_fs;
pub mod profile;
pub mod profile_order;
pub mod profile_summary;
pub mod progress;
pub mod relayed_failure;
pub mod reset;
pub mod run_lock;
pub mod schedule;
pub mod secrets;
pub mod sync;
#[cfg(test)]
mod text_samples;
pub mod time_zone;
pub mod tray_menu;
pub mod ui_language;
pub mod updates;
pub mod wizard;

pub use access::{Environment, Error, ErrorReport};
