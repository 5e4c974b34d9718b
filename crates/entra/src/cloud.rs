use std::fmt;
use std::str::FromStr;

use url::Url;

use crate::error::EntraError;
use crate::http::ensure_secure;

/// A Microsoft national cloud: the names its services go by (scopes, resources, portals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum National {
    /// The worldwide cloud (`login.microsoftonline.com`, `graph.microsoft.com`).
    #[default]
    Global,
    /// Microsoft Azure operated by 21Vianet (`login.chinacloudapi.cn`, `microsoftgraph.chinacloudapi.cn`).
    China,
}

impl National {
    /// Every national cloud, in the order they are offered.
    pub const ALL: [National; 2] = [National::Global, National::China];

    fn authority(self) -> &'static str {
        match self {
            Self::Global => "https://login.microsoftonline.com",
            Self::China => "https://login.chinacloudapi.cn",
        }
    }

    /// The resource identifier that Graph scopes hang off: `https://graph.microsoft.com`.
    pub fn graph_resource(self) -> &'static str {
        match self {
            Self::Global => "https://graph.microsoft.com",
            Self::China => "https://microsoftgraph.chinacloudapi.cn",
        }
    }

    /// `global` or `china`, as `--cloud` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Global => "global",
            Self::China => "china",
        }
    }
}

impl FromStr for National {
    type Err = EntraError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|n| text.trim().eq_ignore_ascii_case(n.name()))
            .ok_or_else(|| EntraError::UnknownCloud {
                name: text.trim().to_owned(),
            })
    }
}

impl fmt::Display for National {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Which Microsoft cloud to talk to, and where its services are reached. Tokens never cross
/// clouds: every scope names the national cloud's Graph resource, wherever it is reached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cloud {
    national: National,
    /// Where the cloud's sign-in and Graph hosts are actually reached (the emulator on
    /// `http://127.0.0.1:PORT`); unset = the national cloud's own hosts.
    endpoint: Option<Url>,
}

impl Cloud {
    /// The worldwide cloud at its own hosts.
    pub const GLOBAL: Cloud = Cloud::of(National::Global);
    /// The 21Vianet cloud at its own hosts.
    pub const CHINA: Cloud = Cloud::of(National::China);

    /// A national cloud at its own hosts.
    pub const fn of(national: National) -> Self {
        Self {
            national,
            endpoint: None,
        }
    }

    /// The worldwide cloud reached at another authority; only https://, or http:// on the
    /// loopback address.
    pub fn custom(authority: &str) -> Result<Self, EntraError> {
        Self::reached_at(National::Global, authority)
    }

    /// `national` reached at another authority (an emulator playing that cloud): its scopes,
    /// resources and names stay those of `national`.
    pub fn reached_at(national: National, authority: &str) -> Result<Self, EntraError> {
        let url = Url::parse(authority).map_err(|e| EntraError::BadUrl {
            url: authority.to_owned(),
            reason: e.to_string(),
        })?;
        ensure_secure(&url)?;
        Ok(Self {
            national,
            endpoint: Some(url),
        })
    }

    pub fn national(&self) -> National {
        self.national
    }

    /// The authority the cloud is reached at instead of its own, if any.
    pub fn endpoint(&self) -> Option<&Url> {
        self.endpoint.as_ref()
    }

    /// The authority root, without a trailing slash: `https://login.microsoftonline.com`.
    pub fn authority(&self) -> String {
        match &self.endpoint {
            Some(url) => url.as_str().trim_end_matches('/').to_owned(),
            None => self.national.authority().to_owned(),
        }
    }

    /// The resource identifier that Graph scopes hang off: `https://graph.microsoft.com`.
    pub fn graph_resource(&self) -> &'static str {
        self.national.graph_resource()
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

    /// `global`, `china`, or an authority URL (the global cloud reached there).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.parse::<National>() {
            Ok(national) => Ok(Self::of(national)),
            Err(_) => Self::custom(text.trim()),
        }
    }
}

impl fmt::Display for Cloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.endpoint {
            None => write!(f, "{}", self.national),
            Some(url) if self.national == National::Global => {
                f.write_str(url.as_str().trim_end_matches('/'))
            }
            Some(url) => write!(
                f,
                "{} at {}",
                self.national,
                url.as_str().trim_end_matches('/')
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovery_urls_follow_msal() -> Result<(), EntraError> {
        assert_eq!(
            Cloud::GLOBAL.discovery_url("organizations")?.as_str(),
            "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration"
        );
        assert_eq!(
            Cloud::CHINA
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
            Cloud::GLOBAL.graph_scope("User.Read"),
            "https://graph.microsoft.com/User.Read"
        );
        assert_eq!(
            Cloud::CHINA.graph_default_scope(),
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
        assert_eq!("GLOBAL".parse::<Cloud>().ok(), Some(Cloud::GLOBAL));
        assert_eq!("china".parse::<Cloud>().ok(), Some(Cloud::CHINA));
        assert!(matches!(
            "http://login.example.com".parse::<Cloud>(),
            Err(EntraError::InsecureUrl { .. })
        ));
        assert!(matches!(
            "not a url".parse::<Cloud>(),
            Err(EntraError::BadUrl { .. })
        ));
        assert!("https://login.example.com".parse::<Cloud>().is_ok());
        assert!(matches!(
            "mars".parse::<National>(),
            Err(EntraError::UnknownCloud { .. })
        ));
    }

    #[test]
    fn a_national_cloud_reached_elsewhere_keeps_its_scopes() -> Result<(), EntraError> {
        let china = Cloud::reached_at(National::China, "http://127.0.0.1:4000/")?;
        assert_eq!(china.national(), National::China);
        assert_eq!(china.authority(), "http://127.0.0.1:4000");
        assert_eq!(
            china.graph_scope("User.Read"),
            "https://microsoftgraph.chinacloudapi.cn/User.Read"
        );
        assert_eq!(china.to_string(), "china at http://127.0.0.1:4000");
        assert_eq!(
            Cloud::custom("http://127.0.0.1:4000")?.to_string(),
            "http://127.0.0.1:4000"
        );
        assert!(Cloud::CHINA.endpoint().is_none());
        Ok(())
    }
}
