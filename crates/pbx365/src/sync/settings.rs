//! The sync options as the PBX holds them: the `users` block of the tenant's `/ms365`.

use portsip::model::{SyncType, UsersSync};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::SyncError;
use super::naming::Extension;
use crate::profile::UserScope;

/// The first extension given out when the PBX's settings name none. PortSIP requires an
/// extension on every new user, so pbx365 needs a starting point of its own.
pub const DEFAULT_STARTING_EXTENSION: &str = "1000";

/// Whether a user is in `scope`; `keys` are the ways the user can be named (user principal
/// name, e-mail, object ID), compared without regard to letter case. The mapping of PortSIP's
/// INCLUDE/EXCLUDE onto [`UserScope`] is explained there.
pub(crate) fn in_scope(scope: &UserScope, keys: &[&str]) -> bool {
    let selected = |users: &[String]| {
        users.iter().any(|u| {
            keys.iter()
                .any(|k| !k.is_empty() && u.trim().eq_ignore_ascii_case(k))
        })
    };
    match scope {
        UserScope::All => true,
        UserScope::Only { users } => selected(users),
        UserScope::AllExcept { users } => !selected(users),
        // A run replaces a group scope by its members before planning (`group_scope`);
        // unresolved, nobody is known to be in it.
        UserScope::Groups { .. } => false,
    }
}

/// The options a sync run follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct SyncSettings {
    /// User sync is switched on.
    pub enabled: bool,
    pub sync_guests: bool,
    pub sync_photos: bool,
    /// The first extension number for new users (3–13 digits, no leading zero).
    pub starting_extension: String,
    pub scope: UserScope,
}

impl Default for SyncSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            sync_guests: false,
            sync_photos: false,
            starting_extension: DEFAULT_STARTING_EXTENSION.to_owned(),
            scope: UserScope::All,
        }
    }
}

impl SyncSettings {
    /// The options from the tenant's `/ms365` `users` block, PortSIP's defaults filling gaps.
    pub fn from_pbx(users: Option<&UsersSync>) -> Self {
        let default = UsersSync::default();
        let users = users.unwrap_or(&default);
        let selected = users.selected_users.clone().unwrap_or_default();
        let scope = match users.sync_type.clone().unwrap_or_default() {
            SyncType::Include => UserScope::Only { users: selected },
            SyncType::Exclude => UserScope::AllExcept { users: selected },
            // ALL, and values this version does not know: PortSIP's own default.
            SyncType::All | SyncType::Other(_) => UserScope::All,
        };
        Self {
            enabled: users.enabled.unwrap_or(false),
            sync_guests: users.sync_guest_users.unwrap_or(false),
            sync_photos: users.sync_photo.unwrap_or(false),
            starting_extension: users
                .starting_extension_number
                .clone()
                .filter(|n| !n.trim().is_empty())
                .unwrap_or_else(|| DEFAULT_STARTING_EXTENSION.to_owned()),
            scope,
        }
    }

    pub(crate) fn first_extension(&self) -> Result<Extension, SyncError> {
        Extension::parse(self.starting_extension.trim()).ok_or_else(|| {
            SyncError::BadStartingExtension {
                value: self.starting_extension.clone(),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn include_means_only_the_selected_and_exclude_everyone_else() {
        let pick = vec!["Anna.Berg@contoso.example".to_owned()];
        let anna = ["anna.berg@contoso.example"];
        let ben = ["ben.okafor@contoso.example"];
        let only = SyncSettings::from_pbx(Some(&UsersSync {
            sync_type: Some(SyncType::Include),
            selected_users: Some(pick.clone()),
            ..UsersSync::default()
        }));
        assert!(in_scope(&only.scope, &anna));
        assert!(!in_scope(&only.scope, &ben));
        let except = SyncSettings::from_pbx(Some(&UsersSync {
            sync_type: Some(SyncType::Exclude),
            selected_users: Some(pick),
            ..UsersSync::default()
        }));
        assert!(!in_scope(&except.scope, &anna));
        assert!(in_scope(&except.scope, &ben));
    }

    #[test]
    fn missing_block_means_portsips_defaults() {
        let settings = SyncSettings::from_pbx(None);
        assert!(!settings.enabled);
        assert!(!settings.sync_guests);
        assert_eq!(settings.scope, UserScope::All);
        assert_eq!(settings.starting_extension, DEFAULT_STARTING_EXTENSION);
    }

    #[test]
    fn a_bad_starting_extension_is_refused() {
        let settings = SyncSettings {
            starting_extension: "0123".to_owned(),
            ..SyncSettings::default()
        };
        assert!(matches!(
            settings.first_extension(),
            Err(SyncError::BadStartingExtension { .. })
        ));
    }
}
