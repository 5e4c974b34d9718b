//! `/users`, `/me` and what hangs off a user: `memberOf`, `photo`, `contacts`; and the OIDC
//! `userinfo` endpoint Graph serves.

use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::auth::{Need, READ_CONTACTS, READ_SELF, READ_USERS};
use super::error::{GraphError, RequestIds};
use super::odata::Shape;
use super::{GraphCall, entity, method_not_allowed, ok, unknown_segment};
use crate::ms::Cloud;
use crate::ms::directory::{Contact, DirectoryUser};
use crate::ms::identity::pairwise_subject;
use crate::ms::ids::stable_uuid;
use crate::ms::photo;

/// What `GET /users` returns without `$select`, as Graph v1.0.
const DEFAULT_USER_FIELDS: &[&str] = &[
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

fn user_json(u: &DirectoryUser) -> Map<String, Value> {
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
        let clauses = call.query.filter_clauses(FILTERABLE, "user")?;
        let users: Vec<Map<String, Value>> = self
            .directory
            .users()
            .iter()
            .map(user_json)
            .filter(|u| clauses.iter().all(|c| c.matches(u)))
            .collect();
        ok(call.query.page(
            users,
            &USERS_SHAPE,
            &self.graph_url("users"),
            self.graph_context(&call.query.context_suffix("users")),
        )?)
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
                let fields =
                    call.query
                        .project(user_json(user), Some(DEFAULT_USER_FIELDS), "user")?;
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
