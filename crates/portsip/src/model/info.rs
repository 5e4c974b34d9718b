use serde::{Deserialize, Serialize};

/// `GET /info`: the PBX's public metadata (no sign-in needed).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Info {
    /// The PBX's web domain.
    pub web_domain: Option<String>,
    /// Private IPv4 address.
    pub private_ipv4: Option<String>,
    /// Public IPv4 address.
    pub public_ipv4: Option<String>,
    /// Whether IPv6 is enabled (spec default: true).
    pub enable_ipv6: Option<bool>,
    /// Private IPv6 address.
    pub private_ipv6: Option<String>,
    /// Public IPv6 address.
    pub public_ipv6: Option<String>,
    /// Primary DNS server.
    pub primary_dns_server: Option<String>,
    /// Secondary DNS server.
    pub secondary_dns_server: Option<String>,
    /// Tenant name (when asked with `domain`).
    pub name: Option<String>,
    /// Tenant SIP domain.
    pub domain: Option<String>,
    /// Tenant web site.
    pub website: Option<String>,
    /// Tenant avatar URL.
    pub avatar_url: Option<String>,
    /// Whether the tenant may use the Microsoft 365 integration.
    pub enable_ms365_integration: Option<bool>,
    /// Where the PBX's Microsoft 365 sign-in starts.
    pub ms365_authorization_endpoint: Option<String>,
}
