//! What the integration is used for, and the Microsoft Graph application permissions each use
//! needs. This table is the only place that maps features to permissions: the app
//! registration, the consent step and the doctor all read it.
//!
//! Permissions are named here and resolved to app-role IDs at run time from the `appRoles` of
//! Graph's service principal (`entra::resolve_app_role_ids`), as `spec/microsoft-FACTS.md`
//! advises: IDs are not hard-coded.

use std::collections::BTreeSet;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A use of the Microsoft 365 integration that the admin can choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum Feature {
    /// Microsoft 365 users become PBX users (the PBX's `users` block).
    Users,
    /// Users sign in to the PBX web portal and WebRTC client with Microsoft (single sign-on).
    Sso,
    /// Each user's personal Outlook contacts become their PBX personal contacts.
    PersonalContacts,
    /// Shared mailbox contacts become PBX company contacts.
    SharedMailbox,
}

/// Graph application permissions per feature.
///
/// - users → `User.Read.All`: the PBX lists the directory with `GET /users` (FACTS: "reading
///   users (works for `GET /users`)"); both PortSIP guides in `seeds/` list it first.
/// - sso → `User.Read.All`: the PBX resolves the signed-in Microsoft account to its directory
///   user (object ID, UPN, names) to find the PBX user it is bound to. The guides grant no
///   separate permission for SSO; `User.ReadBasic.All` would not return the fields the binding
///   uses, so SSO reuses `User.Read.All`.
/// - personal contacts → `Contacts.Read` (FACTS: "personal contacts"; guide 001 lists it).
/// - shared mailbox → `Contacts.Read` to read the mailbox's contacts, plus
///   `MailboxSettings.Read` (FACTS: "shared mailbox contacts") to find the mailbox's well-known
///   contact folders that PortSIP syncs.
///
/// `Calendars.Read` and `Mail.Send` from the older guide belong to features pbx365 does not
/// configure (calendar events, e-mail notifications), so they are never requested.
const PERMISSIONS: [(Feature, &[&str]); 4] = [
    (Feature::Users, &["User.Read.All"]),
    (Feature::Sso, &["User.Read.All"]),
    (Feature::PersonalContacts, &["Contacts.Read"]),
    (
        Feature::SharedMailbox,
        &["Contacts.Read", "MailboxSettings.Read"],
    ),
];

impl Feature {
    pub const ALL: [Feature; 4] = [
        Feature::Users,
        Feature::Sso,
        Feature::PersonalContacts,
        Feature::SharedMailbox,
    ];

    /// The name used on the command line and in profiles.
    pub fn slug(self) -> &'static str {
        match self {
            Feature::Users => "users",
            Feature::Sso => "sso",
            Feature::PersonalContacts => "personal-contacts",
            Feature::SharedMailbox => "shared-mailbox",
        }
    }

    /// The Graph application permissions this feature needs.
    pub fn permissions(self) -> &'static [&'static str] {
        PERMISSIONS
            .iter()
            .find(|(feature, _)| *feature == self)
            .map_or(&[], |(_, permissions)| *permissions)
    }
}

impl fmt::Display for Feature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// A feature name that is not one of [`Feature::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "\"{0}\" is not a feature pbx365 knows. Choose from users, sso, personal-contacts and shared-mailbox."
)]
pub struct UnknownFeature(pub String);

impl FromStr for Feature {
    type Err = UnknownFeature;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim().to_ascii_lowercase().replace('_', "-");
        Feature::ALL
            .into_iter()
            .find(|feature| feature.slug() == wanted)
            .ok_or_else(|| UnknownFeature(text.trim().to_owned()))
    }
}

/// Every permission the features need, each once, sorted by name.
pub fn required_permissions(features: &BTreeSet<Feature>) -> Vec<&'static str> {
    features
        .iter()
        .flat_map(|feature| feature.permissions().iter().copied())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The name of a Graph app role, for messages.
pub(crate) fn role_name(graph_sp: &entra::ServicePrincipal, role_id: &str) -> String {
    graph_sp
        .app_roles
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(role_id))
        .and_then(|r| r.value.clone())
        .unwrap_or_else(|| role_id.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_feature_needs_a_permission_and_the_table_covers_all() {
        for feature in Feature::ALL {
            assert!(!feature.permissions().is_empty(), "{feature}");
        }
    }

    #[test]
    fn permissions_are_merged_and_sorted() {
        let all: BTreeSet<Feature> = Feature::ALL.into_iter().collect();
        assert_eq!(
            required_permissions(&all),
            ["Contacts.Read", "MailboxSettings.Read", "User.Read.All"]
        );
        let sso_only: BTreeSet<Feature> = [Feature::Sso].into_iter().collect();
        assert_eq!(required_permissions(&sso_only), ["User.Read.All"]);
        assert!(required_permissions(&BTreeSet::new()).is_empty());
    }

    #[test]
    fn parses_cli_names_and_rejects_others() {
        assert_eq!(
            "Personal_Contacts".parse::<Feature>(),
            Ok(Feature::PersonalContacts)
        );
        assert_eq!(" sso ".parse::<Feature>(), Ok(Feature::Sso));
        let error = "calendar".parse::<Feature>().err().map(|e| e.to_string());
        assert!(error.is_some_and(|e| e.contains("\"calendar\"") && e.contains("shared-mailbox")));
    }

    #[test]
    fn serializes_as_kebab_case() -> Result<(), serde_json::Error> {
        assert_eq!(
            serde_json::to_string(&Feature::SharedMailbox)?,
            "\"shared-mailbox\""
        );
        Ok(())
    }
}
