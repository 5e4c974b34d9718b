//! The tenant and the signed-in admin: organization, verified domains, directory roles.

use serde::Deserialize;

use super::GraphClient;
use crate::error::EntraError;

/// Role template ID of Global Administrator.
pub const GLOBAL_ADMINISTRATOR: &str = "62e90394-69f5-4237-9190-012177145e10";
/// Role template ID of Privileged Role Administrator.
pub const PRIVILEGED_ROLE_ADMINISTRATOR: &str = "e8611ab8-c189-46e8-94e1-60213ab1f814";

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Organization {
    /// The directory (tenant) ID.
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub verified_domains: Vec<VerifiedDomain>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VerifiedDomain {
    pub name: String,
    #[serde(default)]
    pub is_default: bool,
    #[serde(default)]
    pub is_initial: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Me {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub user_principal_name: Option<String>,
    #[serde(default)]
    pub mail: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DirectoryRole {
    pub id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    pub role_template_id: String,
}

/// Granting Graph application permissions needs Global Administrator or Privileged Role
/// Administrator.
pub fn can_grant_application_permissions(roles: &[DirectoryRole]) -> bool {
    roles.iter().any(|role| {
        [GLOBAL_ADMINISTRATOR, PRIVILEGED_ROLE_ADMINISTRATOR]
            .iter()
            .any(|id| role.role_template_id.eq_ignore_ascii_case(id))
    })
}

const DIRECTORY_ROLE_TYPE: &str = "#microsoft.graph.directoryRole";

/// The directory roles among `/me/memberOf`'s mixed objects (groups, administrative units, …).
fn directory_roles(members: Vec<serde_json::Value>) -> Vec<DirectoryRole> {
    members
        .into_iter()
        .filter(|m| m.get("@odata.type").and_then(|t| t.as_str()) == Some(DIRECTORY_ROLE_TYPE))
        .filter_map(|m| serde_json::from_value(m).ok())
        .collect()
}

#[derive(Deserialize)]
struct Organizations {
    value: Vec<Organization>,
}

impl GraphClient {
    /// The tenant: its ID, name and verified domains.
    pub async fn organization(&self) -> Result<Organization, EntraError> {
        let context = "read the organization";
        let url = self.url(
            "/organization",
            &[("$select", "id,displayName,verifiedDomains")],
        )?;
        let organizations: Organizations = self.get_json(&url, context).await?;
        organizations
            .value
            .into_iter()
            .next()
            .ok_or_else(|| EntraError::unexpected(context, "Graph listed no organization"))
    }

    /// The signed-in user.
    pub async fn me(&self) -> Result<Me, EntraError> {
        let url = self.url(
            "/me",
            &[("$select", "id,displayName,userPrincipalName,mail")],
        )?;
        self.get_json(&url, "read the signed-in user").await
    }

    /// The directory roles the signed-in user holds.
    pub async fn my_directory_roles(&self) -> Result<Vec<DirectoryRole>, EntraError> {
        let url = self.url("/me/memberOf", &[])?;
        let members = self.collect(url, "read the signed-in user's roles").await?;
        Ok(directory_roles(members))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn role(template: &str) -> DirectoryRole {
        DirectoryRole {
            id: "r".into(),
            display_name: None,
            role_template_id: template.into(),
        }
    }

    #[test]
    fn only_global_or_privileged_role_admins_can_grant() {
        assert!(can_grant_application_permissions(&[role(
            GLOBAL_ADMINISTRATOR
        )]));
        assert!(can_grant_application_permissions(&[
            role("88d8e3e3-8f55-4a1e-953a-9b9898b8876b"),
            role(&PRIVILEGED_ROLE_ADMINISTRATOR.to_uppercase()),
        ]));
        // Application Administrator can create apps but not grant application permissions.
        assert!(!can_grant_application_permissions(&[role(
            "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3"
        )]));
        assert!(!can_grant_application_permissions(&[]));
    }

    #[test]
    fn member_of_keeps_directory_roles_only() {
        let members = vec![
            json!({"@odata.type": "#microsoft.graph.group", "id": "g1", "displayName": "Sales"}),
            json!({"@odata.type": "#microsoft.graph.directoryRole", "id": "r1",
                   "displayName": "Global Administrator", "roleTemplateId": GLOBAL_ADMINISTRATOR}),
        ];
        let roles = directory_roles(members);
        assert_eq!(roles.len(), 1);
        assert_eq!(roles[0].role_template_id, GLOBAL_ADMINISTRATOR);
    }
}
