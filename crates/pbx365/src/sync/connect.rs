//! What the CLI and the desktop shell need to sync a saved profile: the history database's
//! place, and the PBX and Microsoft 365 connections from what the profile and keyring hold.

use std::path::PathBuf;

use super::DATABASE_FILE;
use super::directory::{GraphDirectory, MicrosoftDirectory, PbxDirectory, SourceKind};
use crate::access::sessions::{require_graph, resume_pbx};
use crate::access::{Environment, Error};
use crate::profile::{Profile, ProfileStore};

/// The history database: `sync.sqlite3` in the folder that holds the `profiles` folder.
pub fn database_path(profiles: &ProfileStore) -> PathBuf {
    profiles.base().join(DATABASE_FILE)
}

/// A profile's PBX, signed in, and the profile's source of Microsoft 365 users.
pub struct Connection {
    pub pbx: portsip::Client,
    pub source: Box<dyn MicrosoftDirectory>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("pbx", &self.pbx)
            .field("source", &self.source.kind())
            .finish()
    }
}

/// Signs in to the profile's PBX from the keyring, and to the profile's source of Microsoft 365
/// users: Graph with the admin's saved sign-in in automatic mode, the PBX's own `/ms365/users`
/// in guided mode (pbx365 has no Graph access there). A source that cannot be read ends the
/// run here, before anything is written: it is never swapped for another, which would classify
/// guests and disabled accounts differently and so provision other people.
///
/// A profile whose user sync is scoped to groups gets a source scoped to them (see
/// [`MicrosoftDirectory::scope_groups`]).
pub async fn connect(env: &Environment, profile: &Profile) -> Result<Connection, Error> {
    let groups = profile
        .sync
        .as_ref()
        .map(|sync| sync.users.scope.groups().to_vec())
        .unwrap_or_default();
    let source: Box<dyn MicrosoftDirectory> = match SourceKind::of_mode(profile.microsoft.mode) {
        SourceKind::Graph => {
            Box::new(GraphDirectory::new(require_graph(env, profile).await?).scoped_to(groups))
        }
        SourceKind::Pbx => {
            let (pbx, _) = resume_pbx(env, profile).await?;
            return Ok(Connection {
                source: Box::new(PbxDirectory::new(pbx.clone()).scoped_to(groups)),
                pbx,
            });
        }
    };
    let (pbx, _) = resume_pbx(env, profile).await?;
    Ok(Connection { pbx, source })
}
