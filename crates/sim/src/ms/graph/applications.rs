//! `/applications`: create, list (with `$filter=appId eq '…'`), get, update (the whole
//! `keyCredentials` list at once) and delete app registrations.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde_json::{Map, Value, json};

use super::app_input::ApplicationInput;
use super::auth::{READ_APPLICATIONS, WRITE_APPLICATIONS};
use super::error::GraphError;
use super::odata::{Shape, datetime};
use super::{GraphCall, Key, entity, ok};
use crate::ms::Cloud;
use crate::ms::model::{Application, KeyCredential};
use crate::ms::state::State;

const SHAPE: Shape<'static> = Shape {
    default_top: 100,
    default_select: None,
    type_name: "application",
};
const FILTERABLE: &[&str] = &["id", "appId", "displayName"];

fn key_json(key: &KeyCredential, with_material: bool) -> Value {
    json!({
        "customKeyIdentifier": key.custom_key_identifier,
        "displayName": key.display_name,
        "endDateTime": datetime(key.end),
        "key": with_material.then(|| base64::engine::general_purpose::STANDARD.encode(&key.certificate_der)),
        "keyId": key.key_id,
        "startDateTime": datetime(key.start),
        "type": key.kind,
        "usage": key.usage,
    })
}

impl Cloud {
    /// `with_key_material`: Graph returns `keyCredentials[].key` only when a single app is read
    /// with `$select=keyCredentials`.
    fn application_json(&self, app: &Application, with_key_material: bool) -> Map<String, Value> {
        let value = json!({
            "id": app.id,
            "deletedDateTime": null,
            "appId": app.app_id,
            "applicationTemplateId": null,
            "createdDateTime": datetime(app.created),
            "displayName": app.display_name,
            "description": app.description,
            "groupMembershipClaims": null,
            "identifierUris": app.identifier_uris,
            "isDeviceOnlyAuthSupported": null,
            "isFallbackPublicClient": app.is_fallback_public_client,
            "notes": app.notes,
            "publisherDomain": self.tenant.initial_domain,
            "serviceManagementReference": null,
            "signInAudience": app.sign_in_audience,
            "tags": app.tags,
            "tokenEncryptionKeyId": null,
            "defaultRedirectUri": null,
            "optionalClaims": null,
            "addIns": [],
            "api": {
                "acceptMappedClaims": null,
                "knownClientApplications": [],
                "requestedAccessTokenVersion": null,
                "oauth2PermissionScopes": [],
                "preAuthorizedApplications": [],
            },
            "appRoles": [],
            "info": {
                "logoUrl": null,
                "marketingUrl": null,
                "privacyStatementUrl": null,
                "supportUrl": null,
                "termsOfServiceUrl": null,
            },
            "keyCredentials": app.key_credentials.iter().map(|k| key_json(k, with_key_material)).collect::<Vec<_>>(),
            "passwordCredentials": [],
            "publicClient": { "redirectUris": app.public_client_redirect_uris },
            "requiredResourceAccess": app.required_resource_access,
            "web": {
                "homePageUrl": app.web_home_page_url,
                "logoutUrl": app.web_logout_url,
                "redirectUris": app.web_redirect_uris,
                "implicitGrantSettings": {
                    "enableAccessTokenIssuance": app.access_token_issuance,
                    "enableIdTokenIssuance": app.id_token_issuance,
                },
                "redirectUriSettings": app.web_redirect_uris.iter().map(|uri| json!({ "uri": uri, "index": null })).collect::<Vec<_>>(),
            },
            "spa": { "redirectUris": app.spa_redirect_uris },
        });
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    pub(crate) fn list_applications(&self, call: &GraphCall) -> Result<Response, GraphError> {
        call.caller.require(READ_APPLICATIONS)?;
        let clauses = call.query.filter_clauses(FILTERABLE, "application")?;
        let apps: Vec<Map<String, Value>> = self
            .state()
            .applications
            .iter()
            .filter(|a| a.is_replicated())
            .map(|a| self.application_json(a, false))
            .filter(|a| clauses.iter().all(|c| c.matches(a)))
            .collect();
        ok(call.query.page(
            apps,
            &SHAPE,
            &self.graph_url("applications"),
            self.graph_context(&call.query.context_suffix("applications")),
        )?)
    }

    pub(crate) fn get_application(
        &self,
        call: &GraphCall,
        key: Key<'_>,
    ) -> Result<Response, GraphError> {
        call.caller.require(READ_APPLICATIONS)?;
        let with_material = call
            .query
            .select
            .as_ref()
            .is_some_and(|s| s.iter().any(|p| p.eq_ignore_ascii_case("keyCredentials")));
        let json = {
            let state = self.state();
            let index = replicated_index(&state, key)?;
            self.application_json(&state.applications[index], with_material)
        };
        let fields = call.query.project(json, None, "application")?;
        ok(entity(
            self,
            &format!("{}/$entity", call.query.context_suffix("applications")),
            fields,
        ))
    }

    pub(crate) fn create_application(&self, call: &GraphCall) -> Result<Response, GraphError> {
        call.caller.require(WRITE_APPLICATIONS)?;
        let input = ApplicationInput::parse(call.json_object()?)?;
        let app = input.create(self.switches().replication_delay)?;
        let body = entity(
            self,
            "applications/$entity",
            self.application_json(&app, false),
        );
        tracing::info!(app_id = %app.app_id, name = %app.display_name, "application created");
        self.state().applications.push(app);
        Ok((StatusCode::CREATED, Json(body)).into_response())
    }

    pub(crate) fn update_application(
        &self,
        call: &GraphCall,
        key: Key<'_>,
    ) -> Result<Response, GraphError> {
        call.caller.require(WRITE_APPLICATIONS)?;
        let input = ApplicationInput::parse(call.json_object()?)?;
        let delay = self.switches().replication_delay;
        let mut state = self.state();
        let index = replicated_index(&state, key)?;
        input.apply(&mut state.applications[index], delay)?;
        Ok(StatusCode::NO_CONTENT.into_response())
    }

    pub(crate) fn delete_application(
        &self,
        call: &GraphCall,
        key: Key<'_>,
    ) -> Result<Response, GraphError> {
        call.caller.require(WRITE_APPLICATIONS)?;
        let mut state = self.state();
        let index = replicated_index(&state, key)?;
        let app = state.applications.remove(index);
        if let Some(sp) = state.sp_by_app_id(&app.app_id).cloned() {
            state.remove_service_principal(&sp.id);
        }
        Ok(StatusCode::NO_CONTENT.into_response())
    }
}

/// The position of an app the replicas already see, or Graph's 404.
fn replicated_index(state: &State, key: Key<'_>) -> Result<usize, GraphError> {
    let (id, found) = match key {
        Key::Id(id) => (
            id,
            state
                .applications
                .iter()
                .position(|a| a.id.eq_ignore_ascii_case(id) && a.is_replicated()),
        ),
        Key::AppId(id) => (
            id,
            state
                .applications
                .iter()
                .position(|a| a.app_id.eq_ignore_ascii_case(id) && a.is_replicated()),
        ),
    };
    found.ok_or_else(|| GraphError::not_found(id))
}
