//! Service principals and Graph application-permission grants (`appRoleAssignedTo`).

use serde::Deserialize;
use serde_json::json;

use super::{GraphClient, graph_error, is_not_found, outcome_unknown};
use crate::error::EntraError;
use crate::retry::Replicating;

/// Microsoft Graph's application ID, the same in every tenant and cloud.
pub const MICROSOFT_GRAPH_APP_ID: &str = "00000003-0000-0000-c000-000000000000";

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePrincipal {
    pub id: String,
    pub app_id: String,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub app_roles: Vec<AppRole>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppRole {
    pub id: String,
    /// The permission name, e.g. `User.Read.All`.
    #[serde(default)]
    pub value: Option<String>,
    #[serde(default)]
    pub display_name: Option<String>,
    #[serde(default)]
    pub allowed_member_types: Vec<String>,
    #[serde(default)]
    pub is_enabled: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppRoleAssignment {
    #[serde(default)]
    pub id: Option<String>,
    pub app_role_id: String,
    pub principal_id: String,
    pub resource_id: String,
    #[serde(default)]
    pub resource_display_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnsuredServicePrincipal {
    pub service_principal: ServicePrincipal,
    pub created: bool,
}

/// App role IDs granted by one call, split by what was new.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GrantOutcome {
    pub granted: Vec<String>,
    pub already_granted: Vec<String>,
}

/// The IDs of the application permissions named `names` (`User.Read.All`, …), looked up in
/// the `appRoles` of Graph's service principal.
pub fn resolve_app_role_ids(
    graph: &ServicePrincipal,
    names: &[&str],
) -> Result<Vec<String>, EntraError> {
    names
        .iter()
        .map(|name| {
            graph
                .app_roles
                .iter()
                .find(|role| {
                    role.value
                        .as_deref()
                        .is_some_and(|v| v.eq_ignore_ascii_case(name))
                        && role.is_enabled != Some(false)
                        && (role.allowed_member_types.is_empty()
                            || role.allowed_member_types.iter().any(|t| t == "Application"))
                })
                .map(|role| role.id.clone())
                .ok_or_else(|| EntraError::UnknownPermission {
                    name: (*name).to_owned(),
                })
        })
        .collect()
}

/// `POST /servicePrincipals` before the new app has replicated.
fn app_not_replicated(error: &EntraError) -> bool {
    graph_error(error).is_some_and(|e| {
        e.mentions("NoBackingApplicationObject")
            || e.message
                .contains("does not reference a valid application object")
    })
}

/// A new service principal not yet visible to the grant or listing endpoints.
fn principal_not_replicated(error: &EntraError) -> bool {
    is_not_found(error)
        || graph_error(error).is_some_and(|e| {
            e.status == 400
                && (e.mentions("Request_ResourceNotFound") || e.message.contains("does not exist"))
        })
}

fn already_exists(error: &EntraError) -> bool {
    graph_error(error)
        .is_some_and(|e| matches!(e.status, 400 | 409) && e.message.contains("already exist"))
}

#[derive(Deserialize)]
struct ServicePrincipals {
    value: Vec<ServicePrincipal>,
}

/// How many lost answers to a creation are looked past before its failure counts.
const LOST_ANSWERS: u32 = 3;

impl GraphClient {
    pub async fn find_service_principal(
        &self,
        app_id: &str,
    ) -> Result<Option<ServicePrincipal>, EntraError> {
        let filter = format!("appId eq '{app_id}'");
        let url = self.url(
            "/servicePrincipals",
            &[("$filter", &filter), ("$select", "id,appId,displayName")],
        )?;
        let found: ServicePrincipals = self
            .get_json(&url, "look up the app's service principal")
            .await?;
        Ok(found.value.into_iter().next())
    }

    /// The app's service principal, created when missing (waiting for the new app to replicate).
    pub async fn ensure_service_principal(
        &self,
        app_id: &str,
    ) -> Result<EnsuredServicePrincipal, EntraError> {
        let url = self.url("/servicePrincipals", &[])?;
        let body = json!({ "appId": app_id });
        let context = "create the app's service principal";
        let mut lost_answers = 0;
        loop {
            // Also after a lost answer: an app has one service principal, so it is looked up
            // by the app's ID and created only when it is not there.
            if let Some(found) = self.find_service_principal(app_id).await? {
                return Ok(EnsuredServicePrincipal {
                    service_principal: found,
                    created: lost_answers > 0,
                });
            }
            let created = self
                .while_replicating(Replicating::NewApp, app_not_replicated, || {
                    self.post_json::<ServicePrincipal>(&url, &body, context)
                })
                .await;
            match created {
                Ok(service_principal) => {
                    return Ok(EnsuredServicePrincipal {
                        service_principal,
                        created: true,
                    });
                }
                Err(error) if outcome_unknown(&error) && lost_answers < LOST_ANSWERS => {
                    lost_answers += 1;
                }
                // Someone else created it between our lookup and our POST.
                Err(error) if already_exists(&error) => {
                    return self
                        .find_service_principal(app_id)
                        .await?
                        .map(|service_principal| EnsuredServicePrincipal {
                            service_principal,
                            created: false,
                        })
                        .ok_or(error);
                }
                Err(error) => return Err(error),
            }
        }
    }

    /// Deletes the service principal with object ID `id` (its permission grants go with it).
    /// Returns `false` when there was none, so a repeated deletion is not an error.
    pub async fn delete_service_principal(&self, id: &str) -> Result<bool, EntraError> {
        let url = self.url(&format!("/servicePrincipals/{id}"), &[])?;
        let deleted = self
            .delete(&url, "delete the app's service principal")
            .await?;
        tracing::info!(id, deleted, "deleted the app's service principal");
        Ok(deleted)
    }

    /// Removes the grant `assignment_id` that `resource_id` (Graph's service principal) gave:
    /// `DELETE /servicePrincipals/{resource_id}/appRoleAssignedTo/{assignment_id}`. Returns
    /// `false` when it was gone already, so a repeated removal is not an error.
    pub async fn revoke_app_role(
        &self,
        resource_id: &str,
        assignment_id: &str,
    ) -> Result<bool, EntraError> {
        let url = self.url(
            &format!("/servicePrincipals/{resource_id}/appRoleAssignedTo/{assignment_id}"),
            &[],
        )?;
        let revoked = self
            .delete(&url, "remove a Graph permission granted to the app")
            .await?;
        tracing::info!(
            assignment_id,
            revoked,
            "removed a Graph permission from the app"
        );
        Ok(revoked)
    }

    /// Microsoft Graph's own service principal, with its `appRoles`.
    pub async fn graph_service_principal(&self) -> Result<ServicePrincipal, EntraError> {
        let url = self.url(
            &format!("/servicePrincipals(appId='{MICROSOFT_GRAPH_APP_ID}')"),
            &[("$select", "id,appId,displayName,appRoles")],
        )?;
        self.get_json(&url, "read Microsoft Graph's permissions")
            .await
    }

    /// The application permissions granted to the service principal `principal_id`.
    pub async fn granted_app_roles(
        &self,
        principal_id: &str,
    ) -> Result<Vec<AppRoleAssignment>, EntraError> {
        let url = self.url(
            &format!("/servicePrincipals/{principal_id}/appRoleAssignments"),
            &[],
        )?;
        self.while_replicating(
            Replicating::NewServicePrincipal,
            principal_not_replicated,
            || self.collect(url.clone(), "list the app's granted permissions"),
        )
        .await
    }

    /// Grants `role_ids` of `resource` (Graph's service principal) to `principal_id`, skipping
    /// those already granted.
    pub async fn grant_app_roles(
        &self,
        principal_id: &str,
        resource: &ServicePrincipal,
        role_ids: &[String],
    ) -> Result<GrantOutcome, EntraError> {
        let existing = self.granted_app_roles(principal_id).await?;
        let url = self.url(
            &format!("/servicePrincipals/{}/appRoleAssignedTo", resource.id),
            &[],
        )?;
        let mut outcome = GrantOutcome::default();
        for role_id in role_ids {
            let held = existing.iter().any(|a| {
                a.resource_id == resource.id && a.app_role_id.eq_ignore_ascii_case(role_id)
            });
            if held {
                outcome.already_granted.push(role_id.clone());
                continue;
            }
            let body = json!({ "principalId": principal_id, "resourceId": resource.id, "appRoleId": role_id });
            let granted = self
                .while_replicating(
                    Replicating::NewServicePrincipal,
                    principal_not_replicated,
                    || {
                        self.post_json::<AppRoleAssignment>(
                            &url,
                            &body,
                            "grant the app a Graph permission",
                        )
                    },
                )
                .await;
            let granted = match granted {
                // The answer was lost: the grant is read back, and made again only if missing.
                Err(error) if outcome_unknown(&error) => {
                    let held_now = self.granted_app_roles(principal_id).await?.iter().any(|a| {
                        a.resource_id == resource.id && a.app_role_id.eq_ignore_ascii_case(role_id)
                    });
                    if held_now {
                        Ok(None)
                    } else {
                        self.post_json::<AppRoleAssignment>(
                            &url,
                            &body,
                            "grant the app a Graph permission",
                        )
                        .await
                        .map(Some)
                    }
                }
                other => other.map(Some),
            };
            match granted {
                Ok(_) => outcome.granted.push(role_id.clone()),
                Err(error) if already_exists(&error) => {
                    outcome.already_granted.push(role_id.clone())
                }
                Err(error) => return Err(error),
            }
        }
        Ok(outcome)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::error::GraphError;

    fn graph_sp() -> Result<ServicePrincipal, serde_json::Error> {
        serde_json::from_value(json!({
            "id": "graph-sp", "appId": MICROSOFT_GRAPH_APP_ID,
            "appRoles": [
                {"id": "df021288-bdef-4463-88db-98f22de89214", "value": "User.Read.All", "allowedMemberTypes": ["Application"], "isEnabled": true},
                {"id": "delegated-only", "value": "Only.Delegated", "allowedMemberTypes": ["User"], "isEnabled": true},
                {"id": "off", "value": "Disabled.Role", "allowedMemberTypes": ["Application"], "isEnabled": false},
                {"id": "089fe4d0-434a-44c5-8827-41ba8a0b17f5", "value": "Contacts.Read", "allowedMemberTypes": ["Application"]},
            ]
        }))
    }

    #[test]
    fn resolves_app_roles_by_value() -> Result<(), Box<dyn std::error::Error>> {
        let graph = graph_sp()?;
        assert_eq!(
            resolve_app_role_ids(&graph, &["User.Read.All", "contacts.read"])?,
            [
                "df021288-bdef-4463-88db-98f22de89214",
                "089fe4d0-434a-44c5-8827-41ba8a0b17f5"
            ]
        );
        for missing in ["Only.Delegated", "Disabled.Role", "Nope.All"] {
            assert!(
                matches!(resolve_app_role_ids(&graph, &[missing]), Err(EntraError::UnknownPermission { name }) if name == missing)
            );
        }
        Ok(())
    }

    fn graph(status: u16, body: &str) -> EntraError {
        EntraError::Graph {
            context: "t".into(),
            error: Box::new(GraphError::parse(status, body)),
        }
    }

    #[test]
    fn replication_lag_is_recognised() {
        assert!(app_not_replicated(&graph(
            400,
            r#"{"error":{"code":"Request_BadRequest","message":"x","details":[{"code":"NoBackingApplicationObject","message":"y"}]}}"#
        )));
        assert!(app_not_replicated(&graph(
            400,
            r#"{"error":{"code":"Request_BadRequest","message":"The appId 'a' of the service principal does not reference a valid application object."}}"#
        )));
        assert!(!app_not_replicated(&graph(
            403,
            r#"{"error":{"code":"Authorization_RequestDenied","message":"no"}}"#
        )));

        assert!(principal_not_replicated(&graph(
            404,
            r#"{"error":{"code":"Request_ResourceNotFound","message":"gone"}}"#
        )));
        assert!(principal_not_replicated(&graph(
            400,
            r#"{"error":{"code":"Request_BadRequest","message":"Resource 'p' does not exist or one of its queried reference-property objects are not present."}}"#
        )));
        assert!(!principal_not_replicated(&graph(
            400,
            r#"{"error":{"code":"Request_BadRequest","message":"Invalid appRoleId"}}"#
        )));
    }

    #[test]
    fn duplicate_grant_is_recognised() {
        assert!(already_exists(&graph(
            400,
            r#"{"error":{"code":"Request_BadRequest","message":"Permission being assigned already exists on the object"}}"#
        )));
        assert!(!already_exists(&graph(
            400,
            r#"{"error":{"code":"Request_BadRequest","message":"does not exist"}}"#
        )));
    }
}
