//! pbx365: the setup engine, profiles, secrets, sync and certificate lifecycle. No Tauri in here:
//! the desktop shell and the CLI both drive this crate.

pub mod atomic_file;
pub mod certificate;
pub mod doctor;
pub mod features;
pub mod input;
pub mod profile;
pub mod progress;
pub mod run_lock;
pub mod schedule;
pub mod secrets;
pub mod sessions;
pub mod sync;
pub mod time_zone;
pub mod wizard;
