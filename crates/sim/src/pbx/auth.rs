//! Sign-in, tokens and roles: `POST /login`, `GET /login`, `POST /auth/refresh_token`, and the
//! [`Caller`] every protected endpoint starts from.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::Pbx;
use super::error::{self, ApiError};
use super::rules::is_reserved_name;
use super::state::{AuditAction, Principal, RefreshGrant, Session, State as PbxState, timestamp};

/// Refresh tokens live a week (unless revoked by the switch).
const REFRESH_LIFETIME: time::Duration = time::Duration::days(7);

/// The roles the emulated PBX tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    SystemAdmin,
    Admin,
    StandardUser,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SystemAdmin => "SystemAdmin",
            Self::Admin => "Admin",
            Self::StandardUser => "StandardUser",
        }
    }
}

/// The authenticated caller of a protected endpoint.
#[derive(Debug, Clone)]
pub struct Caller {
    pub principal: Principal,
    pub role: Role,
    pub access_token: String,
    pub expires_at: OffsetDateTime,
}

impl Caller {
    /// The tenant user's ID, or `None` for the system administrator.
    pub fn user_id(&self) -> Option<&str> {
        match &self.principal {
            Principal::User(id) => Some(id),
            Principal::SystemAdmin => None,
        }
    }

    /// Only the system administrator may pass.
    pub fn require_system_admin(&self) -> Result<(), ApiError> {
        match self.role {
            Role::SystemAdmin => Ok(()),
            role => Err(ApiError::forbidden(format!(
                "The role {} may not manage the system-wide Microsoft 365 integration; \
                 sign in as the system administrator (without a tenant domain).",
                role.as_str()
            ))),
        }
    }

    /// Only the tenant's administrators may pass.
    pub fn require_tenant_admin(&self) -> Result<(), ApiError> {
        match self.role {
            Role::Admin => Ok(()),
            Role::SystemAdmin => Err(ApiError::forbidden(
                "The system administrator has no tenant scope here; sign in with the tenant's \
                 domain as one of its administrators.",
            )),
            Role::StandardUser => Err(ApiError::forbidden(
                "The role StandardUser may not use this endpoint; it needs a tenant administrator.",
            )),
        }
    }

    /// Any user of the tenant may pass.
    pub fn require_tenant_user(&self) -> Result<(), ApiError> {
        match self.role {
            Role::Admin | Role::StandardUser => Ok(()),
            Role::SystemAdmin => self.require_tenant_admin(),
        }
    }
}

fn new_token() -> String {
    format!(
        "{}{}",
        uuid::Uuid::new_v4().simple(),
        uuid::Uuid::new_v4().simple()
    )
}

fn role_of(state: &PbxState, principal: &Principal) -> Option<Role> {
    match principal {
        Principal::SystemAdmin => Some(Role::SystemAdmin),
        Principal::User(id) => {
            let user = state.tenant.user(id).filter(|u| u.enabled())?;
            Some(if user.role() == "Admin" {
                Role::Admin
            } else {
                Role::StandardUser
            })
        }
    }
}

impl FromRequestParts<Arc<Pbx>> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, pbx: &Arc<Pbx>) -> Result<Self, ApiError> {
        let header = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                ApiError::unauthorized("Sign in first: the Authorization header is missing.")
            })?;
        let token = header
            .split_once(' ')
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .ok_or_else(|| {
                ApiError::unauthorized("The Authorization header must be `Bearer <access token>`.")
            })?;
        let uses = pbx.access_token_uses();
        let mut state = pbx.lock();
        let session = state.sessions.get_mut(token).ok_or_else(|| {
            ApiError::unauthorized("The access token is not valid; sign in again.")
        })?;
        session.uses += 1;
        if uses != 0 && session.uses > uses {
            session.expires_at = OffsetDateTime::now_utc();
        }
        let session = session.clone();
        if session.expires_at <= OffsetDateTime::now_utc() {
            return Err(ApiError::new(
                StatusCode::UNAUTHORIZED,
                error::TOKEN_EXPIRED,
                "The access token has expired; refresh it or sign in again.",
            ));
        }
        let role = role_of(&state, &session.principal).ok_or_else(|| {
            ApiError::unauthorized("The account behind this token no longer exists or is disabled.")
        })?;
        Ok(Caller {
            principal: session.principal,
            role,
            access_token: token.to_owned(),
            expires_at: session.expires_at,
        })
    }
}

/// Issues an access token and a refresh token for `principal`.
fn issue(
    pbx: &Pbx,
    state: &mut PbxState,
    principal: Principal,
) -> (String, String, OffsetDateTime) {
    let now = OffsetDateTime::now_utc();
    let lifetime =
        time::Duration::try_from(pbx.access_token_lifetime()).unwrap_or(time::Duration::HOUR);
    let expires_at = now + lifetime;
    // Tokens expired for an hour are forgotten, so a long demo does not accumulate them.
    state
        .sessions
        .retain(|_, s| s.expires_at + time::Duration::HOUR > now);
    let access = new_token();
    let refresh = new_token();
    state.sessions.insert(
        access.clone(),
        Session {
            principal: principal.clone(),
            expires_at,
            uses: 0,
        },
    );
    state.refresh_grants.insert(
        refresh.clone(),
        RefreshGrant {
            principal,
            expires_at: now + REFRESH_LIFETIME,
        },
    );
    (access, refresh, expires_at)
}

fn seconds_until(t: OffsetDateTime) -> i64 {
    (t - OffsetDateTime::now_utc()).whole_seconds().max(0)
}

fn login_failed() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        error::LOGIN_FAILED,
        "Invalid username, password or domain.",
    )
}

/// `POST /login {username, password, domain?}`.
pub async fn login(State(pbx): State<Arc<Pbx>>, bytes: Bytes) -> Result<Response, ApiError> {
    let body = pbx.object_body("POST", "/login", &bytes)?;
    let text = |field: &str| body.get(field).and_then(Value::as_str).unwrap_or_default();
    let (username, password, domain) = (text("username"), text("password"), text("domain"));
    let mut state = pbx.lock();
    let principal = if domain.is_empty() {
        // Without a domain only the system administrator can sign in.
        let valid = is_reserved_name(username)
            && username.eq_ignore_ascii_case(&pbx.demo.system_admin.username)
            && password == state.system_admin_password;
        valid.then_some(Principal::SystemAdmin)
    } else if domain.eq_ignore_ascii_case(&state.tenant.domain) {
        state
            .tenant
            .users
            .by_name_or_extension(username)
            .filter(|u| u.password == password && u.enabled())
            .map(|u| Principal::User(u.id.clone()))
    } else {
        None
    }
    .ok_or_else(login_failed)?;
    let role = role_of(&state, &principal).ok_or_else(login_failed)?;
    let (access, refresh, expires_at) = issue(&pbx, &mut state, principal.clone());
    // The tenant's audit trail records its own users, not the system administrator.
    if let Principal::User(_) = &principal {
        let name = state.principal_name(&principal);
        state.audit(AuditAction::Login, "LOGIN", &name, &name, None);
    }
    Ok(axum::Json(json!({
        "access_token": access,
        "refresh_token": refresh,
        "token_type": "Bearer",
        "expires_in": seconds_until(expires_at),
        "expires_at": timestamp(expires_at),
        "role": role.as_str(),
    }))
    .into_response())
}

/// `GET /login`: the state of the caller's session.
pub async fn status(caller: Caller) -> Response {
    axum::Json(json!({
        "access_token": caller.access_token,
        "expires_at": timestamp(caller.expires_at),
        "expires_in": seconds_until(caller.expires_at),
        "role": caller.role.as_str(),
    }))
    .into_response()
}

/// `POST /auth/refresh_token {refresh_token}`: a new access token and a new refresh token;
/// the old refresh token is used up.
pub async fn refresh(State(pbx): State<Arc<Pbx>>, bytes: Bytes) -> Result<Response, ApiError> {
    let body = pbx.object_body("POST", "/auth/refresh_token", &bytes)?;
    let presented = body
        .get("refresh_token")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut state = pbx.lock();
    let invalid = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            error::INVALID_REFRESH_TOKEN,
            "The refresh token is not valid or has expired; sign in again.",
        )
    };
    let grant = state.refresh_grants.remove(presented).ok_or_else(invalid)?;
    if grant.expires_at <= OffsetDateTime::now_utc() || role_of(&state, &grant.principal).is_none()
    {
        return Err(invalid());
    }
    let (access, refresh, expires_at) = issue(&pbx, &mut state, grant.principal);
    Ok(axum::Json(json!({
        "token_type": "Bearer",
        "access_token": access,
        "refresh_token": refresh,
        "expires_in": seconds_until(expires_at),
    }))
    .into_response())
}
