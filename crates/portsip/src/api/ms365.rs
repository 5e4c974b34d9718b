use crate::client::ApiPath;
use crate::model::{
    GlobalMs365Settings, GlobalMs365SettingsUpdate, Ms365Settings, Ms365SettingsUpdate, Ms365User,
    Page,
};
use crate::{Client, Error};

impl Client {
    /// `GET /ms365`: the tenant's Microsoft 365 integration, with its Redirect URI(s).
    pub async fn ms365(&self) -> Result<Ms365Settings, Error> {
        self.get_json(&ApiPath::new(&["ms365"]), &[]).await
    }

    /// `POST /ms365`: saves the tenant's integration settings. Fields left `None` are not sent.
    pub async fn set_ms365(&self, settings: &Ms365SettingsUpdate) -> Result<(), Error> {
        self.post(&ApiPath::new(&["ms365"]), Some(settings)).await?;
        Ok(())
    }

    /// `POST /ms365/destroy` (PortSIP 22.6 and later): stops the tenant's Microsoft 365
    /// integration — its settings return to the defaults and its key pair is deleted; the
    /// tenant's users and their Microsoft 365 bindings stay. Older versions answer
    /// [`Error::NotFound`]. Destroying an integration that is not set up changes nothing, so
    /// the request is sent again freely after trouble.
    pub async fn destroy_ms365(&self) -> Result<(), Error> {
        self.post::<()>(&ApiPath::new(&["ms365", "destroy"]), None)
            .await?;
        Ok(())
    }

    /// `GET /admin/ms365`: the system-wide integration (SystemAdmin only).
    pub async fn global_ms365(&self) -> Result<GlobalMs365Settings, Error> {
        self.get_json(&ApiPath::new(&["admin", "ms365"]), &[]).await
    }

    /// `POST /admin/ms365`: saves the system-wide integration (SystemAdmin only).
    pub async fn set_global_ms365(
        &self,
        settings: &GlobalMs365SettingsUpdate,
    ) -> Result<(), Error> {
        self.post(&ApiPath::new(&["admin", "ms365"]), Some(settings))
            .await?;
        Ok(())
    }

    /// `GET /ms365/users`: the Microsoft 365 users the PBX itself can read through Graph with
    /// its certificate — the end-to-end proof that the integration works.
    pub async fn ms365_users(&self) -> Result<Page<Ms365User>, Error> {
        self.get_json(&ApiPath::new(&["ms365", "users"]), &[]).await
    }
}
