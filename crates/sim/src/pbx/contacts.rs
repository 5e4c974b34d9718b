//! `GET/POST /contacts`: the tenant's company contacts.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::Pbx;
use super::auth::Caller;
use super::error::ApiError;
use super::paging::ListQuery;
use super::state::AuditAction;

const SEARCHED: [&str; 3] = ["name", "email", "company"];

/// `GET /contacts`: every user of the tenant may read them.
pub async fn list(
    State(pbx): State<Arc<Pbx>>,
    caller: Caller,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    caller.require_tenant_user()?;
    let query = ListQuery::parse(&params)?;
    Ok(axum::Json(query.page(pbx.contacts(), &SEARCHED)).into_response())
}

/// `POST /contacts` → `201 {id}`; a contact needs a name.
pub async fn create(
    State(pbx): State<Arc<Pbx>>,
    caller: Caller,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    caller.require_tenant_admin()?;
    let body = pbx.object_body("POST", "/contacts", &bytes)?;
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if name.is_empty() {
        return Err(ApiError::field("name", "is required"));
    }
    let declared = pbx.declared_fields("POST", "/contacts");
    let mut state = pbx.lock();
    let id = state.next_id();
    let mut contact: serde_json::Map<String, Value> = body
        .into_iter()
        .filter(|(k, _)| declared.contains(k))
        .collect();
    contact.insert("id".to_owned(), json!(id));
    state.tenant.contacts.push(contact);
    let who = state.principal_name(&caller.principal);
    state.audit(AuditAction::Create, "CONTACT", &who, &name, None);
    Ok((StatusCode::CREATED, axum::Json(json!({ "id": id }))).into_response())
}
