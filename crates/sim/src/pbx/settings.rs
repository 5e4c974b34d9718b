//! `GET/POST /ms365` (the tenant's integration) and `GET/POST /admin/ms365` (the system-wide
//! one). A POST changes only the fields it carries; blocks merge field by field. From 22.6,
//! `POST /ms365/destroy` and `POST /admin/ms365/destroy` reset an integration.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::Pbx;
use super::auth::Caller;
use super::body::{Problems, reject};
use super::error::{self, ApiError};
use super::rules::{check_crontab, check_extension, check_guid};
use super::state::{AuditAction, Integration};
use super::version::Capabilities;

/// PortSIP's default schedule: every night at midnight.
const DEFAULT_SYNC_TIME: &str = "0 0 * * *";

/// The feature blocks of the tenant settings and the fields each carries.
const BLOCKS: [(&str, &[&str]); 6] = [
    (
        "users",
        &[
            "enabled",
            "sync_guest_users",
            "sync_photo",
            "starting_extension_number",
            "selected_users",
            "sync_type",
        ],
    ),
    ("sign_in_as_administrator", &["enabled", "selected_users"]),
    (
        "sign_in_as_standard_user",
        &["enabled", "selected_users", "sync_type"],
    ),
    (
        "personal_contacts",
        &["enabled", "selected_users", "sync_type"],
    ),
    (
        "shared_mailbox",
        &["enabled", "selected_users", "sync_type"],
    ),
    ("events", &["enabled", "selected_users", "sync_type"]),
];

/// The editable top-level fields shared by both scopes.
const APP_FIELDS: [&str; 3] = ["national_cloud", "directory_id", "application_id"];

/// A fresh tenant's settings: nothing configured, every feature off.
pub fn tenant_defaults() -> Map<String, Value> {
    let mut settings = Map::new();
    settings.insert("national_cloud".to_owned(), json!("GLOBAL"));
    settings.insert("sync_time".to_owned(), json!(DEFAULT_SYNC_TIME));
    for (block, fields) in BLOCKS {
        let mut values = Map::new();
        for field in fields.iter().copied() {
            let value = match field {
                "selected_users" => json!([]),
                "sync_type" => json!("ALL"),
                // Unset until chosen: an empty string would break the field's own pattern.
                "starting_extension_number" => continue,
                _ => json!(false),
            };
            values.insert(field.to_owned(), value);
        }
        settings.insert(block.to_owned(), Value::Object(values));
    }
    settings
}

/// A fresh PBX's system-wide settings.
pub fn system_defaults() -> Map<String, Value> {
    let mut settings = Map::new();
    settings.insert("national_cloud".to_owned(), json!("GLOBAL"));
    settings
}

fn with_redirects(settings: &Map<String, Value>, redirect: String, sbc: Option<String>) -> Value {
    let mut shown = settings.clone();
    shown.insert("redirect_uri".to_owned(), json!(redirect));
    if let Some(sbc) = sbc {
        shown.insert("sbc_redirect_uri".to_owned(), json!(sbc));
    }
    Value::Object(shown)
}

/// The tenant settings as `GET /ms365` shows them: without the blocks the version played
/// no longer has (an upgraded PBX keeps what was stored, but no longer shows it).
pub fn render_tenant(pbx: &Pbx, integration: &Integration) -> Value {
    let removed = pbx.capabilities().removed_ms365_blocks;
    let mut settings = integration.settings.clone();
    settings.retain(|field, _| !removed.contains(&field.as_str()));
    with_redirects(&settings, pbx.redirect_uri(), pbx.sbc_redirect_uri())
}

/// The blocks of a `POST /ms365` body the version played no longer has.
fn removed_blocks(body: &Map<String, Value>, capabilities: &Capabilities) -> Problems {
    capabilities
        .removed_ms365_blocks
        .iter()
        .filter(|block| body.contains_key(**block))
        .map(|block| {
            (
                (*block).to_owned(),
                format!(
                    "is not a Microsoft 365 setting of PortSIP {}; remove it from the request",
                    capabilities.reported_version
                ),
            )
        })
        .collect()
}

/// The system-wide settings as `GET /admin/ms365` shows them.
pub fn render_system(pbx: &Pbx, integration: &Integration) -> Value {
    with_redirects(&integration.settings, pbx.system_redirect_uri(), None)
}

/// PortSIP's rules beyond the schema.
fn check_rules(body: &Map<String, Value>) -> Problems {
    let mut problems = Vec::new();
    for field in ["directory_id", "application_id"] {
        if let Some(id) = body
            .get(field)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            && let Err(problem) = check_guid(id)
        {
            problems.push((field.to_owned(), problem));
        }
    }
    if let Some(cron) = body.get("sync_time").and_then(Value::as_str)
        && let Err(problem) = check_crontab(cron)
    {
        problems.push(("sync_time".to_owned(), problem));
    }
    if let Some(number) = body
        .get("users")
        .and_then(|u| u.get("starting_extension_number"))
        .and_then(Value::as_str)
        && let Err(problem) = check_extension(number)
    {
        problems.push(("users.starting_extension_number".to_owned(), problem));
    }
    for (block, _) in BLOCKS {
        let selected = body
            .get(block)
            .and_then(|b| b.get("selected_users"))
            .and_then(Value::as_array);
        for (index, user) in selected.into_iter().flatten().enumerate() {
            if user.as_str().is_none_or(|u| u.trim().is_empty()) {
                problems.push((
                    format!("{block}.selected_users.{index}"),
                    "must be a user principal name".to_owned(),
                ));
            }
        }
    }
    problems
}

/// Merges a validated body into the settings; fields the scope (or the version: `removed`)
/// does not have are ignored.
fn merge(
    settings: &mut Map<String, Value>,
    body: &Map<String, Value>,
    with_blocks: bool,
    removed: &[&str],
) {
    let top: &[&str] = if with_blocks {
        &[
            "national_cloud",
            "directory_id",
            "application_id",
            "sync_time",
        ]
    } else {
        &APP_FIELDS
    };
    for field in top.iter().copied() {
        if let Some(value) = body.get(field) {
            settings.insert(field.to_owned(), value.clone());
        }
    }
    if !with_blocks {
        return;
    }
    for (block, fields) in BLOCKS {
        if removed.contains(&block) {
            continue;
        }
        let Some(Value::Object(update)) = body.get(block) else {
            continue;
        };
        let entry = settings
            .entry(block.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(current) = entry {
            for field in fields.iter().copied() {
                if let Some(value) = update.get(field) {
                    current.insert(field.to_owned(), value.clone());
                }
            }
        }
    }
}

fn empty_ok() -> Response {
    StatusCode::OK.into_response()
}

pub async fn show_tenant(
    State(pbx): State<Arc<Pbx>>,
    caller: Caller,
) -> Result<Response, ApiError> {
    caller.require_tenant_admin()?;
    Ok(axum::Json(pbx.ms365_settings()).into_response())
}

pub async fn update_tenant(
    State(pbx): State<Arc<Pbx>>,
    caller: Caller,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    caller.require_tenant_admin()?;
    let capabilities = pbx.capabilities();
    let (body, schema_problems) = pbx.parse_object("POST", "/ms365", &bytes)?;
    // A removed block is named in PortSIP's words first; the contract's complaint about the
    // same field (no value allowed) would only repeat it less clearly.
    let mut problems = removed_blocks(&body, capabilities);
    problems.extend(schema_problems);
    reject(problems, check_rules(&body))?;
    let mut state = pbx.lock();
    let old = Value::Object(state.tenant.integration.settings.clone());
    merge(
        &mut state.tenant.integration.settings,
        &body,
        true,
        capabilities.removed_ms365_blocks,
    );
    let new = Value::Object(state.tenant.integration.settings.clone());
    let who = state.principal_name(&caller.principal);
    state.audit(
        AuditAction::Update,
        "MICROSOFT_365_INTEGRATION",
        &who,
        "Microsoft 365 integration",
        Some((old, new)),
    );
    Ok(empty_ok())
}

pub async fn show_system(
    State(pbx): State<Arc<Pbx>>,
    caller: Caller,
) -> Result<Response, ApiError> {
    caller.require_system_admin()?;
    Ok(axum::Json(pbx.system_ms365_settings()).into_response())
}

pub async fn update_system(
    State(pbx): State<Arc<Pbx>>,
    caller: Caller,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    caller.require_system_admin()?;
    let (body, problems) = pbx.parse_object("POST", "/admin/ms365", &bytes)?;
    reject(problems, check_rules(&body))?;
    merge(&mut pbx.lock().system.settings, &body, false, &[]);
    Ok(empty_ok())
}

/// The destroy actions exist only where the version has them; elsewhere the path is as
/// unknown as any other (404 for every method, before any sign-in check, as the router's
/// fallback answers), and on a version that has it only POST is allowed.
fn destroy_route(pbx: &Pbx, method: &Method) -> Result<(), ApiError> {
    if !pbx.capabilities().destroy_integration {
        return Err(ApiError::not_found("No such API endpoint."));
    }
    if method != Method::POST {
        return Err(ApiError::new(
            StatusCode::METHOD_NOT_ALLOWED,
            error::METHOD_NOT_ALLOWED,
            "This method is not allowed on this endpoint.",
        ));
    }
    Ok(())
}

/// `POST /ms365/destroy` → 204: stops the tenant's Microsoft 365 integration.
///
/// PortSIP documents it only as "stops (resets) the tenant's Microsoft 365 integration". The
/// emulator reads "resets" as: the integration becomes what a fresh tenant has. The settings
/// return to their defaults (no Application or Directory ID, every feature off with no
/// selected users, the default schedule and cloud), and the key pair is deleted, so the next
/// setup must generate a new one and `GET /ms365/certificate` answers 404. The tenant's
/// users, and the Microsoft 365 accounts they are bound to, are PBX data rather than the
/// integration's, and stay. Destroying an integration that is not set up changes nothing and
/// still answers 204, so a reset can be repeated.
pub async fn destroy_tenant(
    State(pbx): State<Arc<Pbx>>,
    method: Method,
    caller: Result<Caller, ApiError>,
) -> Result<Response, ApiError> {
    destroy_route(&pbx, &method)?;
    let caller = caller?;
    caller.require_tenant_admin()?;
    let mut state = pbx.lock();
    let old = Value::Object(state.tenant.integration.settings.clone());
    state.tenant.integration = Integration {
        settings: tenant_defaults(),
        key: None,
    };
    let new = Value::Object(state.tenant.integration.settings.clone());
    let who = state.principal_name(&caller.principal);
    state.audit(
        AuditAction::Delete,
        "MICROSOFT_365_INTEGRATION",
        &who,
        "Microsoft 365 integration",
        Some((old, new)),
    );
    tracing::info!(by = %who, "the tenant's Microsoft 365 integration was destroyed");
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `POST /admin/ms365/destroy` → 204: the same for the system-wide integration.
pub async fn destroy_system(
    State(pbx): State<Arc<Pbx>>,
    method: Method,
    caller: Result<Caller, ApiError>,
) -> Result<Response, ApiError> {
    destroy_route(&pbx, &method)?;
    caller?.require_system_admin()?;
    pbx.lock().system = Integration {
        settings: system_defaults(),
        key: None,
    };
    tracing::info!("the system-wide Microsoft 365 integration was destroyed");
    Ok(StatusCode::NO_CONTENT.into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    type TestResult = Result<(), Box<dyn std::error::Error>>;

    fn object(value: Value) -> Result<Map<String, Value>, serde_json::Error> {
        serde_json::from_value(value)
    }

    #[test]
    fn rules_report_every_field() -> TestResult {
        let body = object(json!({
            "directory_id": "not-a-guid",
            "sync_time": "every night",
            "users": {"starting_extension_number": "0123"},
            "events": {"selected_users": ["a@b.c", ""]}
        }))?;
        let problems = check_rules(&body);
        let fields: Vec<_> = problems.iter().map(|(field, _)| field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "directory_id",
                "sync_time",
                "users.starting_extension_number",
                "events.selected_users.1"
            ]
        );
        Ok(())
    }

    #[test]
    fn merge_keeps_what_the_body_does_not_mention() -> TestResult {
        let mut settings = tenant_defaults();
        let body = object(
            json!({"users": {"enabled": true, "bogus": 1}, "redirect_uri": "x", "sync_time": "5 4 * * *"}),
        )?;
        merge(&mut settings, &body, true, &[]);
        assert_eq!(settings["users"]["enabled"], true);
        assert_eq!(settings["users"]["sync_type"], "ALL");
        assert!(settings["users"].get("bogus").is_none());
        assert!(settings.get("redirect_uri").is_none());
        assert_eq!(settings["sync_time"], "5 4 * * *");
        Ok(())
    }
}
