//! The PortSIP versions the emulated PBX can play, and the one table of what differs between
//! them. Handlers ask [`PbxVersion::capabilities`]; none of them tests the version itself.
//!
//! Sources: `spec/portsip-NOTES.md` ("PortSIP versions after the spec above") and, for the
//! wire format, the version's contract (`openapi_contract::Contract::for_version`).

use openapi_contract::PortSipVersion;

/// A PortSIP version the emulator plays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum PbxVersion {
    /// The version of the published spec the subset was cut from (May 2025).
    V22_2,
    /// The newest version (Jun 2026), what customers run today.
    #[default]
    V22_6,
}

/// What the PBX's own `GET /ms365/users` asks Graph for, which decides the application
/// permission its Entra app needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GraphUserQuery {
    /// The properties the PBX selects.
    pub select: &'static str,
    /// A `$filter`, if the PBX narrows the list on Graph's side.
    pub filter: Option<&'static str>,
}

/// Everything that differs between the emulated versions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capabilities {
    /// What `GET /tenant/status` reports as `version`, written as PortSIP writes a release
    /// (major.minor.patch).
    pub reported_version: &'static str,
    /// The contract request bodies are checked against (types, required fields, lengths).
    pub contract: PortSipVersion,
    /// Feature blocks of `GET/POST /ms365` this version no longer has: never shown, and a
    /// `POST /ms365` that still carries one is refused with `VALIDATE_FAILED`.
    pub removed_ms365_blocks: &'static [&'static str],
    /// `POST /ms365/destroy` and `POST /admin/ms365/destroy` exist.
    pub destroy_integration: bool,
    /// The longest `display_name` `POST /users` and `POST /users/{id}` take, in characters.
    pub display_name_max_chars: usize,
    /// `POST /users/{id}` must carry `display_name` (`POST /users` always must).
    pub display_name_required_on_update: bool,
    /// How the PBX lists the directory through Graph.
    pub graph_users: GraphUserQuery,
}

/// 22.2: the published spec. Its guides ask for `User.Read.All`, and its PBX lists only
/// enabled accounts by filtering on `accountEnabled`, a property outside the basic profile:
/// with `User.ReadBasic.All` alone Graph refuses that filter (`Authorization_RequestDenied`),
/// so a 22.2 PBX needs `User.Read.All` (or more). PortSIP does not publish its Graph queries;
/// the filter is this emulator's model of why 22.2 needs the full-profile permission.
const V22_2: Capabilities = Capabilities {
    reported_version: "22.2.0",
    contract: PortSipVersion::V22_2,
    removed_ms365_blocks: &[],
    destroy_integration: false,
    display_name_max_chars: 1024,
    display_name_required_on_update: false,
    graph_users: GraphUserQuery {
        select: "id,displayName,mail,userPrincipalName",
        filter: Some("accountEnabled eq true"),
    },
};

/// 22.6: `sign_in_as_administrator` removed from `/ms365`, `POST /ms365/destroy`, a required
/// `display_name` of at most 128 characters. Since 22.5 the PBX needs only
/// `User.ReadBasic.All` (mandatory), so it reads nothing outside the basic profile and
/// filters nothing on Graph's side: disabled accounts are listed too.
const V22_6: Capabilities = Capabilities {
    reported_version: "22.6.0",
    contract: PortSipVersion::V22_6,
    removed_ms365_blocks: &["sign_in_as_administrator"],
    destroy_integration: true,
    display_name_max_chars: 128,
    display_name_required_on_update: true,
    graph_users: GraphUserQuery {
        select: "id,displayName,mail,userPrincipalName",
        filter: None,
    },
};

impl PbxVersion {
    /// Every version the emulator plays, oldest first.
    pub const ALL: [PbxVersion; 2] = [PbxVersion::V22_2, PbxVersion::V22_6];

    /// `"22.2"`, `"22.6"`: how the command line and the tests name it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::V22_2 => "22.2",
            Self::V22_6 => "22.6",
        }
    }

    /// What this version does differently.
    pub fn capabilities(self) -> &'static Capabilities {
        match self {
            Self::V22_2 => &V22_2,
            Self::V22_6 => &V22_6,
        }
    }

    /// The contract this version's requests and responses are held to.
    pub fn contract_version(self) -> PortSipVersion {
        self.capabilities().contract
    }
}

impl std::fmt::Display for PbxVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A version the emulator cannot play.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the emulated PBX plays PortSIP 22.2 or 22.6, not {0:?}")]
pub struct UnknownPbxVersion(pub String);

impl std::str::FromStr for PbxVersion {
    type Err = UnknownPbxVersion;

    /// `"22.2"` or `"22.6"`, or the same with a patch level (`"22.6.0"`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let unknown = || UnknownPbxVersion(text.trim().to_owned());
        let contract: PortSipVersion = text.parse().map_err(|_| unknown())?;
        Self::ALL
            .into_iter()
            .find(|v| v.contract_version() == contract)
            .ok_or_else(unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_round_trip_and_unknown_ones_are_refused() -> Result<(), UnknownPbxVersion> {
        for version in PbxVersion::ALL {
            assert_eq!(version.as_str().parse::<PbxVersion>()?, version);
            assert_eq!(
                version
                    .capabilities()
                    .reported_version
                    .parse::<PbxVersion>()?,
                version
            );
        }
        assert_eq!(PbxVersion::default(), PbxVersion::V22_6);
        for unknown in ["22.4", "23.0", "latest", ""] {
            assert!(unknown.parse::<PbxVersion>().is_err(), "{unknown:?}");
        }
        Ok(())
    }
}
