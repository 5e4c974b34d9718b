//! What the emulated PBX holds: one tenant with its users, contacts and Microsoft 365
//! integration, the system-wide integration, sessions and the audit trail.

use std::collections::HashMap;
use std::sync::Arc;

use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::certificate::KeyMaterial;
use super::user_table::UserTable;

/// Timestamps as PortSIP writes them (RFC 3339, UTC).
pub fn timestamp(t: OffsetDateTime) -> String {
    t.format(&Rfc3339)
        .unwrap_or_else(|_| t.unix_timestamp().to_string())
}

/// Who a session belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// The PBX's system administrator (signed in without a tenant domain).
    SystemAdmin,
    /// A user of the tenant, by ID.
    User(String),
}

/// An issued access token.
#[derive(Debug, Clone)]
pub struct Session {
    pub principal: Principal,
    pub expires_at: OffsetDateTime,
    /// Authenticated requests made with it, for [`crate::pbx::Pbx::set_access_token_uses`].
    pub uses: u64,
}

/// An issued refresh token.
#[derive(Debug, Clone)]
pub struct RefreshGrant {
    pub principal: Principal,
    pub expires_at: OffsetDateTime,
}

/// A Microsoft 365 integration (the tenant's or the system-wide one).
#[derive(Debug, Default)]
pub struct Integration {
    /// The editable settings, as `GET` shows them (without the read-only redirect URIs).
    pub settings: Map<String, Value>,
    pub key: Option<Arc<KeyMaterial>>,
}

impl Integration {
    pub fn text(&self, field: &str) -> Option<&str> {
        self.settings
            .get(field)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    }
}

/// A PBX user: the fields `GET /users/{id}` shows, plus what it never shows. The SIP
/// extension password is not kept: the emulator has no SIP side.
#[derive(Clone)]
pub struct UserRecord {
    pub id: String,
    /// Every field the detail view shows, `id` included.
    pub fields: Map<String, Value>,
    pub password: String,
    /// The Microsoft 365 account (object ID or UPN) the user is bound to.
    pub binding: Option<String>,
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("name", &self.name())
            .field("password", &"<redacted>")
            .field("binding", &self.binding)
            .finish_non_exhaustive()
    }
}

impl UserRecord {
    pub fn text(&self, field: &str) -> &str {
        self.fields
            .get(field)
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    pub fn name(&self) -> &str {
        self.text("name")
    }

    pub fn role(&self) -> &str {
        self.text("role")
    }

    pub fn enabled(&self) -> bool {
        self.fields
            .get("enabled")
            .and_then(Value::as_bool)
            .unwrap_or(true)
    }
}

/// One tenant of the PBX.
#[derive(Debug)]
pub struct Tenant {
    pub id: String,
    pub name: String,
    pub domain: String,
    pub integration: Integration,
    pub users: UserTable,
    /// Company contacts, each with its `id`.
    pub contacts: Vec<Map<String, Value>>,
    /// How many users the tenant's licence allows; every user counts, enabled or not.
    pub licensed_users: usize,
}

impl Tenant {
    pub fn user(&self, id: &str) -> Option<&UserRecord> {
        self.users.get(id)
    }
}

/// The audit trail entry kinds the emulator writes.
#[derive(Debug, Clone, Copy)]
pub enum AuditAction {
    Create,
    Update,
    Delete,
    Login,
}

impl AuditAction {
    fn code(self) -> &'static str {
        match self {
            Self::Create => "CREATE",
            Self::Update => "UPDATE",
            Self::Delete => "DELETE",
            Self::Login => "LOGIN",
        }
    }
}

/// Everything the PBX holds.
pub struct State {
    pub tenant: Tenant,
    pub system: Integration,
    pub system_admin_password: String,
    pub sessions: HashMap<String, Session>,
    pub refresh_grants: HashMap<String, RefreshGrant>,
    /// Newest last.
    pub audit: Vec<Value>,
    next_id: u64,
}

/// Sessions and passwords stay out of debug output.
impl std::fmt::Debug for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("State")
            .field("tenant", &self.tenant)
            .field("sessions", &self.sessions.len())
            .field("refresh_grants", &self.refresh_grants.len())
            .field("audit", &self.audit.len())
            .finish_non_exhaustive()
    }
}

impl State {
    pub fn new(tenant: Tenant, system: Integration, system_admin_password: String) -> Self {
        Self {
            tenant,
            system,
            system_admin_password,
            sessions: HashMap::new(),
            refresh_grants: HashMap::new(),
            audit: Vec::new(),
            next_id: 0,
        }
    }

    /// A fresh object ID; PortSIP's IDs are large numbers written as strings.
    pub fn next_id(&mut self) -> String {
        self.next_id += 1;
        (700_000_000_000_000_000u64 + self.next_id).to_string()
    }

    /// Appends an entry to the tenant's audit trail.
    pub fn audit(
        &mut self,
        action: AuditAction,
        object_type: &str,
        user_name: &str,
        object_name: &str,
        change: Option<(Value, Value)>,
    ) {
        let id = self.next_id();
        let mut entry = json!({
            "id": id,
            "created_at": timestamp(OffsetDateTime::now_utc()),
            "source": "REST API",
            "ip": "127.0.0.1",
            "action": action.code(),
            "object_type": object_type,
            "user_name": user_name,
            "object_name": object_name,
        });
        if let (Some((old, new)), Some(fields)) = (change, entry.as_object_mut()) {
            fields.insert("old_state".to_owned(), Value::String(old.to_string()));
            fields.insert("new_state".to_owned(), Value::String(new.to_string()));
        }
        self.audit.push(entry);
    }

    /// The display name of a session's owner, for the audit trail.
    pub fn principal_name(&self, principal: &Principal) -> String {
        match principal {
            Principal::SystemAdmin => "admin".to_owned(),
            Principal::User(id) => self
                .tenant
                .user(id)
                .map(|u| u.name().to_owned())
                .unwrap_or_default(),
        }
    }
}
