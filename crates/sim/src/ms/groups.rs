//! The tenant's groups and their (nested) membership, seeded from the directory's people and
//! changeable while the cloud runs, so tests can move people in and out between sync runs.

use std::collections::HashSet;

use super::Cloud;
use super::directory::DirectoryUser;
use super::ids::stable_uuid;
use super::tenant::Tenant;

/// A group as Graph shows it. Members are users and other groups, by object ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryGroup {
    pub id: String,
    pub display_name: String,
    pub description: Option<String>,
    pub mail: Option<String>,
    pub mail_nickname: String,
    pub mail_enabled: bool,
    pub security_enabled: bool,
    /// `["Unified"]` for a Microsoft 365 group, empty for a security group.
    pub group_types: Vec<String>,
    /// Direct members, in the order they were added.
    pub members: Vec<GroupMember>,
}

/// A direct member of a group.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GroupMember {
    User(String),
    Group(String),
}

impl GroupMember {
    pub fn id(&self) -> &str {
        match self {
            GroupMember::User(id) | GroupMember::Group(id) => id,
        }
    }
}

/// Why a membership change was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GroupChangeError {
    #[error("no group has the ID {0}")]
    UnknownGroup(String),
    #[error("no user or group has the ID {0}")]
    UnknownObject(String),
    #[error("{member} is already a direct member of {group}")]
    AlreadyMember { group: String, member: String },
    #[error("{member} is not a direct member of {group}")]
    NotMember { group: String, member: String },
    #[error("a group cannot be a member of itself")]
    OwnMember,
}

/// The seeded group names, so tests and demos can find them.
pub mod names {
    /// Security group inside [`SALES`]; holds every other Sales-department person.
    pub const SALES_EMEA: &str = "Sales EMEA";
    /// Security group: [`SALES_EMEA`] and the rest of the Sales department.
    pub const SALES: &str = "Sales";
    /// Mail-enabled security group: the Support department and the first member of
    /// [`SALES_EMEA`], who is thereby in two groups.
    pub const SUPPORT: &str = "Support";
    /// Security group holding the groups [`SALES`] and [`SUPPORT`]: two levels of nesting, and
    /// one person reached twice.
    pub const CUSTOMER_FACING: &str = "Customer Facing";
    /// Security group: every guest and every disabled account, and the demo member.
    pub const CONTRACTORS: &str = "Contractors";
    /// Microsoft 365 group without members.
    pub const PROJECT_FALCON: &str = "Project Falcon";
}

#[derive(Debug)]
pub(crate) struct Groups {
    groups: Vec<DirectoryGroup>,
}

struct Seed<'a> {
    seed: u64,
    domain: &'a str,
}

impl Seed<'_> {
    fn group(
        &self,
        display_name: &str,
        description: &str,
        kind: GroupKind,
        members: Vec<GroupMember>,
    ) -> DirectoryGroup {
        let nickname: String = display_name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        let (mail_enabled, security_enabled, group_types) = match kind {
            GroupKind::Security => (false, true, Vec::new()),
            GroupKind::MailEnabledSecurity => (true, true, Vec::new()),
            GroupKind::Microsoft365 => (true, false, vec!["Unified".to_owned()]),
        };
        DirectoryGroup {
            id: stable_uuid(self.seed, &format!("group:{display_name}")),
            display_name: display_name.to_owned(),
            description: Some(description.to_owned()),
            mail: mail_enabled.then(|| format!("{nickname}@{}", self.domain)),
            mail_nickname: nickname,
            mail_enabled,
            security_enabled,
            group_types,
            members,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum GroupKind {
    Security,
    MailEnabledSecurity,
    Microsoft365,
}

fn users(list: impl IntoIterator<Item = impl AsRef<str>>) -> Vec<GroupMember> {
    list.into_iter()
        .map(|id| GroupMember::User(id.as_ref().to_owned()))
        .collect()
}

impl Groups {
    /// The demo groups over `people` (the directory's users; `member_id` is the demo member).
    pub fn seed(tenant: &Tenant, people: &[DirectoryUser], member_id: &str, seed: u64) -> Groups {
        let s = Seed {
            seed,
            domain: &tenant.default_domain,
        };
        let in_department = |department: &str| -> Vec<&DirectoryUser> {
            people
                .iter()
                .filter(|u| u.roles.is_empty() && u.id != member_id)
                .filter(|u| u.department.as_deref() == Some(department))
                .collect()
        };
        let sales = in_department("Sales");
        let (emea, rest): (Vec<_>, Vec<_>) = sales
            .iter()
            .enumerate()
            .partition(|(position, _)| position % 2 == 0);
        let emea: Vec<&str> = emea.iter().map(|(_, u)| u.id.as_str()).collect();
        let rest: Vec<&str> = rest.iter().map(|(_, u)| u.id.as_str()).collect();
        let sales_emea = s.group(
            names::SALES_EMEA,
            "Sales in Europe, the Middle East and Africa",
            GroupKind::Security,
            users(&emea),
        );
        let mut sales_members = vec![GroupMember::Group(sales_emea.id.clone())];
        sales_members.extend(users(&rest));
        let sales = s.group(
            names::SALES,
            "Everyone in sales",
            GroupKind::Security,
            sales_members,
        );
        let mut support_members = users(in_department("Support").iter().map(|u| &u.id));
        support_members.extend(users(emea.first()));
        let support = s.group(
            names::SUPPORT,
            "The support desk",
            GroupKind::MailEnabledSecurity,
            support_members,
        );
        let customer_facing = s.group(
            names::CUSTOMER_FACING,
            "Sales and support",
            GroupKind::Security,
            vec![
                GroupMember::Group(sales.id.clone()),
                GroupMember::Group(support.id.clone()),
            ],
        );
        let mut contractor_members = users(
            people
                .iter()
                .filter(|u| u.user_type == "Guest" || !u.account_enabled)
                .map(|u| &u.id),
        );
        contractor_members.push(GroupMember::User(member_id.to_owned()));
        let contractors = s.group(
            names::CONTRACTORS,
            "Guests and former staff",
            GroupKind::Security,
            contractor_members,
        );
        let falcon = s.group(
            names::PROJECT_FALCON,
            "A project team nobody has joined yet",
            GroupKind::Microsoft365,
            Vec::new(),
        );
        Groups {
            groups: vec![
                sales_emea,
                sales,
                support,
                customer_facing,
                contractors,
                falcon,
            ],
        }
    }

    pub fn all(&self) -> &[DirectoryGroup] {
        &self.groups
    }

    /// A group by object ID (case-insensitive, as Graph's keys).
    pub fn find(&self, id: &str) -> Option<&DirectoryGroup> {
        self.groups.iter().find(|g| g.id.eq_ignore_ascii_case(id))
    }

    /// Every member reached from `group` through nested groups, each once, breadth first.
    /// Membership cycles (which Entra allows) end where an object was already seen.
    pub fn transitive_members(&self, group: &DirectoryGroup) -> Vec<GroupMember> {
        let mut seen: HashSet<&str> = HashSet::from([group.id.as_str()]);
        let mut out = Vec::new();
        let mut queue = vec![group];
        while !queue.is_empty() {
            let mut next = Vec::new();
            for current in queue {
                for member in &current.members {
                    if !seen.insert(member.id()) {
                        continue;
                    }
                    out.push(member.clone());
                    if let GroupMember::Group(id) = member
                        && let Some(nested) = self.find(id)
                    {
                        next.push(nested);
                    }
                }
            }
            queue = next;
        }
        out
    }

    /// Adds a direct member; `is_user` tells whether `member_id` names a user of the directory.
    pub fn add_member(
        &mut self,
        group_id: &str,
        member_id: &str,
        is_user: bool,
    ) -> Result<(), GroupChangeError> {
        let member = if is_user {
            GroupMember::User(member_id.to_owned())
        } else if self.find(member_id).is_some() {
            GroupMember::Group(member_id.to_owned())
        } else {
            return Err(GroupChangeError::UnknownObject(member_id.to_owned()));
        };
        let group = self.find_mut(group_id)?;
        if group.id == member.id() {
            return Err(GroupChangeError::OwnMember);
        }
        if group.members.iter().any(|m| m.id() == member.id()) {
            return Err(GroupChangeError::AlreadyMember {
                group: group.display_name.clone(),
                member: member_id.to_owned(),
            });
        }
        group.members.push(member);
        Ok(())
    }

    pub fn remove_member(
        &mut self,
        group_id: &str,
        member_id: &str,
    ) -> Result<(), GroupChangeError> {
        let group = self.find_mut(group_id)?;
        let before = group.members.len();
        group
            .members
            .retain(|m| !m.id().eq_ignore_ascii_case(member_id));
        if group.members.len() == before {
            return Err(GroupChangeError::NotMember {
                group: group.display_name.clone(),
                member: member_id.to_owned(),
            });
        }
        Ok(())
    }

    fn find_mut(&mut self, id: &str) -> Result<&mut DirectoryGroup, GroupChangeError> {
        self.groups
            .iter_mut()
            .find(|g| g.id.eq_ignore_ascii_case(id))
            .ok_or_else(|| GroupChangeError::UnknownGroup(id.to_owned()))
    }
}

/// What tests and demos may read or change directly, without going through the wire.
impl Cloud {
    /// Every group, with its direct members.
    pub fn groups(&self) -> Vec<DirectoryGroup> {
        self.group_store().all().to_vec()
    }

    /// A group by display name (see [`names`] for the seeded ones).
    pub fn group_named(&self, display_name: &str) -> Option<DirectoryGroup> {
        self.group_store()
            .all()
            .iter()
            .find(|g| g.display_name.eq_ignore_ascii_case(display_name))
            .cloned()
    }

    /// The users reached from a group through nested groups, each once; empty for an unknown
    /// group.
    pub fn transitive_member_users(&self, group_id: &str) -> Vec<DirectoryUser> {
        let groups = self.group_store();
        let Some(group) = groups.find(group_id) else {
            return Vec::new();
        };
        groups
            .transitive_members(group)
            .iter()
            .filter_map(|m| match m {
                GroupMember::User(id) => self.directory.by_id(id).cloned(),
                GroupMember::Group(_) => None,
            })
            .collect()
    }

    /// Makes a user or a group (by object ID) a direct member of a group.
    pub fn add_group_member(
        &self,
        group_id: &str,
        member_id: &str,
    ) -> Result<(), GroupChangeError> {
        let user = self.directory.by_id(member_id).map(|u| u.id.clone());
        let mut groups = self.group_store();
        match user {
            Some(id) => groups.add_member(group_id, &id, true),
            None => groups.add_member(group_id, member_id, false),
        }
    }

    /// Takes a direct member (user or group, by object ID) out of a group.
    pub fn remove_group_member(
        &self,
        group_id: &str,
        member_id: &str,
    ) -> Result<(), GroupChangeError> {
        self.group_store().remove_member(group_id, member_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ms::directory::Directory;

    fn seeded() -> (Directory, Groups) {
        let tenant = Tenant::new("contoso.example", 9);
        let directory = Directory::seed(&tenant, 400, 9);
        let member = directory.demo_accounts().member.object_id.clone();
        let groups = Groups::seed(&tenant, directory.users(), &member, 9);
        (directory, groups)
    }

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn named<'a>(groups: &'a Groups, name: &str) -> Result<&'a DirectoryGroup, String> {
        groups
            .all()
            .iter()
            .find(|g| g.display_name == name)
            .ok_or_else(|| format!("no group {name}"))
    }

    fn user_ids(members: &[GroupMember]) -> HashSet<String> {
        members
            .iter()
            .filter_map(|m| match m {
                GroupMember::User(id) => Some(id.clone()),
                GroupMember::Group(_) => None,
            })
            .collect()
    }

    #[test]
    fn nested_members_are_reached_once() -> TestResult {
        let (_, groups) = seeded();
        let emea = named(&groups, names::SALES_EMEA)?;
        let sales = named(&groups, names::SALES)?;
        let support = named(&groups, names::SUPPORT)?;
        let everyone = groups.transitive_members(named(&groups, names::CUSTOMER_FACING)?);
        let emea_users = user_ids(&groups.transitive_members(emea));
        let sales_users = user_ids(&groups.transitive_members(sales));
        assert!(emea_users.len() > 5, "{}", emea_users.len());
        assert!(emea_users.is_subset(&sales_users));
        assert!(sales_users.len() > emea_users.len());
        let support_users = user_ids(&groups.transitive_members(support));
        assert_eq!(sales_users.intersection(&support_users).count(), 1);
        // Sales, Sales EMEA and Support are themselves transitive members.
        let nested_groups = everyone
            .iter()
            .filter(|m| matches!(m, GroupMember::Group(_)))
            .count();
        assert_eq!(nested_groups, 3);
        assert_eq!(
            user_ids(&everyone).len(),
            sales_users.len() + support_users.len() - 1
        );
        let ids: HashSet<&str> = everyone.iter().map(GroupMember::id).collect();
        assert_eq!(ids.len(), everyone.len(), "a member listed twice");
        assert!(
            groups
                .transitive_members(named(&groups, names::PROJECT_FALCON)?)
                .is_empty()
        );
        Ok(())
    }

    #[test]
    fn contractors_hold_guests_and_disabled_accounts() -> TestResult {
        let (directory, groups) = seeded();
        let contractors = user_ids(&named(&groups, names::CONTRACTORS)?.members);
        let of = |id: &String| directory.by_id(id).cloned();
        assert!(
            contractors
                .iter()
                .filter_map(of)
                .any(|u| u.user_type == "Guest")
        );
        assert!(
            contractors
                .iter()
                .filter_map(of)
                .any(|u| !u.account_enabled)
        );
        Ok(())
    }

    #[test]
    fn membership_changes_and_cycles() -> TestResult {
        let (directory, mut groups) = seeded();
        let falcon = named(&groups, names::PROJECT_FALCON)?.id.clone();
        let sales = named(&groups, names::SALES)?.id.clone();
        let someone = directory.users()[20].id.clone();
        groups.add_member(&falcon, &someone, true)?;
        assert!(matches!(
            groups.add_member(&falcon, &someone, true),
            Err(GroupChangeError::AlreadyMember { .. })
        ));
        groups.add_member(&falcon, &sales, false)?;
        groups.add_member(&sales, &falcon, false)?;
        let members = groups.transitive_members(named(&groups, names::PROJECT_FALCON)?);
        assert!(members.iter().any(|m| m.id() == sales));
        assert!(!members.iter().any(|m| m.id() == falcon));
        groups.remove_member(&falcon, &someone)?;
        assert!(matches!(
            groups.remove_member(&falcon, &someone),
            Err(GroupChangeError::NotMember { .. })
        ));
        assert!(matches!(
            groups.add_member("nope", &someone, true),
            Err(GroupChangeError::UnknownGroup(_))
        ));
        assert!(matches!(
            groups.add_member(&falcon, "nope", false),
            Err(GroupChangeError::UnknownObject(_))
        ));
        Ok(())
    }
}
