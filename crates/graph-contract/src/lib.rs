//! Test support: holds Microsoft Graph exchanges to Microsoft's own Graph v1.0 metadata.
//!
//! Microsoft publishes Graph's schema as OData CSDL (`microsoftgraph/msgraph-metadata`);
//! `scripts/graph-contract/cut.py` cuts the types pbx365 and the emulator use out of it into
//! `spec/microsoft/graph-v1.0-{Prod,Mooncake}.json`, one per cloud, recording the commit it read.
//! [`Contract::of`] loads a cloud's cut once; [`Contract::check`] holds one recorded exchange
//! ([`Exchange`]) to it: the type addressed is resolved from the path (entity sets, keys,
//! navigation properties, type casts), then
//! - every property named by `$select`, `$expand`, `$orderby`, `$filter` and `$search`,
//! - every property of the request body,
//! - every property of the response body (a collection's `value` items and an entity alike),
//!
//! must exist on that type or one of its base types — or on the derived type an `@odata.type`
//! names, which must derive from the type expected there — and values must have the property's
//! JSON shape (strings for strings, GUIDs for `Edm.Guid`, members for enums…). OData control
//! information (`@odata.context`, `@odata.nextLink`, `@odata.count` around a collection;
//! `@odata.type`, `@odata.id`, `@odata.etag` and the media annotations on an object;
//! `property@odata.bind` in a request) and instance annotations of other namespaces are allowed;
//! any other key is a violation. Open types are held closed: pbx365 uses no dynamic properties.
//! An error answer (4xx/5xx) must be Graph's `{"error": {"code", "message", …}}`.

mod body;
mod model;
mod path;
mod query;
mod text;

use std::sync::OnceLock;

use serde_json::Value;

use crate::body::Direction;
use crate::model::Schema;
use crate::path::Target;

/// The cut of the worldwide cloud's metadata.
const PROD: &str = include_str!("../../../spec/microsoft/graph-v1.0-Prod.json");
/// The cut of the metadata of the cloud operated by 21Vianet (pbx365's `CHINA`).
const MOONCAKE: &str = include_str!("../../../spec/microsoft/graph-v1.0-Mooncake.json");

/// A Graph cloud whose metadata is cut into `spec/microsoft/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cloud {
    /// `schemas/v1.0-Prod.csdl`: the worldwide cloud (pbx365's `GLOBAL`).
    Prod,
    /// `schemas/v1.0-Mooncake.csdl`: Microsoft Azure operated by 21Vianet (pbx365's `CHINA`).
    Mooncake,
}

impl Cloud {
    pub const ALL: [Cloud; 2] = [Cloud::Prod, Cloud::Mooncake];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Prod => "Prod",
            Self::Mooncake => "Mooncake",
        }
    }

    fn cut(self) -> &'static str {
        match self {
            Self::Prod => PROD,
            Self::Mooncake => MOONCAKE,
        }
    }
}

impl std::fmt::Display for Cloud {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where the cut came from, as `cut.py` recorded it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Source {
    /// `microsoftgraph/msgraph-metadata`.
    pub repository: String,
    /// The full commit hash the metadata was read at.
    pub commit: String,
    /// The CSDL file, e.g. `schemas/v1.0-Prod.csdl`.
    pub file: String,
}

/// One recorded Graph call: what was asked and what was answered.
#[derive(Debug, Clone, Copy)]
pub struct Exchange<'a> {
    pub method: &'a str,
    /// The path as sent, e.g. `/v1.0/servicePrincipals/42/appRoleAssignedTo`.
    pub path: &'a str,
    /// The raw query string without `?` (empty when none).
    pub query: &'a str,
    /// The request body, when it was JSON.
    pub request: Option<&'a Value>,
    pub status: u16,
    /// The response body, when it was JSON.
    pub response: Option<&'a Value>,
}

/// Where in an exchange a violation was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// The path itself.
    Path,
    /// The query option of this name (`$select`, `$filter`…).
    Query(String),
    /// The request body, at this JSON pointer (`""` is the whole body).
    Request(String),
    /// The response body, at this JSON pointer.
    Response(String),
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Path => f.write_str("path"),
            Self::Query(name) => write!(f, "query `{name}`"),
            Self::Request(pointer) => write!(f, "request body {pointer}"),
            Self::Response(pointer) => write!(f, "response body {pointer}"),
        }
    }
}

/// One way an exchange departs from the metadata.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub location: Location,
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// Why a cut could not be used.
#[derive(Debug, Clone, thiserror::Error)]
#[error(
    "the Graph {cloud} cut in spec/microsoft cannot be used: {reason} (re-run scripts/graph-contract/cut.py)"
)]
pub struct ContractError {
    pub cloud: Cloud,
    pub reason: String,
}

/// One cloud's cut of the Graph v1.0 metadata.
#[derive(Debug)]
pub struct Contract {
    cloud: Cloud,
    schema: Schema,
}

impl Contract {
    /// The contract of `cloud`, parsed on first use.
    pub fn of(cloud: Cloud) -> Result<&'static Contract, ContractError> {
        static CONTRACTS: [OnceLock<Result<Contract, ContractError>>; 2] =
            [const { OnceLock::new() }; 2];
        let index = match cloud {
            Cloud::Prod => 0,
            Cloud::Mooncake => 1,
        };
        CONTRACTS[index]
            .get_or_init(|| Self::from_json(cloud, cloud.cut()))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// A contract from a cut's JSON text.
    pub fn from_json(cloud: Cloud, text: &str) -> Result<Contract, ContractError> {
        let schema = Schema::from_json(text).map_err(|reason| ContractError { cloud, reason })?;
        Ok(Contract { cloud, schema })
    }

    pub fn cloud(&self) -> Cloud {
        self.cloud
    }

    /// Where the cut came from.
    pub fn source(&self) -> &Source {
        &self.schema.source
    }

    /// Whether a path is a Graph v1.0 call this contract speaks about (`/v1.0/…`); the identity
    /// platform's endpoints and `/oidc/userinfo` are not.
    pub fn is_graph(path: &str) -> bool {
        path.starts_with("/v1.0/")
    }

    /// Every way the exchange departs from this cloud's metadata; empty when it conforms.
    pub fn check(&self, exchange: &Exchange<'_>) -> Vec<Violation> {
        let mut found = Vec::new();
        let target = match path::resolve(&self.schema, exchange.path) {
            Ok(target) => target,
            Err(message) => {
                found.push(Violation {
                    location: Location::Path,
                    message,
                });
                return found;
            }
        };
        if let Some(item) = target.item_type() {
            query::check(&self.schema, item, exchange.query, &mut found);
        }
        let method = exchange.method.to_ascii_uppercase();
        if let (Some(body), Some(expected)) = (exchange.request, request_type(&method, &target)) {
            body::check_entity(&self.schema, Direction::Request, expected, body, &mut found);
        }
        if let Some(body) = exchange.response {
            if exchange.status >= 400 {
                body::check_error(body, &mut found);
            } else {
                match &target {
                    Target::Entities(item) if method == "GET" => {
                        body::check_collection(&self.schema, item, body, &mut found);
                    }
                    Target::Entities(item) | Target::Entity(item) => {
                        body::check_entity(
                            &self.schema,
                            Direction::Response,
                            item,
                            body,
                            &mut found,
                        );
                    }
                    Target::Raw => {}
                }
            }
        }
        found
    }

    /// Every problem of the exchanges that are Graph calls, one line each
    /// (`GET /v1.0/… → 200 [Prod]: response body /value/0/x: …`).
    pub fn problems<'a>(&self, exchanges: impl IntoIterator<Item = Exchange<'a>>) -> Vec<String> {
        exchanges
            .into_iter()
            .filter(|exchange| Self::is_graph(exchange.path))
            .flat_map(|exchange| {
                let line = exchange_line(&exchange);
                self.check(&exchange)
                    .into_iter()
                    .map(move |violation| format!("{line} [{}]: {violation}", self.cloud))
            })
            .collect()
    }
}

/// The type a request body must have: a new member of a collection, or the changed entity.
fn request_type<'t>(method: &str, target: &'t Target) -> Option<&'t str> {
    match (method, target) {
        ("POST", Target::Entities(item)) => Some(item),
        ("PATCH" | "PUT", Target::Entity(item)) => Some(item),
        _ => None,
    }
}

fn exchange_line(exchange: &Exchange<'_>) -> String {
    let query = if exchange.query.is_empty() {
        String::new()
    } else {
        format!("?{}", exchange.query)
    };
    format!(
        "{} {}{query} → {}",
        exchange.method, exchange.path, exchange.status
    )
}

#[cfg(test)]
mod tests;
