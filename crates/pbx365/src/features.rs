//! What the integration is used for, and the Microsoft Graph application permissions each use
//! needs on each PortSIP version. These tables are the only place that maps features to
//! permissions: the app registration, the consent step, the review's narrowing and the doctor
//! all read them. Which table a PBX gets is said by its row in `pbx_versions` (its
//! [`PermissionModel`]), never by a version check here.
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

/// A Graph application permission the admin may add for a PBX feature that is switched on in
/// the PortSIP portal, not by pbx365: pbx365 cannot tell whether it is used, so it is granted
/// only when chosen (and, being unchosen, removed by a re-run after the review showed it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "kebab-case")]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub enum OptionalGrant {
    /// `Mail.Send`: e-mail notifications the PBX sends through Microsoft 365.
    MailSend,
    /// `User-Phone.ReadWrite.All`: the PBX reads and writes users' phone numbers.
    UserPhone,
}

impl OptionalGrant {
    pub const ALL: [OptionalGrant; 2] = [OptionalGrant::MailSend, OptionalGrant::UserPhone];

    /// The name used on the command line and in profiles.
    pub fn slug(self) -> &'static str {
        match self {
            OptionalGrant::MailSend => "mail-send",
            OptionalGrant::UserPhone => "user-phone",
        }
    }

    /// The Graph application permission it grants.
    pub fn permission(self) -> &'static str {
        match self {
            OptionalGrant::MailSend => "Mail.Send",
            OptionalGrant::UserPhone => "User-Phone.ReadWrite.All",
        }
    }

    /// Which PBX feature uses it, in one line (PortSIP's administration guide, Microsoft 365).
    pub fn purpose(self) -> &'static str {
        match self {
            OptionalGrant::MailSend => {
                "e-mail notifications that the PBX sends through Microsoft 365 (set up in the PortSIP portal)"
            }
            OptionalGrant::UserPhone => {
                "the PBX reading and writing users' phone numbers in Microsoft 365 (switched on in the PortSIP portal)"
            }
        }
    }
}

impl fmt::Display for OptionalGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

/// An optional grant name that is not one of [`OptionalGrant::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("\"{0}\" is not an optional grant pbx365 knows. Choose from mail-send and user-phone.")]
pub struct UnknownOptionalGrant(pub String);

impl FromStr for OptionalGrant {
    type Err = UnknownOptionalGrant;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim().to_ascii_lowercase().replace('_', "-");
        OptionalGrant::ALL
            .into_iter()
            .find(|grant| {
                grant.slug() == wanted || grant.permission().eq_ignore_ascii_case(&wanted)
            })
            .ok_or_else(|| UnknownOptionalGrant(text.trim().to_owned()))
    }
}

/// Which list of Graph permissions a PortSIP version asks for; `pbx_versions` says which
/// version has which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermissionModel {
    /// Up to 22.4: the older guides' full-profile `User.Read.All`.
    FullProfile,
    /// From 22.5 ("more granular Microsoft 365 API permissions"): the list of the current
    /// administration guide, with `User.ReadBasic.All` mandatory.
    Granular,
}

/// One permission model: what every app needs, what each feature adds, and which optional
/// grants the PBX can use.
struct ModelTable {
    mandatory: &'static [&'static str],
    features: [(Feature, &'static [&'static str]); 4],
    optional: &'static [OptionalGrant],
    /// What a user sync scoped to groups adds.
    group_scope: &'static [&'static str],
}

/// Up to 22.4, as the PortSIP guides in `seeds/` list it.
///
/// - users → `User.Read.All`: the PBX lists the directory with `GET /users` (FACTS: "reading
///   users (works for `GET /users`)"); both guides list it first.
/// - sso → `User.Read.All`: the PBX resolves the signed-in Microsoft account to its directory
///   user (object ID, UPN, names) to find the PBX user it is bound to. The guides grant no
///   separate permission for SSO; `User.ReadBasic.All` would not return the fields the binding
///   uses, so SSO reuses `User.Read.All`.
/// - personal contacts → `Contacts.Read` (FACTS: "personal contacts"; guide 001 lists it).
/// - shared mailbox → `Contacts.Read` to read the mailbox's contacts, plus
///   `MailboxSettings.Read` (FACTS: "shared mailbox contacts") to find the mailbox's well-known
///   contact folders that PortSIP syncs.
///
/// `Mail.Send` is in the older guide for e-mail notifications, so it stays available as an
/// optional grant (an app set up by that guide keeps it when the admin chooses it);
/// `Calendars.Read` belongs to calendar events, which pbx365 does not configure.
/// `User-Phone.ReadWrite.All` arrived with 22.5.
const FULL_PROFILE: ModelTable = ModelTable {
    mandatory: &[],
    features: [
        (Feature::Users, &["User.Read.All"]),
        (Feature::Sso, &["User.Read.All"]),
        (Feature::PersonalContacts, &["Contacts.Read"]),
        (
            Feature::SharedMailbox,
            &["Contacts.Read", "MailboxSettings.Read"],
        ),
    ],
    optional: &[OptionalGrant::MailSend],
    // These versions' guides know no group scope; pbx365 sends the members as selected users.
    group_scope: &[],
};

/// From 22.5, the Microsoft 365 page of PortSIP's administration guide (Mar 2026):
/// `User.ReadBasic.All` is mandatory whatever is synced (it covers listing users and binding
/// the SSO account), `Contacts.Read` is for personal contacts and `MailboxSettings.Read` for
/// shared mailbox contacts; `Mail.Send` and `User-Phone.ReadWrite.All` serve features set in
/// the portal.
///
/// The guide also lists `GroupMember.Read.All` for a user sync scoped to selected groups or
/// departments (the portal's "Select Departments"). PortSIP has no API field for that scope:
/// pbx365 sends the groups' members as the selected users instead, and grants
/// `GroupMember.Read.All` when user sync is scoped to groups, as the guide asks for that scope
/// ([`required_permissions_for`]).
const GRANULAR: ModelTable = ModelTable {
    mandatory: &["User.ReadBasic.All"],
    features: [
        (Feature::Users, &[]),
        (Feature::Sso, &[]),
        (Feature::PersonalContacts, &["Contacts.Read"]),
        (Feature::SharedMailbox, &["MailboxSettings.Read"]),
    ],
    optional: &[OptionalGrant::MailSend, OptionalGrant::UserPhone],
    group_scope: &["GroupMember.Read.All"],
};

impl PermissionModel {
    fn table(self) -> &'static ModelTable {
        match self {
            PermissionModel::FullProfile => &FULL_PROFILE,
            PermissionModel::Granular => &GRANULAR,
        }
    }

    /// Whether a PBX of this model can use `grant`.
    pub fn offers(self, grant: OptionalGrant) -> bool {
        self.table().optional.contains(&grant)
    }

    /// The Graph application permissions `feature` adds to the mandatory ones.
    pub fn feature_permissions(self, feature: Feature) -> &'static [&'static str] {
        self.table()
            .features
            .iter()
            .find(|(f, _)| *f == feature)
            .map_or(&[], |(_, permissions)| *permissions)
    }
}

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

/// Every permission a PBX of `model` needs for `features` and the chosen `optional` grants,
/// each once, sorted by name. Optional grants the model does not offer are left out (see
/// [`unusable_grants`]).
pub fn required_permissions(
    model: PermissionModel,
    features: &BTreeSet<Feature>,
    optional: &BTreeSet<OptionalGrant>,
) -> Vec<&'static str> {
    let table = model.table();
    let by_features = features
        .iter()
        .flat_map(|feature| model.feature_permissions(*feature).iter().copied());
    let chosen = optional
        .iter()
        .filter(|grant| model.offers(**grant))
        .map(|grant| grant.permission());
    table
        .mandatory
        .iter()
        .copied()
        .chain(by_features)
        .chain(chosen)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// [`required_permissions`], and what a user sync scoped to groups needs on this model when
/// `group_scoped` (user sync chosen and scoped to groups).
pub fn required_permissions_for(
    model: PermissionModel,
    features: &BTreeSet<Feature>,
    optional: &BTreeSet<OptionalGrant>,
    group_scoped: bool,
) -> Vec<&'static str> {
    let mut permissions = required_permissions(model, features, optional);
    if group_scoped && features.contains(&Feature::Users) {
        permissions.extend(model.table().group_scope.iter().copied());
        permissions.sort_unstable();
        permissions.dedup();
    }
    permissions
}

/// Whether `options` scope user sync to groups.
pub fn group_scoped(options: Option<&crate::profile::SyncOptions>) -> bool {
    options.is_some_and(|o| !o.users.scope.groups().is_empty())
}

/// The chosen optional grants a PBX of `model` cannot use, so they are not granted.
pub fn unusable_grants(
    model: PermissionModel,
    optional: &BTreeSet<OptionalGrant>,
) -> Vec<OptionalGrant> {
    optional
        .iter()
        .copied()
        .filter(|grant| !model.offers(*grant))
        .collect()
}

/// The optional grant that adds `permission`, for saying why it is granted.
pub fn optional_grant_of(permission: &str) -> Option<OptionalGrant> {
    OptionalGrant::ALL
        .into_iter()
        .find(|grant| grant.permission().eq_ignore_ascii_case(permission))
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

    const MODELS: [PermissionModel; 2] = [PermissionModel::FullProfile, PermissionModel::Granular];

    fn features(list: &[Feature]) -> BTreeSet<Feature> {
        list.iter().copied().collect()
    }

    fn grants(list: &[OptionalGrant]) -> BTreeSet<OptionalGrant> {
        list.iter().copied().collect()
    }

    #[test]
    fn every_feature_gets_a_permission_in_every_model() {
        for model in MODELS {
            for feature in Feature::ALL {
                assert!(
                    !required_permissions(model, &features(&[feature]), &BTreeSet::new())
                        .is_empty(),
                    "{model:?} {feature}"
                );
            }
        }
    }

    #[test]
    fn up_to_22_4_the_full_profile_list_is_kept() {
        let model = PermissionModel::FullProfile;
        assert_eq!(
            required_permissions(model, &features(&Feature::ALL), &BTreeSet::new()),
            ["Contacts.Read", "MailboxSettings.Read", "User.Read.All"]
        );
        assert_eq!(
            required_permissions(model, &features(&[Feature::Sso]), &BTreeSet::new()),
            ["User.Read.All"]
        );
        assert!(required_permissions(model, &BTreeSet::new(), &BTreeSet::new()).is_empty());
    }

    #[test]
    fn from_22_5_user_read_basic_is_mandatory_and_contacts_follow_the_features() {
        let model = PermissionModel::Granular;
        assert_eq!(
            required_permissions(model, &BTreeSet::new(), &BTreeSet::new()),
            ["User.ReadBasic.All"]
        );
        assert_eq!(
            required_permissions(
                model,
                &features(&[Feature::Users, Feature::Sso]),
                &BTreeSet::new()
            ),
            ["User.ReadBasic.All"]
        );
        assert_eq!(
            required_permissions(
                model,
                &features(&[Feature::PersonalContacts]),
                &BTreeSet::new()
            ),
            ["Contacts.Read", "User.ReadBasic.All"]
        );
        assert_eq!(
            required_permissions(
                model,
                &features(&[Feature::SharedMailbox]),
                &BTreeSet::new()
            ),
            ["MailboxSettings.Read", "User.ReadBasic.All"]
        );
        let all = required_permissions(model, &features(&Feature::ALL), &BTreeSet::new());
        assert_eq!(
            all,
            [
                "Contacts.Read",
                "MailboxSettings.Read",
                "User.ReadBasic.All"
            ]
        );
        assert!(!all.contains(&"GroupMember.Read.All"));
    }

    #[test]
    fn a_group_scope_needs_group_member_read_from_22_5_only() {
        let users = features(&[Feature::Users]);
        assert_eq!(
            required_permissions_for(PermissionModel::Granular, &users, &BTreeSet::new(), true),
            ["GroupMember.Read.All", "User.ReadBasic.All"]
        );
        assert_eq!(
            required_permissions_for(PermissionModel::Granular, &users, &BTreeSet::new(), false),
            ["User.ReadBasic.All"]
        );
        assert_eq!(
            required_permissions_for(PermissionModel::FullProfile, &users, &BTreeSet::new(), true),
            ["User.Read.All"]
        );
        // Without user sync there is nothing to scope.
        assert_eq!(
            required_permissions_for(
                PermissionModel::Granular,
                &features(&[Feature::Sso]),
                &BTreeSet::new(),
                true
            ),
            ["User.ReadBasic.All"]
        );
    }

    #[test]
    fn optional_grants_are_added_only_where_the_version_uses_them() {
        let both = grants(&OptionalGrant::ALL);
        assert_eq!(
            required_permissions(
                PermissionModel::Granular,
                &features(&[Feature::Users]),
                &both
            ),
            [
                "Mail.Send",
                "User-Phone.ReadWrite.All",
                "User.ReadBasic.All"
            ]
        );
        assert_eq!(
            required_permissions(
                PermissionModel::FullProfile,
                &features(&[Feature::Users]),
                &both
            ),
            ["Mail.Send", "User.Read.All"]
        );
        assert_eq!(
            unusable_grants(PermissionModel::FullProfile, &both),
            [OptionalGrant::UserPhone]
        );
        assert!(unusable_grants(PermissionModel::Granular, &both).is_empty());
        assert_eq!(
            optional_grant_of("mail.send"),
            Some(OptionalGrant::MailSend)
        );
        assert_eq!(optional_grant_of("User.ReadBasic.All"), None);
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
        assert_eq!("user_phone".parse(), Ok(OptionalGrant::UserPhone));
        assert_eq!("Mail.Send".parse(), Ok(OptionalGrant::MailSend));
        let error = "calendars"
            .parse::<OptionalGrant>()
            .err()
            .map(|e| e.to_string());
        assert!(error.is_some_and(|e| e.contains("\"calendars\"") && e.contains("user-phone")));
    }

    #[test]
    fn serializes_as_kebab_case() -> Result<(), serde_json::Error> {
        assert_eq!(
            serde_json::to_string(&Feature::SharedMailbox)?,
            "\"shared-mailbox\""
        );
        assert_eq!(
            serde_json::to_string(&OptionalGrant::UserPhone)?,
            "\"user-phone\""
        );
        Ok(())
    }
}
