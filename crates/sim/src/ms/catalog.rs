//! What Microsoft publishes in every tenant: Graph's permissions and the first-party clients.

pub(crate) const GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

/// The national cloud the emulator plays: the names its identity platform and Graph go by.
/// Tokens never cross clouds: each issues tokens only for its own Graph resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum National {
    /// The worldwide cloud.
    #[default]
    Global,
    /// Microsoft Azure operated by 21Vianet.
    China,
}

impl National {
    pub const ALL: [National; 2] = [National::Global, National::China];

    /// `global` or `china`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Global => "global",
            Self::China => "china",
        }
    }

    /// The application ID URI Graph's scopes hang off in this cloud.
    pub fn graph_resource(self) -> &'static str {
        match self {
            Self::Global => "https://graph.microsoft.com",
            Self::China => "https://microsoftgraph.chinacloudapi.cn",
        }
    }

    /// Discovery's `cloud_instance_name`.
    pub fn cloud_instance_name(self) -> &'static str {
        match self {
            Self::Global => "microsoftonline.com",
            Self::China => "chinacloudapi.cn",
        }
    }

    /// Discovery's `msgraph_host`.
    pub fn msgraph_host(self) -> &'static str {
        match self {
            Self::Global => "graph.microsoft.com",
            Self::China => "microsoftgraph.chinacloudapi.cn",
        }
    }

    /// Discovery's `cloud_graph_host_name` (the retired Azure AD Graph).
    pub fn cloud_graph_host_name(self) -> &'static str {
        match self {
            Self::Global => "graph.windows.net",
            Self::China => "graph.chinacloudapi.cn",
        }
    }
}

impl std::str::FromStr for National {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|n| n.name().eq_ignore_ascii_case(text.trim()))
            .ok_or_else(|| format!("no Microsoft cloud is named {text:?}: say global or china"))
    }
}
/// The tenant Microsoft's own apps are registered in.
pub(crate) const MICROSOFT_SERVICES_TENANT: &str = "f8cdef31-a31e-4b4a-93e4-5f571e91255a";

pub(crate) const GRAPH_COMMAND_LINE_TOOLS: &str = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
pub(crate) const AZURE_CLI: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

/// A Microsoft-owned public client that exists in every tenant without registration.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FirstPartyClient {
    pub app_id: &'static str,
    pub name: &'static str,
}

pub(crate) const FIRST_PARTY_CLIENTS: &[FirstPartyClient] = &[
    FirstPartyClient {
        app_id: GRAPH_COMMAND_LINE_TOOLS,
        name: "Microsoft Graph Command Line Tools",
    },
    FirstPartyClient {
        app_id: AZURE_CLI,
        name: "Microsoft Azure CLI",
    },
];

pub(crate) fn first_party(app_id: &str) -> Option<FirstPartyClient> {
    FIRST_PARTY_CLIENTS
        .iter()
        .find(|c| c.app_id.eq_ignore_ascii_case(app_id))
        .copied()
}

/// One Graph permission, application (app role) or delegated (OAuth2 permission scope).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Permission {
    pub value: &'static str,
    pub id: &'static str,
    pub display_name: &'static str,
    /// Delegated scopes only: whether an administrator must consent.
    pub admin_only: bool,
}

const fn perm(value: &'static str, id: &'static str, display_name: &'static str) -> Permission {
    Permission {
        value,
        id,
        display_name,
        admin_only: true,
    }
}

const fn user_perm(
    value: &'static str,
    id: &'static str,
    display_name: &'static str,
) -> Permission {
    Permission {
        value,
        id,
        display_name,
        admin_only: false,
    }
}

/// Graph's application permissions. The IDs are Microsoft's, except User-Phone.ReadWrite.All,
/// whose real ID is not documented: clients must resolve it by `value`.
pub(crate) const GRAPH_APP_ROLES: &[Permission] = &[
    perm(
        "User.Read.All",
        "df021288-bdef-4463-88db-98f22de89214",
        "Read all users' full profiles",
    ),
    perm(
        "User.ReadBasic.All",
        "97235f07-e226-4f63-ace3-39588e11d3a1",
        "Read all users' basic profiles",
    ),
    perm(
        "User.ReadWrite.All",
        "741f803b-c850-494e-b5df-cde7c675a1ca",
        "Read and write all users' full profiles",
    ),
    perm(
        "User-Phone.ReadWrite.All",
        "e3a8c1f6-5b2d-4c7e-9f1a-0d4b6c8e2a71",
        "Read and write all user mobile phone and business phone numbers",
    ),
    perm(
        "Directory.Read.All",
        "7ab1d382-f21e-4acd-a863-ba3e13f7da61",
        "Read directory data",
    ),
    perm(
        "Directory.ReadWrite.All",
        "19dbc75e-c2e2-444c-a770-ec69d8559fc7",
        "Read and write directory data",
    ),
    perm(
        "Group.Read.All",
        "5b567255-7703-4780-807c-7be8301ae99b",
        "Read all groups",
    ),
    perm(
        "GroupMember.Read.All",
        "98830695-27a2-44f7-8c18-0c3ebc9698f6",
        "Read all group memberships",
    ),
    perm(
        "Contacts.Read",
        "089fe4d0-434a-44c5-8827-41ba8a0b17f5",
        "Read contacts in all mailboxes",
    ),
    perm(
        "Contacts.ReadWrite",
        "6918b873-d17a-4dc1-b314-35f528134491",
        "Read and write contacts in all mailboxes",
    ),
    perm(
        "MailboxSettings.Read",
        "40f97065-369a-49f4-947c-6a255697ae91",
        "Read all user mailbox settings",
    ),
    perm(
        "Mail.Read",
        "810c84a8-4a9e-49e6-bf7d-12d183f40d01",
        "Read mail in all mailboxes",
    ),
    perm(
        "Mail.Send",
        "b633e1c5-b582-4048-a93e-9f11b44c7e96",
        "Send mail as any user",
    ),
    perm(
        "Calendars.Read",
        "798ee544-9d2d-430c-a058-570e29e34338",
        "Read calendars in all mailboxes",
    ),
    perm(
        "Organization.Read.All",
        "498476ce-e0fe-48b0-b801-37ba7e2685c6",
        "Read organization information",
    ),
    perm(
        "Application.Read.All",
        "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30",
        "Read all applications",
    ),
    perm(
        "Application.ReadWrite.All",
        "1bfefb4e-e0b5-418b-a88f-73c46d2cc8e9",
        "Read and write all applications",
    ),
    perm(
        "Application.ReadWrite.OwnedBy",
        "18a4783c-866b-4cc7-a460-3d5e5662c884",
        "Manage apps that this app creates or owns",
    ),
    perm(
        "AppRoleAssignment.ReadWrite.All",
        "06b708a9-e830-4db3-a914-8e69da51d44f",
        "Manage app permission grants and app role assignments",
    ),
];

/// Graph's delegated permissions, including the OpenID Connect ones Graph publishes.
pub(crate) const GRAPH_SCOPES: &[Permission] = &[
    user_perm(
        "openid",
        "37f7f235-527c-4136-accd-4a02d197296e",
        "Sign users in",
    ),
    user_perm(
        "profile",
        "14dad69e-099b-42c9-810b-d002981feec1",
        "View users' basic profile",
    ),
    user_perm(
        "email",
        "64a6cdd6-aab1-4aaf-94b8-3cc8405e90d0",
        "View users' email address",
    ),
    user_perm(
        "offline_access",
        "7427e0e9-2fba-42fe-b0c0-848c9e6a8182",
        "Maintain access to data you have given it access to",
    ),
    user_perm(
        "User.Read",
        "e1fe6dd8-ba31-4d61-89e7-88639da4683d",
        "Sign in and read user profile",
    ),
    user_perm(
        "User.ReadWrite",
        "b4e74841-8e56-480b-be8b-910348b18b4c",
        "Read and write access to user profile",
    ),
    user_perm(
        "User.ReadBasic.All",
        "b340eb25-3456-403f-be2f-af7a0d370277",
        "Read all users' basic profiles",
    ),
    perm(
        "User.Read.All",
        "a154be20-db9c-4678-8ab7-66f6cc099a59",
        "Read all users' full profiles",
    ),
    perm(
        "User.ReadWrite.All",
        "204e0828-b5ca-4ad8-b9f3-f32a958e7cc4",
        "Read and write all users' full profiles",
    ),
    perm(
        "Directory.Read.All",
        "06da0dbc-49e2-44d2-8312-53f166ab848a",
        "Read directory data",
    ),
    perm(
        "Directory.ReadWrite.All",
        "c5366453-9fb0-48a5-a156-24f0c49a4b84",
        "Read and write directory data",
    ),
    perm(
        "Group.Read.All",
        "5f8c59db-677d-491f-a6b8-5f174b11ec1d",
        "Read all groups",
    ),
    perm(
        "GroupMember.Read.All",
        "bc024368-1153-4739-b217-4326f2e966d0",
        "Read group memberships",
    ),
    user_perm(
        "Contacts.Read",
        "ff74d97f-43af-4b68-9f2a-b77ee6968c5d",
        "Read user contacts",
    ),
    user_perm(
        "MailboxSettings.Read",
        "87f447af-9fa4-4c32-9dfa-4a57a73d18ce",
        "Read user mailbox settings",
    ),
    user_perm(
        "Mail.Send",
        "e383f46e-2787-4529-855e-0e479a3ffac0",
        "Send mail as a user",
    ),
    perm(
        "Organization.Read.All",
        "4908d5b9-3fb2-4b1e-9336-1888b7937185",
        "Read organization information",
    ),
    perm(
        "Application.Read.All",
        "c79f8feb-a9db-4090-85f9-90d820caa0eb",
        "Read applications",
    ),
    perm(
        "Application.ReadWrite.All",
        "bdfbf15f-ee85-4955-8675-146e8e5296b5",
        "Read and write all applications",
    ),
    perm(
        "AppRoleAssignment.ReadWrite.All",
        "84bccea3-f856-4a8a-967b-dbe0a3d53a64",
        "Manage app permission grants and app role assignments",
    ),
];

/// OpenID Connect scopes: they shape the ID token and refresh token, not Graph access.
pub(crate) const OIDC_SCOPES: &[&str] = &["openid", "profile", "email", "offline_access"];

/// The delegated scope named `value`, ignoring case as Entra does.
pub(crate) fn graph_scope(value: &str) -> Option<&'static Permission> {
    GRAPH_SCOPES
        .iter()
        .find(|p| p.value.eq_ignore_ascii_case(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_guids() {
        for list in [GRAPH_APP_ROLES, GRAPH_SCOPES] {
            let mut ids = std::collections::HashSet::new();
            for p in list {
                assert!(crate::ms::ids::is_guid(p.id), "{} has no GUID", p.value);
                assert!(ids.insert(p.id), "{} reuses an ID", p.value);
            }
        }
    }

    #[test]
    fn facts_table_roles_have_their_documented_ids() {
        let id = |v: &str| GRAPH_APP_ROLES.iter().find(|p| p.value == v).map(|p| p.id);
        assert_eq!(
            id("User.Read.All"),
            Some("df021288-bdef-4463-88db-98f22de89214")
        );
        assert_eq!(
            id("User.ReadBasic.All"),
            Some("97235f07-e226-4f63-ace3-39588e11d3a1")
        );
        assert_eq!(
            id("Contacts.Read"),
            Some("089fe4d0-434a-44c5-8827-41ba8a0b17f5")
        );
        assert_eq!(
            id("MailboxSettings.Read"),
            Some("40f97065-369a-49f4-947c-6a255697ae91")
        );
        assert_eq!(
            id("Mail.Send"),
            Some("b633e1c5-b582-4048-a93e-9f11b44c7e96")
        );
        assert_eq!(
            id("GroupMember.Read.All"),
            Some("98830695-27a2-44f7-8c18-0c3ebc9698f6")
        );
        assert!(id("User-Phone.ReadWrite.All").is_some());
    }
}
