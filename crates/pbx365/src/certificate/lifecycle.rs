//! The certificate's lifecycle after setup: its status (healthy, expiring, expired,
//! mismatched, unknown), expiry reminders, zero-downtime rotation, and exit codes for
//! monitoring systems.
//!
//! What the CLI and the desktop shell call:
//! - [`check_profile`] / [`check_profiles`] for saved profiles (or [`status::check`] with
//!   clients in hand) → [`CertificateStatus`];
//! - [`monitoring::report`] → exit code and one Nagios-style line for `cert status`;
//! - [`Reminders::check`] with the statuses, at start and daily;
//! - [`connect_profile`] then [`ProfileConnection::rotation`] → [`Rotation::plan`] (to confirm)
//!   and [`Rotation::run`] for `cert rotate`.

pub mod acceptance;
pub mod clock;
pub mod monitoring;
mod profile_ops;
pub mod reminder;
pub mod rotation;
pub mod status;
pub mod sync_window;

pub use clock::{Clock, SystemClock};
pub use monitoring::{MonitoringReport, MonitoringState, report};
pub use profile_ops::{
    ProfileConnection, check_profile, check_profiles, connect_profile, connect_saved,
};
pub use reminder::{Notification, NotificationAction, Notifier, NotifyError, Reminder, Reminders};
pub use rotation::journal::{RotationJournal, RotationStep, journal_path};
pub use rotation::{
    Rotation, RotationCause, RotationError, RotationEvent, RotationNext, RotationPlan,
    RotationReport, RotationSink, RotationState, RotationTarget,
};
pub use status::{
    AppMatch, AppSource, CertificateState, CertificateStatus, MismatchCause, Unchecked,
    UncheckedCause,
};
