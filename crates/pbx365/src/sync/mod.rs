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
//! ```no_run
//! # async fn demo(pbx: portsip::Client, graph: Option<entra::GraphClient>) -> Result<(), pbx365::sync::SyncError> {
//! use std::sync::Arc;
//! use pbx365::sync::{SyncEngine, SyncStore, directory_for};
//!
//! let store = Arc::new(SyncStore::open("/data/pbx365/sync.sqlite3")?);
//! let engine = SyncEngine::new(store, "contoso");
//! let source = directory_for(&pbx, graph);
//! let plan = engine.preview(&pbx, source.as_ref()).await?;
//! let report = engine.run(&pbx, source.as_ref()).await?;
//! assert_eq!(report.plan, plan);
//! # Ok(()) }
//! ```

mod apply;
mod connect;
mod credentials;
mod directory;
mod drift;
mod engine;
mod error;
mod naming;
mod pbx_users;
mod plan;
mod progress;
mod report;
mod retry;
mod settings;
mod store;

pub use connect::{Connection, connect, database_path};
pub use directory::{
    Degradation, DirectoryUser, GRAPH_PAGE_SIZE, GraphDirectory, MicrosoftDirectory, PbxDirectory,
    SourceKind, directory_for,
};
pub use drift::{DriftEntry, DriftReport, compute_drift};
pub use engine::{RunOptions, SyncEngine};
pub use error::SyncError;
pub use naming::{base_name, is_reserved};
pub use pbx_users::PbxUser;
pub use plan::{
    ActionKind, FieldChange, Notice, Plan, PlanCounts, PlanInput, PlannedAction, Reason,
    ReportedUser, SkippedUser, UserField, make_plan,
};
pub use progress::{ProgressSink, Side, SyncEvent, SyncPhase, channel};
pub use report::{
    OutcomeCounts, OutcomeStatus, RunDetail, RunReport, RunStatus, RunSummary, UserOutcome,
};
pub use retry::RetryPolicy;
pub use settings::{DEFAULT_STARTING_EXTENSION, SyncSettings};
pub use store::SyncStore;

/// The history database's file name, in the app's data folder next to the profiles.
pub const DATABASE_FILE: &str = "sync.sqlite3";
