//! `/users`, `/users/{id}` and the Microsoft 365 binding of a user.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::Pbx;
use super::auth::Caller;
use super::body::{Problems, reject};
use super::error::{self, ApiError};
use super::paging::ListQuery;
use super::rules::{check_extension, check_guid, check_user_name};
use super::state::{AuditAction, UserRecord, timestamp};
use super::user_table::UserTable;
use super::version::Capabilities;

/// What `sync_type` says about users that came from (or were bound to) Microsoft 365.
const MICROSOFT_365: &str = "Microsoft 365";

/// The fields a list item shows (the detail view shows every field).
const LIST_FIELDS: [&str; 17] = [
    "id",
    "name",
    "enabled",
    "email",
    "display_name",
    "role",
    "mobile_phone",
    "work_phone",
    "home_phone",
    "address",
    "department",
    "extension_number",
    "created_at",
    "avatar_file_name",
    "avatar_file_size",
    "avatar_file_url",
    "sync_type",
];

/// Fields `search` looks in.
const SEARCHED: [&str; 4] = ["name", "display_name", "email", "extension_number"];

/// The roles a tenant user can have.
const TENANT_ROLES: [&str; 2] = ["Admin", "StandardUser"];

/// Secrets a create request carries that the PBX never shows again.
const SECRETS: [&str; 2] = ["password", "extension_password"];

/// PortSIP's defaults for settings a create request leaves out.
pub fn apply_defaults(fields: &mut Map<String, Value>) {
    for (field, value) in [
        ("enabled", json!(true)),
        ("enable_audio_recording", json!(false)),
        ("enable_video_recording", json!(false)),
        ("enable_hot_desking", json!(false)),
        ("anonymous_outbound_calls", json!(false)),
        ("delivery_outbound_cid", json!(true)),
        ("sms", json!("DISABLE")),
        ("enable_voicemail_pin", json!(true)),
        ("enable_voicemail_notify", json!(false)),
    ] {
        fields.entry(field.to_owned()).or_insert(value);
    }
}

fn list_item(user: &UserRecord) -> Value {
    Value::Object(
        LIST_FIELDS
            .iter()
            .filter_map(|f| user.fields.get(*f).map(|v| ((*f).to_owned(), v.clone())))
            .collect(),
    )
}

fn text<'a>(body: &'a Map<String, Value>, field: &str) -> &'a str {
    body.get(field).and_then(Value::as_str).unwrap_or_default()
}

/// PortSIP's rules for a new user.
fn check_new_user(body: &Map<String, Value>, existing: &UserTable) -> Problems {
    let mut problems = Vec::new();
    let name = text(body, "name");
    if let Err(problem) = check_user_name(name) {
        problems.push(("name".to_owned(), problem));
    } else if existing.has_name(name) {
        problems.push(("name".to_owned(), format!("{name:?} already exists")));
    }
    let extension = text(body, "extension_number");
    if let Err(problem) = check_extension(extension) {
        problems.push(("extension_number".to_owned(), problem));
    } else if existing.has_extension(extension) {
        problems.push((
            "extension_number".to_owned(),
            format!("{extension:?} is already in use"),
        ));
    }
    let role = text(body, "role");
    if !TENANT_ROLES.contains(&role) {
        problems.push((
            "role".to_owned(),
            format!("{role:?} is not one of {}", TENANT_ROLES.join(", ")),
        ));
    }
    let email = text(body, "email");
    if !is_email(email) {
        problems.push((
            "email".to_owned(),
            format!("{email:?} is not an email address"),
        ));
    }
    for secret in SECRETS {
        if text(body, secret).is_empty() {
            problems.push((secret.to_owned(), "must not be empty".to_owned()));
        }
    }
    check_pin(body, &mut problems);
    problems
}

/// The version's `display_name` rules: its length in characters (as JSON Schema's
/// `maxLength` counts them, not bytes), and on an update whether it must be there.
fn check_display_name(
    body: &Map<String, Value>,
    capabilities: &Capabilities,
    update: bool,
    problems: &mut Vec<(String, String)>,
) {
    match body.get("display_name").and_then(Value::as_str) {
        Some(name) if name.chars().count() > capabilities.display_name_max_chars => {
            problems.push((
                "display_name".to_owned(),
                format!(
                    "must be at most {} characters; it has {}",
                    capabilities.display_name_max_chars,
                    name.chars().count()
                ),
            ));
        }
        None if update && capabilities.display_name_required_on_update => {
            problems.push(("display_name".to_owned(), "is required".to_owned()));
        }
        _ => {}
    }
}

/// Refuses a new user the tenant's licence has no room for. Every user counts, enabled or
/// not. PortSIP documents no error for this; the emulator answers 400 with its own code
/// [`error::LICENSE_LIMIT_REACHED`] in PortSIP's error format.
fn check_licence(users: usize, licensed: usize) -> Result<(), ApiError> {
    if users < licensed {
        return Ok(());
    }
    Err(ApiError::new(
        StatusCode::BAD_REQUEST,
        error::LICENSE_LIMIT_REACHED,
        format!(
            "The tenant's licence allows {licensed} users and it has {users}; \
             extend the licence or remove a user before adding another."
        ),
    ))
}

fn check_pin(body: &Map<String, Value>, problems: &mut Vec<(String, String)>) {
    if let Some(pin) = body.get("voicemail_pin").and_then(Value::as_str)
        && !pin.bytes().all(|b| b.is_ascii_digit())
    {
        problems.push(("voicemail_pin".to_owned(), "must be digits only".to_owned()));
    }
}

fn is_email(text: &str) -> bool {
    text.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !text.contains(' ')
    })
}

fn not_found(id: &str) -> ApiError {
    ApiError::not_found(format!("No user with ID {id:?}."))
}

/// `GET /users`.
pub async fn list(
    State(pbx): State<Arc<Pbx>>,
    caller: Caller,
    Query(params): Query<HashMap<String, String>>,
) -> Result<Response, ApiError> {
    caller.require_tenant_admin()?;
    let query = ListQuery::parse(&params)?;
    let page = query.page_of(pbx.lock().tenant.users.as_slice(), list_item, &SEARCHED);
    Ok(axum::Json(page).into_response())
}

/// `POST /users` → `201 {id}`.
pub async fn create(
    State(pbx): State<Arc<Pbx>>,
    caller: Caller,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    caller.require_tenant_admin()?;
    let capabilities = pbx.capabilities();
    let (body, schema_problems) = pbx.parse_object("POST", "/users", &bytes)?;
    let declared = pbx.declared_fields("POST", "/users");
    let mut state = pbx.lock();
    // The version's display_name rule in PortSIP's words first; the contract says the same
    // about that field less clearly (and quoting the whole name).
    let mut problems = Vec::new();
    check_display_name(&body, capabilities, false, &mut problems);
    problems.extend(schema_problems);
    reject(problems, check_new_user(&body, &state.tenant.users))?;
    // A valid request the licence has no room for: checked last, so the admin first sees
    // what is wrong with the user itself.
    check_licence(state.tenant.users.len(), state.tenant.licensed_users)?;
    let id = state.next_id();
    let mut fields: Map<String, Value> = body
        .iter()
        .filter(|(k, _)| declared.contains(k) && !SECRETS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    fields.insert("id".to_owned(), json!(id));
    fields.insert(
        "created_at".to_owned(),
        json!(timestamp(OffsetDateTime::now_utc())),
    );
    apply_defaults(&mut fields);
    let name = text(&body, "name").to_owned();
    state.tenant.users.push(UserRecord {
        id: id.clone(),
        fields,
        password: text(&body, "password").to_owned(),
        binding: None,
    });
    let who = state.principal_name(&caller.principal);
    state.audit(AuditAction::Create, "USER", &who, &name, None);
    Ok((StatusCode::CREATED, axum::Json(json!({ "id": id }))).into_response())
}

/// `GET /users/{id}`: administrators see anyone, other users only themselves.
pub async fn show(
    State(pbx): State<Arc<Pbx>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require_tenant_user()?;
    if caller.require_tenant_admin().is_err() && caller.user_id() != Some(id.as_str()) {
        return Err(ApiError::forbidden(
            "The role StandardUser may only read its own user.",
        ));
    }
    let state = pbx.lock();
    let user = state.tenant.user(&id).ok_or_else(|| not_found(&id))?;
    Ok(axum::Json(Value::Object(user.fields.clone())).into_response())
}

/// `POST /users/{id}`: changes the fields the body carries; name, extension, role and
/// passwords are not changed here.
pub async fn update(
    State(pbx): State<Arc<Pbx>>,
    caller: Caller,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    caller.require_tenant_admin()?;
    let (body, schema_problems) = pbx.parse_object("POST", "/users/{id}", &bytes)?;
    let declared = pbx.declared_fields("POST", "/users/{id}");
    let mut first = Vec::new();
    check_display_name(&body, pbx.capabilities(), true, &mut first);
    first.extend(schema_problems);
    let mut problems = Vec::new();
    if body.contains_key("email") && !is_email(text(&body, "email")) {
        problems.push((
            "email".to_owned(),
            format!("{:?} is not an email address", text(&body, "email")),
        ));
    }
    check_pin(&body, &mut problems);
    reject(first, problems)?;
    let mut state = pbx.lock();
    let (old, new, name) = state
        .tenant
        .users
        .modify(&id, |user| {
            let old = Value::Object(user.fields.clone());
            for (field, value) in body.iter().filter(|(k, _)| declared.contains(k)) {
                user.fields.insert(field.clone(), value.clone());
            }
            (
                old,
                Value::Object(user.fields.clone()),
                user.name().to_owned(),
            )
        })
        .ok_or_else(|| not_found(&id))?;
    let who = state.principal_name(&caller.principal);
    state.audit(AuditAction::Update, "USER", &who, &name, Some((old, new)));
    Ok(StatusCode::OK.into_response())
}

/// `POST /users/{id}/ms365_binding {id}`: binds the user to a Microsoft 365 account (object
/// ID or user principal name); one account binds to one user at most.
pub async fn bind(
    State(pbx): State<Arc<Pbx>>,
    caller: Caller,
    Path(id): Path<String>,
    bytes: Bytes,
) -> Result<Response, ApiError> {
    caller.require_tenant_admin()?;
    let body = pbx.object_body("POST", "/users/{id}/ms365_binding", &bytes)?;
    let account = text(&body, "id").trim().to_owned();
    if check_guid(&account).is_err() && !is_email(&account) {
        return Err(ApiError::field(
            "id",
            format!("{account:?} is neither a Microsoft 365 object ID nor a user principal name"),
        ));
    }
    let mut state = pbx.lock();
    if state.tenant.user(&id).is_none() {
        return Err(not_found(&id));
    }
    if let Some(other) = state.tenant.users.bound_to(&account, &id) {
        return Err(ApiError::field(
            "id",
            format!(
                "{account:?} is already bound to the user {:?}",
                other.name()
            ),
        ));
    }
    let name = state
        .tenant
        .users
        .modify(&id, |user| {
            user.binding = Some(account);
            user.fields
                .insert("sync_type".to_owned(), json!(MICROSOFT_365));
            user.name().to_owned()
        })
        .ok_or_else(|| not_found(&id))?;
    let who = state.principal_name(&caller.principal);
    state.audit(AuditAction::Update, "USER", &who, &name, None);
    Ok(StatusCode::OK.into_response())
}

/// `POST /users/{id}/ms365_binding/destroy` → 204; unbinding an unbound user changes nothing.
pub async fn unbind(
    State(pbx): State<Arc<Pbx>>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    caller.require_tenant_admin()?;
    let mut state = pbx.lock();
    let name = state
        .tenant
        .users
        .modify(&id, |user| {
            user.binding = None;
            user.fields.remove("sync_type");
            user.name().to_owned()
        })
        .ok_or_else(|| not_found(&id))?;
    let who = state.principal_name(&caller.principal);
    state.audit(AuditAction::Update, "USER", &who, &name, None);
    Ok(StatusCode::NO_CONTENT.into_response())
}
