//! Sync runs: Microsoft 365 users into PBX users.
//!
//! A run reads the sync options (the tenant's `/ms365` `users` block), the users in scope
//! from Microsoft 365 ([`GraphDirectory`] with the admin's delegated token, or the PBX's own
//! `/ms365/users` view, [`PbxDirectory`], with fewer details: see [`Degradation`]) and the PBX
//! users, and makes a [`Plan`]: create, adopt, update, disable, skip with a reason, report.
//! The plan is deterministic, so [`SyncEngine::preview`] (the dry run) shows exactly what
//! [`SyncEngine::run`] then does. A run applies the plan a few users at a time, honouring
//! `Retry-After` and backing off on failures, journals every request in a [`SyncStore`]
//! before and after it is sent, and resumes a killed run without duplicates. Nothing is ever
//! deleted; new users' passwords and PINs are made when sent and kept nowhere.
//!
//! `examples/sync_run.rs` is a whole run from plain arguments (the SIGKILL test and the
//! benchmark drive it); `tests/sync_emulated.rs` shows preview, run and drift against the
//! emulators.

mod apply;
mod concurrency;
mod connect;
mod credentials;
mod directory;
mod drift;
mod engine;
mod error;
mod failure;
mod group_scope;
mod naming;
mod note;
mod pbx_users;
mod plan;
mod progress;
mod report;
mod scope_count;
mod settings;
mod store;

pub use concurrency::{
    DEFAULT_PBX_CONCURRENCY, MAX_PBX_CONCURRENCY, PBX_CONCURRENCY_FIELD, check_pbx_concurrency,
    pbx_concurrency,
};
pub use connect::{Connection, connect, database_path};
pub use directory::{
    Degradation, DirectoryUser, GRAPH_PAGE_SIZE, GraphDirectory, MicrosoftDirectory, PbxDirectory,
    SourceKind,
};
pub use drift::{DriftEntry, DriftReport, compute_drift};
pub use engine::{RunOptions, SyncEngine};
pub use error::SyncError;
pub use failure::UserFailure;
pub use group_scope::SelectedUsersUpdate;
pub(crate) use group_scope::group_member_names;
pub use naming::{base_name, is_reserved};
pub use note::ActionNote;
pub use pbx_users::PbxUser;
pub use plan::{
    ActionKind, FieldChange, Notice, Plan, PlanCounts, PlanInput, PlannedAction, Reason,
    ReportedUser, SkippedUser, UserField, make_plan,
};
pub use progress::{ProgressSink, Side, SyncEvent, SyncPhase, channel};
pub use report::{
    OutcomeCounts, OutcomeStatus, RunDetail, RunReport, RunStatus, RunSummary, UserOutcome,
};
pub use scope_count::users_in_scope;
pub use settings::{DEFAULT_STARTING_EXTENSION, SyncSettings};
pub use store::{DOCTOR_REPORTS_KEPT, SyncStore};

/// The history database's file name, in the app's data folder next to the profiles.
pub const DATABASE_FILE: &str = "sync.sqlite3";
