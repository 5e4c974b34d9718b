//! `GET /audit_logs`: the tenant's audit trail, newest first.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};

use super::Pbx;
use super::auth::Caller;
use super::error::ApiError;
use super::paging::ListQuery;

const SEARCHED: [&str; 3] = ["user_name", "object_name", "object_type"];

pub async fn list(
    State(pbx): State<Arc<Pbx>>,
    caller: Caller,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    caller.require_tenant_admin()?;
    let query = ListQuery::parse(&params)?;
    let mut entries = pbx.audit_log();
    entries.reverse();
    Ok(axum::Json(query.page(entries, &SEARCHED)).into_response())
}
