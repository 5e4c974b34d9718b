//! How many Microsoft 365 users a sync's options take in: the setup's review compares it with
//! the PBX's licence before anything is applied.

use futures::TryStreamExt;
use portsip::model::UsersSync;

use super::SyncError;
use super::directory::{GraphDirectory, MicrosoftDirectory, SourceKind};
use super::plan::exclusion;
use super::settings::SyncSettings;

/// The enabled Microsoft 365 users that `users` would sync, read through Graph.
pub async fn users_in_scope(
    graph: entra::GraphClient,
    users: &UsersSync,
) -> Result<u32, SyncError> {
    let settings = SyncSettings::from_pbx(Some(users));
    let mut stream = GraphDirectory::new(graph).users();
    let mut count: u32 = 0;
    while let Some(user) = stream.try_next().await? {
        if user.enabled == Some(true) && exclusion(&user, &settings, SourceKind::Graph).is_none() {
            count = count.saturating_add(1);
        }
    }
    Ok(count)
}
