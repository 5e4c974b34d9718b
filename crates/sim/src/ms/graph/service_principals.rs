//! `/servicePrincipals` and the application permissions granted through them:
//! `appRoleAssignedTo` (grants a resource offers) and `appRoleAssignments` (grants a principal
//! holds).

use axum::Json;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::auth::{READ_APPLICATIONS, WRITE_APPLICATIONS};
use super::error::GraphError;
use super::odata::{Shape, datetime};
use super::{GraphCall, Key, entity, method_not_allowed, ok, unknown_segment};
use crate::ms::Cloud;
use crate::ms::catalog::MICROSOFT_SERVICES_TENANT;
use crate::ms::model::{AppRoleAssignment, ServicePrincipal};
use crate::ms::state::AssignRefusal;

const SHAPE: Shape<'static> = Shape {
    default_top: 100,
    default_select: None,
    type_name: "servicePrincipal",
};
const ASSIGNMENT_SHAPE: Shape<'static> = Shape {
    default_top: 100,
    default_select: None,
    type_name: "appRoleAssignment",
};
const FILTERABLE: &[&str] = &["id", "appId", "displayName", "servicePrincipalType"];

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ServicePrincipalInput {
    app_id: Option<String>,
    account_enabled: Option<bool>,
    tags: Option<Vec<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct AssignmentInput {
    principal_id: Option<String>,
    resource_id: Option<String>,
    app_role_id: Option<String>,
    principal_type: Option<String>,
}

fn parse_body<T: serde::de::DeserializeOwned>(
    call: &GraphCall,
    type_name: &str,
) -> Result<T, GraphError> {
    let mut body = call.json_object()?;
    body.retain(|k, _| !k.starts_with('@'));
    serde_json::from_value(Value::Object(body)).map_err(|e| {
        GraphError::bad_request(
            "Request_BadRequest",
            format!("Invalid request body for type 'microsoft.graph.{type_name}': {e}"),
        )
    })
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn service_principal_json(sp: &ServicePrincipal) -> Map<String, Value> {
    object(json!({
        "id": sp.id,
        "deletedDateTime": null,
        "accountEnabled": sp.account_enabled,
        "appDisplayName": sp.display_name,
        "appDescription": null,
        "appId": sp.app_id,
        "applicationTemplateId": null,
        "appOwnerOrganizationId": sp.app_owner_organization_id,
        "appRoleAssignmentRequired": false,
        "description": null,
        "displayName": sp.display_name,
        "homepage": null,
        "loginUrl": null,
        "logoutUrl": null,
        "notes": null,
        "notificationEmailAddresses": [],
        "preferredSingleSignOnMode": null,
        "preferredTokenSigningKeyThumbprint": null,
        "replyUrls": sp.reply_urls,
        "servicePrincipalNames": sp.service_principal_names,
        "servicePrincipalType": "Application",
        "signInAudience": sp.sign_in_audience,
        "tags": sp.tags,
        "tokenEncryptionKeyId": null,
        "addIns": [],
        "alternativeNames": [],
        "appRoles": sp.app_roles.iter().map(|r| json!({
            "allowedMemberTypes": ["Application"],
            "description": r.description,
            "displayName": r.display_name,
            "id": r.id,
            "isEnabled": true,
            "origin": "Application",
            "value": r.value,
        })).collect::<Vec<_>>(),
        "info": { "logoUrl": null, "marketingUrl": null, "privacyStatementUrl": null, "supportUrl": null, "termsOfServiceUrl": null },
        "keyCredentials": [],
        "oauth2PermissionScopes": sp.oauth2_permission_scopes.iter().map(|s| json!({
            "adminConsentDescription": format!("Allows the app to {} on behalf of the signed-in user.", s.display_name.to_lowercase()),
            "adminConsentDisplayName": s.display_name,
            "id": s.id,
            "isEnabled": true,
            "type": s.kind,
            "userConsentDescription": format!("Allows the app to {} on your behalf.", s.display_name.to_lowercase()),
            "userConsentDisplayName": s.display_name,
            "value": s.value,
        })).collect::<Vec<_>>(),
        "passwordCredentials": [],
    }))
}

fn assignment_json(a: &AppRoleAssignment) -> Map<String, Value> {
    object(json!({
        "id": a.id,
        "deletedDateTime": null,
        "appRoleId": a.app_role_id,
        "createdDateTime": datetime(a.created),
        "principalDisplayName": a.principal_display_name,
        "principalId": a.principal_id,
        "principalType": "ServicePrincipal",
        "resourceDisplayName": a.resource_display_name,
        "resourceId": a.resource_id,
    }))
}

/// Which side of a grant a path addresses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// `appRoleAssignedTo`: grants the service principal offers.
    Resource,
    /// `appRoleAssignments`: grants the service principal holds.
    Principal,
}

impl Cloud {
    fn find_service_principal(&self, key: Key<'_>) -> Result<ServicePrincipal, GraphError> {
        let state = self.state();
        let found = match key {
            Key::Id(id) => state
                .service_principals
                .iter()
                .find(|sp| sp.id.eq_ignore_ascii_case(id)),
            Key::AppId(app_id) => state.sp_by_app_id(app_id),
        };
        found.cloned().ok_or_else(|| {
            let (Key::Id(id) | Key::AppId(id)) = key;
            GraphError::not_found(id)
        })
    }

    pub(crate) fn list_service_principals(&self, call: &GraphCall) -> Result<Response, GraphError> {
        call.caller.require(READ_APPLICATIONS)?;
        let clauses = call.query.filter_clauses(FILTERABLE, "servicePrincipal")?;
        let items: Vec<Map<String, Value>> = self
            .state()
            .service_principals
            .iter()
            .map(service_principal_json)
            .filter(|sp| clauses.iter().all(|c| c.matches(sp)))
            .collect();
        ok(call.query.page(
            items,
            &SHAPE,
            &self.graph_url("servicePrincipals"),
            self.graph_context(&call.query.context_suffix("servicePrincipals")),
        )?)
    }

    pub(crate) fn create_service_principal(
        &self,
        call: &GraphCall,
    ) -> Result<Response, GraphError> {
        call.caller.require(WRITE_APPLICATIONS)?;
        let input: ServicePrincipalInput = parse_body(call, "servicePrincipal")?;
        let app_id = input
            .app_id
            .ok_or_else(|| GraphError::invalid_value("appId", "ServicePrincipal"))?;
        let mut state = self.state();
        if state.sp_by_app_id(&app_id).is_some() {
            return Err(GraphError::new(
                StatusCode::CONFLICT,
                "Request_MultipleObjectsWithSameKeyValue",
                format!(
                    "The service principal cannot be created, updated, or restored because the service principal name {app_id} is already in use."
                ),
            ));
        }
        let Some(app) = state.visible_app(&app_id).cloned() else {
            let message = format!(
                "The appId '{app_id}' of the service principal does not reference a valid application object."
            );
            return Err(
                GraphError::bad_request("Request_BadRequest", message.clone()).with_details(
                    json!([{
                        "code": "NoBackingApplicationObject",
                        "message": message,
                        "target": "appId",
                    }]),
                ),
            );
        };
        let mut sp = ServicePrincipal::for_application(&app, &self.tenant.id);
        if let Some(enabled) = input.account_enabled {
            sp.account_enabled = enabled;
        }
        if let Some(tags) = input.tags {
            sp.tags = tags;
        }
        state.service_principals.push(sp.clone());
        drop(state);
        let body = entity(
            self,
            "servicePrincipals/$entity",
            service_principal_json(&sp),
        );
        Ok((StatusCode::CREATED, Json(body)).into_response())
    }

    /// `/servicePrincipals/{id}` and `/servicePrincipals(appId='…')`, and the grants below them.
    pub(crate) fn service_principal_resource(
        &self,
        call: &GraphCall,
        key: Key<'_>,
        tail: &[&str],
    ) -> Result<Response, GraphError> {
        let sp = self.find_service_principal(key)?;
        let side = |segment: &str| match segment {
            "appRoleAssignedTo" => Some(Side::Resource),
            "appRoleAssignments" => Some(Side::Principal),
            _ => None,
        };
        match (tail, &call.method) {
            ([], &Method::GET) => {
                call.caller.require(READ_APPLICATIONS)?;
                let fields =
                    call.query
                        .project(service_principal_json(&sp), None, "servicePrincipal")?;
                ok(entity(
                    self,
                    &format!("{}/$entity", call.query.context_suffix("servicePrincipals")),
                    fields,
                ))
            }
            ([], &Method::PATCH) => self.update_service_principal(call, &sp),
            ([], &Method::DELETE) => {
                call.caller.require(WRITE_APPLICATIONS)?;
                if sp.app_owner_organization_id == MICROSOFT_SERVICES_TENANT {
                    return Err(GraphError::denied());
                }
                self.state().remove_service_principal(&sp.id);
                Ok(StatusCode::NO_CONTENT.into_response())
            }
            ([], _) => Err(method_not_allowed()),
            ([segment], method) => match (side(segment), method) {
                (Some(side), &Method::GET) => self.list_assignments(call, &sp, side, segment),
                (Some(side), &Method::POST) => self.create_assignment(call, &sp, side, segment),
                (Some(_), _) => Err(method_not_allowed()),
                (None, _) => Err(unknown_segment(segment)),
            },
            ([segment, assignment_id], method) => match (side(segment), method) {
                (Some(side), &Method::DELETE) => {
                    self.delete_assignment(call, &sp, side, assignment_id)
                }
                (Some(_), _) => Err(method_not_allowed()),
                (None, _) => Err(unknown_segment(segment)),
            },
            ([.., last], _) => Err(unknown_segment(last)),
        }
    }

    fn update_service_principal(
        &self,
        call: &GraphCall,
        sp: &ServicePrincipal,
    ) -> Result<Response, GraphError> {
        call.caller.require(WRITE_APPLICATIONS)?;
        let input: ServicePrincipalInput = parse_body(call, "servicePrincipal")?;
        if input
            .app_id
            .is_some_and(|a| !a.eq_ignore_ascii_case(&sp.app_id))
        {
            return Err(GraphError::invalid_value("appId", "ServicePrincipal"));
        }
        let mut state = self.state();
        if let Some(stored) = state.service_principals.iter_mut().find(|s| s.id == sp.id) {
            if let Some(enabled) = input.account_enabled {
                stored.account_enabled = enabled;
            }
            if let Some(tags) = input.tags {
                stored.tags = tags;
            }
        }
        Ok(StatusCode::NO_CONTENT.into_response())
    }

    fn list_assignments(
        &self,
        call: &GraphCall,
        sp: &ServicePrincipal,
        side: Side,
        segment: &str,
    ) -> Result<Response, GraphError> {
        call.caller.require(READ_APPLICATIONS)?;
        let items: Vec<Map<String, Value>> = self
            .state()
            .assignments
            .iter()
            .filter(|a| match side {
                Side::Resource => a.resource_id == sp.id,
                Side::Principal => a.principal_id == sp.id,
            })
            .map(assignment_json)
            .collect();
        ok(call.query.page(
            items,
            &ASSIGNMENT_SHAPE,
            &self.graph_url(&format!("servicePrincipals/{}/{segment}", sp.id)),
            self.graph_context(&format!("servicePrincipals('{}')/{segment}", sp.id)),
        )?)
    }

    fn create_assignment(
        &self,
        call: &GraphCall,
        sp: &ServicePrincipal,
        side: Side,
        segment: &str,
    ) -> Result<Response, GraphError> {
        call.caller.require_grant_rights()?;
        let input: AssignmentInput = parse_body(call, "appRoleAssignment")?;
        let invalid = |property: &str| GraphError::invalid_value(property, "AppRoleAssignment");
        let principal_id = input.principal_id.ok_or_else(|| invalid("principalId"))?;
        let resource_id = input.resource_id.ok_or_else(|| invalid("resourceId"))?;
        let app_role_id = input.app_role_id.ok_or_else(|| invalid("appRoleId"))?;
        if input
            .principal_type
            .is_some_and(|t| t != "ServicePrincipal")
        {
            return Err(invalid("principalType"));
        }
        let anchored = match side {
            Side::Resource => &resource_id,
            Side::Principal => &principal_id,
        };
        if !anchored.eq_ignore_ascii_case(&sp.id) {
            return Err(invalid(if side == Side::Resource {
                "resourceId"
            } else {
                "principalId"
            }));
        }
        let principal = self.find_service_principal(Key::Id(&principal_id))?;
        let resource = self.find_service_principal(Key::Id(&resource_id))?;
        let assignment = self
            .state()
            .assign_app_role(&principal, &resource, &app_role_id)
            .map_err(|refusal| match refusal {
                AssignRefusal::AlreadyGranted => GraphError::bad_request(
                    "Request_BadRequest",
                    "Permission being assigned already exists on the object",
                ),
                AssignRefusal::RoleNotOffered => GraphError::bad_request(
                    "Request_BadRequest",
                    format!(
                        "Permission being assigned was not found on application '{}'.",
                        resource.display_name
                    ),
                ),
            })?;
        tracing::info!(
            principal = %principal.display_name,
            resource = %resource.display_name,
            app_role_id = %assignment.app_role_id,
            "app role granted"
        );
        let body = entity(
            self,
            &format!("servicePrincipals('{}')/{segment}/$entity", sp.id),
            assignment_json(&assignment),
        );
        Ok((StatusCode::CREATED, Json(body)).into_response())
    }

    fn delete_assignment(
        &self,
        call: &GraphCall,
        sp: &ServicePrincipal,
        side: Side,
        assignment_id: &str,
    ) -> Result<Response, GraphError> {
        call.caller.require_grant_rights()?;
        let mut state = self.state();
        let position = state.assignments.iter().position(|a| {
            a.id == assignment_id
                && match side {
                    Side::Resource => a.resource_id == sp.id,
                    Side::Principal => a.principal_id == sp.id,
                }
        });
        match position {
            Some(index) => {
                state.assignments.remove(index);
                Ok(StatusCode::NO_CONTENT.into_response())
            }
            None => Err(GraphError::not_found(assignment_id)),
        }
    }
}
