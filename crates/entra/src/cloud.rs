use std::fmt;
use std::str::FromStr;

use url::Url;

use crate::error::EntraError;
use crate::http::ensure_secure;

/// Which Microsoft cloud to talk to. Tokens never cross clouds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cloud {
    /// The worldwide cloud (`login.microsoftonline.com`, `graph.microsoft.com`).
    Global,
    /// Microsoft Azure operated by 21Vianet (`login.chinacloudapi.cn`, `microsoftgraph.chinacloudapi.cn`).
    China,
    /// Any other authority, such as the emulator on `http://127.0.0.1:PORT`. Its Graph scopes are
    /// those of the Global cloud; its Graph host comes from its discovery document.
    Custom(Url),
}

const GLOBAL_AUTHORITY: &str = "https://login.microsoftonline.com";
const CHINA_AUTHORITY: &str = "https://login.chinacloudapi.cn";
const GLOBAL_GRAPH_RESOURCE: &str = "https://graph.microsoft.com";
const CHINA_GRAPH_RESOURCE: &str = "https://microsoftgraph.chinacloudapi.cn";

impl Cloud {
    /// A custom authority; only https://, or http:// on the loopback address.
    pub fn custom(authority: &str) -> Result<Self, EntraError> {
        let url = Url::parse(authority).map_err(|e| EntraError::BadUrl {
            url: authority.to_owned(),
            reason: e.to_string(),
        })?;
        ensure_secure(&url)?;
        Ok(Self::Custom(url))
    }

    /// The authority root, without a trailing slash: `https://login.microsoftonline.com`.
    pub fn authority(&self) -> String {
        match self {
            Self::Global => GLOBAL_AUTHORITY.to_owned(),
            Self::China => CHINA_AUTHORITY.to_owned(),
            Self::Custom(url) => url.as_str().trim_end_matches('/').to_owned(),
        }
    }

    /// The resource identifier that Graph scopes hang off: `https://graph.microsoft.com`.
    pub fn graph_resource(&self) -> &'static str {
        match self {
            Self::Global | Self::Custom(_) => GLOBAL_GRAPH_RESOURCE,
            Self::China => CHINA_GRAPH_RESOURCE,
        }
    }

    /// A delegated Graph scope in the form this cloud needs: `https://graph.microsoft.com/User.Read`.
    pub fn graph_scope(&self, permission: &str) -> String {
        format!("{}/{permission}", self.graph_resource())
    }

    /// The app-only scope: `https://graph.microsoft.com/.default`.
    pub fn graph_default_scope(&self) -> String {
        self.graph_scope(".default")
    }

    /// `{authority}/{tenant}/{path}` as a URL.
    pub(crate) fn tenant_url(&self, tenant: &str, path: &str) -> Result<Url, EntraError> {
        let text = format!("{}/{tenant}/{path}", self.authority());
        Url::parse(&text).map_err(|e| EntraError::BadUrl {
            url: text,
            reason: e.to_string(),
        })
    }

    /// Where MSAL reads the tenant's endpoints from.
    pub fn discovery_url(&self, tenant: &str) -> Result<Url, EntraError> {
        self.tenant_url(tenant, "v2.0/.well-known/openid-configuration")
    }
}

impl FromStr for Cloud {
    type Err = EntraError;

    /// `global`, `china`, or an authority URL.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "global" => Ok(Self::Global),
            "china" => Ok(Self::China),
            _ => Self::custom(text.trim()),
        }
    }
}

impl fmt::Display for Cloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Global => f.write_str("global"),
            Self::China => f.write_str("china"),
            Self::Custom(url) => f.write_str(url.as_str().trim_end_matches('/')),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_urls_follow_msal() -> Result<(), EntraError> {
        assert_eq!(
            Cloud::Global.discovery_url("organizations")?.as_str(),
            "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration"
        );
        assert_eq!(
            Cloud::China
                .discovery_url("contoso.partner.onmschina.cn")?
                .as_str(),
            "https://login.chinacloudapi.cn/contoso.partner.onmschina.cn/v2.0/.well-known/openid-configuration"
        );
        let emulator: Cloud = "http://127.0.0.1:4000/".parse()?;
        assert_eq!(
            emulator.discovery_url("t1")?.as_str(),
            "http://127.0.0.1:4000/t1/v2.0/.well-known/openid-configuration"
        );
        Ok(())
    }

    #[test]
    fn graph_scopes_per_cloud() -> Result<(), EntraError> {
        assert_eq!(
            Cloud::Global.graph_scope("User.Read"),
            "https://graph.microsoft.com/User.Read"
        );
        assert_eq!(
            Cloud::China.graph_default_scope(),
            "https://microsoftgraph.chinacloudapi.cn/.default"
        );
        let emulator = Cloud::custom("http://localhost:9")?;
        assert_eq!(
            emulator.graph_default_scope(),
            "https://graph.microsoft.com/.default"
        );
        Ok(())
    }

    #[test]
    fn parses_names_and_rejects_plain_http_off_loopback() {
        assert_eq!("GLOBAL".parse::<Cloud>().ok(), Some(Cloud::Global));
        assert_eq!("china".parse::<Cloud>().ok(), Some(Cloud::China));
        assert!(matches!(
            "http://login.example.com".parse::<Cloud>(),
            Err(EntraError::InsecureUrl { .. })
        ));
        assert!(matches!(
            "not a url".parse::<Cloud>(),
            Err(EntraError::BadUrl { .. })
        ));
        assert!("https://login.example.com".parse::<Cloud>().is_ok());
    }
}
