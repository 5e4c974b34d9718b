use crate::client::ApiPath;
use crate::model::{Info, Tenant, TenantStatus};
use crate::{Client, Error};

impl Client {
    /// `GET /info`: public metadata; with `domain`, that tenant's too. Needs no sign-in.
    pub async fn info(&self, domain: Option<&str>) -> Result<Info, Error> {
        let query: Vec<(&'static str, String)> = domain
            .map(|domain| ("domain", domain.to_owned()))
            .into_iter()
            .collect();
        self.get_public_json(&ApiPath::new(&["info"]), &query).await
    }

    /// `GET /tenant`: the signed-in tenant's configuration.
    pub async fn tenant(&self) -> Result<Tenant, Error> {
        self.get_json(&ApiPath::new(&["tenant"]), &[]).await
    }

    /// `GET /tenant/status`: the PBX's version and the tenant's licence and live counts
    /// (tenant administrators). A version text that cannot be read is no error: the status
    /// keeps it raw and [`TenantStatus::version()`] is `None`.
    pub async fn tenant_status(&self) -> Result<TenantStatus, Error> {
        self.get_json(&ApiPath::new(&["tenant", "status"]), &[])
            .await
    }
}
