//! `/users`, `/me` and what hangs off a user: `memberOf`, `photo`, `contacts`; and the OIDC
//! `userinfo` endpoint Graph serves.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::auth::{Need, READ_CONTACTS, READ_FULL_PROFILES, READ_SELF, READ_USERS};
use super::error::{GraphError, RequestIds};
use super::odata::Shape;
use super::{GraphCall, entity, method_not_allowed, ok, unknown_segment};
use crate::ms::Cloud;
use crate::ms::directory::{Contact, DirectoryUser};
use crate::ms::identity::pairwise_subject;
use crate::ms::ids::stable_uuid;
use crate::ms::photo;

/// What `GET /users` returns without `$select`, as Graph v1.0.
pub(super) const DEFAULT_USER_FIELDS: &[&str] = &[
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "id",
];

/// The "basic profile" of other users, all that `User.ReadBasic.All` reads, as Graph's user
/// resource documents it ("User basic profile properties": displayName, givenName, id,
/// mail, photo, securityIdentifier, surname, userPrincipalName; `photo` is served by its own
/// endpoints). With only that permission Graph still answers every other property it is
/// asked for, as `null` (an empty list for collections such as `businessPhones`), and refuses
/// a `$filter` on one with `Authorization_RequestDenied`.
const BASIC_PROFILE: &[&str] = &[
    "displayName",
    "givenName",
    "id",
    "mail",
    "securityIdentifier",
    "surname",
    "userPrincipalName",
];

fn in_basic_profile(property: &str) -> bool {
    BASIC_PROFILE
        .iter()
        .any(|p| p.eq_ignore_ascii_case(property))
}

/// A user as a caller limited to the basic profile sees it: same properties, the others
/// empty.
pub(super) fn basic_profile(mut user: Map<String, Value>) -> Map<String, Value> {
    for (property, value) in &mut user {
        if !in_basic_profile(property) {
            *value = if value.is_array() {
                Value::Array(Vec::new())
            } else {
                Value::Null
            };
        }
    }
    user
}

const FILTERABLE: &[&str] = &[
    "id",
    "userPrincipalName",
    "mail",
    "accountEnabled",
    "userType",
    "displayName",
    "givenName",
    "surname",
    "mailNickname",
];

/// What `$search` on users reads: properties of the basic profile, so every reader may search.
const SEARCHABLE: &[&str] = &[
    "displayName",
    "userPrincipalName",
    "mail",
    "givenName",
    "surname",
];

const USERS_SHAPE: Shape<'static> = Shape {
    default_top: 100,
    default_select: Some(DEFAULT_USER_FIELDS),
    type_name: "user",
};

const CONTACTS_SHAPE: Shape<'static> = Shape {
    default_top: 10,
    default_select: None,
    type_name: "contact",
};

pub(super) fn user_json(u: &DirectoryUser) -> Map<String, Value> {
    let value = json!({
        "id": u.id,
        "businessPhones": u.business_phones,
        "displayName": u.display_name,
        "givenName": u.given_name,
        "jobTitle": u.job_title,
        "mail": u.mail,
        "mobilePhone": u.mobile_phone,
        "officeLocation": null,
        "preferredLanguage": "en-US",
        "surname": u.surname,
        "userPrincipalName": u.user_principal_name,
        "accountEnabled": u.account_enabled,
        "userType": u.user_type,
        "department": u.department,
        "mailNickname": u.mail_nickname,
        "companyName": null,
        "employeeId": null,
        "usageLocation": "US",
        "otherMails": [],
        "proxyAddresses": u.mail.iter().map(|m| format!("SMTP:{m}")).collect::<Vec<_>>(),
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn contact_json(c: &Contact) -> Map<String, Value> {
    let value = json!({
        "id": c.id,
        "displayName": c.display_name,
        "givenName": c.given_name,
        "surname": c.surname,
        "jobTitle": c.job_title,
        "companyName": c.company_name,
        "department": null,
        "businessPhones": [c.business_phone],
        "mobilePhone": c.mobile_phone,
        "homePhones": [],
        "emailAddresses": [{ "name": c.display_name, "address": c.email }],
        "categories": [],
    });
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

impl Cloud {
    pub(crate) fn list_users(&self, call: &GraphCall) -> Result<Response, GraphError> {
        call.caller.require(READ_USERS)?;
        let full = call.caller.allowed(READ_FULL_PROFILES);
        let clauses = call.query.filter_clauses(FILTERABLE, "user")?;
        if !full && clauses.iter().any(|c| !in_basic_profile(&c.property)) {
            return Err(GraphError::denied());
        }
        let search = call.search(SEARCHABLE, "user")?;
        let visible = |u: Map<String, Value>| if full { u } else { basic_profile(u) };
        let url = self.graph_url("users");
        let context = self.graph_context(&call.query.context_suffix("users"));
        let all = self.directory.users();
        if clauses.is_empty() && search.is_none() {
            // Every user is in: the page alone is rendered.
            let render = |u: &DirectoryUser| visible(user_json(u));
            return ok(call
                .query
                .page_of(all, render, &USERS_SHAPE, &url, context)?);
        }
        let users: Vec<Map<String, Value>> = all
            .iter()
            .map(user_json)
            .filter(|u| clauses.iter().all(|c| c.matches(u)))
            .filter(|u| search.as_ref().is_none_or(|s| s.matches(u)))
            .map(visible)
            .collect();
        ok(call.query.page(users, &USERS_SHAPE, &url, context)?)
    }

    /// `/me/…` and `/users/{id|upn}/…`.
    pub(crate) fn user_resource(
        &self,
        call: &GraphCall,
        user: &DirectoryUser,
        tail: &[&str],
    ) -> Result<Response, GraphError> {
        if call.method != axum::http::Method::GET {
            return Err(method_not_allowed());
        }
        let is_self = call.caller.user.as_ref().is_some_and(|me| me.id == user.id);
        let read: Need = if is_self { READ_SELF } else { READ_USERS };
        match tail {
            [] => {
                call.caller.require(read)?;
                // The signed-in user's own profile is always whole; someone else's only
                // with a full-profile permission.
                let whole = is_self || call.caller.allowed(READ_FULL_PROFILES);
                let visible = if whole {
                    user_json(user)
                } else {
                    basic_profile(user_json(user))
                };
                let fields = call
                    .query
                    .project(visible, Some(DEFAULT_USER_FIELDS), "user")?;
                ok(entity(
                    self,
                    &format!("{}/$entity", call.query.context_suffix("users")),
                    fields,
                ))
            }
            ["memberOf"] => {
                call.caller.require(read)?;
                self.member_of(user)
            }
            ["photo"] => {
                call.caller.require(read)?;
                photo_available(user)?;
                ok(json!({
                    "@odata.context": self.graph_context(&format!("users('{}')/photo/$entity", user.id)),
                    "@odata.mediaContentType": "image/png",
                    "@odata.mediaEtag": format!("W/\"{}\"", stable_uuid(0, &user.id)),
                    "id": "64X64",
                    "height": 64,
                    "width": 64,
                }))
            }
            ["photo", "$value"] => {
                call.caller.require(read)?;
                photo_available(user)?;
                Ok((
                    StatusCode::OK,
                    [(header::CONTENT_TYPE, "image/png")],
                    photo::avatar(&user.id),
                )
                    .into_response())
            }
            ["contacts"] => {
                call.caller.require(READ_CONTACTS)?;
                if call.caller.user.is_some() && !is_self {
                    return Err(GraphError::new(
                        StatusCode::FORBIDDEN,
                        "ErrorAccessDenied",
                        "Access is denied. Check credentials and try again.",
                    ));
                }
                let contacts: Vec<Map<String, Value>> = self
                    .directory
                    .contacts_of(user)
                    .iter()
                    .map(contact_json)
                    .collect();
                ok(call.query.page(
                    contacts,
                    &CONTACTS_SHAPE,
                    &self.graph_url(&format!("users/{}/contacts", user.id)),
                    self.graph_context(&format!("users('{}')/contacts", user.id)),
                )?)
            }
            [other, ..] => Err(unknown_segment(other)),
        }
    }

    fn member_of(&self, user: &DirectoryUser) -> Result<Response, GraphError> {
        let roles: Vec<Value> = user
            .roles
            .iter()
            .map(|role| {
                json!({
                    "@odata.type": "#microsoft.graph.directoryRole",
                    "id": stable_uuid(0, &format!("role:{}:{}", self.tenant.id, role.template_id)),
                    "deletedDateTime": null,
                    "description": role.description,
                    "displayName": role.display_name,
                    "roleTemplateId": role.template_id,
                })
            })
            .collect();
        ok(json!({
            "@odata.context": self.graph_context("directoryObjects"),
            "value": roles,
        }))
    }
}

fn photo_available(user: &DirectoryUser) -> Result<(), GraphError> {
    if user.has_photo {
        Ok(())
    } else {
        Err(GraphError::new(
            StatusCode::NOT_FOUND,
            "ImageNotFound",
            "Exception of type 'Microsoft.Fast.Profile.Core.Exception.ImageNotFoundException' was thrown.",
        ))
    }
}

/// `GET {base}/oidc/userinfo` with a delegated Graph token carrying `openid`.
pub(crate) async fn userinfo(State(cloud): State<Arc<Cloud>>, headers: HeaderMap) -> Response {
    let ids = RequestIds::from_headers(&headers);
    let result = cloud.authenticate_graph(&headers).and_then(|caller| {
        caller.require(Need {
            scopes: &["openid"],
            roles: &[],
        })?;
        let user = caller.me()?;
        Ok(json!({
            "sub": pairwise_subject(&user.id, &caller.app_id),
            "name": user.display_name,
            "family_name": user.surname,
            "given_name": user.given_name,
            "picture": cloud.graph_url("me/photo/$value"),
            "email": user.mail,
        }))
    });
    match result {
        Ok(body) => ids.stamp(axum::Json(body).into_response()),
        Err(err) => ids.error_response(err),
    }
}
