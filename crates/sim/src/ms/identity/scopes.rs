//! The `scope` parameter: OpenID Connect scopes, Graph delegated scopes (bare, or prefixed with
//! Graph's URI or app ID) and `.default`.

use std::collections::BTreeSet;

use crate::ms::aad_error::AadError;
use crate::ms::catalog::{self, GRAPH_APP_ID, OIDC_SCOPES};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Scopes {
    /// Canonical Graph scope values, e.g. `User.Read`.
    pub graph: BTreeSet<String>,
    pub oidc: BTreeSet<&'static str>,
    /// `{Graph resource}/.default`: whatever has been consented.
    pub graph_default: bool,
}

fn invalid(scope: &str, why: &str) -> AadError {
    AadError::invalid_scope(
        format!("The provided value for the input parameter 'scope' isn't valid. The scope '{scope}' isn't valid. {why}")
            .trim_end()
            .to_owned(),
    )
}

/// Splits `https://graph.microsoft.com/User.Read` into the resource and the scope name; a bare
/// name belongs to Graph, as Entra assumes.
fn split_resource(scope: &str) -> (Option<&str>, &str) {
    match scope.rfind('/') {
        Some(at) => (Some(&scope[..at]), &scope[at + 1..]),
        None => (None, scope),
    }
}

/// Whether `resource` names Graph in the cloud whose Graph resource is `graph`; the other
/// cloud's Graph URI names no resource there.
fn is_graph(resource: &str, graph: &str) -> bool {
    let resource = resource.trim_end_matches('/');
    resource.eq_ignore_ascii_case(graph) || resource.eq_ignore_ascii_case(GRAPH_APP_ID)
}

fn resource_not_found(resource: &str, tenant_name: &str) -> AadError {
    AadError::new(
        axum::http::StatusCode::BAD_REQUEST,
        "invalid_resource",
        500011,
        format!(
            "The resource principal named {resource} was not found in the tenant named {tenant_name}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant."
        ),
    )
}

impl Scopes {
    /// Parses a delegated request's `scope` in the cloud whose Graph resource is `graph`.
    pub fn parse(raw: &str, graph: &str, tenant_name: &str) -> Result<Scopes, AadError> {
        let mut scopes = Scopes::default();
        for item in raw.split_whitespace() {
            if let Some(oidc) = OIDC_SCOPES.iter().find(|s| s.eq_ignore_ascii_case(item)) {
                scopes.oidc.insert(oidc);
                continue;
            }
            let (resource, name) = split_resource(item);
            if let Some(resource) = resource.filter(|r| !is_graph(r, graph)) {
                return Err(resource_not_found(resource, tenant_name));
            }
            if name == ".default" {
                scopes.graph_default = true;
                continue;
            }
            match catalog::graph_scope(name) {
                Some(p) if !OIDC_SCOPES.contains(&p.value) => {
                    scopes.graph.insert(p.value.to_owned());
                }
                _ => return Err(invalid(item, "")),
            }
        }
        if scopes.graph_default && !scopes.graph.is_empty() {
            return Err(invalid(
                ".default",
                "The .default scope can't be combined with resource-specific scopes.",
            ));
        }
        if scopes.graph.is_empty() && scopes.oidc.is_empty() && !scopes.graph_default {
            return Err(AadError::missing_parameter("scope"));
        }
        Ok(scopes)
    }

    /// Checks a client-credentials request's `scope`: only Graph's `.default` is valid.
    pub fn check_app_only(raw: &str, graph: &str, tenant_name: &str) -> Result<(), AadError> {
        let mut items = raw.split_whitespace().peekable();
        if items.peek().is_none() {
            return Err(AadError::missing_parameter("scope"));
        }
        for item in items {
            let (resource, name) = split_resource(item);
            match resource {
                Some(r) if name == ".default" && is_graph(r, graph) => {}
                Some(r) if name == ".default" => return Err(resource_not_found(r, tenant_name)),
                _ => {
                    return Err(invalid(
                        item,
                        "Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).",
                    ));
                }
            }
        }
        Ok(())
    }

    pub fn has(&self, oidc: &str) -> bool {
        self.oidc.contains(oidc)
    }

    /// The `scp` claim and the response's `scope`: Graph scopes, then the OIDC ones Graph also
    /// lists (never `offline_access`).
    pub fn granted_text(&self) -> String {
        self.graph
            .iter()
            .map(String::as_str)
            .chain(
                ["openid", "profile", "email"]
                    .into_iter()
                    .filter(|s| self.oidc.contains(s)),
            )
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Whether every Graph scope asked for is already in `consented`.
    pub fn covered_by(&self, consented: &BTreeSet<String>) -> bool {
        self.graph.is_subset(consented)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ms::catalog::National;

    const GLOBAL: &str = "https://graph.microsoft.com";

    #[test]
    fn graph_scopes_parse_in_every_spelling() -> Result<(), AadError> {
        let s = Scopes::parse(
            "openid Profile offline_access user.read https://graph.microsoft.com/Application.ReadWrite.All 00000003-0000-0000-c000-000000000000/AppRoleAssignment.ReadWrite.All",
            GLOBAL,
            "Contoso",
        )?;
        assert_eq!(
            s.graph.iter().map(String::as_str).collect::<Vec<_>>(),
            [
                "AppRoleAssignment.ReadWrite.All",
                "Application.ReadWrite.All",
                "User.Read"
            ]
        );
        assert!(s.has("openid") && s.has("profile") && s.has("offline_access"));
        assert_eq!(
            s.granted_text(),
            "AppRoleAssignment.ReadWrite.All Application.ReadWrite.All User.Read openid profile"
        );
        Ok(())
    }

    #[test]
    fn unknown_scopes_and_other_resources_are_refused() {
        assert_eq!(
            Scopes::parse("openid Nope.Nothing", GLOBAL, "C")
                .err()
                .map(|e| e.code),
            Some(70011)
        );
        assert_eq!(
            Scopes::parse(
                "https://microsoftgraph.chinacloudapi.cn/User.Read",
                GLOBAL,
                "C"
            )
            .err()
            .map(|e| e.code),
            Some(500011)
        );
        assert_eq!(
            Scopes::parse(
                "https://graph.microsoft.com/.default User.Read",
                GLOBAL,
                "C"
            )
            .err()
            .map(|e| e.code),
            Some(70011)
        );
        assert_eq!(
            Scopes::parse("  ", GLOBAL, "C").err().map(|e| e.code),
            Some(900144)
        );
    }

    #[test]
    fn each_cloud_knows_only_its_own_graph() -> Result<(), AadError> {
        let china = National::China.graph_resource();
        let s = Scopes::parse(
            "openid https://microsoftgraph.chinacloudapi.cn/User.Read",
            china,
            "C",
        )?;
        assert!(s.graph.contains("User.Read"));
        assert!(
            Scopes::check_app_only(
                "https://microsoftgraph.chinacloudapi.cn/.default",
                china,
                "C"
            )
            .is_ok()
        );
        let refused =
            Scopes::parse("https://graph.microsoft.com/User.Read", china, "Contoso").err();
        assert_eq!(refused.as_ref().map(|e| e.code), Some(500011));
        assert!(refused.is_some_and(|e| e.message.contains(
            "The resource principal named https://graph.microsoft.com was not found in the tenant named Contoso."
        )));
        assert_eq!(
            Scopes::check_app_only("https://graph.microsoft.com/.default", china, "C")
                .err()
                .map(|e| e.code),
            Some(500011)
        );
        Ok(())
    }

    #[test]
    fn app_only_scope_must_be_graph_default() {
        assert!(
            Scopes::check_app_only("https://graph.microsoft.com/.default", GLOBAL, "C").is_ok()
        );
        assert!(
            Scopes::check_app_only("00000003-0000-0000-c000-000000000000/.default", GLOBAL, "C")
                .is_ok()
        );
        assert_eq!(
            Scopes::check_app_only("User.Read.All", GLOBAL, "C")
                .err()
                .map(|e| e.code),
            Some(70011)
        );
        assert_eq!(
            Scopes::check_app_only(
                "https://microsoftgraph.chinacloudapi.cn/.default",
                GLOBAL,
                "C"
            )
            .err()
            .map(|e| e.code),
            Some(500011)
        );
    }
}
