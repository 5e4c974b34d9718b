//! Diagnostics for support: log files in the OS's log folder, rotated, size-capped and
//! redacted line by line; the versions of what runs; and the archive an administrator sends
//! to support (`pbx365 diagnostics --output FILE.zip`, "Export diagnostics" in the app), which
//! holds no secret.

mod archive;
pub mod log_files;
pub mod logging;
pub mod redact;
mod versions;

pub use archive::{ExportSummary, export, export_for_support};
pub use versions::Versions;
