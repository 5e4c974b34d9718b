//! Admin consent (`/{tenant}/v2.0/adminconsent` and the v1 `/{tenant}/adminconsent`): an
//! administrator grants an app every application permission it declares, for the whole tenant.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::response::{IntoResponse, Response};

use super::Params;
use super::client::{ReplyTo, loopback_matches, redirect_mismatch};
use super::scopes::Scopes;
use crate::ms::Cloud;
use crate::ms::aad_error::AadError;
use crate::ms::directory::DirectoryUser;
use crate::ms::html::{self, ConsentForm};
use crate::ms::model::{Application, ServicePrincipal};
use crate::ms::state::AssignRefusal;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    /// `{tenant}/adminconsent`: no `scope`, the app's declared permissions.
    V1,
    /// `{tenant}/v2.0/adminconsent`: `scope` required (usually `{graph}/.default`).
    V2,
}

pub(crate) async fn show_v2(
    State(cloud): State<Arc<Cloud>>,
    Path(tenant): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    cloud.admin_consent(&tenant, &Params::from_query(query), Version::V2, false)
}

pub(crate) async fn submit_v2(
    State(cloud): State<Arc<Cloud>>,
    Path(tenant): Path<String>,
    body: Bytes,
) -> Response {
    cloud.admin_consent(&tenant, &Params::parse(&body), Version::V2, true)
}

pub(crate) async fn show_v1(
    State(cloud): State<Arc<Cloud>>,
    Path(tenant): Path<String>,
    RawQuery(query): RawQuery,
) -> Response {
    cloud.admin_consent(&tenant, &Params::from_query(query), Version::V1, false)
}

pub(crate) async fn submit_v1(
    State(cloud): State<Arc<Cloud>>,
    Path(tenant): Path<String>,
    body: Bytes,
) -> Response {
    cloud.admin_consent(&tenant, &Params::parse(&body), Version::V1, true)
}

/// The redirect URI the consent answers to: the one asked for if registered, else the app's
/// first web redirect URI.
fn consent_redirect(app: &Application, requested: Option<&str>) -> Result<String, AadError> {
    match requested {
        Some(uri) => {
            let registered = app.web_redirect_uris.iter().any(|r| r == uri)
                || app
                    .public_client_redirect_uris
                    .iter()
                    .any(|r| r == uri || loopback_matches(r, uri));
            if registered {
                Ok(uri.to_owned())
            } else {
                Err(redirect_mismatch(uri, &app.app_id))
            }
        }
        None => app.web_redirect_uris.first().cloned().ok_or_else(|| {
            AadError::invalid_request(
                500113,
                "No reply address is registered for the application.",
            )
        }),
    }
}

impl Cloud {
    fn admin_consent(
        &self,
        segment: &str,
        params: &Params,
        version: Version,
        submitted: bool,
    ) -> Response {
        let page_error = |e: AadError| html::error_page(&e);
        if let Err(e) = self.tenant.resolve(segment) {
            return page_error(e);
        }
        let client_id = match params.require("client_id") {
            Ok(id) => id,
            Err(e) => return page_error(e),
        };
        let Some(app) = self.state().visible_app(client_id).cloned() else {
            return page_error(AadError::app_not_found(
                client_id,
                &self.tenant.display_name,
            ));
        };
        let reply = match consent_redirect(&app, params.get("redirect_uri")) {
            Ok(uri) => ReplyTo {
                redirect_uri: uri,
                response_mode: "query".to_owned(),
                state: params.get("state").map(str::to_owned),
            },
            Err(e) => return page_error(e),
        };
        let scope = match version {
            Version::V1 => None,
            Version::V2 => {
                let checked = params.require("scope").and_then(|s| {
                    Scopes::parse(s, self.national.graph_resource(), &self.tenant.display_name)
                        .map(|_| s)
                });
                match checked {
                    Ok(scope) => Some(scope),
                    Err(e) => return reply.send_error(&e),
                }
            }
        };
        let switches = self.switches();
        let granted = |user: &DirectoryUser| {
            self.grant_admin_consent(&app, user);
            let mut pairs = vec![
                ("admin_consent", "True"),
                ("tenant", self.tenant.id.as_str()),
            ];
            if let Some(scope) = scope {
                pairs.push(("scope", scope));
            }
            reply.send(&pairs)
        };
        if switches.auto_approve {
            return match self.directory.auto_sign_in(None) {
                _ if switches.consent_refused => reply.send_error(&AadError::consent_declined()),
                Some(admin) => granted(admin),
                None => page_error(AadError::server_error(
                    "The tenant has no Global Administrator.",
                )),
            };
        }
        let action = format!(
            "/{segment}/{}adminconsent",
            if version == Version::V2 { "v2.0/" } else { "" }
        );
        let page = |error: Option<String>| {
            ConsentForm {
                action: &action,
                hidden: params.pairs_except(&["username", "password", "action"]),
                org_name: &self.tenant.display_name,
                app_name: &app.display_name,
                permissions: self.describe_app_permissions(&app),
                username: params.get("username").unwrap_or_default(),
                error,
                for_organization: true,
            }
            .render()
            .into_response()
        };
        if !submitted {
            return page(None);
        }
        if params.get("action") != Some("accept") {
            return reply.send_error(&AadError::consent_declined());
        }
        let username = params.get("username").unwrap_or_default();
        match self
            .directory
            .sign_in(username, params.get("password").unwrap_or_default())
        {
            Err(refusal) => page(Some(refusal.message(username, &self.tenant))),
            Ok(user) if !user.roles.iter().any(|r| r.can_grant_app_roles()) => page(Some(format!(
                "AADSTS90094: The grant requires admin permission. {} is not a Global Administrator or Privileged Role Administrator of {}.",
                user.user_principal_name, self.tenant.display_name
            ))),
            Ok(_) if switches.consent_refused => reply.send_error(&AadError::consent_declined()),
            Ok(user) => granted(user),
        }
    }

    /// Creates the app's service principal if needed and grants every application permission
    /// the app declares on a resource the tenant has.
    fn grant_admin_consent(&self, app: &Application, admin: &DirectoryUser) {
        let mut state = self.state();
        let principal = match state.sp_by_app_id(&app.app_id).cloned() {
            Some(sp) => sp,
            None => {
                let sp = ServicePrincipal::for_application(app, &self.tenant.id);
                state.service_principals.push(sp.clone());
                sp
            }
        };
        for required in &app.required_resource_access {
            let Some(resource) = state.sp_by_app_id(&required.resource_app_id).cloned() else {
                continue;
            };
            for role_id in app.required_app_role_ids(&required.resource_app_id) {
                match state.assign_app_role(&principal, &resource, &role_id) {
                    Ok(_) | Err(AssignRefusal::AlreadyGranted) => {}
                    Err(AssignRefusal::RoleNotOffered) => tracing::warn!(
                        app_id = %app.app_id,
                        %role_id,
                        resource = %resource.display_name,
                        "admin consent skipped a permission the resource does not offer"
                    ),
                }
            }
        }
        tracing::info!(app_id = %app.app_id, admin = %admin.user_principal_name, "admin consent granted");
    }

    fn describe_app_permissions(&self, app: &Application) -> Vec<String> {
        let state = self.state();
        app.required_resource_access
            .iter()
            .flat_map(|required| {
                let resource = state.sp_by_app_id(&required.resource_app_id);
                required.resource_access.iter().map(move |access| {
                    let resource_name =
                        resource.map_or("an unknown API", |r| r.display_name.as_str());
                    let name = resource
                        .and_then(|r| match access.kind.as_str() {
                            "Role" => r
                                .app_roles
                                .iter()
                                .find(|x| x.id == access.id)
                                .map(|x| x.display_name.clone()),
                            _ => r
                                .oauth2_permission_scopes
                                .iter()
                                .find(|x| x.id == access.id)
                                .map(|x| x.display_name.clone()),
                        })
                        .unwrap_or_else(|| access.id.clone());
                    let kind = if access.kind == "Role" {
                        "application"
                    } else {
                        "delegated"
                    };
                    format!("{name} ({kind} permission of {resource_name})")
                })
            })
            .collect()
    }
}
