//! `GET /tenant/status`: the PBX's version and the tenant's licence and usage counts.

use std::sync::Arc;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::Pbx;
use super::auth::Caller;
use super::error::ApiError;
use super::state::timestamp;

/// The spec types the counts as `int32`.
fn int32(count: usize) -> i32 {
    i32::try_from(count).unwrap_or(i32::MAX)
}

/// The status as the spec shapes it. The emulator has no SIP side: nobody is registered,
/// nothing rings, so the live counts are zero and the last 24 hours hold 24 empty hours.
pub fn render(pbx: &Pbx) -> Value {
    let (licensed, current) = {
        let state = pbx.lock();
        (state.tenant.licensed_users, state.tenant.users.len())
    };
    let now = OffsetDateTime::now_utc();
    let this_hour = now
        .replace_minute(0)
        .and_then(|t| t.replace_second(0))
        .and_then(|t| t.replace_nanosecond(0))
        .unwrap_or(now);
    let hours: Vec<Value> = (0..24i64)
        .rev()
        .map(|ago| {
            json!({
                "time": timestamp(this_hour - time::Duration::hours(ago)),
                "count": 0,
            })
        })
        .collect();
    json!({
        "version": pbx.capabilities().reported_version,
        "licensed_users": int32(licensed),
        "current_users": int32(current),
        "online_users": 0,
        "current_calls": 0,
        "current_queues": 0,
        "current_conference_rooms": 0,
        "current_ring_groups": 0,
        "current_ivrs": 0,
        "current_trunks": 0,
        "calls_in_24_hours": hours,
    })
}

/// `GET /tenant/status`, for the tenant's administrators (like `GET /tenant`).
pub async fn show(State(pbx): State<Arc<Pbx>>, caller: Caller) -> Result<Response, ApiError> {
    caller.require_tenant_admin()?;
    Ok(axum::Json(render(&pbx)).into_response())
}
