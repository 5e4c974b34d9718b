//! What can stop a sync run as a whole. Failures of single users are not errors here: they
//! are recorded as that user's outcome and the run goes on.

use std::path::PathBuf;

/// A sync run, preview or drift check that could not be done. Each renders as a sentence an
/// administrator can act on.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error(
        "User sync is turned off in the PBX's Microsoft 365 settings (users → enabled). Turn it on \
         in the sync options first, then sync again."
    )]
    UserSyncOff,

    #[error(
        "The starting extension number {value:?} in the PBX's Microsoft 365 settings is not valid: \
         it must be 3 to 13 digits without a leading zero. Correct it in the sync options."
    )]
    BadStartingExtension { value: String },

    #[error(
        "There is no free extension number left from {from} upward (at most 13 digits). Choose a \
         lower starting extension number in the sync options."
    )]
    ExtensionsExhausted { from: String },

    #[error("Could not read the PBX's Microsoft 365 settings: {0}")]
    Settings(#[source] portsip::Error),

    #[error("Could not read the users of the PBX: {0}")]
    PbxUsers(#[source] portsip::Error),

    #[error("Could not read the users from Microsoft 365 through Microsoft Graph: {0}")]
    Graph(#[source] entra::EntraError),

    #[error(
        "Could not read the Microsoft 365 users through the PBX (GET /ms365/users): {0} Check the \
         integration with the doctor, or sign in to Microsoft so pbx365 can read Graph itself."
    )]
    PbxDirectory(#[source] portsip::Error),

    #[error(
        "The sync history database {path} could not be used: {source}. Check that the folder is \
         writable and that no other program holds the file."
    )]
    Store {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },

    #[error(
        "The sync history database {path} could not be created: {source}. Check that the folder \
         exists and is writable."
    )]
    StoreFolder {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "User sync is scoped to Microsoft 365 groups, and only Microsoft Graph tells who is in a \
         group: this profile reads users through the PBX (guided mode). Set up the profile in \
         automatic mode, or choose the users themselves (All, Only or All except) in the sync \
         options."
    )]
    GroupsNeedGraph,

    #[error(
        "User sync is scoped to Microsoft 365 groups, but the saved Microsoft sign-in of the \
         profile \"{profile}\" may not read group membership (delegated permission \
         GroupMember.Read.All). Nothing was read or changed. Sign in to Microsoft again (pbx365 \
         ms signin --profile {profile}, or Set up again in the app) and consent to it, then sync \
         again."
    )]
    GroupsDenied { profile: String },

    #[error(
        "The group \"{name}\" ({id}) that scopes user sync no longer exists in Microsoft 365. \
         Nothing was changed. Choose the groups again in the sync options."
    )]
    GroupGone { name: String, id: String },

    #[error("Could not update the PBX's selected users (the users block of /ms365): {0}")]
    SelectedUsers(#[source] portsip::Error),

    #[error("There is no sync run number {0} in the history.")]
    NoSuchRun(i64),

    #[error("The run could not be written as CSV: {0}")]
    Export(#[source] std::io::Error),

    #[error("The sync was cancelled before it changed anything.")]
    Cancelled,

    #[error(transparent)]
    Lock(#[from] crate::run_lock::RunLockError),

    #[error(
        "The profile's sync options are not valid: {} Correct them with `pbx365 setup` \
         (--sync-concurrency), then sync again.",
        .0.message
    )]
    BadOption(crate::input::FieldError),
}
