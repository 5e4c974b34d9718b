//! `GET /info` (public metadata) and `GET /tenant` (the signed-in tenant's configuration).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::Pbx;
use super::auth::Caller;
use super::error::ApiError;

/// `GET /info[?domain=tenant]`: the PBX's public metadata, plus the tenant's when asked.
pub async fn info(
    State(pbx): State<Arc<Pbx>>,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    let mut info = json!({
        "web_domain": pbx.web_domain,
        "private_ipv4": "127.0.0.1",
        "public_ipv4": "127.0.0.1",
        "enable_ipv6": false,
        "private_ipv6": "::1",
        "public_ipv6": "::1",
        "primary_dns_server": "127.0.0.1",
        "secondary_dns_server": "127.0.0.1",
    });
    if let Some(domain) = params.get("domain").filter(|d| !d.is_empty()) {
        let state = pbx.lock();
        let tenant = &state.tenant;
        if !tenant.domain.eq_ignore_ascii_case(domain) {
            return Err(ApiError::not_found(format!(
                "No tenant with the domain {domain:?}."
            )));
        }
        let integration = &tenant.integration;
        let enabled = integration.text("application_id").is_some()
            && integration.text("directory_id").is_some();
        if let Value::Object(fields) = &mut info {
            fields.insert("name".to_owned(), json!(tenant.name));
            fields.insert("domain".to_owned(), json!(tenant.domain));
            fields.insert(
                "website".to_owned(),
                json!(format!("https://www.{}", tenant.domain)),
            );
            fields.insert("enable_ms365_integration".to_owned(), json!(enabled));
        }
    }
    Ok(axum::Json(info).into_response())
}

/// `GET /tenant`: the tenant's configuration, for its administrators.
pub async fn tenant(State(pbx): State<Arc<Pbx>>, caller: Caller) -> Result<Response, ApiError> {
    caller.require_tenant_admin()?;
    let state = pbx.lock();
    let tenant = &state.tenant;
    Ok(axum::Json(json!({
        "id": tenant.id,
        "name": tenant.name,
        "domain": tenant.domain,
        "website": format!("https://www.{}", tenant.domain),
        "timezone": "UTC",
        "currency": "USD",
        "region": "US",
        "enable_video_recording": false,
        "enable_audio_recording": false,
        "enable_dual_track_recording": false,
        "enable_billing": false,
        "enable_feature_billing": false,
        "enable_feature_call_statistics": true,
        "enable_feature_contact_center": true,
        "enable_feature_message_channels": true,
        "enable_feature_microsoft_teams": true,
        "enable_feature_trunks": true,
        "enable_feature_whats_app": true,
        "enable_night_mode": false,
        "enable_two_factor_authentication": false,
        "max_extensions": 1000,
        "max_concurrent_calls": 20,
        "max_ring_groups": 20,
        "max_virtual_receptionists": 20,
        "max_call_queues": 20,
        "max_conference_rooms": 20,
        "disk_quota": "",
        "used_disk_quota": "0",
        "im_disk_quota": "",
        "extension_im_disk_quota": "1GB",
        "recording_retention": 180,
        "call_report_retention": 30,
        "log_retention": 180,
        "temp_file_retention": 30,
    }))
    .into_response())
}
