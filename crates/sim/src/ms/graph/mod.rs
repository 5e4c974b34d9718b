//! Microsoft Graph v1.0 at `{base}/v1.0/…`: every call authenticated by its bearer token and
//! checked against the permissions the operation needs.

mod app_input;
mod applications;
mod auth;
mod error;
mod groups;
mod odata;
mod organization;
mod search;
mod service_principals;
mod users;

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use serde_json::{Map, Value};

pub(crate) use self::app_input::ApplicationInput;
use self::auth::Caller;
use self::error::{GraphError, RequestIds};
use self::odata::ODataQuery;
use super::Cloud;
use crate::faults::Fault;

/// What the fault switches answer instead of a Graph response (`Retry-After` is added by the
/// fault layer), with the request IDs Graph stamps on every answer.
pub(crate) fn fault_answer(fault: Fault, headers: &HeaderMap) -> Response {
    let error = match fault {
        Fault::Throttled => GraphError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "TooManyRequests",
            "Please retry again later.",
        ),
        Fault::ServerError(StatusCode::INTERNAL_SERVER_ERROR) => GraphError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "generalException",
            "An unspecified error has occurred.",
        ),
        Fault::ServerError(status) => GraphError::new(
            status,
            "serviceNotAvailable",
            "The service is temporarily unavailable.",
        ),
    };
    RequestIds::from_headers(headers).error_response(error)
}

pub(crate) fn routes() -> Router<Arc<Cloud>> {
    Router::new()
        .route("/v1.0/{*path}", any(dispatch))
        .route("/oidc/userinfo", get(users::userinfo))
}

/// One Graph call, authenticated and parsed.
#[derive(Debug)]
pub(crate) struct GraphCall {
    pub method: Method,
    pub caller: Caller,
    pub query: ODataQuery,
    pub body: Bytes,
}

impl GraphCall {
    /// The JSON object in the body, or Graph's complaint about it.
    pub fn json_object(&self) -> Result<Map<String, Value>, GraphError> {
        match serde_json::from_slice::<Value>(&self.body) {
            Ok(Value::Object(map)) => Ok(map),
            _ => Err(GraphError::bad_request(
                "BadRequest",
                "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
            )),
        }
    }
}

/// How an object is addressed: `/applications/{id}` or `/applications(appId='…')`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Key<'a> {
    Id(&'a str),
    AppId(&'a str),
}

/// Splits `servicePrincipals(appId='…')` into the collection and the alternate key.
fn alternate_key(segment: &str) -> Option<(&str, &str)> {
    let (collection, rest) = segment.split_once("(appId=")?;
    let app_id = rest
        .strip_suffix(')')?
        .trim_matches(|c| c == '\'' || c == '"');
    Some((collection, app_id))
}

async fn dispatch(
    State(cloud): State<Arc<Cloud>>,
    method: Method,
    Path(path): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let ids = RequestIds::from_headers(&headers);
    let result = cloud
        .authenticate_graph(&headers)
        .and_then(|caller| {
            Ok(GraphCall {
                method,
                caller,
                query: ODataQuery::parse(query.as_deref())?.advanced_if(&headers),
                body,
            })
        })
        .and_then(|call| cloud.route_graph(&call, &path));
    match result {
        Ok(response) => ids.stamp(response),
        Err(err) => ids.error_response(err),
    }
}

impl Cloud {
    fn route_graph(&self, call: &GraphCall, path: &str) -> Result<Response, GraphError> {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let Some((&head, rest)) = segments.split_first() else {
            return Err(unknown_segment(""));
        };
        let (collection, key, tail) = match alternate_key(head) {
            Some((collection, app_id)) => (collection, Some(Key::AppId(app_id)), rest),
            None if head == "me" => (head, None, rest),
            None => match rest.split_first() {
                Some((&id, tail)) => (head, Some(Key::Id(id)), tail),
                None => (head, None, rest),
            },
        };
        let m = &call.method;
        match (collection, key, tail) {
            ("me", None, tail) => {
                let me = call.caller.me()?;
                self.user_resource(call, me, tail)
            }
            ("users", None, []) => match *m {
                Method::GET => self.list_users(call),
                _ => Err(method_not_allowed()),
            },
            ("users", Some(Key::Id(id)), tail) => {
                let user = self
                    .directory
                    .find(id)
                    .ok_or_else(|| GraphError::not_found(id))?;
                self.user_resource(call, user, tail)
            }
            ("groups", None, []) => match *m {
                Method::GET => self.list_groups(call),
                _ => Err(method_not_allowed()),
            },
            ("groups", Some(Key::Id(id)), tail) => self.group_resource(call, id, tail),
            ("organization", _, []) => match *m {
                Method::GET => self.organization(call, key),
                _ => Err(method_not_allowed()),
            },
            ("applications", None, []) => match *m {
                Method::GET => self.list_applications(call),
                Method::POST => self.create_application(call),
                _ => Err(method_not_allowed()),
            },
            ("applications", Some(key), []) => match *m {
                Method::GET => self.get_application(call, key),
                Method::PATCH => self.update_application(call, key),
                Method::DELETE => self.delete_application(call, key),
                _ => Err(method_not_allowed()),
            },
            ("servicePrincipals", None, []) => match *m {
                Method::GET => self.list_service_principals(call),
                Method::POST => self.create_service_principal(call),
                _ => Err(method_not_allowed()),
            },
            ("servicePrincipals", Some(key), tail) => {
                self.service_principal_resource(call, key, tail)
            }
            (other, _, _) => Err(unknown_segment(other)),
        }
    }
}

pub(crate) fn unknown_segment(segment: &str) -> GraphError {
    GraphError::bad_request(
        "BadRequest",
        format!("Resource not found for the segment '{segment}'."),
    )
}

pub(crate) fn method_not_allowed() -> GraphError {
    GraphError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "Request_BadRequest",
        "Specified HTTP method is not allowed for the request target.",
    )
}

/// `200 OK` with a JSON body.
pub(crate) fn ok(body: Value) -> Result<Response, GraphError> {
    Ok((StatusCode::OK, axum::Json(body)).into_response())
}

/// `{@odata.context: "{base}/v1.0/$metadata#{suffix}", ...fields}`.
pub(crate) fn entity(cloud: &Cloud, suffix: &str, fields: Map<String, Value>) -> Value {
    let mut body = Map::new();
    body.insert(
        "@odata.context".into(),
        Value::String(cloud.graph_context(suffix)),
    );
    body.extend(fields);
    Value::Object(body)
}

impl Cloud {
    pub(crate) fn graph_context(&self, suffix: &str) -> String {
        format!("{}/v1.0/$metadata#{suffix}", self.base_url)
    }

    pub(crate) fn graph_url(&self, path: &str) -> String {
        format!("{}/v1.0/{path}", self.base_url)
    }
}
