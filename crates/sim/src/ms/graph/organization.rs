//! `/organization`: the tenant's ID, name and verified domains.

use axum::response::Response;
use serde_json::{Map, Value, json};

use super::auth::READ_ORGANIZATION;
use super::error::GraphError;
use super::odata::datetime;
use super::{GraphCall, Key, entity, ok};
use crate::ms::Cloud;

impl Cloud {
    fn organization_json(&self) -> Map<String, Value> {
        let domains: Vec<Value> = self
            .tenant
            .domains()
            .iter()
            .map(|name| {
                json!({
                    "capabilities": "Email, OfficeCommunicationsOnline",
                    "isDefault": *name == self.tenant.default_domain,
                    "isInitial": *name == self.tenant.initial_domain,
                    "name": name,
                    "type": "Managed",
                })
            })
            .collect();
        let value = json!({
            "id": self.tenant.id,
            "deletedDateTime": null,
            "businessPhones": ["+1 425 555 0100"],
            "city": "Redmond",
            "country": null,
            "countryLetterCode": "US",
            "createdDateTime": datetime(self.tenant.created),
            "displayName": self.tenant.display_name,
            "postalCode": "98052",
            "preferredLanguage": "en",
            "state": "WA",
            "street": "1 Sim Way",
            "tenantType": "AAD",
            "verifiedDomains": domains,
        });
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    pub(crate) fn organization(
        &self,
        call: &GraphCall,
        key: Option<Key<'_>>,
    ) -> Result<Response, GraphError> {
        call.caller.require(READ_ORGANIZATION)?;
        let fields = call
            .query
            .project(self.organization_json(), None, "organization")?;
        match key {
            None => ok(json!({
                "@odata.context": self.graph_context(&call.query.context_suffix("organization")),
                "value": [fields],
            })),
            Some(Key::Id(id)) if id.eq_ignore_ascii_case(&self.tenant.id) => ok(entity(
                self,
                &format!("{}/$entity", call.query.context_suffix("organization")),
                fields,
            )),
            Some(Key::Id(id) | Key::AppId(id)) => Err(GraphError::not_found(id)),
        }
    }
}
