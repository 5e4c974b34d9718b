//! `/groups/{id}` and its membership: `members` and `transitiveMembers`, each also cast to
//! `microsoft.graph.user` or `microsoft.graph.group`.
//!
//! Members whose type the caller may not read come back as Graph's "limited information":
//! `@odata.type` and `id`, every other property `null`.

use axum::http::Method;
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::auth::{Need, READ_FULL_PROFILES, READ_USERS};
use super::error::GraphError;
use super::odata::Shape;
use super::users::{DEFAULT_USER_FIELDS, basic_profile, user_json};
use super::{GraphCall, entity, method_not_allowed, ok, unknown_segment};
use crate::ms::Cloud;
use crate::ms::directory::DirectoryUser;
use crate::ms::groups::{DirectoryGroup, GroupMember, Groups};

/// What reads a group and its membership (Graph's "List group transitive members" table).
pub(crate) const READ_GROUPS: Need = Need {
    scopes: &GROUP_READERS,
    roles: &GROUP_READERS,
};
const GROUP_READERS: [&str; 6] = [
    "GroupMember.Read.All",
    "GroupMember.ReadWrite.All",
    "Group.Read.All",
    "Group.ReadWrite.All",
    "Directory.Read.All",
    "Directory.ReadWrite.All",
];

/// What `GET /groups` returns without `$select`, as Graph v1.0 (trimmed to what is modelled).
pub(crate) const DEFAULT_GROUP_FIELDS: &[&str] = &[
    "id",
    "deletedDateTime",
    "classification",
    "createdDateTime",
    "description",
    "displayName",
    "groupTypes",
    "mail",
    "mailEnabled",
    "mailNickname",
    "proxyAddresses",
    "securityEnabled",
    "visibility",
];

pub(crate) const GROUPS_SHAPE: Shape<'static> = Shape {
    default_top: 100,
    default_select: Some(DEFAULT_GROUP_FIELDS),
    type_name: "group",
};

const USER_TYPE: &str = "#microsoft.graph.user";
const GROUP_TYPE: &str = "#microsoft.graph.group";

/// A group's properties as Graph names them.
pub(crate) fn group_json(g: &DirectoryGroup) -> Map<String, Value> {
    let value = json!({
        "id": g.id,
        "deletedDateTime": null,
        "classification": null,
        "createdDateTime": "2023-01-09T08:00:00Z",
        "description": g.description,
        "displayName": g.display_name,
        "groupTypes": g.group_types,
        "mail": g.mail,
        "mailEnabled": g.mail_enabled,
        "mailNickname": g.mail_nickname,
        "proxyAddresses": g.mail.iter().map(|m| format!("SMTP:{m}")).collect::<Vec<_>>(),
        "securityEnabled": g.security_enabled,
        "visibility": if g.group_types.is_empty() { Value::Null } else { json!("Private") },
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// Which members a listing keeps: all, or those of one type (an OData cast).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cast {
    None,
    Users,
    Groups,
}

impl Cast {
    fn parse(segment: Option<&&str>) -> Result<Cast, GraphError> {
        match segment.copied() {
            None => Ok(Cast::None),
            Some("microsoft.graph.user") => Ok(Cast::Users),
            Some("microsoft.graph.group") => Ok(Cast::Groups),
            Some(other) if other.starts_with("microsoft.graph.") => Err(GraphError::bad_request(
                "Request_UnsupportedQuery",
                format!("The type '{other}' is not a supported member type of a group."),
            )),
            Some(other) => Err(unknown_segment(other)),
        }
    }

    fn keeps(self, member: &GroupMember) -> bool {
        matches!(
            (self, member),
            (Cast::None, _)
                | (Cast::Users, GroupMember::User(_))
                | (Cast::Groups, GroupMember::Group(_))
        )
    }
}

/// What `$search` on groups reads.
const SEARCHABLE: &[&str] = &["displayName", "description", "mail", "mailNickname"];

impl Cloud {
    /// `GET /groups`, with `$search` (see `search.rs`), `$select`, `$top` and `$count`.
    pub(crate) fn list_groups(&self, call: &GraphCall) -> Result<Response, GraphError> {
        call.caller.require(READ_GROUPS)?;
        let search = call.search(SEARCHABLE, "group")?;
        let groups: Vec<Map<String, Value>> = self
            .group_store()
            .all()
            .iter()
            .map(group_json)
            .filter(|g| search.as_ref().is_none_or(|s| s.matches(g)))
            .collect();
        ok(call.query.page(
            groups,
            &GROUPS_SHAPE,
            &self.graph_url("groups"),
            self.graph_context(&call.query.context_suffix("groups")),
        )?)
    }

    /// `/groups/{id}` and what hangs off it.
    pub(crate) fn group_resource(
        &self,
        call: &GraphCall,
        id: &str,
        tail: &[&str],
    ) -> Result<Response, GraphError> {
        if call.method != Method::GET {
            return Err(method_not_allowed());
        }
        call.caller.require(READ_GROUPS)?;
        let groups = self.group_store();
        let group = groups.find(id).ok_or_else(|| GraphError::not_found(id))?;
        match tail {
            [] => {
                let fields =
                    call.query
                        .project(group_json(group), Some(DEFAULT_GROUP_FIELDS), "group")?;
                ok(entity(
                    self,
                    &format!("{}/$entity", call.query.context_suffix("groups")),
                    fields,
                ))
            }
            [relation @ ("members" | "transitiveMembers"), cast @ ..] if cast.len() <= 1 => {
                let cast = Cast::parse(cast.first())?;
                let members = if *relation == "members" {
                    group.members.clone()
                } else {
                    groups.transitive_members(group)
                };
                let members: Vec<GroupMember> =
                    members.into_iter().filter(|m| cast.keeps(m)).collect();
                let items = members
                    .iter()
                    .filter_map(|m| self.member_json(call, &groups, m, cast))
                    .collect::<Result<Vec<_>, _>>()?;
                let path = match cast {
                    Cast::None => format!("groups/{}/{relation}", group.id),
                    Cast::Users => format!("groups/{}/{relation}/microsoft.graph.user", group.id),
                    Cast::Groups => format!("groups/{}/{relation}/microsoft.graph.group", group.id),
                };
                let (shape, set) = match cast {
                    // Each item was shaped for its own type already.
                    Cast::None => (
                        Shape {
                            default_top: 100,
                            default_select: None,
                            type_name: "directoryObject",
                        },
                        "directoryObjects",
                    ),
                    Cast::Users => (
                        Shape {
                            default_top: 100,
                            default_select: Some(DEFAULT_USER_FIELDS),
                            type_name: "user",
                        },
                        "users",
                    ),
                    Cast::Groups => (GROUPS_SHAPE, "groups"),
                };
                ok(call.query.page(
                    items,
                    &shape,
                    &self.graph_url(&path),
                    self.graph_context(&call.query.context_suffix(set)),
                )?)
            }
            [other, ..] => Err(unknown_segment(other)),
        }
    }

    /// One member as the caller may see it; `None` for a member that no longer exists.
    fn member_json(
        &self,
        call: &GraphCall,
        groups: &Groups,
        member: &GroupMember,
        cast: Cast,
    ) -> Option<Result<Map<String, Value>, GraphError>> {
        let (mut item, type_name, defaults) = match member {
            GroupMember::User(id) => {
                let user = user_json(self.directory.by_id(id)?);
                let visible = if call.caller.allowed(READ_FULL_PROFILES) {
                    user
                } else if call.caller.allowed(READ_USERS) {
                    basic_profile(user)
                } else {
                    limited(user)
                };
                (visible, USER_TYPE, DEFAULT_USER_FIELDS)
            }
            GroupMember::Group(id) => (
                group_json(groups.find(id)?),
                GROUP_TYPE,
                DEFAULT_GROUP_FIELDS,
            ),
        };
        if cast != Cast::None {
            return Some(Ok(item));
        }
        // A mixed collection: `$select` may name properties of either type (missing ones are
        // null); without it each member shows its own type's defaults. `@odata.type` always.
        let wanted: Vec<String> = match &call.query.select {
            Some(select) => select.clone(),
            None => defaults.iter().map(|s| (*s).to_owned()).collect(),
        };
        if let Some(unknown) = wanted.iter().find(|name| !is_member_property(name)) {
            return Some(Err(GraphError::bad_request(
                "BadRequest",
                format!(
                    "Could not find a property named '{unknown}' on type 'microsoft.graph.directoryObject'."
                ),
            )));
        }
        let mut shaped = Map::new();
        shaped.insert("@odata.type".to_owned(), json!(type_name));
        for name in wanted {
            let found = item
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(&name))
                .map(|(k, _)| k.clone());
            match found.and_then(|k| item.remove_entry(&k)) {
                Some((k, v)) => shaped.insert(k, v),
                None => shaped.insert(name, Value::Null),
            };
        }
        Some(Ok(shaped))
    }
}

/// Whether `name` is a property of a user or a group.
fn is_member_property(name: &str) -> bool {
    let probe_user = user_json(&probe_user());
    let probe_group = group_json(&DirectoryGroup::probe());
    probe_user
        .keys()
        .chain(probe_group.keys())
        .any(|k| k.eq_ignore_ascii_case(name))
}

/// Graph's "limited information" for a member the caller may not read: only `id` kept.
fn limited(mut user: Map<String, Value>) -> Map<String, Value> {
    for (property, value) in &mut user {
        if property != "id" {
            *value = if value.is_array() {
                Value::Array(Vec::new())
            } else {
                Value::Null
            };
        }
    }
    user
}

/// An empty user, to learn the property names from.
fn probe_user() -> DirectoryUser {
    DirectoryUser {
        id: String::new(),
        user_principal_name: String::new(),
        display_name: String::new(),
        given_name: None,
        surname: None,
        mail: None,
        mail_nickname: String::new(),
        job_title: None,
        department: None,
        business_phones: Vec::new(),
        mobile_phone: None,
        account_enabled: false,
        user_type: "Member",
        has_photo: false,
        roles: Vec::new(),
    }
}

impl DirectoryGroup {
    /// An empty group, to learn the property names from.
    fn probe() -> DirectoryGroup {
        DirectoryGroup {
            id: String::new(),
            display_name: String::new(),
            description: None,
            mail: None,
            mail_nickname: String::new(),
            mail_enabled: false,
            security_enabled: false,
            group_types: Vec::new(),
            members: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;

    use super::*;

    #[test]
    fn casts_are_checked() {
        assert_eq!(Cast::parse(None).ok(), Some(Cast::None));
        assert_eq!(
            Cast::parse(Some(&"microsoft.graph.user")).ok(),
            Some(Cast::Users)
        );
        let device = Cast::parse(Some(&"microsoft.graph.device")).err();
        assert_eq!(
            device.map(|e| (e.status, e.code)),
            Some((StatusCode::BAD_REQUEST, "Request_UnsupportedQuery"))
        );
        assert!(Cast::parse(Some(&"owners")).is_err());
    }

    #[test]
    fn member_properties_of_both_types_are_known() {
        assert!(is_member_property("userPrincipalName"));
        assert!(is_member_property("securityEnabled"));
        assert!(is_member_property("ID"));
        assert!(!is_member_property("shoeSize"));
    }
}
