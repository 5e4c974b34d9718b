//! What the CLI and the desktop shell need to sync a saved profile: the history database's
//! place, and the PBX and Microsoft 365 connections from what the profile and keyring hold.

use std::path::PathBuf;

use super::DATABASE_FILE;
use super::directory::{GraphDirectory, MicrosoftDirectory, PbxDirectory};
use crate::access::sessions::{resume_graph, resume_pbx};
use crate::access::{Environment, Error};
use crate::profile::{Mode, Profile, ProfileStore};

/// The history database: `sync.sqlite3` in the folder that holds the `profiles` folder.
pub fn database_path(profiles: &ProfileStore) -> PathBuf {
    profiles.base().join(DATABASE_FILE)
}

/// A profile's PBX, signed in, and where its Microsoft 365 users are read from.
pub struct Connection {
    pub pbx: portsip::Client,
    pub source: Box<dyn MicrosoftDirectory>,
    /// Why Graph is not used although the profile signs in to Microsoft (automatic mode);
    /// the PBX's own view is used instead, with the plan's degradations.
    pub graph_unavailable: Option<String>,
}

impl std::fmt::Debug for Connection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connection")
            .field("pbx", &self.pbx)
            .field("source", &self.source.kind())
            .field("graph_unavailable", &self.graph_unavailable)
            .finish()
    }
}

/// Signs in to the profile's PBX from the keyring, and to Microsoft Graph when the profile
/// is in automatic mode and its saved sign-in still works; otherwise the PBX's `/ms365/users`
/// is the source.
pub async fn connect(env: &Environment, profile: &Profile) -> Result<Connection, Error> {
    let (pbx, _) = resume_pbx(env, profile).await?;
    let graph = match profile.microsoft.mode {
        Mode::Auto => resume_graph(env, profile).await.map_err(|e| e.to_string()),
        Mode::Guided => Err("the profile is in guided mode (no Microsoft sign-in)".to_owned()),
    };
    Ok(match graph {
        Ok(graph) => Connection {
            source: Box::new(GraphDirectory::new(graph)),
            pbx,
            graph_unavailable: None,
        },
        Err(reason) => {
            tracing::info!(%reason, "reading Microsoft 365 users through the PBX instead of Graph");
            Connection {
                source: Box::new(PbxDirectory::new(pbx.clone())),
                pbx,
                graph_unavailable: Some(reason),
            }
        }
    })
}
