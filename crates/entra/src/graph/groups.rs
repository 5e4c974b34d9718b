//! A group and the users in it, nested groups included: what a user sync scoped to groups
//! reads.

use super::users::{DEFAULT_USER_FIELDS, MAX_PAGE_SIZE};
use super::{DirectoryGroup, GraphClient, User};
use crate::error::EntraError;

/// The least privileged permission (delegated or application) that reads group membership.
pub const GROUP_MEMBERSHIP_PERMISSION: &str = "GroupMember.Read.All";

/// The group properties read for a scope (the picker's).
const GROUP_FIELDS: &str = "id,displayName,description,mail";

/// Path segments must not smuggle `/`, `?` or `#` into the URL: a group ID is a GUID.
fn group_segment(id: &str) -> Result<&str, EntraError> {
    let id = id.trim();
    if !id.is_empty() && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-') {
        Ok(id)
    } else {
        Err(EntraError::unexpected(
            "read a group",
            format!("\"{id}\" is not a group's object ID (a GUID)"),
        ))
    }
}

impl GraphClient {
    /// `GET /groups/{id}`; `None` when the directory has no such group.
    pub async fn group(&self, id: &str) -> Result<Option<DirectoryGroup>, EntraError> {
        let url = self.url(
            &format!("/groups/{}", group_segment(id)?),
            &[("$select", GROUP_FIELDS)],
        )?;
        self.get_optional(&url, "read a group").await
    }

    /// Every user in the group, directly or through nested groups, each once, with
    /// [`DEFAULT_USER_FIELDS`]; all pages (`page_size`, 1–999, a page) of
    /// `GET /groups/{id}/transitiveMembers/microsoft.graph.user`. An unknown group is Graph's
    /// 404 (`Request_ResourceNotFound`); a sign-in without a group permission its 403.
    pub async fn transitive_member_users(
        &self,
        group_id: &str,
        page_size: u16,
    ) -> Result<Vec<User>, EntraError> {
        let select = DEFAULT_USER_FIELDS.join(",");
        let top = page_size.clamp(1, MAX_PAGE_SIZE).to_string();
        let url = self.url(
            &format!(
                "/groups/{}/transitiveMembers/microsoft.graph.user",
                group_segment(group_id)?
            ),
            &[("$select", &select), ("$top", &top)],
        )?;
        self.collect(url, "list a group's members").await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_guids_become_path_segments() {
        assert_eq!(
            group_segment(" 0c2a5a39-aa00-4000-8000-00000000000f ").ok(),
            Some("0c2a5a39-aa00-4000-8000-00000000000f")
        );
        for bad in ["", "../users", "a?b", "x/y", "Sales"] {
            assert!(group_segment(bad).is_err(), "{bad} accepted");
        }
    }
}
