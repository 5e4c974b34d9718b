use serde::Deserialize;
use url::Url;

use crate::cloud::Cloud;
use crate::error::EntraError;
use crate::http::ensure_secure;
use crate::public_document;
use crate::response_body::BodyKind;
use crate::retry::Waiting;
use crate::untrusted_text::{MESSAGE_CHARS, clean_line};

/// The endpoints of one tenant, read from its OIDC discovery document as MSAL does.
#[derive(Debug, Clone)]
pub struct Endpoints {
    pub authorization: Url,
    pub token: Url,
    pub device_authorization: Option<Url>,
    pub jwks: Url,
    /// May contain the `{tenantid}` placeholder (multi-tenant authorities such as `organizations`).
    pub issuer: String,
    /// `{scheme}://{msgraph_host}/v1.0`
    pub graph_base: Url,
}

#[derive(Deserialize)]
struct Document {
    authorization_endpoint: String,
    token_endpoint: String,
    #[serde(default)]
    device_authorization_endpoint: Option<String>,
    jwks_uri: String,
    issuer: String,
    #[serde(default)]
    msgraph_host: Option<String>,
}

pub(crate) async fn discover(
    http: &reqwest::Client,
    cloud: &Cloud,
    tenant: &str,
    waiting: Waiting<'_>,
) -> Result<Endpoints, EntraError> {
    let url = cloud.discovery_url(tenant)?;
    let context = format!("read the sign-in settings of tenant {tenant:?}");
    let body = public_document::get(http, &url, BodyKind::Discovery, &context, waiting).await?;
    let document: Document = serde_json::from_slice(&body).map_err(|e| EntraError::Discovery {
        url: url.to_string(),
        reason: clean_line(&e.to_string(), MESSAGE_CHARS),
    })?;
    // A cloud reached elsewhere (an emulator playing a national cloud names that cloud's own
    // Graph host) has its Graph where its sign-in is.
    let graph_reached_at = cloud
        .endpoint()
        .map(|_| format!("{}/v1.0", cloud.authority()));
    endpoints_from(&url, document, graph_reached_at.as_deref())
}

fn endpoints_from(
    source: &Url,
    document: Document,
    graph_reached_at: Option<&str>,
) -> Result<Endpoints, EntraError> {
    let endpoint = |text: &str| -> Result<Url, EntraError> {
        let url = Url::parse(text).map_err(|e| EntraError::Discovery {
            url: source.to_string(),
            reason: clean_line(&format!("endpoint {text:?}: {e}"), MESSAGE_CHARS),
        })?;
        ensure_secure(&url)?;
        Ok(url)
    };
    let graph_host = document.msgraph_host.ok_or_else(|| EntraError::Discovery {
        url: source.to_string(),
        reason: "it names no msgraph_host".into(),
    })?;
    Ok(Endpoints {
        authorization: endpoint(&document.authorization_endpoint)?,
        token: endpoint(&document.token_endpoint)?,
        device_authorization: document
            .device_authorization_endpoint
            .as_deref()
            .map(endpoint)
            .transpose()?,
        jwks: endpoint(&document.jwks_uri)?,
        issuer: document.issuer,
        graph_base: match graph_reached_at {
            Some(base) => endpoint(base)?,
            None => endpoint(&format!("{}://{graph_host}/v1.0", source.scheme()))?,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document(graph_host: Option<&str>, token: &str) -> Document {
        Document {
            authorization_endpoint:
                "https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize".into(),
            token_endpoint: token.into(),
            device_authorization_endpoint: Some(
                "https://login.microsoftonline.com/organizations/oauth2/v2.0/devicecode".into(),
            ),
            jwks_uri: "https://login.microsoftonline.com/organizations/discovery/v2.0/keys".into(),
            issuer: "https://login.microsoftonline.com/{tenantid}/v2.0".into(),
            msgraph_host: graph_host.map(str::to_owned),
        }
    }

    const TOKEN: &str = "https://login.microsoftonline.com/organizations/oauth2/v2.0/token";

    #[test]
    fn graph_base_uses_the_authority_scheme_and_msgraph_host()
    -> Result<(), Box<dyn std::error::Error>> {
        let real = Url::parse(
            "https://login.microsoftonline.com/organizations/v2.0/.well-known/openid-configuration",
        )?;
        let endpoints = endpoints_from(&real, document(Some("graph.microsoft.com"), TOKEN), None)?;
        assert_eq!(
            endpoints.graph_base.as_str(),
            "https://graph.microsoft.com/v1.0"
        );
        assert_eq!(endpoints.token.as_str(), TOKEN);

        let emulator = Url::parse("http://127.0.0.1:7000/t/v2.0/.well-known/openid-configuration")?;
        let endpoints = endpoints_from(&emulator, document(Some("127.0.0.1:7000"), TOKEN), None)?;
        assert_eq!(endpoints.graph_base.as_str(), "http://127.0.0.1:7000/v1.0");

        // An emulator playing 21Vianet's cloud names that cloud's Graph host; its Graph is
        // reached where the cloud is.
        let playing_china = endpoints_from(
            &emulator,
            document(Some("microsoftgraph.chinacloudapi.cn"), TOKEN),
            Some("http://127.0.0.1:7000/v1.0"),
        )?;
        assert_eq!(
            playing_china.graph_base.as_str(),
            "http://127.0.0.1:7000/v1.0"
        );
        Ok(())
    }

    #[test]
    fn rejects_missing_graph_host_and_plain_http_endpoints()
    -> Result<(), Box<dyn std::error::Error>> {
        let real = Url::parse("https://login.microsoftonline.com/x")?;
        assert!(matches!(
            endpoints_from(&real, document(None, TOKEN), None),
            Err(EntraError::Discovery { .. })
        ));
        assert!(matches!(
            endpoints_from(
                &real,
                document(Some("graph.microsoft.com"), "http://evil.example/token"),
                None
            ),
            Err(EntraError::InsecureUrl { .. })
        ));
        Ok(())
    }
}
