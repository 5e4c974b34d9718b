//! The bearer token on every Graph call: signature, audience, tenant and lifetime, then the
//! delegated scopes (`scp`) or application roles (`roles`) each operation needs.

use axum::http::{HeaderMap, header};
use serde::Deserialize;
use time::OffsetDateTime;

use super::error::GraphError;
use crate::ms::Cloud;
use crate::ms::catalog::GRAPH_APP_ID;
use crate::ms::directory::DirectoryUser;

/// Tolerated clock skew on `nbf`.
const SKEW_SECS: i64 = 300;

#[derive(Debug, Deserialize)]
struct AccessClaims {
    aud: String,
    iss: String,
    tid: String,
    exp: i64,
    nbf: Option<i64>,
    oid: String,
    appid: String,
    idtyp: Option<String>,
    scp: Option<String>,
    #[serde(default)]
    roles: Vec<String>,
}

/// Who is calling Graph, and with which permissions.
#[derive(Debug, Clone)]
pub(crate) struct Caller {
    /// The signed-in user for delegated tokens; `None` for app-only tokens.
    pub user: Option<DirectoryUser>,
    /// The client application's ID.
    pub app_id: String,
    scopes: Vec<String>,
    roles: Vec<String>,
}

/// The permissions that allow an operation: any one delegated scope or application role.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Need {
    pub scopes: &'static [&'static str],
    pub roles: &'static [&'static str],
}

const DIRECTORY_READ: [&str; 2] = ["Directory.Read.All", "Directory.ReadWrite.All"];

pub(crate) const READ_USERS: Need = Need {
    scopes: &[
        "User.ReadBasic.All",
        "User.Read.All",
        "User.ReadWrite.All",
        DIRECTORY_READ[0],
        DIRECTORY_READ[1],
    ],
    roles: &[
        "User.ReadBasic.All",
        "User.Read.All",
        "User.ReadWrite.All",
        DIRECTORY_READ[0],
        DIRECTORY_READ[1],
    ],
};
/// The permissions that read other users' full profiles. `User.ReadBasic.All`, also in
/// [`READ_USERS`], reads only their basic profile (see `users::BASIC_PROFILE`).
const FULL_PROFILES: [&str; 4] = [
    "User.Read.All",
    "User.ReadWrite.All",
    DIRECTORY_READ[0],
    DIRECTORY_READ[1],
];
pub(crate) const READ_FULL_PROFILES: Need = Need {
    scopes: &FULL_PROFILES,
    roles: &FULL_PROFILES,
};
pub(crate) const READ_SELF: Need = Need {
    scopes: &[
        "User.Read",
        "User.ReadWrite",
        "User.ReadBasic.All",
        "User.Read.All",
        "User.ReadWrite.All",
        DIRECTORY_READ[0],
        DIRECTORY_READ[1],
    ],
    roles: &[],
};
pub(crate) const READ_ORGANIZATION: Need = Need {
    scopes: &[
        "User.Read",
        "Organization.Read.All",
        DIRECTORY_READ[0],
        DIRECTORY_READ[1],
    ],
    roles: &[
        "Organization.Read.All",
        DIRECTORY_READ[0],
        DIRECTORY_READ[1],
    ],
};
pub(crate) const READ_APPLICATIONS: Need = Need {
    scopes: &[
        "Application.Read.All",
        "Application.ReadWrite.All",
        "AppRoleAssignment.ReadWrite.All",
        DIRECTORY_READ[0],
        DIRECTORY_READ[1],
    ],
    roles: &[
        "Application.Read.All",
        "Application.ReadWrite.All",
        "Application.ReadWrite.OwnedBy",
        "AppRoleAssignment.ReadWrite.All",
        DIRECTORY_READ[0],
        DIRECTORY_READ[1],
    ],
};
pub(crate) const WRITE_APPLICATIONS: Need = Need {
    scopes: &["Application.ReadWrite.All"],
    roles: &["Application.ReadWrite.All", "Application.ReadWrite.OwnedBy"],
};
pub(crate) const GRANT_APP_ROLES: Need = Need {
    scopes: &["AppRoleAssignment.ReadWrite.All"],
    roles: &["AppRoleAssignment.ReadWrite.All"],
};
pub(crate) const READ_CONTACTS: Need = Need {
    scopes: &["Contacts.Read", "Contacts.ReadWrite"],
    roles: &["Contacts.Read", "Contacts.ReadWrite"],
};

impl Caller {
    fn holds(granted: &[String], wanted: &[&str]) -> bool {
        granted
            .iter()
            .any(|g| wanted.iter().any(|w| w.eq_ignore_ascii_case(g)))
    }

    pub fn allowed(&self, need: Need) -> bool {
        match self.user {
            Some(_) => Self::holds(&self.scopes, need.scopes),
            None => Self::holds(&self.roles, need.roles),
        }
    }

    pub fn require(&self, need: Need) -> Result<(), GraphError> {
        if self.allowed(need) {
            Ok(())
        } else {
            Err(GraphError::denied())
        }
    }

    /// The signed-in user, or Graph's answer to `/me` with an app-only token.
    pub fn me(&self) -> Result<&DirectoryUser, GraphError> {
        self.user.as_ref().ok_or_else(|| {
            GraphError::bad_request(
                "BadRequest",
                "/me request is only valid with delegated authentication flow.",
            )
        })
    }

    /// Granting application permissions also needs an administrator behind a delegated token.
    pub fn require_grant_rights(&self) -> Result<(), GraphError> {
        self.require(GRANT_APP_ROLES)?;
        match &self.user {
            Some(user) if !user.roles.iter().any(|r| r.can_grant_app_roles()) => {
                Err(GraphError::denied())
            }
            _ => Ok(()),
        }
    }
}

impl Cloud {
    pub(crate) fn authenticate_graph(&self, headers: &HeaderMap) -> Result<Caller, GraphError> {
        let token = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| GraphError::invalid_token("Access token is empty."))?;
        let key = self.signer().map_err(|r| {
            GraphError::invalid_token(format!("Access token validation failure. {r}"))
        })?;
        let claims: AccessClaims = key.verify(token).map_err(|_| {
            GraphError::invalid_token("Access token validation failure. Invalid signature.")
        })?;
        let audience_ok = [self.national.graph_resource(), GRAPH_APP_ID]
            .iter()
            .any(|a| claims.aud.trim_end_matches('/').eq_ignore_ascii_case(a));
        if !audience_ok {
            return Err(GraphError::invalid_token(
                "Access token validation failure. Invalid audience.",
            ));
        }
        if claims.tid != self.tenant.id || claims.iss != self.issuer() {
            return Err(GraphError::invalid_token(
                "Access token validation failure. Invalid issuer.",
            ));
        }
        let now = OffsetDateTime::now_utc().unix_timestamp();
        if claims.exp <= now {
            return Err(GraphError::invalid_token(
                "Lifetime validation failed, the token is expired.",
            ));
        }
        if claims.nbf.is_some_and(|nbf| nbf > now + SKEW_SECS) {
            return Err(GraphError::invalid_token(
                "Lifetime validation failed, the token is not yet valid.",
            ));
        }
        let user = match claims.idtyp.as_deref() {
            Some("app") => None,
            _ => Some(
                self.directory
                    .by_id(&claims.oid)
                    .filter(|u| u.account_enabled)
                    .cloned()
                    .ok_or_else(|| {
                        GraphError::invalid_token(
                            "Access token validation failure. The user is not valid.",
                        )
                    })?,
            ),
        };
        Ok(Caller {
            user,
            app_id: claims.appid,
            scopes: claims
                .scp
                .unwrap_or_default()
                .split_whitespace()
                .map(str::to_owned)
                .collect(),
            roles: claims.roles,
        })
    }
}
