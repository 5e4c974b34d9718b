use url::Url;

use crate::cloud::Cloud;
use crate::error::EntraError;

/// The v2 admin-consent page for `client_id` in `tenant`, asking for the app's configured Graph
/// application permissions (`{graph}/.default`). Entra redirects to `redirect_uri` with
/// `admin_consent=True&tenant&scope&state`, or with `error`/`error_description`.
pub fn admin_consent_url(
    cloud: &Cloud,
    tenant: &str,
    client_id: &str,
    redirect_uri: &str,
    state: &str,
) -> Result<Url, EntraError> {
    let mut url = cloud.tenant_url(tenant, "v2.0/adminconsent")?;
    url.query_pairs_mut()
        .append_pair("client_id", client_id)
        .append_pair("scope", &cloud.graph_default_scope())
        .append_pair("redirect_uri", redirect_uri)
        .append_pair("state", state);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v2_admin_consent_url_per_cloud() -> Result<(), EntraError> {
        let url = admin_consent_url(
            &Cloud::GLOBAL,
            "contoso.onmicrosoft.com",
            "app-1",
            "https://pbx.example/ms365/callback",
            "st",
        )?;
        assert_eq!(
            url.as_str(),
            "https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/adminconsent?client_id=app-1&scope=https%3A%2F%2Fgraph.microsoft.com%2F.default&redirect_uri=https%3A%2F%2Fpbx.example%2Fms365%2Fcallback&state=st"
        );
        let china = admin_consent_url(&Cloud::CHINA, "t", "a", "https://r", "s")?;
        assert!(
            china
                .as_str()
                .starts_with("https://login.chinacloudapi.cn/t/v2.0/adminconsent?")
        );
        assert!(
            china
                .as_str()
                .contains("microsoftgraph.chinacloudapi.cn%2F.default")
        );
        Ok(())
    }
}
