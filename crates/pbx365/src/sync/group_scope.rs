//! A user sync scoped to Microsoft 365 groups ([`UserScope::Groups`]). pbx365 reads the groups'
//! members (nested groups included) through Graph, syncs exactly those, and keeps the PBX's own
//! nightly sync in step by writing them as the `users` block's selected users with `sync_type`
//! `INCLUDE` ("only these"). PortSIP has no API field for groups, so the list is refreshed at
//! every run whose members changed: that write is planned, shown and reported like the rest.

use std::collections::BTreeMap;

use portsip::model::{Ms365SettingsUpdate, SyncType, UsersSync};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::SyncError;
use super::directory::DirectoryUser;
use crate::profile::{GroupRef, UserScope};

/// The PBX's selected users brought in line with the groups' members: a write the run makes
/// before it changes any user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export, export_to = "../../../ui/src/lib/bindings/")]
pub struct SelectedUsersUpdate {
    /// The groups the list is made from.
    pub groups: Vec<GroupRef>,
    /// Members the PBX's list lacks (user principal names).
    pub added: Vec<String>,
    /// Entries of the PBX's list that are no longer members.
    pub removed: Vec<String>,
    /// The PBX's `sync_type` was not `INCLUDE` ("only the selected users") and becomes it.
    pub include_set: bool,
    /// The whole list the PBX gets, sorted.
    pub selected_users: Vec<String>,
}

impl SelectedUsersUpdate {
    /// "Update the PBX's selected users: 3 added, 1 removed (members of Sales, Support)."
    pub fn sentence(&self) -> String {
        let names: Vec<&str> = self
            .groups
            .iter()
            .map(|g| g.display_name.as_str())
            .collect();
        let mut text = format!(
            "Update the PBX's selected users: {} added, {} removed ({} in all, the members of {})",
            self.added.len(),
            self.removed.len(),
            self.selected_users.len(),
            names.join(", ")
        );
        if self.include_set {
            text.push_str("; the PBX's user sync becomes \"only the selected users\" (INCLUDE)");
        }
        text.push('.');
        text
    }
}

/// Case-insensitive key → the spelling first seen.
fn keyed<'a>(names: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, String> {
    let mut map = BTreeMap::new();
    for name in names.into_iter().map(str::trim).filter(|n| !n.is_empty()) {
        map.entry(name.to_lowercase())
            .or_insert_with(|| name.to_owned());
    }
    map
}

/// What the PBX's selected users should be for these members: their user principal names
/// (e-mail when Graph gave none), each once, sorted.
pub(crate) fn selected_users(members: &[DirectoryUser]) -> Vec<String> {
    keyed(members.iter().filter_map(DirectoryUser::principal))
        .into_values()
        .collect()
}

/// The write that makes the PBX's `users` block select exactly `members`, or `None` when it
/// already does.
pub(crate) fn reconcile(
    groups: &[GroupRef],
    members: &[DirectoryUser],
    current: Option<&UsersSync>,
) -> Option<SelectedUsersUpdate> {
    let wanted = keyed(members.iter().filter_map(DirectoryUser::principal));
    let held = keyed(
        current
            .and_then(|c| c.selected_users.as_deref())
            .unwrap_or_default()
            .iter()
            .map(String::as_str),
    );
    let include_set = current.and_then(|c| c.sync_type.clone()) != Some(SyncType::Include);
    let added: Vec<String> = wanted
        .iter()
        .filter(|(key, _)| !held.contains_key(*key))
        .map(|(_, name)| name.clone())
        .collect();
    let removed: Vec<String> = held
        .iter()
        .filter(|(key, _)| !wanted.contains_key(*key))
        .map(|(_, name)| name.clone())
        .collect();
    if added.is_empty() && removed.is_empty() && !include_set {
        return None;
    }
    Some(SelectedUsersUpdate {
        groups: groups.to_vec(),
        added,
        removed,
        include_set,
        selected_users: wanted.into_values().collect(),
    })
}

/// The scope the plan follows: exactly the members.
pub(crate) fn members_scope(members: &[DirectoryUser]) -> UserScope {
    UserScope::Only {
        users: selected_users(members),
    }
}

/// `POST /ms365` with only the `users` block's `selected_users` and `sync_type`: PortSIP merges
/// a block field by field, so the other settings stay as they are.
pub(crate) async fn write(
    pbx: &portsip::Client,
    update: &SelectedUsersUpdate,
) -> Result<(), SyncError> {
    let body = Ms365SettingsUpdate {
        users: Some(UsersSync {
            selected_users: Some(update.selected_users.clone()),
            sync_type: Some(SyncType::Include),
            ..UsersSync::default()
        }),
        ..Ms365SettingsUpdate::default()
    };
    pbx.set_ms365(&body).await.map_err(SyncError::SelectedUsers)
}

/// The user principal names of the members of `groups`, as the PBX's selected users take them.
pub(crate) async fn group_member_names(
    graph: &entra::GraphClient,
    groups: &[GroupRef],
) -> Result<Vec<String>, SyncError> {
    let members = read_members(graph, groups, super::GRAPH_PAGE_SIZE).await?;
    Ok(selected_users(&members))
}

/// The users of `groups`, each once, read through Graph.
pub(crate) async fn read_members(
    graph: &entra::GraphClient,
    groups: &[GroupRef],
    page_size: u16,
) -> Result<Vec<DirectoryUser>, SyncError> {
    let mut seen = std::collections::HashSet::new();
    let mut members = Vec::new();
    for group in groups {
        let users = graph
            .transitive_member_users(&group.id, page_size)
            .await
            .map_err(|error| group_error(group, error))?;
        for user in users {
            if seen.insert(user.id.clone()) {
                members.push(super::directory::from_graph(user));
            }
        }
    }
    Ok(members)
}

fn group_error(group: &GroupRef, error: entra::EntraError) -> SyncError {
    match error.graph_code() {
        // The engine names the profile.
        Some("Authorization_RequestDenied") => SyncError::GroupsDenied {
            profile: String::new(),
        },
        Some("Request_ResourceNotFound") => SyncError::GroupGone {
            name: group.display_name.clone(),
            id: group.id.clone(),
        },
        _ => SyncError::Graph(error),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(upn: &str) -> DirectoryUser {
        DirectoryUser {
            id: format!("id-{upn}"),
            user_principal_name: Some(upn.to_owned()),
            ..DirectoryUser::default()
        }
    }

    fn block(sync_type: SyncType, users: &[&str]) -> UsersSync {
        UsersSync {
            sync_type: Some(sync_type),
            selected_users: Some(users.iter().map(|u| (*u).to_owned()).collect()),
            ..UsersSync::default()
        }
    }

    fn sales() -> Vec<GroupRef> {
        vec![GroupRef {
            id: "g1".to_owned(),
            display_name: "Sales".to_owned(),
        }]
    }

    #[test]
    fn the_list_changes_only_when_members_or_the_sync_type_differ() -> Result<(), &'static str> {
        let members = [member("a@x"), member("B@x"), member("b@x")];
        let same = block(SyncType::Include, &["b@X", "A@x"]);
        assert_eq!(reconcile(&sales(), &members, Some(&same)), None);

        let update = reconcile(
            &sales(),
            &members,
            Some(&block(SyncType::Include, &["a@x", "c@x"])),
        );
        let update = update.ok_or("no update")?;
        assert_eq!(update.added, vec!["B@x".to_owned()]);
        assert_eq!(update.removed, vec!["c@x".to_owned()]);
        assert!(!update.include_set);
        assert_eq!(
            update.selected_users,
            vec!["a@x".to_owned(), "B@x".to_owned()]
        );
        assert!(
            update
                .sentence()
                .starts_with("Update the PBX's selected users: 1 added, 1 removed (2 in all, the members of Sales)"),
            "{}",
            update.sentence()
        );

        let from_all = reconcile(
            &sales(),
            &members,
            Some(&block(SyncType::All, &["a@x", "b@x"])),
        );
        assert!(from_all.is_some_and(|u| u.include_set && u.added.is_empty()));
        let fresh = reconcile(&sales(), &members, None);
        assert!(fresh.is_some_and(|u| u.added.len() == 2 && u.include_set));
        Ok(())
    }

    #[test]
    fn an_empty_group_empties_the_list() {
        let update = reconcile(&sales(), &[], Some(&block(SyncType::Include, &["a@x"])));
        assert!(update.is_some_and(|u| u.removed == ["a@x"] && u.selected_users.is_empty()));
    }
}
