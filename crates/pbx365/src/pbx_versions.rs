//! What differs between the PortSIP versions pbx365 supports, in one table that every step
//! talking to the PBX consults — never a version check of its own. The PBX says its version in
//! `GET /tenant/status`; see `spec/portsip-NOTES.md` for what changed when.

use portsip::model::{PbxVersion, TenantStatus};

use crate::features::PermissionModel;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The oldest and the newest PortSIP version pbx365 was built and tested for.
pub const OLDEST: PbxVersion = PbxVersion::new(22, 2, 0);
pub const NEWEST: PbxVersion = PbxVersion::new(22, 6, u32::MAX);

/// What one range of PortSIP versions does differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Traits {
    /// `/ms365` has "administrators sign in with Microsoft" (`sign_in_as_administrator`);
    /// 22.6 removed it and refuses a body that carries it.
    pub admin_sign_in: bool,
    /// The longest display name the PBX takes, and whether every user create and update must
    /// carry one (22.6: required, at most 128 characters).
    pub display_name_limit: Option<usize>,
    /// `POST /ms365/destroy` resets the integration (22.6); older versions are reset by clearing
    /// the IDs and switching every feature off through `POST /ms365`.
    pub destroy: bool,
    /// Which Graph application permissions the PBX asks for (`features` has the lists): 22.5
    /// moved from `User.Read.All` to the granular list with `User.ReadBasic.All`.
    pub permissions: PermissionModel,
}

/// PortSIP up to 22.4.
const BEFORE_22_5: Traits = Traits {
    admin_sign_in: true,
    display_name_limit: None,
    destroy: false,
    permissions: PermissionModel::FullProfile,
};

/// PortSIP 22.5: the new permission model, still with administrators' Microsoft sign-in.
const FROM_22_5: Traits = Traits {
    permissions: PermissionModel::Granular,
    ..BEFORE_22_5
};

/// PortSIP 22.6 and later.
const FROM_22_6: Traits = Traits {
    admin_sign_in: false,
    display_name_limit: Some(128),
    destroy: true,
    permissions: PermissionModel::Granular,
};

/// The versions from which each set of traits holds, newest first.
const TABLE: &[(PbxVersion, Traits)] = &[
    (PbxVersion::new(22, 6, 0), FROM_22_6),
    (PbxVersion::new(22, 5, 0), FROM_22_5),
    (PbxVersion::new(0, 0, 0), BEFORE_22_5),
];

/// Why pbx365 may not fit this PBX, as a code with parameters: the UI words it from its
/// catalogue, the CLI prints the English. `oldest` and `newest` are the versions pbx365 was
/// built for ("22.2.0", "22.6"); an unknown version is treated as `newest`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "code", rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum EditionWarning {
    /// `GET /tenant/status` was refused or is missing; `error` is the client's English.
    Unreported {
        error: String,
        oldest: String,
        newest: String,
    },
    /// The PBX wrote a version pbx365 cannot read.
    Unreadable {
        version: String,
        oldest: String,
        newest: String,
    },
    TooOld {
        version: String,
        oldest: String,
        newest: String,
    },
    TooNew {
        version: String,
        oldest: String,
        newest: String,
    },
}

impl std::fmt::Display for EditionWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EditionWarning::Unreported {
                error,
                oldest,
                newest,
            } => write!(
                f,
                "The PBX did not say which PortSIP version it runs ({error}); pbx365 treats it \
                 as PortSIP {newest} (built for {oldest} to {newest})."
            ),
            EditionWarning::Unreadable {
                version,
                oldest,
                newest,
            } => write!(
                f,
                "The PBX reports its version as \"{version}\", which pbx365 cannot read; it \
                 treats the PBX as PortSIP {newest} (built for {oldest} to {newest})."
            ),
            EditionWarning::TooOld {
                version,
                oldest,
                newest,
            } => write!(
                f,
                "The PBX runs PortSIP {version}, older than pbx365 supports (built for {oldest} \
                 to {newest}). Upgrade the PBX; some steps may fail on it."
            ),
            EditionWarning::TooNew {
                version,
                oldest,
                newest,
            } => write!(
                f,
                "The PBX runs PortSIP {version}, newer than pbx365 knows (built for {oldest} to \
                 {newest}). It is treated as {newest}; check for a pbx365 update."
            ),
        }
    }
}

/// The PBX as `GET /tenant/status` describes it, with the traits its version has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct PbxEdition {
    /// The version as the PBX wrote it (absent when it did not say).
    pub version: Option<String>,
    pub licensed_users: Option<i32>,
    pub current_users: Option<i32>,
    /// Set when pbx365 was not built for this version, or cannot tell which it is.
    pub warning: Option<EditionWarning>,
    #[serde(skip)]
    #[ts(skip)]
    traits: Option<Traits>,
}

impl PbxEdition {
    /// Reads `GET /tenant/status`. A PBX that does not answer it (older than the endpoint, or
    /// an account that may not read it) is an unknown version with a warning, not a failure.
    pub async fn read(client: &portsip::Client) -> Result<Self, portsip::Error> {
        match client.tenant_status().await {
            Ok(status) => Ok(Self::of(&status)),
            Err(error @ (portsip::Error::NotFound { .. } | portsip::Error::Forbidden { .. })) => {
                Ok(Self::unknown(EditionWarning::Unreported {
                    error: error.to_string(),
                    oldest: OLDEST.to_string(),
                    newest: newest_name(),
                }))
            }
            Err(error) => Err(error),
        }
    }

    /// The edition `status` describes.
    pub fn of(status: &TenantStatus) -> Self {
        let raw = status.version.clone();
        let (traits, warning) = match status.version() {
            Some(version) => (traits_of(version), warning_for(version)),
            None => (
                FROM_22_6,
                Some(EditionWarning::Unreadable {
                    version: raw.as_deref().map(clean).unwrap_or_default(),
                    oldest: OLDEST.to_string(),
                    newest: newest_name(),
                }),
            ),
        };
        Self {
            version: raw.map(|v| clean(&v)),
            licensed_users: status.licensed_users,
            current_users: status.current_users,
            warning,
            traits: Some(traits),
        }
    }

    fn unknown(warning: EditionWarning) -> Self {
        Self {
            version: None,
            licensed_users: None,
            current_users: None,
            warning: Some(warning),
            traits: Some(FROM_22_6),
        }
    }

    /// What this PBX does differently. An unknown version gets the newest traits: they send
    /// nothing an older PBX would refuse that a newer one needs.
    pub fn traits(&self) -> Traits {
        self.traits.unwrap_or(FROM_22_6)
    }

    /// How many more users the tenant's licence allows; `None` when the PBX did not say.
    pub fn licences_left(&self) -> Option<u32> {
        let left = self.licensed_users?.saturating_sub(self.current_users?);
        Some(u32::try_from(left).unwrap_or(0))
    }

    /// "PortSIP 22.6.0", for sentences about what this version does.
    pub fn name(&self) -> String {
        self.version.as_deref().map_or_else(
            || "PortSIP (version unknown)".to_owned(),
            |v| format!("PortSIP {v}"),
        )
    }

    /// "PortSIP 22.6.0, 212 of 400 licensed users", for summaries.
    pub fn describe(&self) -> String {
        let version = self.name();
        match (self.current_users, self.licensed_users) {
            (Some(current), Some(licensed)) => {
                format!("{version}, {current} of {licensed} licensed users")
            }
            _ => version,
        }
    }
}

/// The traits of `version`: the newest row of the table it reaches.
pub fn traits_of(version: PbxVersion) -> Traits {
    TABLE
        .iter()
        .find(|(from, _)| version >= *from)
        .map_or(BEFORE_22_5, |(_, traits)| *traits)
}

fn warning_for(version: PbxVersion) -> Option<EditionWarning> {
    let (oldest, newest) = (OLDEST.to_string(), newest_name());
    if version < OLDEST {
        Some(EditionWarning::TooOld {
            version: version.to_string(),
            oldest,
            newest,
        })
    } else if version > NEWEST {
        Some(EditionWarning::TooNew {
            version: version.to_string(),
            oldest,
            newest,
        })
    } else {
        None
    }
}

fn newest_name() -> String {
    format!("{}.{}", NEWEST.major, NEWEST.minor)
}

/// Server text, as it may be shown: no control characters, no more than a version needs.
fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(64).collect()
}

/// `name` cut to the PBX's display-name limit, on a character boundary; `None` when it fits.
pub fn cut_display_name(name: &str, traits: &Traits) -> Option<String> {
    let limit = traits.display_name_limit?;
    (name.chars().count() > limit).then(|| name.chars().take(limit).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(version: &str) -> TenantStatus {
        TenantStatus {
            version: Some(version.to_owned()),
            licensed_users: Some(400),
            current_users: Some(212),
            ..TenantStatus::default()
        }
    }

    #[test]
    fn each_version_gets_its_row_of_the_table() {
        let old = traits_of(PbxVersion::new(22, 2, 0));
        assert!(old.admin_sign_in);
        assert_eq!(old.permissions, PermissionModel::FullProfile);
        assert_eq!(traits_of(PbxVersion::new(22, 4, 9)), old);
        let granular = traits_of(PbxVersion::new(22, 5, 3));
        assert!(granular.admin_sign_in);
        assert!(!granular.destroy);
        assert_eq!(granular.display_name_limit, None);
        assert_eq!(granular.permissions, PermissionModel::Granular);
        let new = traits_of(PbxVersion::new(22, 6, 0));
        assert!(!new.admin_sign_in);
        assert_eq!(new.display_name_limit, Some(128));
        assert!(new.destroy);
        assert_eq!(new.permissions, PermissionModel::Granular);
        assert_eq!(traits_of(PbxVersion::new(23, 0, 0)), new);
    }

    #[test]
    fn supported_versions_need_no_warning_and_others_name_the_range() {
        for supported in ["22.2.0", "22.5.1", "22.6", "22.6.4"] {
            let edition = PbxEdition::of(&status(supported));
            assert_eq!(edition.warning, None, "{supported}");
        }
        let old = PbxEdition::of(&status("21.4.0"));
        assert_eq!(
            old.warning,
            Some(EditionWarning::TooOld {
                version: "21.4.0".into(),
                oldest: "22.2.0".into(),
                newest: "22.6".into()
            })
        );
        assert_eq!(
            old.warning.map(|w| w.to_string()).as_deref(),
            Some(
                "The PBX runs PortSIP 21.4.0, older than pbx365 supports (built for 22.2.0 to \
                 22.6). Upgrade the PBX; some steps may fail on it."
            )
        );
        let new = PbxEdition::of(&status("22.7.0"));
        assert!(
            matches!(&new.warning, Some(EditionWarning::TooNew { version, .. }) if version == "22.7.0"),
            "{new:?}"
        );
        assert!(!new.traits().admin_sign_in);
    }

    #[test]
    fn an_unreadable_version_is_a_warning_with_the_newest_traits() {
        let edition = PbxEdition::of(&status("nightly\u{1b}[2J"));
        assert_eq!(edition.version.as_deref(), Some("nightly[2J"));
        assert!(
            matches!(&edition.warning, Some(EditionWarning::Unreadable { version, .. }) if version == "nightly[2J"),
            "{edition:?}"
        );
        assert!(!edition.traits().admin_sign_in);
        assert_eq!(
            edition.describe(),
            "PortSIP nightly[2J, 212 of 400 licensed users"
        );
    }

    #[test]
    fn display_names_are_cut_on_a_character_boundary() {
        let traits = traits_of(PbxVersion::new(22, 6, 0));
        let long: String = "Ä".repeat(130);
        let cut = cut_display_name(&long, &traits);
        assert_eq!(cut.as_deref().map(|c| c.chars().count()), Some(128));
        assert_eq!(cut_display_name("Anna Berg", &traits), None);
        assert_eq!(cut_display_name(&long, &traits_of(OLDEST)), None);
    }
}
